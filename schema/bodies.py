"""The body of a GraphQL request over HTTP, checked before anything else reads it.

A body is one JSON object in strict UTF-8 (batching is off) with ``query`` a string,
``operationName`` a string or null, and ``variables`` and ``extensions`` objects or
null; no string in it (key or value) may hold an unpaired surrogate (``"\\ud800"``),
which no store or encoder could take. Anything else is refused with a message that
names the problem and never quotes the body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

NOT_UTF8 = "The request body is not valid UTF-8."
NOT_JSON = "The request body is not valid JSON"
NOT_OBJECT = (
    "The request body must be one JSON object with a `query` (batching is off); got {kind}."
)
BATCH = "Batching is not enabled: send one operation, as one JSON object with a `query`."
TOO_DEEP = "The request body is nested too deeply."
NO_QUERY = "The request body has no `query`."
SURROGATE = (
    "The request contains an unpaired surrogate (such as \\ud800) in {where}; "
    "text must be valid Unicode."
)
_FIELDS: dict[str, tuple[type, str]] = {
    "query": (str, "a string"),
    "operationName": (str, "a string or null"),
    "variables": (dict, "an object or null"),
    "extensions": (dict, "an object or null"),
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_KINDS = {str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_body(body: bytes) -> dict[str, Any] | str:
    """The request as a dict, or the message of a 400 that refuses it."""
    try:
        text = body.decode("utf-8")  # strict: no surrogates, no stray bytes
    except UnicodeDecodeError:
        return NOT_UTF8
    try:
        data = json.loads(text, parse_constant=_constant)
    except RecursionError:
        return TOO_DEEP
    except json.JSONDecodeError as exc:
        return f"{NOT_JSON}: {exc.msg} (line {exc.lineno}, column {exc.colno})."
    except ValueError:  # NaN, Infinity, an integer of more digits than Python parses
        return f"{NOT_JSON}."
    if isinstance(data, list):
        return BATCH
    if not isinstance(data, dict):
        kind = "null" if data is None else _KINDS.get(type(data), "something else")
        return NOT_OBJECT.format(kind=kind)
    if "query" not in data or data["query"] is None:
        return NO_QUERY
    for name, (expected, wanted) in _FIELDS.items():
        value = data.get(name)
        if value is not None and not isinstance(value, expected):
            return f"The request's `{name}` must be {wanted}."
    return surrogate_problem(data) or data


def surrogate_problem(request: Mapping[str, Any]) -> str | None:
    """The message refusing a request (``query``, ``variables``, …: from a body or a
    websocket's ``subscribe``) with an unpaired surrogate in any string, or None."""
    for key, value in request.items():
        if _has_surrogate(key) or _has_surrogate(value):
            where = f"`{key}`" if key in _FIELDS else "the body"
            return SURROGATE.format(where=where)
    return None


def _has_surrogate(value: Any) -> bool:
    """True if any string in ``value`` (keys included, at any depth) holds a code point
    of the surrogate range: JSON decoding joins the valid pairs, so these are unpaired."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
