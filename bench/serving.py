"""Stores and servers for benchmarks: a fresh embedded store in a temporary data dir,
and a Defensores server started as its own process on 127.0.0.1 on a benchmark's data
dir, stopped by the caller (by its PID)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from graph.store.bolt import Store
from graph.store.config import StoreConfig
from graph.store.datadir import Paths, read_state
from graph.store.migrations import open_store

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class FreshStore:
    store: Store
    data_dir: str
    jvm: psutil.Process  # the store's JVM, for its CPU time and memory


@contextmanager
def fresh_store(prefix: str = "defensores-bench-") -> Iterator[FreshStore]:
    """An empty embedded store in a temporary data dir, removed afterwards (no
    ``DEFENSORES_*`` setting of this shell applies)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    with (
        tempfile.TemporaryDirectory(prefix=prefix) as tmp,
        open_store(StoreConfig.from_env(env, data_dir=tmp)) as store,
    ):
        state = read_state(Paths(Path(tmp).resolve()))
        assert state is not None
        yield FreshStore(store, tmp, psutil.Process(state.jvm_pid))


def start_server(
    data_dir: str, port: int, workers: int, settings: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``settings``: more ``DEFENSORES_*`` variables for the server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    env.update(
        {
            "DEFENSORES_DATA_DIR": data_dir,
            "DEFENSORES_PORT": str(port),
            "DEFENSORES_WORKERS": str(workers),
            # one token makes every request here: a real deployment's limit would stop it
            "DEFENSORES_RATE_LIMIT": "1000000",
            **(settings or {}),
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "server", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
