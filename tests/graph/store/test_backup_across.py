"""Moving up: a backup of the embedded store restored into Neo4j, and back.

The embedded store is filled as a user fills it (complaints through the real NLP
pipeline, a prosecutor's case, tokens, curation and queries over the API that write the
audit log), backed up with ``defensores backup`` and restored with ``defensores
restore`` into the project's Neo4j. Neo4j then holds the same graph (checksum and
counts), the audit chain still verifies, a token made on the embedded store opens the
API served on Neo4j, and the same GraphQL queries answer the same on both stores. A
backup of Neo4j restored into the emptied embedded store gives the original back.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.access import audit, tokens
from graph.intake.durable import receive_many, resume_batches
from graph.intake.extraction import NlpBatchExtractor
from graph.intake.ingest import complaint_of
from graph.store import backup
from graph.store.bolt import Store
from graph.store.config import Config, StoreConfig
from graph.store.repository import counts, delete_all_data, upsert
from nlp.pipeline import Extractor
from nlp.sources import read
from server import create_app
from tests.live import serve
from tests.paths import DATA
from tests.processes import run
from tests.worlds import case_world

pytestmark = [pytest.mark.store, pytest.mark.slow]

DEMO = DATA / "demo" / "complaints.jsonl"
COMPLAINTS = 10


@dataclass(frozen=True)
class Moved:
    """What the move saw: the original graph, the token made on it, the backups."""

    checksum: tuple[str, dict[str, int]]
    counts: dict[str, Any]
    token: str
    restored: dict[str, Any]  # what ``defensores restore`` printed
    on_neo4j: tuple[str, dict[str, int]]  # the checksum of Neo4j right after the restore
    counts_on_neo4j: dict[str, Any]
    neo4j_env: dict[str, str]
    arcadedb_env: dict[str, str]
    back: Path  # a backup of Neo4j taken right after the restore


def _plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}


def _neo4j_env(config: StoreConfig) -> dict[str, str]:
    """What points the command line at the Neo4j ``config`` names."""
    assert config.uri is not None and config.password is not None
    return _plain_env() | {
        "DEFENSORES_NEO4J_URI": config.uri,
        "DEFENSORES_NEO4J_USER": config.user,
        "DEFENSORES_NEO4J_PASSWORD": config.password,
        "DEFENSORES_NEO4J_DATABASE": config.database,
    }


def graphql(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """POST ``query`` with ``token``; the whole JSON answer."""
    r = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    assert r.status_code == 200, r.text
    return r.json()


def data(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    body = graphql(url, token, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]


def _fill(store: Store) -> str:
    """Fill the embedded store as a user does; returns a prosecutor's token made on it."""
    records = [r for r in read(DEMO) if not getattr(r, "error", None)][:COMPLAINTS]
    receive_many(store, [complaint_of(r) for r in records])
    status = resume_batches(store, NlpBatchExtractor(Extractor()))
    assert list(status.values()).count("extracted") == COMPLAINTS, status
    upsert(store, *case_world())
    token, _ = tokens.create(store, "prosecutor", "Mover Prosecutor")
    tokens.create(store, "analyst", "Former Analyst")
    tokens.revoke(store, "Former Analyst")
    with serve(create_app(Config.from_env({}), store)) as url:
        _curate(url, token)
    return token


def _curate(url: str, token: str) -> None:
    """Curation and a case over the API (each request also appends to the audit log)."""
    found = data(
        url, token, "{ incidents(first: 20) { nodes { id perpetrators { fact { id } } } } }"
    )
    incidents = found["incidents"]["nodes"][:2]
    facts = [p["fact"]["id"] for i in found["incidents"]["nodes"] for p in i["perpetrators"]]
    assert len(incidents) == 2 and facts, found
    done = data(
        url,
        token,
        """mutation($id: ID!) { reviewFact(id: $id, decision: CONFIRM, note: "verificado") {
             __typename } }""",
        {"id": facts[0]},
    )
    assert done["reviewFact"]["__typename"] == "FactReviewed", done
    opened = data(
        url,
        token,
        """mutation($ids: [ID!]!) { openCase(input: {fileNumber: "CF 77-2024",
             office: "Fiscalía de Satipo", openedAt: "2024-03-10", incidentIds: $ids}) {
             __typename } }""",
        {"ids": [i["id"] for i in incidents]},
    )
    assert opened["openCase"]["__typename"] == "CaseSaved", opened
    for name in ("actors", "search", "patterns", "dossier"):
        query = QUERIES[name]
        data(url, token, query, {k: v for k, v in VARIABLES.items() if f"${k}" in query})


