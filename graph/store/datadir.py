"""An embedded store's data dir, shared by its keeper and its clients: the files in it,
the state the keeper publishes (``store.json``), the locks on ``store.lock`` and
``store.clients``, the store secret, and small process and port helpers."""

from __future__ import annotations

import errno
import fcntl
import importlib.util
import json
import os
import secrets
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

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
STOP_GRACE = 30.0


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


# --- locks and what a client saw ----------------------------------------------------


def try_lock(fh: IO[str], mode: int) -> bool:
    """Take ``mode`` (LOCK_SH or LOCK_EX) on ``fh`` if nobody stands in the way."""
    try:
        fcntl.flock(fh, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_within(fh: IO[str], mode: int, seconds: float) -> bool:
    """Take ``mode`` on ``fh``, waiting up to ``seconds``; False if it never came free."""
    deadline = time.monotonic() + seconds
    while not try_lock(fh, mode):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL)
    return True


def describe(state: State) -> str:
    """What a client saw of the store it waited for, to diagnose a start that hangs."""
    keeper = "alive" if process_alive(state.keeper_pid, state.keeper_started) else "gone"
    jvm = "alive" if process_alive(state.jvm_pid) else "gone"
    return f"status {state.status}, keeper {state.keeper_pid} {keeper}, JVM {state.jvm_pid} {jvm}"
