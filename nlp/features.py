"""Places named by their features: rivers, roads, towns and areas the gazetteer knows.

With them the level a cue gives a place ("distrito de …") and the choice of a place among
its readings.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc

from nlp.gazetteers import Feature, Gazetteer, Place, feature_key
from nlp.gazetteers import load as load_gazetteer
from nlp.lexicon.names import CONNECTORS
from nlp.lexicon.places import (
    DASHES,
    LEVEL_CUES,
    RIVER_HEADS,
    RIVER_TAILS,
    ROAD_HEADS,
    TOWN_CUES,
    TOWN_HEADS,
    TOWN_PREPOSITIONS,
)
from nlp.patterns import (
    Candidate,
    folded_tokens,
    inside_name,
    looks_proper,
    name_run,
    per_document,
    words_at,
)
from nlp.places import stoplisted
from nlp.text import fold


def scan_waters(doc: Doc) -> list[Candidate]:
    """Rivers, creeks and lakes: "río Pisqui", "the Ucayali River"; and the features and
    towns of ``scan_features``."""
    out: list[Candidate] = scan_features(doc, load_gazetteer())
    folded = folded_tokens(doc)
    for i, low in enumerate(folded):
        if low in RIVER_HEADS and i + 1 < len(doc) and looks_proper(doc[i + 1]):
            end = name_run(doc, i + 1, limit=4)
            out.append(Candidate(i, end, "place", method="pattern", confidence=0.8))
        elif low in RIVER_TAILS and i > 0 and looks_proper(doc[i - 1]) and not doc[i - 1].is_punct:
            start = i - 1
            while (
                start > 0
                and looks_proper(doc[start - 1])
                and not doc[start - 1].is_punct
                and not doc[start - 1].is_sent_start
                and i - start < 4
            ):
                start -= 1
            out.append(Candidate(start, i + 1, "place", method="pattern", confidence=0.8))
    return out


def level_cue(doc: Doc, start: int) -> str | None:
    """``distrito de X`` → district, ``provincia de X`` → province, …"""
    for back in (1, 2):
        if start - back >= 0:
            cue = LEVEL_CUES.get(fold(doc[start - back].text))
            if cue is not None and (back == 1 or fold(doc[start - 1].text) in {"de", "of"}):
                return cue
    if start + 1 < len(doc) and fold(doc[start + 1].text) in LEVEL_CUES:
        return LEVEL_CUES[fold(doc[start + 1].text)]  # "Puerto Inca province"
    return None


def choose_place(
    gaz: Gazetteer,
    candidates: Iterable[Place],
    cue: str | None,
    inside: set[str],
    context: set[str],
) -> Place | None:
    """Pick the administrative unit a name means, or None when it cannot be told.

    ``inside``: ubigeo codes the text says the place lies in ("X, Huánuco");
    ``context``: codes of the other places the document names.
    """
    options = list(candidates)
    if cue is not None:
        options = [p for p in options if p.level == cue] or options
    if inside:
        within = [
            p for p in options if any(p.ubigeo.startswith(c) and p.ubigeo != c for c in inside)
        ]
        options = within or options
    levels = {p.level for p in options}
    if cue is None and "region" in levels:
        return next(p for p in options if p.level == "region")
    if cue is None and {"province", "district"} <= levels:
        for prov in (p for p in options if p.level == "province"):
            capital = gaz.places.get(prov.ubigeo + "01")
            if capital is not None and capital in options:
                options = [p for p in options if p.level == "district"]
                break
    if len(options) > 1 and context:
        near = [
            p
            for p in options
            if any(p.ubigeo.startswith(c) or c.startswith(p.ubigeo) for c in context)
        ]
        options = near or options
    if len(options) > 1:
        districts = [p for p in options if p.level == "district"]
        if len(districts) == 1 and cue != "province":
            return districts[0]
        return None
    return options[0] if options else None


TOWN_LONGEST = 6


def _dashed_run(doc: Doc, i: int) -> int:
    """End of a name run from ``i`` that may join names by dashes ("Pucallpa-Tingo María")."""
    end = name_run(doc, i, limit=5)
    while (
        end > i
        and end + 1 < len(doc)
        and doc[end].text in DASHES
        and looks_proper(doc[end + 1])
        and not doc[end + 1].is_punct
    ):
        end = name_run(doc, end + 1, limit=5)
    return end


def feature_keys(doc: Doc) -> list[str]:
    """Every token's ``feature_key``."""
    return per_document(doc, "feature_keys", lambda: [feature_key(t.text) for t in doc])


