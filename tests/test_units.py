"""Any units are labels (issue 18): the province rule of PanelData and its pass-through to Moran, LISA and the SDM.

Panels whose units are city numbers 1…N, county codes or city codes with a province adcode
among them used to fail with "unknown province name(s)".  Each label set below runs through
PanelData, moran_by_year, lisa_by_year and a two-way SDM on a user-built libpysal Graph; the
numbers must not depend on the labels (the same panel relabelled "u01"… gives identical
results) and Moran's I is checked against esda on the same arrays.
"""
import warnings

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.graph import Graph
from shapely.geometry import box

import spatialccd as sc
from spatialccd import PanelData
from spatialccd.exceptions import DataError
from spatialccd.geo import province as province_module

YEARS = range(2011, 2017)

COUNTY_CODES = [110101, 110102, 110105, 110106, 110107, 110108, 110109, 110111, 110112,
                130102, 130104, 130105, 130107, 130108, 130109, 130110]
CITY_CODES_WITH_ADCODE = [110000, 120000, 130100, 130200, 130300, 130400, 130500, 130600, 130700,
                          130800, 130900, 131000, 131100, 140100, 140200, 140300]
US_STATES = ["California", "Texas", "Georgia", "New York", "Florida", "Ohio", "Washington", "Nevada", "Utah"]


