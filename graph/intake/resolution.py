"""Resolution across complaints: actors that may be one become review candidates.

Extraction already merges what is certain (the same name up to accents, case and the
usual spelling variants gives the same node id). What is likely but not certain — a
surname alone against a full name, a one-letter difference — is written as a
``POSSIBLY_SAME_AS`` edge with its score, its reason and the complaint that raised it,
for a person to decide. Nothing is merged here.

Candidates are found through the project's own name index: every actor is linked to a
``NameKey`` node per spelling-tolerant word of its name (written with the extraction),
so a look-up is an index hit, not a scan of every actor.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from graph.cypher import intake as cypher
from graph.model import ACTOR_KINDS, Rel
from graph.rows import Evidence, FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.repository import upsert
from nlp.likeness import CONTEXT_BONUS, REVIEW_FLOOR, review

# the pure name functions live in nlp (the evaluation replays them without a store)
from nlp.likeness import name_keys as name_keys
from nlp.likeness import query_keys as query_keys
from nlp.likeness import similarity as similarity

# Edges that give two actors a context in common: a community, an organisation, a dispute.
CONTEXT = (Rel.MEMBER_OF, Rel.WORKS_FOR, Rel.PARTY_TO)
MAX_CANDIDATES = 2000


def key_id(key: str) -> str:
    return "nk_" + key.replace(":", "_").replace(" ", "_")


def unindexed(
    nodes: Sequence[NodeRecord], facts: Sequence[FactRecord], stored: Mapping[str, str]
) -> tuple[list[NodeRecord], list[FactRecord]]:
    """The records without the name index of actors that are filed under it already.

    ``stored`` maps the ids of actors in the graph to the names stored on them. An
    actor's ``HAS_NAME_KEY`` edges are written in the transaction that stores its name,
    so an actor whose stored name is the record's name has them: writing them again
    would only make the store walk the actor's edges (hundreds, for a police unit named
    in every other complaint).
    """
    indexed = {
        n.id
        for n in nodes
        if n.kind in ACTOR_KINDS and n.id in stored and stored[n.id] == n.props.get("name")
    }
    if not indexed:
        return list(nodes), list(facts)
    kept = [f for f in facts if not (f.type == Rel.HAS_NAME_KEY and f.start in indexed)]
    keys = {f.end for f in kept if f.type == Rel.HAS_NAME_KEY}
    return [n for n in nodes if n.kind != "NameKey" or n.id in keys], kept


def to_look_up(
    nodes: Iterable[NodeRecord], facts: Iterable[FactRecord], known: Collection[str]
) -> list[NodeRecord]:
    """The actors of one complaint whose review candidates are looked up.

    An actor new to the graph is. One that was ``known`` before the complaint was looked
    up when it was created, against every actor there then, and every actor created
    since looked it up in turn (the look-up is symmetric): its name alone brings nothing
    new. A context can: a known actor the complaint puts in a community, an organisation
    or a dispute is looked up again, as a shared context lifts a pair over the floor.
    """
    placed = {f.start for f in facts if f.type in CONTEXT}
    return [n for n in nodes if n.kind in ACTOR_KINDS and (n.id not in known or n.id in placed)]


def candidates(store: Store, nodes: Sequence[NodeRecord]) -> list[tuple[str, str, float, str]]:
    """(id, other id, score, reason) for each actor of ``nodes`` that may be another."""
    actors = [n for n in nodes if n.kind in ACTOR_KINDS]
    rows = []
    for n in actors:
        keys = query_keys(str(n.props.get("name", "")))
        if keys:
            rows.append({"id": n.id, "keys": [key_id(k) for k in keys]})
    if not rows:
        return []
    by_id = {n.id: n for n in actors}
    hits = store.read(cypher.CANDIDATES_BY_NAME_KEYS, rows=rows, limit=MAX_CANDIDATES)
    scored: list[tuple[str, str, float]] = []
    for hit in hits:
        node = by_id[str(hit["id"])]
        if node.kind not in hit["labels"]:
            continue
        score = similarity(str(node.props.get("name", "")), str(hit["name"]))
        if score >= REVIEW_FLOOR - CONTEXT_BONUS:
            scored.append((node.id, str(hit["other"]), score))
    if not scored:
        return []
    # context decides only where the names alone leave it open
    pairs = [{"a": a, "b": b} for a, b, score in scored if score < REVIEW_FLOOR]
    context = store.read(cypher.SHARED_CONTEXT, pairs=pairs) if pairs else []
    shared = {(str(r["a"]), str(r["b"])): int(r["shared"]) for r in context}
    out: list[tuple[str, str, float, str]] = []
    for a, b, score in scored:
        verdict = review(score, shared.get((a, b), 0))
        if verdict is not None:
            out.append((a, b, *verdict))
    return out


def flag_candidates(store: Store, named: Iterable[tuple[str, Iterable[NodeRecord]]]) -> int:
    """Write review candidates for the actors some complaints named; returns how many.

    ``named`` pairs a complaint id with the nodes it named; one look-up and one write
    serve the whole batch.
    """
    source: dict[str, str] = {}
    nodes: dict[str, NodeRecord] = {}
    for complaint_id, records in named:
        for n in records:
            if n.kind in ACTOR_KINDS and n.id not in nodes:
                nodes[n.id] = n
                source[n.id] = complaint_id
    facts: list[FactRecord] = []
    seen: set[tuple[str, str]] = set()
    for a, b, score, reason in candidates(store, list(nodes.values())):
        start, end = sorted((a, b))
        if (start, end) in seen:
            continue
        seen.add((start, end))
        quote = str(nodes[a].props.get("name"))
        ev = Evidence(source[a], quote, 0, 0, "rule", round(score / 100, 3))
        # no "decision" here: a reviewer's decision is never overwritten
        facts.append(
            FactRecord(
                Rel.POSSIBLY_SAME_AS,
                start,
                end,
                {"score": round(score, 1), "reason": reason},
                evidence=ev,
            )
        )
    if facts:
        upsert(store, facts=facts)
    return len(facts)
