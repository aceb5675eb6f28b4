"""Writing what extraction found: records pointed at the actors merged ones went into,
suspicions already settled left out, the facts stamped with their extractor, and the
complaints marked ``extracted`` in the same transaction (``durable`` and ``reextract``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from graph.curation.review import without_settled_suspicions
from graph.cypher import intake as cypher
from graph.errors import NotFound
from graph.intake.resolution import unindexed
from graph.model import MODEL
from graph.rows import FactRecord, NodeRecord, fact_batches, node_batches, utc_now
from graph.store.bolt import Store, Tx
from graph.store.repository import Written, write_all


class Found(Protocol):
    """What an extractor found in one complaint (``durable.Extraction``)."""

    @property
    def extractor(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def nodes(self) -> Sequence[NodeRecord]: ...
    @property
    def facts(self) -> Sequence[FactRecord]: ...


@dataclass(frozen=True)
class Completed:
    """What writing some complaints' facts did."""

    written: Written
    known: frozenset[str]  # the actors they name that were in the graph before


def _actors_known(tx: Tx, ids: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """For the actors among ``ids`` in the graph: their stored names, and where the ones
    merged into others went (chains followed: A <- B <- C)."""
    names: dict[str, str] = {}
    into: dict[str, str] = {}
    while ids:
        rows = tx.run(cypher.ACTORS_KNOWN, ids=ids)
        for r in rows:
            names.setdefault(str(r["id"]), str(r["name"] or ""))
        found = {str(r["id"]): str(r["into"]) for r in rows if r["into"] is not None}
        for original, target in list(into.items()):
            into[original] = found.get(target, target)
        into.update({k: v for k, v in found.items() if k not in into})
        ids = sorted(set(found.values()) - set(into)) if len(into) < 10_000 else []
    return names, into


def prepare(
    tx: Tx, nodes: Sequence[NodeRecord], facts: Sequence[FactRecord]
) -> tuple[list[NodeRecord], list[FactRecord], frozenset[str]]:
    """The records to write, and the ids of the actors among them already in the graph.

    Records about actors that were merged into others point at those others: a merged
    actor keeps its node (a split restores it) but takes no new facts; the actor it was
    merged into, which carries its name as an alias, takes them. The name index of
    actors filed under it already is left out (``resolution.unindexed``).
    """
    ids = sorted(
        {n.id for n in nodes if "Actor" in MODEL.node(n.kind).labels}
        | {i for f in facts for i in (f.start, f.end) if i.split("_", 1)[0] in ACTOR_PREFIXES}
    )
    names, into = _actors_known(tx, ids)
    # a merged actor's name index goes to the actor it was merged into, as its facts do
    kept, moved = unindexed(nodes, facts, {i: n for i, n in names.items() if i not in into})
    if into:
        kept = [n for n in kept if n.id not in into]
        moved = [
            replace(f, start=into.get(f.start, f.start), end=into.get(f.end, f.end)) for f in moved
        ]
        moved = [f for f in moved if f.start != f.end]
    return kept, moved, frozenset(names)


ACTOR_PREFIXES = frozenset(k.id_prefix for k in MODEL.nodes if "Actor" in k.labels)
# tentative type -> the firm type a reviewer's confirmation makes it (SUSPECTED_OF ->
# PERPETRATOR_OF)
FIRM_OF = {r.type: r.confirms_as for r in MODEL.relationships if r.confirms_as is not None}


def unsettled(tx: Tx, facts: Sequence[FactRecord]) -> list[FactRecord]:
    """``facts`` without the suspicions whose act is attributed already: by a firm fact
    in the store (a reviewer confirmed the suspicion, a report said so) or among
    ``facts`` (another complaint of the batch says so). A suspicion adds nothing there,
    and would reopen as pending what a reviewer settled."""
    firm = {(f.type, f.start, f.end) for f in facts if f.type in FIRM_OF.values()}
    batch = [f for f in facts if (FIRM_OF.get(f.type), f.start, f.end) not in firm]
    return without_settled_suspicions(tx, batch)


def stamped(extraction: Found) -> list[FactRecord]:
    """The facts with evidence, marked with the extractor that found them."""
    mark = {"extractor": extraction.extractor}
    return [
        replace(f, props={**f.props, **mark}) if f.evidence is not None else f
        for f in extraction.facts
    ]


def complete_many(store: Store, done: Sequence[tuple[str, Found]]) -> Completed:
    """Write several complaints' facts and mark them ``extracted``, in one transaction."""
    now = utc_now()
    marks = [{"id": cid, "extractor": x.extractor, "language": x.language} for cid, x in done]

    def work(tx: Tx) -> Completed:
        kept, moved, known = prepare(
            tx, [n for _, x in done for n in x.nodes], [f for _, x in done for f in stamped(x)]
        )
        moved = unsettled(tx, moved)  # after prepare: a merged actor's facts are its target's
        written = write_all(tx, node_batches(kept), fact_batches(moved), now, 2000)
        result = tx.run(cypher.COMPLAINTS_EXTRACTED, rows=marks, now=now)
        if not result or int(result[0]["done"]) != len(marks):
            missing = "complaint " + done[0][0] if len(done) == 1 else "a complaint of the batch"
            raise NotFound(f"{missing} is not stored")
        return Completed(written, known)

    return store.transaction(work)
