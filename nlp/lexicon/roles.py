"""Roles in an incident: words of speech, negation, causes, unnamed agents and witnesses.

With them the surface patterns that find an agent or a victim the parse missed, and the words
of institutions and of links to a company.
"""

from __future__ import annotations

import re

RELATIVES = frozenset({"quien", "quienes", "que", "who", "which", "cual"})

SPEECH_LEMMAS = frozenset(
    {
        "decir",
        "advertir",
        "gritar",
        "tell",
        "warn",
        "say",
        "shout",
        "amenazar",
        "threaten",
        "escribir",
        "write",
        "llamar",
        "call",
        "enviar",
        "send",
        "describe",
        "describir",
        "calificar",
        "tildar",
        "label",
        "brand",
        "publicar",
        "publish",
        "difundir",
        "post",
        "declarar",
        "afirmar",
        "sostener",
        "asegurar",
        "state",
        "claim",
        "declare",
    }
)

NEGATIONS = frozenset({"no", "nunca", "jamás", "not", "never", "n't"})

# "por" / "by" phrases that give a cause, not an agent
CAUSES = frozenset(
    {
        "conflicto",
        "disputa",
        "defensa",
        "defender",
        "oponerse",
        "oposicion",
        "motivo",
        "razon",
        "causa",
        "denunciar",
        "problema",
        "tierra",
        "tierras",
        "territorio",
        "conflict",
        "dispute",
        "defending",
        "opposing",
        "reason",
        "cause",
        "land",
        "participar",
        "liderar",
        "resistencia",
        "haber",
        "ser",
        "negarse",
        "rechazar",
    }
)

UNNAMED_AGENTS = frozenset(
    {
        "sicario",
        "sicarios",
        "desconocido",
        "desconocidos",
        "encapuchado",
        "encapuchados",
        "hombre",
        "hombres",
        "individuo",
        "individuos",
        "sujeto",
        "sujetos",
        "invasor",
        "invasores",
        "traficante",
        "traficantes",
        "colono",
        "colonos",
        "madereros",
        "madereros ilegales",
        "narcotraficantes",
        "hitmen",
        "hitman",
        "gunmen",
        "gunman",
        "men",
        "unknown",
        "assailants",
        "attackers",
        "loggers",
        "settlers",
        "traffickers",
        "matones",
        "trabajadores",
        "ronderos",
        "mineros",
        "mineros ilegales",
        "comuneros",
        "pobladores",
    }
)

WITNESS_WORDS = frozenset(
    {
        "testigo",
        "testigos",
        "presenciar",
        "presencia",
        "witness",
        "witnessed",
        "witnesses",
    }
)

# an organisation of communities or of indigenous peoples, whatever the gazetteer knows of it
PEOPLES_ORG = re.compile(
    r"\b(?:comunidad\w*|communit\w+|ind[ií]genas?|indigenous|nativ[ao]s?|pueblos?|peoples?|"
    r"federaci[oó]n|federation|rondas? campesinas?|defensa)\b",
    re.IGNORECASE,
)

# named next to an act without being its agent: a suspect to review, not an accusation
SUSPECT_KINDS = frozenset({"company", "criminal_group", "armed_group"})

QUOTES = '"“”«»'

LINKED = re.compile(
    r"(?:vinculad[oa]s?|ligad[oa]s?|relacionad[oa]s? con|asociad[oa]s? a|linked to|tied to|"
    r"connected to|associated with|al servicio de|que trabajar\w* para|who work\w* for)\s+"
    r"(?:(?:a|al|la|el|los|las|the)\s+)?(?:empresa\s+|company\s+)?$",
    re.IGNORECASE,
)

AGENT_BEFORE = re.compile(
    r"(?:\bpor(?: parte de)?|\bby|a manos de)\s+(?:(?:el|la|los|las|un|una|unos|unas|the|an?)\s+)?"
    r"(?P<words>(?:[a-záéíóúñ]+\s+){0,4}?)(?:(?:de|del|of)\s+(?:(?:la|el|los|las|the)\s+)?)?"
    r"[\"“«]?$"
)

