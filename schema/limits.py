"""Hardening of the GraphQL endpoint: operation limits and error masking.

Limits per operation: depth, aliases, tokens, directives, and the same field repeated in
one selection (graphql-cop's "field duplication": graphql-core merges duplicates, but
each still costs parsing and validation), and its cost: the fields it would resolve
once fragments are expanded, lists multiplied by their page sizes (``schema.cost``).
Depth, aliases and cost are measured in one pass linear in the document and refused
before validation (``schema.gate``), for every role: a few hundred bytes of nested
fragment spreads expand to millions of fields, which no rule that expands them may
walk. Errors the user can act
on (a bad argument, an id that does not exist, a conflict) keep their message; any
other failure is masked: the client sees an error id, the server log has the details.
"""

from __future__ import annotations

import logging
import re
import secrets
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, ValidationRule
from graphql.language import DirectiveNode, FieldNode, FragmentDefinitionNode, SelectionSetNode
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    SchemaExtension,
)

from schema.auditing import AuditOperations
from schema.cost import measure
from schema.errors import USER_ERRORS
from schema.gate import DocumentCache, OperationGate

log = logging.getLogger("defensores.api")

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000
MAX_DIRECTIVES = 20
MAX_DUPLICATES = 5  # the same response key at most this often in one selection set
MAX_ERRORS = 5  # errors shown per response; the rest are counted
# fields an operation may resolve, lists counted at their page sizes (schema.cost): a
# page of 50 actors with their incidents and the incidents' places (50 of each, the
# link lists' default) fits; a page of 100 with 500 incidents each does not
MAX_COST = 500_000
# graphql-core's OverlappingFieldsCanBeMerged compares the fields of every pair of
# fragments spread in one selection: 400 fragments (the most 4,000 tokens hold) take a
# second of CPU, 100 about a twentieth of it; no client query has more than a few
MAX_FRAGMENTS = 100
MAX_INTROSPECTION_COST = 250_000  # the IDE's introspection of the whole schema fits
CACHED_DOCUMENTS = 256
DOCUMENTS = DocumentCache(CACHED_DOCUMENTS)


class MaxDirectivesRule(ValidationRule):
    """Refuses a document with more than ``MAX_DIRECTIVES`` directives."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.seen = 0

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.seen += 1
        if self.seen == MAX_DIRECTIVES + 1:
            self.report_error(
                GraphQLError(f"The operation has more than {MAX_DIRECTIVES} directives.", node)
            )


class MaxDuplicateFieldsRule(ValidationRule):
    """Refuses a selection set that asks for one field more than ``MAX_DUPLICATES`` times."""

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        counts: dict[str, int] = {}
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                counts[key] = counts.get(key, 0) + 1
                if counts[key] == MAX_DUPLICATES + 1:
                    self.report_error(
                        GraphQLError(
                            f"The operation selects {key!r} more than {MAX_DUPLICATES} times "
                            "in one place.",
                            selection,
                        )
                    )


def _unexpected(error: GraphQLError) -> bool:
    """An error the server did not expect: not a user error, and not graphql-core's own
    (a variable's value that does not coerce, e.g. an enum value that does not exist,
    arrives wrapped around a ``GraphQLError``)."""
    original = error.original_error
    return original is not None and not isinstance(original, (*USER_ERRORS, GraphQLError))


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected errors; logs each with an id the client also sees, by its
    exception types and code locations, never its message: a message may quote a
    variable's value, a stored name or the query. A variable that fails coercion is the
    client's mistake, not an unexpected error: it keeps its message, without the value
    (the log never sees it, and the response does not echo a text about a person)."""

    _VARIABLE = re.compile(r"^(Variable '\$\w+' has invalid value[^:]*): (.*)$", re.S)
    _CUTS = (
        re.compile(r", but encountered error .*$", re.S),
        re.compile(r"[,.;]?\s*[Ff]ound: .*$", re.S),
    )
    _REPRESENT = re.compile(r"^(.*? cannot represent\b.*?\bvalue): .*$", re.S)
    _ENUM = re.compile(r"^Value .* does not exist in '(\w+)' enum\b.*$", re.S)
    UNFIT = "the value does not fit the variable's type."

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._masked)

    @staticmethod
    def _coercion(error: GraphQLError) -> bool:
        """A variable's value that does not fit its type (graphql-core chains the
        detail as the original error)."""
        return isinstance(error.original_error, GraphQLError)

    @classmethod
    def _masked(cls, error: GraphQLError) -> bool:
        return not cls._coercion(error) and _unexpected(error)

    @classmethod
    def mask(cls, error: GraphQLError) -> None:
        """Masks ``error`` in place if it is unexpected (for errors that reach the
        client without passing the extension: those raised outside the operation)."""
        if cls._masked(error):
            masked = cls._anonymised(error)
            error.message, error.extensions = masked.message, masked.extensions
            error.original_error = None

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        variables = getattr(self.execution_context, "variables", None)
        for error in errors:
            if self._coercion(error):
                error.message = self.without_values(error.message, variables)
        return super()._process_errors(errors)

    @classmethod
    def without_values(cls, message: str, variables: Any) -> str:
        """A coercion error's message that names the variable, the place in it and the
        problem, but not the value (``found: {...}``, ``…value: 12345``)."""
        match = cls._VARIABLE.match(message)
        if match is None:
            return message
        head, detail = match.groups()
        for cut in cls._CUTS:
            detail = cut.sub("", detail)
        detail = cls._REPRESENT.sub(r"\1", detail)
        detail = cls._ENUM.sub(r"Value does not exist in '\1' enum", detail)
        detail = detail.rstrip(" .") + "."
        if any(text in detail for text in cls._texts(variables)):  # worded otherwise
            detail = cls.UNFIT
        return f"{head}: {detail}"

    @staticmethod
    def _texts(value: Any) -> list[str]:
        """Every string of three or more characters in ``value`` (not its keys: a
        message names an unknown field, and the client's own field names are no secret)."""
        found: list[str] = []
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if len(item) >= 3:
                    found.append(item)
            elif isinstance(item, dict):
                stack += item.values()
            elif isinstance(item, list | tuple):
                stack += item
        return found

    @staticmethod
    def describe(exc: BaseException | None) -> str:
        """An exception's traceback without any message: the types, files, lines and
        functions of it and of the exceptions it was raised from (safe for any log)."""
        lines = ["Traceback (messages left out: they may quote private data):"]
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            lines += [
                f'  File "{f.filename}", line {f.lineno}, in {f.name}'
                for f in traceback.extract_tb(exc.__traceback__)
            ]
            lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}")
            exc = exc.__cause__ or exc.__context__
            if exc is not None and id(exc) not in seen:
                lines.append("raised while handling:")
        return "\n".join(lines)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return self._anonymised(error)

    @classmethod
    def _anonymised(cls, error: GraphQLError) -> GraphQLError:
        error_id = secrets.token_hex(6)
        log.error("unexpected error %s\n%s", error_id, cls.describe(error.original_error))
        return GraphQLError(
            message=f"Unexpected error (id {error_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_ERROR", "errorId": error_id},
        )


