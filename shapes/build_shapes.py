"""Rebuild the boundary files of ``spatialccd/data`` from the npm package ``echarts@4.9.0``.

Usage::

    python shapes/build_shapes.py [--tarball echarts-4.9.0.tgz] [--out spatialccd/data/china_provinces.geojson]
                                  [--cities-out …/china_cities.geojson] [--extras-out …/china_extras.geojson]

Three files are written (the last two default to the folder of ``--out``):

``china_provinces.geojson``
    the 31 mainland provincial units from ``map/json/china.json``, exact (no
    rounding, no simplification: contiguity depends on shared borders).
``china_cities.geojson``
    the 364 mainland prefecture-level divisions of ``map/json/china-cities.json``
    (Taiwan, Hong Kong and Macao are left to the extras), simplified as a
    coverage (:func:`shapely.coverage_simplify`, tolerance :data:`CITY_TOLERANCE`
    degrees: every shared border is simplified once, so neighbours keep their
    common vertices), oriented (exterior rings counter-clockwise, RFC 7946) and
    rounded to 6 decimals.  Names and levels come from ``shapes/city_names.csv``.
``china_extras.geojson``
    the parts of a national map that never enter statistics or weights: Taiwan
    (710000, with the Diaoyu Island polygon that ``src/coord/geo/fix/diaoyuIsland.js``
    adds to it), Hong Kong (810000) and Macao (820000) from ``china.json``, and
    the South China Sea islands inset (南海诸岛) from ``src/coord/geo/fix/nanhai.js``.

Without ``--tarball`` the script runs ``npm pack echarts@4.9.0`` in a temporary
folder (the npm registry is the only network access it needs).

Decoding.  ECharts 4 ships its maps in a compressed form flagged by
``"UTF8Encoding": true``.  Each ring is a string; its characters come in pairs
(x, y).  For a character ``c`` the value ``v = ord(c) - 64`` is zig-zag encoded:
``d = (v >> 1) ^ -(v & 1)``.  The decoded ``d`` are deltas accumulated from the
ring's ``encodeOffsets`` pair, and every accumulated integer divided by 1024 is a
longitude/latitude in degrees.  We decode, repair invalid rings with
``shapely.make_valid`` and keep the polygonal parts.

The inset.  ``nanhai.js`` holds 12 rings in a drawing space; echarts maps a point
(x, y) to longitude ``x / 10.5 + 126`` and latitude ``-0.75·y / 10.5 + 25``
(``geoCoord = [126, 25]``), i.e. a box at 126–132.1°E, 18.35–25°N beside
Taiwan.  The same transform is applied here, read from the file itself.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient
from shapely.validation import make_valid

ENCODE_SCALE = 1024.0
EXTRA_UNITS = {"710000": ("台湾", "Taiwan"), "810000": ("香港", "Hong Kong"), "820000": ("澳门", "Macao")}
EXCLUDED = set(EXTRA_UNITS)  # outside the data of the studies this package serves
PROVINCES_MEMBER = "package/map/json/china.json"
CITIES_MEMBER = "package/map/json/china-cities.json"
NANHAI_MEMBER = "package/src/coord/geo/fix/nanhai.js"
DIAOYU_MEMBER = "package/src/coord/geo/fix/diaoyuIsland.js"
MEMBERS = (PROVINCES_MEMBER, CITIES_MEMBER, NANHAI_MEMBER, DIAOYU_MEMBER)
NAMES_CSV = Path(__file__).resolve().parent / "city_names.csv"
#: coverage-simplification tolerance for the cities, in degrees (≈ 1.4 km): 545 338 → ≈ 100 000 vertices,
#: 2.6 MB; the 964 queen-contiguity pairs of the unsimplified source are kept.
CITY_TOLERANCE = 0.0125
DECIMALS = 6
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}


def decode_ring(encoded: str, offset: list[int]) -> list[tuple[float, float]]:
    """Decode one ECharts UTF8-encoded ring into (lon, lat) pairs in degrees."""
    prev_x, prev_y = int(offset[0]), int(offset[1])
    points = []
    for i in range(0, len(encoded) - 1, 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        prev_x += (x >> 1) ^ -(x & 1)
        prev_y += (y >> 1) ^ -(y & 1)
        points.append((prev_x / ENCODE_SCALE, prev_y / ENCODE_SCALE))
    return points


def decode_geometry(geom: dict) -> MultiPolygon:
    """Decode a Polygon/MultiPolygon with ``encodeOffsets`` into a valid MultiPolygon."""
    if geom["type"] == "Polygon":
        polys, offsets = [geom["coordinates"]], [geom["encodeOffsets"]]
    else:
        polys, offsets = geom["coordinates"], geom["encodeOffsets"]
    parts = []
    for rings, offs in zip(polys, offsets):
        decoded = [decode_ring(r, o) for r, o in zip(rings, offs)]
        decoded = [r for r in decoded if len(r) >= 3]
        if decoded:
            parts.append(Polygon(decoded[0], decoded[1:]))
    return _valid_multipolygon(MultiPolygon(parts))


def _valid_multipolygon(geom) -> MultiPolygon:
    return MultiPolygon(_polygons(make_valid(geom)))


def _polygons(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return [g for g in geom.geoms if not g.is_empty]
    out: list[Polygon] = []
    for g in getattr(geom, "geoms", []):  # GeometryCollection from make_valid
        out.extend(_polygons(g))
    return out


def load_sources(tarball: Path | None) -> dict[str, str]:
    """The text of every member of :data:`MEMBERS` from the echarts tarball (``npm pack`` it when not given)."""
    with tempfile.TemporaryDirectory() as tmp:
        if tarball is None:
            subprocess.run(["npm", "pack", "echarts@4.9.0", "--silent"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            tarball = Path(tmp) / "echarts-4.9.0.tgz"
        out = {}
        with tarfile.open(tarball) as tf:
            for name in MEMBERS:
                member = tf.extractfile(name)
                if member is None:
                    raise FileNotFoundError(f"{name} not in {tarball}")
                out[name] = member.read().decode("utf-8")
        return out


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "crs": CRS84, "features": features}


def _encoded_features(source: dict, what: str) -> list[dict]:
    if not source.get("UTF8Encoding"):
        raise ValueError(f"expected an ECharts UTF8Encoding {what}")
    return source["features"]


def _adcode(feat: dict) -> str:
    return str(feat.get("id") or feat["properties"]["id"])


# --------------------------------------------------------------------------- provinces
def build(source: dict) -> dict:
    """Return a GeoJSON FeatureCollection of the 31 mainland provinces (exact coordinates)."""
    features = []
    for feat in _encoded_features(source, "china.json"):
        adcode = _adcode(feat)
        if adcode in EXCLUDED:
            continue
        geom = decode_geometry(feat["geometry"])
        assert geom.is_valid, adcode
        features.append({
            "type": "Feature",
            "properties": {"code": adcode[:2], "name_echarts": feat["properties"]["name"]},
            "geometry": mapping(geom),
        })
    features.sort(key=lambda f: f["properties"]["code"])
    if len(features) != 31:
        raise ValueError(f"expected 31 provinces, got {len(features)}")
    return _collection(features)


# --------------------------------------------------------------------------- cities
def _rounded(geom) -> dict:
    """GeoJSON geometry, exterior rings counter-clockwise, coordinates rounded to :data:`DECIMALS`."""
    polys = [orient(p, sign=1.0) for p in _polygons(geom)]
    coords = [[np.round(np.asarray(r.coords), DECIMALS).tolist() for r in (p.exterior, *p.interiors)]
              for p in polys]
    return {"type": "MultiPolygon", "coordinates": coords}


def read_city_names(path: Path = NAMES_CSV) -> dict[str, dict[str, str]]:
    """The curated names table (code → name_zh, short_zh, name_en, level, aliases)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    for code, r in rows.items():
        if r["level"] not in ("municipality", "prefecture", "county"):
            raise ValueError(f"{path}: code {code}: level {r['level']!r}")
    return rows


