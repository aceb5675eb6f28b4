"""Expected failures, returned in the schema (``Result = Success | ValidationError | …``)."""

from __future__ import annotations

import strawberry

from graph.errors import ConflictError, DefensoresError, Forbidden, ModelError, NotFound


@strawberry.type(description="The input cannot be used; `field` names the culprit if known.")
class ValidationError:
    message: str
    field: str | None = None


@strawberry.type(name="NotFound", description="An id that names nothing.")
class NotFoundError:
    message: str
    id: strawberry.ID | None = None


@strawberry.type(name="Conflict", description="The change clashes with what is stored.")
class ConflictResult:
    message: str


UserError = ValidationError | NotFoundError | ConflictResult


def as_result(exc: DefensoresError, field: str | None = None) -> UserError:
    """The schema's error for a ``graph`` exception."""
    if isinstance(exc, NotFound):
        return NotFoundError(message=str(exc))
    if isinstance(exc, ConflictError):
        return ConflictResult(message=str(exc))
    return ValidationError(message=str(exc), field=field)


USER_ERRORS = (ModelError, NotFound, ConflictError, Forbidden)
