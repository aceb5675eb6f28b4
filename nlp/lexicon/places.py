"""Places by their words: level cues (distrito, province), names taken only with a cue.

With them the heads of rivers, towns and roads: single words that mark a feature in the
text (``ROAD_HEADS``, ``RIVER_HEADS``) and the phrases stripped from a name before it is
looked up (``LOCALITY_HEADS``, ``ROAD_NAME_HEADS``, ``WATER_HEADS`` and their tails); and the
populated places whose names are also common words (``LOCALITY_STOPLIST``).
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

# words that open the name of a populated place, dropped before the look-up
LOCALITY_HEADS = (
    "centro poblado de",
    "centro poblado",
    "c p",
    "caserio de",
    "caserio",
    "anexo de",
    "anexo",
    "sector de",
    "sector",
    "localidad de",
    "poblado de",
    "pueblo de",
    "ciudad de",
    "the town of",
    "town of",
    "the village of",
    "village of",
    "the city of",
    "city of",
)


ROAD_NAME_HEADS = ("carretera", "via", "trocha", "camino a", "camino", "road to", "puente")


ROAD_TAILS = ("highway", "road", "bridge")


WATER_HEADS = ("rio", "quebrada", "laguna", "lago", "cuenca del", "cuenca de")


WATER_TAILS = ("river", "creek", "lake", "basin")


# Populated places whose names are also common words, surnames or foreign places: they
# are places only with a cue ("caserío Toma"), never from a preposition or the model.
LOCALITY_STOPLIST = frozenset(
    {
        # common words
        "alegria",
        "alerta",
        "andas",
        "arma",
        "caja",
        "caldera",
        "calzada",
        "canaria",
        "capillas",
        "caras",
        "centenario",
        "chupa",
        "colonia",
        "concordia",
        "copa",
        "crucero",
        "cuenca",
        "el alto",
        "el descanso",
        "el sol",
        "el verde",
        "gallito",
        "hongos",
        "huertas",
        "imperial",
        "independencia",
        "ingenio",
        "el ingenio",
        "jardin",
        "la arena",
        "la banda",
        "la capilla",
        "la cuesta",
        "la curva",
        "la grama",
        "la horca",
        "la matanza",
        "la pared",
        "la pareja",
        "la pena",
        "la soledad",
        "la raya",
        "la pampa",
        "la quebrada",
        "las lomas",
        "lagunas",
        "lajas",
        "llama",
        "lomas",
        "madrigal",
        "mala",
        "manta",
        "mara",
        "marca",
        "marcas",
        "marco",
        "mariposa",
        "maravillas",
        "maya",
        "mayas",
        "molino",
        "molinos",
        "mosca",
        "naranjos",
        "palo",
        "palco",
        "pausa",
        "poroto",
        "progreso",
        "providencia",
        "rosario",
        "sana",
        "sano",
        "santa",
        "sauce",
        "siempre viva",
        "soledad",
        "suyo",
        "toma",
        "toro",
        "trapiche",
        "trinidad",
        "vice",
        "linderos",
        "nueva vida",
        "nueva luz",
        "buena vista",
        "vista alegre",
        "monte bello",
        "choco",
        "circa",
        "sion",
        "moro",
        "tambo",
        "palma",
        "colorado",
        # surnames (and a saint's name) that are also towns
        "mendoza",
        "quispe",
        "salas",
        "morales",
        "navarro",
        "mejia",
        "cordova",
        "collazos",
        "huanca",
        "bernal",
        "coronado",
        "frias",
        "montero",
        "pantoja",
        "talavera",
        "zapatero",
        "roque",
        "tomas",
        "moya",
        "bolivar",
        "sucre",
        "deustua",
        "orellana",
        "laredo",
        "oropesa",
        "pinto",
        "santiago",
        "soraya",
        "nicasio",
        "magdalena",
        "granada",
        "castillo",
        "herrera",
        "vargas",
        "ramos",
        "flores",
        "torres",
        "campos",
        "rivera",
        "vega",
        "cabrera",
        "guzman",
        # foreign places
        "asia",
        "habana",
        "indiana",
        "islandia",
        "iberia",
        "leticia",
        "montevideo",
        "ucrania",
        "costa rica",
        "puerto rico",
        "ambato",
        "cochabamba",
        "salamanca",
        "venecia",
        "buenos aires",
        "los angeles",
        "san francisco",
    }
)

RIVER_CUES = (
    "rio {}",
    "{} river",
    "river {}",
    "cuenca del {}",
    "cuenca del rio {}",
    "{} basin",
    "orillas del {}",
    "ribera del {}",
    "margen del {}",
    "banks of the {}",
)


ROAD_CUES = ("carretera {}", "via {}", "{} highway", "{} road")


BRIDGE_CUES = ("puente {}", "{} bridge")


# the short heads a protected area is also named by ("la reserva El Sira", "PN Manu")
AREA_HEADS = {
    "parque nacional": ("parque", "pn"),
    "reserva nacional": ("reserva", "rn"),
    "reserva comunal": ("reserva", "rc"),
    "reserva paisajística": ("reserva",),
    "reserva indígena": ("reserva", "reserva territorial"),
    "santuario nacional": ("santuario", "sn"),
    "santuario histórico": ("santuario", "sh"),
    "bosque de protección": ("bosque", "bp"),
    "zona reservada": ("zr",),
    "área de conservación regional": ("acr", "area de conservacion"),
}


AREA_TAILS_EN = ("reserve", "park", "sanctuary", "forest", "refuge", "reserved zone")