def _words(doc: Doc, start: int, end: int) -> str:
    """The feature key of a span: its tokens' keys, joined (as ``feature_key`` of its text)."""
    return " ".join(k for k in feature_keys(doc)[start:end] if k)


def _named(doc: Doc, start: int, end: int, cues: frozenset[str]) -> bool:
    """Every word of the span but its cue words and connectors is capitalised."""
    folded = folded_tokens(doc)
    names = [
        doc[j]
        for j in range(start, end)
        if not doc[j].is_punct and folded[j] not in cues and folded[j] not in CONNECTORS
    ]
    return bool(names) and all(looks_proper(t) for t in names)


def _longest(doc: Doc, i: int, table: dict[str, list[Feature]], limit: int) -> int:
    """End of the longest span from ``i`` whose words are a key of ``table``; ``i`` if none."""
    best = i
    for j in range(i + 1, min(len(doc), i + limit) + 1):
        if j > i + 1 and doc[j - 1].is_sent_start:
            break
        if not doc[j - 1].is_punct and _words(doc, i, j) in table:
            best = j
    return best


def scan_features(doc: Doc, gaz: Gazetteer) -> list[Candidate]:
    """Rivers, protected areas, roads and bridges by a gazetteer phrase with its cue
    ("río Ene", "Reserva Comunal El Sira", "the Pichis river", "carretera Marginal"), and
    towns after a head ("centro poblado La Pampa"), a cue ("the town of X") or a
    preposition ("en Quillabamba,") when the name is a known populated place."""
    out: list[Candidate] = []
    folded = folded_tokens(doc)
    keys = feature_keys(doc)
    for i, low in enumerate(folded):
        if low in gaz.feature_starts or keys[i].split(" ")[0] in gaz.feature_starts:
            end = _longest(doc, i, gaz.features, 12)
            named = end > i and (
                _named(doc, i, end, gaz.feature_cues)
                or _words(doc, i, end) in gaz.feature_lowercase
            )
            if named and not inside_name(doc, i, end):
                out.append(Candidate(i, end, "place", method="gazetteer", confidence=0.9))
                continue
        if low in ROAD_HEADS and i + 1 < len(doc) and looks_proper(doc[i + 1]):
            end = _dashed_run(doc, i + 1)  # "carretera Puerto Inca–Yuyapichis", "puente X"
            if end > i + 1:
                out.append(Candidate(i, end, "place", method="pattern", confidence=0.85))
        for head in TOWN_HEADS:
            if words_at(folded, i, head) and i + len(head) < len(doc):
                j = i + len(head)
                j += folded[j] in {"de", "del"}
                end = name_run(doc, j, limit=5)
                if end > j:
                    out.append(Candidate(i, end, "place", method="pattern", confidence=0.9))
        cue = any(i >= len(c) and tuple(folded[i - len(c) : i]) == c for c in TOWN_CUES)
        after = i > 0 and folded[i - 1] in TOWN_PREPOSITIONS
        if (cue or after) and looks_proper(doc[i]) and not doc[i].is_sent_start:
            end = _longest(doc, i, gaz.localities, TOWN_LONGEST)
            if end == i or not _named(doc, i, end, frozenset()):
                continue
            name = _words(doc, i, end)
            if fold(doc[i:end].text) in gaz.places_by_name or name in gaz.places_by_name:
                continue  # an administrative unit: scan_gazetteers has it
            right = end < len(doc) and looks_proper(doc[end]) and not doc[end].is_punct
            if right or (not cue and stoplisted(name, gaz)):
                continue
            out.append(Candidate(i, end, "place", method="pattern", confidence=0.8))
    return out
