"""Risk assessment of a defender or a community: a transparent sum of weighted factors.

Three steps, kept apart so each can be read and tested alone:

* ``load_weights`` reads ``risk.toml`` (every weight, threshold and word list, with
  their meaning) into ``Weights``;
* ``gather_many`` asks the store what the assessment needs (``RiskInputs``), for many
  subjects in the same dozen statements: the attacks each suffered, with their
  perpetrators, places and quotes; those perpetrators' violence against others; the
  subject's land disputes and which other parties to them are violent; how busy the
  subject's districts are; protection measures;
* ``assess`` turns inputs into an ``Assessment`` with no IO: a score, a level and one
  ``Factor`` per reason, each with its weight, its points and the evidence (incidents
  and complaint quotes) behind it, so an expert can check every point.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from graph.access.policy import FULL
from graph.cypher import read as q
from graph.errors import ConfigError, ModelError, NotFound
from graph.model import ALERT_LEVELS, INCIDENT_TYPES, MODEL
from graph.reads import nodes_by_ids
from graph.store.bolt import Store
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


_POOL = ThreadPoolExecutor(max_workers=6, thread_name_prefix="risk-read")


def _together(store: Store, *calls: tuple[str, dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Independent reads sent at once, in the order given."""
    futures = [_POOL.submit(_read, store, query, **params) for query, params in calls]
    return [f.result() for f in futures]


def _read(store: Store, query: str, **params: Any) -> list[dict[str, Any]]:
    """``store.read``, skipped when a list it would unwind is empty (no round trip)."""
    if any(isinstance(v, list) and not v for v in params.values()):
        return []
    return store.read(query, **params)


def _by(rows: list[dict[str, Any]], key: str = "sid") -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(str(r[key]), []).append(r)
    return out


def _attacks(rows: list[dict[str, Any]]) -> dict[str, list[Attack]]:
    out: dict[str, dict[tuple[str, str | None], Attack]] = {}
    for r in rows:
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
        out.setdefault(str(r["sid"]), {}).setdefault((attack.id, attack.via), attack)
    return {
        sid: sorted(found.values(), key=lambda a: (a.date or "", a.id))
        for sid, found in out.items()
    }


def _disputes(
    store: Store,
    holders: dict[str, list[str]],
    own: dict[str, list[str]],
    by_holder: dict[str, list[dict[str, Any]]],
    by_incident: dict[str, list[dict[str, Any]]],
    violent: list[str],
) -> dict[str, tuple[Dispute, ...]]:
    """Each subject's land disputes with a violent other party (the subject's side out),
    with up to five violent incidents per party."""
    wanted = {
        sid: sorted(
            {str(r["id"]) for h in holders[sid] for r in by_holder.get(h, [])}
            | {str(r["id"]) for i in own.get(sid, []) for r in by_incident.get(i, [])}
        )
        for sid in holders
    }
    all_ids = sorted({d for ds in wanted.values() for d in ds})
    violence = _by(_read(store, q.RISK_DISPUTE_PARTIES, ids=all_ids, violent=violent), "dispute")
    out: dict[str, tuple[Dispute, ...]] = {}
    for sid, dids in wanted.items():
        side = set(holders[sid])
        found = []
        for did in dids:
            rows = [r for r in violence.get(did, []) if r["actor"] not in side and r["incidents"]]
            if rows:  # only disputes with a violent other party bear on the score
                found.append(
                    Dispute(
                        did,
                        str(rows[0]["name"] or did),
                        rows[0]["status"],
                        tuple(sorted({str(r["actor"]) for r in rows})),
                        tuple(sorted({str(i) for r in rows for i in r["incidents"]})),
                    )
                )
        out[sid] = tuple(found)
    return out


