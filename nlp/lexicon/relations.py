"""Relations by their words: roles and titles (apu, dirigente, defender), gender cues,
what marks a defender, an official or a suspect, and the drivers of land disputes."""

from __future__ import annotations

import re

ROLE_RE = re.compile(
    r"\b(?P<role>apu|jefe|jefa|presidente|presidenta|vicepresidente|vicepresidenta|dirigente|"
    r"lideresa|l[ií]der|defensora|defensor|secretari[oa]|tesorer[oa]|comuner[oa]|"
    r"guardaparques?|monitor(?:a)? ambiental|vocal|fiscal|teniente gobernador|"
    r"agente municipal|miembro|integrante|abogad[oa]|trabajador(?:a)?|gerente|"
    r"jefe de seguridad|president|vice-president|leader|chief|member|defender|lawyer|"
    r"head of security|security chief|manager|worker|employee)\b",
    re.IGNORECASE,
)


DEFENDER_ROLES = {
    "apu",
    "presidente",
    "presidenta",
    "vicepresidente",
    "vicepresidenta",
    "dirigente",
    "lideresa",
    "lider",
    "defensora",
    "defensor",
    "guardaparque",
    "guardaparques",
    "monitor ambiental",
    "monitora ambiental",
    "president",
    "vice-president",
    "leader",
    "chief",
    "defender",
    "teniente gobernador",
    "jefe",
    "jefa",
}


EMPLOYEE_ROLES = {
    "trabajador",
    "trabajadora",
    "gerente",
    "jefe de seguridad",
    "abogado",
    "abogada",
    "head of security",
    "security chief",
    "manager",
    "worker",
    "employee",
    "lawyer",
}


AFTER_RE = re.compile(
    r"\s*[,(]?\s*(?:(?:el|la|the|an?|un|una)\s+)?(?:[\wáéíóúñ-]+\s+){0,3}?"
    r"(?:de|del|of|en|at|in)\s+(?:(?:la|el|los|las|the)\s+)?",
    re.IGNORECASE,
)


BEFORE_RE = re.compile(r"\s*(?:'s)?\s*,?\s*(?:[\wáéíóúñ-]+\s*){0,2},?\s*", re.IGNORECASE)


# gendered words right before a name ("la defensora X", "don X") or in its apposition
# (", presidenta de …"); a pronoun or article further away may belong to anyone
FEMALE_CUES = re.compile(
    r"\b(?:la|una|señora|sra\.?|doña|defensora|lideresa|presidenta|dirigenta|comunera|"
    r"fiscala|jueza|hermana|hija|madre|esposa|viuda|abogada|mrs\.?|ms\.?|"
    r"woman|mother|sister|daughter|wife|widow)\s*[,:]?\s*$",
    re.IGNORECASE,
)


MALE_CUES = re.compile(
    r"\b(?:el|un|señor|sr\.?|don|defensor|presidente|comunero|hermano|hijo|padre|esposo|"
    r"viudo|abogado|mr\.?|man|father|brother|son|husband)\s*[,:]?\s*$",
    re.IGNORECASE,
)


FEMALE_APPOSITION = re.compile(
    r"^\s*,\s*(?:(?:la|una)\s+|(?:de\s+\d+\s+años\s*,\s*)?)(?:defensora|lideresa|presidenta|"
    r"dirigenta|comunera|hermana|hija|madre|esposa|viuda|abogada|fundadora|coordinadora)\b",
    re.IGNORECASE,
)


MALE_APPOSITION = re.compile(
    r"^\s*,\s*(?:(?:el|un)\s+|(?:de\s+\d+\s+años\s*,\s*)?)(?:defensor|presidente|dirigente "
    r"varón|comunero|hermano|hijo|padre|esposo|viudo|abogado|fundador|coordinador)\b",
    re.IGNORECASE,
)


# a person named by their office: acting in it, they are not the author of the acts
# they investigate, record or judge
OFFICIAL_WORDS = re.compile(
    r"\b(?:fiscal(?:a|es)?(?: (?:provincial|superior|adjunt[oa]|penal|ambiental|de turno|"
    r"de la naci[oó]n))*|juez(?:a)?|magistrad[oa]|prefect[oa]|subprefect[oa]|"
    r"comisario|jefe policial|jefe de la comisar[ií]a|general pnp|coronel pnp|mayor pnp|"
    r"capit[aá]n pnp|suboficial|ministr[oa](?: de\w* [\w ]{0,30})?|viceministr[oa]|"
    r"defensor[a]? del pueblo|procurador(?:a)?|m[eé]dico legista|forense|"
    r"prosecutor|judge|prefect|police (?:chief|officer|commander|spokesperson)|"
    r"investigator|ombudsman|minister|coroner|portavoz|vocero|spokes(?:person|man|woman))"
    r"\b[\s,]*$",
    re.IGNORECASE,
)


