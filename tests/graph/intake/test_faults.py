"""Faults during ingest and serving, as they happen to real processes: the store killed
mid-ingest (and back, on new ports), the server killed with SIGKILL, a malformed file
inside a batch, two ingests of overlapping files at once, write conflicts. Each test
that needs a store runs its own in its own data dir."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import exceptions as neo4j_errors

from graph.errors import ConflictError, StoreError, StoreUnavailable
from graph.store import bolt as store_module
from graph.store.bolt import Store
from graph.store.config import StoreConfig
from graph.store.datadir import Paths, read_state
from graph.store.migrations import open_store
from tests.live import free_port, healthy
from tests.paths import DATA
from tests.processes import EXE, clean_env, gone, jvms, wait_until

pytestmark = [pytest.mark.store, pytest.mark.slow]

DEMO = DATA / "demo" / "complaints.jsonl"
DUPLICATE_EDGES = """
MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(r) AS n WHERE n > 1 RETURN count(*) AS n
"""
DUPLICATE_IDS = """
MATCH (x) WITH labels(x) AS l, x.id AS id, count(*) AS n WHERE n > 1 RETURN count(*) AS n
"""
STATUSES = "MATCH (c:Complaint) RETURN c.status AS status, count(*) AS n"
# an ingest that gives up soon on a store that stays down (the default waits 2 minutes)
BRIEF_WAIT = {"DEFENSORES_STORE_RETRY_SECONDS": "2", "DEFENSORES_STORE_WAIT_SECONDS": "3"}


def corpus(n: int) -> list[dict[str, Any]]:
    """``n`` distinct invented complaints: the demo's, each told again under new numbers
    (so the same actors recur across records, as they do in real intake)."""
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    out = []
    for i in range(n):
        rec = dict(demo[i % len(demo)])
        rec["text"] = f"{rec['text']} Expediente de la denuncia: {1000 + i}."
        out.append(rec)
    return out


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def ingest(data_dir: Path, *paths: Path, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*EXE, "--data-dir", str(data_dir), "ingest", "--quiet", *map(str, paths)],
        env=clean_env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(proc: subprocess.Popen[str], timeout: float = 600) -> tuple[int, dict[str, Any]]:
    out, err = proc.communicate(timeout=timeout)
    assert out.strip(), err[-2000:]
    summary = json.loads(out)
    summary["stderr"] = err[-2000:]  # for assertion messages: why a run ended as it did
    return proc.returncode, summary


@pytest.fixture
def observer(tmp_path: Path) -> Iterator[Store]:
    """The test's own hold on the store of ``tmp_path / 'data'`` (one more client)."""
    store = open_store(StoreConfig.from_env(clean_env(), data_dir=str(tmp_path / "data")))
    yield store
    store.close()


def statuses(store: Store) -> dict[str, int]:
    return {str(r["status"]): int(r["n"]) for r in store.read(STATUSES)}


def extracted_if_answering(store: Store) -> int:
    """How many complaints are extracted; -1 while the store does not answer."""
    try:
        return statuses(store).get("extracted", 0)
    except StoreError:
        return -1


def assert_whole(store: Store, complaints: int) -> None:
    """Every complaint stored once and extracted, and nothing in the graph twice."""
    assert statuses(store) == {"extracted": complaints}
    assert store.read(DUPLICATE_IDS)[0]["n"] == 0
    assert store.read(DUPLICATE_EDGES)[0]["n"] == 0


def test_the_store_killed_during_an_ingest_loses_nothing(tmp_path: Path, observer: Store) -> None:
    """The store's JVM dies mid-extraction and stays down: the ingest ends, naming every
    record it could not finish; once the store is back, a re-run completes the rest with
    no duplicate and no complaint lost."""
    data = tmp_path / "data"
    records = corpus(120)
    path = write_jsonl(tmp_path / "batch.jsonl", records)
    proc = ingest(data, path, **BRIEF_WAIT)
    state = read_state(Paths(data.resolve()))
    assert state is not None
    assert wait_until(lambda: statuses(observer).get("extracted", 0) >= 10, 300), statuses(observer)
    os.kill(state.keeper_pid, signal.SIGSTOP)  # so the JVM stays down for a while
    try:
        os.kill(state.jvm_pid, signal.SIGKILL)
        code, summary = finished(proc)
    finally:
        os.kill(state.keeper_pid, signal.SIGCONT)
    # 3 if the store died between a batch's facts and its alerts (those are reported)
    missed = summary["after_intake"]["failed"]
    assert code == (3 if missed else 1), summary
    assert summary["stored"] == 120 and summary["invalid"] == []
    assert "stopped answering" in summary["interrupted"]
    failed = summary["failed"]
    assert failed and summary["extracted"] + len(failed) == 120, summary
    assert summary["extracted"] >= 10, summary
    assert all(f["record"].startswith(str(path)) and "re-run" in f["error"] for f in failed)
    # back on the same ports: the observer's driver reconnects by itself
    assert wait_until(lambda: statuses(observer).get("extracted", 0) >= summary["extracted"], 180)

    code, again = finished(ingest(data, path))
    assert code == 0, again
    assert again["stored"] == 0 and again["duplicates"] == 120
    assert again["extracted"] == len(failed) and again["failed"] == []
    assert_whole(observer, 120)


