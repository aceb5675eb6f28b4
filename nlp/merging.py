"""One incident per event: drafts of the same act, told in several sentences, merged."""

from __future__ import annotations

from dataclasses import dataclass

from nlp.lexicon.incidents import SEVERITY
from nlp.result import Incident
from nlp.roles import family_of


@dataclass
class Draft:
    """An incident while the document is read, with what decides how it merges."""

    inc: Incident
    weak: bool  # the parse gave it no participant: a mention of an act, not its telling
    noun: bool  # named by a noun ("el asesinato", "the attack")
    own_date: bool  # its date is written in its own sentence
    headline: bool = False  # in the piece's title: names what the body tells


def _compatible(x: Draft, y: Draft) -> bool:
    """Two tellings of one event: one act family, no victim against victim, no date
    against date (a person is killed once, whatever dates the tellings carry); a date
    carried over from an earlier sentence does not count against another."""
    a, b = x.inc, y.inc
    strict_dates = x.own_date and y.own_date
    if family_of(a.type) != family_of(b.type):
        return False
    shared = set(a.victims) & set(b.victims)
    # persons against persons: "cuatro dirigentes del Frente resultaron heridos" and "A, B,
    # C y D fueron atendidos" are one attack on the Frente's people
    va = [k for k in a.victims if k.startswith("person:")]
    vb = [k for k in b.victims if k.startswith("person:")]
    if va and vb and not set(va) & set(vb) and a.evidence.start != b.evidence.start:
        return False
    if family_of(a.type) == "killing" and shared:
        return True
    if a.type != b.type and a.victims and b.victims and not shared:
        return False  # one killed, another wounded: two (event, type) pairs
    same_sentence = a.evidence.start == b.evidence.start
    if same_sentence and not (
        a.perpetrators and b.perpetrators and not set(a.perpetrators) & set(b.perpetrators)
    ):
        return True  # "B was shot; C and D were also wounded": one attack
    if a.perpetrators and b.perpetrators and not set(a.perpetrators) & set(b.perpetrators):
        return False  # two authors, two acts
    named_a = bool(va or a.perpetrators)
    named_b = bool(vb or b.perpetrators)
    if (
        not (x.weak or y.weak)
        and named_a
        and named_b
        and not shared
        and not set(a.perpetrators) & set(b.perpetrators)
    ):
        return False  # two tellings naming parties must share one to be one act
    if strict_dates and a.date and b.date:
        return a.date == b.date
    # two acts each told by its own verb, not dated alike ("la denunció", "la detuvieron",
    # "la citaron"): two steps of a story, unless one only names the other
    return (
        family_of(a.type) == "killing"
        or x.weak
        or y.weak
        or x.noun
        or y.noun
        or (x.own_date and y.own_date)
    )


def _absorb(into: Draft, other: Draft) -> None:
    """One incident carrying both tellings: the graver type, the better date, every party."""
    a, b = into.inc, other.inc
    if not other.weak and (
        SEVERITY.get(b.type, 0) > SEVERITY.get(a.type, 0)
        or (a.type == "attempted_killing" and b.type == "killing")
    ):
        a.type = b.type
    if b.date and (
        not a.date
        or (other.own_date and not into.own_date and not other.weak)
        or (other.own_date and not other.weak and len(b.date) > len(a.date))
    ):
        a.date, a.date_precision = b.date, b.date_precision
        into.own_date = into.own_date or other.own_date
    if a.place is None:
        a.place = b.place
    for name in ("perpetrators", "victims", "witnesses", "unnamed_perpetrators"):
        mine: list[str] = getattr(a, name)
        mine += [k for k in getattr(b, name) if k not in mine]
    a.suspects += [k for k in b.suspects if k not in a.suspects and k not in a.perpetrators]
    a.suspects = [k for k in a.suspects if k not in a.perpetrators]
    a.witnesses = [k for k in a.witnesses if k not in a.perpetrators and k not in a.victims]
    if b.evidence.confidence > a.evidence.confidence and into.weak and not other.weak:
        a.evidence = b.evidence
    into.weak = into.weak and other.weak


def one_per_event(drafts: list[Draft]) -> list[Incident]:
    """Mentions of one act become one incident: tellings with participants merge when they
    agree; a mention with none (a headline, "la escena del crimen", "one day before his
    killing") joins the nearest telling of its act, and a noun alone opens none."""
    kept: list[Draft] = []
    for d in drafts:
        if d.weak:
            continue
        home = next((k for k in kept if _compatible(k, d)), None)
        if home is None:
            kept.append(d)
        else:
            _absorb(home, d)
    for d in drafts:
        if not d.weak:
            continue
        homes = [k for k in kept if _compatible(k, d)]
        if homes:
            start = d.inc.evidence.start
            _absorb(
                min(
                    homes,
                    key=lambda k: (k.inc.type != d.inc.type, abs(k.inc.evidence.start - start)),
                ),
                d,
            )
        elif not d.headline and (not d.noun or d.own_date):
            kept.append(d)  # a verb, or a dated noun, outside a headline tells an act
    kept.sort(key=lambda k: k.inc.evidence.start)
    return [k.inc for k in kept]
