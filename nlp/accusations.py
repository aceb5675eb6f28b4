"""Accusations and arrests: who a sentence accuses of which act.

Arrests are attributed to the act they are for; when its sentences name no perpetrator, the
document's likely perpetrator fills the incident.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from nlp.dates import DateMention
from nlp.lexicon.accusations import (
    ACCUSE_RE,
    ACCUSED_RELATIVE_RE,
    ACT_WORDS,
    CLITIC,
    FILED_ACTIVE_RE,
    FILED_BY_RE,
    IDENTIFIED_RE,
    SENDER,
)
from nlp.lexicon.incidents import TRIGGERS
from nlp.result import Entity, Evidence, Incident, Relation
from nlp.roles import family_of, in_sentence, place_for, roles
from nlp.text import fold
from nlp.triggers import Trigger


def act_of(phrase: str) -> str:
    """The act an arrest is for: the first act word from the phrase on."""
    for word in re.findall(r"[\wáéíóú]+", fold(phrase)):
        if word in ACT_WORDS:
            return ACT_WORDS[word]
    return "killing"


def arrests_in(
    sent: Span, triggers: list[Trigger], index: dict[int, str], entities: list[Entity]
) -> list[str]:
    """Who a sentence says was arrested, charged or named the alleged author."""
    held: list[str] = []
    for trig in triggers:
        if trig.type != "criminalisation":
            continue
        _, victims, _ = roles(trig, index)
        held += [k for k in victims if k not in held]
    if not held:  # "X, presunto autor del crimen": the person the phrase describes
        for e in in_sentence(entities, sent, {"person"}):
            if e.suspect and e.key not in held:
                held.append(e.key)
    return held


def attribute_arrests(
    incidents: list[Incident],
    arrested: list[tuple[str, list[str], int, list[DateMention], Span]],
    places: list[Entity],
) -> None:
    """ "X fue detenido como presunto autor del crimen", "denunció a X por amenazarlo":
    X is the alleged author of that act — of the nearest one told, else of an act of its
    own, dated by the sentence that attributes it when it gives a date."""
    for kind, persons, offset, dates, sent in arrested:
        acts = [i for i in incidents if kind == "*" or family_of(i.type) == family_of(kind)]
        if kind == "*" and not acts:
            continue
        if dates:  # "a complaint filed in 2022 by X": not the arrest of June 2023
            told = dates[0].value
            acts = [
                i for i in acts if not i.date or i.date.startswith(told) or told.startswith(i.date)
            ]
        if acts:
            act = min(acts, key=lambda i: abs(i.evidence.start - offset))
        else:
            date = dates[0] if dates else None
            place = place_for(sent, places)
            act = Incident(
                type=kind,
                evidence=Evidence(
                    sent.start_char, sent.end_char, sent.text, sent.start_char, "rule", 0.7
                ),
                date=date.value if date else None,
                date_precision=date.precision if date else "unknown",
                place=place.key if place else None,
            )
            incidents.append(act)
            incidents.sort(key=lambda i: i.evidence.start)
        for k in persons:
            if k in act.victims:  # "denunció a X por amenazarlo": not the one threatened
                act.victims.remove(k)
            if k not in act.perpetrators:
                act.perpetrators.append(k)
            if k in act.suspects:
                act.suspects.remove(k)
            if k in act.witnesses:
                act.witnesses.remove(k)


def find_accusations(sent: Span, entities: list[Entity]) -> list[tuple[str, list[str]]]:
    """Who a sentence accuses of which act: "denunció a X e Y por amenazarlo de muerte",
    "acusó a X de prender fuego a la vivienda", "X, a quien la familia acusa de haber
    mandado matar al dirigente", "identified the sender as X", "a complaint filed by X"
    (criminalisation). An act of "*" is the nearest act of any type."""
    out: list[tuple[str, list[str]]] = []
    base = sent.start_char
    for m in ACCUSED_RELATIVE_RE.finditer(sent.text):
        fired = m.group("act").lower() in {"firing", "fired"}
        act = "attempted_killing" if fired else _accused_act(m.group("act"))
        named = _named_before(entities, base, base + m.start() + 1, 80)
        if act is not None and named:
            out.append((act, named))
    for m in IDENTIFIED_RE.finditer(sent.text):
        named = _named_within(entities, base + m.start("who"), base + m.end("who"))
        if named:
            out.append(("threat" if SENDER.match(m.group("role")) else "*", named[:1]))
    for m in FILED_ACTIVE_RE.finditer(sent.text):
        named = _named_before(entities, base, base + m.start(), 90)
        if named:
            out.append(("criminalisation", named))
    for m in FILED_BY_RE.finditer(sent.text):
        named = _named_within(entities, base + m.start("who"), base + m.end("who"))
        if named:
            out.append(("criminalisation", named[:1]))
    for m in ACCUSE_RE.finditer(sent.text):
        act = _accused_act(m.group("act"))
        named = _named_within(entities, base + m.start("who"), base + m.end("who"))
        if act is not None and named:
            out.append((act, named))
    return out


def _named_within(entities: list[Entity], start: int, end: int) -> list[str]:
    """Persons and organisations with a mention inside ``start..end``, in order."""
    found = sorted(
        (x.start, e.key)
        for e in entities
        if e.type in {"person", "organization"}
        for x in e.mentions
        if start <= x.start and x.end <= end
    )
    return list(dict.fromkeys(k for _, k in found))


def _named_before(entities: list[Entity], floor: int, at: int, reach: int) -> list[str]:
    """The person or organisation named last before ``at`` (within ``reach`` characters,
    not before ``floor``)."""
    found = [
        (x.end, e.key)
        for e in entities
        if e.type in {"person", "organization"}
        for x in e.mentions
        if floor <= x.start and x.end <= at and at - x.end <= reach
    ]
    return [max(found)[1]] if found else []


def _accused_act(word: str) -> str | None:
    """The incident type an accusation names: a verb (clitics aside) or a noun."""
    folded = fold(word)
    if folded in ACT_WORDS:
        return ACT_WORDS[folded]
    if re.match(r"(?:prender|set) (?:fuego|fire)|incendi|quem|burn", folded):
        return "property_damage"
    bare = CLITIC.sub("", folded)
    for cand in (folded, bare, bare + "r" if bare.endswith(("a", "e", "i")) else bare):
        kind = TRIGGERS.get(cand)
        if kind is not None and kind != "criminalisation":
            return kind
    return None


def fill_from_document(
    incidents: list[Incident],
    defenders: list[Entity],
    entities: list[Entity],
    relations: list[Relation],
    officials: set[str],
) -> None:
    """An act whose sentence names no one: the document's main victim, and its main
    alleged perpetrator as a *suspect* (pending review: nothing counts it as an accusation)."""
    counts: dict[str, int] = {}
    for inc in incidents:
        for k in inc.perpetrators:
            counts[k] = counts.get(k, 0) + 1
    employees = {r.source for r in relations if r.type == "works_for"}
    main_perp = (
        max(counts, key=lambda k: counts[k]) if counts else _likely_perpetrator(entities, employees)
    )
    if main_perp in officials:
        main_perp = None
    named_perps = set(counts) | ({main_perp} if main_perp else set())
    persons = [
        e
        for e in entities
        if e.type == "person"
        and e.key not in named_perps
        and e.key not in employees
        and e.key not in officials
        and not e.suspect
    ]
    pool = defenders or persons
    main_victim = max(pool, key=lambda e: len(e.mentions)).key if pool else None
    for inc in incidents:
        if not inc.victims and main_victim is not None and main_victim not in inc.perpetrators:
            inc.victims = [main_victim]
            inc.evidence = _lower(inc.evidence)
        if (
            not inc.perpetrators
            and not inc.suspects
            and main_perp is not None
            and main_perp not in inc.victims
            and main_perp not in inc.witnesses
        ):
            inc.suspects = [main_perp]


def _likely_perpetrator(entities: list[Entity], employees: set[str]) -> str | None:
    """With no act naming its author: a person known by an alias, else a company or armed
    group, else someone working for one."""
    ranked: list[tuple[int, int, str]] = []
    for e in entities:
        score = 0
        if (
            e.type == "person"
            and (
                e.suspect
                or any(a[:1].islower() or a.lower().startswith(("el ", "la ")) for a in e.aliases)
            )
            and not e.defender
        ):
            score = 4
        elif e.type == "organization" and e.kind in {"criminal_group", "armed_group"}:
            score = 3
        elif e.type == "organization" and e.kind == "company":
            score = 2
        elif e.key in employees:
            score = 1
        if score:
            ranked.append((score, len(e.mentions), e.key))
    return max(ranked)[2] if ranked else None


def _lower(ev: Evidence) -> Evidence:
    return Evidence(
        ev.start, ev.end, ev.sentence, ev.sentence_start, ev.method, min(ev.confidence, 0.5)
    )
