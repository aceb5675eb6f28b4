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

The real-style reporting set (``tests/data/reporting``) is scored by the measures of
issue 16 (``MEASURES``), on the same entity matching; each measure lists what failed.
Relative dates are resolved against a text's ``reported_at`` (publication) date when it
has one, else its ``received_at``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from nlp.gold import (
    LANGUAGES,
    Gold,
    Prediction,
    bare_predictions,
    extract,
    load_gold,
    match_entities,
    pair_incidents,
)
from nlp.measures import evaluate_reporting, reporting_table
from nlp.pipeline import Extractor

TYPES = ("person", "organization", "community", "place")


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


@dataclass
class Scores:
    entities: dict[str, PRF]
    ubigeo: tuple[int, int] = (0, 0)
    incident_type: tuple[int, int] = (0, 0)
    roles: PRF = field(default_factory=PRF)
    resolution: PRF = field(default_factory=PRF)
    # predicted ÷ gold incidents: type accuracy alone rewards extracting one act many times
    incident_count: tuple[int, int] = (0, 0)

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
            "incident_ratio": round(self.incident_count[0] / self.incident_count[1], 4)
            if self.incident_count[1]
            else None,
        }


def score(docs: list[Gold], preds: list[Prediction], *, full: bool) -> Scores:
    ents = {t: PRF() for t in TYPES}
    ubigeo_ok = ubigeo_n = type_ok = type_n = predicted_n = gold_n = 0
    roles = PRF()
    clusters: list[tuple[str, str]] = []  # (gold actor slug, predicted identity)
    for g, p in zip(docs, preds, strict=True):
        matched = match_entities(g.entities, p.entities)
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
        predicted_n += len(p.incidents)
        gold_n += len(g.incidents)
        paired = pair_incidents(g.incidents, p.incidents, to_gold)
        type_n += len(paired)
        type_ok += sum(hit is not None for _, hit in paired)
    resolution = PRF()
    for (ga, pa), (gb, pb) in combinations(clusters, 2):
        same_gold, same_pred = ga == gb, pa == pb
        resolution.tp += same_gold and same_pred
        resolution.fp += (not same_gold) and same_pred
        resolution.fn += same_gold and not same_pred
    return Scores(
        ents, (ubigeo_ok, ubigeo_n), (type_ok, type_n), roles, resolution, (predicted_n, gold_n)
    )


def evaluate(
    folder: Path, extractor: Extractor | None = None, split: str = "all"
) -> dict[str, Any]:
    docs = load_gold(folder, split)
    ours = extract(docs, extractor)
    bare = bare_predictions(docs)
    return {
        "split": split,
        "documents": len(docs),
        "by_language": {lang: sum(g.language == lang for g in docs) for lang in LANGUAGES},
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
    yield f"{'incidents extracted ÷ gold':<34}{cell(ours['incident_ratio'])}{'n/a':>12}"
    yield f"{'role (perpetrator/victim) F1':<34}{ours['roles']['f1']:>10.3f}{'n/a':>12}"
    yield (
        f"{'cross-document resolution F1':<34}{ours['resolution']['f1']:>10.3f}"
        f"{bare['resolution']['f1']:>12.3f}"
    )


# --- the real-style reporting set: the measures of issue 16 --------------------------


# --- command line: python -m nlp.evaluate ----------------------------------------------

SETS = {"gold": Path("tests/data/gold"), "reporting": Path("tests/data/reporting")}


def run(name: str, folder: Path | None, split: str = "all", *, as_json: bool = False) -> str:
    """The report of one set (``gold`` or ``reporting``) as text or JSON."""
    folder = folder or SETS[name]
    if not folder.is_dir():
        raise FileNotFoundError(f"no gold set at {folder}")
    if name == "reporting":
        report = evaluate_reporting(folder, split=split)
        lines = reporting_table(report)
    else:
        report = evaluate(folder, split=split)
        lines = table(report)
    return json.dumps(report, indent=2, ensure_ascii=False) if as_json else "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.evaluate", description=__doc__)
    parser.add_argument("--set", choices=sorted(SETS), default="gold", dest="name")
    parser.add_argument("--gold", type=Path, help="the set's folder (default: tests/data/…)")
    parser.add_argument("--split", choices=["all", "dev", "test"], default="all")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    args = parser.parse_args(argv)
    print(run(args.name, args.gold, args.split, as_json=args.json))
    return 0


if __name__ == "__main__":
    sys.exit(main())
