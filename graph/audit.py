"""The audit log: append-only and hash-chained, so an edit, a deletion or a reordering
shows.

Each record holds who (the token's name and role), when, which operation, the SHA-256 of
its variables (never their values: they can hold names) and the ids of the persons and
complaints the operation returned. Its ``hash`` is the SHA-256 of all of that and of the
previous record's hash (``prev``); the first record links to ``GENESIS``. An
``AuditHead`` node keeps the last sequence number and hash: appending checks that the
head has not moved since it was read (concurrent appends retry), and ``verify`` checks
that the last record is the one the head names, so even a deleted last record shows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph import cypher
from graph.errors import ModelError, StoreError
from graph.rows import utc_now
from graph.store import Store

GENESIS = "0" * 64
HEAD_ID = "audh_head"
FIELDS = (
    "seq",
    "at",
    "who",
    "role",
    "token_id",
    "operation",
    "kind",
    "variables_hash",
    "persons",
    "complaints",
    "outcome",
    "prev",
)
APPEND_TRIES = 20
PAGE = 1000


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def variables_hash(variables: Mapping[str, Any] | None) -> str:
    return hashlib.sha256(canonical(variables or {}).encode("utf-8")).hexdigest()


def record_hash(record: Mapping[str, Any]) -> str:
    """The hash of a record's fields (``hash`` itself excluded), ``prev`` included."""
    body = {k: record.get(k) for k in FIELDS}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """What one operation leaves in the log."""

    who: str
    role: str
    operation: str
    kind: str
    variables_hash: str
    persons: Sequence[str] = ()
    complaints: Sequence[str] = ()
    outcome: str = "ok"
    token_id: str | None = None


def _chain(entries: Sequence[Entry], seq: int, prev: str) -> list[dict[str, Any]]:
    out = []
    for n, entry in enumerate(entries, start=1):
        record: dict[str, Any] = {
            "seq": seq + n,
            "at": utc_now(),
            "who": entry.who,
            "role": entry.role,
            "token_id": entry.token_id,
            "operation": entry.operation[:200],
            "kind": entry.kind,
            "variables_hash": entry.variables_hash,
            "persons": sorted(set(entry.persons)),
            "complaints": sorted(set(entry.complaints)),
            "outcome": entry.outcome,
            "prev": prev,
        }
        record["hash"] = prev = record_hash(record)
        out.append({k: v for k, v in record.items() if v is not None})
    return out


def append_many(store: Store, entries: Sequence[Entry]) -> list[int]:
    """Add ``entries`` at the end of the chain, in order, in one transaction (a group
    commit); returns their sequence numbers."""
    if not entries:
        return []
    for _ in range(APPEND_TRIES):
        head = store.read(cypher.AUDIT_HEAD, id=HEAD_ID)
        seq = int(head[0]["seq"]) if head else 0
        prev = str(head[0]["hash"]) if head else GENESIS
        chained = _chain(entries, seq, prev)
        rows = [{"id": f"aud_{r['seq']:012d}", "props": r} for r in chained]
        try:
            done = store.bookkeeping(
                cypher.AUDIT_APPEND_MANY,
                head=HEAD_ID,
                genesis=GENESIS,
                seq=seq,
                last_seq=chained[-1]["seq"],
                last_hash=chained[-1]["hash"],
                rows=rows,
            )
        except StoreError:  # another process took these sequence numbers first
            done = []
        if done and int(done[0]["written"]) == len(rows):
            return [int(r["seq"]) for r in chained]
    raise StoreError("the audit log could not be appended to (too much contention)")


def append(store: Store, entry: Entry) -> int:
    """Add one ``entry`` at the end of the chain; returns its sequence number."""
    return append_many(store, [entry])[0]


def records(store: Store) -> Iterator[dict[str, Any]]:
    """Every record, in sequence order."""
    after = 0
    while True:
        rows = store.read(cypher.AUDIT_PAGE, after=after, limit=PAGE)
        for r in rows:
            yield dict(r["props"])
        if len(rows) < PAGE:
            return
        after = int(rows[-1]["props"]["seq"])


@dataclass(frozen=True)
class Verdict:
    ok: bool
    records: int
    first_broken: int | None = None  # the sequence number where the chain breaks
    reason: str | None = None
    head: str | None = None  # the last hash: anchor it elsewhere to detect a rewrite


def verify(store: Store) -> Verdict:
    """Walk the chain; name the first record that does not fit."""
    prev, expected, count = GENESIS, 1, 0
    for r in records(store):
        seq = int(r["seq"])
        if seq != expected:
            return Verdict(False, count, expected, f"record {expected} is missing")
        if r.get("prev") != prev:
            return Verdict(False, count, seq, f"record {seq} does not follow record {seq - 1}")
        if record_hash(r) != r.get("hash"):
            return Verdict(False, count, seq, f"record {seq} was altered")
        prev, expected, count = str(r["hash"]), expected + 1, count + 1
    head = store.read(cypher.AUDIT_HEAD, id=HEAD_ID)
    head_seq = int(head[0]["seq"]) if head else 0
    head_hash = str(head[0]["hash"]) if head else GENESIS
    if head_seq != count or head_hash != prev:
        return Verdict(
            False, count, count + 1, f"the log ends at record {count}, its head at {head_seq}"
        )
    return Verdict(True, count, head=prev)


def listing(
    store: Store, filters: Mapping[str, str | None], *, first: int, after: int = 0
) -> list[dict[str, Any]]:
    """Up to ``first`` records after sequence ``after``, oldest first, filtered by any of
    who, role, operation, person, complaint, date_from, date_to."""
    unknown = set(filters) - set(cypher.AUDIT_FILTERS)
    if unknown:
        raise ModelError(f"the audit log cannot be filtered by {', '.join(sorted(unknown))}")
    used = sorted(k for k, v in filters.items() if v)
    params = {k: filters[k] for k in used}
    rows = store.read(cypher.audit_list(used), after=after, limit=first, **params)
    return [dict(r["props"]) for r in rows]
