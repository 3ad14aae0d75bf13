"""Hot spots and bivariate association (spatialccd.hotspots).

References: esda 2.8 (``G_Local(star=True, transform="B")``, ``Moran_BV``, ``Moran_Local_BV``) on
the same arrays; the exact permutation moments of Gi* by enumerating all 7! permutations; the
package's own LISA engine (identities: Gi* and the bivariate LISA of (x, x) give exactly the
pseudo p-values of :func:`spatialccd.lisa` for the same seed); and the documented differences
(esda's island p-values, esda's row-standardised Gi* variance)."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialccd.autocorrelation import lisa
from spatialccd.exceptions import DataError, IslandWarning, SpatialCCDError
from spatialccd.hotspots import (_bv_lisa_core, bivariate_lisa, bivariate_lisa_by_year, bivariate_moran, hot_spots,
                                 hot_spots_by_year)
from spatialccd.weights import contiguity, from_matrix, to_sparse


@pytest.fixture(scope="module")
def w():
    return contiguity()


@pytest.fixture(scope="module")
def w_keep():
    with pytest.warns(IslandWarning):
        return contiguity(islands="keep")


def _values(w, seed=5):
    ids = pd.Index(w.unique_ids)
    rng = np.random.default_rng(seed)
    x = pd.Series(rng.uniform(0.1, 0.9, len(ids)), index=ids, name="U1")
    y = pd.Series(0.5 * x.to_numpy() + rng.uniform(0, 0.5, len(ids)), index=ids, name="U2")
    return x, y


def test_gi_star_equals_esda_binary(w):
    esda = pytest.importorskip("esda")
    x, _ = _values(w)
    ours = hot_spots(x, w, permutations=0, inference="analytical").frame
    ref = esda.G_Local(x.to_numpy(), w.transform("B"), transform="B", star=True, permutations=0)
    assert np.allclose(ours["G_star"], ref.Gs, rtol=1e-12, atol=0)
    assert np.allclose(ours["z"], ref.Zs, rtol=1e-10, atol=1e-12)
    assert np.allclose(ours["E_G_star"], ref.EGs, rtol=1e-12)
    # row-standardised or binary input: the same self-inclusive weights, the same G* and z
    binary = hot_spots(x, w.transform("B"), permutations=0, inference="analytical").frame
    assert np.allclose(binary[["G_star", "z"]], ours[["G_star", "z"]], rtol=1e-12)


def test_gi_star_z_is_the_exact_permutation_standardisation():
    """n = 7 on a line with unequal weights: z = (Σw*x − mean)/sd over all 5040 permutations of x;
    esda's transform='R' variance (row sums instead of Σw²) is not."""
    esda = pytest.importorskip("esda")
    n = 7
    A = np.zeros((n, n))
    for i in range(n - 1):
        A[i, i + 1] = A[i + 1, i] = 1.0 + 0.5 * i
    w7 = from_matrix(A, [f"u{i}" for i in range(n)], transform="r")
    x = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.6])
    ours = hot_spots(pd.Series(x, index=w7.unique_ids), w7, permutations=0, inference="analytical").frame
    Ws = A / A.max(axis=1, keepdims=True) + np.eye(n)
    sums = np.array([Ws @ x[list(p)] for p in itertools.permutations(range(n))])
    z = (Ws @ x - sums.mean(axis=0)) / sums.std(axis=0)
    assert np.allclose(ours["z"], z, rtol=1e-10)
    ref = esda.G_Local(x, w7, transform="R", star=True, permutations=0)
    assert np.abs(ref.Zs - z).max() > 0.05


def test_gi_star_pseudo_p_equals_lisa_engine_and_esda(w):
    """Gi*'s conditional-permutation counts are those of local Moran's I for the same draws
    (both are monotone in the neighbours' sum); esda agrees within Monte Carlo error."""
    esda = pytest.importorskip("esda")
    x, _ = _values(w)
    ours = hot_spots(x, w, permutations=9999, seed=3).frame
    assert np.array_equal(ours["p_sim"].to_numpy(), lisa(x, w, permutations=9999, seed=3)["p_sim"].to_numpy())
    ref = esda.G_Local(x.to_numpy(), w.transform("B"), transform="B", star=True, permutations=9999, seed=3)
    assert np.abs(ours["p_sim"].to_numpy() - ref.p_sim).max() < 0.02


