"""Suspects (SUSPECTED_OF): actors a report names without attributing the act to them.

Against the real store, through the intake's own write path: a hand-made NLP result
with a suspect gives a SUSPECTED_OF edge and no PERPETRATOR_OF; patterns, risk, alerts,
exports and the dossier's "presunto autor" list ignore it; a reviewer's confirmation
makes it a PERPETRATOR_OF (a retry changes nothing) and a rejection keeps it out.
Every person, company and complaint here is invented.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from graph.access.policy import PROSECUTOR
from graph.analysis import alerts
from graph.analysis.alerts import AlertChange
from graph.analysis.analytics import repeat_perpetrators
from graph.analysis.networks import incident_actor_graph
from graph.analysis.projections import facts_graph
from graph.analysis.risk_reads import assess_actor, gather
from graph.analysis.risk_weights import default_weights
from graph.curation.merges import merge_actors
from graph.curation.review import review_fact, without_settled_suspicions
from graph.documents import dossier
from graph.documents import export as exports
from graph.errors import ConflictError, NotFound
from graph.intake.durable import (
    ComplaintIn,
    Extraction,
    complaint_id,
    complete,
    process,
    receive,
)
from graph.intake.extraction import entity_id, to_extraction
from graph.intake.facts import complete_many
from graph.model import MODEL
from graph.rows import Evidence, FactRecord, NodeRecord, fact_id
from graph.store import backup
from graph.store.bolt import Store
from graph.store.config import Config
from graph.store.repository import counts, delete_all_data, get_fact, neighbours, upsert
from nlp.result import DocResult, Entity, Incident
from nlp.result import Evidence as NlpEvidence
from server import create_app
from tests.auth import bearer
from tests.live import serve

pytestmark = pytest.mark.store

TODAY = date.today()  # complaints are received early today (UTC): never in the future
VICTIM = "Marina Ccori Huamán"
SUSPECT = "Teófilo Ramos Quispe"


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def _said(text: str, words: str, confidence: float = 0.9) -> NlpEvidence:
    at = text.index(words)
    return NlpEvidence(at, at + len(words), text, 0, "rule", confidence)


def person(text: str, name: str, *, defender: bool = False) -> Entity:
    return Entity(
        f"person:{name.lower()}", "person", name, defender=defender, mentions=[_said(text, name)]
    )


def doc(
    text: str,
    kind: str,
    *,
    victims: Sequence[str],
    suspects: Sequence[str] = (),
    perpetrators: Sequence[str] = (),
    when: str | None = None,
) -> DocResult:
    """The NLP result of a one-incident report, written by hand."""
    names = dict.fromkeys([*victims, *suspects, *perpetrators])
    entities = [person(text, n, defender=n in victims) for n in names]
    key = {e.canonical: e.key for e in entities}
    incident = Incident(
        kind,
        _said(text, text.split(".")[0]),
        date=when,
        date_precision="day" if when else "unknown",
        victims=[key[n] for n in victims],
        suspects=[key[n] for n in suspects],
        perpetrators=[key[n] for n in perpetrators],
    )
    return DocResult("es", True, entities, [incident])


def pid(name: str) -> str:
    return entity_id(Entity(f"person:{name.lower()}", "person", name))


def ingest(store: Store, text: str, result: DocResult) -> tuple[str, list[AlertChange]]:
    """Receive a complaint and write ``result`` for it through the intake (alerts too)."""
    cid = receive(store, ComplaintIn(text=text, received_at=f"{TODAY}T00:00:00Z")).id

    def extractor(c: str, _text: str, _received: str) -> Extraction:
        return to_extraction(c, result)

    raised: list[AlertChange] = []
    status = process(
        store, cid, extractor, after=lambda cids: raised.extend(alerts.after_intake(store, cids))
    )
    assert status == "extracted"
    return cid, raised


def role_edges(store: Store, actor: str) -> dict[str, list[dict[str, Any]]]:
    """An actor's role edges by type, each with its incident (``updated_at`` aside)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for e in neighbours(store, actor, limit=1000):
        if e.type in ("PERPETRATOR_OF", "SUSPECTED_OF", "VICTIM_OF"):
            props = {k: v for k, v in e.props.items() if k != "updated_at"}
            out.setdefault(e.type, []).append({**props, "incident": e.other.id})
    return out


TEXT = (
    f"El {day(2)} la defensora {VICTIM} fue golpeada por desconocidos cerca de su casa. "
    f"Horas después llegó al lugar el regidor {SUSPECT}, a quien ella había denunciado."
)


