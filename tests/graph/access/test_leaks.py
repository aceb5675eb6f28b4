"""Leak and IDOR tests: what trainers and analysts can reach, crawled from the schema.

The demo complaints are extracted with the real pipelines into the session's store; a
few persons are made protected, some complaints are sealed (as the demo data has them),
and staff notes that name people are written. Then a crawler, generated from the
schema's types (so a new field is crawled without anyone adding it here), asks for
every field of every root query and of every node it meets, with each role's token,
and keeps every string the API answers: data, cursors and error messages.

- trainer: no real name of any Person node appears, and nothing of a sealed complaint;
- analyst: no real name of a protected person appears, and no sealed complaint's words;
- prosecutor (the control): the same crawl finds the names, so the crawler can fail.
"""

from __future__ import annotations

import functools
import html
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    get_named_type,
    is_leaf_type,
)

from graph.documents.export import FORMATS
from graph.intake.durable import receive_many, resume_batches
from graph.intake.extraction import NlpBatchExtractor
from graph.intake.ingest import complaint_of
from graph.model import MODEL
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data
from nlp.pipeline import Extractor
from nlp.sources import read
from nlp.text import fold
from schema.roles import TABLE, Outcome
from server import create_app
from tests.auth import bearer
from tests.crawler import SCHEMA, args, leaked, pieces, problems, render, strings, tree
from tests.live import serve

pytestmark = [pytest.mark.store, pytest.mark.timeout(900)]  # three crawls, loaded CI
DEMO = "tests/data/demo/complaints.jsonl"
DEPTH = 3  # object levels below the root field: link → node/fact → evidence
NOTE = "Revisado con {name}: confirma la amenaza."


# --- the data ---------------------------------------------------------------------------


@dataclass
class World:
    url: str
    persons: dict[str, dict[str, Any]]  # id → name, aliases, protected, pseudonym_no
    sealed: dict[str, str]  # complaint id → text
    ids: dict[str, list[str]]  # kind → ids
    facts: list[str]  # fact gids
    places: set[str]  # folded names of places
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def names(self, protected_only: bool = False) -> set[str]:
        """Every real name (and alias of two words or more) of the persons concerned.

        A "person" extraction named after a place ("San Alejandro") is left out: places
        are public and shown by name; the person's node itself shows a pseudonym."""
        out = set()
        for p in self.persons.values():
            if protected_only and not p["protected"]:
                continue
            out.add(fold(p["name"]))
            out |= {fold(a) for a in p["aliases"] if len(a.split()) >= 2 and a[0].isupper()}
        return {n for n in out if len(n) >= 6 and n not in self.places}


def _ingest(store: Store) -> None:
    receive_many(store, [complaint_of(r) for r in read(Path(DEMO))])
    resume_batches(store, NlpBatchExtractor(Extractor()))


@pytest.fixture(scope="module")
def world(store_session: Store) -> Iterator[World]:
    store = store_session
    delete_all_data(store, confirm=store.database)
    _ingest(store)
    persons = {
        str(r["id"]): dict(r)
        for r in store.read(
            "MATCH (p:Person) WHERE p.merged_into IS NULL RETURN p.id AS id, p.name AS name, "
            "coalesce(p.aliases, []) AS aliases, p.pseudonym_no AS no, "
            "size([(p)<-[:MENTIONS]-(c:Complaint) | c]) AS mentions"
        )
    }
    # the three most mentioned persons become protected
    protected = sorted(persons, key=lambda i: (-persons[i]["mentions"], i))[:3]
    store.write("UNWIND $ids AS id MATCH (p:Person {id: id}) SET p.protected = true", ids=protected)
    for pid, p in persons.items():
        p["protected"] = pid in protected
    sealed = {
        str(r["id"]): str(r["text"])
        for r in store.read(
            "MATCH (c:Complaint) WHERE c.confidentiality = 'sealed' "
            "RETURN c.id AS id, c.text AS text"
        )
    }
    assert sealed, "the demo data has sealed complaints"
    ids: dict[str, list[str]] = {}
    for kind in ("Person", "Organization", "Community", "Incident", "Place", "LandDispute",
                 "Case", "Complaint"):  # fmt: skip
        label = MODEL.node(kind).labels[-1]
        ids[kind] = [str(r["id"]) for r in store.read(f"MATCH (n:{label}) RETURN n.id AS id")]
    facts = [
        f"{r['type']}:{r['id']}"
        for r in store.read(
            "MATCH ()-[r]->() WHERE r.id IS NOT NULL AND type(r) IN $types "
            "RETURN type(r) AS type, r.id AS id",
            types=["PERPETRATOR_OF", "VICTIM_OF", "MEMBER_OF", "MENTIONS"],
        )
    ]
    app = create_app(Config.from_env({"DEFENSORES_RATE_LIMIT": "100000"}), store)
    with serve(app) as url:
        places = {fold(str(r["name"])) for r in store.read("MATCH (p:Place) RETURN p.name AS name")}
        w = World(url + "/graphql", persons, sealed, ids, facts, places)
        w.headers = {r: bearer(store, r) for r in ("trainer", "analyst", "prosecutor")}
        _curate(w, protected)
        yield w


