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

from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz

from graph import cypher
from graph.repository import upsert
from graph.rows import Evidence, FactRecord, NodeRecord
from graph.store import Store
from nlp.text import fold, phonetic

ACTOR_KINDS = ("Person", "Organization", "Community")
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


def name_keys(name: str) -> list[str]:
    """The words of a name an index can meet on (spelling variants forgiven)."""
    words = [phonetic(w) for w in fold(name).replace(".", " ").split()]
    return sorted({w for w in words if len(w) > 3 and w not in STOP})


def key_id(key: str) -> str:
    return f"nk_{key}"


def similarity(a: str, b: str) -> float:
    """0..100: how alike two names are, spelling variants forgiven."""
    pa, pb = phonetic(a), phonetic(b)
    whole = fuzz.token_sort_ratio(pa, pb)
    # a surname alone ("Grández") against a full name: the words it has, a little less sure
    subset = fuzz.token_set_ratio(pa, pb) * 0.9
    return float(max(whole, subset))


def candidates(store: Store, nodes: Sequence[NodeRecord]) -> list[tuple[str, str, float, str]]:
    """(id, other id, score, reason) for each actor of ``nodes`` that may be another."""
    actors = [n for n in nodes if n.kind in ACTOR_KINDS]
    rows = []
    for n in actors:
        keys = name_keys(str(n.props.get("name", "")))
        if keys:
            rows.append({"id": n.id, "keys": [key_id(k) for k in keys], "need": min(2, len(keys))})
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
    pairs = [{"a": a, "b": b} for a, b, _ in scored]
    shared = {
        (r["a"], r["b"]): int(r["shared"]) for r in store.read(cypher.SHARED_CONTEXT, pairs=pairs)
    }
    out: list[tuple[str, str, float, str]] = []
    for a, b, score in scored:
        reasons = [f"names alike ({score:.0f})"]
        if shared.get((a, b)):
            score = min(100.0, score + CONTEXT_BONUS)
            reasons.append(f"{shared[(a, b)]} shared community or organisation")
        if score >= REVIEW_FLOOR:
            out.append((a, b, score, "; ".join(reasons)))
    return out


def flag_candidates(store: Store, complaint_id: str, nodes: Iterable[NodeRecord]) -> int:
    """Write review candidates for the actors a complaint named; returns how many."""
    nodes = list(nodes)
    names = {n.id: str(n.props.get("name")) for n in nodes}
    facts: list[FactRecord] = []
    for a, b, score, reason in candidates(store, nodes):
        start, end = sorted((a, b))
        ev = Evidence(complaint_id, f"{names.get(a)}", 0, 0, "rule", round(score / 100, 3))
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
