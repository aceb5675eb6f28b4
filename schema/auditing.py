"""Every operation goes into the audit log (``graph.access.audit``), as it ends.

The record names the token, the operation (its name, or its root fields), the SHA-256
of its variables, and the ids of the persons and complaints in its result — found by
walking the result, so no resolver can forget to declare what it returned. If the log
cannot be written, the result is withheld: an operation that is not on record does not
answer. In the server, records of concurrent operations share one transaction
(``GroupCommit``): the log's single chain is appended once per group, not per request.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from graph.access import audit
from graph.store.bolt import Store
from schema.threads import in_thread

log = logging.getLogger("defensores.audit")
_PERSON = re.compile(r"^per_[A-Za-z0-9_]+$")
_COMPLAINT = re.compile(r"^cmp_[A-Za-z0-9_]+$")
WITHHELD = "The operation could not be recorded in the audit log; its result is withheld."
MAX_GROUP = 200  # records per transaction


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


class GroupCommit:
    """Audit records of concurrent operations written together: each operation waits
    for the transaction that holds its record (so none answers unrecorded), and the
    operations that end while one transaction runs share the next."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._waiting: list[tuple[audit.Entry, asyncio.Future[None]]] = []
        self._flushing = False

    async def record(self, entry: audit.Entry) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((entry, done))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        await done

    async def _flush(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
                try:
                    await in_thread(audit.append_many, self.store, [e for e, _ in batch])
                except Exception as exc:  # every waiter must hear of it, or it would hang
                    for _, done in batch:
                        done.set_exception(exc)
                else:
                    for _, done in batch:
                        done.set_result(None)
        finally:
            self._flushing = False


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
        services = getattr(ec.context, "services", None)
        group = getattr(services, "audit", None)
        try:  # the record too: variables that cannot be hashed leave it unwritten
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
            if group is not None:
                await group.record(entry)
            else:  # executed outside the server (tests, benchmarks): write it alone
                await in_thread(audit.append, ec.context.store, entry)
        except Exception as exc:  # an operation not on record does not answer
            log.error("audit record not written (%s); result withheld", type(exc).__name__)
            ec.result = ExecutionResult(data=None, errors=[GraphQLError(WITHHELD)])
