"""Bearer tokens for tests: a fresh token of a role, as request headers."""

from __future__ import annotations

import uuid

from graph import tokens
from graph.store import Store


def bearer(store: Store, role: str = "prosecutor") -> dict[str, str]:
    """Headers carrying a new token of ``role`` (created in ``store``)."""
    token, _ = tokens.create(store, role, f"test-{role}-{uuid.uuid4().hex[:8]}")
    return {"Authorization": f"Bearer {token}"}
