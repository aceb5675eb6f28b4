"""Rule-based entity candidates: gazetteer look-ups and naming patterns, over tokens.

The statistical models are weak on this domain (regions read as people, companies as
places, communities as places), so these rules run first and the model only fills the
gaps. Every candidate says which rule found it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Token

from nlp.gazetteers import Feature, Gazetteer, Org, Place, feature_key
from nlp.gazetteers import load as load_gazetteer
from nlp.places import stoplisted
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


@dataclass
class Candidate:
    start: int  # token indices, end exclusive
    end: int
    type: str
    kind: str | None = None
    canonical: str | None = None
    ubigeo: str | None = None
    level: str | None = None
    method: str = "rule"
    confidence: float = 0.9


T = TypeVar("T")


def per_document(doc: Doc, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per document (and per tokenisation: the key holds its length),
    kept in ``doc.user_data`` and shared by the rules."""
    key = f"defensores:{name}:{len(doc)}"
    if key not in doc.user_data:
        doc.user_data[key] = compute()
    value: T = doc.user_data[key]
    return value


def doc_text(doc: Doc) -> str:
    """The document's text, kept once: spaCy's ``Doc.text`` joins every token at each read."""
    return per_document(doc, "text", lambda: doc.text)


def folded_tokens(doc: Doc) -> list[str]:
    """Every token folded (``fold``)."""
    return per_document(doc, "folded", lambda: [fold(t.text) for t in doc])


def _looks_proper(tok: Token) -> bool:
    return tok.is_title or (tok.is_upper and len(tok.text) > 1) or tok.text[:1].isupper()


NAME_CONNECTORS = frozenset({"de", "del", "la", "las", "los"})


def _name_run(doc: Doc, i: int, limit: int = 10, connectors: frozenset[str] = CONNECTORS) -> int:
    """End of a proper-name run starting at token ``i`` (connectors allowed inside).

    The run stops at a new sentence and at capitalised function words ("El", "Los").
    """
    folded = folded_tokens(doc)
    end = i
    j = i
    while j < len(doc) and j - i < limit:
        tok = doc[j]
        if j > i and tok.is_sent_start:
            break
        if (
            _looks_proper(tok)
            and not tok.is_punct
            and not (folded[j] in FUNCTION_WORDS and not tok.is_upper)
        ):
            j += 1
            end = j
            continue
        k = j
        while (
            k < len(doc)
            and k - j < 3
            and (
                folded[k] in connectors
                or (folded[k] == "en" and k > 0 and folded[k - 1].startswith("especializad"))
            )
        ):
            k += 1
        if (
            k > j
            and k < len(doc)
            and _looks_proper(doc[k])
            and not doc[k].is_punct
            and not doc[k].is_sent_start
        ):
            j = k
        else:
            break
    return end


def _inside_name(doc: Doc, start: int, end: int) -> bool:
    """True when the span continues a run of capitalised words ("Jhon Córdova Panduro")."""

    def proper(j: int) -> bool:
        tok = doc[j]
        return (
            not tok.is_punct
            and tok.text[:1].isupper()
            and not tok.is_sent_start
            and not (tok.is_upper and len(tok.text) > 1 and doc[start].is_upper)
        )

    left = start > 0 and proper(start - 1) and not doc[start].is_sent_start
    right = end < len(doc) and proper(end)
    return left or right


def tidy(text: str) -> str:
    """A canonical surface: spaces collapsed; ALL CAPS turned to title case (acronyms kept)."""
    words = text.split()
    if len(words) > 1 and sum(w.isupper() for w in words if len(w) > 2) > len(words) / 2:
        words = [w.lower() if fold(w) in CONNECTORS else w.capitalize() for w in words]
        words[0] = words[0].capitalize()
    return " ".join(words)


# --- gazetteer look-ups --------------------------------------------------------------


@dataclass(frozen=True)
class Tries:
    orgs: dict[tuple[str, ...], Org]
    places: dict[tuple[str, ...], list[Place]]
    longest: int


