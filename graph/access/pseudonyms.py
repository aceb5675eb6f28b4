"""Pseudonyms for natural persons: "Persona 17", the same for one person always, never
the same for two.

Every person gets the next number of one counter (a ``Sequence`` node) in the very
transaction that creates it (``graph.store.repository.write_nodes`` calls ``number``), so no
person is ever without one and two transactions cannot hand out the same number: both
write the counter, so one of them is retried. Numbers say nothing about the person (the
order of arrival only) and are never reused, merges and splits included.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.cypher import access as cypher
from graph.store.bolt import Store, Tx

SEQUENCE_ID = "seq_pseudonym"
WORD = "Persona"


def label(number: int) -> str:
    return f"{WORD} {number}"


def _assign(tx: Tx, ids: Sequence[str]) -> int:
    if not ids:
        return 0
    top = int(tx.run(cypher.SEQUENCE_BUMP, id=SEQUENCE_ID, by=len(ids))[0]["value"])
    first = top - len(ids) + 1
    rows = [{"id": pid, "no": first + i} for i, pid in enumerate(ids)]
    done = tx.run(cypher.PERSONS_NUMBER, rows=rows)
    return int(done[0]["numbered"]) if done else 0


def number(tx: Tx, ids: Sequence[str]) -> int:
    """Give a number to those of these persons that have none; returns how many."""
    fresh = [str(r["id"]) for r in tx.run(cypher.PERSONS_UNNUMBERED, ids=list(ids))]
    return _assign(tx, fresh)


def number_all(store: Store) -> int:
    """Number every person still without one (stores from before pseudonyms existed)."""

    def work(tx: Tx) -> int:
        return _assign(tx, [str(r["id"]) for r in tx.run(cypher.ALL_PERSONS_UNNUMBERED)])

    return store.transaction(work)
