"""Bayesian comparison of model families (LeSage 2014; issue 19).

* the log marginal likelihood equals a brute-force numerical integration over (β, log σ², ρ)
  of the explicit NT×NT likelihood (Lee–Yu: the orthonormal transformation F_T ⊗ F_N and
  t·log|I − ρF_N'WF_N|; "integrated": explicit dummy matrices), which checks the constant
  Γ(a)(π S)^{−a} and the degrees of freedom;
* in simulation the posterior probabilities pick the family that generated the data;
* bad input is refused or warned about.
"""
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from spatialccd.exceptions import IslandWarning, SpatialCCDError
from spatialccd.models.bayes import BayesianComparison, bayesian_comparison
from spatialccd.weights import from_matrix

from bruteforce import dummies, lee_yu_bases, row_standardised
from conftest import rook_lattice


def frame(y, X, N, T):
    ids = [f"r{i}" for i in range(N)]
    df = pd.DataFrame({"unit": np.tile(ids, T), "year": np.repeat(np.arange(T), N), "y": y})
    for j in range(X.shape[1]):
        df[f"x{j + 1}"] = X[:, j]
    return df, ids


@pytest.fixture(scope="module")
def tiny():
    N, T = 6, 3
    rng = np.random.default_rng(7)
    W = row_standardised(rook_lattice(2, 3))
    x = rng.standard_normal(N * T)
    fe = np.tile(rng.standard_normal(N), T) + np.repeat(rng.standard_normal(T), N)
    A = np.kron(np.eye(T), np.linalg.inv(np.eye(N) - 0.4 * W))
    y = A @ (0.8 * x + fe + 0.7 * rng.standard_normal(N * T))
    df, ids = frame(y, x[:, None], N, T)
    return df, from_matrix(W, ids), W, y, x[:, None], N, T


def gauss(a, b, m):
    u, wts = np.polynomial.legendre.leggauss(m)
    return (a + b) / 2 + (b - a) / 2 * u, (b - a) / 2 * wts


def brute_log_marginal(y, Z, W, N, T, effects, process, fixed_effects, *, m_rho=300, m_s=60, m_u=40):
    """log ∫∫∫ L(β, σ², ρ) p(β)p(σ²)p(ρ) dβ dσ² dρ by tensor Gauss–Legendre (β centred and scaled per (ρ, σ²))."""
    ev = np.linalg.eigvals(W).real
    lo, hi = 1 / ev.min(), 1 / ev.max()
    I = np.eye(N * T)
    if fixed_effects == "lee-yu":
        FT, FN = lee_yu_bases(effects, N, T)
        P, D = np.kron(FT, FN).T, None
        Wstar = FN.T @ W @ FN
        jac = lambda r: FT.shape[1] * np.linalg.slogdet(np.eye(FN.shape[1]) - r * Wstar)[1]  # noqa: E731
    else:
        P, D = I, dummies(effects, N, T)
        jac = lambda r: T * np.linalg.slogdet(np.eye(N) - r * W)[1]  # noqa: E731
    n, k = P.shape[0], Z.shape[1]
    Wbig = np.kron(np.eye(T), W)
    rhos, wr = gauss(lo, hi, m_rho) if process else (np.array([0.0]), np.array([hi - lo]))
    u, wu = gauss(-12, 12, m_u)
    U = np.stack(np.meshgrid(*[u] * k, indexing="ij"), -1).reshape(-1, k)
    WU = np.prod(np.stack(np.meshgrid(*[wu] * k, indexing="ij"), -1).reshape(-1, k), axis=1)
    out = []
    for r in rhos:
        F = I - r * Wbig
        if process == "error":
            yv, Zv, Dv = P @ F @ y, P @ F @ Z, (F @ D if D is not None else None)
        else:
            yv, Zv, Dv = P @ F @ y, P @ Z, D
        extra, dof_fe = 0.0, 0
        if Dv is not None:   # γ integrated analytically with the explicit dummies: ∫ exp(−‖e − D̃γ‖²/2σ²) dγ
            proj = I - Dv @ np.linalg.solve(Dv.T @ Dv, Dv.T)
            yv, Zv = proj @ yv, proj @ Zv
            extra, dof_fe = -0.5 * np.linalg.slogdet(Dv.T @ Dv)[1], Dv.shape[1]
        zz = Zv.T @ Zv
        bhat = np.linalg.solve(zz, Zv.T @ yv)
        L = np.linalg.cholesky(np.linalg.inv(zz))
        s_star = math.log(float(np.sum((yv - Zv @ bhat) ** 2)) / (n - k - dof_fe))
        s, ws = gauss(s_star - 4, s_star + 8, m_s)
        logs = []
        for si, wsi in zip(s, ws):
            B = bhat + np.exp(si / 2) * U @ L.T                       # β = β̂ + σ·L·u
            e = yv[None, :] - B @ Zv.T
            ll = (-(n - dof_fe) / 2 * (math.log(2 * math.pi) + si) - np.sum(e * e, axis=1) / (2 * math.exp(si))
                  + jac(r) + extra)
            logdbeta = np.linalg.slogdet(L)[1] + k * si / 2
            logs.append(np.log(wsi) + logdbeta + np.log(WU) + ll)   # p(σ²)dσ² = ds, p(β) = 1
        out.append(math.log(wr[len(out)]) + float(_lse(np.concatenate(logs))))
    return float(_lse(np.array(out))) - math.log(hi - lo)   # p(ρ) = 1/D (OLS: the weight D above cancels)


