"""A Neo4j 5 Community server the project starts itself, for trying Neo4j and for the tests.

The Maven coordinates are pinned in ``graph/store/java/pom.xml``. The first start asks Maven to
resolve the jars (from Maven Central, into the local Maven repository) and copies them to
a cache directory (``DEFENSORES_NEO4J_CACHE``, default ``~/.cache/defensores``); later
starts use the cache and need no network. ``graph/store/java/LocalNeo4j.java`` is run as a
single source file with ``java``: no build step.

The server listens on 127.0.0.1 only, on a free Bolt port; the password of the user
``neo4j`` is generated once per data dir, kept in ``neo4j.secret`` (mode 0600) and handed
to the JVM on its standard input, never on a command line. The JVM stops when its
standard input closes, which happens when its parent exits however it exits, and it is
also sent SIGTERM if the parent dies (``PR_SET_PDEATHSIG``).

Not for production: there, run Neo4j's own packages, a cluster or Aura, and point
``DEFENSORES_NEO4J_URI`` at it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import select
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from graph.errors import StoreStartError
from graph.store.datadir import free_port, port_in_use
from graph.store.keeper import die_with

JAVA_DIR = Path(__file__).resolve().parent / "java"
POM = JAVA_DIR / "pom.xml"
LAUNCHER = JAVA_DIR / "LocalNeo4j.java"
SECRET_FILE = "neo4j.secret"  # noqa: S105 - a file name, not a secret
CONF_FILE = "neo4j.conf"
LOG_FILE = "neo4j.log"
HOME_DIR = "neo4j"
USER = "neo4j"
DATABASE = "neo4j"
START_TIMEOUT = 180.0
RESOLVE_TIMEOUT = 900.0
_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def neo4j_version(pom: Path = POM) -> str:
    """The Neo4j version pinned in the pom."""
    root = ET.parse(pom).getroot()  # noqa: S314 - the project's own file
    for dep in root.iterfind("m:dependencies/m:dependency", _POM_NS):
        if dep.findtext("m:artifactId", namespaces=_POM_NS) == "neo4j":
            version = dep.findtext("m:version", namespaces=_POM_NS)
            if version:
                return version.strip()
    raise StoreStartError(f"{pom} pins no version of org.neo4j:neo4j")


def cache_root(env: dict[str, str] | None = None) -> Path:
    source = os.environ if env is None else env
    explicit = source.get("DEFENSORES_NEO4J_CACHE", "").strip()
    if explicit:
        return Path(explicit)
    base = source.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "defensores"


def missing_tools() -> str | None:
    """Why this machine cannot run the local Neo4j, or None when it can."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        return " and ".join(missing) + " not on PATH (Java 17 and Maven run the local Neo4j)"
    return None


