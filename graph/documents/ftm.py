"""An export (``graph.documents.export``) as FollowTheMoney entities, for Aleph and OpenSanctions'
tools: persons, organisations (companies and state bodies by kind), communities, places
(``Address``), incidents (``Event``: organiser the perpetrators, involved everyone in
it), prosecutors' cases (``CourtCase``), memberships and employments, and every other
fact as an ``UnknownLink``. Each entity's ``proof`` names the complaints (``Document``)
the viewer may see that support it, and ``sourceUrl`` points at them when a base URL is
given. Entities are built and cleaned by the ``followthemoney`` model itself, so what
it cannot accept raises here rather than in the user's tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from graph.documents.exported import Export, edge_props, node_props
from graph.model import ACTOR_KINDS, ROLE_TYPES, Rel
from graph.store.repository import NodeView

ORG_SCHEMA = {"company": "Company", "state_agency": "PublicBody", "police": "PublicBody",
              "military": "PublicBody", "prosecutor_office": "PublicBody"}  # fmt: skip
NODE_SCHEMA = {
    "Person": "Person",
    "Community": "Organization",
    "Place": "Address",
    "Incident": "Event",
    "Case": "CourtCase",
    "Complaint": "Document",
    "LandDispute": "Note",
    "ProtectionMeasure": "Note",
}
ROLE_PROPS = {
    ROLE_TYPES["perpetrator"]: ("organizer", "involved"),
    ROLE_TYPES["victim"]: ("involved",),
    ROLE_TYPES["witness"]: ("involved",),
}


def _id(node_id: str) -> str:
    """An FtM id (letters, digits, dots and dashes): ``per_ab12`` → ``defensores-per-ab12``."""
    return f"defensores-{node_id.replace('_', '-')}"


def _schema(view: NodeView) -> str:
    if view.kind == "Organization":
        return ORG_SCHEMA.get(str(view.props.get("kind")), "Organization")
    return NODE_SCHEMA[view.kind]


def _name(view: NodeView) -> str:
    p = view.props
    if view.kind == "Complaint":
        return f"Denuncia {view.id}"
    if view.kind == "ProtectionMeasure":
        return f"Medida de protección: {p.get('kind')} ({p.get('status')})"
    return str(p.get("name") or p.get("file_number") or view.id)


def _proof(entity: EntityProxy, sources: list[str], base: str | None) -> None:
    for cid in sources:
        entity.add("proof", _id(cid))
        if base:
            entity.add("sourceUrl", f"{base.rstrip('/')}/{cid}")


def entities(export: Export, source_base: str | None = None) -> Iterator[dict[str, Any]]:
    """Every node and fact of ``export`` as FtM entity dicts."""
    made: dict[str, EntityProxy] = {}
    for node_id, view in export.nodes.items():
        e = model.make_entity(_schema(view))
        e.id = _id(node_id)
        props = node_props(export, view)
        if e.schema.is_a("Document"):
            e.add("title", _name(view))
            e.add("date", str(props.get("received_at", ""))[:10])
        else:
            e.add("name", _name(view))
        if view.kind in ACTOR_KINDS:
            e.add("alias", props.get("aliases") or [])
            e.add("country", "pe")
        if view.kind == "Incident":
            e.add("date", props.get("date"))
            e.add("description", props.get("type"))
            e.add("summary", props.get("summary"))
        if view.kind == "Place":
            e.add("full", _name(view))
            e.add("country", "pe")
        if view.kind == "Case":
            e.add("caseNumber", props.get("file_number"))
            e.add("court", props.get("office"))
        made[node_id] = e
    for edge in export.edges:
        props = edge_props(export, edge)
        sources = list(props.get("sources") or [])
        start, end = made[edge.start], made[edge.end]
        if edge.type in ROLE_PROPS and end.schema.is_a("Event"):
            for prop in ROLE_PROPS[edge.type]:
                end.add(prop, start.id)
            _proof(end, sources, source_base)
            continue
        if edge.type == Rel.OCCURRED_IN and start.schema.is_a("Event"):
            start.add("location", _name(export.nodes[edge.end]))
            start.add("addressEntity", end.id)
            continue
        link = model.make_entity(_link_schema(edge.type, start, end))
        link.make_id(edge.type, edge.start, edge.end)
        if link.schema.name == "Membership":
            link.add("member", start.id)
            link.add("organization", end.id)
        elif link.schema.name == "Employment":
            link.add("employee", start.id)
            link.add("employer", end.id)
        else:
            link.add("subject", start.id)
            link.add("object", end.id)
        link.add("role", props.get("role") or edge.type.lower())
        _proof(link, sources, source_base)
        made[f"{edge.type}:{edge.start}:{edge.end}"] = link
    for e in made.values():
        yield e.to_dict()


def _link_schema(rel_type: str, start: EntityProxy, end: EntityProxy) -> str:
    if rel_type == Rel.MEMBER_OF and end.schema.is_a("Organization"):
        return "Membership"
    if (
        rel_type == Rel.WORKS_FOR
        and start.schema.is_a("Person")
        and end.schema.is_a("Organization")
    ):
        return "Employment"
    return "UnknownLink"
