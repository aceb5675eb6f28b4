"""Rule-based entity candidates: gazetteer look-ups and naming patterns, over tokens.

The statistical models are weak on this domain (regions read as people, companies as
places, communities as places), so these rules run first and the model only fills the
gaps. Every candidate says which rule found it.

Over 400 lines as one idea: the naming patterns are one ordered rule list, run in one
pass; the word lists they use are in nlp/lexicon/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc, Token

from nlp.gazetteers import Gazetteer, Org, Place
from nlp.lexicon.names import CONNECTORS, FOLDED_TITLES, FUNCTION_WORDS, NAME_CONNECTORS
from nlp.lexicon.organisations import (
    COMMUNITY_HEADS,
    COMMUNITY_TAILS,
    GANG_CUES,
    LEGAL_SUFFIXES,
    ORG_HEADS,
    ORG_TAILS,
)
from nlp.text import fold


@dataclass
class Candidate:
    start: int  # token indices, end exclusive
    end: int
    type: str
    kind: str | None = None
    canonical: str | None = None
    ubigeo: str | None = None
    level: str | None = None
    method: str = "rule"
    confidence: float = 0.9


T = TypeVar("T")


def per_document(doc: Doc, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per document (and per tokenisation: the key holds its length),
    kept in ``doc.user_data`` and shared by the rules."""
    key = f"defensores:{name}:{len(doc)}"
    if key not in doc.user_data:
        doc.user_data[key] = compute()
    value: T = doc.user_data[key]
    return value


def doc_text(doc: Doc) -> str:
    """The document's text, kept once: spaCy's ``Doc.text`` joins every token at each read."""
    return per_document(doc, "text", lambda: doc.text)


def folded_tokens(doc: Doc) -> list[str]:
    """Every token folded (``fold``)."""
    return per_document(doc, "folded", lambda: [fold(t.text) for t in doc])


def looks_proper(tok: Token) -> bool:
    return tok.is_title or (tok.is_upper and len(tok.text) > 1) or tok.text[:1].isupper()


def name_run(doc: Doc, i: int, limit: int = 10, connectors: frozenset[str] = CONNECTORS) -> int:
    """End of a proper-name run starting at token ``i`` (connectors allowed inside).

    The run stops at a new sentence and at capitalised function words ("El", "Los").
    """
    folded = folded_tokens(doc)
    end = i
    j = i
    while j < len(doc) and j - i < limit:
        tok = doc[j]
        if j > i and tok.is_sent_start:
            break
        if (
            looks_proper(tok)
            and not tok.is_punct
            and not (folded[j] in FUNCTION_WORDS and not tok.is_upper)
        ):
            j += 1
            end = j
            continue
        k = j
        while (
            k < len(doc)
            and k - j < 3
            and (
                folded[k] in connectors
                or (folded[k] == "en" and k > 0 and folded[k - 1].startswith("especializad"))
            )
        ):
            k += 1
        if (
            k > j
            and k < len(doc)
            and looks_proper(doc[k])
            and not doc[k].is_punct
            and not doc[k].is_sent_start
        ):
            j = k
        else:
            break
    return end


def inside_name(doc: Doc, start: int, end: int) -> bool:
    """True when the span continues a run of capitalised words ("Jhon Córdova Panduro")."""

    def proper(j: int) -> bool:
        tok = doc[j]
        return (
            not tok.is_punct
            and tok.text[:1].isupper()
            and not tok.is_sent_start
            and not (tok.is_upper and len(tok.text) > 1 and doc[start].is_upper)
        )

    left = start > 0 and proper(start - 1) and not doc[start].is_sent_start
    right = end < len(doc) and proper(end)
    return left or right


def tidy(text: str) -> str:
    """A canonical surface: spaces collapsed; ALL CAPS turned to title case (acronyms kept)."""
    words = text.split()
    if len(words) > 1 and sum(w.isupper() for w in words if len(w) > 2) > len(words) / 2:
        words = [w.lower() if fold(w) in CONNECTORS else w.capitalize() for w in words]
        words[0] = words[0].capitalize()
    return " ".join(words)


# --- gazetteer look-ups --------------------------------------------------------------


@dataclass(frozen=True)
class Tries:
    orgs: dict[tuple[str, ...], Org]
    places: dict[tuple[str, ...], list[Place]]
    longest: int


