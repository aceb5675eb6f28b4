"""Incident types: the trigger words and stems of each act, and the severity of each type.

With them the cues that retype an act (a shot, a fire, a statistic) or discard it (hypothetical,
requested, nobody hurt).
"""

from __future__ import annotations

import re

# incident type → its trigger words (folded lemmas; _ joins the words of a phrase)
TRIGGER_WORDS: dict[str, str] = {
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
}
# lemma (folded) → incident type
TRIGGERS: dict[str, str] = {
    word.replace("_", " "): kind for kind, words in TRIGGER_WORDS.items() for word in words.split()
}

ATTEMPT_WORDS = frozenset(
    {
        "intentar",
        "intento",
        "tratar",
        "try",
        "attempt",
        "attempted",
        "frustrado",
        "tentativa",
    }
)

DEATH_WORDS = frozenset({"muerte", "matar", "death", "kill", "asesinar", "vida"})

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

SHOT_WORDS = frozenset(
    {"bala", "balazo", "balazos", "disparo", "disparos", "arma", "escopeta", "perdigones"}
)

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

RECEIVING_VERBS = frozenset(
    {"recibir", "sufrir", "padecer", "enfrentar", "receive", "suffer", "face", "get"}
)

STATE_VERBS = frozenset(
    {"resultar", "quedar", "salir", "terminar", "result", "be", "remain", "end", "leave"}
)

COMMUNITY_HARMS = frozenset({"eviction", "property_damage"})

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

# words of a criminal proceeding: a denunciation in their sentence is criminalisation
CRIMINAL_WORDS = frozenset(
    {
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
