"""Typed entities of one document: rule candidates first, the model's for the rest,
then resolution within the document (full name, surname alone, "el apu", acronyms)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Span

from nlp.gazetteers import Gazetteer
from nlp.gazetteers import load as load_gazetteer
from nlp.patterns import (
    CONNECTORS as CONNECTORS_SET,
)
from nlp.patterns import (
    FUNCTION_WORDS,
    LEVEL_CUES,
    PLACE_STOPLIST,
    Candidate,
    choose_place,
    doc_text,
    level_cue,
    per_document,
    tidy,
)
from nlp.places import FEATURE_LEVELS, link_features
from nlp.result import Entity, Evidence
from nlp.text import fold

PERSON_LABELS = {"PER", "PERSON"}
ORG_LABELS = {"ORG"}
PLACE_LABELS = {"LOC", "GPE", "FAC"}
MODEL_LABEL = {"person": "PER", "organization": "ORG", "community": "ORG", "place": "LOC"}
EN_MODEL_LABEL = {"person": "PERSON", "organization": "ORG", "community": "ORG", "place": "GPE"}

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
POLICE_NOUNS = re.compile(
    r"\b(?:los\s+|las\s+|unos\s+|dos\s+|tres\s+|varios\s+)?(?:policías|policias|efectivos\s+"
    r"policiales|efectivos\s+de\s+la\s+policía|agentes\s+policiales|agentes\s+de\s+la\s+"
    r"policía|police\s+officers|policemen|the\s+police|la\s+polic[ií]a)\b",
    re.IGNORECASE,
)


@dataclass
class Mention:
    span: tuple[int, int]  # character offsets
    type: str
    kind: str | None
    canonical: str | None
    ubigeo: str | None
    level: str | None
    method: str
    confidence: float
    text: str


def _spans(entities: list[Entity]) -> list[tuple[int, int]]:
    """Character spans already taken by a mention."""
    return [(m.start, m.end) for e in entities for m in e.mentions]


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and end > a for a, b in taken)


def _evidence(doc: Doc, start: int, end: int, method: str, confidence: float) -> Evidence:
    text, sentence_start = sentence_at(doc, start)
    return Evidence(start, end, text, sentence_start, method, confidence)


def sentence_at(doc: Doc, offset: int) -> tuple[str, int]:
    """The sentence holding character ``offset`` and its start, from the document's
    sentences listed once (``Span.sent`` walks the whole document at every call)."""
    starts, ends = per_document(doc, "sentences", lambda: _sentence_bounds(doc))
    i = max(0, bisect_right(starts, offset) - 1)
    return doc_text(doc)[starts[i] : ends[i]], starts[i]


def _sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    bounds = [(s.start_char, s.end_char) for s in doc.sents] or [(0, len(doc_text(doc)))]
    return [a for a, _ in bounds], [b for _, b in bounds]


def resolve_overlaps(cands: list[Candidate]) -> list[Candidate]:
    """Longest candidate wins; at equal length, the more confident one."""
    ordered = sorted(cands, key=lambda c: (-(c.end - c.start), -c.confidence, c.start))
    taken: set[int] = set()
    kept: list[Candidate] = []
    for c in ordered:
        if any(i in taken for i in range(c.start, c.end)):
            continue
        kept.append(c)
        taken.update(range(c.start, c.end))
    return sorted(kept, key=lambda c: c.start)


def preset_ents(doc: Doc, cands: list[Candidate], english: bool) -> None:
    """Give the statistical NER the rule entities as fixed points."""
    labels = EN_MODEL_LABEL if english else MODEL_LABEL
    spans = [Span(doc, c.start, c.end, label=labels[c.type]) for c in cands]
    doc.set_ents(spans, default="unmodified")


def _plausible(ent: Span) -> bool:
    """Drop the model's entities that are dates, numbers, noise or lone common words."""
    text = ent.text.strip()
    if fold(text) in NOT_ENTITY or sum(ch.isalpha() for ch in text) < 2:
        return False
    if len(ent) == 1 and re.fullmatch(r"[A-ZÁÉÍÓÚ][a-záéíóúñ]+mos", text):
        return False  # "Exigimos", "Solicitamos": a verb opening a paragraph
    if any(ch.isdigit() for ch in text):
        return False
    words = [t for t in ent if not t.is_punct]
    letters = [ch for ch in ent.sent.text if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) / len(letters) > 0.7:
        return False  # the model reads shouting as names; the rules handle such lines
    if all(fold(t.text) in FUNCTION_WORDS | CONNECTORS_SET | LEVEL_CUES.keys() for t in words):
        return False
    if len(words) == 1:
        tok = words[0]
        shouting = tok.is_upper and tok.sent.text.isupper()
        if (
            tok.is_sent_start
            or shouting
            or tok.is_stop
            or tok.pos_ in {"VERB", "AUX", "ADV", "ADJ", "NOUN"}
        ):
            return False
    return fold(words[0].text) not in {"carpeta", "expediente", "oficio", "informe", "resolucion"}


