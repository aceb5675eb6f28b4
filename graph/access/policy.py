"""What each role may see of the graph: the ``Viewer`` every read is made for.

``schema.roles`` says which fields a role may call; this says what those fields show.
The read side (``graph.cypher.visibility``, ``graph.reads``) builds its statements from the
viewer, so what a role may not see is never read for it:

- ``sealed_visible``: sealed complaints exist for the viewer. When false, a sealed
  complaint, every fact supported only by sealed complaints, and every node that only
  sealed complaints name are left out of every statement (trainers).
- ``sealed_text``: the viewer may read what sealed complaints say (their text, the quotes
  of evidence taken from them, incident summaries drawn from them). Analysts see sealed
  complaints exist, and what was extracted from them, but not their words.
- ``pseudonyms``: which natural persons are shown as "Persona N" (their ``pseudonym_no``):
  none, the protected ones (analysts), or all (trainers). Their names and aliases are
  replaced in the statements themselves, names are not searchable or sortable for them,
  and free text that could name them is redacted (``graph.access.redaction``).
- ``hidden_kinds``: kinds the viewer never sees at all (merge records carry the aliases
  a merge added; alerts are the operations of the early-warning procedure).
- ``notes``: whether free-text notes written by staff are shown (redacted); trainers get
  none — teaching material has no use for them, and they may name anyone.

Roles the table keeps away from the graph (intake, admin) and requests without a role
get ``NOBODY``: nothing at all, so a path the table forgot still shows nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from graph.model import ROLES


class Pseudonyms(StrEnum):
    NONE = "none"
    PROTECTED = "protected"
    ALL = "all"


@dataclass(frozen=True)
class Viewer:
    role: str
    sees_graph: bool = True
    sealed_visible: bool = False
    sealed_text: bool = False
    pseudonyms: Pseudonyms = Pseudonyms.ALL
    hidden_kinds: frozenset[str] = field(default_factory=frozenset)
    notes: bool = False

    @property
    def pseudonymises(self) -> bool:
        return self.pseudonyms is not Pseudonyms.NONE

    @property
    def unrestricted(self) -> bool:
        """Sees everything as stored (prosecutors; the command line)."""
        return (
            self.sees_graph
            and self.sealed_visible
            and self.sealed_text
            and not self.pseudonymises
            and not self.hidden_kinds
            and self.notes
        )


PROSECUTOR = Viewer(
    "prosecutor", sealed_visible=True, sealed_text=True, pseudonyms=Pseudonyms.NONE, notes=True
)
ANALYST = Viewer(
    "analyst",
    sealed_visible=True,
    sealed_text=False,
    pseudonyms=Pseudonyms.PROTECTED,
    hidden_kinds=frozenset({"ActorMerge"}),
    notes=True,
)
TRAINER = Viewer(
    "trainer",
    sealed_visible=False,
    sealed_text=False,
    pseudonyms=Pseudonyms.ALL,
    hidden_kinds=frozenset({"ActorMerge", "Alert"}),
    notes=False,
)
NOBODY = Viewer("nobody", sees_graph=False)

VIEWERS: dict[str, Viewer] = {v.role: v for v in (PROSECUTOR, ANALYST, TRAINER)}
assert set(VIEWERS) <= set(ROLES)

# The command line and the background jobs (alerts, exports as prosecutor) read as this.
FULL = PROSECUTOR


def viewer_for(role: str | None) -> Viewer:
    """The viewer of ``role``: intake, admin, unknown roles and no role see nothing."""
    return VIEWERS.get(role or "", NOBODY)
