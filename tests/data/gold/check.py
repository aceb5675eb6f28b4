"""Check gold files against the annotation guide: python tests/data/gold/check.py [FILES]."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))  # runs as a plain script; the vocabularies are the model's

from graph.model import DISPUTE_DRIVERS, INCIDENT_TYPES, ORGANIZATION_KINDS  # noqa: E402

UBIGEO = {
    p["ubigeo"]: p
    for p in json.loads((ROOT / "nlp" / "gazetteer" / "ubigeo.json").read_text(encoding="utf-8"))
}
TYPES = {"person", "organization", "community", "place"}
KINDS = set(ORGANIZATION_KINDS)
INCIDENTS = set(INCIDENT_TYPES)
DRIVERS = set(DISPUTE_DRIVERS)
PRECISION = {"day": 10, "month": 7, "year": 4}


def problems(path: Path) -> list[str]:
    out: list[str] = []
    doc = json.loads(path.read_text(encoding="utf-8"))
    text = doc["text"]
    if doc["id"] != path.stem:
        out.append(f"id {doc['id']} != file name")
    if doc["language"] not in ("es", "en"):
        out.append("language must be es or en")
    ids = {}
    for e in doc["entities"]:
        ids[e["id"]] = e
        if e["type"] not in TYPES:
            out.append(f"{e['id']}: type {e['type']}")
        if not e["mentions"]:
            out.append(f"{e['id']}: no mentions")
        for m in e["mentions"]:
            if m not in text:
                out.append(f"{e['id']}: mention {m!r} not in text")
        if e["type"] == "organization" and e.get("kind") not in KINDS:
            out.append(f"{e['id']}: kind {e.get('kind')}")
        if e["type"] == "community" and e.get("community_kind") not in ("native", "campesina"):
            out.append(f"{e['id']}: community_kind {e.get('community_kind')}")
        if e["type"] == "place":
            code = e.get("ubigeo")
            if code is not None and code not in UBIGEO:
                out.append(f"{e['id']}: ubigeo {code} does not exist")
            if "actor" in e:
                out.append(f"{e['id']}: places have no actor")
        elif not e.get("actor"):
            out.append(f"{e['id']}: actor slug missing")
    for i, inc in enumerate(doc["incidents"]):
        if inc["type"] not in INCIDENTS:
            out.append(f"incident {i}: type {inc['type']}")
        date, prec = inc.get("date"), inc.get("date_precision")
        if date is None:
            if prec not in (None, "unknown"):
                out.append(f"incident {i}: precision without date")
        elif PRECISION.get(prec) != len(date):
            out.append(f"incident {i}: date {date} does not fit precision {prec}")
        refs = [inc.get("place")] if inc.get("place") else []
        for ref in refs + inc["perpetrators"] + inc["victims"] + inc.get("witnesses", []):
            if ref not in ids:
                out.append(f"incident {i}: unknown entity {ref}")
    for r in doc.get("relations", []):
        for ref in (r["source"], r["target"]):
            if ref not in ids:
                out.append(f"relation: unknown entity {ref}")
    for d in doc.get("disputes", []):
        if d["driver"] not in DRIVERS:
            out.append(f"dispute driver {d['driver']}")
        for ref in d["parties"]:
            if ref not in ids:
                out.append(f"dispute: unknown entity {ref}")
    return out


def main() -> int:
    paths = [Path(p) for p in sys.argv[1:]] or sorted(HERE.glob("*/*.json"))
    bad = 0
    for path in paths:
        try:
            found = problems(path)
        except (KeyError, ValueError, TypeError) as exc:
            found = [f"malformed: {exc!r}"]
        for p in found:
            print(f"{path.name}: {p}")
        bad += bool(found)
    print(f"{len(paths)} files, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
