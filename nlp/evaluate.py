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
import re
import sys
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import spacy

from nlp.identity import identity_key
from nlp.likeness import review_candidate, similarity
from nlp.pipeline import MODELS, Extractor
from nlp.result import DocResult
from nlp.text import blank_markup, fold

TYPES = ("person", "organization", "community", "place")
ACTORS = ("person", "organization", "community")
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


def _match(gold: list[dict[str, Any]], pred: list[PredEntity]) -> dict[str, PredEntity]:
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


def _same_date(gi: dict[str, Any], pi: PredIncident) -> bool:
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
                not _same_date(gi, pi),
            )
        )
        hit = same[0] if same else None
        if hit is not None:
            free.remove(hit)
        out.append((gi, hit))
    return out


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


def extract(docs: list[Gold], extractor: Extractor | None = None) -> list[Prediction]:
    """The pipeline's predictions, each text dated by its ``reference`` date."""
    extractor = extractor or Extractor()
    results = extractor.extract_many([(g.text, g.reference) for g in docs])
    return [from_result(r, g.text) for r, g in zip(results, docs, strict=True)]


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


@dataclass
class DocPair:
    """One gold text, its prediction and how their entities match."""

    gold: Gold
    pred: Prediction
    matched: dict[str, PredEntity] = field(init=False)  # gold id → prediction
    to_gold: dict[str, str] = field(init=False)  # prediction key → gold id
    incidents: list[tuple[dict[str, Any], PredIncident | None]] = field(init=False)

    def __post_init__(self) -> None:
        self.matched = _match(self.gold.entities, self.pred.entities)
        self.to_gold = {pe.key: gid for gid, pe in self.matched.items()}
        self.incidents = pair_incidents(self.gold.incidents, self.pred.incidents, self.to_gold)

    def name(self, gold_id: str) -> str:
        return next(
            (str(e["canonical"]) for e in self.gold.entities if e["id"] == gold_id), gold_id
        )

    def gold_ids(self, e: PredEntity) -> set[str]:
        """The gold entities a prediction stands for: its match, else every gold entity
        of its type that one of its names matches."""
        if e.key in self.to_gold:
            return {self.to_gold[e.key]}
        mine = pred_names(e)
        return {
            str(g["id"]) for g in self.gold.entities if g["type"] == e.type and mine & gold_names(g)
        }


@dataclass
class Measure:
    """One line of the issue's table: a count (``total`` None) or ``found`` of ``total``,
    with what failed, one line each (document id first)."""

    found: int
    total: int | None = None
    failures: list[str] = field(default_factory=list)
    parts: dict[str, int] = field(default_factory=dict)

    @property
    def value(self) -> float | None:
        if self.total is None:
            return self.found
        return round(self.found / self.total, 4) if self.total else None


def _roles(d: DocPair, gold_id: str) -> list[str]:
    """The roles a gold entity's prediction got in the predicted incidents."""
    roles = {
        role
        for pi in d.pred.incidents
        for role, keys in (
            ("perpetrator", pi.perpetrators),
            ("suspect", pi.suspects),
            ("victim", pi.victims),
        )
        for k in keys
        if d.to_gold.get(k) == gold_id
    }
    return sorted(roles)


def wrong_accusations(docs: Sequence[DocPair]) -> Measure:
    """Texts where a named actor is made a perpetrator (not a suspect) who is in the gold
    ``not_perpetrators`` or is a perpetrator of no gold incident of the text."""
    texts = pairs = 0
    failures: list[str] = []
    for d in docs:
        accused = {x for gi in d.gold.incidents for x in gi["perpetrators"]}
        innocent = set(d.gold.not_perpetrators)
        by_key = {e.key: e for e in d.pred.entities}
        wrong: dict[str, str] = {}
        for pi in d.pred.incidents:
            for k in pi.perpetrators:
                e = by_key.get(k)
                if e is None or e.type not in ACTORS or e.canonical in wrong:
                    continue
                ids = d.gold_ids(e)
                if ids & innocent:
                    why = "in not_perpetrators"
                elif not ids:
                    why = "not a gold entity"
                elif not ids & accused:
                    why = "perpetrator of no gold incident"
                else:
                    continue
                wrong[e.canonical] = f"{why} (made perpetrator of a {pi.type})"
        if wrong:
            texts += 1
            pairs += len(wrong)
            failures += [f"{d.gold.id}: {name} — {why}" for name, why in wrong.items()]
    return Measure(texts, None, failures, {"pairs": pairs})


