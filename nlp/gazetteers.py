"""The gazetteers, loaded once from the JSON files committed under ``nlp/gazetteer/``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from unidecode import unidecode

from nlp.lexicon.places import (
    AREA_HEADS,
    AREA_TAILS_EN,
    BRIDGE_CUES,
    RIVER_CUES,
    ROAD_CUES,
)
from nlp.text import fold

DATA = Path(__file__).with_name("gazetteer")


@dataclass(frozen=True)
class Place:
    ubigeo: str
    name: str
    level: str
    parent: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Org:
    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Feature:
    """A named place that is no administrative unit: a river, a protected area, a road,
    a bridge or a populated place (``locality``), with the regions it lies in."""

    name: str  # canonical: "Río Ucayali", "Reserva Comunal El Sira", "Quillabamba"
    kind: str  # river | protected_area | road | bridge | pipeline | locality
    regions: tuple[str, ...]  # 2-digit UBIGEO region codes, the main one first
    district: str | None = None  # a locality's district code, when its name is the district's
    lat: float | None = None
    lon: float | None = None
    names: tuple[str, ...] = ()  # a river's or an area's own name(s) without its kind: "El Sira"


@dataclass
class Gazetteer:
    places: dict[str, Place] = field(default_factory=dict)  # by ubigeo
    places_by_name: dict[str, list[Place]] = field(default_factory=dict)  # by folded name
    orgs: dict[str, Org] = field(default_factory=dict)  # by canonical name
    org_by_alias: dict[str, Org] = field(default_factory=dict)  # folded alias → org
    acronyms: dict[str, Org] = field(default_factory=dict)  # exact-case acronym → org
    peoples: dict[str, str] = field(default_factory=dict)  # folded variant → people
    first_names: frozenset[str] = frozenset()  # folded given names
    # feature_key(phrase) → features: rivers, protected areas, roads and bridges by the
    # phrases that name them with their cue ("rio ene", "reserva comunal el sira")
    features: dict[str, list[Feature]] = field(default_factory=dict)
    localities: dict[str, list[Feature]] = field(default_factory=dict)  # by feature_key(name)
    feature_cues: frozenset[str] = frozenset()  # the cue words of those phrases ("rio", …)
    feature_starts: frozenset[str] = frozenset()  # the first words of those phrases
    feature_lowercase: frozenset[str] = frozenset()  # phrases that may be in lower case

    def lineage(self, ubigeo: str) -> list[Place]:
        """The place and its parents, most specific first."""
        out: list[Place] = []
        code: str | None = ubigeo
        while code:
            place = self.places.get(code)
            if place is None:
                break
            out.append(place)
            code = place.parent
        return out


def _is_acronym(alias: str) -> bool:
    letters = alias.replace("-", "").replace(".", "")
    return letters.isupper() and len(letters) <= 9 and " " not in alias


def feature_key(text: str) -> str:
    """The look-up key of a feature's name: folded, hyphens and commas as spaces."""
    return " ".join(re.sub(r"[-‐–,'’.()]", " ", fold(text)).split())


def _add(table: dict[str, list[Feature]], phrase: str, feature: Feature) -> None:
    found = table.setdefault(feature_key(phrase), [])
    if feature not in found:
        found.append(feature)


def _cues(english: dict[str, str]) -> frozenset[str]:
    """The words that name a feature's kind ("rio", "reserva", "national", "highway")."""
    phrases = [*RIVER_CUES, *ROAD_CUES, *BRIDGE_CUES, *AREA_TAILS_EN]
    phrases += [w for pair in english.items() for w in pair]
    phrases += [h for kind, heads in AREA_HEADS.items() for h in (kind, *heads)]
    words = {w for p in phrases for w in feature_key(p.replace("{}", " ")).split()}
    return frozenset(words)


