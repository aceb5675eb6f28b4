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

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from nlp.dates import DateMention
from nlp.patterns import doc_text
from nlp.result import Entity, Evidence, Incident, Relation
from nlp.text import fold

# lemma (folded) → incident type
TRIGGERS: dict[str, str] = {}
for _type, _words in {
    "killing": "asesinar matar ejecutar acribillar victimar ultimar asesinato homicidio "
    "morir fallecer die asesinado asesinada asesinados "
    "feminicidio crimen muerte kill murder slay assassinate killing assassination "
    "homicide execute",
    "attempted_killing": "atentado atentar balear herir_de_bala tirotear disparar shoot gun "
    "disparo disparos balazo balazos",
    "threat": "amenazar amenaza amedrentar intimidar amedrentamiento intimidacion threaten "
    "threat intimidate",
    "assault": "golpear agredir agresion atacar ataque lesionar herir apalear patear "
    "herido herida heridos heridas lesionado lesionados golpeado golpeados "
    "golpiza beat assault attack injure wound hit punch",
    "criminalisation": "denunciar criminalizar criminalizacion imputar procesar detener "
    "prosecution procesamiento "
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
    r"visto por [uú]ltima vez|last seen|sin rastro|"
    r"(?:defensor|dirigente|l[ií]der|apu|guardaparques?)\s+(?:[\wáéíóú]+\s+)?desaparecid[oa]|"
    r"paradero (?:es )?desconocido|whereabouts (?:are |remain )?"
    r"unknown|(?:está|sigue|se encuentra|remains|is|went) "
    r"(?:desaparecid[oa]|missing)",
    re.IGNORECASE,
)
DISPARAR_RE = re.compile(
    r"\b(?:dispar\w+|balear\w*|baleó|shot at|opened fire|fired at|"
    r"gunshot|bullet|balazo|bala|shot|shots|fired|tiros?|disparos?|balead\w+|acribill\w+)\b",
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
    r"\b(?:ir|irse|terminar|acabar|aparecer|flotando|end up|floating)\s+(?:\w+\s+){0,2}"
    r"(?:al|en el|in the)\s+(?:río|rio|river)|"
    r"\bshut you up|\bte vamos|\bwe will\b|\bvan a\b)",
    re.IGNORECASE,
)
ARSON_RE = re.compile(
    r"\bset (?:\w+ )?on fire|\bset fire|\bprend\w* fuego|\bincendi\w+|"
    r"\bquem(?!arropa)\w+|\bburn\w*|\btorch\w*",
    re.IGNORECASE,
)
CRIMINAL_RE = re.compile(
    r"\b(?:investigation against|denuncia (?:penal )?contra|querella contra|complaint against|"
    r"proceso penal|criminal (?:proceedings|case|trial)|absolvi\w+|acquitt\w+|"
    r"investigaci[oó]n (?:\w+ )?contra|abri\w+ (?:una )?"
    r"investigaci[oó]n (?:\w+ )?contra|opened (?:an |a criminal )?investigation against|"
    r"summon\w* [^.]{0,40}"
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
_PROPERTY = r"(?:vivienda|casa|house|home|local|camioneta|veh[ií]culo|vehicle|car|canoa|boat|bote)"
# the property is what was shot: its object ("balearon la casa") or its passive subject
PROPERTY_SHOT_RE = re.compile(
    r"\b(?:balear\w*|balea\w+|tirote\w*|shot at|fired at|riddled|dispar\w+ contra)\s+"
    r"(?:(?:the|his|her|their|its|la|el|su|sus|una|un)\s+)?" + _PROPERTY + r"\b"
    r"|\b" + _PROPERTY + r"\s+(?:[\wáéíóú]+\s+){0,3}(?:fue|was|were|fueron)\s+"
    r"(?:balead|tirote|shot|riddled)",
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
    "declarar",
    "afirmar",
    "sostener",
    "asegurar",
    "state",
    "claim",
    "declare",
}
NOBODY_RE = re.compile(
    r"\b(?:no one|nobody|nadie|ning[uú]n\w*|not yet|a[uú]n no|todav[ií]a no)\b", re.IGNORECASE
)
THREAT_TOKEN_RE = re.compile(
    r"\b(?:corona (?:fúnebre|funebre|de flores)|funeral wreath|ataúd|coffin|"
    r"llamadas? (?:anónimas?|anonimas?|amenazantes?|intimidatorias?)|"
    r"mensajes? (?:anónimos?|anonimos?|amenazantes?|intimidatorios?)|"
    r"threatening (?:messages?|notes?|calls?|voice messages?|letters?)|anonymous (?:calls?|notes?|"
    r"letters?|messages?)|(?:carta|nota|pintas?|panfletos?) (?:anónimas?|amenazantes?)|"
    r"un anónimo|an anonymous note|(?:text|voice|phone|whatsapp) (?:messages?|calls?) "
    r"(?:warning|threatening|telling)|(?:mensajes?|llamadas?)(?: de texto| telef[oó]nicas?)? "
    r"(?:advirti[eé]ndole|amenaz[aá]ndole|que le advert[ií]a))\b",
    re.IGNORECASE,
)
AIR_SHOTS = re.compile(
    r"\b(?:dispar\w+|disparos?|tiros?|balazos?|fired|shots?|shooting)\b[^.]{0,30}"
    r"\b(?:al aire|en el aire|into the air|in the air)\b",
    re.IGNORECASE,
)
NOBODY_HURT = re.compile(
    r"\b(?:ninguno|ninguna|nadie|none of|no one|nobody)\b[^.;]{0,40}\b(?:herid\w*|lesionad\w*|"
    r"hit|hurt|wounded|injured)\b",
    re.IGNORECASE,
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


def _trigger(tok: Token, kind: str) -> Trigger:
    return Trigger(tok, kind, passive=_is_passive(tok))


def find_triggers(sent: Span, tail: str = "") -> list[Trigger]:
    """The acts a sentence tells; ``tail`` is the quote that continues it when the parser
    cut the sentence at a quotation mark ("… le dijo que" + "«si sigues …»")."""
    found: list[Trigger] = []
    for tok in sent:
        if tok.pos_ not in {"VERB", "NOUN", "AUX", "ADJ"} and tok.tag_[:2] not in {"VB", "NN"}:
            continue
        kind = TRIGGERS.get(_lemma(tok)) or TRIGGERS.get(fold(tok.text))
        if kind is None or _negated(tok):
            continue
        if NOBODY_HURT.search(sent.text[: tok.idx - sent.start_char + len(tok.text)]):
            continue  # "Ninguno resultó herido", "None of the three was hit"
        lemma = _lemma(tok)
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
            found.append(_trigger(_verb_at(sent, arson.start()), "property_damage"))
    if (
        CRIMINAL_RE.search(sent.text)
        and not REQUEST_RE.search(sent.text)
        and not any(t.type == "criminalisation" for t in found)
    ):
        crime = CRIMINAL_RE.search(sent.text)
        assert crime is not None
        found.append(_trigger(_verb_at(sent, crime.start()), "criminalisation"))
    stigma = STIGMA_RE.search(sent.text)
    if (
        stigma
        and not REQUEST_RE.search(sent.text)
        and not any(t.type == "stigmatisation" for t in found)
    ):
        token = _speech_verb(sent) or _verb_at(sent, stigma.start())
        found.append(_trigger(token, "stigmatisation"))
    spoken = sent.text + (" " + tail if tail else "")
    speech = SPEECH_THREAT_RE.search(spoken) or WARNING_RE.search(spoken) or TOLD_RE.search(spoken)
    if speech is not None and speech.start() >= len(sent.text):
        speech = None
    if speech and not any(t.type in {"threat", "killing", "attempted_killing"} for t in found):
        # the speech verb of the threat itself ("a man who told her …"), not the
        # reporting one ("she said …")
        at = _verb_at(sent, speech.start())
        token = at if _lemma(at) in SPEECH_LEMMAS else (_speech_verb(sent) or at)
        found.append(_trigger(token, "threat"))
    token_threat = THREAT_TOKEN_RE.search(sent.text)
    if token_threat and not any(t.type == "threat" for t in found):
        # a funeral wreath at the door, anonymous calls, a note: a threat without the word
        found.append(_trigger(_verb_at(sent, token_threat.start()), "threat"))
    harass = HARASS_RE.search(sent.text)
    if harass and not any(t.type in {"harassment", "threat"} for t in found):
        found.append(_trigger(_verb_at(sent, harass.start()), "harassment"))
    other = OTHER_RE.search(sent.text)
    if other and not any(t.type == "other" for t in found):
        found.append(_trigger(_verb_at(sent, other.start()), "other"))
    if HYPOTHETICAL_RE.search(sent.text):
        found = [t for t in found if t.type not in {"killing", "attempted_killing"}]
    sexual = SEXUAL_PHRASES.search(sent.text)
    if sexual and not any(t.type == "sexual_violence" for t in found):
        found.append(_trigger(_verb_at(sent, sexual.start()), "sexual_violence"))
    if MISSING_PHRASES.search(sent.text) and not any(t.type == "disappearance" for t in found):
        found.append(_trigger(sent.root, "disappearance"))
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


SHOT_WORDS = {"bala", "balazo", "balazos", "disparo", "disparos", "arma", "escopeta", "perdigones"}
VIOLENCE_WORDS = SHOT_WORDS | {
    "ataque",
    "atentado",
    "asesinado",
    "asesinada",
    "herida",
    "heridas",
    "golpes",
    "golpiza",
    "tiros",
    "baleado",
    "acribillado",
    "emboscada",
    "shot",
    "shots",
    "attack",
    "attacked",
    "wounds",
    "gunshot",
    "ambush",
    "beaten",
    "stabbed",
    "machete",
    "hit",
}
RECEIVING_VERBS = {"recibir", "sufrir", "padecer", "enfrentar", "receive", "suffer", "face", "get"}
STATE_VERBS = {"resultar", "quedar", "salir", "terminar", "result", "be", "remain", "end", "leave"}


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
        and _lemma(tok.head) in RECEIVING_VERBS
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
    if tok.pos_ == "NOUN" and not victims and _family(trig.type) in {"killing", "disappearance"}:
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
        and _lemma(tok.head) in STATE_VERBS
    ):
        # "A, B y C resultaron heridos", "X quedó herido de bala", "X was left wounded"
        victims += [
            t
            for c in tok.head.children
            if c.dep_ in {"nsubj", "nsubjpass", "nsubj:pass"}
            for t in _with_conjuncts(c)
        ]
    if _lemma(tok) in {"morir", "fallecer", "die"} or (
        trig.type == "disappearance" and not trig.passive
    ):
        # "X has been missing", "X desapareció": the subject is who disappeared
        victims += perps
        perps = [t for a in agents for t in _with_conjuncts(a)]
    if _lemma(tok) in RECEIVING_VERBS:
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


def _in_sentence(entities: list[Entity], sent: Span, types: set[str]) -> list[Entity]:
    return [
        e
        for e in entities
        if e.type in types and any(sent.start_char <= m.start < sent.end_char for m in e.mentions)
    ]


@dataclass
class _Draft:
    """An incident while the document is read, with what decides how it merges."""

    inc: Incident
    weak: bool  # the parse gave it no participant: a mention of an act, not its telling
    noun: bool  # named by a noun ("el asesinato", "the attack")
    own_date: bool  # its date is written in its own sentence
    headline: bool = False  # in the piece's title: names what the body tells


def extract(
    doc: Doc,
    entities: list[Entity],
    dates: list[DateMention],
    relations: list[Relation] | None = None,
) -> list[Incident]:
    index = token_index(doc, entities)
    drafts: list[_Draft] = []
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
            held = _arrested(sent, triggers, index, entities)
            held = [k for k in held if kinds.get(k) == "person" and k not in innocent]
            # who is held is named before "presunto autor del …"; who comes after it is
            # the act's victim ("… del homicidio de X")
            cut = sent.start_char + arrest.start()
            held = [k for k in held if any(m.start < cut for m in _by_key(entities, k).mentions)]
            if held:
                act = _act_of(sent.text[arrest.start() :])
                arrested.append((act, held, sent.start_char, [], sent))  # not the arrest's date
            triggers = [t for t in triggers if t.type != "criminalisation"]
        for act, accused in _accusations(sent, entities):
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
                and _lemma(trig.token) in {"denunciar", "report", "denounce"}
                and perps
                and all(k in innocent for k in perps)
            ):
                continue  # defenders denouncing their attackers: not criminalisation
            if (
                trig.type == "criminalisation"
                and _lemma(trig.token) in {"denunciar", "report", "denounce"}
                and any(
                    c.dep_ in {"obj", "dobj"}
                    and TRIGGERS.get(_lemma(c), "criminalisation") != "criminalisation"
                    for c in trig.token.children
                )
            ):
                continue  # "denuncia la agresión sufrida …": reporting an act
            if trig.passive:  # "fue asesinado …, presuntamente por integrantes de X"
                perps += [
                    k
                    for k in victims
                    if k not in perps and _near_por(sent, _by_key(entities, k), trig.token.idx)
                ]
                victims = [k for k in victims if k not in perps]
            if (
                _lemma(trig.token) in SPEECH_LEMMAS
                and _quoted(sent, trig.token)
                and not _object_pronoun(trig.token)
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
                    + [e.key for e in _in_sentence(entities, sent, {"person"}) if e.defender]
                    if k in innocent or k in members
                ]
                if not targets and (
                    _object_pronoun(trig.token) or TARGET_PRONOUN.search(sent.text)
                ):
                    recent = _last_person_before(
                        entities, sent.start_char, sorted(officials | suspects)
                    )
                    if recent is not None and (recent.key in innocent or recent.key in members):
                        targets = [recent.key]
                if not targets or NOBODY_RE.search(sent.text):
                    continue
                victims = list(dict.fromkeys(targets))
            if trig.passive or _lemma(trig.token.head) in STATE_VERBS:
                victims += [
                    k
                    for k in _surface_patients(doc, trig.token, entities, sent)
                    if k not in perps and k not in authorities and k not in victims
                ]
            treated = TREATED_RE.search(sent.text)
            if treated and not victims and trig.type in {"assault", "attempted_killing"}:
                # "A, B y C fueron atendidos … por contusiones": the wounded of the attack
                verb = _verb_at(sent, treated.start())
                victims = [
                    k
                    for k in _surface_patients(doc, verb, entities, sent)
                    if k not in perps and k not in authorities
                ]
            victims += [
                k
                for k in _listed_with(doc, sent, victims, entities)
                if k not in perps and k not in victims and k not in suspects
            ]
            if trig.type in {"attempted_killing", "assault"} and AT_THEM.search(sent.text):
                # "he and two colleagues, X and Y, were heading … when men fired at them"
                victims += [
                    e.key
                    for e in _in_sentence(entities, sent, {"person"})
                    if e.key not in perps
                    and e.key not in victims
                    and e.key not in officials
                    and e.key not in suspects
                ]
            weak = not (perps or victims or unnamed)
            confidence = 0.8 if (perps or victims) else 0.6
            if not victims:
                here = _in_sentence(entities, sent, {"person"})
                victims = [
                    e.key
                    for e in here
                    if e.key not in perps and e.defender and e.key not in officials
                ]
                if not victims and trig.type in COMMUNITY_HARMS:
                    victims = [
                        e.key
                        for e in _in_sentence(entities, sent, {"community", "organization"})
                        if e.key not in perps
                        and (e.type == "community" or e.kind in {"federation", "other"})
                    ]
                confidence = min(confidence, 0.6)
            if (
                not perps
                and not trig.passive
                and trig.token.pos_ in {"VERB", "AUX"}
                and (
                    _lemma(trig.token) not in SPEECH_LEMMAS
                    or _object_pronoun(trig.token)
                    or (trig.type == "stigmatisation" and not _quoted(sent, trig.token))
                )
            ):  # "X said …" reports; "X le dijo …" threatens; "X declaró que son terroristas"
                perps = [
                    k
                    for k in _surface_agent(doc, trig.token, entities)
                    if k not in victims and k not in innocent and k not in officials
                ]
            quoted = sent.text.lstrip()[:1] in QUOTES
            if not victims and _object_pronoun(trig.token) and not quoted:
                # "le dijo", "lo amenazaron": the last person named who is not a suspect
                # (a quote's pronouns are the speaker's: they stay unresolved)
                taken = perps + sorted(officials) + sorted(suspects)
                recent = _last_person_before(
                    entities, trig.token.idx, taken, _pronoun_gender(trig.token)
                )
                victims = [recent.key] if recent else []
            named_here: list[str] = []
            if not perps:
                # named next to the act but not its agent: never an accusation by itself
                perps = [
                    e.key
                    for e in _in_sentence(entities, sent, {"person"})
                    if e.key not in victims
                    and e.key not in innocent
                    and e.key not in officials
                    and trig.type != "criminalisation"
                    and _near_por(sent, e, trig.token.idx)
                ]
                perps += [
                    e.key
                    for e in _in_sentence(entities, sent, {"organization"})
                    if not perps  # "by the company's security chief, X": X is the agent
                    and e.key not in victims
                    and e.key not in innocent
                    and e.key not in officials
                    and e.key not in perps
                    and trig.type != "criminalisation"
                    and _near_por(sent, e, trig.token.idx)
                ]
                named_here = [
                    e.key
                    for e in _in_sentence(entities, sent, {"organization", "person"})
                    if e.key not in victims
                    and e.key not in perps
                    and e.key not in innocent
                    and e.key not in officials
                    and (e.kind in SUSPECT_KINDS or e.suspect)
                ]
            named_here += [k for k in linked if k not in named_here and k not in victims]
            witnesses = _witnesses(sent, entities, perps + victims + named_here)
            place = _place_for(sent, doc_places)
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
                trigger=_lemma(trig.token),
                reference=trig.token.pos_ == "NOUN" and trig.token is not sent.root,
            )
            heading = _headline(doc, sent)
            # an arrest or an accusation names the act; its date is the procedure's
            naming = attributing and trig.type != "criminalisation"
            drafts.append(
                _Draft(
                    inc,
                    weak or heading or naming,
                    trig.token.pos_ == "NOUN",
                    bool(sent_dates) and not naming,
                    heading,
                )
            )
        if sent_dates:
            last_date = _date_for(sent_dates, sent.start_char)
    incidents = _one_per_event(drafts)
    _attribute_arrests(incidents, arrested, doc_places)
    _fill_from_document(incidents, defenders, entities, relations or [], officials)
    return incidents


