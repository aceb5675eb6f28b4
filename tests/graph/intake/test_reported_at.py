"""A report's own date at intake: validated, stored, and the date relative dates in the
text are read against (the real NLP); through intake, GraphQL and ``defensores ingest``.
People named here are invented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.errors import ModelError
from graph.intake.durable import (
    ComplaintIn,
    Extraction,
    Outcome,
    get,
    normalise_day,
    process,
    receive,
)
from graph.intake.extraction import NlpBatchExtractor
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import counts, neighbours
from nlp.pipeline import Extractor
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store

YESTERDAY = "Ayer fue amenazado de muerte el defensor ambiental Julián Ccori Mamani en Puerto Inca."
OCTOBER = "El 3 de octubre fue asesinado el guardaparque Teodoro Quispe Lima en Tahuanía, Ucayali."
HARASSED = "Ayer fue amenazada la dirigente Marcela Ríos Vargas en Puerto Inca, Huánuco."
RECEIVED = "2024-03-05T10:00:00Z"


def test_a_report_date_is_a_day_from_1990_to_today() -> None:
    assert normalise_day("2019-05-05", "reported_at") == "2019-05-05"
    assert normalise_day("2019-05-05T23:10:00-05:00", "reported_at") == "2019-05-05"
    assert normalise_day(None, "reported_at") is None
    assert normalise_day("1990-01-01", "reported_at") == "1990-01-01"
    tomorrow_everywhere = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    for raw, message in (
        ("ayer", "reported_at must be a date YYYY-MM-DD, got 'ayer'"),
        ("2019-02-30", "reported_at must be a date YYYY-MM-DD"),
        ("1989-12-31", "reported_at 1989-12-31 is before 1990"),
        (tomorrow_everywhere, f"reported_at {tomorrow_everywhere} is in the future"),
    ):
        with pytest.raises(ModelError) as err:
            normalise_day(raw, "reported_at")
        assert str(err.value).startswith(message)


def test_a_bad_report_date_stores_nothing(store: Store) -> None:
    with pytest.raises(ModelError, match="reported_at 1985-06-01 is before 1990"):
        receive(store, ComplaintIn(text=YESTERDAY, reported_at="1985-06-01"))
    assert counts(store)["by_label"]["Complaint"] == 0


def incident_dates(store: Store, cid: str) -> list[tuple[str, str]]:
    return sorted(
        (str(e.other.props["type"]), str(e.other.props.get("date")))
        for e in neighbours(store, cid)
        if e.type == "REPORTS"
    )


@pytest.mark.slow
def test_relative_dates_are_read_against_the_report_date(store: Store) -> None:
    nlp = NlpBatchExtractor(Extractor())

    def one(cid: str, text: str, reference: str) -> Extraction:
        [found] = nlp([(cid, text, reference)])
        assert callable(found)
        extraction = found()
        assert isinstance(extraction, Extraction)
        return extraction

    reported = receive(store, ComplaintIn(YESTERDAY, RECEIVED, reported_at="2019-05-05")).id
    unreported = receive(store, ComplaintIn(YESTERDAY + " ", RECEIVED)).id  # the same text
    october = receive(store, ComplaintIn(OCTOBER, RECEIVED, reported_at="2019-05-05")).id
    assert unreported == reported  # one complaint: the first arrival's date stands
    plain = receive(store, ComplaintIn(HARASSED, RECEIVED)).id
    for cid in (reported, october, plain):
        assert process(store, cid, one) == "extracted"
    assert get(store, reported)["reported_at"] == "2019-05-05"
    assert incident_dates(store, reported) == [("threat", "2019-05-04")]
    # "el 3 de octubre" without a year: the last 3 October before the report
    assert incident_dates(store, october) == [("killing", "2018-10-03")]
    assert "reported_at" not in get(store, plain)
    assert [d for _, d in incident_dates(store, plain)] == ["2024-03-04"]  # received_at's eve


def references(seen: list[str]) -> Any:
    """A batch extractor that finds nothing and notes each complaint's reference date."""

    def extract(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        seen.extend(reference for _, _, reference in items)
        return [Extraction("none/1", "es") for _ in items]

    return extract


SUBMIT = """mutation($input: ComplaintInput!) { submitComplaint(input: $input) {
  __typename ... on ComplaintSubmitted { complaint { reportedAt receivedAt } }
  ... on ValidationError { message field } } }"""
SUBMIT_MANY = """mutation($inputs: [ComplaintInput!]!) { submitComplaints(inputs: $inputs) {
  __typename ... on ValidationError { message field } } }"""


def test_graphql_takes_reported_at_and_names_it_when_refused(store: Store) -> None:
    seen: list[str] = []
    headers = bearer(store)
    with serve(create_app(Config.from_env({}), store, extractor=references(seen))) as url:

        def call(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            r = httpx.post(
                f"{url}/graphql",
                json={"query": query, "variables": variables},
                headers=headers,
                timeout=60,
            )
            body: dict[str, Any] = r.json()
            assert "errors" not in body, body
            found: dict[str, Any] = body["data"]
            return found

        ok = call(SUBMIT, {"input": {"text": OCTOBER, "reportedAt": "2019-05-05"}})
        assert ok["submitComplaint"]["complaint"]["reportedAt"] == "2019-05-05"
        assert seen == ["2019-05-05"]
        future = (date.today() + timedelta(days=400)).isoformat()
        bad = call(SUBMIT, {"input": {"text": YESTERDAY, "reportedAt": future}})
        assert bad["submitComplaint"] == {
            "__typename": "ValidationError",
            "message": f"reportedAt {future} is in the future",
            "field": "reportedAt",
        }
        many = call(SUBMIT_MANY, {"inputs": [{"text": "x"}, {"text": "y", "reportedAt": "ayer"}]})
        assert many["submitComplaints"]["field"] == "inputs[1].reportedAt"
        assert many["submitComplaints"]["message"].startswith("reportedAt must be a date")
    assert seen == ["2019-05-05"]  # nothing refused reached the extractor
    assert counts(store)["by_label"]["Complaint"] == 1


EXE = [sys.executable, "-c", "import sys, server; sys.exit(server.main())"]


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}
    return subprocess.run(
        [*EXE, "--data-dir", str(data_dir), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_ingest_reads_reported_at_and_reextract_keeps_the_graph(tmp_path: Path) -> None:
    lines = [
        {"text": YESTERDAY, "received_at": "2024-03-05", "reported_at": "2019-05-05"},
        {"text": OCTOBER, "received_at": "2024-03-05"},
        {"text": "Otra denuncia sin fecha propia.", "reported_at": "05/05/2019"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    data = tmp_path / "data"
    done = run(["ingest", str(source)], data)
    summary = json.loads(done.stdout)
    assert (summary["stored"], summary["extracted"]) == (2, 2), done.stderr
    [invalid] = summary["invalid"]
    assert invalid["record"].endswith("in.jsonl:3")
    assert invalid["error"] == "reported_at must be a date YYYY-MM-DD, got '05/05/2019'"
    from nlp.pipeline import VERSION

    number = VERSION.rpartition("/")[2]
    again = run(["reextract", "--since", number], data)  # the current version included
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["selected"] == report["reextracted"] == 2
    assert report["facts"]["added"] == report["facts"]["removed"] == 0
    assert report["facts"]["kept"] > 0 and report["errors"] == []
    assert json.loads(run(["reextract"], data).stdout)["selected"] == 0
