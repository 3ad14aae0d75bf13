"""Spatial β-convergence (issue 19): SAR/SDM growth regressions fitted with the package's own models.

Checked against the model fitted by hand on the growth panel (same estimates), the closed forms
speed = −ln(1 + β)/step and half-life = ln 2/speed with their delta-method SEs, and recovery of
the parameters of a simulated spatial growth process.
"""
import math
import warnings

import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd.convergence import beta_convergence, convergence_speed
from spatialccd.exceptions import IslandWarning
from spatialccd.weights import from_matrix

from bruteforce import row_standardised
from conftest import rook_lattice

BETA, RHO, THETA = -0.25, 0.4, 0.1


@pytest.fixture(scope="module")
def growth():
    """ln y_{t+1} − ln y_t = g_t,  g_t = ρWg_t + 0.3 + β ln y_t + θ W ln y_t + 0.05 x_t + μ_i + ε_t."""
    N, T = 36, 12
    rng = np.random.default_rng(19)
    A = rook_lattice(6, 6)
    W = row_standardised(A)
    ids = [f"c{i:02d}" for i in range(N)]
    mu = rng.normal(0, 0.02, N)
    ly = np.empty((N, T))
    x = rng.normal(size=(N, T))
    ly[:, 0] = rng.normal(0.5, 0.5, N)
    S = np.linalg.inv(np.eye(N) - RHO * W)
    for t in range(T - 1):
        eta = 0.3 + BETA * ly[:, t] + THETA * W @ ly[:, t] + 0.05 * x[:, t] + mu + rng.normal(0, 0.02, N)
        ly[:, t + 1] = ly[:, t] + S @ eta
    df = pd.DataFrame({"city": np.repeat(ids, T), "year": np.tile(np.arange(2000, 2000 + T), N),
                       "y": np.exp(ly).ravel(), "x": x.ravel(), "half": np.repeat(np.arange(N) < 18, T)})
    return df, from_matrix(A, ids), W


def growth_frame(df):
    wide = df.pivot(index="city", columns="year", values="y")
    xw = df.pivot(index="city", columns="year", values="x")
    lg = np.log(wide)
    g = (lg.shift(-1, axis=1) - lg).iloc[:, :-1]
    out = pd.DataFrame({"g": g.stack(), "ln_y": lg.iloc[:, :-1].stack(), "x": xw.iloc[:, :-1].stack()})
    return out.reset_index()


@pytest.mark.parametrize("method", ["sar", "sdm"])
def test_spatial_convergence_is_the_models_own_fit(growth, method):
    df, g, W = growth
    b = beta_convergence(df, "y", unit="city", controls=["x"], effects="individual", method=method, w=g)
    fit = sc.SpatialPanelModel(growth_frame(df), "g ~ ln_y + x", g, kind=method, unit="city", time="year",
                               effects="individual").fit()
    row = b.table.loc["Nation"]
    assert row["beta"] == pytest.approx(fit.params["ln_y"], rel=1e-10)
    assert row["se"] == pytest.approx(fit.bse["ln_y"], rel=1e-10)
    assert row["rho"] == pytest.approx(fit.rho, rel=1e-10) and row["llf"] == pytest.approx(fit.llf, rel=1e-12)
    p = b.params.set_index("term")
    assert list(p.index) == list(fit.params.index)   # ln_y, x (, W_ln_y, W_x), rho
    np.testing.assert_allclose(p["coef"], fit.params, rtol=1e-10)
    np.testing.assert_allclose(p["p"], fit.pvalues, rtol=1e-8)
    assert b.kind == "conditional" and b.method == method and b.cov == "information"
    assert row["n_obs"] == 36 * 11


def test_speed_half_life_and_delta_method_standard_errors(growth):
    df, g, W = growth
    b = beta_convergence(df, "y", unit="city", effects="individual", method="sar", w=g)
    row = b.table.loc["Nation"]
    beta, se = row["beta"], row["se"]
    assert row["speed"] == pytest.approx(-math.log(1 + beta))
    assert row["half_life"] == pytest.approx(math.log(2) / row["speed"])
    h = 1e-6
    dspeed = (-math.log(1 + beta + h) + math.log(1 + beta - h)) / (2 * h)
    dhalf = (math.log(2) / -math.log(1 + beta + h) - math.log(2) / -math.log(1 + beta - h)) / (2 * h)
    assert row["speed_se"] == pytest.approx(abs(dspeed) * se, rel=1e-6)
    assert row["half_life_se"] == pytest.approx(abs(dhalf) * se, rel=1e-6)
    # five-year steps: the speed per year is a fifth, the half-life in years five times as long
    b5 = beta_convergence(df, "y", unit="city", effects="individual", method="sar", w=g, step=5)
    r5 = b5.table.loc["Nation"]
    assert r5["speed"] == pytest.approx(row["speed"] / 5) and r5["half_life"] == pytest.approx(5 * row["half_life"])
    assert r5["speed_se"] == pytest.approx(row["speed_se"] / 5)
    assert all(math.isnan(v) for v in convergence_speed(0.1, 0.01))      # divergence: no speed


def test_recovery_and_ols_bias_from_ignoring_the_spatial_lag(growth):
    df, g, W = growth
    sdm = beta_convergence(df, "y", unit="city", controls="x", effects="individual", method="sdm", w=g)
    row = sdm.table.loc["Nation"]
    p = sdm.params.set_index("term")["coef"]
    assert row["beta"] == pytest.approx(BETA, abs=0.02)
    assert row["rho"] == pytest.approx(RHO, abs=0.08)
    assert p["W_ln_y"] == pytest.approx(THETA, abs=0.05) and p["x"] == pytest.approx(0.05, abs=0.01)
    assert bool(row["converging"]) and row["speed"] == pytest.approx(-math.log(1 + BETA), abs=0.03)
    # the absolute spatial version keeps an intercept
    ab = beta_convergence(df, "y", unit="city", method="sar", w=g)
    assert ab.kind == "absolute" and "Intercept" in set(ab.params["term"])


def test_groups_use_the_restricted_weights(growth):
    df, g, W = growth
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        b = beta_convergence(df, "y", unit="city", effects="individual", method="sar", w=g, group="half")
        sub = sc.weights.subset(g, [f"c{i:02d}" for i in range(18)])
    gf = growth_frame(df)
    fit = sc.sar(gf[gf.city < "c18"], "g ~ ln_y", sub, unit="city", effects="individual")
    assert list(b.table.index) == ["Nation", False, True]
    assert b.table.loc[True, "beta"] == pytest.approx(fit.params["ln_y"], rel=1e-10)
    assert b.table.loc[True, "n_units"] == 18
    text = str(b)
    assert "spatial lag (SAR)" in text and "half_life" in b.to_frame().columns


def test_bad_input(growth):
    df, g, W = growth
    with pytest.raises(ValueError, match=r"cov for method='sar' must be one of \('information', 'hessian'\)"):
        beta_convergence(df, "y", unit="city", method="sar", w=g, cov="robust")
    with pytest.raises(ValueError, match="apply to method='sar' or 'sdm'"):
        beta_convergence(df, "y", unit="city", w=g)
    with pytest.raises(ValueError, match="step"):
        beta_convergence(df, "y", unit="city", method="sar", w=g, step=0)
    hess = beta_convergence(df, "y", unit="city", effects="individual", method="sar", w=g, cov="hessian")
    assert hess.cov == "hessian" and np.isfinite(hess.table.loc["Nation", "se"])
