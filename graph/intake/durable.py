"""Durable intake: a complaint is stored before anything reads it.

``receive`` writes the complaint with status ``received`` (the same text, by SHA-256,
is one complaint however often it is sent; a resubmission may raise its confidentiality,
never lower it, and the raise goes into the audit log). ``process`` claims it (``extracting``),
runs an extractor, and writes the extracted facts together with the status
``extracted`` in one transaction, so a crash at any point leaves either nothing or
everything. ``resume`` finds complaints left ``received``, ``extracting`` or ``failed``
(up to ``MAX_ATTEMPTS``) and finishes them; facts are idempotent, so a re-run adds no
duplicates.

Over 400 lines as one idea: a complaint's life in the store (received, claimed,
extracted or failed) is one state machine.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import socket
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Protocol

from graph.access import audit
from graph.cypher import intake as cypher
from graph.errors import ConflictError, DefensoresError, ModelError, NotFound, StoreUnavailable
from graph.intake.claims import (
    MAX_ATTEMPTS,
    Claimed,
    Listed,
    claim,
    listed_now,
    listed_pending,
    pending,
    states,
)
from graph.intake.facts import Completed, complete_many
from graph.intake.resolution import flag_candidates, to_look_up
from graph.model import CHANNELS, CONFIDENTIALITY, MODEL
from graph.rows import FactRecord, NodeRecord, utc_now
from graph.store.bolt import Store, Tx

log = logging.getLogger(__name__)

MAX_TEXT = 200_000  # longer texts are refused at intake (see README)
# The status ``resume_batches`` gives complaints it could not finish because the store
# stopped answering: they stay stored (received, or claimed by a process now gone), and
# the next ``resume`` finishes them. An outage is not the complaint's fault: it is not
# marked failed (a claim made before the outage still counts as one of its attempts).
UNAVAILABLE = "unavailable"
# The status ``resume_batches`` gives complaints another process claimed or finished
# between listing and claiming (two ingests at once): not this run's to report.
ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class ComplaintIn:
    """A complaint as it arrives."""

    text: str
    received_at: str | None = None
    channel: str = "other"
    confidentiality: str = "restricted"
    source: str | None = None
    submitted_by: str | None = None
    # when the report was made or published (YYYY-MM-DD): relative dates in the text
    # ("ayer", "el 3 de octubre") are read against it, else against received_at
    reported_at: str | None = None


@dataclass(frozen=True)
class Extraction:
    """What an extractor found in one complaint, ready for the graph."""

    extractor: str
    language: str | None = None
    nodes: Sequence[NodeRecord] = field(default_factory=list)
    facts: Sequence[FactRecord] = field(default_factory=list)


class Extractor(Protocol):
    """Extracts one complaint: (id, text, reference) → Extraction.

    The reference is the date relative dates are read against: the complaint's
    ``reported_at`` when given, else its ``received_at``."""

    def __call__(self, complaint_id: str, text: str, received_at: str, /) -> Extraction: ...


# An extractor may hand back a thunk that builds the records: the writer thread runs it,
# so turning results into rows overlaps with the next batch's NLP.
Deferred = Callable[[], Extraction]
Outcome = Extraction | Exception | Deferred


class BatchExtractor(Protocol):
    """Extracts several complaints at once (``nlp.pipe``); an item may fail alone."""

    def __call__(self, items: Sequence[tuple[str, str, str]], /) -> list[Outcome]: ...


@dataclass(frozen=True)
class Received:
    complaint: Mapping[str, Any]
    created: bool
    raised_from: str | None = None  # the confidentiality this submission raised it from

    @property
    def id(self) -> str:
        return str(self.complaint["id"])


def text_sha256(text: str) -> str:
    """SHA-256 of the text in Unicode NFC, surrounding whitespace ignored."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).strip().encode("utf-8")).hexdigest()


def complaint_id(text: str) -> str:
    return f"cmp_{text_sha256(text)[:32]}"


# how far ahead of this machine's clock a sender's clock may run
CLOCK_SKEW = timedelta(minutes=5)


def _visible(text: str) -> bool:
    """Whether ``text`` has a character one can see (not a space, separator, control or
    format character such as U+200B)."""
    return any(not ch.isspace() and unicodedata.category(ch)[0] not in "CZ" for ch in text)


