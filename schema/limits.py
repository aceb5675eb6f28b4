"""Hardening of the GraphQL endpoint: operation limits and error masking.

Limits per operation: depth, aliases, tokens, directives, and the same field repeated in
one selection (graphql-cop's "field duplication": graphql-core merges duplicates, but
each still costs parsing and validation). Errors the user can act
on (a bad argument, an id that does not exist, a conflict) keep their message; any
other failure is masked: the client sees an error id, the server log has the details.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from graphql import ASTValidationRule, GraphQLError, ValidationRule
from graphql.language import DirectiveNode, FieldNode, SelectionSetNode
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from schema.auditing import AuditOperations
from schema.errors import USER_ERRORS

log = logging.getLogger("defensores.api")

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000
MAX_DIRECTIVES = 20
MAX_DUPLICATES = 5  # the same response key at most this often in one selection set
MAX_ERRORS = 5  # errors shown per response; the rest are counted
CACHED_DOCUMENTS = 256


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
    original = error.original_error
    return original is not None and not isinstance(original, USER_ERRORS)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected errors; logs each with an id the client also sees."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = secrets.token_hex(6)
        original = error.original_error
        log.error(
            "unexpected error %s at %s: %s",
            error_id,
            ".".join(str(p) for p in error.path or []),
            type(original).__name__,
            exc_info=original,
        )
        return GraphQLError(
            message=f"Unexpected error (id {error_id}).",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={"code": "INTERNAL_ERROR", "errorId": error_id},
        )


# The limits are validation rules built once, so the validation cache sees the same
# rules for every request (strawberry's limiter extensions build a new rule class per
# operation, which would make every look-up a miss).
LIMIT_RULES: tuple[type[ASTValidationRule], ...] = (
    depth_validator(MAX_DEPTH, None, None),
    aliases_validator(MAX_ALIASES),
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
        # clients send the same documents with other variables: parse and validate each
        # document once (the limits are a parse option and validation rules, so a cached
        # document has passed them)
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        MaskUnexpectedErrors,
        AuditOperations,
    ]
