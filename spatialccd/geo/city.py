"""Prefecture-level divisions of mainland China: codes, names, changes between vintages, boundaries.

City identity is the 6-digit GB/T 2260 code as a string (``"340100"`` Hefei).  The
boundaries and units are those of ``echarts@4.9.0`` ``map/json/china-cities.json``
(Apache-2.0), built by ``shapes/build_shapes.py`` into
``spatialccd/data/china_cities.geojson``: 364 mainland units — 332 prefecture-level
cities, prefectures (地区), autonomous prefectures (自治州) and leagues (盟); the four
municipalities as single units; and the 28 county-level units administered directly by
a province (Hainan 16, Hubei 4, Henan 1, Xinjiang 7 — the ``level`` column tells them
apart).  Taiwan, Hong Kong and Macao are national-map extras
(:func:`spatialccd.geo.national_extras`), never rows here.

Vintage.  The file reflects the divisions of about 2014–2015: Laiwu (371200) is still
separate (merged into Jinan in 2019); Chaohu prefecture is gone (abolished 2011);
Sansha (460300, 2012) is not a unit; Danzhou is the county-level 469003 (prefecture-level
460400 since 2015); Nyingchi, Shannan, Nagqu, Turpan and Hami carry their prefecture
(地区) codes.  :data:`CITY_CHANGES` lists every known change; a code or name of another
vintage maps to this map's unit with a :class:`~spatialccd.exceptions.VintageWarning`,
or raises :class:`~spatialccd.exceptions.DataError` when no unit of the map is the same
territory — never silently to a different unit.  ``cities(merge={"371200": "370100"})``
gives the post-2019 Jinan.
"""
from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import union_all

from ..exceptions import DataError, VintageWarning
from ._common import ALBERS_CHINA, as_layer, name_key, read_layer
from .province import province_code, province_table

__all__ = ["CityChange", "CITY_CHANGES", "city_changes", "city_table", "city_code", "city_codes", "cities",
           "CITY_LEVELS"]

#: Values of the ``level`` column.
CITY_LEVELS = ("municipality", "prefecture", "county")
_FILE = "china_cities.geojson"


@dataclass(frozen=True)
class CityChange:
    """One change of the administrative divisions that a user's data may reflect.

    ``codes`` and ``names`` identify the unit in the other vintage; ``code`` is the unit of
    this map covering the same territory (``None`` when there is none); ``on_map`` is true
    when the old unit is itself a unit of this map (the change happened after the map's vintage).
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    year: int
    change: str
    code: str | None
    note: str
    on_map: bool = False


def _became_city(old: str, name_zh: str, name_en: str, year: int, code: str, after: bool) -> CityChange:
    """A prefecture (地区) that became a city with a new code, before (``after=False``) or after the map's vintage."""
    where = (f"(code {old}); this map has it as {code}" if after else f"({old}); this map has the city's code {code}")
    return CityChange((old,), (name_zh,), year, "recoded", code,
                      f"{name_en} prefecture became a city in {year} {where}")


def _new_county(code: str, name_zh: str, name_en: str, year: int) -> CityChange:
    """A county-level city established after the map's vintage inside an existing unit."""
    return CityChange((code,), (name_zh, name_zh + "市", name_en), year, "established", None,
                      f"{name_en} (county-level, established {year}) is not a unit of this map; its territory "
                      "lies inside the surrounding prefecture")


