"""Gold documents and predictions, matched: the annotated texts and what is predicted for them.

Predictions come from the pipeline or from the bare model; entities match by name, incidents by
type, people and date (the rules are written out in ``nlp.evaluate``).
"""

from __future__ import annotations

import json
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import spacy

from nlp.identity import identity_key
from nlp.pipeline import MODELS, Extractor
from nlp.result import DocResult
from nlp.text import blank_markup, fold

LANGUAGES = ("es", "en")


HONORIFIC = re.compile(
    r"^(?:(?:el|la|the)\s+)?(?:apu|señor|señora|sr\.?|sra\.?|don|doña|"
    r"mr\.?|mrs\.?|ms\.?|dr\.?|presidenta|presidente|dirigente)\s+",
    re.IGNORECASE,
)


BARE_TYPES = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "organization",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
}


# gold date precision → how many characters of YYYY-MM-DD must agree
PRECISION_CHARS = {"day": 10, "month": 7}


@dataclass
class Gold:
    id: str
    language: str
    received: date
    text: str
    entities: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    reported: date | None = None  # publication date, when the intake was given one
    not_perpetrators: list[str] = field(default_factory=list)

    @property
    def reference(self) -> date:
        """The date relative dates resolve against: publication, else reception."""
        return self.reported or self.received


def held_out(doc_id: str) -> bool:
    """Every fourth document (es-004, en-008, …) is held out: rules were tuned on the rest,
    and the held-out figures say how well that tuning carries to unseen text."""
    return int(doc_id.rsplit("-", 1)[1]) % 4 == 0


def load_gold(folder: Path, split: str = "all") -> list[Gold]:
    """Gold documents: ``all``, ``dev`` (tuned on) or ``test`` (held out)."""
    docs: list[Gold] = []
    for path in sorted(folder.glob("*/*.json")):
        if split != "all" and held_out(path.stem) != (split == "test"):
            continue
        raw = json.loads(path.read_text(encoding="utf-8"))
        reported = raw.get("reported_at")
        docs.append(
            Gold(
                raw["id"],
                raw["language"],
                date.fromisoformat(raw["received_at"][:10]),
                raw["text"],
                raw["entities"],
                raw.get("incidents", []),
                date.fromisoformat(reported[:10]) if reported else None,
                raw.get("not_perpetrators", []),
            )
        )
    return docs


@dataclass
class PredEntity:
    type: str
    canonical: str
    texts: set[str]
    ubigeo: str | None = None
    key: str = ""  # document-level key
    identity: str = ""  # cross-document key
    # what the graph links it to by MEMBER_OF, WORKS_FOR or PARTY_TO (review context)
    context: frozenset[str] = frozenset()


@dataclass
class PredIncident:
    type: str
    perpetrators: list[str]
    victims: list[str]
    suspects: list[str] = field(default_factory=list)  # weaker, pending: not accusations
    date: str | None = None
    date_precision: str = "unknown"


@dataclass
class Prediction:
    entities: list[PredEntity]
    incidents: list[PredIncident] = field(default_factory=list)


def contexts(result: DocResult) -> dict[str, frozenset[str]]:
    """Entity key → the nodes ``graph.intake.extraction`` links it to by MEMBER_OF, WORKS_FOR or
    PARTY_TO: the contexts that lift a review candidate over its floor."""
    ident = {e.key: identity_key(e) for e in result.entities}
    kinds = {e.key: e.type for e in result.entities}
    out: dict[str, set[str]] = defaultdict(set)
    for rel in result.relations:
        if kinds[rel.source] != "person":
            continue
        if rel.type == "works_for" and kinds[rel.target] != "organization":
            continue
        out[rel.source].add(ident[rel.target])
    for d in result.disputes:
        communities = sorted(ident[k] for k in d.parties if kinds[k] == "community")
        if communities:
            for k in d.parties:
                out[k].add("dispute:" + "|".join([d.driver, *communities]))
    return {k: frozenset(v) for k, v in out.items()}


