"""Kernel densities by year, their plots, σ- and β-convergence (issue 8)."""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

import spatialccd as sc  # noqa: E402
from spatialccd.convergence import beta_convergence, sigma_convergence  # noqa: E402
from spatialccd.dynamics import bandwidth_rule, kernel_density  # noqa: E402
from spatialccd.geo import REGION4  # noqa: E402
from spatialccd.inequality import coefficient_of_variation  # noqa: E402
from spatialccd.plots.density import (kde_plot, plot_kde_overlay, plot_kde_panels, plot_kde_ridgeline,  # noqa: E402
                                      plot_kde_surface)


@pytest.fixture(scope="module")
def panel():
    """31 provinces × 2012–2017: values rise and their spread shrinks over time."""
    rng = np.random.default_rng(3)
    codes = sc.province_table().index
    base = rng.uniform(0.2, 0.6, len(codes))
    rows = [(c, y, 0.3 + (b - 0.3) * 0.8 ** (y - 2012) + 0.02 * (y - 2012) + rng.normal(0, 0.002))
            for c, b in zip(codes, base) for y in range(2012, 2018)]
    return pd.DataFrame(rows, columns=["province", "year", "D"])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------
# Kernel density
# ---------------------------------------------------------------------------
def test_bandwidth_rules():
    y = np.array([0.1, 0.2, 0.25, 0.4, 0.9, 1.3])
    sd = y.std(ddof=1)
    iqr = np.percentile(y, 75) - np.percentile(y, 25)
    assert bandwidth_rule(y) == pytest.approx(0.9 * min(sd, iqr / 1.34) * 6 ** -0.2)
    assert bandwidth_rule(y, "scott") == pytest.approx(1.06 * sd * 6 ** -0.2)
    # IQR 0: Silverman's min() falls back on the standard deviation
    assert bandwidth_rule(np.array([1.0, 1, 1, 1, 2])) == pytest.approx(0.9 * np.std([1, 1, 1, 1, 2], ddof=1) * 5 ** -0.2)
    with pytest.raises(ValueError, match="bandwidth rule"):
        bandwidth_rule(y, "ruleofthumb")


def test_kde_tidy_integrates_and_matches_scipy(panel):
    k = kernel_density(panel, "D")
    assert set(k.density.columns) == {"year", "region", "x", "density"}
    assert k.regions == ("Nation", *REGION4)
    for (year, region), cell in k.density.groupby(["year", "region"]):
        area = np.trapezoid(cell["density"], cell["x"])
        assert area == pytest.approx(1.0, abs=2e-3), (year, region)
    # one grid shared by every curve
    assert k.density.groupby(["year", "region"])["x"].apply(tuple).nunique() == 1
    y = panel.loc[panel.year == 2013, "D"].to_numpy()
    h = bandwidth_rule(y)
    cell = k.density[(k.density.year == 2013) & (k.density.region == "Nation")]
    ref = stats.gaussian_kde(y, bw_method=h / y.std(ddof=1))(cell["x"])
    assert np.allclose(cell["density"], ref)
    summ = k.shapes.set_index(["year", "region"])
    assert summ.loc[(2013, "Nation"), "bandwidth"] == pytest.approx(h)
    assert summ.loc[(2013, "Nation"), "n"] == 31 and summ.loc[(2013, "Northeast"), "n"] == 3


def test_kde_user_bandwidth_and_grid(panel):
    grid = np.linspace(0, 1, 101)
    k = kernel_density(panel, "D", group=None, bandwidth=0.05, grid=grid)
    assert k.regions == ("Nation",)
    assert (k.shapes["bandwidth"] == 0.05).all()
    assert np.array_equal(k.density[k.density.year == 2012]["x"], grid)
    for bad in (-0.1, "wide"):
        with pytest.raises(ValueError, match="bandwidth"):
            kernel_density(panel, "D", bandwidth=bad)


