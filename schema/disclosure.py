"""Free text as the request's viewer may read it: complaint texts, evidence quotes,
incident summaries, staff notes.

The statements already leave out what the viewer may not see (``graph.policy``); text
is the one thing a statement cannot pseudonymise, since names sit inside it. Here each
text is checked against the complaints it comes from (a sealed one's words are
withheld from viewers who may not read them) and redacted (``graph.redaction``) with
the persons the viewer sees under pseudonyms: those the complaints name, and for
analysts every protected person. A prosecutor's request reads nothing extra.
"""

from __future__ import annotations

from graph.policy import Pseudonyms
from graph.reads import Disclosure
from graph.redaction import Redactor, Subject
from schema.context import Context


async def _redactor(ctx: Context, disclosure: Disclosure) -> Redactor:
    subjects: tuple[Subject, ...] = disclosure.subjects
    if ctx.viewer.pseudonyms is Pseudonyms.PROTECTED:
        subjects = (*subjects, *(await ctx.protected_subjects()))
    return Redactor(subjects)


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
    return (await _redactor(ctx, disclosure)).redact(text, spans=whole)


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
    return (await _redactor(ctx, disclosure)).redact(text)


async def note(ctx: Context, text: str | None) -> str | None:
    """A note staff wrote (a review note, a consultation, a reason): withheld from
    viewers who get no notes, redacted of protected persons for the others."""
    viewer = ctx.viewer
    if text is None or viewer.unrestricted:
        return text
    if not viewer.notes or viewer.pseudonyms is Pseudonyms.ALL:
        return None  # no note can be redacted of every person who may be in it
    if not viewer.pseudonymises:
        return text
    return (await _redactor(ctx, Disclosure((), ()))).redact(text)
