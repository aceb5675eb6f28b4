"""Entities of one document, resolved from its mentions.

One entity per person, organisation, community or place the text names: full name, surname
alone, "el apu", nicknames, acronyms, "la empresa" and community names merged within the
document.

Over 400 lines as one idea: resolving one document's mentions into entities is one pass
over one table of mentions; its rules read each other's results.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc

from nlp.gazetteers import load as load_gazetteer
from nlp.lexicon.names import (
    GIVEN_NAME_STOP,
    HONORIFICS,
    JUNK_PERSON,
    LEADING,
    NICKNAME,
    PRESENTATION,
    SHOUTED_WORDS,
)
from nlp.lexicon.organisations import COMMUNITY_WORDS, JUNK_ORGANIZATION, NOMINALS
from nlp.mentions import Mention, evidence_at, overlaps, spans_of
from nlp.patterns import doc_text
from nlp.places import FEATURE_LEVELS
from nlp.result import Entity
from nlp.text import fold


def resolve(doc: Doc, mentions: list[Mention]) -> list[Entity]:
    """Group mentions of the same entity within one document."""
    entities: list[Entity] = []
    by_key: dict[str, Entity] = {}

    def add(key: str, m: Mention) -> None:
        ev = evidence_at(doc, m.span[0], m.span[1], m.method, m.confidence)
        ent = by_key.get(key)
        if ent is None:
            ent = Entity(
                key=key,
                type=m.type,
                canonical=m.canonical or m.text,
                kind=m.kind,
                ubigeo=m.ubigeo,
                level=m.level,
            )
            by_key[key] = ent
            entities.append(ent)
        ent.mentions.append(ev)
        if m.text != ent.canonical and m.text not in ent.aliases:
            ent.aliases.append(m.text)

    persons = [m for m in mentions if m.type == "person"]
    # longest names first, so "Grández" can join "Teodoro Grández Mori"
    full: list[tuple[list[str], str]] = []
    first_names = load_gazetteer().first_names
    for m in persons:
        _given_name_before(doc, m)
        _strip_presentation(doc, m)
    for m in sorted(persons, key=lambda m: -len(m.text)):
        name = HONORIFICS.sub("", m.canonical or m.text)
        words = fold(name).split()
        home = None
        homes = [
            key
            for known_words, key in full
            if words and (_part_of(words, known_words) or _initials_match(words, known_words))
        ]
        if len(homes) > 1:
            continue  # "Tapullima" alone when two persons here bear it: nobody's for sure
        if homes:
            home = homes[0]
        if home is None and words and words[0] not in first_names:
            # "Shuna Vasquez" after "Marleni Shuña Vásquez": surnames only one person here
            # has, in their order ("Camaiteri Shuña" is another person than "Elsa Shuña
            # Camaiteri"); a relative's given name is never a surname
            sharing = [
                key for known_words, key in full if _surnames_of(words, _own_surnames(known_words))
            ]
            if len(sharing) == 1:
                home = sharing[0]
        if home is None:
            home = f"person:{' '.join(words)}"
            full.append((words, home))
            m.canonical = name
        add(home, m)
    for m in mentions:
        if m.type == "person":
            continue
        if m.type == "place":
            unit = m.ubigeo if m.level not in FEATURE_LEVELS else None  # a river is no region
            key = f"place:{unit or fold(m.canonical or m.text)}"
        elif m.type == "community":
            key = f"community:{_community_key(m.canonical or m.text)}"
        else:
            key = f"organization:{fold(m.canonical or m.text)}"
        add(key, m)
    _merge_community_prefixes(entities)
    _name_parts(doc, entities)
    _nicknames(doc, entities)
    _acronyms(doc, entities)
    _community_names(doc, entities)
    _nominals(doc, entities)
    _inside_longer_names(entities)
    entities[:] = [e for e in entities if not _junk(e)]
    for e in entities:
        e.mentions.sort(key=lambda ev: ev.start)
    return sorted(entities, key=lambda e: e.first.start)


@cache
def _region_names() -> frozenset[str]:
    return frozenset(fold(p.name) for p in load_gazetteer().places.values() if p.level == "region")


def _junk(e: Entity) -> bool:
    """A mention that names nobody (see ``JUNK_PERSON``)."""
    name = e.canonical.strip()
    if e.type == "person":
        if JUNK_PERSON.fullmatch(name) or sum(ch.isalpha() for ch in name) < 3:
            return True
        words = name.split()
        if fold(words[0]) in _region_names() and len(words) > 1:
            return True  # "Ucayali Progresa" (a page), not a person
        return name.isupper() and any(fold(w) in SHOUTED_WORDS for w in words)
    if e.type == "organization":
        return bool(JUNK_ORGANIZATION.match(name))
    return False


def _given_name_before(doc: Doc, m: Mention) -> None:
    """ "Rider Ñaupa Quispe" read as "Ñaupa Quispe": a capitalised word right before the
    name that is no title, article or sentence start is its given name."""
    start = m.span[0]
    head = doc_text(doc)[max(0, start - 30) : start]
    hit = re.search(r"(?:^|[\s(,])([A-ZÁÉÍÓÚÑ][a-záéíóúñ]{2,})\s$", head)
    if hit is None:
        return
    word = hit.group(1)
    folded = fold(word)
    if folded in LEADING or folded in GIVEN_NAME_STOP or HONORIFICS.match(word + " "):
        return
    before = head[: hit.start(1)].rstrip()
    if not before or before[-1] in '.!?:\n"“«—–-' or len(fold(m.text).split()) > 2:
        return
    if folded not in load_gazetteer().first_names:
        return
    m.span = (start - len(word) - 1, m.span[1])
    m.text = word + " " + m.text
    if m.canonical:
        m.canonical = word + " " + m.canonical


def _strip_presentation(doc: Doc, m: Mention) -> None:
    """ "Soy Lidia Manihuari Tapayuri", "Comparece Rubén Odiaga Vela": the name, not the verb."""
    hit = PRESENTATION.match(m.text)
    if hit is None or len(m.text) - hit.end() < 3:
        return
    m.span = (m.span[0] + hit.end(), m.span[1])
    m.text = m.text[hit.end() :]
    if m.canonical:
        m.canonical = PRESENTATION.sub("", m.canonical)


def _part_of(words: list[str], known: list[str]) -> bool:
    """Every word of a shorter name in the longer one, given names matching given names:
    "Cristóbal" is "Cristóbal Tapullima Ríos"; "Demesio Pachas" is not "Rolando Pachas"."""
    if not set(words) <= set(known):
        return False
    if len(words) == 1 and words[0] != known[0] and words[0] not in _own_surnames(known):
        return False  # "Tapullima" is not "Teresa Ahuanari de Tapullima"
    return not (
        len(words) >= 2 and words[0] != known[0] and words[0] in load_gazetteer().first_names
    )


def _own_surnames(known: list[str]) -> list[str]:
    """A person's own surnames: after the given names, not a husband's ("de Tapullima")."""
    out: list[str] = []
    for i, w in enumerate(known[1:], start=1):
        if w in {"de", "del", "la"} or (i > 1 and known[i - 1] == "de"):
            continue
        out.append(w)
    return out


def _surnames_of(words: list[str], surnames: list[str]) -> bool:
    """ "Shuna Vasquez" is a run of a person's surnames, in order."""
    words = [w for w in words if len(w) > 3]
    if not words or not surnames:
        return False
    # "Shuna Vasquez" after "Marleni Shuna": the name's last surname, then one it did not
    # give (not "Camaiteri Shuña" after "Elsa Shuña Camaiteri": a relative's order)
    if (
        len(words) == 2
        and words[0] == surnames[-1]
        and words[1] not in surnames
        and len(surnames) == 1
    ):
        return True
    return any(surnames[i : i + len(words)] == words for i in range(len(surnames) - len(words) + 1))