def from_result(result: DocResult, text: str) -> Prediction:
    ctx = contexts(result)
    ents = [
        PredEntity(
            e.type,
            e.canonical,
            {text[m.start : m.end] for m in e.mentions},
            e.ubigeo,
            e.key,
            identity_key(e),
            ctx.get(e.key, frozenset()),
        )
        for e in result.entities
    ]
    incs = [
        PredIncident(
            i.type,
            list(i.perpetrators),
            list(i.victims),
            list(i.suspects),
            i.date,
            i.date_precision,
        )
        for i in result.incidents
    ]
    return Prediction(ents, incs)


def bare_predictions(docs: list[Gold]) -> list[Prediction]:
    """The bare spaCy model's entities, typed by its own labels."""
    out: list[Prediction] = []
    pipes: dict[str, Any] = {}
    for g in docs:
        if g.language not in pipes:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=r".*\[W095\].*")
                pipes[g.language] = spacy.load(MODELS[g.language])
        doc = pipes[g.language](blank_markup(g.text))
        by_key: dict[tuple[str, str], PredEntity] = {}
        for ent in doc.ents:
            etype = BARE_TYPES.get(ent.label_)
            if etype is None:
                continue
            k = (etype, fold(ent.text))
            by_key.setdefault(
                k, PredEntity(etype, ent.text, {ent.text}, None, "|".join(k), "|".join(k))
            )
        out.append(Prediction(list(by_key.values())))
    return out


def gold_names(g: dict[str, Any]) -> set[str]:
    """The folded names a gold entity is matched by."""
    names = {fold(g["canonical"])} | {fold(m) for m in g["mentions"]}
    # "el apu Grández" is matched by "Grández": the title is not part of the name
    return names | {fold(HONORIFIC.sub("", m)) for m in g["mentions"]}


def pred_names(p: PredEntity) -> set[str]:
    """The folded names a prediction is known by in its document."""
    return {fold(p.canonical)} | {fold(t) for t in p.texts}


def match_entities(gold: list[dict[str, Any]], pred: list[PredEntity]) -> dict[str, PredEntity]:
    """gold entity id → the prediction that matches it."""
    matched: dict[str, PredEntity] = {}
    used: set[int] = set()
    for g in gold:
        names = gold_names(g)
        for i, p in enumerate(pred):
            if i in used or p.type != g["type"]:
                continue
            if pred_names(p) & names:
                matched[g["id"]] = p
                used.add(i)
                break
    return matched


def same_date(gi: dict[str, Any], pi: PredIncident) -> bool:
    """Whether a predicted incident has the gold date at the gold's precision."""
    n = PRECISION_CHARS.get(gi.get("date_precision") or "")
    return bool(n and gi.get("date") and pi.date and pi.date[:n] == gi["date"][:n])


def pair_incidents(
    gold: list[dict[str, Any]], pred: list[PredIncident], to_gold: dict[str, str]
) -> list[tuple[dict[str, Any], PredIncident | None]]:
    """Each gold incident with a distinct predicted incident of its type, or None;
    preferring one that shares people, then one with the gold date."""
    free = list(pred)
    out: list[tuple[dict[str, Any], PredIncident | None]] = []
    for gi in gold:
        people = set(gi["perpetrators"]) | set(gi["victims"])
        same = [pi for pi in free if pi.type == gi["type"]]
        same.sort(
            key=lambda pi: (
                -len(people & {to_gold.get(k) for k in pi.perpetrators + pi.victims}),
                not same_date(gi, pi),
            )
        )
        hit = same[0] if same else None
        if hit is not None:
            free.remove(hit)
        out.append((gi, hit))
    return out


def extract(docs: list[Gold], extractor: Extractor | None = None) -> list[Prediction]:
    """The pipeline's predictions, each text dated by its ``reference`` date."""
    extractor = extractor or Extractor()
    results = extractor.extract_many([(g.text, g.reference) for g in docs])
    return [from_result(r, g.text) for r, g in zip(results, docs, strict=True)]