# an organisation of communities or of indigenous peoples, whatever the gazetteer knows of it
PEOPLES_ORG = re.compile(
    r"\b(?:comunidad\w*|communit\w+|ind[ií]genas?|indigenous|nativ[ao]s?|pueblos?|peoples?|"
    r"federaci[oó]n|federation|rondas? campesinas?|defensa)\b",
    re.IGNORECASE,
)
COMMUNITY_HARMS = {"eviction", "property_damage"}
# named next to an act without being its agent: a suspect to review, not an accusation
SUSPECT_KINDS = {"company", "criminal_group", "armed_group"}
FAMILIES = {"attempted_killing": "killing"}
_COUNT = (
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds|"
    r"dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|decenas|cientos)"
)
STATISTIC_RE = re.compile(
    r"\b(?:suman|sumar[ií]an|ascienden? a|eleva a|elevan a|cifra|counts?|tally|total of|"
    r"al menos|at least)\b[^.]{0,60}?\b" + _COUNT + r"\s+(?:[\wáéíóú-]+\s+){0,3}?"
    r"(?:defensor[ae]?s|defenders|asesinatos|killings|casos|cases|muertes|deaths|activistas|"
    r"activists|l[ií]deres|leaders|dirigentes|personas|people|murders|homicidios|guardaparques|"
    r"rangers)\b"
    r"|\b" + _COUNT + r"\s+(?:[\wáéíóú]+\s+){0,3}(?:defensor[ae]?s|defenders|asesinatos|killings|"
    r"casos|cases|muertes|deaths|activistas|activists|l[ií]deres|leaders|personas defensoras)\b"
    r"(?=[^.]{0,120}\b(?:desde|since|en lo que va|so far|this year|este año|en total|in total|"
    r"registr\w+|record\w+|document\w+|a nivel nacional|nationwide|en el país|in the country))"
    r"|\b(?:desde|since)\s+(?:el\s+(?:año\s+)?)?(?:19|20)\d\d\b[^.]{0,80}\b"
    r"(?:asesinad|killed|murdered|registrad|recorded|documentad|documented)",
    re.IGNORECASE,
)
GENERIC_RE = re.compile(
    r"\b(?:protocol[oe]?|registr(?:o|y) (?:de|of)|mecanismo intersectorial|"
    r"intersectoral mechanism|pol[ií]tica p[uú]blica|public policy|plan nacional|"
    r"national (?:human rights )?plan|patterns? of|patrones de|situaciones de riesgo|"
    r"situations of risk|medidas de protecci[oó]n para|protection measures for|"
    r"decreto supremo|supreme decree|resoluci[oó]n ministerial|ministerial resolution)\b",
    re.IGNORECASE,
)
ARREST_FOR_RE = re.compile(
    r"\bpresunt[oa]s? (?:autor\w*|responsables?|asesin[oa]s?|implicad[oa]s?|"
    r"ejecutor\w*)(?: \w+){0,2} (?:del|de la|de los|en el|en la|en los) (?P<a1>\w+)"
    r"|\b(?:por|acusad[oa]s? de|acusó a \w+(?: \w+){0,3} de|sindicad[oa]s? (?:como|de)) "
    r"(?:el |la |los |haber )?(?P<a2>asesinato|crimen|homicidio|atentado|ataque|amenazas?|"
    r"asesinar|matar|atentar|atacar|amenazar|agredir|agresión)\b"
    r"|\b(?:arrested|detained|charged|convicted|sentenced)\b[^.]{0,40}?\b(?:for|with|of)\b"
    r"(?: the| his| her| their)? (?P<a3>killing|murder|attack|shooting|threats?|assault)"
    r"|\bsuspected (?:of|in) (?:the )?(?P<a4>killing|murder|attack|shooting)"
    r"|\b(?:detenid[oa]s?|capturad[oa]s?|arrested|detained|held)\b[^.]{0,60}?\b(?:como|as an?)\s+"
    r"(?:presunt[oa]s?\s+|alleged\s+)?(?:sospechos[oa]s?|suspects?|responsables?|autor\w*)"
    r"(?:[^.]{0,60}?(?P<a5>asesinato|crimen|homicidio|atentado|ataque|amenazas?|killing|murder|"
    r"attack|shooting|threats?))?",
    re.IGNORECASE,
)
ACT_WORDS = {
    "asesinato": "killing",
    "crimen": "killing",
    "homicidio": "killing",
    "asesinar": "killing",
    "matar": "killing",
    "asesino": "killing",
    "asesina": "killing",
    "asesinos": "killing",
    "killing": "killing",
    "murder": "killing",
    "shooting": "attempted_killing",
    "atentado": "attempted_killing",
    "atentar": "attempted_killing",
    "ataque": "assault",
    "atacar": "assault",
    "agredir": "assault",
    "agresion": "assault",
    "attack": "assault",
    "assault": "assault",
    "amenaza": "threat",
    "amenazas": "threat",
    "amenazar": "threat",
    "threat": "threat",
    "threats": "threat",
}