def test_a_suspect_is_written_as_suspected_of_never_as_perpetrator(store: Store) -> None:
    result = doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT], when=day(2))
    records = to_extraction("cmp_x", result)
    types = {f.type for f in records.facts}
    assert "SUSPECTED_OF" in types and "PERPETRATOR_OF" not in types
    cid, _ = ingest(store, TEXT, result)
    edges = role_edges(store, pid(SUSPECT))
    assert set(edges) == {"SUSPECTED_OF"}
    (suspected,) = edges["SUSPECTED_OF"]
    assert suspected["review"] == "extracted"
    assert suspected["sources"] == [cid]
    assert suspected["quotes"] == [TEXT]  # the sentence a prosecutor checks it against
    # written again (a retry), nothing changes
    before = counts(store)
    upsert(store, [], [f for f in to_extraction(cid, result).facts if f.type == "SUSPECTED_OF"])
    assert counts(store) == before
    assert role_edges(store, pid(SUSPECT)) == edges


def test_an_actor_the_text_gives_a_role_is_not_also_a_suspect() -> None:
    result = doc(TEXT, "assault", victims=[VICTIM], suspects=[VICTIM, SUSPECT], when=day(2))
    suspected = {f.start for f in to_extraction("cmp_x", result).facts if f.type == "SUSPECTED_OF"}
    assert suspected == {pid(SUSPECT)}


def test_the_model_declares_it_once_as_a_tentative_perpetration() -> None:
    rel = MODEL.relationship("SUSPECTED_OF")
    assert rel.tentative and rel.confirms_as == "PERPETRATOR_OF" and rel.fact
    assert rel.anchor == MODEL.relationship("PERPETRATOR_OF").anchor == "end"
    assert {"sources", "quotes", "confidence", "review", "reviewed_by"} <= set(rel.properties)
    assert MODEL.tentative() == ("SUSPECTED_OF",)
    assert "SUSPECTED_OF" not in exports.EDGE_TYPES


# --- review ---------------------------------------------------------------------------


def test_confirming_makes_it_a_perpetrator_with_the_same_provenance(store: Store) -> None:
    ingest(store, TEXT, doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT]))
    (suspected,) = role_edges(store, pid(SUSPECT))["SUSPECTED_OF"]
    incident = suspected["incident"]
    confirmed = review_fact(store, "SUSPECTED_OF", suspected["id"], "confirmed", "visto", "fiscal")
    assert confirmed["type"] == "PERPETRATOR_OF"
    assert confirmed["id"] == fact_id("PERPETRATOR_OF", pid(SUSPECT), incident)
    assert (confirmed["start"], confirmed["end"]) == (pid(SUSPECT), incident)
    assert confirmed["review"] == "confirmed" and confirmed["reviewed_by"] == "fiscal"
    assert confirmed["review_note"] == "visto" and confirmed["status"] == "alleged"
    assert confirmed["confirmed_from"] == suspected["id"]
    for name in ("sources", "evidence_keys", "quotes", "starts", "ends", "methods", "confidence"):
        assert confirmed[name] == suspected[name], name
    edges = role_edges(store, pid(SUSPECT))
    assert set(edges) == {"PERPETRATOR_OF"}  # the suspicion is gone
    assert get_fact(store, "SUSPECTED_OF", suspected["id"]) is None
    # a second confirmation (a retry) returns the same fact and changes nothing
    before = counts(store)
    again = review_fact(store, "SUSPECTED_OF", suspected["id"], "confirmed", "visto", "fiscal")
    assert again == confirmed
    assert counts(store) == before and role_edges(store, pid(SUSPECT)) == edges
    # a fact confirmed from a suspicion is rejected, not reopened into an accusation
    with pytest.raises(ConflictError, match="reject it"):
        review_fact(store, "PERPETRATOR_OF", confirmed["id"], "extracted", None, "fiscal")
    rejected = review_fact(store, "PERPETRATOR_OF", confirmed["id"], "rejected", None, "fiscal")
    assert rejected["review"] == "rejected"
    with pytest.raises(NotFound, match="no SUSPECTED_OF fact rel_none"):
        review_fact(store, "SUSPECTED_OF", "rel_none", "confirmed", None, "fiscal")