def test_island_is_isolated_not_significant(w_keep):
    """esda gives Hainan (no neighbours) p_sim = 1/(P+1), 'significant'; here it is isolated."""
    esda = pytest.importorskip("esda")
    x, y = _values(w_keep)
    ours = hot_spots(x, w_keep, permutations=999, seed=1, adjust="fdr").frame
    assert ours.loc["46", "cluster"] == "isolated" and math.isnan(ours.loc["46", "p_sim"])
    assert ours.loc["46", "bin"] == 0
    ref = esda.G_Local(x.to_numpy(), w_keep, transform="R", star=True, permutations=999, seed=1)
    i = list(w_keep.unique_ids).index("46")
    assert ref.p_sim[i] == pytest.approx(1 / 1000)
    bl = bivariate_lisa(x, y, w_keep, permutations=999, seed=2).frame
    ref_bv = esda.Moran_Local_BV(x.to_numpy(), y.to_numpy(), w_keep, permutations=999, seed=2)
    assert bl.loc["46", "cluster"] == "isolated" and ref_bv.p_sim[i] == pytest.approx(1 / 1000)
    # FDR within the year over the units with neighbours
    ok = ours["n_neighbours"] > 0
    assert np.allclose(ours.loc[ok, "p_adjusted"], stats.false_discovery_control(ours.loc[ok, "p_sim"]))


def test_bins_and_clusters_follow_p_and_z(w):
    x, _ = _values(w, seed=9)
    f = hot_spots(x, w, permutations=0, inference="analytical", alpha=0.10).frame
    p, z = f["p_adjusted"], f["z"]
    expect = np.where(p < 0.01, 3, np.where(p < 0.05, 2, np.where(p < 0.10, 1, 0))) * np.sign(z)
    assert (f["bin"] == expect).all()
    assert ((f["cluster"] == "hot spot") == ((p < 0.10) & (z > 0))).all()


def test_by_year_streams_do_not_depend_on_other_years(w):
    ids = list(w.unique_ids)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"province": np.repeat(ids, 3), "year": np.tile([2020, 2021, 2022], len(ids)),
                       "U1": rng.uniform(0.1, 0.9, 3 * len(ids)), "U2": rng.uniform(0.1, 0.9, 3 * len(ids))})
    full = hot_spots_by_year(df, "U1", w, permutations=199, seed=4)
    part = hot_spots_by_year(df[df.year == 2022], "U1", w, permutations=199, seed=4)
    pd.testing.assert_frame_equal(full.frame.loc[[2022]], part.frame)
    assert full.table().loc[2021].sum() == len(ids)
    bv = bivariate_lisa_by_year(df, "U1", "U2", w, permutations=199, seed=4)
    bv_part = bivariate_lisa_by_year(df[df.year == 2021], "U1", "U2", w, permutations=199, seed=4)
    pd.testing.assert_frame_equal(bv.frame.loc[[2021]], bv_part.frame)
    assert bv.moran.loc[2021, "I"] == pytest.approx(bv_part.moran.loc[2021, "I"])


def test_bivariate_moran_equals_esda(w):
    esda = pytest.importorskip("esda")
    x, y = _values(w)
    ours = bivariate_moran(x, y, w, permutations=9999, seed=1)
    ref = esda.Moran_BV(x.to_numpy(), y.to_numpy(), w, permutations=9999)
    assert ours.I == pytest.approx(ref.I, rel=1e-12)
    assert abs(min(ours.p_greater, ours.p_less) - ref.p_sim) < 0.02  # esda folds to the one-sided extreme
    assert ours.test.dist == "permutation" and "Bivariate" in str(ours)
    with pytest.raises(SpatialCCDError, match="permutations"):
        bivariate_moran(x, y, w, permutations=0)


