"""What a risk assessment needs, read from the store: ``gather_many`` asks for many
subjects' ``RiskInputs`` in the same dozen statements (the attacks each suffered, with
their perpetrators, places and quotes; those perpetrators' violence against others; the
subject's land disputes and which other parties to them are violent; how busy the
subject's districts are; protection measures), its independent reads side by side on a
small pool of threads. ``assess_actor`` gathers and scores one subject."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from graph.access.policy import FULL
from graph.analysis.risk import (
    Area,
    Assessment,
    Attack,
    Dispute,
    Measure,
    Quote,
    RiskInputs,
    assess,
)
from graph.analysis.risk_weights import Weights, default_weights
from graph.cypher import risk as q
from graph.errors import ModelError, NotFound
from graph.model import MODEL
from graph.reads import nodes_by_ids
from graph.store.bolt import Store
from nlp.text import fold


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


def assess_actor(
    store: Store, actor_id: str, *, as_of: date | None = None, weights: Weights | None = None
) -> Assessment:
    """Gather and assess in one call (today unless ``as_of`` is given)."""
    w = weights or default_weights()
    day = as_of or date.today()
    return assess(gather(store, actor_id, w, day), w, day)