def _lse(a):
    m = a.max()
    return m + math.log(np.exp(a - m).sum())


@pytest.mark.parametrize("effects", ["individual", "time", "twoways"])
@pytest.mark.parametrize("model,process,durbin", [("ols", None, False), ("sar", "lag", False),
                                                  ("sem", "error", False), ("sdm", "lag", True)])
def test_log_marginal_equals_brute_force_lee_yu(tiny, effects, model, process, durbin):
    df, g, W, y, x, N, T = tiny
    Z = np.column_stack([x, np.kron(np.eye(T), W) @ x]) if durbin else x
    res = bayesian_comparison(df, "y ~ x1", g, unit="unit", effects=effects, models=[model])
    brute = brute_log_marginal(y, Z, W, N, T, effects, process, "lee-yu")
    assert res.log_marginal[model] == pytest.approx(brute, abs=2e-6)
    n = {"individual": N * (T - 1), "time": (N - 1) * T, "twoways": (N - 1) * (T - 1)}[effects]
    assert res.n_effective == n and res.table.loc[model, "dof"] == n - Z.shape[1]


@pytest.mark.parametrize("effects", ["individual", "twoways"])
@pytest.mark.parametrize("model,process", [("sar", "lag"), ("sem", "error")])
def test_log_marginal_equals_brute_force_integrated_effects(tiny, effects, model, process):
    df, g, W, y, x, N, T = tiny
    res = bayesian_comparison(df, "y ~ x1", g, unit="unit", effects=effects, models=[model],
                              fixed_effects="integrated")
    brute = brute_log_marginal(y, x, W, N, T, effects, process, "integrated")
    assert res.log_marginal[model] == pytest.approx(brute, abs=2e-6)
    q = N if effects == "individual" else N + T - 1
    assert res.table.loc[model, "dof"] == N * T - 1 - q


def test_integrated_error_family_is_lee_yu_up_to_a_constant(tiny):
    """With unit effects the filtered dummies contribute −log|I − λW|: Jacobian T − 1, as under Lee–Yu."""
    df, g, W, y, x, N, T = tiny
    kw = dict(unit="unit", effects="individual", models=["sem", "sdem", "sar"])
    ly = bayesian_comparison(df, "y ~ x1", g, **kw).log_marginal
    it = bayesian_comparison(df, "y ~ x1", g, fixed_effects="integrated", **kw).log_marginal
    for m in ("sem", "sdem"):
        assert it[m] - ly[m] == pytest.approx(-N / 2 * math.log(T), abs=1e-8)
    assert abs(it["sar"] - ly["sar"] + N / 2 * math.log(T)) > 1e-3   # the lag family's Jacobian differs


