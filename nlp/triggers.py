"""Which acts a sentence tells: trigger words typed as incidents.

Lemmas, stems and phrases open an act; its context retypes it; negated, hypothetical or
requested acts are dropped, and one trigger is kept per act.

Over 400 lines as one idea: typing the acts of a sentence is one decision table (open,
retype, drop); its words are in nlp/lexicon/incidents.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from nlp.lexicon.incidents import (
    AIR_SHOTS,
    ANIMALS,
    ARSON_RE,
    ATTEMPT_WORDS,
    CRIMINAL_RE,
    CRIMINAL_WORDS,
    DEATH_WORDS,
    DISPARAR_RE,
    HARASS_RE,
    HYPOTHETICAL_RE,
    MISSING_PHRASES,
    MODAL_RE,
    NOBODY_HURT,
    NOBODY_RE,
    OTHER_RE,
    PROPERTY_SHOT_RE,
    REQUEST_RE,
    SEXUAL_PHRASES,
    SHOT_WORDS,
    SPEECH_THREAT_RE,
    STEMS,
    STIGMA_RE,
    THREAT_TOKEN_RE,
    TOLD_RE,
    TRIGGERS,
    VIOLENCE_WORDS,
    WARNING_RE,
)
from nlp.lexicon.roles import INSTITUTION_WORDS, NEGATIONS, SPEECH_LEMMAS
from nlp.text import fold


@dataclass
class Trigger:
    token: Token
    type: str
    passive: bool = False
    agent_tokens: list[Token] = field(default_factory=list)
    patient_tokens: list[Token] = field(default_factory=list)


def lemma_of(tok: Token) -> str:
    return fold(tok.lemma_ or tok.text)


def _negated(tok: Token) -> bool:
    return any(fold(c.text) in NEGATIONS for c in tok.children) or (
        tok.i > 0 and fold(tok.doc[tok.i - 1].text) in NEGATIONS
    )


def _is_passive(tok: Token) -> bool:
    if any(c.dep_ in {"auxpass", "nsubjpass", "aux:pass", "nsubj:pass"} for c in tok.children):
        return True
    # Spanish: ser + participle ("fue asesinado"); the model has no passive labels
    verb_form = tok.morph.get("VerbForm", [])
    if "Part" in verb_form or tok.tag_ == "VBN":
        return any(lemma_of(c) == "ser" and c.dep_ in {"aux", "cop"} for c in tok.children) or (
            tok.i > 0 and lemma_of(tok.doc[tok.i - 1]) == "ser"
        )
    return False


def _trigger(tok: Token, kind: str) -> Trigger:
    return Trigger(tok, kind, passive=_is_passive(tok))


def find_triggers(sent: Span, tail: str = "") -> list[Trigger]:
    """The acts a sentence tells; ``tail`` is the quote that continues it when the parser
    cut the sentence at a quotation mark ("… le dijo que" + "«si sigues …»")."""
    found: list[Trigger] = []
    for tok in sent:
        if tok.pos_ not in {"VERB", "NOUN", "AUX", "ADJ"} and tok.tag_[:2] not in {"VB", "NN"}:
            continue
        kind = TRIGGERS.get(lemma_of(tok)) or TRIGGERS.get(fold(tok.text))
        if kind is None or _negated(tok):
            continue
        if NOBODY_HURT.search(sent.text[: tok.idx - sent.start_char + len(tok.text)]):
            continue  # "Ninguno resultó herido", "None of the three was hit"
        lemma = lemma_of(tok)
        if (
            kind == "criminalisation"
            and lemma in {"denunciar", "acusar", "charge"}
            and tok.pos_ == "VERB"
            and not _criminal_context(sent)
            and not _institution_subject(tok)
        ):
            continue
        if AIR_SHOTS.search(sent.text) and kind in {"attempted_killing", "killing"}:
            kind = "threat"  # "dispararon al aire": intimidation, not an attempt on a life
        if lemma in {"shoot", "gun"}:
            kind = (
                "killing"
                if re.search(r"\b(?:dead|death|killed|down)\b", sent.text)
                else "attempted_killing"
            )
        if lemma in {
            "seguir",
            "follow",
            "monitor",
            "llamar",
            "calificar",
            "label",
            "brand",
            "ejecutar",
            "execute",
            "muerte",
            "crimen",
            "herir",
            "disparar",
            "atacar",
            "attack",
            "hit",
            "morir",
            "fallecer",
            "die",
            "herido",
            "herida",
            "heridos",
            "heridas",
            "wound",
            "injure",
        }:
            kind = _contextual(tok, sent, kind)
            if kind is None:
                continue
        if kind == "criminalisation" and (
            REQUEST_RE.search(sent.text) or NOBODY_RE.search(sent.text)
        ):
            continue
        if kind == "killing" and MODAL_RE.search(sent.text[: tok.idx - sent.start_char]):
            kind = "threat"
        context = {lemma_of(t) for t in sent}
        if kind in {"killing", "assault"} and (context & ATTEMPT_WORDS):
            kind = "attempted_killing" if kind == "killing" or context & DEATH_WORDS else kind
        if kind == "assault" and DISPARAR_RE.search(sent.text) and "muerte" not in context:
            kind = "attempted_killing"
        trig = Trigger(tok, kind, passive=_is_passive(tok))
        found.append(trig)
    present = {t.type for t in found}
    lowered = sent.text.lower()
    for pattern, kind in _STEM_RES:
        if kind in present:
            continue
        hit = pattern.search(lowered)
        if hit and not (kind == "criminalisation" and REQUEST_RE.search(sent.text)):
            found.append(
                Trigger(
                    verb_at(sent, hit.start()),
                    kind,
                    passive=bool(
                        re.search(
                            r"\b(?:fue|fueron|was|were|ha sido|"
                            r"han sido|sido|siendo)\b",
                            lowered,
                        )
                    ),
                )
            )
            present.add(kind)
    if PROPERTY_SHOT_RE.search(sent.text):
        found = [
            Trigger(t.token, "property_damage", t.passive) if t.type == "attempted_killing" else t
            for t in found
        ]
    if ANIMALS.search(sent.text):
        found = [
            Trigger(t.token, "property_damage", t.passive) if t.type == "killing" else t
            for t in found
        ]
    if ARSON_RE.search(sent.text):
        found = [
            t
            for t in found
            if not (t.type == "attempted_killing" and lemma_of(t.token) in {"fire", "set"})
        ]
        if not any(t.type == "property_damage" for t in found):
            arson = ARSON_RE.search(sent.text)
            assert arson is not None
            found.append(_trigger(verb_at(sent, arson.start()), "property_damage"))
    if (
        CRIMINAL_RE.search(sent.text)
        and not REQUEST_RE.search(sent.text)
        and not any(t.type == "criminalisation" for t in found)
    ):
        crime = CRIMINAL_RE.search(sent.text)
        assert crime is not None
        found.append(_trigger(verb_at(sent, crime.start()), "criminalisation"))
    stigma = STIGMA_RE.search(sent.text)
    if (
        stigma
        and not REQUEST_RE.search(sent.text)
        and not any(t.type == "stigmatisation" for t in found)
    ):
        token = _speech_verb(sent) or verb_at(sent, stigma.start())
        found.append(_trigger(token, "stigmatisation"))
    spoken = sent.text + (" " + tail if tail else "")
    speech = SPEECH_THREAT_RE.search(spoken) or WARNING_RE.search(spoken) or TOLD_RE.search(spoken)
    if speech is not None and speech.start() >= len(sent.text):
        speech = None
    if speech and not any(t.type in {"threat", "killing", "attempted_killing"} for t in found):
        # the speech verb of the threat itself ("a man who told her …"), not the
        # reporting one ("she said …")
        at = verb_at(sent, speech.start())
        token = at if lemma_of(at) in SPEECH_LEMMAS else (_speech_verb(sent) or at)
        found.append(_trigger(token, "threat"))
    token_threat = THREAT_TOKEN_RE.search(sent.text)
    if token_threat and not any(t.type == "threat" for t in found):
        # a funeral wreath at the door, anonymous calls, a note: a threat without the word
        found.append(_trigger(verb_at(sent, token_threat.start()), "threat"))
    harass = HARASS_RE.search(sent.text)
    if harass and not any(t.type in {"harassment", "threat"} for t in found):
        found.append(_trigger(verb_at(sent, harass.start()), "harassment"))
    other = OTHER_RE.search(sent.text)
    if other and not any(t.type == "other" for t in found):
        found.append(_trigger(verb_at(sent, other.start()), "other"))
    if HYPOTHETICAL_RE.search(sent.text):
        found = [t for t in found if t.type not in {"killing", "attempted_killing"}]
    sexual = SEXUAL_PHRASES.search(sent.text)
    if sexual and not any(t.type == "sexual_violence" for t in found):
        found.append(_trigger(verb_at(sent, sexual.start()), "sexual_violence"))
    if MISSING_PHRASES.search(sent.text) and not any(t.type == "disappearance" for t in found):
        found.append(_trigger(sent.root, "disappearance"))
    return _dedupe(found)


def _criminal_context(sent: Span) -> bool:
    words = {fold(t.text) for t in sent}
    return bool(words & CRIMINAL_WORDS)


def _contextual(tok: Token, sent: Span, kind: str) -> str | None:
    lemma = lemma_of(tok)
    words = {fold(t.text) for t in sent} | {lemma_of(t) for t in sent}
    if lemma in {"seguir", "follow"}:
        # "siguen amenazando" is not surveillance; "lo siguieron hasta su casa" is
        return (
            kind
            if words
            & {
                "casa",
                "vivienda",
                "camioneta",
                "moto",
                "home",
                "house",
                "car",
                "motorcycle",
                "hasta",
                "domicilio",
            }
            else None
        )
    if lemma == "monitor":
        return kind if words & {"home", "house", "movements", "phone"} else None
    if lemma in {"llamar", "calificar", "label", "brand"}:
        return (
            kind
            if words
            & {
                "terrorista",
                "terroristas",
                "terruco",
                "terrucos",
                "antiminero",
                "antimineros",
                "delincuente",
                "delincuentes",
                "terrorist",
                "terrorists",
                "criminal",
                "criminals",
                "enemigo",
                "agitador",
                "agitadores",
            }
            else None
        )
    if lemma in {"ejecutar", "execute"}:
        return (
            kind
            if words
            & {"extrajudicialmente", "sumariamente", "disparo", "balazo", "bala", "shot", "bullet"}
            else None
        )
    if lemma in {"muerte", "crimen"}:
        return (
            None
            if words & {"amenaza", "amenazas", "amenazar", "threat", "threats"}
            or "amenaz" in sent.text.lower()
            else kind
        )
    if lemma in {"herir", "disparar"}:
        return (
            "attempted_killing"
            if words & {"bala", "balazo", "disparo", "disparos", "arma", "escopeta"}
            else "assault"
        )
    if lemma in {"morir", "fallecer", "die"}:
        # a death is a killing only when the sentence tells of violence
        told = _previous_text(sent) + " " + sent.text  # "Gunmen opened fire. X was hit … died."
        return kind if words & VIOLENCE_WORDS or DISPARAR_RE.search(told) else None
    if lemma in {"herido", "herida", "heridos", "heridas", "wound", "injure"}:
        # wounds in a shooting, told in this sentence or the one before
        shot = words & SHOT_WORDS or DISPARAR_RE.search(_previous_text(sent) + " " + sent.text)
        return "attempted_killing" if shot else "assault"
    if lemma in {"atacar", "attack", "hit"}:
        return kind
    return kind


def _telling(tok: Token) -> int:
    """How much a trigger word tells an act: a verb, a participle, a noun."""
    return {"VERB": 2, "AUX": 2, "ADJ": 1}.get(tok.pos_, 0)


def _retype(by_type: dict[str, Trigger], more: list[Trigger], old: str, new: str) -> None:
    """ "B was shot; C and D were also wounded": the wounds of a shooting are its victims,
    told by a verb of their own (kept when it is a verb, as the shooting's type)."""
    t = by_type.pop(old, None)
    if t is not None and _telling(t.token) > 0:
        more.append(Trigger(t.token, new, t.passive))


def _dedupe(found: list[Trigger]) -> list[Trigger]:
    """One incident per type per sentence; attempted killing absorbs killing words."""
    by_type: dict[str, Trigger] = {}
    more: list[Trigger] = []  # further verbs of one type: "A disparó contra B … y C contra D"
    for t in found:
        had = by_type.get(t.type)
        if had is None or _telling(t.token) > _telling(had.token):
            by_type[t.type] = t  # a verb tells the act; a noun may only name it
        elif (
            _telling(had.token) > 0
            and _telling(t.token) > 0
            and t.token.i not in {had.token.i, *(m.token.i for m in more)}
            and t.token not in had.token.conjuncts
        ):
            more.append(t)
    killing = by_type.get("killing")
    shots = by_type.get("attempted_killing")
    if (
        killing is not None
        and shots is not None
        and _telling(killing.token) > _telling(shots.token)
    ):
        by_type.pop("attempted_killing")  # "fue asesinado de tres disparos": the killing
    elif shots is not None:
        if killing is not None and _telling(shots.token) > _telling(killing.token):
            by_type.pop("killing")  # "le dispararon, causándole la muerte": the shooting tells
        # otherwise both verbs stay ("X was shot dead …, his brother Y was wounded"; "le
        # dispararon … y murió"): the victims decide later whether they are one event
        _retype(by_type, more, "assault", "attempted_killing")
    if "killing" in by_type or "sexual_violence" in by_type:
        hurt = by_type.get("assault")
        if hurt is not None and _telling(hurt.token) == 0:
            by_type.pop("assault")  # "the attack" that killed: the killing itself
    if "threat" in by_type and "harassment" in by_type:
        by_type.pop("harassment")
    return list(by_type.values()) + [
        t for t in more if t.type in by_type and t.token is not by_type[t.type].token
    ]


def _previous_text(sent: Span) -> str:
    """The text of the sentence before ``sent`` ("" for the first), without ``Span.sent``
    (which walks the whole document each time)."""
    doc = sent.doc
    if sent.start == 0:
        return ""
    start = sent.start - 1
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    return doc[start : sent.start].text


def _stem_re(stem: str) -> re.Pattern[str]:
    letters = [
        {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uú]", "n": "[nñ]"}.get(
            ch, re.escape(ch)
        )
        for ch in stem
    ]
    return re.compile(r"[\s\-¬_~]*".join(letters))


_STEM_RES = [(_stem_re(stem), kind) for stem, kind in STEMS]


def verb_at(sent: Span, offset: int) -> Token:
    """The verb governing the word at ``offset`` (sentence-relative), else the root."""
    for tok in sent:
        if tok.idx - sent.start_char <= offset < tok.idx - sent.start_char + len(tok.text) + 1:
            node = tok
            for _ in range(3):
                if node.pos_ in {"VERB", "AUX"} or node.dep_ == "ROOT":
                    return node
                node = node.head
            return tok
    return sent.root


def _speech_verb(sent: Span) -> Token | None:
    for tok in sent:
        if lemma_of(tok) in SPEECH_LEMMAS and tok.pos_ in {"VERB", "AUX"}:
            return tok
    return None


def _institution_subject(tok: Token) -> bool:
    """ "la empresa denunció a X": a company or a state body is the one accusing."""
    for c in tok.children:
        if c.dep_ in {"nsubj", "nsubj:pass"}:
            words = {fold(t.text) for t in c.subtree}
            if words & INSTITUTION_WORDS or any(t.ent_type_ == "ORG" for t in c.subtree):
                return True
    return False