def _clean_person(span: Span) -> tuple[int, int] | None:
    """Trim honorifics and stray words off a model PER span; None if it is no name."""
    start, end = span.start, span.end
    while start < end and (
        fold(span.doc[start].text) in LEADING
        or fold(span.doc[start].text) in FUNCTION_WORDS
        or span.doc[start].is_punct
        or span.doc[start].like_num
    ):
        start += 1
    while end > start and (
        span.doc[end - 1].is_punct
        or fold(span.doc[end - 1].text) in FUNCTION_WORDS | CONNECTORS_SET
        or fold(span.doc[end - 1].text) in NOT_NAME
    ):
        end -= 1
    if start >= end:
        return None
    words = [t for t in span.doc[start:end]]
    if any(fold(t.text) in NOT_NAME for t in words):
        return None
    if not all(t.text[:1].isupper() or fold(t.text) in {"de", "del", "la"} for t in words):
        return None
    if any(any(ch.isdigit() for ch in t.text) for t in words):
        return None
    if len(words) == 1 and len(words[0].text) < 3:
        return None
    return span.doc[start].idx, span.doc[end - 1].idx + len(span.doc[end - 1].text)


TRAILING_CONNECTORS = re.compile(r"(?:\s+(?:de|del|la|las|los|of|the))+$")


def _model_text(doc: Doc, ent: Span) -> tuple[int, str]:
    """Where the model's organisation or place starts, and its text, without a leading
    article or a trailing "de"."""
    if ent[0].text.lower() in {"the", "la", "el"} and len(ent) > 1:
        return ent[1].idx, doc_text(doc)[ent[1].idx : ent.end_char].strip(" .,;:")
    text = TRAILING_CONNECTORS.sub("", ent.text.strip(" .,;:"))
    return doc_text(doc).index(text, ent.start_char), text


def collect(doc: Doc, rules: dict[tuple[int, int], Candidate], gaz: Gazetteer) -> list[Mention]:
    """Mentions from the rules and from the model's entities, typed."""
    out: list[Mention] = []
    for ent in doc.ents:
        key = (ent.start, ent.end)
        if key not in rules and not _plausible(ent):
            continue
        cand = rules.get(key)
        if cand is not None:
            text = ent.text
            canonical = cand.canonical or tidy(text)
            if cand.type == "community":
                head = "Comunidad Nativa" if cand.kind == "native" else "Comunidad Campesina"
                canonical = f"{head} {tidy(_COMMUNITY_WORDS.sub('', text.strip()))}"
            out.append(
                Mention(
                    (ent.start_char, ent.end_char),
                    cand.type,
                    cand.kind,
                    canonical,
                    None,
                    None,
                    cand.method,
                    cand.confidence,
                    text,
                )
            )
            continue
        label = ent.label_
        if label == "MISC":
            label = "PER"  # kept only if it cleans up to a name
        if label in PERSON_LABELS:
            cleaned = _clean_person(ent)
            if cleaned is None:
                continue
            text = doc_text(doc)[cleaned[0] : cleaned[1]]
            if fold(text) in gaz.peoples or fold(text) in gaz.places_by_name:
                continue
            out.append(Mention(cleaned, "person", None, tidy(text), None, None, "model", 0.7, text))
        elif label in ORG_LABELS or label in PLACE_LABELS:
            etype, kind = ("organization", "other") if label in ORG_LABELS else ("place", None)
            start, text = _model_text(doc, ent)
            if len(text) < 3 or fold(text) in gaz.peoples:
                continue
            span = (start, start + len(text))
            out.append(Mention(span, etype, kind, tidy(text), None, None, "model", 0.6, text))
    out += _police_nouns(doc, out, gaz)
    _link_places(doc, out, gaz)
    return sorted(out, key=lambda m: m.span)


