"""The trainers' pack: pseudonymised case studies, pattern statistics and a glossary.

Everything is read as a trainer's viewer (``graph.access.policy.TRAINER``): every person is
"Persona N", sealed complaints and what only they support are absent. Case studies are
built from the structure of the graph (who, what, where, when), not from the complaints'
words, so no sentence of a complaint can carry a name into teaching material; the names
of places, organisations and disputes that hold a person's name are redacted as the API
redacts them for trainers (``graph.access.names``). One case
study per land dispute (optionally within a region), each with a drawing of its graph;
the statistics come with bar charts; headings are in Spanish and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.access.names import redactor_for, screen
from graph.access.policy import TRAINER
from graph.access.redaction import Redactor
from graph.analysis import analytics
from graph.analysis.projections import facts_graph
from graph.cypher.filters import Criteria
from graph.documents.drawing import bars_svg, graph_svg
from graph.documents.page import Doc
from graph.errors import ModelError
from graph.model import ALL_ROLES, ROLE_TYPES, Rel
from graph.reads import LinkPage, LinkSpec, links, list_page
from graph.store.bolt import Store
from graph.store.repository import NodeView

ROLE_WORDS = {ROLE_TYPES["perpetrator"]: "autor presunto / alleged perpetrator",
              ROLE_TYPES["victim"]: "víctima / victim",
              ROLE_TYPES["witness"]: "testigo / witness"}  # fmt: skip
GLOSSARY = (
    ("alerta temprana", "early warning",
     "Aviso que activa el Mecanismo Intersectorial cuando una persona defensora corre riesgo."),
    ("medida de protección", "protection measure",
     "Protección que dicta la autoridad: patrullaje, botón de pánico, reubicación temporal…"),
    ("criminalización", "criminalisation",
     "Uso del sistema penal para perseguir a quien defiende derechos (denuncias falsas, "
     "procesos por protesta)."),
    ("estigmatización", "stigmatisation",
     "Discurso que presenta a una persona defensora como enemiga, delincuente o terrorista."),
    ("persona defensora de derechos humanos", "human rights defender",
     "Quien promueve o protege derechos, individual o colectivamente, de forma pacífica."),
    ("comunidad nativa", "native community",
     "Pueblo indígena amazónico reconocido con personería y territorio comunal."),
    ("comunidad campesina", "peasant community",
     "Organización comunal andina o costera con territorio y asamblea propios."),
    ("denuncia", "complaint", "Relato de un hecho presentado ante una institución."),
    ("fiscalía", "prosecutor's office", "Ministerio Público: investiga y acusa los delitos."),
    ("carpeta fiscal", "case file", "Expediente de la investigación fiscal."),
    ("tráfico de tierras", "land trafficking",
     "Apropiación ilegal de tierras para venderlas o explotarlas."),
    ("Persona N", "Person N",
     "Seudónimo: la misma persona siempre tiene el mismo número; nunca dos personas el mismo."),
)  # fmt: skip
STATS = (("incident_type", "Incidentes por tipo / Incidents by type"),
         ("region", "Incidentes por región / Incidents by region"),
         ("year", "Incidentes por año / Incidents by year"),
         ("victim_gender", "Víctimas por género / Victims by gender"),
         ("victim_people", "Víctimas por pueblo / Victims by people"))  # fmt: skip


@dataclass
class Pack:
    documents: dict[str, Doc]  # file stem → document

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for stem, doc in self.documents.items():
            for path, text in (
                (out / f"{stem}.md", doc.markdown()),
                (out / f"{stem}.html", doc.html()),
                *((out / name, svg) for name, svg in doc.pictures().items()),
            ):
                path.write_text(text, encoding="utf-8")
                written.append(path)
        return written


def _named(v: NodeView, redactor: Redactor | None = None) -> str:
    """How the pack names a node: a person by pseudonym (as read for trainers), any
    other name with persons' names redacted."""
    p = (v if redactor is None else screen(v, redactor)).props
    if v.kind == "Incident":
        return f"{p.get('type')} {p.get('date') or ''}".strip()
    return str(p.get("name") or v.id)


def _disputes(store: Store, region: str | None) -> list[NodeView]:
    criteria = Criteria(ubigeo=region) if region else None
    out: list[NodeView] = []
    after = None
    while True:
        page = list_page(store, "LandDispute", criteria, viewer=TRAINER, order="name",
                         first=100, after=after)  # fmt: skip
        out += page.items
        if not page.has_next:
            return out
        after = page.cursors[-1]