def gather_many(
    store: Store, actor_ids: Sequence[str], weights: Weights, as_of: date
) -> dict[str, RiskInputs]:
    """What the store knows that bears on the risk of each actor, in a dozen statements
    whatever their number. Ids of no actor, or of merged ones, are left out."""
    ids = list(dict.fromkeys(actor_ids))
    for actor_id in ids:
        if "Actor" not in MODEL.kind_of_id(actor_id).labels:
            raise ModelError(
                f"{actor_id!r} is not an actor: risk is assessed for people, communities "
                "and organisations"
            )
    grouped = [i for i in ids if MODEL.kind_of_id(i).name in ("Community", "Organization")]
    # independent statements go out together: each costs a round trip, not much work
    views_found = _POOL.submit(nodes_by_ids, store, ids, viewer=FULL)
    role_rows, attack_rows, member_rows, measure_rows = _together(
        store,
        (q.RISK_MEMBERSHIPS, {"ids": ids}),
        (q.RISK_ATTACKS, {"ids": ids}),
        (q.RISK_MEMBER_ATTACKS, {"ids": grouped}),
        (q.RISK_MEASURES, {"ids": ids}),
    )
    views = views_found.result()
    ids = [i for i in ids if i in views and not views[i].props.get("merged_into")]
    if not ids:
        return {}
    roles, measures = _by(role_rows), _by(measure_rows)
    attacks = _attacks(attack_rows + member_rows)
    own = {sid: sorted({a.id for a in found}) for sid, found in attacks.items()}
    every_own = sorted({i for v in own.values() for i in v})
    violent = sorted(weights.violent_types)
    perpetrators = sorted({p for found in attacks.values() for a in found for p in a.perpetrators})
    holders = {
        sid: [sid, *(str(r["id"]) for r in roles.get(sid, []) if r["community"])] for sid in ids
    }
    prev_start, start, end = _window(as_of, int(weights.factors["hotspot"]["window_days"]))
    districts = sorted({d for found in attacks.values() for a in found for d in a.districts})
    history_rows, holder_rows, incident_rows, area_rows = _together(
        store,
        (
            q.RISK_VIOLENT_HISTORY,
            {"ids": perpetrators, "violent": violent, "cap": 20 + len(every_own)},
        ),
        (q.RISK_DISPUTES_OF_HOLDERS, {"ids": sorted({h for v in holders.values() for h in v})}),
        (q.RISK_DISPUTES_OF_INCIDENTS, {"ids": every_own}),
        (
            q.RISK_AREAS,
            {"codes": districts, "prev_start": prev_start, "start": start, "end": end},
        ),
    )
    history = {str(r["id"]): set(r["incidents"]) for r in history_rows}
    disputes = _disputes(
        store, holders, own, _by(holder_rows, "via"), _by(incident_rows, "via"), violent
    )
    areas = {
        str(r["ubigeo"]): Area(
            str(r["ubigeo"]),
            r["name"],
            int(r["count"]),
            int(r["previous"]),
            tuple(sorted(r["incidents"] or [])),
        )
        for r in area_rows
    }
    out: dict[str, RiskInputs] = {}
    for sid in ids:
        props = views[sid].props
        found = attacks.get(sid, [])
        mine = set(own.get(sid, []))
        their = {
            p: tuple(sorted(history.get(p, set()) - mine)) for a in found for p in a.perpetrators
        }
        out[sid] = RiskInputs(
            subject_id=sid,
            kind=views[sid].kind,
            name=str(props.get("name", sid)),
            gender=props.get("gender"),
            defender=bool(props.get("defender")),
            people=props.get("people"),
            community_kind=props.get("community_kind"),
            roles=tuple((str(r["id"]), fold(str(r["role"] or ""))) for r in roles.get(sid, [])),
            native_member=any(r["community_kind"] == "native" for r in roles.get(sid, [])),
            attacks=tuple(found),
            violent_history={p: v for p, v in their.items() if v},
            disputes=disputes.get(sid, ()),
            areas=tuple(
                areas[d] for d in sorted({d for a in found for d in a.districts}) if d in areas
            ),
            measures=tuple(
                Measure(str(r["id"]), str(r["kind"]), str(r["status"]))
                for r in measures.get(sid, [])
            ),
        )
    return out


def gather(store: Store, actor_id: str, weights: Weights, as_of: date) -> RiskInputs:
    """What the store knows that bears on the risk of actor ``actor_id``."""
    found = gather_many(store, [actor_id], weights, as_of).get(actor_id)
    if found is None:
        view = nodes_by_ids(store, [actor_id], viewer=FULL).get(actor_id)
        if view is not None and view.props.get("merged_into"):
            raise NotFound(f"actor {actor_id} was merged into {view.props['merged_into']}")
        raise NotFound(f"no actor {actor_id}")
    return found


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
