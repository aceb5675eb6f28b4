"""What only Neo4j has: the server the project starts, routing URIs, the driver's retries,
and the full-text indexes behind name search.

The backend-neutral behaviour is tested on both stores by every test that uses ``store``;
these tests need the project's Neo4j (``local_neo4j``) and skip or fail with it.
"""

from __future__ import annotations

import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import neo4j
import psutil
import pytest

from graph.access.policy import ANALYST, PROSECUTOR, TRAINER
from graph.cypher import schema as cypher
from graph.errors import ConflictError, StoreError, StoreStartError
from graph.model import MODEL
from graph.reads import search
from graph.rows import NodeRecord
from graph.store.bolt import Store, Tx
from graph.store.config import NEO4J, StoreConfig
from graph.store.datadir import free_port
from graph.store.local_neo4j import LocalNeo4j, neo4j_version
from graph.store.migrations import declared, migrate, open_store
from graph.store.repository import delete_all_data, upsert
from tests.paths import ROOT


def _jvm(server: LocalNeo4j) -> psutil.Process:
    return psutil.Process(server.process.pid)


# --- the server the project starts ------------------------------------------------------


def test_the_version_is_the_one_pinned_in_the_pom() -> None:
    assert neo4j_version().startswith("5.26.")


def test_it_listens_on_loopback_only_with_a_secret_kept_off_the_command_line(
    local_neo4j: LocalNeo4j,
) -> None:
    jvm = _jvm(local_neo4j)
    listening = [c.laddr for c in jvm.net_connections(kind="inet") if c.status == "LISTEN"]
    assert listening, "the JVM listens on nothing"
    # Java's sockets are dual-stack: 127.0.0.1 shows as its IPv4-mapped form
    assert {addr.ip.removeprefix("::ffff:") for addr in listening} == {"127.0.0.1"}
    assert local_neo4j.port in {addr.port for addr in listening}
    assert local_neo4j.password not in " ".join(jvm.cmdline())
    secret = local_neo4j.data_dir / "neo4j.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert local_neo4j.password not in (local_neo4j.data_dir / "neo4j.conf").read_text()


def test_a_port_in_use_is_refused_by_name(local_neo4j: LocalNeo4j, tmp_path: Path) -> None:
    with pytest.raises(StoreStartError, match=f"127.0.0.1:{local_neo4j.port} is already in use"):
        LocalNeo4j.start(tmp_path / "second", port=local_neo4j.port)


