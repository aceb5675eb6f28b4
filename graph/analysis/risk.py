"""Risk assessment of a defender or a community: a transparent sum of weighted factors.

Three steps, kept apart so each can be read and tested alone:

* ``graph.analysis.risk_weights.load_weights`` reads ``risk.toml`` (every weight,
  threshold and word list, with their meaning) into ``Weights``;
* ``graph.analysis.risk_reads.gather_many`` asks the store what the assessment needs
  (``RiskInputs``, declared here), for many subjects in the same dozen statements;
* ``assess`` (this module) turns inputs into an ``Assessment`` with no IO: a score, a
  level and one ``Factor`` per reason, each with its weight, its points and the evidence
  (incidents and complaint quotes) behind it, so an expert can check every point.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from graph.analysis.risk_weights import Weights
from nlp.text import fold

# How each factor is shown to users (Spanish terms the mechanism uses).
LABELS = {
    "prior_incidents": "Agresiones previas",
    "escalation": "Escalamiento",
    "violent_perpetrators": "Agresores con historial de violencia",
    "violent_dispute": "Conflicto territorial activo con actores violentos",
    "hotspot": "Zona de alto riesgo",
    "woman_defender": "Mujer defensora",
    "indigenous_leader": "Liderazgo indígena",
    "protection_gap": "Medidas de protección no implementadas",
    "protection_implemented": "Medidas de protección implementadas",
}
GAP_STATUSES = ("requested", "granted", "lapsed", "denied")
MAX_QUOTES = 5  # quotes shown per factor; the incidents are all listed


# --- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    complaint_id: str
    text: str


@dataclass(frozen=True)
class Attack:
    """An incident the subject (or, for a community, one of its members) suffered."""

    id: str
    type: str
    date: str | None
    perpetrators: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()
    via: str | None = None  # the member it happened to


@dataclass(frozen=True)
class Dispute:
    id: str
    name: str
    status: str | None
    violent_actors: tuple[str, ...] = ()
    violent_incidents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Area:
    ubigeo: str
    name: str | None
    count: int
    previous: int
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure:
    id: str
    kind: str
    status: str


@dataclass(frozen=True)
class RiskInputs:
    subject_id: str
    kind: str  # Person, Organization, Community
    name: str
    gender: str | None = None
    defender: bool = False
    people: str | None = None
    community_kind: str | None = None
    roles: tuple[tuple[str, str], ...] = ()  # (community or organization id, folded role)
    native_member: bool = False  # member of a native community
    attacks: tuple[Attack, ...] = ()
    violent_history: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    disputes: tuple[Dispute, ...] = ()
    areas: tuple[Area, ...] = ()
    measures: tuple[Measure, ...] = ()


# --- the assessment ---------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    incident_id: str | None = None
    complaint_id: str | None = None
    quote: str | None = None
    node_id: str | None = None  # a dispute, a place, a perpetrator or a measure


@dataclass(frozen=True)
class Factor:
    name: str
    label: str
    weight: float
    points: float
    detail: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Assessment:
    subject_id: str
    score: float
    level: str
    factors: tuple[Factor, ...]
    as_of: str
    latest_incident: str | None = None
    urgent: bool = False


def _recency(day: str | None, as_of: date, half_life: float) -> float:
    if not day:
        return 0.5
    try:
        parts = [int(p) for p in day.split("-")]
        when = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return 0.5
    age = max(0, (as_of - when).days)
    return math.pow(0.5, age / half_life)


def _quoted(attacks: Sequence[Attack]) -> tuple[Evidence, ...]:
    out = [Evidence(incident_id=a.id) for a in attacks if not a.quotes]
    quotes = [(a, qt) for a in attacks for qt in a.quotes]
    out += [Evidence(a.id, qt.complaint_id, qt.text) for a, qt in quotes[-MAX_QUOTES:]]
    listed = {e.incident_id for e in out}
    out += [Evidence(incident_id=a.id) for a in attacks if a.id not in listed]
    return tuple(out)


def _prior(i: RiskInputs, w: Weights, as_of: date) -> Factor | None:
    if not i.attacks:
        return None
    conf = w.factors["prior_incidents"]
    units = sum(
        w.severity.get(a.type, 1) * _recency(a.date, as_of, conf["half_life_days"])
        for a in i.attacks
    )
    points = min(conf["cap"], conf["weight"] * units)
    detail = f"{len(i.attacks)} agresiones; severidad ponderada por antigüedad {units:.1f}"
    return Factor(
        "prior_incidents",
        LABELS["prior_incidents"],
        conf["weight"],
        points,
        detail,
        _quoted(i.attacks),
    )


def _escalation(i: RiskInputs, w: Weights) -> Factor | None:
    dated = [a for a in i.attacks if a.date]
    steps: list[Attack] = []
    highest = 0
    for n, attack in enumerate(dated):
        severity = w.severity.get(attack.type, 1)
        if n and severity > highest:
            steps.append(attack)
        highest = max(highest, severity)
    if not steps:
        return None
    conf = w.factors["escalation"]
    ladder = " → ".join([dated[0].type, *(s.type for s in steps)])
    points = min(conf["cap"], conf["weight"] * len(steps))
    return Factor(
        "escalation",
        LABELS["escalation"],
        conf["weight"],
        points,
        f"{len(steps)} escalones: {ladder}",
        _quoted([dated[0], *steps]),
    )


def _perpetrators(i: RiskInputs, w: Weights) -> Factor | None:
    violent = {p: ids for p, ids in i.violent_history.items() if ids}
    if not violent:
        return None
    conf = w.factors["violent_perpetrators"]
    points = min(conf["cap"], conf["weight"] * len(violent))
    evidence = tuple(
        Evidence(incident_id=inc, node_id=p) for p, ids in sorted(violent.items()) for inc in ids
    )
    detail = f"{len(violent)} agresores con {sum(map(len, violent.values()))} hechos violentos"
    return Factor(
        "violent_perpetrators",
        LABELS["violent_perpetrators"],
        conf["weight"],
        points,
        detail,
        evidence,
    )


def _dispute(i: RiskInputs, w: Weights) -> Factor | None:
    hot = [d for d in i.disputes if d.status != "resolved" and d.violent_actors]
    if not hot:
        return None
    weight = w.weight("violent_dispute")
    evidence = tuple(Evidence(node_id=d.id) for d in hot) + tuple(
        Evidence(incident_id=x, node_id=d.id) for d in hot for x in d.violent_incidents
    )
    names = ", ".join(d.name for d in hot)
    return Factor(
        "violent_dispute",
        LABELS["violent_dispute"],
        weight,
        weight,
        f"conflicto(s): {names}",
        evidence,
    )


def _hotspot(i: RiskInputs, w: Weights) -> Factor | None:
    conf = w.factors["hotspot"]
    hot = [a for a in i.areas if a.count >= conf["min_incidents"] and a.count >= a.previous]
    if not hot:
        return None
    detail = "; ".join(
        f"{a.name or a.ubigeo} ({a.ubigeo}): {a.count} incidentes, antes {a.previous}" for a in hot
    )
    evidence = tuple(Evidence(incident_id=x, node_id=a.ubigeo) for a in hot for x in a.incidents)
    return Factor("hotspot", LABELS["hotspot"], conf["weight"], conf["weight"], detail, evidence)


def _intersectional(i: RiskInputs, w: Weights) -> list[Factor]:
    out = []
    leader = i.defender or any(role in w.leader_roles for _, role in i.roles)
    if i.kind == "Person" and i.gender == "female" and leader:
        weight = w.weight("woman_defender")
        out.append(
            Factor(
                "woman_defender",
                LABELS["woman_defender"],
                weight,
                weight,
                "mujer defensora o dirigente",
                (Evidence(node_id=i.subject_id),),
            )
        )
    indigenous = (i.kind == "Person" and leader and (bool(i.people) or i.native_member)) or (
        i.kind == "Community" and i.community_kind == "native"
    )
    if indigenous:
        weight = w.weight("indigenous_leader")
        who = "comunidad nativa" if i.kind == "Community" else f"dirigente {i.people or 'indígena'}"
        out.append(
            Factor(
                "indigenous_leader",
                LABELS["indigenous_leader"],
                weight,
                weight,
                who,
                (Evidence(node_id=i.subject_id),),
            )
        )
    return out


def _protection(i: RiskInputs, w: Weights) -> list[Factor]:
    implemented = [m for m in i.measures if m.status == "implemented"]
    if implemented:
        weight = w.weight("protection_implemented")
        kinds = ", ".join(m.kind for m in implemented)
        return [
            Factor(
                "protection_implemented",
                LABELS["protection_implemented"],
                weight,
                weight,
                kinds,
                tuple(Evidence(node_id=m.id) for m in implemented),
            )
        ]
    gap = [m for m in i.measures if m.status in GAP_STATUSES]
    if not gap:
        return []
    weight = w.weight("protection_gap")
    detail = ", ".join(f"{m.kind} ({m.status})" for m in gap)
    return [
        Factor(
            "protection_gap",
            LABELS["protection_gap"],
            weight,
            weight,
            detail,
            tuple(Evidence(node_id=m.id) for m in gap),
        )
    ]


def _urgent(attack: Attack | None, w: Weights) -> bool:
    if attack is None:
        return False
    if attack.type in w.urgent_types:
        return True
    if attack.type != "threat":
        return False
    said = " ".join(fold(qt.text) for qt in attack.quotes)
    return any(word in said for word in w.death_words)


def assess(inputs: RiskInputs, weights: Weights, as_of: date) -> Assessment:
    """Score ``inputs``: every factor that applies, with its points and evidence."""
    found: list[Factor | None] = [
        _prior(inputs, weights, as_of),
        _escalation(inputs, weights),
        _perpetrators(inputs, weights),
        _dispute(inputs, weights),
        _hotspot(inputs, weights),
        *_intersectional(inputs, weights),
        *_protection(inputs, weights),
    ]
    factors = tuple(f for f in found if f is not None)
    score = round(max(0.0, sum(f.points for f in factors)), 1)
    dated = [a for a in inputs.attacks if a.date]
    latest = dated[-1] if dated else (inputs.attacks[-1] if inputs.attacks else None)
    return Assessment(
        subject_id=inputs.subject_id,
        score=score,
        level=weights.level(score),
        factors=tuple(
            Factor(f.name, f.label, f.weight, round(f.points, 1), f.detail, f.evidence)
            for f in factors
        ),
        as_of=as_of.isoformat(),
        latest_incident=latest.id if latest else None,
        urgent=_urgent(latest, weights),
    )