def _not_future(when: datetime, name: str) -> None:
    if when > datetime.now(UTC) + CLOCK_SKEW:
        raise ModelError(f"{name} {when.strftime('%Y-%m-%dT%H:%M:%SZ')} is in the future")


def _validate(c: ComplaintIn) -> None:
    if not c.text.strip():
        raise ModelError("complaint text is empty")
    if not _visible(c.text):
        raise ModelError("complaint text has no visible characters")
    if len(c.text) > MAX_TEXT:
        raise ModelError(f"complaint text is longer than {MAX_TEXT} characters")
    if c.channel not in CHANNELS:
        raise ModelError(f"channel must be one of {', '.join(CHANNELS)}; got {c.channel!r}")
    if c.confidentiality not in CONFIDENTIALITY:
        raise ModelError(
            f"confidentiality must be one of {', '.join(CONFIDENTIALITY)}; "
            f"got {c.confidentiality!r}"
        )
    if c.received_at:
        try:
            when = datetime.fromisoformat(c.received_at.replace("Z", "+00:00"))
        except ValueError:
            return  # the model's check names the bad format
        _not_future(when if when.tzinfo else when.replace(tzinfo=UTC), "received_at")


@dataclass(frozen=True)
class Checked:
    """A complaint ``validate`` passed: its id and the properties it is stored with."""

    id: str
    props: Mapping[str, Any]


def _props(complaint: ComplaintIn, now: str) -> dict[str, Any]:
    _validate(complaint)
    props: dict[str, Any] = {
        "text": complaint.text,
        "sha256": text_sha256(complaint.text),
        "received_at": complaint.received_at or now,
        "reported_at": normalise_day(complaint.reported_at, "reported_at"),
        "channel": complaint.channel,
        "confidentiality": complaint.confidentiality,
        "source": complaint.source,
        "submitted_by": complaint.submitted_by,
    }
    props = {k: v for k, v in props.items() if v is not None}
    MODEL.node("Complaint").check({**props, "status": "received"})
    return props


