"""Who may do what: one table, every root field of the API against every role.

``TABLE`` is the rule. ``guard_root_fields`` attaches it to every root query, mutation
and subscription when the schema is built (so it is checked in the resolver path, by
strawberry's permission extension, before any resolver runs), and refuses to build a
schema with a root field the table does not name: a new field without a rule fails at
start-up, and the table-driven test (``tests/schema/test_roles.py``) fails with it.

Outcomes: ``allowed``; ``denied`` (the field answers a ``Forbidden`` error and no data);
``pseudonymised`` (allowed, and what it shows is read for the role's ``Viewer`` —
``graph.access.policy``: trainers see every person as "Persona N" and no sealed complaint;
analysts see protected persons as "Persona N" and no sealed complaint's words) — see
README, "Roles". A role with a ``pseudonymised`` cell must have a viewer that
pseudonymises (checked by ``tests/schema/test_roles.py``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from graph.access.tokens import Principal
from graph.errors import Forbidden
from graph.model import ROLES


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    PSEUDONYMISED = "pseudonymised"


A, D, P = Outcome.ALLOWED, Outcome.DENIED, Outcome.PSEUDONYMISED


def _row(intake: Outcome, trainer: Outcome, analyst: Outcome, prosecutor: Outcome,
         admin: Outcome) -> dict[str, Outcome]:  # fmt: skip
    return dict(zip(ROLES, (intake, trainer, analyst, prosecutor, admin), strict=True))


READ = _row(D, P, P, A, D)  # the graph: trainers and analysts see pseudonyms
OPERATIONS = _row(D, D, P, A, D)  # risk and alerts: not for teaching material

TABLE: dict[str, dict[str, Outcome]] = {
    # queries: the graph
    "Query.node": READ,
    "Query.actor": READ,
    "Query.fact": READ,
    "Query.actors": READ,
    "Query.incidents": READ,
    "Query.complaints": READ,
    "Query.landDisputes": READ,
    "Query.cases": READ,
    "Query.places": READ,
    "Query.search": READ,
    "Query.connections": READ,
    "Query.neighbourhood": READ,
    "Query.timeline": READ,
    "Query.patterns": READ,
    "Query.export": READ,
    # the prosecutor's case file: names and quotes in full, for prosecutors only
    "Query.caseDossier": _row(D, D, D, A, D),
    # queries: the early-warning procedure
    "Query.riskAssessment": OPERATIONS,
    "Query.alerts": OPERATIONS,
    "Query.alert": OPERATIONS,
    # queries: intake's own submissions
    "Query.submission": _row(A, D, A, A, D),
    # the audit log
    "Query.auditLog": _row(D, D, D, D, A),
    # mutations
    "Mutation.submitComplaint": _row(A, D, D, A, D),
    "Mutation.submitComplaints": _row(A, D, D, A, D),
    "Mutation.reviewFact": _row(D, D, A, A, D),
    "Mutation.linkActors": _row(D, D, A, A, D),
    "Mutation.mergeActors": _row(D, D, D, A, D),
    "Mutation.splitActor": _row(D, D, D, A, D),
    "Mutation.openCase": _row(D, D, D, A, D),
    "Mutation.updateCase": _row(D, D, D, A, D),
    "Mutation.recordProtectionMeasure": _row(D, D, A, A, D),
    "Mutation.transitionAlert": _row(D, D, A, A, D),
    "Mutation.overrideAlertLevel": _row(D, D, A, A, D),
    "Mutation.recordAlertConsultation": _row(D, D, A, A, D),
    # subscriptions
    "Subscription.complaintEvents": _row(A, D, A, A, D),
    "Subscription.alerts": _row(D, D, P, A, D),
}


def outcome(key: str, role: str | None) -> Outcome:
    """What ``role`` gets from root field ``key`` (``Type.field``); no role: denied."""
    if role is None:
        return Outcome.DENIED
    return TABLE[key].get(role, Outcome.DENIED)


def served(key: str, role: str | None) -> bool:
    """Whether the field answers ``role`` at all."""
    return outcome(key, role) is not Outcome.DENIED


def principal_of(info: Info) -> Principal | None:
    """Who the request speaks for (None: an in-process execution without a token)."""
    found: Principal | None = getattr(info.context, "principal", None)
    return found


class RoleRule(BasePermission):
    """The table's rule for one root field."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.message = f"{key.split('.')[1]} is not allowed for this token's role"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = principal_of(info)
        return served(self.key, None if principal is None else principal.role)

    def on_unauthorized(self) -> None:
        raise Forbidden(self.message)


def root_keys(root: type, type_name: str) -> list[tuple[Any, str]]:
    definition = root.__strawberry_definition__  # type: ignore[attr-defined]
    return [(f, f"{type_name}.{f.graphql_name or to_camel_case(f.python_name)}")
            for f in definition.fields]  # fmt: skip


def guard_root_fields(*roots: tuple[type, str]) -> None:
    """Attach ``TABLE`` to the root fields (once); a field with no rule is an error."""
    for root, type_name in roots:
        for field, key in root_keys(root, type_name):
            if key not in TABLE:
                raise RuntimeError(f"{key} has no rule in schema.roles.TABLE")
            if any(isinstance(e, PermissionExtension) for e in field.extensions):
                continue
            field.extensions.append(
                PermissionExtension(permissions=[RoleRule(key)], use_directives=False)
            )