def _load_features(g: Gazetteer) -> None:
    """Rivers, protected areas, roads and bridges under every phrase that names them."""
    rivers = json.loads((DATA / "rivers.json").read_text(encoding="utf-8"))["rivers"]
    for r in rivers:
        own = (r["name"], *r.get("aliases", ()))
        feature = Feature(f"Río {r['name']}", "river", tuple(r["regions"]), names=own)
        for name in (r["name"], *r.get("aliases", ())):
            for cue in RIVER_CUES:
                _add(g.features, cue.format(name), feature)
    areas = json.loads((DATA / "protected_areas.json").read_text(encoding="utf-8"))
    english: dict[str, str] = areas["_types"]
    for a in areas["areas"]:
        kind = a["type"]
        title = " ".join(w if w in {"de", "del"} else w[:1].upper() + w[1:] for w in kind.split())
        full = f"{title} {a['name']}"
        own = (a["name"], *a.get("aliases", ()))
        feature = Feature(full, "protected_area", tuple(a["regions"]), names=own)
        for name in (a["name"], *a.get("aliases", ())):
            _add(g.features, f"{kind} {name}", feature)
            _add(g.features, f"{name} {english[kind]}", feature)
            for head in AREA_HEADS.get(kind, ()):
                _add(g.features, f"{head} {name}", feature)
            for tail in AREA_TAILS_EN:
                if tail in english[kind]:
                    _add(g.features, f"{name} {tail}", feature)
    lowercase: set[str] = set()
    roads = json.loads((DATA / "roads.json").read_text(encoding="utf-8"))["roads"]
    for r in roads:
        feature = Feature(r["name"], r["kind"], tuple(r["regions"]))
        _add(g.features, r["name"], feature)
        cues = {"bridge": BRIDGE_CUES, "road": ROAD_CUES}.get(r["kind"], ())
        for name in r.get("aliases", ()):
            for cue in cues:
                _add(g.features, cue.format(name), feature)
        for name in r.get("alone", ()):
            _add(g.features, name, feature)
            if " " in name:  # "el corredor minero sur": a name in lower case too
                lowercase.add(feature_key(name))
    towns = json.loads((DATA / "localities.json").read_text(encoding="utf-8"))["localities"]
    for t in towns:
        feature = Feature(
            t["name"], "locality", (t["region"],), t.get("district"), t.get("lat"), t.get("lon")
        )
        _add(g.localities, t["name"], feature)
    g.feature_cues = _cues(english)
    g.feature_lowercase = frozenset(lowercase)
    g.feature_starts = frozenset(k.split(" ")[0] for k in g.features)


@cache
def load() -> Gazetteer:
    g = Gazetteer()
    rows: list[dict[str, Any]] = json.loads((DATA / "ubigeo.json").read_text(encoding="utf-8"))
    for r in rows:
        place = Place(
            r["ubigeo"], r["name"], r["level"], r.get("parent"), r.get("lat"), r.get("lon")
        )
        g.places[place.ubigeo] = place
        g.places_by_name.setdefault(fold(place.name), []).append(place)
    towns = json.loads((DATA / "towns.json").read_text(encoding="utf-8"))
    for town, code in towns.items():
        if town.startswith("_") or code not in g.places:
            continue
        district = g.places[code]
        g.places_by_name.setdefault(fold(town), []).append(
            Place(code, town, "district", district.parent, district.lat, district.lon)
        )
    g.places_by_name.setdefault("peru", []).append(Place("", "Perú", "country", None, None, None))
    names = (DATA / "first_names.txt").read_text(encoding="utf-8").splitlines()
    g.first_names = frozenset(fold(n) for n in names if n.strip() and not n.startswith("#"))
    for r in json.loads((DATA / "organizations.json").read_text(encoding="utf-8")):
        org = Org(r["name"], r["kind"], tuple(r["aliases"]))
        g.orgs[org.name] = org
        for alias in (org.name, unidecode(org.name), *org.aliases):
            if _is_acronym(alias):
                g.acronyms[alias] = org
            else:
                g.org_by_alias[fold(alias)] = org
    for r in json.loads((DATA / "peoples.json").read_text(encoding="utf-8")):
        for variant in (r["name"], *r["variants"]):
            g.peoples[fold(variant)] = r["name"]
    _load_features(g)
    return g
