"""The embedded store: one ArcadeDB server per data dir, shared by every process using it.

Three roles, all on the local machine:

* the **JVM** runs ArcadeDB with its Bolt plugin on 127.0.0.1, on free ports;
* the **keeper** (``python -m graph.store.embedded keep DATA_DIR``) is a small process that
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
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import fcntl
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import IO, Any

import psutil

from graph.errors import StoreError, StoreStartError
from graph.store import processes

STATE_FILE = "store.json"
LOCK_FILE = "store.lock"
CLIENTS_FILE = "store.clients"
SECRET_FILE = "store.secret"  # noqa: S105 - a file name, not a secret
ARGS_FILE = "store.args"
LOG_FILE = "store.log"
ROOT_DIR = "arcadedb"
USER = "root"
POLL = 0.1
KEEPER_POLL = 0.5
STOP_GRACE = 30.0
# A JVM that dies under a running keeper is started again on the same ports (so the
# clients' drivers reconnect by themselves), unless it died this often lately.
MAX_RESTARTS = 5
RESTART_WINDOW = 600.0
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Paths:
    """The files of one data dir."""

    data_dir: Path

    @property
    def state(self) -> Path:
        return self.data_dir / STATE_FILE

    @property
    def lock(self) -> Path:
        return self.data_dir / LOCK_FILE

    @property
    def clients(self) -> Path:
        return self.data_dir / CLIENTS_FILE

    @property
    def secret(self) -> Path:
        return self.data_dir / SECRET_FILE

    @property
    def args(self) -> Path:
        return self.data_dir / ARGS_FILE

    @property
    def log(self) -> Path:
        return self.data_dir / LOG_FILE

    @property
    def root(self) -> Path:
        return self.data_dir / ROOT_DIR

    def marker(self) -> str:
        """The JVM argument that names this data dir; used to find stale JVMs."""
        return f"-Darcadedb.server.rootPath={self.root}"


@dataclass(frozen=True)
class State:
    """What the keeper publishes in ``store.json``."""

    status: str  # starting | ready | restarting | failed
    keeper_pid: int
    keeper_started: float
    database: str
    jvm_pid: int = 0
    bolt_port: int = 0
    http_port: int = 0
    error: str = ""

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


@dataclass(frozen=True)
class Endpoint:
    """How a client reaches the running store."""

    uri: str
    user: str
    password: str
    database: str
    jvm_pid: int
    keeper_pid: int


# --- small helpers -------------------------------------------------------------------


def prepare_dir(data_dir: Path) -> Paths:
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreStartError(f"cannot create data dir {data_dir}: {exc.strerror}") from None
    if not os.access(data_dir, os.W_OK):
        raise StoreStartError(f"data dir {data_dir} is not writable")
    return Paths(data_dir)


def read_secret(paths: Paths, *, create: bool) -> str:
    """The store password, generated on first use and kept with mode 0600."""
    try:
        value = paths.secret.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            raise StoreError(f"store password file {paths.secret} is missing") from None
        value = secrets.token_urlsafe(24)
        fd = os.open(paths.secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(value + "\n")
        return value
    mode = paths.secret.stat().st_mode & 0o777
    if mode & 0o077:
        os.chmod(paths.secret, 0o600)
    if len(value) < 8:
        raise StoreError(f"store password file {paths.secret} is damaged (too short)")
    return value


def read_state(paths: Paths) -> State | None:
    try:
        raw = json.loads(paths.state.read_text(encoding="utf-8"))
        return State(**raw)
    except (FileNotFoundError, ValueError, TypeError):
        return None


def write_state(paths: Paths, state: State) -> None:
    tmp = paths.state.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(tmp, paths.state)


def process_alive(pid: int, started: float | None = None) -> bool:
    """True if ``pid`` runs (and, given ``started`` from ``processes.started``, is the
    process started then)."""
    return processes.alive(pid, started)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    """True if something listens on ``port`` (connections of a store that just died,
    left in TIME_WAIT, do not count: the JVM binds with SO_REUSEADDR too)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
        return False


