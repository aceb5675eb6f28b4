"""One ingest: the mutation and the command line both go through ``graph.intake.ingest``;
each complaint is validated once; a batch is read back in one statement."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

import schema.mutation
from graph.cypher import intake as batch_reads
from graph.intake import durable
from graph.intake import ingest as ingest_module
from graph.intake.durable import BatchExtractor, ComplaintIn, Outcome
from graph.intake.ingest import Arrival, Ingested, IngestOptions, ingest
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import counts
from server import create_app
from tests.auth import bearer
from tests.fakes import toy_extractor
from tests.live import serve

pytestmark = pytest.mark.store

TEXTS = [f"Denuncia {n}: Ana Ríos{n} fue amenazada en Puerto Inca." for n in range(5)]


def toy_batch(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
    return [toy_extractor(cid, text, received) for cid, text, received in items]


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Ingested]]:
    """Every call of ``ingest``, by whoever calls it: (the caller's module, its result)."""
    calls: list[tuple[str, Ingested]] = []
    real = ingest_module.ingest

    def spy(who: str) -> Any:
        def recorded(*args: Any, **kwargs: Any) -> Ingested:
            done = real(*args, **kwargs)
            calls.append((who, done))
            return done

        return recorded

    # the command line imports ``ingest`` when it runs; the mutation holds it by name
    assert vars(schema.mutation)["ingest"] is real
    monkeypatch.setattr(ingest_module, "ingest", spy("cli"))
    monkeypatch.setattr(schema.mutation, "ingest", spy("mutation"))
    return calls


def test_the_mutation_and_the_command_line_share_one_ingest(
    store: Store,
    store_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spied: list[tuple[str, Ingested]],
) -> None:
    import server

    # submitComplaint and submitComplaints
    headers = bearer(store)
    with serve(create_app(Config.from_env({}), store, extractor=toy_batch)) as url:
        for query, variables in (
            (
                "mutation($i: ComplaintInput!) { submitComplaint(input: $i) { "
                "... on ComplaintSubmitted { complaintId status } } }",
                {"i": {"text": TEXTS[0]}},
            ),
            (
                "mutation($i: [ComplaintInput!]!) { submitComplaints(inputs: $i) { "
                "... on ComplaintsSubmitted { results { complaintId status duplicate } } } }",
                {"i": [{"text": TEXTS[1]}, {"text": TEXTS[0]}]},
            ),
        ):
            r = httpx.post(
                f"{url}/graphql",
                json={"query": query, "variables": variables},
                headers=headers,
                timeout=60,
            )
            assert "errors" not in r.json(), r.json()
    assert [who for who, _ in spied] == ["mutation", "mutation"]
    many = spied[1][1]
    assert [(r.id, r.created) for r in many.receipts] == [
        (durable.complaint_id(TEXTS[1]), True),
        (durable.complaint_id(TEXTS[0]), False),
    ]
    assert {s["status"] for s in many.read_back.values()} == {"extracted"}

    # ``defensores ingest``, in this process, with the same toy extractor
    @contextlib.contextmanager
    def toy(*, own_process: bool) -> Iterator[BatchExtractor]:
        assert own_process  # a batch job runs the NLP in a process of its own
        yield toy_batch

    monkeypatch.setattr("graph.intake.extraction.batch_extractor", toy)
    for key in [k for k in os.environ if k.startswith("DEFENSORES_")]:
        monkeypatch.delenv(key)
    for key, value in store_env.items():
        if key.startswith("DEFENSORES_"):
            monkeypatch.setenv(key, value)
    for n in (2, 3):
        (tmp_path / f"{n}.txt").write_text(TEXTS[n], encoding="utf-8")
    parsed = server._parser().parse_args(["ingest", "--quiet", str(tmp_path)])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = server._ingest(parsed, server._config(parsed))
    assert code == 0, out.getvalue()
    assert [who for who, _ in spied] == ["mutation", "mutation", "cli"]
    summary = json.loads(out.getvalue())
    assert summary == spied[2][1].as_json()  # what it prints is what ingest returned
    assert summary["stored"] == 2 and summary["extracted"] == 2
    assert counts(store)["by_label"]["Complaint"] == 4


def test_each_complaint_is_validated_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[str] = []
    real = durable._validate

    def counted(complaint: ComplaintIn) -> None:
        checks.append(complaint.text)
        real(complaint)

    monkeypatch.setattr(durable, "_validate", counted)
    arriving = [Arrival(f"inputs[{i}]", ComplaintIn(text=t)) for i, t in enumerate(TEXTS)]
    for whole in (True, False):
        store_batch = 2  # a batch job stores as it reads: three statements here
        checks.clear()
        done = ingest(
            store, arriving, toy_batch, IngestOptions(whole=whole, store_batch=store_batch)
        )
        assert checks == TEXTS, whole
        assert len(done.receipts) == len(TEXTS)
    # one refused complaint stores none of a request, and reaches no extractor
    bad = [*arriving, Arrival("inputs[5]", ComplaintIn(text="x", channel="pigeon"))]

    def never(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        raise AssertionError("extracted")

    done = ingest(store, bad, never, IngestOptions(whole=True))
    assert done.receipts == [] and [r.origin for r in done.refused] == ["inputs[5]"]


def test_a_batch_is_read_back_in_one_statement(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many complaints a request holds, the same few statements read them: none
    reads one complaint by id, and their states come back in one statement at the end."""
    one = "one complaint by id"
    seen: list[tuple[str, int]] = []  # (statement, how many complaints it asked for)
    real = store.read

    def read(query: str, **params: Any) -> Any:
        if str(params.get("id", "")).startswith("cmp_"):
            seen.append((one, 1))
        elif query == batch_reads.COMPLAINTS_STATE:
            seen.append((query, len(params["ids"])))
        return real(query, **params)

    monkeypatch.setattr(store, "read", read)
    statements: dict[int, list[tuple[str, int]]] = {}
    for n in (1, len(TEXTS)):
        seen.clear()
        texts = [f"{t} (lote de {n})" for t in TEXTS[:n]]
        arriving = [Arrival(f"inputs[{i}]", ComplaintIn(text=t)) for i, t in enumerate(texts)]
        done = ingest(store, arriving, toy_batch, IngestOptions(whole=True))
        assert sorted(done.read_back) == sorted(r.id for r in done.receipts)
        statements[n] = list(seen)
    assert [q for q, _ in statements[len(TEXTS)]] == [q for q, _ in statements[1]]
    assert not any(q == one for q, _ in statements[len(TEXTS)])
    assert statements[len(TEXTS)][-1] == (batch_reads.COMPLAINTS_STATE, len(TEXTS))
