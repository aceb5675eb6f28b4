"""Claims on stored complaints: which are due for extraction, who is extracting one, and
whether that process still holds it, so two processes never extract the same complaint."""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from graph.cypher import intake as cypher
from graph.errors import NotFound
from graph.rows import utc_now
from graph.store import processes
from graph.store.bolt import Store

MAX_ATTEMPTS = 3
Claimed = list[tuple[str, str, str]]  # (id, text, reference date: reported_at or received_at)


def states(store: Store, cids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """Where each of the complaints stands (status, detail, submitter, claim; never the
    text), in one statement; ``NotFound`` names the first that is not stored."""
    if not cids:
        return {}
    rows = store.read(cypher.COMPLAINTS_STATE, ids=list(dict.fromkeys(cids)))
    found: dict[str, Mapping[str, Any]] = {str(r["id"]): dict(r) for r in rows}
    for cid in cids:
        if cid not in found:
            raise NotFound(f"no complaint {cid}")
    return found


# (complaint id, the claim it was seen under): a claim succeeds only if nobody claimed the
# complaint since it was listed, so two processes never extract the same complaint.
Listed = list[tuple[str, str]]
LEASE_SECONDS = 900


def listed_pending(store: Store, *, limit: int, max_attempts: int) -> Listed:
    rows = store.read(cypher.COMPLAINTS_PENDING, max_attempts=max_attempts, limit=limit)
    return [
        (str(r["id"]), str(r["claimed_by"]))
        for r in rows
        if not (r["status"] == "extracting" and _lease_held(str(r["claimed_by"]), r["claimed_at"]))
    ]


def pending(store: Store, *, limit: int = 1000, max_attempts: int = MAX_ATTEMPTS) -> list[str]:
    """Complaints to extract: received, failed, or left ``extracting`` by a process that
    is gone (or whose lease has run out)."""
    return [cid for cid, _ in listed_pending(store, limit=limit, max_attempts=max_attempts)]


def _me() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{processes.started(pid) or 0.0:.2f}"


def _lease_held(claimed_by: str, claimed_at: object) -> bool:
    """True while the process that claimed a complaint may still be working on it."""
    if not claimed_by:
        return False
    host, _, rest = claimed_by.partition(":")
    pid_text, _, started = rest.partition(":")
    if host == socket.gethostname():
        try:
            return processes.alive(int(pid_text), float(started))
        except ValueError:
            return False
    if not isinstance(claimed_at, str):
        return False
    claimed = datetime.strptime(claimed_at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return (datetime.now(UTC) - claimed).total_seconds() < LEASE_SECONDS


def listed_now(store: Store, cids: Sequence[str]) -> Listed:
    """The claims the given complaints stand under now (for a direct ``process``)."""
    out: Listed = []
    found = states(store, cids)
    for cid in cids:
        complaint = found[cid]
        claimed_by = str(complaint.get("claimed_by") or "")
        held = complaint.get("status") == "extracting" and _lease_held(
            claimed_by, complaint.get("claimed_at")
        )
        out.append((cid, "(held by another process)" if held else claimed_by))
    return out


def claim(store: Store, listed: Listed) -> tuple[Claimed, list[str]]:
    """Claim what nobody claimed since it was listed: (claimed, ids taken by others)."""
    rows = store.write(
        cypher.COMPLAINTS_CLAIM,
        rows=[{"id": cid, "expected": expected} for cid, expected in listed],
        me=_me(),
        now=utc_now(),
    )
    claimed = [(str(r["id"]), str(r["text"]), str(r["reference"])) for r in rows]
    taken = {c for c, _, _ in claimed}
    return claimed, [cid for cid, _ in listed if cid not in taken]
