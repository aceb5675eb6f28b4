"""Edges as plain data: evidence, combining two edges into one, and writing edges in
groups (one statement per type and pair of labels)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.curation.checks import Props
from graph.cypher import write as cypher
from graph.errors import ConflictError
from graph.model import MODEL
from graph.rows import Row, chunks
from graph.store.bolt import Tx
from graph.store.repository import DEFAULT_BATCH

Key = tuple[str, str, str]  # (type, start id, end id): one edge per key in this model

# One piece of evidence is one entry in each of these parallel lists.
EVIDENCE_COLUMNS = ("evidence_keys", "quotes", "starts", "ends", "methods", "confidences")
_DERIVED = frozenset((*EVIDENCE_COLUMNS, "sources", "confidence"))
REVIEW_PROPS = frozenset(("review", "review_note", "reviewed_by", "reviewed_at"))
STAMPS = frozenset(("id", "created_at", "updated_at"))


def evidence_of(props: Mapping[str, Any] | None) -> list[tuple[Any, ...]]:
    """The evidence of a fact, one tuple per piece, in ``EVIDENCE_COLUMNS`` order."""
    if not props:
        return []
    return list(zip(*(list(props.get(c) or []) for c in EVIDENCE_COLUMNS), strict=False))


def keys_of(props: Mapping[str, Any] | None) -> set[str]:
    return {str(e[0]) for e in evidence_of(props)}


def with_evidence(props: Props, evidence: list[tuple[Any, ...]], sources: list[str]) -> Props:
    out = dict(props)
    for i, column in enumerate(EVIDENCE_COLUMNS):
        out[column] = [e[i] for e in evidence]
    cited = {str(e[0]).rsplit(":", 2)[0] for e in evidence}
    out["sources"] = [s for s in dict.fromkeys(sources) if s in cited]
    return out


def combine(kept: Mapping[str, Any], moved: Mapping[str, Any], fact: bool) -> Props:
    """One edge from two: ``kept``'s values win, ``moved`` fills what it lacks (its review
    excepted), and the evidence of both is listed once each; confidence is the highest."""
    out = {k: v for k, v in moved.items() if k not in _DERIVED and k not in REVIEW_PROPS}
    out.update(kept)
    if not fact:
        return out
    evidence = evidence_of(kept)
    seen = {e[0] for e in evidence}
    for e in evidence_of(moved):
        if e[0] not in seen:
            seen.add(e[0])
            evidence.append(e)
    sources = [*(kept.get("sources") or []), *(moved.get("sources") or [])]
    out = with_evidence(out, evidence, sources)
    out["confidence"] = max(
        float(kept.get("confidence") or 0.0), float(moved.get("confidence") or 0.0)
    )
    return out


def without_evidence(props: Mapping[str, Any], drop: set[str], floor: float) -> Props:
    """The edge without the evidence whose keys are in ``drop``."""
    if not drop or not drop & keys_of(props):
        return dict(props)
    evidence = [e for e in evidence_of(props) if e[0] not in drop]
    out = with_evidence(dict(props), evidence, list(props.get("sources") or []))
    out["confidence"] = max([floor, *(float(e[5]) for e in evidence)])
    return out


def same_edge(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return {k: v for k, v in a.items() if k != "updated_at"} == {
        k: v for k, v in b.items() if k != "updated_at"
    }


@dataclass(frozen=True)
class At:
    """Where an edge is: its type, its ends and the labels to find them by."""

    type: str
    start: str
    end: str
    start_label: str
    end_label: str

    @property
    def key(self) -> Key:
        return (self.type, self.start, self.end)


@dataclass
class Plan:
    """Edge writes gathered by (type, start label, end label): one statement per group."""

    puts: dict[tuple[str, str, str], list[Row]] = field(default_factory=lambda: defaultdict(list))
    deletes: dict[tuple[str, str, str], list[Row]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def put(self, at: At, props: Props) -> None:
        clean = {k: v for k, v in props.items() if v is not None}
        self.puts[(at.type, at.start_label, at.end_label)].append(
            {"start": at.start, "end": at.end, "props": clean}
        )

    def delete(self, at: At) -> None:
        self.deletes[(at.type, at.start_label, at.end_label)].append(
            {"start": at.start, "end": at.end}
        )

    def run(self, tx: Tx) -> None:
        for (rel_type, start, end), rows in self.deletes.items():
            rel = MODEL.relationship(rel_type)
            for part in chunks(rows, DEFAULT_BATCH):
                tx.run(cypher.delete_edges(rel, start, end), rows=part)
        for (rel_type, start, end), rows in self.puts.items():
            rel = MODEL.relationship(rel_type)
            for part in chunks(rows, DEFAULT_BATCH):
                done = tx.run(cypher.put_edges(rel, start, end), rows=part)
                if not done or int(done[0]["written"]) != len(part):
                    raise ConflictError(f"{rel.type}: an end of an edge is gone; try again")
