"""The gazetteers, loaded once from the JSON files committed under ``nlp/gazetteer/``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from unidecode import unidecode

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


@dataclass
class Gazetteer:
    places: dict[str, Place] = field(default_factory=dict)  # by ubigeo
    places_by_name: dict[str, list[Place]] = field(default_factory=dict)  # by folded name
    orgs: dict[str, Org] = field(default_factory=dict)  # by canonical name
    org_by_alias: dict[str, Org] = field(default_factory=dict)  # folded alias → org
    acronyms: dict[str, Org] = field(default_factory=dict)  # exact-case acronym → org
    peoples: dict[str, str] = field(default_factory=dict)  # folded variant → people
    first_names: frozenset[str] = frozenset()  # folded given names

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
    return g
