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
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from graphql.pyutils import Undefined

from graph.export import FORMATS
from graph.extraction import NlpBatchExtractor
from graph.intake import receive_many, resume_batches
from graph.model import MODEL
from graph.repository import delete_all_data
from graph.store import Store
from nlp.pipeline import Extractor
from nlp.sources import read
from nlp.text import fold
from schema.app import build_schema
from schema.roles import TABLE, Outcome
from server import Config, complaint_of, create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store
SCHEMA = build_schema(introspection=False)._schema
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


def _args(f: GraphQLField, given: Mapping[str, str]) -> str | None:
    """The arguments of a field: required ones from ``given`` (None: cannot be called)."""
    parts = []
    for name, arg in f.args.items():
        if name in given:
            parts.append(f"{name}: {given[name]}")
        elif isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            return None
    return f"({', '.join(parts)})" if parts else ""


NESTED_ARGS = {  # required arguments of fields below the root
    "hotspots": {"from": '"1990-01-01"', "to": '"2100-01-01"'},
}


def selection(t: Any, depth: int) -> str:
    """Every field of ``t`` to ``depth`` object levels (fragments on each possible type)."""
    named = get_named_type(t)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        parts = ["__typename"]
        for impl in SCHEMA.get_possible_types(named):
            inner = _fields(impl, depth)
            if inner:
                parts.append(f"... on {impl.name} {{ {inner} }}")
        return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType)
    return "{ " + (_fields(named, depth) or "__typename") + " }"


def _fields(t: GraphQLObjectType, depth: int) -> str:
    out = []
    for name, f in t.fields.items():
        args = _args(f, NESTED_ARGS.get(name, {}))
        if args is None:
            args = ""
            inner_type = get_named_type(f.type)
            enum = next(
                (a for a in f.args.values() if isinstance(get_named_type(a.type), GraphQLEnumType)),
                None,
            )
            if enum is None:
                raise AssertionError(f"{t.name}.{name} needs arguments: add them to NESTED_ARGS")
            arg_name = next(k for k, a in f.args.items() if a is enum)
            values = list(get_named_type(enum.type).values)
            sub = selection(inner_type, depth - 1) if not is_leaf_type(inner_type) else ""
            if depth <= 0 and sub:
                continue
            out += [f"{name}_{v}: {name}({arg_name}: {v}) {sub}" for v in values]
            continue
        if is_leaf_type(get_named_type(f.type)):
            out.append(f"{name}{args}")
        elif depth > 0:
            sub = selection(f.type, depth - 1)
            if sub and sub != "{ __typename }":
                out.append(f"{name}{args} {sub}")
    return " ".join(out)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


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
        "node": [f"(id: {q(i)})" for i in every],
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
        sel = selection(f.type, DEPTH) if not is_leaf_type(get_named_type(f.type)) else ""
        if name in LISTINGS:
            after = None
            while True:
                cursor = f", after: {json.dumps(after)}" if after else ""
                body = _run(w, role, c, f"{{ {name}(first: 100{cursor}) {sel} }}")
                page = (body.get("data") or {}).get(name) or {}
                if not (page.get("pageInfo") or {}).get("hasNextPage"):
                    break
                after = page["pageInfo"]["endCursor"]
            continue
        if name == "auditLog":
            continue  # admins only: no graph content
        arg_lists = calls.get(name, [""])
        if _args(f, {}) is None and name not in calls:
            raise AssertionError(f"Query.{name} needs arguments: add it to _root_calls")
        for args in arg_lists:
            _run(w, role, c, f"{{ {name}{args} {sel} }}")
    # every node met along the way, with all its fields
    node_sel = selection(query_type.fields["node"].type, DEPTH)
    for node_id in sorted(c.seen - {i for ids in w.ids.values() for i in ids}):  # alerts
        if node_id.startswith(("per_", "org_", "com_", "inc_", "plc_", "cmp_", "alr_", "mrg_")):
            _run(w, role, c, f"{{ node(id: {json.dumps(node_id)}) {node_sel} }}")
    return c


def leaked(texts: list[str], names: set[str]) -> dict[str, str]:
    """name → a string it appears in (accents and case ignored, whole words)."""
    found: dict[str, str] = {}
    folded = [fold(t) for t in texts]
    for name in names:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        hit = next((t for t in folded if pattern.search(t)), None)
        if hit is not None:
            found[name] = hit[:200]
    return found


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
