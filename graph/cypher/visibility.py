"""What a viewer may see, as Cypher conditions (``graph.access.policy``).

Every statement that serves a viewer takes it and builds these conditions in: a sealed
complaint, a fact only sealed complaints support and a node only sealed complaints name
are never matched for a viewer who may not see sealed complaints, and a pseudonymised
person's name and aliases never leave the store for one who sees the person as
"Persona N". ``Screen`` holds the nodes whose names a viewer sees redacted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from graph.access.policy import FULL, Pseudonyms, Viewer
from graph.access.pseudonyms import WORD
from graph.errors import ModelError
from graph.kinds import NodeKind
from graph.model import MODEL, Rel
from graph.store.repository import NodeView
from nlp.text import fold

TEXT_PROPS = frozenset({"text"})  # never sent with lists: complaint texts can be 200 kB
SCREEN_KEYS = "$screen_keys"  # the parameter holding ``Screen.keys``


def pseudonymised(v: Viewer, var: str) -> str | None:
    """Whether ``var`` is a person ``v`` sees under a pseudonym (None: no one is)."""
    if v.pseudonyms is Pseudonyms.NONE:
        return None
    if v.pseudonyms is Pseudonyms.ALL:
        return f"{var}:Person"
    return f"({var}:Person AND coalesce({var}.protected, false))"


def _open_source(var: str) -> str:
    return (
        f"EXISTS {{ MATCH ({var}_src:Complaint {{id: {var}_s}}) "
        f"WHERE {var}_src.confidentiality <> 'sealed' }}"
    )


def visible_nodes(v: Viewer, *names: str) -> list[str]:
    """Conditions for nodes bound to ``names`` to exist for ``v``."""
    if v.sealed_visible:
        return []
    out = []
    for n in names:
        said = f"({n})<-[:{Rel.MENTIONS}|{Rel.REPORTS}]-({n}_by:Complaint)"
        out.append(
            f"(coalesce({n}.confidentiality, '') <> 'sealed' AND "
            f"(NOT EXISTS {{ MATCH {said} WHERE {n}_by.confidentiality = 'sealed' }} OR "
            f"EXISTS {{ MATCH {said} WHERE {n}_by.confidentiality <> 'sealed' }}))"
        )
    return out


def visible_edges(v: Viewer, *names: str) -> list[str]:
    """Conditions for edges bound to ``names`` to exist for ``v``: a fact with sources
    needs one that is not sealed (facts made by reviewers have none)."""
    if v.sealed_visible:
        return []
    return [
        f"(size(coalesce({r}.sources, [])) = 0 OR "
        f"any({r}_s IN {r}.sources WHERE {_open_source(r)}))"
        for r in names
    ]


def visible(v: Viewer, nodes: Sequence[str] = (), edges: Sequence[str] = ()) -> list[str]:
    return visible_nodes(v, *nodes) + visible_edges(v, *edges)


def pseudonym_expr(var: str) -> str:
    return f"'{WORD} ' + toString({var}.pseudonym_no)"


def sort_name(v: Viewer, var: str, keys: str | None = None) -> str:
    """The name sort key: a pseudonymised person sorts by pseudonym, not by name; a node
    whose name the viewer sees redacted, by the redacted name (``keys``: the parameter
    holding ``Screen.keys``)."""
    name = f"{var}.name_norm" if keys is None else f"coalesce({keys}[{var}.id], {var}.name_norm)"
    p = pseudonymised(v, var)
    if p is None:
        return name
    padded = f"right('0000000000' + toString({var}.pseudonym_no), 10)"
    return f"CASE WHEN {p} THEN '{WORD.lower()} ' + {padded} ELSE {name} END"


@dataclass(frozen=True)
class Screen:
    """The nodes a viewer sees with persons' names redacted from their own names and
    other shown values (built by ``graph.access.names``), as the viewer sees them.

    Filters match these nodes, sorts order them and search scores them by the values
    shown, never by the stored ones: a name behind a pseudonym finds nothing. Empty for
    viewers who see every name, and when no name is redacted anywhere."""

    views: Mapping[str, NodeView] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.views)

    def ids(self, label: str | None = None) -> list[str]:
        """The screened nodes (those of ``label``)."""
        return sorted(i for i, v in self.views.items() if label is None or label in v.labels)

    def values(self, view: NodeView, prop: str) -> list[str]:
        """What a filter on ``prop`` compares, as ``Criteria`` holds it: names and
        aliases folded, other values lower-cased."""
        p = view.props
        if prop == "name":
            return [fold(str(x)) for x in [p.get("name"), *(p.get("aliases") or [])] if x]
        value = p.get(prop)
        return [str(value).lower()] if value else []

    def hits(self, prop: str, text: str, label: str) -> dict[str, bool]:
        """The screened nodes of ``label`` whose shown ``prop`` holds ``text`` (a map:
        statements look ids up in it, whatever its size)."""
        return {
            i: True
            for i, v in self.views.items()
            if label in v.labels and any(text in x for x in self.values(v, prop))
        }

    def of(self, label: str) -> dict[str, bool]:
        """The screened nodes of ``label``, as a map for statements to look ids up in."""
        return {i: True for i, v in self.views.items() if label in v.labels}

    def keys_of(self, label: str) -> dict[str, str]:
        """``keys`` of the screened nodes of ``label``."""
        return {i: k for i, k in self.keys.items() if label in self.views[i].labels}

    @cached_property
    def keys(self) -> dict[str, str]:
        """Each screened node's sort key, as shown: the folded name, else the file number
        or the kind (what ``page`` and ``links`` sort by)."""
        out = {}
        for i, v in self.views.items():
            p = v.props
            key = fold(str(p["name"])) if p.get("name") else p.get("file_number") or p.get("kind")
            if key:
                out[i] = str(key)
        return out


# A pseudonymised person's properties that name them, and what replaces each.
_IDENTIFYING: dict[str, Callable[[str], str]] = {
    "name": lambda var: pseudonym_expr(var),
    "name_norm": lambda var: f"toLower({pseudonym_expr(var)})",
    "aliases": lambda var: "[]",
    "aliases_norm": lambda var: "[]",
}


def projection(kinds: Sequence[NodeKind], var: str = "n", viewer: Viewer = FULL) -> str:
    """``n {.id, .name, …}``: every model property of these kinds but complaint texts;
    a person ``viewer`` sees under a pseudonym gets it for name, no aliases."""
    names: dict[str, None] = {"id": None}
    for kind in kinds:
        for prop in kind.properties:
            if prop not in TEXT_PROPS:
                names.setdefault(prop, None)
    hidden = pseudonymised(viewer, var)
    persons = any(k.name == "Person" for k in kinds)

    def item(p: str) -> str:
        if hidden is None or not persons or p not in _IDENTIFYING:
            return f".{p}"
        return f"{p}: CASE WHEN {hidden} THEN {_IDENTIFYING[p](var)} ELSE {var}.{p} END"

    return f"{var} {{" + ", ".join(item(p) for p in names) + "}"


def kinds_of(group: str) -> list[NodeKind]:
    """The node kinds a label or interface stands for (``Actor`` → its three kinds)."""
    found = [k for k in MODEL.nodes if group in k.labels]
    if not found:
        raise ModelError(f"{group!r} is not a label of the model")
    return found
