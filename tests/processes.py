"""Helpers for tests that run the project as separate processes: the command line
(``EXE``, ``run``, ``clean_env``) and the store's processes (``jvms``, ``gone``,
``wait_until``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from graph.store.bolt import Store
from graph.store.config import NEO4J, StoreConfig
from graph.store.datadir import Paths


def run(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command line, in a child process pointed at a store by ``env`` (``store_env``)."""
    return subprocess.run(
        [*EXE, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


EXE = [sys.executable, "-c", "import sys, server; sys.exit(server.main())"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    env.update(extra)
    return env


def jvms(data_dir: Path) -> list[int]:
    marker = Paths(data_dir.resolve()).marker()
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        if marker in (proc.info["cmdline"] or []) and proc.info["status"] != "zombie":
            found.append(proc.pid)
    return found


def wait_until(check: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def child_env(request: pytest.FixtureRequest, store: Store) -> dict[str, str]:
    """The environment that points a child process (the command line, a server) at the
    session's store ``store``, whichever backend it is."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    env["DEFENSORES_DATA_DIR"] = str(request.getfixturevalue("session_data_dir"))
    if store.backend == NEO4J:
        config: StoreConfig = request.getfixturevalue("neo4j_config")
        assert config.uri is not None and config.password is not None
        env |= {
            "DEFENSORES_NEO4J_URI": config.uri,
            "DEFENSORES_NEO4J_USER": config.user,
            "DEFENSORES_NEO4J_PASSWORD": config.password,
            "DEFENSORES_NEO4J_DATABASE": config.database,
        }
    return env
