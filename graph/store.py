"""The connection to the graph store: one driver, one database, explicit routing.

``Store.open(config)`` connects to Neo4j 5 when ``DEFENSORES_NEO4J_URI`` is set, or
joins (starting it if needed) the embedded ArcadeDB for the data dir. Either way the
rest of the code sees the same object: ``read`` and ``write`` for single statements,
``transaction`` for a unit of work that commits whole or not at all.

When the store stops answering, callers get ``StoreUnavailable`` once the driver has
retried for ``retry_time`` seconds. The embedded store is then joined again in the
background: its keeper restarts a JVM that died on the same ports (the driver simply
reconnects), and if the keeper itself is gone a new one is started, on new ports, and
the driver is swapped for one that points there. No process has to be restarted.

This module and the rest of ``graph/`` are the only places that import ``neo4j``.
Driver exceptions are turned into the project's own (``StoreError``, ``ConflictError``)
here, with messages that carry no secret.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph.config import EMBEDDED, StoreConfig
from graph.embedded import EmbeddedStore
from graph.errors import ConflictError, StoreError, StoreUnavailable

log = logging.getLogger(__name__)
# Two writers that MERGE the same new key at once (overlapping ingests) can both decide
# to create it; the store then refuses the second on its unique index. Every write here
# is an idempotent MERGE, so running it again finds the node the other one made.
CONFLICT_RETRIES = 4

QUIET_NOTIFICATIONS = [neo4j.NotificationDisabledClassification.UNRECOGNIZED]

T = TypeVar("T")
Row = dict[str, Any]


class Tx(Protocol):
    """What a unit of work sees: run a statement, get its rows."""

    def run(self, query: str, **params: Any) -> list[Row]: ...


class _Tx:
    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def run(self, query: str, **params: Any) -> list[Row]:
        result = self._tx.run(query, params)
        return [record.data() for record in result]


@contextmanager
def _translated(where: str) -> Iterator[None]:
    try:
        yield
    except neo4j_errors.ConstraintError as exc:
        raise ConflictError(f"{where}: {_first_line(exc.message)}") from None
    except neo4j_errors.AuthError:
        raise StoreError(f"{where}: the store rejected the credentials") from None
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
        raise StoreUnavailable(
            f"{where}: the store is unreachable ({_first_line(str(exc))})"
        ) from None
    except neo4j_errors.Neo4jError as exc:
        raise StoreError(f"{where}: {_first_line(exc.message)}") from None
    except neo4j_errors.DriverError as exc:
        raise StoreError(f"{where}: {_first_line(str(exc))}") from None


def _first_line(text: str | None) -> str:
    return (text or "unknown error").strip().splitlines()[0][:300]


class Store:
    """A driver bound to one database of one store."""

    def __init__(
        self,
        driver: neo4j.Driver,
        database: str,
        backend: str,
        where: str,
        embedded: EmbeddedStore | None = None,
        options: dict[str, Any] | None = None,
        uri: str = "",
    ) -> None:
        self._driver = driver
        self.database = database
        self.backend = backend
        self.where = where
        self._embedded = embedded
        self._options = options or {}
        self._uri = uri
        self._rejoining: threading.Thread | None = None
        self._guard = threading.Lock()
        # Bumped by every write through this object: caches of derived data (the
        # analytics projections) compare it to know that this process changed the graph.
        self.generation = 0

    @classmethod
    def open(cls, config: StoreConfig) -> Store:
        embedded: EmbeddedStore | None = None
        if config.backend == EMBEDDED:
            embedded = EmbeddedStore(
                config.data_dir,
                config.database,
                bolt_port=config.bolt_port,
                http_port=config.http_port,
                heap=config.heap,
                home=config.arcadedb_home,
                timeout=config.start_timeout,
            )
            endpoint = embedded.attach()
            uri, auth = endpoint.uri, (endpoint.user, endpoint.password)
        else:
            assert config.uri is not None and config.password is not None
            uri, auth = config.uri, (config.user, config.password)
        options: dict[str, Any] = {
            "max_connection_lifetime": 3600,
            "max_transaction_retry_time": config.retry_time,
        }
        if embedded is None:
            # Neo4j reports every label or property it has not seen yet as a warning (a
            # fresh store has none: each start and each first query would log them);
            # deprecations and performance notes still reach the log.
            options["notifications_disabled_classifications"] = QUIET_NOTIFICATIONS
        try:
            driver = _connect(uri, auth, options, f"connecting to {config.describe()}")
        except BaseException:
            if embedded is not None:
                embedded.detach()
            raise
        return cls(
            driver, config.database, config.backend, config.describe(), embedded, options, uri
        )

    def close(self) -> None:
        with self._guard:
            embedded, self._embedded = self._embedded, None
            self._driver.close()
        if embedded is not None:
            embedded.detach()

    @contextmanager
    def _call(self, where: str) -> Iterator[None]:
        """Translate driver errors; an unreachable store starts a rejoin."""
        try:
            with _translated(where):
                yield
        except StoreUnavailable:
            self._rejoin_soon()
            raise

    def _rejoin_soon(self) -> None:
        with self._guard:
            if self._embedded is None or (self._rejoining and self._rejoining.is_alive()):
                return
            self._rejoining = threading.Thread(
                target=self._rejoin, args=(self._embedded,), name="store-rejoin", daemon=True
            )
            self._rejoining.start()

    def _rejoin(self, embedded: EmbeddedStore) -> None:
        """Wait for the embedded store to be ready again (starting a keeper if none is
        left); if it now listens elsewhere, swap the driver for one that points there."""
        try:
            endpoint = embedded.attach()
            if endpoint.uri == self._uri:
                return  # restarted on the same ports: the driver reconnects by itself
            auth = (endpoint.user, endpoint.password)
            driver = _connect(endpoint.uri, auth, self._options, "reconnecting to the store")
        except (StoreError, OSError) as exc:
            log.warning("the store is still unavailable: %s", exc)
            return
        with self._guard:
            if self._embedded is None:  # closed meanwhile
                driver.close()
                return
            old, self._driver, self._uri = self._driver, driver, endpoint.uri
        old.close()
        log.info("reconnected to the embedded store at its new address")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _session(self, mode: str) -> neo4j.Session:
        """A session that shares the bookmarks of ``execute_query``: in a cluster, a read
        after a transaction waits until its reader has that transaction (causal
        consistency across every call of this object, not only single statements)."""
        return self._driver.session(
            database=self.database,
            default_access_mode=mode,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    def bookmarks(self) -> frozenset[str]:
        """The bookmarks a read waits for (the last writes this object made)."""
        manager = self._driver.execute_query_bookmark_manager
        return frozenset(manager.get_bookmarks())

    def read(self, query: str, **params: Any) -> list[Row]:
        """Run one read statement (routed to a reader in a cluster)."""
        with self._call("read"):
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
        return [record.data() for record in records]

    def stream(self, query: str, **params: Any) -> Iterator[Row]:
        """The rows of a read statement one at a time (for reads too big to hold whole:
        backups). Consume it fully or close it: it holds a session meanwhile."""
        with (
            self._call("read"),
            self._session(neo4j.READ_ACCESS) as session,
        ):
            for record in session.run(query, params):
                yield record.data()

    def write(self, query: str, **params: Any) -> list[Row]:
        """Run one write statement in its own transaction (retried on transient errors)."""
        try:
            return self.bookkeeping(query, **params)
        finally:
            self.generation += 1  # after: a cache built meanwhile is seen as stale

    def bookkeeping(self, query: str, **params: Any) -> list[Row]:
        """``write`` for records beside the graph (the audit log, tokens): caches of the
        graph's data stay valid, so this does not bump ``generation`` (every API request
        appends to the audit log, and must not throw away the analytics projections)."""

        def once() -> list[Row]:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.WRITE
            )
            return [record.data() for record in records]

        with self._call("write"):
            return _again_on_conflict(once)

    def transaction(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in one write transaction: it commits whole or not at all.

        Transient failures (deadlocks, leader changes) are retried by the driver, so
        ``work`` must be safe to run again: every write here is an idempotent MERGE.
        """
        try:

            def once() -> T:
                with self._session(neo4j.WRITE_ACCESS) as s:
                    return s.execute_write(lambda tx: work(_Tx(tx)))

            with self._call("transaction"):
                return _again_on_conflict(once)
        finally:
            self.generation += 1


def _again_on_conflict(once: Callable[[], T]) -> T:
    """Run an idempotent write; again, after a short random pause, if a concurrent
    writer created the same key first (a real conflict fails every time, and is raised)."""
    for attempt in range(1, CONFLICT_RETRIES):
        try:
            return once()
        except neo4j_errors.ConstraintError:
            time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - jitter only
    return once()


def _connect(uri: str, auth: tuple[str, str], options: dict[str, Any], where: str) -> neo4j.Driver:
    driver = GraphDatabase.driver(uri, auth=auth, **options)
    try:
        with _translated(where):
            driver.verify_connectivity()
    except BaseException:
        driver.close()
        raise
    return driver