def tries(nlp: Language, gaz: Gazetteer) -> Tries:
    """Look-up tables over the pipeline's own tokens, built once per pipeline."""

    def key(text: str) -> tuple[str, ...]:
        return tuple(fold(t.text) for t in nlp.tokenizer(text))

    orgs: dict[tuple[str, ...], Org] = {}
    for org in gaz.orgs.values():
        for alias in (org.name, *org.aliases):
            k = key(alias)
            if len(k) >= 1 and alias not in gaz.acronyms:
                orgs[k] = org
    places: dict[tuple[str, ...], list[Place]] = {}
    for name_key, found in gaz.places_by_name.items():
        places[key(found[0].name)] = found
        places.setdefault(tuple(name_key.split()), found)
    longest = max(len(k) for k in [*orgs, *places])
    return Tries(orgs, places, longest)


def scan_gazetteers(doc: Doc, t: Tries, gaz: Gazetteer) -> list[Candidate]:
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    for i in range(len(doc)):
        for n in range(min(t.longest, len(doc) - i), 0, -1):
            k = tuple(folded[i : i + n])
            org = t.orgs.get(k)
            if org is not None and (n > 1 or _looks_proper(doc[i])):
                out.append(
                    Candidate(
                        i,
                        i + n,
                        "organization",
                        org.kind,
                        org.name,
                        method="gazetteer",
                        confidence=0.95,
                    )
                )
                break
            places = t.places.get(k)
            if places is not None and _inside_name(doc, i, i + n):
                places = None
            if (
                places is not None
                and all(_looks_proper(doc[j]) or folded[j] in CONNECTORS for j in range(i, i + n))
                and _looks_proper(doc[i])
            ):
                out.append(
                    Candidate(
                        i,
                        i + n,
                        "place",
                        canonical=places[0].name,
                        method="gazetteer",
                        confidence=0.85,
                    )
                )
                break
        tok = doc[i]
        if tok.text in gaz.acronyms:
            org = gaz.acronyms[tok.text]
            out.append(
                Candidate(
                    i,
                    i + 1,
                    "organization",
                    org.kind,
                    org.name,
                    method="gazetteer",
                    confidence=0.95,
                )
            )
    return out


# --- naming patterns -----------------------------------------------------------------


def _by_first(
    table: tuple[tuple[tuple[str, ...], str], ...],
) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, kind in table:
        index.setdefault(fold(words[0]), []).append((tuple(fold(w) for w in words), kind))
    return index


_COMMUNITY_HEADS = _by_first(COMMUNITY_HEADS)
_ORG_HEADS = _by_first(ORG_HEADS)
_TAILS = [(_by_first(COMMUNITY_TAILS), "community"), (_by_first(ORG_TAILS), "organization")]


def _at(folded: list[str], i: int, words: tuple[str, ...]) -> bool:
    return tuple(folded[i : i + len(words)]) == words


def scan_patterns(doc: Doc) -> list[Candidate]:
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    for i, low in enumerate(folded):
        for words, ckind in _COMMUNITY_HEADS.get(low, ()):
            if _at(folded, i, words):
                j = i + len(words)
                if j < len(doc) and folded[j] in {"de", "del"} and j + 1 < len(doc):
                    j += 1
                end = _name_run(doc, j)
                if end > j and (len(words) > 1 or _looks_proper(doc[i])):
                    out.append(
                        Candidate(i, end, "community", ckind, method="pattern", confidence=0.9)
                    )
                    break
        for words, kind in _ORG_HEADS.get(low, ()):
            if _at(folded, i, words) and _looks_proper(doc[i]):
                j = i + len(words)
                end = _name_run(doc, j, limit=14)
                if end > j:
                    out.append(
                        Candidate(i, end, "organization", kind, method="pattern", confidence=0.85)
                    )
                    break
        if low in LEGAL_SUFFIXES and i > 0:
            start = i
            while (
                start > 0
                and (
                    _looks_proper(doc[start - 1])
                    or (
                        folded[start - 1] in CONNECTORS
                        and start > 1
                        and _looks_proper(doc[start - 2])
                    )
                )
                and not doc[start - 1].is_punct
            ):
                start -= 1
            if start < i:
                out.append(
                    Candidate(
                        start, i + 1, "organization", "company", method="pattern", confidence=0.9
                    )
                )
        for tails, table in _TAILS:
            for words, kind in tails.get(low, ()):
                if _at(folded, i, words) and i > 0:
                    start = i
                    while (
                        start > 0
                        and not doc[start - 1].is_punct
                        and (
                            (_looks_proper(doc[start - 1]) and not doc[start - 1].is_sent_start)
                            or (
                                folded[start - 1] in CONNECTORS
                                and start > 1
                                and _looks_proper(doc[start - 2])
                            )
                        )
                    ):
                        start -= 1
                    while start < i and folded[start] in CONNECTORS:
                        start += 1
                    if start < i:
                        out.append(
                            Candidate(
                                start,
                                i + len(words),
                                table,
                                kind,
                                method="pattern",
                                confidence=0.85,
                            )
                        )
    return out


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