def refusals(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
) -> list[GraphQLError]:
    """The depth, alias and cost limits the operations of ``document`` break (measured
    in time linear in the document, before validation)."""
    errors: list[GraphQLError] = []
    fragments = sum(isinstance(d, FragmentDefinitionNode) for d in document.definitions)
    if fragments > MAX_FRAGMENTS:
        errors.append(
            GraphQLError(
                f"The operation defines {fragments} fragments, over the limit of {MAX_FRAGMENTS}.",
                extensions={"code": "OPERATION_TOO_COSTLY"},
            )
        )
        return errors
    measures = measure(schema, document, variables)
    for m in measures:
        if m.depth > MAX_DEPTH:
            name = m.name or "anonymous"
            errors.append(GraphQLError(f"'{name}' exceeds maximum operation depth of {MAX_DEPTH}"))
    aliases = sum(m.aliases for m in measures)
    if aliases > MAX_ALIASES:
        errors.append(GraphQLError(f"{aliases} aliases found. Allowed: {MAX_ALIASES}"))
    cost = sum(m.cost for m in measures)
    if cost > MAX_COST:
        errors.append(
            GraphQLError(
                f"The operation would cost {cost}, over the limit of {MAX_COST}; ask for "
                "smaller pages (first, limit, top) or fewer nested lists.",
                extensions={"code": "OPERATION_TOO_COSTLY", "cost": cost, "limit": MAX_COST},
            )
        )
    introspection = sum(m.introspection for m in measures)
    if introspection > MAX_INTROSPECTION_COST:
        errors.append(
            GraphQLError(
                f"The operation's introspection would cost {introspection}, over the limit "
                f"of {MAX_INTROSPECTION_COST}.",
                extensions={"code": "OPERATION_TOO_COSTLY", "cost": introspection},
            )
        )
    return errors


# The validation rules are built once, so the document cache sees the same rules for
# every request (strawberry's limiter extensions build a new rule class per operation,
# which would make every look-up a miss). Depth and aliases are not among them:
# strawberry's rules expand every fragment spread again, in time exponential in the
# nesting of spreads; ``refusals`` measures them first.
LIMIT_RULES: tuple[type[ASTValidationRule], ...] = (
    MaxDirectivesRule,
    MaxDuplicateFieldsRule,
)


def extensions(*, introspection: bool) -> list[Callable[[], SchemaExtension]]:
    """Factories of the schema's extensions (a fresh set per operation)."""
    rules = [*LIMIT_RULES]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(rules),
        # parse, measure and validate off the event loop; clients send the same
        # documents with other variables: parse and validate each document once
        lambda: OperationGate(refusals, DOCUMENTS),
        MaskUnexpectedErrors,
        AuditOperations,
    ]