CHILD = """
import sys, time
from pathlib import Path
from graph.store.local_neo4j import LocalNeo4j
server = LocalNeo4j.start(Path(sys.argv[1]), heap="512m", pagecache="64m")
print(server.process.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_it_stops_when_its_parent_is_killed_and_starts_again_on_its_data(
    local_neo4j: LocalNeo4j, tmp_path: Path
) -> None:
    """A parent killed with SIGKILL leaves no JVM behind; the data dir starts again with
    the same password (the restart path of ``defensores neo4j``)."""
    data = tmp_path / "child"
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline().strip()
        assert line.isdigit(), f"the child did not start Neo4j: {line!r}"
        jvm = psutil.Process(int(line))
        assert jvm.is_running()
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        gone, _ = psutil.wait_procs([jvm], timeout=90)
        assert gone, "the JVM outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
    password = (data / "neo4j.secret").read_text().strip()
    with LocalNeo4j.start(data, heap="512m", pagecache="64m") as again:
        assert again.password == password
        config = StoreConfig.from_env(again.env(), data_dir=str(tmp_path))
        with Store.open(config) as store:
            assert store.read("RETURN 1 AS one") == [{"one": 1}]


# --- routing and retries ------------------------------------------------------------------


@pytest.fixture(scope="module")
def routed(
    local_neo4j: LocalNeo4j, neo4j_session: Store, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A second connection to the test Neo4j through a ``neo4j://`` (routing) URI."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    config = StoreConfig.from_env(
        env | local_neo4j.env(routing=True), data_dir=str(tmp_path_factory.mktemp("routed"))
    )
    assert config.uri is not None and config.uri.startswith("neo4j://")
    store = open_store(config)
    yield store
    store.close()


def test_a_routing_uri_reads_and_writes(routed: Store) -> None:
    delete_all_data(routed, confirm=routed.database)
    assert routed.backend == NEO4J
    upsert(routed, [NodeRecord("Person", "per_routed", {"name": "Rosa Quispe Mamani"})])
    rows = routed.read("MATCH (p:Person {id: $id}) RETURN p.name AS name", id="per_routed")
    assert rows == [{"name": "Rosa Quispe Mamani"}]
    tx_rows = routed.transaction(lambda tx: tx.run("MATCH (p:Person) RETURN count(p) AS n"))
    assert tx_rows == [{"n": 1}]


def test_reads_are_sent_as_reads_so_a_cluster_can_route_them_to_readers(routed: Store) -> None:
    """The driver routes by access mode; Neo4j refuses a write sent in read mode, which
    shows that ``read`` asks for a reader (and ``write`` for the leader)."""
    delete_all_data(routed, confirm=routed.database)
    with pytest.raises(StoreError, match="(?i)read"):
        routed.read("CREATE (p:Person {id: $id}) RETURN p.id AS id", id="per_sneaky")
    with pytest.raises(StoreError, match="(?i)read"):
        list(routed.stream("CREATE (p:Person {id: $id}) RETURN p.id AS id", id="per_sneaky"))
    assert routed.read("MATCH (p:Person {id: $id}) RETURN p.id AS id", id="per_sneaky") == []
    assert routed.write("CREATE (p:Person {id: $id}) RETURN p.id AS id", id="per_ok") == [
        {"id": "per_ok"}
    ]
    delete_all_data(routed, confirm=routed.database)


def test_a_read_after_a_transaction_waits_for_its_bookmark(routed: Store) -> None:
    """Transactions share the bookmarks of single statements, so a reader in a cluster
    serves a later read only once it has the transaction (causal consistency)."""
    delete_all_data(routed, confirm=routed.database)
    before = routed.bookmarks()
    routed.transaction(lambda tx: tx.run("CREATE (:Person {id: $id})", id="per_bookmark"))
    after = routed.bookmarks()
    assert after and after != before
    assert routed.read("MATCH (p:Person {id: $id}) RETURN p.id AS id", id="per_bookmark")
    routed.write("MATCH (p:Person {id: $id}) SET p.name = $name", id="per_bookmark", name="B")
    assert routed.bookmarks() not in (before, after)
    delete_all_data(routed, confirm=routed.database)


TOUCH = "MATCH (p:Person {id: $id}) SET p.touched = coalesce(p.touched, 0) + 1"


def test_a_deadlock_is_retried_by_the_driver_and_both_transactions_commit(routed: Store) -> None:
    """Two transactions lock two nodes in opposite orders: Neo4j kills one as a deadlock
    (a transient error), the driver's managed transaction runs it again, both commit."""
    delete_all_data(routed, confirm=routed.database)
    upsert(routed, [NodeRecord("Person", "per_a", {"name": "Uno"}),
                    NodeRecord("Person", "per_b", {"name": "Dos"})])  # fmt: skip
    barrier = threading.Barrier(2, timeout=30)
    attempts = {"ab": 0, "ba": 0}
    errors: list[BaseException] = []

    def work(first: str, second: str, key: str) -> None:
        def unit(tx: Tx) -> None:
            attempts[key] += 1
            tx.run(
                "MATCH (p:Person {id: $id}) SET p.touched = coalesce(p.touched, 0) + 1", id=first
            )
            if attempts[key] == 1:
                barrier.wait()  # both hold their first lock now
            tx.run(
                "MATCH (p:Person {id: $id}) SET p.touched = coalesce(p.touched, 0) + 1", id=second
            )

        try:
            routed.transaction(unit)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=("per_a", "per_b", "ab")),
        threading.Thread(target=work, args=("per_b", "per_a", "ba")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert attempts["ab"] + attempts["ba"] >= 3, attempts  # one of them ran again
    rows = routed.read("MATCH (p:Person) RETURN p.id AS id, p.touched AS n ORDER BY id")
    assert rows == [{"id": "per_a", "n": 2}, {"id": "per_b", "n": 2}]
    delete_all_data(routed, confirm=routed.database)


# --- schema -------------------------------------------------------------------------------


def test_edge_ids_are_unique_by_constraint_and_an_old_index_is_replaced(
    neo4j_session: Store,
) -> None:
    store = neo4j_session
    delete_all_data(store, confirm=store.database)
    victim_of = MODEL.relationship("VICTIM_OF")
    # a store migrated before the constraint existed: the plain index, no constraint
    store.write("DROP CONSTRAINT victim_of_id_unique IF EXISTS")
    store.write(cypher.rel_index(victim_of, "id"))
    assert (("VICTIM_OF",), ("id",)) not in declared(store).unique
    migrate(store)
    assert (("VICTIM_OF",), ("id",)) in declared(store).unique
    upsert(store, [NodeRecord("Person", "per_v", {"name": "Víctima Uno"}),
                   NodeRecord("Incident", "inc_v", {"type": "threat"})])  # fmt: skip
    edge = "MATCH (p:Person {id: $p}), (i:Incident {id: $i}) CREATE (p)-[:VICTIM_OF {id: $id}]->(i)"
    store.write(edge, p="per_v", i="inc_v", id="rel_same")
    with pytest.raises(ConflictError):
        store.write(edge, p="per_v", i="inc_v", id="rel_same")
    assert store.read("MATCH ()-[r:VICTIM_OF]->() RETURN count(r) AS n") == [{"n": 1}]
    delete_all_data(store, confirm=store.database)


# --- full-text name search ----------------------------------------------------------------

NAMES = [
    ("Person", "per_1", "Rosa Quispe Mamani", ["La Rosa"], {}),
    ("Person", "per_2", "Ronald Quispe Huamán", [], {}),
    ("Person", "per_3", "María Elena Ñaupari", ["Malena"], {}),
    ("Person", "per_4", "Juan O'Brien-Salas", ["El Tigrillo"], {}),
    ("Person", "per_5", "Julio Mahua Pérez", [], {}),
    ("Organization", "org_1", "Minera Río Dorado S.A.C.", ["MRD"], {"kind": "company"}),
    ("Organization", "org_2", "Policía Nacional del Perú", ["PNP"], {"kind": "police"}),
    ("Organization", "org_3", "Asociación por la Vida y el Territorio (AVT)", [], {"kind": "ngo"}),
    ("Community", "com_1", "Comunidad Nativa Nuevo Paraíso", [], {"community_kind": "native"}),
    ("Community", "com_2", "Comunidad Campesina de Chila/Alta", [],
     {"community_kind": "campesina"}),
]  # fmt: skip
PLACES = [("plc_1", "Tahuanía"), ("plc_2", "Río Ucayali"), ("plc_3", "Puerto Inca")]
QUERIES = [
    "Quispe", "quispe mamani", "Rosa", "Ñaupari", "naupari", "Malena", "O'Brien",
    "obrien", "Tigrillo", "el tigr", "Mahua", "Minera", "Rio Dorado", "S.A.C.", "PNP",
    "Policia Nacional", "(AVT)", "Chila/Alta", "Nuevo Paraiso", "Tahuania", "Ucayali",
    "puerto", "Quispe OR Rosa", "*quis*", "Perez\\", "zzz nothing",
]  # fmt: skip


@pytest.fixture
def named(neo4j_session: Store) -> Store:
    store = neo4j_session
    delete_all_data(store, confirm=store.database)
    people = [
        NodeRecord(kind, node_id, {"name": name, "aliases": aliases, **extra})
        for kind, node_id, name, aliases, extra in NAMES
    ]
    places = [
        NodeRecord("Place", node_id, {"name": name, "level": "district"})
        for node_id, name in PLACES
    ]
    upsert(store, [*people, *places])
    return store


@pytest.mark.parametrize("text", QUERIES)
def test_name_search_finds_the_same_through_the_full_text_index(named: Store, text: str) -> None:
    for viewer in (PROSECUTOR, ANALYST, TRAINER):
        scanned = search(named, text, viewer=viewer, fulltext=False)
        indexed = search(named, text, viewer=viewer, fulltext=True)
        assert indexed == scanned, (viewer.role, text)


def test_the_queries_above_do_find_names(named: Store) -> None:
    found = [text for text in QUERIES if search(named, text, viewer=PROSECUTOR)]
    assert len(found) >= len(QUERIES) - 3, set(QUERIES) - set(found)


def test_the_index_is_what_search_uses_on_neo4j(named: Store) -> None:
    hits = search(named, "Quispe", viewer=PROSECUTOR)
    assert {h.id for h in hits} >= {"per_1", "per_2"}
    # drop the index: the default path must now fail, so it was the index that answered
    named.write("DROP INDEX actor_names_text")
    try:
        with pytest.raises(StoreError):
            search(named, "Quispe", viewer=PROSECUTOR)
        assert search(named, "Quispe", viewer=PROSECUTOR, fulltext=False) == hits
    finally:
        migrate(named)
        named.read("CALL db.awaitIndexes(60)")
    assert search(named, "Quispe", viewer=PROSECUTOR) == hits


def test_search_answers_within_the_index_after_a_write(named: Store) -> None:
    """The indexes are not eventually consistent: a name written is found at once."""
    upsert(named, [NodeRecord("Person", "per_new", {"name": "Teodora Chuquimia"})])
    started = time.monotonic()
    assert [h.id for h in search(named, "Chuquimia", viewer=PROSECUTOR)] == ["per_new"]
    assert time.monotonic() - started < 30


# --- a machine without Java or Maven --------------------------------------------------------


def _suite_without_java(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the Neo4j half of one store test with nothing on PATH (no java, no mvn)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/graph/store/test_store.py::test_constraints_present_after_migration[neo4j]",
         "tests/graph/store/test_neo4j.py::test_the_version_is_the_one_pinned_in_the_pom"],
        cwd=ROOT,
        env=clean | {"PATH": str(empty)} | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_without_java_the_neo4j_half_is_skipped_with_one_line_saying_why(tmp_path: Path) -> None:
    done = _suite_without_java(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 deselected" in done.stdout
    lines = [x for x in done.stdout.splitlines() if "Neo4j" in x]
    assert lines == [
        "the Neo4j half of the store tests was skipped: "
        "java and mvn not on PATH (Java 17 and Maven run the local Neo4j); 1 tests left out"
    ], done.stdout


@pytest.mark.slow
def test_when_neo4j_is_required_its_absence_fails_the_run(tmp_path: Path) -> None:
    done = _suite_without_java(tmp_path, DEFENSORES_REQUIRE_NEO4J="1")
    assert done.returncode != 0
    assert "Neo4j is required (DEFENSORES_REQUIRE_NEO4J) but java and mvn not on PATH" in (
        done.stdout
    )


@pytest.mark.slow
def test_the_neo4j_command_serves_until_stopped(tmp_path: Path) -> None:
    """``defensores neo4j`` prints how to point the project at it, serves, and stops
    (its JVM too) on SIGTERM."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "server", "--data-dir", str(tmp_path), "neo4j",
         "--port", str(port), "--heap", "512m"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        printed = []
        for line in proc.stdout:
            printed.append(line)
            if "Ctrl-C stops it" in line:
                break
        text = "".join(printed)
        assert f"export DEFENSORES_NEO4J_URI=neo4j://127.0.0.1:{port}" in text, text
        secret = tmp_path / "neo4j-local" / "neo4j.secret"
        password = secret.read_text().strip()
        assert password not in text
        jvms = psutil.Process(proc.pid).children(recursive=True)
        assert jvms
        config = StoreConfig.from_env(
            env
            | {
                "DEFENSORES_NEO4J_URI": f"neo4j://127.0.0.1:{port}",
                "DEFENSORES_NEO4J_PASSWORD": password,
            }
        )
        with Store.open(config) as store:
            assert store.read("RETURN 1 AS one") == [{"one": 1}]
        proc.terminate()
        assert proc.wait(timeout=90) == 128 + signal.SIGTERM
        _, alive = psutil.wait_procs(jvms, timeout=90)
        assert alive == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_unknown_labels_and_properties_are_not_logged_as_warnings(
    neo4j_session: Store, neo4j_config: StoreConfig, caplog: pytest.LogCaptureFixture
) -> None:
    """A fresh Neo4j warns of every property it has not seen; the store quiets those
    (the same statement through a bare driver does warn, so the check can fail)."""
    unseen = "MATCH (n:Person) WHERE n.never_written_property = 1 RETURN n.id AS id"
    with caplog.at_level(logging.WARNING, logger="neo4j"):
        assert neo4j_session.read(unseen) == []
    assert not [r for r in caplog.records if "never_written_property" in r.getMessage()]
    assert neo4j_config.uri is not None and neo4j_config.password is not None
    bare = neo4j.GraphDatabase.driver(
        neo4j_config.uri, auth=(neo4j_config.user, neo4j_config.password)
    )
    try:
        with caplog.at_level(logging.WARNING, logger="neo4j"):
            bare.execute_query(unseen, database_=neo4j_config.database)
    finally:
        bare.close()
    assert [r for r in caplog.records if "never_written_property" in r.getMessage()]
