"""The GraphQL API against a live uvicorn on 127.0.0.1 and the session's real store.

A small graph whose answers are known is loaded once for the module (ids under their
own names, so nothing else in the store can change the answers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest

from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.worlds import KNOWN_TEXT, known_graph

pytestmark = pytest.mark.store
HTTP = httpx.Client(timeout=60)  # carries the module's bearer token


class CountingStore:
    """The session's store, counting the statements sent over Bolt."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.reads = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        self.reads += 1
        return self._store.read(query, **params)


@pytest.fixture(scope="module")
def counting(store_session: Store) -> CountingStore:
    delete_all_data(store_session, confirm=store_session.database)
    nodes, facts = known_graph()
    upsert(store_session, nodes, facts)
    HTTP.headers.update(bearer(store_session))
    return CountingStore(store_session)


@pytest.fixture(scope="module")
def api(counting: CountingStore) -> Iterator[str]:
    app = create_app(Config.from_env({}), cast(Store, counting))
    with serve(app) as url:
        yield f"{url}/graphql"


def gql(url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = HTTP.post(url, json={"query": query, "variables": variables or {}}, timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body["errors"]
    return cast(dict[str, Any], body["data"])


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {i["id"] for i in items}


# --- nodes, links, evidence -----------------------------------------------------------


def test_an_actor_with_its_incidents_and_the_evidence_behind_each_link(api: str) -> None:
    data = gql(
        api,
        """{ actor(id: "per_b") { __typename id name aliases
               incidents { node { id type date places { node { ubigeo } } }
                           fact { type perpetration review
                                  evidence { complaintId quote start end method
                                             confidence } } } } }""",
    )
    actor = data["actor"]
    assert actor["__typename"] == "Person"
    assert actor["aliases"] == ["el Chato"]
    by_id = {link["node"]["id"]: link for link in actor["incidents"]}
    assert list(by_id) == ["inc_2", "inc_1"]  # latest first
    threat = by_id["inc_1"]
    assert threat["node"]["places"][0]["node"]["ubigeo"] == "250305"
    assert threat["fact"]["perpetration"] == "alleged"
    [ev] = threat["fact"]["evidence"]
    assert ev["complaintId"] == "cmp_known"
    assert KNOWN_TEXT[ev["start"] : ev["end"]] == ev["quote"] == "amenazada por Bruno Tello Rengifo"
    assert by_id["inc_2"]["fact"]["evidence"] == []  # a fact without evidence says so


def test_node_resolves_every_kind_and_returns_null_for_unknown_or_malformed_ids(api: str) -> None:
    data = gql(
        api,
        """{ a: node(id: "com_x") { __typename id }
             b: node(id: "inc_2") { ... on Incident { type datePrecision } }
             c: node(id: "per_nobody") { id }
             d: node(id: "no-such-prefix") { id }
             e: node(id: "nk_s_x") { id }
             f: actor(id: "inc_1") { id } }""",
    )
    assert data["a"] == {"__typename": "Community", "id": "com_x"}
    assert data["b"] == {"type": "ASSAULT", "datePrecision": None}
    assert data["c"] is None and data["d"] is None and data["e"] is None
    assert data["f"] is None  # an incident is not an actor


def test_fact_by_id_and_the_complaint_text_behind_it(api: str) -> None:
    link = gql(api, '{ actor(id: "per_a") { incidents { fact { id } } } }')
    fact_id = link["actor"]["incidents"][0]["fact"]["id"]
    data = gql(
        api,
        "query($id: ID!) { fact(id: $id) { type startId endId evidence { complaintId } } }",
        {"id": fact_id},
    )
    assert data["fact"]["type"] == "VICTIM_OF"
    assert (data["fact"]["startId"], data["fact"]["endId"]) == ("per_a", "inc_1")
    text = gql(api, '{ node(id: "cmp_known") { ... on Complaint { text } } }')
    assert text["node"]["text"] == KNOWN_TEXT
    assert gql(api, '{ fact(id: "VICTIM_OF:rel_nothing") { id } }')["fact"] is None
    assert gql(api, '{ fact(id: "NOT_A_TYPE:x") { id } }')["fact"] is None


# --- connections with filters ---------------------------------------------------------


def test_actors_page_through_with_stable_cursors_and_total_count(api: str) -> None:
    seen: list[str] = []
    after = None
    for _ in range(10):
        data = gql(
            api,
            """query($after: String) { actors(first: 2, after: $after) {
                 totalCount edges { cursor node { id name } }
                 pageInfo { hasNextPage endCursor } } }""",
            {"after": after},
        )["actors"]
        assert data["totalCount"] == 6
        seen += [e["node"]["id"] for e in data["edges"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    names = ["per_a", "per_b", "per_c", "per_d", "org_m", "com_x"]
    assert sorted(seen) == sorted(names) and len(seen) == len(set(seen))


def test_actor_filters_accents_roles_areas_and_boolean_combinations(api: str) -> None:
    def actors(filter_: dict[str, Any]) -> set[str]:
        data = gql(
            api,
            "query($f: ActorFilter) { actors(filter: $f, first: 100) { nodes { id } } }",
            {"f": filter_},
        )
        return ids(data["actors"]["nodes"])

    assert actors({"name": "QUISPE"}) == {"per_a"}  # accents and case ignored
    assert actors({"name": "chato"}) == {"per_b"}  # aliases count
    assert actors({"role": "PERPETRATOR"}) == {"per_b"}
    assert actors({"role": "VICTIM", "incidentTypes": ["ASSAULT"]}) == {"per_c"}
    assert actors({"ubigeo": "25"}) == {"per_a", "per_b", "per_c"}
    assert actors({"ubigeo": "15"}) == set()
    assert actors({"kinds": ["COMMUNITY", "ORGANIZATION"]}) == {"com_x", "org_m"}
    assert actors({"drivers": ["LOGGING"]}) == {"com_x", "org_m"}
    assert actors({"or": [{"name": "ana"}, {"name": "delia"}]}) == {"per_a", "per_d"}
    assert actors({"and": [{"role": "VICTIM"}, {"name": "carmen"}]}) == {"per_c"}
    assert actors({"role": "VICTIM", "dateFrom": "2024-05-01"}) == {"per_c"}  # June counts


def test_incident_complaint_dispute_case_and_place_lists(api: str) -> None:
    data = gql(
        api,
        """{ a: incidents(filter: {ubigeo: "2503", types: [THREAT]}) { totalCount nodes { id } }
             b: incidents(filter: {actorName: "tello", role: PERPETRATOR}) { nodes { id } }
             c: incidents(filter: {dateFrom: "2024-06-10", dateTo: "2024-12-31"}) { nodes { id } }
             d: complaints(filter: {receivedFrom: "2024-03-05", receivedTo: "2024-03-05"}) {
                  nodes { id status } }
             e: landDisputes(filter: {drivers: [LOGGING]}) {
                  nodes { name parties { node { id } } } }
             f: places(filter: {ubigeo: "25"}, orderBy: {field: UBIGEO}) { nodes { ubigeo } }
             g: cases { totalCount } }""",
    )
    assert data["a"] == {"totalCount": 1, "nodes": [{"id": "inc_1"}]}
    assert ids(data["b"]["nodes"]) == {"inc_1", "inc_2"}
    assert ids(data["c"]["nodes"]) == {"inc_2"}  # "2024-06" may fall after June 10
    assert data["d"]["nodes"] == [{"id": "cmp_known", "status": "EXTRACTED"}]
    assert {p["node"]["id"] for p in data["e"]["nodes"][0]["parties"]} == {"com_x", "org_m"}
    assert [p["ubigeo"] for p in data["f"]["nodes"]] == ["25", "2503", "250305"]
    assert data["g"]["totalCount"] == 0


def test_bad_arguments_are_refused_with_a_message_naming_them(api: str) -> None:
    for query, words in [
        ("{ actors(first: 101) { totalCount } }", "first"),
        ('{ actors(after: "garbage!") { totalCount } }', "cursor"),
        ('{ actors(filter: {ubigeo: "2x"}) { totalCount } }', "ubigeo"),
        ('{ incidents(filter: {dateFrom: "March"}) { totalCount } }', "dateFrom"),
        ('{ connections(fromId: "per_a", toId: "per_c", maxHops: 7) { edges { id } } }', "maxHops"),
        ('{ neighbourhood(id: "per_a", depth: 4) { truncated } }', "depth"),
        ('{ search(text: "a") { score } }', "search text"),
    ]:
        r = HTTP.post(api, json={"query": query}, timeout=30)
        body = r.json()
        assert body.get("errors"), query
        message = body["errors"][0]["message"]
        assert words in message and "Unexpected" not in message, (query, message)


# --- search, paths, neighbourhoods, timelines -----------------------------------------


def test_search_is_fuzzy_accent_insensitive_and_ranked(api: str) -> None:
    data = gql(
        api,
        """{ a: search(text: "Ana Quispe") { score matched node { id } }
             b: search(text: "bruno teyo") { node { id } }
             c: search(text: "tahuania", kinds: [PLACE]) { node { id } }
             d: search(text: "rio sol", kinds: [LAND_DISPUTE, ACTOR]) { node { id } } }""",
    )
    assert data["a"][0]["node"]["id"] == "per_a" and data["a"][0]["score"] >= 90
    assert data["b"][0]["node"]["id"] == "per_b"  # a typo forgiven
    assert [h["node"]["id"] for h in data["c"]] == ["plc_250305"]
    assert {h["node"]["id"] for h in data["d"]} >= {"dsp_1", "org_m"}


def _paths(api: str, a: str, b: str, hops: int, via: str = "") -> list[list[str]]:
    data = gql(
        api,
        f"""{{ connections(fromId: "{a}", toId: "{b}", maxHops: {hops} {via}) {{
              nodes {{ id }} edges {{ type source target fact {{ id }} }} }} }}""",
    )
    return [[n["id"] for n in p["nodes"]] for p in data["connections"]]


def test_connections_return_every_shortest_path_and_respect_max_hops(api: str) -> None:
    paths = _paths(api, "per_a", "per_c", 4)
    assert sorted(paths) == sorted(
        [
            ["per_a", "inc_1", "per_b", "inc_2", "per_c"],
            ["per_a", "inc_1", "plc_250305", "inc_2", "per_c"],
        ]
    )
    assert _paths(api, "per_a", "per_c", 3) == []
    assert _paths(api, "per_c", "org_m", 6) == [["per_c", "com_x", "dsp_1", "org_m"]]
    assert _paths(api, "per_c", "org_m", 6, "via: [MEMBER_OF]") == []
    assert _paths(api, "per_a", "per_nobody", 4) == []


def test_connections_carry_the_evidence_of_each_edge(api: str) -> None:
    data = gql(
        api,
        """{ connections(fromId: "per_a", toId: "per_b", maxHops: 2) {
              edges { type source target fact { evidence { quote } } } } }""",
    )
    [path] = data["connections"]
    quotes = {e["type"]: [x["quote"] for x in e["fact"]["evidence"]] for e in path["edges"]}
    assert quotes == {
        "VICTIM_OF": ["Ana Quíspe Mori"],
        "PERPETRATOR_OF": ["amenazada por Bruno Tello Rengifo"],
    }


def _hood(api: str, node: str, depth: int, limit: int = 100) -> dict[str, Any]:
    data = gql(
        api,
        f"""{{ neighbourhood(id: "{node}", depth: {depth}, limit: {limit}) {{
              nodes {{ id __typename }} edges {{ type source target }} truncated }} }}""",
    )
    return cast(dict[str, Any], data["neighbourhood"])


def test_neighbourhood_grows_by_depth_on_a_known_graph(api: str) -> None:
    one = _hood(api, "per_a", 1)
    assert ids(one["nodes"]) == {"per_a", "inc_1"} and not one["truncated"]
    two = _hood(api, "per_a", 2)
    assert ids(two["nodes"]) == {"per_a", "inc_1", "per_b", "plc_250305"}
    assert {(e["type"], e["source"], e["target"]) for e in two["edges"]} == {
        ("VICTIM_OF", "per_a", "inc_1"),
        ("PERPETRATOR_OF", "per_b", "inc_1"),
        ("OCCURRED_IN", "inc_1", "plc_250305"),
    }
    three = _hood(api, "per_a", 3)
    assert ids(three["nodes"]) == {"per_a", "inc_1", "per_b", "plc_250305", "inc_2", "plc_2503"}
    capped = _hood(api, "per_a", 3, limit=3)
    assert len(capped["nodes"]) == 3 and capped["truncated"]
    assert _hood(api, "per_nobody", 2) == {"nodes": [], "edges": [], "truncated": False}


def test_timelines_of_an_actor_a_community_and_a_place(api: str) -> None:
    data = gql(
        api,
        """{ a: timeline(id: "per_b") { date roles incident { id } }
             c: timeline(id: "com_x") { date roles incident { id } via { id } }
             p: timeline(id: "plc_25") { incident { id } } }""",
    )
    assert [(e["date"], e["roles"], e["incident"]["id"]) for e in data["a"]] == [
        ("2024-03-03", ["PERPETRATOR"], "inc_1"),
        ("2024-06", ["PERPETRATOR"], "inc_2"),
    ]
    assert [(e["incident"]["id"], e["via"]["id"]) for e in data["c"]] == [("inc_2", "per_c")]
    assert [e["incident"]["id"] for e in data["p"]] == ["inc_1", "inc_2"]


# --- the N+1 guard ----------------------------------------------------------------------


def test_a_page_costs_the_same_number_of_queries_whatever_its_size(
    api: str, counting: CountingStore
) -> None:
    nodes = []
    facts = []
    for i in range(60):
        nodes += [
            NodeRecord("Person", f"per_bulk{i:02d}", {"name": f"Zacarías Bulk {i:02d}"}),
            NodeRecord("Incident", f"inc_bulk{i:02d}", {"type": "threat", "date": "2023-01-01"}),
        ]
        facts += [
            FactRecord("VICTIM_OF", f"per_bulk{i:02d}", f"inc_bulk{i:02d}"),
            FactRecord("OCCURRED_IN", f"inc_bulk{i:02d}", "plc_150101"),
        ]
    upsert(counting._store, nodes, facts)
    query = """query($n: Int!) { actors(first: $n, filter: {name: "zacarias"}) {
                 nodes { name incidents { node { type places { node { name } } } } } } }"""
    costs = {}
    for size in (5, 50):
        before = counting.reads
        data = gql(api, query, {"n": size})
        costs[size] = counting.reads - before
        assert len(data["actors"]["nodes"]) == size
        assert all(a["incidents"][0]["node"]["places"] for a in data["actors"]["nodes"])
    # the token, the page, its incidents, their places, the audit log's head
    assert costs[5] == costs[50] == 5, costs


# --- hardening ---------------------------------------------------------------------------


def _refused(r: httpx.Response, status: int, words: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert "data" not in body or body["data"] is None
    assert any(words in e["message"] for e in body["errors"]), body


def test_operations_only_as_post_with_json(api: str) -> None:
    _refused(HTTP.get(api, params={"query": "{ __typename }"}), 405, "only as POST")
    _refused(HTTP.get(api), 405, "only as POST")  # no IDE unless enabled
    mutation = 'mutation { submitComplaint(input: {text: "x"}) { __typename } }'
    _refused(HTTP.get(api, params={"query": mutation}), 405, "only as POST")
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        r = HTTP.post(
            api, content='{"query": "{ __typename }"}', headers={"content-type": content_type}
        )
        _refused(r, 415, "application/json")
    r = HTTP.put(api, json={"query": "{ __typename }"})
    _refused(r, 405, "only as POST")


def test_batched_operations_are_refused(api: str) -> None:
    r = HTTP.post(api, json=[{"query": "{ __typename }"}, {"query": "{ __typename }"}])
    assert r.status_code == 400 and "Batching is not enabled" in r.text


def test_a_deep_query_is_refused(api: str) -> None:
    inner = "id"
    for _ in range(8):
        inner = f"incidents {{ node {{ perpetrators {{ node {{ {inner} }} }} }} }}"
    r = HTTP.post(api, json={"query": f'{{ actor(id: "per_a") {{ {inner} }} }}'})
    _refused(r, 200, "exceeds maximum operation depth")


def test_five_hundred_aliases_are_refused(api: str) -> None:
    aliases = " ".join(f"a{i}: __typename" for i in range(500))
    _refused(HTTP.post(api, json={"query": f"{{ {aliases} }}"}), 200, "aliases")


def test_a_directive_flood_is_refused(api: str) -> None:
    fields = " ".join(f"f{i}: __typename @include(if: true)" for i in range(25))
    _refused(HTTP.post(api, json={"query": f"{{ {fields} }}"}), 200, "directives")


def test_a_token_flood_is_refused(api: str) -> None:
    query = "{ " + " ".join("__typename" for _ in range(5000)) + " }"
    _refused(HTTP.post(api, json={"query": query}), 200, "token")


def test_a_huge_body_is_refused(api: str) -> None:
    body = '{"query": "{ __typename }", "variables": {"x": "' + "a" * 1_100_000 + '"}}'
    r = HTTP.post(api, content=body, headers={"content-type": "application/json"})
    _refused(r, 413, "larger than")


def test_no_field_suggestions_and_no_introspection_without_the_ide(api: str) -> None:
    r = HTTP.post(api, json={"query": "{ actorz { id } }"})
    assert "Did you mean" not in r.text and "actorz" in r.text
    # names of arguments, types and enum values are not suggested either
    for query, named in [
        ("{ actors(frist: 1) { edges { node { id } } } }", "frist"),
        ("{ a: __typename } fragment F on Persn { id }", "Persn"),
        ("{ actors(filter: {kind: PERSN}) { edges { node { id } } } }", "PERSN"),
    ]:
        r = HTTP.post(api, json={"query": query})
        assert named in r.text, r.text
        assert "Did you mean" not in r.text, r.text
    _refused(
        HTTP.post(api, json={"query": "{ __schema { types { name } } }"}), 200, "introspection"
    )


def test_unexpected_errors_are_masked_and_logged_with_an_id(
    api: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from graph import reads

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail: password=hunter2")

    monkeypatch.setattr(reads, "search", broken)
    r = HTTP.post(api, json={"query": '{ search(text: "Ana Quispe") { score } }'})
    [error] = r.json()["errors"]
    assert "hunter2" not in r.text and "RuntimeError" not in r.text
    error_id = error["extensions"]["errorId"]
    assert error["message"] == f"Unexpected error (id {error_id})."
    assert any(error_id in rec.getMessage() for rec in caplog.records)


def test_a_request_over_its_time_limit_is_stopped(
    counting: CountingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from graph import reads

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(3)
        return []

    monkeypatch.setattr(reads, "search", slow)
    config = dataclasses.replace(Config.from_env({}), request_timeout=0.5)
    with serve(create_app(config, cast(Store, counting))) as url:
        started = time.monotonic()
        r = HTTP.post(f"{url}/graphql", json={"query": '{ search(text: "ana") { score } }'})
        assert time.monotonic() - started < 2.5
    _refused(r, 504, "longer than 0.5 s")


def test_healthz_reports_the_store(api: str) -> None:
    r = HTTP.get(api.replace("/graphql", "/healthz"))
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_with_the_ide_on_get_serves_the_page_and_introspection_works(
    counting: CountingStore,
) -> None:
    config = Config.from_env({"DEFENSORES_IDE": "1"})
    with serve(create_app(config, cast(Store, counting))) as url:
        page = HTTP.get(f"{url}/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        assert "script-src 'self'" in page.headers["content-security-policy"]
        asset = HTTP.get(f"{url}/ide/graphiql.min.js")
        assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
        # a GET with a query is still refused: the IDE page is the only thing GET serves
        assert HTTP.get(f"{url}/graphql", params={"query": "{ __typename }"}).status_code == 405
        r = HTTP.post(f"{url}/graphql", json={"query": "{ __schema { queryType { name } } }"})
        assert r.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def _nothing_found(items: Any) -> list[Any]:
    """A batch extractor that finds nothing (the raise is about storing, not NLP)."""
    from graph.intake.durable import Extraction

    return [Extraction("none/1", "es") for _ in items]


RAISE_ONE = """mutation($input: ComplaintInput!) { submitComplaint(input: $input) {
  ... on ComplaintSubmitted { complaintId duplicate confidentiality } } }"""
RAISE_MANY = """mutation($inputs: [ComplaintInput!]!) { submitComplaints(inputs: $inputs) {
  ... on ComplaintsSubmitted { results { complaintId duplicate confidentiality } } } }"""
RAISES = """query($cid: ID!) { auditLog(filter: {operation: "complaint.confidentiality_raised",
  complaintId: $cid}) { records { who role operation kind complaints outcome } } }"""


def test_a_resubmission_raises_confidentiality_never_lowers_it_and_is_audited_once(
    store_session: Store,
) -> None:
    import uuid

    mark = uuid.uuid4().hex[:8]  # texts of this run alone: the module's graph stays
    one = f"Denuncia {mark}: la defensora Elsa Ccori fue amenazada en Iñapari."
    two = f"Denuncia {mark}: el apu Tito Cumapa fue hostigado en Atalaya."
    three = f"Denuncia {mark}: un guardaparque fue agredido en Sepahua."
    intake, admin = bearer(store_session, "intake"), bearer(store_session, "admin")
    trainer = bearer(store_session, "trainer")
    app = create_app(Config.from_env({}), store_session, extractor=_nothing_found)
    with serve(app) as url, httpx.Client(timeout=60) as client:

        def call(query: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
            r = client.post(
                f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            body = r.json()
            assert r.status_code == 200 and "errors" not in body, body
            return body["data"]

        def one_(text: str, level: str) -> dict[str, Any]:
            sent = {"input": {"text": text, "confidentiality": level}}
            found: dict[str, Any] = call(RAISE_ONE, sent, intake)["submitComplaint"]
            return found

        def seen_by_trainer(cid: str) -> bool:
            return (
                call("query($id: ID!) { node(id: $id) { id } }", {"id": cid}, trainer)["node"]
                is not None
            )

        first = one_(one, "RESTRICTED")
        cid = first["complaintId"]
        assert (first["duplicate"], first["confidentiality"]) == (False, "RESTRICTED")
        assert seen_by_trainer(cid)
        sealed = one_(one, "SEALED")
        assert (sealed["duplicate"], sealed["confidentiality"]) == (True, "SEALED")
        assert not seen_by_trainer(cid)  # sealed now: gone for who may not see sealed
        lower = one_(one, "RESTRICTED")
        assert (lower["duplicate"], lower["confidentiality"]) == (True, "SEALED")
        assert one_(one, "SEALED")["confidentiality"] == "SEALED"  # a retry: no new record

        other = one_(two, "PUBLIC")["complaintId"]
        batch = [
            {"text": two, "confidentiality": "SEALED"},
            {"text": three},
            {"text": one, "confidentiality": "PUBLIC"},
        ]
        for _ in range(2):  # the second time: nothing left to raise
            results = call(RAISE_MANY, {"inputs": batch}, intake)["submitComplaints"]["results"]
            assert [(r["complaintId"], r["confidentiality"]) for r in results] == [
                (other, "SEALED"),
                (results[1]["complaintId"], "RESTRICTED"),
                (cid, "SEALED"),
            ]
        records = {c: call(RAISES, {"cid": c}, admin)["auditLog"]["records"] for c in (cid, other)}
    assert records[cid] == [
        {
            "who": records[cid][0]["who"],
            "role": "intake",
            "operation": "complaint.confidentiality_raised",
            "kind": "mutation",
            "complaints": [cid],
            "outcome": "restricted->sealed",
        }
    ]
    assert records[cid][0]["who"].startswith("test-intake-")
    assert [r["outcome"] for r in records[other]] == ["public->sealed"]
    stored = store_session.read(
        "MATCH (c:Complaint) WHERE c.id IN $ids RETURN c.id AS id, c.confidentiality AS level",
        ids=[cid, other],
    )
    assert {r["id"]: r["level"] for r in stored} == {cid: "sealed", other: "sealed"}