def test_kde_summary_reads_shapes():
    """Peaks, their location and the right tail on distributions with known shapes."""
    rng = np.random.default_rng(0)
    uni = rng.normal(0.5, 0.05, 300)
    bi = np.r_[rng.normal(0.3, 0.03, 150), rng.normal(0.7, 0.03, 150)]
    skew = 0.3 + rng.lognormal(-3, 0.9, 300)
    df = pd.DataFrame({"u": np.tile(np.arange(300), 3), "year": np.repeat([1, 2, 3], 300),
                       "v": np.r_[uni, bi, skew]})
    s = kernel_density(df, "v", group=None, unit="u", grid=800).shapes.set_index("year")
    assert s["n_peaks"].tolist()[:2] == [1, 2]
    assert s.loc[1, "peak_x"] == pytest.approx(0.5, abs=0.02)
    assert min(abs(s.loc[2, "peak_x"] - 0.3), abs(s.loc[2, "peak_x"] - 0.7)) < 0.02
    assert s.loc[1, "peak_density"] == pytest.approx(1 / (0.05 * math.sqrt(2 * math.pi)), rel=0.15)
    # the log-normal's right tail reaches much further beyond its peak than the normal's
    assert s.loc[3, "right_tail"] > 2 * s.loc[1, "right_tail"]


def test_kde_allows_negative_values_and_skips_degenerate_cells():
    df = pd.DataFrame({"u": list("abcdef"), "year": 1, "v": [-1.0, -0.5, 0.2, 0.4, 3.0, 3.0],
                       "g": ["x", "x", "x", "x", "y", "y"]})
    with pytest.warns(UserWarning, match=r"no kernel density for 'y' in year 1: values without spread"):
        k = kernel_density(df, "v", group="g", unit="u")
    assert k.regions == ("Nation", "x")
    with pytest.warns(UserWarning, match="a single unit"):
        kernel_density(df.assign(g=list("xxxxxz")), "v", group="g", unit="u")


def test_kde_bounded_by_reflection_integrates_to_one_on_the_interval(panel):
    """Issue 17: the density of D in [0, 1] must not spill past 1 (reflection, Schuster 1985)."""
    near = pd.DataFrame({"u": [f"u{i}" for i in range(40)], "year": 1,
                         "D": np.r_[np.linspace(0.9, 1.0, 20), np.linspace(0.0, 0.08, 20)]})
    plain = kernel_density(near, "D", group=None, unit="u", grid=2001)
    spill = plain.density.query("x > 1 or x < 0")
    assert np.trapezoid(spill["density"], spill["x"]) > 0.05  # the unbounded estimate leaks mass
    k = kernel_density(near, "D", group=None, unit="u", grid=2001, bounds=(0, 1))
    cell = k.density
    assert cell["x"].min() == 0 and cell["x"].max() == 1
    assert np.trapezoid(cell["density"], cell["x"]) == pytest.approx(1.0, abs=1e-4)
    # by hand at x = 1 (b = 1): f(1) = (1/nh) Σ [φ((1 − y)/h) + φ((1 + y)/h) + φ((y − 1)/h)]
    y, h = near["D"].to_numpy(), k.shapes.loc[0, "bandwidth"]
    phi = stats.norm.pdf
    by_hand = (phi((1 - y) / h) + phi((1 + y) / h) + phi((y - 1) / h)).sum() / (y.size * h)
    assert cell["density"].iloc[-1] == pytest.approx(by_hand, rel=1e-12)
    # a user grid beyond the bounds: zero outside, the same curve inside
    wide = kernel_density(near, "D", group=None, unit="u", grid=np.linspace(-0.5, 1.5, 4001), bounds=(0, 1))
    out = wide.density.query("x < 0 or x > 1")["density"]
    assert (out == 0).all()
    inside = wide.density.query("0 <= x <= 1")
    assert np.trapezoid(inside["density"], inside["x"]) == pytest.approx(1.0, abs=2e-3)
    # one bound only: lower = 0
    lo = kernel_density(near, "D", group=None, unit="u", grid=4001, bounds=(0, None))
    assert lo.density["x"].min() == 0 and lo.density["x"].max() > 1
    # the open side keeps the default grid end max y + 3h (≈ Φ(−3) of the top values' mass beyond it)
    assert np.trapezoid(lo.density["density"], lo.density["x"]) == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(ValueError, match=r"outside the bounds at 1 \(u, year\) row\(s\): \[\('u0', 1\)\]"):
        kernel_density(near.assign(D=near["D"].where(near.index > 0, 1.2)), "D", group=None, unit="u",
                       bounds=(0, 1))
    with pytest.raises(ValueError, match="lower < upper"):
        kernel_density(near, "D", group=None, unit="u", bounds=(1, 0))
    with pytest.raises(ValueError, match="pair"):
        kernel_density(near, "D", group=None, unit="u", bounds=1)
    regional = kernel_density(panel, "D", bounds=(0, 1))
    areas = regional.density.groupby(["year", "region"]).apply(lambda c: np.trapezoid(c["density"], c["x"]))
    assert np.allclose(areas, 1.0, atol=1e-3)


