"""Rebuild ``china_provinces.geojson`` from the npm package ``echarts@4.9.0``.

Usage::

    python shapes/build_shapes.py [--tarball echarts-4.9.0.tgz] [--out spatialccd/data/china_provinces.geojson]

Without ``--tarball`` the script runs ``npm pack echarts@4.9.0`` in a temporary
folder (the npm registry is the only network access it needs).

ECharts 4 ships ``map/json/china.json`` in a compressed form flagged by
``"UTF8Encoding": true``.  Each ring is a string; its characters come in pairs
(x, y).  For a character ``c`` the value ``v = ord(c) - 64`` is zig-zag encoded:
``d = (v >> 1) ^ -(v & 1)``.  The decoded ``d`` are deltas accumulated from the
ring's ``encodeOffsets`` pair, and every accumulated integer divided by 1024 is a
longitude/latitude in degrees.  We decode, repair invalid rings with
``shapely.make_valid`` and keep the 31 mainland provincial units (Taiwan, Hong
Kong and Macao are outside the data of the studies this package serves).
Nothing is simplified: contiguity depends on shared borders.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.validation import make_valid

ENCODE_SCALE = 1024.0
EXCLUDED = {"710000", "810000", "820000"}  # Taiwan, Hong Kong, Macao
MEMBER = "package/map/json/china.json"


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
    fixed = make_valid(MultiPolygon(parts))
    polygons = _polygons(fixed)
    return MultiPolygon(polygons)


def _polygons(geom) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return [g for g in geom.geoms if not g.is_empty]
    out: list[Polygon] = []
    for g in getattr(geom, "geoms", []):  # GeometryCollection from make_valid
        out.extend(_polygons(g))
    return out


def load_source(tarball: Path | None) -> dict:
    """Read ``china.json`` from the echarts tarball (``npm pack`` it when not given)."""
    with tempfile.TemporaryDirectory() as tmp:
        if tarball is None:
            subprocess.run(["npm", "pack", "echarts@4.9.0", "--silent"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            tarball = Path(tmp) / "echarts-4.9.0.tgz"
        with tarfile.open(tarball) as tf:
            member = tf.extractfile(MEMBER)
            if member is None:
                raise FileNotFoundError(f"{MEMBER} not in {tarball}")
            return json.load(member)


def build(source: dict) -> dict:
    """Return a GeoJSON FeatureCollection of the 31 mainland provinces."""
    if not source.get("UTF8Encoding"):
        raise ValueError("expected ECharts UTF8Encoding china.json")
    features = []
    for feat in source["features"]:
        adcode = str(feat["properties"]["id"])
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
    return {"type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
            "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "spatialccd" / "data" / "china_provinces.geojson")
    args = parser.parse_args()
    collection = build(load_source(args.tarball))
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out} ({len(collection['features'])} provinces)")


if __name__ == "__main__":
    main()
