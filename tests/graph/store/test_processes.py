"""Start stamps that tell a live process from a reused pid, without drifting with the clock."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil
import pytest

from graph.store import processes


def test_a_running_process_keeps_its_start_stamp() -> None:
    first = processes.started(os.getpid())
    assert first is not None
    assert processes.started(os.getpid()) == first
    assert processes.alive(os.getpid(), first)
    assert processes.alive(os.getpid())


def test_another_start_stamp_is_another_process() -> None:
    me = processes.started(os.getpid())
    assert me is not None
    assert not processes.alive(os.getpid(), me - 60.0)  # a pid reused since then


def test_a_process_that_ended_is_not_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stamp = processes.started(child.pid)
    child.wait()
    assert not processes.alive(child.pid, stamp)
    assert processes.started(child.pid) is None
    assert not processes.alive(0) and not processes.alive(-1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel stamp is Linux's")
def test_the_stamp_is_the_kernels_and_does_not_follow_the_wall_clock() -> None:
    """psutil's create_time() is boot time (read from the wall clock now) plus this stamp;
    the stamp itself must not contain the wall clock."""
    stamp = processes.started(os.getpid())
    assert stamp is not None
    boot = psutil.boot_time()
    assert abs(psutil.Process().create_time() - (boot + stamp)) < 1.0
    assert stamp < 10 * 365 * 86400  # seconds since boot, not since 1970
