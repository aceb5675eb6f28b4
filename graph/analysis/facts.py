"""The facts graph as analytics read it: its vocabulary and the helpers every metric shares.

The input ("facts graph") is an ``nx.MultiDiGraph`` whose nodes carry a ``kind``
(``Person``, ``Organization``, ``Community``, ``Incident``, ``Place``, ``LandDispute``,
``Case``, ``ProtectionMeasure``) and whose edges are keyed by relationship type, with the
attribute ``type`` equal to the key (``PERPETRATOR_OF``, ``VICTIM_OF``, ``OCCURRED_IN``, ...),
pointing as in the store (actor → incident, incident → place, case → incident, ...).
Attributes other than ``kind`` may be missing or ``None``.

Places are located by their ``ubigeo``: 2 digits name a region, 4 a province, 6 a district.
A place without a ubigeo (e.g. a locality) takes that of its nearest ``PART_OF`` ancestor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

import networkx as nx  # type: ignore[import-untyped]

from graph.errors import ModelError
from graph.model import ACTOR_KINDS, ALL_ROLES, Rel

Row = dict[str, Any]

MAX_TOP = 1000

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")
_ISO_YEAR = re.compile(r"\d{4}")

PARTIES = frozenset({"Organization", "Community"})
INCIDENT = frozenset({"Incident"})
DISPUTE = frozenset({"LandDispute"})
PLACE = frozenset({"Place"})


def kind_of(G: nx.Graph, node: Any) -> str | None:
    kind = G.nodes[node].get("kind")
    return kind if isinstance(kind, str) else None


def attr_of(G: nx.Graph, node: Any, name: str) -> Any:
    return G.nodes[node].get(name)


def _edges(G: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    if G.is_multigraph():
        yield from G.edges(keys=True, data=True)
    else:
        for u, v, data in G.edges(data=True):
            yield u, v, None, data


def links_of(
    G: nx.Graph, rel: str, sources: Iterable[str], targets: Iterable[str]
) -> list[tuple[str, str]]:
    """The ``(source, target)`` pairs of ``rel`` edges between nodes of the given kinds."""
    source_kinds, target_kinds = frozenset(sources), frozenset(targets)
    pairs = []
    for u, v, key, data in _edges(G):
        rel_type = data.get("type") or key
        if rel_type == rel and kind_of(G, u) in source_kinds and kind_of(G, v) in target_kinds:
            pairs.append((u, v))
    return pairs


def group_pairs(pairs: Iterable[tuple[str, str]], *, reverse: bool = False) -> dict[str, set[str]]:
    """Map each source to its targets (or, with ``reverse``, each target to its sources)."""
    out: dict[str, set[str]] = defaultdict(set)
    for u, v in pairs:
        if reverse:
            out[v].add(u)
        else:
            out[u].add(v)
    return out


def incident_ids(G: nx.Graph) -> list[str]:
    return sorted(n for n in G.nodes if kind_of(G, n) == "Incident")


def actor_incidents(G: nx.Graph, roles: Iterable[str] = ALL_ROLES) -> dict[str, set[str]]:
    """Each actor's incidents in the given roles."""
    out: dict[str, set[str]] = defaultdict(set)
    for rel in roles:
        for actor, incident in links_of(G, rel, ACTOR_KINDS, INCIDENT):
            out[actor].add(incident)
    return out


def first_day(value: Any) -> date | None:
    """The first day a date value covers: "YYYY-MM-DD", "YYYY-MM" or "YYYY"; else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return date.fromisoformat(text)
        if _ISO_MONTH.fullmatch(text):
            return date.fromisoformat(f"{text}-01")
        if _ISO_YEAR.fullmatch(text):
            return date.fromisoformat(f"{text}-01-01")
    except ValueError:
        return None
    return None


def ubigeo_of(G: nx.Graph, place: str) -> str | None:
    code = attr_of(G, place, "ubigeo")
    if isinstance(code, str) and code.strip().isdigit():
        return code.strip()
    return None


def _place_code(G: nx.Graph, place: str, parents: dict[str, set[str]]) -> str | None:
    """The place's ubigeo, or that of its nearest ``PART_OF`` ancestor that has one."""
    seen: set[str] = set()
    current: str | None = place
    while current is not None and current not in seen:
        seen.add(current)
        code = ubigeo_of(G, current)
        if code is not None:
            return code
        ups = parents.get(current)
        current = min(ups) if ups else None
    return None


def incident_codes(G: nx.Graph) -> dict[str, set[str]]:
    """Each placed incident's ubigeo codes (one per place it occurred in)."""
    parents = group_pairs(links_of(G, Rel.PART_OF, PLACE, PLACE))
    out: dict[str, set[str]] = defaultdict(set)
    for incident, place in links_of(G, Rel.OCCURRED_IN, INCIDENT, PLACE):
        code = _place_code(G, place, parents)
        if code is not None:
            out[incident].add(code)
    return out


def areas_of(codes: Iterable[str], digits: int) -> set[str]:
    """The areas ``digits`` long that the codes fall in; shorter codes are left out."""
    return {code[:digits] for code in codes if len(code) >= digits}


def none_last(value: Any) -> tuple[bool, Any]:
    return (value is None, "" if value is None else value)


def check_int(name: str, value: Any, low: int, high: int | None = None) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        bounds = f"within {low}..{high}" if high is not None else f"an integer >= {low}"
        raise ModelError(f"{name} must be {bounds}; got {value!r}")


def check_iso_day(name: str, value: Any) -> date:
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ModelError(f"{name} must be a date YYYY-MM-DD; got {value!r}")
