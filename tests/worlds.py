"""Small invented worlds the tests load into a store: persons, complaints (one sealed),
incidents and facts with evidence. Names and texts are invented."""

from __future__ import annotations

from graph.access import audit
from graph.rows import Evidence, FactRecord, NodeRecord

# --- a complaint, a sealed one and a protected person (the IDOR and export tests) -----


def _idor_ev(cid: str, text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(cid, text, start, start + len(quote), "rule", 0.9)


def _complaint(cid: str, text: str, confidentiality: str) -> NodeRecord:
    return NodeRecord(
        "Complaint",
        cid,
        {
            "text": text,
            "sha256": cid * 4,
            "received_at": "2024-05-01T10:00:00Z",
            "status": "extracted",
            "confidentiality": confidentiality,
        },
    )


def case_world() -> tuple[list[NodeRecord], list[FactRecord]]:
    nodes, facts = world()
    nodes += [
        NodeRecord(
            "Case",
            "cas_dos",
            {"file_number": "CF 123-2024", "status": "open", "office": "Fiscalía de Satipo"},
        ),
        NodeRecord(
            "LandDispute",
            "dsp_dos",
            {"name": "Conflicto del río Ene", "driver": "coca", "status": "active"},
        ),
    ]
    facts += [
        FactRecord("INVESTIGATES", "cas_dos", "inc_pub"),
        FactRecord("INVESTIGATES", "cas_dos", "inc_sea"),
        FactRecord("ACCUSES", "cas_dos", "per_lucho"),
        FactRecord("PART_OF", "inc_pub", "dsp_dos"),
        FactRecord("PART_OF", "inc_sea", "dsp_dos"),
        FactRecord("PARTY_TO", "per_lucho", "dsp_dos", {"side": "respondent"}),
    ]
    return nodes, facts


PUBLIC_TEXT = "La defensora Rosa Quispe Huamán fue amenazada por Lucho Tapia en Satipo."


SEALED_TEXT = "El testigo Mario Ccori Puma vio a Lucho Tapia disparar contra la casa comunal."


SECRET = "disparar contra la casa comunal"


PROTECTED = "Rosa Quispe Huamán"


WITNESS = "Mario Ccori Puma"


def world() -> tuple[list[NodeRecord], list[FactRecord]]:
    nodes = [
        _complaint("cmp_pub", PUBLIC_TEXT, "public"),
        _complaint("cmp_sea", SEALED_TEXT, "sealed"),
        NodeRecord("Person", "per_rosa", {"name": PROTECTED, "protected": True, "defender": True}),
        NodeRecord("Person", "per_lucho", {"name": "Lucho Tapia", "aliases": ["el Tuerto"]}),
        NodeRecord("Person", "per_mario", {"name": WITNESS}),
        NodeRecord(
            "Incident", "inc_pub", {"type": "threat", "date": "2024-04-20", "summary": PUBLIC_TEXT}
        ),
        NodeRecord(
            "Incident",
            "inc_sea",
            {"type": "property_damage", "date": "2024-04-28", "summary": SEALED_TEXT},
        ),
    ]

    def pub(quote: str) -> Evidence:
        return _idor_ev("cmp_pub", PUBLIC_TEXT, quote)

    def sea(quote: str) -> Evidence:
        return _idor_ev("cmp_sea", SEALED_TEXT, quote)

    facts = [
        FactRecord("REPORTS", "cmp_pub", "inc_pub", evidence=pub("amenazada")),
        FactRecord("MENTIONS", "cmp_pub", "per_rosa", evidence=pub(PROTECTED)),
        FactRecord("MENTIONS", "cmp_pub", "per_lucho", evidence=pub("Lucho Tapia")),
        FactRecord("VICTIM_OF", "per_rosa", "inc_pub", evidence=pub(PROTECTED)),
        FactRecord("PERPETRATOR_OF", "per_lucho", "inc_pub", evidence=pub("Lucho Tapia")),
        FactRecord("REPORTS", "cmp_sea", "inc_sea", evidence=sea("disparar")),
        FactRecord("MENTIONS", "cmp_sea", "per_mario", evidence=sea(WITNESS)),
        FactRecord("MENTIONS", "cmp_sea", "per_lucho", evidence=sea("Lucho Tapia")),
        FactRecord("WITNESS_OF", "per_mario", "inc_sea", evidence=sea(WITNESS)),
        FactRecord("PERPETRATOR_OF", "per_lucho", "inc_sea", evidence=sea("Lucho Tapia")),
    ]
    return nodes, facts


# --- a small known graph (the API tests) ------------------------------------------------

KNOWN_TEXT = (
    "Ana Quíspe Mori, defensora de la Comunidad Nativa Nuevo Sol, fue amenazada por "
    "Bruno Tello Rengifo en Tahuanía el 3 de marzo de 2024."
)


def _known_ev(quote: str) -> Evidence:
    start = KNOWN_TEXT.index(quote)
    return Evidence("cmp_known", quote, start, start + len(quote), "rule", 0.9)


def known_graph() -> tuple[list[NodeRecord], list[FactRecord]]:
    nodes = [
        NodeRecord(
            "Complaint",
            "cmp_known",
            {
                "text": KNOWN_TEXT,
                "sha256": "0" * 64,
                "received_at": "2024-03-05T10:00:00Z",
                "confidentiality": "public",
                "status": "extracted",
                "channel": "web",
            },
        ),
        NodeRecord("Person", "per_a", {"name": "Ana Quíspe Mori", "gender": "female"}),
        NodeRecord("Person", "per_b", {"name": "Bruno Tello Rengifo", "aliases": ["el Chato"]}),
        NodeRecord("Person", "per_c", {"name": "Carmen Shuna Pezo"}),
        NodeRecord("Person", "per_d", {"name": "Delia Sinti Mahua"}),
        NodeRecord("Community", "com_x", {"name": "Nuevo Sol", "community_kind": "native"}),
        NodeRecord(
            "Organization",
            "org_m",
            {"name": "Maderera Río Sol E.I.R.L.", "kind": "company"},
        ),
        NodeRecord("LandDispute", "dsp_1", {"name": "Nuevo Sol / Río Sol", "driver": "logging"}),
        NodeRecord("Incident", "inc_1", {"type": "threat", "date": "2024-03-03", "severity": 3}),
        NodeRecord("Incident", "inc_2", {"type": "assault", "date": "2024-06", "severity": 4}),
        NodeRecord("Place", "plc_25", {"name": "Ucayali", "level": "region", "ubigeo": "25"}),
        NodeRecord("Place", "plc_2503", {"name": "Atalaya", "level": "province", "ubigeo": "2503"}),
        NodeRecord(
            "Place", "plc_250305", {"name": "Tahuanía", "level": "district", "ubigeo": "250305"}
        ),
        NodeRecord(
            "Place", "plc_150101", {"name": "Lima", "level": "district", "ubigeo": "150101"}
        ),
    ]
    facts = [
        FactRecord("REPORTS", "cmp_known", "inc_1", evidence=_known_ev("fue amenazada")),
        FactRecord("VICTIM_OF", "per_a", "inc_1", evidence=_known_ev("Ana Quíspe Mori")),
        FactRecord(
            "PERPETRATOR_OF",
            "per_b",
            "inc_1",
            {"status": "alleged"},
            evidence=_known_ev("amenazada por Bruno Tello Rengifo"),
        ),
        FactRecord("PERPETRATOR_OF", "per_b", "inc_2", {"status": "alleged"}),
        FactRecord("VICTIM_OF", "per_c", "inc_2"),
        FactRecord("MEMBER_OF", "per_c", "com_x", {"role": "apu"}),
        FactRecord("MEMBER_OF", "per_d", "com_x"),
        FactRecord("PARTY_TO", "com_x", "dsp_1", {"side": "claimant"}),
        FactRecord("PARTY_TO", "org_m", "dsp_1", {"side": "respondent"}),
        FactRecord("OCCURRED_IN", "inc_1", "plc_250305"),
        FactRecord("OCCURRED_IN", "inc_2", "plc_250305"),
        FactRecord("PART_OF", "plc_250305", "plc_2503"),
        FactRecord("PART_OF", "plc_2503", "plc_25"),
        FactRecord("MENTIONS", "cmp_known", "per_a", evidence=_known_ev("Ana Quíspe Mori")),
    ]
    return nodes, facts


def audit_entry(n: int) -> audit.Entry:
    """The n-th of a run of invented audit records (an analyst listing actors)."""
    return audit.Entry(
        who=f"user{n}",
        role="analyst",
        operation="actors",
        kind="query",
        variables_hash=audit.variables_hash({"n": n}),
        persons=[f"per_{n}"],
    )