def _police_nouns(doc: Doc, found: list[Mention], gaz: Gazetteer) -> list[Mention]:
    pnp = gaz.orgs.get("Policía Nacional del Perú")
    if pnp is None:
        return []
    taken = [m.span for m in found]
    extra = []
    for m in POLICE_NOUNS.finditer(doc_text(doc)):
        if _overlaps(m.start(), m.end(), taken):
            continue
        extra.append(
            Mention(
                (m.start(), m.end()),
                "organization",
                "police",
                pnp.name,
                None,
                None,
                "rule",
                0.75,
                m.group(),
            )
        )
    return extra


def _link_places(doc: Doc, mentions: list[Mention], gaz: Gazetteer) -> None:
    """Give each place mention its UBIGEO code where the text lets us tell."""
    places = [m for m in mentions if m.type == "place"]
    options = {id(m): gaz.places_by_name.get(fold(m.text), []) for m in places}
    context = {p.ubigeo for m in places for p in options[id(m)] if len(options[id(m)]) == 1}
    for idx, m in enumerate(places):
        found = options[id(m)]
        if not found:
            m.level = "locality"
            continue
        span = doc.char_span(m.span[0], m.span[1], alignment_mode="expand")
        cue = level_cue(doc, span.start) if span is not None else None
        inside: set[str] = set()
        # "X, Huánuco" / "X (Huánuco)": the next place names where X lies
        if idx + 1 < len(places):
            nxt = places[idx + 1]
            gap = doc_text(doc)[m.span[1] : nxt.span[0]]
            if gap.strip() in {
                ",",
                "(",
                "-",
                "–",
                ", región",
                ", region",
                ", provincia de",
                ", departamento de",
            } or re.fullmatch(r"\s*[,(\-–]\s*", gap):
                inside = {p.ubigeo for p in options[id(nxt)]}
        if cue is None and fold(m.text) in PLACE_STOPLIST and not inside:
            m.level = "locality"
            continue
        place = choose_place(gaz, found, cue, inside, context - {p.ubigeo for p in found})
        if place is not None and place.level == "country":
            m.level, m.canonical = "country", place.name
        elif place is not None:
            m.ubigeo, m.level, m.canonical = place.ubigeo, place.level, place.name
            m.confidence = max(m.confidence, 0.85)
        else:
            m.level = "locality"
    link_features(doc, places, gaz)  # rivers, protected areas, roads, towns