def test_bivariate_lisa_equals_esda_and_reduces_to_lisa(w):
    esda = pytest.importorskip("esda")
    x, y = _values(w)
    n = len(x)
    ours = bivariate_lisa(x, y, w, permutations=9999, seed=2).frame
    ref = esda.Moran_Local_BV(x.to_numpy(), y.to_numpy(), w, permutations=9999, seed=2)
    assert np.allclose(ours["I"], ref.Is * n / (n - 1), rtol=1e-12)
    q = pd.Series(ref.q).map({1: "HH", 2: "LH", 3: "LL", 4: "HL"}).to_numpy()
    assert (ours["quadrant"].astype(str).to_numpy() == q).all()
    assert np.abs(ours["p_sim"].to_numpy() - ref.p_sim).max() < 0.02
    # x against its own lag: the univariate LISA, draw for draw
    W = to_sparse(w, x.index)
    W.eliminate_zeros()
    core = _bv_lisa_core(x.to_numpy(), x.to_numpy(), W, permutations=999, rng=np.random.default_rng(8), alpha=0.05,
                         adjust=None)
    uni = lisa(x, w, permutations=999, seed=8)
    assert np.array_equal(core["p_sim"], uni["p_sim"].to_numpy())
    assert np.allclose(core["I"], uni["I"], rtol=1e-12)


def test_errors(w):
    x, y = _values(w)
    with pytest.raises(DataError, match="non-negative"):
        hot_spots(x - 1, w, permutations=0, inference="analytical")
    with pytest.raises(SpatialCCDError, match="constant"):
        bivariate_moran(x, y * 0 + 1, w, permutations=9)
    with pytest.raises(SpatialCCDError, match="permutation"):
        hot_spots(x, w, permutations=0)


def test_hot_spot_and_bivariate_maps(w):
    from spatialccd.plots.hotspots import bivariate_lisa_maps, hot_spot_maps

    ids = list(w.unique_ids)
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"province": np.repeat(ids, 2), "year": np.tile([2020, 2021], len(ids)),
                       "U1": rng.uniform(0.1, 0.9, 2 * len(ids)), "U2": rng.uniform(0.1, 0.9, 2 * len(ids))})
    fig = hot_spot_maps(hot_spots_by_year(df, "U1", w, permutations=99, seed=1), lang="en")
    assert [a.get_title() for a in fig.axes] == ["2020", "2021"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels[0] == "Hot spot (99%)" and "Isolated (no neighbours)" in labels
    fig = bivariate_lisa_maps(bivariate_lisa_by_year(df, "U1", "U2", w, permutations=99, seed=1), lang="en")
    assert fig._suptitle.get_text() == "U1 × W·U2"


def test_city_maps_draw_the_province_borders_over_the_cities():
    """Toolbox maps of city units (hot spots, bivariate LISA, GWR, centre of gravity) take overlay="provinces",
    as the CCD and LISA maps do, and a study on city shapes passes it (study.steps_toolbox._layers)."""
    import matplotlib
    matplotlib.use("Agg")
    from types import SimpleNamespace

    from spatialccd.geo import cities
    from spatialccd.plots.hotspots import bivariate_lisa_maps, hot_spot_maps
    from spatialccd.study.steps_toolbox import _layers

    gdf = cities(province=["32", "33"])
    g = contiguity(gdf)
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"city": np.tile(gdf.index, 2), "year": np.repeat([2020, 2021], len(gdf)),
                       "v": rng.uniform(size=2 * len(gdf)), "u": rng.uniform(size=2 * len(gdf))})
    for fig in (hot_spot_maps(hot_spots_by_year(df, "v", g, unit="city", permutations=99, seed=1), gdf=gdf,
                              overlay="provinces", lang="en"),
                bivariate_lisa_maps(bivariate_lisa_by_year(df, "v", "u", g, unit="city", permutations=99, seed=1),
                                    gdf=gdf, overlay="provinces", lang="en")):
        assert all("overlay" in {c.get_gid() for c in ax.collections} for ax in fig.axes if ax.collections)
    run = SimpleNamespace(study=SimpleNamespace(spec={"data": {"geometry": "cities"}}), panel=None)
    assert _layers(SimpleNamespace(geometry=gdf), run) == {"gdf": gdf, "overlay": "provinces"}
