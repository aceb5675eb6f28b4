"""Risk, alerts and patterns through the GraphQL API, on a live uvicorn and the real store.

Complaints go in through ``submitComplaint``; a scripted batch extractor turns each into
exact facts (the NLP has its own tests), so the escalation is known: threat, assault,
killing attempt against the same defender. An ``alerts`` subscriber over
graphql-transport-ws must receive the alert the third submission raises.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport

from graph.intake.durable import Extraction, Outcome
from graph.rows import Evidence, FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store
HTTP = httpx.Client(timeout=60)  # carries the module's bearer token

DEFENDER = "per_ax_lideresa"
ATTACKER = "per_ax_agresor"
KINDS = {"AMENAZA": "threat", "AGRESION": "assault", "ATENTADO": "attempted_killing"}


def scripted(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
    """'AMENAZA 40: …' → a threat 40 days ago against the defender, by the attacker."""
    out: list[Outcome] = []
    for cid, text, _ in items:
        word, ago = text.split(":")[0].split()
        incident = f"inc_ax_{word.lower()}_{ago}"
        when = (date.today() - timedelta(days=int(ago))).isoformat()
        ev = Evidence(cid, text, 0, len(text), "rule", 0.9)
        out.append(
            Extraction(
                "scripted",
                "es",
                [NodeRecord("Incident", incident, {"type": KINDS[word], "date": when})],
                [
                    FactRecord("REPORTS", cid, incident, evidence=ev),
                    FactRecord("VICTIM_OF", DEFENDER, incident, evidence=ev),
                    FactRecord("PERPETRATOR_OF", ATTACKER, incident, evidence=ev),
                ],
            )
        )
    return out


@pytest.fixture(scope="module")
def base_url(store_session: Store) -> Iterator[str]:
    delete_all_data(store_session, confirm=store_session.database)
    upsert(
        store_session,
        [
            NodeRecord(
                "Person",
                DEFENDER,
                {"name": "Luz Marina Ccori Huillca", "gender": "female", "defender": True},
            ),
            NodeRecord("Person", ATTACKER, {"name": "alias Cuchillo"}),
        ],
    )
    HTTP.headers.update(bearer(store_session))
    with serve(create_app(Config.from_env({}), store_session, extractor=scripted)) as url:
        yield url


def post(base_url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = HTTP.post(
        f"{base_url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def data(base_url: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = post(base_url, query, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


SUBMIT = """mutation($text: String!) { submitComplaint(input: {text: $text}) {
  __typename ... on ComplaintSubmitted { complaint { id status } } } }"""
RISK = """query($id: ID!) { riskAssessment(actorId: $id) { level score urgent
  factors { name label weight points detail evidence { incidentId complaintId quote } } } }"""


def level(base_url: str) -> str:
    return str(data(base_url, RISK, {"id": DEFENDER})["riskAssessment"]["level"])


def test_escalation_raises_one_alert_pushed_to_subscribers_then_worked_through(
    base_url: str,
) -> None:
    levels = []
    for text in ("AMENAZA 40: le dijeron que se vaya", "AGRESION 20: la golpearon"):
        assert data(base_url, SUBMIT, {"text": text})["submitComplaint"]["complaint"]
        levels.append(level(base_url))
    assert levels == ["LOW", "MEDIUM"]
    assert data(base_url, "{ alerts { totalCount } }")["alerts"]["totalCount"] == 0

    async def scenario() -> list[dict[str, Any]]:
        ws = WebsocketsTransport(
            url=base_url.replace("http", "ws") + "/graphql",
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"Authorization": HTTP.headers["Authorization"]},
        )
        events: list[dict[str, Any]] = []
        async with Client(transport=ws) as subscriber:
            subscription = gql(
                "subscription { alerts { kind alert { id level urgent status subject { id } "
                "latestIncident { type } } } }"
            )

            async def listen() -> None:
                async for event in subscriber.subscribe(subscription):
                    events.append(event["alerts"])
                    return

            listener = asyncio.create_task(listen())
            await asyncio.sleep(0.5)  # the subscription is registered
            await asyncio.to_thread(
                data, base_url, SUBMIT, {"text": "ATENTADO 5: le dispararon dos veces"}
            )
            await asyncio.wait_for(listener, timeout=60)
        return events

    events = asyncio.run(scenario())
    assert len(events) == 1 and events[0]["kind"] == "created"
    alert = events[0]["alert"]
    assert alert["level"] == "HIGH" and alert["urgent"] is True and alert["status"] == "NEW"
    assert alert["subject"]["id"] == DEFENDER
    assert alert["latestIncident"]["type"] == "ATTEMPTED_KILLING"

    # the assessment explains itself: factors, weights and the quotes behind them
    risk = data(base_url, RISK, {"id": DEFENDER})["riskAssessment"]
    assert risk["level"] == "HIGH" and risk["urgent"] is True
    by_name = {f["name"]: f for f in risk["factors"]}
    assert {"prior_incidents", "escalation", "woman_defender"} <= set(by_name)
    assert by_name["escalation"]["detail"] == "2 escalones: threat → assault → attempted_killing"
    quotes = {e["quote"] for e in by_name["prior_incidents"]["evidence"]}
    assert "ATENTADO 5: le dispararon dos veces" in quotes

    # one more attack at the same level raises nothing new
    data(base_url, SUBMIT, {"text": "AMENAZA 1: volvieron a amenazarla"})
    listed = data(
        base_url,
        "{ alerts(status: NEW, level: [HIGH, EXTREME]) { totalCount "
        "nodes { id assessment { score factors { name } } } } }",
    )["alerts"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["id"] == alert["id"]
    elsewhere = data(base_url, '{ alerts(region: "25") { totalCount } }')  # no place known
    assert elsewhere["alerts"]["totalCount"] == 0
    bad = post(base_url, '{ alerts(region: "Ucayali") { totalCount } }')
    assert bad["errors"][0]["message"].startswith("region must be a UBIGEO prefix")
    assert listed["nodes"][0]["assessment"]["factors"]

    move = """mutation($id: ID!, $s: AlertStatus!, $r: String!) {
      transitionAlert(id: $id, status: $s, reason: $r) {
        __typename ... on AlertChanged { alert { status history { action from to reason } } }
        ... on Conflict { message } ... on ValidationError { message field } } }"""
    moved = data(base_url, move, {"id": alert["id"], "s": "UNDER_REVIEW", "r": "evaluación"})
    assert moved["transitionAlert"]["alert"]["status"] == "UNDER_REVIEW"
    assert moved["transitionAlert"]["alert"]["history"][-1] == {
        "action": "status",
        "from": "new",
        "to": "under_review",
        "reason": "evaluación",
    }
    back = data(base_url, move, {"id": alert["id"], "s": "NEW", "r": "no"})["transitionAlert"]
    assert back["__typename"] == "Conflict" and "under_review" in back["message"]
    blank = data(base_url, move, {"id": alert["id"], "s": "CLOSED", "r": " "})["transitionAlert"]
    assert blank["__typename"] == "ValidationError" and "reason is required" in blank["message"]
    consult = """mutation($id: ID!) { recordAlertConsultation(id: $id, consulted: true,
      note: "pide rondas policiales") { ... on AlertChanged { alert { consulted } } } }"""
    assert data(base_url, consult, {"id": alert["id"]})["recordAlertConsultation"]["alert"][
        "consulted"
    ]
    override = """mutation($id: ID!) { overrideAlertLevel(id: $id, level: EXTREME,
      reason: "disparos confirmados") { ... on AlertChanged { alert { level assessedLevel
      overrideReason } } } }"""
    over = data(base_url, override, {"id": alert["id"]})["overrideAlertLevel"]["alert"]
    assert over == {
        "level": "EXTREME",
        "assessedLevel": "HIGH",
        "overrideReason": "disparos confirmados",
    }
    # node(id) serves alerts too
    node = data(
        base_url,
        "query($id: ID!) { node(id: $id) { ... on Alert { status } } }",
        {"id": alert["id"]},
    )
    assert node["node"] == {"status": "UNDER_REVIEW"}


def test_risk_of_an_unknown_actor_is_a_clear_error(base_url: str) -> None:
    body = post(base_url, RISK, {"id": "per_nadie"})
    assert body["errors"][0]["message"] == "no actor per_nadie"
    body = post(base_url, RISK, {"id": "inc_x"})
    assert "not an actor" in body["errors"][0]["message"]