def build_cities(source: dict, names: dict[str, dict[str, str]], *, tolerance: float = CITY_TOLERANCE) -> dict:
    """GeoJSON of the mainland prefecture-level divisions: simplified as one coverage, 6 decimals."""
    feats = [f for f in _encoded_features(source, "china-cities.json") if _adcode(f) not in EXCLUDED]
    codes = [_adcode(f) for f in feats]
    unnamed = sorted(set(codes) - set(names))
    unused = sorted(set(names) - set(codes))
    if unnamed or unused:
        raise ValueError(f"city_names.csv does not match the source: no names for {unnamed}, unused rows {unused}")
    raw = np.array([decode_geometry(f["geometry"]) for f in feats], dtype=object)
    simplified = shapely.coverage_simplify(raw, tolerance) if tolerance > 0 else raw
    features = []
    for code, feat, geom in sorted(zip(codes, feats, simplified), key=lambda t: t[0]):
        geom = _valid_multipolygon(geom)
        row = names[code]
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name_zh": row["name_zh"], "short_zh": row["short_zh"],
                           "name_en": row["name_en"], "level": row["level"], "province": code[:2],
                           "aliases": row["aliases"], "name_echarts": feat["properties"]["name"]},
            "geometry": _rounded(geom),
        })
    for f in features:
        if not shape(f["geometry"]).is_valid:  # rounding must not break a ring
            raise ValueError(f"city {f['properties']['code']}: invalid geometry after rounding")
    return _collection(features)