def grid_graph(ids) -> Graph:
    """Queen contiguity of a square grid of cells labelled ``ids`` (row-standardised)."""
    side = int(np.ceil(np.sqrt(len(ids))))
    cells = [box(i % side, i // side, i % side + 1, i // side + 1) for i in range(len(ids))]
    gdf = gpd.GeoDataFrame(geometry=cells, index=pd.Index(ids, name="unit"), crs="EPSG:3857")
    return Graph.build_contiguity(gdf, rook=False).transform("r")


def simulated(ids, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(ids)
    frames = []
    for t in YEARS:
        x1, x2 = rng.normal(size=n), rng.normal(size=n)
        frames.append(pd.DataFrame({"unit": ids, "year": t, "x1": x1, "x2": x2,
                                    "y": 1 + 0.5 * x1 - 0.3 * x2 + rng.normal(size=n)}))
    return pd.concat(frames, ignore_index=True)


def run_all(df: pd.DataFrame, w: Graph):
    moran = sc.moran_by_year(df, "y", w, unit="unit", permutations=99, seed=3)
    lisa = sc.lisa_by_year(df, "y", w, unit="unit", permutations=99, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sc.exceptions.SpatialCCDWarning)
        fit = sc.sdm(df, "y ~ x1 + x2", w, unit="unit", time="year", effects="twoways")
    return moran, lisa, fit


NUMERIC_CASES = {
    "integers 1..49": list(range(1, 50)),
    "county codes": COUNTY_CODES,
    "city codes with a province adcode": CITY_CODES_WITH_ADCODE,
    "city codes as text": [str(c) for c in CITY_CODES_WITH_ADCODE],
    "4-digit codes": [1101, 1201, 1301, 1302, 1303, 1304, 1305, 1306, 1307],
    "US states": US_STATES,
}


@pytest.mark.parametrize("name", NUMERIC_CASES)
def test_labels_of_other_units_run_through_every_step(name):
    ids = NUMERIC_CASES[name]
    df = simulated(ids)
    before = df.copy()
    panel = PanelData(df, unit="unit")
    assert not panel.is_province
    assert sorted(panel.units) == sorted(ids)  # the user's labels, untouched in type and value
    w = grid_graph(ids)
    moran, lisa, fit = run_all(df, w)
    pd.testing.assert_frame_equal(df, before)  # input never modified
    assert len(moran) == len(YEARS) and len(lisa) == len(YEARS) * len(ids)
    assert np.isfinite(fit.params).all()

    # the numbers do not depend on the labels: relabel in the same order and compare
    order = sorted(ids)
    relabel = {u: f"u{i:02d}" for i, u in enumerate(order)}
    df2 = df.assign(unit=df["unit"].map(relabel))
    w2 = grid_graph([relabel[u] for u in ids])
    moran2, lisa2, fit2 = run_all(df2, w2)
    np.testing.assert_allclose(moran["I"].to_numpy(), moran2["I"].to_numpy())
    np.testing.assert_allclose(moran["p_perm_two_sided"].to_numpy(), moran2["p_perm_two_sided"].to_numpy())
    np.testing.assert_array_equal(lisa["cluster"].to_numpy(), lisa2["cluster"].to_numpy())
    np.testing.assert_allclose(fit.params.to_numpy(), fit2.params.to_numpy(), rtol=1e-10)

    # Moran's I against esda (esda 2.x, Moran(y, w, permutations=0)) on the same arrays
    year = YEARS[0]
    y = df[df.year == year].set_index("unit")["y"].reindex(panel.units).to_numpy()
    w_lib = w.to_W()
    w_lib.transform = "r"
    pos = [list(w.unique_ids).index(u) for u in panel.units]
    ref = esda.Moran(y[np.argsort(pos)], w_lib, permutations=0).I
    assert moran.loc[year, "I"] == pytest.approx(ref, rel=1e-10)


def test_mixed_chinese_and_english_province_names():
    gdf = sc.provinces()
    names = [row.name_zh if i % 3 == 0 else row.short_zh if i % 3 == 1 else row.name_en
             for i, (_, row) in enumerate(gdf.iterrows())]
    names[0], names[1] = 11, "120000"  # codes in either form as well
    df = simulated(names)
    panel = PanelData(df, unit="unit")
    assert panel.is_province and list(panel.units) == list(gdf.index)
    w = Graph.build_knn(gdf.set_geometry(gdf.to_crs(sc.geo.ALBERS_CHINA).centroid), k=4).transform("r")
    moran, lisa, fit = run_all(df, w)
    assert len(moran) == len(YEARS) and set(lisa.index.get_level_values(1)) == set(gdf.index)
    assert np.isfinite(fit.params).all()
    # the same panel given by codes: identical numbers
    by_code = df.assign(unit=np.tile(gdf.index, len(YEARS)))
    moran2, _, fit2 = run_all(by_code, w)
    np.testing.assert_allclose(moran["I"].to_numpy(), moran2["I"].to_numpy())
    np.testing.assert_allclose(fit.params.to_numpy(), fit2.params.to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("typo", ["Shanghia", "Shangai"])
def test_province_names_with_one_typo_suggest_the_province(typo):
    names = list(sc.provinces().name_en)
    names[names.index("Shanghai")] = typo
    df = simulated(names)
    for call in (lambda: PanelData(df, unit="unit"),
                 lambda: sc.moran_by_year(df, "y", sc.weights.contiguity(), unit="unit", permutations=9)):
        with pytest.raises(DataError, match=rf"unknown province name\(s\): \['{typo}'\].*上海.*units='labels'"):
            call()
    kept = PanelData(df, unit="unit", units="labels")  # the explicit way out
    assert not kept.is_province and typo in kept.units


def test_explicit_rule():
    df = simulated([11, 12, 13])
    assert list(PanelData(df, unit="unit").units) == ["11", "12", "13"]  # codes as a whole → provinces
    labels = PanelData(df, unit="unit", units="labels")
    assert list(labels.units) == [11, 12, 13] and not labels.is_province
    with pytest.raises(DataError, match=r"unknown province name\(s\): \['1', '2'\]"):
        PanelData(simulated([1, 2, 11]), unit="unit", units="provinces")
    with pytest.raises(sc.exceptions.SpatialCCDError, match="units must be one of"):
        PanelData(df, unit="unit", units="cities")
    # every province adcode, and nothing else: provinces
    adcodes = [int(c) * 10000 for c in sc.provinces().index]
    assert PanelData(simulated(adcodes), unit="unit").is_province


def test_normalisation_maps_each_distinct_label_once(monkeypatch):
    calls = []
    real = province_module.lookup_province
    monkeypatch.setattr(province_module, "lookup_province", lambda v: calls.append(v) or real(v))
    counties = list(range(110101, 110101 + 3025))
    p = PanelData(simulated(counties), unit="unit")
    assert not p.is_province and calls == []  # integer ids: one set comparison, no per-label lookup
    names = list(sc.provinces().name_zh)
    p = PanelData(simulated(names), unit="unit")
    assert p.is_province and sorted(calls) == sorted(names)  # 31 lookups for 31 × 6 rows