def merged_within(docs: Sequence[DocPair]) -> Measure:
    """Predicted persons that stand for two or more distinct gold persons of their text
    (each matched by a name of its own, not one the gold persons share)."""
    merged = 0
    failures: list[str] = []
    for d in docs:
        names = {g["id"]: gold_names(g) for g in d.gold.entities if g["type"] == "person"}
        own = {
            gid: ns - set().union(*(o for oid, o in names.items() if oid != gid))
            for gid, ns in names.items()
        }
        for e in d.pred.entities:
            if e.type != "person":
                continue
            hits = sorted(gid for gid, ns in own.items() if pred_names(e) & ns)
            if len(hits) >= 2:
                merged += 1
                whom = " + ".join(d.name(h) for h in hits)
                failures.append(f"{d.gold.id}: {e.canonical!r} merges {whom}")
    return Measure(merged, None, failures)


def _type_counts(types: Iterable[str]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for t in types:
        counts[t] += 1
    return ", ".join(f"{t}×{n}" if n > 1 else t for t, n in sorted(counts.items())) or "none"


def incident_ratio(docs: Sequence[DocPair]) -> Measure:
    """Incidents extracted over gold incidents (one per event and type), summed."""
    failures = [
        f"{d.gold.id}: {len(d.pred.incidents)} extracted "
        f"({_type_counts(pi.type for pi in d.pred.incidents)}) for {len(d.gold.incidents)} "
        f"({_type_counts(gi['type'] for gi in d.gold.incidents)})"
        for d in docs
        if len(d.pred.incidents) != len(d.gold.incidents)
    ]
    return Measure(
        sum(len(d.pred.incidents) for d in docs),
        sum(len(d.gold.incidents) for d in docs),
        failures,
    )


def _found_in_role(docs: Sequence[DocPair], role: str, label: str) -> Measure:
    """(text, gold entity) pairs of a role found in that role of some predicted incident."""
    found = total = 0
    failures: list[str] = []
    for d in docs:
        got = {d.to_gold.get(k) for pi in d.pred.incidents for k in getattr(pi, role)}
        for gid in sorted({x for gi in d.gold.incidents for x in gi[role]}):
            total += 1
            if gid in got:
                found += 1
                continue
            if gid not in d.matched:
                why = "not recognised"
            else:
                roles = _roles(d, gid)
                why = f"only a {' and '.join(roles)}" if roles else f"in no incident as {label}"
            failures.append(f"{d.gold.id}: {d.name(gid)} — {why}")
    return Measure(found, total, failures)


def victims_found(docs: Sequence[DocPair]) -> Measure:
    """Gold victims found as a victim of some predicted incident."""
    return _found_in_role(docs, "victims", "victim")


def perpetrators_found(docs: Sequence[DocPair]) -> Measure:
    """Gold perpetrators found as a perpetrator (not a suspect) of some predicted incident."""
    return _found_in_role(docs, "perpetrators", "perpetrator")


def places_linked(docs: Sequence[DocPair]) -> Measure:
    """Gold Peruvian places whose matched prediction has a UBIGEO in the gold region."""
    found = total = 0
    failures: list[str] = []
    for d in docs:
        for g in d.gold.entities:
            if g["type"] != "place" or not g.get("region"):
                continue
            total += 1
            hit = d.matched.get(g["id"])
            if hit is not None and hit.ubigeo and hit.ubigeo.startswith(g["region"]):
                found += 1
                continue
            why = (
                "not recognised"
                if hit is None
                else f"UBIGEO {hit.ubigeo}"
                if hit.ubigeo
                else "no UBIGEO"
            )
            failures.append(f"{d.gold.id}: {g['canonical']} (region {g['region']}) — {why}")
    return Measure(found, total, failures)


def _incident(gi: dict[str, Any]) -> str:
    return f"{gi['type']} {gi.get('date') or 'undated'}"


def types_found(docs: Sequence[DocPair]) -> Measure:
    """Gold incidents matched to a distinct predicted incident of the same type."""
    found = total = 0
    failures: list[str] = []
    for d in docs:
        predicted = _type_counts(pi.type for pi in d.pred.incidents)
        for gi, hit in d.incidents:
            total += 1
            if hit is not None:
                found += 1
            else:
                failures.append(
                    f"{d.gold.id}: {_incident(gi)} — no {gi['type']} left (predicted: {predicted})"
                )
    return Measure(found, total, failures)


def dates_found(docs: Sequence[DocPair]) -> Measure:
    """Gold incidents dated to the day or month whose matched prediction has that date."""
    found = total = 0
    failures: list[str] = []
    for d in docs:
        for gi, hit in d.incidents:
            if not gi.get("date") or gi.get("date_precision") not in PRECISION_CHARS:
                continue
            total += 1
            if hit is not None and _same_date(gi, hit):
                found += 1
                continue
            want = f"{gi['type']} {gi['date']} ({gi['date_precision']})"
            got = (
                f"no {gi['type']} matched"
                if hit is None
                else f"got {hit.date} ({hit.date_precision})"
                if hit.date
                else "got no date"
            )
            failures.append(f"{d.gold.id}: {want} — {got}")
    return Measure(found, total, failures)


def entity_recall(docs: Sequence[DocPair]) -> Measure:
    """Gold entities matched by a prediction (the matching rules above)."""
    missed = [
        f"{d.gold.id}: {g['type']} {g['canonical']}"
        for d in docs
        for g in d.gold.entities
        if g["id"] not in d.matched
    ]
    total = sum(len(d.gold.entities) for d in docs)
    return Measure(total - len(missed), total, missed)


def _persons(docs: Sequence[DocPair]) -> list[tuple[str, dict[str, Any], PredEntity | None]]:
    """(text id, gold person with an actor slug, its prediction or None)."""
    return [
        (d.gold.id, g, d.matched.get(g["id"]))
        for d in docs
        for g in d.gold.entities
        if g["type"] == "person" and g.get("actor")
    ]


def _shown(doc_id: str, g: dict[str, Any], p: PredEntity | None) -> str:
    return f"{doc_id} {p.canonical if p else g['canonical'] + ' (not recognised)'!r}"


def same_person_across(docs: Sequence[DocPair]) -> Measure:
    """Pairs of one gold person (one slug) in two texts that become one node (equal
    identity keys) or a review candidate (``nlp.likeness.review_candidate``, as
    ``graph.intake.resolution`` decides it)."""
    one = candidate = total = 0
    failures: list[str] = []
    for (da, ga, pa), (db, gb, pb) in combinations(_persons(docs), 2):
        if da == db or ga["actor"] != gb["actor"]:
            continue
        total += 1
        if pa is not None and pb is not None:
            if pa.identity == pb.identity:
                one += 1
                continue
            shared = len(pa.context & pb.context)
            if review_candidate(pa.canonical, pb.canonical, shared) is not None:
                candidate += 1
                continue
            why = f"neither (names alike {similarity(pa.canonical, pb.canonical):.0f})"
        else:
            why = "not recognised"
        failures.append(f"{ga['actor']}: {_shown(da, ga, pa)} / {_shown(db, gb, pb)} — {why}")
    parts = {"one_node": one, "review_candidate": candidate, "neither": total - one - candidate}
    return Measure(one + candidate, total, failures, parts)


def merged_across(docs: Sequence[DocPair]) -> Measure:
    """Distinct gold persons (different slugs) of different texts that become one node."""
    merged: dict[tuple[str, str], str] = {}
    for (da, ga, pa), (db, gb, pb) in combinations(_persons(docs), 2):
        if da == db or ga["actor"] == gb["actor"] or pa is None or pb is None:
            continue
        if pa.identity == pb.identity:
            slugs = (min(ga["actor"], gb["actor"]), max(ga["actor"], gb["actor"]))
            merged.setdefault(slugs, f"{_shown(da, ga, pa)} = {_shown(db, gb, pb)}")
    failures = [f"{a} = {b}: {example}" for (a, b), example in sorted(merged.items())]
    return Measure(len(merged), None, failures)


@dataclass(frozen=True)
class Spec:
    """A measure of the table, with the issue's floor."""

    key: str
    label: str
    measure: Callable[[Sequence[DocPair]], Measure]
    floor: float
    at_most: bool = False  # lower is better: a count of errors, the incident ratio

    def meets(self, value: float | None) -> bool:
        if value is None:
            return False
        return value <= self.floor if self.at_most else value >= self.floor


MEASURES = (
    Spec(
        "wrong_accusations",
        "persons made perpetrators who are not (texts)",
        wrong_accusations,
        0,
        True,
    ),
    Spec("merged_within", "distinct persons merged within a text", merged_within, 0, True),
    Spec("incident_ratio", "incidents extracted ÷ gold incidents", incident_ratio, 1.4, True),
    Spec("victims", "victims found (as victims)", victims_found, 0.80),
    Spec("perpetrators", "named perpetrators found", perpetrators_found, 0.70),
    Spec("places", "places linked to their region", places_linked, 0.90),
    Spec("types", "incident types found", types_found, 0.85),
    Spec("dates", "dates found (day or month)", dates_found, 0.65),
    Spec("entity_recall", "entity recall", entity_recall, 0.88),
    Spec("same_person", "same person in two reports: node/cand.", same_person_across, 0.85),
    Spec("merged_across", "different persons merged across reports", merged_across, 0, True),
)


def _summary(m: Measure) -> dict[str, Any]:
    return {"value": m.value, "found": m.found, "total": m.total, **m.parts}


def measure_report(pairs: Sequence[DocPair], split: str = "all") -> dict[str, Any]:
    """Every measure on the whole set and per language, with its failures."""
    measures: dict[str, Any] = {}
    for spec in MEASURES:
        m = spec.measure(pairs)
        measures[spec.key] = {
            "label": spec.label,
            **_summary(m),
            "floor": spec.floor,
            "at_most": spec.at_most,
            "meets_floor": spec.meets(m.value),
            "by_language": {
                lang: _summary(spec.measure([d for d in pairs if d.gold.language == lang]))
                for lang in LANGUAGES
            },
            "failures": m.failures,
        }
    return {
        "set": "reporting",
        "split": split,
        "documents": len(pairs),
        "by_language": {lang: sum(d.gold.language == lang for d in pairs) for lang in LANGUAGES},
        "measures": measures,
    }


def evaluate_reporting(
    folder: Path, extractor: Extractor | None = None, split: str = "all"
) -> dict[str, Any]:
    """Issue 16's measures on the real-style reporting set."""
    docs = load_gold(folder, split)
    preds = extract(docs, extractor)
    return measure_report([DocPair(g, p) for g, p in zip(docs, preds, strict=True)], split)


def _cell(entry: dict[str, Any]) -> str:
    v = entry["value"]
    if v is None:
        return "n/a"
    if entry["total"] is None:
        return str(v)
    return f"{v:.3f} ({entry['found']}/{entry['total']})"


def reporting_table(report: dict[str, Any]) -> Iterable[str]:
    """The reporting set's measures as aligned text lines, then every failure."""
    by_lang = report["by_language"]
    yield (
        f"reporting documents ({report['split']}): {report['documents']} "
        f"({by_lang['es']} es, {by_lang['en']} en)"
    )
    yield f"{'measure':<44}{'all':>18}{'es':>18}{'en':>18}{'floor':>8}  ok"
    for spec in MEASURES:
        e = report["measures"][spec.key]
        floor = f"{'≤' if spec.at_most else '≥'}{spec.floor:g}"
        yield (
            f"{spec.label:<44}{_cell(e):>18}{_cell(e['by_language']['es']):>18}"
            f"{_cell(e['by_language']['en']):>18}{floor:>8}  {'yes' if e['meets_floor'] else 'NO'}"
        )
    same = report["measures"]["same_person"]
    yield (
        f"  same person in two reports: {same['one_node']} one node, "
        f"{same['review_candidate']} review candidates, {same['neither']} neither"
    )
    yield (
        f"  wrong accusations: {report['measures']['wrong_accusations']['pairs']} "
        "(text, name) pairs"
    )
    for spec in MEASURES:
        failures = report["measures"][spec.key]["failures"]
        if failures:
            yield ""
            yield f"{spec.label} — {len(failures)} to look at:"
            yield from (f"  {f}" for f in failures)


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
