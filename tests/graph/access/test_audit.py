"""The audit log: what a request leaves in it, and a chain that shows tampering."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys

import httpx
import pytest

from graph.access import audit
from graph.rows import FactRecord, NodeRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.paths import ROOT
from tests.worlds import audit_entry as entry

pytestmark = pytest.mark.store


def chain(store: Store, n: int = 5) -> None:
    for i in range(1, n + 1):
        assert audit.append(store, entry(i)) == i


def test_a_request_is_recorded_with_who_what_and_the_ids_returned_not_the_values(
    store: Store,
) -> None:
    upsert(
        store,
        [
            NodeRecord("Person", "per_au", {"name": "Rosa Tapia Ynga"}),
            NodeRecord("Incident", "inc_au", {"type": "threat"}),
        ],
        [FactRecord("VICTIM_OF", "per_au", "inc_au")],
    )
    prosecutor, admin = bearer(store, "prosecutor"), bearer(store, "admin")
    variables = {"name": "Rosa Tapia"}
    query = "query Buscar($name: String!) { actors(filter: {name: $name}) { nodes { id } } }"
    with serve(create_app(Config.from_env({}), store)) as url:
        r = httpx.post(
            f"{url}/graphql", json={"query": query, "variables": variables}, headers=prosecutor
        )
        assert r.json()["data"]["actors"]["nodes"] == [{"id": "per_au"}]
        log = httpx.post(
            f"{url}/graphql",
            json={
                "query": '{ auditLog(filter: {operation: "Buscar"}) { records { who role '
                "operation kind variablesHash persons outcome seq } hasNextPage } }"
            },
            headers=admin,
        ).json()["data"]["auditLog"]
    (record,) = log["records"]
    assert record["role"] == "prosecutor" and record["who"].startswith("test-prosecutor")
    assert record["operation"] == "Buscar" and record["kind"] == "query"
    assert record["persons"] == ["per_au"] and record["outcome"] == "ok"
    canonical = json.dumps(variables, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record["variablesHash"] == hashlib.sha256(canonical.encode()).hexdigest()
    stored = store.read("MATCH (r:AuditRecord) RETURN properties(r) AS p")
    assert "Rosa Tapia" not in json.dumps(stored, ensure_ascii=False)  # values never kept
    assert audit.verify(store).ok


def test_concurrent_requests_are_all_recorded_in_one_chain(store: Store) -> None:
    auth = bearer(store, "prosecutor")
    query = {"query": "{ actors(first: 1) { totalCount } }"}

    async def burst(url: str) -> list[int]:
        async with httpx.AsyncClient(headers=auth, timeout=60) as client:
            responses = await asyncio.gather(
                *(client.post(f"{url}/graphql", json=query) for _ in range(30))
            )
        return [r.status_code for r in responses]

    with serve(create_app(Config.from_env({}), store)) as url:
        assert asyncio.run(burst(url)) == [200] * 30
    verdict = audit.verify(store)
    assert verdict.ok and verdict.records == 30
    seqs = [r["seq"] for r in audit.records(store)]
    assert seqs == list(range(1, 31))


def test_audit_records_and_tokens_leave_the_graph_caches_valid(store: Store) -> None:
    """Every request appends to the log: that must not count as a change of the graph,
    or the analytics projections and the name index would be rebuilt on every request."""
    upsert(store, [NodeRecord("Person", "per_gen", {"name": "Ana Gen"})], [])
    auth = bearer(store, "trainer")
    before = store.generation
    query = {"query": '{ node(id: "per_gen") { id } }'}
    app = create_app(Config.from_env({}), store)
    with serve(app) as url:
        for _ in range(3):
            assert httpx.post(f"{url}/graphql", json=query, headers=auth, timeout=30).is_success
    assert audit.verify(store).records == 3
    assert store.generation == before
    upsert(store, [NodeRecord("Person", "per_gen2", {"name": "Ana Gen Dos"})], [])
    assert store.generation > before  # a change of the graph still counts


def test_an_intact_chain_verifies(store: Store) -> None:
    chain(store)
    verdict = audit.verify(store)
    assert verdict.ok and verdict.records == 5 and verdict.head


def test_an_edited_record_is_named(store: Store) -> None:
    chain(store)
    store.write("MATCH (r:AuditRecord {seq: 3}) SET r.who = 'someone else'")
    verdict = audit.verify(store)
    assert (verdict.ok, verdict.first_broken, verdict.reason) == (
        False,
        3,
        "record 3 was altered",
    )


def test_an_edit_that_recomputes_the_hash_breaks_the_next_link(store: Store) -> None:
    chain(store)
    rows = store.read("MATCH (r:AuditRecord {seq: 2}) RETURN properties(r) AS p")
    forged = {**rows[0]["p"], "who": "nobody"}
    forged["hash"] = audit.record_hash(forged)
    store.write("MATCH (r:AuditRecord {seq: 2}) SET r.who = $w, r.hash = $h",
                w="nobody", h=forged["hash"])  # fmt: skip
    verdict = audit.verify(store)
    assert (verdict.first_broken, verdict.reason) == (3, "record 3 does not follow record 2")


def test_a_deleted_record_is_named(store: Store) -> None:
    chain(store)
    store.write("MATCH (r:AuditRecord {seq: 2}) DELETE r")
    verdict = audit.verify(store)
    assert (verdict.first_broken, verdict.reason) == (2, "record 2 is missing")


def test_a_deleted_last_record_is_seen_by_the_head(store: Store) -> None:
    chain(store)
    store.write("MATCH (r:AuditRecord {seq: 5}) DELETE r")
    verdict = audit.verify(store)
    assert not verdict.ok and verdict.first_broken == 5


def test_reordered_records_are_named(store: Store) -> None:
    chain(store)
    store.write(
        "MATCH (a:AuditRecord {seq: 2}), (b:AuditRecord {seq: 3}) "
        "SET a.seq = -1 SET b.seq = 2 SET a.seq = 3"
    )
    verdict = audit.verify(store)
    assert (verdict.first_broken, verdict.reason) == (2, "record 2 does not follow record 1")


def test_cli_verify_exits_1_and_names_the_record(store: Store, store_env: dict[str, str]) -> None:
    chain(store)
    env = store_env

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server", "audit", "verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ok = verify()
    assert ok.returncode == 0 and json.loads(ok.stdout)["records"] == 5
    store.write("MATCH (r:AuditRecord {seq: 4}) SET r.persons = []")
    broken = verify()
    assert broken.returncode == 1
    assert json.loads(broken.stdout)["reason"] == "record 4 was altered"
