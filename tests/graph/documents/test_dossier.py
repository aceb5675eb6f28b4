"""The case dossier and the training pack, on the IDOR tests' small world plus a case
(investigating both incidents, accusing the perpetrator) and a land dispute."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from graph.access.policy import PROSECUTOR
from graph.documents import dossier, training
from graph.errors import ConfigError, NotFound
from graph.rows import FactRecord
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.processes import run
from tests.worlds import PROTECTED, PUBLIC_TEXT, SEALED_TEXT, WITNESS, case_world

pytestmark = pytest.mark.store
NAMES = (PROTECTED, WITNESS, "Lucho Tapia", "Tuerto")


@pytest.fixture(scope="module")
def graph(store_session: Store) -> Store:
    delete_all_data(store_session, confirm=store_session.database)
    upsert(store_session, *case_world())
    return store_session


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(page: str) -> str:
    parser = Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def test_a_dossier_holds_every_incident_quote_and_hash(graph: Store) -> None:
    page = dossier.render(dossier.gather(graph, "cas_dos", PROSECUTOR)).html()
    shown = text_of(page)
    assert "CF 123-2024" in shown and "Fiscalía de Satipo" in shown
    for incident in ("inc_pub", "inc_sea"):
        assert incident in shown
    # every quote of the case's facts: the sentences of both complaints
    assert PUBLIC_TEXT in shown and SEALED_TEXT in shown
    for name in (PROTECTED, WITNESS, "Lucho Tapia"):
        assert name in shown
    # the appendix: each source complaint's stored SHA-256, next to its id
    rows = re.findall(r"<tr><td>(cmp_\w+)</td>(?:<td>[^<]*</td>){3}<td>([^<]*)</td></tr>", page)
    stored = {r["id"]: r["sha"] for r in graph.read(
        "MATCH (c:Complaint) RETURN c.id AS id, c.sha256 AS sha")}  # fmt: skip
    assert dict(rows) == stored
    assert "<svg" in page and "<script" not in page


def test_the_appendix_hash_is_the_text_hash_for_real_complaints(graph: Store) -> None:
    """The world's complaints carry made-up hashes; one received through intake carries
    the SHA-256 of its text, and the dossier shows that."""
    from graph.intake.durable import ComplaintIn, receive

    text = "La defensora Rosa Quispe Huamán fue amenazada otra vez en Satipo."
    cid = receive(graph, ComplaintIn(text=text, received_at="2024-05-02T10:00:00Z")).id
    upsert(graph, [], [FactRecord("REPORTS", cid, "inc_pub")])
    page = dossier.render(dossier.gather(graph, "cas_dos", PROSECUTOR)).html()
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() in page


def test_the_dossier_as_pdf_holds_the_same(graph: Store, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    page = dossier.render(dossier.gather(graph, "cas_dos", PROSECUTOR)).html()
    try:
        data = dossier.pdf(page)
    except ConfigError as exc:  # no Pango on this machine: the HTML is the dossier
        pytest.skip(str(exc))
    path = tmp_path / "dossier.pdf"
    path.write_bytes(data)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages)
    for expected in ("CF 123-2024", "inc_pub", "inc_sea", PROTECTED, WITNESS, "cmp_pub"):
        assert expected in text, expected
    assert "fue amenazada por Lucho Tapia" in text


def test_an_unknown_case_is_not_found(graph: Store) -> None:
    with pytest.raises(NotFound):
        dossier.gather(graph, "cas_nothing", PROSECUTOR)
    with pytest.raises(NotFound):
        dossier.gather(graph, "per_rosa", PROSECUTOR)


def test_the_training_pack_is_pseudonymised_and_complete(graph: Store, tmp_path: Path) -> None:
    pack = training.build(graph)
    written = pack.write(tmp_path)
    names = {p.name for p in written}
    assert {"index.md", "index.html", "caso-01.md", "caso-01.html", "caso-01.svg",
            "patrones.html", "glosario.md", "stats-incident_type.svg"} <= names  # fmt: skip
    everything = "\n".join(p.read_text(encoding="utf-8") for p in written)
    assert [n for n in NAMES if n in everything] == []
    assert re.search(r"Persona \d+", everything)
    assert "property_damage" not in everything  # the sealed complaint's incident
    assert "threat" in everything and "Conflicto del río Ene" in everything
    assert "alerta temprana" in everything and "Caso de estudio 1 / Case study 1" in everything
    assert "<script" not in everything


@pytest.fixture(scope="module")
def api(graph: Store) -> Iterator[str]:
    with serve(create_app(Config.from_env({}), graph)) as url:
        yield url + "/graphql"


def test_case_dossier_field_is_for_prosecutors(graph: Store, api: str) -> None:
    query = 'query { caseDossier(caseId: "cas_dos") { html incidentIds complaintIds } }'
    r = httpx.post(api, json={"query": query}, headers=bearer(graph, "prosecutor"), timeout=60)
    got = r.json()["data"]["caseDossier"]
    assert sorted(got["incidentIds"]) == ["inc_pub", "inc_sea"]
    assert "cmp_sea" in got["complaintIds"] and PROTECTED in got["html"]
    for role in ("analyst", "trainer"):
        r = httpx.post(api, json={"query": query}, headers=bearer(graph, role), timeout=60)
        assert "not allowed for this token's role" in r.text and PROTECTED not in r.text


def test_the_command_line_writes_both(
    graph: Store, store_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "dossier.html"
    done = run(["dossier", "cas_dos", "--out", str(out)], store_env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["incidents"] == 2 and "CF 123-2024" in out.read_text()
    missing = run(["dossier", "cas_nothing", "--out", str(out)], store_env)
    assert missing.returncode == 2 and "no case cas_nothing" in missing.stderr
    done = run(["training-pack", "--out", str(tmp_path / "pack")], store_env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pack" / "index.html").is_file()
    bad = run(["training-pack", "--out", str(tmp_path / "x"), "--region", "Lima"],
              store_env)  # fmt: skip
    assert bad.returncode == 2 and "UBIGEO prefix" in bad.stderr
