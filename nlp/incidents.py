"""Who did what to whom: incidents, their roles, dates and places, per sentence.

A trigger (a verb or noun lemma of an act: *asesinar*, *amenaza*, *evict*, …) opens an
incident in its sentence. Roles come from the dependency parse: the subject of an
active verb is the perpetrator and its object the victim; in a passive ("fue asesinado
por sicarios", "was shot dead by hitmen") the subject is the victim and the *por*/*by*
phrase the perpetrator — unless that phrase is a cause ("por un conflicto de tierras").
When the parse says nothing, entity kinds decide (a defender is a victim; police or a
company named next to the act are perpetrators), with a lower confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from nlp.dates import DateMention
from nlp.result import Entity, Evidence, Incident, Relation
from nlp.text import fold

# lemma (folded) → incident type
TRIGGERS: dict[str, str] = {}
for _type, _words in {
    "killing": "asesinar matar ejecutar acribillar victimar ultimar asesinato homicidio "
    "feminicidio crimen muerte kill murder slay assassinate killing assassination "
    "homicide execute",
    "attempted_killing": "atentado atentar balear herir_de_bala tirotear disparar shoot gun",
    "threat": "amenazar amenaza amedrentar intimidar amedrentamiento intimidacion threaten "
    "threat intimidate",
    "assault": "golpear agredir agresion atacar ataque lesionar herir apalear patear "
    "golpiza beat assault attack injure wound hit punch",
    "criminalisation": "denunciar criminalizar criminalizacion imputar procesar detener "
    "arrestar encarcelar acusar querella charge prosecute arrest detain "
    "criminalise criminalize indict sue jail imprison",
    "harassment": "hostigar hostigamiento acosar acoso amenazas_constantes harass harassment",
    "stigmatisation": "estigmatizar estigmatizacion tildar calificar difamar desprestigiar "
    "insultar llamar stigmatise stigmatize smear brand label vilify",
    "surveillance": "vigilar seguir seguimiento fotografiar espiar reglaje filmar merodear "
    "rondar surveil follow monitor spy photograph stalk",
    "eviction": "desalojar desalojo expulsar lanzamiento despojar despojo evict eviction "
    "expel displace",
    "disappearance": "desaparecer desaparicion disappear disappearance",
    "sexual_violence": "violar violacion abusar_sexualmente rape",
    "property_damage": "quemar incendiar destruir destrozar saquear danar incendio "
    "demoler arrasar burn torch destroy damage vandalise vandalize "
    "raze loot",
}.items():
    for _w in _words.split():
        TRIGGERS[_w.replace("_", " ")] = _type

ATTEMPT_WORDS = {
    "intentar",
    "intento",
    "tratar",
    "try",
    "attempt",
    "attempted",
    "frustrado",
    "tentativa",
}
DEATH_WORDS = {"muerte", "matar", "death", "kill", "asesinar", "vida"}
SEXUAL_PHRASES = re.compile(
    r"violencia sexual|abus\w* sexual\w*|agre\w* sexual\w*|viol[oó]\b|violad[oa]|"
    r"sexual(?:ly)? (?:assault\w*|abus\w*|violence)|raped?\b|tocamientos",
    re.IGNORECASE,
)
MISSING_PHRASES = re.compile(
    r"paradero (?:es )?desconocido|whereabouts (?:are |remain )?"
    r"unknown|(?:está|sigue|se encuentra|remains|is|went) "
    r"(?:desaparecid[oa]|missing)",
    re.IGNORECASE,
)
DISPARAR_RE = re.compile(
    r"\b(?:dispar\w+|balear\w*|baleó|shot at|opened fire|fired at|"
    r"gunshot|bullet|balazo|bala)\b",
    re.IGNORECASE,
)
MODAL_RE = re.compile(
    r"\b(?:would|will|going to|gonna|threaten\w*|iba a|van? a|vamos a|"
    r"amenaz\w*|dijo que|said|told|warned|advirti\w+|si no|if (?:he|she|they|"
    r"you))\b",
    re.IGNORECASE,
)
REQUEST_RE = re.compile(
    r"\b(?:demand\w*|urg\w+|call\w* on|ask\w*|request\w*|exig\w+|pedimos|"
    r"piden|solicit\w+|instamos|reclam\w+)\b",
    re.IGNORECASE,
)
STIGMA_RE = re.compile(
    r"\b(?:terroristas?|terrucos?|terroristic|terrorists?|antiminer[oa]s?|anti-mining|"
    r"enem(?:ig[oa]s?|y|ies) (?:del|of) (?:desarrollo|development|progreso|progress)|"
    r"delincuentes?|criminals|agitador\w*|agitators?|revoltos\w*|senderistas?|"
    r"extorsionador\w*|invasor(?:es|a)?\b(?= de tierras)|traidor\w*|parásitos?|"
    r"vagos?|radicales)\b",
    re.IGNORECASE,
)
SPEECH_THREAT_RE = re.compile(
    r"\b(?:warn\w*|told|tell|threatened|advirti\w*|dijo|dijeron|gritó|gritaron|shouted|"
    r"le dijeron|mensaje|message|note|nota|carta|letter|pintas?|graffiti|panfleto|"
    r"pamphlet|llamada|called)\b[^.]{0,200}?(?:\bif\b|\bsi\b|\bcallamos|\bmatar|\bmorir|"
    r"\bmuert[eo]|\bkill|\bdie\b|\bdead\b|\bfuneral|\bentierro|\bdesaparec|"
    r"\bswallow|\bconsecuencias|\bconsequences|\bcuidado|\bpagar(?:á|as)|\bpay for\b|"
    r"\bshut you up|\bte vamos|\bwe will\b|\bvan a\b)",
    re.IGNORECASE,
)
ARSON_RE = re.compile(
    r"\bset (?:\w+ )?on fire|\bset fire|\bprend\w* fuego|\bincendi\w+|"
    r"\bquem\w+|\bburn\w*|\btorch\w*",
    re.IGNORECASE,
)
CRIMINAL_RE = re.compile(
    r"\b(?:investigation against|investigaci[oó]n (?:\w+ )?contra|abri\w+ (?:una )?"
    r"investigaci[oó]n|opened (?:an |a criminal )?investigation|summon\w* [^.]{0,40}"
    r"(?:as a )?suspect|cit\w+ [^.]{0,40}(?:como )?(?:investigad|imputad)\w*|"
    r"complaint (?:was )?filed (?:against|by)|denuncia (?:penal )?(?:presentada|"
    r"interpuesta|formulada)|filed a (?:criminal )?complaint|arrest warrant|orden de "
    r"(?:captura|detenci[oó]n)|prisi[oó]n preventiva|pretrial detention|sentenced|"
    r"condenad\w+|formaliz\w+ (?:la )?investigaci[oó]n|acusaci[oó]n fiscal|"
    r"charged with|accused of|acusad\w+ (?:de|por)|imputad\w+ (?:de|por)|"
    r"denunciad\w+ (?:penalmente|por)|querella|"
    r"denuncia penal por (?:el |los )?(?:delitos? de )?(?:usurpaci|disturbio|daños|danos|"
    r"entorpecimiento|difamaci|extorsi|secuestro|terrorismo|violencia contra|"
    r"apropiaci|atentado contra)|retenid[oa] (?:durante|por)|detained for|held for \d+)",
    re.IGNORECASE,
)
# Word stems found in a sentence with its spaces and hyphens removed: they catch what the
# lemmatiser misses (ALL CAPS, OCR breaks such as "ame nazado", "des-\nalojadas").
STEMS: tuple[tuple[str, str], ...] = (
    ("amenaz", "threat"),
    ("threaten", "threat"),
    ("desaloj", "eviction"),
    ("evicted", "eviction"),
    ("asesinad", "killing"),
    ("asesinat", "killing"),
    ("murdered", "killing"),
    ("atentado", "attempted_killing"),
    ("hostig", "harassment"),
    ("harass", "harassment"),
    ("golpead", "assault"),
    ("agredid", "assault"),
    ("beaten", "assault"),
    ("detenid", "criminalisation"),
    ("arrested", "criminalisation"),
    ("denunciadopenalmente", "criminalisation"),
    ("denunciadapenalmente", "criminalisation"),
    ("vigilad", "surveillance"),
    ("vigilaban", "surveillance"),
    ("vigilando", "surveillance"),
    ("tomandofotograf", "surveillance"),
    ("tomaronfotograf", "surveillance"),
    ("tomanfotos", "surveillance"),
    ("tomaronfotos", "surveillance"),
    ("dron", "surveillance"),
    ("drone", "surveillance"),
    ("rastreador", "surveillance"),
    ("gpstracker", "surveillance"),
    ("desaparecid", "disappearance"),
    ("quemad", "property_damage"),
    ("desmantel", "property_damage"),
    ("destruccion", "property_damage"),
    ("destrucción", "property_damage"),
    ("quemaron", "property_damage"),
    ("destruyeron", "property_damage"),
    ("destruid", "property_damage"),
    ("estigmatiz", "stigmatisation"),
    ("violacionsexual", "sexual_violence"),
)
ANIMALS = re.compile(
    r"\b(?:animales|ganado|perros?|gallinas|vacas|cerdos|chanchos|animals|"
    r"cattle|dogs?|chickens|pigs|livestock)\b",
    re.IGNORECASE,
)
TOLD_RE = re.compile(
    r"\b(?:le|les|me|nos|te)\s+(?:dijo|dijeron|gritó|gritaron|advirtió|advirtieron|"
    r"manifestó|indicó)\b[^.]{0,60}[\"“«]|\btold (?:him|her|them|us|me)\b[^.]{0,60}[\"“«]",
    re.IGNORECASE,
)
PROPERTY_SHOT_RE = re.compile(
    r"\b(?:vivienda|casa|house|home|local|camioneta|veh[ií]culo|vehicle|car|canoa|boat|"
    r"bote)\b[^.]{0,60}\b(?:balead\w*|tirote\w*|shot at|fired at|riddled)",
    re.IGNORECASE,
)
WARNING_RE = re.compile(
    r"\b(?:warn(?:ed|s|ing)? (?:him|her|them|the)|advirti\w+|le advirt\w+|les advirt\w+|"
    r"amedrent\w+)\b|\b(?:audio|mensaje|message|llamada|call|nota|note|carta|letter|"
    r"whatsapp|sms|text)\b[^.]{0,120}[\"“«']",
    re.IGNORECASE,
)
HARASS_RE = re.compile(
    r"\binsult\w*|\bhostig\w*|\bacos\w*|\bharass\w*|"
    r"\bintimidat\w*|\bhumill\w*",
    re.IGNORECASE,
)
HYPOTHETICAL_RE = re.compile(
    r"\b(?:cualquier|any|responsabiliza\w*|hold\w* [^.]{0,40}responsible|podr[ií]a\w*|"
    r"could|might|may|temen?|fear\w*|riesgo|risk)\b",
    re.IGNORECASE,
)
OTHER_RE = re.compile(
    r"\bse negaron a recibir|\bno quisieron recibir|\brefused to (?:receive|register|take)|"
    r"\bsoborn\w*|\bbrib\w*|\bfalsific\w*|\bforged?\b|\brehenes?\b|\bhostages?\b|"
    r"\bretenid[oa]s\b|\barrebat\w+|\brobaron\b|\bstole\b|\brobbed\b|"
    r"\bimpidieron el (?:paso|acceso)|\bblocked (?:the )?access",
    re.IGNORECASE,
)
RELATIVES = {"quien", "quienes", "que", "who", "which", "cual"}
SPEECH_LEMMAS = {
    "decir",
    "advertir",
    "gritar",
    "tell",
    "warn",
    "say",
    "shout",
    "amenazar",
    "threaten",
    "escribir",
    "write",
    "llamar",
    "call",
    "enviar",
    "send",
    "describe",
    "describir",
    "calificar",
    "tildar",
    "label",
    "brand",
    "publicar",
    "publish",
    "difundir",
    "post",
}
NOBODY_RE = re.compile(
    r"\b(?:no one|nobody|nadie|ning[uú]n\w*|not yet|a[uú]n no|todav[ií]a no)\b", re.IGNORECASE
)
NEGATIONS = {"no", "nunca", "jamás", "not", "never", "n't"}
# "por" / "by" phrases that give a cause, not an agent
CAUSES = {
    "conflicto",
    "disputa",
    "defensa",
    "defender",
    "oponerse",
    "oposicion",
    "motivo",
    "razon",
    "causa",
    "denunciar",
    "problema",
    "tierra",
    "tierras",
    "territorio",
    "conflict",
    "dispute",
    "defending",
    "opposing",
    "reason",
    "cause",
    "land",
    "participar",
    "liderar",
    "resistencia",
    "haber",
    "ser",
    "negarse",
    "rechazar",
}
UNNAMED_AGENTS = {
    "sicario",
    "sicarios",
    "desconocido",
    "desconocidos",
    "encapuchado",
    "encapuchados",
    "hombre",
    "hombres",
    "individuo",
    "individuos",
    "sujeto",
    "sujetos",
    "invasor",
    "invasores",
    "traficante",
    "traficantes",
    "colono",
    "colonos",
    "madereros",
    "madereros ilegales",
    "narcotraficantes",
    "hitmen",
    "hitman",
    "gunmen",
    "gunman",
    "men",
    "unknown",
    "assailants",
    "attackers",
    "loggers",
    "settlers",
    "traffickers",
    "matones",
    "trabajadores",
    "ronderos",
    "mineros",
    "mineros ilegales",
    "comuneros",
    "pobladores",
}
SEVERITY = {
    "killing": 5,
    "attempted_killing": 5,
    "disappearance": 5,
    "sexual_violence": 5,
    "assault": 4,
    "threat": 3,
    "eviction": 3,
    "property_damage": 3,
    "criminalisation": 3,
    "surveillance": 2,
    "harassment": 2,
    "stigmatisation": 2,
    "other": 1,
}
PERPETRATOR_KINDS = {"police", "military", "company", "criminal_group", "armed_group"}
WITNESS_WORDS = {
    "testigo",
    "testigos",
    "presenciar",
    "presencia",
    "witness",
    "witnessed",
    "witnesses",
}


@dataclass
class Trigger:
    token: Token
    type: str
    passive: bool = False
    agent_tokens: list[Token] = field(default_factory=list)
    patient_tokens: list[Token] = field(default_factory=list)


def _lemma(tok: Token) -> str:
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
        return any(_lemma(c) == "ser" and c.dep_ in {"aux", "cop"} for c in tok.children) or (
            tok.i > 0 and _lemma(tok.doc[tok.i - 1]) == "ser"
        )
    return False


def _subtree_tokens(tok: Token) -> list[Token]:
    return list(tok.subtree)


def _agent_phrases(tok: Token) -> list[Token]:
    """Heads of "por X" / "by X" / "a manos de X" attached to ``tok``."""
    out: list[Token] = []
    for c in tok.children:
        case = {fold(g.text) for g in c.children if g.dep_ in {"case", "mark"}}
        if c.dep_ == "agent":
            out += [g for g in c.children if g.dep_ == "pobj"]
        elif ("por" in case or (fold(c.text) == "manos" and c.dep_ in {"obl", "nmod"})) and (
            _lemma(c) not in CAUSES and fold(c.text) not in CAUSES
        ):
            out.append(c)
    return out


def find_triggers(sent: Span) -> list[Trigger]:
    found: list[Trigger] = []
    for tok in sent:
        if tok.pos_ not in {"VERB", "NOUN", "AUX", "ADJ"} and tok.tag_[:2] not in {"VB", "NN"}:
            continue
        kind = TRIGGERS.get(_lemma(tok)) or TRIGGERS.get(fold(tok.text))
        if kind is None or _negated(tok):
            continue
        lemma = _lemma(tok)
        if (
            kind == "criminalisation"
            and lemma in {"denunciar", "acusar", "charge"}
            and tok.pos_ == "VERB"
            and not _criminal_context(sent)
            and not _institution_subject(tok)
        ):
            continue
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
        }:
            kind = _contextual(tok, sent, kind)
            if kind is None:
                continue
        if kind == "criminalisation" and (
            REQUEST_RE.search(sent.text) or NOBODY_RE.search(sent.text)
        ):
            continue
        if kind == "killing" and MODAL_RE.search(sent.text):
            kind = "threat"
        context = {_lemma(t) for t in sent}
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
                    _verb_at(sent, hit.start()),
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
            if not (t.type == "attempted_killing" and _lemma(t.token) in {"fire", "set"})
        ]
        if not any(t.type == "property_damage" for t in found):
            arson = ARSON_RE.search(sent.text)
            assert arson is not None
            found.append(Trigger(_verb_at(sent, arson.start()), "property_damage"))
    if (
        CRIMINAL_RE.search(sent.text)
        and not REQUEST_RE.search(sent.text)
        and not any(t.type == "criminalisation" for t in found)
    ):
        crime = CRIMINAL_RE.search(sent.text)
        assert crime is not None
        found.append(Trigger(_verb_at(sent, crime.start()), "criminalisation"))
    stigma = STIGMA_RE.search(sent.text)
    if (
        stigma
        and not REQUEST_RE.search(sent.text)
        and not any(t.type == "stigmatisation" for t in found)
    ):
        token = _speech_verb(sent) or _verb_at(sent, stigma.start())
        found.append(Trigger(token, "stigmatisation"))
    speech = (
        SPEECH_THREAT_RE.search(sent.text)
        or WARNING_RE.search(sent.text)
        or TOLD_RE.search(sent.text)
    )
    if speech and not any(t.type in {"threat", "killing", "attempted_killing"} for t in found):
        token = _speech_verb(sent) or _verb_at(sent, speech.start())
        found.append(Trigger(token, "threat"))
    harass = HARASS_RE.search(sent.text)
    if harass and not any(t.type in {"harassment", "threat"} for t in found):
        found.append(Trigger(_verb_at(sent, harass.start()), "harassment"))
    other = OTHER_RE.search(sent.text)
    if other and not any(t.type == "other" for t in found):
        found.append(Trigger(_verb_at(sent, other.start()), "other"))
    if HYPOTHETICAL_RE.search(sent.text):
        found = [t for t in found if t.type not in {"killing", "attempted_killing"}]
    sexual = SEXUAL_PHRASES.search(sent.text)
    if sexual and not any(t.type == "sexual_violence" for t in found):
        found.append(Trigger(_verb_at(sent, sexual.start()), "sexual_violence"))
    if MISSING_PHRASES.search(sent.text) and not any(t.type == "disappearance" for t in found):
        found.append(Trigger(sent.root, "disappearance"))
    return _dedupe(found)


def _criminal_context(sent: Span) -> bool:
    words = {fold(t.text) for t in sent}
    return bool(
        words
        & {
            "penal",
            "penalmente",
            "fiscal",
            "fiscalia",
            "delito",
            "delitos",
            "usurpacion",
            "criminal",
            "criminally",
            "charges",
            "prosecutor",
            "carpeta",
            "juzgado",
            "court",
            "calumnia",
            "difamacion",
            "disturbios",
            "extorsion",
            "secuestro",
            "terrorismo",
        }
    )


def _contextual(tok: Token, sent: Span, kind: str) -> str | None:
    lemma = _lemma(tok)
    words = {fold(t.text) for t in sent} | {_lemma(t) for t in sent}
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
    if lemma in {"atacar", "attack", "hit"}:
        return kind
    return kind


def _dedupe(found: list[Trigger]) -> list[Trigger]:
    """One incident per type per sentence; attempted killing absorbs killing words."""
    by_type: dict[str, Trigger] = {}
    for t in found:
        by_type.setdefault(t.type, t)
    if "attempted_killing" in by_type:
        by_type.pop("killing", None)
        by_type.pop("assault", None)
    if "killing" in by_type or "sexual_violence" in by_type:
        by_type.pop("assault", None)
    if "threat" in by_type and "harassment" in by_type:
        by_type.pop("harassment")
    return list(by_type.values())


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
    for t in list(perps):  # "hitmen hired by X", "men led by X", "enviados por X"
        for c in t.children:
            if c.dep_ in {"acl", "relcl"}:
                for g in c.children:
                    if g.dep_ == "agent":
                        perps += [x for x in g.children if x.dep_ == "pobj"]
                    elif g.dep_ in {"obl", "nmod"} and {fold(x.text) for x in g.children} & {"por"}:
                        perps.append(g)
    if trig.type == "disappearance" and not trig.passive:
        # "X has been missing", "X desapareció": the subject is who disappeared
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


def _in_sentence(entities: list[Entity], sent: Span, types: set[str]) -> list[Entity]:
    return [
        e
        for e in entities
        if e.type in types and any(sent.start_char <= m.start < sent.end_char for m in e.mentions)
    ]


def extract(
    doc: Doc,
    entities: list[Entity],
    dates: list[DateMention],
    relations: list[Relation] | None = None,
) -> list[Incident]:
    index = token_index(doc, entities)
    incidents: list[Incident] = []
    last_date: DateMention | None = None
    doc_places = [e for e in entities if e.type == "place"]
    defenders = [e for e in entities if e.type == "person" and e.defender and not e.suspect]
    suspects = {e.key for e in entities if e.suspect}
    kinds = {e.key: e.type for e in entities}
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
    }
    for sent in doc.sents:
        sent_dates = [d for d in dates if sent.start_char <= d.start < sent.end_char]
        if sent_dates:
            last_date = sent_dates[0]
        for trig in find_triggers(sent):
            perps, victims, unnamed = roles(trig, index)
            if (
                trig.type == "criminalisation"
                and _lemma(trig.token) in {"denunciar", "report", "denounce"}
                and perps
                and all(k in innocent for k in perps)
            ):
                continue  # defenders denouncing their attackers: not criminalisation
            perps = [k for k in perps if k not in innocent]
            if trig.type == "criminalisation":  # institutions and companies criminalise
                perps = [k for k in perps if kinds[k] == "organization" or k in suspects]
            victims = [k for k in victims if k not in suspects or k in perps]
            victims = [k for k in victims if k not in perps and k not in authorities]
            if any(kinds[k] == "person" for k in victims) and trig.type not in COMMUNITY_HARMS:
                # "el vigilante X, de la Comunidad Y": Y describes X, it is not a victim
                victims = [k for k in victims if kinds[k] == "person"]
            confidence = 0.8 if (perps or victims) else 0.6
            if not victims:
                here = _in_sentence(entities, sent, {"person"})
                victims = [e.key for e in here if e.key not in perps and e.defender]
                if not victims and trig.type in COMMUNITY_HARMS:
                    victims = [
                        e.key
                        for e in _in_sentence(entities, sent, {"community", "organization"})
                        if e.key not in perps
                        and (e.type == "community" or e.kind in {"federation", "other"})
                    ]
                confidence = min(confidence, 0.6)
            if not victims and _object_pronoun(trig.token):
                recent = _last_person_before(entities, sent.start_char, perps)
                victims = [recent.key] if recent else []
            if not perps:
                perps = [
                    e.key
                    for e in _in_sentence(entities, sent, {"organization", "person"})
                    if e.key not in victims
                    and e.key not in innocent
                    and (
                        e.kind in PERPETRATOR_KINDS
                        or e.suspect
                        or (e.type == "person" and _near_por(sent, e))
                    )
                ]
            witnesses = _witnesses(sent, entities, perps + victims)
            place = _place_for(sent, doc_places)
            date = sent_dates[0] if sent_dates else last_date
            start, end = sent.start_char, sent.end_char
            incidents.append(
                Incident(
                    type=trig.type,
                    evidence=Evidence(start, end, sent.text, start, "rule", confidence),
                    date=date.value if date else None,
                    date_precision=date.precision if date else "unknown",
                    place=place.key if place else None,
                    perpetrators=perps,
                    victims=victims,
                    witnesses=witnesses,
                    unnamed_perpetrators=unnamed,
                    trigger=_lemma(trig.token),
                    reference=trig.token.pos_ == "NOUN" and trig.token is not sent.root,
                )
            )
    _fill_from_document(incidents, defenders, entities, relations or [])
    return _merge_repeats(incidents)


COMMUNITY_HARMS = {"eviction", "property_damage"}


def _fill_from_document(
    incidents: list[Incident],
    defenders: list[Entity],
    entities: list[Entity],
    relations: list[Relation],
) -> None:
    """An act whose sentence names no one: the document's main victim and main alleged
    perpetrator, when the document points to them (lower confidence)."""
    counts: dict[str, int] = {}
    for inc in incidents:
        for k in inc.perpetrators:
            counts[k] = counts.get(k, 0) + 1
    employees = {r.source for r in relations if r.type == "works_for"}
    main_perp = (
        max(counts, key=lambda k: counts[k]) if counts else _likely_perpetrator(entities, employees)
    )
    named_perps = set(counts) | ({main_perp} if main_perp else set())
    persons = [
        e
        for e in entities
        if e.type == "person"
        and e.key not in named_perps
        and e.key not in employees
        and not e.suspect
    ]
    pool = defenders or persons
    main_victim = max(pool, key=lambda e: len(e.mentions)).key if pool else None
    for inc in incidents:
        if not inc.victims and main_victim is not None and main_victim not in inc.perpetrators:
            inc.victims = [main_victim]
            inc.evidence = _lower(inc.evidence)
        if not inc.perpetrators and main_perp is not None and main_perp not in inc.victims:
            inc.perpetrators = [main_perp]
            inc.evidence = _lower(inc.evidence)


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


def _near_por(sent: Span, e: Entity) -> bool:
    text = sent.text.lower()
    for m in e.mentions:
        rel = m.start - sent.start_char
        if 0 <= rel <= len(text) and re.search(
            r"(?:\bpor|\bby|a manos de)\s+(?:el |la |los |"
            r"the )?$",
            text[max(0, rel - 15) : rel],
        ):
            return True
    return False


def _witnesses(sent: Span, entities: list[Entity], taken: list[str]) -> list[str]:
    if not {fold(t.text) for t in sent} & WITNESS_WORDS and "presencia de" not in sent.text:
        return []
    return [e.key for e in _in_sentence(entities, sent, {"person"}) if e.key not in taken]


def _place_for(sent: Span, places: list[Entity]) -> Entity | None:
    here = _in_sentence(places, sent, {"place"})
    pool = here or places
    if not pool:
        return None
    rank = {"district": 0, "locality": 1, "province": 2, "region": 3, None: 4}
    return min(pool, key=lambda e: (rank.get(e.level, 4), e.first.start))


def _merge_repeats(incidents: list[Incident]) -> list[Incident]:
    """An act named again by a noun ("la amenaza", "the attack") right after it was told,
    with the same date and no new victim, is the same act."""
    out: list[Incident] = []
    for inc in incidents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and inc.reference
            and prev.type == inc.type
            and prev.date == inc.date
            and (not inc.victims or set(inc.victims) <= set(prev.victims))
        ):
            prev.perpetrators += [p for p in inc.perpetrators if p not in prev.perpetrators]
            prev.unnamed_perpetrators += [
                u for u in inc.unnamed_perpetrators if u not in prev.unnamed_perpetrators
            ]
            continue
        out.append(inc)
    return out


def _object_pronoun(tok: Token) -> bool:
    """ "lo amenazó", "le dispararon", "threatened him"."""
    return any(
        c.pos_ == "PRON" and c.dep_ in {"obj", "iobj", "dobj", "expl:pv", "dative"}
        for c in tok.children
    )


def _last_person_before(entities: list[Entity], offset: int, exclude: list[str]) -> Entity | None:
    best: tuple[int, Entity] | None = None
    for e in entities:
        if e.type != "person" or e.key in exclude:
            continue
        for m in e.mentions:
            if m.start < offset and (best is None or m.start > best[0]):
                best = (m.start, e)
    return best[1] if best else None


def _stem_re(stem: str) -> re.Pattern[str]:
    letters = [
        {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uú]", "n": "[nñ]"}.get(
            ch, re.escape(ch)
        )
        for ch in stem
    ]
    return re.compile(r"[\s\-¬_~]*".join(letters))


_STEM_RES = [(_stem_re(stem), kind) for stem, kind in STEMS]


def _verb_at(sent: Span, offset: int) -> Token:
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
        if _lemma(tok) in SPEECH_LEMMAS and tok.pos_ in {"VERB", "AUX"}:
            return tok
    return None


INSTITUTION_WORDS = {
    "empresa",
    "minera",
    "fiscalia",
    "policia",
    "pnp",
    "municipalidad",
    "gobierno",
    "company",
    "prosecutor",
    "police",
    "maderera",
    "petrolera",
    "procuraduria",
    "ministerio",
    "palmera",
}


def _institution_subject(tok: Token) -> bool:
    """ "la empresa denunció a X": a company or a state body is the one accusing."""
    for c in tok.children:
        if c.dep_ in {"nsubj", "nsubj:pass"}:
            words = {fold(t.text) for t in c.subtree}
            if words & INSTITUTION_WORDS or any(t.ent_type_ == "ORG" for t in c.subtree):
                return True
    return False
