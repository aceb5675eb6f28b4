"""The prosecutor's case dossier (expediente): one self-contained HTML file.

For a case (carpeta fiscal): its incidents in order (a timeline), the actors of each
(perpetrators, victims, witnesses; apart from them, and never as authors, the actors a
report names without attributing the act to them, pending review) and the actors the
case accuses, every relationship
with its evidence (the quote and the complaint it comes from), a drawing of the case
graph, and an appendix with every source complaint's SHA-256, received date and channel,
so the chain of custody can be checked against the originals. Read through the same
statements as the API, for the given viewer (a prosecutor's: names and quotes in full).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.access.policy import Viewer
from graph.documents.drawing import graph_svg
from graph.documents.page import Doc
from graph.errors import ConfigError, NotFound
from graph.model import ALL_ROLES, ROLE_TYPES, SUSPECT_ROLE, Rel
from graph.reads import Edge, LinkSpec, links, nodes_by_ids
from graph.store.bolt import Store
from graph.store.repository import NodeView

ROLE_WORDS = {
    ROLE_TYPES["perpetrator"]: "presunto autor",
    ROLE_TYPES["victim"]: "víctima",
    ROLE_TYPES["witness"]: "testigo",
}
SUSPECT_WORDS = (
    "Mencionados sin atribución — pendiente de revisión (no es imputación) / "
    "Named without attribution — pending review (not an accusation)"
)
MAX = 500


@dataclass
class Dossier:
    case: NodeView
    incidents: list[NodeView] = field(default_factory=list)
    nodes: dict[str, NodeView] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    complaints: dict[str, NodeView] = field(default_factory=dict)


def _name(v: NodeView) -> str:
    p = v.props
    if v.kind == "Incident":
        return f"{p.get('type')} {p.get('date') or ''}".strip()
    return str(p.get("name") or p.get("file_number") or v.id)


def gather(store: Store, case_id: str, viewer: Viewer) -> Dossier:
    found = nodes_by_ids(store, [case_id], viewer=viewer).get(case_id)
    if found is None or found.kind != "Case":
        raise NotFound(f"no case {case_id}")
    d = Dossier(found)
    d.nodes[case_id] = found

    def follow(spec: LinkSpec, ids: list[str], keep: Callable[[Edge], bool] = bool) -> None:
        for page in links(store, spec, ids, MAX, viewer=viewer).values():
            for link in page.items:
                if not keep(link.edge):
                    continue
                d.nodes[link.node.id] = link.node
                d.edges.append(link.edge)
                if spec.other == "Incident" and link.node not in d.incidents:
                    d.incidents.append(link.node)

    follow(LinkSpec("Case", (Rel.INVESTIGATES,), True, "Incident", "date"), [case_id])
    follow(LinkSpec("Case", (Rel.ACCUSES,), True, "Actor"), [case_id])
    ids = [i.id for i in d.incidents]
    if ids:
        follow(LinkSpec("Incident", ALL_ROLES, False, "Actor"), ids)
        # suspects a reviewer rejected, or who are authors of the act already, stay out
        authors = {(e.start, e.end) for e in d.edges if e.type == Rel.PERPETRATOR_OF}
        follow(
            LinkSpec("Incident", (SUSPECT_ROLE,), False, "Actor"),
            ids,
            lambda e: e.props.get("review") != "rejected" and (e.start, e.end) not in authors,
        )
        follow(LinkSpec("Incident", (Rel.OCCURRED_IN,), True, "Place"), ids)
        follow(LinkSpec("Incident", (Rel.REPORTS,), False, "Complaint", "received"), ids)
    d.incidents.sort(key=lambda i: (str(i.props.get("date") or ""), i.id))
    sources = {s for e in d.edges for s in e.props.get("sources") or []}
    sources |= {i for i, v in d.nodes.items() if v.kind == "Complaint"}
    d.complaints = nodes_by_ids(store, sorted(sources), viewer=viewer)
    return d


def _evidence(doc: Doc, edge: Edge) -> None:
    p = edge.props
    rows = zip(p.get("evidence_keys") or [], p.get("quotes") or [], strict=False)
    for key, quote in rows:
        doc.quote(str(quote))
        doc.p(f"Denuncia {str(key).rsplit(':', 2)[0]} · {p.get('review') or 'extracted'} · "
              f"confianza {p.get('confidence')}", small=True)  # fmt: skip


def render(d: Dossier) -> Doc:
    c = d.case.props
    doc = Doc(f"Expediente — carpeta fiscal {c.get('file_number')}")
    doc.p(f"Fiscalía: {c.get('office') or '—'} · estado: {c.get('status')} · "
          f"abierta: {c.get('opened_at') or '—'} · id {d.case.id}")  # fmt: skip
    doc.h(2, "Línea de tiempo / Timeline")
    doc.table(
        ["Fecha", "Hecho", "Lugar", "Id"],
        [
            [i.props.get("date") or "—", i.props.get("type"), _places(d, i.id), i.id]
            for i in d.incidents
        ],
    )
    doc.h(2, "Grafo del caso / Case graph")
    # the drawing shows the facts; a suspicion pending review is only listed, in words
    shown = [e for e in d.edges if e.type != SUSPECT_ROLE]
    joined = (
        {d.case.id} | {i.id for i in d.incidents} | {x for e in shown for x in (e.start, e.end)}
    )
    drawn = {
        i: (_name(v), v.kind) for i, v in d.nodes.items() if v.kind != "Complaint" and i in joined
    }
    drawn_edges = [(e.start, e.end, e.type.lower()) for e in shown]
    doc.picture("case-graph.svg", graph_svg(drawn, drawn_edges, title="case graph"), "case graph")
    doc.h(2, "Hechos y evidencia / Incidents and evidence")
    for incident in d.incidents:
        doc.h(3, f"{_name(incident)} ({incident.id})")
        if incident.props.get("summary"):
            doc.p(str(incident.props["summary"]))
        for e in d.edges:
            if e.end == incident.id and e.type in ROLE_WORDS:
                doc.h(4, f"{_name(d.nodes[e.start])} — {ROLE_WORDS[e.type]} ({e.type})")
                _evidence(doc, e)
        named = suspects(d, incident.id)
        if named:
            doc.h(4, SUSPECT_WORDS)
            for e in named:
                doc.p(f"{_name(d.nodes[e.start])} — mencionado, sin atribución ({e.type})")
                _evidence(doc, e)
    accused = [e for e in d.edges if e.type == Rel.ACCUSES]
    if accused:
        doc.h(2, "Imputados / Accused")
        doc.ul([f"{_name(d.nodes[e.end])} ({e.end})" for e in accused])
    doc.h(2, "Anexo: cadena de custodia / Appendix: chain of custody")
    doc.p("SHA-256 del texto de cada denuncia fuente, tal como se recibió. / SHA-256 of "
          "each source complaint's text as received.")  # fmt: skip
    doc.table(
        ["Denuncia", "Recibida", "Canal", "Confidencialidad", "SHA-256"],
        [
            [
                v.id,
                v.props.get("received_at"),
                v.props.get("channel") or "—",
                v.props.get("confidentiality"),
                v.props.get("sha256"),
            ]
            for v in sorted(d.complaints.values(), key=lambda v: v.id)
        ],
    )
    return doc


def suspects(d: Dossier, incident_id: str) -> list[Edge]:
    """The actors an incident's reports name without attributing it to them (``gather``
    leaves out those a reviewer rejected and those who are its perpetrators already)."""
    return [e for e in d.edges if e.end == incident_id and e.type == SUSPECT_ROLE]


def _places(d: Dossier, incident_id: str) -> str:
    names = [
        _name(d.nodes[e.end])
        for e in d.edges
        if e.type == Rel.OCCURRED_IN and e.start == incident_id and e.end in d.nodes
    ]
    return ", ".join(names) or "—"


def pdf(html: str) -> bytes:
    """The dossier's HTML as PDF (WeasyPrint, which needs the Pango library)."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except (ImportError, OSError):
        raise ConfigError(
            "PDF output needs WeasyPrint and the Pango library (apt-get install "
            "libpango-1.0-0); the HTML dossier does not"
        ) from None
    data: bytes = HTML(string=html).write_pdf()
    return data


def write(d: Dossier, out: Path, pdf_out: Path | None = None) -> None:
    """Write the dossier as one HTML file, and as PDF too when ``pdf_out`` is given."""
    page = render(d).html()
    out.write_text(page, encoding="utf-8")
    if pdf_out is not None:
        pdf_out.write_bytes(pdf(page))