def scan_names(
    doc: Doc, first_names: frozenset[str], common: frozenset[str] = frozenset()
) -> list[Candidate]:
    """A given name and what follows: "Teodoro Grández Mori", "Luz Marina Ccahuana Tito".

    ``common`` holds the words the language model knew before it saw this text; on a
    shouted (ALL CAPS) line a name stops at the first of them that is not a given name.
    """
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    titled: frozenset[str] | None = None
    i = 0
    while i < len(doc):
        tok = doc[i]
        prev = doc[i - 1] if i > 0 else None
        inside = (
            prev is not None
            and _looks_proper(prev)
            and not prev.is_punct
            and not tok.is_sent_start
            and not prev.is_upper
            and folded[i - 1] not in first_names
            and folded[i - 1] not in FOLDED_TITLES
        )
        if folded[i] in first_names and _looks_proper(tok) and not tok.is_punct and not inside:
            end = _name_run(doc, i + 1, limit=4, connectors=NAME_CONNECTORS)
            if tok.is_upper and len(tok.text) > 1:  # a shouted line: stop at common words
                if titled is None:
                    titled = frozenset(f for f, t in zip(folded, doc, strict=True) if t.is_title)
                cut = i + 1
                while cut < end and (
                    folded[cut] in titled
                    or folded[cut] in first_names
                    or doc[cut].text.lower() not in common
                ):
                    cut += 1
                end = max(cut, min(end, i + 2))
            if end > i + 1:
                out.append(Candidate(i, end, "person", method="gazetteer", confidence=0.85))
                i = end
                continue
        i += 1
    return out


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


def scan_initials(doc: Doc) -> list[Candidate]:
    """ "W. Sánchez", "T. Grández": an initial and a surname."""
    out: list[Candidate] = []
    for i, tok in enumerate(doc[:-1]):
        if len(tok.text) == 2 and tok.text[0].isupper() and tok.text[1] == ".":
            nxt = doc[i + 1]
            if _looks_proper(nxt) and not nxt.is_punct and fold(nxt.text) not in FUNCTION_WORDS:
                end = _name_run(doc, i + 1, limit=3, connectors=NAME_CONNECTORS)
                out.append(Candidate(i, end, "person", method="pattern", confidence=0.75))
    return out


def scan_titles(doc: Doc) -> list[Candidate]:
    """ "el apu Grández", "la señora Huamán", "Mr. Grandez": a person after a title."""
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    for i in range(len(doc) - 1):
        if folded[i] in FOLDED_TITLES and _looks_proper(doc[i + 1]):
            nxt = doc[i + 1]
            if nxt.is_punct or folded[i + 1] in CONNECTORS or folded[i + 1] in FUNCTION_WORDS:
                continue
            end = _name_run(doc, i + 1, limit=4, connectors=NAME_CONNECTORS)
            if end > i + 1:
                out.append(Candidate(i + 1, end, "person", method="pattern", confidence=0.8))
    return out


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