def tries(nlp: Language, gaz: Gazetteer) -> Tries:
    """Look-up tables over the pipeline's own tokens, built once per pipeline."""

    def key(text: str) -> tuple[str, ...]:
        return tuple(fold(t.text) for t in nlp.tokenizer(text))

    orgs: dict[tuple[str, ...], Org] = {}
    for org in gaz.orgs.values():
        for alias in (org.name, *org.aliases):
            k = key(alias)
            if len(k) >= 1 and alias not in gaz.acronyms:
                orgs[k] = org
    places: dict[tuple[str, ...], list[Place]] = {}
    for name_key, found in gaz.places_by_name.items():
        places[key(found[0].name)] = found
        places.setdefault(tuple(name_key.split()), found)
    longest = max(len(k) for k in [*orgs, *places])
    return Tries(orgs, places, longest)


def scan_gazetteers(doc: Doc, t: Tries, gaz: Gazetteer) -> list[Candidate]:
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    for i in range(len(doc)):
        for n in range(min(t.longest, len(doc) - i), 0, -1):
            k = tuple(folded[i : i + n])
            org = t.orgs.get(k)
            if org is not None and (n > 1 or looks_proper(doc[i])):
                out.append(
                    Candidate(
                        i,
                        i + n,
                        "organization",
                        org.kind,
                        org.name,
                        method="gazetteer",
                        confidence=0.95,
                    )
                )
                break
            places = t.places.get(k)
            if places is not None and inside_name(doc, i, i + n):
                places = None
            if (
                places is not None
                and all(looks_proper(doc[j]) or folded[j] in CONNECTORS for j in range(i, i + n))
                and looks_proper(doc[i])
            ):
                out.append(
                    Candidate(
                        i,
                        i + n,
                        "place",
                        canonical=places[0].name,
                        method="gazetteer",
                        confidence=0.85,
                    )
                )
                break
        tok = doc[i]
        if tok.text in gaz.acronyms:
            org = gaz.acronyms[tok.text]
            out.append(
                Candidate(
                    i,
                    i + 1,
                    "organization",
                    org.kind,
                    org.name,
                    method="gazetteer",
                    confidence=0.95,
                )
            )
    return out


# --- naming patterns -----------------------------------------------------------------


def _by_first(
    table: tuple[tuple[tuple[str, ...], str], ...],
) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, kind in table:
        index.setdefault(fold(words[0]), []).append((tuple(fold(w) for w in words), kind))
    return index


_COMMUNITY_HEADS = _by_first(COMMUNITY_HEADS)
_ORG_HEADS = _by_first(ORG_HEADS)
_TAILS = [(_by_first(COMMUNITY_TAILS), "community"), (_by_first(ORG_TAILS), "organization")]


def words_at(folded: list[str], i: int, words: tuple[str, ...]) -> bool:
    return tuple(folded[i : i + len(words)]) == words


def scan_patterns(doc: Doc) -> list[Candidate]:
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    for i, low in enumerate(folded):
        for words, ckind in _COMMUNITY_HEADS.get(low, ()):
            if words_at(folded, i, words):
                j = i + len(words)
                if j < len(doc) and folded[j] in {"de", "del"} and j + 1 < len(doc):
                    j += 1
                end = name_run(doc, j)
                if end > j and (len(words) > 1 or looks_proper(doc[i])):
                    out.append(
                        Candidate(i, end, "community", ckind, method="pattern", confidence=0.9)
                    )
                    break
        for words, kind in _ORG_HEADS.get(low, ()):
            if words_at(folded, i, words) and looks_proper(doc[i]):
                j = i + len(words)
                end = name_run(doc, j, limit=14)
                if end > j:
                    out.append(
                        Candidate(i, end, "organization", kind, method="pattern", confidence=0.85)
                    )
                    break
        if low in LEGAL_SUFFIXES and i > 0:
            start = i
            while (
                start > 0
                and (
                    looks_proper(doc[start - 1])
                    or (
                        folded[start - 1] in CONNECTORS
                        and start > 1
                        and looks_proper(doc[start - 2])
                    )
                )
                and not doc[start - 1].is_punct
            ):
                start -= 1
            if start < i:
                out.append(
                    Candidate(
                        start, i + 1, "organization", "company", method="pattern", confidence=0.9
                    )
                )
        for tails, table in _TAILS:
            for words, kind in tails.get(low, ()):
                if words_at(folded, i, words) and i > 0:
                    start = i
                    while (
                        start > 0
                        and not doc[start - 1].is_punct
                        and (
                            (looks_proper(doc[start - 1]) and not doc[start - 1].is_sent_start)
                            or (
                                folded[start - 1] in CONNECTORS
                                and start > 1
                                and looks_proper(doc[start - 2])
                            )
                        )
                    ):
                        start -= 1
                    while start < i and folded[start] in CONNECTORS:
                        start += 1
                    if start < i:
                        out.append(
                            Candidate(
                                start,
                                i + len(words),
                                table,
                                kind,
                                method="pattern",
                                confidence=0.85,
                            )
                        )
    return out


