"""Risk assessment of a defender or a community: a transparent sum of weighted factors.

Three steps, kept apart so each can be read and tested alone:

* ``load_weights`` reads ``risk.toml`` (every weight, threshold and word list, with
  their meaning) into ``Weights``;
* ``gather`` asks the store what the assessment needs (``RiskInputs``): the attacks
  the subject suffered, with their perpetrators, places and quotes; those
  perpetrators' violence against others; the subject's land disputes and who is
  violent in them; how busy the subject's districts are; protection measures;
* ``assess`` turns inputs into an ``Assessment`` with no IO: a score, a level and one
  ``Factor`` per reason, each with its weight, its points and the evidence (incidents
  and complaint quotes) behind it, so an expert can check every point.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from graph import cypher_read as q
from graph.errors import ConfigError, ModelError, NotFound
from graph.model import ALERT_LEVELS, INCIDENT_TYPES, MODEL
from graph.reads import nodes_by_ids
from graph.store import Store
from nlp.text import fold

WEIGHTS_FILE = Path(__file__).with_name("risk.toml")
FACTORS = (
    "prior_incidents",
    "escalation",
    "violent_perpetrators",
    "violent_dispute",
    "hotspot",
    "woman_defender",
    "indigenous_leader",
    "protection_gap",
    "protection_implemented",
)
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


# --- weights ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Weights:
    levels: Mapping[str, float]  # medium, high, extreme: where each starts
    severity: Mapping[str, int]
    factors: Mapping[str, Mapping[str, float]]
    violent_types: frozenset[str]
    leader_roles: frozenset[str]
    urgent_types: frozenset[str]
    death_words: tuple[str, ...]

    def weight(self, factor: str) -> float:
        return float(self.factors[factor]["weight"])

    def level(self, score: float) -> str:
        level = "low"
        for name in ALERT_LEVELS[1:]:
            if score >= self.levels[name]:
                level = name
        return level


def _keys(where: str, table: Mapping[str, Any], expected: Sequence[str]) -> None:
    missing = [k for k in expected if k not in table]
    unknown = [k for k in table if k not in expected]
    if missing or unknown:
        raise ConfigError(
            f"{where}: missing {', '.join(missing) or 'nothing'}; "
            f"unknown {', '.join(unknown) or 'nothing'}"
        )


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """Read and check a weights file; a missing or unknown key is a ``ConfigError``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"risk weights {path}: {exc}") from None
    _keys(str(path), raw, ("levels", "severity", "factors", "words"))
    _keys(f"{path} [levels]", raw["levels"], ALERT_LEVELS[1:])
    _keys(f"{path} [severity]", raw["severity"], INCIDENT_TYPES)
    _keys(f"{path} [factors]", raw["factors"], FACTORS)
    for name in FACTORS:
        if "weight" not in raw["factors"][name]:
            raise ConfigError(f"{path} [factors.{name}]: missing weight")
    bounds = [raw["levels"][n] for n in ALERT_LEVELS[1:]]
    if bounds != sorted(bounds):
        raise ConfigError(f"{path} [levels]: medium <= high <= extreme")
    words = raw["words"]
    _keys(
        f"{path} [words]",
        words,
        ("violent_types", "leader_roles", "urgent_types", "death_words"),
    )
    return Weights(
        levels={k: float(v) for k, v in raw["levels"].items()},
        severity={k: int(v) for k, v in raw["severity"].items()},
        factors={k: {n: float(x) for n, x in v.items()} for k, v in raw["factors"].items()},
        violent_types=frozenset(words["violent_types"]),
        leader_roles=frozenset(fold(w) for w in words["leader_roles"]),
        urgent_types=frozenset(words["urgent_types"]),
        death_words=tuple(fold(w) for w in words["death_words"]),
    )


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


def _window(as_of: date, days: int) -> tuple[str, str, str]:
    start = as_of - timedelta(days=days)
    return (start - timedelta(days=days)).isoformat(), start.isoformat(), as_of.isoformat()


