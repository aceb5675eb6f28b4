"""Scores against the hand-annotated gold set (``tests/data/gold``), for our pipeline and,
side by side, for the bare spaCy model on the same texts.

Matching rules (documented so the figures can be checked by hand):

* **entities**, per document: a predicted entity matches a gold one of the same type
  when its canonical name or any of its mention texts equals (accents and case aside)
  the gold canonical or one of the gold mentions. Each gold entity is matched once.
  Unmatched predictions are false positives; unmatched gold entities, false negatives.
* **UBIGEO accuracy**: gold places with a code whose matched prediction has that code.
* **incident type accuracy**: gold incidents matched, within their document, to a
  distinct predicted incident of the same type (preferring one that shares people).
* **roles**: (document, role, gold entity) for perpetrators and victims; predicted
  participants are mapped to gold entities through the entity matching.
* **cross-document resolution**: pairs of matched (document, entity) with an ``actor``
  slug; a pair is the same actor in gold when the slugs are equal, and predicted the
  same when the identity keys are equal. Pairwise precision, recall and F1.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import spacy

from nlp.identity import identity_key
from nlp.pipeline import MODELS, Extractor
from nlp.result import DocResult
from nlp.text import blank_markup, fold

TYPES = ("person", "organization", "community", "place")
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


@dataclass
class Gold:
    id: str
    language: str
    received: date
    text: str
    entities: list[dict[str, Any]]
    incidents: list[dict[str, Any]]


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
        docs.append(
            Gold(
                raw["id"],
                raw["language"],
                date.fromisoformat(raw["received_at"][:10]),
                raw["text"],
                raw["entities"],
                raw.get("incidents", []),
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


@dataclass
class PredIncident:
    type: str
    perpetrators: list[str]
    victims: list[str]


@dataclass
class Prediction:
    entities: list[PredEntity]
    incidents: list[PredIncident] = field(default_factory=list)


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def from_result(result: DocResult, text: str) -> Prediction:
    ents = [
        PredEntity(
            e.type,
            e.canonical,
            {text[m.start : m.end] for m in e.mentions},
            e.ubigeo,
            e.key,
            identity_key(e),
        )
        for e in result.entities
    ]
    incs = [PredIncident(i.type, i.perpetrators, i.victims) for i in result.incidents]
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


def _match(gold: list[dict[str, Any]], pred: list[PredEntity]) -> dict[str, PredEntity]:
    """gold entity id → the prediction that matches it."""
    matched: dict[str, PredEntity] = {}
    used: set[int] = set()
    for g in gold:
        names = {fold(g["canonical"])} | {fold(m) for m in g["mentions"]}
        # "el apu Grández" is matched by "Grández": the title is not part of the name
        names |= {fold(HONORIFIC.sub("", m)) for m in g["mentions"]}
        for i, p in enumerate(pred):
            if i in used or p.type != g["type"]:
                continue
            if fold(p.canonical) in names or any(fold(t) in names for t in p.texts):
                matched[g["id"]] = p
                used.add(i)
                break
    return matched


@dataclass
class Scores:
    entities: dict[str, PRF]
    ubigeo: tuple[int, int] = (0, 0)
    incident_type: tuple[int, int] = (0, 0)
    roles: PRF = field(default_factory=PRF)
    resolution: PRF = field(default_factory=PRF)

    def as_dict(self) -> dict[str, Any]:
        overall = PRF(
            *(sum(getattr(p, a) for p in self.entities.values()) for a in ("tp", "fp", "fn"))
        )
        return {
            "entities": {t: p.as_dict() for t, p in self.entities.items()},
            "entities_overall": overall.as_dict(),
            "ubigeo_accuracy": round(self.ubigeo[0] / self.ubigeo[1], 4)
            if self.ubigeo[1]
            else None,
            "incident_type_accuracy": round(self.incident_type[0] / self.incident_type[1], 4)
            if self.incident_type[1]
            else None,
            "roles": self.roles.as_dict(),
            "resolution": self.resolution.as_dict(),
        }


def score(docs: list[Gold], preds: list[Prediction], *, full: bool) -> Scores:
    ents = {t: PRF() for t in TYPES}
    ubigeo_ok = ubigeo_n = type_ok = type_n = 0
    roles = PRF()
    clusters: list[tuple[str, str]] = []  # (gold actor slug, predicted identity)
    for g, p in zip(docs, preds, strict=True):
        matched = _match(g.entities, p.entities)
        for ge in g.entities:
            prf = ents[ge["type"]]
            if ge["id"] in matched:
                prf.tp += 1
            else:
                prf.fn += 1
            if ge["type"] == "place" and ge.get("ubigeo"):
                ubigeo_n += 1
                hit = matched.get(ge["id"])
                ubigeo_ok += int(hit is not None and hit.ubigeo == ge["ubigeo"])
            if ge.get("actor") and ge["id"] in matched:
                clusters.append((ge["actor"], matched[ge["id"]].identity))
        used = {id(x) for x in matched.values()}
        for pe in p.entities:
            if id(pe) not in used and pe.type in ents:
                ents[pe.type].fp += 1
        if not full:
            continue
        to_gold = {pe.key: gid for gid, pe in matched.items()}
        gold_roles = {
            (role, x)
            for inc in g.incidents
            for role in ("perpetrators", "victims")
            for x in inc[role]
        }
        pred_roles = {
            (role, to_gold.get(k, f"?{k}"))
            for inc in p.incidents
            for role, keys in (("perpetrators", inc.perpetrators), ("victims", inc.victims))
            for k in keys
        }
        roles.tp += len(gold_roles & pred_roles)
        roles.fp += len(pred_roles - gold_roles)
        roles.fn += len(gold_roles - pred_roles)
        free = list(p.incidents)
        for gi in g.incidents:
            type_n += 1
            people = set(gi["perpetrators"]) | set(gi["victims"])
            same = [pi for pi in free if pi.type == gi["type"]]
            same.sort(
                key=lambda pi: -len(people & {to_gold.get(k) for k in pi.perpetrators + pi.victims})
            )
            if same:
                type_ok += 1
                free.remove(same[0])
    resolution = PRF()
    for (ga, pa), (gb, pb) in combinations(clusters, 2):
        same_gold, same_pred = ga == gb, pa == pb
        resolution.tp += same_gold and same_pred
        resolution.fp += (not same_gold) and same_pred
        resolution.fn += same_gold and not same_pred
    return Scores(ents, (ubigeo_ok, ubigeo_n), (type_ok, type_n), roles, resolution)


def evaluate(
    folder: Path, extractor: Extractor | None = None, split: str = "all"
) -> dict[str, Any]:
    docs = load_gold(folder, split)
    extractor = extractor or Extractor()
    results = list(extractor.extract_many([(g.text, g.received) for g in docs]))
    ours = [from_result(r, g.text) for r, g in zip(results, docs, strict=True)]
    bare = bare_predictions(docs)
    return {
        "split": split,
        "documents": len(docs),
        "by_language": {lang: sum(g.language == lang for g in docs) for lang in ("es", "en")},
        "pipeline": score(docs, ours, full=True).as_dict(),
        "bare_model": score(docs, bare, full=False).as_dict(),
    }


def table(report: dict[str, Any]) -> Iterable[str]:
    """The report as aligned text lines."""
    ours, bare = report["pipeline"], report["bare_model"]
    yield (
        f"gold documents ({report['split']}): {report['documents']} "
        f"({report['by_language']['es']} es, {report['by_language']['en']} en)"
    )
    yield f"{'metric':<34}{'pipeline':>10}{'bare model':>12}"
    for t in TYPES:
        for m in ("precision", "recall", "f1"):
            yield (
                f"{t + ' ' + m:<34}{ours['entities'][t][m]:>10.3f}{bare['entities'][t][m]:>12.3f}"
            )
    for m in ("precision", "recall", "f1"):
        yield (
            f"{'entities overall ' + m:<34}{ours['entities_overall'][m]:>10.3f}"
            f"{bare['entities_overall'][m]:>12.3f}"
        )

    def cell(v: float | None) -> str:
        return f"{v:>10.3f}" if v is not None else f"{'n/a':>10}"

    yield f"{'UBIGEO linking accuracy':<34}{cell(ours['ubigeo_accuracy'])}{'n/a':>12}"
    yield f"{'incident type accuracy':<34}{cell(ours['incident_type_accuracy'])}{'n/a':>12}"
    yield f"{'role (perpetrator/victim) F1':<34}{ours['roles']['f1']:>10.3f}{'n/a':>12}"
    yield (
        f"{'cross-document resolution F1':<34}{ours['resolution']['f1']:>10.3f}"
        f"{bare['resolution']['f1']:>12.3f}"
    )
