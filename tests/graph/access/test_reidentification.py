"""Re-identification: no filter, sort or search reaches a name behind a pseudonym.

A small invented world holds what extraction really makes: persons with aliases, one of
them also filed as an organisation under their full name, a locality extracted as
"<surname> afirmó además", a community, a dispute, a case office and a protection
measure's authority named after persons, and a public place of the gazetteer. Every
real name, alias and name word of every person the role sees under a pseudonym is read
from the store; the schema (introspected) gives every argument of a root query that
takes text (strings inside filter inputs included) and every sort, so a new filter is
crawled without anyone adding it here. Each value goes into each text input, with the
token of each role that pseudonymises (trainers: every person; analysts: protected
ones), and:

- no node comes back that is a pseudonymised person, or that the viewer is not shown
  holding the value (a node found only through a hidden name);
- no answer (data, decoded cursors, errors but for the value sent) holds a hidden name;
- every sort orders by what is shown: its cursors hold no hidden name, in order.

A prosecutor's token is the control: the same inputs find the hidden nodes.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from graphql.pyutils import Undefined

from graph.access.redaction import MIN_PART, PARTICLES
from graph.rows import Evidence, FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from nlp.text import fold
from schema.app import build_schema
from schema.roles import TABLE, Outcome
from server import create_app
from tests.auth import bearer
from tests.crawler import strings
from tests.live import serve

pytestmark = pytest.mark.store
SCHEMA = build_schema(introspection=True)._schema
DEPTH = 2  # connection → edge → node's fields
ROLES = ("trainer", "analyst")
NODE = SCHEMA.query_type.fields["node"].type  # type: ignore[union-attr]
ID = re.compile(r"^(?:per|org|com|inc|plc|dsp|cas|pm|cmp)_\w+$")

TEXT_1 = (
    "La defensora Marisol Tintaya Ccahuana, conocida como Venadito, denunció que Eusebio "
    "Llanqui Paucar, alias Zorrillo, y Fortunato Huillca Taipe la amenazaron. Tintaya "
    "afirmó además que el fundo está en disputa."
)
TEXT_2 = (
    "La lideresa Yolanda Achahui Quisca, Palomita para la comunidad, fue agredida por "
    "trabajadores de Minera Ccorimanya; Teófilo Ccorimanya Huarcaya lo vio."
)


def _complaint(cid: str, text: str) -> NodeRecord:
    return NodeRecord("Complaint", cid, {
        "text": text, "sha256": (cid * 16)[:64], "received_at": "2024-05-01T10:00:00Z",
        "status": "extracted", "confidentiality": "public", "language": "es",
    })  # fmt: skip


def _ev(cid: str, quote: str) -> Evidence:
    text = TEXT_1 if cid == "cmp_r1" else TEXT_2
    start = text.index(quote)
    return Evidence(cid, text, start, start + len(quote), "rule", 0.9)


def world() -> tuple[list[NodeRecord], list[FactRecord]]:
    nodes = [
        _complaint("cmp_r1", TEXT_1),
        _complaint("cmp_r2", TEXT_2),
        NodeRecord("Person", "per_mar", {"name": "Marisol Tintaya Ccahuana",
                                         "aliases": ["Venadito"], "defender": True}),
        NodeRecord("Person", "per_eus", {"name": "Eusebio Llanqui Paucar",
                                         "aliases": ["Zorrillo"]}),
        NodeRecord("Person", "per_for", {"name": "Fortunato Huillca Taipe"}),
        NodeRecord("Person", "per_yol", {"name": "Yolanda Achahui Quisca",
                                         "aliases": ["Palomita"], "protected": True}),
        NodeRecord("Person", "per_teo", {"name": "Teófilo Ccorimanya Huarcaya"}),
        # the NLP filed a person as an organisation, under the person's full name
        NodeRecord("Organization", "org_for", {"name": "Fortunato Huillca Taipe",
                                               "kind": "other"}),
        NodeRecord("Organization", "org_min", {"name": "Minera Ccorimanya SAC",
                                               "kind": "company", "aliases": ["Ccorimanya"]}),
        NodeRecord("Community", "com_ach", {"name": "Comunidad Nativa Achahui Alto",
                                            "community_kind": "native"}),
        NodeRecord("Place", "plc_sat", {"name": "Satipo", "ubigeo": "1206",
                                        "level": "province"}),
        # a place extracted from a sentence that starts with a surname
        NodeRecord("Place", "plc_tin", {"name": "Tintaya afirmó además", "level": "locality"}),
        NodeRecord("Place", "plc_ach", {"name": "Achahui dijo que", "level": "locality"}),
        NodeRecord("LandDispute", "dsp_lla", {"name": "Fundo Llanqui", "driver": "mining",
                                              "status": "active"}),
        NodeRecord("LandDispute", "dsp_ach", {"name": "Fundo Achahui", "driver": "mining",
                                              "status": "active"}),
        NodeRecord("Incident", "inc_r1", {"type": "threat", "date": "2024-04-20",
                                          "summary": "Tintaya afirmó además que la amenazaron."}),
        NodeRecord("Incident", "inc_r2", {"type": "assault", "date": "2024-04-22"}),
        NodeRecord("Case", "cas_r1", {"file_number": "CF-0117-2024", "status": "open",
                                      "office": "Despacho Yolanda Achahui"}),
        NodeRecord("ProtectionMeasure", "pm_r1", {"kind": "rondas policiales",
                                                  "status": "granted",
                                                  "authority": "Comisaría Llanqui"}),
    ]  # fmt: skip

    def one(quote: str) -> Evidence:
        return _ev("cmp_r1", quote)

    def two(quote: str) -> Evidence:
        return _ev("cmp_r2", quote)

    facts = [
        FactRecord("REPORTS", "cmp_r1", "inc_r1", evidence=one("amenazaron")),
        FactRecord("REPORTS", "cmp_r2", "inc_r2", evidence=two("agredida")),
        FactRecord("MENTIONS", "cmp_r1", "per_mar", evidence=one("Marisol Tintaya Ccahuana")),
        FactRecord("MENTIONS", "cmp_r1", "per_eus", evidence=one("Eusebio Llanqui Paucar")),
        FactRecord("MENTIONS", "cmp_r1", "org_for", evidence=one("Fortunato Huillca Taipe")),
        FactRecord("MENTIONS", "cmp_r1", "plc_tin", evidence=one("Tintaya afirmó además")),
        FactRecord("MENTIONS", "cmp_r2", "per_yol", evidence=two("Yolanda Achahui Quisca")),
        FactRecord("MENTIONS", "cmp_r2", "per_teo", evidence=two("Teófilo Ccorimanya Huarcaya")),
        FactRecord("MENTIONS", "cmp_r2", "org_min", evidence=two("Minera Ccorimanya")),
        FactRecord("VICTIM_OF", "per_mar", "inc_r1", evidence=one("Marisol Tintaya Ccahuana")),
        FactRecord("PERPETRATOR_OF", "per_eus", "inc_r1", evidence=one("Eusebio Llanqui Paucar")),
        FactRecord("PERPETRATOR_OF", "org_for", "inc_r1", evidence=one("Fortunato Huillca Taipe")),
        FactRecord("VICTIM_OF", "per_yol", "inc_r2", evidence=two("Yolanda Achahui Quisca")),
        FactRecord("WITNESS_OF", "per_teo", "inc_r2", evidence=two("Teófilo Ccorimanya Huarcaya")),
        FactRecord("PERPETRATOR_OF", "org_min", "inc_r2", evidence=two("Minera Ccorimanya")),
        FactRecord("OCCURRED_IN", "inc_r1", "plc_tin", evidence=one("Tintaya afirmó además")),
        FactRecord("OCCURRED_IN", "inc_r2", "plc_ach"),
        FactRecord("PART_OF", "plc_tin", "plc_sat"),
        FactRecord("PART_OF", "plc_ach", "plc_sat"),
        FactRecord("PART_OF", "inc_r1", "dsp_lla"),
        FactRecord("PARTY_TO", "com_ach", "dsp_lla"),
        FactRecord("PARTY_TO", "org_min", "dsp_lla"),
        FactRecord("PARTY_TO", "com_ach", "dsp_ach"),
        FactRecord("PARTY_TO", "org_min", "dsp_ach"),
        FactRecord("LOCATED_IN", "dsp_lla", "plc_tin"),
        FactRecord("LOCATED_IN", "com_ach", "plc_ach"),
        FactRecord("MEMBER_OF", "per_yol", "com_ach"),
        FactRecord("INVESTIGATES", "cas_r1", "inc_r2"),
        FactRecord("ACCUSES", "cas_r1", "org_min"),
        FactRecord("PROTECTS", "pm_r1", "per_mar"),
    ]
    return nodes, facts


# --- what each role may not learn, read from the store --------------------------------


def words(name: str) -> set[str]:
    """The words of a name redaction replaces alone (``graph.access.redaction``)."""
    return {w for w in re.findall(r"\w+", fold(name)) if len(w) >= MIN_PART and w not in PARTICLES}


@dataclass
class Hidden:
    """What one role sees under pseudonyms."""

    persons: set[str]  # ids of the persons shown as "Persona N"
    values: list[str]  # every name, alias and name word of theirs, as stored
    forms: set[str]  # those values folded, but words the role also sees elsewhere


@dataclass
class World:
    url: str
    store: Store
    headers: dict[str, dict[str, str]]
    hidden: dict[str, Hidden] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    role_actors: dict[str, set[str]] = field(default_factory=dict)  # incident → actors


def _hidden(store: Store, role: str) -> Hidden:
    rows = store.read(
        "MATCH (p:Person) WHERE p.merged_into IS NULL RETURN p.id AS id, p.name AS name, "
        "coalesce(p.aliases, []) AS aliases, coalesce(p.protected, false) AS protected"
    )
    hidden = [r for r in rows if role == "trainer" or r["protected"]]
    shown = [r for r in rows if r not in hidden]
    values: dict[str, None] = {}
    for r in hidden:
        for name in (r["name"], *r["aliases"]):
            values[name] = None
            for w in re.findall(r"\w+", name):
                if len(w) >= MIN_PART and fold(w) not in PARTICLES:
                    values[w] = None
    # words anyone may read: public places, and the names of persons the role sees
    public = {
        w
        for r in store.read("MATCH (p:Place) WHERE p.ubigeo IS NOT NULL RETURN p.name AS name")
        for w in words(str(r["name"]))
    }
    public |= {w for r in shown for n in (r["name"], *r["aliases"]) for w in words(n)}
    forms = {fold(v) for v in values} - public
    return Hidden({str(r["id"]) for r in hidden}, list(values), forms)


@pytest.fixture(scope="module")
def api(store_session: Store) -> Iterator[World]:
    store = store_session
    delete_all_data(store, confirm=store.database)
    upsert(store, *world())
    headers = {r: bearer(store, r) for r in (*ROLES, "prosecutor")}
    app = create_app(Config.from_env({"DEFENSORES_RATE_LIMIT": "100000"}), store)
    with serve(app) as url:
        w = World(url + "/graphql", store, headers)
        w.hidden = {role: _hidden(store, role) for role in ROLES}
        w.ids = {
            str(r["id"]) for r in store.read("MATCH (n) WHERE n.id IS NOT NULL RETURN n.id AS id")
        }
        for r in store.read(
            "MATCH (a:Actor)-[:PERPETRATOR_OF|VICTIM_OF|WITNESS_OF]->(i:Incident) "
            "RETURN i.id AS i, collect(a.id) AS actors"
        ):
            w.role_actors[str(r["i"])] = {str(a) for a in r["actors"]}
        yield w


def post(w: World, role: str, query: str) -> dict[str, Any]:
    r = httpx.post(w.url, json={"query": query}, headers=w.headers[role], timeout=120)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    # a refusal of the input (a ModelError) is an answer; a query that does not
    # validate would test nothing
    assert all(e.get("path") for e in body.get("errors") or []), (query, body["errors"])
    return body


def selection(t: Any, depth: int) -> str:
    """Every field of ``t`` without arguments to ``depth`` object levels; on an
    interface, a field two of its types return with different types is left out (a
    query may not ask for both, and enums such as ``level`` are no names)."""
    named = get_named_type(t)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        impls = SCHEMA.get_possible_types(named)
        types: dict[str, set[str]] = {}
        for impl in impls:
            for name, f in impl.fields.items():
                types.setdefault(name, set()).add(str(f.type))
        clash = {name for name, ts in types.items() if len(ts) > 1}
        parts = ["__typename"]
        parts += [f"... on {i.name} {{ {_fields(i, depth, clash)} }}" for i in impls]
        return "{ " + " ".join(parts) + " }"
    assert isinstance(named, GraphQLObjectType)
    return "{ " + _fields(named, depth, set()) + " }"


def _fields(t: GraphQLObjectType, depth: int, clash: set[str]) -> str:
    out = ["__typename"]
    for name, f in t.fields.items():
        if name in clash or any(
            isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
            for a in f.args.values()
        ):
            continue
        if is_leaf_type(get_named_type(f.type)):
            out.append(name)
        elif depth > 0:
            out.append(f"{name} {selection(f.type, depth - 1)}")
    return " ".join(out)


# --- the inputs, from the schema ------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """A root field and where a text goes in its arguments (``("filter", "name")``)."""

    field: str
    path: tuple[str, ...]
    listed: bool  # the innermost type is a list of strings

    def literal(self, value: str) -> str:
        inner = json.dumps(value, ensure_ascii=False)
        out = f"[{inner}]" if self.listed else inner
        for name in reversed(self.path[1:]):
            out = f"{{{name}: {out}}}"
        return f"{self.path[0]}: {out}"


def _unwrap(t: Any) -> tuple[Any, bool]:
    listed = False
    while isinstance(t, GraphQLNonNull | GraphQLList):
        listed = listed or isinstance(t, GraphQLList)
        t = t.of_type
    return t, listed


def _strings(
    t: Any, path: tuple[str, ...], seen: frozenset[str]
) -> Iterator[tuple[tuple[str, ...], bool]]:
    named, listed = _unwrap(t)
    if isinstance(named, GraphQLScalarType) and named.name == "String":
        yield path, listed
    elif isinstance(named, GraphQLInputObjectType) and named.name not in seen and not listed:
        for name, f in named.fields.items():
            yield from _strings(f.type, (*path, name), seen | {named.name})


def _required(f: GraphQLField) -> str | None:
    """Values of the required arguments that are not text (an enum's first value);
    None when a required argument is an id (the field is a look-up, not a search)."""
    parts = []
    for name, arg in f.args.items():
        if not isinstance(arg.type, GraphQLNonNull) or arg.default_value is not Undefined:
            continue
        named = get_named_type(arg.type)
        if isinstance(named, GraphQLEnumType):
            parts.append(f"{name}: {next(iter(named.values))}")
        elif not (isinstance(named, GraphQLScalarType) and named.name == "String"):
            return None
    return ", ".join(parts)


def callable_fields(role: str) -> dict[str, GraphQLField]:
    query = SCHEMA.query_type
    assert query is not None
    return {
        name: f
        for name, f in query.fields.items()
        if TABLE[f"Query.{name}"][role] is not Outcome.DENIED and _required(f) is not None
    }


def text_inputs(role: str) -> list[Input]:
    """Every place a text goes in the arguments of the root fields ``role`` may call."""
    out = []
    for name, f in callable_fields(role).items():
        for arg, a in f.args.items():
            for path, listed in _strings(a.type, (arg,), frozenset()):
                out.append(Input(name, path, listed))
    return out


def sorts(role: str) -> list[tuple[str, str]]:
    """(root field, ``orderBy`` literal) for every sort key and direction."""
    out = []
    for name, f in callable_fields(role).items():
        for arg, a in f.args.items():
            named, _ = _unwrap(a.type)
            if not isinstance(named, GraphQLInputObjectType):
                continue
            enums = {k: get_named_type(v.type) for k, v in named.fields.items()}
            if not enums or not all(isinstance(e, GraphQLEnumType) for e in enums.values()):
                continue
            combos = [""]
            for key, enum in enums.items():
                combos = [f"{c} {key}: {v}" for c in combos for v in enum.values]
            out += [(name, f"{arg}: {{{c.strip()}}}") for c in combos]
    return out


def _call(field_name: str, args: str) -> str:
    f = SCHEMA.query_type.fields[field_name]  # type: ignore[union-attr]
    given = ", ".join(a for a in (_required(f) or "", args) if a)
    sel = "" if is_leaf_type(get_named_type(f.type)) else selection(f.type, DEPTH)
    return f"{field_name}{f'({given})' if given else ''} {sel}"


def ask(w: World, role: str, field_name: str, args: str) -> dict[str, Any]:
    return post(w, role, f"{{ {_call(field_name, args)} }}")


BATCH = 6  # calls per request, as aliases


def ask_many(w: World, role: str, field_name: str, args: list[str]) -> list[dict[str, Any]]:
    """``ask`` for each argument list, a few per request (each answer apart)."""
    out = []
    for at in range(0, len(args), BATCH):
        chunk = args[at : at + BATCH]
        calls = " ".join(f"a{k}: {_call(field_name, a)}" for k, a in enumerate(chunk))
        body = post(w, role, f"{{ {calls} }}")
        data = body.get("data") or {}
        for k in range(len(chunk)):
            errors = [e for e in body.get("errors") or [] if e["path"][0] == f"a{k}"]
            out.append({"data": {field_name: data.get(f"a{k}")}, "errors": errors})
    return out


# --- what an answer gives away --------------------------------------------------------


def cursors(data: Any) -> list[str]:
    out = []
    for s in strings(data):
        try:
            raw = json.loads(base64.urlsafe_b64decode(s.encode()).decode())
        except ValueError:
            continue
        if isinstance(raw, list) and len(raw) == 2:
            out.append(str(raw[0]))
    return out


def texts(body: dict[str, Any], sent: str | None = None) -> list[str]:
    """Every string of an answer, cursors decoded; errors without the value sent (an
    error may quote the caller's own input)."""
    data = body.get("data")
    out = [*strings(data), *cursors(data)]
    for e in body.get("errors") or []:
        message = str(e.get("message", ""))
        out.append(message.replace(sent, "") if sent else message)
    return out


def named(found: list[str], forms: set[str]) -> list[str]:
    """The hidden forms that appear, as whole words, in ``found`` (accents, case ignored)."""
    folded = [fold(t) for t in found]
    return sorted(
        f for f in forms if any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", t) for t in folded)
    )


def shown(w: World, role: str) -> dict[str, str]:
    """Each node as ``role`` is shown it: its strings, folded."""
    out = {}
    for node_id in sorted(w.ids):
        if not ID.match(node_id):
            continue
        body = post(w, role, f"{{ node(id: {json.dumps(node_id)}) {selection(NODE, 0)} }}")
        node = (body.get("data") or {}).get("node")
        if node:
            out[node_id] = fold(" ".join(strings(node)))
    return out


NEUTRAL = "Qozxwv"  # a word no one is called: what an input gives for any text


def ids(w: World, body: dict[str, Any]) -> set[str]:
    return {s for s in strings(body.get("data")) if s in w.ids}


def unexplained(
    w: World,
    role: str,
    body: dict[str, Any],
    neutral: dict[str, Any],
    value: str,
    seen: dict[str, str],
) -> list[str]:
    """The nodes an answer returns for ``value``, and not for a word no one is called
    (``neutral``: an input that is no name filter), that the viewer is not shown
    holding it (nor an actor of theirs, for an incident), and the pseudonymised persons."""
    v = fold(value)
    out = []
    for node_id in sorted(ids(w, body) - ids(w, neutral)):
        if node_id in w.hidden[role].persons:
            out.append(node_id)
            continue
        holders = [node_id, *w.role_actors.get(node_id, ())]
        if not any(v in seen.get(h, "") for h in holders):
            out.append(node_id)
    return out


# --- the tests ------------------------------------------------------------------------


def test_the_schema_offers_text_inputs_and_sorts() -> None:
    inputs = {(i.field, i.path) for i in text_inputs("trainer")}
    assert ("actors", ("filter", "name")) in inputs
    assert ("incidents", ("filter", "actorName")) in inputs
    assert ("places", ("filter", "name")) in inputs
    assert ("search", ("text",)) in inputs
    assert ("cases", ("filter", "office")) in inputs
    assert any(f == "actors" for f, _ in sorts("trainer"))


def test_the_control_finds_the_hidden_nodes_by_their_names(api: World) -> None:
    """A prosecutor sees every name: the same inputs find the persons and the nodes
    named after them (so the checks below can fail)."""
    found: set[str] = set()
    values = api.hidden["trainer"].values
    for i in text_inputs("prosecutor"):
        for body in ask_many(api, "prosecutor", i.field, [i.literal(v) for v in values]):
            found |= {s for s in strings(body.get("data")) if s in api.ids}
    assert {"per_mar", "per_eus", "per_yol", "org_for", "plc_tin", "com_ach", "dsp_lla",
            "cas_r1"} <= found  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_no_text_input_reaches_a_name_behind_a_pseudonym(api: World, role: str) -> None:
    hidden = api.hidden[role]
    assert hidden.persons and hidden.values
    seen = shown(api, role)
    hits: dict[str, list[str]] = {}
    leaks: dict[str, list[str]] = {}
    inputs = text_inputs(role)
    assert len(inputs) >= 10
    for i in inputs:
        neutral, *answers = ask_many(
            api, role, i.field, [i.literal(v) for v in (NEUTRAL, *hidden.values)]
        )
        for value, body in zip(hidden.values, answers, strict=True):
            where = f"{i.field}({i.literal(value)})"
            bad = unexplained(api, role, body, neutral, value, seen)
            if bad:
                hits[where] = bad
            said = named(texts(body, value), hidden.forms)
            if said:
                leaks[where] = said
    assert hits == {}, "nodes found through a hidden name"
    assert leaks == {}, "hidden names in answers"


@pytest.mark.parametrize("role", ROLES)
def test_sorts_order_by_what_is_shown(api: World, role: str) -> None:
    hidden = api.hidden[role]
    leaks: dict[str, list[str]] = {}
    disorder: dict[str, list[str]] = {}
    checked = 0
    for field_name, order in sorts(role):
        keys: list[str] = []
        after = None
        while True:
            cursor = f", after: {json.dumps(after)}" if after else ""
            body = ask(api, role, field_name, f"{order}, first: 3{cursor}")
            page = (body.get("data") or {}).get(field_name) or {}
            assert "errors" not in body, body
            said = named(texts(body), hidden.forms)
            if said:
                leaks[f"{field_name}({order})"] = said
            keys += cursors(page.get("edges"))
            if not (page.get("pageInfo") or {}).get("hasNextPage"):
                break
            after = page["pageInfo"]["endCursor"]
        checked += len(keys)
        descending = "DESC" in order
        if keys != sorted(keys, reverse=descending):
            disorder[f"{field_name}({order})"] = keys
    assert checked > 20
    assert leaks == {}, "hidden names in sorted pages or their cursors"
    assert disorder == {}, "pages not in the order of their cursors"


@pytest.mark.parametrize("role", ROLES)
def test_every_root_field_shows_the_redacted_names(api: World, role: str) -> None:
    """Listings, search by what is shown, exports: the locality, the organisation, the
    dispute, the office are shown redacted, and found by what is shown."""
    hidden = api.hidden[role]
    leaks: dict[str, list[str]] = {}
    for name, f in callable_fields(role).items():
        if any(isinstance(a.type, GraphQLNonNull) and a.default_value is Undefined
               and get_named_type(a.type).name == "String" for a in f.args.values()):  # fmt: skip
            continue  # search: crawled with every value above
        body = ask(api, role, name, "")
        said = named(texts(body), hidden.forms)
        if said:
            leaks[name] = said
    formats = callable_fields(role)["export"].args["format"].type
    for fmt in get_named_type(formats).values:  # type: ignore[attr-defined]
        body = post(api, role, f"{{ export(format: {fmt}) {{ files {{ name content }} }} }}")
        said = named(texts(body), hidden.forms)
        if said:
            leaks[f"export {fmt}"] = said
    assert leaks == {}
    if role == "trainer":
        found = ask(api, role, "search", 'text: "afirmó además"')
        assert "errors" not in found, found["errors"]
        hits = [h for h in found["data"]["search"] if (h["node"] or {}).get("id") == "plc_tin"]
        assert hits and re.fullmatch(r"Persona \d+ afirmó además", hits[0]["matched"])
        places = ask(api, role, "places", 'filter: {name: "afirmo ademas"}')
        assert [e["node"]["id"] for e in places["data"]["places"]["edges"]] == ["plc_tin"]


def test_a_risk_factor_names_disputes_as_the_role_sees_them(api: World) -> None:
    """A risk assessment's words name the subject's land disputes; one is named after a
    protected person: analysts read it redacted, prosecutors as stored."""
    query = '{ riskAssessment(actorId: "com_ach") { factors { name detail } } }'

    def detail(role: str) -> str:
        body = post(api, role, query)
        assert "errors" not in body, body["errors"]
        factors = body["data"]["riskAssessment"]["factors"]
        return str(next(f["detail"] for f in factors if f["name"] == "violent_dispute"))

    assert "Fundo Achahui" in detail("prosecutor")
    shown = detail("analyst")
    assert "Achahui" not in shown and re.search(r"Fundo Persona \d+", shown), shown
    assert named([shown], api.hidden["analyst"].forms) == []


def test_the_training_pack_names_no_one(api: World) -> None:
    """The trainers' pack (case studies of disputes, their parties and places) shows the
    dispute, the community and the locality redacted."""
    from graph.documents import training

    pack = training.build(api.store)
    text = [
        t for doc in pack.documents.values() for t in (doc.markdown(), *doc.pictures().values())
    ]
    assert any("Fundo Persona " in t for t in text)
    assert named(text, api.hidden["trainer"].forms) == []
