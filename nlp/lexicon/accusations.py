"""Accusations, arrests and complaints filed, as patterns.

They tell who is accused of which act; ``ACT_WORDS`` gives the act each accused word names.
"""

from __future__ import annotations

import re

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
