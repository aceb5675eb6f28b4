"""Small stand-ins for the NLP extractor, for tests of the intake logic alone."""

from __future__ import annotations

import hashlib

from graph.intake import Extraction
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
