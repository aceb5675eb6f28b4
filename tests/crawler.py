"""Selections generated from the schema, for the tests that crawl the API as a role would.

``tree(type, depth)`` is every field of a type to ``depth`` object levels, as a tree
(a field that needs an enum argument is asked once per value, aliased; a field that
two types of one interface return with different types is asked on each type under
an alias, as a query may not ask for both under one name). ``pieces(call, tree)``
splits it into queries the server accepts (token, alias and cost limits, measured here
as the server measures them), so a crawl is never refused and never silently sees
nothing. ``strings`` gathers every string of an answer, ``leaked`` the names in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    parse,
)
from graphql.pyutils import Undefined

from nlp.text import fold
from schema.app import build_schema
from schema.limits import MAX_TOKENS, refusals

SCHEMA = build_schema(introspection=False)._schema

NESTED_ARGS = {  # required arguments of fields below the root
    "hotspots": {"from": '"1990-01-01"', "to": '"2100-01-01"'},
}


@dataclass(frozen=True)
class Item:
    """One selected field (or inline fragment) and what is selected below it."""

    head: str  # "name", "links_PERPETRATOR: links(role: PERPETRATOR)", "... on Person"
    below: tuple[Item, ...] = ()

    def render(self) -> str:
        return f"{self.head} {render(self.below)}" if self.below else self.head


def render(items: tuple[Item, ...]) -> str:
    return "{ " + " ".join(i.render() for i in items) + " }"


def args(f: GraphQLField, given: Mapping[str, str]) -> str | None:
    """The arguments of a field: required ones from ``given`` (None: cannot be called)."""
    parts = []
    for name, arg in f.args.items():
        if name in given:
            parts.append(f"{name}: {given[name]}")
        elif isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            return None
    return f"({', '.join(parts)})" if parts else ""


def tree(t: Any, depth: int) -> tuple[Item, ...]:
    """Every field of ``t`` to ``depth`` object levels (() for a leaf type)."""
    named = get_named_type(t)
    if is_leaf_type(named):
        return ()
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        impls = SCHEMA.get_possible_types(named)
        types: dict[str, set[str]] = {}
        for impl in impls:
            for name, f in impl.fields.items():
                types.setdefault(name, set()).add(str(f.type))
        clash = {name for name, ts in types.items() if len(ts) > 1}
        items = [Item("__typename")]
        for impl in impls:
            inner = _fields(impl, depth, clash)
            if inner:
                items.append(Item(f"... on {impl.name}", inner))
        return tuple(items)
    assert isinstance(named, GraphQLObjectType)
    return _fields(named, depth, set()) or (Item("__typename"),)


def _fields(t: GraphQLObjectType, depth: int, clash: set[str]) -> tuple[Item, ...]:
    out: list[Item] = []
    for name, f in t.fields.items():
        key = f"{name}_{t.name}: {name}" if name in clash else name
        inner = get_named_type(f.type)
        given = args(f, NESTED_ARGS.get(name, {}))
        if given is None:
            enum = next(
                (a for a in f.args.values() if isinstance(get_named_type(a.type), GraphQLEnumType)),
                None,
            )
            if enum is None:
                raise AssertionError(f"{t.name}.{name} needs arguments: add them to NESTED_ARGS")
            arg_name = next(k for k, a in f.args.items() if a is enum)
            enum_type = get_named_type(enum.type)
            assert isinstance(enum_type, GraphQLEnumType)
            below = tree(inner, depth - 1) if not is_leaf_type(inner) else ()
            if depth <= 0 and below:
                continue
            out += [Item(f"{name}_{v}: {name}({arg_name}: {v})", below) for v in enum_type.values]
            continue
        if is_leaf_type(inner):
            out.append(Item(f"{key}{given}"))
        elif depth > 0:
            below = tree(f.type, depth - 1)
            if below and below != (Item("__typename"),):
                out.append(Item(f"{key}{given}", below))
    return tuple(out)


def problems(query: str) -> list[str]:
    """Why the server would refuse ``query`` before running it (token, depth, alias,
    fragment and cost limits), measured as the server measures them."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as exc:
        return [exc.message]
    return [e.message for e in refusals(SCHEMA, document, {})]


def pieces(call: Callable[[str], str], items: tuple[Item, ...]) -> list[str]:
    """Queries that together ask for all of ``items`` (``call`` puts a selection in its
    place: ``lambda sel: f"{{ actor(id: ...) {sel} }}"``), each one the server accepts."""
    query = call(render(items))
    if not problems(query):
        return [query]
    if len(items) > 1:
        half = len(items) // 2
        return pieces(call, items[:half]) + pieces(call, items[half:])
    (item,) = items
    if not item.below:
        raise AssertionError(f"one field is refused on its own: {query[:300]}")
    return pieces(lambda sel: call(f"{{ {item.head} {sel} }}"), item.below)


def leaked(texts: list[str], names: set[str]) -> dict[str, str]:
    """name → a string it appears in (accents and case ignored, whole words)."""
    found: dict[str, str] = {}
    folded = [fold(t) for t in texts]
    for name in names:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        hit = next((t for t in folded if pattern.search(t)), None)
        if hit is not None:
            found[name] = hit[:200]
    return found


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
