"""LeSage–Pace direct/indirect/total effects (issue 6).

* direct/total equal a brute-force dense computation of S_k(W) = (I − ρW)⁻¹(β_k I + θ_k W);
* spreg's SDM direct effect (β_k · mean diag (I − ρW)⁻¹) differs from ours by exactly the θ
  feedback θ_k · tr((I − ρW)⁻¹W)/N — shown on spreg's own cross-sectional ML_Lag fit;
* simulation and delta-method SEs agree; seeds reproduce.
"""
import re

import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd.models.simulate import simulate_sdm


@pytest.fixture(scope="module")
def fit():
    g = sc.weights.contiguity()
    df = simulate_sdm(g.sparse, 8, rho=0.45, beta=[1.0, -0.5], theta=[0.6, 0.3], seed=11,
                      unit_ids=list(g.unique_ids), start_year=2012).rename(columns={"unit": "province"})
    return sc.sdm(df, "y ~ x1 + x2", g), g


def brute_force(res, W):
    N = W.shape[0]
    A = np.linalg.inv(np.eye(N) - res.rho * W)
    out = {}
    for v in ("x1", "x2"):
        S = A @ (res.params[v] * np.eye(N) + res.params[f"W_{v}"] * W)
        out[v] = (np.trace(S) / N, S.sum() / N)
    return out


def test_effects_equal_dense_computation(fit):
    res, g = fit
    eff = res.impacts(method="delta").to_frame()
    for v, (direct, total) in brute_force(res, g.sparse.toarray()).items():
        assert eff.loc[v, "direct"] == pytest.approx(direct, rel=1e-10)
        assert eff.loc[v, "total"] == pytest.approx(total, rel=1e-10)
        assert eff.loc[v, "total"] == pytest.approx((res.params[v] + res.params[f"W_{v}"]) / (1 - res.rho))
        assert eff.loc[v, "indirect"] == pytest.approx(total - direct, rel=1e-10)


def test_simulation_and_delta_agree_and_seed_reproduces(fit):
    res, _ = fit
    sim = res.impacts(n_draws=4000, seed=5).to_frame()
    delta = res.impacts(method="delta").to_frame()
    for e in ("direct", "indirect", "total"):
        np.testing.assert_allclose(sim[f"{e}_se"], delta[f"{e}_se"], rtol=0.1)
        assert (sim[f"{e}_lower"] < sim[e]).all() and (sim[e] < sim[f"{e}_upper"]).all()
    pd.testing.assert_frame_equal(res.impacts(n_draws=200, seed=1).to_frame(), res.impacts(n_draws=200, seed=1).to_frame())
    assert sim.attrs["method"] == "simulation" and sim.attrs["n_draws"] == 4000
    with pytest.raises(ValueError, match="method must be"):
        res.impacts(method="bootstrap")


def test_impacts_object(fit):
    res, _ = fit
    imp = res.impacts(method="delta")
    assert isinstance(imp, sc.models.Impacts) and imp.names == tuple(imp.to_frame().index)
    for kind in ("direct", "indirect", "total"):
        block = getattr(imp, kind)
        assert list(block.columns) == ["estimate", "se", "z", "pvalue", "lower", "upper"]
        np.testing.assert_allclose(block["estimate"], imp.to_frame()[kind])
    np.testing.assert_allclose(imp.total["estimate"], imp.direct["estimate"] + imp.indirect["estimate"])
    assert "Direct effects" in str(imp) and "<table" in imp._repr_html_()
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning, match="Impacts was a DataFrame"):
        assert imp.loc["x1", "direct_p"] == imp.direct.loc["x1", "pvalue"]  # the 0.1 frame interface


