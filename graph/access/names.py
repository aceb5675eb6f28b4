"""Every person's names, ready for redaction, kept while the store has not changed.

The redaction of one complaint's words uses the persons that complaint names
(``graph.reads.complaint_disclosures``, with their spans). This is the second net: the
names and aliases of *every* person (for viewers who see all persons under pseudonyms)
or of every protected person (for analysts), so a person extraction missed in one text
but knows from another is still replaced.

Names of other nodes may hold a person's name too: extraction can take a person for an
organisation, a locality may be "Loayza afirmó además", a dispute may be named after a
landowner, an office after its head. ``screen`` redacts them (``SCREENED``: the kinds
and the properties shown), and ``Screen`` lists, for a viewer, every node whose shown
values differ from the stored ones, so that filters, sorts and search match and sort
those nodes by what the viewer sees, never by the stored name (``graph.cypher.filters``).

Compiling the patterns of thousands of names takes a moment, so the redactors and
screens are kept, one set per store whichever ``NameIndex`` asks, until a write through
this ``Store`` (its ``generation``) or, for writes by other processes, a change in the
count or last update of persons or of screened nodes, checked at most every
``check_every`` seconds.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from graph.access.policy import Pseudonyms, Viewer
from graph.access.pseudonyms import label
from graph.access.redaction import Redactor, Subject
from graph.cypher import names as q
from graph.cypher.visibility import Screen
from graph.store.bolt import Store
from graph.store.repository import NodeView
from nlp.text import fold

# Kinds whose shown values are not persons' names but may hold one, and those values.
SCREENED: dict[str, tuple[str, ...]] = {
    "Organization": ("name", "aliases", "acronym"),
    "Community": ("name", "aliases", "people", "titling_status"),
    "LandDispute": ("name",),
    "Place": ("name",),
    "Case": ("file_number", "office"),
    "ProtectionMeasure": ("kind", "authority"),
}
_NORMS = {"name": "name_norm", "aliases": "aliases_norm"}


def public(view: NodeView) -> bool:
    """A place of the official gazetteer (it has a UBIGEO code) bears a public name that
    names no one: it is shown as it is (redacting "Satipo" would only tell which person
    is called so)."""
    return view.kind == "Place" and bool(view.props.get("ubigeo"))


def screen(view: NodeView, redactor: Redactor) -> NodeView:
    """``view`` with persons' names redacted from every value its kind shows that may
    hold one (``SCREENED``); the folded copies follow the redacted values."""
    shown = SCREENED.get(view.kind)
    if shown is None or not redactor or public(view):
        return view
    props = dict(view.props)
    for key in shown:
        value = props.get(key)
        if isinstance(value, str):
            props[key] = redactor.redact(value)
        elif isinstance(value, list | tuple):
            props[key] = [redactor.redact(str(v)) for v in value]
        else:
            continue
        norm = _NORMS.get(key)
        if norm is not None and norm in props:
            value = props[key]
            props[norm] = fold(value) if isinstance(value, str) else [fold(v) for v in value]
    if props == view.props:
        return view
    return NodeView(view.kind, view.labels, props)


def subjects(rows: list[dict[str, Any]]) -> list[Subject]:
    return [
        Subject(label(int(r["no"])), (str(r["name"]), *(r["aliases"] or [])))
        for r in rows
        if r["no"] is not None and r["name"]
    ]


class _Built:
    """One redactor (and, once asked for, its screen) and what it was built from."""

    def __init__(self, generation: int, fingerprint: tuple[Any, ...], redactor: Redactor) -> None:
        self.generation = generation
        self.fingerprint = fingerprint
        self.checked = time.monotonic()
        self.redactor = redactor
        self.screen: Screen | None = None


class _Shared:
    """What every ``NameIndex`` of one store shares."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.built: dict[bool, _Built] = {}
        self.builds = 0
        self.screens = 0


_SHARED: weakref.WeakKeyDictionary[Store, _Shared] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def _shared(store: Store) -> _Shared:
    with _SHARED_LOCK:
        found = _SHARED.get(store)
        if found is None:
            found = _SHARED[store] = _Shared()
        return found


class NameIndex:
    """Redactors of all persons and of protected persons for one store, and the screens
    of other nodes' names they make."""

    def __init__(self, store: Store, *, check_every: float = 30.0) -> None:
        self._store = store
        self._check_every = check_every
        self._shared = _shared(store)

    @property
    def builds(self) -> int:
        return self._shared.builds

    def _fingerprint(self) -> tuple[Any, ...]:
        out: list[Any] = []
        for statement in q.names_fingerprints(SCREENED):
            row = self._store.read(statement)[0]
            out += [row["count"], row["last"]]
        return tuple(out)

    def _current(self, protected_only: bool) -> _Built:
        """The redactor's build, rebuilt if the store changed (call under the lock)."""
        shared = self._shared
        built = shared.built.get(protected_only)
        now = time.monotonic()
        if built is not None and built.generation == self._store.generation:
            if now - built.checked < self._check_every:
                return built
            if self._fingerprint() == built.fingerprint:
                built.checked = now
                return built
        generation = self._store.generation  # read before: a write meanwhile shows
        fingerprint = self._fingerprint()
        statement = q.PROTECTED_PERSONS if protected_only else q.ALL_PERSONS
        redactor = Redactor(subjects(self._store.read(statement)))
        shared.builds += 1
        built = shared.built[protected_only] = _Built(generation, fingerprint, redactor)
        return built

    def redactor(self, *, protected_only: bool) -> Redactor:
        with self._shared.lock:
            return self._current(protected_only).redactor

    def screen(self, *, protected_only: bool) -> Screen:
        """The nodes whose shown values differ from the stored ones, as shown."""
        with self._shared.lock:
            built = self._current(protected_only)
            if built.screen is None:
                built.screen = self._build_screen(built.redactor)
                self._shared.screens += 1
            return built.screen

    def _build_screen(self, redactor: Redactor) -> Screen:
        if not redactor:
            return Screen()
        changed: dict[str, NodeView] = {}
        for label_, kinds in q.screened_labels(SCREENED).items():
            for r in self._store.read(q.screened_nodes(label_, kinds)):
                view = NodeView(str(r["kind"]), tuple(r["labels"]), dict(r["props"]))
                shown = screen(view, redactor)
                if shown is not view:
                    changed[view.id] = shown
        return Screen(changed)


def index(store: Store) -> NameIndex:
    """The names of ``store`` (every ``NameIndex`` of a store shares its builds)."""
    return NameIndex(store)


def screen_for(store: Store, viewer: Viewer) -> Screen:
    """What ``viewer`` sees of screened nodes' names (empty for viewers who see every
    name)."""
    if not viewer.pseudonymises:
        return Screen()
    protected_only = viewer.pseudonyms is Pseudonyms.PROTECTED
    return index(store).screen(protected_only=protected_only)


def redactor_for(store: Store, viewer: Viewer) -> Redactor:
    """The redactor of every person ``viewer`` sees under a pseudonym."""
    if not viewer.pseudonymises:
        return Redactor([])
    return index(store).redactor(protected_only=viewer.pseudonyms is Pseudonyms.PROTECTED)
