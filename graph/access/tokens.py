"""Bearer tokens: created once, kept only as a hash, revocable.

A token is ``dfs_`` and 43 URL-safe characters (256 random bits). The store keeps its
SHA-256 — enough for a secret of that strength, and fast to check on every request —
with the holder's name and role. ``create`` returns the token itself exactly once; it
cannot be read back. An active token's name is unique, so ``revoke`` can take a name.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from graph.cypher import access as cypher
from graph.errors import ConflictError, ModelError, NotFound
from graph.model import ROLES
from graph.rows import utc_now
from graph.store.bolt import Store

PREFIX = "dfs_"
_TOKEN = re.compile(r"^dfs_[A-Za-z0-9_-]{43}$")
_NAME = re.compile(r"^[\w .@:-]{1,80}$")


@dataclass(frozen=True)
class Principal:
    """Who a request speaks for."""

    token_id: str
    name: str
    role: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    return bool(_TOKEN.match(token))


def create(store: Store, role: str, name: str, *, by: str = "cli") -> tuple[str, dict[str, Any]]:
    """A new token for ``name`` with ``role``; returns (token, its record)."""
    if role not in ROLES:
        raise ModelError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
    name = name.strip()
    if not _NAME.match(name):
        raise ModelError("name must be 1 to 80 letters, digits, spaces or . @ : _ -")
    if store.read(cypher.ACCESS_ACTIVE_BY_NAME, name=name):
        raise ConflictError(f"an active token named {name!r} exists; revoke it first")
    token = PREFIX + secrets.token_urlsafe(32)
    hashed = digest(token)
    props = {"name": name, "role": role, "hash": hashed, "created_by": by}
    rows = store.bookkeeping(
        cypher.ACCESS_CREATE, id=f"tok_{hashed[:20]}", props=props, now=utc_now()
    )
    record = {k: v for k, v in rows[0]["props"].items() if k != "hash"}
    return token, record


def authenticate(store: Store, token: str) -> Principal | None:
    """The holder of an active, well-formed token; None otherwise."""
    if not well_formed(token):
        return None
    rows = store.read(cypher.ACCESS_BY_HASH, hash=digest(token))
    if not rows:
        return None
    r = rows[0]
    return Principal(str(r["id"]), str(r["name"]), str(r["role"]))


def listing(store: Store) -> list[dict[str, Any]]:
    """Every token ever created (never the hash)."""
    return [dict(r) for r in store.read(cypher.ACCESS_LIST)]


def revoke(store: Store, key: str, *, by: str = "cli") -> dict[str, Any]:
    """Revoke a token by id or by the name of an active one; revoking twice is a no-op."""
    rows = store.bookkeeping(cypher.ACCESS_REVOKE, key=key, by=by, now=utc_now())
    if not rows:
        raise NotFound(f"no token with id or active name {key!r}")
    return dict(rows[0])
