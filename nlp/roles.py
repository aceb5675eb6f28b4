"""Who did it, to whom, who saw it: an incident's perpetrators, victims and witnesses.

From the dependency parse first, from the surface of the sentence when the parse says nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from nlp.lexicon.incidents import FAMILIES, RECEIVING_VERBS, STATE_VERBS
from nlp.lexicon.roles import (
    AFTER_GAP,
    AGENT_BEFORE,
    AGENT_GAP,
    CAUSES,
    LIST_GAP,
    LIST_LINK,
    NOT_AGENTS,
    PATIENT_GAP,
    RELATIVES,
    UNNAMED_AGENTS,
    WITNESS_WORDS,
)
from nlp.patterns import doc_text
from nlp.result import Entity
from nlp.text import fold
from nlp.triggers import Trigger, lemma_of


def _agent_phrases(tok: Token) -> list[Token]:
    """Heads of "por X" / "by X" / "a manos de X" attached to ``tok``."""
    out: list[Token] = []
    for c in tok.children:
        case = {fold(g.text) for g in c.children if g.dep_ in {"case", "mark"}}
        if c.dep_ == "agent":
            out += [g for g in c.children if g.dep_ == "pobj"]
        elif ("por" in case or (fold(c.text) == "manos" and c.dep_ in {"obl", "nmod"})) and (
            lemma_of(c) not in CAUSES and fold(c.text) not in CAUSES
        ):
            out.append(c)
    return out


def _entity_at(index: dict[int, str], toks: Iterable[Token]) -> list[str]:
    keys: list[str] = []
    for t in toks:
        key = index.get(t.idx)
        if key is not None and key not in keys:
            keys.append(key)
    return keys


def _with_conjuncts(tok: Token) -> list[Token]:
    out = [tok]
    for c in tok.children:
        if c.dep_ in {"conj", "appos", "flat", "compound", "nmod"} and c.pos_ in {"PROPN", "NOUN"}:
            out += _with_conjuncts(c)
    return out


def roles(trig: Trigger, index: dict[int, str]) -> tuple[list[str], list[str], list[str]]:
    """Perpetrators, victims and unnamed agents for one trigger, from the parse."""
    tok = trig.token
    subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass", "nsubj:pass", "csubj"}]
    if not subj and tok.dep_ == "conj":  # "la policía ingresó … y desalojó": shared subject
        subj = [c for c in tok.head.children if c.dep_ in {"nsubj", "nsubjpass", "nsubj:pass"}]
    subj = [
        tok.head if (fold(t.text) in RELATIVES and tok.dep_ in {"acl:relcl", "relcl", "acl"}) else t
        for t in subj
    ]
    objs = [c for c in tok.children if c.dep_ in {"obj", "dobj", "iobj", "dative"}]
    obl_a = [
        c
        for c in tok.children
        if c.dep_ in {"obl", "nmod", "obl:arg"}
        and {fold(g.text) for g in c.children if g.dep_ == "case"} & {"a", "contra", "al"}
    ]
    agents = _agent_phrases(tok)
    perps: list[Token] = []
    victims: list[Token] = []
    if trig.passive:
        victims = [t for s in subj for t in _with_conjuncts(s)]
        perps = [t for a in agents for t in _with_conjuncts(a)]
    else:
        perps = [t for s in subj for t in _with_conjuncts(s)]
        victims = [t for o in objs + obl_a for t in _with_conjuncts(o)]
        perps += [t for a in agents for t in _with_conjuncts(a)]
    # noun triggers: "el asesinato de X", "amenazas de X contra Y", "the murder of X by Y"
    if tok.pos_ == "NOUN":
        for c in tok.children:
            case = {fold(g.text) for g in c.children if g.dep_ in {"case", "prep"}}
            if c.dep_ in {"nmod", "pobj"} and case & {"contra", "against"}:
                victims += _with_conjuncts(c)
            elif c.dep_ == "nmod" and "de" in case:
                (
                    perps if trig.type in {"threat", "harassment", "stigmatisation"} else victims
                ).extend(_with_conjuncts(c))
            elif c.dep_ == "prep" and fold(c.text) in {"of", "against"}:
                victims += [g for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p)]
            elif c.dep_ == "prep" and fold(c.text) == "by":
                perps += [g for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p)]
    if (
        tok.pos_ == "NOUN"
        and tok.dep_ in {"obj", "dobj"}
        and lemma_of(tok.head) in RECEIVING_VERBS
        and not victims
    ):
        # "X recibió amenazas de muerte", "X received a death threat", "X sufrió un ataque"
        victims += [
            t
            for c in tok.head.children
            if c.dep_ in {"nsubj", "nsubjpass", "nsubj:pass"}
            for t in _with_conjuncts(c)
        ]
        perps = [p for p in perps if p not in victims]
    if tok.pos_ == "NOUN" and not victims and family_of(trig.type) in {"killing", "disappearance"}:
        # "el asesinato, el 17 de abril, de X", "the killing on 17 April of X"
        for t in tok.doc[tok.i + 1 : min(tok.i + 10, tok.sent.end)]:
            if fold(t.text) in {"de", "del", "of"}:
                # "the disappearance of Ashaninka forest monitor X": past the descriptors
                for nxt in tok.doc[t.i + 1 : min(t.i + 6, tok.sent.end)]:
                    if nxt.pos_ == "PROPN":
                        victims += _with_conjuncts(nxt)
                        break
                    if nxt.pos_ not in {"DET", "ADJ", "NOUN"}:
                        break
                if victims:
                    break
            if t.pos_ in {"VERB", "AUX"} or t.text in {";", ":"}:
                break
    for t in list(perps):  # "hitmen hired by X", "men led by X", "enviados por X"
        for c in t.children:
            if c.dep_ in {"acl", "relcl"}:
                for g in c.children:
                    if g.dep_ == "agent":
                        perps += [x for x in g.children if x.dep_ == "pobj"]
                    elif g.dep_ in {"obl", "nmod"} and {fold(x.text) for x in g.children} & {"por"}:
                        perps.append(g)
    if (
        not subj
        and tok.dep_ in {"acl", "acl:relcl", "amod"}
        and (trig.passive or "Part" in tok.morph.get("VerbForm", []))
    ):
        # "X, quien había sido denunciado …", "el dirigente asesinado": the noun described
        victims += _with_conjuncts(tok.head)
    if (
        not subj
        and tok.dep_ in {"obj", "xcomp", "acomp", "attr", "oprd", "advcl"}
        and lemma_of(tok.head) in STATE_VERBS
    ):
        # "A, B y C resultaron heridos", "X quedó herido de bala", "X was left wounded"
        victims += [
            t
            for c in tok.head.children
            if c.dep_ in {"nsubj", "nsubjpass", "nsubj:pass"}
            for t in _with_conjuncts(c)
        ]
    if lemma_of(tok) in {"morir", "fallecer", "die"} or (
        trig.type == "disappearance" and not trig.passive
    ):
        # "X has been missing", "X desapareció": the subject is who disappeared
        victims += perps
        perps = [t for a in agents for t in _with_conjuncts(a)]
    if lemma_of(tok) in RECEIVING_VERBS:
        # "X recibió una llamada que le advertía …": who receives is who is threatened
        victims += perps
        perps = [t for a in agents for t in _with_conjuncts(a)]
    unnamed = [fold(t.text) for t in perps if fold(t.text) in UNNAMED_AGENTS]
    p_keys = _entity_at(index, _expand(perps))
    v_keys = [k for k in _entity_at(index, _expand(victims)) if k not in p_keys]
    return p_keys, v_keys, unnamed


def _expand(toks: list[Token]) -> list[Token]:
    out: list[Token] = []
    for t in toks:
        out += [s for s in t.subtree if s.i - t.i < 12]
    return out


def token_index(doc: Doc, entities: list[Entity]) -> dict[int, str]:
    """Character offset of each token inside an entity mention → that entity's key."""
    index: dict[int, str] = {}
    for e in entities:
        if e.type == "place":
            continue
        for m in e.mentions:
            for tok in doc.char_span(m.start, m.end, alignment_mode="expand") or []:
                index[tok.idx] = e.key
    return index


