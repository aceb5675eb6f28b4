"""The store: the Bolt driver, the embedded ArcadeDB, a local Neo4j, configuration, migrations,
backups and the generic repository.
"""
