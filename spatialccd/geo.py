"""The 31 mainland provincial units of China: codes, names, regions and boundaries.

Province identity throughout spatialccd is the 2-digit GB/T 2260 code as a string
(``"11"`` Beijing … ``"65"`` Xinjiang).  :func:`province_code` maps any common
spelling to it.  Boundaries come from ``echarts@4.9.0`` (Apache-2.0), rebuilt by
``shapes/build_shapes.py``; see ``shapes/SOURCE.md`` for provenance and the map
disclaimer (simplified boundaries for statistical graphics, not a surveyed map).
"""
from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd

#: Albers equal-area conic for China (the "Asia North Albers"-style parameters
#: commonly used for national maps): standard parallels 25°N and 47°N, central
#: meridian 105°E, latitude of origin 0°, WGS84 datum, metres.
ALBERS_CHINA = ("+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +x_0=0 +y_0=0 "
                "+ellps=WGS84 +datum=WGS84 +units=m +no_defs")

MAP_DISCLAIMER = ("Boundaries simplified from echarts@4.9.0 (Apache-2.0) for statistical "
                  "graphics; not an official or surveyed map and not a complete national map.")

# code: (full Chinese, short Chinese, English, NBS 4-region, 3-region, extra aliases)
_TABLE: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {
    "11": ("北京市", "北京", "Beijing", "East", "East", ("Peking",)),
    "12": ("天津市", "天津", "Tianjin", "East", "East", ("Tientsin",)),
    "13": ("河北省", "河北", "Hebei", "East", "East", ("Hopeh", "Hopei")),
    "14": ("山西省", "山西", "Shanxi", "Central", "Central", ("Shansi",)),
    "15": ("内蒙古自治区", "内蒙古", "Inner Mongolia", "West", "West",
           ("Nei Mongol", "Neimenggu", "Nei Menggu", "Inner Mongolia Autonomous Region")),
    "21": ("辽宁省", "辽宁", "Liaoning", "Northeast", "East", ()),
    "22": ("吉林省", "吉林", "Jilin", "Northeast", "Central", ("Kirin",)),
    "23": ("黑龙江省", "黑龙江", "Heilongjiang", "Northeast", "Central", ("Heilungkiang",)),
    "31": ("上海市", "上海", "Shanghai", "East", "East", ()),
    "32": ("江苏省", "江苏", "Jiangsu", "East", "East", ("Kiangsu",)),
    "33": ("浙江省", "浙江", "Zhejiang", "East", "East", ("Chekiang",)),
    "34": ("安徽省", "安徽", "Anhui", "Central", "Central", ("Anhwei",)),
    "35": ("福建省", "福建", "Fujian", "East", "East", ("Fukien",)),
    "36": ("江西省", "江西", "Jiangxi", "Central", "Central", ("Kiangsi",)),
    "37": ("山东省", "山东", "Shandong", "East", "East", ("Shantung",)),
    "41": ("河南省", "河南", "Henan", "Central", "Central", ("Honan",)),
    "42": ("湖北省", "湖北", "Hubei", "Central", "Central", ("Hupeh", "Hupei")),
    "43": ("湖南省", "湖南", "Hunan", "Central", "Central", ()),
    "44": ("广东省", "广东", "Guangdong", "East", "East", ("Kwangtung", "Canton")),
    "45": ("广西壮族自治区", "广西", "Guangxi", "West", "West",
           ("Kwangsi", "Guangxi Zhuang Autonomous Region", "Guangxi Zhuangzu")),
    "46": ("海南省", "海南", "Hainan", "East", "East", ()),
    "50": ("重庆市", "重庆", "Chongqing", "West", "West", ("Chungking",)),
    "51": ("四川省", "四川", "Sichuan", "West", "West", ("Szechwan", "Szechuan")),
    "52": ("贵州省", "贵州", "Guizhou", "West", "West", ("Kweichow",)),
    "53": ("云南省", "云南", "Yunnan", "West", "West", ()),
    "54": ("西藏自治区", "西藏", "Tibet", "West", "West", ("Xizang", "Tibet Autonomous Region")),
    "61": ("陕西省", "陕西", "Shaanxi", "West", "West", ("Shensi",)),
    "62": ("甘肃省", "甘肃", "Gansu", "West", "West", ("Kansu",)),
    "63": ("青海省", "青海", "Qinghai", "West", "West", ("Tsinghai",)),
    "64": ("宁夏回族自治区", "宁夏", "Ningxia", "West", "West",
           ("Ningsia", "Ningxia Hui Autonomous Region", "Ningxia Huizu")),
    "65": ("新疆维吾尔自治区", "新疆", "Xinjiang", "West", "West",
           ("Sinkiang", "Xinjiang Uygur Autonomous Region", "Xinjiang Uyghur")),
}

