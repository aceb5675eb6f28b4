"""IDOR: ids guessed or learnt elsewhere give a role nothing it may not see.

A small graph: a public complaint and a sealed one. The sealed complaint alone reports
an attack on a witness and ties the witness to a perpetrator; a protected defender is
named in the public one. Each case asks, with a trainer's or an analyst's token, for
the sealed complaint, the incident and facts only it supports, and the protected
person, through ``node(id)``, the typed look-ups, ``fact``, ``search``, filters,
``connections``, ``neighbourhood`` and ``timeline``; and checks that a prosecutor
gets them (so each check can fail).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.worlds import PROTECTED, PUBLIC_TEXT, SEALED_TEXT, SECRET, WITNESS, world

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def api(store_session: Store) -> Iterator[tuple[str, dict[str, dict[str, str]]]]:
    from graph.store.repository import delete_all_data

    delete_all_data(store_session, confirm=store_session.database)
    upsert(store_session, *world())
    headers = {r: bearer(store_session, r) for r in ("trainer", "analyst", "prosecutor")}
    with serve(create_app(Config.from_env({}), store_session)) as url:
        yield url + "/graphql", headers


def ask(api: Any, role: str, query: str, **variables: Any) -> Any:
    url, headers = api
    r = httpx.post(url, json={"query": query, "variables": variables}, headers=headers[role],
                   timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert "errors" not in body, body
    return body["data"]


def said(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


NODE = """query($id: ID!) { node(id: $id) { __typename id
  ... on Complaint { text confidentiality }
  ... on Incident { summary }
  ... on Person { name aliases }
} }"""


@pytest.mark.parametrize("node_id", ["cmp_sea", "inc_sea"])
def test_node_by_id_of_what_only_a_sealed_complaint_says(api: Any, node_id: str) -> None:
    assert ask(api, "trainer", NODE, id=node_id)["node"] is None
    assert ask(api, "prosecutor", NODE, id=node_id)["node"]["id"] == node_id
    analyst = ask(api, "analyst", NODE, id=node_id)["node"]
    assert analyst["id"] == node_id and SECRET not in said(analyst)  # exists, words withheld


def test_a_protected_person_by_id_is_a_pseudonym(api: Any) -> None:
    for role in ("trainer", "analyst"):
        for field in ("node", "actor"):
            query = f"query($id: ID!) {{ {field}(id: $id) {{ ... on Person {{ name aliases }} }} }}"
            got = ask(api, role, query, id="per_rosa")[field]
            assert got["name"].startswith("Persona ") and got["aliases"] == []
    assert ask(api, "prosecutor", NODE, id="per_rosa")["node"]["name"] == PROTECTED
    # analysts see persons who are not protected by name; trainers see no one's
    assert ask(api, "analyst", NODE, id="per_lucho")["node"]["name"] == "Lucho Tapia"
    assert ask(api, "trainer", NODE, id="per_lucho")["node"]["name"].startswith("Persona ")


FACTS = """query($id: ID!) { actor(id: $id) { incidents { node { id }
  fact { id sourceIds evidence { complaintId quote } } } } }"""


def test_facts_only_a_sealed_complaint_supports(api: Any) -> None:
    trainer = ask(api, "trainer", FACTS, id="per_lucho")["actor"]["incidents"]
    assert [i["node"]["id"] for i in trainer] == ["inc_pub"]
    assert "cmp_sea" not in said(trainer)
    analyst = ask(api, "analyst", FACTS, id="per_lucho")["actor"]["incidents"]
    sealed = [i for i in analyst if i["node"]["id"] == "inc_sea"]
    assert sealed and all(e["quote"] is None for e in sealed[0]["fact"]["evidence"])
    fact_id = sealed[0]["fact"]["id"]
    fact = "query($id: ID!) { fact(id: $id) { id evidence { quote } } }"
    assert ask(api, "trainer", fact, id=fact_id)["fact"] is None
    assert ask(api, "prosecutor", fact, id=fact_id)["fact"]["evidence"][0]["quote"] == SEALED_TEXT


SEARCH = "query($t: String!) { search(text: $t) { matched node { id } } }"


def test_search_does_not_confirm_a_pseudonymised_name(api: Any) -> None:
    for role in ("trainer", "analyst"):
        hits = ask(api, role, SEARCH, t="Rosa Quispe")["search"]
        assert "per_rosa" not in said(hits) and "Rosa" not in said(hits)
    assert "per_rosa" in said(ask(api, "prosecutor", SEARCH, t="Rosa Quispe"))
    # the pseudonym finds the person
    name = ask(api, "trainer", NODE, id="per_rosa")["node"]["name"]
    hits = ask(api, "trainer", SEARCH, t=name)["search"]
    assert [h["node"]["id"] for h in hits] == ["per_rosa"] and hits[0]["matched"] == name
    # a witness only the sealed complaint names does not exist for a trainer
    assert ask(api, "trainer", NODE, id="per_mario")["node"] is None
    assert "per_mario" not in said(ask(api, "trainer", SEARCH, t="Persona"))


def test_filters_do_not_probe_names_or_sealed_facts(api: Any) -> None:
    actors = "query($n: String!) { actors(filter: {name: $n}) { totalCount nodes { id } } }"
    for role in ("trainer", "analyst"):
        assert ask(api, role, actors, n="quispe")["actors"]["totalCount"] == 0
    assert ask(api, "prosecutor", actors, n="quispe")["actors"]["totalCount"] == 1
    incidents = "query($a: ID!) { incidents(filter: {actorId: $a}) { totalCount nodes { id } } }"
    assert ask(api, "trainer", incidents, a="per_lucho")["incidents"]["totalCount"] == 1
    assert ask(api, "prosecutor", incidents, a="per_lucho")["incidents"]["totalCount"] == 2
    complaints = "{ complaints { totalCount nodes { id } } }"
    assert ask(api, "trainer", complaints)["complaints"]["totalCount"] == 1
    assert ask(api, "analyst", complaints)["complaints"]["totalCount"] == 2


PATHS = """query($a: ID!, $b: ID!) { connections(fromId: $a, toId: $b, maxHops: 4) {
  nodes { id ... on Person { name } } edges { id } } }"""
AROUND = """query($id: ID!) { neighbourhood(id: $id, depth: 2) {
  nodes { id ... on Person { name } ... on Incident { summary } } edges { id source target } } }"""


def test_paths_and_neighbourhoods_stop_at_what_a_role_may_not_see(api: Any) -> None:
    # the witness and the perpetrator are linked only through the sealed incident
    assert ask(api, "trainer", PATHS, a="per_lucho", b="per_mario")["connections"] == []
    assert ask(api, "prosecutor", PATHS, a="per_lucho", b="per_mario")["connections"]
    around = ask(api, "trainer", AROUND, id="per_lucho")["neighbourhood"]
    ids = {n["id"] for n in around["nodes"]}
    assert ids == {"per_lucho", "inc_pub", "per_rosa"}
    assert "inc_sea" not in said(around) and "per_mario" not in said(around)
    assert ask(api, "trainer", AROUND, id="per_mario")["neighbourhood"]["nodes"] == []
    analyst = ask(api, "analyst", AROUND, id="per_lucho")["neighbourhood"]
    assert {"inc_sea", "per_mario"} <= {n["id"] for n in analyst["nodes"]}
    assert PROTECTED not in said(analyst) and SECRET not in said(analyst)
    assert WITNESS in said(analyst)  # not protected: analysts see the name


def test_timelines_leave_out_what_only_sealed_complaints_say(api: Any) -> None:
    q = "query($id: ID!) { timeline(id: $id) { incident { id summary } } }"
    trainer = ask(api, "trainer", q, id="per_lucho")["timeline"]
    assert [e["incident"]["id"] for e in trainer] == ["inc_pub"]
    assert PROTECTED not in said(trainer) and "Lucho" not in said(trainer)
    analyst = ask(api, "analyst", q, id="per_lucho")["timeline"]
    assert [e["incident"]["id"] for e in analyst] == ["inc_pub", "inc_sea"]
    assert analyst[1]["incident"]["summary"] is None  # a sealed complaint's sentence
    assert PROTECTED not in said(analyst)


def test_complaint_texts_are_redacted_or_withheld(api: Any) -> None:
    q = "query($id: ID!) { node(id: $id) { ... on Complaint { text } } }"
    trainer = ask(api, "trainer", q, id="cmp_pub")["node"]["text"]
    assert "Rosa" not in trainer and "Lucho" not in trainer and "Persona " in trainer
    analyst = ask(api, "analyst", q, id="cmp_pub")["node"]["text"]
    assert "Rosa" not in analyst and "Lucho Tapia" in analyst
    assert ask(api, "analyst", q, id="cmp_sea")["node"]["text"] is None
    assert ask(api, "prosecutor", q, id="cmp_sea")["node"]["text"] == SEALED_TEXT


def test_the_alerts_subscription_shows_an_analyst_pseudonyms_only(
    api: Any, store_session: Store
) -> None:
    """An alert about a protected defender, pushed to a subscribed analyst: the subject
    is a pseudonym and every quote and note is redacted (the prosecutor gets names)."""
    import asyncio
    import json as j

    import websockets
    from starlette.routing import Route

    app = create_app(Config.from_env({}), store_session)
    endpoint = next(r.endpoint for r in app.routes if isinstance(r, Route) and r.path == "/graphql")
    services = endpoint.services  # type: ignore[attr-defined]
    assessment = {
        "subject_id": "per_rosa", "score": 80.0, "level": "extreme", "as_of": "2024-05-01",
        "urgent": True, "latest_incident": "inc_pub",
        "factors": [{"name": "attacks", "label": "agresiones", "weight": 1.0, "points": 80.0,
                     "detail": "1 agresión", "evidence": [
                         {"incident_id": "inc_pub", "complaint_id": "cmp_pub",
                          "quote": PUBLIC_TEXT, "node_id": None}]}],
    }  # fmt: skip
    alert = {
        "id": "alr_sub", "level": "extreme", "status": "new", "urgent": True, "score": 80.0,
        "subject_id": "per_rosa", "latest_incident": "inc_pub", "complaint_id": "cmp_pub",
        "assessment": j.dumps(assessment),
        "consultation_note": f"{PROTECTED} pide no ser trasladada.",
        "history": [j.dumps({"at": "2024-05-01", "by": "x", "action": "created", "from": None,
                             "to": "new", "reason": f"amenaza a {PROTECTED}"})],
    }  # fmt: skip
    document = """subscription { alerts { alert { subject { ... on Person { name aliases } }
      consultationNote history { reason }
      assessment { factors { evidence { quote incident { summary } } } } } } }"""

    async def first_event(url: str, auth: dict[str, str]) -> str:
        ws_url = url.replace("http", "ws") + "/graphql"
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(j.dumps({"type": "connection_init", "payload": auth}))
            assert j.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(j.dumps({"id": "1", "type": "subscribe", "payload": {"query": document}}))
            while services.alert_broker.subscribers == 0:
                await asyncio.sleep(0.02)
            from schema.events import AlertEventData

            services.alert_broker.publish(AlertEventData("created", alert))
            message = j.loads(await asyncio.wait_for(ws.recv(), 10))
            assert message["type"] == "next", message
            return j.dumps(message["payload"], ensure_ascii=False)

    with serve(app) as url:
        analyst = asyncio.run(first_event(url, bearer(store_session, "analyst")))
        prosecutor = asyncio.run(first_event(url, bearer(store_session, "prosecutor")))
    assert "Rosa" not in analyst and "Quispe" not in analyst
    assert analyst.count("Persona ") >= 4 and "Lucho Tapia" in analyst
    assert prosecutor.count(PROTECTED) >= 4