def normalise_instant(raw: str | None) -> str | None:
    """An ISO-8601 instant as the store keeps it (UTC, ``Z``); naive means UTC."""
    if raw is None:
        return None
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ModelError(f"received_at is not an ISO date: {raw!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    _not_future(when.astimezone(UTC), "received_at")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


EARLIEST_REPORT = date(1990, 1, 1)
_LAST_TIME_ZONE = timezone(timedelta(hours=14))  # where a new day begins first


def normalise_day(raw: str | None, name: str) -> str | None:
    """A report's date as stored (``YYYY-MM-DD``), from a date or an ISO instant.

    It must not be before 1990 nor after today anywhere on Earth.
    """
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    try:
        day = (
            date.fromisoformat(text)
            if len(text) == 10
            else datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        )
    except ValueError:
        raise ModelError(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None
    if day < EARLIEST_REPORT:
        raise ModelError(f"{name} {day.isoformat()} is before {EARLIEST_REPORT.year}")
    if day > datetime.now(_LAST_TIME_ZONE).date():
        raise ModelError(f"{name} {day.isoformat()} is in the future")
    return day.isoformat()


def validate(complaint: ComplaintIn, now: str | None = None) -> Checked:
    """The complaint checked, ready to store (``receive_checked``); ``ModelError`` names
    what is wrong with it, if anything. A complaint that gives no ``received_at`` is
    received ``now`` (default: this instant)."""
    return Checked(complaint_id(complaint.text), _props(complaint, now or utc_now()))


# CONFIDENTIALITY lists the levels from the most open to the most closed
LEVEL = {name: rank for rank, name in enumerate(CONFIDENTIALITY)}
RAISED = "complaint.confidentiality_raised"  # the audit log's operation for a raise


@dataclass(frozen=True)
class Sender:
    """Who submits: named in the audit log when a resubmission raises confidentiality."""

    who: str
    role: str
    token_id: str | None = None


def local_sender() -> Sender:
    """The command line's user on this machine."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown"
    return Sender(f"{user}@{socket.gethostname()}", "cli")


@dataclass(frozen=True)
class Receipt:
    """What storing one complaint did."""

    id: str
    created: bool
    confidentiality: str  # as stored now
    raised_from: str | None = None  # the level this submission raised it from


def _raise_entry(cid: str, before: str, after: str, sender: Sender) -> audit.Entry:
    return audit.Entry(
        who=sender.who,
        role=sender.role,
        token_id=sender.token_id,
        operation=RAISED,
        kind="mutation",
        variables_hash=audit.variables_hash({"complaint": cid, "from": before, "to": after}),
        complaints=[cid],
        outcome=f"{before}->{after}",
    )


def receive(store: Store, complaint: ComplaintIn, *, sender: Sender | None = None) -> Received:
    """Store the complaint (status ``received``) unless the same text is stored already
    (then a higher confidentiality raises the stored one; see ``receive_batch``)."""
    receipt = receive_batch(store, [complaint], sender=sender)[0]
    return Received(get(store, receipt.id), receipt.created, receipt.raised_from)


def receive_many(store: Store, complaints: Sequence[ComplaintIn]) -> list[tuple[str, bool]]:
    """``receive_batch``, as (id, created) per complaint, in order."""
    return [(r.id, r.created) for r in receive_batch(store, complaints)]


def receive_batch(
    store: Store, complaints: Sequence[ComplaintIn], *, sender: Sender | None = None
) -> list[Receipt]:
    """``receive`` for a batch, in one transaction: a receipt per complaint, in order.

    Every complaint is validated first; one invalid complaint stores none of the batch
    (callers check each record with ``validate`` to report each one apart, then store
    what passed with ``receive_checked``).

    A text stored before keeps what it was stored with, but for its confidentiality: a
    resubmission that asks for a higher level (``CONFIDENTIALITY`` orders them) raises
    it, never lowers it. Each raise writes an audit record naming ``sender`` (default:
    this machine's user), the complaint and both levels — in the same transaction, so
    a raise is never unrecorded, and a retry of it (nothing left to raise) records
    nothing more.
    """
    now = utc_now()
    return receive_checked(store, [validate(c, now) for c in complaints], sender=sender)


def receive_checked(
    store: Store, complaints: Sequence[Checked], *, sender: Sender | None = None
) -> list[Receipt]:
    """``receive_batch`` for complaints ``validate`` passed (checked once, not again)."""
    now = utc_now()
    ids = [c.id for c in complaints]
    rows: list[dict[str, Any]] = [{"id": c.id, "props": dict(c.props)} for c in complaints]
    wanted: dict[str, str] = {}  # per text: the highest confidentiality the batch asks
    unique: dict[str, dict[str, Any]] = {}  # per text: its last submission in the batch
    for r in rows:
        cid, level = str(r["id"]), str(r["props"]["confidentiality"])
        wanted[cid] = max(wanted.get(cid, level), level, key=LEVEL.__getitem__)
        unique[cid] = {**r, "props": {**r["props"], "confidentiality": wanted[cid]}}
    by = sender or local_sender()

    def work(tx: Tx) -> tuple[dict[str, tuple[bool, str]], dict[str, str]]:
        result = tx.run(cypher.COMPLAINTS_RECEIVE, rows=list(unique.values()), now=now)
        stored = {str(r["id"]): (bool(r["created"]), str(r["confidentiality"])) for r in result}
        ups = [
            {"id": cid, "before": level, "after": wanted[cid]}
            for cid, (created, level) in stored.items()
            if not created and LEVEL.get(level, len(LEVEL)) < LEVEL[wanted[cid]]
        ]
        raised: dict[str, str] = {}
        if ups:
            done = tx.run(cypher.COMPLAINTS_RAISE, rows=ups, now=now)
            raised = {str(r["id"]): str(r["before"]) for r in done}
            entries = [_raise_entry(c, b, wanted[c], by) for c, b in sorted(raised.items())]
            audit.append_in(tx, entries)
        return stored, raised

    for attempt in range(1, audit.APPEND_TRIES + 1):
        try:
            stored, raised = store.transaction(work)
            break
        except ConflictError:  # another audit record took the head first: again, whole
            if attempt == audit.APPEND_TRIES:
                raise
    for cid, before in sorted(raised.items()):
        log.info("complaint %s: confidentiality raised from %s to %s", cid, before, wanted[cid])
    seen: set[str] = set()
    out: list[Receipt] = []
    for cid in ids:
        created, level = stored.get(cid, (False, wanted[cid]))
        first = cid not in seen
        out.append(
            Receipt(
                cid,
                created and first,
                wanted[cid] if cid in raised else level,
                raised.get(cid) if first else None,
            )
        )
        seen.add(cid)
    return out


def get(store: Store, cid: str) -> Mapping[str, Any]:
    rows = store.read(cypher.COMPLAINT_GET, id=cid)
    if not rows:
        raise NotFound(f"no complaint {cid}")
    return dict(rows[0]["complaint"])


def complete(store: Store, cid: str, extraction: Extraction) -> Completed:
    """Write the facts and mark the complaint ``extracted``, in one transaction."""
    return complete_many(store, [(cid, extraction)])


def fail(store: Store, cid: str, reason: str) -> None:
    store.write(cypher.COMPLAINT_FAILED, id=cid, detail=reason[:500], now=utc_now())


def process(
    store: Store, cid: str, extractor: Extractor, *, after: AfterWrite | None = None
) -> str:
    """Extract one stored complaint; returns its status afterwards."""

    def batch(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        out: list[Outcome] = []
        for c, text, received in items:
            try:
                out.append(extractor(c, text, received))
            except Exception as exc:  # reported per complaint below
                out.append(exc)
        return out

    return process_batch(store, [cid], batch, after=after)[cid]


def failure(exc: Exception) -> str:
    """Why a complaint was not extracted, as stored and reported: what the project said,
    or only the kind of an unexpected error (its message may quote the text)."""
    if isinstance(exc, DefensoresError):
        return f"{type(exc).__name__}: {exc}"
    return f"unexpected {type(exc).__name__}"


def _finish(
    store: Store, cid: str, outcome: Extraction | Exception, known: dict[str, frozenset[str]]
) -> str:
    """Write one complaint's outcome alone; ``known`` gets the actors it named that were
    in the graph before."""
    if isinstance(outcome, Exception):
        fail(store, cid, failure(outcome))
        if not isinstance(outcome, DefensoresError):
            log.error("extraction of %s failed unexpectedly: %s", cid, type(outcome).__name__)
        return "failed"
    try:
        known[cid] = complete(store, cid, outcome).known
    except StoreUnavailable:
        raise
    except DefensoresError as exc:
        fail(store, cid, failure(exc))
        log.warning("writing the extraction of %s failed: %s", cid, type(exc).__name__)
        return "failed"
    return "extracted"


AfterWrite = Callable[[list[str]], object]  # called with the ids just extracted


def resolve(outcome: Outcome) -> Extraction | Exception:
    """The extraction an outcome holds, or the exception that stopped it (a deferred
    extraction runs now; whatever it raises is that complaint's failure, not the batch's)."""
    if isinstance(outcome, Extraction | Exception):
        return outcome
    try:
        return outcome()
    except Exception as exc:  # reported per complaint by the caller
        return exc


def _extract(claimed: Claimed, extractor: BatchExtractor) -> list[Outcome]:
    try:
        return extractor(claimed)
    except Exception as exc:  # the whole batch failed: each complaint says why
        return [exc] * len(claimed)


def _write(
    store: Store, claimed: Claimed, outcomes: list[Outcome], after: AfterWrite | None = None
) -> dict[str, str]:
    """One transaction for the batch; if it fails, one per complaint, so a bad complaint
    fails alone. Either way each complaint's facts are stored whole or not at all.

    ``after`` then gets the ids of the complaints extracted (e.g. to raise alerts); its
    failure is logged, never undoes what was stored."""
    status: dict[str, str] = {}
    known: dict[str, frozenset[str]] = {}  # per complaint: its actors already in the graph
    pairs = list(zip([c for c, _, _ in claimed], map(resolve, outcomes), strict=True))
    ready = [(cid, o) for cid, o in pairs if isinstance(o, Extraction)]
    try:
        if ready:
            before = complete_many(store, ready).known
            known.update(dict.fromkeys((cid for cid, _ in ready), before))
        status.update({cid: "extracted" for cid, _ in ready})
        for cid, outcome in pairs:
            if isinstance(outcome, Exception):
                status[cid] = _finish(store, cid, outcome, known)
    except StoreUnavailable:
        raise  # not the complaints' fault: each stays stored, and a re-run finishes it
    except DefensoresError:
        for cid, outcome in pairs:
            status[cid] = _finish(store, cid, outcome, known)
    done = [
        (cid, to_look_up(o.nodes, o.facts, known.get(cid, frozenset())))
        for cid, o in pairs
        if status.get(cid) == "extracted" and isinstance(o, Extraction)
    ]
    try:
        flag_candidates(store, done)
    except DefensoresError as exc:  # the facts are stored; review can be redone
        log.warning("review candidates for %d complaints not written: %s", len(done), exc)
    if after is not None and done:
        try:
            after([cid for cid, _ in done])
        except DefensoresError as exc:
            log.warning("after-intake step for %d complaints failed: %s", len(done), exc)
    return status


def process_batch(
    store: Store,
    cids: Sequence[str],
    extractor: BatchExtractor,
    *,
    after: AfterWrite | None = None,
) -> dict[str, str]:
    """Extract several stored complaints in one batch; returns id → status."""
    claimed, others = claim(store, listed_now(store, cids))
    now = states(store, others)  # where they stand now
    status = {cid: str(now[cid]["status"]) for cid in others}
    if claimed:
        status.update(_write(store, claimed, _extract(claimed, extractor), after))
    return status


def resume(
    store: Store, extractor: Extractor, *, max_attempts: int = MAX_ATTEMPTS
) -> dict[str, str]:
    """Finish every complaint a crash or a failure left behind; returns id → status."""
    return {
        cid: process(store, cid, extractor) for cid in pending(store, max_attempts=max_attempts)
    }


def resume_batches(
    store: Store,
    extractor: BatchExtractor,
    *,
    batch_size: int = 32,
    max_attempts: int = MAX_ATTEMPTS,
    after: AfterWrite | None = None,
) -> dict[str, str]:
    """``resume`` with batched extraction (``nlp.pipe``); ``after`` as in ``_write``.

    A batch's facts are written in a background thread while the next batch is being
    extracted: the store works on one core while the NLP works on the other.

    If the store stops answering, the run ends there: every complaint not finished gets
    ``UNAVAILABLE`` (what was written stays written, whole). Complaints another process
    took first get ``ELSEWHERE``.
    """
    status: dict[str, str] = {}
    todo = listed_pending(store, max_attempts=max_attempts, limit=100_000)
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    if not batches:
        return status

    def write_then_claim(
        claimed: Claimed, outcomes: list[Outcome], next_ids: Listed
    ) -> tuple[Claimed, list[str]]:
        if claimed:  # noted at once: the claim below may fail, this stays written
            status.update(_write(store, claimed, outcomes, after))
        return claim(store, next_ids) if next_ids else ([], [])

    # The store writes batch i-1 and claims batch i+1 while batch i is being extracted;
    # a crash costs an extraction attempt to at most one batch that was not tried.
    try:
        claimed, skipped = claim(store, batches[0])
        status.update(dict.fromkeys(skipped, ELSEWHERE))
        previous: tuple[Claimed, list[Outcome]] = ([], [])
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="intake-writer") as writer:
            for i in range(len(batches)):
                next_ids = batches[i + 1] if i + 1 < len(batches) else []
                job = writer.submit(write_then_claim, previous[0], previous[1], next_ids)
                outcomes = _extract(claimed, extractor) if claimed else []
                upcoming, skipped = job.result()
                status.update(dict.fromkeys(skipped, ELSEWHERE))
                previous = (claimed, outcomes)
                claimed = upcoming
            if previous[0]:
                status.update(_write(store, previous[0], previous[1], after))
    except StoreUnavailable as exc:
        left = [cid for cid, _ in todo if cid not in status]
        log.error(
            "the store stopped answering; %d complaints left for a re-run: %s", len(left), exc
        )
        status.update(dict.fromkeys(left, UNAVAILABLE))
    return status
