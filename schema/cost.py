"""What an operation would cost, measured before it is validated or executed.

One pass over the document, in time linear in its size, gives for every operation:

- **cost**: the fields that would be resolved once fragments are expanded, each list
  multiplied by its size. A list's size is its page argument (``first``, ``top``,
  ``limit``: the value sent, else the schema's default, capped at the most any resolver
  accepts); the lists of a paged object (a connection's ``edges`` and ``nodes``, a
  graph's ``nodes`` and ``edges``) take the size of the page; any other list counts
  ``DEFAULT_LIST``. Every field is counted as written: an alias, a repeated field or a
  fragment spread twice counts twice (validation pays for each).
- **depth**: the deepest nesting of fields (introspection fields are not descended, as
  strawberry's depth limiter did), and
- **aliases**: the aliases once fragments are expanded.

Each fragment is measured once and its measure reused wherever it is spread (the cost
of a selection set is linear in the page size it inherits, so a fragment's measure is
two numbers), which is what makes nested spreads (``...F1 ...F1`` twenty levels deep)
cheap to measure though they expand to millions of fields. Fragments that spread
themselves are measured as if the cycle stopped there; validation refuses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableNode,
    get_named_type,
    is_abstract_type,
)

from graph.reads import MAX_LINKS

DEFAULT_LIST = 20  # a list without a page argument (aliases, histories, rows, …)
# The page arguments, and the most any resolver accepts for each (over it, the resolver
# refuses; the measure never counts more): first (links: graph.reads.MAX_LINKS),
# limit (neighbourhood), top (graph.analysis.facts.MAX_TOP).
PAGE_CAPS: Mapping[str, int] = {"first": MAX_LINKS, "limit": MAX_LINKS, "top": 1000}
NESTING_CUT = 64  # selection sets nested deeper are not measured: the depth limit refuses
# fields every type has, or the query root has, that are not among its fields
_META = {
    "__schema": SchemaMetaFieldDef,
    "__type": TypeMetaFieldDef,
    "__typename": TypeNameMetaFieldDef,
}


@dataclass(frozen=True)
class Measure:
    """A selection set measured: its cost is ``fixed + per_page * page`` where ``page``
    is the page size it inherits (``DEFAULT_LIST`` when none); what ``__schema`` and
    ``__type`` would return is counted apart, in ``introspection``."""

    fixed: int = 0
    per_page: int = 0
    depth: int = 0
    aliases: int = 0
    introspection: int = 0

    def cost(self, page: int | None) -> int:
        return self.fixed + self.per_page * (DEFAULT_LIST if page is None else page)

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            self.fixed + other.fixed,
            self.per_page + other.per_page,
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.introspection + other.introspection,
        )


@dataclass(frozen=True)
class OperationMeasure:
    name: str | None
    cost: int  # the fields it would resolve, lists multiplied by their sizes
    depth: int
    aliases: int
    introspection: int  # the same as ``cost``, for what introspection would return


def _unwrap(type_: Any) -> tuple[bool, Any]:
    """(is a list, the named type) of a field's output type."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList), get_named_type(type_)


