"""GraphQL schema (strawberry): types, resolvers, DataLoaders, permissions."""
