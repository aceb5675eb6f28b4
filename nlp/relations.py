"""Membership and employment ("X, apu de la Comunidad Nativa Y"), what a person is
(defender, gender, people), and land disputes named or implied."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from nlp.gazetteers import Gazetteer
from nlp.patterns import doc_text
from nlp.result import Dispute, Entity, Evidence, Incident, Relation
from nlp.text import fold

ROLE_RE = re.compile(
    r"\b(?P<role>apu|jefe|jefa|presidente|presidenta|vicepresidente|vicepresidenta|dirigente|"
    r"lideresa|l[ií]der|defensora|defensor|secretari[oa]|tesorer[oa]|comuner[oa]|"
    r"guardaparques?|monitor(?:a)? ambiental|vocal|fiscal|teniente gobernador|"
    r"agente municipal|miembro|integrante|abogad[oa]|trabajador(?:a)?|gerente|"
    r"jefe de seguridad|president|vice-president|leader|chief|member|defender|lawyer|"
    r"head of security|security chief|manager|worker|employee)\b",
    re.IGNORECASE,
)
DEFENDER_ROLES = {
    "apu",
    "presidente",
    "presidenta",
    "vicepresidente",
    "vicepresidenta",
    "dirigente",
    "lideresa",
    "lider",
    "defensora",
    "defensor",
    "guardaparque",
    "guardaparques",
    "monitor ambiental",
    "monitora ambiental",
    "president",
    "vice-president",
    "leader",
    "chief",
    "defender",
    "teniente gobernador",
    "jefe",
    "jefa",
}
EMPLOYEE_ROLES = {
    "trabajador",
    "trabajadora",
    "gerente",
    "jefe de seguridad",
    "abogado",
    "abogada",
    "head of security",
    "security chief",
    "manager",
    "worker",
    "employee",
    "lawyer",
}
AFTER_RE = re.compile(
    r"\s*[,(]?\s*(?:(?:el|la|the|an?|un|una)\s+)?(?:[\wáéíóúñ-]+\s+){0,3}?"
    r"(?:de|del|of|en|at|in)\s+(?:(?:la|el|los|las|the)\s+)?",
    re.IGNORECASE,
)
BEFORE_RE = re.compile(r"\s*(?:'s)?\s*,?\s*(?:[\wáéíóúñ-]+\s*){0,2},?\s*", re.IGNORECASE)
# gendered words right before a name ("la defensora X", "don X") or in its apposition
# (", presidenta de …"); a pronoun or article further away may belong to anyone
FEMALE_CUES = re.compile(
    r"\b(?:la|una|señora|sra\.?|doña|defensora|lideresa|presidenta|dirigenta|comunera|"
    r"fiscala|jueza|hermana|hija|madre|esposa|viuda|abogada|mrs\.?|ms\.?|"
    r"woman|mother|sister|daughter|wife|widow)\s*[,:]?\s*$",
    re.IGNORECASE,
)
MALE_CUES = re.compile(
    r"\b(?:el|un|señor|sr\.?|don|defensor|presidente|comunero|hermano|hijo|padre|esposo|"
    r"viudo|abogado|mr\.?|man|father|brother|son|husband)\s*[,:]?\s*$",
    re.IGNORECASE,
)
FEMALE_APPOSITION = re.compile(
    r"^\s*,\s*(?:(?:la|una)\s+|(?:de\s+\d+\s+años\s*,\s*)?)(?:defensora|lideresa|presidenta|"
    r"dirigenta|comunera|hermana|hija|madre|esposa|viuda|abogada|fundadora|coordinadora)\b",
    re.IGNORECASE,
)
MALE_APPOSITION = re.compile(
    r"^\s*,\s*(?:(?:el|un)\s+|(?:de\s+\d+\s+años\s*,\s*)?)(?:defensor|presidente|dirigente "
    r"varón|comunero|hermano|hijo|padre|esposo|viudo|abogado|fundador|coordinador)\b",
    re.IGNORECASE,
)
# a person named by their office: acting in it, they are not the author of the acts
# they investigate, record or judge
OFFICIAL_WORDS = re.compile(
    r"\b(?:fiscal(?:a|es)?(?: (?:provincial|superior|adjunt[oa]|penal|ambiental|de turno|"
    r"de la naci[oó]n))*|juez(?:a)?|magistrad[oa]|prefect[oa]|subprefect[oa]|"
    r"comisario|jefe policial|jefe de la comisar[ií]a|general pnp|coronel pnp|mayor pnp|"
    r"capit[aá]n pnp|suboficial|ministr[oa](?: de\w* [\w ]{0,30})?|viceministr[oa]|"
    r"defensor[a]? del pueblo|procurador(?:a)?|m[eé]dico legista|forense|"
    r"prosecutor|judge|prefect|police (?:chief|officer|commander|spokesperson)|"
    r"investigator|ombudsman|minister|coroner|portavoz|vocero|spokes(?:person|man|woman))"
    r"\b[\s,]*$",
    re.IGNORECASE,
)
DEFENDER_WORDS = re.compile(
    r"\b(?:defensor[ae]?s?|l[ií]der(?:esa)?|dirigent[ae]s?|apu|guardaparques?|defenders?|"
    r"activists?|activista|leaders?|(?:vice-?)?president[ae]?|(?:vice-?)?presidente|"
    r"monitor(?:a|es)?(?: ambiental(?:es)?| forestal(?:es)?)?|environmental monitor|"
    r"forest monitor|vigilantes? comunal(?:es)?|guardia indígena|indigenous guard|"
    r"park ranger|ranger|jef[ae] de la comunidad|teniente gobernador|secretari[oa] general)\b",
    re.IGNORECASE,
)
SUSPECT_WORDS = re.compile(
    r"\b(?:alias|traficante\w*|sicari\w+|narcotraficante\w*|narco\b|invasor\w*|"
    r"jefe de seguridad|security chief|head of security|gerente|manager|due[nñ]o|owner|"
    r"capataz|foreman|maderer\w+ ilegal\w*|presunto autor|cabecilla|lider de la banda|"
    r"land trafficker\w*|trafficker\w*|hitm[ae]n|gunm[ae]n|contratist\w+|"
    r"encargado de seguridad|apodado|known as)\b",
    re.IGNORECASE,
)
# the defender's own phrase: "la dirigenta kakataibo X", "X, de 47 años, apu de …" —
# not a cue that describes another person in the clause ("el apu denunció al empresario X")
DEFENDER_BEFORE = re.compile(
    DEFENDER_WORDS.pattern + r"(?:\s+(?:de\s+la\s+|del\s+)?[\wáéíóúñ-]+){0,2}\s*,?\s*$",
    re.IGNORECASE,
)
DEFENDER_AFTER = re.compile(
    r"^\s*(?:,|\()\s*(?:(?:de\s+)?\d+(?:\s+años)?\s*,\s*)?(?:(?:el|la|un|una|the|an?|our|nuestr[oa])\s+)?"
    r"(?:[\wáéíóúñ-]+\s+){0,2}?" + DEFENDER_WORDS.pattern,
    re.IGNORECASE,
)
# a leader of miners, loggers or a company leads the other side of a dispute
OTHER_SIDE = re.compile(
    r"\b(?:dirigente|l[ií]der|presidente|president|leader)\s+(?:de\s+(?:la|los)\s+)?"
    r"(?:[\wáéíóú]+\s+){0,3}?(?:miner\w*|maderer\w*|traficante\w*|cocaler\w*|palmicultor\w*|"
    r"empresa\w*|compañ\w+|company|miners|loggers|invasor\w*)",
    re.IGNORECASE,
)
SUSPECT_BEFORE = re.compile(
    SUSPECT_WORDS.pattern
    + r"(?:\s+(?:de|del|la|el|los|las|of|the|[a-záéíóúñ]{4,})){0,3}\s*[,:]?\s*$",
    re.IGNORECASE,
)
SUSPECT_AFTER = re.compile(
    r"^\s*(?:[,(]\s*|\s)(?:(?:el|la|un|una|the|an?|conocido como|known as)\s+)?"
    r"(?:\(a\)|" + SUSPECT_WORDS.pattern[2:-2] + r")",
    re.IGNORECASE,
)
DRIVERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("palm_oil", re.compile(r"\bpalm[ae]|palm oil|palmicultor|aceite de palma", re.I)),
    ("coca", re.compile(r"\bcoca\b|cocaler|narco|drug|cocaine|pozas de maceraci", re.I)),
    (
        "land_trafficking",
        re.compile(
            r"tr[aá]fic\w* de (?:tierras|terrenos)|traficantes de "
            r"(?:tierras|terrenos)|land traffick|invasor|invasion|"
            r"colonos|settlers|lotiz",
            re.I,
        ),
    ),
    ("logging", re.compile(r"\btala\b|madera|maderer|forestal|logging|loggers|timber", re.I)),
    ("mining", re.compile(r"\bminer[aío]|\bmina\b|mining|\bmine\b|oro\b|gold", re.I)),
    (
        "oil_gas",
        re.compile(
            r"petr[oó]le|derrame|oleoducto|hidrocarburo|\boil\b|pipeline|"
            r"\bgas\b|lote \d+",
            re.I,
        ),
    ),
    (
        "infrastructure",
        re.compile(
            r"carretera|hidroel[eé]ctrica|represa|\bdam\b|road|"
            r"highway",
            re.I,
        ),
    ),
    ("agribusiness", re.compile(r"agroindustri|cacao|monocultivo|agribusiness|plantation", re.I)),
)
DISPUTE_CUES = re.compile(
    r"conflicto|disputa|territorio|tierras|invasi[oó]n|concesi[oó]n|"
    r"despojo|linderos|titulaci[oó]n|dispute|territory|land|concession|"
    r"invasion|encroach",
    re.IGNORECASE,
)


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