NOT_AGENTS = frozenset(
    {"teléfono", "telefono", "phone", "whatsapp", "radio", "orden", "order", "encargo"}
)

AGENT_GAP = re.compile(
    r"^(?:\s*(?:,|\()\s*(?:(?:quien|que|who|which)\s[^;:.()]{1,140}?|[^;:.()]{1,70}?)(?:,|\)))?\s*,?\s*"
    r"(?:(?:le|les|lo|la|los|las|me|nos|te|se|ya|también|luego|después|había|habían|ha|han|"
    r"has|have|had|also|then|later|allegedly|reportedly|presuntamente|personalmente|"
    r"nuevamente|again|repeatedly)\s+){0,3}$",
    re.IGNORECASE,
)

PATIENT_GAP = re.compile(
    r"^(?:\s*,[^;:.,()]{1,60},)?\s*(?:(?:también|tambien|also|were|was|fue|fueron|han|ha|sido|"
    r"resultaron|resultó|resulto|quedaron|quedó|quedo|salieron|salió|had|have|has|been|"
    r"reportedly|presuntamente|gravemente|seriously|badly)\s+)*$",
    re.IGNORECASE,
)

AT_THEM = re.compile(
    r"\b(?:at them|at us|on them|on us|contra ellos|contra nosotros|nos dispararon|"
    r"les dispararon)\b",
    re.IGNORECASE,
)

TREATED_RE = re.compile(
    r"\b(?:fueron|fue|was|were)\s+(?:atendid[oa]s?|hospitalizad[oa]s?|trasladad[oa]s?|"
    r"internad[oa]s?|evacuad[oa]s?|treated|hospitali[sz]ed|taken to)\b",
    re.IGNORECASE,
)

# between two names of one list: "A, B y C", "María, a su esposo Santos, a su hijo Nilo y a …"
LIST_LINK = re.compile(
    r"^\s*(?:,\s*(?:de\s+)?\d+(?:\s+años)?\s*)?"
    r"(?:,|\by\b|\be\b|\band\b|,\s*and\b|,\s*y\b|(?:,\s*)?(?:entre (?:ellos|ellas)|including|"
    r"among them)(?:\s*,)?|(?:y\s+)?a\s+(?:otros\s+)?(?:\w+\s+){0,2}(?:comuneros|dirigentes),\s*"
    r"entre (?:ellos|ellas)|,?\s*(?:and|y)\s+"
    r"(?:two|three|four|dos|tres|cuatro|other|otros|otras)\s+"
    r"(?:[\wáéíóúñ'’]+\s+){0,6}?[\wáéíóúñ'’]+\s*,)\s*"
    r"(?:(?:a|al|to)\s+)?(?:(?:su|sus|his|her|their|the|el|la|los|las)\s+)?"
    r"(?:[a-záéíóúñ]+\s+){0,2}?$"
)

LIST_GAP = re.compile(r"^(?:\s*,[^;:.,()]{1,60})?\s*(?:,|\by\b|\be\b|\band\b|,\s*and\b)\s*$")

AFTER_GAP = re.compile(
    r"^\s*(?:(?:de\s+bala|a\s+balazos|por\s+arma\s+de\s+fuego)\s+)?(?:(?:el|la|los|las|the|"
    r"un|una)\s+)?(?:(?!por\b|by\b|manos\b|parte\b)[a-záéíóúñ]+\s+){0,3}?$"
)

INSTITUTION_WORDS = frozenset(
    {
        "empresa",
        "minera",
        "fiscalia",
        "policia",
        "pnp",
        "municipalidad",
        "gobierno",
        "company",
        "prosecutor",
        "police",
        "maderera",
        "petrolera",
        "procuraduria",
        "ministerio",
        "palmera",
    }
)