def _post(w: World, role: str, query: str, variables: Mapping[str, Any] | None = None) -> Any:
    r = httpx.post(
        w.url, json={"query": query, "variables": dict(variables or {})},
        headers=w.headers[role], timeout=120,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()


def _curate(w: World, protected: list[str]) -> None:
    """Staff work that writes names into free text: a review note naming a protected
    person, a case accusing someone, a merge (prosecutor)."""
    victim = next(f for f in w.facts if f.startswith("VICTIM_OF:"))
    name = w.persons[protected[0]]["name"]
    done = _post(
        w,
        "prosecutor",
        "mutation($id: ID!, $note: String!) { reviewFact(id: $id, decision: CONFIRM, "
        "note: $note) { __typename } }",
        {"id": victim, "note": NOTE.format(name=name)},
    )
    assert "errors" not in done, done


# --- the crawler --------------------------------------------------------------------------


@dataclass
class Crawl:
    texts: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # ids met in answers
    requests: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # by root field


def _run(w: World, role: str, crawl: Crawl, query: str) -> Any:
    started = time.monotonic()
    body = _post(w, role, query)
    root = query.split("{", 2)[1].split("(")[0].split()[0]
    crawl.seconds[root] = crawl.seconds.get(root, 0.0) + time.monotonic() - started
    crawl.requests += 1
    # an error without a path is a refusal of the query itself: a crawl refused sees
    # nothing, and would pass every test below without looking
    assert all(e.get("path") for e in body.get("errors") or []), (query[:300], body["errors"])
    # export files are text too (GraphML writes "&#225;" for "á")
    crawl.texts += [html.unescape(t) for t in strings(body.get("data"))]
    crawl.texts += [e.get("message", "") for e in body.get("errors", [])]
    crawl.seen |= {s for s in strings(body.get("data")) if re.fullmatch(r"[a-z]{3}_\w+", s)}
    return body


def _root_calls(w: World) -> dict[str, list[str]]:
    """Root field → argument lists to call it with (ids of the world)."""
    persons = sorted(w.persons)
    some = persons[:: max(1, len(persons) // 12)]
    # every person and complaint; a sample of the rest (listings and links reach them)
    every = persons + w.ids["Complaint"]
    every += [i for k, ids in w.ids.items() if k not in ("Person", "Complaint") for i in ids[::4]]
    q = json.dumps
    return {
        "node": every,
        "actor": [f"(id: {q(i)})" for i in some],
        "fact": [f"(id: {q(f)})" for f in w.facts[::5]],
        "search": [f"(text: {q(w.persons[i]['name'])})" for i in persons],
        "connections": [
            f"(fromId: {q(a)}, toId: {q(b)}, maxHops: 4)" for a in some for b in some if a < b
        ][:40],
        "neighbourhood": [f"(id: {q(i)}, depth: 2)" for i in some + w.ids["Complaint"][:5]],
        "timeline": [f"(id: {q(i)})" for i in some + w.ids["Community"] + w.ids["Place"][:10]],
        "riskAssessment": [f"(actorId: {q(i)})" for i in some],
        "alert": [],  # alerts are crawled through the listing
        "submission": [f"(id: {q(i)})" for i in w.ids["Complaint"]],
        "export": [f"(format: {f.upper()})" for f in FORMATS],
        "caseDossier": [f"(caseId: {q(i)})" for i in w.ids["Case"]] or ['(caseId: "cas_none")'],
    }


def _listing(w: World, role: str, c: Crawl, name: str, f: GraphQLField) -> None:
    """Every page of a listing with every field, in pages as large as the limits let
    the whole selection be (the cursor comes from each page)."""
    sel = render(tree(f.type, DEPTH))
    first = next(
        (n for n in (100, 50, 20, 10, 5, 2, 1) if not problems(f"{{ {name}(first: {n}) {sel} }}")),
        None,
    )
    assert first is not None, f"{name}: not even one item with every field fits the limits"
    after = None
    while True:
        cursor = f", after: {json.dumps(after)}" if after else ""
        body = _run(w, role, c, f"{{ {name}(first: {first}{cursor}) {sel} }}")
        page = (body.get("data") or {}).get(name) or {}
        if not (page.get("pageInfo") or {}).get("hasNextPage"):
            return
        after = page["pageInfo"]["endCursor"]


# Root fields that answer with a graph or a list of nodes: two levels reach every node
# and edge with its evidence; each node met is then crawled on its own, three levels deep.
SHALLOW = {"search", "connections", "neighbourhood", "timeline"}
ARGS = "(crawled: 0)"  # where a piece's arguments go (the pieces depend on the type only)


@functools.cache
def _pieces(name: str) -> list[str]:
    f = SCHEMA.query_type.fields[name]  # type: ignore[union-attr]
    depth = 2 if name in SHALLOW else DEPTH
    return pieces(lambda sel: f"{{ {name}{ARGS} {sel} }}", tree(f.type, depth))


def _call(w: World, role: str, c: Crawl, name: str, arguments: str, f: GraphQLField) -> None:
    """One root call with every field, in as many queries as the limits need."""
    if is_leaf_type(get_named_type(f.type)):
        _run(w, role, c, f"{{ {name}{arguments} }}")
        return
    for query in _pieces(name):
        _run(w, role, c, query.replace(ARGS, arguments, 1))


@functools.cache
def _node_pieces(kind: str) -> list[str]:
    call = f"{{{{ node{ARGS} {{{{ ... on {kind} {{}} }}}} }}}}"
    return pieces(call.format, tree(SCHEMA.get_type(kind), DEPTH))


def _node(w: World, role: str, c: Crawl, node_id: str) -> None:
    """One node with every field of its own type."""
    arguments = f"(id: {json.dumps(node_id)})"
    body = _run(w, role, c, f"{{ node{arguments} {{ __typename }} }}")
    kind = ((body.get("data") or {}).get("node") or {}).get("__typename")
    for query in _node_pieces(kind) if kind else []:
        _run(w, role, c, query.replace(ARGS, arguments, 1))


LISTINGS = ("actors", "incidents", "complaints", "landDisputes", "cases", "places", "alerts")


def crawl(w: World, role: str) -> Crawl:
    """Every root query the role may call, every page of every listing, every node."""
    c = Crawl()
    query_type = SCHEMA.query_type
    assert query_type is not None
    calls = _root_calls(w)
    for name, f in query_type.fields.items():
        if TABLE[f"Query.{name}"][role] is Outcome.DENIED:
            continue
        if name in LISTINGS:
            _listing(w, role, c, name, f)
        elif name == "auditLog":
            continue  # admins only: no graph content
        elif name == "node":
            for node_id in calls["node"]:
                _node(w, role, c, node_id)
        else:
            if args(f, {}) is None and name not in calls:
                raise AssertionError(f"Query.{name} needs arguments: add it to _root_calls")
            for arguments in calls.get(name, [""]):
                _call(w, role, c, name, arguments, f)
    # every node met along the way, with all its fields
    for node_id in sorted(c.seen - {i for ids in w.ids.values() for i in ids}):  # alerts
        if node_id.startswith(("per_", "org_", "com_", "inc_", "plc_", "cmp_", "alr_", "mrg_")):
            _node(w, role, c, node_id)
    return c


class Crawls(dict[str, Crawl]):
    """Each role's crawl, made when a test first asks for it."""

    def __init__(self, world: World) -> None:
        super().__init__()
        self.world = world

    def __missing__(self, role: str) -> Crawl:
        self[role] = done = crawl(self.world, role)
        print(role, done.requests, {k: round(v, 1) for k, v in done.seconds.items()})
        return done


@pytest.fixture(scope="module")
def crawls(world: World) -> Crawls:
    return Crawls(world)


# --- the tests ------------------------------------------------------------------------------


def test_the_control_crawl_finds_names_and_sealed_text(world: World, crawls: Crawls) -> None:
    """The prosecutor sees everything: the crawler reaches names, quotes, notes, texts."""
    c = crawls["prosecutor"]
    names = world.names()
    found = leaked(c.texts, names)
    assert len(found) >= 0.9 * len(names), sorted(names - set(found))
    protected = world.names(protected_only=True)
    assert protected <= set(found)
    joined = "\n".join(c.texts)
    assert all(text in joined for text in world.sealed.values())
    assert any("confirma la amenaza" in t for t in c.texts)  # the review note


def test_a_trainer_meets_no_real_name_and_nothing_sealed(world: World, crawls: Crawls) -> None:
    c = crawls["trainer"]
    assert c.requests > 100
    assert leaked(c.texts, world.names()) == {}
    assert any(re.fullmatch(r"Persona \d+", t) for t in c.texts)
    assert not set(world.sealed) & c.seen, "a sealed complaint's id reached a trainer"
    assert not set(world.sealed) & set(c.texts)
    sentences = [s for text in world.sealed.values() for s in re.split(r"(?<=\.)\s+", text)]
    joined = "\n".join(c.texts)
    assert not [s for s in sentences if len(s) > 40 and s in joined]
    assert not any("confirma la amenaza" in t for t in c.texts)  # notes are not for trainers


def test_an_analyst_meets_no_protected_name_and_no_sealed_words(
    world: World, crawls: Crawls
) -> None:
    c = crawls["analyst"]
    protected = world.names(protected_only=True)
    assert protected
    assert leaked(c.texts, protected) == {}
    # analysts see other persons by name, and sealed complaints exist for them ...
    assert leaked(c.texts, world.names() - protected)
    assert set(world.sealed) <= c.seen
    # ... but not what sealed complaints say
    sentences = [s for text in world.sealed.values() for s in re.split(r"(?<=\.)\s+", text)]
    joined = "\n".join(c.texts)
    assert not [s for s in sentences if len(s) > 40 and s in joined]
    # the review note reaches analysts with the protected name redacted
    notes = [t for t in c.texts if "confirma la amenaza" in t]
    assert notes and all(re.search(r"Persona \d+", t) for t in notes)
