"""From an NLP result to graph records: nodes with stable ids, facts with evidence.

Ids are derived from what identifies a thing, so the same complaint extracted twice, or
two complaints naming the same actor, write the same nodes:

* places: their UBIGEO code (``plc_100901``), or their folded name when they have none;
* organisations in the gazetteer: their canonical name; others, and persons and
  communities: a spelling-tolerant key of their name (``Grández``/``Grandes``,
  ``Córdova``/``Córdoba`` share one), so variants merge and a surname alone does not;
* incidents: the complaint and the incident's position in it.

Anything less certain than those keys is left for review, never merged silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import partial
from typing import Protocol

from graph.intake.durable import Extraction, Outcome
from graph.intake.resolution import key_id, name_keys
from graph.model import Rel
from graph.rows import Evidence, FactRecord, NodeRecord
from nlp.identity import identity_key
from nlp.lexicon.incidents import SEVERITY
from nlp.pipeline import VERSION, Extractor
from nlp.places import FEATURE_LEVELS
from nlp.result import AdminUnit, DocResult, Entity
from nlp.result import Evidence as NlpEvidence
from nlp.worker import ExtractorProcess

PREFIX = {"person": "per", "organization": "org", "community": "com", "place": "plc"}
MAX_MENTIONS = 5


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def entity_id(e: Entity) -> str:
    """The node id of an entity: equal for entities that are one actor (``identity_key``)."""
    if e.type == "place" and e.ubigeo and e.level not in FEATURE_LEVELS:
        return f"plc_{e.ubigeo}"
    return f"{PREFIX[e.type]}_{_digest(identity_key(e))}"


def _evidence(cid: str, ev: NlpEvidence, quote: str | None = None) -> Evidence:
    return Evidence(
        cid,
        quote if quote is not None else ev.sentence,
        ev.start,
        ev.end,
        ev.method if ev.method in {"model", "rule", "manual"} else "rule",
        round(min(max(ev.confidence, 0.0), 1.0), 3),
    )


def _node(e: Entity) -> NodeRecord:
    props: dict[str, object] = {"name": e.canonical}
    if e.type != "place":
        props["aliases"] = sorted({a for a in e.aliases if a != e.canonical})
    if e.type == "person":
        # only what the text asserts: "not said" must not overwrite another complaint's word
        props.update(defender=True if e.defender else None, gender=e.gender, people=e.people)
    elif e.type == "organization":
        props["kind"] = e.kind or "other"
    elif e.type == "community":
        props.update(community_kind=e.kind or "native", people=e.people)
    else:
        props["level"] = e.level or "locality"
        if e.ubigeo and e.level not in FEATURE_LEVELS:  # a river or a town is PART_OF it
            place = _unit(e)
            props.update(
                ubigeo=e.ubigeo, lat=place.lat if place else None, lon=place.lon if place else None
            )
    kind = {
        "person": "Person",
        "organization": "Organization",
        "community": "Community",
        "place": "Place",
    }[e.type]
    return NodeRecord(kind, entity_id(e), props)


def _unit(e: Entity) -> AdminUnit | None:
    """The administrative unit a place's ubigeo names, as the NLP resolved it."""
    return e.lineage[0] if e.lineage and e.lineage[0].ubigeo == e.ubigeo else None


def _place_node(place: AdminUnit) -> NodeRecord:
    """The node of an administrative unit of the gazetteer."""
    props = {"name": place.name, "ubigeo": place.ubigeo, "level": place.level}
    return NodeRecord("Place", f"plc_{place.ubigeo}", {**props, "lat": place.lat, "lon": place.lon})


def _parent_places(e: Entity) -> tuple[list[NodeRecord], list[FactRecord]]:
    """The parents of the unit of ``e``, each PART_OF the next (the NLP's lineage)."""
    nodes: list[NodeRecord] = []
    facts: list[FactRecord] = []
    for child, parent in itertools.pairwise(e.lineage):
        nodes.append(_place_node(parent))
        facts.append(FactRecord(Rel.PART_OF, f"plc_{child.ubigeo}", f"plc_{parent.ubigeo}"))
    return nodes, facts