# --------------------------------------------------------------------------- national extras
_NUMBER_LIST = re.compile(r"var\s+geoCoord\s*=\s*(\[[^\]]*\])")
_POINTS = re.compile(r"var\s+points\s*=\s*(\[.*?\]);", re.DOTALL)
_TRANSFORM = re.compile(r"\[0\]\s*/=\s*([\d.]+);\s*points\[i\]\[k\]\[1\]\s*/=\s*-([\d.]+)\s*/\s*([\d.]+);")


def _js_array(pattern: re.Pattern, text: str, what: str):
    m = pattern.search(text)
    if m is None:
        raise ValueError(f"{what}: array not found")
    return json.loads(m.group(1))


def nanhai_rings(text: str) -> list[list[tuple[float, float]]]:
    """The South China Sea inset rings of ``nanhai.js`` in degrees, transformed as echarts does."""
    lon0, lat0 = _js_array(_NUMBER_LIST, text, "nanhai.js geoCoord")
    rings = _js_array(_POINTS, text, "nanhai.js points")
    m = _TRANSFORM.search(text)
    if m is None:
        raise ValueError("nanhai.js: the point transform has changed; read the file and update the script")
    sx, sy_num, sy_den = (float(g) for g in m.groups())
    sy = sy_num / sy_den
    return [[(x / sx + lon0, -y / sy + lat0) for x, y in ring] for ring in rings]


def diaoyu_rings(text: str) -> list[list[tuple[float, float]]]:
    """The Diaoyu Island polygon that ``diaoyuIsland.js`` adds to Taiwan's region."""
    return _js_array(_POINTS, text, "diaoyuIsland.js points")


def build_extras(source: dict, nanhai_js: str, diaoyu_js: str) -> dict:
    """Taiwan (with Diaoyu Island), Hong Kong, Macao and the South China Sea inset."""
    features = []
    for feat in _encoded_features(source, "china.json"):
        code = _adcode(feat)
        if code not in EXTRA_UNITS:
            continue
        geom = decode_geometry(feat["geometry"])
        if code == "710000":
            # a union, not make_valid of a MultiPolygon: the fix's rectangle overlaps china.json's island
            geom = _valid_multipolygon(shapely.union_all([geom, *(Polygon(r) for r in diaoyu_rings(diaoyu_js))]))
        zh, en = EXTRA_UNITS[code]
        features.append({"type": "Feature",
                         "properties": {"code": code, "name_zh": zh, "name_en": en, "kind": "unit"},
                         "geometry": _rounded(geom)})
    if len(features) != len(EXTRA_UNITS):
        raise ValueError(f"expected {sorted(EXTRA_UNITS)} in china.json, found {[f['properties']['code'] for f in features]}")
    inset = _valid_multipolygon(shapely.union_all([Polygon(r) for r in nanhai_rings(nanhai_js)]))
    features.append({"type": "Feature",
                     "properties": {"code": "nanhai", "name_zh": "南海诸岛", "name_en": "South China Sea Islands",
                                    "kind": "inset"},
                     "geometry": _rounded(inset)})
    features.sort(key=lambda f: f["properties"]["code"])
    return _collection(features)


# --------------------------------------------------------------------------- main
def write(collection: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
    print(f"wrote {path} ({len(collection['features'])} features, {path.stat().st_size / 1e6:.2f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    data = Path(__file__).resolve().parent.parent / "spatialccd" / "data"
    parser.add_argument("--tarball", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=data / "china_provinces.geojson")
    parser.add_argument("--cities-out", type=Path, default=None)
    parser.add_argument("--extras-out", type=Path, default=None)
    parser.add_argument("--city-tolerance", type=float, default=CITY_TOLERANCE)
    args = parser.parse_args()
    src = load_sources(args.tarball)
    china = json.loads(src[PROVINCES_MEMBER])
    write(build(china), args.out)
    write(build_cities(json.loads(src[CITIES_MEMBER]), read_city_names(), tolerance=args.city_tolerance),
          args.cities_out or args.out.with_name("china_cities.geojson"))
    write(build_extras(china, src[NANHAI_MEMBER], src[DIAOYU_MEMBER]),
          args.extras_out or args.out.with_name("china_extras.geojson"))


if __name__ == "__main__":
    main()