def test_an_ingest_follows_the_store_to_its_new_ports(tmp_path: Path, observer: Store) -> None:
    """The store's keeper is killed mid-ingest (its JVM dies with it): a client — here the
    test's own, as the server would — starts a new keeper, on new ports. The ingest
    follows the store there and finishes everything, with no duplicate."""
    data = tmp_path / "data"
    path = write_jsonl(tmp_path / "batch.jsonl", corpus(120))
    proc = ingest(data, path, DEFENSORES_STORE_RETRY_SECONDS="2")
    paths = Paths(data.resolve())
    before = read_state(paths)
    assert before is not None
    assert wait_until(lambda: statuses(observer).get("extracted", 0) >= 10, 300), statuses(observer)
    os.kill(before.keeper_pid, signal.SIGKILL)
    assert wait_until(lambda: gone(before.jvm_pid), 60)
    # the observer finds the store gone (as the server would answer 503), starts a new
    # keeper in the background and moves there
    assert wait_until(lambda: extracted_if_answering(observer) >= 10, 300)
    after = read_state(paths)
    assert after is not None and after.keeper_pid != before.keeper_pid
    assert after.status == "ready" and after.bolt_port != before.bolt_port
    code, summary = finished(proc)
    assert code == 0, summary
    assert "interrupted" not in summary and summary["failed"] == [], summary
    assert summary["stored"] == 120 and summary["extracted"] == 120, summary
    assert summary["after_intake"]["ok"] and summary["after_intake"]["assessed"] == 120
    assert_whole(observer, 120)
    assert len(jvms(data)) == 1


