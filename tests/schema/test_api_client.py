"""A real GraphQL client (``gql``) against a live server: intake over HTTP, complaint
events over websockets (graphql-transport-ws), with the real NLP pipelines."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXTransport
from gql.transport.websockets import WebsocketsTransport

from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data
from server import create_app
from tests.auth import bearer, domain_counts
from tests.live import serve

pytestmark = pytest.mark.store
AUTH: dict[str, str] = {}  # the module's bearer token

SUBMIT = gql(
    """mutation($input: ComplaintInput!) {
         submitComplaint(input: $input) {
           __typename
           ... on ComplaintSubmitted { duplicate complaint {
                 id status language confidentiality
                 incidents { node { type date victims { node { name } }
                                    perpetrators { node { name } }
                             places { node { ubigeo } } }
                             fact { evidence { quote } } }
                 actors { node { __typename name } fact { evidence { quote start end } } } } }
           ... on ValidationError { message field } } }"""
)

TEXT = (
    "El 14 de febrero de 2025, Rosa Huamán Tapullima, presidenta de la Comunidad Nativa "
    "Santa Rosa de Alto Yanayacu, fue amenazada de muerte por Wilmer Saldaña Pezo en "
    "Puerto Inca, Huánuco."
)


def execute(session: Any, document: Any, *, variable_values: dict[str, Any]) -> dict[str, Any]:
    """``session.execute`` with the variables on the request (gql 4's way)."""
    result: dict[str, Any] = session.execute(
        GraphQLRequest(document, variable_values=variable_values)
    )
    return result


@pytest.fixture(scope="module")
def base_url(store_session: Store) -> Iterator[str]:
    delete_all_data(store_session, confirm=store_session.database)
    AUTH.update(bearer(store_session))
    with serve(create_app(Config.from_env({}), store_session)) as url:
        yield url


def http_client(base_url: str) -> Client:
    return Client(transport=HTTPXTransport(url=f"{base_url}/graphql", timeout=120, headers=AUTH))


def test_submit_complaint_stores_extracts_and_returns_the_facts(
    base_url: str, store_session: Store
) -> None:
    with http_client(base_url) as session:
        result: dict[str, Any] = execute(
            session, SUBMIT, variable_values={"input": {"text": TEXT, "confidentiality": "SEALED"}}
        )["submitComplaint"]
        assert result["__typename"] == "ComplaintSubmitted" and not result["duplicate"]
        complaint = result["complaint"]
        assert complaint["status"] == "EXTRACTED" and complaint["language"] == "es"
        assert complaint["confidentiality"] == "SEALED"
        [incident] = complaint["incidents"]
        assert incident["node"]["type"] == "THREAT"
        assert incident["node"]["date"] == "2025-02-14"
        assert [v["node"]["name"] for v in incident["node"]["victims"]] == ["Rosa Huamán Tapullima"]
        assert [p["node"]["name"] for p in incident["node"]["perpetrators"]] == [
            "Wilmer Saldaña Pezo"
        ]
        for actor in complaint["actors"]:
            for ev in actor["fact"]["evidence"]:
                # the quote is the sentence; start/end point at the name in the complaint
                assert ev["quote"] in TEXT and TEXT[ev["start"] : ev["end"]] in ev["quote"]
                assert actor["node"]["name"].split()[-1] in TEXT[ev["start"] : ev["end"]]
        before = domain_counts(store_session)
        again = execute(session, SUBMIT, variable_values={"input": {"text": TEXT}})
        assert again["submitComplaint"]["duplicate"] is True  # a retry changes nothing
        assert domain_counts(store_session) == before


def test_invalid_complaints_come_back_as_typed_errors_and_store_nothing(
    base_url: str, store_session: Store
) -> None:
    before = domain_counts(store_session)
    with http_client(base_url) as session:
        empty = execute(session, SUBMIT, variable_values={"input": {"text": "   "}})
        assert empty["submitComplaint"] == {
            "__typename": "ValidationError",
            "message": "complaint text is empty",
            "field": None,
        }
        when = execute(
            session, SUBMIT, variable_values={"input": {"text": "hola", "receivedAt": "ayer"}}
        )
        assert "not an ISO date" in when["submitComplaint"]["message"]
        many = execute(
            session,
            gql(
                """mutation($inputs: [ComplaintInput!]!) { submitComplaints(inputs: $inputs) {
                     __typename ... on ValidationError { message field } } }"""
            ),
            variable_values={"inputs": [{"text": "Un texto válido."}, {"text": ""}]},
        )
        assert many["submitComplaints"]["field"] == "inputs[1]"
    assert domain_counts(store_session) == before  # the valid one was not stored either


def test_submit_complaints_in_one_call(base_url: str) -> None:
    texts = [
        "On March 3, 2025 Luz Pacaya Sinti, a leader of the Comunidad Nativa Nuevo Paraíso, "
        "was threatened by loggers in Tahuanía, Atalaya.",
        "El 2 de abril de 2025 efectivos de la PNP desalojaron a las familias de la comunidad "
        "campesina de Tres Cruces de Oro en Livitaca, Chumbivilcas, Cusco.",
    ]
    with http_client(base_url) as session:
        result = execute(
            session,
            gql(
                """mutation($inputs: [ComplaintInput!]!) { submitComplaints(inputs: $inputs) {
                     ... on ComplaintsSubmitted { results { duplicate complaint {
                         status language incidents { node { type } } } } } } }"""
            ),
            variable_values={"inputs": [{"text": t, "channel": "PARTNER_NGO"} for t in texts]},
        )
    results = result["submitComplaints"]["results"]
    assert [r["complaint"]["language"] for r in results] == ["en", "es"]
    assert [r["complaint"]["incidents"][0]["node"]["type"] for r in results] == [
        "THREAT",
        "EVICTION",
    ]


def test_complaint_events_reach_a_websocket_subscriber(base_url: str) -> None:
    text = (
        "El 9 de mayo de 2025 Teodoro Grández Shuna, apu de la Comunidad Nativa Wawas "
        "Entsa, fue golpeado por trabajadores de Forestal Lupuna Verde E.I.R.L. en El Cenepa."
    )

    async def scenario() -> list[dict[str, Any]]:
        ws = WebsocketsTransport(
            url=base_url.replace("http", "ws") + "/graphql",
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"Authorization": AUTH["Authorization"]},
        )
        events: list[dict[str, Any]] = []
        async with Client(transport=ws) as subscriber:
            subscription = gql("subscription { complaintEvents { kind complaintId status } }")

            async def listen() -> None:
                async for event in subscriber.subscribe(subscription):
                    events.append(event["complaintEvents"])
                    if len(events) == 2:
                        return

            listener = asyncio.create_task(listen())
            await asyncio.sleep(0.5)  # the subscription is registered
            await asyncio.to_thread(_submit, base_url, text)
            await asyncio.wait_for(listener, timeout=60)
        return events

    events = asyncio.run(scenario())
    assert [e["kind"] for e in events] == ["RECEIVED", "EXTRACTED"]
    assert events[0]["complaintId"] == events[1]["complaintId"]
    assert events[1]["status"] == "extracted"


def _submit(base_url: str, text: str) -> None:
    with http_client(base_url) as session:
        execute(session, SUBMIT, variable_values={"input": {"text": text}})
