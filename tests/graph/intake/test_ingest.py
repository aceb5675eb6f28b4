"""``defensores ingest`` and ``extract`` as a person runs them: real store, real models."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.errors import StoreUnavailable
from graph.intake.durable import ComplaintIn, get, receive, resume_batches
from graph.intake.extraction import NlpBatchExtractor
from graph.intake.ingest import EXIT_ALERTS_MISSED
from graph.store.bolt import Store
from graph.store.repository import counts, neighbours
from nlp.pipeline import Extractor
from tests.processes import run

pytestmark = [pytest.mark.store, pytest.mark.slow]

EXE = [sys.executable, "-c", "import sys, server; sys.exit(server.main())"]
TEXT_A = (
    "El 14 de enero de 2024 el vigilante comunal Wilmer Odicio Estrella, de la Comunidad "
    "Nativa Santa Rosa de Alto Yanayacu, fue amenazado de muerte por Jhon Córdova Panduro, "
    "alias 'el Chato', en Puerto Inca, Huánuco."
)
TEXT_B = (
    "On 3 May 2023 officers of the National Police evicted 20 families of the Comunidad "
    "Nativa Nuevo Paraíso in Tahuanía district, Ucayali, and beat the apu Julio Mahua "
    "Pérez."
)


# no store settings: ``extract`` needs none
PLAIN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("DEFENSORES_")}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("<p>" + TEXT_B + "&nbsp;</p>", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04")
    (folder / "latin1.txt").write_bytes("Denuncia de la señora Muñoz".encode("latin-1"))
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    (folder / "long.txt").write_text("amenaza " * 30_000, encoding="utf-8")
    lines = [
        json.dumps({"text": TEXT_A, "channel": "email"}),  # a duplicate of a.txt
        "{not json",
        json.dumps(
            {
                "text": "La dirigente Rosa Huamán Quispe fue hostigada por la minera.",
                "received_at": "2024-02-10",
                "confidentiality": "sealed",
            }
        ),
        json.dumps({"text": "x", "confidentiality": "secret"}),
        json.dumps(["a", "list"]),
    ]
    (folder / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (folder / "d.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "received_at", "channel"])
        writer.writerow(
            [
                "Elías Tapullima Ruiz fue detenido por la PNP en Nauta.",
                "2024-03-01T10:00:00Z",
                "phone",
            ]
        )
        writer.writerow(["only one column"])
    return folder


def test_ingest_reports_every_record_and_keeps_the_good_ones(
    store: Store, store_env: dict[str, str], inputs: Path
) -> None:
    out = run(["ingest", str(inputs)], store_env)
    assert out.returncode == 1, out.stderr  # some records were invalid
    summary: dict[str, Any] = json.loads(out.stdout)
    assert summary["stored"] == 4
    assert summary["duplicates"] == 1
    assert summary["extracted"] == 4
    assert summary["failed"] == []
    reasons = {Path(i["record"]).name: i["error"] for i in summary["invalid"]}
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert reasons["empty.txt"] == "no text"
    assert "longer than 200000" in reasons["long.txt"]
    assert reasons["c.jsonl:2"] == "line is not JSON"
    assert "confidentiality must be one of" in reasons["c.jsonl:4"]
    assert reasons["c.jsonl:5"] == "line is not a JSON object"
    assert "missing or extra columns" in reasons["d.csv:3"]
    assert counts(store)["by_label"]["Complaint"] == 4
    # run again: nothing new, nothing duplicated
    before = counts(store)
    again = json.loads(run(["ingest", str(inputs)], store_env).stdout)
    assert again["stored"] == 0 and again["duplicates"] == 5 and again["extracted"] == 0
    assert counts(store) == before


def test_extracted_facts_carry_their_evidence(store: Store) -> None:
    cid = receive(store, ComplaintIn(text=TEXT_A, received_at="2024-01-20T10:00:00Z")).id
    status = resume_batches(store, NlpBatchExtractor(Extractor()))
    assert status == {cid: "extracted"}
    complaint = get(store, cid)
    assert complaint["language"] == "es" and complaint["extractor"].startswith("defensores-nlp")
    reports = [e for e in neighbours(store, cid) if e.type == "REPORTS"]
    assert reports
    incident = reports[0].other
    assert incident.props["type"] == "threat"
    assert incident.props["date"] == "2024-01-14"
    around = neighbours(store, incident.id)
    perpetrators = [e for e in around if e.type == "PERPETRATOR_OF"]
    victims = [e for e in around if e.type == "VICTIM_OF"]
    assert [e.other.props["name"] for e in perpetrators] == ["Jhon Córdova Panduro"]
    assert [e.other.props["name"] for e in victims] == ["Wilmer Odicio Estrella"]
    edge = perpetrators[0].props
    assert edge["sources"] == [cid]
    assert "amenazado de muerte" in edge["quotes"][0]
    assert edge["methods"][0] in {"rule", "model"}
    assert 0 < edge["confidence"] <= 1
    assert edge["status"] == "alleged" and edge["review"] == "extracted"
    places = [e for e in around if e.type == "OCCURRED_IN"]
    assert places and places[0].other.props["ubigeo"] == "100901"


def test_the_same_actor_in_two_complaints_is_one_node(store: Store) -> None:
    texts = [TEXT_A, "Jhon Cordoba Panduro volvió a amenazar a la comunidad el 2 de febrero."]
    for text in texts:
        receive(store, ComplaintIn(text=text, received_at="2024-02-05T10:00:00Z"))
    resume_batches(store, NlpBatchExtractor(Extractor()))
    total = counts(store)
    assert total["by_label"]["Complaint"] == 2
    # Córdova and Córdoba are one person (spelling variants); Wilmer is the other
    assert total["by_label"]["Person"] == 2


def test_extract_prints_json_without_a_store(tmp_path: Path) -> None:
    out = run(
        ["extract", "-", "--received", "2024-01-20"],
        PLAIN_ENV | {"DEFENSORES_DATA_DIR": str(tmp_path / "unused")},
        stdin=TEXT_A,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["language"] == "es"
    entity = next(e for e in doc["entities"] if e["canonical"] == "Jhon Córdova Panduro")
    assert TEXT_A[entity["start"] : entity["end"]] in {"Jhon Córdova Panduro", "el Chato", "Chato"}
    assert {"text", "type", "kind", "start", "end", "canonical", "ubigeo"} <= set(entity)
    (incident,) = doc["incidents"]
    assert incident["type"] == "threat" and incident["perpetrators"] == ["Jhon Córdova Panduro"]
    assert not (tmp_path / "unused").exists()  # no store was started


def test_extract_rejects_bad_input_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    out = run(["extract", str(bad)], PLAIN_ENV)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [f"defensores: error: {bad} is not valid UTF-8 text"]


def test_uncertain_matches_become_review_candidates_not_merges(store: Store) -> None:
    first = (
        "El apu Teodoro Grández Mori, de la Comunidad Nativa Santa Rosa de Alto Yanayacu, "
        "fue amenazado de muerte el 3 de marzo de 2023."
    )
    second = "El 9 de mayo de 2023 desconocidos golpearon al apu Grández en Puerto Inca."
    for text in (first, second):
        receive(store, ComplaintIn(text=text, received_at="2023-06-01T10:00:00Z"))
    resume_batches(store, NlpBatchExtractor(Extractor()), batch_size=1)
    total = counts(store)
    assert total["by_label"]["Person"] == 2  # not merged silently
    from graph.intake.extraction import entity_id
    from nlp.result import Entity

    full = entity_id(Entity(key="x", type="person", canonical="Teodoro Grández Mori"))
    edges = [e for e in neighbours(store, full) if e.type == "POSSIBLY_SAME_AS"]
    assert len(edges) == 1
    edge = edges[0]
    assert edge.other.props["name"] == "Grández"
    assert edge.props["score"] >= 80
    assert "names alike" in edge.props["reason"]
    assert "decision" not in edge.props
    assert len(edge.props["sources"]) == 1


def _ingest_here(
    args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, Any], str]:
    """``defensores ingest`` in this process (so a fault can be planted in it), pointed at
    the store by ``env``: exit code, JSON summary, everything it printed."""
    import server

    for key in [k for k in os.environ if k.startswith("DEFENSORES_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("DEFENSORES_"):
            monkeypatch.setenv(key, value)
    parsed = server._parser().parse_args(["ingest", "--quiet", *args])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = server._ingest(parsed, server._config(parsed))
    return code, json.loads(out.getvalue()), out.getvalue()


def test_alerts_that_could_not_be_raised_are_in_the_summary_and_the_exit_code(
    store: Store, store_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store fails while intake re-assesses risk (after the facts are written): the
    complaints stay stored and extracted, the summary says which were not assessed and
    why (ids, never their text), and ingest exits 3, not 0 — a missed early warning."""

    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("read: the store is unreachable (planted fault)")

    monkeypatch.setattr("graph.analysis.alerts.gather_many", down)
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT_B, encoding="utf-8")
    code, summary, printed = _ingest_here([str(tmp_path)], store_env, monkeypatch)
    assert code == EXIT_ALERTS_MISSED == 3, summary
    assert summary["stored"] == 2 and summary["extracted"] == 2 and summary["failed"] == []
    report = summary["after_intake"]
    assert report["ok"] is False and report["assessed"] == 0 and report["failed"] == 2
    assert "planted fault" in report["error"]
    stored = sorted(r["id"] for r in store.read("MATCH (c:Complaint) RETURN c.id AS id"))
    assert report["complaints"] == stored
    assert "Wilmer" not in printed and "Mahua" not in printed  # no complaint text


