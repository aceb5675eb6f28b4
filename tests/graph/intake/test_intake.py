"""Durable intake against the real store: stored first, extracted after, never twice."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from graph.access import audit
from graph.access.policy import TRAINER
from graph.analysis.projections import Projections
from graph.errors import ModelError
from graph.intake.claims import pending
from graph.intake.durable import (
    RAISED,
    ComplaintIn,
    Extraction,
    Outcome,
    Sender,
    complaint_id,
    get,
    normalise_instant,
    process,
    process_batch,
    receive,
    receive_batch,
    receive_many,
    resume,
    validate,
)
from graph.rows import FactRecord
from graph.store.bolt import Store
from graph.store.repository import counts, neighbours
from tests.fakes import toy_extractor

pytestmark = pytest.mark.store

TEXT = (
    "El 2 de marzo de 2024 Ana Ríos, defensora asháninka, fue amenazada de muerte "
    "por desconocidos en Puerto Inca."
)


def test_the_same_text_is_one_complaint(store: Store) -> None:
    first = receive(store, ComplaintIn(text=TEXT, channel="web", confidentiality="restricted"))
    again = receive(store, ComplaintIn(text="  " + TEXT + "\n", channel="email"))
    assert first.created and not again.created
    assert first.id == again.id == complaint_id(TEXT)
    assert again.complaint["channel"] == "web"  # the first arrival is kept
    assert first.complaint["status"] == "received"
    assert counts(store)["by_label"]["Complaint"] == 1


@pytest.mark.parametrize(
    ("complaint", "message"),
    [
        (ComplaintIn(text="   "), "complaint text is empty"),
        (ComplaintIn(text="x", channel="pigeon"), "channel must be one of"),
        (ComplaintIn(text="x", confidentiality="secret"), "confidentiality must be one of"),
        (ComplaintIn(text="x", received_at="ayer"), "received_at must be datetime"),
        (ComplaintIn(text="\u200b\u00a0\u3000\u2060\ufeff"), "no visible characters"),
        (ComplaintIn(text="\u200b \n"), "no visible characters"),
        (
            ComplaintIn(text="x", received_at="2999-01-01T00:00:00Z"),
            "received_at 2999-01-01T00:00:00Z is in the future",
        ),
    ],
)
def test_bad_complaints_are_refused_and_nothing_is_stored(
    store: Store, complaint: ComplaintIn, message: str
) -> None:
    with pytest.raises(ModelError, match=message):
        receive(store, complaint)
    assert counts(store)["by_label"]["Complaint"] == 0


def test_received_at_may_run_a_little_ahead_and_invisible_marks_inside_text_are_kept() -> None:
    ahead = (datetime.now(UTC) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert normalise_instant(ahead) == ahead  # within the clock skew
    validate(ComplaintIn(text="Amenaza\u200b a la defensora", received_at=ahead))
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    with pytest.raises(ModelError, match="is in the future"):
        normalise_instant(later)


def test_extraction_moves_the_status_and_writes_facts_once(store: Store) -> None:
    cid = receive(store, ComplaintIn(text=TEXT)).id
    assert process(store, cid, toy_extractor) == "extracted"
    assert process(store, cid, toy_extractor) == "extracted"  # already done: no-op
    complaint = get(store, cid)
    assert complaint["status"] == "extracted"
    assert complaint["extractor"] == "toy/1"
    assert complaint["attempts"] == 1
    reports = [e for e in neighbours(store, cid) if e.type == "REPORTS"]
    assert len(reports) == 1
    assert reports[0].props["sources"] == [cid]


def test_a_failing_extraction_writes_no_fact_and_can_be_resumed(store: Store) -> None:
    cid = receive(store, ComplaintIn(text=TEXT)).id

    def broken(c: str, text: str, received: str) -> Extraction:
        good = toy_extractor(c, text, received)
        # one fact points at a node that does not exist: the whole write must roll back
        bad = FactRecord("VICTIM_OF", "per_ghost", good.facts[0].end)
        return Extraction(good.extractor, good.language, good.nodes, [*good.facts, bad])

    assert process(store, cid, broken) == "failed"
    complaint = get(store, cid)
    assert complaint["status"] == "failed"
    assert "per_ghost" in complaint["status_detail"]
    assert counts(store)["relationships"] == 0
    assert counts(store)["by_label"]["Incident"] == 0
    assert pending(store) == [cid]
    assert resume(store, toy_extractor) == {cid: "extracted"}
    assert pending(store) == []


def test_unexpected_errors_mark_the_complaint_failed_without_details(store: Store) -> None:
    cid = receive(store, ComplaintIn(text=TEXT)).id

    def crashing(c: str, text: str, received: str) -> Extraction:
        raise RuntimeError(f"secret internals {text}")

    assert process(store, cid, crashing) == "failed"
    detail = get(store, cid)["status_detail"]
    assert detail == "unexpected RuntimeError"


def test_a_deferred_extraction_that_crashes_fails_its_complaint_not_the_batch(
    store: Store,
) -> None:
    """A batch extractor may hand over an extraction still to be finished (the NLP's
    second stage): what that raises is its complaint's failure, never the others'."""
    good, bad = (receive(store, ComplaintIn(text=t)).id for t in (TEXT, "Luz Vera fue atacada."))

    def deferring(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        def crash() -> Extraction:
            raise RuntimeError("secret internals of the second stage")

        return [crash if c == bad else toy_extractor(c, t, r) for c, t, r in items]

    assert process_batch(store, [good, bad], deferring) == {good: "extracted", bad: "failed"}
    assert get(store, bad)["status_detail"] == "unexpected RuntimeError"
    assert pending(store) == [bad]


def test_attempts_are_bounded(store: Store) -> None:
    cid = receive(store, ComplaintIn(text=TEXT)).id

    def crashing(c: str, text: str, received: str) -> Extraction:
        raise RuntimeError("boom")

    for _ in range(3):
        resume(store, crashing)
    assert get(store, cid)["attempts"] == 3
    assert pending(store) == []


def test_a_crash_mid_extraction_loses_nothing(store: Store, store_env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.procs", "crash-during-extraction", TEXT],
        env=store_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == -9, proc.stderr
    cid = proc.stdout.strip()
    assert get(store, cid)["status"] == "extracting"
    assert pending(store) == [cid]
    assert resume(store, toy_extractor) == {cid: "extracted"}
    assert resume(store, toy_extractor) == {}
    before = counts(store)
    process(store, cid, toy_extractor)
    assert counts(store) == before
    assert counts(store)["by_label"]["Incident"] == 1


def test_a_live_claim_is_respected_and_a_dead_one_is_not(store: Store) -> None:
    import os
    import socket

    from graph.rows import NodeRecord, utc_now
    from graph.store import processes
    from graph.store.repository import upsert

    cid = receive(store, ComplaintIn(text=TEXT)).id
    host = socket.gethostname()
    live = f"{host}:{os.getpid()}:{processes.started(os.getpid()) or 0:.2f}"
    claim = {"status": "extracting", "claimed_by": live, "claimed_at": utc_now()}
    upsert(store, [NodeRecord("Complaint", cid, claim)], partial=True)
    assert pending(store) == []  # another process is working on it
    assert process(store, cid, toy_extractor) == "extracting"
    assert get(store, cid)["attempts"] == 0
    gone = {**claim, "claimed_by": f"{host}:999999:0"}
    upsert(store, [NodeRecord("Complaint", cid, gone)], partial=True)
    assert pending(store) == [cid]  # its claimer is gone: the complaint is free again
    assert process(store, cid, toy_extractor) == "extracted"


def raises(store: Store) -> list[dict[str, Any]]:
    return [r for r in audit.records(store) if r["operation"] == RAISED]


def test_a_resubmission_raises_confidentiality_once_and_never_lowers_it(store: Store) -> None:
    clerk = Sender("mesa-de-partes", "intake", "tok_clerk")
    first = receive(store, ComplaintIn(text=TEXT, confidentiality="restricted"), sender=clerk)
    assert first.created and first.complaint["confidentiality"] == "restricted"
    sealed = receive(store, ComplaintIn(text=TEXT, confidentiality="sealed"), sender=clerk)
    assert (sealed.created, sealed.raised_from) == (False, "restricted")
    assert get(store, first.id)["confidentiality"] == "sealed"
    (record,) = raises(store)
    assert record["complaints"] == [first.id] and record["outcome"] == "restricted->sealed"
    assert (record["who"], record["role"], record["token_id"]) == (
        "mesa-de-partes",
        "intake",
        "tok_clerk",
    )
    assert "Ana" not in str(record)  # ids and levels, never the text
    again = receive(store, ComplaintIn(text=TEXT, confidentiality="sealed"), sender=clerk)
    assert again.raised_from is None  # a retry of the raise: nothing left to do
    for lower in ("restricted", "public"):
        kept = receive(store, ComplaintIn(text=TEXT, confidentiality=lower), sender=clerk)
        assert kept.raised_from is None and kept.complaint["confidentiality"] == "sealed"
    assert len(raises(store)) == 1
    verdict = audit.verify(store)
    assert verdict.ok and verdict.records == 1


def test_a_batch_raises_to_the_highest_level_it_asks_for_each_text(store: Store) -> None:
    other = "Rosa Quispe, dirigente, denunció amenazas en Satipo el 3 de abril de 2024."
    assert receive_many(store, [ComplaintIn(text=TEXT, confidentiality="public")]) == [
        (complaint_id(TEXT), True)
    ]
    batch = [
        ComplaintIn(text=TEXT, confidentiality="restricted"),
        ComplaintIn(text=other, confidentiality="restricted"),
        ComplaintIn(text=TEXT, confidentiality="sealed"),
    ]
    receipts = receive_batch(store, batch, sender=Sender("lote", "cli"))
    assert [(r.created, r.confidentiality, r.raised_from) for r in receipts] == [
        (False, "sealed", "public"),
        (True, "restricted", None),
        (False, "sealed", None),  # the same text: raised once
    ]
    assert [r["outcome"] for r in raises(store)] == ["public->sealed"]
    assert receive_many(store, batch) == [
        (complaint_id(TEXT), False),
        (complaint_id(other), False),
        (complaint_id(TEXT), False),
    ]
    assert len(raises(store)) == 1 and audit.verify(store).ok
    assert get(store, complaint_id(other))["confidentiality"] == "restricted"


class Elsewhere:
    """The store as another process sees it: its writes do not move this ``generation``,
    only the store's fingerprint shows them (``graph.analysis.projections``)."""

    generation = 0

    def __init__(self, store: Store) -> None:
        self._store = store

    def read(self, query: str, **params: object) -> list[dict[str, object]]:
        return self._store.read(query, **params)


