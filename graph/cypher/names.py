"""The statements of redaction (``graph.access.names``, ``graph.reads``): complaint texts,
the persons texts name, and the nodes whose names a viewer sees redacted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graph.access.policy import Viewer
from graph.cypher.labels import checked_label, where_clause
from graph.cypher.visibility import projection, pseudonymised, visible_nodes
from graph.errors import ModelError
from graph.model import MODEL, Rel


def complaint_texts(viewer: Viewer) -> str:
    """The texts of complaints ``viewer`` may see; a sealed one's is null unless the
    viewer may read sealed texts."""
    text = (
        "c.text"
        if viewer.sealed_text
        else "CASE WHEN c.confidentiality = 'sealed' THEN null ELSE c.text END"
    )
    return (
        "UNWIND $ids AS id MATCH (c:Complaint {id: id})"
        f"{where_clause(visible_nodes(viewer, 'c'))} "
        f"RETURN c.id AS id, {text} AS text"
    )


def complaint_persons(viewer: Viewer) -> str:
    """For each complaint ``viewer`` may see: its confidentiality, and the persons it
    names that the viewer sees under pseudonyms, with their mention spans (redaction)."""
    hidden = pseudonymised(viewer, "p") or "false"
    return (
        "UNWIND $ids AS id MATCH (c:Complaint {id: id})"
        f"{where_clause(visible_nodes(viewer, 'c'))} "
        f"OPTIONAL MATCH (c)-[m:{Rel.MENTIONS}]->(p:Person) WHERE {hidden} "
        "WITH c, collect({no: p.pseudonym_no, name: p.name, aliases: p.aliases, "
        "starts: m.starts, ends: m.ends}) AS persons "
        "RETURN c.id AS id, c.confidentiality AS confidentiality, persons"
    )


def incident_sources(viewer: Viewer) -> str:
    """For each incident: the confidentiality of every complaint that reports it (the
    summary is a sentence of one of them), and the persons those complaints name that
    ``viewer`` sees under pseudonyms."""
    hidden = pseudonymised(viewer, "p") or "false"
    return (
        "UNWIND $ids AS id MATCH (i:Incident {id: id}) "
        f"OPTIONAL MATCH (i)<-[:{Rel.REPORTS}]-(c:Complaint) "
        f"OPTIONAL MATCH (c)-[:{Rel.MENTIONS}]->(p:Person) WHERE {hidden} "
        "WITH id, collect(c.confidentiality) AS confidentiality, "
        "collect({no: p.pseudonym_no, name: p.name, aliases: p.aliases}) AS persons "
        "RETURN id, confidentiality, persons"
    )


# Every person (or every protected one), for redaction (graph.access.names).
PROTECTED_PERSONS = (
    "MATCH (p:Person) WHERE p.protected = true "
    "RETURN p.pseudonym_no AS no, p.name AS name, p.aliases AS aliases"
)
ALL_PERSONS = "MATCH (p:Person) RETURN p.pseudonym_no AS no, p.name AS name, p.aliases AS aliases"
PERSONS_FINGERPRINT = "MATCH (p:Person) RETURN count(p) AS persons, max(p.updated_at) AS last"


def names_fingerprints(screened: Mapping[str, Sequence[str]]) -> list[str]:
    """What tells whether persons, or the nodes of the ``screened`` kinds, changed: a
    count and a last update per kind (``graph.access.names`` rebuilds when one moves)."""
    out = []
    for kind in ("Person", *screened):
        label = checked_label(MODEL.node(kind).labels[-1])
        out.append(f"MATCH (n:{label}) RETURN count(n) AS count, max(n.updated_at) AS last")
    return out


def screened_labels(screened: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The screened kinds by the label that holds them alone (``Organization``, not the
    ``Actor`` interface, which persons share)."""
    out: dict[str, list[str]] = {}
    for kind in screened:
        out.setdefault(MODEL.node(kind).labels[-1], []).append(kind)
    return out


def screened_nodes(label: str, kinds: Sequence[str]) -> str:
    """Every node of ``label`` with its kind and properties (complaint texts aside), for
    ``graph.access.names`` to redact; the gazetteer's places (with a UBIGEO code) are public."""
    found = [k for k in MODEL.nodes if k.name in kinds]
    if not found:
        raise ModelError(f"no kind of {kinds!r} to screen")
    kind = found[0].name
    where = " WHERE n.ubigeo IS NULL" if kind == "Place" else ""
    return (
        f"MATCH (n:{checked_label(label)}){where} "
        f"RETURN '{kind}' AS kind, labels(n) AS labels, {projection(found, 'n')} AS props"
    )
