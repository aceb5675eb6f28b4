"""Re-extraction of stored complaints with the current pipeline, reviews kept.

``reextract`` runs the extractor again over complaints extracted by another version
(or, with ``since``, by that version or an older one) and, per complaint and in one
transaction, replaces what the machine found in it:

* an edge whose evidence from the complaint was machine-made (method ``model`` or
  ``rule``) loses that evidence and gets the new extraction's; an edge left with no
  evidence at all is removed, one that other complaints support keeps their evidence;
* an edge a person decided on is left as it was: confirmed or rejected (``review``),
  or manual (``method`` or an evidence ``manual``); the new extraction's evidence is
  added to it, its review never changes;
* a suspicion (``SUSPECTED_OF``) found again where the act is attributed already (a
  reviewer confirmed it) is not written, and a stored one of the complaint goes;
* a review candidate (``POSSIBLY_SAME_AS``) is left alone; merged actors stay merged
  (new facts about a merged actor go to the actor it was merged into), and split
  actors stay apart; cases, measures, alerts and the audit log are not touched;
* an actor, incident or land dispute the complaint no longer supports is removed when
  nothing else holds it: another edge (another complaint's, a reviewer's, a case's, an
  alert's), an alert or merge record naming it. An incident that stays, and a node a
  decided edge citing the complaint touches, keep the complaint's ``REPORTS``/
  ``MENTIONS`` edge, so a reviewed fact keeps its source.

The complaint's ``extractor`` is written in the same transaction, so a crash leaves
every complaint either as it was or fully re-extracted, and running again finishes the
rest. A complaint changed meanwhile by another process is skipped, not overwritten.

Versions: an extractor is named ``name/X.Y…`` (``defensores-nlp/0.2``); versions of
the same name compare by their numbers (``0.10`` after ``0.9``). A stored extractor of
another name, none at all, or one without a readable version counts as older than any.

Over 400 lines as one idea: replacing one complaint's extraction, keeping what reviewers
decided, is one transaction's logic.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from graph.curation.review import without_settled_suspicions
from graph.cypher import intake as cypher
from graph.cypher import write as write_q
from graph.errors import DefensoresError, ModelError, StoreUnavailable
from graph.intake.durable import AfterWrite, BatchExtractor, Extraction, Outcome, failure, resolve
from graph.intake.facts import prepare, stamped
from graph.intake.resolution import flag_candidates, to_look_up
from graph.model import MODEL, Rel
from graph.rows import FactRecord, NodeRecord, Row, chunks, fact_batches, node_batches, utc_now
from graph.store.bolt import Store, Tx
from graph.store.repository import DEFAULT_BATCH, write_all
from nlp.text import fold

log = logging.getLogger(__name__)

Key = tuple[str, str, str]  # (type, start id, end id)
Version = tuple[int, ...]

EVIDENCE_COLUMNS = ("evidence_keys", "quotes", "starts", "ends", "methods", "confidences")
MACHINE = frozenset(("model", "rule"))
DECIDED = frozenset(("confirmed", "rejected"))
ANCHORS = frozenset((Rel.REPORTS, Rel.MENTIONS))  # a complaint's own edges to what it names
UNTOUCHED = frozenset((Rel.POSSIBLY_SAME_AS, Rel.HAS_NAME_KEY))
REMOVABLE = ("Incident", "Actor", "LandDispute")  # what no support left is removed
_VERSION = re.compile(r"^\d+(\.\d+)*$")


# --- versions -------------------------------------------------------------------------


def split_extractor(extractor: str | None) -> tuple[str, Version | None]:
    """``"defensores-nlp/0.2"`` → ``("defensores-nlp", (0, 2))``; no version → None."""
    if not extractor:
        return "", None
    name, _, number = extractor.rpartition("/")
    if not _VERSION.match(number):
        return extractor, None
    return name, tuple(int(n) for n in number.split("."))


def since_version(current: str, since: str) -> Version:
    """The version ``--since`` names: ``0.1`` or ``name/0.1`` (the current name)."""
    name, version = split_extractor(since if "/" in since else f"/{since}")
    current_name, _ = split_extractor(current)
    if version is None:
        raise ModelError(f"--since must be a version such as 0.1, got {since!r}")
    if name and name != current_name:
        raise ModelError(f"--since names extractor {name!r}; the current one is {current_name!r}")
    return version


def is_due(stored: str | None, current: str, since: Version | None = None) -> bool:
    """Whether a complaint extracted by ``stored`` is re-extracted.

    Without ``since``: when ``stored`` is not ``current``. With it: when ``stored`` is
    that version or older (another extractor, or none, counts as older than any).
    """
    if since is None:
        return stored != current
    name, version = split_extractor(stored)
    if version is None or name != split_extractor(current)[0]:
        return True
    return version <= since


# --- the summary ----------------------------------------------------------------------


@dataclass
class Summary:
    """What a re-extraction did (printed as JSON by ``defensores reextract``)."""

    current: str
    since: str | None = None
    selected: int = 0
    reextracted: int = 0
    skipped: int = 0  # changed by another process meanwhile
    facts_added: int = 0
    facts_removed: int = 0
    facts_kept: int = 0
    reviews_kept: int = 0
    nodes_removed: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "since": self.since,
            "selected": self.selected,
            "reextracted": self.reextracted,
            "skipped": self.skipped,
            "facts": {
                "added": self.facts_added,
                "removed": self.facts_removed,
                "kept": self.facts_kept,
            },
            "reviews_kept": self.reviews_kept,
            "nodes_removed": self.nodes_removed,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class _Done:
    added: int
    removed: int
    kept: int
    reviews: int
    nodes: int


# --- edges as plain data ----------------------------------------------------------------


class Cited(NamedTuple):
    """One evidence entry of an edge, as its columns store it (``EVIDENCE_COLUMNS``)."""

    key: str  # "<complaint id>:<start>:<end>"
    quote: str
    start: int
    end: int
    method: str
    confidence: float


def _evidence(props: Mapping[str, Any]) -> list[Cited]:
    columns = [list(props.get(c) or []) for c in EVIDENCE_COLUMNS]
    return [Cited._make(entry) for entry in zip(*columns, strict=False)]


def _cites(entry: Cited, cid: str) -> bool:
    return str(entry.key).rsplit(":", 2)[0] == cid


def _decided(props: Mapping[str, Any]) -> bool:
    """A person decided on this edge: reviewed, or recorded by hand."""
    return (
        props.get("review") in DECIDED
        or props.get("method") == "manual"
        or "manual" in (props.get("methods") or [])
    )


def _without(props: Mapping[str, Any], cid: str, now: str) -> dict[str, Any]:
    """The edge without the complaint's machine-made evidence."""
    kept = [e for e in _evidence(props) if not (_cites(e, cid) and e.method in MACHINE)]
    out = {k: v for k, v in props.items() if v is not None}
    for i, column in enumerate(EVIDENCE_COLUMNS):
        out[column] = [e[i] for e in kept]
    cited = {str(e.key).rsplit(":", 2)[0] for e in kept}
    out["sources"] = [s for s in dict.fromkeys(props.get("sources") or []) if s in cited]
    out["confidence"] = max([0.0, *(float(e.confidence) for e in kept)])
    out["updated_at"] = now
    return out


