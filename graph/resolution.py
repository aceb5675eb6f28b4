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

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from graph import cypher
from graph.repository import upsert
from graph.rows import Evidence, FactRecord, NodeRecord
from graph.store import Store
from nlp.text import fold, phonetic

ACTOR_KINDS = ("Person", "Organization", "Community")
# Edges that give two actors a context in common: a community, an organisation, a dispute.
CONTEXT = ("MEMBER_OF", "WORKS_FOR", "PARTY_TO")
REVIEW_FLOOR = 80.0
CONTEXT_BONUS = 10.0
MAX_CANDIDATES = 2000
STOP = {
    "de",
    "del",
    "la",
    "las",
    "los",
    "comunidad",
    "nativa",
    "campesina",
    "sac",
    "eirl",
    "empresa",
    "minera",
    "native",
    "community",
    "the",
    "and",
    "y",
}


def _words(name: str) -> list[str]:
    words = [phonetic(w) for w in fold(name).replace(".", " ").split()]
    return [w for w in words if len(w) > 3 and w not in STOP]


def name_keys(name: str) -> list[str]:
    """The index keys an actor's name is written under.

    A name of several words is filed under each pair of neighbouring words
    (``p:grandes mori``) and under each word (``w:grandes``); a one-word name under that
    word alone (``s:grandes``). Look-ups (``query_keys``) then stay selective: full names
    meet full names on a pair, and only one-word names reach the crowded word keys.
    """
    words = _words(name)
    if len(words) == 1:
        return [f"s:{words[0]}"]
    pairs = {f"p:{a} {b}" for a, b in itertools.pairwise(words)}
    return sorted(pairs | {f"w:{w}" for w in words})


def query_keys(name: str) -> list[str]:
    """The keys under which actors that may share ``name``'s identity are filed."""
    words = _words(name)
    if len(words) == 1:
        return [f"w:{words[0]}", f"s:{words[0]}"]
    pairs = {f"p:{a} {b}" for a, b in itertools.pairwise(words)}
    return sorted(pairs | {f"s:{w}" for w in words})


def key_id(key: str) -> str:
    return "nk_" + key.replace(":", "_").replace(" ", "_")


def similarity(a: str, b: str) -> float:
    """0..100: how alike two names are, spelling variants forgiven."""
    pa, pb = phonetic(a), phonetic(b)
    wa, wb = pa.split(), pb.split()
    if len(wa) > 1 and len(wb) > 1 and fuzz.ratio(wa[0], wb[0]) < 80:
        return 0.0  # two given names: siblings share surnames, not identities
    whole = fuzz.token_sort_ratio(pa, pb)
    # a surname alone ("Grández") against a full name: the words it has, a little less sure
    subset = fuzz.token_set_ratio(pa, pb) * 0.9
    return float(max(whole, subset))


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
    kept = [f for f in facts if not (f.type == "HAS_NAME_KEY" and f.start in indexed)]
    keys = {f.end for f in kept if f.type == "HAS_NAME_KEY"}
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
        reasons = [f"names alike ({score:.0f})"]
        if shared.get((a, b)):
            score = min(100.0, score + CONTEXT_BONUS)
            reasons.append(f"{shared[(a, b)]} shared community or organisation")
        if score >= REVIEW_FLOOR:
            out.append((a, b, score, "; ".join(reasons)))
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
                "POSSIBLY_SAME_AS",
                start,
                end,
                {"score": round(score, 1), "reason": reason},
                evidence=ev,
            )
        )
    if facts:
        upsert(store, facts=facts)
    return len(facts)