def scan_gangs(doc: Doc) -> list[Candidate]:
    """ "la banda criminal Los Topos de la Pampa": a criminal group, from "Los"/"Las"."""
    out: list[Candidate] = []
    for i, tok in enumerate(doc):
        if tok.text not in {"Los", "Las", "LOS", "LAS", "El", "La"} or i == 0:
            continue
        window = set(folded_tokens(doc)[max(0, i - 4) : i])
        if not window & GANG_CUES:
            continue
        end = _name_run(doc, i + 1, limit=6)
        if end > i + 1:
            out.append(
                Candidate(
                    i, end, "organization", "criminal_group", method="pattern", confidence=0.8
                )
            )
    return out


def scan_waters(doc: Doc) -> list[Candidate]:
    """Rivers, creeks and lakes: "río Pisqui", "the Ucayali River"; and the features and
    towns of ``scan_features``."""
    out: list[Candidate] = scan_features(doc, load_gazetteer())
    folded = folded_tokens(doc)
    for i, low in enumerate(folded):
        if low in RIVER_HEADS and i + 1 < len(doc) and _looks_proper(doc[i + 1]):
            end = _name_run(doc, i + 1, limit=4)
            out.append(Candidate(i, end, "place", method="pattern", confidence=0.8))
        elif low in RIVER_TAILS and i > 0 and _looks_proper(doc[i - 1]) and not doc[i - 1].is_punct:
            start = i - 1
            while (
                start > 0
                and _looks_proper(doc[start - 1])
                and not doc[start - 1].is_punct
                and not doc[start - 1].is_sent_start
                and i - start < 4
            ):
                start -= 1
            out.append(Candidate(start, i + 1, "place", method="pattern", confidence=0.8))
    return out


def level_cue(doc: Doc, start: int) -> str | None:
    """``distrito de X`` → district, ``provincia de X`` → province, …"""
    for back in (1, 2):
        if start - back >= 0:
            cue = LEVEL_CUES.get(fold(doc[start - back].text))
            if cue is not None and (back == 1 or fold(doc[start - 1].text) in {"de", "of"}):
                return cue
    if start + 1 < len(doc) and fold(doc[start + 1].text) in LEVEL_CUES:
        return LEVEL_CUES[fold(doc[start + 1].text)]  # "Puerto Inca province"
    return None


def choose_place(
    gaz: Gazetteer,
    candidates: Iterable[Place],
    cue: str | None,
    inside: set[str],
    context: set[str],
) -> Place | None:
    """Pick the administrative unit a name means, or None when it cannot be told.

    ``inside``: ubigeo codes the text says the place lies in ("X, Huánuco");
    ``context``: codes of the other places the document names.
    """
    options = list(candidates)
    if cue is not None:
        options = [p for p in options if p.level == cue] or options
    if inside:
        within = [
            p for p in options if any(p.ubigeo.startswith(c) and p.ubigeo != c for c in inside)
        ]
        options = within or options
    levels = {p.level for p in options}
    if cue is None and "region" in levels:
        return next(p for p in options if p.level == "region")
    if cue is None and {"province", "district"} <= levels:
        for prov in (p for p in options if p.level == "province"):
            capital = gaz.places.get(prov.ubigeo + "01")
            if capital is not None and capital in options:
                options = [p for p in options if p.level == "district"]
                break
    if len(options) > 1 and context:
        near = [
            p
            for p in options
            if any(p.ubigeo.startswith(c) or c.startswith(p.ubigeo) for c in context)
        ]
        options = near or options
    if len(options) > 1:
        districts = [p for p in options if p.level == "district"]
        if len(districts) == 1 and cue != "province":
            return districts[0]
        return None
    return options[0] if options else None


# --- features and towns (nlp/places.py links them) ------------------------------------

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
TOWN_LONGEST = 6


ROAD_HEADS = frozenset({"carretera", "puente", "trocha", "via"})
DASHES = frozenset({"-", "–", "—"})