# ------------------------------------------------------------------ simulation: the true family wins
def simulate(family, W, N, T, rng):
    X = rng.standard_normal((N * T, 2))
    Wb = np.kron(np.eye(T), W)
    beta, theta, s = np.array([1.0, -1.0]), np.array([1.0, 0.8]), 0.5
    mean = X @ beta + (Wb @ X @ theta if family in ("slx", "sdm", "sdem") else 0.0)
    fe = np.tile(rng.standard_normal(N), T) + np.repeat(rng.standard_normal(T), N)
    eps = s * rng.standard_normal(N * T)
    if family in ("sem", "sdem"):
        eps = np.linalg.solve(np.eye(N * T) - 0.5 * Wb, eps)
    y = mean + fe + eps
    if family in ("sar", "sdm"):
        y = np.linalg.solve(np.eye(N * T) - 0.5 * Wb, y)
    return frame(y, X, N, T)


@pytest.mark.parametrize("family", ["ols", "slx", "sar", "sdm", "sem", "sdem"])
def test_posterior_picks_the_true_family(family):
    N, T = 25, 8
    W = row_standardised(rook_lattice(5, 5))
    rng = np.random.default_rng(100 + len(family) + ord(family[1]))
    wins = 0
    for _ in range(3):
        df, ids = simulate(family, W, N, T, rng)
        res = bayesian_comparison(df, "y ~ x1 + x2", from_matrix(W, ids), unit="unit", effects="twoways")
        assert res.probabilities.sum() == pytest.approx(1.0)
        wins += res.best == family
    assert wins >= 2, res.table


def test_result_object_and_presentation(tiny):
    df, g, *_ = tiny
    res = bayesian_comparison(df, "y ~ x1", g, unit="unit", effects="twoways")
    assert isinstance(res, BayesianComparison)
    t = res.to_frame()
    assert list(t.index) == ["ols", "slx", "sar", "sdm", "sem", "sdem"]
    assert {"log_marginal", "probability", "k", "dof", "mean", "sd", "mode"} <= set(t.columns)
    assert np.isnan(t.loc["ols", "mean"]) and t.loc["sar", "spatial"] == "rho" and t.loc["sem", "spatial"] == "lambda"
    assert res.bounds[0] < t.loc["sar", "mean"] < res.bounds[1]
    text = str(res)
    assert "LeSage" in text and "Lee-Yu" in text and "sdem" in text
    with pytest.raises(AttributeError):
        res.N = 3


def test_bad_input(tiny):
    df, g, W, y, x, N, T = tiny
    with pytest.raises(SpatialCCDError, match="needs fixed effects"):
        bayesian_comparison(df, "y ~ x1", g, unit="unit", effects="none", fixed_effects="lee-yu")
    with pytest.raises(SpatialCCDError, match="models must be one of"):
        bayesian_comparison(df, "y ~ x1", g, unit="unit", models=["sac"])
    with pytest.raises(SpatialCCDError, match="fixed_effects must be one of"):
        bayesian_comparison(df, "y ~ x1", g, unit="unit", fixed_effects="demeaned")
    # an island: zero row in W
    Wi = rook_lattice(2, 3)
    Wi[0, :] = Wi[:, 0] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        gi = from_matrix(sp.csr_matrix(Wi), [f"r{i}" for i in range(N)])
    with pytest.warns(IslandWarning, match="zero spatial lag"):
        with pytest.raises(SpatialCCDError, match="row-standardised"):
            bayesian_comparison(df, "y ~ x1", gi, unit="unit", effects="twoways")
    with pytest.warns(IslandWarning, match=r"\['r0'\]"):
        res = bayesian_comparison(df, "y ~ x1", gi, unit="unit", effects="individual")
    assert np.isfinite(res.log_marginal).all()