def resolve(doc: Doc, mentions: list[Mention]) -> list[Entity]:
    """Group mentions of the same entity within one document."""
    entities: list[Entity] = []
    by_key: dict[str, Entity] = {}

    def add(key: str, m: Mention) -> None:
        ev = _evidence(doc, m.span[0], m.span[1], m.method, m.confidence)
        ent = by_key.get(key)
        if ent is None:
            ent = Entity(
                key=key,
                type=m.type,
                canonical=m.canonical or m.text,
                kind=m.kind,
                ubigeo=m.ubigeo,
                level=m.level,
            )
            by_key[key] = ent
            entities.append(ent)
        ent.mentions.append(ev)
        if m.text != ent.canonical and m.text not in ent.aliases:
            ent.aliases.append(m.text)

    persons = [m for m in mentions if m.type == "person"]
    # longest names first, so "Grández" can join "Teodoro Grández Mori"
    full: list[tuple[list[str], str]] = []
    first_names = load_gazetteer().first_names
    for m in persons:
        _given_name_before(doc, m)
        _strip_presentation(doc, m)
    for m in sorted(persons, key=lambda m: -len(m.text)):
        name = HONORIFICS.sub("", m.canonical or m.text)
        words = fold(name).split()
        home = None
        homes = [
            key
            for known_words, key in full
            if words and (_part_of(words, known_words) or _initials_match(words, known_words))
        ]
        if len(homes) > 1:
            continue  # "Tapullima" alone when two persons here bear it: nobody's for sure
        if homes:
            home = homes[0]
        if home is None and words and words[0] not in first_names:
            # "Shuna Vasquez" after "Marleni Shuña Vásquez": surnames only one person here
            # has, in their order ("Camaiteri Shuña" is another person than "Elsa Shuña
            # Camaiteri"); a relative's given name is never a surname
            sharing = [
                key for known_words, key in full if _surnames_of(words, _own_surnames(known_words))
            ]
            if len(sharing) == 1:
                home = sharing[0]
        if home is None:
            home = f"person:{' '.join(words)}"
            full.append((words, home))
            m.canonical = name
        add(home, m)
    for m in mentions:
        if m.type == "person":
            continue
        if m.type == "place":
            unit = m.ubigeo if m.level not in FEATURE_LEVELS else None  # a river is no region
            key = f"place:{unit or fold(m.canonical or m.text)}"
        elif m.type == "community":
            key = f"community:{_community_key(m.canonical or m.text)}"
        else:
            key = f"organization:{fold(m.canonical or m.text)}"
        add(key, m)
    _merge_community_prefixes(entities)
    _name_parts(doc, entities)
    _nicknames(doc, entities)
    _acronyms(doc, entities)
    _community_names(doc, entities)
    _nominals(doc, entities)
    _inside_longer_names(entities)
    entities[:] = [e for e in entities if not _junk(e)]
    for e in entities:
        e.mentions.sort(key=lambda ev: ev.start)
    return sorted(entities, key=lambda e: e.first.start)


# what the model or a pattern takes for a name in real complaints: a verb opening a
# paragraph ("Exigimos"), a word of a legal term ("Decreto Supremo", "cámara Gesell"), a
# file number ("Carpeta Fiscal N°"), a painted slogan ("SIGUES TÚ"), "ningún responsable"
JUNK_PERSON = re.compile(
    r"^(?:[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?:amos|emos|imos)|Supremo|Suprema|Gesell|Defensor[ií]a|[A-Z]\.?|"
    r"(?:[A-Z]\.){1,3}(?:\s*[A-Z]\.?)?|D\.\s?S\..*|.*\bN[°º]?)$"
)
JUNK_ORGANIZATION = re.compile(
    r"^(?:ning[uú]n\w*|alg[uú]n\w*|otr[oa]s?|vari[oa]s|no|any|some|another)\b", re.IGNORECASE
)


@cache
def _region_names() -> frozenset[str]:
    return frozenset(fold(p.name) for p in load_gazetteer().places.values() if p.level == "region")


SHOUTED_WORDS = frozenset({"tu", "tú", "te", "yo", "sigues", "vas", "van", "muere", "fuera"})


def _junk(e: Entity) -> bool:
    """A mention that names nobody (see ``JUNK_PERSON``)."""
    name = e.canonical.strip()
    if e.type == "person":
        if JUNK_PERSON.fullmatch(name) or sum(ch.isalpha() for ch in name) < 3:
            return True
        words = name.split()
        if fold(words[0]) in _region_names() and len(words) > 1:
            return True  # "Ucayali Progresa" (a page), not a person
        return name.isupper() and any(fold(w) in SHOUTED_WORDS for w in words)
    if e.type == "organization":
        return bool(JUNK_ORGANIZATION.match(name))
    return False


def _given_name_before(doc: Doc, m: Mention) -> None:
    """ "Rider Ñaupa Quispe" read as "Ñaupa Quispe": a capitalised word right before the
    name that is no title, article or sentence start is its given name."""
    start = m.span[0]
    head = doc_text(doc)[max(0, start - 30) : start]
    hit = re.search(r"(?:^|[\s(,])([A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,})\s$", head)
    if hit is None:
        return
    word = hit.group(1)
    folded = fold(word)
    if folded in LEADING or folded in GIVEN_NAME_STOP or HONORIFICS.match(word + " "):
        return
    before = head[: hit.start(1)].rstrip()
    if not before or before[-1] in '.!?:\n"“«—–-' or len(fold(m.text).split()) > 2:
        return
    if folded not in load_gazetteer().first_names:
        return
    m.span = (start - len(word) - 1, m.span[1])
    m.text = word + " " + m.text
    if m.canonical:
        m.canonical = word + " " + m.canonical


