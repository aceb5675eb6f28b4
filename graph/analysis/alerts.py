"""Early warnings (alerta temprana): raised by intake, worked through by the mechanism.

``evaluate`` re-assesses the victims a complaint names (and their communities) right
after the complaint's facts are written. When an actor's level rises to ``high`` or
``extreme`` and no alert about them is open, an ``Alert`` is created, concerning the
actor and the incident that raised the level; when one is open and the level rises
further, that alert is escalated instead, so an escalating sequence yields exactly one
alert. The actor keeps its latest level (``risk_level``) so a rise can be told from a
level that was already high.

Alerts then move ``new → under_review → measures_requested → closed`` (closing is
allowed from any open state); an expert can override the level with a reason, and
records whether the person at risk was consulted. Every change appends one entry to the
alert's ``history``: who, when, what and why. Every write is idempotent: repeating a
transition, an override or a consultation that is already in place changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import partial
from typing import Any

from graph.analysis.risk import Assessment, assess
from graph.analysis.risk_reads import gather_many
from graph.analysis.risk_weights import Weights, default_weights
from graph.cypher import alerts as cypher
from graph.cypher import write as write_q
from graph.errors import ConflictError, DefensoresError, ModelError, NotFound
from graph.model import ALERT_LEVELS, ALERT_STATUS, MODEL, Rel
from graph.rows import fact_id, utc_now
from graph.store.bolt import Store, Tx

log = logging.getLogger(__name__)

RAISING = ("high", "extreme")
TRANSITIONS: Mapping[str, tuple[str, ...]] = {
    "new": ("under_review", "closed"),
    "under_review": ("measures_requested", "closed"),
    "measures_requested": ("closed",),
    "closed": (),
}
MAX_REASON = 2000
Props = dict[str, Any]


@dataclass(frozen=True)
class AlertChange:
    """An alert created or escalated by an evaluation."""

    kind: str  # created, escalated
    alert: Props


def _rank(level: str | None) -> int:
    return ALERT_LEVELS.index(level) if level in ALERT_LEVELS else 0


def _entry(by: str, action: str, now: str, before: Any, after: Any, reason: str | None) -> str:
    return json.dumps(
        {"at": now, "by": by, "action": action, "from": before, "to": after, "reason": reason},
        ensure_ascii=False,
        sort_keys=True,
    )


def _alert_id(subject_id: str, incident: str | None, level: str) -> str:
    digest = hashlib.sha256(f"{subject_id}|{incident}|{level}".encode()).hexdigest()
    return f"alr_{digest[:20]}"


def _assessment_json(a: Assessment) -> str:
    return json.dumps(asdict(a), ensure_ascii=False, sort_keys=True)


def subjects_by_complaint(store: Store, complaint_ids: Sequence[str]) -> dict[str, str]:
    """Actor → the first of these complaints that names it as a victim (or names a member
    of it): the actors a risk re-assessment concerns after these complaints."""
    out: dict[str, str] = {}
    rows = store.read(cypher.ALERT_SUBJECTS, ids=list(complaint_ids))
    order = {cid: n for n, cid in enumerate(complaint_ids)}
    for r in sorted(rows, key=lambda r: order.get(r["cid"], 0)):
        for actor in r["ids"] or []:
            if actor:
                out.setdefault(str(actor), str(r["cid"]))
    return out


def subjects_of(store: Store, complaint_ids: Sequence[str]) -> list[str]:
    """The actors a risk re-assessment concerns after these complaints: their victims
    and the communities those victims belong to."""
    return sorted(subjects_by_complaint(store, complaint_ids))


def _apply(
    tx: Tx, *, a: Assessment, complaint_id: str | None, ubigeo: str | None, now: str
) -> AlertChange | None:
    """Create or escalate the alert a rise to ``a.level`` calls for (the actor's new
    level is already written)."""
    open_rows = tx.run(cypher.ALERT_OPEN_FOR, id=a.subject_id)
    if open_rows:
        current = dict(open_rows[0]["props"])
        if _rank(a.level) <= _rank(current.get("assessed_level")):
            return None
        props: Props = {
            "assessed_level": a.level,
            "score": a.score,
            "urgent": bool(current.get("urgent")) or a.urgent,
            "latest_incident": a.latest_incident,
            "assessment": _assessment_json(a),
        }
        if not current.get("override_reason"):
            props["level"] = a.level
        entry = _entry("system", "escalated", now, current.get("assessed_level"), a.level, None)
        updated = tx.run(
            cypher.ALERT_UPDATE,
            id=current["id"],
            seen=current.get("updated_at"),
            props=props,
            entry=entry,
            now=now,
        )
        if not updated:
            raise ConflictError(f"alert {current['id']} changed while it was escalated")
        return AlertChange("escalated", dict(updated[0]["props"]))
    alert_id = _alert_id(a.subject_id, a.latest_incident or complaint_id, a.level)
    props = {
        "level": a.level,
        "assessed_level": a.level,
        "status": "new",
        "urgent": a.urgent,
        "score": a.score,
        "subject_id": a.subject_id,
        "ubigeo": ubigeo,
        "latest_incident": a.latest_incident,
        "complaint_id": complaint_id,
        "assessment": _assessment_json(a),
        "consulted": False,
        "history": [_entry("system", "created", now, None, "new", f"nivel {a.level}")],
    }
    MODEL.node("Alert").check({k: v for k, v in props.items() if v is not None})
    created = tx.run(cypher.ALERT_CREATE, id=alert_id, props=props, now=now)
    concerns = MODEL.relationship(Rel.CONCERNS)
    targets = [("Actor", a.subject_id)] + (
        [("Incident", a.latest_incident)] if a.latest_incident else []
    )
    for label, target in targets:
        row = {
            "start": alert_id,
            "end": target,
            "props": {"id": fact_id(Rel.CONCERNS, alert_id, target), "method": "rule"},
        }
        tx.run(write_q.manual_facts(concerns, "Alert", label), rows=[row], now=now)
    return AlertChange("created", dict(created[0]["props"]))


def _record(
    tx: Tx, assessments: list[tuple[Assessment, str | None, str | None]], now: str
) -> list[AlertChange]:
    rows = [{"id": a.subject_id, "level": a.level, "score": a.score} for a, _, _ in assessments]
    before = {str(r["id"]): r["before"] for r in tx.run(cypher.ACTORS_RISK_SET, rows=rows, now=now)}
    changes = []
    for a, complaint_id, ubigeo in assessments:
        if a.subject_id not in before:
            raise NotFound(f"no actor {a.subject_id}")
        if a.level not in RAISING or _rank(a.level) <= _rank(before[a.subject_id]):
            continue
        change = _apply(tx, a=a, complaint_id=complaint_id, ubigeo=ubigeo, now=now)
        if change is not None:
            changes.append(change)
    return changes


def evaluate(
    store: Store,
    actor_ids: Iterable[str],
    *,
    complaint_id: str | None = None,
    complaints: Mapping[str, str] | None = None,
    as_of: date | None = None,
    weights: Weights | None = None,
) -> list[AlertChange]:
    """Re-assess the actors together; record their levels and create or escalate the
    alerts their rises call for, in one transaction. ``complaints`` names, per actor, the
    complaint that raised it (else ``complaint_id``)."""
    w = weights or default_weights()
    day = as_of or date.today()
    inputs = gather_many(store, list(actor_ids), w, day)
    assessed = []
    for actor_id, found in inputs.items():
        a = assess(found, w, day)
        latest = next((x for x in found.attacks if x.id == a.latest_incident), None)
        ubigeo = latest.districts[0] if latest and latest.districts else None
        assessed.append((a, (complaints or {}).get(actor_id, complaint_id), ubigeo))
    if not assessed:
        return []
    return store.transaction(partial(_record, assessments=assessed, now=utc_now()))


def after_intake(
    store: Store, complaint_ids: Sequence[str], *, as_of: date | None = None
) -> list[AlertChange]:
    """The alerts raised by the complaints just extracted: every actor they concern is
    assessed once, all together."""
    by_actor = subjects_by_complaint(store, complaint_ids)
    return evaluate(store, list(by_actor), complaints=by_actor, as_of=as_of)


AGAIN_BATCH = 100  # complaints re-assessed together by ``AfterIntake.again``


@dataclass
class AfterIntake:
    """``after_intake`` for a batch job (``ingest``): a failure does not stop the job; the
    complaints it left un-assessed, and why, are kept. ``again`` tries those once more
    (the store may be back); ``report`` is what the job's summary shows. The complaints
    stay stored and extracted either way: only their early warnings may be missing."""

    store: Store
    raised: list[AlertChange] = field(default_factory=list)
    assessed: set[str] = field(default_factory=set)
    missed: dict[str, str] = field(default_factory=dict)  # complaint id -> why (one line)

    def __call__(self, complaint_ids: Sequence[str]) -> None:
        try:
            changes = after_intake(self.store, complaint_ids)
        except DefensoresError as exc:  # what the store or the model said: ids, no text
            log.warning(
                "risk re-assessment and alerts for %d complaints failed: %s",
                len(complaint_ids),
                exc,
            )
            self.missed.update(dict.fromkeys(complaint_ids, str(exc)))
            return
        self.raised.extend(changes)
        self.assessed.update(complaint_ids)
        for cid in complaint_ids:
            self.missed.pop(cid, None)

    def again(self) -> None:
        """Re-assess the complaints a failure left out, once."""
        left = sorted(self.missed)
        for i in range(0, len(left), AGAIN_BATCH):
            self(left[i : i + AGAIN_BATCH])

    @property
    def ok(self) -> bool:
        return not self.missed

    @property
    def created(self) -> int:
        """How many alerts were raised (created, not escalated)."""
        return sum(1 for change in self.raised if change.kind == "created")

    def report(self) -> dict[str, Any]:
        """``ok``; complaints re-assessed; those not (ids, never text) and the last reason."""
        out: dict[str, Any] = {
            "ok": self.ok,
            "assessed": len(self.assessed),
            "failed": len(self.missed),
        }
        if self.missed:
            out["error"] = list(self.missed.values())[-1]
            out["complaints"] = sorted(self.missed)
        return out


# --- the workflow ---------------------------------------------------------------------


def get(store: Store, alert_id: str) -> Props:
    rows = store.read(cypher.ALERT_GET, id=alert_id)
    if not rows:
        raise NotFound(f"no alert {alert_id}")
    return dict(rows[0]["props"])


def _reason(reason: str | None, *, required: bool = True) -> str | None:
    text = (reason or "").strip()
    if required and not text:
        raise ModelError("reason is required: every change to an alert records why")
    if len(text) > MAX_REASON:
        raise ModelError(f"reason is longer than {MAX_REASON} characters")
    return text or None


def _who(by: str) -> str:
    if not by.strip():
        raise ModelError("by is required: every change to an alert records who made it")
    return by.strip()


# what a change does to an alert: (properties set, history entry, when), or None: nothing
Decision = Callable[[Props], tuple[Props, str, str] | None]


def _update(store: Store, alert_id: str, decide: Decision) -> tuple[Props, bool]:
    """Read the alert, let ``decide`` return (props, entry, now) or None, write if needed."""

    def work(tx: Tx) -> tuple[Props, bool]:
        rows = tx.run(cypher.ALERT_GET, id=alert_id)
        if not rows:
            raise NotFound(f"no alert {alert_id}")
        current = dict(rows[0]["props"])
        decided = decide(current)
        if decided is None:
            return current, False
        props, entry, now = decided
        updated = tx.run(
            cypher.ALERT_UPDATE,
            id=alert_id,
            seen=current.get("updated_at"),
            props=props,
            entry=entry,
            now=now,
        )
        if not updated:
            raise ConflictError(f"alert {alert_id} changed meanwhile; read it again")
        return dict(updated[0]["props"]), True

    return store.transaction(work)


def transition(store: Store, alert_id: str, to: str, *, by: str, reason: str | None) -> Props:
    """Move an alert to status ``to``; the same move again is a no-op."""
    if to not in ALERT_STATUS:
        raise ModelError(f"status must be one of {', '.join(ALERT_STATUS)}; got {to!r}")
    who, why = _who(by), _reason(reason)

    def decide(current: Props) -> tuple[Props, str, str] | None:
        status = current["status"]
        if status == to:
            return None
        if to not in TRANSITIONS[status]:
            allowed = ", ".join(TRANSITIONS[status]) or "nothing: the alert is closed"
            raise ConflictError(f"alert {alert_id} is {status}; it can move to {allowed}")
        now = utc_now()
        return {"status": to}, _entry(who, "status", now, status, to, why), now

    return _update(store, alert_id, decide)[0]


def override_level(
    store: Store, alert_id: str, level: str, *, by: str, reason: str | None
) -> Props:
    """An expert sets the level by hand, with a reason; the assessed level is kept."""
    if level not in ALERT_LEVELS:
        raise ModelError(f"level must be one of {', '.join(ALERT_LEVELS)}; got {level!r}")
    who, why = _who(by), _reason(reason)

    def decide(current: Props) -> tuple[Props, str, str] | None:
        if current["status"] == "closed":
            raise ConflictError(f"alert {alert_id} is closed")
        if current["level"] == level and current.get("override_reason") == why:
            return None
        now = utc_now()
        entry = _entry(who, "level", now, current["level"], level, why)
        return {"level": level, "override_reason": why}, entry, now

    return _update(store, alert_id, decide)[0]


def record_consultation(
    store: Store, alert_id: str, consulted: bool, *, by: str, note: str | None
) -> Props:
    """Record whether the person (or community) at risk was consulted, and what they said
    or why they could not be asked."""
    who, why = _who(by), _reason(note)

    def decide(current: Props) -> tuple[Props, str, str] | None:
        if current.get("consulted") is consulted and current.get("consultation_note") == why:
            return None
        now = utc_now()
        entry = _entry(who, "consultation", now, current.get("consulted"), consulted, why)
        return {"consulted": consulted, "consultation_note": why}, entry, now

    return _update(store, alert_id, decide)[0]


def history(alert: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The alert's history entries, oldest first."""
    return [json.loads(e) for e in alert.get("history") or []]
