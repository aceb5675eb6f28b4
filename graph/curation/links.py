"""Facts a person records: a link between two actors quoting a complaint (``link_actors``),
and the manual facts of cases and protection measures."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from graph.curation.checks import Props, choice, fact_view, ids_of, require_nodes, required
from graph.curation.edges import EVIDENCE_COLUMNS
from graph.cypher import intake as intake_q
from graph.cypher import write as cypher
from graph.errors import ModelError, NotFound
from graph.kinds import NodeKind, RelKind
from graph.model import LINK_TYPES, MODEL
from graph.rows import Evidence, FactRecord, Row, fact_batches, utc_now
from graph.rows import fact_id as edge_id
from graph.store.bolt import Store, Tx
from graph.store.repository import DEFAULT_BATCH, write_all
from nlp.text import fold, strip_marks


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, where it comes from in ``text``."""
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        for c in strip_marks(ch).casefold():
            if c.isspace():
                if not chars or chars[-1] == " ":
                    continue
                c = " "
            chars.append(c)
            origin.append(i)
    return "".join(chars), origin


def find_quote(text: str, quote: str) -> tuple[int, int]:
    """The span of ``quote`` in ``text``: as written, else ignoring case and accents."""
    if not quote.strip():
        raise ModelError("quote is required")
    exact = text.find(quote)
    if exact >= 0:
        return exact, exact + len(quote)
    folded, origin = _folded_with_offsets(text)
    needle = fold(quote)
    at = folded.find(needle)
    if at < 0:
        raise ModelError("the quote does not occur in the complaint")
    start, end = origin[at], origin[at + len(needle) - 1] + 1
    while end < len(text) and unicodedata.combining(text[end]):
        end += 1
    return start, end


def link_actors(
    store: Store,
    from_id: str,
    to_id: str,
    rel_type: str,
    complaint_id: str,
    quote: str,
    by: str,
    *,
    props: Mapping[str, Any] | None = None,
) -> Props:
    """Record that one actor is linked to another (``MEMBER_OF``, ``WORKS_FOR``,
    ``ASSOCIATE_OF``), citing the span of a complaint; returns the fact.

    The evidence is manual and certain (confidence 1.0) and the fact confirmed by ``by``.
    ``props`` are the type's own properties (``role``, ``relationship``).
    """
    choice("rel_type", rel_type, LINK_TYPES)
    rel = MODEL.relationship(rel_type)
    ids_of("Actor", [from_id, to_id])
    MODEL.check_endpoints(rel, MODEL.kind_of_id(from_id), MODEL.kind_of_id(to_id))
    if from_id == to_id:
        raise ModelError(f"{from_id} cannot be linked to itself")
    if MODEL.kind_of_id(complaint_id).name != "Complaint":
        raise ModelError(f"{complaint_id!r} is not the id of a complaint")
    reviewer = required("by", by)
    required("quote", quote)
    now = utc_now()

    def work(tx: Tx) -> Props:
        require_nodes(tx, actors=[from_id, to_id])
        found = tx.run(intake_q.COMPLAINT_GET, id=complaint_id)
        if not found:
            raise NotFound(f"no complaint {complaint_id}")
        text = str(found[0]["complaint"]["text"])
        a, b = find_quote(text, quote)
        evidence = Evidence(complaint_id, text[a:b], a, b, "manual", 1.0)
        review = {"review": "confirmed", "reviewed_by": reviewer, "reviewed_at": now}
        record = FactRecord(rel.type, from_id, to_id, {**(props or {}), **review}, evidence)
        write_all(tx, [], fact_batches([record]), now, DEFAULT_BATCH)
        rows = tx.run(cypher.fact_by_id(rel), id=edge_id(rel.type, from_id, to_id))
        return fact_view(rel, rows[0])

    return store.transaction(work)


def _manual_props(rel: RelKind, by: str, now: str) -> Props:
    """A fact a person records without a complaint to cite: no evidence, confirmed."""
    props: Props = {
        **{column: [] for column in EVIDENCE_COLUMNS},
        "sources": [],
        "confidence": 1.0,
        "method": "manual",
        "review": "confirmed",
        "reviewed_by": by,
        "reviewed_at": now,
    }
    rel.check(props)
    return props


def add_manual_links(
    tx: Tx, rel_type: str, start_id: str, end_ids: Sequence[str], by: str, now: str
) -> None:
    """Create the manual facts ``start -[rel_type]-> end`` that do not exist yet."""
    rel = MODEL.relationship(rel_type)
    start = MODEL.kind_of_id(start_id)
    props = _manual_props(rel, by, now)
    groups: dict[str, list[Row]] = defaultdict(list)
    for end_id in end_ids:
        end = MODEL.kind_of_id(end_id)
        MODEL.check_endpoints(rel, start, end)
        row = {
            "start": start_id,
            "end": end_id,
            "props": {**props, "id": edge_id(rel.type, start_id, end_id)},
        }
        groups[end.key_label].append(row)
    for label, rows in groups.items():
        done = tx.run(cypher.manual_facts(rel, start.key_label, label), rows=rows, now=now)
        if not done or int(done[0]["written"]) != len(rows):
            raise NotFound(f"{rel.type}: an end of a link is gone")


def remove_links(tx: Tx, rel_type: str, start_id: str, end_ids: Sequence[str]) -> None:
    rel = MODEL.relationship(rel_type)
    start = MODEL.kind_of_id(start_id)
    groups: dict[str, list[Row]] = defaultdict(list)
    for end_id in end_ids:
        groups[MODEL.kind_of_id(end_id).key_label].append({"start": start_id, "end": end_id})
    for label, rows in groups.items():
        tx.run(cypher.delete_edges(rel, start.key_label, label), rows=rows)


def linked_ids(tx: Tx, kind: NodeKind, node_id: str, rel_type: str) -> list[str]:
    rows = tx.run(cypher.linked_ids(kind, MODEL.relationship(rel_type)), id=node_id)
    return sorted(str(i) for i in rows[0]["ids"]) if rows else []
