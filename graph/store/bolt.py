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
The server answers 503 meanwhile; a batch job (``ingest``) opens the store with
``wait``: each call then waits, up to that many seconds, for the store to answer again
(following it to its new address) and runs again before it gives up.

A write that fails for a reason that can pass (two writers creating the same key at
once, a write conflict, a deadlock, a store fault that ArcadeDB hides behind "The request
failed") is run again with back-off: every write here is idempotent (MERGE), and a
write that failed was rolled back, so running it again never makes a duplicate.

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

from graph.errors import ConflictError, StoreError, StoreUnavailable
from graph.store.config import EMBEDDED, StoreConfig
from graph.store.embedded import EmbeddedStore

log = logging.getLogger(__name__)
# Pauses (seconds, before a jitter of up to twice as long) between the attempts of a
# write that failed for a reason that can pass (``_transient``).
RETRY_PAUSES = (0.05, 0.2, 0.5, 1.0, 2.0)
# Two writers that MERGE the same new key at once (overlapping ingests) can both decide
# to create it, and the store refuses the second on its unique index. Every write here is
# an idempotent MERGE, so running it again finds the node the other one made; a real
# conflict (a token name in use) fails every time, and is raised after about a second.
CONFLICT_ATTEMPTS = 4
# A write conflict or deadlock the driver retried for ``retry_time`` already (ArcadeDB:
# "concurrent modification… please retry"), or a store fault of unknown cause (a
# DatabaseError; ArcadeDB in production mode says only "The request failed"): tried this
# many times in all, with the pauses above. It may pass, or be a real fault.
FAULT_ATTEMPTS = 4
# While a patient store (``wait``) waits for the store to answer again: pauses between
# checks, doubling up to this.
MAX_CHECK_PAUSE = 5.0

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
def _translated(where: str, *, embedded: bool = False) -> Iterator[None]:
    """Driver errors as the project's. ``embedded``: a store that already took these
    credentials (they come from its data dir) and now refuses them is starting or
    stopping (ArcadeDB refuses logins while it shuts down): unavailable, not wrong."""
    try:
        yield
    except neo4j_errors.ConstraintError as exc:
        raise ConflictError(f"{where}: {_first_line(exc.message)}") from None
    except neo4j_errors.AuthError as exc:
        if embedded:
            raise StoreUnavailable(
                f"{where}: the store is unreachable (it refused a login while starting or "
                f"stopping: {_first_line(exc.message)})"
            ) from None
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
        # How long each call waits for a store that stopped answering (0: not at all,
        # the caller gets StoreUnavailable at once; see ``open``).
        self.wait = 0.0
        # Bumped by every write through this object: caches of derived data (the
        # analytics projections) compare it to know that this process changed the graph.
        self.generation = 0

    @classmethod
    def open(cls, config: StoreConfig, *, wait: float = 0.0) -> Store:
        """Connect; with ``wait`` > 0, every call waits up to that many seconds for a
        store that stopped answering to answer again (for batch jobs, not the API)."""
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
        store = cls(
            driver, config.database, config.backend, config.describe(), embedded, options, uri
        )
        store.wait = wait
        return store

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
            with _translated(where, embedded=self._embedded is not None):
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

    def _patiently(self, where: str, once: Callable[[], T]) -> T:
        """Run ``once`` (translated as ``_call`` does); if the store stopped answering and
        this store is patient (``wait``), wait for it to answer again and run it again."""
        deadline: float | None = None
        while True:
            try:
                with self._call(where):
                    return once()
            except StoreUnavailable as exc:
                if self.wait <= 0:
                    raise
                if deadline is None:
                    deadline = time.monotonic() + self.wait
                if not self.back_by(deadline):
                    raise StoreUnavailable(
                        f"{exc}; it did not answer again within {self.wait:.0f}s"
                    ) from None
                log.info("the store answers again; %s runs again", where)

    def back_by(self, deadline: float) -> bool:
        """Wait until the store answers (an embedded store is joined again, at its new
        address if it moved: the mechanism the server relies on); False if it did not by
        ``deadline`` (``time.monotonic()``)."""
        pause = 0.5
        while True:
            self._rejoin_soon()
            with self._guard:
                rejoining = self._rejoining
            if rejoining is not None:
                rejoining.join(max(0.0, deadline - time.monotonic()))
            if self._answers():
                return True
            if time.monotonic() + pause > deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, MAX_CHECK_PAUSE)

    def _answers(self) -> bool:
        try:
            with _translated("checking the store", embedded=self._embedded is not None):
                self._driver.verify_connectivity()
        except StoreError:
            return False
        return True

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

        def once() -> list[Row]:
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
            return [record.data() for record in records]

        return self._patiently("read", once)

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

        return self._patiently("write", lambda: _again_if_transient(once))

    def transaction(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in one write transaction: it commits whole or not at all.

        Transient failures (deadlocks, leader changes, write conflicts) are retried, so
        ``work`` must be safe to run again: every write here is an idempotent MERGE.
        """
        try:

            def once() -> T:
                with self._session(neo4j.WRITE_ACCESS) as s:
                    return s.execute_write(lambda tx: work(_Tx(tx)))

            return self._patiently("transaction", lambda: _again_if_transient(once))
        finally:
            self.generation += 1


def _transient(exc: neo4j_errors.Neo4jError, attempt: int) -> bool:
    """Whether a write that failed with ``exc`` (on its ``attempt``-th try) may succeed
    if run again.

    * a unique key another writer created first (``ConstraintError``: a MERGE race; a
      real conflict fails every time, and is raised after ``CONFLICT_ATTEMPTS``);
    * what the store calls transient (deadlocks, write conflicts: ArcadeDB sends its
      "concurrent modification, please retry" as ``DeadlockDetected``) once the
      driver's own retries are spent;
    * a store fault of unknown cause (``DatabaseError``; ArcadeDB in production mode
      hides every cause behind "The request failed"), ``FAULT_ATTEMPTS`` in all.

    Connection failures (reset, expired, no server) are not here: they become
    ``StoreUnavailable``, which a patient store waits out (``Store.wait``).
    """
    if isinstance(exc, neo4j_errors.ConstraintError):
        return attempt < CONFLICT_ATTEMPTS
    passing = exc.is_retryable() or isinstance(exc, neo4j_errors.DatabaseError)
    return passing and attempt < FAULT_ATTEMPTS


def _again_if_transient(once: Callable[[], T], sleep: Callable[[float], object] = time.sleep) -> T:
    """Run an idempotent write; again, after a growing random pause, while it fails for a
    reason that can pass (``_transient``); then raise the last failure."""
    for attempt, pause in enumerate(RETRY_PAUSES, start=1):
        try:
            return once()
        except neo4j_errors.Neo4jError as exc:
            if not _transient(exc, attempt):
                raise
            log.debug("write failed (%s), attempt %d; trying again", exc.code, attempt)
            sleep(pause * random.uniform(1.0, 2.0))  # noqa: S311 - jitter only
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