class _Measurer:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.introspection = _introspection_sizes(schema)
        self.done: dict[str, Measure] = {}

    def fragment(self, name: str) -> Measure:
        measure = self.done.get(name)
        return Measure() if measure is None else measure

    def measure_fragments(self) -> None:
        """Measure every fragment once, those it spreads first (an explicit stack, so a
        long chain of spreads does not exhaust Python's recursion)."""
        state: dict[str, int] = {}  # 1: being measured, 2: done
        for root in self.fragments:
            if state.get(root):
                continue
            stack: list[tuple[str, bool]] = [(root, False)]
            while stack:
                name, ready = stack.pop()
                if ready:
                    definition = self.fragments[name]
                    parent = self.schema.get_type(definition.type_condition.name.value)
                    self.done[name] = self.selection_set(definition.selection_set, parent, 0)
                    state[name] = 2
                    continue
                if state.get(name):
                    continue
                state[name] = 1
                stack.append((name, True))
                for spread in _spreads(self.fragments[name].selection_set):
                    if spread in self.fragments and not state.get(spread):
                        stack.append((spread, False))

    def selection_set(
        self, node: SelectionSetNode, parent: GraphQLNamedType | None, nesting: int
    ) -> Measure:
        total = Measure()
        if nesting > NESTING_CUT:
            return Measure(depth=NESTING_CUT)
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total = total + self.field(selection, parent, nesting)
            elif isinstance(selection, FragmentSpreadNode):
                total = total + self.fragment(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = parent if condition is None else self.schema.get_type(condition.name.value)
                total = total + self.selection_set(selection.selection_set, inner, nesting)
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, nesting: int) -> Measure:
        aliases = 1 if node.alias is not None else 0
        name = node.name.value
        definition: GraphQLField | None = _META.get(name)
        if definition is None and isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        is_list, named = (False, None) if definition is None else _unwrap(definition.type)
        page = None if definition is None else self.page(node, definition)
        if page is None and is_list and parent is not None and parent.name.startswith("__"):
            page = self.introspection.get((parent.name, name))
        if node.selection_set is None:
            return Measure(fixed=1, aliases=aliases)
        inner = self.selection_set(node.selection_set, named, nesting + 1)
        depth = 0 if name.startswith("__") else 1 + inner.depth
        aliases += inner.aliases
        if name in ("__schema", "__type"):  # introspection has its own account
            introspection = 1 + inner.cost(None) + inner.introspection
            return Measure(fixed=1, aliases=aliases, introspection=introspection)
        if not is_list:  # an object: a paged one hands its page to its lists
            return Measure(1 + inner.cost(page), 0, depth, aliases, inner.introspection)
        if page is None:  # a list that takes the page of the object it is in, if any
            return Measure(1, inner.cost(None), depth, aliases, DEFAULT_LIST * inner.introspection)
        return Measure(1 + page * inner.cost(None), 0, depth, aliases, page * inner.introspection)

    def page(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page size the field asks for (None: it takes no page argument)."""
        for name, cap in PAGE_CAPS.items():
            argument = definition.args.get(name)
            if argument is None:
                continue
            value: Any = argument.default_value
            for given in node.arguments or ():
                if given.name.value != name:
                    continue
                if isinstance(given.value, IntValueNode):
                    value = int(given.value.value)
                elif isinstance(given.value, VariableNode):
                    value = self.variables.get(given.value.name.value, value)
                else:
                    value = cap
            if not isinstance(value, int) or isinstance(value, bool):
                return cap
            return max(0, min(int(value), cap))
        return None


_SIZES: dict[int, dict[tuple[str, str], int]] = {}


def _introspection_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """The sizes of the introspection lists of ``schema``: all its types and directives,
    and for the lists of one type, field or directive the mean over the schema (rounded
    up), which is what a whole-schema introspection actually returns."""
    sizes = _SIZES.get(id(schema))
    if sizes is not None:
        return sizes
    types = list(schema.type_map.values())
    objects = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in objects for f in t.fields.values()]

    def mean(counts: list[int]) -> int:
        return max(1, -(-sum(counts) // len(counts))) if counts else 1

    sizes = {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(schema.directives),
        ("__Type", "fields"): mean([len(t.fields) for t in objects]),
        ("__Type", "interfaces"): mean([len(t.interfaces) for t in objects]),
        ("__Type", "possibleTypes"): mean(
            [len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)]
        ),
        ("__Type", "enumValues"): mean(
            [len(t.values) for t in types if isinstance(t, GraphQLEnumType)]
        ),
        ("__Type", "inputFields"): mean(
            [len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)]
        ),
        ("__Field", "args"): mean([len(f.args) for f in fields]),
        ("__Directive", "args"): mean([len(d.args) for d in schema.directives]),
    }
    _SIZES[id(schema)] = sizes
    return sizes


def _spreads(node: SelectionSetNode) -> list[str]:
    """The names of the fragments spread anywhere in a selection set."""
    names: list[str] = []
    stack = [node]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                stack.append(selection.selection_set)
    return names


def measure(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None = None
) -> list[OperationMeasure]:
    """The measure of each operation in ``document`` (``variables`` give page sizes
    sent as variables; a page argument whose value is unknown counts its cap)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    measurer = _Measurer(schema, fragments, variables or {})
    measurer.measure_fragments()
    measures: list[OperationMeasure] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
            m = measurer.selection_set(definition.selection_set, root, 0)
            name = definition.name.value if definition.name else None
            measures.append(
                OperationMeasure(name, m.cost(None), m.depth, m.aliases, m.introspection)
            )
    return measures