def _dashed_run(doc: Doc, i: int) -> int:
    """End of a name run from ``i`` that may join names by dashes ("Pucallpa-Tingo María")."""
    end = _name_run(doc, i, limit=5)
    while (
        end > i
        and end + 1 < len(doc)
        and doc[end].text in DASHES
        and _looks_proper(doc[end + 1])
        and not doc[end + 1].is_punct
    ):
        end = _name_run(doc, end + 1, limit=5)
    return end


def feature_keys(doc: Doc) -> list[str]:
    """Every token's ``feature_key``."""
    return per_document(doc, "feature_keys", lambda: [feature_key(t.text) for t in doc])


def _words(doc: Doc, start: int, end: int) -> str:
    """The feature key of a span: its tokens' keys, joined (as ``feature_key`` of its text)."""
    return " ".join(k for k in feature_keys(doc)[start:end] if k)


def _named(doc: Doc, start: int, end: int, cues: frozenset[str]) -> bool:
    """Every word of the span but its cue words and connectors is capitalised."""
    folded = folded_tokens(doc)
    names = [
        doc[j]
        for j in range(start, end)
        if not doc[j].is_punct and folded[j] not in cues and folded[j] not in CONNECTORS
    ]
    return bool(names) and all(_looks_proper(t) for t in names)


def _longest(doc: Doc, i: int, table: dict[str, list[Feature]], limit: int) -> int:
    """End of the longest span from ``i`` whose words are a key of ``table``; ``i`` if none."""
    best = i
    for j in range(i + 1, min(len(doc), i + limit) + 1):
        if j > i + 1 and doc[j - 1].is_sent_start:
            break
        if not doc[j - 1].is_punct and _words(doc, i, j) in table:
            best = j
    return best


def scan_features(doc: Doc, gaz: Gazetteer) -> list[Candidate]:
    """Rivers, protected areas, roads and bridges by a gazetteer phrase with its cue
    ("río Ene", "Reserva Comunal El Sira", "the Pichis river", "carretera Marginal"), and
    towns after a head ("centro poblado La Pampa"), a cue ("the town of X") or a
    preposition ("en Quillabamba,") when the name is a known populated place."""
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    keys = feature_keys(doc)
    for i, low in enumerate(folded):
        if low in gaz.feature_starts or keys[i].split(" ")[0] in gaz.feature_starts:
            end = _longest(doc, i, gaz.features, 12)
            named = end > i and (
                _named(doc, i, end, gaz.feature_cues)
                or _words(doc, i, end) in gaz.feature_lowercase
            )
            if named and not _inside_name(doc, i, end):
                out.append(Candidate(i, end, "place", method="gazetteer", confidence=0.9))
                continue
        if low in ROAD_HEADS and i + 1 < len(doc) and _looks_proper(doc[i + 1]):
            end = _dashed_run(doc, i + 1)  # "carretera Puerto Inca–Yuyapichis", "puente X"
            if end > i + 1:
                out.append(Candidate(i, end, "place", method="pattern", confidence=0.85))
        for head in TOWN_HEADS:
            if _at(folded, i, head) and i + len(head) < len(doc):
                j = i + len(head)
                j += folded[j] in {"de", "del"}
                end = _name_run(doc, j, limit=5)
                if end > j:
                    out.append(Candidate(i, end, "place", method="pattern", confidence=0.9))
        cue = any(i >= len(c) and tuple(folded[i - len(c) : i]) == c for c in TOWN_CUES)
        after = i > 0 and folded[i - 1] in TOWN_PREPOSITIONS
        if (cue or after) and _looks_proper(doc[i]) and not doc[i].is_sent_start:
            end = _longest(doc, i, gaz.localities, TOWN_LONGEST)
            if end == i or not _named(doc, i, end, frozenset()):
                continue
            name = _words(doc, i, end)
            if fold(doc[i:end].text) in gaz.places_by_name or name in gaz.places_by_name:
                continue  # an administrative unit: scan_gazetteers has it
            right = end < len(doc) and _looks_proper(doc[end]) and not doc[end].is_punct
            if right or (not cue and stoplisted(name, gaz)):
                continue
            out.append(Candidate(i, end, "place", method="pattern", confidence=0.8))
    return out
