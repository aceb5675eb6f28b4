"""The measures of issue 16 on the real-style reporting set, each listing what failed.

Over 400 lines as one idea: the measures share one alignment of predicted and gold
entities; each is a few lines over it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from nlp.gold import (
    LANGUAGES,
    PRECISION_CHARS,
    Gold,
    PredEntity,
    Prediction,
    PredIncident,
    extract,
    gold_names,
    load_gold,
    match_entities,
    pair_incidents,
    pred_names,
    same_date,
)
from nlp.likeness import review_candidate, similarity
from nlp.pipeline import Extractor

ACTORS = ("person", "organization", "community")


@dataclass
class DocPair:
    """One gold text, its prediction and how their entities match."""

    gold: Gold
    pred: Prediction
    matched: dict[str, PredEntity] = field(init=False)  # gold id → prediction
    to_gold: dict[str, str] = field(init=False)  # prediction key → gold id
    incidents: list[tuple[dict[str, Any], PredIncident | None]] = field(init=False)

    def __post_init__(self) -> None:
        self.matched = match_entities(self.gold.entities, self.pred.entities)
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
            if hit is not None and same_date(gi, hit):
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
