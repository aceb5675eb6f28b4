"""Bearer tokens for tests: a fresh token of a role, as request headers."""

from __future__ import annotations

import uuid
from typing import Any

from graph.access import tokens
from graph.store.bolt import Store
from graph.store.repository import counts


def bearer(store: Store, role: str = "prosecutor") -> dict[str, str]:
    """Headers carrying a new token of ``role`` (created in ``store``)."""
    token, _ = tokens.create(store, role, f"test-{role}-{uuid.uuid4().hex[:8]}")
    return {"Authorization": f"Bearer {token}"}


BOOKKEEPING = ("AuditRecord", "AuditHead", "ApiToken")  # written by every request


def domain_counts(store: Store) -> dict[str, Any]:
    """``counts`` without the audit log and tokens, which every API request touches."""
    totals = counts(store)
    by_label = {k: v for k, v in totals["by_label"].items() if k not in BOOKKEEPING}
    kept = totals["nodes"] - sum(totals["by_label"][k] for k in BOOKKEEPING)
    return {"nodes": kept, "relationships": totals["relationships"], "by_label": by_label}
