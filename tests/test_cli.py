"""The command line and the HTTP server, as separate processes on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from graph.store.migrations import SCHEMA_VERSION
from tests.live import free_port, healthy
from tests.processes import EXE, clean_env, gone, jvms, wait_until

pytestmark = [pytest.mark.store, pytest.mark.slow]


def test_db_status_prints_json(tmp_path: Path) -> None:
    out = subprocess.run(
        [*EXE, "--data-dir", str(tmp_path), "db", "status"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    status = json.loads(out.stdout)
    assert status["backend"] == "arcadedb-embedded"
    assert status["schema_version"] == SCHEMA_VERSION
    assert status["nodes"] == 2  # the schema version and the pseudonym counter
    assert status["relationships"] == 0
    assert wait_until(lambda: jvms(tmp_path) == [], 60)


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({"DEFENSORES_NEO4J_URI": "http://db:7474"}, ["db", "status"], "DEFENSORES_NEO4J_URI"),
        (
            {"DEFENSORES_ARCADEDB_HOME": "/nonexistent"},
            ["db", "status"],
            "ArcadeDB runtime not found",
        ),
        ({"DEFENSORES_PORT": "eighty"}, ["serve"], "DEFENSORES_PORT"),
    ],
)
def test_failures_are_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str], args: list[str], expected: str
) -> None:
    out = subprocess.run(
        [*EXE, "--data-dir", str(tmp_path), *args],
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("defensores: error: ") and expected in lines[0]
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_server_serves_and_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [*EXE, "--data-dir", str(tmp_path), "serve", "--port", str(port)],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_until(lambda: healthy(port, proc), 120)
        assert proc.poll() is None
        listening = {
            c.laddr.ip
            for c in psutil.Process(proc.pid).net_connections()
            if c.status == psutil.CONN_LISTEN
        }
        assert listening == {"127.0.0.1"}
        (jvm,) = jvms(tmp_path)
        proc.send_signal(stop_signal)
        out, _ = proc.communicate(timeout=60)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert proc.returncode in (0, -stop_signal), out
        assert "Application shutdown complete" in out
        assert wait_until(lambda: gone(jvm), 60)
        assert "Traceback" not in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    time.sleep(0.1)


def test_processes_starting_together_share_one_store(tmp_path: Path) -> None:
    """The server and ``ingest`` started at the same moment on a new data dir both work."""
    procs = [
        subprocess.Popen(
            [*EXE, "--data-dir", str(tmp_path), "db", "status"],
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert json.loads(out)["schema_version"] == SCHEMA_VERSION
    assert wait_until(lambda: jvms(tmp_path) == [], 60)


def test_worker_processes_serve_the_store_the_flags_name(tmp_path: Path) -> None:
    """With ``DEFENSORES_WORKERS`` > 1 each worker builds its app from the environment:
    ``--data-dir`` (a flag, not a variable) must reach them, not the default ``./data``."""
    data, elsewhere = tmp_path / "store", tmp_path / "cwd"
    elsewhere.mkdir()
    create = ["token", "create", "--role", "analyst", "--name", "Analista Uno"]
    created = subprocess.run(
        [*EXE, "--data-dir", str(data), *create],
        env=clean_env(), capture_output=True, text=True, timeout=180, check=True, cwd=elsewhere,
    )  # fmt: skip
    token = created.stdout.strip().splitlines()[-1]
    assert wait_until(lambda: jvms(data) == [], 60)
    port = free_port()
    proc = subprocess.Popen(
        [*EXE, "--data-dir", str(data), "serve", "--port", str(port)],
        env=clean_env(DEFENSORES_WORKERS="2"),
        cwd=elsewhere,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_until(lambda: healthy(port, proc), 180) and proc.poll() is None
        for _ in range(4):  # whichever worker answers knows the token: one store
            r = httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "{ __typename }"},
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            assert r.status_code == 200 and r.json() == {"data": {"__typename": "Query"}}, r.text
        assert not (elsewhere / "data").exists()  # no second store in the default place
        assert len(jvms(data)) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    assert wait_until(lambda: jvms(data) == [], 60)