def find_runtime(home: Path | None) -> Path:
    """The ``arcadedb_embedded`` package dir holding ``jars/`` and ``jre/``."""
    if home is None:
        spec = importlib.util.find_spec("arcadedb_embedded")
        if spec is None or not spec.submodule_search_locations:
            raise StoreStartError(
                "ArcadeDB runtime not found: the arcadedb-embedded package is not installed "
                "(run `make install`, or set DEFENSORES_NEO4J_URI to use a Neo4j server)"
            )
        home = Path(next(iter(spec.submodule_search_locations)))
    java = home / "jre" / "bin" / "java"
    if not java.is_file() or not os.access(java, os.X_OK):
        raise StoreStartError(f"ArcadeDB runtime not found: no Java runtime at {java}")
    if not any((home / "jars").glob("arcadedb-server-*.jar")):
        raise StoreStartError(f"ArcadeDB runtime not found: no server jars in {home / 'jars'}")
    return home


# --- the keeper ----------------------------------------------------------------------


def die_with(parent: int) -> None:  # pragma: no cover - runs in the forked child
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def reap_stale(paths: Paths) -> list[int]:
    """Stop any JVM still serving this data dir (left by a keeper that died)."""
    marker = paths.marker()
    reaped: list[int] = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = proc.info.get("cmdline") or []
        if marker in cmdline and proc.pid != os.getpid():
            with contextlib.suppress(psutil.Error):
                proc.terminate()
                reaped.append(proc.pid)
    if reaped:
        _, alive = psutil.wait_procs(
            [psutil.Process(p) for p in reaped if psutil.pid_exists(p)], timeout=STOP_GRACE
        )
        for proc in alive:
            with contextlib.suppress(psutil.Error):
                proc.kill()
    return reaped


def _jvm_command(
    home: Path, paths: Paths, database: str, bolt: int, http: int, heap: str | None
) -> list[str]:
    cmd = [str(home / "jre" / "bin" / "java"), "--add-modules", "jdk.incubator.vector"]
    if heap:
        cmd.append(f"-Xmx{heap}")
    cmd += [
        "-cp",
        str(home / "jars" / "*"),
        f"@{paths.args}",
        "-Darcadedb.server.mode=production",
        paths.marker(),
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http}",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt}",
        f"-Darcadedb.server.defaultDatabases={database}[{USER}]",
        "com.arcadedb.server.ArcadeDBServer",
    ]
    return cmd


_CAUSES = (
    ("Address already in use", "a port it was given is already in use"),
    ("BindException", "a port it was given is already in use"),
    ("Error on loading database", "the database files are damaged or unreadable"),
    ("Error on opening database", "the database files are damaged or unreadable"),
    ("DatabaseOperationException", "the database files are damaged or unreadable"),
    ("SerializationException", "the database files are damaged or unreadable"),
    ("Not a JSON", "the database files are damaged or unreadable"),
    ("MalformedJson", "the database files are damaged or unreadable"),
    ("Invalid file", "the database files are damaged or unreadable"),
    ("ConfigurationException", "the server configuration under the data dir is damaged"),
    ("OutOfMemoryError", "the Java runtime ran out of memory (see DEFENSORES_STORE_HEAP)"),
    ("Could not find or load main class", "the ArcadeDB runtime is incomplete"),
    ("UnsupportedClassVersionError", "the ArcadeDB runtime is incomplete"),
)


def diagnose(log_text: str) -> str:
    """The likely cause of a failed start, from the JVM's console output."""
    for needle, cause in _CAUSES:
        if needle in log_text:
            return cause
    lines = [ln.strip() for ln in log_text.splitlines() if ln.strip()]
    for line in reversed(lines):
        if "SEVER" in line or "ERROR" in line or "Exception" in line:
            return line[:200]
    return lines[-1][:200] if lines else "it exited without a word"


