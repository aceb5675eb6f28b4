"""The store a benchmark runs on: the embedded ArcadeDB, or a Neo4j it starts itself.

``--backend arcadedb|neo4j|both`` (default ``arcadedb``, so the commands recorded in
BENCHMARKS.md reproduce). ``running_store`` opens a fresh, empty store of either kind in a
directory of its own and hands back what a benchmark needs besides the ``Store``: the
Bolt address and login for the bare driver (the baseline, against the same server), the
``DEFENSORES_*`` settings for a child process, and the store's JVM for its CPU and memory.

For Neo4j each call starts its own ``graph.store.local_neo4j.LocalNeo4j`` (Community Edition,
one user database, ~12 s to start) and stops it on the way out, an exception or Ctrl-C
included: a fresh server per store, as a fresh embedded data dir is for ArcadeDB.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
import psutil

from graph.store.bolt import Store
from graph.store.config import StoreConfig
from graph.store.datadir import USER, Paths, read_secret, read_state
from graph.store.local_neo4j import LocalNeo4j
from graph.store.migrations import open_store

ARCADEDB = "arcadedb"
NEO4J = "neo4j"
BACKENDS = (ARCADEDB, NEO4J)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--backend`` and ``--neo4j-heap``."""
    parser.add_argument(
        "--backend",
        choices=(*BACKENDS, "both"),
        default=ARCADEDB,
        help="the store to measure: the embedded ArcadeDB, a Neo4j 5 started here, or "
        "both in turn with a side-by-side table (default: arcadedb)",
    )
    parser.add_argument("--neo4j-heap", default="1g", help="heap of each Neo4j started here")


def chosen(backend: str) -> tuple[str, ...]:
    """The backends ``--backend`` names, in the order they run."""
    return BACKENDS if backend == "both" else (backend,)


def clean_env() -> dict[str, str]:
    """This process's environment without any ``DEFENSORES_*`` setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}


@dataclass(frozen=True)
class Running:
    """An open store and how to reach its server without the project."""

    backend: str
    store: Store
    data_dir: Path
    uri: str
    user: str
    password: str = field(repr=False)
    settings: dict[str, str] = field(repr=False)  # DEFENSORES_* for a child process
    jvm: psutil.Process

    def driver(self) -> neo4j.Driver:
        """A bare driver on the same server (the caller closes it)."""
        return neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password))


@contextmanager
def running_store(backend: str, data_dir: Path, neo4j_heap: str = "1g") -> Iterator[Running]:
    """A fresh store of ``backend`` with its files in ``data_dir`` (created if missing)."""
    if backend == NEO4J:
        with _neo4j_store(data_dir, neo4j_heap) as running:
            yield running
    elif backend == ARCADEDB:
        with _embedded_store(data_dir) as running:
            yield running
    else:
        raise ValueError(f"unknown backend {backend!r}")


@contextmanager
def _embedded_store(data_dir: Path) -> Iterator[Running]:
    data_dir.mkdir(parents=True, exist_ok=True)
    config = StoreConfig.from_env(clean_env(), data_dir=str(data_dir))
    with open_store(config) as store:
        paths = Paths(data_dir.resolve())
        state = read_state(paths)
        assert state is not None
        yield Running(
            ARCADEDB,
            store,
            data_dir,
            state.bolt_uri,
            USER,
            read_secret(paths, create=False),
            {"DEFENSORES_DATA_DIR": str(data_dir)},
            psutil.Process(state.jvm_pid),
        )


def quiet_notifications() -> None:
    """Keep Neo4j's query notifications (a label or property not yet in the store, logged
    as warnings for the first statements on an empty database) out of the figures."""
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


@contextmanager
def _neo4j_store(data_dir: Path, heap: str) -> Iterator[Running]:
    quiet_notifications()
    with LocalNeo4j.start(data_dir / "neo4j-server", heap=heap) as server:
        settings = server.env()
        config = StoreConfig.from_env(clean_env() | settings, data_dir=str(data_dir))
        with open_store(config) as store:
            yield Running(
                NEO4J,
                store,
                data_dir,
                server.uri,
                server.user,
                server.password,
                settings,
                psutil.Process(server.process.pid),
            )
