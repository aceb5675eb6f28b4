"""The audit log: append-only and hash-chained, so an edit, a deletion or a reordering
shows.

Each record holds who (the token's name and role), when, which operation, the SHA-256 of
its variables (never their values: they can hold names) and the ids of the persons and
complaints the operation returned. Its ``hash`` is the SHA-256 of all of that and of the
previous record's hash (``prev``); the first record links to ``GENESIS``. An
``AuditHead`` node keeps the last sequence number and hash: appending checks that the
head has not moved since it was read (concurrent appends retry), and ``verify`` checks
that the last record is the one the head names, so even a deleted last record shows.

Whoever can write to the store (``store.secret``) can still rewrite the chain from any
record and rehash it consistently: only a head kept elsewhere catches that. ``anchor``
signs the head (sequence number, hash, time) with a key kept outside the store
(HMAC-SHA256) and appends it, as one JSON line, to a file outside the store;
``verify_anchors`` checks every such line against the chain.

Over 400 lines as one idea: the chain is one structure: appending, verifying and
anchoring must agree on the same hashing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.cypher import access as cypher
from graph.errors import ConfigError, ConflictError, ModelError, StoreError
from graph.rows import utc_now
from graph.store.bolt import Store, Tx

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


class HeadMoved(ConflictError):
    """Another append took the sequence numbers these records were chained for."""


def _appending(head: Sequence[Mapping[str, Any]], entries: Sequence[Entry]) -> dict[str, Any]:
    """The parameters of ``AUDIT_APPEND_MANY`` for ``entries`` after ``head``."""
    seq = int(head[0]["seq"]) if head else 0
    prev = str(head[0]["hash"]) if head else GENESIS
    chained = _chain(entries, seq, prev)
    return {
        "head": HEAD_ID,
        "genesis": GENESIS,
        "seq": seq,
        "last_seq": chained[-1]["seq"],
        "last_hash": chained[-1]["hash"],
        "rows": [{"id": f"aud_{r['seq']:012d}", "props": r} for r in chained],
    }


def _seqs(params: Mapping[str, Any]) -> list[int]:
    return [int(r["props"]["seq"]) for r in params["rows"]]


def append_many(store: Store, entries: Sequence[Entry]) -> list[int]:
    """Add ``entries`` at the end of the chain, in order, in one transaction (a group
    commit); returns their sequence numbers."""
    if not entries:
        return []
    for _ in range(APPEND_TRIES):
        params = _appending(store.read(cypher.AUDIT_HEAD, id=HEAD_ID), entries)
        try:
            done = store.bookkeeping(cypher.AUDIT_APPEND_MANY, **params)
        except (StoreError, ConflictError):  # another process took these numbers first
            done = []
        if done and int(done[0]["written"]) == len(params["rows"]):
            return _seqs(params)
    raise StoreError("the audit log could not be appended to (too much contention)")


def append_in(tx: Tx, entries: Sequence[Entry]) -> list[int]:
    """``append_many`` inside the caller's transaction: the records commit with its
    other writes or not at all. If another append moved the head meanwhile this raises
    ``HeadMoved`` (a ``ConflictError``): run the whole transaction again."""
    if not entries:
        return []
    params = _appending(tx.run(cypher.AUDIT_HEAD, id=HEAD_ID), entries)
    done = tx.run(cypher.AUDIT_APPEND_MANY, **params)
    if not done or int(done[0]["written"]) != len(params["rows"]):
        raise HeadMoved("the audit log's head moved while records were appended")
    return _seqs(params)


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


# --- anchoring: the head, signed with a key kept outside the store ---------------------

ANCHOR_KEY_ENV = "DEFENSORES_ANCHOR_KEY"  # the key file's path
ANCHOR_FILE_ENV = "DEFENSORES_ANCHOR_FILE"  # the anchor file's path
ANCHOR_VERSION = 1
KEY_BYTES = 32
ANCHOR_FIELDS = ("v", "seq", "hash", "at", "key")


def _user_dir(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable, "").strip()
    return Path(base) if base else Path.home() / fallback


def default_key_path() -> Path:
    """``$DEFENSORES_ANCHOR_KEY``, else ``~/.config/defensores/anchor.key``."""
    raw = os.environ.get(ANCHOR_KEY_ENV, "").strip()
    if raw:
        return Path(raw)
    return _user_dir("XDG_CONFIG_HOME", ".config") / "defensores" / "anchor.key"


def default_anchor_path() -> Path:
    """``$DEFENSORES_ANCHOR_FILE``, else ``~/.local/state/defensores/audit-anchors.jsonl``."""
    raw = os.environ.get(ANCHOR_FILE_ENV, "").strip()
    if raw:
        return Path(raw)
    return _user_dir("XDG_STATE_HOME", ".local/state") / "defensores" / "audit-anchors.jsonl"


def outside(path: Path, data_dir: Path, what: str) -> Path:
    """``path`` resolved, refused if it lies inside the store's data dir (whoever can
    rewrite the store could then rewrite it too)."""
    resolved = path.expanduser().resolve()
    if resolved.is_relative_to(data_dir.expanduser().resolve()):
        raise ConfigError(f"{what} {path} is inside the store's data dir: keep it elsewhere")
    return resolved


def _new_key(where: Path) -> None:
    where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another run made it first
        return
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(KEY_BYTES) + "\n")


def anchor_key(path: Path, data_dir: Path, *, create: bool = False) -> bytes:
    """The anchoring key kept at ``path`` (made, mode 0600, when ``create`` and missing).

    Refused inside the data dir, and when the file may be read by its group or others."""
    where = outside(path, data_dir, "the anchor key")
    if create and not where.exists():
        _new_key(where)
    try:
        mode = where.stat().st_mode & 0o777
        text = where.read_bytes().decode("ascii", errors="replace").strip()
    except FileNotFoundError:
        raise ConfigError(f"the anchor key {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"the anchor key {path} cannot be read ({exc.strerror})") from None
    if mode & 0o077:
        raise ConfigError(
            f"the anchor key {path} may be read by others (mode {mode:o}): chmod 600 it"
        )
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise ConfigError(f"the anchor key {path} is not a key (hex expected)") from None
    if len(key) < 16:
        raise ConfigError(f"the anchor key {path} is too short")
    return key


def key_id(key: bytes) -> str:
    """Names a key without revealing it (which key signed a line)."""
    return hashlib.sha256(b"defensores anchor key\0" + key).hexdigest()[:16]


def _signature(key: bytes, body: Mapping[str, Any]) -> str:
    return hmac.new(key, canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def anchor_line(key: bytes, seq: int, head: str, at: str | None = None) -> str:
    """One anchor: the chain's head (its last sequence number and hash) and the time,
    signed with ``key`` (HMAC-SHA256), as one JSON line."""
    body: dict[str, Any] = {
        "v": ANCHOR_VERSION,
        "seq": seq,
        "hash": head,
        "at": at or utc_now(),
        "key": key_id(key),
    }
    return canonical({**body, "sig": _signature(key, body)})


def append_anchor(path: Path, line: str) -> None:
    """Add ``line`` at the end of the anchor file: opened for appending only (never
    rewritten), created mode 0600, flushed to disk before this returns."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(fd).st_size
        lead = b""
        if size:  # a line cut short by a crash must not swallow this one
            with path.open("rb") as f:
                f.seek(size - 1)
                lead = b"" if f.read(1) == b"\n" else b"\n"
        os.write(fd, lead + line.encode("utf-8") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor(store: Store, key: bytes, to: Path) -> tuple[Verdict, str | None]:
    """Verify the chain and, if it is whole, append its signed head to ``to``: the
    verdict, and the line written (None when the chain is broken: nothing anchored)."""
    verdict = verify(store)
    if not verdict.ok or verdict.head is None:
        return verdict, None
    line = anchor_line(key, verdict.records, verdict.head)
    append_anchor(to, line)
    return verdict, line


@dataclass(frozen=True)
class AnchorVerdict:
    ok: bool
    records: int
    anchors: int
    line: int | None = None  # the anchor file's line that does not hold
    first_broken: int | None = None  # the sequence number where the chain breaks
    reason: str | None = None


def _parsed(text: str, n: int, key: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """An anchor line, if it is one and ``key`` signed it; else why not."""
    try:
        line = json.loads(text)
    except ValueError:
        return None, f"anchor line {n} is not JSON"
    if not isinstance(line, dict) or set(line) != {*ANCHOR_FIELDS, "sig"}:
        return None, f"anchor line {n} is not an anchor"
    if not isinstance(line["seq"], int) or not isinstance(line["hash"], str):
        return None, f"anchor line {n} is not an anchor"
    if line["key"] != key_id(key):
        return None, f"anchor line {n} was signed with another key"
    body = {k: line[k] for k in ANCHOR_FIELDS}
    if not hmac.compare_digest(str(line["sig"]), _signature(key, body)):
        return None, f"anchor line {n} has a bad signature (the line was altered)"
    return line, None


def read_anchors(path: Path) -> list[tuple[int, str]]:
    """The anchor file's non-blank lines, with their line numbers."""
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        raise ConfigError(f"the anchor file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"the anchor file {path} cannot be read ({exc.strerror})") from None
    return [(n, t) for n, t in enumerate(text.splitlines(), start=1) if t.strip()]


def verify_anchors(store: Store, lines: Sequence[tuple[int, str]], key: bytes) -> AnchorVerdict:
    """``verify``, and every anchor line checked: signed with ``key``, and naming a
    record the chain still holds with the same hash. A chain rewritten and rehashed
    from some record on (consistently, so ``verify`` alone finds nothing) no longer
    holds the hash anchored for any record from there on. The first anchor line (in
    file order) that does not hold is named."""
    anchors = [(n, *_parsed(text, n, key)) for n, text in lines]
    if not anchors:
        return AnchorVerdict(False, 0, 0, reason="the anchor file holds no anchor")
    wanted = {int(a["seq"]) for _, a, _ in anchors if a is not None}
    stored: dict[int, str] = {0: GENESIS} if 0 in wanted else {}
    for r in records(store):
        if int(r["seq"]) in wanted:
            stored[int(r["seq"])] = str(r.get("hash"))
    chain = verify(store)
    held: list[int] = []  # the sequence numbers anchored that still match
    for n, a, why in anchors:
        if a is None:
            return AnchorVerdict(False, chain.records, len(anchors), line=n, reason=why)
        seq = int(a["seq"])
        if stored.get(seq) == a["hash"]:
            held.append(seq)
            continue
        since = max((s for s in held if s < seq), default=0) + 1
        anchored = f"anchored on line {n} ({a['at']})"
        reason = (
            f"record {seq}, {anchored}, is missing: the chain was cut"
            if seq not in stored
            else f"record {seq} is not the one {anchored}: the chain was rewritten "
            f"in records {since}..{seq}"
        )
        return AnchorVerdict(
            False, chain.records, len(anchors), line=n, first_broken=seq, reason=reason
        )
    if not chain.ok:
        return AnchorVerdict(
            False, chain.records, len(anchors), first_broken=chain.first_broken, reason=chain.reason
        )
    return AnchorVerdict(True, chain.records, len(anchors))


def anchoring(data_dir: Path, key: Path | None, to: Path | None) -> tuple[bytes, Path]:
    """The key (made on first use) and the anchor file of ``defensores audit anchor``, both
    outside ``data_dir``; checked before the store is opened."""
    signing = anchor_key(key or default_key_path(), data_dir, create=True)
    return signing, outside(to or default_anchor_path(), data_dir, "the anchor file")


def check(
    store: Store, data_dir: Path, key: Path | None, anchors: Path | None
) -> Verdict | AnchorVerdict:
    """``defensores audit verify``: the chain, and every signed head in ``anchors`` if given."""
    if anchors is None:
        return verify(store)
    signing = anchor_key(key or default_key_path(), data_dir)
    return verify_anchors(store, read_anchors(anchors), signing)
