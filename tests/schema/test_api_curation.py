"""Curation mutations through the API: review, merge/split, links, cases, measures.

Expected failures come back as typed results, and leave the graph as it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest

from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer, domain_counts
from tests.live import serve
from tests.worlds import known_graph

pytestmark = pytest.mark.store
HTTP = httpx.Client(timeout=60)  # carries the module's bearer token


@pytest.fixture
def api(store_session: Store) -> Iterator[str]:
    delete_all_data(store_session, confirm=store_session.database)
    upsert(store_session, *known_graph())
    HTTP.headers.update(bearer(store_session))
    with serve(create_app(Config.from_env({}), store_session)) as url:
        yield f"{url}/graphql"


def run(api: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    r = HTTP.post(api, json={"query": query, "variables": variables or {}}, timeout=60)
    body = r.json()
    assert r.status_code == 200 and "errors" not in body, body
    return cast(dict[str, Any], body["data"])


def test_review_fact_confirms_and_records_who_and_why(api: str) -> None:
    fact = run(api, '{ actor(id: "per_b") { incidents { fact { id } } } }')
    fact_id = fact["actor"]["incidents"][-1]["fact"]["id"]
    data = run(
        api,
        """mutation($id: ID!) { reviewFact(id: $id, decision: CONFIRM, note: "testigo") {
             __typename ... on FactReviewed { fact { review reviewNote reviewedBy
                                                     evidence { review } } } } }""",
        {"id": fact_id},
    )["reviewFact"]
    assert data["__typename"] == "FactReviewed"
    assert data["fact"]["review"] == "CONFIRMED" and data["fact"]["reviewNote"] == "testigo"
    assert data["fact"]["reviewedBy"] and data["fact"]["evidence"][0]["review"] == "CONFIRMED"
    missing = run(
        api,
        """mutation { reviewFact(id: "VICTIM_OF:rel_none", decision: REJECT) {
             __typename ... on NotFound { message } } }""",
    )["reviewFact"]
    assert missing["__typename"] == "NotFound"


def _actor_links(api: str, actor: str) -> dict[str, Any]:
    data = run(
        api,
        f"""{{ actor(id: "{actor}") {{ name aliases mergedInto
               incidents {{ node {{ id }} fact {{ type evidence {{ quote }} }} }}
               memberOf {{ node {{ id }} }} }} }}""",
    )
    return cast(dict[str, Any], data["actor"])


def test_merge_then_split_restores_both_actors(api: str, store_session: Store) -> None:
    before_a, before_c = _actor_links(api, "per_a"), _actor_links(api, "per_c")
    totals = domain_counts(store_session)
    merged = run(
        api,
        """mutation { mergeActors(keepId: "per_a", mergeId: "per_c", reason: "misma persona") {
             __typename ... on ActorsMerged {
               merge { id status keep { id } merged { id } } } } }""",
    )["mergeActors"]
    assert merged["__typename"] == "ActorsMerged"
    merge_id = merged["merge"]["id"]
    kept = _actor_links(api, "per_a")
    assert "Carmen Shuna Pezo" in kept["aliases"]
    assert {i["node"]["id"] for i in kept["incidents"]} == {"inc_1", "inc_2"}
    assert [m["node"]["id"] for m in kept["memberOf"]] == ["com_x"]
    found = run(api, '{ actors(filter: {name: "carmen"}) { nodes { id } } }')["actors"]
    # the merged actor leaves the lists (node(id) still finds it); its name is an alias
    assert found["nodes"] == [{"id": "per_a"}]
    assert _actor_links(api, "per_c")["mergedInto"] == "per_a"
    node = run(api, f'{{ node(id: "{merge_id}") {{ ... on ActorMerge {{ reason }} }} }}')
    assert node["node"]["reason"] == "misma persona"
    split = run(
        api,
        """mutation($id: ID!) { splitActor(mergeId: $id, reason: "eran dos") {
             ... on ActorSplit { merge { status undoReason } } } }""",
        {"id": merge_id},
    )["splitActor"]
    assert split["merge"] == {"status": "undone", "undoReason": "eran dos"}
    assert _actor_links(api, "per_a") == before_a
    assert _actor_links(api, "per_c") == before_c
    after = domain_counts(store_session)
    assert after["relationships"] == totals["relationships"]
    assert after["nodes"] == totals["nodes"] + 1  # the merge record stays, as history


def test_refused_merges_come_back_typed_and_change_nothing(api: str, store_session: Store) -> None:
    totals = domain_counts(store_session)
    for keep, merge, reason, typename in [
        ("per_a", "per_nobody", "x", "NotFound"),
        ("per_a", "com_x", "x", "ValidationError"),  # a person and a community
        ("per_a", "per_a", "x", "ValidationError"),
        ("per_a", "per_b", "  ", "ValidationError"),  # no reason
    ]:
        result = run(
            api,
            """mutation($k: ID!, $m: ID!, $r: String!) {
                 mergeActors(keepId: $k, mergeId: $m, reason: $r) { __typename } }""",
            {"k": keep, "m": merge, "r": reason},
        )
        assert result["mergeActors"]["__typename"] == typename, (keep, merge)
    assert domain_counts(store_session) == totals


def test_link_actors_needs_a_quote_of_the_complaint(api: str) -> None:
    query = """mutation($q: String!) { linkActors(fromId: "per_b", toId: "org_m",
                 type: WORKS_FOR, evidence: {complaintId: "cmp_known", quote: $q}) {
                 __typename ... on ActorsLinked { fact { type review evidence { quote method } } }
                 ... on ValidationError { message } } }"""
    refused = run(api, query, {"q": "trabaja para la maderera"})["linkActors"]
    assert refused["__typename"] == "ValidationError"
    linked = run(api, query, {"q": "Bruno Tello Rengifo"})["linkActors"]
    assert linked["__typename"] == "ActorsLinked"
    assert linked["fact"]["review"] == "CONFIRMED"
    assert linked["fact"]["evidence"] == [{"quote": "Bruno Tello Rengifo", "method": "MANUAL"}]
    again = run(api, query, {"q": "Bruno Tello Rengifo"})["linkActors"]
    assert again["fact"]["evidence"] == linked["fact"]["evidence"]  # a retry adds nothing


def test_cases_open_once_update_and_refuse_a_clashing_file_number(api: str) -> None:
    open_case = """mutation($office: String) { openCase(input: {fileNumber: "2024-118",
                     office: $office, status: PRELIMINARY_INVESTIGATION, openedAt: "2024-03-10",
                     incidentIds: ["inc_1"], accusedIds: ["per_b"]}) {
                   __typename ... on CaseSaved { created case { id fileNumber status
                     incidents { node { id } } accused { node { id } } } } } }"""
    office = "Fiscalía Provincial Penal de Atalaya"
    first = run(api, open_case, {"office": office})["openCase"]
    assert first["created"] is True
    case = first["case"]
    assert [i["node"]["id"] for i in case["incidents"]] == ["inc_1"]
    assert [a["node"]["id"] for a in case["accused"]] == ["per_b"]
    retry = run(api, open_case, {"office": office})["openCase"]
    assert retry["created"] is False and retry["case"]["id"] == case["id"]
    clash = run(api, open_case, {"office": "Otra fiscalía"})["openCase"]
    assert clash["__typename"] == "Conflict"
    updated = run(
        api,
        """mutation($id: ID!) { updateCase(id: $id, input: {status: ARCHIVED,
             addIncidentIds: ["inc_2"], removeAccusedIds: ["per_b"]}) {
             ... on CaseSaved { case { status incidents { node { id } }
                                       accused { node { id } } } } } }""",
        {"id": case["id"]},
    )["updateCase"]["case"]
    assert updated["status"] == "ARCHIVED" and updated["accused"] == []
    assert {i["node"]["id"] for i in updated["incidents"]} == {"inc_1", "inc_2"}
    listed = run(api, '{ cases(filter: {office: "atalaya"}) { nodes { fileNumber } } }')
    assert listed["cases"]["nodes"] == [{"fileNumber": "2024-118"}]


def test_protection_measures_are_recorded_once_and_updated_by_id(api: str) -> None:
    record = """mutation { recordProtectionMeasure(input: {kind: "patrullaje policial",
                  status: REQUESTED, actorIds: ["per_a"], incidentIds: ["inc_1"],
                  requestedAt: "2024-03-06", authority: "Ministerio del Interior"}) {
                  ... on MeasureSaved { created measure { id status protects { node { id } }
                                                          incidents { node { id } } } } } }"""
    first = run(api, record)["recordProtectionMeasure"]
    assert first["created"] is True
    assert first["measure"]["protects"] == [{"node": {"id": "per_a"}}]
    again = run(api, record)["recordProtectionMeasure"]
    assert again["created"] is False and again["measure"]["id"] == first["measure"]["id"]
    granted = run(
        api,
        """mutation($id: ID!) { recordProtectionMeasure(input: {id: $id,
             kind: "patrullaje policial", status: GRANTED, actorIds: ["per_a"],
             grantedAt: "2024-04-01"}) {
             ... on MeasureSaved { measure { status grantedAt } } } }""",
        {"id": first["measure"]["id"]},
    )["recordProtectionMeasure"]
    assert granted["measure"] == {"status": "GRANTED", "grantedAt": "2024-04-01"}
    actor = run(api, '{ actor(id: "per_a") { protectionMeasures { node { status } } } }')
    assert actor["actor"]["protectionMeasures"] == [{"node": {"status": "GRANTED"}}]
