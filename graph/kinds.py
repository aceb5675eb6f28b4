"""How the domain model is declared: the kinds of node and relationship, the properties
they may carry, and the model that holds them and checks every word and value against them.

The declarations themselves (``MODEL`` and its vocabularies) are in ``graph.model``; this
module is the machinery they are written with.

Values are stored as plain Bolt types that both Neo4j 5 and ArcadeDB keep faithfully:
strings, integers, floats, booleans and lists of those. Instants are ISO-8601 UTC
strings (``2024-05-01T10:00:00Z``) and calendar dates ``YYYY-MM-DD`` strings, so they
sort and compare as text on either server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from graph.errors import ModelError


class PropType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATETIME = "datetime"  # ISO-8601 UTC string
    DATE = "date"  # YYYY-MM-DD, possibly YYYY-MM or YYYY with a precision property
    STRING_LIST = "string[]"
    INTEGER_LIST = "integer[]"
    FLOAT_LIST = "float[]"


_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_IDENT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Prop:
    """A property a node or relationship may carry."""

    name: str
    type: PropType = PropType.STRING
    required: bool = False
    choices: tuple[str, ...] = ()
    doc: str = ""

    def check(self, owner: str, value: Any) -> None:
        """Raise ``ModelError`` unless ``value`` fits this property."""
        where = f"{owner}.{self.name}"
        if value is None:
            if self.required:
                raise ModelError(f"{where} is required")
            return
        ok = _type_ok(self.type, value)
        if not ok:
            raise ModelError(f"{where} must be {self.type.value}, got {type(value).__name__}")
        if self.choices:
            values = value if isinstance(value, list) else [value]
            for item in values:
                if item not in self.choices:
                    allowed = ", ".join(self.choices)
                    raise ModelError(f"{where} must be one of {allowed}; got {item!r}")


def _type_ok(kind: PropType, value: Any) -> bool:
    if kind is PropType.STRING:
        return isinstance(value, str)
    if kind is PropType.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is PropType.FLOAT:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is PropType.BOOLEAN:
        return isinstance(value, bool)
    if kind is PropType.DATETIME:
        return isinstance(value, str) and bool(_DATETIME_RE.match(value))
    if kind is PropType.DATE:
        return isinstance(value, str) and bool(_DATE_RE.match(value))
    if kind is PropType.STRING_LIST:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is PropType.INTEGER_LIST:
        return isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        )
    if kind is PropType.FLOAT_LIST:
        return isinstance(value, list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
    raise AssertionError(kind)  # pragma: no cover - exhaustive over PropType


def _check_props(owner: str, declared: Mapping[str, Prop], props: Mapping[str, Any]) -> None:
    for name, value in props.items():
        prop = declared.get(name)
        if prop is None:
            raise ModelError(f"property {name!r} is not declared on {owner}")
        prop.check(owner, value)


@dataclass(frozen=True)
class NodeKind:
    """A kind of node: its labels, its id prefix and the properties it may carry.

    ``labels`` lists every label the node carries, the interface first
    (``("Actor", "Person")``); ``key_label`` is the label whose ``id`` is unique.
    ``text_indexed`` are the folded names that search looks into: a full-text index
    where the store has them (Neo4j), a scan with ``CONTAINS`` elsewhere.
    """

    name: str
    labels: tuple[str, ...]
    id_prefix: str
    props: tuple[Prop, ...]
    indexed: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    text_indexed: tuple[str, ...] = ()
    internal: bool = False
    doc: str = ""
    _by_name: dict[str, Prop] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {"id": Prop("id", required=True, doc="Stable identifier.")}
        by_name.update({p.name: p for p in self.props})
        object.__setattr__(self, "_by_name", by_name)

    @property
    def key_label(self) -> str:
        return self.labels[0]

    @property
    def properties(self) -> Mapping[str, Prop]:
        return self._by_name

    def prop(self, name: str) -> Prop:
        try:
            return self._by_name[name]
        except KeyError:
            raise ModelError(f"property {name!r} is not declared on {self.name}") from None

    def check(self, props: Mapping[str, Any], *, partial: bool = False) -> None:
        """Validate ``props`` (``id`` excluded); ``partial`` skips required checks."""
        _check_props(self.name, self._by_name, props)
        if not partial:
            for prop in self.props:
                if prop.required and props.get(prop.name) is None:
                    raise ModelError(f"{self.name}.{prop.name} is required")


@dataclass(frozen=True)
class RelKind:
    """A relationship type with the (start, end) node groups it may join.

    A group is a node kind name or an interface label such as ``Actor``.
    Every edge carries ``stamps`` (when it was written); a ``fact`` also carries
    ``provenance`` (the evidence that supports it). The model declares both sets once
    (``graph.model.TIMESTAMPS``, ``graph.model.PROVENANCE``) and gives them to each type.

    ``anchor`` is the end that usually has the fewer edges of this type (an incident has
    a few perpetrators; a perpetrator may have hundreds of incidents). Statements that
    look for one edge between two known nodes are written from that end: ArcadeDB walks
    the edge list of the node a pattern starts from, so a ``MERGE`` written from a hub
    costs in proportion to the hub's edges (Neo4j chooses the side itself).

    ``confirms_as`` makes the type *tentative*: a weaker, pending form of that other type
    (``SUSPECTED_OF`` of ``PERPETRATOR_OF``). Nothing counts a tentative fact as the other
    (patterns, risk, alerts, exports, default walks); a reviewer's confirmation turns it
    into the other type (``graph.curation.review.review_fact``).
    """

    type: str
    endpoints: tuple[tuple[str, str], ...]
    props: tuple[Prop, ...] = ()
    fact: bool = True
    doc: str = ""
    anchor: Literal["start", "end"] = "start"
    confirms_as: str | None = None
    provenance: tuple[Prop, ...] = field(default=(), repr=False)
    stamps: tuple[Prop, ...] = field(default=(), repr=False)
    _by_name: dict[str, Prop] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {"id": Prop("id", required=True, doc="Stable identifier of the edge.")}
        by_name.update({p.name: p for p in self.props})
        if self.fact:
            by_name.update({p.name: p for p in self.provenance})
        by_name.update({p.name: p for p in self.stamps})
        object.__setattr__(self, "_by_name", by_name)

    @property
    def properties(self) -> Mapping[str, Prop]:
        return self._by_name

    @property
    def tentative(self) -> bool:
        """A weaker, pending form of another type (see ``confirms_as``)."""
        return self.confirms_as is not None

    def check(self, props: Mapping[str, Any]) -> None:
        _check_props(self.type, self._by_name, props)


@dataclass(frozen=True)
class Model:
    nodes: tuple[NodeKind, ...]
    relationships: tuple[RelKind, ...]
    interfaces: tuple[str, ...] = ("Actor",)
    _nodes: dict[str, NodeKind] = field(init=False, repr=False, compare=False)
    _rels: dict[str, RelKind] = field(init=False, repr=False, compare=False)
    _prefixes: dict[str, NodeKind] = field(init=False, repr=False, compare=False)
    _joins: frozenset[tuple[str, str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nodes = {n.name: n for n in self.nodes}
        rels = {r.type: r for r in self.relationships}
        prefixes = {n.id_prefix: n for n in self.nodes}
        if len(nodes) != len(self.nodes) or len(rels) != len(self.relationships):
            raise ModelError("duplicate kind in the model")
        if len(prefixes) != len(self.nodes):
            raise ModelError("duplicate id prefix in the model")
        groups = set(nodes) | set(self.interfaces)
        for rel in self.relationships:
            for start, end in rel.endpoints:
                if start not in groups or end not in groups:
                    raise ModelError(f"{rel.type} joins an undeclared kind: {start}->{end}")
        for rel in self.relationships:
            if rel.confirms_as is None:
                continue
            stronger = rels.get(rel.confirms_as)
            if stronger is None or not rel.fact or stronger.tentative:
                raise ModelError(f"{rel.type} confirms as {rel.confirms_as}: not a firm fact")
            if stronger.endpoints != rel.endpoints or stronger.anchor != rel.anchor:
                raise ModelError(f"{rel.type} and {rel.confirms_as} must join the same kinds")
        for word in [*nodes, *rels, *self.interfaces]:
            if not _IDENT_RE.match(word):
                raise ModelError(f"{word!r} is not a safe identifier")
        object.__setattr__(self, "_nodes", nodes)
        object.__setattr__(self, "_rels", rels)
        object.__setattr__(self, "_prefixes", prefixes)
        joins = {
            (rel.type, a.name, b.name)
            for rel in self.relationships
            for s_group, e_group in rel.endpoints
            for a in self.nodes
            for b in self.nodes
            if self.in_group(a, s_group) and self.in_group(b, e_group)
        }
        object.__setattr__(self, "_joins", frozenset(joins))

    def node(self, name: str) -> NodeKind:
        try:
            return self._nodes[name]
        except KeyError:
            raise ModelError(f"{name!r} is not a node kind of the model") from None

    def relationship(self, rel_type: str) -> RelKind:
        try:
            return self._rels[rel_type]
        except KeyError:
            raise ModelError(f"{rel_type!r} is not a relationship type of the model") from None

    def kind_of_id(self, node_id: str) -> NodeKind:
        """The kind a stable id belongs to, from its prefix (``per_…`` is a Person)."""
        prefix, sep, _ = node_id.partition("_")
        kind = self._prefixes.get(prefix) if sep else None
        if kind is None:
            raise ModelError(f"{node_id!r} is not an id of any kind in the model")
        return kind

    def group_label(self, group: str) -> str:
        """The label to match for an endpoint group (an interface or a kind)."""
        if group in self.interfaces:
            return group
        return self.node(group).key_label

    def in_group(self, kind: NodeKind, group: str) -> bool:
        return group == kind.name or group in kind.labels

    def check_endpoints(self, rel: RelKind, start: NodeKind, end: NodeKind) -> None:
        if (rel.type, start.name, end.name) not in self._joins:
            raise ModelError(f"{rel.type} may not join {start.name} to {end.name}")

    def tentative(self) -> tuple[str, ...]:
        """The tentative relationship types: counted by nothing until confirmed."""
        return tuple(r.type for r in self.relationships if r.tentative)

    def labels(self) -> Iterable[str]:
        seen: dict[str, None] = {}
        for kind in self.nodes:
            for label in kind.labels:
                seen.setdefault(label, None)
        return list(seen)
