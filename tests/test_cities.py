"""Prefecture-level divisions (issue 18): facts of sc.geo.cities(), name matching, vintages, weights.

The per-province counts were read off echarts@4.9.0 ``map/json/china-cities.json`` (367 features;
``id`` prefixes counted, 71/81/82 left to the national extras) when the file was built.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph

import spatialccd as sc
from spatialccd import weights as W
from spatialccd.exceptions import DataError, IslandWarning, VintageWarning
from spatialccd.geo import city_code, city_codes, cities, city_changes, city_table

SOURCE_COUNTS = {"11": 1, "12": 1, "13": 11, "14": 11, "15": 12, "21": 14, "22": 9, "23": 13, "31": 1, "32": 13,
                 "33": 11, "34": 16, "35": 9, "36": 11, "37": 17, "41": 18, "42": 17, "43": 14, "44": 21, "45": 14,
                 "46": 18, "50": 1, "51": 21, "52": 9, "53": 16, "54": 7, "61": 10, "62": 14, "63": 8, "64": 5,
                 "65": 21}


@pytest.fixture(scope="module")
def gdf():
    return cities()


@pytest.fixture(scope="module")
def queen(gdf):
    return W.contiguity(gdf, transform="b")


def pairs(g):
    return {tuple(sorted(p)) for p in g.adjacency[g.adjacency > 0].index}


def test_frame_counts_and_columns(gdf):
    assert len(gdf) == 364 and gdf.index.is_unique and gdf.index.name == "code"
    assert gdf.crs.to_epsg() == 4326
    assert gdf["province"].value_counts().to_dict() == SOURCE_COUNTS
    assert (gdf.index.str[:2] == gdf["province"]).all()
    assert gdf["level"].value_counts().to_dict() == {"prefecture": 332, "county": 28, "municipality": 4}
    assert set(gdf.index[gdf.level == "municipality"]) == {"110000", "120000", "310000", "500000"}
    assert (gdf[gdf.province == "46"].level == "county").sum() == 16
    assert {"710000", "810000", "820000", "460300"}.isdisjoint(gdf.index)  # extras and Sansha are not units
    prov = sc.province_table()
    assert (gdf["region4"].to_numpy() == prov.loc[gdf["province"], "region4"].to_numpy()).all()
    assert gdf.loc["340100", ["name_zh", "short_zh", "name_en"]].tolist() == ["合肥市", "合肥", "Hefei"]
    assert gdf.loc["222400", "name_zh"] == "延边朝鲜族自治州" and gdf.loc["650100", "name_en"] == "Urumqi"
    assert gdf["name_zh"].is_unique and (gdf["name_en"].str.len() > 0).all()
    assert list(city_table().columns) == [c for c in gdf.columns if c != "geometry"]


def test_geometries_valid_and_each_city_in_exactly_one_province(gdf):
    assert gdf.geometry.is_valid.all() and not gdf.geometry.is_empty.any()
    provinces = sc.provinces()
    points = gdf.geometry.representative_point()
    hits = gpd_sjoin_within(points, provinces)
    assert hits.groupby(level=0).size().eq(1).all() and len(hits) == len(gdf)
    assert (hits["index_right"] == gdf["province"].reindex(hits.index)).all()
    # the simplified cities cover their province up to the simplification (≈ 1.4 km)
    union = gdf.dissolve("province").to_crs(sc.geo.ALBERS_CHINA).area
    area = provinces.to_crs(sc.geo.ALBERS_CHINA).area
    assert ((union.reindex(area.index) / area - 1).abs() < 0.03).all()


def gpd_sjoin_within(points, polygons):
    import geopandas as gpd

    left = gpd.GeoDataFrame(geometry=points, crs=points.crs)
    joined = gpd.sjoin(left, polygons[["geometry"]], predicate="within", how="inner")
    return joined.rename(columns={joined.columns[-1]: "index_right"})


def test_contiguity_symmetric_islands_and_components(gdf, queen):
    m = queen.sparse.toarray()
    assert np.array_equal(m, m.T)
    assert len(pairs(queen)) == 964 and len(queen.isolates) == 0
    raw = Graph.build_contiguity(gdf, rook=False)
    assert list(raw.isolates) == []  # no unit without a neighbour, so the island policy adds nothing
    labels = raw.component_labels
    hainan = set(labels.index[labels == labels["460100"]])
    assert hainan == set(gdf.index[gdf.province == "46"]) and raw.n_components == 2  # Hainan: its own component
    assert set(raw["330900"].index) == {"310000"}  # Zhoushan touches only Shanghai in this source
    rook = Graph.build_contiguity(gdf, rook=True)
    assert list(rook.isolates) == ["500000"]  # why the docs say: use queen on the cities
    linked = W.contiguity(gdf, islands={"330900": "330200", "460100": "440800"}, transform="b")
    assert "330200" in linked["330900"].index and "440800" in linked["460100"].index
    assert Graph.build_contiguity(gdf.assign(g=0), rook=False).n_components == 2


def test_knn_distance_and_regional_subsets(gdf):
    k = W.knn(gdf, k=5, transform="b")
    assert (k.cardinalities == 5).all()
    with pytest.warns(IslandWarning, match="distance band"):
        d = W.distance(gdf, threshold=100)  # western prefectures are far apart
    assert len(d.isolates) == 0 and np.allclose(np.asarray(d.sparse.sum(axis=1)).ravel(), 1)
    yrd = cities(province=["上海", "Jiangsu", 33, "34"])  # the Yangtze River Delta, any spelling
    assert len(yrd) == 41 and set(yrd.province) == {"31", "32", "33", "34"}
    sub = W.subset(W.contiguity(gdf), yrd.index)
    assert np.allclose(np.asarray(sub.sparse.sum(axis=1)).ravel(), 1)
    own = W.contiguity(yrd, transform="b")
    assert pairs(own) == pairs(W.subset(W.contiguity(gdf, transform="b"), yrd.index, transform="b"))
    assert len(cities(level=["prefecture", "municipality"])) == 336
    with pytest.raises(DataError, match="level must be"):
        cities(level="town")


@pytest.mark.parametrize("name,code", [("合肥", "340100"), ("合肥市", "340100"), ("Hefei", "340100"),
                                       (340100, "340100"), ("340100", "340100"), ("延边州", "222400"),
                                       ("延边朝鲜族自治州", "222400"), ("Urumqi", "650100"), ("Wulumuqi", "650100"),
                                       ("xi'an", "610100"), ("XIAN", "610100"), ("Lvliang", "141100"),
                                       ("锡林郭勒盟", "152500"), ("Hohhot", "150100"), ("莱芜", "371200"),
                                       ("北京", "110000"), ("Jilin City", "220200")])
def test_city_code_forms(name, code):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # current names never warn
        assert city_code(name) == code


def test_ambiguous_names_need_a_province():
    with pytest.raises(DataError, match=r"ambiguous: 321200 泰州市 .*331000 台州市"):
        city_code("Taizhou")
    assert city_code("Taizhou", province="Zhejiang") == "331000"
    assert city_code("Suzhou", province="34") == "341300"
    with pytest.raises(DataError, match=r"unknown city 'Hefie'.*340100 合肥市"):
        city_code("Hefie")


@pytest.mark.parametrize("old,new,why", [(460400, "469003", "Danzhou"), ("540400", "542600", "Nyingchi"),
                                         ("襄樊", "420600", "renamed Xiangyang"), ("340181", "340100", "Chaohu"),
                                         ("日喀则地区", "540200", "2014"), ("650500", "652200", "Hami")])
def test_other_vintage_maps_with_a_warning(old, new, why):
    with pytest.warns(VintageWarning, match=why):
        assert city_code(old) == new


@pytest.mark.parametrize("old,why", [("三沙", "South China Sea inset"), ("460300", "not a unit"),
                                     ("巢湖", "give the code"), ("341400", "split in 2011"),
                                     ("可克达拉", "established 2015")])
def test_other_vintage_without_a_counterpart_raises(old, why):
    with pytest.raises(DataError, match=why):
        city_code(old)


def test_vectorised_codes_and_changes_table():
    with pytest.warns(VintageWarning, match="460400"):
        assert city_codes(["合肥", "Hefei", 460400, "芜湖"]) == ["340100", "340100", "469003", "340200"]
    with pytest.raises(DataError, match=r"2 city name\(s\).*Atlantis.*Sansha"):
        city_codes(["合肥", "Atlantis", "Sansha"])
    table = city_changes()
    assert {"codes", "names", "year", "change", "code_on_map", "note"} <= set(table.columns)
    assert table.loc[table.codes == "371200", "on_map"].item()


def test_merge_laiwu_into_jinan(gdf):
    merged = cities(province="37", merge={"371200": "370100"})
    assert len(merged) == 16 and "371200" not in merged.index
    assert merged.loc["370100"].geometry.area == pytest.approx(
        gdf.loc["370100"].geometry.area + gdf.loc["371200"].geometry.area, rel=1e-9)
    assert merged.geometry.is_valid.all()
    with pytest.raises(DataError, match="merge"):
        cities(province="37", merge={"371200": "371200"})


def test_city_panel_with_user_graph_runs_as_labels(gdf):
    """Codes as integers from a spreadsheet, W from cities(): PanelData keeps the labels and the
    mismatch of int and str ids is reported with the conversion to make."""
    yrd = cities(province=["31", "32", "33", "34"])
    w = W.contiguity(yrd)
    rows = pd.DataFrame({"city": np.tile(yrd.index.astype(int), 2), "year": np.repeat([2020, 2021], 41),
                         "v": np.arange(82.0)})
    panel = sc.PanelData(rows, unit="city")
    assert not panel.is_province and panel.units[0] == 310000
    with pytest.raises(sc.exceptions.WeightsError, match="astype\\(str\\)"):
        panel.weights_matrix(w)
    ok = sc.PanelData(rows.assign(city=rows.city.astype(str)), unit="city")
    assert ok.weights_matrix(w).shape == (41, 41)