def _new_evidence(facts: Iterable[FactRecord], cid: str) -> dict[Key, set[Cited]]:
    """The evidence the new extraction gives each edge, as stored entries."""
    out: dict[Key, set[Cited]] = defaultdict(set)
    for f in facts:
        ev = f.evidence
        if ev is not None and ev.complaint_id == cid:
            entry = Cited(ev.key, ev.quote, ev.start, ev.end, ev.method, float(ev.confidence))
            out[(f.type, f.start, f.end)].add(entry)
    return out


def _label(node_id: str) -> str:
    return MODEL.kind_of_id(node_id).key_label


@dataclass
class _Plan:
    """Edge writes grouped by (type, start label, end label)."""

    puts: dict[Key, list[Row]] = field(default_factory=lambda: defaultdict(list))
    deletes: dict[Key, list[Row]] = field(default_factory=lambda: defaultdict(list))

    def put(self, key: Key, props: Mapping[str, Any]) -> None:
        rel_type, start, end = key
        group = (rel_type, _label(start), _label(end))
        self.puts[group].append({"start": start, "end": end, "props": dict(props)})

    def delete(self, key: Key) -> None:
        rel_type, start, end = key
        self.deletes[(rel_type, _label(start), _label(end))].append({"start": start, "end": end})

    def run(self, tx: Tx) -> None:
        for (rel_type, start, end), rows in self.deletes.items():
            rel = MODEL.relationship(rel_type)
            for part in chunks(rows, DEFAULT_BATCH):
                tx.run(write_q.delete_edges(rel, start, end), rows=part)
        for (rel_type, start, end), rows in self.puts.items():
            rel = MODEL.relationship(rel_type)
            for part in chunks(rows, DEFAULT_BATCH):
                tx.run(write_q.put_edges(rel, start, end), rows=part)


# --- one complaint ----------------------------------------------------------------------


