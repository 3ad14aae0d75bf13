"""Province table, boundaries and name matching (issue 3).

Geometry facts were verified independently on the same echarts@4.9.0 source (issue 3 text).
"""
import numpy as np
import pytest
from libpysal.graph import Graph

import spatialccd as sc


@pytest.fixture(scope="module")
def gdf():
    return sc.provinces()


def test_provinces_frame(gdf):
    assert len(gdf) == 31
    assert list(gdf.index[:3]) == ["11", "12", "13"] and gdf.index[-1] == "65"
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.is_valid.all()
    assert {"name_zh", "short_zh", "name_en", "region4", "region3"} <= set(gdf.columns)
    assert gdf.loc["15", "name_zh"] == "内蒙古自治区" and gdf.loc["15", "short_zh"] == "内蒙古"
    assert gdf.loc["15", "name_en"] == "Inner Mongolia"


def test_regions(gdf):
    # NBS four regions exactly as seed 003: East 10, Central 6, West 12, Northeast 3
    assert gdf.region4.value_counts().to_dict() == {"West": 12, "East": 10, "Central": 6, "Northeast": 3}
    assert set(gdf.index[gdf.region4 == "Northeast"]) == {"21", "22", "23"}
    assert gdf.region3.value_counts().to_dict() == {"West": 12, "East": 11, "Central": 8}


def test_contiguity_facts(gdf):
    queen = Graph.build_contiguity(gdf, rook=False)
    rook = Graph.build_contiguity(gdf, rook=True)
    pairs = lambda g: {tuple(sorted(p)) for p in g.adjacency[g.adjacency > 0].index}  # noqa: E731
    assert len(pairs(queen)) == 68 and pairs(queen) == pairs(rook)
    assert list(queen.isolates) == ["46"]
    assert set(queen["15"].index) == {"23", "22", "21", "13", "14", "61", "64", "62"}


def test_projected(gdf):
    p = sc.provinces(projected=True)
    assert p.crs.is_projected
    area = p.area / 1e6  # km²
    # Xinjiang is the largest unit (≈1.66 million km²); equal-area projection within 5 %
    assert area.idxmax() == "65" and abs(area["65"] / 1.66e6 - 1) < 0.05


@pytest.mark.parametrize("code", sc.province_table().index)
def test_every_province_in_three_spellings(code):
    row = sc.province_table().loc[code]
    for name in (row.name_zh, row.short_zh, row.name_en, row.name_en.upper(), int(code), code + "0000"):
        assert sc.province_code(name) == code


@pytest.mark.parametrize("name,code", [("Peking", "11"), ("Nei Mongol", "15"), ("Xizang", "54"),
                                       ("Tibet", "54"), ("inner-mongolia", "15"), ("ＢＥＩＪＩＮＧ", "11"),
                                       ("Guangxi Zhuang Autonomous Region", "45"), ("Ningxia", "64"),
                                       ("Xinjiang", "65"), (11, "11"), ("Shaanxi", "61"), ("Shanxi", "14")])
def test_aliases(name, code):
    assert sc.province_code(name) == code


def test_unknown_name_suggests():
    with pytest.raises(ValueError, match=r"unknown province 'Shangai'.*Shanghai"):
        sc.province_code("Shangai")
    with pytest.raises(ValueError, match="unknown province"):
        sc.province_code("Atlantis")


def test_provinces_returns_copy(gdf):
    gdf.loc["11", "name_en"] = "changed"
    assert sc.provinces().loc["11", "name_en"] == "Beijing"


# --------------------------------------------------------------------------- the geo package (issues 17, 18)
def test_geo_package_reexports_every_public_name():
    from spatialccd import geo

    for name in ("provinces", "province_code", "province_codes", "province_table", "lookup_province",
                 "MAP_DISCLAIMER", "ALBERS_CHINA", "REGION4", "REGION3", "cities", "city_code", "city_table",
                 "CITY_CHANGES", "national_extras", "is_national", "province_mapping"):
        assert name in geo.__all__ and hasattr(geo, name)
    assert geo.REGION4 == ("East", "Central", "West", "Northeast")
    assert "not an official or surveyed map" in geo.MAP_DISCLAIMER


def test_national_extras_facts():
    from shapely.geometry import Point

    from spatialccd import geo

    ex = geo.national_extras()
    assert list(ex.index) == ["710000", "810000", "820000", "nanhai"]
    assert ex.loc["nanhai", "kind"] == "inset" and (ex.loc[list(geo.EXTRA_CODES), "kind"] == "unit").all()
    assert ex.geometry.is_valid.all() and ex.crs.to_epsg() == 4326
    # the inset where echarts' nanhai.js puts it: x/10.5 + 126, −0.75·y/10.5 + 25 over x ∈ [0, 64], y ∈ [0, 93.1]
    np.testing.assert_allclose(ex.loc[["nanhai"]].total_bounds, [126, 25 - 0.75 * 93.1 / 10.5, 126 + 64 / 10.5, 25])
    assert ex.loc["710000"].geometry.contains(Point(123.47, 25.743))  # diaoyuIsland.js adds it to Taiwan's region
    assert ex.loc["810000"].geometry.contains(Point(114.17, 22.32))  # Kowloon
    assert ex.loc["820000"].geometry.distance(Point(113.55, 22.19)) < 0.05  # Macao peninsula
    assert set(ex.index).isdisjoint(sc.provinces().index)  # never units of the data
    assert geo.is_national(sc.provinces()) and not geo.is_national(sc.provinces().loc[["31", "32"]])
