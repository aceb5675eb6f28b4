"""The project's one exception root and its branches.

Every failure the project expects (bad configuration, a store that will not start,
input that breaks the domain model, a missing or conflicting record) is a
``DefensoresError``. Its message is one line a person can act on; callers at the edge
(the CLI, the GraphQL layer) show it as it is.
"""

from __future__ import annotations


class DefensoresError(Exception):
    """Root of every expected failure in Defensores."""


class ConfigError(DefensoresError):
    """A setting is missing or malformed; the message names the setting."""


class StoreError(DefensoresError):
    """The graph store could not be reached or refused an operation."""


class StoreUnavailable(StoreError):
    """The store did not answer (down, restarting, unreachable): a retry later may work."""


class StoreStartError(StoreError):
    """The embedded store could not be started."""


class ModelError(DefensoresError):
    """Input does not fit the domain model (unknown label, property or value)."""


class NotFound(DefensoresError):
    """A record that was asked for by id does not exist."""


class ConflictError(DefensoresError):
    """A write would contradict what is already stored (e.g. an id of another kind)."""


class Forbidden(DefensoresError):
    """The caller's role may not do this."""