TARGET_PRONOUN = re.compile(
    r"\b(?:contra (?:él|ella|ellos|ellas)|against (?:him|her|them)|(?:lo|la|los|las) "
    r"(?:denunci|acus|detuv|arrest|proces|imput)\w*)\b",
    re.IGNORECASE,
)
QUOTES = '"“”«»'


def _quoted(sent: Span, verb: Token) -> bool:
    """A speech verb after a closing quote, or a sentence that opens with one."""
    before = sent.text[: verb.idx - sent.start_char]
    return sent.text.lstrip()[:1] in QUOTES or any(q in before for q in QUOTES)


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


LINKED = re.compile(
    r"(?:vinculad[oa]s?|ligad[oa]s?|relacionad[oa]s? con|asociad[oa]s? a|linked to|tied to|"
    r"connected to|associated with|al servicio de|que trabajar\w* para|who work\w* for)\s+"
    r"(?:(?:a|al|la|el|los|las|the)\s+)?(?:empresa\s+|company\s+)?$",
    re.IGNORECASE,
)


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


def _family(kind: str) -> str:
    return FAMILIES.get(kind, kind)


def _act_of(phrase: str) -> str:
    """The act an arrest is for: the first act word from the phrase on."""
    for word in re.findall(r"[\wáéíóú]+", fold(phrase)):
        if word in ACT_WORDS:
            return ACT_WORDS[word]
    return "killing"


