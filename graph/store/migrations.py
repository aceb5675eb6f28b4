"""Schema migrations, run at every start, idempotent.

The model's constraints and indexes are (re)declared with ``IF NOT EXISTS`` each time,
so a store always has what the current model asks for. Steps that change data, which
cannot be declared that way, are numbered ``MIGRATIONS``; the store records the version
it has reached (a ``SchemaVersion`` node), and only the steps above it run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from graph.access import pseudonyms
from graph.cypher import access as access_q
from graph.cypher import schema as cypher
from graph.errors import ConflictError, StoreError
from graph.kinds import Model
from graph.model import MODEL
from graph.rows import utc_now
from graph.store.bolt import Store
from graph.store.config import EMBEDDED, NEO4J, StoreConfig

SCHEMA_NODE_ID = "schema_version"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Store], None]


def schema_statements(model: Model = MODEL, backend: str = EMBEDDED) -> list[str]:
    """Constraints and indexes the model asks for, in a stable order. On Neo4j, edge ids
    are unique by constraint (ArcadeDB has no relationship constraints: an index there),
    and folded names get the full-text indexes that name search uses."""
    statements: list[str] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, prop: str, stmt: str) -> None:
        if (label, prop) not in seen:
            seen.add((label, prop))
            statements.append(stmt)

    for kind in model.nodes:
        add(kind.key_label, "id", cypher.unique_constraint(kind.key_label, "id"))
        for prop in kind.unique:
            add(kind.key_label, prop, cypher.unique_constraint(kind.key_label, prop))
    for kind in model.nodes:
        for prop in kind.indexed:
            add(kind.key_label, prop, cypher.node_index(kind.key_label, prop))
    for rel in model.relationships:
        if backend == NEO4J:  # a store migrated before this had the plain index
            statements.append(cypher.drop_rel_index(rel, "id"))
            statements.append(cypher.rel_unique_constraint(rel, "id"))
        else:
            statements.append(cypher.rel_index(rel, "id"))
    if backend == NEO4J:
        texts = {kind.key_label: kind for kind in model.nodes if kind.text_indexed}
        statements += [cypher.fulltext_index(kind) for kind in texts.values()]
    return statements


@dataclass(frozen=True)
class Declared:
    """What a store shows of its schema, the same way on both backends: unique
    constraints and indexes as (labels or types, properties), full-text index names."""

    unique: frozenset[tuple[tuple[str, ...], tuple[str, ...]]]
    indexes: frozenset[tuple[tuple[str, ...], tuple[str, ...]]]
    fulltext: frozenset[str]


def declared(store: Store) -> Declared:
    """The store's constraints and indexes (Neo4j's token lookup indexes, which name no
    label, left out)."""
    unique = frozenset(
        (tuple(r["labelsOrTypes"]), tuple(r["properties"]))
        for r in store.read(cypher.SHOW_CONSTRAINTS)
        if r.get("labelsOrTypes") and r.get("properties")
    )
    rows = [r for r in store.read(cypher.SHOW_INDEXES) if r.get("labelsOrTypes")]
    indexes = frozenset(
        (tuple(r["labelsOrTypes"]), tuple(r["properties"]))
        for r in rows
        if r.get("properties") and str(r.get("type", "")).upper() != "FULLTEXT"
    )
    fulltext = frozenset(
        str(r["name"]) for r in rows if str(r.get("type", "")).upper() == "FULLTEXT"
    )
    return Declared(unique, indexes, fulltext)


def _baseline(store: Store) -> None:
    """Version 1: the schema above, nothing else to move."""


def _pseudonym_numbers(store: Store) -> None:
    """Version 2: every person gets the number of its pseudonym."""
    pseudonyms.number_all(store)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "baseline schema", _baseline),
    Migration(2, "pseudonym numbers for persons", _pseudonym_numbers),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


@dataclass(frozen=True)
class Outcome:
    before: int
    after: int
    applied: tuple[str, ...]


def current_version(store: Store) -> int:
    rows = store.read(cypher.SCHEMA_VERSION_READ, id=SCHEMA_NODE_ID)
    return int(rows[0]["version"]) if rows and rows[0]["version"] is not None else 0


def _declare(store: Store, statement: str) -> None:
    """Run one IF NOT EXISTS statement; a process declaring the same thing at the same
    moment can make it fail once, so it is tried again before giving up."""
    for attempt in range(3):
        try:
            store.write(statement)
            return
        except StoreError:
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))


def _declare_counter(store: Store) -> None:
    for attempt in range(3):
        try:
            store.write(access_q.SEQUENCE_ENSURE, id=pseudonyms.SEQUENCE_ID)
            return
        except (ConflictError, StoreError):  # another process created it this instant
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))


def migrate(store: Store) -> Outcome:
    """Bring the store to ``SCHEMA_VERSION``; running it again changes nothing.

    Several processes may start on one store at once (the server and ``ingest``): the
    schema statements are idempotent, and a version step another process has just
    recorded is taken as done.
    """
    for statement in schema_statements(backend=store.backend):
        _declare(store, statement)
    # counters exist before any writer needs them, so writers only ever update them
    _declare_counter(store)
    before = current_version(store)
    applied: list[str] = []
    rows = store.read(cypher.SCHEMA_VERSION_READ, id=SCHEMA_NODE_ID)
    history = list(rows[0]["applied"] or []) if rows else []
    for step in MIGRATIONS:
        if step.version > before:
            step.apply(store)
            history.append(f"{step.version}: {step.name}")
            try:
                store.write(
                    cypher.SCHEMA_VERSION_WRITE,
                    id=SCHEMA_NODE_ID,
                    version=step.version,
                    applied=history,
                    now=utc_now(),
                )
            except ConflictError:  # another process recorded it first
                if current_version(store) < step.version:
                    raise
                continue
            applied.append(step.name)
    return Outcome(before, current_version(store), tuple(applied))


def open_store(config: StoreConfig, *, wait: float = 0.0) -> Store:
    """Open the store and bring its schema up to date. With ``wait`` (batch jobs), each
    call waits that long for a store that stopped answering (``Store.open``)."""
    store = Store.open(config, wait=wait)
    try:
        migrate(store)
    except BaseException:
        store.close()
        raise
    return store