def test_dynamics_does_not_import_plots():
    """Issue 14: the cycle dynamics.py ↔ plots/density.py is broken; KDEResult has no plot method."""
    import ast
    import inspect

    import spatialccd.dynamics as dyn

    tree = ast.parse(inspect.getsource(dyn))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not any("plots" in m or "matplotlib" in m for m in imported), imported
    assert not hasattr(dyn.KDEResult, "plot")


def test_kde_summary_and_frame(panel):
    from spatialccd.exceptions import SpatialCCDDeprecationWarning
    from spatialccd.summary import Summary

    k = kernel_density(panel, "D", bounds=(0, 1))
    s = k.summary()
    assert isinstance(s, Summary) and s.title == "Kernel density of D"
    assert dict(s.facts)["Support"] == "[0, 1] (reflection)"
    assert "peak_x" in k._repr_html_() and "Kernel density of D" in str(k)
    pd.testing.assert_frame_equal(k.to_frame(), k.density)
    with pytest.warns(SpatialCCDDeprecationWarning, match=r"KDEResult.summary was a DataFrame.*\.shapes"):
        legacy = k.summary.pivot(index="year", columns="region", values="peak_x")
    pd.testing.assert_frame_equal(legacy, k.shapes.pivot(index="year", columns="region", values="peak_x"))


# ---------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------
def test_plots_return_axes_and_figure(panel):
    k = kernel_density(panel, "D")
    ax = plot_kde_surface(k, region="East")
    assert ax.name == "3d" and len(ax.collections) == 1 and ax.get_title() == "East"
    assert ax.get_xlabel() == "D" and ax.get_zlabel() == "Density"
    ax = plot_kde_ridgeline(k)
    assert len(ax.lines) == 6 and [t.get_text() for t in ax.get_yticklabels()] == [str(y) for y in range(2012, 2018)]
    ax = plot_kde_overlay(k, region="West", years=[2012, 2017])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2012", "2017"]
    fig = plot_kde_panels(k, kind="surface")
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 5
    assert [a.get_title() for a in fig.axes] == ["Nation", *REGION4]
    assert isinstance(kde_plot(k, "ridgeline"), matplotlib.figure.Figure)  # was k.plot("ridgeline")
    assert kde_plot(k, "overlay", region="Central").get_title() == "Central"
    with pytest.raises(ValueError, match="unknown region 'South'"):
        plot_kde_overlay(k, region="South")
    with pytest.raises(ValueError, match=r"years \[1999\]"):
        plot_kde_overlay(k, years=[1999])
    with pytest.raises(ValueError, match="3D Axes"):
        plot_kde_surface(k, ax=plt.figure().add_subplot())


# ---------------------------------------------------------------------------
# σ-convergence
# ---------------------------------------------------------------------------
def test_sigma_convergence_series_and_trend(panel):
    s = sigma_convergence(panel, "D", group="region4")
    pd.testing.assert_frame_equal(s.series, coefficient_of_variation(panel, "D", group="region4"))
    assert bool(s.trend.loc["Nation", "converging"]) and s.trend.loc["Nation", "slope"] < 0
    fit = stats.linregress(np.arange(2012, 2018), s.series["Nation"])
    assert s.trend.loc["Nation", "slope"] == pytest.approx(fit.slope)
    assert s.trend.loc["Nation", "p"] == pytest.approx(fit.pvalue)
    sdl = sigma_convergence(panel, "D", measure="sd_log").series["Nation"]
    assert sdl.loc[2015] == pytest.approx(np.log(panel.loc[panel.year == 2015, "D"]).std(ddof=0))
    with pytest.raises(ValueError, match="measure"):
        sigma_convergence(panel, "D", measure="gini")


# ---------------------------------------------------------------------------
# β-convergence
# ---------------------------------------------------------------------------
def _simulated(beta, n=200, T=8, seed=1):
    """ln y_{t+1} − ln y_t = 0.05 + β ln y_t + 0.1 x_t + μ_i + ε."""
    rng = np.random.default_rng(seed)
    mu = rng.normal(0, 0.02, n)
    ly = np.empty((n, T))
    x = rng.normal(size=(n, T))
    ly[:, 0] = rng.normal(-1, 0.5, n)
    for t in range(T - 1):
        ly[:, t + 1] = ly[:, t] + 0.05 + beta * ly[:, t] + 0.1 * x[:, t] + mu + rng.normal(0, 0.01, n)
    return pd.DataFrame({"city": np.repeat([f"c{i}" for i in range(n)], T), "year": np.tile(np.arange(T), n),
                         "y": np.exp(ly).ravel(), "x": x.ravel(), "half": np.repeat(np.arange(n) % 2, T)})