PRESENTATION = re.compile(
    r"^(?:soy|yo|comparece|comparecen|suscribe|suscriben|atentamente|me llamo|mi nombre es)\s+",
    re.IGNORECASE,
)


def _strip_presentation(doc: Doc, m: Mention) -> None:
    """ "Soy Lidia Manihuari Tapayuri", "Comparece Rubén Odiaga Vela": the name, not the verb."""
    hit = PRESENTATION.match(m.text)
    if hit is None or len(m.text) - hit.end() < 3:
        return
    m.span = (m.span[0] + hit.end(), m.span[1])
    m.text = m.text[hit.end() :]
    if m.canonical:
        m.canonical = PRESENTATION.sub("", m.canonical)


GIVEN_NAME_STOP = frozenset({"don", "doña", "apu", "señor", "señora", "mr", "mrs", "ms", "dr"})


def _part_of(words: list[str], known: list[str]) -> bool:
    """Every word of a shorter name in the longer one, given names matching given names:
    "Cristóbal" is "Cristóbal Tapullima Ríos"; "Demesio Pachas" is not "Rolando Pachas"."""
    if not set(words) <= set(known):
        return False
    if len(words) == 1 and words[0] != known[0] and words[0] not in _own_surnames(known):
        return False  # "Tapullima" is not "Teresa Ahuanari de Tapullima"
    return not (
        len(words) >= 2 and words[0] != known[0] and words[0] in load_gazetteer().first_names
    )


def _own_surnames(known: list[str]) -> list[str]:
    """A person's own surnames: after the given names, not a husband's ("de Tapullima")."""
    out: list[str] = []
    for i, w in enumerate(known[1:], start=1):
        if w in {"de", "del", "la"} or (i > 1 and known[i - 1] == "de"):
            continue
        out.append(w)
    return out


def _surnames_of(words: list[str], surnames: list[str]) -> bool:
    """ "Shuna Vasquez" is a run of a person's surnames, in order."""
    words = [w for w in words if len(w) > 3]
    if not words or not surnames:
        return False
    # "Shuna Vasquez" after "Marleni Shuna": the name's last surname, then one it did not
    # give (not "Camaiteri Shuña" after "Elsa Shuña Camaiteri": a relative's order)
    if (
        len(words) == 2
        and words[0] == surnames[-1]
        and words[1] not in surnames
        and len(surnames) == 1
    ):
        return True
    return any(surnames[i : i + len(words)] == words for i in range(len(surnames) - len(words) + 1))


def _initials_match(words: list[str], known: list[str]) -> bool:
    """ "T. Grández" joins "Teodoro Grández Mori"."""
    initials = [w.rstrip(".") for w in words if len(w.rstrip(".")) == 1]
    rest = [w for w in words if len(w.rstrip(".")) > 1]
    if not initials or not rest or not set(rest) <= set(known):
        return False
    return all(any(k.startswith(i) for k in known) for i in initials)


_COMMUNITY_WORDS = re.compile(
    r"^(?:la\s+|the\s+)?(?:comunidad\s+(?:nativa|campesina)|comunidad|c\.?\s?n\.?|c\.?\s?c\.?|"
    r"native\s+community|indigenous\s+community|campesino\s+community|peasant\s+community)"
    r"(?:\s+(?:de|del|of))?\s+|\s+(?:native|indigenous|campesino|peasant)\s+community$",
    re.IGNORECASE,
)


def _community_key(text: str) -> str:
    return fold(_COMMUNITY_WORDS.sub("", text.strip()))