def test_confirming_beside_an_attribution_adds_the_evidence(store: Store) -> None:
    other = f"El regidor {SUSPECT} golpeó a la defensora {VICTIM} el {day(2)}."
    ingest(store, TEXT, doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT]))
    (suspected,) = role_edges(store, pid(SUSPECT))["SUSPECTED_OF"]
    incident = suspected["incident"]
    # another complaint attributes the same incident to the same actor
    ev = Evidence("cmp_" + "1" * 20, other, 0, len(other), "rule", 0.95)
    upsert(
        store,
        [
            NodeRecord(
                "Complaint",
                ev.complaint_id,
                {
                    "text": other,
                    "sha256": "x",
                    "received_at": f"{TODAY}T00:01:00Z",
                    "confidentiality": "public",
                    "status": "extracted",
                },
            )
        ],
        [FactRecord("PERPETRATOR_OF", pid(SUSPECT), incident, {"status": "alleged"}, ev)],
    )
    confirmed = review_fact(store, "SUSPECTED_OF", suspected["id"], "confirmed", None, "fiscal")
    assert confirmed["evidence_keys"] == [ev.key, *suspected["evidence_keys"]]
    assert set(confirmed["sources"]) == {ev.complaint_id, *suspected["sources"]}
    assert confirmed["confidence"] == 0.95 and confirmed["review"] == "confirmed"
    assert set(role_edges(store, pid(SUSPECT))) == {"PERPETRATOR_OF"}
    assert len(role_edges(store, pid(SUSPECT))["PERPETRATOR_OF"]) == 1


def test_rejecting_keeps_it_a_rejected_suspicion(store: Store) -> None:
    ingest(store, TEXT, doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT]))
    (suspected,) = role_edges(store, pid(SUSPECT))["SUSPECTED_OF"]
    rejected = review_fact(store, "SUSPECTED_OF", suspected["id"], "rejected", "llegó luego", "f")
    assert rejected["type"] == "SUSPECTED_OF" and rejected["review"] == "rejected"
    edges = role_edges(store, pid(SUSPECT))
    assert set(edges) == {"SUSPECTED_OF"} and edges["SUSPECTED_OF"][0]["review"] == "rejected"
    # the same complaint extracted again does not reopen the reviewer's decision
    cid = suspected["sources"][0]
    result = doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT])
    upsert(store, [], [f for f in to_extraction(cid, result).facts if f.type == "SUSPECTED_OF"])
    assert role_edges(store, pid(SUSPECT))["SUSPECTED_OF"][0]["review"] == "rejected"


# --- nothing counts it ----------------------------------------------------------------


def _two_communities(store: Store, rel: str) -> None:
    """Two incidents against two communities; org_sus and org_perp in both, org_sus only
    as ``rel``."""
    nodes = [
        NodeRecord("Community", "com_sa", {"name": "CN Santa Aurora", "community_kind": "native"}),
        NodeRecord("Community", "com_nb", {"name": "CN Nueva Bella", "community_kind": "native"}),
        NodeRecord("Organization", "org_sus", {"name": "Maderera Río Sol", "kind": "company"}),
        NodeRecord("Organization", "org_perp", {"name": "Agro Selva Norte", "kind": "company"}),
        NodeRecord("Incident", "inc_sa", {"type": "threat", "date": "2024-02-01"}),
        NodeRecord("Incident", "inc_nb", {"type": "eviction", "date": "2024-03-01"}),
    ]
    facts = []
    for com, inc in (("com_sa", "inc_sa"), ("com_nb", "inc_nb")):
        facts += [
            FactRecord("VICTIM_OF", com, inc),
            FactRecord("PERPETRATOR_OF", "org_perp", inc, {"status": "alleged"}),
            FactRecord(rel, "org_sus", inc),
        ]
    upsert(store, nodes, facts)


def test_patterns_and_exports_ignore_suspicions_until_confirmed(store: Store) -> None:
    _two_communities(store, "SUSPECTED_OF")
    G = facts_graph(store)
    assert [r["id"] for r in repeat_perpetrators(G)] == ["org_perp"]
    assert "org_sus" not in incident_actor_graph(G)
    shown = exports.gather(store, PROSECUTOR)
    assert "SUSPECTED_OF" not in {e.type for e in shown.edges}
    assert {e.type for e in shown.edges} >= {"PERPETRATOR_OF", "VICTIM_OF"}
    # confirmed, they count
    for inc in ("inc_sa", "inc_nb"):
        review_fact(
            store, "SUSPECTED_OF", fact_id("SUSPECTED_OF", "org_sus", inc), "confirmed", None, "f"
        )
    G = facts_graph(store)
    assert {r["id"] for r in repeat_perpetrators(G)} == {"org_perp", "org_sus"}
    assert "org_sus" in incident_actor_graph(G)


