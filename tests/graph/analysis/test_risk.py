"""Risk assessment and alerts on constructed histories, through the real intake path.

Each complaint of a scenario is received, extracted by a scripted extractor (the facts
are given, so the scenario is exact) and written by ``graph.intake.durable.process``, with the
alert evaluation that intake runs after every write. Dates are relative to today, so
recency weighs every incident about the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.analysis import alerts
from graph.analysis.alerts import AlertChange
from graph.analysis.risk import Attack, Quote, RiskInputs, assess
from graph.analysis.risk_reads import assess_actor
from graph.analysis.risk_weights import WEIGHTS_FILE, load_weights
from graph.curation.measures import record_protection_measure
from graph.curation.review import review_fact
from graph.errors import ConfigError, ConflictError, ModelError, NotFound
from graph.intake.durable import ComplaintIn, Extraction, process, receive
from graph.rows import Evidence, FactRecord, NodeRecord, fact_id
from graph.store.bolt import Store
from graph.store.repository import upsert

W = load_weights()
TODAY = date.today()
DEFENDER = "per_rk_defensora"
PERP = "per_rk_sicario"
COMMUNITY = "com_rk_nuevo_amanecer"


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def base(store: Store) -> None:
    upsert(
        store,
        [
            NodeRecord(
                "Person",
                DEFENDER,
                {"name": "Marleni Quispe Tito", "gender": "female", "defender": True},
            ),
            NodeRecord("Person", PERP, {"name": "alias El Zorro"}),
            NodeRecord(
                "Community", COMMUNITY, {"name": "CN Nuevo Amanecer", "community_kind": "campesina"}
            ),
        ],
    )


def attack(
    store: Store,
    n: int,
    kind: str,
    ago: int,
    *,
    victim: str = DEFENDER,
    perpetrator: str = PERP,
    text: str | None = None,
) -> list[AlertChange]:
    """One complaint reporting one incident; returns the alerts its intake raised."""
    text = text or f"Denuncia {n}: {kind} contra la víctima, hace {ago} días."
    cid = receive(store, ComplaintIn(text=text)).id
    incident = f"inc_rk_{n}"

    def extractor(c: str, t: str, received_at: str) -> Extraction:
        ev = Evidence(c, t, 0, len(t), "rule", 0.9)
        return Extraction(
            "scripted",
            "es",
            [NodeRecord("Incident", incident, {"type": kind, "date": day(ago)})],
            [
                FactRecord("REPORTS", c, incident, evidence=ev),
                FactRecord("VICTIM_OF", victim, incident, evidence=ev),
                FactRecord("PERPETRATOR_OF", perpetrator, incident, evidence=ev),
            ],
        )

    raised: list[AlertChange] = []
    status = process(
        store, cid, extractor, after=lambda cids: raised.extend(alerts.after_intake(store, cids))
    )
    assert status == "extracted"
    return raised


def open_alerts(store: Store, subject: str) -> list[dict[str, object]]:
    rows = store.read(
        "MATCH (a:Alert {subject_id: $id}) RETURN properties(a) AS p ORDER BY a.created_at",
        id=subject,
    )
    return [dict(r["p"]) for r in rows]


# --- the weights file -----------------------------------------------------------------


def test_weights_file_is_complete_and_checked(tmp_path: Path) -> None:
    assert W.level(0) == "low" and W.level(W.levels["extreme"]) == "extreme"
    broken = tmp_path / "risk.toml"
    broken.write_text(
        WEIGHTS_FILE.read_text(encoding="utf-8").replace("[factors.hotspot]", "[factors.hotspo]"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="missing hotspot; unknown hotspo"):
        load_weights(broken)


# --- the assessment alone (no store) --------------------------------------------------


def test_every_factor_shows_weight_points_and_evidence() -> None:
    inputs = RiskInputs(
        subject_id=DEFENDER,
        kind="Person",
        name="x",
        gender="female",
        defender=True,
        people="Asháninka",
        attacks=(
            Attack("inc_1", "threat", day(30), (PERP,), (), (Quote("cmp_1", "te vamos a matar"),)),
            Attack("inc_2", "assault", day(10), (PERP,)),
        ),
        violent_history={PERP: ("inc_other",)},
    )
    a = assess(inputs, W, TODAY)
    names = [f.name for f in a.factors]
    assert names == [
        "prior_incidents",
        "escalation",
        "violent_perpetrators",
        "woman_defender",
        "indigenous_leader",
    ]
    assert a.score == pytest.approx(sum(f.points for f in a.factors), abs=0.2)
    prior = a.factors[0]
    assert prior.weight == W.weight("prior_incidents")
    quoted = [e for e in prior.evidence if e.quote]
    assert quoted and quoted[0].complaint_id == "cmp_1" and quoted[0].incident_id == "inc_1"
    assert a.factors[1].detail == "1 escalones: threat → assault"
    assert a.latest_incident == "inc_2" and not a.urgent


def test_a_death_threat_is_urgent_a_plain_threat_is_not() -> None:
    def latest(quote: str) -> bool:
        i = RiskInputs(
            DEFENDER,
            "Person",
            "x",
            attacks=(Attack("inc_1", "threat", day(1), quotes=(Quote("cmp", quote),)),),
        )
        return assess(i, W, TODAY).urgent

    assert latest("Le dijeron que lo iban a MATAR si seguía denunciando")
    assert latest("They said she would be killed")
    assert not latest("Le dijeron que se fuera de la comunidad")


# --- scenarios through intake ---------------------------------------------------------


def test_an_escalating_sequence_raises_the_level_step_by_step_and_fires_one_alert(
    store: Store,
) -> None:
    base(store)
    levels = []
    fired: list[AlertChange] = []
    for n, (kind, ago) in enumerate([("threat", 40), ("assault", 20), ("attempted_killing", 5)]):
        fired += attack(store, n, kind, ago)
        levels.append(assess_actor(store, DEFENDER).level)
    assert levels == ["low", "medium", "high"]
    assert [c.kind for c in fired] == ["created"]
    alert = fired[0].alert
    assert alert["subject_id"] == DEFENDER and alert["level"] == "high"
    assert alert["urgent"] is True  # the latest incident is a killing attempt
    assert alert["latest_incident"] == "inc_rk_2" and alert["status"] == "new"
    # another attack at the same level: no second alert
    assert attack(store, 3, "threat", 1) == []
    assert len(open_alerts(store, DEFENDER)) == 1
    # the alert concerns the defender and the incident that raised it
    rows = store.read(
        "MATCH (a:Alert {id: $id})-[:CONCERNS]->(n) RETURN n.id AS id ORDER BY id", id=alert["id"]
    )
    assert [r["id"] for r in rows] == ["inc_rk_2", DEFENDER]


def test_an_unrelated_complaint_fires_no_alert(store: Store) -> None:
    base(store)
    upsert(store, [NodeRecord("Person", "per_rk_otro", {"name": "Gil Tapia Rengifo"})])
    assert attack(store, 10, "stigmatisation", 3, victim="per_rk_otro") == []
    assert open_alerts(store, "per_rk_otro") == []
    assert assess_actor(store, "per_rk_otro").level == "low"


def test_an_implemented_protection_measure_lowers_the_score(store: Store) -> None:
    base(store)
    for n, (kind, ago) in enumerate([("threat", 40), ("assault", 20), ("attempted_killing", 5)]):
        attack(store, n, kind, ago)
    before = assess_actor(store, DEFENDER)
    measure, _ = record_protection_measure(
        store,
        kind="patrullaje policial",
        status="requested",
        actor_ids=[DEFENDER],
        requested_at=day(4),
        by="tester",
    )
    requested = assess_actor(store, DEFENDER)
    assert "protection_gap" in [f.name for f in requested.factors]
    assert requested.score > before.score
    record_protection_measure(
        store,
        kind="patrullaje policial",
        status="implemented",
        actor_ids=[DEFENDER],
        requested_at=day(4),
        implemented_at=day(2),
        measure_id=str(measure["id"]),
        by="tester",
    )
    after = assess_actor(store, DEFENDER)
    factor = next(f for f in after.factors if f.name == "protection_implemented")
    assert factor.points == W.weight("protection_implemented") < 0
    assert after.score == pytest.approx(before.score + factor.points, abs=0.2)


def test_a_community_is_assessed_through_its_members(store: Store) -> None:
    base(store)
    store.write(
        "MATCH (p:Person {id: $p}), (c:Community {id: $c}) "
        "CREATE (p)-[:MEMBER_OF {id: 'MEMBER_OF:rk', role: 'presidenta'}]->(c)",
        p=DEFENDER,
        c=COMMUNITY,
    )
    attack(store, 20, "threat", 10)
    a = assess_actor(store, COMMUNITY)
    prior = next(f for f in a.factors if f.name == "prior_incidents")
    assert {e.incident_id for e in prior.evidence} == {"inc_rk_20"}


def test_perpetrators_and_disputes_tied_to_violence_count(store: Store) -> None:
    base(store)
    upsert(
        store,
        [
            NodeRecord("Person", "per_rk_other_victim", {"name": "Elías Ramos"}),
            NodeRecord("LandDispute", "dsp_rk", {"name": "Predio Santa Rosa", "status": "active"}),
            NodeRecord("Organization", "org_rk_palma", {"name": "Palmas X", "kind": "company"}),
        ],
    )
    attack(store, 30, "assault", 200, victim="per_rk_other_victim")  # the history
    attack(store, 31, "threat", 3)
    store.write(
        "MATCH (c:Community {id: $c}), (d:LandDispute {id: $d}), (o:Organization {id: $o}), "
        "(p:Person {id: $p}) "
        "CREATE (c)-[:PARTY_TO {id: 'PARTY_TO:rk1', side: 'claimant'}]->(d), "
        "(o)-[:PARTY_TO {id: 'PARTY_TO:rk2', side: 'respondent'}]->(d), "
        "(p)-[:MEMBER_OF {id: 'MEMBER_OF:rk2', role: 'apu'}]->(c)",
        c=COMMUNITY,
        d="dsp_rk",
        o="org_rk_palma",
        p=DEFENDER,
    )
    store.write(
        "MATCH (o:Organization {id: 'org_rk_palma'}), (i:Incident {id: 'inc_rk_30'}) "
        "CREATE (o)-[:PERPETRATOR_OF {id: 'PERPETRATOR_OF:rk'}]->(i)"
    )
    a = assess_actor(store, DEFENDER)
    by_name = {f.name: f for f in a.factors}
    assert {e.incident_id for e in by_name["violent_perpetrators"].evidence} == {"inc_rk_30"}
    dispute = by_name["violent_dispute"]
    assert "Predio Santa Rosa" in dispute.detail
    assert ("inc_rk_30", "dsp_rk") in {(e.incident_id, e.node_id) for e in dispute.evidence}


def test_hotspot_counts_the_district_in_the_window(store: Store) -> None:
    base(store)
    upsert(
        store,
        [
            NodeRecord(
                "Place", "plc_rk", {"name": "Puerto Inca", "level": "district", "ubigeo": "991001"}
            )
        ],
    )
    for n in range(6):
        attack(store, 40 + n, "harassment", 10 + n)
    store.write(
        "MATCH (i:Incident) WHERE i.id STARTS WITH 'inc_rk_4' MATCH (p:Place {id: 'plc_rk'}) "
        "CREATE (i)-[:OCCURRED_IN {id: 'OCCURRED_IN:' + i.id}]->(p)"
    )
    a = assess_actor(store, DEFENDER)
    hotspot = next(f for f in a.factors if f.name == "hotspot")
    assert "Puerto Inca (991001): 6 incidentes, antes 0" in hotspot.detail


def test_a_confirmed_killing_ends_alerts_about_the_victim_not_their_community(
    store: Store,
) -> None:
    base(store)
    store.write(
        "MATCH (p:Person {id: $p}), (c:Community {id: $c}) "
        "CREATE (p)-[:MEMBER_OF {id: 'MEMBER_OF:rk3', role: 'defensora'}]->(c)",
        p=DEFENDER,
        c=COMMUNITY,
    )
    attack(store, 50, "killing", 2)
    cid = store.read("MATCH (c:Complaint)-[:REPORTS]->(:Incident {id: 'inc_rk_50'}) RETURN c.id")
    complaint = str(cid[0]["c.id"])
    # extracted only: the defender is still assessed (the extraction may be wrong)
    assert alerts.subjects_of(store, [complaint]) == [COMMUNITY, DEFENDER]
    review_fact(
        store, "VICTIM_OF", fact_id("VICTIM_OF", DEFENDER, "inc_rk_50"), "confirmed", None, "fiscal"
    )
    assert alerts.subjects_of(store, [complaint]) == [COMMUNITY]


def test_risk_of_unknown_or_non_actor_ids_is_refused(store: Store) -> None:
    with pytest.raises(NotFound):
        assess_actor(store, "per_nobody")
    with pytest.raises(ModelError, match="not an actor"):
        assess_actor(store, "inc_rk_1")


# --- the workflow -----------------------------------------------------------------------


def _raised(store: Store) -> str:
    base(store)
    fired: Sequence[AlertChange] = []
    for n, (kind, ago) in enumerate([("threat", 40), ("assault", 20), ("attempted_killing", 5)]):
        fired = [*fired, *attack(store, n, kind, ago)]
    return str(fired[0].alert["id"])


def test_alert_moves_through_its_states_recording_who_when_why(store: Store) -> None:
    aid = _raised(store)
    alerts.transition(store, aid, "under_review", by="experta1", reason="se asigna a evaluación")
    again = alerts.transition(store, aid, "under_review", by="experta1", reason="reintento")
    assert len(alerts.history(again)) == 2  # created + one move: the retry changed nothing
    with pytest.raises(ConflictError, match="can move to measures_requested, closed"):
        alerts.transition(store, aid, "new", by="experta1", reason="x")
    alerts.override_level(store, aid, "extreme", by="experta2", reason="amenaza confirmada")
    alerts.record_consultation(store, aid, True, by="experta2", note="la defensora pidió escolta")
    alerts.transition(store, aid, "measures_requested", by="experta2", reason="oficio a PNP")
    final = alerts.transition(store, aid, "closed", by="experta2", reason="medidas implementadas")
    steps = alerts.history(final)
    assert [(s["action"], s["from"], s["to"]) for s in steps] == [
        ("created", None, "new"),
        ("status", "new", "under_review"),
        ("level", "high", "extreme"),
        ("consultation", False, True),
        ("status", "under_review", "measures_requested"),
        ("status", "measures_requested", "closed"),
    ]
    assert all(s["at"] and s["by"] for s in steps)
    assert steps[2]["reason"] == "amenaza confirmada" and final["assessed_level"] == "high"
    assert final["level"] == "extreme" and final["consulted"] is True
    with pytest.raises(ConflictError, match="closed"):
        alerts.override_level(store, aid, "low", by="x", reason="y")


def test_workflow_refuses_bad_input_and_writes_nothing(store: Store) -> None:
    aid = _raised(store)
    before = alerts.get(store, aid)
    with pytest.raises(ModelError, match="reason is required"):
        alerts.transition(store, aid, "closed", by="x", reason="  ")
    with pytest.raises(ModelError, match="status must be one of"):
        alerts.transition(store, aid, "archived", by="x", reason="y")
    with pytest.raises(ModelError, match="level must be one of"):
        alerts.override_level(store, aid, "severe", by="x", reason="y")
    with pytest.raises(NotFound):
        alerts.transition(store, "alr_missing", "closed", by="x", reason="y")
    assert alerts.get(store, aid) == before
