"""Documents built to freeze a GraphQL server (nested fragments, fan-out, deep lists,
aliases, many fragments): the bomb tests and ``bench/bombs.py`` send them."""

from __future__ import annotations


def fragment_bomb(levels: int = 22, leaf: str = "__typename") -> str:
    """The issue's document: each fragment spreads the next one twice."""
    fragments = [f"fragment F{i} on Query{{...F{i + 1} ...F{i + 1}}}" for i in range(levels - 1)]
    fragments.append(f"fragment F{levels - 1} on Query{{{leaf}}}")
    return "query{...F0} " + " ".join(fragments)


def fan_out_bomb(levels: int = 12, width: int = 3) -> str:
    """Distinct fragments, each spreading every fragment of the next level."""
    names = [[f"L{level}x{i}" for i in range(width)] for level in range(levels + 1)]
    fragments = []
    for level in range(levels):
        spreads = " ".join(f"...{n}" for n in names[level + 1])
        fragments += [f"fragment {n} on Query {{ {spreads} }}" for n in names[level]]
    fragments += [
        f"fragment {n} on Query {{ __typename patterns {{ __typename }} }}" for n in names[levels]
    ]
    return f"query {{ ...{names[0][0]} }} " + " ".join(fragments)


DEEP_LIST = """{ actors(first: 100) { nodes { id incidents(first: 500) { node { id
  perpetrators(first: 500) { node { id name } } } } } } }"""


COSTLY_FIELD = "actors(first: 100) { nodes { incidents(first: 100) { node { id type date } } } }"


ALIAS_BOMB = "{ " + " ".join(f"a{i}: {COSTLY_FIELD}" for i in range(30)) + " }"


def slow_to_validate(fragments: int = 400) -> str:
    """Under every limit (cost 400), yet graphql-core's OverlappingFieldsCanBeMerged
    compares every pair of the fragments: about a second of CPU."""
    spreads = " ".join(f"...S{i}" for i in range(fragments))
    definitions = " ".join(f"fragment S{i} on Query {{ __typename }}" for i in range(fragments))
    return f"query {{ {spreads} }} {definitions}"
