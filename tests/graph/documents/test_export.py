"""Exports: each format read back by the library its users would open it with, a
trainer's export free of real names and of the sealed complaint, windows, the command
line and the GraphQL field.

The graph is the IDOR tests' small world (a public and a sealed complaint, a protected
defender); the prosecutor's export is the control for every absence checked.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import networkx as nx  # type: ignore[import-untyped]
import pytest
from followthemoney import model

from graph.access.policy import PROSECUTOR, TRAINER
from graph.documents import export
from graph.errors import ModelError
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import delete_all_data, upsert
from server import create_app
from tests.auth import bearer
from tests.live import serve
from tests.processes import run
from tests.worlds import PROTECTED, SECRET, WITNESS, world

pytestmark = pytest.mark.store
NAMES = (PROTECTED, WITNESS, "Lucho Tapia", "Tuerto")


@pytest.fixture(scope="module")
def graph(store_session: Store) -> Store:
    delete_all_data(store_session, confirm=store_session.database)
    upsert(store_session, *world())
    return store_session


def everything(files: dict[str, str]) -> str:
    """Every file's text, XML character references resolved (GraphML writes ``&#225;``)."""
    return html.unescape("\n".join(files.values()))


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_a_trainer_export_holds_no_name_and_nothing_sealed(graph: Store, fmt: str) -> None:
    control = everything(export.render(export.gather(graph, PROSECUTOR), fmt))
    assert all(name in control for name in NAMES) and "cmp_sea" in control
    trainer = everything(export.render(export.gather(graph, TRAINER), fmt))
    assert not [name for name in NAMES if name in trainer]
    assert "cmp_sea" not in trainer and "inc_sea" not in trainer and SECRET not in trainer
    assert "Persona " in trainer


def test_graphml_and_gexf_round_trip_through_networkx(graph: Store, tmp_path: Path) -> None:
    found = export.gather(graph, PROSECUTOR)
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        [(name, content)] = export.render(found, fmt).items()
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        G = read(path)
        assert set(G.nodes) == set(found.nodes)
        assert G.number_of_edges() == len(found.edges)
        assert G.nodes["per_rosa"]["kind"] == "Person"
        assert G.nodes["per_rosa"]["label"] == PROTECTED
        types = {d["rel_type"] for _, _, d in G.edges(data=True)}
        assert {"VICTIM_OF", "PERPETRATOR_OF", "MENTIONS", "REPORTS"} <= types


def test_csv_has_the_neo4j_and_gephi_import_layouts(graph: Store) -> None:
    found = export.gather(graph, PROSECUTOR)
    files = export.render(found, "csv")
    tables = {n: list(csv.DictReader(io.StringIO(c))) for n, c in files.items()}
    assert [*tables["nodes.csv"][0]][:2] == ["id:ID", ":LABEL"]
    assert [*tables["relationships.csv"][0]][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert [*tables["gephi_nodes.csv"][0]][:2] == ["Id", "Label"]
    assert [*tables["gephi_edges.csv"][0]][:4] == ["Source", "Target", "Type", "Label"]
    ids = {r["id:ID"] for r in tables["nodes.csv"]}
    assert ids == set(found.nodes)
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in tables["relationships.csv"])
    rosa = next(r for r in tables["nodes.csv"] if r["id:ID"] == "per_rosa")
    assert rosa[":LABEL"] == "Actor;Person" and rosa["name"] == PROTECTED


def test_json_holds_every_node_and_fact(graph: Store) -> None:
    found = export.gather(graph, PROSECUTOR)
    data = json.loads(export.render(found, "json")["graph.json"])
    assert {n["id"] for n in data["nodes"]} == set(found.nodes)
    victim = next(r for r in data["relationships"] if r["type"] == "VICTIM_OF")
    assert victim["start"] == "per_rosa" and victim["properties"]["sources"] == ["cmp_pub"]


