"""The read side the API stands on: pages, batched look-ups, search, paths, timelines.

Every function takes the store, the ``Viewer`` it reads for (``graph.access.policy``: what the
role may see is built into each statement, so nothing it may not see is ever read for
it) and plain values, and returns plain dataclasses; the batched ones (``nodes_by_ids``,
``links``) take many ids and cost one statement per label or per link kind, so
DataLoaders above them keep a page of results at a constant number of queries.

Over 400 lines as one idea: every read takes the same Viewer and returns the same
NodeView rows; splitting it would scatter that contract.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from graph.access.names import screen_for
from graph.access.policy import Viewer
from graph.access.pseudonyms import label as pseudonym
from graph.access.redaction import Subject
from graph.cypher import listing as listing_q
from graph.cypher import names as names_q
from graph.cypher import paths as paths_q
from graph.cypher import search as search_q
from graph.cypher.filters import Criteria
from graph.cypher.visibility import Screen
from graph.errors import ModelError
from graph.intake.resolution import key_id, query_keys
from graph.model import MODEL
from graph.store.bolt import Store
from graph.store.config import NEO4J
from graph.store.repository import NodeView
from nlp.text import fold, phonetic

MAX_PAGE = 100
MAX_LINKS = 500
SEARCHABLE = ("Actor", "Place", "LandDispute", "Case")


def view(props: Mapping[str, Any], labels: Iterable[str]) -> NodeView:
    kind = MODEL.kind_of_id(str(props["id"]))
    return NodeView(kind.name, tuple(labels), {k: v for k, v in props.items() if v is not None})


# --- pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list[NodeView]
    cursors: list[tuple[str, str]]  # (sort key, id) of each item
    has_next: bool


def _check_first(first: int) -> None:
    if not 0 <= first <= MAX_PAGE:
        raise ModelError(f"first must be within 0..{MAX_PAGE}; got {first}")


def list_page(
    store: Store,
    kind: str,
    criteria: Criteria | None = None,
    *,
    viewer: Viewer,
    order: str = "created",
    descending: bool = False,
    first: int = 20,
    after: tuple[str, str] | None = None,
) -> Page:
    """One page of ``kind`` (Actor, Incident, Complaint, LandDispute, Case, Place)."""
    _check_first(first)
    spec = listing_q.listing(kind)
    if order not in spec.orders:
        raise ModelError(f"{kind} cannot be sorted by {order!r}")
    if not viewer.sees_graph or kind in viewer.hidden_kinds:
        return Page([], [], False)
    screen = screen_for(store, viewer)
    body, params = listing_q.where(spec, criteria, viewer, screen)
    keyset = {"after_key": after[0], "after_id": after[1]} if after else {}
    screened = bool(screen.of(spec.label)) and listing_q.screened_order(spec, order)
    if screened:
        params["screen_keys"] = screen.keys_of(spec.label)
    rows = store.read(
        listing_q.page(spec, body, order, descending, after is not None, viewer, screened),
        **params,
        **keyset,
        limit=first + 1,
    )
    shown = rows[:first]
    return Page(
        [view(r["props"], r["labels"]) for r in shown],
        [(str(r["sort"]), str(r["props"]["id"])) for r in shown],
        len(rows) > first,
    )


def count(store: Store, kind: str, criteria: Criteria | None = None, *, viewer: Viewer) -> int:
    spec = listing_q.listing(kind)
    if not viewer.sees_graph or kind in viewer.hidden_kinds:
        return 0
    body, params = listing_q.where(spec, criteria, viewer, screen_for(store, viewer))
    rows = store.read(listing_q.total(spec, body), **params)
    return int(rows[0]["total"]) if rows else 0


# --- by id ----------------------------------------------------------------------------


def nodes_by_ids(store: Store, ids: Sequence[str], *, viewer: Viewer) -> dict[str, NodeView]:
    """The nodes with these ids that ``viewer`` may see (one statement per key label);
    unknown ids, ids of no kind, of internal kinds and of kinds hidden from the viewer
    are absent."""
    if not viewer.sees_graph:
        return {}
    by_label: dict[str, list[str]] = defaultdict(list)
    for node_id in dict.fromkeys(ids):
        try:
            kind = MODEL.kind_of_id(node_id)
        except ModelError:
            continue
        if not kind.internal and kind.name not in viewer.hidden_kinds:
            by_label[kind.key_label].append(node_id)
    found: dict[str, NodeView] = {}
    for label, group in by_label.items():
        for r in store.read(listing_q.nodes_by_ids(label, viewer), ids=group):
            v = view(r["props"], r["labels"])
            if MODEL.kind_of_id(v.id).key_label == label:
                found[v.id] = v
    return found


def complaint_texts(store: Store, ids: Sequence[str], *, viewer: Viewer) -> dict[str, str]:
    """The texts ``viewer`` may read (as stored: redaction is the caller's)."""
    if not viewer.sees_graph:
        return {}
    rows = store.read(names_q.complaint_texts(viewer), ids=list(dict.fromkeys(ids)))
    return {str(r["id"]): str(r["text"]) for r in rows if r["text"] is not None}


def submission(store: Store, complaint_id: str) -> dict[str, Any] | None:
    """A complaint's intake status and submitter (for intake's own submissions, which
    intake may follow though it sees nothing of the graph)."""
    rows = store.read(listing_q.SUBMISSION, id=complaint_id)
    return dict(rows[0]) if rows else None


# --- what free text may say (graph.access.redaction) -----------------------------------------


@dataclass(frozen=True)
class Disclosure:
    """What a viewer may read of a text drawn from complaints, and whom to redact."""

    confidentiality: tuple[str, ...]  # of every complaint the text may come from
    subjects: tuple[Subject, ...]  # persons the viewer sees under pseudonyms

    def readable(self, viewer: Viewer) -> bool:
        return viewer.sealed_text or "sealed" not in self.confidentiality


def _subjects(persons: Iterable[Mapping[str, Any]]) -> tuple[Subject, ...]:
    out: dict[int, Subject] = {}
    for p in persons:
        if p.get("no") is None:  # OPTIONAL MATCH found no one
            continue
        spans = tuple(zip(p.get("starts") or [], p.get("ends") or [], strict=False))
        names = (str(p["name"]), *(p.get("aliases") or []))
        old = out.get(int(p["no"]))
        if old is not None:
            names, spans = (*old.names, *names), (*old.spans, *spans)
        out[int(p["no"])] = Subject(pseudonym(int(p["no"])), tuple(dict.fromkeys(names)), spans)
    return tuple(out.values())


def complaint_disclosures(
    store: Store, ids: Sequence[str], *, viewer: Viewer
) -> dict[str, Disclosure]:
    """For each complaint ``viewer`` may see: its confidentiality and the persons it
    names whom the viewer sees under pseudonyms, with their mention spans."""
    if not viewer.sees_graph:
        return {}
    rows = store.read(names_q.complaint_persons(viewer), ids=list(dict.fromkeys(ids)))
    return {
        str(r["id"]): Disclosure((str(r["confidentiality"]),), _subjects(r["persons"]))
        for r in rows
    }


def incident_disclosures(
    store: Store, ids: Sequence[str], *, viewer: Viewer
) -> dict[str, Disclosure]:
    """For each incident: the complaints its summary may come from, and the persons
    they name whom ``viewer`` sees under pseudonyms."""
    if not viewer.sees_graph:
        return {}
    rows = store.read(names_q.incident_sources(viewer), ids=list(dict.fromkeys(ids)))
    return {
        str(r["id"]): Disclosure(
            tuple(sorted({str(c) for c in r["confidentiality"] if c})), _subjects(r["persons"])
        )
        for r in rows
    }


# --- links ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkSpec:
    """The edges of one kind of field: ``(label)-[types]->(other)`` or reversed."""

    label: str
    rel_types: tuple[str, ...]
    outgoing: bool
    other: str
    order: str = "name"


@dataclass(frozen=True)
class Edge:
    type: str
    props: Mapping[str, Any]
    start: str
    end: str

    @property
    def id(self) -> str:
        return str(self.props.get("id", ""))


@dataclass(frozen=True)
class Link:
    edge: Edge
    node: NodeView


@dataclass(frozen=True)
class LinkPage:
    items: list[Link] = field(default_factory=list)
    total: int = 0


def links(
    store: Store, spec: LinkSpec, ids: Sequence[str], limit: int = 100, *, viewer: Viewer
) -> dict[str, LinkPage]:
    """For each id, the first ``limit`` edges of ``spec`` that ``viewer`` may see, to
    nodes it may see, and how many there are."""
    if not 0 < limit <= MAX_LINKS:
        raise ModelError(f"limit must be within 1..{MAX_LINKS}; got {limit}")
    if not viewer.sees_graph or spec.other in viewer.hidden_kinds:
        return {}
    extra: dict[str, Any] = {}
    if spec.order == "name":
        screen = screen_for(store, viewer)
        keys = screen.keys_of(spec.other)
        if keys:
            extra["screen_keys"] = keys
    rows = store.read(
        listing_q.links(
            spec.label, spec.rel_types, spec.outgoing, spec.other, spec.order, viewer, bool(extra)
        ),
        ids=list(dict.fromkeys(ids)),
        limit=limit,
        **extra,
    )
    out: dict[str, LinkPage] = {}
    for r in rows:
        node_id = str(r["id"])
        items = []
        for item in r["items"]:
            other = view(item["node"], item["labels"])
            start, end = (node_id, other.id) if spec.outgoing else (other.id, node_id)
            items.append(Link(Edge(str(item["type"]), dict(item["rel"]), start, end), other))
        out[node_id] = LinkPage(items, int(r["total"]))
    return out


def get_fact(store: Store, rel_type: str, fact_id: str, *, viewer: Viewer) -> Edge | None:
    """A fact edge by its type and id (the type picks the index to use), if ``viewer``
    may see it and both its ends."""
    rel = MODEL.relationship(rel_type)
    if not rel.fact:
        raise ModelError(f"{rel_type} is not a fact")
    if not viewer.sees_graph:
        return None
    rows = store.read(listing_q.fact_by_id(rel.type, viewer), id=fact_id)
    if not rows:
        return None
    return Edge(rel.type, dict(rows[0]["rel"]), str(rows[0]["start"]), str(rows[0]["end"]))


# --- search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    name: str
    score: float
    matched: str


def _terms(text: str) -> list[str]:
    """What a candidate's name must contain: each word's first letters (typos after
    them are forgiven by the ranking) and the whole folded text."""
    words = [w for w in fold(text).replace(",", " ").split() if len(w) >= 3]
    if not words:
        return []
    terms = {w[:4] for w in words}
    folded = fold(text)
    if folded:
        terms.add(folded)
    return sorted(terms)[:12]


def _score(query: str, name: str) -> float:
    a, b = fold(query), fold(name)
    direct = max(fuzz.WRatio(a, b), fuzz.partial_ratio(a, b) if len(a) >= 4 else 0.0)
    sounds = fuzz.token_set_ratio(phonetic(a), phonetic(b))
    return float(max(direct, sounds * 0.95))


def _searched(row: Mapping[str, Any], screen: Screen) -> tuple[str, list[str]]:
    """A candidate's name and what search scores it by: its names as stored, or, for a
    node whose names the viewer sees redacted, those it is shown."""
    shown = screen.views.get(str(row["id"]))
    if shown is None:
        names = [str(row["name"] or ""), *(row["aliases"] or [])]
        if row["extra"]:
            names.append(str(row["extra"]))
        return str(row["name"]), names
    p = shown.props
    name = str(p.get("name") or p.get("file_number") or "")
    names = [name, *(str(a) for a in p.get("aliases") or [])]
    if shown.kind == "Case" and p.get("office"):
        names.append(str(p["office"]))
    return name, names


def _recalled(terms: Sequence[str], names: Sequence[str], shown: NodeView) -> bool:
    """Whether the names shown hold a term, as the candidates' statements ask of stored
    names (a case's office is scored, not searched)."""
    searched = names[:-1] if shown.kind == "Case" and shown.props.get("office") else names
    return any(t in fold(n) for t in terms for n in searched)


_PSEUDONYM = re.compile(r"^\s*persona\s+(\d{1,9})\s*$", re.IGNORECASE)


def search(
    store: Store,
    text: str,
    kinds: Sequence[str] = SEARCHABLE,
    first: int = 20,
    floor: float = 60.0,
    *,
    viewer: Viewer,
    fulltext: bool | None = None,
) -> list[Hit]:
    """Accent- and case-insensitive fuzzy search over names, ranked by similarity.

    Candidates come from the full-text indexes on Neo4j and from a scan elsewhere (or as
    ``fulltext`` says); both find the same nodes, so the hits are the same.

    Persons ``viewer`` sees under pseudonyms are found by their pseudonym ("Persona 17")
    only: their names are not searched, so a search cannot confirm a name. Nodes whose
    names hold such a person's name (``graph.access.names.Screen``) are scored by the names the
    viewer is shown, and only by them."""
    _check_first(first)
    terms = _terms(text)
    if not terms:
        raise ModelError("search text needs at least one word of three letters")
    unknown = set(kinds) - set(SEARCHABLE)
    if unknown:
        raise ModelError(f"cannot search {', '.join(sorted(unknown))}")
    if not viewer.sees_graph:
        return []
    if fulltext is None:
        fulltext = store.backend == NEO4J
    screen = screen_for(store, viewer)
    rows: list[Mapping[str, Any]] = []
    params: dict[str, Any] = {f"t{i}": t for i, t in enumerate(terms)}
    params["text"] = search_q.fulltext_contains(terms)
    for label in kinds:
        statement = search_q.search_candidates(label, len(terms), viewer, fulltext=fulltext)
        rows += store.read(statement, **params, limit=1000)
        if label == "Actor":
            keys = [key_id(k) for k in query_keys(text)]
            if keys:
                rows += store.read(search_q.search_by_name_keys(viewer), keys=keys, limit=1000)
            wanted = _PSEUDONYM.match(text)
            by_pseudonym = search_q.search_pseudonym(viewer)
            if wanted and by_pseudonym:
                rows += store.read(by_pseudonym, no=int(wanted.group(1)), limit=1)
        screened = screen.ids(label)
        if screened:
            statement = search_q.search_screened(label, viewer)
            rows += store.read(statement, ids=screened, limit=len(screened))
    best: dict[str, Hit] = {}
    for r in rows:
        node_id = str(r["id"])
        name, names = _searched(r, screen)
        if node_id in screen.views and not _recalled(terms, names, screen.views[node_id]):
            continue  # found by a stored name the viewer is not shown
        score, matched = max((_score(text, n), n) for n in names)
        if score >= floor and (node_id not in best or best[node_id].score < score):
            kind = MODEL.kind_of_id(node_id).name
            best[node_id] = Hit(node_id, kind, name, round(score, 1), matched)
    return sorted(best.values(), key=lambda h: (-h.score, h.name, h.id))[:first]


# --- paths and neighbourhoods ---------------------------------------------------------


@dataclass(frozen=True)
class Subgraph:
    nodes: list[str]
    edges: list[Edge]
    truncated: bool = False


def _walk_types(rel_types: Sequence[str] | None) -> tuple[str, ...]:
    if not rel_types:
        return paths_q.DEFAULT_WALK
    bad = [t for t in rel_types if t not in paths_q.WALKABLE]
    if bad:
        raise ModelError(f"cannot walk {', '.join(bad)}")
    return tuple(dict.fromkeys(rel_types))


def connections(
    store: Store,
    from_id: str,
    to_id: str,
    max_hops: int = 4,
    rel_types: Sequence[str] | None = None,
    limit: int = 20,
    *,
    viewer: Viewer,
) -> list[Subgraph]:
    """The shortest paths (at most ``max_hops`` edges, up to ``limit`` of them) that
    ``viewer`` may see whole, between two nodes it may see."""
    if not isinstance(max_hops, int) or not 1 <= max_hops <= 6:
        raise ModelError(f"maxHops must be within 1..6; got {max_hops}")
    if not 0 < limit <= MAX_PAGE:
        raise ModelError(f"limit must be within 1..{MAX_PAGE}; got {limit}")
    start, end = MODEL.kind_of_id(from_id), MODEL.kind_of_id(to_id)
    types = _walk_types(rel_types)
    if from_id == to_id:
        seen = nodes_by_ids(store, [from_id], viewer=viewer)
        return [Subgraph([from_id], [])] if seen else []
    if not viewer.sees_graph or {start.name, end.name} & viewer.hidden_kinds:
        return []
    rows = store.read(
        paths_q.shortest_paths(start.key_label, end.key_label, types, max_hops, viewer),
        **{"from": from_id, "to": to_id},
        limit=limit,
    )
    paths = []
    for r in rows:
        edges = [
            Edge(str(e["type"]), dict(e["rel"]), str(e["start"]), str(e["end"])) for e in r["edges"]
        ]
        paths.append(Subgraph([str(n) for n in r["nodes"]], edges))
    return paths


def neighbourhood(
    store: Store,
    node_id: str,
    depth: int = 1,
    limit: int = 100,
    rel_types: Sequence[str] | None = None,
    *,
    viewer: Viewer,
) -> Subgraph:
    """The nodes within ``depth`` hops (breadth first, at most ``limit`` of them) and the
    edges found between them: one statement per hop and label."""
    if not 1 <= depth <= 3:
        raise ModelError(f"depth must be within 1..3; got {depth}")
    if not 1 <= limit <= 500:
        raise ModelError(f"limit must be within 1..500; got {limit}")
    types = _walk_types(rel_types)
    MODEL.kind_of_id(node_id)
    if not nodes_by_ids(store, [node_id], viewer=viewer):
        return Subgraph([], [])
    seen: dict[str, None] = {node_id: None}
    edges: dict[tuple[str, str, str], Edge] = {}
    frontier = [node_id]
    truncated = False
    for _ in range(depth):
        by_label: dict[str, list[str]] = defaultdict(list)
        for n in frontier:
            by_label[MODEL.kind_of_id(n).key_label].append(n)
        following: list[str] = []
        for label, ids in by_label.items():
            statement = paths_q.expand_frontier(label, types, viewer)
            rows = store.read(statement, ids=ids, limit=limit * 5)
            if len(rows) >= limit * 5:
                truncated = True
            for r in rows:
                other = str(r["other"])
                if other not in seen:
                    if len(seen) >= limit:
                        truncated = True
                        continue
                    seen[other] = None
                    following.append(other)
                e = Edge(str(r["type"]), dict(r["rel"]), str(r["start"]), str(r["end"]))
                edges[(e.type, e.start, e.end)] = e
        frontier = following
        if not frontier:
            break
    return Subgraph(list(seen), list(edges.values()), truncated)


# --- timelines ------------------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    incident: NodeView
    roles: tuple[str, ...]
    via: str | None


def timeline(store: Store, node_id: str, *, viewer: Viewer) -> list[Moment]:
    """The dated incidents around an actor, community, place, dispute or case, in order,
    as far as ``viewer`` may see them.

    An organisation's or community's timeline includes what happened to its members
    (``via`` names the member)."""
    kind = MODEL.kind_of_id(node_id)
    if "Actor" in kind.labels:
        which = ["actor"]
        if kind.name in ("Community", "Organization"):
            which.append("members")
    else:
        by_kind = {"Place": "place", "LandDispute": "dispute", "Case": "case"}
        if kind.name not in by_kind:
            raise ModelError(f"a {kind.name} has no timeline")
        which = [by_kind[kind.name]]
    if not viewer.sees_graph:
        return []
    moments: dict[tuple[str, str | None], Moment] = {}
    for statement in (paths_q.timeline(w, viewer) for w in which):
        for r in store.read(statement, id=node_id):
            incident = view(r["incident"], ["Incident"])
            via = str(r["via"]) if r["via"] and r["via"] != node_id else None
            roles = tuple(sorted(set(r["roles"] or [])))
            moments.setdefault((incident.id, via), Moment(incident, roles, via))
    return sorted(
        moments.values(), key=lambda m: (str(m.incident.props.get("date")), m.incident.id)
    )
