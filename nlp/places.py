"""Places that are no administrative unit: rivers, protected areas, roads, bridges, towns.

A mention such as "río Ene", "Reserva Comunal El Sira" or "caserío Nuevo Amanecer" is
looked up in the feature gazetteers (``nlp/gazetteer/*.json``) and linked to the region it
lies in. A feature that crosses several regions takes the one the text names nearby (the
same or a neighbouring sentence); with none named it stays unlinked rather than guessed.

Over 400 lines as one idea: finding a feature, typing it and linking it to its region is
one look-up chain over the feature gazetteers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from nlp.gazetteers import Feature, Gazetteer, feature_key
from nlp.lexicon.places import (
    LOCALITY_HEADS,
    LOCALITY_STOPLIST,
    ROAD_NAME_HEADS,
    ROAD_TAILS,
    WATER_HEADS,
    WATER_TAILS,
)
from nlp.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc

# the levels of places that are no administrative unit: they lie in one (their ubigeo)
# but are not it, so they never share its node or its key
FEATURE_LEVELS = frozenset({"feature", "locality"})


@dataclass
class Near:
    """A region the text names: its code and where (sentence index, character offset)."""

    region: str
    sentence: int
    offset: int


def _strip(text: str, heads: Iterable[str], tails: Iterable[str] = ()) -> tuple[str, bool]:
    """The name without its cue words, and whether it had one."""
    key = feature_key(text)
    for article in ("the ", "la ", "el "):
        if key.startswith(article) and len(key) > len(article):
            key = key[len(article) :]
            break
    for head in heads:
        if key.startswith(head + " "):
            return key[len(head) + 1 :], True
    for tail in tails:
        if key.endswith(" " + tail):
            return key[: -len(tail) - 1], True
    return key, False


def has_cue(text: str) -> bool:
    """True when the mention names its kind: a river, a road, a centro poblado …"""
    heads = (*LOCALITY_HEADS, *ROAD_NAME_HEADS, *WATER_HEADS)
    return _strip(text, heads, (*ROAD_TAILS, *WATER_TAILS))[1]


def is_water_or_road(text: str) -> bool:
    """True for "río X", "X river", "carretera X", "puente X": a feature, not a town."""
    return _strip(text, (*ROAD_NAME_HEADS, *WATER_HEADS), (*ROAD_TAILS, *WATER_TAILS))[1]


def stoplisted(name: str, gaz: Gazetteer) -> bool:
    """A populated place's name that needs a cue: a common word, a surname, a given name."""
    folded = feature_key(name)
    return (
        folded in LOCALITY_STOPLIST
        or folded.split()[0] in gaz.first_names
        or len(folded) < 4
        or folded in gaz.peoples
    )


def _regions_of_name(name: str, gaz: Gazetteer) -> list[str]:
    """The regions a place name can mean: administrative units first, then localities."""
    codes: list[str] = []
    for p in gaz.places_by_name.get(fold(name), []):
        if p.ubigeo and p.ubigeo[:2] not in codes:
            codes.append(p.ubigeo[:2])
    if not codes:  # a town, else a river ("puente Sungaroyacu")
        key = feature_key(name)
        for f in gaz.localities.get(key, []) or gaz.features.get(f"rio {key}", []):
            codes += [r for r in f.regions if r not in codes]
    return codes


def _road_through(text: str, gaz: Gazetteer) -> Feature | None:
    """ "carretera Pucallpa-Tingo María", "puente Chanchamayo": through the places it names."""
    name, cued = _strip(text, ROAD_NAME_HEADS, ROAD_TAILS)
    if not cued or not name:
        return None
    regions: list[str] = []
    raw = re.sub(r"^(?:the|la|el)\s+", "", text.strip(), flags=re.IGNORECASE)
    words = raw.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    for part in re.split(r"\s*[-–—]\s*|\s+a\s+|\s+to\s+|\s+y\s+|\s+and\s+", rest):
        for code in _regions_of_name(part, gaz) if part else []:
            if code not in regions:
                regions.append(code)
    if not regions:
        return None
    kind = "bridge" if fold(words[0]) in {"puente", "bridge"} else "road"
    return Feature(" ".join(text.split()), kind, tuple(regions))


def lookup(text: str, gaz: Gazetteer, *, cued: bool) -> list[Feature]:
    """The features a mention may name. ``cued``: found by a rule that saw its cue (a
    head word, a preposition); otherwise a stoplisted town name is not taken."""
    key = feature_key(text)
    found = gaz.features.get(key)
    if found is None and " " in key and key.split()[0] in {"the", "la", "el"}:
        found = gaz.features.get(key.split(" ", 1)[1])
    if found:
        return list(found)
    road = _road_through(text, gaz)
    if road is not None:
        return [road]
    if is_water_or_road(text):
        return []
    name, headed = _strip(text, LOCALITY_HEADS)
    towns = gaz.localities.get(name, [])
    if towns and not headed and (not cued and stoplisted(name, gaz)):
        return []
    return list(towns)