#: Fixed order of the regions (for tables and plots).
REGION4 = ("East", "Central", "West", "Northeast")
REGION3 = ("East", "Central", "West")


def _key(name: str) -> str:
    s = unicodedata.normalize("NFKC", name).strip().lower()
    for ch in " -_'’.,":
        s = s.replace(ch, "")
    return s


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, (full, short, en, _r4, _r3, extra) in _TABLE.items():
        names = {code, code + "0000", full, short, en, en + " Province", *extra}
        if full.endswith("市"):
            names.add(en + " Municipality")
        for n in names:
            out[_key(n)] = code
    return out


def lookup_province(name) -> str | None:
    """The province code for ``name``, or None (no fuzzy suggestions: cheap for many labels)."""
    if isinstance(name, bool) or not isinstance(name, (str, int, np.integer)):
        return None
    return _alias_map().get(_key(str(name)))


def province_code(name: str | int) -> str:
    """Return the 2-digit GB/T 2260 code of a province given in any common form.

    Accepts the code (``"11"``, ``11``, ``110000``), the full or short Chinese
    name (北京市, 北京), the English name and common romanisations (Beijing,
    Peking, Inner Mongolia, Nei Mongol, Tibet, Xizang, …).  Matching ignores
    case, spaces, hyphens and full-width forms.

    Raises
    ------
    ValueError
        For an unknown name; the message names it and the closest matches.
    """
    code = lookup_province(name)
    if code is not None:
        return code
    if isinstance(name, bool) or not isinstance(name, (str, int)):
        raise ValueError(f"province name must be a string or an integer code, got {name!r}")
    key = _key(str(name))
    aliases = _alias_map()
    close = difflib.get_close_matches(key, aliases.keys(), n=3, cutoff=0.6)
    hint = ", ".join(sorted({_TABLE[aliases[c]][2] for c in close})) or "none"
    raise ValueError(f"unknown province {name!r}; closest matches: {hint}")


def province_codes(names) -> list[str]:
    """Vectorised :func:`province_code`; the error lists *every* unknown name."""
    out, bad = [], []
    for n in names:
        try:
            out.append(province_code(n))
        except ValueError:
            bad.append(n)
    if bad:
        raise ValueError(f"unknown province name(s): {sorted(set(map(str, bad)))}")
    return out


def province_table() -> pd.DataFrame:
    """Names and regions of the 31 provinces as a plain DataFrame indexed by code."""
    rows = [
        {"code": c, "name_zh": v[0], "short_zh": v[1], "name_en": v[2], "region4": v[3], "region3": v[4]}
        for c, v in _TABLE.items()
    ]
    return pd.DataFrame(rows).set_index("code")


@lru_cache(maxsize=1)
def _read_boundaries() -> gpd.GeoDataFrame:
    path = resources.files("spatialccd") / "data" / "china_provinces.geojson"
    with resources.as_file(path) as p:
        gdf = gpd.read_file(p)
    return gdf.set_index("code")[["geometry"]].set_crs("EPSG:4326", allow_override=True)


def provinces(*, projected: bool = False) -> gpd.GeoDataFrame:
    """The 31 mainland provincial units as a GeoDataFrame indexed by GB/T 2260 code.

    Columns: ``name_zh`` (内蒙古自治区), ``short_zh`` (内蒙古), ``name_en``
    (Inner Mongolia), ``region4`` (NBS four regions: East 10, Central 6, West 12,
    Northeast 3, as listed in the NBS 2011 division and seed 003), ``region3``
    (the traditional East/Central/West belts of the 7th Five-Year Plan as
    adjusted in 1997/2000: East 11 = the NBS East plus Liaoning; Central 8 =
    Shanxi, Jilin, Heilongjiang, Anhui, Jiangxi, Henan, Hubei, Hunan; West 12 =
    the Western Development provinces incl. Inner Mongolia and Guangxi),
    ``geometry``.

    CRS is EPSG:4326; ``projected=True`` returns it in :data:`ALBERS_CHINA`
    (equal-area, suited to areas and planar distances over China).  A fresh copy
    is returned every call, so callers may modify it freely.
    """
    gdf = gpd.GeoDataFrame(province_table().join(_read_boundaries()), geometry="geometry", crs="EPSG:4326")
    return gdf.to_crs(ALBERS_CHINA) if projected else gdf
