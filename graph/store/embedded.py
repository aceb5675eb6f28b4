"""The embedded store: one ArcadeDB server per data dir, shared by every process using it.

Three roles, all on the local machine:

* the **JVM** runs ArcadeDB with its Bolt plugin on 127.0.0.1, on free ports;
* the **keeper** (``python -m graph.store.keeper keep DATA_DIR``) is a small process that
  starts the JVM, writes ``store.json`` when it is ready, and stops it as soon as no
  client is left. It holds ``store.lock`` for its whole life, so one data dir never has
  two stores. The JVM gets ``PR_SET_PDEATHSIG``: if the keeper is killed, even with
  SIGKILL, the JVM is told to stop. A JVM left over anyway (another OS, a stale state
  file) is found by its command line and reaped at the next start.
  A JVM that dies under its keeper is started again on the same ports (up to
  ``MAX_RESTARTS`` times in ``RESTART_WINDOW``), so clients' drivers reconnect by
  themselves; a client whose keeper is gone starts a new one (see ``graph.store.bolt``).
* **clients** (the server, ``defensores ingest``, the tests) hold a shared lock on
  ``store.clients`` while they use the store. The kernel drops that lock when a client
  dies, however it dies, so the keeper sees it within a second.

The store password is generated once and kept in ``store.secret`` (mode 0600). It is
handed to the JVM through a Java ``@argfile`` (mode 0600, removed once the server is
up), never on a command line, in a log or in a URL.

This module is the client (``EmbeddedStore``); the keeper is ``graph.store.keeper``, and
the data dir's files, state and locks, which both use, are ``graph.store.datadir``.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from graph.errors import StoreError, StoreStartError
from graph.store.datadir import (
    POLL,
    STOP_GRACE,
    USER,
    Endpoint,
    State,
    describe,
    lock_within,
    prepare_dir,
    process_alive,
    read_secret,
    read_state,
    try_lock,
)


class EmbeddedStore:
    """A client's hold on the store for one data dir: ``attach()`` … ``detach()``."""

    def __init__(
        self,
        data_dir: Path,
        database: str,
        *,
        bolt_port: int = 0,
        http_port: int = 0,
        heap: str | None = None,
        home: Path | None = None,
        timeout: float = 90.0,
    ) -> None:
        self.paths = prepare_dir(data_dir)
        self.database = database
        self._keeper_args = (bolt_port, http_port, heap, home)
        self.timeout = timeout
        self._clients: IO[str] | None = None
        self._spawned: subprocess.Popen[bytes] | None = None

    def attach(self) -> Endpoint:
        """Join the running store for this data dir, starting one if there is none."""
        if self._clients is None:
            self._clients = self.paths.clients.open("a+")
            self._lock_shared(self._clients)
        try:
            state = self._wait_ready()
        except BaseException:
            self.detach()
            raise
        if state.database != self.database:
            self.detach()
            raise StoreError(
                f"the store for {self.paths.data_dir} serves database {state.database!r}, "
                f"not {self.database!r} (DEFENSORES_NEO4J_DATABASE)"
            )
        return Endpoint(
            state.bolt_uri,
            USER,
            read_secret(self.paths, create=False),
            state.database,
            state.jvm_pid,
            state.keeper_pid,
        )

    def detach(self) -> None:
        """Let go of the store; the keeper stops it once no client is left."""
        if self._clients is not None:
            self._clients.close()
            self._clients = None
        if self._spawned is not None and self._spawned.poll() is not None:
            self._spawned = None

    def _lock_shared(self, fh: IO[str]) -> None:
        # A keeper shutting down holds the exclusive lock for up to STOP_GRACE seconds.
        if not lock_within(fh, fcntl.LOCK_SH, STOP_GRACE + self.timeout):
            raise StoreStartError(
                f"embedded store for {self.paths.data_dir} is stuck shutting down"
            )

    def _keeper_running(self) -> bool:
        with self.paths.lock.open("a+") as fh:
            return not try_lock(fh, fcntl.LOCK_SH)

    def _spawn(self) -> None:
        bolt_port, http_port, heap, home = self._keeper_args
        argv = [
            sys.executable,
            "-m",
            "graph.store.keeper",
            "keep",
            str(self.paths.data_dir),
            "--database",
            self.database,
            "--bolt-port",
            str(bolt_port),
            "--http-port",
            str(http_port),
            "--timeout",
            str(self.timeout),
        ]
        if heap:
            argv += ["--heap", heap]
        if home:
            argv += ["--home", str(home)]
        with self.paths.log.open("ab") as log:  # the keeper's own errors go to the log
            self._spawned = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def _wait_ready(self) -> State:
        deadline = time.monotonic() + self.timeout + 10.0
        spawns = 0
        while time.monotonic() < deadline:
            state = read_state(self.paths)
            keeper_ok = state is not None and process_alive(state.keeper_pid, state.keeper_started)
            if state is not None and keeper_ok:
                if state.status == "ready" and process_alive(state.jvm_pid):
                    return state
                if state.status == "failed":
                    raise StoreStartError(state.error)
            elif (
                state is not None
                and state.status == "failed"
                and self._spawned is not None
                and self._spawned.poll() is not None
            ):
                raise StoreStartError(state.error)
            elif not self._keeper_running() and (
                self._spawned is None or self._spawned.poll() is not None
            ):
                if spawns >= 3:
                    raise StoreStartError(
                        f"embedded store keeper for {self.paths.data_dir} did not start "
                        f"(log: {self.paths.log})"
                    )
                self._spawn()
                spawns += 1
            time.sleep(POLL)
        state = read_state(self.paths)
        seen = "no state file" if state is None else describe(state)
        raise StoreStartError(
            f"embedded store for {self.paths.data_dir} not ready after {self.timeout:.0f}s "
            f"({seen}; log: {self.paths.log})"
        )

    def __enter__(self) -> Endpoint:
        return self.attach()

    def __exit__(self, *exc: object) -> None:
        self.detach()