def _merge_community_prefixes(entities: list[Entity]) -> None:
    """ "comunidad nativa Santa Rosa" is "Comunidad Nativa Santa Rosa de Alto Yanayacu"."""
    comms = [e for e in entities if e.type == "community"]
    for short in sorted(comms, key=lambda e: len(e.key)):
        for long in comms:
            if long is short or not long.key.startswith(short.key + " "):
                continue
            long.mentions += short.mentions
            long.aliases += [a for a in [short.canonical, *short.aliases] if a not in long.aliases]
            short.mentions = []
            break
    entities[:] = [e for e in entities if e.mentions]


def _name_parts(doc: Doc, entities: list[Entity]) -> None:
    """ "Grández" alone, after "Teodoro Grández Mori": another mention of the same person.

    A word counts only when it belongs to one person of the document, so two people
    who share a surname leave it unresolved.
    """
    persons = [e for e in entities if e.type == "person"]
    full_names = {fold(p.canonical): p for p in persons}
    for other in list(entities):  # the model took a person for an organisation or a place
        if (
            other.type in {"organization", "place"}
            and other.ubigeo is None
            and all(m.method == "model" for m in other.mentions)
        ):
            owner = full_names.get(fold(other.canonical))
            if owner is not None and owner is not other:
                owner.mentions += other.mentions
                entities.remove(other)
    owners: dict[str, list[Entity]] = {}
    for p in persons:
        words = fold(p.canonical).split()
        if len(words) < 2:
            continue
        for w in _own_surnames(words):
            if len(w) > 2:
                owners.setdefault(w, []).append(p)
    for other in list(entities):  # a lone surname the model (or a gazetteer) typed otherwise
        by_model = all(m.method == "model" for m in other.mentions) and other.ubigeo is None
        lone_district = (
            other.type == "place" and other.level == "district" and len(other.mentions) == 1
        )
        if other.type in {"organization", "place"} and (by_model or lone_district):
            words = fold(other.canonical).split()
            found = {id(o): o for w in words for o in owners.get(w, [])}
            if len(words) <= 2 and len(found) == 1 and all(w in owners for w in words):
                owner = next(iter(found.values()))
                owner.mentions += other.mentions
                entities.remove(other)
    taken = _spans(entities)
    for tok in doc:
        candidates = owners.get(fold(tok.text))
        if not candidates or len(candidates) != 1 or not tok.text[:1].isupper():
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        if _overlaps(start, end, taken):
            continue
        person = candidates[0]
        person.mentions.append(_evidence(doc, start, end, "rule", 0.7))
        if tok.text not in person.aliases:
            person.aliases.append(tok.text)
        taken.append((start, end))


NICKNAME = re.compile(
    r"\b(?:alias|apodad[oa]|conocid[oa] como|(?:todos\s+)?(?:lo|la\s+)?conocen como|le dicen|"
    r"le llaman|known as|a\.k\.a\.?)\s+[\"'“‘«]?"
    r"(?P<nick>(?:(?:el|la|the)\s+)?[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+){0,2})"
    r"[\"'”’»]?",
    re.IGNORECASE,
)


def _nicknames(doc: Doc, entities: list[Entity]) -> None:
    """ "Jhon Córdova Panduro, alias 'el Chato'": the nickname is that person, here and later."""
    persons = [e for e in entities if e.type == "person"]
    for m in NICKNAME.finditer(doc_text(doc)):
        before = [
            p
            for p in persons
            if any(ev.end <= m.start() and m.start() - ev.end < 25 for ev in p.mentions)
        ]
        after = [  # 'liderado por alias "Tigrillo", Dionisio Yucra Pariona'
            p
            for p in persons
            if any(ev.start >= m.end() and ev.start - m.end() < 6 for ev in p.mentions)
            and fold(p.canonical) != fold(m.group("nick"))
        ]
        if not before and not after:
            continue
        owner = before[0] if before else after[0]
        nick = m.group("nick")
        bare = re.sub(r"^(?:el|la|the)\s+", "", nick, flags=re.IGNORECASE)
        for other in list(entities):  # the model may have taken the nickname for an entity
            if (
                other is not owner
                and (
                    other.type in {"person", "organization"}
                    or (other.type == "place" and other.ubigeo is None)
                )
                and fold(other.canonical) in {fold(nick), fold(bare)}
            ):
                owner.mentions += other.mentions
                entities.remove(other)
        taken = [(ev.start, ev.end) for ev in owner.mentions]
        for hit in re.finditer(re.escape(bare), doc_text(doc)):
            if not _overlaps(hit.start(), hit.end(), taken):
                owner.mentions.append(_evidence(doc, hit.start(), hit.end(), "rule", 0.75))
        if nick not in owner.aliases:
            owner.aliases.append(nick)


