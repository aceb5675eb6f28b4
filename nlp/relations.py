"""Membership and employment ("X, apu de la Comunidad Nativa Y"), what a person is
(defender, gender, people), and land disputes named or implied."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from nlp.gazetteers import Gazetteer
from nlp.lexicon.relations import (
    AFTER_RE,
    BEFORE_RE,
    DEFENDER_AFTER,
    DEFENDER_BEFORE,
    DEFENDER_ROLES,
    DISPUTE_CUES,
    DRIVERS,
    EMPLOYEE_ROLES,
    FEMALE_APPOSITION,
    FEMALE_CUES,
    MALE_APPOSITION,
    MALE_CUES,
    OFFICIAL_WORDS,
    OTHER_SIDE,
    ROLE_RE,
    SUSPECT_AFTER,
    SUSPECT_BEFORE,
    SUSPECT_WORDS,
)
from nlp.patterns import doc_text
from nlp.result import Dispute, Entity, Evidence, Incident, Relation
from nlp.text import fold


def _sentence_of(doc: Doc, start: int) -> tuple[int, int, str]:
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    sent = span.sent if span is not None else doc[:]
    return sent.start_char, sent.end_char, sent.text


def describe(doc: Doc, entities: list[Entity], gaz: Gazetteer) -> None:
    """Set defender, gender and people on persons (and people on communities)."""
    text = doc_text(doc)
    persons = [e for e in entities if e.type == "person"]
    suspect_cues = [(c.start(), c.end()) for c in SUSPECT_WORDS.finditer(text)]
    for e in entities:
        if e.type not in {"person", "community"}:
            continue
        for m in e.mentions:
            before = text[max(0, m.start - 40) : m.start]
            after = text[m.end : m.end + 80]
            window = before + " " + after
            if e.type == "person":
                if OFFICIAL_WORDS.search(before):
                    e.official = True
                elif _described_as_suspect(before, after) or (
                    _nearest_person(persons, m.start, m.end, suspect_cues) is e
                    and _described_as_suspect(before[-45:], after[:45], loose=True)
                ):
                    e.suspect = True
                elif (
                    DEFENDER_BEFORE.search(before[-60:]) or DEFENDER_AFTER.search(after)
                ) and not OTHER_SIDE.search(before[-40:] + " " + after[:70]):
                    e.defender = True
                if e.gender is None:
                    near = before[-30:]
                    if FEMALE_CUES.search(near) or FEMALE_APPOSITION.search(after):
                        e.gender = "female"
                    elif MALE_CUES.search(near) or MALE_APPOSITION.search(after):
                        e.gender = "male"
            if e.people is None:
                for word in re.findall(r"[\wáéíóúñÁÉÍÓÚÑ'-]+", window):
                    people = gaz.peoples.get(fold(word))
                    if people is not None:
                        e.people = people
                        break


def _described_as_suspect(before: str, after: str, loose: bool = False) -> bool:
    """A suspect cue in the name's own phrase: "el traficante X", "X, alias …", "X (a) …",
    "X, presunto autor …" — not a cue in another clause ("fueron atacados por invasores")."""
    if SUSPECT_BEFORE.search(before) or SUSPECT_AFTER.search(after):
        return True
    return loose and bool(re.search(r"\balias\b|\(a\)", before[-20:] + after[:20]))


def _nearest_person(
    persons: list[Entity], start: int, end: int, cues: list[tuple[int, int]]
) -> Entity | None:
    """The person a cue near ``start..end`` describes: the mention closest to the cue."""
    for a, b in cues:
        if b < start - 45 or a > end + 45:
            continue
        best: tuple[int, Entity] | None = None
        for p in persons:
            for m in p.mentions:
                gap = min(abs(a - m.end), abs(m.start - b))
                if best is None or gap < best[0]:
                    best = (gap, p)
        if best is not None:
            return best[1]
    return None


def relations(doc: Doc, entities: list[Entity]) -> list[Relation]:
    """member_of / works_for from "PERSON, ROLE de/of GROUP" within a sentence."""
    text = doc_text(doc)
    groups = [e for e in entities if e.type in {"community", "organization"}]
    out: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for person in (e for e in entities if e.type == "person"):
        for m in person.mentions:
            s_start, s_end, sentence = _sentence_of(doc, m.start)
            for g in groups:
                for gm in g.mentions:
                    if not s_start <= gm.start < s_end:
                        continue
                    if gm.start > m.end:
                        between = text[m.end : gm.start]
                    elif gm.end <= m.start:
                        between = text[gm.end : m.start]  # "el apu de X, Teodoro …"
                    else:
                        continue
                    if len(between) > 70 or between.count(",") > 2:
                        continue
                    if gm.start > m.end:  # "X, apu de la Comunidad Y" / "X (apu of Y)"
                        shape = AFTER_RE.fullmatch(between)
                    else:  # "el apu de Y, X" / "Y's leader X"
                        shape = BEFORE_RE.fullmatch(between)
                    if shape is None:
                        continue
                    role = ROLE_RE.search(between)
                    role_text = fold(role.group("role")) if role else None
                    rtype = (
                        "works_for"
                        if (
                            role_text in EMPLOYEE_ROLES
                            or g.kind
                            in {
                                "company",
                                "police",
                                "military",
                                "state_agency",
                                "prosecutor_office",
                            }
                        )
                        and g.type == "organization"
                        else "member_of"
                    )
                    if (person.key, g.key) in seen:
                        continue
                    seen.add((person.key, g.key))
                    if role_text in DEFENDER_ROLES and rtype == "member_of":
                        person.defender = True
                    ev = Evidence(
                        min(m.start, gm.start),
                        max(m.end, gm.end),
                        sentence,
                        s_start,
                        "rule",
                        0.75 if role else 0.6,
                    )
                    out.append(Relation(rtype, person.key, g.key, role_text, ev))
    return out


def disputes(doc: Doc, entities: list[Entity], incidents: list[Incident]) -> list[Dispute]:
    """A land dispute per community and driver the text names or implies."""
    text = doc_text(doc)
    if not DISPUTE_CUES.search(text):
        return []
    communities = [e for e in entities if e.type == "community"]
    opponents = [
        e
        for e in entities
        if e.type == "organization" and e.kind in {"company", "criminal_group", "armed_group"}
    ]
    perps = {k for i in incidents for k in i.perpetrators}
    opponents += [e for e in entities if e.type == "person" and e.key in perps]
    if not communities:
        return []
    found: list[Dispute] = []
    for driver, pattern in DRIVERS:
        m = pattern.search(text)
        if m is None:
            continue
        s_start, _s_end, sentence = _sentence_of(doc, m.start())
        parties = [c.key for c in communities] + [o.key for o in opponents]
        ev = Evidence(m.start(), m.end(), sentence, s_start, "rule", 0.6)
        found.append(Dispute(driver, parties, ev))
        break  # the first driver the text names is the dispute's
    return found