#: Known changes since (or before) the map's vintage; sources: the GB/T 2260 code lists of the
#: Ministry of Civil Affairs for the years named and the State Council approvals they record.
CITY_CHANGES: tuple[CityChange, ...] = (
    CityChange(("371200",), ("莱芜", "莱芜市", "Laiwu"), 2019, "merged", "371200",
               "Laiwu became two districts of Jinan (370100) in January 2019; this map still has it as a unit: "
               "use cities(merge={'371200': '370100'}) for data after 2018", on_map=True),
    CityChange(("341400",), ("巢湖地区",), 2011, "abolished", None,
               "Chaohu prefecture was split in 2011 among Hefei (340100), Wuhu (340200) and Ma'anshan (340500)"),
    CityChange(("340181",), (), 2011, "county-level city", "340100",
               "the county-level city of Chaohu (340181) lies in Hefei (340100) since 2011"),
    CityChange((), ("巢湖", "巢湖市", "Chaohu"), 2011, "ambiguous", None,
               "either the former prefecture 341400 (split in 2011 among Hefei 340100, Wuhu 340200 and "
               "Ma'anshan 340500) or the county-level city 340181 in Hefei: give the code"),
    CityChange(("460300",), ("三沙", "三沙市", "Sansha"), 2012, "established", None,
               "Sansha (islands of the South China Sea, established 2012) is not a unit of this map; its islands "
               "are drawn only in the South China Sea inset"),
    CityChange(("460400",), (), 2015, "recoded", "469003",
               "Danzhou became prefecture-level in 2015 (code 460400); this map has it as 469003"),
    *(_became_city(*row) for row in (
        ("540400", "林芝地区", "Nyingchi", 2015, "542600", True), ("540500", "山南地区", "Shannan", 2016, "542200", True),
        ("540600", "那曲地区", "Nagqu", 2017, "542400", True), ("650400", "吐鲁番地区", "Turpan", 2015, "652100", True),
        ("650500", "哈密地区", "Hami", 2016, "652200", True), ("542300", "日喀则地区", "Xigaze", 2014, "540200", False),
        ("542100", "昌都地区", "Qamdo", 2014, "540300", False), ("632100", "海东地区", "Haidong", 2013, "630200", False),
        ("522200", "铜仁地区", "Tongren", 2011, "520600", False), ("522400", "毕节地区", "Bijie", 2011, "520500", False))),
    CityChange((), ("襄樊", "襄樊市", "Xiangfan"), 2010, "renamed", "420600", "Xiangfan was renamed Xiangyang in 2010"),
    CityChange((), ("思茅", "思茅市", "Simao"), 2007, "renamed", "530800", "Simao was renamed Pu'er in 2007"),
    *(_new_county(*row) for row in (("659008", "可克达拉", "Kokdala", 2015), ("659009", "昆玉", "Kunyu", 2016),
                                    ("659010", "胡杨河", "Huyanghe", 2019), ("659011", "新星", "Xinxing", 2021))),
)


def city_changes() -> pd.DataFrame:
    """:data:`CITY_CHANGES` as a table (one row per change)."""
    return pd.DataFrame([{"codes": ", ".join(c.codes), "names": ", ".join(c.names), "year": c.year,
                          "change": c.change, "code_on_map": c.code, "on_map": c.on_map, "note": c.note}
                         for c in CITY_CHANGES])


@lru_cache(maxsize=1)
def _props() -> pd.DataFrame:
    return pd.DataFrame(read_layer(_FILE).drop(columns="geometry")).set_index("code")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    props = _props()
    prov = province_table()
    out = props[["name_zh", "short_zh", "name_en", "level", "province"]].copy()
    out["province_zh"] = prov["short_zh"].reindex(out["province"]).to_numpy()
    out["province_en"] = prov["name_en"].reindex(out["province"]).to_numpy()
    out["region4"] = prov["region4"].reindex(out["province"]).to_numpy()
    out["region3"] = prov["region3"].reindex(out["province"]).to_numpy()
    return out


def city_table() -> pd.DataFrame:
    """Names, levels, provinces and regions of the 364 units as a DataFrame indexed by 6-digit code.

    Columns: ``name_zh`` (合肥市, 延边朝鲜族自治州), ``short_zh`` (合肥, 延边), ``name_en``
    (Hefei; pinyin where no other English name is established; Hohhot, Urumqi, Xigaze …),
    ``level`` (:data:`CITY_LEVELS`), ``province`` (2-digit code), ``province_zh``,
    ``province_en``, ``region4``, ``region3`` (those of the province, see
    :func:`spatialccd.provinces`).
    """
    return _table().copy()


