"""Reviewing facts: a reviewer confirms, rejects or reopens one; a suspicion confirmed
becomes the fact it is a weaker form of."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from graph.curation.checks import Props, choice, fact_view, required
from graph.curation.edges import REVIEW_PROPS, At, Plan, combine
from graph.cypher import write as cypher
from graph.errors import ConflictError, ModelError, NotFound
from graph.kinds import RelKind
from graph.model import MODEL, REVIEW_STATUS
from graph.rows import FactRecord, Row, chunks, utc_now
from graph.rows import fact_id as edge_id
from graph.store.bolt import Store, Tx
from graph.store.repository import DEFAULT_BATCH

# the types tentative facts (``RelKind.confirms_as``) are confirmed into
_CONFIRMED_INTO = frozenset(r.confirms_as for r in MODEL.relationships if r.confirms_as)


def review_fact(
    store: Store, rel_type: str, fact_id: str, decision: str, note: str | None, by: str
) -> Props:
    """Record a reviewer's decision on one fact; returns the fact with its ends.

    Deciding the same again (same decision, note and reviewer) changes nothing.
    Confirming a tentative fact (``SUSPECTED_OF``) turns it into the fact it is a weaker
    form of (``PERPETRATOR_OF``), which is returned; see ``_confirm_tentative``. A fact
    confirmed that way is not reopened (to pending): a reviewer rejects it instead.
    """
    rel = MODEL.relationship(rel_type)
    if not rel.fact:
        raise ModelError(f"{rel.type} is not a fact; it is not reviewed")
    choice("decision", decision, REVIEW_STATUS)
    reviewer = required("by", by)
    clean_note = (note or "").strip() or None
    now = utc_now()
    if rel.confirms_as is not None and decision == "confirmed":
        return store.transaction(
            lambda tx: _confirm_tentative(tx, rel, fact_id, clean_note, reviewer, now)
        )
    reopening = decision == "extracted" and rel.type in _CONFIRMED_INTO

    def work(tx: Tx) -> Props:
        if reopening:
            found = tx.run(cypher.fact_by_id(rel), id=fact_id)
            if found and found[0]["rel"].get("confirmed_from"):
                raise ConflictError(
                    f"{rel.type} {fact_id} was confirmed from a suspicion: reject it, "
                    "it is not reopened"
                )
        rows = tx.run(
            cypher.review_fact(rel),
            id=fact_id,
            review=decision,
            note=clean_note,
            by=reviewer,
            now=now,
        )
        if not rows:
            raise NotFound(f"no {rel.type} fact {fact_id}")
        return fact_view(rel, rows[0])

    return store.transaction(work)


def _confirm_tentative(
    tx: Tx, rel: RelKind, fact_id: str, note: str | None, by: str, now: str
) -> Props:
    """Turn a tentative fact into the firm one it confirms as, with its provenance.

    The firm edge (``PERPETRATOR_OF``, status alleged) gets the tentative one's evidence,
    sources and confidence, review ``confirmed`` by ``by`` and ``confirmed_from`` its id;
    a firm edge already between the two keeps its values and gains the evidence. The
    tentative edge goes. A retry (the tentative edge gone) returns the firm edge as is.
    """
    firm = MODEL.relationship(str(rel.confirms_as))
    rows = tx.run(cypher.fact_by_id(rel), id=fact_id)
    if not rows:
        done = tx.run(cypher.fact_confirmed_from(firm), id=fact_id)
        if done:
            return fact_view(firm, done[0])
        raise NotFound(f"no {rel.type} fact {fact_id}")
    start, end = str(rows[0]["start"]), str(rows[0]["end"])
    tentative = dict(rows[0]["rel"])
    labels = MODEL.kind_of_id(start).key_label, MODEL.kind_of_id(end).key_label
    firm_id = edge_id(firm.type, start, end)
    there = tx.run(cypher.fact_by_id(firm), id=firm_id)
    if there:
        props = combine(dict(there[0]["rel"]), tentative, True)
    else:
        own = {k: v for k, v in tentative.items() if k not in REVIEW_PROPS and k != "id"}
        props = {**own, "id": firm_id, "status": "alleged"}
    props.update(
        review="confirmed",
        review_note=note,
        reviewed_by=by,
        reviewed_at=now,
        confirmed_from=fact_id,
        updated_at=now,
    )
    firm.check({k: v for k, v in props.items() if v is not None})
    plan = Plan()
    plan.delete(At(rel.type, start, end, *labels))
    plan.put(At(firm.type, start, end, *labels), props)
    plan.run(tx)
    rows = tx.run(cypher.fact_by_id(firm), id=firm_id)
    return fact_view(firm, rows[0])


def without_settled_suspicions(tx: Tx, facts: Sequence[FactRecord]) -> list[FactRecord]:
    """``facts`` without the tentative ones (``SUSPECTED_OF``) whose two ends the firm
    type (``PERPETRATOR_OF``) joins already: extracted again after a reviewer confirmed
    the suspicion, or after a report attributed the act, a suspicion adds nothing."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for f in facts:
        rel = MODEL.relationship(f.type)
        if rel.confirms_as is not None:
            labels = MODEL.kind_of_id(f.start).key_label, MODEL.kind_of_id(f.end).key_label
            groups[(rel.confirms_as, *labels)].append({"start": f.start, "end": f.end})
    settled: set[tuple[str, str]] = set()
    for (firm, start, end), rows in groups.items():
        statement = cypher.existing_edges(MODEL.relationship(firm), start, end)
        for part in chunks(rows, DEFAULT_BATCH):
            settled |= {(str(r["start"]), str(r["end"])) for r in tx.run(statement, rows=part)}
    if not settled:
        return list(facts)
    return [
        f
        for f in facts
        if MODEL.relationship(f.type).confirms_as is None or (f.start, f.end) not in settled
    ]
