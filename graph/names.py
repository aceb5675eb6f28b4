"""Every person's names, ready for redaction, kept while the store has not changed.

The redaction of one complaint's words uses the persons that complaint names
(``graph.reads.complaint_disclosures``, with their spans). This is the second net: the
names and aliases of *every* person (for viewers who see all persons under pseudonyms)
or of every protected person (for analysts), so a person extraction missed in one text
but knows from another is still replaced. Compiling the patterns of thousands of names
takes a moment, so the redactors are kept until a write through this ``Store`` (its
``generation``) or, for writes by other processes, a change in the persons' count or
last update, checked at most every ``check_every`` seconds.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from graph import cypher_read as q
from graph.pseudonyms import label
from graph.redaction import Redactor, Subject
from graph.repository import NodeView
from graph.store import Store

# Kinds whose names are not persons' but may hold one (extraction can take a person for
# an organisation, and a dispute may be named after a landowner).
SCREENED = frozenset({"Organization", "Community", "LandDispute"})


def screen(view: NodeView, redactor: Redactor) -> NodeView:
    """``view`` with persons' names redacted from its name and aliases (if its kind's
    names may hold one)."""
    if view.kind not in SCREENED or not redactor:
        return view
    props = dict(view.props)
    for key in ("name", "name_norm"):
        if isinstance(props.get(key), str):
            props[key] = redactor.redact(props[key])
    for key in ("aliases", "aliases_norm"):
        if props.get(key):
            props[key] = [redactor.redact(str(a)) for a in props[key]]
    return NodeView(view.kind, view.labels, props)


def subjects(rows: list[dict[str, Any]]) -> list[Subject]:
    return [
        Subject(label(int(r["no"])), (str(r["name"]), *(r["aliases"] or [])))
        for r in rows
        if r["no"] is not None and r["name"]
    ]


class NameIndex:
    """Redactors of all persons and of protected persons for one store."""

    def __init__(self, store: Store, *, check_every: float = 30.0) -> None:
        self._store = store
        self._check_every = check_every
        self._lock = threading.Lock()
        self._built: dict[bool, tuple[int, tuple[Any, ...], float, Redactor]] = {}
        self.builds = 0

    def _fingerprint(self) -> tuple[Any, ...]:
        row = self._store.read(q.PERSONS_FINGERPRINT)[0]
        return (row["persons"], row["last"])

    def redactor(self, *, protected_only: bool) -> Redactor:
        with self._lock:
            now = time.monotonic()
            built = self._built.get(protected_only)
            if built is not None and built[0] == self._store.generation:
                generation, fingerprint, checked, redactor = built
                if now - checked < self._check_every:
                    return redactor
                if self._fingerprint() == fingerprint:
                    self._built[protected_only] = (generation, fingerprint, now, redactor)
                    return redactor
            generation = self._store.generation  # read before: a write meanwhile shows
            fingerprint = self._fingerprint()
            statement = q.PROTECTED_PERSONS if protected_only else q.ALL_PERSONS
            redactor = Redactor(subjects(self._store.read(statement)))
            self.builds += 1
            self._built[protected_only] = (generation, fingerprint, now, redactor)
            return redactor
