"""Is this process still the one we saw? Start times that do not drift with the clock.

psutil's ``create_time()`` adds the boot time as the wall clock sees it *now*; on a
machine whose clock is being corrected that sum moves by seconds over a long run, and a
live process would look like a different one. On Linux the kernel's own start stamp
(clock ticks since boot, ``/proc/<pid>/stat`` field 22) never moves; elsewhere psutil's
value is the best there is.
"""

from __future__ import annotations

import os
from pathlib import Path

import psutil

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
TOLERANCE = 1.0  # seconds; a pid reused within a second of its last owner is not a risk


def started(pid: int) -> float | None:
    """When ``pid`` started, in seconds on a clock that does not drift; None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        raw = b""
    if raw:
        fields = raw[raw.rfind(b")") + 2 :].split()
        return int(fields[19]) / _TICKS  # field 22 counted from the pid
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def alive(pid: int, since: float | None = None) -> bool:
    """True if ``pid`` runs (and, given ``since`` from ``started()``, is that process)."""
    if pid <= 0:
        return False
    try:
        if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return False
    except psutil.Error:
        return False
    if since is None:
        return True
    now = started(pid)
    return now is not None and abs(now - since) < TOLERANCE