def _arrested(
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
        for e in _in_sentence(entities, sent, {"person"}):
            if e.suspect and e.key not in held:
                held.append(e.key)
    return held


def _compatible(x: _Draft, y: _Draft) -> bool:
    """Two tellings of one event: one act family, no victim against victim, no date
    against date (a person is killed once, whatever dates the tellings carry); a date
    carried over from an earlier sentence does not count against another."""
    a, b = x.inc, y.inc
    strict_dates = x.own_date and y.own_date
    if _family(a.type) != _family(b.type):
        return False
    shared = set(a.victims) & set(b.victims)
    # persons against persons: "cuatro dirigentes del Frente resultaron heridos" and "A, B,
    # C y D fueron atendidos" are one attack on the Frente's people
    va = [k for k in a.victims if k.startswith("person:")]
    vb = [k for k in b.victims if k.startswith("person:")]
    if va and vb and not set(va) & set(vb) and a.evidence.start != b.evidence.start:
        return False
    if _family(a.type) == "killing" and shared:
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
        _family(a.type) == "killing"
        or x.weak
        or y.weak
        or x.noun
        or y.noun
        or (x.own_date and y.own_date)
    )


def _absorb(into: _Draft, other: _Draft) -> None:
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


def _one_per_event(drafts: list[_Draft]) -> list[Incident]:
    """Mentions of one act become one incident: tellings with participants merge when they
    agree; a mention with none (a headline, "la escena del crimen", "one day before his
    killing") joins the nearest telling of its act, and a noun alone opens none."""
    kept: list[_Draft] = []
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


