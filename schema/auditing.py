"""Every operation goes into the audit log (``graph.audit``), as it ends.

The record names the token, the operation (its name, or its root fields), the SHA-256
of its variables, and the ids of the persons and complaints in its result — found by
walking the result, so no resolver can forget to declare what it returned. If the log
cannot be written, the result is withheld: an operation that is not on record does not
answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from graph import audit
from graph.errors import DefensoresError
from schema.context import in_thread

log = logging.getLogger("defensores.audit")
_PERSON = re.compile(r"^per_[A-Za-z0-9_]+$")
_COMPLAINT = re.compile(r"^cmp_[A-Za-z0-9_]+$")
WITHHELD = "The operation could not be recorded in the audit log; its result is withheld."


def returned_ids(data: Any) -> tuple[set[str], set[str]]:
    """The person and complaint ids anywhere in a result."""
    persons: set[str] = set()
    complaints: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if _PERSON.match(item):
                persons.add(item)
            elif _COMPLAINT.match(item):
                complaints.add(item)
    return persons, complaints


def operation_label(document: Any, name: str | None) -> str:
    if name:
        return name
    for definition in getattr(document, "definitions", []):
        if isinstance(definition, OperationDefinitionNode):
            fields = [
                s.name.value for s in definition.selection_set.selections if hasattr(s, "name")
            ]
            return ",".join(fields) or "(empty)"
    return "(unparsed)"


class AuditOperations(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        yield
        ec = self.execution_context
        principal = getattr(ec.context, "principal", None)
        if principal is None:  # only in-process executions (the server answers 401 first)
            return
        result = ec.result
        data = getattr(result, "data", None)
        errors = getattr(result, "errors", None)
        persons, complaints = returned_ids(data)
        entry = audit.Entry(
            who=principal.name,
            role=principal.role,
            token_id=principal.token_id,
            operation=operation_label(ec.graphql_document, ec.operation_name),
            kind=ec.operation_type.value if ec.operation_type else "unknown",
            variables_hash=audit.variables_hash(ec.variables),
            persons=sorted(persons),
            complaints=sorted(complaints),
            outcome="errors" if errors else "ok",
        )
        try:
            await in_thread(audit.append, ec.context.store, entry)
        except DefensoresError as exc:
            log.error("audit record not written (%s); result withheld", type(exc).__name__)
            ec.result = ExecutionResult(data=None, errors=[GraphQLError(WITHHELD)])
