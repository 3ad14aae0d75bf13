"""The parts of a national map of China that are not units of the data: Taiwan, Hong Kong, Macao
and the South China Sea islands inset.

Chinese journals expect a national map to show Taiwan (710000), Hong Kong (810000), Macao
(820000) and the South China Sea islands (南海诸岛) inset.  Their boundaries come from
``echarts@4.9.0`` (Apache-2.0): the three units from ``map/json/china.json`` (Taiwan with the
Diaoyu Island polygon that ``src/coord/geo/fix/diaoyuIsland.js`` adds), the inset from
``src/coord/geo/fix/nanhai.js`` placed as echarts places it (a box at 126–132.1°E,
18.35–25°N).  ``shapes/build_shapes.py`` builds them into
``spatialccd/data/china_extras.geojson``.  They are drawn by the maps as "no data" units and
the inset box (``national_extras=False`` turns them off); they are never rows of
:func:`~spatialccd.geo.provinces` or :func:`~spatialccd.geo.cities`, so they never enter
statistics or weights.  The disclaimer holds: not an official or surveyed map.
"""
from __future__ import annotations

import geopandas as gpd

from ._common import as_layer, read_layer

__all__ = ["national_extras", "is_national", "EXTRA_CODES", "INSET_CODE"]

#: Codes of the units drawn as "no data" on national maps.
EXTRA_CODES = ("710000", "810000", "820000")
#: Code of the South China Sea islands inset in :func:`national_extras`.
INSET_CODE = "nanhai"
#: Mainland extent (lon/lat) and the share of it that makes a layer "national".
_MAINLAND = (73.5, 18.1, 135.1, 53.6)
_NATIONAL_SHARE = 0.8


def national_extras(*, projected: bool = False) -> gpd.GeoDataFrame:
    """Taiwan, Hong Kong, Macao (``kind="unit"``) and the South China Sea inset (``kind="inset"``),
    indexed by code (``"710000"``, ``"810000"``, ``"820000"``, ``"nanhai"``); columns ``name_zh``,
    ``name_en``, ``kind``, ``geometry``.  A fresh copy every call."""
    layer = read_layer("china_extras.geojson").set_index("code")
    return as_layer(layer[["name_zh", "name_en", "kind"]], layer.geometry.to_numpy(), projected=projected)


def is_national(gdf: gpd.GeoDataFrame) -> bool:
    """Whether a layer covers the mainland: its extent spans at least 80 % of the mainland's
    longitudes and latitudes (the 31 provinces or all cities do; a region's subset does not)."""
    if gdf.crs is None or len(gdf) == 0:
        return False
    x0, y0, x1, y1 = gdf.to_crs("EPSG:4326").total_bounds
    mx0, my0, mx1, my1 = _MAINLAND
    return (x1 - x0) >= _NATIONAL_SHARE * (mx1 - mx0) and (y1 - y0) >= _NATIONAL_SHARE * (my1 - my0)