def scan_names(
    doc: Doc, first_names: frozenset[str], common: frozenset[str] = frozenset()
) -> list[Candidate]:
    """A given name and what follows: "Teodoro Grández Mori", "Luz Marina Ccahuana Tito".

    ``common`` holds the words the language model knew before it saw this text; on a
    shouted (ALL CAPS) line a name stops at the first of them that is not a given name.
    """
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    titled: frozenset[str] | None = None
    i = 0
    while i < len(doc):
        tok = doc[i]
        prev = doc[i - 1] if i > 0 else None
        inside = (
            prev is not None
            and looks_proper(prev)
            and not prev.is_punct
            and not tok.is_sent_start
            and not prev.is_upper
            and folded[i - 1] not in first_names
            and folded[i - 1] not in FOLDED_TITLES
        )
        if folded[i] in first_names and looks_proper(tok) and not tok.is_punct and not inside:
            end = name_run(doc, i + 1, limit=4, connectors=NAME_CONNECTORS)
            if tok.is_upper and len(tok.text) > 1:  # a shouted line: stop at common words
                if titled is None:
                    titled = frozenset(f for f, t in zip(folded, doc, strict=True) if t.is_title)
                cut = i + 1
                while cut < end and (
                    folded[cut] in titled
                    or folded[cut] in first_names
                    or doc[cut].text.lower() not in common
                ):
                    cut += 1
                end = max(cut, min(end, i + 2))
            if end > i + 1:
                out.append(Candidate(i, end, "person", method="gazetteer", confidence=0.85))
                i = end
                continue
        i += 1
    return out


def scan_initials(doc: Doc) -> list[Candidate]:
    """ "W. Sánchez", "T. Grández": an initial and a surname."""
    out: list[Candidate] = []
    for i, tok in enumerate(doc[:-1]):
        if len(tok.text) == 2 and tok.text[0].isupper() and tok.text[1] == ".":
            nxt = doc[i + 1]
            if looks_proper(nxt) and not nxt.is_punct and fold(nxt.text) not in FUNCTION_WORDS:
                end = name_run(doc, i + 1, limit=3, connectors=NAME_CONNECTORS)
                out.append(Candidate(i, end, "person", method="pattern", confidence=0.75))
    return out


def scan_titles(doc: Doc) -> list[Candidate]:
    """ "el apu Grández", "la señora Huamán", "Mr. Grandez": a person after a title."""
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    for i in range(len(doc) - 1):
        if folded[i] in FOLDED_TITLES and looks_proper(doc[i + 1]):
            nxt = doc[i + 1]
            if nxt.is_punct or folded[i + 1] in CONNECTORS or folded[i + 1] in FUNCTION_WORDS:
                continue
            end = name_run(doc, i + 1, limit=4, connectors=NAME_CONNECTORS)
            if end > i + 1:
                out.append(Candidate(i + 1, end, "person", method="pattern", confidence=0.8))
    return out


def scan_gangs(doc: Doc) -> list[Candidate]:
    """ "la banda criminal Los Topos de la Pampa": a criminal group, from "Los"/"Las"."""
    out: list[Candidate] = []
    for i, tok in enumerate(doc):
        if tok.text not in {"Los", "Las", "LOS", "LAS", "El", "La"} or i == 0:
            continue
        window = set(folded_tokens(doc)[max(0, i - 4) : i])
        if not window & GANG_CUES:
            continue
        end = name_run(doc, i + 1, limit=6)
        if end > i + 1:
            out.append(
                Candidate(
                    i, end, "organization", "criminal_group", method="pattern", confidence=0.8
                )
            )
    return out


# --- features and towns (nlp/places.py links them) ------------------------------------