def in_sentence(entities: list[Entity], sent: Span, types: set[str]) -> list[Entity]:
    return [
        e
        for e in entities
        if e.type in types and any(sent.start_char <= m.start < sent.end_char for m in e.mentions)
    ]


def family_of(kind: str) -> str:
    return FAMILIES.get(kind, kind)


def near_por(sent: Span, e: Entity, after: int = 0) -> bool:
    """ "… a manos de X", "… por X", "… por integrantes de la banda X" after the act
    (``after``: the act's offset) — unless the phrase is a cause ("por defender a X")."""
    text = sent.text.lower()
    for m in e.mentions:
        rel = m.start - sent.start_char
        if not (after <= m.start <= after + 120 and 0 <= rel <= len(text)):
            continue
        hit = AGENT_BEFORE.search(text[max(0, rel - 60) : rel])
        if hit is None:
            continue
        words = hit.group("words").split()
        if words and (fold(words[0]) in CAUSES or words[0] in NOT_AGENTS):
            continue
        return True
    return False


def witnesses_in(sent: Span, entities: list[Entity], taken: list[str]) -> list[str]:
    if not {fold(t.text) for t in sent} & WITNESS_WORDS and "presencia de" not in sent.text:
        return []
    return [e.key for e in in_sentence(entities, sent, {"person"}) if e.key not in taken]