def test_risk_and_alerts_ignore_suspicions_until_confirmed(store: Store) -> None:
    """The suspect is suspected of an assault on another person and of three attacks of
    rising severity on the defender: the alert they raise, and the risk assessment, have
    no "violent perpetrators" factor and never name the suspect, until confirmed."""
    other = "Efraín Soto Lliuya"
    earlier = f"El {day(200)} golpearon al comunero {other}; {SUSPECT} estaba en la zona."
    ingest(store, earlier, doc(earlier, "assault", victims=[other], suspects=[SUSPECT]))
    raised: list[AlertChange] = []
    for kind, ago in (("threat", 40), ("assault", 20), ("attempted_killing", 2)):
        text = (
            f"El {day(ago)} la defensora {VICTIM} sufrió un ataque ({kind}). {SUSPECT} vive allí."
        )
        raised += ingest(
            store, text, doc(text, kind, victims=[VICTIM], suspects=[SUSPECT], when=day(ago))
        )[1]
    assert [c.alert["subject_id"] for c in raised] == [pid(VICTIM)]  # the defender's alert
    assessment = str(raised[0].alert["assessment"])
    assert pid(SUSPECT) not in assessment and "violent_perpetrators" not in assessment
    w = default_weights()
    inputs = gather(store, pid(VICTIM), w, TODAY)
    assert len(inputs.attacks) == 3 and all(a.perpetrators == () for a in inputs.attacks)
    assert "violent_perpetrators" not in {f.name for f in assess_actor(store, pid(VICTIM)).factors}
    # confirmed, the suspect is a perpetrator with a violent history, and it counts
    for e in role_edges(store, pid(SUSPECT))["SUSPECTED_OF"]:
        review_fact(store, "SUSPECTED_OF", e["id"], "confirmed", None, "fiscal")
    inputs = gather(store, pid(VICTIM), w, TODAY)
    assert {p for a in inputs.attacks for p in a.perpetrators} == {pid(SUSPECT)}
    factors = {f.name: f for f in assess_actor(store, pid(VICTIM)).factors}
    assert {e.node_id for e in factors["violent_perpetrators"].evidence} == {pid(SUSPECT)}


# --- the dossier ----------------------------------------------------------------------


def gathered_edges(store: Store) -> list[Any]:
    return dossier.gather(store, "cas_sus", PROSECUTOR).edges


def test_the_dossier_lists_suspects_apart_and_never_as_authors(store: Store) -> None:
    ingest(store, TEXT, doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT]))
    (suspected,) = role_edges(store, pid(SUSPECT))["SUSPECTED_OF"]
    incident = suspected["incident"]
    upsert(
        store,
        [NodeRecord("Case", "cas_sus", {"file_number": "CF 77-2024", "status": "open"})],
        [FactRecord("INVESTIGATES", "cas_sus", incident)],
    )
    page = dossier.render(dossier.gather(store, "cas_sus", PROSECUTOR)).html()
    assert f"{SUSPECT} — presunto autor" not in page and f">{SUSPECT}</text>" not in page
    assert f"{SUSPECT} — mencionado, sin atribución" in page
    assert "pendiente de revisión" in page and f"{VICTIM} — víctima" in page
    others = {e.start for e in gathered_edges(store) if e.type != "SUSPECTED_OF"}
    assert pid(SUSPECT) not in others
    # rejected: out of the dossier (the report's own sentence, quoted, still names him)
    review_fact(store, "SUSPECTED_OF", suspected["id"], "rejected", None, "fiscal")
    found = dossier.gather(store, "cas_sus", PROSECUTOR)
    assert pid(SUSPECT) not in found.nodes
    page = dossier.render(found).html()
    assert "mencionado, sin atribución" not in page and "presunto autor" not in page
    assert f"{SUSPECT} —" not in page and f">{SUSPECT}</text>" not in page  # nor drawn
    # reopened then confirmed: a presunto autor, with the same quote
    review_fact(store, "SUSPECTED_OF", suspected["id"], "extracted", None, "fiscal")
    review_fact(store, "SUSPECTED_OF", suspected["id"], "confirmed", None, "fiscal")
    page = dossier.render(dossier.gather(store, "cas_sus", PROSECUTOR)).html()
    assert f"{SUSPECT} — presunto autor" in page
    assert "mencionado, sin atribución" not in page


