"""Shared fixtures: one real store per test session, talked to over Bolt.

``store`` is parametrised over the backends: the embedded ArcadeDB the project starts
itself (always), and a real Neo4j 5 when ``DEFENSORES_NEO4J_URI`` is set (skipped
otherwise, with the reason shown by ``-ra``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.config import StoreConfig
from graph.repository import counts, delete_all_data
from graph.store import Store
from server import open_store

BACKENDS = ["arcadedb", "neo4j"]


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="session", params=BACKENDS)
def store_session(request: pytest.FixtureRequest, session_data_dir: Path) -> Iterator[Store]:
    if request.param == "neo4j":
        if not os.environ.get("DEFENSORES_NEO4J_URI"):
            pytest.skip("DEFENSORES_NEO4J_URI not set: no Neo4j server to test against")
        config = StoreConfig.from_env()
        with Store.open(config) as probe:
            totals = counts(probe)
        if totals["nodes"] - totals["by_label"]["SchemaVersion"] > 0:
            pytest.skip(
                "the Neo4j database holds data; the store tests empty it, so they "
                "run only against an empty database"
            )
    else:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
        config = StoreConfig.from_env(env, data_dir=str(session_data_dir))
    store = open_store(config)
    yield store
    store.close()


@pytest.fixture
def store(store_session: Store) -> Store:
    """The session's store, emptied (schema kept) before each test."""
    delete_all_data(store_session, confirm=store_session.database)
    return store_session
