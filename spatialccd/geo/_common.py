"""What the geo modules share: the projection, the disclaimer, name keys and the package-data reader."""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

import geopandas as gpd

#: Albers equal-area conic for China (the "Asia North Albers"-style parameters
#: commonly used for national maps): standard parallels 25°N and 47°N, central
#: meridian 105°E, latitude of origin 0°, WGS84 datum, metres.
ALBERS_CHINA = ("+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 "
                "+ellps=WGS84 +datum=WGS84 +units=m +no_defs")

MAP_DISCLAIMER = ("Boundaries simplified from echarts@4.9.0 (Apache-2.0) for statistical graphics; "
                  "not an official or surveyed map (a map approval number is the publisher's matter).")


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """The matching key of a name: NFKC, lower case, without spaces, hyphens, apostrophes, dots, commas."""
    s = unicodedata.normalize("NFKC", name).strip().lower()
    for ch in " -_'’.,()（）":
        s = s.replace(ch, "")
    return s


@lru_cache(maxsize=None)
def read_layer(filename: str) -> gpd.GeoDataFrame:
    """A GeoJSON file of ``spatialccd/data`` (cached; callers copy before changing it)."""
    path = resources.files("spatialccd") / "data" / filename
    with resources.as_file(path) as p:
        gdf = gpd.read_file(p)
    return gdf.set_crs("EPSG:4326", allow_override=True)


def as_layer(frame, geometry, *, projected: bool) -> gpd.GeoDataFrame:
    """A fresh GeoDataFrame in EPSG:4326, or in :data:`ALBERS_CHINA` when ``projected``."""
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    return gdf.to_crs(ALBERS_CHINA) if projected else gdf
