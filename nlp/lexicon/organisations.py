"""Organisations and communities by their words: the heads and tails of their names.

Each head or tail gives the kind of the organisation; with them legal suffixes, the cues of a
criminal gang, the nouns of the police and the nominals ("la empresa") that refer back.
"""

from __future__ import annotations

import re

LEGAL_SUFFIXES = frozenset(
    {
        "s.a.c.",
        "sac",
        "s.a.c",
        "s.a.",
        "sa",
        "s.a",
        "e.i.r.l.",
        "eirl",
        "e.i.r.l",
        "s.r.l.",
        "srl",
        "s.r.l",
        "s.a.a.",
        "saa",
        "inc.",
        "ltd.",
        "llc",
        "corp.",
        "s.a.c.s",
    }
)

# Words that open an organisation's name, with the kind they give it.
ORG_HEADS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("fiscalía",), "prosecutor_office"),
    (("fiscalia",), "prosecutor_office"),
    (("primera", "fiscalía"), "prosecutor_office"),
    (("segunda", "fiscalía"), "prosecutor_office"),
    (("procuraduría",), "state_agency"),
    (("juzgado",), "state_agency"),
    (("corte", "superior"), "state_agency"),
    (("sala", "penal"), "state_agency"),
    (("comisaría",), "police"),
    (("comisaria",), "police"),
    (("municipalidad",), "state_agency"),
    (("gobierno", "regional"), "state_agency"),
    (("dirección", "regional"), "state_agency"),
    (("direccion", "regional"), "state_agency"),
    (("prefectura",), "state_agency"),
    (("subprefectura",), "state_agency"),
    (("federación",), "federation"),
    (("federacion",), "federation"),
    (("confederación",), "federation"),
    (("organización", "regional"), "federation"),
    (("organizacion", "regional"), "federation"),
    (("central", "asháninka"), "federation"),
    (("consejo", "machiguenga"), "federation"),
    (("frente", "de", "defensa"), "federation"),
    (("rondas", "campesinas"), "federation"),
    (("ronda", "campesina"), "federation"),
    (("empresa",), "company"),
    (("compañía", "minera"), "company"),
    (("compania", "minera"), "company"),
    (("minera",), "company"),
    (("maderera",), "company"),
    (("forestal",), "company"),
    (("agroindustrial",), "company"),
    (("agropecuaria",), "company"),
    (("petrolera",), "company"),
    (("palmeras",), "company"),
    (("palmas",), "company"),
    (("inversiones",), "company"),
    (("federation",), "federation"),
    (("prosecutor's", "office"), "prosecutor_office"),
    (("regional", "government", "of"), "state_agency"),
    (("gerencia", "regional"), "state_agency"),
    (("asociación",), "federation"),
    (("asociacion",), "federation"),
    (("association",), "federation"),
    (("coordinadora",), "federation"),
    (("radio",), "media"),
    (("centro",), "ngo"),
    (("organización",), "federation"),
    (("organizacion",), "federation"),
    (("instituto",), "ngo"),
)

ORG_TAILS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("mining", "company"), "company"),
    (("mining",), "company"),
    (("logging", "company"), "company"),
    (("prosecutor's", "office"), "prosecutor_office"),
    (("federation",), "federation"),
)

COMMUNITY_HEADS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("comunidad", "nativa"), "native"),
    (("comunidad", "campesina"), "campesina"),
    (("native", "community", "of"), "native"),
    (("indigenous", "community", "of"), "native"),
    (("campesino", "community", "of"), "campesina"),
    (("peasant", "community", "of"), "campesina"),
    (("comunidad",), "native"),
    (("cn",), "native"),
    (("c.n.",), "native"),
    (("cc",), "campesina"),
    (("c.c.",), "campesina"),
)

COMMUNITY_TAILS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("native", "community"), "native"),
    (("indigenous", "community"), "native"),
    (("campesino", "community"), "campesina"),
    (("peasant", "community"), "campesina"),
)

GANG_CUES = frozenset(
    {
        "banda",
        "bandas",
        "organizacion",
        "criminal",
        "clan",
        "gang",
        "grupo",
        "group",
        "denominada",
        "denominado",
        "conocida",
        "conocido",
        "called",
        "known",
        "sicarios",
    }
)

POLICE_NOUNS = re.compile(
    r"\b(?:los\s+|las\s+|unos\s+|dos\s+|tres\s+|varios\s+)?(?:policías|policias|efectivos\s+"
    r"policiales|efectivos\s+de\s+la\s+policía|agentes\s+policiales|agentes\s+de\s+la\s+"
    r"policía|police\s+officers|policemen|the\s+police|la\s+polic[ií]a)\b",
    re.IGNORECASE,
)

JUNK_ORGANIZATION = re.compile(
    r"^(?:ning[uú]n\w*|alg[uú]n\w*|otr[oa]s?|vari[oa]s|no|any|some|another)\b", re.IGNORECASE
)

COMMUNITY_WORDS = re.compile(
    r"^(?:la\s+|the\s+)?(?:comunidad\s+(?:nativa|campesina)|comunidad|c\.?\s?n\.?|c\.?\s?c\.?|"
    r"native\s+community|indigenous\s+community|campesino\s+community|peasant\s+community)"
    r"(?:\s+(?:de|del|of))?\s+|\s+(?:native|indigenous|campesino|peasant)\s+community$",
    re.IGNORECASE,
)

NOMINALS: tuple[tuple[re.Pattern[str], str, set[str] | None], ...] = (
    (
        re.compile(
            r"\b(?:la|esta|dicha|la misma|the|this|that|the same)\s+(?:empresa|minera|"
            r"maderera|petrolera|compañ[ií]a|palmera|palmicultora|agroindustrial|company|"
            r"firm|mining company|logging company|oil company)\b",
            re.IGNORECASE,
        ),
        "organization",
        {"company"},
    ),
    (
        re.compile(
            r"\b(?:la|esta|dicha|the)\s+(?:fiscal[ií]a|prosecutor'?s office)\b", re.IGNORECASE
        ),
        "organization",
        {"prosecutor_office"},
    ),
    (
        re.compile(
            r"\b(?:la|esta|nuestra|the|our|this)\s+(?:federaci[oó]n|federation)\b", re.IGNORECASE
        ),
        "organization",
        {"federation"},
    ),
    (
        re.compile(
            r"\b(?:la|esta|nuestra|dicha|the|our|this)\s+(?:comunidad|community)\b(?!\s+"
            r"(?:nativa|campesina|native|campesino|de|of))",
            re.IGNORECASE,
        ),
        "community",
        None,
    ),
)