def _acronyms(doc: Doc, entities: list[Entity]) -> None:
    """ "MCA" after "Minera Cordillera Azul S.A.C.": the same organisation."""
    orgs = [e for e in entities if e.type == "organization"]
    for org in orgs:
        words = [
            w
            for w in re.findall(r"[\wÁÉÍÓÚÑáéíóúñ]+", org.canonical)
            if w[:1].isupper() and fold(w) not in {"sac", "sa", "eirl", "srl", "saa"}
        ]
        if len(words) < 2:
            continue
        initials = "".join(w[0] for w in words).upper()
        for other in list(entities):
            if (
                other is not org
                and other.type == "organization"
                and other.canonical.replace(".", "").upper() == initials
                and other.canonical.isupper()
            ):
                org.mentions += other.mentions
                org.aliases.append(other.canonical)
                entities.remove(other)
        taken = _spans(entities)
        for hit in re.finditer(rf"\b{re.escape(initials)}\b", doc_text(doc)):
            if not _overlaps(hit.start(), hit.end(), taken):
                org.mentions.append(_evidence(doc, hit.start(), hit.end(), "rule", 0.7))


def _community_names(doc: Doc, entities: list[Entity]) -> None:
    """The bare name of a community named in full elsewhere in the text is that community."""
    for comm in [e for e in entities if e.type == "community"]:
        bare = _COMMUNITY_WORDS.sub("", comm.canonical).strip()
        if len(bare) < 4:
            continue
        taken = _spans(entities)
        for hit in re.finditer(re.escape(bare), doc_text(doc), flags=re.IGNORECASE):
            if _overlaps(hit.start(), hit.end(), taken):
                continue
            comm.mentions.append(_evidence(doc, hit.start(), hit.end(), "rule", 0.7))
        for other in list(entities):
            if (
                other is not comm
                and other.type != "community"
                and fold(other.canonical) in {fold(bare)}
                and other.ubigeo is None
            ):
                comm.mentions += other.mentions
                entities.remove(other)


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


def _nominals(doc: Doc, entities: list[Entity]) -> None:
    """ "la empresa", "la fiscalía", "the community": the one such entity the text names."""
    for pattern, etype, kinds in NOMINALS:
        pool = [e for e in entities if e.type == etype and (kinds is None or e.kind in kinds)]
        if len(pool) != 1:
            continue
        owner = pool[0]
        taken = _spans(entities)
        for hit in pattern.finditer(doc_text(doc)):
            if _overlaps(hit.start(), hit.end(), taken):
                continue
            if hit.start() < owner.first.start:
                continue  # a reference follows what it refers to
            owner.mentions.append(_evidence(doc, hit.start(), hit.end(), "rule", 0.6))


def _inside_longer_names(entities: list[Entity]) -> None:
    """ "Cordillera Azul" (taken for a person) is part of "Minera Cordillera Azul S.A.C."."""
    named = [e for e in entities if e.type in {"organization", "community"}]
    for other in list(entities):
        if other.type not in {"person", "place", "organization"} or other.ubigeo is not None:
            continue
        if other.level == "feature":  # "río Ene" is no part of "Central Asháninka del Río Ene"
            continue
        if other.type == "place" and any(m.method == "gazetteer" for m in other.mentions):
            continue  # "Peru" the country is no part of "Policía Nacional del Perú"
        words = fold(other.canonical)
        for e in named:
            if (
                e is not other
                and e in entities
                and len(e.canonical) > len(other.canonical)
                and re.search(rf"(?:^| ){re.escape(words)}(?: |$)", fold(e.canonical))
            ):
                e.mentions += other.mentions
                entities.remove(other)
                break