def resolve_jars(cache: Path | None = None, pom: Path = POM) -> Path:
    """The directory of Neo4j's jars, resolved by Maven the first time (idempotent,
    safe for two processes at once)."""
    why = missing_tools()
    if why:
        raise StoreStartError(f"local Neo4j: {why}")
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:16]
    root = (cache or cache_root()) / f"neo4j-{neo4j_version(pom)}-{digest}"
    lib = root / "lib"
    done = root / "resolved"
    if done.is_file():
        return lib
    root.mkdir(parents=True, exist_ok=True)
    with (root / "resolve.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return lib
        partial = root / "lib.partial"
        shutil.rmtree(partial, ignore_errors=True)
        command = [
            "mvn", "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
            f"-DoutputDirectory={partial}", "-DincludeScope=runtime",
        ]  # fmt: skip
        try:
            run = subprocess.run(  # noqa: S603 - fixed argv, no shell
                command, capture_output=True, text=True, timeout=RESOLVE_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise StoreStartError(
                f"local Neo4j: Maven did not resolve the jars in {RESOLVE_TIMEOUT:.0f}s"
            ) from None
        if run.returncode != 0 or not any(partial.glob("neo4j-*.jar")):
            tail = (run.stdout + run.stderr).strip().splitlines()[-5:]
            raise StoreStartError(
                "local Neo4j: Maven could not resolve the jars: " + " | ".join(tail)
            )
        shutil.rmtree(lib, ignore_errors=True)
        partial.rename(lib)
        done.write_text(neo4j_version(pom) + "\n")
    return lib


def _secret(data_dir: Path) -> str:
    path = data_dir / SECRET_FILE
    if path.is_file():
        return path.read_text().strip()
    password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    return password


def _conf(port: int, pagecache: str) -> str:
    settings = {
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "server.memory.pagecache.size": pagecache,
        "dbms.usage_report.enabled": "false",
        "db.tx_log.rotation.retention_policy": "2 files",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


@dataclass
class LocalNeo4j:
    """A running local Neo4j: where it listens and how to log in."""

    data_dir: Path
    port: int
    password: str = field(repr=False)
    process: subprocess.Popen[bytes] = field(repr=False)
    user: str = USER
    database: str = DATABASE

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def routing_uri(self) -> str:
        return f"neo4j://127.0.0.1:{self.port}"

    @classmethod
    def start(
        cls,
        data_dir: Path,
        port: int = 0,
        heap: str = "1g",
        pagecache: str = "256m",
        timeout: float = START_TIMEOUT,
        cache: Path | None = None,
    ) -> LocalNeo4j:
        """Start Neo4j on 127.0.0.1 (a free port when ``port`` is 0) with its data in
        ``data_dir``; returns once it accepts Bolt, or raises ``StoreStartError``."""
        lib = resolve_jars(cache)
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        password = _secret(data_dir)
        if port and port_in_use(port):
            raise StoreStartError(f"local Neo4j: port 127.0.0.1:{port} is already in use")
        port = port or free_port()
        conf = data_dir / CONF_FILE
        conf.write_text(_conf(port, pagecache))
        log = (data_dir / LOG_FILE).open("ab")
        offset = log.tell()
        parent = os.getpid()
        command = [
            "java", f"-Xmx{heap}", "-XX:+UseG1GC", "-cp", f"{lib}/*",
            str(LAUNCHER), str(data_dir / HOME_DIR), str(conf),
        ]  # fmt: skip
        proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=data_dir,
            preexec_fn=lambda: die_with(parent),
        )
        log.close()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(password.encode() + b"\n")
        proc.stdin.flush()
        server = cls(data_dir, port, password, proc)
        try:
            _await_ready(proc.stdout, proc, timeout)
        except StoreStartError as exc:
            server.stop()
            raise StoreStartError(
                f"{exc} (log: {data_dir / LOG_FILE}, from byte {offset})"
            ) from None
        return server

    def stop(self, grace: float = 60.0) -> None:
        """Stop the server (closing its input), waiting up to ``grace`` seconds."""
        proc = self.process
        if proc.poll() is None and proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def env(self, routing: bool = False) -> dict[str, str]:
        """The settings that point the project at this server."""
        return {
            "DEFENSORES_NEO4J_URI": self.routing_uri if routing else self.uri,
            "DEFENSORES_NEO4J_USER": self.user,
            "DEFENSORES_NEO4J_PASSWORD": self.password,
            "DEFENSORES_NEO4J_DATABASE": self.database,
        }

    def __enter__(self) -> LocalNeo4j:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _await_ready(stdout: IO[bytes], proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    seen = b""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise StoreStartError(
                f"local Neo4j exited with status {proc.returncode} while starting"
            )
        ready, _, _ = select.select([stdout], [], [], 0.2)
        if ready:
            chunk = os.read(stdout.fileno(), 4096)
            if not chunk:
                continue
            seen += chunk
            if b"READY" in seen:
                return
    raise StoreStartError(f"local Neo4j not ready after {timeout:.0f}s")


def main(argv: list[str] | None = None) -> int:
    """``python -m graph.store.local_neo4j fetch``: resolve the jars now (``make test`` does,
    before the suite, so the download is not timed as a test). Exits 0 when Java or Maven
    is missing or Maven fails: the test run then says what happened to the Neo4j half."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m graph.store.local_neo4j")
    parser.add_argument("action", choices=["fetch"])
    parser.parse_args(argv)
    why = missing_tools()
    if why:
        print(f"local Neo4j not fetched: {why}", file=sys.stderr)
        return 0
    try:
        lib = resolve_jars()
    except StoreStartError as exc:
        print(f"local Neo4j not fetched: {exc}", file=sys.stderr)
        return 0
    print(f"Neo4j {neo4j_version()}: {len(list(lib.glob('*.jar')))} jars in {lib}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
