"""Parsing, the operation limits and validation, with the event loop kept free.

``OperationGate`` replaces strawberry's ``ParserCache`` and ``ValidationCache``: a
document is parsed, measured (``schema.cost``) and validated in a worker thread, so a
costly document never holds the event loop (``/healthz`` and other requests keep being
answered, and the request's time limit can stop waiting for it). The measure comes
first and is linear in the document: an operation over the limits is refused before
graphql-core's validation rules and execution ever see it. Documents clients send again
are parsed and validated once (the measure is taken each time: page sizes may come in
variables).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import anyio
from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

T = TypeVar("T")
# refusals of an operation before validation: (schema, document, variables) -> errors
Check = Callable[[GraphQLSchema, DocumentNode, Mapping[str, Any]], list[GraphQLError]]
Rules = tuple[type[ASTValidationRule], ...]


@dataclass
class _Entry:
    document: DocumentNode
    errors: list[GraphQLError] | None = None  # validation's, once it has run


class DocumentCache:
    """The last ``size`` documents parsed, with their validation (thread-safe LRU)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[Any, ...], entry: _Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


WORKERS = 4  # documents parsed or validated at once, per event loop
_workers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


async def _off_loop(fn: Callable[[], T]) -> T:
    """``fn()`` in a worker thread, at most ``WORKERS`` at once (the default threads stay
    free for the store's calls); a request stopped by its time limit stops waiting."""
    loop = asyncio.get_running_loop()
    limiter = _workers.get(loop)
    if limiter is None:
        limiter = _workers.setdefault(loop, anyio.CapacityLimiter(WORKERS))
    return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True, limiter=limiter)


class OperationGate(SchemaExtension):
    """Parse, refuse what ``check`` refuses, validate: off the event loop, cached."""

    def __init__(self, check: Check, cache: DocumentCache) -> None:
        super().__init__()
        self.check = check
        self.cache = cache
        self._entry: _Entry | None = None

    async def on_parse(self) -> AsyncIterator[None]:
        ec = self.execution_context
        if ec.graphql_document is None and ec.query:
            rules: Rules = tuple(ec.validation_rules)
            options = tuple(sorted(ec.parse_options.items()))
            key = (ec.query, options, rules, id(ec.schema))
            entry = self.cache.get(key)
            if entry is None:
                try:
                    document = await _off_loop(partial(parse, ec.query, **ec.parse_options))
                except Exception:  # strawberry parses it again and reports the error
                    document = None
                if document is not None:
                    entry = _Entry(document)
                    self.cache.put(key, entry)
            if entry is not None:
                ec.graphql_document = entry.document
                self._entry = entry
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        ec = self.execution_context
        document = ec.graphql_document
        if document is not None and ec.pre_execution_errors is None:
            schema = ec.schema._schema
            variables: Mapping[str, Any] = ec.variables or {}
            entry = self._entry if self._entry and self._entry.document is document else None
            if entry is not None and entry.errors is not None:  # validated before
                ec.pre_execution_errors = self.check(schema, document, variables) or entry.errors
            else:
                rules: Rules = tuple(ec.validation_rules)
                refused, validated = await _off_loop(
                    partial(self._check_and_validate, schema, document, variables, rules)
                )
                if entry is not None and validated is not None:
                    entry.errors = validated
                ec.pre_execution_errors = refused if validated is None else validated
        yield

    def _check_and_validate(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any],
        rules: Rules,
    ) -> tuple[list[GraphQLError], list[GraphQLError] | None]:
        """(the refusals, None) or ([], validation's errors): blocking."""
        refused = self.check(schema, document, variables)
        if refused:
            return refused, None
        return [], validate_document(schema, document, rules)