# --- backup ---------------------------------------------------------------------------


def test_a_backup_carries_suspicions(store: Store, tmp_path: Path) -> None:
    _two_communities(store, "SUSPECTED_OF")
    review_fact(
        store, "SUSPECTED_OF", fact_id("SUSPECTED_OF", "org_sus", "inc_sa"), "rejected", None, "f"
    )
    before, totals = backup.checksum(store), counts(store)
    backup.backup(store, tmp_path / "b.jsonl.gz")
    delete_all_data(store, confirm=store.database)
    backup.restore(store, tmp_path / "b.jsonl.gz")
    assert backup.checksum(store) == before and counts(store) == totals
    kept = {(e["incident"], e["review"]) for e in role_edges(store, "org_sus")["SUSPECTED_OF"]}
    assert kept == {("inc_sa", "rejected"), ("inc_nb", "extracted")}


# --- the API --------------------------------------------------------------------------


def test_the_api_shows_suspects_apart_and_a_review_confirms_them(store: Store) -> None:
    _two_communities(store, "SUSPECTED_OF")
    http = httpx.Client(timeout=60, headers=bearer(store))
    incident = """{ node(id: "inc_sa") { ... on Incident {
        perpetrators { node { id } } suspects { node { id } fact { id type review } } } } }"""
    with serve(create_app(Config.from_env({}), store)) as url:

        def run(query: str) -> dict[str, Any]:
            body = http.post(f"{url}/graphql", json={"query": query}).json()
            assert "errors" not in body, body
            return cast(dict[str, Any], body["data"])

        shown = run(incident)["node"]
        assert [p["node"]["id"] for p in shown["perpetrators"]] == ["org_perp"]
        (suspect,) = shown["suspects"]
        assert suspect["node"]["id"] == "org_sus"
        assert (
            suspect["fact"]["type"] == "SUSPECTED_OF" and suspect["fact"]["review"] == "EXTRACTED"
        )
        actor = run('{ actor(id: "org_sus") { all: incidents { node { id } } '
                    "suspected: incidents(role: SUSPECT) { node { id } } } }")["actor"]  # fmt: skip
        assert actor["all"] == []
        assert {i["node"]["id"] for i in actor["suspected"]} == {"inc_sa", "inc_nb"}
        listed = run("{ actors(filter: {role: PERPETRATOR}) { nodes { id } } }")["actors"]
        assert [n["id"] for n in listed["nodes"]] == ["org_perp"]
        confirm = f"""mutation {{ reviewFact(id: "{suspect["fact"]["id"]}", decision: CONFIRM) {{
            __typename ... on FactReviewed {{ fact {{ id type review confirmedFrom }} }} }} }}"""
        first = run(confirm)["reviewFact"]
        assert first["__typename"] == "FactReviewed"
        assert first["fact"]["type"] == "PERPETRATOR_OF" and first["fact"]["review"] == "CONFIRMED"
        assert first["fact"]["confirmedFrom"] == suspect["fact"]["id"]
        assert run(confirm)["reviewFact"] == first  # a retry
        shown = run(incident)["node"]
        assert {p["node"]["id"] for p in shown["perpetrators"]} == {"org_perp", "org_sus"}
        assert shown["suspects"] == []


def test_a_suspicion_settled_by_a_perpetrator_edge_is_not_written_again(store: Store) -> None:
    """For the intake (re-extraction): a suspicion whose actor is a perpetrator of the
    incident already (confirmed by a reviewer, or attributed by a report) is dropped."""
    _two_communities(store, "SUSPECTED_OF")
    review_fact(
        store, "SUSPECTED_OF", fact_id("SUSPECTED_OF", "org_sus", "inc_sa"), "confirmed", None, "f"
    )
    again = [
        FactRecord("SUSPECTED_OF", "org_sus", "inc_sa"),  # confirmed since
        FactRecord("SUSPECTED_OF", "org_sus", "inc_nb"),  # still pending
        FactRecord("SUSPECTED_OF", "org_perp", "inc_nb"),  # attributed by a report
        FactRecord("VICTIM_OF", "com_sa", "inc_sa"),
    ]
    kept = store.transaction(lambda tx: without_settled_suspicions(tx, again))
    assert kept == [again[1], again[3]]


# --- the intake after a review --------------------------------------------------------