def test_beta_absolute_matches_ols():
    df = _simulated(-0.08)
    b = beta_convergence(df, "y", unit="city", cov="classic")
    assert b.kind == "absolute" and b.method == "ols"
    wide = np.log(df.pivot(index="city", columns="year", values="y").to_numpy())
    g, ly = (wide[:, 1:] - wide[:, :-1]).ravel(), wide[:, :-1].ravel()
    fit = stats.linregress(ly, g)
    row = b.table.loc["Nation"]
    assert row["beta"] == pytest.approx(fit.slope) and row["se"] == pytest.approx(fit.stderr)
    assert row["r2"] == pytest.approx(fit.rvalue**2)
    assert row["speed"] == pytest.approx(-math.log(1 + fit.slope))
    assert row["half_life"] == pytest.approx(math.log(2) / row["speed"])
    assert row["n_obs"] == 200 * 7 and bool(row["converging"])


def test_beta_conditional_recovers_parameters():
    df = _simulated(-0.3)
    b = beta_convergence(df, "y", unit="city", controls=["x"], effects="individual", cov="cluster", group="half")
    assert b.kind == "conditional" and list(b.table.index) == ["Nation", 0, 1]
    p = b.params.set_index(["region", "term"])
    assert p.loc[("Nation", "ln_y"), "coef"] == pytest.approx(-0.3, abs=0.01)
    assert p.loc[("Nation", "x"), "coef"] == pytest.approx(0.1, abs=0.005)
    assert b.table.loc[0, "n_units"] == 100
    tw = beta_convergence(df, "y", unit="city", controls="x", effects="twoways", cov="robust")
    assert tw.table.loc["Nation", "beta"] == pytest.approx(-0.3, abs=0.01)


def test_beta_rejects_unoffered_method_and_bad_input(panel):
    with pytest.raises(ValueError, match="method must be one of 'ols', 'sar', 'sdm'"):
        beta_convergence(panel, "D", method="gmm")
    with pytest.raises(ValueError, match="needs the spatial weights w="):
        beta_convergence(panel, "D", method="sdm")   # spatial β-convergence: tests/test_convergence_spatial.py
    with pytest.raises(ValueError, match="effects must be one of"):
        beta_convergence(panel, "D", effects="unit")
    bad = panel.copy()
    bad.loc[4, "D"] = -0.2
    with pytest.raises(ValueError, match=r"non-positive at \(province, year\) \[\('11', 2016\)\]"):
        beta_convergence(bad, "D")


def test_kde_panels_take_more_columns_with_many_groups(panel):
    """15 groups of two provinces (the 31st, alone, has no density; a county study grouped by province has 31
    groups): 16 panels in 4 columns."""
    pairs = {c: f"G{i // 2:02d}" for i, c in enumerate(sorted(panel["province"].unique()))}
    k = kernel_density(panel.assign(pair=panel["province"].map(pairs)), "D", group="pair")
    fig = plot_kde_panels(k, kind="ridgeline")
    assert len(fig.axes) == 16
    cols = {round(a.get_position().x0, 3) for a in fig.axes}
    assert len(cols) == 4 and fig.get_figheight() == pytest.approx(3.5 * 4)
    inner = [a for a in fig.axes if a.get_position().x0 > min(cols) + 1e-3]
    assert inner and all(not a.get_yticklabels() for a in inner)                 # years on the first column only
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][0] == "2012"
    below = {round(a.get_position().x0, 3) for a in fig.axes[-4:]}              # the last panel of each column
    assert all(a.get_xlabel() == "D" for a in fig.axes[-4:]) and len(below) == 4
    assert all(a.get_xlabel() == "" for a in fig.axes[:-4])
    assert len({round(a.get_position().x0, 3) for a in plot_kde_panels(k, kind="ridgeline", regions=["Nation", "G00", "G01"]).axes}) == 2
    with pytest.raises(ValueError, match="ncols"):
        plot_kde_panels(k, ncols=0)