def _attribute_arrests(
    incidents: list[Incident],
    arrested: list[tuple[str, list[str], int, list[DateMention], Span]],
    places: list[Entity],
) -> None:
    """ "X fue detenido como presunto autor del crimen", "denunció a X por amenazarlo":
    X is the alleged author of that act — of the nearest one told, else of an act of its
    own, dated by the sentence that attributes it when it gives a date."""
    for kind, persons, offset, dates, sent in arrested:
        acts = [i for i in incidents if kind == "*" or _family(i.type) == _family(kind)]
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
            place = _place_for(sent, places)
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


_ACT_FORMS = (
    r"amenaz\w*|asesin\w*|matar\w*|atac\w*|ataque\w*|agred\w*|agresi[oó]n|golpe\w*|incendi\w*|"
    r"quem(?!arropa)\w*|prender(?:le)? fuego|dispar\w*|herir\w*|atentado|atentar\w*|hostig\w*|"
    r"threat\w*|kill\w*|murder\w*|attack\w*|assault\w*|beat\w*|burn\w*|set(?:ting)? fire|"
    r"shoot\w*|shot|harass\w*"
)
ACCUSE_RE = re.compile(
    r"\b(?:denunci[oóaá]\w*|acus[oóaá]\w*|responsabiliz\w+|sindic[oóa]\w*|culp[oóa]\w*|"
    r"investig(?:ue|uen|ar|a|an|ó|aron)|"
    r"se[nñ]al[oóa]\w* como responsables? a|accus\w+|blam\w+)"
    r"\s+(?P<who>[^.;:]{3,160}?)\s*,?\s+(?:por|de|of|for)\s+"
    r"(?:(?:haber|having|the|el|la|los|las|su|his|her)\s+)?"
    r"(?:(?:encabezar|liderar|dirigir|ordenar|mandar|leading|ordering)\s+(?:el|la|los|the)?\s*)?"
    r"(?P<act>" + _ACT_FORMS + r")",
    re.IGNORECASE,
)
CLITIC = re.compile(r"(?:los|las|lo|la|le|les|me|nos|te)$")