def to_extraction(cid: str, result: DocResult) -> Extraction:
    """The graph records for one complaint's extraction."""
    if not result.supported:
        return Extraction(VERSION, result.language)
    ids = {e.key: entity_id(e) for e in result.entities}
    kinds = {e.key: e.type for e in result.entities}
    nodes: list[NodeRecord] = []
    facts: list[FactRecord] = []
    for e in result.entities:
        nodes.append(_node(e))
        if e.type != "place":  # the name index that review candidates are found through
            for key in name_keys(e.canonical):
                nodes.append(NodeRecord("NameKey", key_id(key), {"key": key}))
                facts.append(FactRecord(Rel.HAS_NAME_KEY, ids[e.key], key_id(key)))
        for mention in e.mentions[:MAX_MENTIONS]:
            facts.append(
                FactRecord(Rel.MENTIONS, cid, ids[e.key], evidence=_evidence(cid, mention))
            )
        if e.type == "place" and e.ubigeo:
            if e.level in FEATURE_LEVELS:  # the unit it lies in, then that unit's parents
                unit = _unit(e)
                if unit is not None:
                    nodes.append(_place_node(unit))
                    facts.append(FactRecord(Rel.PART_OF, ids[e.key], f"plc_{e.ubigeo}"))
            more_nodes, more_facts = _parent_places(e)
            nodes += more_nodes
            facts += more_facts
    incident_ids: list[str] = []
    for n, inc in enumerate(result.incidents):
        iid = f"inc_{_digest(cid, str(n))}"
        incident_ids.append(iid)
        props: dict[str, object] = {
            "type": inc.type,
            "severity": SEVERITY.get(inc.type, 1),
            "summary": inc.evidence.sentence[:300],
        }
        if inc.date:
            props.update(date=inc.date, date_precision=inc.date_precision)
        nodes.append(NodeRecord("Incident", iid, props))
        ev = _evidence(cid, inc.evidence)
        facts.append(FactRecord(Rel.REPORTS, cid, iid, evidence=ev))
        for key in inc.perpetrators:
            if kinds[key] in {"person", "organization", "community"}:
                facts.append(
                    FactRecord(
                        Rel.PERPETRATOR_OF, ids[key], iid, {"status": "alleged"}, evidence=ev
                    )
                )
        # named, not attributed the act: pending review, never an accusation; an actor
        # the text gives a role in the incident is not a suspect of it as well
        placed = {*inc.perpetrators, *inc.victims, *inc.witnesses}
        for key in dict.fromkeys(inc.suspects):
            if key not in placed and kinds[key] in {"person", "organization", "community"}:
                facts.append(FactRecord(Rel.SUSPECTED_OF, ids[key], iid, evidence=ev))
        for key in inc.victims:
            if kinds[key] in {"person", "organization", "community"}:
                facts.append(FactRecord(Rel.VICTIM_OF, ids[key], iid, evidence=ev))
        for key in inc.witnesses:
            if kinds[key] == "person":
                facts.append(FactRecord(Rel.WITNESS_OF, ids[key], iid, evidence=ev))
        if inc.place and kinds.get(inc.place) == "place":
            facts.append(FactRecord(Rel.OCCURRED_IN, iid, ids[inc.place], evidence=ev))
    for rel in result.relations:
        rtype = Rel.WORKS_FOR if rel.type == "works_for" else Rel.MEMBER_OF
        if kinds[rel.source] != "person":
            continue
        if rtype == Rel.WORKS_FOR and kinds[rel.target] != "organization":
            continue
        props = {"role": rel.role} if rel.role else {}
        facts.append(
            FactRecord(
                rtype,
                ids[rel.source],
                ids[rel.target],
                props,
                evidence=_evidence(cid, rel.evidence),
            )
        )
    for d in result.disputes:
        communities = sorted(ids[k] for k in d.parties if kinds[k] == "community")
        if not communities:
            continue
        did = f"dsp_{_digest(d.driver, *communities)}"
        first = next(e for e in result.entities if ids[e.key] == communities[0])
        nodes.append(
            NodeRecord(
                "LandDispute",
                did,
                {
                    "name": d.name or f"{first.canonical} ({d.driver.replace('_', ' ')})",
                    "driver": d.driver,
                    "status": "active",
                },
            )
        )
        ev = _evidence(cid, d.evidence)
        for key in d.parties:
            side = "claimant" if kinds[key] == "community" else "respondent"
            facts.append(FactRecord(Rel.PARTY_TO, ids[key], did, {"side": side}, evidence=ev))
        for iid, inc in zip(incident_ids, result.incidents, strict=True):
            if set(inc.victims) & set(d.parties) or set(inc.perpetrators) & set(d.parties):
                facts.append(
                    FactRecord(Rel.PART_OF, iid, did, evidence=_evidence(cid, inc.evidence))
                )
    return Extraction(VERSION, result.language, nodes, facts)


class ExtractsMany(Protocol):
    """The NLP, in this process (``nlp.pipeline.Extractor``) or in its own
    (``nlp.worker.ExtractorProcess``)."""

    def extract_many(
        self, items: Iterable[tuple[str, date | None]], batch_size: int = 32
    ) -> Iterable[DocResult]: ...


class NlpBatchExtractor:
    """The intake's batch extractor: the NLP pipeline, then ``to_extraction``."""

    def __init__(self, extractor: ExtractsMany, batch_size: int = 32) -> None:
        self.extractor = extractor
        self.batch_size = batch_size

    @property
    def version(self) -> str:
        """The extractor its extractions name (``nlp.pipeline.VERSION``)."""
        return VERSION

    def __call__(self, items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        inputs = [(text, _date(received)) for _, text, received in items]
        results = self.extractor.extract_many(inputs, batch_size=self.batch_size)
        # the records are built later, by the intake's writer thread
        return [
            partial(to_extraction, cid, result)
            for (cid, _, _), result in zip(items, results, strict=True)
        ]


@contextlib.contextmanager
def batch_extractor(*, own_process: bool) -> Iterator[NlpBatchExtractor]:
    """The intake's batch extractor, the one way it is built: the NLP in a process of its
    own (batch jobs: here it would take turns with the writes for the interpreter, see
    ``nlp.worker``; started at the first batch, stopped on leaving), or in this one (the
    server, which keeps it for its lifetime once loaded)."""
    if own_process:
        with ExtractorProcess() as nlp:
            yield NlpBatchExtractor(nlp)
    else:
        yield NlpBatchExtractor(Extractor())


def _date(received_at: str) -> date | None:
    try:
        return datetime.strptime(received_at[:10], "%Y-%m-%d").date()
    except ValueError:
        return None
