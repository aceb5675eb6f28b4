"""Resolution across complaints: actors that may be one become review candidates.

Extraction already merges what is certain (the same name up to accents, case and the
usual spelling variants gives the same node id). What is likely but not certain — a
surname alone against a full name, a one-letter difference, an acronym the gazetteer
does not know — is written as a ``POSSIBLY_SAME_AS`` edge with its score, its reason and
the complaint that raised it, for a person to decide. Nothing is merged here.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from graph import cypher
from graph.model import MODEL
from graph.repository import upsert
from graph.rows import Evidence, FactRecord, NodeRecord
from graph.store import Store
from nlp.text import fold, phonetic

ACTOR_KINDS = ("Person", "Organization", "Community")
REVIEW_FLOOR = 80.0
CONTEXT_BONUS = 10.0
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
    "s.a.c.",
    "eirl",
    "s.a.",
    "empresa",
    "minera",
}


def similarity(a: str, b: str) -> float:
    """0..100: how alike two names are, spelling variants forgiven."""
    pa, pb = phonetic(a), phonetic(b)
    whole = fuzz.token_sort_ratio(pa, pb)
    # a surname alone ("Grández") against a full name: the words it has, a little less sure
    subset = fuzz.token_set_ratio(pa, pb) * 0.9
    return float(max(whole, subset))


def candidates(
    store: Store, node: NodeRecord, limit: int = 25
) -> list[tuple[str, str, float, str]]:
    """(other id, other name, score, reason) for actors that may be ``node``."""
    kind = MODEL.node(node.kind)
    name = str(node.props.get("name", ""))
    words = sorted(
        {w for w in fold(name).split() if len(w) > 3 and w not in STOP}, key=len, reverse=True
    )[:3]
    if not words:
        return []
    rows = store.read(cypher.actors_named_like(kind), words=words, id=node.id, limit=limit)
    found: list[tuple[str, str, float, str]] = []
    for row in rows:
        score = similarity(name, str(row["name"]))
        reasons = [f"names alike ({score:.0f})"]
        shared = store.read(cypher.shared_context(kind), a=node.id, b=row["id"])
        if shared and shared[0]["shared"]:
            score = min(100.0, score + CONTEXT_BONUS)
            reasons.append(f"{shared[0]['shared']} shared community, organisation or place")
        if score >= REVIEW_FLOOR:
            found.append((str(row["id"]), str(row["name"]), score, "; ".join(reasons)))
    return found


def flag_candidates(store: Store, complaint_id: str, nodes: Iterable[NodeRecord]) -> int:
    """Write review candidates for the actors a complaint named; returns how many."""
    facts: list[FactRecord] = []
    for node in nodes:
        if node.kind not in ACTOR_KINDS:
            continue
        for other_id, other_name, score, reason in candidates(store, node):
            start, end = sorted((node.id, other_id))
            quote = f"{node.props.get('name')} / {other_name}"
            ev = Evidence(complaint_id, quote, 0, 0, "rule", round(score / 100, 3))
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
