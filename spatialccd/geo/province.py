"""The 31 mainland provincial units of China: codes, names, regions and boundaries.

Province identity throughout spatialccd is the 2-digit GB/T 2260 code as a string
(``"11"`` Beijing … ``"65"`` Xinjiang).  :func:`province_code` maps any common
spelling to it.  Boundaries come from ``echarts@4.9.0`` (Apache-2.0), rebuilt by
``shapes/build_shapes.py``; see ``shapes/SOURCE.md`` for provenance and the map
disclaimer (simplified boundaries for statistical graphics, not a surveyed map).
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from .._options import Units, check_option
from ..exceptions import DataError
from ._common import as_layer, name_key, read_layer

__all__ = ["REGION4", "REGION3", "lookup_province", "province_code", "province_codes", "province_hint",
           "province_table", "provinces", "PROVINCE_CODES", "province_mapping"]

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
#: The 31 codes in order.
PROVINCE_CODES = tuple(_TABLE)


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, (full, short, en, _r4, _r3, extra) in _TABLE.items():
        names = {code, code + "0000", full, short, en, en + " Province", *extra}
        if full.endswith("市"):
            names.add(en + " Municipality")
        for n in names:
            out[name_key(n)] = code
    return out


def lookup_province(name) -> str | None:
    """The province code for ``name``, or None (no fuzzy suggestions: cheap for many labels)."""
    if isinstance(name, (bool, np.bool_)) or not isinstance(name, (str, int, np.integer)):
        return None
    return _alias_map().get(name_key(str(name)))


def province_hint(name, *, cutoff: float = 0.6) -> list[str]:
    """Provinces whose names are close to ``name`` (for "did you mean" messages), as ``"上海 (Shanghai)"``."""
    aliases = _alias_map()
    close = difflib.get_close_matches(name_key(str(name)), aliases.keys(), n=3, cutoff=cutoff)
    codes = dict.fromkeys(aliases[c] for c in close)
    return [f"{_TABLE[c][1]} ({_TABLE[c][2]})" for c in codes]


def province_code(name: str | int) -> str:
    """Return the 2-digit GB/T 2260 code of a province given in any common form.

    Accepts the code (``"11"``, ``11``, ``110000``), the full or short Chinese
    name (北京市, 北京), the English name and common romanisations (Beijing,
    Peking, Inner Mongolia, Nei Mongol, Tibet, Xizang, …).  Matching ignores
    case, spaces, hyphens and full-width forms.

    Raises
    ------
    DataError
        For an unknown name; the message names it and the closest matches.
    """
    code = lookup_province(name)
    if code is not None:
        return code
    if isinstance(name, bool) or not isinstance(name, (str, int, np.integer)):
        raise DataError(f"province name must be a string or an integer code, got {name!r}")
    hint = ", ".join(province_hint(name)) or "none"
    raise DataError(f"unknown province {name!r}; closest matches: {hint}")


def province_codes(names) -> list[str]:
    """Vectorised :func:`province_code` (each distinct name looked up once); the error lists *every* unknown name."""
    names = list(names)
    mapping = {n: lookup_province(n) for n in dict.fromkeys(names)}
    bad = [n for n, c in mapping.items() if c is None]
    if bad:
        raise DataError(f"unknown province name(s): {sorted(map(str, bad))}")
    return [mapping[n] for n in names]


#: Integer labels that are province codes (11 … 65 and 110000 … 650000).
_PROVINCE_INTS = frozenset(int(c) * f for c in PROVINCE_CODES for f in (1, 10000))
INTEGER_TEXT = re.compile(r"^\s*[+-]?\d+(\.0*)?\s*$")


def _is_number(value) -> bool:
    """A numeric label: a number, or a string of digits (``"130100"``, ``" 7 "``)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, str) and bool(INTEGER_TEXT.match(value))


def province_mapping(labels: Iterable, units: Units = "auto") -> dict | None:
    """``{label: province code}`` when the labels are provinces, else ``None`` (keep the labels).

    The rule (``units``):

    ``"labels"``
        never provinces: labels are kept as they are.
    ``"provinces"``
        every label must be a province in some spelling (北京, 北京市, Beijing, 11, "11",
        110000); an error lists the others with the closest province names.
    ``"auto"`` (default)
        provinces when *every* distinct label is a province name or code.  Otherwise the
        labels are kept — with one exception, to catch typos: when the labels that are not
        provinces are all non-numeric and are no more than those that are (``"Shanghia"``
        among 30 provinces, ``"Atlantis"`` beside ``"北京"``), it is an error naming them and
        the closest provinces ("did you mean 上海 (Shanghai)?").  Numeric labels are never
        taken for provinces unless all of them are province codes: city numbers 1…N,
        4- and 6-digit codes, and 6-digit city codes with a province adcode such as
        110000 among them stay labels; so do US states or any other names.

    Each distinct label is looked up once, and integer labels are first checked against the
    set of code numbers, so a panel of 3000 county codes costs one set comparison.
    """
    check_option("units", units)
    if units == "labels":
        return None
    uniq = (labels if isinstance(labels, (pd.Series, pd.Index)) else pd.Series(list(labels))).unique()
    if units == "auto" and pd.api.types.is_integer_dtype(uniq.dtype) and not set(uniq.tolist()) <= _PROVINCE_INTS:
        return None  # integer ids of other units: never provinces
    mapping = {v: lookup_province(v) for v in uniq}
    bad = [v for v, code in mapping.items() if code is None]
    if not bad:
        return mapping
    if units == "auto" and (any(_is_number(v) for v in bad) or len(bad) > len(mapping) - len(bad)):
        return None
    shown = [(v.item() if isinstance(v, np.generic) else v) for v in bad]
    hints = [f"{v!r}: did you mean {' or '.join(h)}?" for v in shown[:5] if (h := province_hint(v))]
    why = ("" if units == "provinces" else
           f"; the other {len(mapping) - len(bad)} label(s) are provinces — fix the names, or pass "
           "units='labels' to keep every label as it is")
    hint = " (" + "; ".join(hints) + ")" if hints else ""
    raise DataError(f"unknown province name(s): {sorted(map(str, shown))}{hint}{why}")


def province_table() -> pd.DataFrame:
    """Names and regions of the 31 provinces as a plain DataFrame indexed by code."""
    rows = [
        {"code": c, "name_zh": v[0], "short_zh": v[1], "name_en": v[2], "region4": v[3], "region3": v[4]}
        for c, v in _TABLE.items()
    ]
    return pd.DataFrame(rows).set_index("code")


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
    is returned every call, so callers may modify it freely.  Taiwan, Hong Kong,
    Macao and the South China Sea inset are drawn on national maps from
    :func:`spatialccd.geo.national_extras`; they are never rows here.
    """
    geoms = read_layer("china_provinces.geojson").set_index("code").geometry
    table = province_table()
    return as_layer(table, geoms.reindex(table.index).to_numpy(), projected=projected)