def _initials_match(words: list[str], known: list[str]) -> bool:
    """ "T. Grández" joins "Teodoro Grández Mori"."""
    initials = [w.rstrip(".") for w in words if len(w.rstrip(".")) == 1]
    rest = [w for w in words if len(w.rstrip(".")) > 1]
    if not initials or not rest or not set(rest) <= set(known):
        return False
    return all(any(k.startswith(i) for k in known) for i in initials)


def _community_key(text: str) -> str:
    return fold(COMMUNITY_WORDS.sub("", text.strip()))


def _merge_community_prefixes(entities: list[Entity]) -> None:
    """ "comunidad nativa Santa Rosa" is "Comunidad Nativa Santa Rosa de Alto Yanayacu"."""
    comms = [e for e in entities if e.type == "community"]
    for short in sorted(comms, key=lambda e: len(e.key)):
        for long in comms:
            if long is short or not long.key.startswith(short.key + " "):
                continue
            long.mentions += short.mentions
            long.aliases += [a for a in [short.canonical, *short.aliases] if a not in long.aliases]
            short.mentions = []
            break
    entities[:] = [e for e in entities if e.mentions]


def _name_parts(doc: Doc, entities: list[Entity]) -> None:
    """ "Grández" alone, after "Teodoro Grández Mori": another mention of the same person.

    A word counts only when it belongs to one person of the document, so two people
    who share a surname leave it unresolved.
    """
    persons = [e for e in entities if e.type == "person"]
    full_names = {fold(p.canonical): p for p in persons}
    for other in list(entities):  # the model took a person for an organisation or a place
        if (
            other.type in {"organization", "place"}
            and other.ubigeo is None
            and all(m.method == "model" for m in other.mentions)
        ):
            owner = full_names.get(fold(other.canonical))
            if owner is not None and owner is not other:
                owner.mentions += other.mentions
                entities.remove(other)
    owners: dict[str, list[Entity]] = {}
    for p in persons:
        words = fold(p.canonical).split()
        if len(words) < 2:
            continue
        for w in _own_surnames(words):
            if len(w) > 2:
                owners.setdefault(w, []).append(p)
    for other in list(entities):  # a lone surname the model (or a gazetteer) typed otherwise
        by_model = all(m.method == "model" for m in other.mentions) and other.ubigeo is None
        lone_district = (
            other.type == "place" and other.level == "district" and len(other.mentions) == 1
        )
        if other.type in {"organization", "place"} and (by_model or lone_district):
            words = fold(other.canonical).split()
            found = {id(o): o for w in words for o in owners.get(w, [])}
            if len(words) <= 2 and len(found) == 1 and all(w in owners for w in words):
                owner = next(iter(found.values()))
                owner.mentions += other.mentions
                entities.remove(other)
    taken = spans_of(entities)
    for tok in doc:
        candidates = owners.get(fold(tok.text))
        if not candidates or len(candidates) != 1 or not tok.text[:1].isupper():
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        if overlaps(start, end, taken):
            continue
        person = candidates[0]
        person.mentions.append(evidence_at(doc, start, end, "rule", 0.7))
        if tok.text not in person.aliases:
            person.aliases.append(tok.text)
        taken.append((start, end))


