"""Geography of China for spatialccd: provinces, prefecture-level cities, national-map extras.

* :mod:`.province` — the 31 mainland provinces (2-digit GB/T 2260 codes, names, NBS regions,
  boundaries): :func:`provinces`, :func:`province_code`, :func:`province_table`.
* :mod:`.city` — the 364 mainland prefecture-level divisions (6-digit codes, names, levels,
  changes between vintages, boundaries): :func:`cities`, :func:`city_code`, :func:`city_table`,
  :data:`CITY_CHANGES`.
* :mod:`.extras` — Taiwan, Hong Kong, Macao and the South China Sea inset drawn on national
  maps, never part of statistics or weights: :func:`national_extras`.

Boundaries: ``echarts@4.9.0`` (Apache-2.0), built by ``shapes/build_shapes.py``; see
``shapes/SOURCE.md`` and :data:`MAP_DISCLAIMER`.
"""
from ._common import ALBERS_CHINA, MAP_DISCLAIMER, name_key
from .city import CITY_CHANGES, CITY_LEVELS, CityChange, cities, city_changes, city_code, city_codes, city_table
from .extras import EXTRA_CODES, INSET_CODE, is_national, national_extras
from .province import (PROVINCE_CODES, REGION3, REGION4, lookup_province, province_code, province_codes,
                       province_hint, province_mapping, province_table, provinces)

__all__ = ["ALBERS_CHINA", "MAP_DISCLAIMER", "name_key", "REGION4", "REGION3", "PROVINCE_CODES",
           "lookup_province", "province_code", "province_codes", "province_hint", "province_mapping",
           "province_table", "provinces",
           "CITY_CHANGES", "CITY_LEVELS", "CityChange", "cities", "city_changes", "city_code", "city_codes",
           "city_table", "EXTRA_CODES", "INSET_CODE", "is_national", "national_extras"]
