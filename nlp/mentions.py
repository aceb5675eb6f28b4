"""Mentions: the spans the model and the rules take for names, cleaned, typed, placed.

Rule candidates first, the model's for the rest.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from nlp.features import choose_place, level_cue
from nlp.gazetteers import Gazetteer
from nlp.lexicon.names import CONNECTORS as CONNECTORS_SET
from nlp.lexicon.names import FUNCTION_WORDS, LEADING, NOT_ENTITY, NOT_NAME, TRAILING_CONNECTORS
from nlp.lexicon.organisations import COMMUNITY_WORDS, POLICE_NOUNS
from nlp.lexicon.places import LEVEL_CUES, PLACE_STOPLIST
from nlp.patterns import Candidate, doc_text, per_document, tidy
from nlp.places import link_features
from nlp.result import Entity, Evidence
from nlp.text import fold

PERSON_LABELS = {"PER", "PERSON"}


ORG_LABELS = {"ORG"}


PLACE_LABELS = {"LOC", "GPE", "FAC"}


MODEL_LABEL = {"person": "PER", "organization": "ORG", "community": "ORG", "place": "LOC"}


EN_MODEL_LABEL = {"person": "PERSON", "organization": "ORG", "community": "ORG", "place": "GPE"}


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


def spans_of(entities: list[Entity]) -> list[tuple[int, int]]:
    """Character spans already taken by a mention."""
    return [(m.start, m.end) for e in entities for m in e.mentions]


def overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < b and end > a for a, b in taken)


def evidence_at(doc: Doc, start: int, end: int, method: str, confidence: float) -> Evidence:
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
                canonical = f"{head} {tidy(COMMUNITY_WORDS.sub('', text.strip()))}"
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
        if overlaps(m.start(), m.end(), taken):
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