DEFENDER_WORDS = re.compile(
    r"\b(?:defensor[ae]?s?|l[ií]der(?:esa)?|dirigent[ae]s?|apu|guardaparques?|defenders?|"
    r"activists?|activista|leaders?|(?:vice-?)?president[ae]?|(?:vice-?)?presidente|"
    r"monitor(?:a|es)?(?: ambiental(?:es)?| forestal(?:es)?)?|environmental monitor|"
    r"forest monitor|vigilantes? comunal(?:es)?|guardia indígena|indigenous guard|"
    r"park ranger|ranger|jef[ae] de la comunidad|teniente gobernador|secretari[oa] general)\b",
    re.IGNORECASE,
)


SUSPECT_WORDS = re.compile(
    r"\b(?:alias|traficante\w*|sicari\w+|narcotraficante\w*|narco\b|invasor\w*|"
    r"jefe de seguridad|security chief|head of security|gerente|manager|due[nñ]o|owner|"
    r"capataz|foreman|maderer\w+ ilegal\w*|presunto autor|cabecilla|lider de la banda|"
    r"land trafficker\w*|trafficker\w*|hitm[ae]n|gunm[ae]n|contratist\w+|"
    r"encargado de seguridad|apodado|known as)\b",
    re.IGNORECASE,
)


# the defender's own phrase: "la dirigenta kakataibo X", "X, de 47 años, apu de …" —
# not a cue that describes another person in the clause ("el apu denunció al empresario X")
DEFENDER_BEFORE = re.compile(
    DEFENDER_WORDS.pattern + r"(?:\s+(?:de\s+la\s+|del\s+)?[\wáéíóúñ-]+){0,2}\s*,?\s*$",
    re.IGNORECASE,
)


DEFENDER_AFTER = re.compile(
    r"^\s*(?:,|\()\s*(?:(?:de\s+)?\d+(?:\s+años)?\s*,\s*)?(?:(?:el|la|un|una|the|an?|our|nuestr[oa])\s+)?"
    r"(?:[\wáéíóúñ-]+\s+){0,2}?" + DEFENDER_WORDS.pattern,
    re.IGNORECASE,
)


# a leader of miners, loggers or a company leads the other side of a dispute
OTHER_SIDE = re.compile(
    r"\b(?:dirigente|l[ií]der|presidente|president|leader)\s+(?:de\s+(?:la|los)\s+)?"
    r"(?:[\wáéíóú]+\s+){0,3}?(?:miner\w*|maderer\w*|traficante\w*|cocaler\w*|palmicultor\w*|"
    r"empresa\w*|compañ\w+|company|miners|loggers|invasor\w*)",
    re.IGNORECASE,
)


SUSPECT_BEFORE = re.compile(
    SUSPECT_WORDS.pattern
    + r"(?:\s+(?:de|del|la|el|los|las|of|the|[a-záéíóúñ]{4,})){0,3}\s*[,:]?\s*$",
    re.IGNORECASE,
)


SUSPECT_AFTER = re.compile(
    r"^\s*(?:[,(]\s*|\s)(?:(?:el|la|un|una|the|an?|conocido como|known as)\s+)?"
    r"(?:\(a\)|" + SUSPECT_WORDS.pattern[2:-2] + r")",
    re.IGNORECASE,
)


DRIVERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("palm_oil", re.compile(r"\bpalm[ae]|palm oil|palmicultor|aceite de palma", re.I)),
    ("coca", re.compile(r"\bcoca\b|cocaler|narco|drug|cocaine|pozas de maceraci", re.I)),
    (
        "land_trafficking",
        re.compile(
            r"tr[aá]fic\w* de (?:tierras|terrenos)|traficantes de "
            r"(?:tierras|terrenos)|land traffick|invasor|invasion|"
            r"colonos|settlers|lotiz",
            re.I,
        ),
    ),
    ("logging", re.compile(r"\btala\b|madera|maderer|forestal|logging|loggers|timber", re.I)),
    ("mining", re.compile(r"\bminer[aío]|\bmina\b|mining|\bmine\b|oro\b|gold", re.I)),
    (
        "oil_gas",
        re.compile(
            r"petr[oó]le|derrame|oleoducto|hidrocarburo|\boil\b|pipeline|"
            r"\bgas\b|lote \d+",
            re.I,
        ),
    ),
    (
        "infrastructure",
        re.compile(
            r"carretera|hidroel[eé]ctrica|represa|\bdam\b|road|"
            r"highway",
            re.I,
        ),
    ),
    ("agribusiness", re.compile(r"agroindustri|cacao|monocultivo|agribusiness|plantation", re.I)),
)


DISPUTE_CUES = re.compile(
    r"conflicto|disputa|territorio|tierras|invasi[oó]n|concesi[oó]n|"
    r"despojo|linderos|titulaci[oó]n|dispute|territory|land|concession|"
    r"invasion|encroach",
    re.IGNORECASE,
)