def _nicknames(doc: Doc, entities: list[Entity]) -> None:
    """ "Jhon Córdova Panduro, alias 'el Chato'": the nickname is that person, here and later."""
    persons = [e for e in entities if e.type == "person"]
    for m in NICKNAME.finditer(doc_text(doc)):
        before = [
            p
            for p in persons
            if any(ev.end <= m.start() and m.start() - ev.end < 25 for ev in p.mentions)
        ]
        after = [  # 'liderado por alias "Tigrillo", Dionisio Yucra Pariona'
            p
            for p in persons
            if any(ev.start >= m.end() and ev.start - m.end() < 6 for ev in p.mentions)
            and fold(p.canonical) != fold(m.group("nick"))
        ]
        if not before and not after:
            continue
        owner = before[0] if before else after[0]
        nick = m.group("nick")
        bare = re.sub(r"^(?:el|la|the)\s+", "", nick, flags=re.IGNORECASE)
        for other in list(entities):  # the model may have taken the nickname for an entity
            if (
                other is not owner
                and (
                    other.type in {"person", "organization"}
                    or (other.type == "place" and other.ubigeo is None)
                )
                and fold(other.canonical) in {fold(nick), fold(bare)}
            ):
                owner.mentions += other.mentions
                entities.remove(other)
        taken = [(ev.start, ev.end) for ev in owner.mentions]
        for hit in re.finditer(re.escape(bare), doc_text(doc)):
            if not overlaps(hit.start(), hit.end(), taken):
                owner.mentions.append(evidence_at(doc, hit.start(), hit.end(), "rule", 0.75))
        if nick not in owner.aliases:
            owner.aliases.append(nick)


