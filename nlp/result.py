"""What extraction produces: plain, typed dataclasses with their evidence.

Nothing here knows of spaCy, the store or GraphQL. Every item carries where it was found
(character span and sentence), how sure we are and the method that found it (``rule``:
a pattern or gazetteer; ``model``: the statistical model; ``manual``: a person).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    sentence: str
    sentence_start: int
    method: str
    confidence: float


@dataclass(frozen=True)
class AdminUnit:
    """An administrative unit of the UBIGEO gazetteer, as resolved for a place: what the
    graph stores of it, so nothing downstream looks the gazetteer up again."""

    ubigeo: str
    name: str
    level: str  # region | province | district
    lat: float | None = None
    lon: float | None = None


@dataclass
class Entity:
    """One entity of a document, with every mention of it found there."""

    key: str  # unique within the document, e.g. "person:teodoro grandez mori"
    type: str
    canonical: str
    kind: str | None = None  # organisation kind, or community kind (native | campesina)
    ubigeo: str | None = None
    level: str | None = None  # for places: region | province | district | locality
    people: str | None = None
    gender: str | None = None
    defender: bool = False
    suspect: bool = False  # described as an attacker ("alias …", "traficante", "sicario")
    official: bool = (
        False  # acting in office (fiscal, juez, prefecto, police): never accused by default
    )
    aliases: list[str] = field(default_factory=list)
    mentions: list[Evidence] = field(default_factory=list)
    # for a place with a ubigeo: the unit it is (or, for a river or a town, lies in) and
    # that unit's parents, most specific first
    lineage: list[AdminUnit] = field(default_factory=list)

    @property
    def first(self) -> Evidence:
        return min(self.mentions, key=lambda m: m.start)

    @property
    def confidence(self) -> float:
        return max(m.confidence for m in self.mentions)


@dataclass
class Incident:
    type: str
    evidence: Evidence
    date: str | None = None
    date_precision: str = "unknown"
    place: str | None = None  # entity key
    perpetrators: list[str] = field(default_factory=list)  # entity keys the text accuses
    # named in the document but not attributed the act by its sentence: a weaker, pending
    # relation that nothing counts as an accusation until a reviewer confirms it
    suspects: list[str] = field(default_factory=list)
    victims: list[str] = field(default_factory=list)
    witnesses: list[str] = field(default_factory=list)
    unnamed_perpetrators: list[str] = field(default_factory=list)  # "sicarios", "hitmen"
    trigger: str = ""  # the word that names the act
    reference: bool = False  # named by a noun ("la amenaza"): may repeat an act told before


@dataclass
class Relation:
    type: str  # member_of | works_for
    source: str  # entity key
    target: str
    role: str | None
    evidence: Evidence


@dataclass
class Dispute:
    driver: str
    parties: list[str]  # entity keys
    evidence: Evidence
    name: str | None = None


@dataclass
class DocResult:
    language: str
    supported: bool
    entities: list[Entity] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)

    def entity(self, key: str) -> Entity:
        for e in self.entities:
            if e.key == key:
                return e
        raise KeyError(key)

    def to_json(self, text: str) -> dict[str, Any]:
        """The shape ``defensores extract`` prints."""
        names = {e.key: e.canonical for e in self.entities}
        return {
            "language": self.language,
            "supported": self.supported,
            "entities": [
                {
                    "text": text[m.start : m.end],
                    "type": e.type,
                    "kind": e.kind,
                    "start": m.start,
                    "end": m.end,
                    "canonical": e.canonical,
                    "ubigeo": e.ubigeo,
                    "method": m.method,
                    "confidence": round(m.confidence, 3),
                }
                for e in self.entities
                for m in sorted(e.mentions, key=lambda m: m.start)
            ],
            "incidents": [
                {
                    "type": i.type,
                    "date": i.date,
                    "date_precision": i.date_precision,
                    "place": names.get(i.place) if i.place else None,
                    "perpetrators": [names[k] for k in i.perpetrators],
                    "suspects": [names[k] for k in i.suspects],
                    "victims": [names[k] for k in i.victims],
                    "witnesses": [names[k] for k in i.witnesses],
                    "unnamed_perpetrators": i.unnamed_perpetrators,
                    "evidence": asdict(i.evidence),
                }
                for i in self.incidents
            ],
            "relations": [
                {
                    "type": r.type,
                    "source": names[r.source],
                    "target": names[r.target],
                    "role": r.role,
                    "evidence": asdict(r.evidence),
                }
                for r in self.relations
            ],
            "disputes": [
                {
                    "driver": d.driver,
                    "name": d.name,
                    "parties": [names[k] for k in d.parties],
                    "evidence": asdict(d.evidence),
                }
                for d in self.disputes
            ],
        }
