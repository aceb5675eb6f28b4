"""Issue 16's measures on the real-style reporting set, and the measures themselves.

The floors are the issue's FLOOR column; the pipeline reaches every one of them. The rules
were tuned on this set, so these figures are an upper bound of what unseen reporting gets.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nlp.gold import Gold, Prediction, from_result, load_gold
from nlp.likeness import REVIEW_FLOOR, review, review_candidate
from nlp.measures import (
    MEASURES,
    DocPair,
    dates_found,
    entity_recall,
    evaluate_reporting,
    incident_ratio,
    measure_report,
    merged_across,
    merged_within,
    perpetrators_found,
    places_linked,
    reporting_table,
    same_person_across,
    types_found,
    victims_found,
    wrong_accusations,
)
from nlp.pipeline import Extractor
from nlp.result import DocResult, Entity, Evidence, Incident, Relation
from tests.paths import DATA, ROOT

REPORTING = DATA / "reporting"
UBIGEO = ROOT / "nlp" / "gazetteer" / "ubigeo.json"

# --- the set -------------------------------------------------------------------------


def test_the_set_has_forty_texts_in_spanish_and_english() -> None:
    docs = load_gold(REPORTING)
    assert sum(d.language == "es" for d in docs) >= 1
    assert sum(d.language == "en" for d in docs) >= 1
    assert len(docs) >= 40


def test_every_file_is_well_formed() -> None:
    codes = {p["ubigeo"] for p in json.loads(UBIGEO.read_text(encoding="utf-8"))}
    problems: list[str] = []
    for path in sorted(REPORTING.glob("*/*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        ids = {e["id"] for e in raw["entities"]}
        where = raw["id"]
        if path.stem != where or raw["language"] != path.parent.name:
            problems.append(f"{path.name}: id or language differs from its path")
        if raw.get("reported_at") and raw["reported_at"][:10] > raw["received_at"][:10]:
            problems.append(f"{where}: reported after it was received")
        for e in raw["entities"]:
            problems += [
                f"{where}: {m!r} is not in the text" for m in e["mentions"] if m not in raw["text"]
            ]
            if e["type"] == "place" and e.get("ubigeo"):
                if e["ubigeo"] not in codes:
                    problems.append(f"{where}: no UBIGEO {e['ubigeo']}")
                if e.get("region") != e["ubigeo"][:2]:
                    problems.append(f"{where}: {e['canonical']} region is not its UBIGEO's")
        refs = [*raw.get("not_perpetrators", [])]
        for inc in raw["incidents"]:
            refs += [*inc["perpetrators"], *inc["victims"], *inc.get("witnesses", [])]
            refs += [inc["place"]] if inc.get("place") else []
        problems += [f"{where}: no entity {r}" for r in refs if r not in ids]
    assert problems == []


# --- the floors (issue 16) ---------------------------------------------------------------


FLOORS = [
    pytest.param("wrong_accusations", 0, id="no-wrong-accusation"),
    pytest.param("merged_within", 0, id="no-merge-within"),
    pytest.param("incident_ratio", 1.4, id="incident-ratio"),
    pytest.param("victims", 0.80, id="victims"),
    pytest.param("perpetrators", 0.70, id="perpetrators"),
    pytest.param("places", 0.90, id="places"),
    pytest.param("types", 0.85, id="types"),
    pytest.param("dates", 0.65, id="dates"),
    pytest.param("entity_recall", 0.88, id="entity-recall"),
    pytest.param("same_person", 0.85, id="same-person-across"),
    pytest.param("merged_across", 0, id="no-merge-across"),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def report(extractor: Extractor) -> dict[str, Any]:
    return evaluate_reporting(REPORTING, extractor)


def test_the_report_has_every_measure_per_language(report: dict[str, Any]) -> None:
    assert set(report["measures"]) == {s.key for s in MEASURES}
    for entry in report["measures"].values():
        assert set(entry["by_language"]) == {"es", "en"}
    lines = list(reporting_table(report))
    assert all(any(line.startswith(s.label) for line in lines) for s in MEASURES)


@pytest.mark.parametrize(("key", "floor"), FLOORS)
def test_floor(report: dict[str, Any], key: str, floor: float) -> None:
    spec = next(s for s in MEASURES if s.key == key)
    assert spec.floor == floor  # the table printed by nlp.evaluate shows the same floor
    value = report["measures"][key]["value"]
    assert value is not None, f"{spec.label}: nothing to measure"
    assert value <= floor if spec.at_most else value >= floor, f"{spec.label}: {value}"


# --- the measures, on hand-made texts ------------------------------------------------------

TEXT = (
    "Ayer mataron a Ana Ríos Tapia en Puerto Inca, cerca del río Ene. "
    "El fiscal Luis Soto Vela llegó a la escena. La PNP detuvo a Jhon Córdova Panduro. "
    "Wilder Tapullima Ríos y Cristóbal Tapullima Ríos, sus vecinos, vieron todo; "
    "Tapullima contó que el crimen ocurrió de noche."
)


def _ev(text: str, surface: str) -> Evidence:
    start = text.index(surface)
    return Evidence(start, start + len(surface), text, 0, "rule", 0.9)


def _ent(key: str, etype: str, canonical: str, *surfaces: str, ubigeo: str | None = None) -> Entity:
    spans = [_ev(TEXT, s) for s in (surfaces or (canonical,))]
    return Entity(key, etype, canonical, ubigeo=ubigeo, mentions=spans)


def _inc(itype: str, **roles: Any) -> Incident:
    return Incident(itype, _ev(TEXT, "mataron"), **roles)


def _g(eid: str, etype: str, canonical: str, *mentions: str, **extra: Any) -> dict[str, Any]:
    return {"id": eid, "type": etype, "canonical": canonical, "mentions": [*mentions], **extra}


GOLD_ENTITIES = [
    _g("e1", "person", "Ana Ríos Tapia", "Ana Ríos Tapia", actor="ana"),
    _g("e2", "person", "Luis Soto Vela", "Luis Soto Vela", actor="soto"),
    _g("e3", "person", "Jhon Córdova Panduro", "Jhon Córdova Panduro", actor="cordova"),
    _g("e4", "organization", "Policía Nacional del Perú", "PNP", actor="pnp"),
    _g("e5", "place", "Puerto Inca", "Puerto Inca", ubigeo="100901", region="10"),
    _g("e6", "place", "río Ene", "río Ene", ubigeo=None, region="12"),
    _g("e7", "person", "Wilder Tapullima Ríos", "Wilder Tapullima Ríos", "Tapullima", actor="w"),
    _g("e8", "person", "Cristóbal Tapullima Ríos", "Cristóbal Tapullima Ríos", "Tapullima"),
]
KILLING = {
    "type": "killing",
    "date": "2024-03-07",
    "date_precision": "day",
    "place": "e5",
    "perpetrators": ["e3"],
    "victims": ["e1"],
    "witnesses": [],
}


def _gold(doc_id: str = "rep-es-901", **changes: Any) -> Gold:
    fields: dict[str, Any] = {
        "entities": GOLD_ENTITIES,
        "incidents": [KILLING],
        "not_perpetrators": ["e1", "e2", "e7", "e8"],
        **changes,
    }
    return Gold(
        doc_id,
        "es",
        date(2024, 3, 11),
        TEXT,
        fields["entities"],
        fields["incidents"],
        date(2024, 3, 8),
        fields["not_perpetrators"],
    )


def _entities() -> list[Entity]:
    return [
        _ent("ana", "person", "Ana Ríos Tapia"),
        _ent("soto", "person", "Luis Soto Vela"),
        _ent("cordova", "person", "Jhon Córdova Panduro"),
        _ent("pnp", "organization", "Policía Nacional del Perú", "PNP"),
        _ent("inca", "place", "Puerto Inca", ubigeo="100901"),
        _ent("ene", "place", "río Ene"),
        _ent("wilder", "person", "Wilder Tapullima Ríos"),
        _ent("cristobal", "person", "Cristóbal Tapullima Ríos"),
    ]


def _good_incident() -> Incident:
    return _inc(
        "killing",
        date="2024-03-07",
        date_precision="day",
        perpetrators=["cordova"],
        victims=["ana"],
    )


def _pair(
    incidents: list[Incident] | None = None,
    entities: list[Entity] | None = None,
    gold: Gold | None = None,
) -> DocPair:
    result = DocResult(
        "es",
        True,
        entities if entities is not None else _entities(),
        incidents if incidents is not None else [_good_incident()],
    )
    return DocPair(gold or _gold(), from_result(result, TEXT))


def test_a_good_extraction_passes_every_text_measure() -> None:
    docs = [_pair()]
    assert wrong_accusations(docs).value == 0
    assert merged_within(docs).value == 0
    assert incident_ratio(docs).value == 1.0
    assert victims_found(docs).value == 1.0
    assert perpetrators_found(docs).value == 1.0
    assert types_found(docs).value == 1.0
    assert dates_found(docs).value == 1.0
    assert entity_recall(docs).value == 1.0


def test_the_prosecutor_made_the_killer_is_a_wrong_accusation() -> None:
    m = wrong_accusations([_pair([_inc("killing", perpetrators=["soto"], victims=["ana"])])])
    assert m.value == 1
    assert m.parts == {"pairs": 1}
    assert m.failures == [
        "rep-es-901: Luis Soto Vela — in not_perpetrators (made perpetrator of a killing)"
    ]


def test_a_suspect_is_not_an_accusation_and_not_a_perpetrator_found() -> None:
    docs = [_pair([_inc("killing", suspects=["soto", "cordova"], victims=["ana"])])]
    assert wrong_accusations(docs).value == 0
    m = perpetrators_found(docs)
    assert m.value == 0.0
    assert m.failures == ["rep-es-901: Jhon Córdova Panduro — only a suspect"]


def test_an_actor_accused_of_nothing_in_gold_is_a_wrong_accusation() -> None:
    junk = _ent("junk", "organization", "Escena", "escena")  # a word taken for an organisation
    incidents = [_inc("killing", perpetrators=["junk", "pnp"], victims=["ana"])]
    m = wrong_accusations([_pair(incidents, [*_entities(), junk])])
    assert (m.value, m.parts) == (1, {"pairs": 2})
    assert m.failures == [
        "rep-es-901: Escena — not a gold entity (made perpetrator of a killing)",
        "rep-es-901: Policía Nacional del Perú — perpetrator of no gold incident "
        "(made perpetrator of a killing)",
    ]


def test_brothers_merged_into_one_person() -> None:
    entities = [e for e in _entities() if e.key != "cristobal"]
    entities[-1] = _ent(
        "wilder",
        "person",
        "Wilder Tapullima Ríos",
        "Wilder Tapullima Ríos",
        "Cristóbal Tapullima Ríos",
    )
    m = merged_within([_pair(entities=entities)])
    assert m.value == 1
    assert m.failures == [
        "rep-es-901: 'Wilder Tapullima Ríos' merges "
        "Wilder Tapullima Ríos + Cristóbal Tapullima Ríos"
    ]


def test_a_surname_both_brothers_share_does_not_count_as_a_merge() -> None:
    entities = [*_entities(), _ent("surname", "person", "Tapullima")]
    assert merged_within([_pair(entities=entities)]).value == 0


def test_one_killing_told_three_times_is_three_incidents() -> None:
    m = incident_ratio([_pair([_good_incident(), _good_incident(), _inc("killing")])])
    assert m.value == 3.0
    assert m.failures == ["rep-es-901: 3 extracted (killing×3) for 1 (killing)"]


def test_a_victim_found_in_another_role_is_not_found() -> None:
    m = victims_found([_pair([_inc("killing", perpetrators=["ana"])])])
    assert m.value == 0.0
    assert m.failures == ["rep-es-901: Ana Ríos Tapia — only a perpetrator"]
    unseen = [e for e in _entities() if e.key != "ana"]
    assert victims_found([_pair(entities=unseen)]).failures == [
        "rep-es-901: Ana Ríos Tapia — not recognised"
    ]


def test_a_river_without_a_code_is_not_linked_to_its_region() -> None:
    m = places_linked([_pair()])
    assert (m.found, m.total) == (1, 2)
    assert m.failures == ["rep-es-901: río Ene (region 12) — no UBIGEO"]
    entities = _entities()
    entities[5] = _ent("ene", "place", "río Ene", ubigeo="1206")
    assert places_linked([_pair(entities=entities)]).value == 1.0
    entities[5] = _ent("ene", "place", "río Ene", ubigeo="1009")  # the wrong region
    assert places_linked([_pair(entities=entities)]).value == 0.5


def test_a_threat_does_not_find_a_killing() -> None:
    m = types_found([_pair([_inc("threat", victims=["ana"])])])
    assert m.value == 0.0
    assert m.failures == ["rep-es-901: killing 2024-03-07 — no killing left (predicted: threat)"]


def test_a_date_must_agree_at_the_gold_precision() -> None:
    month = _inc("killing", date="2024-03", date_precision="month", victims=["ana"])
    m = dates_found([_pair([month])])
    assert m.value == 0.0
    assert m.failures == ["rep-es-901: killing 2024-03-07 (day) — got 2024-03 (month)"]
    by_month = {**KILLING, "date": "2024-03", "date_precision": "month"}
    assert dates_found([_pair(gold=_gold(incidents=[by_month]))]).value == 1.0
    undated = {**KILLING, "date": None, "date_precision": "unknown"}
    assert dates_found([_pair(gold=_gold(incidents=[undated]))]).total == 0


def test_the_date_prefers_the_matching_incident_among_equals() -> None:
    wrong = _inc("killing", date="2023-01-01", date_precision="day", victims=["ana"])
    right = _inc("killing", date="2024-03-07", date_precision="day", victims=["ana"])
    assert dates_found([_pair([wrong, right])]).value == 1.0


def test_entity_recall_names_what_was_missed() -> None:
    m = entity_recall([_pair(entities=[e for e in _entities() if e.key != "ene"])])
    assert (m.found, m.total) == (7, 8)
    assert m.failures == ["rep-es-901: place río Ene"]


def _person_doc(doc_id: str, canonical: str, actor: str, member_of: str | None = None) -> DocPair:
    text = f"{canonical} fue amenazado. Es dirigente de la Comunidad Nativa Unipacuyacu."
    person = Entity("p", "person", canonical, mentions=[_ev(text, canonical)])
    community = Entity(
        "c",
        "community",
        "Comunidad Nativa Unipacuyacu",
        mentions=[_ev(text, "Comunidad Nativa Unipacuyacu")],
    )
    relations = (
        [Relation("member_of", "p", "c", "dirigente", _ev(text, "dirigente"))] if member_of else []
    )
    result = DocResult("es", True, [person, community], [], relations)
    gold = Gold(
        doc_id,
        "es",
        date(2024, 3, 11),
        text,
        [_g("e1", "person", canonical, canonical, actor=actor)],
        [],
    )
    return DocPair(gold, from_result(result, text))


def test_the_same_person_in_two_reports_one_node_candidate_or_neither() -> None:
    one = [
        _person_doc("a", "Wilder Tapullima Ríos", "w"),
        _person_doc("b", "Wilder Tapuyima Ríos", "w"),
    ]
    assert same_person_across(one).parts == {"one_node": 1, "review_candidate": 0, "neither": 0}
    dropped = [
        _person_doc("a", "Wilder Tapullima Ríos", "w"),
        _person_doc("b", "Wilder Tapullima", "w"),
    ]
    assert same_person_across(dropped).parts == {
        "one_node": 0,
        "review_candidate": 1,
        "neither": 0,
    }
    apart = [
        _person_doc("a", "Rosa Shuña Pérez", "r"),
        _person_doc("b", "Rosa Elvira Cuñachi", "r"),
    ]
    m = same_person_across(apart)
    assert m.value == 0.0
    assert m.failures[0].startswith("r: a 'Rosa Shuña Pérez' / b 'Rosa Elvira Cuñachi' — neither")
    # every word spelt differently: alike (95), but no index key in common, so neither
    misspelt = [
        _person_doc("a", "Edwin Chumpate Mayta", "e"),
        _person_doc("b", "Edwuin Chumpati Maita", "e"),
    ]
    assert same_person_across(misspelt).parts["neither"] == 1
    unseen = DocPair(_person_doc("b", "Wilder Tapullima", "w").gold, Prediction([]))
    assert same_person_across([one[0], unseen]).failures == [
        "w: a 'Wilder Tapullima Ríos' / b 'Wilder Tapullima (not recognised)' — not recognised"
    ]


def test_a_shared_community_lifts_a_likely_pair_to_a_candidate() -> None:
    a, b = "Rosa Huamán Tello", "Rosa Huamán Cárdenas"
    assert review_candidate(a, b) is None  # the names alone are under the floor
    assert review_candidate(a, b, shared=1) is not None
    alone = [_person_doc("a", a, "e"), _person_doc("b", b, "e")]
    placed = [_person_doc("a", a, "e", member_of="c"), _person_doc("b", b, "e", member_of="c")]
    assert same_person_across(alone).found == 0
    assert same_person_across(placed).parts["review_candidate"] == 1


def test_review_adds_the_context_bonus_only_under_the_floor() -> None:
    assert review(REVIEW_FLOOR - 5, 0) is None
    assert review(REVIEW_FLOOR - 5, 2) == (
        REVIEW_FLOOR + 5,
        "names alike (75); 2 shared community or organisation",
    )
    assert review(95.0, 3) == (95.0, "names alike (95)")


def test_namesakes_in_two_reports_merged_into_one_node() -> None:
    docs = [_person_doc("a", "Juan Quispe", "juan-1"), _person_doc("b", "Juan Quispe", "juan-2")]
    m = merged_across(docs)
    assert m.value == 1
    assert m.failures == ["juan-1 = juan-2: a 'Juan Quispe' = b 'Juan Quispe'"]
    assert merged_across([docs[0], _person_doc("b", "Juan Quispe Soto", "juan-2")]).value == 0


def test_the_report_is_per_language_with_floors() -> None:
    en = _pair(gold=_gold("rep-en-901"))
    en.gold.language = "en"
    bad = _pair([_inc("killing", perpetrators=["soto"])])
    report = measure_report([bad, en])
    acc = report["measures"]["wrong_accusations"]
    assert (acc["value"], acc["meets_floor"]) == (1, False)
    assert acc["by_language"]["es"]["value"] == 1
    assert acc["by_language"]["en"]["value"] == 0
    assert report["measures"]["victims"]["by_language"]["en"]["value"] == 1.0


def test_the_reference_date_is_the_publication_date(tmp_path: Path) -> None:
    folder = tmp_path / "es"
    folder.mkdir()
    doc = {
        "id": "rep-es-001",
        "language": "es",
        "reported_at": "2024-03-08",
        "received_at": "2024-03-11T15:00:00Z",
        "text": "x",
        "entities": [],
        "incidents": [],
        "not_perpetrators": [],
    }
    (folder / "rep-es-001.json").write_text(json.dumps(doc), encoding="utf-8")
    (gold,) = load_gold(tmp_path)
    assert gold.reference == date(2024, 3, 8)
    del doc["reported_at"]
    (folder / "rep-es-001.json").write_text(json.dumps(doc), encoding="utf-8")
    assert load_gold(tmp_path)[0].reference == date(2024, 3, 11)