ACCUSED_RELATIVE_RE = re.compile(
    r",?\s*(?:a quien(?:es)?|quien(?:es)?|who(?:m)?)\s+(?:[\wáéíóú]+\s+){0,4}?"
    r"(?:acus\w*|responsabiliz\w*|sindic\w*|se[nñ]al\w* como responsables? de|accused|blamed|"
    r"accuses|blames)\s+(?:ahora\s+|now\s+)?(?:de|of|for)\s+(?:(?:haber|having)\s+)?"
    r"(?:(?:mandado|ordenado|ordered|firing the shots that)\s+)?(?P<act>"
    + _ACT_FORMS
    + r"|firing|fired)",
    re.IGNORECASE,
)
IDENTIFIED_RE = re.compile(
    r"\b(?:identific\w+|reconoci\w+|recogni[sz]\w+|identified|named)\s+"
    r"(?:al|a los|a la|the|as the)?\s*"
    r"(?P<role>remitente|autor\w*|agresor\w*|atacante\w*|tirador\w*|sender|caller|attackers?|"
    r"gunm[ae]n|shooters?|author of the (?:messages|calls))\s+(?:como|as)\s+(?P<who>[^.;:]{3,80})",
    re.IGNORECASE,
)
SENDER = re.compile(r"remitente|sender|caller|author of the", re.IGNORECASE)
FILED_ACTIVE_RE = re.compile(
    r"\b(?:filing|filed|presentó|presento|interpuso|formuló|formulo|lodged)\s+(?:a|an|una|un)?\s*"
    r"(?:criminal\s+)?(?:complaint|denuncia|querella)\b",
    re.IGNORECASE,
)
FILED_BY_RE = re.compile(
    r"\b(?:denuncias?|querellas?|complaints?|acusaci[oó]n)\s+(?:penal(?:es)?\s+|criminal\s+)?"
    r"(?:presentad[oa]s?|interpuest[oa]s?|formulad[oa]s?|filed|lodged|brought)\s+"
    r"(?:\w+\s+){0,3}?(?:por|by)\s+(?P<who>[^.;:]{3,90})",
    re.IGNORECASE,
)