def gather(store: Store, actor_id: str, weights: Weights, as_of: date) -> RiskInputs:
    """What the store knows that bears on the risk of actor ``actor_id``."""
    kind = MODEL.kind_of_id(actor_id)
    if "Actor" not in kind.labels:
        raise ModelError(
            f"{actor_id!r} is not an actor: risk is assessed for people, "
            "communities and organisations"
        )
    found = nodes_by_ids(store, [actor_id]).get(actor_id)
    if found is None:
        raise NotFound(f"no actor {actor_id}")
    props = found.props
    if props.get("merged_into"):
        raise NotFound(f"actor {actor_id} was merged into {props['merged_into']}")
    roles = store.read(q.RISK_MEMBERSHIPS, id=actor_id)
    statements = [q.RISK_ATTACKS]
    if kind.name in ("Community", "Organization"):
        statements.append(q.RISK_MEMBER_ATTACKS)
    attacks: dict[tuple[str, str | None], Attack] = {}
    for statement in statements:
        for r in store.read(statement, id=actor_id):
            quotes = tuple(
                Quote(str(c), str(t))
                for c, t in zip(r["sources"] or [], r["quotes"] or [], strict=False)
            )
            attack = Attack(
                str(r["id"]),
                str(r["type"]),
                r["date"],
                tuple(sorted(p for p in r["perpetrators"] or [] if p)),
                tuple(sorted(u for u in r["ubigeos"] or [] if u and len(u) == 6)),
                quotes,
                r["via"],
            )
            attacks.setdefault((attack.id, attack.via), attack)
    own = sorted({a.id for a in attacks.values()})
    perpetrators = sorted({p for a in attacks.values() for p in a.perpetrators})
    violent = sorted(weights.violent_types)
    history = {
        str(r["id"]): tuple(sorted(r["incidents"]))
        for r in store.read(q.RISK_VIOLENT_HISTORY, ids=perpetrators, violent=violent, own=own)
        if r["incidents"]
    }
    holders = [actor_id, *(str(r["id"]) for r in roles if r["community"])]
    dispute_ids = sorted(
        {str(r["id"]) for r in store.read(q.RISK_DISPUTES, holders=holders, incidents=own)}
    )
    disputes = tuple(
        Dispute(
            str(r["id"]),
            str(r["name"] or r["id"]),
            r["status"],
            tuple(sorted({a for a in [*r["parties"], *r["attackers"]] if a})),
            tuple(sorted({i for i in [*r["party_incidents"], *r["attacks"]] if i})),
        )
        for r in store.read(
            q.RISK_DISPUTE_VIOLENCE, ids=dispute_ids, holders=holders, violent=violent
        )
    )
    prev_start, start, end = _window(as_of, int(weights.factors["hotspot"]["window_days"]))
    districts = sorted({d for a in attacks.values() for d in a.districts})
    areas = tuple(
        Area(
            str(r["ubigeo"]),
            r["name"],
            int(r["count"]),
            int(r["previous"]),
            tuple(sorted(r["incidents"] or [])),
        )
        for r in store.read(
            q.RISK_AREAS, codes=districts, prev_start=prev_start, start=start, end=end
        )
    )
    measures = tuple(
        Measure(str(r["id"]), str(r["kind"]), str(r["status"]))
        for r in store.read(q.RISK_MEASURES, id=actor_id)
    )
    return RiskInputs(
        subject_id=actor_id,
        kind=kind.name,
        name=str(props.get("name", actor_id)),
        gender=props.get("gender"),
        defender=bool(props.get("defender")),
        people=props.get("people"),
        community_kind=props.get("community_kind"),
        roles=tuple((str(r["id"]), fold(str(r["role"] or ""))) for r in roles),
        native_member=any(r["community_kind"] == "native" for r in roles),
        attacks=tuple(sorted(attacks.values(), key=lambda a: (a.date or "", a.id))),
        violent_history=history,
        disputes=disputes,
        areas=areas,
        measures=measures,
    )


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


_DEFAULT: list[Weights] = []


def default_weights() -> Weights:
    """The project's weights file, read once."""
    if not _DEFAULT:
        _DEFAULT.append(load_weights())
    return _DEFAULT[0]


def assess_actor(
    store: Store, actor_id: str, *, as_of: date | None = None, weights: Weights | None = None
) -> Assessment:
    """Gather and assess in one call (today unless ``as_of`` is given)."""
    w = weights or default_weights()
    day = as_of or date.today()
    return assess(gather(store, actor_id, w, day), w, day)