def _suffixed(full: str, short: str) -> set[str]:
    """Common short forms of a unit's name: 延边州 for 延边朝鲜族自治州, 阿里 for 阿里地区."""
    return {full, short, short + "州"} if full.endswith("自治州") else {full, short}


@lru_cache(maxsize=1)
def _alias_map() -> dict[str, tuple[str, ...]]:
    t, aliases = _table(), _props()["aliases"].fillna("")
    keys: dict[str, list[str]] = {}
    for code, row in t.iterrows():
        en = row["name_en"]
        names = {code, *_suffixed(row["name_zh"], row["short_zh"]), en, en + " City", en + " Prefecture",
                 *filter(None, aliases[code].split(";"))}
        for n in names:
            keys.setdefault(name_key(n), []).append(code)
    return {k: tuple(dict.fromkeys(v)) for k, v in keys.items()}


@lru_cache(maxsize=1)
def _change_map() -> dict[str, CityChange]:
    return {name_key(k): c for c in CITY_CHANGES if not c.on_map for k in (*c.codes, *c.names)}


def _describe(code: str) -> str:
    row = _table().loc[code]
    return f"{code} {row['name_zh']} ({row['name_en']}, {row['province_en']})"


def _resolve(name, province: str | None) -> tuple[str | None, str | None, CityChange | None]:
    """(code, error, change) for one name: exactly one of code/error is set."""
    if isinstance(name, (bool, np.bool_)) or not isinstance(name, (str, int, np.integer)):
        return None, f"city name must be a string or an integer code, got {name!r}", None
    key = name_key(str(name))
    found = _alias_map().get(key, ())
    if province is not None:
        found = tuple(c for c in found if c[:2] == province)
    if len(found) == 1:
        return found[0], None, None
    if len(found) > 1:
        return None, (f"city {name!r} is ambiguous: {'; '.join(map(_describe, found))}; "
                      "give the code or province="), None
    change = _change_map().get(key)
    if change is not None:
        if change.code is None:
            return None, f"city {name!r}: {change.note}", change
        return change.code, None, change
    close = difflib.get_close_matches(key, _alias_map().keys(), n=3, cutoff=0.7)
    hint = "; ".join(dict.fromkeys(_describe(c) for k in close for c in _alias_map()[k])) or "none"
    where = f" in province {province}" if province else ""
    return None, f"unknown city {name!r}{where}; closest matches: {hint}", None


def _province_arg(province) -> str | None:
    return None if province is None else province_code(province)


def city_code(name: str | int, *, province: str | int | None = None) -> str:
    """The 6-digit code of a prefecture-level unit given in any common form.

    Accepts the code (``"340100"``, ``340100``), the full or short Chinese name
    (合肥市, 合肥; 延边朝鲜族自治州, 延边州, 延边), the English name or pinyin
    (Hefei, Urumqi, Wulumuqi).  Matching ignores case, spaces, hyphens and
    apostrophes.  Names shared by two units (Taizhou 泰州/台州, Suzhou 苏州/宿州,
    Fuzhou 福州/抚州, Yichun 伊春/宜春, Yulin 玉林/榆林) need ``province=``.

    A code or name of another vintage (:data:`CITY_CHANGES`) maps to this map's unit
    with a :class:`~spatialccd.exceptions.VintageWarning` naming the change; one with
    no unit on this map (Sansha, the former Chaohu prefecture) raises.

    Raises
    ------
    DataError
        Unknown or ambiguous names, and units of another vintage without a counterpart.
    """
    code, error, change = _resolve(name, _province_arg(province))
    if error:
        raise DataError(error)
    if change is not None:
        warnings.warn(f"city {name!r} is of another vintage, mapped to {_describe(code)}: {change.note}",
                      VintageWarning, stacklevel=2)
    return code


