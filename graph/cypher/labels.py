"""The words spliced into statements: labels and relationship types the model vouches for,
and how conditions join into a ``WHERE``."""

from __future__ import annotations

from collections.abc import Sequence

from graph.errors import ModelError
from graph.kinds import RelKind
from graph.model import MODEL


def checked_label(label: str) -> str:
    """``label``, once the model declares it (as a label or an interface)."""
    if label not in MODEL.labels() and label not in MODEL.interfaces:
        raise ModelError(f"label {label!r} is not in the model")
    return label


def checked_rel(rel: RelKind) -> str:
    """The type of ``rel``, as the model declares it."""
    return MODEL.relationship(rel.type).type


def type_union(types: Sequence[str]) -> str:
    """``A|B|C``: relationship types the model declares, for a pattern."""
    return "|".join(checked_rel(MODEL.relationship(t)) for t in types)


def conjunction(conds: Sequence[str]) -> str:
    """The conditions joined by ``AND``; ``true`` when there are none."""
    return " AND ".join(conds) or "true"


def where_clause(conds: Sequence[str]) -> str:
    """`` WHERE`` and the conditions, or nothing when there are none."""
    return f" WHERE {' AND '.join(conds)}" if conds else ""