def place_for(sent: Span, places: list[Entity]) -> Entity | None:
    here = in_sentence(places, sent, {"place"})
    pool = here or places
    if not pool:
        return None
    rank = {"district": 0, "locality": 1, "province": 2, "region": 3, None: 4}
    return min(pool, key=lambda e: (rank.get(e.level, 4), e.first.start))


def surface_agent(doc: Doc, verb: Token, entities: list[Entity]) -> list[str]:
    """The actor named right before an active verb, past an apposition and clitics:
    "X, capataz de la empresa, le dijo …", "X amenazó …" (when the parse missed it)."""
    best: tuple[int, str] | None = None
    for e in entities:
        if e.type not in {"person", "organization"}:
            continue
        for m in e.mentions:
            if m.end <= verb.idx and verb.idx - m.end <= 90:
                gap = doc_text(doc)[m.end : verb.idx]
                if AGENT_GAP.match(gap) and (best is None or m.end > best[0]):
                    best = (m.end, e.key)
    return [best[1]] if best else []


def _person_mentions(sent: Span, entities: list[Entity]) -> list[tuple[int, int, str]]:
    """(start, end, key) of every person's mention in ``sent``, in order."""
    return sorted(
        (m.start, m.end, e.key)
        for e in entities
        if e.type == "person"
        for m in e.mentions
        if sent.start_char <= m.start < sent.end_char
    )


def listed_with(doc: Doc, sent: Span, victims: list[str], entities: list[Entity]) -> list[str]:
    """Persons named in one list with a victim: "absolvió a María, a su esposo Santos, a su
    hijo Nilo y a Cirilo" — every one of them is in the same position."""
    if not victims:
        return []
    found = _person_mentions(sent, entities)
    members: list[str] = []  # in the text's order: the result must not depend on hashing
    run: list[str] = []
    for i, (start, _end, key) in enumerate(found):
        if i and LIST_LINK.match(doc_text(doc)[found[i - 1][1] : start]):
            run.append(key)
        else:
            if set(run) & set(victims):
                members += run
            run = [key]
    if set(run) & set(victims):
        members += run
    return [k for k in dict.fromkeys(members) if k not in victims]


def surface_patients(doc: Doc, verb: Token, entities: list[Entity], sent: Span) -> list[str]:
    """Who a passive or "resultaron heridos" verb is about when the parse missed it: the run
    of persons named right before it ("A, B y C resultaron heridos") or, in Spanish, right
    after it ("resultó herido el trabajador X")."""
    found = _person_mentions(sent, entities)
    before = [f for f in found if f[1] <= verb.idx]
    run: list[str] = []
    if before and PATIENT_GAP.match(doc_text(doc)[before[-1][1] : verb.idx]):
        run.append(before[-1][2])
        for prev, nxt in zip(reversed(before[:-1]), reversed(before[1:]), strict=True):
            if not LIST_GAP.match(doc_text(doc)[prev[1] : nxt[0]]):
                break
            if prev[2] not in run:
                run.append(prev[2])
        return run
    end = verb.idx + len(verb.text)
    after = [f for f in found if f[0] >= end]
    if after and AFTER_GAP.match(doc_text(doc)[end : after[0][0]]):
        run.append(after[0][2])
        for prev, nxt in itertools.pairwise(after):
            if not LIST_GAP.match(doc_text(doc)[prev[1] : nxt[0]]):
                break
            if nxt[2] not in run:
                run.append(nxt[2])
    return run


def object_pronoun(tok: Token) -> bool:
    """ "lo amenazó", "le dispararon", "threatened him"."""
    return any(
        c.pos_ == "PRON" and c.dep_ in {"obj", "iobj", "dobj", "expl:pv", "dative"}
        for c in tok.children
    )


def last_person_before(
    entities: list[Entity], offset: int, exclude: list[str], gender: str | None = None
) -> Entity | None:
    """The last person named before ``offset`` (of the pronoun's gender when it has one)."""
    best: tuple[int, Entity] | None = None
    for e in entities:
        if e.type != "person" or e.key in exclude:
            continue
        if gender is not None and e.gender is not None and e.gender != gender:
            continue
        for m in e.mentions:
            if m.start < offset and (best is None or m.start > best[0]):
                best = (m.start, e)
    return best[1] if best else None


def pronoun_gender(tok: Token) -> str | None:
    """ "la amenazaron" / "threatened her": female; "lo" / "him": male."""
    for c in tok.children:
        if c.pos_ == "PRON":
            word = fold(c.text)
            if word in {"la", "her", "ella"}:
                return "female"
            if word in {"lo", "him", "el"}:
                return "male"
    return None
