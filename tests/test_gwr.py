"""GWR / MGWR (spatialccd.gwr) against PySAL mgwr 2.2.1 on the same arrays (Sel_BW(...).search(
criterion="AICc", bw_min, bw_max), GWR(...).fit(), MGWR(...).fit(), GWRResults.spatial_variability)
to 1e-10, and the closed form: a fixed bisquare kernel with an unbounded bandwidth is OLS."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spatialccd.centrography import projected_coordinates
from spatialccd.exceptions import DataError, SpatialCCDError
from spatialccd.geo import provinces
from spatialccd.gwr import _spatial_variability, gwr

mgwr = pytest.importorskip("mgwr")
from mgwr.gwr import GWR, MGWR  # noqa: E402
from mgwr.sel_bw import Sel_BW  # noqa: E402


@pytest.fixture(scope="module")
def cross_section():
    ids = list(provinces().index)
    rng = np.random.default_rng(2)
    C = projected_coordinates(ids) / 1000
    n = len(ids)
    df = pd.DataFrame({"province": ids, "x1": rng.normal(size=n), "x2": rng.normal(size=n)})
    df["D"] = 0.5 + 0.2 * df.x1 * (C[:, 0] - C[:, 0].mean()) / 1000 + 0.1 * df.x2 + rng.normal(0, 0.05, n)
    return df, C


def test_coordinates_are_albers_centroids_in_km():
    g = provinces(projected=True)
    C = projected_coordinates(["北京", "Xinjiang"])
    assert np.allclose(C[0], [g.geometry.loc["11"].centroid.x, g.geometry.loc["11"].centroid.y])
    assert C[1, 0] < C[0, 0]  # Xinjiang is west of Beijing
    with pytest.raises(DataError, match="no geometry"):
        projected_coordinates(["11", "99"])


def test_gwr_equals_mgwr(cross_section):
    df, C = cross_section
    ours = gwr(df, "D", ["x1", "x2"])
    y = df[["D"]].to_numpy()
    X = df[["x1", "x2"]].to_numpy()
    bw = Sel_BW(C, y, X, n_jobs=1).search(criterion="AICc", bw_min=5, bw_max=31)
    ref = GWR(C, y, X, bw, n_jobs=1).fit()
    assert ours.bandwidth.iloc[0] == bw
    assert np.allclose(ours.params, ref.params, rtol=1e-10, atol=1e-12)
    assert np.allclose(ours.bse, ref.bse, rtol=1e-10)
    assert np.allclose(ours.local_r2, ref.localR2.ravel(), rtol=1e-10)
    assert ours.aicc == pytest.approx(ref.aicc, rel=1e-10) and ours.r2 == pytest.approx(ref.R2, rel=1e-10)
    assert (ours.significant.to_numpy() == (ref.filter_tvals() != 0)).all()
    assert ours.coefficient_table().loc["x1", "median"] == pytest.approx(np.median(ref.params[:, 1]))


def test_mgwr_equals_mgwr(cross_section):
    df, C = cross_section
    ours = gwr(df, "D", ["x1", "x2"], multiscale=True)
    y = df[["D"]].to_numpy()
    X = df[["x1", "x2"]].to_numpy()
    y, X = (y - y.mean()) / y.std(), (X - X.mean(axis=0)) / X.std(axis=0)
    start = Sel_BW(C, y, X, n_jobs=1).search(criterion="AICc", bw_min=5, bw_max=31)
    sel = Sel_BW(C, y, X, multi=True, n_jobs=1)
    sel.search(init_multi=start, multi_bw_min=[5], multi_bw_max=[31])
    ref = MGWR(C, y, X, sel, n_jobs=1).fit()
    assert np.array_equal(ours.bandwidth.to_numpy(), np.asarray(sel.bw[0], dtype=float))
    assert np.allclose(ours.params, ref.params, rtol=1e-10, atol=1e-12)
    assert ours.aicc == pytest.approx(ref.aicc, rel=1e-10)
    assert "standardised" in str(ours)


def test_spatial_variability_equals_mgwr_for_the_same_draws(cross_section):
    """mgwr draws np.random.permutation(coords) after np.random.seed(seed) and counts SD* > SD
    without the +1; the same permutations through our loop give the same counts."""
    df, C = cross_section
    y = df[["D"]].to_numpy()
    X = df[["x1", "x2"]].to_numpy()
    sel = Sel_BW(C, y, X, n_jobs=1)
    bw = sel.search(criterion="AICc", bw_min=5, bw_max=31)
    res = GWR(C, y, X, bw, n_jobs=1).fit()
    state = np.random.get_state()
    try:
        ref = res.spatial_variability(sel, n_iters=4, seed=7)
    finally:
        np.random.set_state(state)
    rs = np.random.RandomState(7)
    draws = [rs.permutation(len(C)) for _ in range(4)]
    sd0 = np.std(res.params, axis=0)
    sims = _spatial_variability(C, y, X, draws, sd0, multiscale=False, kernel="bisquare", fixed=False, bw=None,
                                bw_min=5, bw_max=31)
    assert np.allclose((sims > sd0).sum(axis=0) / 4, ref, atol=0)
    ours = gwr(df, "D", ["x1", "x2"], permutations=4, seed=1)
    assert ours.sd_sims.shape == (4, 3)
    expect = (1 + (ours.sd_sims >= np.std(ours.params.to_numpy(), axis=0) - 1e-15).sum(axis=0)) / 5
    assert np.allclose(ours.spatial_variability.to_numpy(), expect)


def test_unbounded_fixed_bisquare_is_ols(cross_section):
    df, _ = cross_section
    r = gwr(df, "D", ["x1", "x2"], fixed=True, bw=1e9)
    X = np.column_stack([np.ones(len(df)), df[["x1", "x2"]].to_numpy()])
    beta = np.linalg.lstsq(X, df["D"].to_numpy(), rcond=None)[0]
    assert np.allclose(r.params.to_numpy(), beta, atol=1e-8)
    assert r.aicc == pytest.approx(r.aicc_ols, rel=1e-6)


def test_panel_input_year_and_mean(cross_section):
    df, _ = cross_section
    panel = pd.concat([df.assign(year=2020), df.assign(year=2021, D=df.D + 0.1)])
    a = gwr(panel, "D", ["x1", "x2"], year=2020, bw=20)
    b = gwr(df, "D", ["x1", "x2"], bw=20)
    assert np.allclose(a.params, b.params)
    m = gwr(panel, "D", ["x1", "x2"], year="mean", bw=20)
    assert np.allclose(m.params["Intercept"], b.params["Intercept"] + 0.05, atol=1e-10)
    with pytest.raises(SpatialCCDError, match="year="):
        gwr(panel, "D", ["x1", "x2"])
    with pytest.raises(DataError, match="2030"):
        gwr(panel, "D", ["x1", "x2"], year=2030)
    with pytest.raises(SpatialCCDError, match="kernel"):
        gwr(df, "D", ["x1"], kernel="tricube")


def test_coefficient_maps(cross_section):
    from spatialccd.plots.gwr import coefficient_maps

    df, _ = cross_section
    fig = coefficient_maps(gwr(df, "D", ["x1", "x2"], bw=20), lang="en")
    assert [a.get_title() for a in fig.axes][:2] == ["x1 (bandwidth 20)", "x2 (bandwidth 20)"]
    for ax in fig.axes[:2]:      # the class legend sits under the map, not over it
        leg = ax.get_legend()
        fig.canvas.draw()
        box, frame = leg.get_window_extent(), ax.get_window_extent()
        assert box.y1 <= frame.y0 + 1 and leg.get_title().get_text() in ("x1", "x2")