def _accusations(sent: Span, entities: list[Entity]) -> list[tuple[str, list[str]]]:
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


def _within(tok: Token, keys: list[str], index: dict[int, str]) -> bool:
    """A trigger whose own words name one of ``keys`` (the accusation itself)."""
    return any(index.get(t.idx) in keys for t in tok.subtree)


def _fill_from_document(
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


AGENT_BEFORE = re.compile(
    r"(?:\bpor(?: parte de)?|\bby|a manos de)\s+(?:(?:el|la|los|las|un|una|unos|unas|the|an?)\s+)?"
    r"(?P<words>(?:[a-záéíóúñ]+\s+){0,4}?)(?:(?:de|del|of)\s+(?:(?:la|el|los|las|the)\s+)?)?"
    r"[\"“«]?$"
)


def _near_por(sent: Span, e: Entity, after: int = 0) -> bool:
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


NOT_AGENTS = {"teléfono", "telefono", "phone", "whatsapp", "radio", "orden", "order", "encargo"}


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


AGENT_GAP = re.compile(
    r"^(?:\s*(?:,|\()\s*(?:(?:quien|que|who|which)\s[^;:.()]{1,140}?|[^;:.()]{1,70}?)(?:,|\)))?\s*,?\s*"
    r"(?:(?:le|les|lo|la|los|las|me|nos|te|se|ya|también|luego|después|había|habían|ha|han|"
    r"has|have|had|also|then|later|allegedly|reportedly|presuntamente|personalmente|"
    r"nuevamente|again|repeatedly)\s+){0,3}$",
    re.IGNORECASE,
)


def _surface_agent(doc: Doc, verb: Token, entities: list[Entity]) -> list[str]:
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


PATIENT_GAP = re.compile(
    r"^(?:\s*,[^;:.,()]{1,60},)?\s*(?:(?:también|tambien|also|were|was|fue|fueron|han|ha|sido|"
    r"resultaron|resultó|resulto|quedaron|quedó|quedo|salieron|salió|had|have|has|been|"
    r"reportedly|presuntamente|gravemente|seriously|badly)\s+)*$",
    re.IGNORECASE,
)
AT_THEM = re.compile(
    r"\b(?:at them|at us|on them|on us|contra ellos|contra nosotros|nos dispararon|"
    r"les dispararon)\b",
    re.IGNORECASE,
)
TREATED_RE = re.compile(
    r"\b(?:fueron|fue|was|were)\s+(?:atendid[oa]s?|hospitalizad[oa]s?|trasladad[oa]s?|"
    r"internad[oa]s?|evacuad[oa]s?|treated|hospitali[sz]ed|taken to)\b",
    re.IGNORECASE,
)
# between two names of one list: "A, B y C", "María, a su esposo Santos, a su hijo Nilo y a …"
LIST_LINK = re.compile(
    r"^\s*(?:,\s*(?:de\s+)?\d+(?:\s+años)?\s*)?"
    r"(?:,|\by\b|\be\b|\band\b|,\s*and\b|,\s*y\b|(?:,\s*)?(?:entre (?:ellos|ellas)|including|"
    r"among them)(?:\s*,)?|(?:y\s+)?a\s+(?:otros\s+)?(?:\w+\s+){0,2}(?:comuneros|dirigentes),\s*"
    r"entre (?:ellos|ellas)|,?\s*(?:and|y)\s+"
    r"(?:two|three|four|dos|tres|cuatro|other|otros|otras)\s+"
    r"(?:[\wáéíóúñ'’]+\s+){0,6}?[\wáéíóúñ'’]+\s*,)\s*"
    r"(?:(?:a|al|to)\s+)?(?:(?:su|sus|his|her|their|the|el|la|los|las)\s+)?"
    r"(?:[a-záéíóúñ]+\s+){0,2}?$"
)


def _person_mentions(sent: Span, entities: list[Entity]) -> list[tuple[int, int, str]]:
    """(start, end, key) of every person's mention in ``sent``, in order."""
    return sorted(
        (m.start, m.end, e.key)
        for e in entities
        if e.type == "person"
        for m in e.mentions
        if sent.start_char <= m.start < sent.end_char
    )


def _listed_with(doc: Doc, sent: Span, victims: list[str], entities: list[Entity]) -> list[str]:
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


LIST_GAP = re.compile(r"^(?:\s*,[^;:.,()]{1,60})?\s*(?:,|\by\b|\be\b|\band\b|,\s*and\b)\s*$")
AFTER_GAP = re.compile(
    r"^\s*(?:(?:de\s+bala|a\s+balazos|por\s+arma\s+de\s+fuego)\s+)?(?:(?:el|la|los|las|the|"
    r"un|una)\s+)?(?:(?!por\b|by\b|manos\b|parte\b)[a-záéíóúñ]+\s+){0,3}?$"
)


def _surface_patients(doc: Doc, verb: Token, entities: list[Entity], sent: Span) -> list[str]:
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


def _object_pronoun(tok: Token) -> bool:
    """ "lo amenazó", "le dispararon", "threatened him"."""
    return any(
        c.pos_ == "PRON" and c.dep_ in {"obj", "iobj", "dobj", "expl:pv", "dative"}
        for c in tok.children
    )


def _last_person_before(
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


def _pronoun_gender(tok: Token) -> str | None:
    """ "la amenazaron" / "threatened her": female; "lo" / "him": male."""
    for c in tok.children:
        if c.pos_ == "PRON":
            word = fold(c.text)
            if word in {"la", "her", "ella"}:
                return "female"
            if word in {"lo", "him", "el"}:
                return "male"
    return None


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
