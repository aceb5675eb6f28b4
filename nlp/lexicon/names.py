"""Words around names: connectors inside a name, function words that end one, titles.

With them the words the model or a pattern takes for a name that are not one (NOT_NAME,
NOT_ENTITY, slogans, verbs of presentation) and the cues of a nickname.
"""

from __future__ import annotations

import re

from nlp.text import fold

CONNECTORS = frozenset(
    {"de", "del", "la", "las", "los", "el", "y", "e", "of", "the", "and", "para", "do", "da"}
)

# Capitalised only because they open a sentence: they end a name, never continue it.
FUNCTION_WORDS = frozenset(
    {
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "unas",
        "en",
        "con",
        "por",
        "para",
        "este",
        "esta",
        "estos",
        "estas",
        "ese",
        "esa",
        "cuando",
        "como",
        "que",
        "su",
        "sus",
        "al",
        "lo",
        "le",
        "les",
        "se",
        "ya",
        "pero",
        "o",
        "segun",
        "desde",
        "hasta",
        "tras",
        "sin",
        "ante",
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "he",
        "she",
        "they",
        "his",
        "her",
        "it",
        "we",
        "this",
        "that",
        "when",
        "after",
        "before",
        "since",
        "according",
        "however",
        "also",
        "both",
    }
)

NAME_CONNECTORS = frozenset({"de", "del", "la", "las", "los"})

TITLES = frozenset(
    {
        "apu",
        "señor",
        "señora",
        "senor",
        "senora",
        "sr",
        "sr.",
        "sra",
        "sra.",
        "don",
        "doña",
        "dona",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
        "dr",
        "dr.",
        "dra",
        "dra.",
        "profesor",
        "profesora",
        "hermano",
        "hermana",
        "comunero",
        "comunera",
        "dirigente",
        "defensor",
        "defensora",
        "presidente",
        "presidenta",
        "lideresa",
        "líder",
        "lider",
        "vigilante",
        "guardaparque",
        "periodista",
        "journalist",
        "leader",
        "chief",
        "activist",
        "activista",
        "alcalde",
        "alcaldesa",
        "ingeniero",
        "ing.",
        "suboficial",
        "capitán",
        "teniente",
        "mayor",
        "coronel",
        "sargento",
        "fiscal",
        "juez",
        "jueza",
    }
)

FOLDED_TITLES = frozenset(fold(t) for t in TITLES)

# Words that cannot be (part of) a person's name.
NOT_NAME = frozenset(
    {
        "comunidad",
        "nativa",
        "campesina",
        "fiscalia",
        "policia",
        "empresa",
        "minera",
        "rio",
        "distrito",
        "provincia",
        "region",
        "departamento",
        "carretera",
        "km",
        "caserio",
        "sector",
        "the",
        "mr",
        "mrs",
        "ms",
        "senor",
        "senora",
        "sr",
        "sra",
        "don",
        "dona",
        "apu",
        "alias",
        "defensora",
        "defensor",
        "dirigente",
        "presidente",
        "presidenta",
        "community",
        "native",
        "police",
        "company",
        "federation",
        "district",
        "province",
        "ministerio",
        "carpeta",
        "fiscal",
        "juzgado",
        "denuncia",
        "mecanismo",
        "decreto",
        "ley",
        "estado",
        "gobierno",
        "anexo",
        "centro",
        "poblado",
        "pnp",
        "leader",
        "lider",
        "lideresa",
        "jr",
    }
)

# Words the model takes for names at the start of a sentence.
NOT_ENTITY = frozenset(
    {
        "ayer",
        "hoy",
        "anteayer",
        "anoche",
        "manana",
        "lunes",
        "martes",
        "miercoles",
        "jueves",
        "viernes",
        "sabado",
        "domingo",
        "yesterday",
        "today",
        "asimismo",
        "ademas",
        "luego",
        "posteriormente",
        "finalmente",
        "entonces",
        "sin embargo",
        "according",
        "however",
        "denuncia",
        "denunciamos",
        "solicitamos",
        "exigimos",
        "urgente",
        "alerta",
        "carpeta fiscal",
        "dni",
        "state",
        "background",
        "community",
        "radio",
        "whatsapp",
        "facebook",
        "rapporteur",
        "comunicado",
        "pronunciamiento",
        "resumen",
        "summary",
        "update",
        "urgent",
        "appeal",
        "prensa",
        "junta directiva",
        "cerca",
        "instagram",
        "twitter",
        "tiktok",
        "youtube",
        "gmail",
        "señores",
        "senores",
        "atentamente",
        "atte",
        "ref",
        "asunto",
        "subject",
        "pedimos",
        "rechazamos",
        "ambiental",
    }
)

LEADING = NOT_NAME | {"el", "la", "los", "las", "a", "al", "the", "de", "del", "y", "and"}

HONORIFICS = re.compile(
    r"^(?:(?:el|la|los|las|the)\s+)?(?:apu|señor|señora|sr\.?|sra\.?|don|doña|"
    r"mr\.?|mrs\.?|ms\.?|dr\.?|dra\.?|ing\.?|lic\.?|profesor|profesora|"
    r"hermano|hermana)\s+",
    re.IGNORECASE,
)

TRAILING_CONNECTORS = re.compile(r"(?:\s+(?:de|del|la|las|los|of|the))+$")

# what the model or a pattern takes for a name in real complaints: a verb opening a
# paragraph ("Exigimos"), a word of a legal term ("Decreto Supremo", "cámara Gesell"), a
# file number ("Carpeta Fiscal N°"), a painted slogan ("SIGUES TÚ"), "ningún responsable"
JUNK_PERSON = re.compile(
    r"^(?:[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?:amos|emos|imos)|Supremo|Suprema|Gesell|Defensor[ií]a|[A-Z]\.?|"
    r"(?:[A-Z]\.){1,3}(?:\s*[A-Z]\.?)?|D\.\s?S\..*|.*\bN[°º]?)$"
)

SHOUTED_WORDS = frozenset({"tu", "tú", "te", "yo", "sigues", "vas", "van", "muere", "fuera"})

PRESENTATION = re.compile(
    r"^(?:soy|yo|comparece|comparecen|suscribe|suscriben|atentamente|me llamo|mi nombre es)\s+",
    re.IGNORECASE,
)

GIVEN_NAME_STOP = frozenset({"don", "doña", "apu", "señor", "señora", "mr", "mrs", "ms", "dr"})

NICKNAME = re.compile(
    r"\b(?:alias|apodad[oa]|conocid[oa] como|(?:todos\s+)?(?:lo|la\s+)?conocen como|le dicen|"
    r"le llaman|known as|a\.k\.a\.?)\s+[\"'“‘«]?"
    r"(?P<nick>(?:(?:el|la|the)\s+)?[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+){0,2})"
    r"[\"'”’»]?",
    re.IGNORECASE,
)

# words two names may share or not without saying they name one actor (nlp.likeness)
LIKENESS_STOP = {
    "de",
    "del",
    "la",
    "las",
    "los",
    "comunidad",
    "nativa",
    "campesina",
    "sac",
    "eirl",
    "empresa",
    "minera",
    "native",
    "community",
    "the",
    "and",
    "y",
}
