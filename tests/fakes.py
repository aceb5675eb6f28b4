"""Small stand-ins for the NLP extractor, for tests of the intake logic alone."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from graph.intake.durable import Extraction, Outcome
from graph.intake.resolution import key_id, name_keys
from graph.rows import Evidence, FactRecord, NodeRecord


def _hid(prefix: str, *parts: str) -> str:
    return f"{prefix}_{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:16]}"


def toy_extractor(complaint_id: str, text: str, received_at: str) -> Extraction:
    """Finds one victim: the first two capitalised words; one threat reported."""
    words = [w.strip(".,;") for w in text.split()]
    caps = [w for w in words if w[:1].isupper()]
    name = " ".join(caps[:2]) or "Persona desconocida"
    start = max(text.find(caps[0]), 0) if caps else 0
    ev = Evidence(complaint_id, text[:80], start, start + len(name), "rule", 0.8)
    person = _hid("per", name)
    incident = _hid("inc", complaint_id, "0")
    return Extraction(
        extractor="toy/1",
        language="es",
        nodes=[
            NodeRecord("Person", person, {"name": name, "defender": True}),
            NodeRecord("Incident", incident, {"type": "threat"}),
        ],
        facts=[
            FactRecord("VICTIM_OF", person, incident, evidence=ev),
            FactRecord("REPORTS", complaint_id, incident, evidence=ev),
        ],
    )


ROLES = {
    "VICTIM": "VICTIM_OF",
    "PERP": "PERPETRATOR_OF",
    "WITNESS": "WITNESS_OF",
    "SUSPECT": "SUSPECTED_OF",
}


class LineExtractor:
    """A scripted extractor for re-extraction tests: one fact per line of the text.

    ``VICTIM Ana Ríos`` (or ``PERP``, ``WITNESS``, ``SUSPECT``; ``VICTIM@1`` for the complaint's
    second incident) makes the person, the incident (a threat) and the role;
    ``MEMBER Ana Ríos > Federación X`` a membership. A line tagged ``[v1]`` is found
    only by the extractor of tag ``v1``: versions differ by what they find.
    """

    def __init__(self, version: str, tag: str, *, name_keys: bool = False) -> None:
        self.version = version
        self.tag = tag
        self.name_keys = name_keys  # file persons in the name index, as the NLP's do

    def __call__(self, complaint_id: str, text: str, received_at: str) -> Extraction:
        nodes: list[NodeRecord] = []
        facts: list[FactRecord] = []
        offset = 0
        for line in text.splitlines(keepends=True):
            start, offset = offset, offset + len(line)
            body = line.strip()
            tags = [t for t in ("[v1]", "[v2]", "[v3]") if t in body]
            if tags and f"[{self.tag}]" not in tags:
                continue
            for t in tags:
                body = body.replace(t, "").strip()
            word, _, rest = body.partition(" ")
            role, _, n = word.partition("@")
            ev = Evidence(
                complaint_id, line.strip(), start, start + len(line.rstrip()), "rule", 0.7
            )
            if role in ROLES:
                person = self._actor(nodes, facts, complaint_id, text, "Person", rest)
                incident = _hid("inc", complaint_id, n or "0")
                nodes.append(NodeRecord("Incident", incident, {"type": "threat"}))
                facts.append(FactRecord("REPORTS", complaint_id, incident, evidence=ev))
                props = {"status": "alleged"} if role == "PERP" else {}
                facts.append(FactRecord(ROLES[role], person, incident, props, evidence=ev))
            elif role == "MEMBER":
                name, _, org_name = rest.partition(" > ")
                person = self._actor(nodes, facts, complaint_id, text, "Person", name)
                org = self._actor(nodes, facts, complaint_id, text, "Organization", org_name)
                facts.append(FactRecord("MEMBER_OF", person, org, evidence=ev))
        return Extraction(self.version, "es", nodes, facts)

    def _actor(
        self,
        nodes: list[NodeRecord],
        facts: list[FactRecord],
        complaint_id: str,
        text: str,
        kind: str,
        name: str,
    ) -> str:
        node_id = _hid("per" if kind == "Person" else "org", name)
        props: dict[str, object] = {"name": name, "aliases": []}
        if kind == "Organization":
            props["kind"] = "federation"
        nodes.append(NodeRecord(kind, node_id, props))
        if self.name_keys and kind == "Person":
            for key in name_keys(name):
                nodes.append(NodeRecord("NameKey", key_id(key), {"key": key}))
                facts.append(FactRecord("HAS_NAME_KEY", node_id, key_id(key)))
        at = text.find(name)
        ev = Evidence(complaint_id, name, at, at + len(name), "model", 0.9)
        facts.append(FactRecord("MENTIONS", complaint_id, node_id, evidence=ev))
        return node_id

    def many(self, items: Sequence[tuple[str, str, str]]) -> list[Outcome]:
        """The batch extractor the intake and ``reextract`` call."""
        return [self(cid, text, received) for cid, text, received in items]