@pytest.fixture(scope="module")
def moved(
    arcadedb_session: Store,
    neo4j_session: Store,
    neo4j_config: StoreConfig,
    session_data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Moved:
    """Fill the embedded store, back it up, restore it into Neo4j, back that up."""
    for s in (arcadedb_session, neo4j_session):
        delete_all_data(s, confirm=s.database)
    token = _fill(arcadedb_session)
    original = backup.checksum(arcadedb_session)
    folder = tmp_path_factory.mktemp("move")
    arcadedb_env = _plain_env() | {"DEFENSORES_DATA_DIR": str(session_data_dir)}
    neo4j_env = _neo4j_env(neo4j_config)
    done = run(["backup", str(folder / "embedded.jsonl.gz")], arcadedb_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checksum"] == original[0]
    done = run(["restore", str(folder / "embedded.jsonl.gz")], neo4j_env)
    assert done.returncode == 0, done.stderr
    restored = json.loads(done.stdout)
    on_neo4j = backup.checksum(neo4j_session)
    done = run(["backup", str(folder / "neo4j.jsonl.gz")], neo4j_env)
    assert done.returncode == 0, done.stderr
    return Moved(
        checksum=original,
        counts=counts(arcadedb_session),
        token=token,
        restored=restored,
        on_neo4j=on_neo4j,
        counts_on_neo4j=counts(neo4j_session),
        neo4j_env=neo4j_env,
        arcadedb_env=arcadedb_env,
        back=folder / "neo4j.jsonl.gz",
    )


def test_neo4j_holds_the_same_graph_and_a_verifying_audit_chain(
    moved: Moved, neo4j_session: Store
) -> None:
    assert moved.counts["by_label"]["Complaint"] == COMPLAINTS + 2  # the case world's two
    assert moved.counts["by_label"]["AuditRecord"] >= 7
    assert moved.restored["checksum"] == moved.checksum[0]
    assert moved.on_neo4j == moved.checksum
    assert {k: moved.restored[k] for k in ("nodes", "relationships")} == moved.checksum[1]
    assert moved.counts_on_neo4j == moved.counts
    verdict = audit.verify(neo4j_session)
    assert verdict.ok, verdict
    done = run(["audit", "verify"], moved.neo4j_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert [t["name"] for t in tokens.listing(neo4j_session) if t.get("revoked_at")] == [
        "Former Analyst"
    ]


def test_a_token_made_on_the_embedded_store_opens_the_api_on_neo4j(
    moved: Moved, neo4j_session: Store
) -> None:
    principal = tokens.authenticate(neo4j_session, moved.token)
    assert principal is not None and principal.name == "Mover Prosecutor"
    with serve(create_app(Config.from_env({}), neo4j_session)) as url:
        answer = data(url, moved.token, "{ actors(first: 1) { totalCount } }")
        assert answer["actors"]["totalCount"] > 0
        r = httpx.post(f"{url}/graphql", json={"query": "{ actors { totalCount } }"},
                       headers={"Authorization": "Bearer dfs_" + "x" * 43}, timeout=60)  # fmt: skip
        assert r.status_code == 401


# reads a user makes; the API orders every list it returns but a neighbourhood's
# (see ``_unordered``). Page sizes stay within the cost limit (schema/limits.py MAX_COST:
# 100 actors × the default 50 incidents × their evidence would be refused)
QUERIES = {
    "actors": """{ actors(first: 100) { totalCount pageInfo { hasNextPage endCursor }
        nodes { __typename id name aliases mergedInto createdAt updatedAt
          ... on Person { gender people defender protected }
          incidents(first: 10) { node { id type date } fact { id type review confidence sourceIds
            evidence { complaintId quote start end method confidence } } }
          memberOf { node { id name } fact { id } } places { node { id name } }
          mentionedIn { node { id } } accusedIn { node { id fileNumber } } } } }""",
    "persons_named": """query($name: String!) { actors(filter: {name: $name, kinds: [PERSON]},
        orderBy: {field: NAME, direction: DESC}) { totalCount nodes { id name } } }""",
    "incidents": """query($since: String!) { incidents(first: 100,
        filter: {or: [{types: [THREAT, HARASSMENT]}, {dateFrom: $since}]}) {
        totalCount nodes { id type date datePrecision severity summary
          perpetrators { node { id name } fact { id review reviewNote reviewedBy } }
          victims { node { id name } } places { node { id name } } reportedIn { node { id } }
          cases { node { id fileNumber status } } } } }""",
    "complaints": """{ complaints(first: 100) { totalCount nodes { id sha256 language receivedAt
        channel confidentiality status extractor source
        incidents { node { id } } actors { node { id } } } } }""",
    "search": """query($text: String!) { search(text: $text, first: 10) { score matched
        node { id __typename } } }""",
    "neighbourhood": """query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 100) {
        truncated nodes { id __typename } edges { id type source target fact { review } } } }""",
    "neighbourhood_cut": """query($id: ID!) { neighbourhood(id: $id, depth: 2, limit: 3) {
        truncated nodes { id } edges { id } } }""",
    "connections": """query($id: ID!, $to: ID!) { connections(fromId: $id, toId: $to,
        maxHops: 4) { nodes { id } edges { id type source target } } }""",
    "timeline": """query($id: ID!) { timeline(id: $id) { date roles viaId incident { id } } }""",
    "patterns": """{ patterns {
        stats(groupBy: INCIDENT_TYPE) { key count incidentIds }
        regions: stats(groupBy: REGION) { key count incidentIds }
        years: stats(groupBy: YEAR) { key count }
        repeatPerpetrators(minGroups: 1) { actorId incidentIds communityIds disputeIds }
        keyActors(top: 10) { actorId score rank }
        clusters { id size memberIds incidentIds }
        hotspots(from: "2020-01-01", to: "2026-01-01", level: REGION) { ubigeo name count
          previous growth incidentIds }
        impunity { region incidentType status cases caseIds incidentIds } } }""",
    "cases": """{ cases(first: 20) { totalCount nodes { id fileNumber office status openedAt
        incidents { node { id } fact { id } } accused { node { id } } } } }""",
    "dossier": """{ caseDossier(caseId: "cas_dos") { caseId html incidentIds personIds
        complaintIds } }""",
    "risk": """query($id: ID!) { riskAssessment(actorId: $id) { actorId score level urgent
        latestIncidentId factors { name weight points detail } } }""",
}
# the case world's victim and perpetrator of one incident
VARIABLES = {"name": "a", "since": "2023-01-01", "text": "Comunidad Nativa", "id": "per_rosa",
             "to": "per_lucho"}  # fmt: skip


def _variables(store: Store) -> dict[str, Any]:
    """Ids the queries take, chosen from the graph itself."""
    rows = store.read(
        "MATCH (a:Person)-[:VICTIM_OF]->(:Incident)<-[:PERPETRATOR_OF]-(b) "
        "RETURN a.id AS a, b.id AS b ORDER BY a, b LIMIT 1"
    )
    assert rows, "no victim and perpetrator of one incident"
    victim, perpetrator = str(rows[0]["a"]), str(rows[0]["b"])
    return VARIABLES | {"id": victim, "to": perpetrator}


def _unordered(name: str, answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` with a neighbourhood's nodes and edges sorted by id: it is a set (for
    drawing), listed in the order the store walked it. Which neighbours a neighbourhood
    cut at its limit keeps is the same on both (``expand_frontier`` orders its rows)."""
    found = (answer.get("data") or {}).get("neighbourhood")
    if found:
        for part in ("nodes", "edges"):
            found[part] = sorted(found[part], key=lambda x: str(x["id"]))
        if name == "neighbourhood_cut":
            assert found["truncated"] is True, found
    return answer


def test_the_same_queries_answer_the_same_on_both_stores(
    moved: Moved, arcadedb_session: Store, neo4j_session: Store
) -> None:
    variables = _variables(arcadedb_session)
    answers: dict[str, dict[str, Any]] = {}
    for store in (arcadedb_session, neo4j_session):
        with serve(create_app(Config.from_env({}), store)) as url:
            answers[store.backend] = {}
            for name, query in QUERIES.items():
                wanted = {k: v for k, v in variables.items() if f"${k}" in query}
                answer = graphql(url, moved.token, query, wanted)
                answers[store.backend][name] = _unordered(name, answer)
    embedded, neo4j = answers[arcadedb_session.backend], answers[neo4j_session.backend]
    for name in QUERIES:
        assert "errors" not in embedded[name], (name, embedded[name])
        assert all(embedded[name]["data"].values()), (name, "answers nothing")
    assert [n for n in QUERIES if neo4j[n] != embedded[n]] == []


def test_a_backup_of_neo4j_restores_the_original_into_the_embedded_store(
    moved: Moved, arcadedb_session: Store
) -> None:
    delete_all_data(arcadedb_session, confirm=arcadedb_session.database)
    done = run(["restore", str(moved.back)], moved.arcadedb_env)
    assert done.returncode == 0, done.stderr
    assert backup.checksum(arcadedb_session) == moved.checksum
    assert counts(arcadedb_session) == moved.counts
    assert audit.verify(arcadedb_session).ok
    assert tokens.authenticate(arcadedb_session, moved.token) is not None