def _old_edges(tx: Tx, cid: str) -> dict[Key, dict[str, Any]]:
    out: dict[Key, dict[str, Any]] = {}
    for row in tx.run(cypher.FACTS_CITING, id=cid):
        rel_type = str(row["type"])
        if rel_type in UNTOUCHED:
            continue
        out[(rel_type, str(row["start"]), str(row["end"]))] = dict(row["props"])
    return out


def _keep_aliases(tx: Tx, nodes: Sequence[NodeRecord]) -> list[NodeRecord]:
    """The records with the aliases stored on their actors added: an actor is shared by
    complaints (and a merge gave it the merged actor's names), so none is taken away."""
    ids = [n.id for n in nodes if "aliases" in n.props]
    if not ids:
        return list(nodes)
    stored = {str(r["id"]): r for r in tx.run(cypher.ACTOR_ALIASES, ids=ids)}
    out: list[NodeRecord] = []
    for n in nodes:
        found = stored.get(n.id)
        if found is None or "aliases" not in n.props:
            out.append(n)
            continue
        aliases = list(dict.fromkeys([*(found["aliases"] or []), *n.props["aliases"]]))
        aliases = [a for a in aliases if a != n.props.get("name")]
        norms = [*(found["aliases_norm"] or []), *(fold(a) for a in aliases)]
        props = {**n.props, "aliases": aliases, "aliases_norm": list(dict.fromkeys(norms))}
        out.append(replace(n, props=props))
    return out