def _acronyms(doc: Doc, entities: list[Entity]) -> None:
    """ "MCA" after "Minera Cordillera Azul S.A.C.": the same organisation."""
    orgs = [e for e in entities if e.type == "organization"]
    for org in orgs:
        words = [
            w
            for w in re.findall(r"[\wÁÉÍÓÚÑáéíóúñ]+", org.canonical)
            if w[:1].isupper() and fold(w) not in {"sac", "sa", "eirl", "srl", "saa"}
        ]
        if len(words) < 2:
            continue
        initials = "".join(w[0] for w in words).upper()
        for other in list(entities):
            if (
                other is not org
                and other.type == "organization"
                and other.canonical.replace(".", "").upper() == initials
                and other.canonical.isupper()
            ):
                org.mentions += other.mentions
                org.aliases.append(other.canonical)
                entities.remove(other)
        taken = spans_of(entities)
        for hit in re.finditer(rf"\b{re.escape(initials)}\b", doc_text(doc)):
            if not overlaps(hit.start(), hit.end(), taken):
                org.mentions.append(evidence_at(doc, hit.start(), hit.end(), "rule", 0.7))


def _community_names(doc: Doc, entities: list[Entity]) -> None:
    """The bare name of a community named in full elsewhere in the text is that community."""
    for comm in [e for e in entities if e.type == "community"]:
        bare = COMMUNITY_WORDS.sub("", comm.canonical).strip()
        if len(bare) < 4:
            continue
        taken = spans_of(entities)
        for hit in re.finditer(re.escape(bare), doc_text(doc), flags=re.IGNORECASE):
            if overlaps(hit.start(), hit.end(), taken):
                continue
            comm.mentions.append(evidence_at(doc, hit.start(), hit.end(), "rule", 0.7))
        for other in list(entities):
            if (
                other is not comm
                and other.type != "community"
                and fold(other.canonical) in {fold(bare)}
                and other.ubigeo is None
            ):
                comm.mentions += other.mentions
                entities.remove(other)


def _nominals(doc: Doc, entities: list[Entity]) -> None:
    """ "la empresa", "la fiscalía", "the community": the one such entity the text names."""
    for pattern, etype, kinds in NOMINALS:
        pool = [e for e in entities if e.type == etype and (kinds is None or e.kind in kinds)]
        if len(pool) != 1:
            continue
        owner = pool[0]
        taken = spans_of(entities)
        for hit in pattern.finditer(doc_text(doc)):
            if overlaps(hit.start(), hit.end(), taken):
                continue
            if hit.start() < owner.first.start:
                continue  # a reference follows what it refers to
            owner.mentions.append(evidence_at(doc, hit.start(), hit.end(), "rule", 0.6))


def _inside_longer_names(entities: list[Entity]) -> None:
    """ "Cordillera Azul" (taken for a person) is part of "Minera Cordillera Azul S.A.C."."""
    named = [e for e in entities if e.type in {"organization", "community"}]
    for other in list(entities):
        if other.type not in {"person", "place", "organization"} or other.ubigeo is not None:
            continue
        if other.level == "feature":  # "río Ene" is no part of "Central Asháninka del Río Ene"
            continue
        if other.type == "place" and any(m.method == "gazetteer" for m in other.mentions):
            continue  # "Peru" the country is no part of "Policía Nacional del Perú"
        words = fold(other.canonical)
        for e in named:
            if (
                e is not other
                and e in entities
                and len(e.canonical) > len(other.canonical)
                and re.search(rf"(?:^| ){re.escape(words)}(?: |$)", fold(e.canonical))
            ):
                e.mentions += other.mentions
                entities.remove(other)
                break
