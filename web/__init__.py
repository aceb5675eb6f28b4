"""The static pages the server serves beside the API: the GraphiQL IDE and the explorer."""
