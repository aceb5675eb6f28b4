"""One ingest: complaints arrive, are stored durably, extracted, written, their review
candidates flagged, risk re-assessed and alerts raised; then read back in one statement.

The GraphQL mutations (``submitComplaint``, ``submitComplaints``) and the command line
(``defensores ingest``) both call ``ingest``; they differ only in its options:

* a request (``whole``): every complaint is validated before any is stored, and one
  refused stores none; they are stored in one transaction and only they are extracted;
  a store that stops answering raises; each is read back (its status, for the reply);
* a batch job: each record is validated as it is read and a refused one is reported
  alone; the rest are stored ``STORE_BATCH`` at a time; then every complaint left
  pending is extracted (one this run stored, or one a run before it left), the NLP
  overlapping the writes (``durable.resume_batches``); a store that stops answering
  ends the run, which reports what it could not do (a re-run finishes it);
* a re-extraction (``again``: ``defensores reextract``, or the server on start): nothing
  arrives; the complaints an older extractor read are extracted again and their facts
  replaced, reviews kept (``graph.intake.reextract``), a store that stops answering
  raises; candidates, risk and alerts follow as for new complaints.

Validation happens once per complaint (``durable.validate`` hands over the checked
complaint that ``durable.receive_checked`` stores). Events (GraphQL subscriptions) are
the caller's: it publishes them from what ``ingest`` returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph.analysis.alerts import AGAIN_BATCH, AfterIntake
from graph.errors import DefensoresError, ModelError, StoreUnavailable
from graph.intake.claims import states
from graph.intake.durable import (
    ELSEWHERE,
    UNAVAILABLE,
    BatchExtractor,
    Checked,
    ComplaintIn,
    Outcome,
    Receipt,
    Sender,
    normalise_instant,
    process_batch,
    receive_checked,
    resume_batches,
    validate,
)
from graph.intake.reextract import Summary, reextract
from graph.store.bolt import Store

STORE_BATCH = 100  # a batch job stores this many complaints per statement
STORE_DOWN_BEFORE = "not stored: the store stopped answering before it was written"
STORE_DOWN_DURING = "stored, not extracted: the store stopped answering; a re-run extracts it"
INTERRUPTED_DURING = "the store stopped answering during extraction"


# --- what arrives -----------------------------------------------------------------------


class SourceRecord(Protocol):
    """A record read from a file (``nlp.sources.Record``)."""

    @property
    def origin(self) -> str: ...
    @property
    def text(self) -> str | None: ...
    @property
    def received_at(self) -> str | None: ...
    @property
    def channel(self) -> str | None: ...
    @property
    def confidentiality(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def reported_at(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...


def complaint_of(record: SourceRecord, confidentiality: str = "restricted") -> ComplaintIn:
    """The complaint a record holds (``confidentiality`` when it names none); the record
    must carry a text (no ``error``)."""
    return ComplaintIn(
        text=str(record.text),
        received_at=normalise_instant(record.received_at),
        channel=record.channel or "import",
        confidentiality=record.confidentiality or confidentiality,
        source=record.source,
        reported_at=record.reported_at,
    )


@dataclass(frozen=True)
class Arrival:
    """One complaint as it reaches ``ingest`` (``complaint``), or why it cannot be one
    (``error``, and the input ``field`` at fault when known)."""

    origin: str  # where it came from: a record ("c.jsonl:2"), an input ("inputs[0]")
    complaint: ComplaintIn | None = None
    error: str | None = None
    field: str | None = None


def arrivals(records: Iterable[SourceRecord], confidentiality: str) -> Iterator[Arrival]:
    """The records read from files, as they arrive (``confidentiality`` when one names none)."""
    for rec in records:
        if rec.error is not None or rec.text is None:
            yield Arrival(rec.origin, error=rec.error)
            continue
        try:
            yield Arrival(rec.origin, complaint_of(rec, confidentiality))
        except DefensoresError as exc:
            yield Arrival(rec.origin, error=str(exc))


# --- how, and what came of it ------------------------------------------------------------


@dataclass(frozen=True)
class Again:
    """A re-extraction: the complaints not extracted by ``current`` (with ``since``: by
    that version or an older one) are extracted again."""

    current: str  # the extractor's name and version, "defensores-nlp/0.3"
    since: str | None = None


@dataclass(frozen=True)
class IngestOptions:
    """How ``ingest`` runs (the module's docstring tells a request from a batch job)."""

    whole: bool = False  # a request: all or none, these complaints only, each read back
    alerts: bool = True  # re-assess risk and raise alerts (alerta temprana) after extraction
    sender: Sender | None = None  # named if a resubmission raises confidentiality
    lock: AbstractContextManager[object] | None = None  # held while extracting and writing
    progress: Callable[[int], None] | None = None  # told how many complaints are extracted
    store_batch: int = STORE_BATCH
    again: Again | None = None  # re-extract what is stored; nothing may arrive


@dataclass(frozen=True)
class Refused:
    """An arrival that is not a complaint, and why."""

    origin: str
    error: str | None
    field: str | None = None


@dataclass
class Ingested:
    """What an ingest did (``as_json``: the summary ``defensores ingest`` prints)."""

    receipts: list[Receipt] = field(default_factory=list)  # stored, in arrival order
    refused: list[Refused] = field(default_factory=list)
    not_stored: list[str] = field(default_factory=list)  # origins: the store was down
    status: dict[str, str] = field(default_factory=dict)  # complaint id -> after extraction
    read_back: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # durable.states
    origins: dict[str, str] = field(default_factory=dict)  # complaint id -> its first origin
    after: AfterIntake | None = None  # None: alerts were not asked for
    interrupted: str | None = None  # why the run stopped early
    reextracted: Summary | None = None  # what a re-extraction did

    @property
    def alerts(self) -> int:
        """How many alerts the run raised (created, not updated)."""
        return 0 if self.after is None else self.after.created

    def failures(self) -> list[dict[str, str]]:
        """The complaints not stored or not extracted, each named by its record when this
        run read it."""
        out = [{"record": origin, "error": STORE_DOWN_BEFORE} for origin in self.not_stored]
        for cid, st in self.status.items():
            if st == UNAVAILABLE:
                out.append(self._failure(cid, STORE_DOWN_DURING))
            elif st == "failed":
                out.append(self._failure(cid, str(self.read_back[cid].get("status_detail"))))
        return out

    def _failure(self, cid: str, error: str) -> dict[str, str]:
        out = {"complaint": cid, "error": error}
        if cid in self.origins:
            out = {"record": self.origins[cid], **out}
        return out

    def as_json(self) -> dict[str, Any]:
        after = {"ok": True, "skipped": True} if self.after is None else self.after.report()
        if self.reextracted is not None:
            return {**self.reextracted.as_json(), "after_intake": after, "alerts": self.alerts}
        values = list(self.status.values())
        summary: dict[str, Any] = {
            "stored": sum(1 for r in self.receipts if r.created),
            "duplicates": sum(1 for r in self.receipts if not r.created),
            "extracted": values.count("extracted"),
            "extracted_by_others": values.count(ELSEWHERE),  # another ingest, or the server
            "failed": self.failures(),
            "invalid": [{"record": r.origin, "error": r.error} for r in self.refused],
        }
        summary["after_intake"] = after
        if not self.not_stored:  # the run got to extraction
            summary["alerts"] = self.alerts
        if UNAVAILABLE in values:
            summary["interrupted"] = INTERRUPTED_DURING
        elif self.interrupted is not None:
            summary["interrupted"] = self.interrupted
        return summary


# --- the ingest --------------------------------------------------------------------------


def ingest(
    store: Store,
    arriving: Iterable[Arrival],
    extractor: BatchExtractor,
    options: IngestOptions | None = None,
) -> Ingested:
    """Store, extract, write, flag candidates and raise alerts for what arrives."""
    options = options or IngestOptions()
    done = Ingested(after=AfterIntake(store) if options.alerts else None)
    if options.again is not None:
        if next(iter(arriving), None) is not None:
            raise ModelError("a re-extraction takes no new complaints")
        with options.lock or contextlib.nullcontext():
            done.reextracted = reextract(
                store,
                _counting(extractor, options.progress),
                options.again.current,
                since=options.again.since,
                after=done.after,
            )
        if done.after is not None and done.after.missed:
            done.after.again()
        return done
    if options.whole:
        checked = _check(arriving, done)
        if done.refused:
            return done  # all or none
        done.receipts = receive_checked(store, [c for _, c in checked], sender=options.sender)
    else:
        _store_as_read(store, arriving, done, options)
        if done.interrupted is not None:
            return done
    counted = _counting(extractor, options.progress)
    with options.lock or contextlib.nullcontext():
        if options.whole:
            ids = list(dict.fromkeys(r.id for r in done.receipts))
            done.status = process_batch(store, ids, counted, after=done.after)
        else:
            done.status = resume_batches(store, counted, after=done.after)
    after = done.after
    if after is not None and after.missed and UNAVAILABLE not in done.status.values():
        after.again()  # the store may answer again by now
    told = [r.id for r in done.receipts] if options.whole else []
    failed = [cid for cid, st in done.status.items() if st == "failed"]
    done.read_back = states(store, list(dict.fromkeys([*told, *failed])))
    return done


def _check(arriving: Iterable[Arrival], done: Ingested) -> list[tuple[str, Checked]]:
    """Every arrival validated (once): (origin, checked complaint), the refused noted."""
    out: list[tuple[str, Checked]] = []
    for arrival in arriving:
        if arrival.complaint is None:
            done.refused.append(Refused(arrival.origin, arrival.error, arrival.field))
            continue
        try:
            checked = validate(arrival.complaint)
        except DefensoresError as exc:
            done.refused.append(Refused(arrival.origin, str(exc), arrival.field))
            continue
        done.origins.setdefault(checked.id, arrival.origin)
        out.append((arrival.origin, checked))
    return out


def _store_as_read(
    store: Store, arriving: Iterable[Arrival], done: Ingested, options: IngestOptions
) -> None:
    """A batch job's storing: one statement per ``store_batch`` complaints; once the store
    stops answering, that batch and every complaint after it is noted ``not_stored``."""
    valid: list[tuple[str, Checked]] = []

    def flush() -> None:
        if valid and done.interrupted is None:
            try:
                got = receive_checked(store, [c for _, c in valid], sender=options.sender)
                done.receipts.extend(got)
            except StoreUnavailable as exc:
                done.interrupted = str(exc)
        if done.interrupted is not None:
            done.not_stored.extend(origin for origin, _ in valid)
        valid.clear()

    for arrival in arriving:
        valid.extend(_check((arrival,), done))
        if len(valid) >= options.store_batch:
            flush()
    flush()


def _counting(extractor: BatchExtractor, progress: Callable[[int], None] | None) -> BatchExtractor:
    """``extractor``, telling ``progress`` how many complaints it has extracted so far."""
    if progress is None:
        return extractor
    total = 0

    def counted(batch: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        nonlocal total
        out = extractor(batch)
        total += len(batch)
        progress(total)
        return out

    return counted


def reextract_stored(store: Store, since: str | None = None) -> Ingested:
    """Re-extract the stored complaints due with the current pipeline, the NLP in a process
    of its own (``defensores reextract``; the server on start when asked)."""
    from graph.intake.extraction import batch_extractor

    with batch_extractor(own_process=True) as extractor:
        options = IngestOptions(again=Again(extractor.version, since))
        return ingest(store, (), extractor, options)


# How a run ends, as ``defensores ingest``, ``reextract`` and ``reassess`` exit (README,
# "Extraction (NLP)"); 2 is any error that stops a command.
EXIT_INCOMPLETE = 1  # a record invalid, failed, or left for a re-run (store down)
EXIT_ALERTS_MISSED = 3  # complaints stored, but risk and alerts not re-assessed for some


def exit_code(summary: Mapping[str, Any]) -> int:
    """The exit code of a run's JSON summary. Missed early warnings first: a re-run does
    not raise them (the complaints are extracted already), so they must not hide behind
    an ordinary exit 1."""
    if not summary["after_intake"]["ok"]:
        return EXIT_ALERTS_MISSED
    incomplete = summary.get("failed") or summary.get("invalid") or summary.get("errors")
    return EXIT_INCOMPLETE if incomplete else 0


def reassess(store: Store, complaint_ids: Sequence[str]) -> AfterIntake:
    """The early warnings an ingest could not raise, raised now (``NotFound`` names an id
    that is not a stored complaint)."""
    states(store, complaint_ids)
    after = AfterIntake(store)
    for i in range(0, len(complaint_ids), AGAIN_BATCH):
        after(complaint_ids[i : i + AGAIN_BATCH])
    return after