def choose_region(
    features: Sequence[Feature], near: Sequence[Near], named: Iterable[str] = ()
) -> str | None:
    """The region of the feature(s) the text means: the nearest region named nearby that
    one of them lies in; else the only region they lie in; else, of their regions, the one
    the text names most often (``named``: a code per mention); else None.

    A town whose namesakes all lie away from the regions named nearby is none of them."""
    regions = [r for f in features for r in f.regions]
    for n in near:
        if n.region in regions:
            return n.region
    if near and all(f.kind == "locality" for f in features):
        return None
    if len(set(regions)) == 1:
        return regions[0]
    ranked = Counter(r for r in named if r in regions).most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def nearby(sentence: int, offset: int, named: Iterable[Near]) -> list[Near]:
    """The regions named in the same or a neighbouring sentence, nearest first."""
    close = [n for n in named if abs(n.sentence - sentence) <= 1]
    return sorted(close, key=lambda n: (abs(n.sentence - sentence), abs(n.offset - offset)))


def level_of(features: Sequence[Feature]) -> str:
    """``locality`` for populated places, ``feature`` for rivers, areas, roads, bridges."""
    return "locality" if all(f.kind == "locality" for f in features) else "feature"


def link(
    text: str, gaz: Gazetteer, near: Sequence[Near], named: Iterable[str] = (), *, cued: bool
) -> tuple[str, str | None, str] | None:
    """(canonical, ubigeo, level) of a feature mention, or None when it names none known.

    ``ubigeo`` is the region code, a locality's district code when the name is sure, or
    None when the feature crosses several regions and the text names none of them nearby.
    """
    features = lookup(text, gaz, cued=cued)
    if not features:
        return None
    region = choose_region(features, near, named)
    inside = [f for f in features if region in f.regions] if region else list(features)
    names = {f.name for f in inside}
    canonical = inside[0].name if len(names) == 1 else " ".join(text.split())
    district = inside[0].district if region and len(inside) == 1 else None
    unit = gaz.places.get(district) if district else None
    if unit is not None:  # the town is its district's namesake and capital: the district
        return unit.name, unit.ubigeo, unit.level
    return canonical, region, level_of(features)


class PlaceMention(Protocol):
    """The parts of a place mention (``nlp.entities.Mention``) that linking reads and sets."""

    span: tuple[int, int]
    text: str
    canonical: str | None
    ubigeo: str | None
    level: str | None
    method: str
    confidence: float


def link_features(doc: Doc, mentions: Sequence[PlaceMention], gaz: Gazetteer) -> None:
    """Link the place mentions no administrative unit took: rivers, protected areas,
    roads, bridges and towns, to the region the text names nearby."""
    starts = [s.start_char for s in doc.sents]

    def sentence(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    named = [
        Near(m.ubigeo[:2], sentence(m.span[0]), m.span[0])
        for m in mentions
        if m.ubigeo and m.level not in FEATURE_LEVELS
    ]
    codes = [n.region for n in named]
    for m in mentions:
        if m.ubigeo or m.level != "locality":
            continue
        cued = m.method == "pattern" or has_cue(m.text)
        here = sentence(m.span[0])
        near = nearby(here, m.span[0], named)
        got = link(m.text, gaz, near, codes, cued=cued)
        if got is not None:
            m.canonical, m.ubigeo, m.level = got
            m.confidence = max(m.confidence, 0.8)
            if m.ubigeo or m.level == "feature":
                continue  # a known river or area lies only where the gazetteer says
        elif is_water_or_road(m.text):
            m.level = "feature"
        if not cued:
            continue
        # "sector Tres Unidos, … Satipo, Junín", "quebrada Shambillo" in a one-region text
        same = [n.region for n in near if n.sentence == here]
        m.ubigeo = same[0] if same else codes[0] if len(set(codes)) == 1 else None
    _short_names(mentions, gaz)


def _short_names(mentions: Sequence[PlaceMention], gaz: Gazetteer) -> None:
    """ "Cordillera Escalera" after "Área de Conservación Regional Cordillera Escalera":
    a river's or an area's own name, once the text has named it in full, is that feature."""
    known: dict[str, PlaceMention] = {}
    for m in mentions:
        if m.level == "feature" and m.canonical:
            for f in gaz.features.get(feature_key(m.canonical), []):
                known.update({feature_key(n): m for n in f.names})
    for m in mentions:
        full = known.get(feature_key(m.text))
        if full is not None and m.level == "locality" and not m.ubigeo:
            m.canonical, m.ubigeo, m.level = full.canonical, full.ubigeo, full.level
