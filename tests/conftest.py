"""Shared fixtures: one real store per test session, talked to over Bolt.

``store`` is parametrised over the backends, both started by the project once per run:
the embedded ArcadeDB, and a Neo4j 5 Community server (``graph.store.local_neo4j``, its jars
resolved by Maven) when Java and Maven are on the machine. ``DEFENSORES_NEO4J_URI``
points the Neo4j half at another, empty, server instead. Without Java or Maven the
Neo4j half is left out, and one line at the end of the run says so and why; with
``DEFENSORES_REQUIRE_NEO4J=1`` (as ``.ci/run`` sets) a Neo4j that cannot start fails
the run instead, so compatibility cannot rot silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from graph.errors import StoreStartError
from graph.store.bolt import Store
from graph.store.config import StoreConfig
from graph.store.local_neo4j import LocalNeo4j, missing_tools
from graph.store.migrations import open_store
from graph.store.repository import counts, delete_all_data
from tests.processes import child_env

BACKENDS = ["arcadedb", "neo4j"]
REQUIRE_NEO4J = "DEFENSORES_REQUIRE_NEO4J"
NEO4J_FIXTURES = frozenset({"neo4j_session", "neo4j_config", "local_neo4j"})
_neo4j_skipped: list[str] = []


def _required() -> bool:
    return os.environ.get(REQUIRE_NEO4J, "").strip() not in ("", "0")


def _without_neo4j(why: str) -> NoReturn:
    """Skip the Neo4j half, or fail it when the run requires Neo4j."""
    if _required():
        pytest.fail(f"Neo4j is required ({REQUIRE_NEO4J}) but {why}", pytrace=False)
    if not _neo4j_skipped:
        _neo4j_skipped.append(why)
    pytest.skip(f"Neo4j half skipped: {why}")


def _uses_neo4j(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("store_session") == "neo4j":
        return True
    return bool(NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Java or Maven (and not required), the Neo4j half is left out whole, and
    the run's last line says so once instead of a skip line per test."""
    if os.environ.get("DEFENSORES_NEO4J_URI") or _required():
        return
    why = missing_tools()
    if why is None:
        return
    dropped = [item for item in items if _uses_neo4j(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not _uses_neo4j(item)]
        _neo4j_skipped.append(f"{why}; {len(dropped)} tests left out")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for why in _neo4j_skipped:
        terminalreporter.write_line(f"the Neo4j half of the store tests was skipped: {why}")


@pytest.fixture(scope="session")
def local_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j]:
    """The Neo4j server the project starts for this run (once)."""
    why = missing_tools()
    if why:
        _without_neo4j(why)
    try:
        server = LocalNeo4j.start(tmp_path_factory.mktemp("neo4j"))
    except StoreStartError as exc:
        _without_neo4j(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_config(request: pytest.FixtureRequest, session_data_dir: Path) -> StoreConfig:
    """How to reach the Neo4j half: a server given by ``DEFENSORES_NEO4J_URI``, or the
    project's own."""
    if os.environ.get("DEFENSORES_NEO4J_URI"):
        return StoreConfig.from_env()
    server: LocalNeo4j = request.getfixturevalue("local_neo4j")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    return StoreConfig.from_env(env | server.env(), data_dir=str(session_data_dir))


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


def _open_empty(config: StoreConfig) -> Store:
    with Store.open(config) as probe:
        totals = counts(probe)
    schema = sum(totals["by_label"].get(label, 0) for label in ("SchemaVersion", "Sequence"))
    if totals["nodes"] - schema > 0:
        pytest.skip(
            "the Neo4j database holds data; the store tests empty it, so they "
            "run only against an empty database"
        )
    return open_store(config)


@pytest.fixture(scope="session")
def arcadedb_session(session_data_dir: Path) -> Iterator[Store]:
    """The embedded ArcadeDB, started once per run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    store = open_store(StoreConfig.from_env(env, data_dir=str(session_data_dir)))
    yield store
    store.close()


@pytest.fixture(scope="session")
def neo4j_session(neo4j_config: StoreConfig) -> Iterator[Store]:
    """Neo4j 5, started once per run (or the empty server ``DEFENSORES_NEO4J_URI`` names)."""
    store = _open_empty(neo4j_config)
    yield store
    store.close()


@pytest.fixture(scope="session", params=BACKENDS)
def store_session(request: pytest.FixtureRequest) -> Store:
    """Each backend's store in turn: every test that uses it runs on both."""
    store: Store = request.getfixturevalue(f"{request.param}_session")
    return store


@pytest.fixture
def store_env(store_session: Store, request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment that points a child process (the command line) at the same store
    as ``store``."""
    return child_env(request, store_session)


@pytest.fixture
def store(store_session: Store) -> Store:
    """The session's store, emptied (schema kept) before each test."""
    delete_all_data(store_session, confirm=store_session.database)
    return store_session
