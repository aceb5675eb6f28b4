"""Free text as the request's viewer may read it: complaint texts, evidence quotes,
incident summaries, staff notes.

The statements already leave out what the viewer may not see (``graph.access.policy``); text
is the one thing a statement cannot pseudonymise, since names sit inside it. Here each
text is checked against the complaints it comes from (a sealed one's words are
withheld from viewers who may not read them) and redacted (``graph.access.redaction``) twice:
with the persons those complaints name (their mention spans first, then their names),
then with the names of every person the viewer sees under a pseudonym (``graph.access.names``:
every person for trainers, every protected person for analysts), which catches a
person extraction missed in this text but knows from another. A prosecutor's request
reads nothing extra.
"""

from __future__ import annotations

from graph.access.policy import Pseudonyms
from graph.access.redaction import Redactor
from graph.reads import Disclosure
from schema.context import Context
from schema.threads import in_thread


async def _redact(ctx: Context, text: str, disclosure: Disclosure, whole: bool) -> str:
    if disclosure.subjects:
        text = Redactor(disclosure.subjects).redact(text, spans=whole)
    protected_only = ctx.viewer.pseudonyms is Pseudonyms.PROTECTED
    every = await in_thread(ctx.services.name_index().redactor, protected_only=protected_only)
    return every.redact(text)


async def complaint_visible(ctx: Context, complaint_id: str) -> bool:
    """Whether the viewer may see the complaint at all (evidence from others is left out)."""
    if ctx.viewer.sealed_visible:
        return True
    return await ctx.complaint_disclosures.load(complaint_id) is not None


async def from_complaint(
    ctx: Context, complaint_id: str, text: str | None, *, whole: bool = False
) -> str | None:
    """``text`` taken from a complaint (its ``whole`` text, or a quote of it), as the
    viewer may read it; None when the viewer may not see or read that complaint."""
    viewer = ctx.viewer
    if text is None or viewer.unrestricted:
        return text
    disclosure = await ctx.complaint_disclosures.load(complaint_id)
    if disclosure is None or not disclosure.readable(viewer):
        return None
    if not viewer.pseudonymises:
        return text
    return await _redact(ctx, text, disclosure, whole)


async def from_incident(ctx: Context, incident_id: str, text: str | None) -> str | None:
    """An incident's summary (a sentence of a complaint that reports it)."""
    viewer = ctx.viewer
    if text is None or viewer.unrestricted:
        return text
    disclosure = await ctx.incident_disclosures.load(incident_id)
    if disclosure is None or not disclosure.readable(viewer):
        return None
    if not viewer.pseudonymises:
        return text
    return await _redact(ctx, text, disclosure, False)


async def generated(ctx: Context, text: str) -> str:
    """Words the system wrote from stored names (a risk factor's detail names land
    disputes, which may be named after a person): redacted for viewers who see persons
    under pseudonyms, never withheld."""
    if ctx.viewer.unrestricted or not ctx.viewer.pseudonymises:
        return text
    return await _redact(ctx, text, Disclosure((), ()), False)


async def note(ctx: Context, text: str | None) -> str | None:
    """A note staff wrote (a review note, a consultation, a reason): withheld from
    viewers who get no notes, redacted for the others."""
    viewer = ctx.viewer
    if text is None or viewer.unrestricted:
        return text
    if not viewer.notes:
        return None
    if not viewer.pseudonymises:
        return text
    return await _redact(ctx, text, Disclosure((), ()), False)
