"""Redaction of persons' names in free text (pure: no store)."""

from __future__ import annotations

from graph.access.redaction import PLACEHOLDER, Redactor, Subject, fold_keep_length

ROSA = Subject("Persona 3", ("Rosa Quispe Huamán", "Rosita", "la lideresa Quispe"))
JUAN = Subject("Persona 9", ("Juan Carlos Quispe Mamani",))


def test_folding_keeps_every_offset() -> None:
    text = "Señora ÁNGELA Ñahui, Œuvre ß"
    folded = fold_keep_length(text)
    assert len(folded) == len(text)
    assert folded.startswith("senora angela nahui")


def test_names_and_aliases_are_replaced_whatever_the_accents_and_case() -> None:
    r = Redactor([ROSA])
    out = r.redact("La defensora ROSA QUISPE HUAMAN denunció; rosa quispe huamán fue amenazada.")
    assert out == "La defensora Persona 3 denunció; Persona 3 fue amenazada."
    assert r.redact("Rosita salió.") == "Persona 3 salió."


def test_a_single_name_written_as_a_name_is_replaced_but_not_a_common_word() -> None:
    r = Redactor([Subject("Persona 4", ("Ana Flores Ríos",))])
    assert r.redact("Flores declaró ante la fiscalía.") == "Persona 4 declaró ante la fiscalía."
    assert r.redact("Llevaba flores al río.") == "Llevaba flores al río."
    assert r.redact("FLORES fue detenida") == "Persona 4 fue detenida"


def test_a_word_two_persons_share_gives_away_neither() -> None:
    r = Redactor([ROSA, JUAN])
    out = r.redact("Quispe fue visto con Juan Carlos Quispe Mamani.")
    assert out == f"{PLACEHOLDER} fue visto con Persona 9."
    assert "Persona 3" not in out


def test_spans_come_first_and_offsets_do_not_drift() -> None:
    text = "El apu denunció. Luego el apu y Rosa Quispe Huamán viajaron."
    apu = Subject("Persona 1", ("Teodoro Grández",), ((0, 6), (23, 29)))
    out = Redactor([apu, ROSA]).redact(text, spans=True)
    assert out == "Persona 1 denunció. Luego Persona 1 y Persona 3 viajaron."
    # without spans (a quote, not the complaint) the span offsets are not used
    assert Redactor([apu]).redact(text) == text


def test_no_subjects_no_change() -> None:
    assert Redactor([]).redact("Rosa Quispe") == "Rosa Quispe"
    assert not Redactor([])


def test_names_of_other_nodes_are_screened_but_the_gazetteer_s_are_public() -> None:
    from graph.access.names import screen
    from graph.store.repository import NodeView

    r = Redactor([ROSA, Subject("Persona 5", ("Mario Satipo Cruz",))])
    place = NodeView("Place", ("Place",), {"id": "plc_x", "name": "Quispe afirmó además",
                                           "name_norm": "quispe afirmo ademas"})  # fmt: skip
    shown = screen(place, r)
    assert shown.props["name"] == "Persona 3 afirmó además"
    assert shown.props["name_norm"] == "persona 3 afirmo ademas"
    district = NodeView("Place", ("Place",), {"id": "plc_s", "name": "Satipo", "ubigeo": "1206"})
    assert screen(district, r) is district  # redacting it would tell who is called so
    case = NodeView("Case", ("Case",), {"id": "cas_x", "file_number": "F-1",
                                        "office": "Despacho de Rosita"})  # fmt: skip
    assert screen(case, r).props["office"] == "Despacho de Persona 3"
    org = NodeView("Organization", ("Actor", "Organization"), {"id": "org_x", "name": "Rosa "
                   "Quispe Huamán", "aliases": ["ROSITA"], "aliases_norm": ["rosita"]})  # fmt: skip
    shown = screen(org, r)
    assert (shown.props["name"], shown.props["aliases"]) == ("Persona 3", ["Persona 3"])
    assert shown.props["aliases_norm"] == ["persona 3"]
    plain = NodeView("Place", ("Place",), {"id": "plc_y", "name": "Puerto Ocopa"})
    assert screen(plain, r) is plain
