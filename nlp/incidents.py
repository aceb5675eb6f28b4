"""Who did what to whom: incidents, their roles, dates and places, per sentence.

A trigger (a verb or noun lemma of an act: *asesinar*, *amenaza*, *evict*, …) opens an
incident in its sentence. Roles come from the dependency parse: the subject of an
active verb is the perpetrator and its object the victim; in a passive ("fue asesinado
por sicarios", "was shot dead by hitmen") the subject is the victim and the *por*/*by*
phrase the perpetrator — unless that phrase is a cause ("por un conflicto de tierras").
When the parse says nothing, entity kinds decide (a defender is a victim; police or a
company named next to the act are perpetrators), with a lower confidence.

The acts come from ``nlp.triggers``, the roles from ``nlp.roles``, accusations and arrests
from ``nlp.accusations``; ``nlp.merging`` keeps one incident per event; the words and
patterns they read are data in ``nlp.lexicon``.

Over 400 lines as one idea: one sentence's incidents are built in one pass (trigger,
roles, dates, places); typing, roles and accusations have modules of their own.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from nlp.accusations import (
    act_of,
    arrests_in,
    attribute_arrests,
    fill_from_document,
    find_accusations,
)
from nlp.dates import DateMention
from nlp.lexicon.accusations import (
    ARREST_FOR_RE,
    TARGET_PRONOUN,
)
from nlp.lexicon.incidents import (
    COMMUNITY_HARMS,
    GENERIC_RE,
    NOBODY_RE,
    STATE_VERBS,
    STATISTIC_RE,
    TRIGGERS,
)
from nlp.lexicon.roles import (
    AT_THEM,
    LINKED,
    PEOPLES_ORG,
    QUOTES,
    SPEECH_LEMMAS,
    SUSPECT_KINDS,
    TREATED_RE,
)
from nlp.merging import Draft, one_per_event
from nlp.patterns import doc_text
from nlp.result import Entity, Evidence, Incident, Relation
from nlp.roles import (
    in_sentence,
    last_person_before,
    listed_with,
    near_por,
    object_pronoun,
    place_for,
    pronoun_gender,
    roles,
    surface_agent,
    surface_patients,
    token_index,
    witnesses_in,
)
from nlp.triggers import find_triggers, lemma_of, verb_at


def extract(
    doc: Doc,
    entities: list[Entity],
    dates: list[DateMention],
    relations: list[Relation] | None = None,
) -> list[Incident]:
    index = token_index(doc, entities)
    drafts: list[Draft] = []
    last_date: DateMention | None = None
    doc_places = [e for e in entities if e.type == "place"]
    defenders = [e for e in entities if e.type == "person" and e.defender and not e.suspect]
    suspects = {e.key for e in entities if e.suspect}
    kinds = {e.key: e.type for e in entities}
    officials = {e.key for e in entities if _official(e)}
    police = {e.key for e in entities if e.type == "organization" and e.kind == "police"}
    # members of a community or its organisations: whom criminalisation aims at
    members = {r.source for r in relations or [] if r.type == "member_of"}
    employment = {(r.source, r.target) for r in relations or [] if r.type == "works_for"}
    # the State, companies and armed groups are not the victims of attacks on defenders
    authorities = {
        e.key
        for e in entities
        if e.type == "organization"
        and e.kind
        in {
            "state_agency",
            "police",
            "military",
            "prosecutor_office",
            "company",
            "criminal_group",
            "armed_group",
        }
    }
    # defenders, federations and NGOs report attacks; they are not their authors
    innocent = {e.key for e in defenders} | {
        e.key
        for e in entities
        if e.type == "community"
        or (e.type == "organization" and e.kind in {"federation", "ngo", "media"})
        or (
            e.type == "organization"
            and e.kind in {None, "other"}
            and PEOPLES_ORG.search(e.canonical)
        )
    }
    # acts attributed by an arrest, a charge or the victim's accusation
    arrested: list[tuple[str, list[str], int, list[DateMention], Span]] = []
    paragraph_end = 0
    for sent in doc.sents:
        if STATISTIC_RE.search(sent.text) or GENERIC_RE.search(sent.text):
            continue  # counts and policy statements tell no act
        sent_dates = [d for d in dates if sent.start_char <= d.start < sent.end_char]
        if "\n\n" in doc_text(doc)[paragraph_end : sent.start_char]:
            last_date = None  # a date is not carried into another paragraph
        paragraph_end = sent.end_char
        triggers = find_triggers(sent, _quoted_tail(doc, sent))
        arrest = ARREST_FOR_RE.search(sent.text)
        attributed_before = len(arrested)
        if arrest:
            held = arrests_in(sent, triggers, index, entities)
            held = [k for k in held if kinds.get(k) == "person" and k not in innocent]
            # who is held is named before "presunto autor del …"; who comes after it is
            # the act's victim ("… del homicidio de X")
            cut = sent.start_char + arrest.start()
            held = [k for k in held if any(m.start < cut for m in _by_key(entities, k).mentions)]
            if held:
                act = act_of(sent.text[arrest.start() :])
                arrested.append((act, held, sent.start_char, [], sent))  # not the arrest's date
            triggers = [t for t in triggers if t.type != "criminalisation"]
        for act, accused in find_accusations(sent, entities):
            accused = [k for k in accused if k not in innocent and k not in officials]
            if accused:  # "denunció a X por amenazarlo", "acusó a X de prender fuego …"
                arrested.append((act, accused, sent.start_char, sent_dates, sent))
                if act != "criminalisation":  # the accusation is no criminalisation
                    triggers = [
                        t
                        for t in triggers
                        if t.type != "criminalisation" and not _within(t.token, accused, index)
                    ]
        attributing = len(arrested) > attributed_before
        for trig in triggers:
            perps, victims, unnamed = roles(trig, index)
            if trig.type == "criminalisation" and victims and all(k in suspects for k in victims):
                continue  # the suspect of an attack denounced or arrested: procedure
            if (
                trig.type == "criminalisation"
                and lemma_of(trig.token) in {"denunciar", "report", "denounce"}
                and perps
                and all(k in innocent for k in perps)
            ):
                continue  # defenders denouncing their attackers: not criminalisation
            if (
                trig.type == "criminalisation"
                and lemma_of(trig.token) in {"denunciar", "report", "denounce"}
                and any(
                    c.dep_ in {"obj", "dobj"}
                    and TRIGGERS.get(lemma_of(c), "criminalisation") != "criminalisation"
                    for c in trig.token.children
                )
            ):
                continue  # "denuncia la agresión sufrida …": reporting an act
            if trig.passive:  # "fue asesinado …, presuntamente por integrantes de X"
                perps += [
                    k
                    for k in victims
                    if k not in perps and near_por(sent, _by_key(entities, k), trig.token.idx)
                ]
                victims = [k for k in victims if k not in perps]
            if (
                lemma_of(trig.token) in SPEECH_LEMMAS
                and _quoted(sent, trig.token)
                and not object_pronoun(trig.token)
            ):
                perps = []  # '"…," Soto said': who reports a quote is not its author
            perps = [k for k in perps if k not in innocent]
            # "el gerente de la minera, X, declaró …": X acts; his employer is named as such
            employers = {
                k
                for k in perps
                if kinds[k] == "organization"
                and any(kinds[p] == "person" and (p, k) in employment for p in perps if p != k)
            }
            perps = [k for k in perps if k not in employers]
            # "trabajadores de un campamento vinculado a X": X is linked, not the author
            linked = [k for k in perps if _linked_in(sent, _by_key(entities, k))]
            perps = [k for k in perps if k not in linked]
            if trig.type == "criminalisation":
                # who files the complaint criminalises; police, prosecutors and courts
                # that arrest, charge or try act in office
                perps = [
                    k for k in perps if k not in officials and k not in police and k not in members
                ]
            else:  # officials acting in office investigate, record and judge acts
                perps = [k for k in perps if k not in officials]
            victims = [k for k in victims if k not in suspects or k in perps]
            victims = [k for k in victims if k not in perps and k not in authorities]
            if any(kinds[k] == "person" for k in victims) and trig.type not in COMMUNITY_HARMS:
                # "el vigilante X, de la Comunidad Y": Y describes X, it is not a victim
                victims = [k for k in victims if kinds[k] == "person"]
            if trig.type == "criminalisation":
                # criminalisation aims at a defender, a community or its organisation named
                # in the sentence: an arrest of a suspect or an investigation of the crime
                # is procedure, and a document-level guess never makes one
                targets = [
                    k
                    for k in victims
                    + [e.key for e in in_sentence(entities, sent, {"person"}) if e.defender]
                    if k in innocent or k in members
                ]
                if not targets and (object_pronoun(trig.token) or TARGET_PRONOUN.search(sent.text)):
                    recent = last_person_before(
                        entities, sent.start_char, sorted(officials | suspects)
                    )
                    if recent is not None and (recent.key in innocent or recent.key in members):
                        targets = [recent.key]
                if not targets or NOBODY_RE.search(sent.text):
                    continue
                victims = list(dict.fromkeys(targets))
            if trig.passive or lemma_of(trig.token.head) in STATE_VERBS:
                victims += [
                    k
                    for k in surface_patients(doc, trig.token, entities, sent)
                    if k not in perps and k not in authorities and k not in victims
                ]
            treated = TREATED_RE.search(sent.text)
            if treated and not victims and trig.type in {"assault", "attempted_killing"}:
                # "A, B y C fueron atendidos … por contusiones": the wounded of the attack
                verb = verb_at(sent, treated.start())
                victims = [
                    k
                    for k in surface_patients(doc, verb, entities, sent)
                    if k not in perps and k not in authorities
                ]
            victims += [
                k
                for k in listed_with(doc, sent, victims, entities)
                if k not in perps and k not in victims and k not in suspects
            ]
            if trig.type in {"attempted_killing", "assault"} and AT_THEM.search(sent.text):
                # "he and two colleagues, X and Y, were heading … when men fired at them"
                victims += [
                    e.key
                    for e in in_sentence(entities, sent, {"person"})
                    if e.key not in perps
                    and e.key not in victims
                    and e.key not in officials
                    and e.key not in suspects
                ]
            weak = not (perps or victims or unnamed)
            confidence = 0.8 if (perps or victims) else 0.6
            if not victims:
                here = in_sentence(entities, sent, {"person"})
                victims = [
                    e.key
                    for e in here
                    if e.key not in perps and e.defender and e.key not in officials
                ]
                if not victims and trig.type in COMMUNITY_HARMS:
                    victims = [
                        e.key
                        for e in in_sentence(entities, sent, {"community", "organization"})
                        if e.key not in perps
                        and (e.type == "community" or e.kind in {"federation", "other"})
                    ]
                confidence = min(confidence, 0.6)
            if (
                not perps
                and not trig.passive
                and trig.token.pos_ in {"VERB", "AUX"}
                and (
                    lemma_of(trig.token) not in SPEECH_LEMMAS
                    or object_pronoun(trig.token)
                    or (trig.type == "stigmatisation" and not _quoted(sent, trig.token))
                )
            ):  # "X said …" reports; "X le dijo …" threatens; "X declaró que son terroristas"
                perps = [
                    k
                    for k in surface_agent(doc, trig.token, entities)
                    if k not in victims and k not in innocent and k not in officials
                ]
            quoted = sent.text.lstrip()[:1] in QUOTES
            if not victims and object_pronoun(trig.token) and not quoted:
                # "le dijo", "lo amenazaron": the last person named who is not a suspect
                # (a quote's pronouns are the speaker's: they stay unresolved)
                taken = perps + sorted(officials) + sorted(suspects)
                recent = last_person_before(
                    entities, trig.token.idx, taken, pronoun_gender(trig.token)
                )
                victims = [recent.key] if recent else []
            named_here: list[str] = []
            if not perps:
                # named next to the act but not its agent: never an accusation by itself
                perps = [
                    e.key
                    for e in in_sentence(entities, sent, {"person"})
                    if e.key not in victims
                    and e.key not in innocent
                    and e.key not in officials
                    and trig.type != "criminalisation"
                    and near_por(sent, e, trig.token.idx)
                ]
                perps += [
                    e.key
                    for e in in_sentence(entities, sent, {"organization"})
                    if not perps  # "by the company's security chief, X": X is the agent
                    and e.key not in victims
                    and e.key not in innocent
                    and e.key not in officials
                    and e.key not in perps
                    and trig.type != "criminalisation"
                    and near_por(sent, e, trig.token.idx)
                ]
                named_here = [
                    e.key
                    for e in in_sentence(entities, sent, {"organization", "person"})
                    if e.key not in victims
                    and e.key not in perps
                    and e.key not in innocent
                    and e.key not in officials
                    and (e.kind in SUSPECT_KINDS or e.suspect)
                ]
            named_here += [k for k in linked if k not in named_here and k not in victims]
            witnesses = witnesses_in(sent, entities, perps + victims + named_here)
            place = place_for(sent, doc_places)
            date = _date_for(sent_dates, trig.token.idx) if sent_dates else last_date
            start, end = sent.start_char, sent.end_char
            inc = Incident(
                type=trig.type,
                evidence=Evidence(start, end, sent.text, start, "rule", confidence),
                date=date.value if date else None,
                date_precision=date.precision if date else "unknown",
                place=place.key if place else None,
                perpetrators=perps,
                suspects=named_here,
                victims=victims,
                witnesses=witnesses,
                unnamed_perpetrators=unnamed,
                trigger=lemma_of(trig.token),
                reference=trig.token.pos_ == "NOUN" and trig.token is not sent.root,
            )
            heading = _headline(doc, sent)
            # an arrest or an accusation names the act; its date is the procedure's
            naming = attributing and trig.type != "criminalisation"
            drafts.append(
                Draft(
                    inc,
                    weak or heading or naming,
                    trig.token.pos_ == "NOUN",
                    bool(sent_dates) and not naming,
                    heading,
                )
            )
        if sent_dates:
            last_date = _date_for(sent_dates, sent.start_char)
    incidents = one_per_event(drafts)
    attribute_arrests(incidents, arrested, doc_places)
    fill_from_document(incidents, defenders, entities, relations or [], officials)
    return incidents


def _quoted(sent: Span, verb: Token) -> bool:
    """A speech verb after a closing quote, or a sentence that opens with one."""
    before = sent.text[: verb.idx - sent.start_char]
    return sent.text.lstrip()[:1] in QUOTES or any(q in before for q in QUOTES)


def _quoted_tail(doc: Doc, sent: Span) -> str:
    """The next sentence when this one ends by opening speech ("… le dijo que", "…:")."""
    if sent.end >= len(doc) or not re.search(r"(?:\bque|\bthat|:|[\"“«])\s*$", sent.text):
        return ""
    end = sent.end + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
    return doc[sent.end : end].text


def _headline(doc: Doc, sent: Span) -> bool:
    """A title: a line of its own with no full stop, before the body's first sentence
    ends (or written in capitals)."""
    line_start = doc_text(doc).rfind("\n", 0, sent.start_char) + 1
    line_end = doc_text(doc).find("\n", sent.start_char)
    line = doc_text(doc)[line_start : line_end if line_end >= 0 else len(doc_text(doc))].strip()
    if not line or line[-1] in '.;:!?"”»)':
        return False
    before = doc_text(doc)[:line_start]
    return before.count(". ") + before.count(".\n") == 0 or line.isupper()


def _date_for(dates: list[DateMention], offset: int) -> DateMention:
    """The sentence's most precise date, the nearest to the act among equals ("the hut the
    community built in 2022 was set on fire on April 7": April 7)."""
    rank = {"day": 0, "month": 1, "year": 2}
    return min(dates, key=lambda d: (rank.get(d.precision, 3), abs(d.start - offset)))


def _linked_in(sent: Span, e: Entity) -> bool:
    """Named in the sentence only as what the authors are linked to."""
    spans = [m for m in e.mentions if sent.start_char <= m.start < sent.end_char]
    return bool(spans) and all(
        LINKED.search(doc_text(sent.doc)[max(sent.start_char, m.start - 40) : m.start])
        for m in spans
    )


def _by_key(entities: list[Entity], key: str) -> Entity:
    return next(e for e in entities if e.key == key)


def _official(e: Entity) -> bool:
    """Acting in office: named by the office, or a prosecutor's office, court or ministry."""
    return e.official or (
        e.type == "organization" and e.kind in {"prosecutor_office", "state_agency"}
    )


def _within(tok: Token, keys: list[str], index: dict[int, str]) -> bool:
    """A trigger whose own words name one of ``keys`` (the accusation itself)."""
    return any(index.get(t.idx) in keys for t in tok.subtree)
