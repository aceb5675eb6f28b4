"""The graph store: the domain model, its Cypher, the embedded ArcadeDB and the repository.

Nothing outside this package imports the ``neo4j`` driver.
"""