def test_the_store_down_before_records_are_written(tmp_path: Path, observer: Store) -> None:
    """The store dies after the ingest started and before it writes (its input is a pipe
    that is written only then): every record is reported as not stored, and nothing is
    half-written; the re-run stores and extracts them all."""
    data = tmp_path / "data"
    records = corpus(30)
    pipe = tmp_path / "late.jsonl"
    os.mkfifo(pipe)
    proc = ingest(data, pipe, **BRIEF_WAIT)
    writer = -1

    def reading() -> bool:  # the ingest has opened its input: the store is set up
        nonlocal writer
        try:
            writer = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO or proc.poll() is not None:  # not: no reader yet
                raise AssertionError(f"ingest gone ({proc.poll()}) or {exc}") from exc
        return writer >= 0

    assert wait_until(reading, 180)
    state = read_state(Paths(data.resolve()))
    assert state is not None
    os.kill(state.keeper_pid, signal.SIGSTOP)
    try:
        os.kill(state.jvm_pid, signal.SIGKILL)
        assert wait_until(lambda: gone(state.jvm_pid), 30)
        os.set_blocking(writer, True)
        with os.fdopen(writer, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        code, summary = finished(proc)
    finally:
        os.kill(state.keeper_pid, signal.SIGCONT)
    assert code == 1 and summary["stored"] == 0 and "unreachable" in summary["interrupted"]
    assert [f["record"] for f in summary["failed"]] == [f"{pipe}:{n}" for n in range(1, 31)]
    assert all(f["error"].startswith("not stored") for f in summary["failed"])
    assert wait_until(lambda: statuses(observer) == {}, 180)  # back, and nothing written
    path = write_jsonl(tmp_path / "again.jsonl", records)
    code, again = finished(ingest(data, path))
    assert code == 0 and again["stored"] == 30 and again["extracted"] == 30, again
    assert_whole(observer, 30)


def test_a_malformed_file_inside_a_batch_and_overlapping_ingests(
    tmp_path: Path, observer: Store
) -> None:
    """Two ingests at once over overlapping files, one with a malformed file (binary, a
    broken JSONL line) between good ones: every good record stored once and extracted."""
    data = tmp_path / "data"
    records = corpus(150)
    first = tmp_path / "first"
    first.mkdir()
    write_jsonl(first / "a.jsonl", records[:50])
    (first / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    lines = [json.dumps(r, ensure_ascii=False) for r in records[50:100]]
    lines.insert(25, '{"text": "a line cut short')
    (first / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = write_jsonl(tmp_path / "second.jsonl", records[60:150])
    both = [ingest(data, first), ingest(data, second)]
    results = [finished(p) for p in both]
    (code_a, a), (code_b, b) = results
    assert code_a == 1 and code_b == 0, results
    invalid = {Path(i["record"]).name: i["error"] for i in a["invalid"]}
    assert set(invalid) == {"b.txt", "c.jsonl:26"}, invalid
    assert a["failed"] == [] and b["failed"] == [] and b["invalid"] == []
    # the 40 shared records were stored by one ingest and met as duplicates by the other
    assert a["stored"] + b["stored"] == 150
    assert a["stored"] + a["duplicates"] == 100 and b["stored"] + b["duplicates"] == 90
    # each complaint extracted by exactly one of the two
    assert a["extracted"] + b["extracted"] == 150
    assert_whole(observer, 150)


def test_the_server_killed_with_sigkill_leaves_no_store_and_loses_nothing(
    tmp_path: Path,
) -> None:
    """A complaint acknowledged by the server is in the store after the server is
    SIGKILLed; the store's processes do not outlive it; the next start sees everything."""
    data = tmp_path / "data"
    made = subprocess.run(
        [*EXE, "--data-dir", str(data), "token", "create", "--role", "intake", "--name", "t"],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    token = made.stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        [*EXE, "--data-dir", str(data), "serve", "--port", str(port)],
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: healthy(port, server), 180) and server.poll() is None
        state = read_state(Paths(data.resolve()))
        assert state is not None
        text = corpus(1)[0]["text"]
        r = httpx.post(
            f"{url}/graphql",
            json={
                "query": "mutation($t: String!) { submitComplaint(input: {text: $t}) "
                "{ ... on ComplaintSubmitted { complaintId status } } }",
                "variables": {"t": text},
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=180,
        )
        assert r.status_code == 200, r.text
        acknowledged = r.json()["data"]["submitComplaint"]["complaintId"]
        server.kill()
        server.wait()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert wait_until(lambda: gone(state.jvm_pid) and gone(state.keeper_pid), 60)
    assert jvms(data) == []
    with open_store(StoreConfig.from_env(clean_env(), data_dir=str(data))) as store:
        rows = store.read("MATCH (c:Complaint {id: $id}) RETURN c.status AS s", id=acknowledged)
        assert rows and rows[0]["s"] in ("received", "extracted")
        assert store.read(DUPLICATE_IDS)[0]["n"] == 0
    assert wait_until(lambda: jvms(data) == [], 60)


def _error(code: str) -> neo4j_errors.Neo4jError:
    """A store's error as the driver makes it from the server's failure message."""
    return neo4j_errors.Neo4jError._hydrate_neo4j(
        code=code, message="The request failed. Check the server log for the details"
    )


@pytest.mark.parametrize(
    "code",
    [
        "Neo.TransientError.Transaction.DeadlockDetected",  # ArcadeDB: concurrent change
        "Neo.ClientError.Schema.ConstraintValidationFailed",  # a MERGE race on a new key
        "Neo.DatabaseError.General.UnknownError",  # ArcadeDB hides the cause
    ],
)
def test_a_write_that_fails_for_a_passing_reason_runs_again(code: str) -> None:
    """Overlapping ingests: a write that meets another writer's change fails with what
    the store calls transient (or, on ArcadeDB, "The request failed"); it runs again
    after a pause and succeeds."""
    tries: list[int] = []

    def once() -> str:
        tries.append(1)
        if len(tries) < 3:
            raise _error(code)
        return "written"

    assert store_module._again_if_transient(once, sleep=lambda seconds: None) == "written"
    assert len(tries) == 3


@pytest.mark.parametrize(
    ("code", "attempts", "error"),
    [
        ("Neo.ClientError.Statement.SyntaxError", 1, StoreError),  # never passes
        ("Neo.ClientError.Schema.ConstraintValidationFailed", 4, ConflictError),  # real
        ("Neo.DatabaseError.General.UnknownError", 4, StoreError),  # a real fault
        ("Neo.TransientError.Transaction.DeadlockDetected", 4, StoreError),
    ],
)
def test_a_write_that_keeps_failing_is_raised_after_a_few_attempts(
    code: str, attempts: int, error: type[Exception]
) -> None:
    pauses: list[float] = []
    tries: list[int] = []

    def once() -> str:
        tries.append(1)
        raise _error(code)

    with pytest.raises(error, match="The request failed"), store_module._translated("write"):
        store_module._again_if_transient(once, sleep=pauses.append)
    assert len(tries) == attempts
    assert pauses == sorted(pauses) and sum(pauses) < 10  # growing, and bounded


def test_an_embedded_store_refusing_its_own_credentials_is_unavailable() -> None:
    """ArcadeDB refuses logins while it shuts down or starts: for the embedded store (its
    credentials come from its data dir) that is an outage a patient ingest waits out; for
    Neo4j, rejected credentials stay an error."""
    refused = _error("Neo.ClientError.Security.Unauthorized")

    def login() -> None:
        raise refused

    with (
        pytest.raises(StoreUnavailable, match="refused a login"),
        store_module._translated("write", embedded=True),
    ):
        login()
    with (
        pytest.raises(StoreError, match="rejected the credentials") as info,
        store_module._translated("write"),
    ):
        login()
    assert not isinstance(info.value, StoreUnavailable)