def test_ftm_entities_are_valid_for_followthemoney(graph: Store) -> None:
    found = export.gather(graph, PROSECUTOR)
    lines = export.render(found, "ftm", source_base="https://fiscalia.example/denuncias")
    entities = [json.loads(line) for line in lines["graph.ftm.json"].splitlines()]
    proxies = {e["id"]: model.get_proxy(e, cleaned=False) for e in entities}
    for e in entities:  # the model keeps every property it was given: all were valid
        assert model.get_proxy(e).to_dict()["properties"] == e["properties"], e
    by_schema: dict[str, list[str]] = {}
    for p in proxies.values():
        by_schema.setdefault(p.schema.name, []).append(str(p.id))
    assert {"Person", "Event", "Document", "UnknownLink"} <= set(by_schema)
    threat = proxies["defensores-inc-pub"]
    assert "defensores-per-lucho" in threat.get("organizer")
    assert {"defensores-per-rosa", "defensores-per-lucho"} <= set(threat.get("involved"))
    assert threat.get("proof") == ["defensores-cmp-pub"]
    assert threat.get("sourceUrl") == ["https://fiscalia.example/denuncias/cmp_pub"]
    for p in proxies.values():  # every reference points at an exported entity
        for prop, value in p.itervalues():
            if prop.type.name == "entity":
                assert value in proxies, (p.schema.name, prop.name, value)


def test_a_window_exports_its_incidents_and_what_is_one_fact_away(graph: Store) -> None:
    found = export.gather(graph, PROSECUTOR, export.Window(date_from="2024-04-25"))
    assert "inc_sea" in found.nodes and "inc_pub" not in found.nodes
    assert {"per_mario", "per_lucho", "cmp_sea"} <= set(found.nodes)
    assert "per_rosa" not in found.nodes
    with pytest.raises(ModelError, match="UBIGEO prefix"):
        export.gather(graph, PROSECUTOR, export.Window(region="Satipo"))


def test_the_command_line_writes_files_as_a_role(
    graph: Store, store_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "trainer.graphml"
    done = run(["export", "--format", "graphml", "--out", str(out), "--as-role", "trainer"],
               store_env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["as_role"] == "trainer" and summary["files"] == [str(out)]
    G = nx.read_graphml(out)
    assert G.number_of_nodes() == summary["nodes"] > 0
    assert PROTECTED not in out.read_text(encoding="utf-8")
    folder = tmp_path / "csv"
    done = run(["export", "--format", "csv", "--out", str(folder)], store_env)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "gephi_edges.csv", "gephi_nodes.csv", "nodes.csv", "relationships.csv"
    ]  # fmt: skip
    bad = run(["export", "--format", "pdf", "--out", str(tmp_path / "x")], store_env)
    assert bad.returncode == 2 and "--format must be one of" in bad.stderr
    bad = run(["export", "--format", "json", "--out", str(tmp_path / "x"), "--as-role", "boss"],
              store_env)  # fmt: skip
    assert bad.returncode == 2 and "--as-role must be one of" in bad.stderr


@pytest.fixture(scope="module")
def api(graph: Store) -> Iterator[str]:
    with serve(create_app(Config.from_env({}), graph)) as url:
        yield url + "/graphql"


def test_the_export_field_obeys_the_role(graph: Store, api: str) -> None:
    query = """query($f: ExportFormat!) { export(format: $f, filter: {from: "2024-01-01"}) {
      format nodes relationships nodeIds files { name content } } }"""
    for role, sees_names in (("trainer", False), ("prosecutor", True)):
        r = httpx.post(api, json={"query": query, "variables": {"f": "JSON"}},
                       headers=bearer(graph, role), timeout=60)  # fmt: skip
        body = r.json()
        assert "errors" not in body, body
        got = body["data"]["export"]
        content = got["files"][0]["content"]
        assert (PROTECTED in content) is sees_names
        assert got["nodes"] == len(json.loads(content)["nodes"]) == len(got["nodeIds"])
    r = httpx.post(api, json={"query": query, "variables": {"f": "CSV"}},
                   headers=bearer(graph, "intake"), timeout=60)  # fmt: skip
    assert "not allowed for this token's role" in r.text