@pytest.mark.parametrize("where", ["here", "elsewhere"])
def test_a_raise_to_sealed_takes_what_only_that_complaint_says_from_a_trainers_view(
    store: Store, where: str
) -> None:
    cid = receive(store, ComplaintIn(text=TEXT)).id
    assert process(store, cid, toy_extractor) == "extracted"
    seen_by = store if where == "here" else Elsewhere(store)
    view = Projections(cast(Store, seen_by), viewer=TRAINER, check_every=0)
    incident = next(n for n in view.facts().nodes if n.startswith("inc_"))
    assert view.facts().number_of_edges() == 1  # the victim of the incident
    receive(store, ComplaintIn(text=TEXT, confidentiality="sealed"))
    assert incident not in view.facts() and view.facts().number_of_edges() == 0
    assert view.builds == 2


def test_raises_and_other_audit_records_written_at_once_keep_one_chain(store: Store) -> None:
    texts = [f"Denuncia {i}: Ana Ríos fue amenazada en Puerto Inca." for i in range(6)]
    receive_many(store, [ComplaintIn(text=t) for t in texts])
    entry = audit.Entry("analista", "analyst", "actors", "query", audit.variables_hash({}))

    def raise_each() -> None:
        for t in texts:
            receive(store, ComplaintIn(text=t, confidentiality="sealed"))

    def log_others() -> None:
        for _ in range(6):
            audit.append_many(store, [entry, entry])

    with ThreadPoolExecutor(max_workers=3) as pool:
        for done in [pool.submit(raise_each), pool.submit(log_others), pool.submit(log_others)]:
            done.result()
    verdict = audit.verify(store)
    assert verdict.ok and verdict.records == 6 + 2 * 6 * 2
    assert sorted(c for r in raises(store) for c in r["complaints"]) == sorted(
        complaint_id(t) for t in texts
    )


def test_the_same_raise_sent_at_once_is_recorded_once(store: Store) -> None:
    """Two clients resubmit a text as sealed at the same moment: one raise, one record
    (the second finds nothing left to raise once the first is in), on either store."""
    texts = [f"Denuncia {i}: Rosa Quispe fue amenazada en Satipo." for i in range(12)]
    receive_many(store, [ComplaintIn(text=t) for t in texts])
    for t in texts:
        start = threading.Barrier(2)

        def resubmit(text: str = t, start: threading.Barrier = start) -> str | None:
            start.wait()
            got = receive(store, ComplaintIn(text=text, confidentiality="sealed"))
            return got.raised_from

        with ThreadPoolExecutor(max_workers=2) as pool:
            froms = list(pool.map(lambda _: resubmit(), range(2)))
        assert sorted(froms, key=str) == [None, "restricted"], froms
    assert len(raises(store)) == len(texts)
    assert audit.verify(store).ok
