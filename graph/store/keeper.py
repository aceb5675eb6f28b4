"""The keeper of an embedded store (``python -m graph.store.keeper keep DATA_DIR``): a
small process that starts ArcadeDB's JVM with its Bolt plugin on 127.0.0.1, writes
``store.json`` when it is ready, restarts a JVM that dies under it (up to
``MAX_RESTARTS`` times in ``RESTART_WINDOW``), and stops it as soon as no client is left
(see ``graph.store.embedded`` for the whole picture)."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from types import FrameType

import psutil

from graph.errors import StoreStartError
from graph.store import processes
from graph.store.datadir import (
    POLL,
    STOP_GRACE,
    USER,
    Paths,
    State,
    find_runtime,
    free_port,
    lock_within,
    port_in_use,
    prepare_dir,
    read_secret,
    try_lock,
    write_state,
)

KEEPER_POLL = 0.5
# A JVM that dies under a running keeper is started again on the same ports (so the
# clients' drivers reconnect by themselves), unless it died this often lately.
MAX_RESTARTS = 5
RESTART_WINDOW = 600.0
_PR_SET_PDEATHSIG = 1


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
    if not lock_within(lock, fcntl.LOCK_EX, 2.0):
        return 0  # another keeper serves this data dir
    base = State("starting", os.getpid(), processes.started(os.getpid()) or 0.0, database)
    stop = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
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
            if try_lock(clients, fcntl.LOCK_EX):  # no client holds the shared lock
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.store.keeper")
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
