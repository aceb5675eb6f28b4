"""Re-extraction against the real store: machine-made facts replaced, every reviewer
decision kept, nothing lost, nothing doubled. People named here are invented."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest

from graph.curation.cases import open_case
from graph.curation.links import link_actors
from graph.curation.merges import merge_actors, split_actor
from graph.curation.review import review_fact
from graph.errors import ModelError
from graph.intake.durable import ComplaintIn, Extraction, Outcome, get, process_batch, receive
from graph.intake.extraction import NlpBatchExtractor
from graph.intake.ingest import Again, Arrival, IngestOptions
from graph.intake.ingest import ingest as run_ingest
from graph.intake.reextract import due, is_due, reextract, since_version, split_extractor
from graph.rows import FactRecord, NodeRecord, fact_id
from graph.store import backup
from graph.store.bolt import Store
from graph.store.repository import delete_all_data, get_fact, get_node, neighbours, upsert
from nlp.pipeline import VERSION, Extractor
from tests.fakes import LineExtractor, _hid

pytestmark = pytest.mark.store

V1 = LineExtractor("toy/1", "v1")
V2 = LineExtractor("toy/2", "v2")

TEXT_1 = """Denuncia uno, de la federación.
VICTIM Ana Ríos Tapia
PERP Luis Cárdenas Vela [v1]
WITNESS Pedro Soto Lima [v1]
MEMBER Ana Ríos Tapia > Federación Nativa
VICTIM@1 Marco Ruiz Paz [v1]
"""
TEXT_2 = """Denuncia dos, por correo.
VICTIM Anita Ríos
MEMBER Anita Ríos > Federación Nativa [v1]
WITNESS Rosa Quispe Huamán
VICTIM Julia Vega Soto [v2]
"""
TEXT_3 = """Denuncia tres, en persona.
VICTIM Rosa Quispe Huamán
MEMBER Ana Ríos Tapia > Federación Nativa
PERP Jorge Díaz Mena
WITNESS Jorge Díaz
"""


def per(name: str) -> str:
    return _hid("per", name)


def org(name: str) -> str:
    return _hid("org", name)


def inc(cid: str, n: int = 0) -> str:
    return _hid("inc", cid, str(n))


STAMPS = {"created_at", "updated_at", "extracted_at", "claimed_at", "claimed_by"}


def snapshot(store: Store) -> dict[str, Any]:
    """Every node and edge with its properties, timestamps aside, comparable."""
    out: dict[str, Any] = {}
    for line in backup.lines(store):
        props = {k: v for k, v in line["p"].items() if k not in STAMPS}
        key = line["p"]["id"] if "n" in line else f"{line['r']} {line['s']} {line['e']}"
        out[str(key)] = json.dumps(props, sort_keys=True, default=str)
    return out


def edge_types(store: Store) -> Counter[str]:
    return Counter(line["r"] for line in backup.lines(store) if "r" in line)


def ingest(store: Store, *texts: str) -> list[str]:
    cids = [
        receive(store, ComplaintIn(text=t, received_at="2024-03-05T10:00:00Z")).id for t in texts
    ]
    assert set(process_batch(store, cids, V1.many).values()) == {"extracted"}
    return cids


BY = "revisora.garcia"


def decide(store: Store, c1: str, c2: str) -> dict[str, str]:
    """Every kind of reviewer decision, on the graph the v1 extractor made."""
    luis, ana, anita = per("Luis Cárdenas Vela"), per("Ana Ríos Tapia"), per("Anita Ríos")
    marco, rosa, fed = per("Marco Ruiz Paz"), per("Rosa Quispe Huamán"), org("Federación Nativa")
    perp = fact_id("PERPETRATOR_OF", luis, inc(c1))
    victim = fact_id("VICTIM_OF", ana, inc(c1))
    review_fact(store, "PERPETRATOR_OF", perp, "confirmed", "dicho por la fiscalía", BY)
    review_fact(store, "VICTIM_OF", victim, "rejected", "no era la víctima", BY)
    merged = merge_actors(store, ana, anita, "la misma defensora", BY)
    jorge = merge_actors(store, per("Jorge Díaz Mena"), per("Jorge Díaz"), "parecen uno", BY)
    split_actor(store, str(jorge["id"]), "son padre e hijo", BY)
    link = link_actors(store, rosa, fed, "MEMBER_OF", c2, "Rosa Quispe Huamán", BY)
    case, _ = open_case(store, "EXP-0042-2024", "Fiscalía de Atalaya", "open", None,
                        [inc(c1, 1)], [luis], BY)  # fmt: skip
    upsert(
        store,
        [NodeRecord("Alert", "alr_marco", {"level": "high", "status": "new", "subject_id": marco})],
        [FactRecord("CONCERNS", "alr_marco", marco, {"method": "rule"})],
    )
    return {
        "perp": perp,
        "victim": victim,
        "merge": str(merged["id"]),
        "split": str(jorge["id"]),
        "link": str(link["id"]),
        "case": str(case["id"]),
    }


def test_a_new_pipeline_replaces_machine_facts_as_a_fresh_ingest_would(store: Store) -> None:
    ingest(store, TEXT_1, TEXT_2, TEXT_3)
    assert edge_types(store) == Counter(
        MENTIONS=13, REPORTS=4, VICTIM_OF=4, WITNESS_OF=3, MEMBER_OF=2, PERPETRATOR_OF=2
    )
    summary = reextract(store, V2.many, "toy/2")
    assert summary.as_json() == {
        "current": "toy/2",
        "since": None,
        "selected": 3,
        "reextracted": 3,
        "skipped": 0,
        # c1 loses Luis, Pedro, Marco and Marco's incident (7 facts); c2 its membership
        # and the federation's mention, and finds Julia (2 facts); c3 is found alike
        "facts": {"added": 2, "removed": 9, "kept": 20},
        "reviews_kept": 0,
        "nodes_removed": 4,  # Luis, Pedro, Marco and the incident only c1 reported
        "errors": [],
    }
    after = snapshot(store)
    assert edge_types(store) == Counter(
        MENTIONS=10, REPORTS=3, VICTIM_OF=4, WITNESS_OF=2, MEMBER_OF=1, PERPETRATOR_OF=1
    )
    # the same graph as the new pipeline makes from scratch (pseudonym numbers aside:
    # a number is never given twice)
    delete_all_data(store, confirm=store.database)
    cids = [receive(store, ComplaintIn(text=t, received_at="2024-03-05T10:00:00Z")).id
            for t in (TEXT_1, TEXT_2, TEXT_3)]  # fmt: skip
    process_batch(store, cids, V2.many)
    assert unnumbered(snapshot(store)) == unnumbered(after)


def unnumbered(snap: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in snap.items():
        if key.startswith("seq_"):
            continue  # the pseudonym counter: never goes back
        props = json.loads(value)
        props.pop("pseudonym_no", None)
        out[key] = props
    return out


def test_every_reviewer_decision_is_kept_and_a_second_run_changes_nothing(store: Store) -> None:
    c1, c2, c3 = ingest(store, TEXT_1, TEXT_2, TEXT_3)
    ids = decide(store, c1, c2)
    before = snapshot(store)
    assert edge_types(store) == Counter(MENTIONS=13, REPORTS=4, VICTIM_OF=4, WITNESS_OF=3,
                                        MEMBER_OF=2, PERPETRATOR_OF=2, CONCERNS=1,
                                        INVESTIGATES=1, ACCUSES=1)  # fmt: skip
    summary = reextract(store, V2.many, "toy/2").as_json()
    # removed: c1's word on Pedro (mention, witness) and on Marco (mention, victim), c2's
    # on the membership; kept besides what v2 finds again: c1's mention of Luis and its
    # report of the case's incident, c2's mention of the federation (a reviewer's link
    # cites c2 about it)
    assert summary["facts"] == {"added": 2, "removed": 5, "kept": 22}
    assert summary["reviews_kept"] == 3  # the confirmed, the rejected, the manual link
    assert summary["nodes_removed"] == 1  # Pedro Soto Lima: nothing held him
    assert summary["errors"] == []
    assert edge_types(store) == Counter(MENTIONS=12, REPORTS=4, VICTIM_OF=4, WITNESS_OF=2,
                                        MEMBER_OF=2, PERPETRATOR_OF=2, CONCERNS=1,
                                        INVESTIGATES=1, ACCUSES=1)  # fmt: skip
    after = snapshot(store)
    luis, ana, anita = per("Luis Cárdenas Vela"), per("Ana Ríos Tapia"), per("Anita Ríos")
    # confirmed, and no longer found: it stays as the reviewer left it, with its source
    assert after[f"PERPETRATOR_OF {luis} {inc(c1)}"] == before[f"PERPETRATOR_OF {luis} {inc(c1)}"]
    assert f"MENTIONS {c1} {luis}" in after
    # rejected, and found again: still rejected, its evidence once
    rejected = get_fact(store, "VICTIM_OF", ids["victim"])
    assert rejected is not None and rejected["rel"]["review"] == "rejected"
    at = TEXT_1.index("VICTIM Ana")
    assert rejected["rel"]["evidence_keys"] == [f"{c1}:{at}:{at + len('VICTIM Ana Ríos Tapia')}"]
    # the merge stands: the new facts about Anita go to Ana, who keeps her alias
    anita_node, ana_node = get_node(store, anita), get_node(store, ana)
    assert anita_node is not None and anita_node.props["merged_into"] == ana
    assert ana_node is not None and "Anita Ríos" in ana_node.props["aliases"]
    assert get_node(store, ids["merge"]).props["status"] == "active"  # type: ignore[union-attr]
    assert f"VICTIM_OF {ana} {inc(c2)}" in after and f"MENTIONS {c2} {ana}" in after
    assert not [k for k in after if anita in k.split()[1:]]  # no edge of the merged actor
    # the split stands: two persons, each with their own facts
    jorge, diaz = per("Jorge Díaz Mena"), per("Jorge Díaz")
    assert get_node(store, ids["split"]).props["status"] == "undone"  # type: ignore[union-attr]
    assert "merged_into" not in get_node(store, diaz).props  # type: ignore[union-attr]
    assert f"WITNESS_OF {diaz} {inc(c3)}" in after and f"PERPETRATOR_OF {jorge} {inc(c3)}" in after
    assert f"WITNESS_OF {jorge} {inc(c3)}" not in after
    # the manual link, the case and its incident (still reported by c1), the alert's actor
    rosa, fed = per("Rosa Quispe Huamán"), org("Federación Nativa")
    assert after[f"MEMBER_OF {rosa} {fed}"] == before[f"MEMBER_OF {rosa} {fed}"]
    for key in (
        f"INVESTIGATES {ids['case']} {inc(c1, 1)}",
        f"ACCUSES {ids['case']} {luis}",
        f"REPORTS {c1} {inc(c1, 1)}",
        f"CONCERNS alr_marco {per('Marco Ruiz Paz')}",
    ):
        assert after[key] == before[key]  # fmt: skip
    # what only c1's old extraction said, and nobody decided on, is gone
    marco = per("Marco Ruiz Paz")
    assert f"VICTIM_OF {marco} {inc(c1, 1)}" not in after and f"MENTIONS {c1} {marco}" not in after
    assert get_node(store, per("Pedro Soto Lima")) is None
    # a membership two complaints support keeps c1's and c3's evidence, loses c2's
    member = json.loads(after[f"MEMBER_OF {ana} {fed}"])
    assert member["sources"] == [c1, c3]
    # the alerts and everything else not made by extraction: as they were
    for key, value in before.items():
        if key.startswith(("alr_", "cas_", "mrg_")) or key == ids["case"]:
            assert after[key] == value
    # nothing doubled, nothing changes on a second run
    assert reextract(store, V2.many, "toy/2").as_json()["selected"] == 0
    again = reextract(store, V2.many, "toy/2", since="2").as_json()
    assert again["reextracted"] == 3 and again["facts"]["added"] == 0
    assert again["facts"]["removed"] == 0 and again["nodes_removed"] == 0
    assert snapshot(store) == after
    # the merge can still be undone: Anita gets back what c2 says of her
    split_actor(store, ids["merge"], "dos personas", BY)
    undone = snapshot(store)
    assert f"VICTIM_OF {anita} {inc(c2)}" in undone and f"MENTIONS {c2} {anita}" in undone
    assert f"VICTIM_OF {ana} {inc(c2)}" not in undone and f"MENTIONS {c2} {ana}" not in undone
    assert json.loads(undone[f"VICTIM_OF {anita} {inc(c2)}"])["sources"] == [c2]


def test_since_takes_that_version_and_older_ones(store: Store) -> None:
    c1 = receive(store, ComplaintIn(text=TEXT_1)).id
    c2 = receive(store, ComplaintIn(text=TEXT_2)).id
    c3 = receive(store, ComplaintIn(text=TEXT_3)).id
    process_batch(store, [c1], V1.many)
    process_batch(store, [c2], V2.many)
    process_batch(store, [c3], LineExtractor("other/7", "v1").many)  # another extractor
    v3 = LineExtractor("toy/3", "v2")
    assert {c for c, _ in due(store, "toy/3")} == {c1, c2, c3}
    assert {c for c, _ in due(store, "toy/3", since="1")} == {c1, c3}
    assert {c for c, _ in due(store, "toy/3", since="toy/2")} == {c1, c2, c3}
    assert {c for c, _ in due(store, "toy/2")} == {c1, c3}
    summary = reextract(store, v3.many, "toy/3", since="1")
    assert (summary.selected, summary.reextracted) == (2, 2)
    assert [get(store, c)["extractor"] for c in (c1, c2, c3)] == ["toy/3", "toy/2", "toy/3"]
    assert due(store, "toy/3", since="1") == []


def test_versions_compare_by_their_numbers() -> None:
    assert split_extractor("defensores-nlp/0.10") == ("defensores-nlp", (0, 10))
    assert split_extractor("defensores-nlp/dev") == ("defensores-nlp/dev", None)
    assert split_extractor(None) == ("", None)
    assert is_due("defensores-nlp/0.9", "defensores-nlp/0.10", since_version("x/0.10", "0.9"))
    assert not is_due("defensores-nlp/0.10", "defensores-nlp/0.11", (0, 9))
    assert is_due(None, "defensores-nlp/0.2", (0, 1))  # no extractor: older than any
    assert is_due("toy/1", "defensores-nlp/0.2", (0, 1))  # another extractor: older too
    assert not is_due("defensores-nlp/0.2", "defensores-nlp/0.2")
    with pytest.raises(ModelError, match="--since must be a version"):
        since_version("defensores-nlp/0.2", "latest")
    with pytest.raises(ModelError, match="names extractor 'toy'"):
        since_version("defensores-nlp/0.2", "toy/0.1")


def test_a_failed_complaint_stays_whole_and_a_rerun_finishes(store: Store) -> None:
    c1, c2, c3 = ingest(store, TEXT_1, TEXT_2, TEXT_3)
    before = snapshot(store)

    def flaky(items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        out: list[Outcome] = []
        for cid, text, received in items:
            found = V2(cid, text, received)
            if cid == c2:
                out.append(RuntimeError("the NLP died"))
            elif cid == c1:  # the write fails after c1's old facts were taken away
                ghost = FactRecord(
                    "VICTIM_OF", "per_ghost", inc(c1), evidence=found.facts[0].evidence
                )
                out.append(Extraction(found.extractor, "es", found.nodes, [*found.facts, ghost]))
            else:
                out.append(found)
        return out

    summary = reextract(store, flaky, "toy/2").as_json()
    assert summary["reextracted"] == 1
    errors = {e["complaint"]: e["error"] for e in summary["errors"]}
    assert set(errors) == {c1, c2} and len(summary["errors"]) == 2
    assert errors[c2] == "unexpected RuntimeError"
    assert "per_ghost" in errors[c1]
    assert [get(store, c)["extractor"] for c in (c1, c2, c3)] == ["toy/1", "toy/1", "toy/2"]
    middle = snapshot(store)
    pedro = per("Pedro Soto Lima")
    assert f"WITNESS_OF {pedro} {inc(c1)}" in middle and pedro in middle  # rolled back
    for key, value in before.items():  # c1's and c2's facts are as they were
        if any(x in key for x in (c1, c2, inc(c1), inc(c1, 1), inc(c2))):
            assert middle.get(key) == value, key
    assert reextract(store, V2.many, "toy/2").as_json()["reextracted"] == 2
    finished = snapshot(store)
    delete_all_data(store, confirm=store.database)
    ingest(store, TEXT_1, TEXT_2, TEXT_3)
    reextract(store, V2.many, "toy/2")
    assert unnumbered(snapshot(store)) == unnumbered(finished)


REAL = [
    "El 14 de enero de 2024 el vigilante comunal Wilmer Odicio Estrella, de la Comunidad "
    "Nativa Santa Rosa de Alto Yanayacu, fue amenazado de muerte por Jhon Córdova Panduro "
    "en Puerto Inca, Huánuco.",
    "Ayer la defensora Rosa Huamán Quispe fue agredida por trabajadores de una maderera en "
    "Tahuanía, Ucayali. Wilmer Odicio Estrella presenció el ataque.",
]


@pytest.mark.slow
def test_the_real_pipeline_run_again_changes_no_fact_and_keeps_the_reviews(store: Store) -> None:
    nlp = NlpBatchExtractor(Extractor())
    cids = [
        receive(store, ComplaintIn(REAL[0], "2024-01-20T09:00:00Z")).id,
        receive(store, ComplaintIn(REAL[1], "2024-03-05T09:00:00Z", reported_at="2023-11-02")).id,
    ]
    assert set(process_batch(store, cids, nlp).values()) == {"extracted"}
    roles = [
        e
        for c in cids
        for r in neighbours(store, c)
        if r.type == "REPORTS"
        for e in neighbours(store, r.other.id)
        if e.type in ("VICTIM_OF", "PERPETRATOR_OF", "WITNESS_OF")
    ]
    victim = next(e for e in roles if e.type == "VICTIM_OF")
    other = next(e for e in roles if e.props["id"] != victim.props["id"])
    review_fact(store, "VICTIM_OF", str(victim.props["id"]), "confirmed", None, BY)
    review_fact(store, other.type, str(other.props["id"]), "rejected", "no", BY)
    older = [NodeRecord("Complaint", c, {"extractor": "defensores-nlp/0.0"}) for c in cids]
    upsert(store, older, partial=True)  # as if an older pipeline had extracted them
    before = snapshot(store)
    summary = reextract(store, nlp, VERSION, since="0.0").as_json()
    assert (summary["selected"], summary["reextracted"], summary["errors"]) == (2, 2, [])
    assert summary["facts"]["added"] == summary["facts"]["removed"] == 0
    assert summary["reviews_kept"] == 2 and summary["nodes_removed"] == 0
    after = snapshot(store)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == set(cids)  # only the complaints' own extractor
    for c in cids:
        assert json.loads(after[c])["extractor"] == VERSION


def test_an_actor_no_longer_found_leaves_with_its_unshared_name_keys(store: Store) -> None:
    text = "Denuncia cuatro.\nVICTIM Julia Vega Soto\nWITNESS Pedro Soto Lima [v1]\n"
    v1, v2 = (
        LineExtractor("toy/1", "v1", name_keys=True),
        LineExtractor("toy/2", "v2", name_keys=True),
    )
    cid = receive(store, ComplaintIn(text=text)).id
    process_batch(store, [cid], v1.many)
    keys = {line["p"]["id"] for line in backup.lines(store) if "NameKey" in line.get("n", [])}
    assert {"nk_w_soto", "nk_w_pedro", "nk_p_pedro_soto"} <= keys
    summary = reextract(store, v2.many, "toy/2").as_json()
    assert summary["nodes_removed"] == 1 and summary["facts"]["removed"] == 2
    left = {line["p"]["id"] for line in backup.lines(store) if "NameKey" in line.get("n", [])}
    assert get_node(store, per("Pedro Soto Lima")) is None
    assert "nk_w_soto" in left  # Julia's too
    assert left == {k for k in keys if "pedro" not in k and "lima" not in k}


def test_the_server_reextracts_on_start_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    import server
    from graph.errors import ConfigError
    from graph.store.config import Config, ReextractConfig

    assert ReextractConfig.from_env({}) == ReextractConfig(False, None)
    assert ReextractConfig.from_env({"DEFENSORES_REEXTRACT": "1"}) == ReextractConfig(True, None)
    since = ReextractConfig.from_env({"DEFENSORES_REEXTRACT_SINCE": "defensores-nlp/0.1"})
    assert since == ReextractConfig(True, "defensores-nlp/0.1")
    for env, name in (
        ({"DEFENSORES_REEXTRACT": "sometimes"}, "DEFENSORES_REEXTRACT must be 1 or 0"),
        ({"DEFENSORES_REEXTRACT_SINCE": "latest"}, "DEFENSORES_REEXTRACT_SINCE must be"),
    ):
        with pytest.raises(ConfigError, match=name):
            Config.from_env(env)

    class Unowned:  # _serve closes the store it opened
        def close(self) -> None:
            calls.append("closed")

    calls: list[object] = []
    monkeypatch.setattr(server, "open_store", lambda config: Unowned())

    def reextract_store(store: object, since: str | None) -> dict[str, object]:
        calls.append(("reextract", since))
        return {"errors": []}

    monkeypatch.setattr(server, "reextract_store", reextract_store)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append("served"))
    server._serve(Config.from_env({"DEFENSORES_REEXTRACT_SINCE": "0.1"}))
    assert calls == [("reextract", "0.1"), "served", "closed"]
    calls.clear()
    server._serve(Config.from_env({}))
    assert calls == ["served", "closed"]


def test_a_confirmed_suspicion_is_not_suspected_again(store: Store) -> None:
    text = (
        "Denuncia cinco.\nVICTIM Elena Paz Mori\nSUSPECT Raúl Tello Soria\n"
        "SUSPECT Hugo Lara Vidal [v1]\nPERP Hugo Lara Vidal [v2]\n"
    )
    [cid] = ingest(store, text)
    raul, hugo, incident = per("Raúl Tello Soria"), per("Hugo Lara Vidal"), inc(cid)
    review_fact(store, "SUSPECTED_OF", fact_id("SUSPECTED_OF", raul, incident), "confirmed",
                "la fiscalía lo imputa", BY)  # fmt: skip
    before = snapshot(store)
    assert f"PERPETRATOR_OF {raul} {incident}" in before
    summary = reextract(store, V2.many, "toy/2").as_json()
    assert summary["facts"] == {"added": 1, "removed": 1, "kept": 5}
    assert summary["reviews_kept"] == 1
    after = snapshot(store)
    assert [k for k in after if k.startswith("SUSPECTED_OF")] == []
    assert after[f"PERPETRATOR_OF {raul} {incident}"] == before[f"PERPETRATOR_OF {raul} {incident}"]
    hugo_perp = json.loads(after[f"PERPETRATOR_OF {hugo} {incident}"])
    assert hugo_perp["review"] == "extracted" and hugo_perp["sources"] == [cid]
    assert reextract(store, V2.many, "toy/2", since="2").as_json()["facts"]["added"] == 0
    assert snapshot(store) == after


def test_reextraction_is_an_ingest_and_reassesses_whom_the_new_facts_concern(
    store: Store,
) -> None:
    cids = ingest(store, TEXT_1, TEXT_2, TEXT_3)  # no alerts asked for: none assessed
    julia = per("Julia Vega Soto")  # only the v2 extractor finds her (in c2)
    done = run_ingest(store, (), V2.many, IngestOptions(again=Again("toy/2")))
    summary = done.as_json()
    assert summary["reextracted"] == 3 and summary["errors"] == []
    assert summary["after_intake"] == {"ok": True, "assessed": 3, "failed": 0}
    assert done.after is not None and done.after.assessed == set(cids)
    assert summary["alerts"] == 0  # one threat each: no level high enough for an alert
    found = get_node(store, julia)
    assert found is not None and found.props["risk_level"] == "low"  # assessed when she was found
    # nothing left to do: a second run re-assesses nobody
    again = run_ingest(store, (), V2.many, IngestOptions(again=Again("toy/2"))).as_json()
    assert again["selected"] == 0 and again["after_intake"]["assessed"] == 0


def test_reextraction_without_alerts_assesses_nobody_and_takes_no_new_complaint(
    store: Store,
) -> None:
    ingest(store, TEXT_2)
    quiet = IngestOptions(again=Again("toy/2"), alerts=False)
    summary = run_ingest(store, (), V2.many, quiet).as_json()
    assert summary["reextracted"] == 1
    assert summary["after_intake"] == {"ok": True, "skipped": True}
    julia = get_node(store, per("Julia Vega Soto"))
    assert julia is not None and "risk_level" not in julia.props
    arriving = [Arrival("inputs[0]", ComplaintIn(TEXT_1, "2024-03-05T10:00:00Z"))]
    with pytest.raises(ModelError, match="re-extraction takes no new complaints"):
        run_ingest(store, arriving, V2.many, quiet)