def test_sar_sem_slx_effects():
    g = sc.weights.contiguity()
    df = simulate_sdm(g.sparse, 6, rho=0.3, beta=[1.0], theta=[0.4], seed=2, unit_ids=list(g.unique_ids))
    sar = sc.sar(df, "y ~ x1", g, unit="unit")
    e = sar.impacts(method="delta").to_frame()
    assert e.loc["x1", "total"] == pytest.approx(sar.params["x1"] / (1 - sar.rho))
    slx = sc.slx(df, "y ~ x1", g, unit="unit").impacts(method="delta").to_frame()
    p = sc.slx(df, "y ~ x1", g, unit="unit").params
    assert slx.loc["x1", "direct"] == pytest.approx(p["x1"]) and slx.loc["x1", "indirect"] == pytest.approx(p["W_x1"])
    sdem = sc.sdem(df, "y ~ x1", g, unit="unit")
    d = sdem.impacts(method="delta").to_frame()
    assert d.loc["x1", "indirect"] == pytest.approx(sdem.params["W_x1"])
    assert d.loc["x1", "direct_se"] == pytest.approx(sdem.bse["x1"], rel=1e-6)


def test_spreg_sdm_direct_effect_omits_theta_feedback():
    """On spreg's own SDM fit (cross-section, ML_Lag slx_lags=1) the direct effects it prints are
    β_k·mean diag((I−ρW)⁻¹); the correct ones add θ_k·tr((I−ρW)⁻¹W)/N.  Our T = 1 pooled fit
    reproduces spreg's estimates, and our direct effect differs from spreg's by that term."""
    spreg = pytest.importorskip("spreg")
    g = sc.weights.contiguity()
    df = simulate_sdm(g.sparse, 1, rho=0.4, beta=[1.0, -0.5], theta=[0.8, 0.4], seed=7,
                      unit_ids=list(g.unique_ids), start_year=2020)
    y = df[["y"]].to_numpy()
    X = df[["x1", "x2"]].to_numpy()
    reg = spreg.ML_Lag(y, X, g.to_W(), slx_lags=1, spat_impacts="full", method="full", name_x=["x1", "x2"])
    ours = sc.sdm(df, "y ~ x1 + x2", g, unit="unit", effects="none")
    # spreg order: CONSTANT, x1, x2, W_x1, W_x2, rho — ours: Intercept, x1, x2, W_x1, W_x2, rho
    np.testing.assert_allclose(ours.params.to_numpy(), reg.betas.ravel(), atol=1e-4)
    rho = float(reg.rho)
    assert ours.rho == pytest.approx(rho, abs=1e-5)
    b = dict(zip(reg.name_x, reg.betas.ravel()))
    block = reg.summary.split("SPATIAL DURBIN MODEL IMPACTS")[1]
    W = g.sparse.toarray()
    N = W.shape[0]
    A = np.linalg.inv(np.eye(N) - rho * W)
    for v in ("x1", "x2"):
        spreg_direct = float(re.search(rf"^\s*{v}\s+(-?\d+\.\d+)", block, re.M).group(1))
        correct = (b[v] * np.trace(A) + b[f"W_{v}"] * np.trace(A @ W)) / N
        feedback = b[f"W_{v}"] * np.trace(A @ W) / N
        assert spreg_direct == pytest.approx(b[v] * np.trace(A) / N, abs=1e-4)  # printed to 4 decimals
        assert correct - spreg_direct == pytest.approx(feedback, abs=1e-4)
        assert abs(feedback) > 1e-2  # the omission is material here
        assert ours.impacts(method="delta").to_frame().loc[v, "direct"] == pytest.approx(correct, abs=1e-4)


def test_sem_indirect_effect_is_zero_without_z(recwarn):
    g = sc.weights.contiguity()
    df = simulate_sdm(g.sparse, 5, rho=0.0, beta=[1.0], theta=[0.0], seed=1, unit_ids=list(g.unique_ids))
    e = sc.sem(df, "y ~ x1", g, unit="unit").impacts(method="delta").to_frame()
    assert e.loc["x1", "indirect"] == 0 and e.loc["x1", "indirect_se"] == 0
    assert np.isnan(e.loc["x1", "indirect_z"]) and np.isnan(e.loc["x1", "indirect_pvalue"])
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
