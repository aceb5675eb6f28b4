"""The embedded ArcadeDB's life: sharing, stopping, crashing, failing to start.

Each test runs its own store in its own data dir, as separate processes would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from graph.errors import StoreStartError
from graph.rows import NodeRecord
from graph.store.config import StoreConfig
from graph.store.datadir import Paths, read_state
from graph.store.embedded import EmbeddedStore
from graph.store.migrations import open_store
from graph.store.repository import get_node, upsert
from tests.processes import gone, jvms, wait_until

pytestmark = [pytest.mark.store, pytest.mark.slow]


def config(data_dir: Path, **extra: str) -> StoreConfig:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    return StoreConfig.from_env(env, data_dir=str(data_dir), **extra)


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Callable[[Path], tuple[subprocess.Popen[str], int, int]]]:
    """Start ``tests.procs hold`` processes; they are killed at the end of the test."""
    started: list[subprocess.Popen[str]] = []

    def start(data_dir: Path) -> tuple[subprocess.Popen[str], int, int]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.procs", "hold", str(data_dir)],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, "holder died before the store was ready"
        jvm, keeper = (int(x) for x in line.split())
        return proc, jvm, keeper

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def test_a_second_process_reuses_the_running_store(
    tmp_path: Path, holder: Callable[[Path], tuple[subprocess.Popen[str], int, int]]
) -> None:
    mine = EmbeddedStore(tmp_path, "defensores")
    endpoint = mine.attach()
    try:
        _, jvm, keeper = holder(tmp_path)
        assert (jvm, keeper) == (endpoint.jvm_pid, endpoint.keeper_pid)
        assert jvms(tmp_path) == [endpoint.jvm_pid]
        # a second keeper for the same dir gives way at once: the lock file holds
        rc = subprocess.run(
            [sys.executable, "-m", "graph.store.keeper", "keep", str(tmp_path)],
            timeout=60,
            check=False,
        ).returncode
        assert rc == 0
        assert jvms(tmp_path) == [endpoint.jvm_pid]
    finally:
        mine.detach()
    # the holder still uses it: the store stays up when the first client leaves
    time.sleep(1.5)
    assert jvms(tmp_path) == [endpoint.jvm_pid]


def test_sigkill_of_the_client_leaves_no_jvm(
    tmp_path: Path, holder: Callable[[Path], tuple[subprocess.Popen[str], int, int]]
) -> None:
    proc, jvm, keeper = holder(tmp_path)
    assert jvms(tmp_path) == [jvm]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert wait_until(lambda: gone(jvm) and gone(keeper), 60)
    assert jvms(tmp_path) == []
    assert not Paths(tmp_path).state.exists()


def test_sigkill_of_the_keeper_leaves_no_jvm(
    tmp_path: Path, holder: Callable[[Path], tuple[subprocess.Popen[str], int, int]]
) -> None:
    _, jvm, keeper = holder(tmp_path)
    os.kill(keeper, signal.SIGKILL)
    assert wait_until(lambda: gone(jvm), 60)
    assert jvms(tmp_path) == []


def test_a_stale_jvm_is_reaped_at_next_start(tmp_path: Path) -> None:
    paths = Paths(tmp_path.resolve())
    # stands in for a JVM whose keeper vanished without a trace
    stale = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", paths.marker()])
    try:
        assert jvms(tmp_path) == [stale.pid]
        with open_store(config(tmp_path)) as store:
            assert stale.wait(timeout=60) is not None
            assert len(jvms(tmp_path)) == 1
            assert store.read("RETURN 1 AS one") == [{"one": 1}]
    finally:
        stale.kill()
        stale.wait()


def test_data_survives_a_restart(tmp_path: Path) -> None:
    record = NodeRecord("Person", "per_persist", {"name": "Rosa Huamán", "defender": True})
    with open_store(config(tmp_path)) as store:
        upsert(store, [record])
        first = read_state(Paths(tmp_path.resolve()))
        assert first is not None
    assert wait_until(lambda: gone(first.jvm_pid), 60)
    with open_store(config(tmp_path)) as store:
        second = read_state(Paths(tmp_path.resolve()))
        assert second is not None and second.jvm_pid != first.jvm_pid
        node = get_node(store, "per_persist")
        assert node is not None and node.props["name"] == "Rosa Huamán"


def test_the_password_stays_secret(tmp_path: Path) -> None:
    with open_store(config(tmp_path)):
        paths = Paths(tmp_path.resolve())
        assert paths.secret.stat().st_mode & 0o777 == 0o600
        password = paths.secret.read_text().strip()
        (jvm,) = jvms(tmp_path)
        cmdline = " ".join(psutil.Process(jvm).cmdline())
        assert password not in cmdline
        assert not paths.args.exists()
        assert password not in paths.log.read_text()
        assert password not in paths.state.read_text()
        for pid in (jvm, json.loads(paths.state.read_text())["keeper_pid"]):
            assert all(password not in arg for arg in psutil.Process(pid).cmdline())


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "\tat " not in text
    return text


def test_missing_runtime_is_one_clear_line(tmp_path: Path) -> None:
    empty = tmp_path / "no-runtime"
    empty.mkdir()
    with pytest.raises(StoreStartError) as info:
        open_store(config(tmp_path / "data", arcadedb_home=str(empty)))
    assert "ArcadeDB runtime not found" in one_line(info.value)


def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(StoreStartError) as info:
            open_store(config(tmp_path, store_bolt_port=str(port)))
    text = one_line(info.value)
    assert f"port 127.0.0.1:{port} is already in use" in text
    assert "DEFENSORES_STORE_BOLT_PORT" in text


def test_corrupt_store_is_one_clear_line(tmp_path: Path) -> None:
    with open_store(config(tmp_path)) as store:
        upsert(store, [NodeRecord("Person", "per_c", {"name": "Lucía Campos"})])
        first = read_state(Paths(tmp_path.resolve()))
        assert first is not None
    assert wait_until(lambda: gone(first.jvm_pid), 60)
    db_dir = tmp_path / "arcadedb" / "databases" / "defensores"
    for f in db_dir.iterdir():
        if f.is_file():
            f.write_bytes(b"\x00garbage\xff" * 64)
    with pytest.raises(StoreStartError) as info:
        open_store(config(tmp_path, store_start_timeout="60"))
    text = one_line(info.value)
    assert "damaged" in text or "failed to start" in text, text
    assert jvms(tmp_path) == []


def test_the_api_answers_503_while_the_store_is_down_and_recovers_by_itself(
    tmp_path: Path,
) -> None:
    """Two outages under one running server, which is never restarted:

    1. the JVM dies while its keeper cannot act (stopped): requests get a clear 503 with
       Retry-After (not a 500); when the keeper runs again it restarts the JVM on the
       same ports and the next requests succeed;
    2. the keeper itself is killed (its JVM follows it): the server starts a new keeper,
       which serves on new ports, and switches its driver there.

    Nothing stored before either outage is lost."""
    import httpx

    from graph.access import tokens
    from graph.store.config import Config
    from server import create_app
    from tests.live import serve

    store = open_store(config(tmp_path, store_retry_seconds="3"))
    paths = Paths(tmp_path.resolve())
    try:
        token, _ = tokens.create(store, "prosecutor", "fault-test")
        upsert(store, [NodeRecord("Person", "per_outage", {"name": "Ana Outage Ríos"})])
        auth = {"Authorization": f"Bearer {token}"}
        query = {"query": '{ actor(id: "per_outage") { name } }'}

        def ask() -> httpx.Response:
            return httpx.post(f"{url}/graphql", json=query, headers=auth, timeout=120)

        def answers() -> bool:
            r = ask()
            return r.status_code == 200 and r.json()["data"]["actor"]["name"] == "Ana Outage Ríos"

        with serve(create_app(Config.from_env({}), store)) as url:
            assert answers()
            first = read_state(paths)
            assert first is not None and first.status == "ready"

            # 1. the JVM dies; its keeper is stopped, so it stays down for a while
            os.kill(first.keeper_pid, signal.SIGSTOP)
            try:
                os.kill(first.jvm_pid, signal.SIGKILL)
                assert wait_until(lambda: gone(first.jvm_pid), 30)
                r = ask()
                assert r.status_code == 503, r.text
                assert r.headers["retry-after"] == "5"
                assert "graph store is unavailable" in r.json()["errors"][0]["message"]
                assert "data" not in r.json() and token not in r.text
                health = httpx.get(f"{url}/healthz", timeout=120)
                assert health.status_code == 503 and health.json() == {"status": "unavailable"}
            finally:
                os.kill(first.keeper_pid, signal.SIGCONT)
            assert wait_until(answers, 180), "the API did not recover after the JVM restart"
            second = read_state(paths)
            assert second is not None and second.keeper_pid == first.keeper_pid
            assert second.jvm_pid != first.jvm_pid and second.bolt_port == first.bolt_port

            # 2. the keeper is killed: its JVM stops too; the server starts a new keeper
            os.kill(second.keeper_pid, signal.SIGKILL)
            assert wait_until(lambda: gone(second.jvm_pid), 60)
            assert wait_until(answers, 180), "the API did not recover after losing the keeper"
            third = read_state(paths)
            assert third is not None and third.keeper_pid != second.keeper_pid
            assert len(jvms(tmp_path)) == 1
    finally:
        store.close()
    assert wait_until(lambda: jvms(tmp_path) == [], 60)