def _ready(http_port: int) -> bool:
    url = f"http://127.0.0.1:{http_port}/api/v1/ready"
    try:
        with urllib.request.urlopen(url, timeout=1.0) as resp:
            return int(resp.status) in (200, 204)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _launch(
    paths: Paths,
    home: Path,
    database: str,
    bolt_port: int,
    http_port: int,
    heap: str | None,
    timeout: float,
) -> tuple[subprocess.Popen[bytes], int, int]:
    password = read_secret(paths, create=True)
    fd = os.open(paths.args, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"-Darcadedb.server.rootPassword={password}\n")
    bolt = bolt_port or free_port()
    http = http_port or free_port()
    while http == bolt:
        http = free_port()
    for port, name in ((bolt, "DEFENSORES_STORE_BOLT_PORT"), (http, "DEFENSORES_STORE_HTTP_PORT")):
        if port_in_use(port):
            paths.args.unlink(missing_ok=True)
            raise StoreStartError(
                f"embedded store: port 127.0.0.1:{port} is already in use ({name})"
            )
    paths.root.mkdir(mode=0o700, exist_ok=True)
    log = paths.log.open("ab")
    offset = log.tell()
    parent = os.getpid()
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        _jvm_command(home, paths, database, bolt, http, heap),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=paths.root,
        preexec_fn=lambda: die_with(parent),
    )
    log.close()
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                cause = diagnose(_log_since(paths.log, offset))
                raise StoreStartError(f"embedded store failed to start: {cause} (log: {paths.log})")
            if _ready(http):
                return proc, bolt, http
            if time.monotonic() > deadline:
                _stop_jvm(proc)
                cause = diagnose(_log_since(paths.log, offset))
                raise StoreStartError(
                    f"embedded store not ready after {timeout:.0f}s: {cause} (log: {paths.log})"
                )
            time.sleep(POLL)
    finally:
        paths.args.unlink(missing_ok=True)


def _log_since(log: Path, offset: int) -> str:
    with log.open("rb") as fh:
        fh.seek(offset)
        return fh.read().decode("utf-8", "replace")