def _held(tx: Tx, cid: str, ids: Iterable[str]) -> set[str]:
    """Which of these nodes something besides the complaint's mention holds."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id in ids:
        by_label[_label(node_id)].append(node_id)
    held: set[str] = set()
    for label, group in by_label.items():
        if label not in REMOVABLE:
            held.update(group)  # places are gazetteer facts, not the complaint's
            continue
        rows = tx.run(cypher.still_held(label), ids=sorted(group), cid=cid)
        held.update(str(r["id"]) for r in rows if r["held"])
    return held


def _delete_nodes(tx: Tx, ids: Iterable[str]) -> int:
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id in ids:
        by_label[_label(node_id)].append(node_id)
    keys: set[str] = set()
    for label, group in by_label.items():
        for row in tx.run(cypher.delete_nodes(label), ids=sorted(group)):
            keys.update(str(k) for k in row["keys"])
    if keys:
        tx.run(cypher.NAME_KEYS_UNUSED_DELETE, ids=sorted(keys))
    return sum(len(g) for g in by_label.values())


def replace_extraction(
    tx: Tx, cid: str, expected: str | None, extraction: Extraction, now: str
) -> tuple[_Done, frozenset[str]] | None:
    """Put the new extraction of one complaint in place of the old, in ``tx``; None
    when the complaint is no longer as it was listed (another process changed it)."""
    found = tx.run(cypher.COMPLAINT_EXTRACTOR, id=cid)
    if not found or found[0]["status"] != "extracted" or found[0]["extractor"] != expected:
        return None
    old = _old_edges(tx, cid)
    nodes, facts, known = prepare(tx, extraction.nodes, stamped(extraction))
    nodes = _keep_aliases(tx, nodes)
    new = _new_evidence(facts, cid)
    plan = _Plan()
    added = removed = kept = reviews = 0
    bare: list[Key] = []  # the complaint's mentions no longer found: kept if decided on
    gone: set[str] = set()  # ends of edges removed: removed too if nothing holds them
    for key, props in old.items():
        mine = [e for e in _evidence(props) if _cites(e, cid) and e.method in MACHINE]
        if _decided(props):
            reviews += 1  # as it is; the new evidence, if any, is added below
            continue
        if not mine:
            continue  # the complaint's mention of it is not machine-made evidence
        if key in new:
            kept += 1
            if set(mine) != new[key]:
                plan.put(key, _without(props, cid, now))  # the new evidence is added below
            continue
        removed += 1
        rest = _without(props, cid, now)
        if rest["evidence_keys"] or rest.get("method"):
            plan.put(key, rest)
        elif key[0] in ANCHORS and key[1] == cid:
            bare.append(key)
        else:
            plan.delete(key)
            gone.update(key[1:])
    added = len(set(new) - set(old))
    plan.run(tx)
    # a suspicion found again where the act is attributed already (a reviewer confirmed
    # it, or another report says so) adds nothing, and one stored before goes
    firm = without_settled_suspicions(tx, facts)
    settled = {(f.type, f.start, f.end) for f in facts} - {(f.type, f.start, f.end) for f in firm}
    for key in settled & set(new):
        if key not in old:
            added -= 1
        elif not _decided(old[key]):
            kept, removed = kept - 1, removed + 1
            rest, plan = _without(old[key], cid, now), _Plan()
            if rest["evidence_keys"]:
                plan.put(key, rest)
            else:
                plan.delete(key)
            plan.run(tx)
    facts = firm
    write_all(tx, node_batches(nodes), fact_batches(facts), now, DEFAULT_BATCH)
    named = {n.id for n in nodes} | {i for f in facts for i in (f.start, f.end)}
    orphans = (gone | {k[2] for k in bare}) - named - {cid}
    held = _held(tx, cid, orphans)
    decided = {i for key, props in old.items() if _decided(props) for i in key[1:]}
    drop = _Plan()
    for key in bare:
        target = key[2]
        if target in decided or (_label(target) == "Incident" and target in held):
            removed -= 1  # it stands on a decision: the complaint stays its source
            kept += 1
        else:
            drop.delete(key)
    drop.run(tx)
    deleted = _delete_nodes(tx, orphans - held) if orphans - held else 0
    marks = [{"id": cid, "extractor": extraction.extractor, "language": extraction.language}]
    tx.run(cypher.COMPLAINTS_EXTRACTED, rows=marks, now=now)
    return _Done(added, removed, kept, reviews, deleted), known


# --- many complaints --------------------------------------------------------------------


def due(store: Store, current: str, since: str | None = None) -> list[tuple[str, str | None]]:
    """(id, stored extractor) of the extracted complaints to re-extract, oldest first."""
    bound = since_version(current, since) if since else None
    rows = store.read(cypher.COMPLAINTS_EXTRACTED_BY)
    return [(str(r["id"]), r["extractor"]) for r in rows if is_due(r["extractor"], current, bound)]


def _one(
    store: Store, summary: Summary, cid: str, expected: str | None, extraction: Extraction
) -> bool:
    """Re-extract one complaint in a transaction of its own; whether it was."""
    now = utc_now()
    try:
        result = store.transaction(
            lambda tx: replace_extraction(tx, cid, expected, extraction, now)
        )
    except StoreUnavailable:
        raise
    except DefensoresError as exc:
        summary.errors.append({"complaint": cid, "error": failure(exc)})
        log.warning("re-extraction of %s not written: %s", cid, type(exc).__name__)
        return False
    if result is None:
        summary.skipped += 1
        return False
    done, known = result
    summary.reextracted += 1
    summary.facts_added += done.added
    summary.facts_removed += done.removed
    summary.facts_kept += done.kept
    summary.reviews_kept += done.reviews
    summary.nodes_removed += done.nodes
    try:
        flag_candidates(store, [(cid, to_look_up(extraction.nodes, extraction.facts, known))])
    except DefensoresError as exc:  # the facts are stored; candidates can be redone
        log.warning("review candidates of %s not written: %s", cid, exc)
    return True


def reextract(
    store: Store,
    extractor: BatchExtractor,
    current: str,
    *,
    since: str | None = None,
    batch_size: int = 32,
    after: AfterWrite | None = None,
) -> Summary:
    """Re-extract the complaints ``due`` with ``extractor`` (which writes ``current``).

    The NLP runs on batches of ``batch_size``; each complaint is written in a
    transaction of its own. A complaint whose extraction or write fails stays as it
    was and is listed in the summary's errors; if the store stops answering, the run
    stops there (``StoreUnavailable``) and a re-run finishes it. ``after`` gets the ids
    re-extracted in each batch (``graph.intake.ingest`` re-assesses risk and raises alerts
    with it, as for new complaints); what it raises is logged, never undoes the writes.
    """
    summary = Summary(current, since)
    todo = due(store, current, since)
    summary.selected = len(todo)
    for i in range(0, len(todo), batch_size):
        batch = dict(todo[i : i + batch_size])
        rows = store.read(cypher.COMPLAINTS_TO_REEXTRACT, ids=list(batch))
        items = [(str(r["id"]), str(r["text"]), str(r["reference"] or "")) for r in rows]
        listed = {str(r["id"]): r["extractor"] for r in rows}
        summary.skipped += len(batch) - len(items)
        try:
            outcomes: list[Outcome] = list(extractor(items))
        except Exception as exc:  # the whole batch failed: each complaint says why
            outcomes = [exc] * len(items)
        written: list[str] = []
        for (cid, _, _), outcome in zip(items, outcomes, strict=True):
            resolved = resolve(outcome)
            if isinstance(resolved, Exception):
                summary.errors.append({"complaint": cid, "error": failure(resolved)})
            elif _one(store, summary, cid, listed[cid], resolved):
                written.append(cid)
        if after is not None and written:
            try:
                after(written)
            except DefensoresError as exc:
                log.warning("after re-extraction of %d complaints: %s", len(written), exc)
    return summary
