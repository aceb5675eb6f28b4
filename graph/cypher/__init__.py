"""All Cypher: the write statements and the read statements (with the viewer's conditions)."""