def _stop_jvm(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _try_lock(fh: IO[str], mode: int) -> bool:
    """Take ``mode`` (LOCK_SH or LOCK_EX) on ``fh`` if nobody stands in the way."""
    try:
        fcntl.flock(fh, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_within(fh: IO[str], mode: int, seconds: float) -> bool:
    """Take ``mode`` on ``fh``, waiting up to ``seconds``; False if it never came free."""
    deadline = time.monotonic() + seconds
    while not _try_lock(fh, mode):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)
    return True


def keep(
    data_dir: Path,
    database: str,
    *,
    bolt_port: int = 0,
    http_port: int = 0,
    heap: str | None = None,
    home: Path | None = None,
    timeout: float = 90.0,
) -> int:
    """Run the store for ``data_dir`` until no client is left. Returns an exit code."""
    paths = prepare_dir(data_dir)
    lock = paths.lock.open("a+")
    if not _lock_within(lock, fcntl.LOCK_EX, 2.0):
        return 0  # another keeper serves this data dir
    base = State("starting", os.getpid(), processes.started(os.getpid()) or 0.0, database)
    stop = False

    def on_signal(signum: int, frame: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    write_state(paths, base)
    try:
        reap_stale(paths)
        runtime = find_runtime(home)
        proc, bolt, http = _launch(paths, runtime, database, bolt_port, http_port, heap, timeout)
    except StoreStartError as exc:
        write_state(paths, State(**{**asdict(base), "status": "failed", "error": str(exc)}))
        return 1
    ready = State(
        **{
            **asdict(base),
            "status": "ready",
            "jvm_pid": proc.pid,
            "bolt_port": bolt,
            "http_port": http,
        }
    )
    write_state(paths, ready)
    clients = paths.clients.open("a+")
    restarts: list[float] = []
    try:
        while not stop:
            time.sleep(KEEPER_POLL)
            if proc.poll() is not None:
                restarts = [t for t in restarts if time.monotonic() - t < RESTART_WINDOW]
                if len(restarts) >= MAX_RESTARTS:
                    reason = (
                        f"embedded store exited unexpectedly {len(restarts) + 1} times in "
                        f"{RESTART_WINDOW / 60:.0f} minutes; not restarted (log: {paths.log})"
                    )
                    write_state(paths, replace(ready, status="failed", error=reason))
                    return 1
                restarts.append(time.monotonic())
                write_state(paths, replace(ready, status="restarting", jvm_pid=0))
                restarted = _relaunch(
                    paths, runtime, database, (bolt, http), heap, timeout, lambda: stop
                )
                if restarted is None:
                    break
                proc = restarted
                ready = replace(ready, status="ready", jvm_pid=proc.pid)
                write_state(paths, ready)
            if _try_lock(clients, fcntl.LOCK_EX):  # no client holds the shared lock
                break
        _stop_jvm(proc)
        paths.state.unlink(missing_ok=True)
        return 0
    finally:
        _stop_jvm(proc)
        lock.close()  # release the store lock first, then let waiting clients in
        clients.close()


def _relaunch(
    paths: Paths,
    runtime: Path,
    database: str,
    ports: tuple[int, int],
    heap: str | None,
    timeout: float,
    stopping: Callable[[], bool],
) -> subprocess.Popen[bytes] | None:
    """Start the JVM again on the same ports, retrying with back-off while they are
    still held; None if the keeper was told to stop meanwhile."""
    pause = 1.0
    while not stopping():
        try:
            proc, _, _ = _launch(paths, runtime, database, *ports, heap, timeout)
            return proc
        except StoreStartError as exc:
            print(f"keeper: restart failed, retrying: {exc}", file=sys.stderr, flush=True)
            time.sleep(pause)
            pause = min(pause * 2, 30.0)
    return None


def _describe(state: State) -> str:
    """What a client saw of the store it waited for, to diagnose a start that hangs."""
    keeper = "alive" if process_alive(state.keeper_pid, state.keeper_started) else "gone"
    jvm = "alive" if process_alive(state.jvm_pid) else "gone"
    return f"status {state.status}, keeper {state.keeper_pid} {keeper}, JVM {state.jvm_pid} {jvm}"


# --- the client ----------------------------------------------------------------------


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
        if not _lock_within(fh, fcntl.LOCK_SH, STOP_GRACE + self.timeout):
            raise StoreStartError(
                f"embedded store for {self.paths.data_dir} is stuck shutting down"
            )

    def _keeper_running(self) -> bool:
        with self.paths.lock.open("a+") as fh:
            return not _try_lock(fh, fcntl.LOCK_SH)

    def _spawn(self) -> None:
        bolt_port, http_port, heap, home = self._keeper_args
        argv = [
            sys.executable,
            "-m",
            "graph.store.embedded",
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
        seen = "no state file" if state is None else _describe(state)
        raise StoreStartError(
            f"embedded store for {self.paths.data_dir} not ready after {self.timeout:.0f}s "
            f"({seen}; log: {self.paths.log})"
        )

    def __enter__(self) -> Endpoint:
        return self.attach()

    def __exit__(self, *exc: object) -> None:
        self.detach()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.store.embedded")
    sub = parser.add_subparsers(dest="command", required=True)
    k = sub.add_parser("keep", help="run the store for a data dir until no client is left")
    k.add_argument("data_dir", type=Path)
    k.add_argument("--database", default="defensores")
    k.add_argument("--bolt-port", type=int, default=0)
    k.add_argument("--http-port", type=int, default=0)
    k.add_argument("--heap")
    k.add_argument("--home", type=Path)
    k.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args(argv)
    return keep(
        args.data_dir.resolve(),
        args.database,
        bolt_port=args.bolt_port,
        http_port=args.http_port,
        heap=args.heap,
        home=args.home,
        timeout=args.timeout,
    )


if __name__ == "__main__":
    sys.exit(main())