def case_study(
    store: Store, dispute: NodeView, number: int, redactor: Redactor | None = None
) -> Doc:
    viewer = TRAINER
    names = redactor_for(store, viewer) if redactor is None else redactor

    def named(v: NodeView) -> str:
        return _named(v, names)

    nodes: dict[str, NodeView] = {dispute.id: dispute}
    edges = []
    empty = LinkPage()
    parties = links(
        store, LinkSpec("LandDispute", (Rel.PARTY_TO,), False, "Actor"), [dispute.id], 200,
        viewer=viewer,
    ).get(dispute.id, empty)  # fmt: skip
    incidents = links(
        store, LinkSpec("LandDispute", (Rel.PART_OF,), False, "Incident", "date"), [dispute.id],
        200, viewer=viewer,
    ).get(dispute.id, empty)  # fmt: skip
    incident_ids = [link.node.id for link in incidents.items]
    roles: dict[str, LinkPage] = {}
    places: dict[str, LinkPage] = {}
    if incident_ids:
        roles = links(
            store, LinkSpec("Incident", ALL_ROLES, False, "Actor"), incident_ids, 200,
            viewer=viewer,
        )  # fmt: skip
        places = links(
            store, LinkSpec("Incident", (Rel.OCCURRED_IN,), True, "Place"), incident_ids, 20,
            viewer=viewer,
        )  # fmt: skip
    for page in (parties, incidents, *roles.values(), *places.values()):
        for link in page.items:
            nodes[link.node.id] = link.node
            edges.append(link.edge)
    p = dispute.props
    doc = Doc(f"Caso de estudio {number} / Case study {number}: {named(dispute)}")
    doc.p(f"Motor del conflicto / Driver: {p.get('driver') or '—'} · "
          f"estado / status: {p.get('status') or '—'}")  # fmt: skip
    doc.h(2, "Partes / Parties")
    doc.ul([f"{named(link.node)} ({link.node.kind})" for link in parties.items])
    doc.h(2, "Hechos / Incidents")
    rows = []
    for i in sorted(incident_ids, key=lambda i: str(nodes[i].props.get("date"))):
        incident = nodes[i]
        who = [f"{named(x.node)}: {ROLE_WORDS[x.edge.type]}" for x in roles.get(i, empty).items]
        where = [named(x.node) for x in places.get(i, empty).items]
        rows.append([incident.props.get("date") or "—", incident.props.get("type"),
                     ", ".join(where) or "—", "; ".join(who) or "—"])  # fmt: skip
    doc.table(["Fecha / Date", "Hecho / Incident", "Lugar / Place", "Personas / People"], rows)
    doc.h(2, "Grafo / Graph")
    drawn = {i: (named(v), v.kind) for i, v in nodes.items()}
    picture = graph_svg(drawn, [(e.start, e.end, e.type.lower()) for e in edges],
                        title=named(dispute))  # fmt: skip
    doc.picture(f"caso-{number:02d}.svg", picture, f"graph of case study {number}")
    doc.h(2, "Preguntas para el taller / Workshop questions")
    doc.ul([
        "¿Qué patrón de agresiones se repite? / What pattern of attacks repeats?",
        "¿Qué medidas de protección correspondían y cuándo? / Which protection measures "
        "applied, and when?",
        "¿Qué señales de alerta temprana había? / Which early-warning signs were there?",
    ])  # fmt: skip
    return doc


def statistics(store: Store) -> Doc:
    facts = facts_graph(store, TRAINER)
    doc = Doc("Patrones / Patterns")
    doc.p("Conteos sobre lo que el rol de formación puede ver (sin denuncias reservadas). / "
          "Counts over what the trainer role may see (no sealed complaints).")  # fmt: skip
    for key, title in STATS:
        rows = [(str(r["key"] or "—"), int(r["count"])) for r in analytics.stats(facts, key)]
        doc.h(2, title)
        doc.table(["Grupo / Group", "Incidentes / Incidents"], rows)
        doc.picture(f"stats-{key}.svg", bars_svg(rows[:20], title=title), title)
    return doc


def glossary() -> Doc:
    doc = Doc("Glosario / Glossary")
    doc.table(["Término", "Term", "Definición"], [list(g) for g in GLOSSARY])
    return doc


def build(store: Store, region: str | None = None) -> Pack:
    if region is not None and not (region.isdigit() and len(region) in (2, 4, 6)):
        raise ModelError(f"region must be a UBIGEO prefix of 2, 4 or 6 digits; got {region!r}")
    disputes = _disputes(store, region)
    redactor = redactor_for(store, TRAINER)
    docs: dict[str, Doc] = {}
    for n, dispute in enumerate(disputes, 1):
        docs[f"caso-{n:02d}"] = case_study(store, dispute, n, redactor)
    docs["patrones"] = statistics(store)
    docs["glosario"] = glossary()
    index = Doc("Material de formación / Training pack")
    index.p("Casos seudonimizados: cada persona aparece como «Persona N». / Pseudonymised "
            "cases: every person appears as “Persona N”.")  # fmt: skip
    index.ul([f"{stem}.html — {doc.title}" for stem, doc in docs.items()])
    docs = {"index": index, **docs}
    return Pack(docs)