def _confirmed(store: Store) -> tuple[str, str]:
    """TEXT ingested and its suspicion confirmed: (complaint id, incident id)."""
    cid, _ = ingest(store, TEXT, doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT]))
    (suspected,) = role_edges(store, pid(SUSPECT))["SUSPECTED_OF"]
    review_fact(store, "SUSPECTED_OF", suspected["id"], "confirmed", None, "fiscal")
    return cid, str(suspected["incident"])


def _only_confirmed_perpetrator(store: Store, actor: str, incident: str) -> None:
    edges = role_edges(store, actor)
    assert set(edges) == {"PERPETRATOR_OF"}, edges
    (firm,) = edges["PERPETRATOR_OF"]
    assert (firm["incident"], firm["review"]) == (incident, "confirmed")


def test_the_same_extraction_written_again_does_not_suspect_a_confirmed_perpetrator(
    store: Store,
) -> None:
    cid, incident = _confirmed(store)
    before = counts(store)
    # the intake's write path, as a retried or resumed extraction of the complaint takes it
    result = doc(TEXT, "assault", victims=[VICTIM], suspects=[SUSPECT])
    assert "SUSPECTED_OF" in {f.type for f in to_extraction(cid, result).facts}
    complete(store, cid, to_extraction(cid, result))
    _only_confirmed_perpetrator(store, pid(SUSPECT), incident)
    assert counts(store) == before


def _second_report(text: str, incident: str, suspects: Sequence[str]) -> Extraction:
    """A report of a stored incident naming ``suspects`` without attributing it."""
    cid = complaint_id(text)
    ev = Evidence(cid, text, 0, len(text), "rule", 0.8)
    nodes = [NodeRecord("Person", pid(name), {"name": name}) for name in suspects]
    facts = [FactRecord("REPORTS", cid, incident, evidence=ev)]
    facts += [FactRecord("SUSPECTED_OF", pid(name), incident, evidence=ev) for name in suspects]
    return Extraction("test", "es", nodes, facts)


def _process(store: Store, text: str, extraction: Extraction) -> str:
    cid = receive(store, ComplaintIn(text=text, received_at=f"{TODAY}T00:02:00Z")).id
    assert process(store, cid, lambda _c, _t, _r: extraction) == "extracted"
    return cid


def test_a_second_report_does_not_suspect_a_confirmed_perpetrator_again(store: Store) -> None:
    _, incident = _confirmed(store)
    other = "Gilberto Pari Condori"
    second = f"Vecinos vieron a {SUSPECT} y a {other} cerca de la casa de {VICTIM}."
    cid = _process(store, second, _second_report(second, incident, [SUSPECT, other]))
    _only_confirmed_perpetrator(store, pid(SUSPECT), incident)
    # a suspicion of another actor, not settled, is written as before
    (pending,) = role_edges(store, pid(other))["SUSPECTED_OF"]
    assert (pending["incident"], pending["review"], pending["sources"]) == (
        incident,
        "extracted",
        [cid],
    )
    # named under a variant that a reviewer merged into the perpetrator: still settled
    variant = "Teófilo Ramos Q."
    upsert(store, [NodeRecord("Person", pid(variant), {"name": variant})])
    merge_actors(store, pid(SUSPECT), pid(variant), "la misma persona", "fiscal")
    third = f"El regidor {variant} fue visto allí el mismo día."
    _process(store, third, _second_report(third, incident, [variant]))
    _only_confirmed_perpetrator(store, pid(SUSPECT), incident)
    assert role_edges(store, pid(variant)) == {}


def test_a_suspicion_the_same_batch_attributes_is_not_written(store: Store) -> None:
    """One complaint of a batch attributes the act, another only names the actor."""
    first = f"El {day(4)} el regidor {SUSPECT} amenazó a la defensora {VICTIM}."
    result = doc(first, "threat", victims=[VICTIM], perpetrators=[SUSPECT], when=day(4))
    second = f"{SUSPECT} estuvo en la reunión donde amenazaron a {VICTIM}."
    cids = [receive(store, ComplaintIn(text=t)).id for t in (first, second)]
    attributed = to_extraction(cids[0], result)
    (incident,) = [n.id for n in attributed.nodes if n.kind == "Incident"]
    complete_many(
        store, [(cids[0], attributed), (cids[1], _second_report(second, incident, [SUSPECT]))]
    )
    edges = role_edges(store, pid(SUSPECT))
    assert set(edges) == {"PERPETRATOR_OF"}
    assert [(e["incident"], e["review"]) for e in edges["PERPETRATOR_OF"]] == [
        (incident, "extracted")
    ]