def test_reassess_raises_the_alerts_an_ingest_missed(
    store: Store, store_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``defensores reassess --summary`` takes the complaints a failed after-intake step
    left out (exit 3) and assesses them; an id that is no complaint is refused by name."""
    import server
    from graph.analysis.risk_reads import gather_many as real

    def down(*args: object, **kwargs: object) -> None:
        raise StoreUnavailable("read: the store is unreachable (planted fault)")

    monkeypatch.setattr("graph.analysis.alerts.gather_many", down)
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT_B, encoding="utf-8")
    code, summary, printed = _ingest_here([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")],
                                          store_env, monkeypatch)  # fmt: skip
    assert code == 3, summary
    saved = tmp_path / "summary.json"
    saved.write_text(printed, encoding="utf-8")
    monkeypatch.setattr("graph.analysis.alerts.gather_many", real)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = server.main(["reassess", "--summary", str(saved)])
    report = json.loads(out.getvalue())
    assert code == 0, report
    assert report["ok"] is True and report["assessed"] == 2 and report["failed"] == 0
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = server.main(["reassess", "cmp_doesnotexist"])
    assert code == 2 and "cmp_doesnotexist" in err.getvalue()


def test_a_failed_assessment_is_tried_again_before_the_run_ends(
    store: Store, store_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault that passes: the complaints it left out are re-assessed at the end of the
    run, the alert is raised, and ingest exits 0."""
    from graph.analysis.risk_reads import gather_many as real

    calls: list[int] = []

    def once_down(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise StoreUnavailable("read: the store is unreachable (planted fault)")
        return real(*args, **kwargs)

    monkeypatch.setattr("graph.analysis.alerts.gather_many", once_down)
    (tmp_path / "a.txt").write_text(TEXT_A, encoding="utf-8")
    code, summary, _ = _ingest_here([str(tmp_path)], store_env, monkeypatch)
    assert code == 0, summary
    assert summary["after_intake"] == {"ok": True, "assessed": 1, "failed": 0}
    assert len(calls) == 2