def city_codes(names: Iterable, *, province: str | int | None = None) -> list[str]:
    """Vectorised :func:`city_code`: each distinct name is looked up once, one error lists every
    name that fails, one :class:`~spatialccd.exceptions.VintageWarning` lists every mapped change."""
    names = list(names)
    prov = _province_arg(province)
    resolved = {n: _resolve(n, prov) for n in dict.fromkeys(names)}
    errors = [err for _, err, _ in resolved.values() if err]
    if errors:
        raise DataError(f"{len(errors)} city name(s) cannot be matched: " + " | ".join(errors[:20]))
    changed = [f"{n!r} → {code} ({ch.note})" for n, (code, _, ch) in resolved.items() if ch is not None]
    if changed:
        warnings.warn("city names or codes of another vintage were mapped: " + "; ".join(changed),
                      VintageWarning, stacklevel=2)
    return [resolved[n][0] for n in names]


def _merged(gdf: gpd.GeoDataFrame, merge: Mapping) -> gpd.GeoDataFrame:
    merge = {city_code(k): city_code(v) for k, v in merge.items()}
    for old, into in merge.items():
        if old == into or into in merge:
            raise DataError(f"merge: cannot merge {old} into {into} (a unit merged into itself or into a merged unit)")
        if old not in gdf.index or into not in gdf.index:
            raise DataError(f"merge: {old} or {into} is not in the selected cities")
    out = gdf.drop(index=list(merge))
    for into in dict.fromkeys(merge.values()):
        parts = [gdf.geometry[into], *(gdf.geometry[o] for o, i in merge.items() if i == into)]
        out.loc[into, "geometry"] = union_all(parts)
    return out


def cities(*, province: Iterable | str | int | None = None, level: Iterable[str] | None = None,
           merge: Mapping | None = None, projected: bool = False) -> gpd.GeoDataFrame:
    """The prefecture-level divisions as a GeoDataFrame indexed by 6-digit code (columns of :func:`city_table`).

    ``province`` keeps the units of the provinces given in any form
    (``cities(province=["31", "32", "33", "34"])`` for the Yangtze River Delta's 41 units);
    ``level`` keeps the given levels (``level=["prefecture", "municipality"]`` drops the
    directly administered county-level units); ``merge`` dissolves units into others
    (``{"371200": "370100"}``: Jinan after the 2019 merger).  CRS EPSG:4326, or
    :data:`~spatialccd.geo.ALBERS_CHINA` with ``projected=True``.  A fresh copy every call.

    Contiguity on these boundaries (``spatialccd.weights.contiguity(cities())``, queen):
    964 neighbour pairs and no unit without a neighbour; Hainan's 18 units form a component
    of their own, and Zhoushan (330900) touches only Shanghai.  Use queen, not rook: the
    source's borders share vertices but not always whole segments, and rook contiguity
    leaves Chongqing (500000) without neighbours.
    """
    table = _table()
    geoms = read_layer(_FILE).set_index("code").geometry
    keep = pd.Series(True, index=table.index)
    if province is not None:
        wanted = {province_code(p) for p in ([province] if isinstance(province, (str, int)) else province)}
        keep &= table["province"].isin(wanted)
    if level is not None:
        levels = [level] if isinstance(level, str) else list(level)
        bad = sorted(set(levels) - set(CITY_LEVELS))
        if bad:
            raise DataError(f"level must be among {list(CITY_LEVELS)}, got {bad}")
        keep &= table["level"].isin(levels)
    frame = city_table()[keep.to_numpy()]
    gdf = as_layer(frame, geoms.reindex(frame.index).to_numpy(), projected=False)
    if merge:
        gdf = _merged(gdf, merge)
    return gdf.to_crs(ALBERS_CHINA) if projected else gdf
