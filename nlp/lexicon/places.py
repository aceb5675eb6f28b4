"""Places by their words: level cues (distrito, province), names taken only with a cue.

With them the heads of rivers, towns and roads.
"""

from __future__ import annotations

LEVEL_CUES = {
    "distrito": "district",
    "district": "district",
    "provincia": "province",
    "province": "province",
    "región": "region",
    "region": "region",
    "departamento": "region",
    "department": "region",
}

# Place names that are also first names or common words: accepted only with a cue.
PLACE_STOPLIST = frozenset(
    {
        "maria",
        "jesus",
        "rosa",
        "santa rosa",
        "san juan",
        "independencia",
        "progreso",
        "union",
        "la union",
        "alto",
        "pueblo nuevo",
        "colon",
        "sucre",
        "bolivar",
        "grau",
        "tambo",
        "vilca",
        "victoria",
        "pampas",
        "paz",
        "la paz",
        "ocros",
        "castilla",
        "chavin",
        "la esperanza",
        "esperanza",
        "san pablo",
        "san pedro",
        "santo domingo",
        "libertad",
        "yauli",
        "huaya",
        "soritor",
        "san jose",
        "jose",
        "carmen",
        "el carmen",
        "la merced",
        "santiago",
        "lucma",
        "nazca",
        "ica",
        "ilo",
        "uchiza",
    }
)

RIVER_HEADS = frozenset(
    {
        "río",
        "rio",
        "quebrada",
        "laguna",
        "lago",
        "cerro",
        "caserío",
        "caserio",
        "sector",
        "anexo",
        "centro poblado",
        "asentamiento",
        "predio",
        "fundo",
        "comunidad",
        "village",
        "hamlet",
    }
)

RIVER_TAILS = frozenset({"river", "creek", "lake"})

# words before a town's name that make it a place: "en Quillabamba", "near Atalaya"
TOWN_PREPOSITIONS = frozenset({"en", "in", "desde", "hacia", "hasta", "near", "at"})

# heads kept in the span ("centro poblado La Pampa") and cues left out ("town of X")
TOWN_HEADS = (("centro", "poblado"), ("c.p.",))

TOWN_CUES = (
    ("localidad", "de"),
    ("poblado", "de"),
    ("pueblo", "de"),
    ("ciudad", "de"),
    ("town", "of"),
    ("village", "of"),
    ("city", "of"),
)

ROAD_HEADS = frozenset({"carretera", "puente", "trocha", "via"})

DASHES = frozenset({"-", "–", "—"})
