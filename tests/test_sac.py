"""SAC (SARAR) and GNS panel models against explicit NT×NT likelihoods (issue 19).

* estimates and log-likelihood equal the explicit likelihood e = P(I⊗B)((I⊗A)y − Zβ) maximised
  numerically (P = Q for the exact convention, F' = (F_T ⊗ F_N)' for Lee–Yu; splm's model on
  Qy), for every effects × convention × correction;
* the covariance equals the inverse expected Hessian of the explicit likelihood (fixed effects as
  explicit dummies for the direct approach), and the observed-Hessian covariance a numerical one;
* simulation recovery; effects; bad input.
R is not available here (no CRAN), so splm ``spml(lag=TRUE, spatial.error="b")`` and spatialreg
``sacsarlm`` references could not be produced.
"""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

from spatialccd.exceptions import IdentificationWarning, SpatialCCDError
from spatialccd.models.sac import SACResults, gns, sac
from spatialccd.weights import from_matrix

from bruteforce import (dummies, gaussian_expectation_of_sq, lee_yu_bases, numerical_hessian, row_standardised,
                        within_matrix)
from conftest import rook_lattice

N, T = 9, 5
RHO, LAM = 0.35, 0.3


def queen_lattice(rows, cols):
    a = rook_lattice(rows, cols)
    for r in range(rows - 1):
        for c in range(cols):
            i = r * cols + c
            for dc in (-1, 1):
                if 0 <= c + dc < cols:
                    a[i, i + cols + dc] = a[i + cols + dc, i] = 1
    return a


def simulate_sac(W, M, N, T, rng, beta=(1.0, -0.6), theta=(0.0, 0.0), rho=RHO, lam=LAM, unit_sd=0.0):  # noqa: N803
    """Time effects always; unit effects (sd ``unit_sd``) would look like λ → 1 to a time-effects fit."""
    X = rng.standard_normal((N * T, 2))
    Wb, Mb = np.kron(np.eye(T), W), np.kron(np.eye(T), M)
    fe = np.tile(unit_sd * rng.standard_normal(N), T) + np.repeat(rng.standard_normal(T), N)
    u = np.linalg.solve(np.eye(N * T) - lam * Mb, 0.5 * rng.standard_normal(N * T))
    y = np.linalg.solve(np.eye(N * T) - rho * Wb, X @ np.asarray(beta) + Wb @ X @ np.asarray(theta) + fe + u)
    ids = [f"r{i}" for i in range(N)]
    df = pd.DataFrame({"unit": np.tile(ids, T), "year": np.repeat(np.arange(T), N), "y": y, "x1": X[:, 0],
                       "x2": X[:, 1]})
    return df, ids, y, X


@pytest.fixture(scope="module")
def small():
    W, M = row_standardised(rook_lattice(3, 3)), row_standardised(queen_lattice(3, 3))
    df, ids, y, X = simulate_sac(W, M, N, T, np.random.default_rng(4))
    return df, from_matrix(W, ids), from_matrix(M, ids), W, M, y, X


def explicit_setup(y, Z, W, M, effects, convention, correction):
    """(P, y, Z, n, jac) of the explicit likelihood matching the options."""
    I_N = np.eye(N)
    if correction == "lee-yu":
        FT, FN = lee_yu_bases(effects, N, T)
        Ws, Ms = FN.T @ W @ FN, FN.T @ M @ FN
        d = FN.shape[1]
        jac = lambda r, lm: FT.shape[1] * (np.linalg.slogdet(np.eye(d) - r * Ws)[1]  # noqa: E731
                                           + np.linalg.slogdet(np.eye(d) - lm * Ms)[1])
        P = np.kron(FT, FN).T
        return P, y, Z, P.shape[0], jac
    jac = lambda r, lm: T * (np.linalg.slogdet(I_N - r * W)[1] + np.linalg.slogdet(I_N - lm * M)[1])  # noqa: E731
    Q = within_matrix(effects, N, T)
    if convention == "splm" and effects != "individual":
        return np.eye(N * T), Q @ y, Q @ Z, N * T, jac
    return Q, y, Z, N * T, jac


def brute_force_fit(y, Z, W, M, effects, convention, correction):
    P, yv, Zv, n, jac = explicit_setup(y, Z, W, M, effects, convention, correction)
    Wb, Mb = np.kron(np.eye(T), W), np.kron(np.eye(T), M)
    I = np.eye(N * T)

    def negll(p):
        r, lm = p
        R = P @ (I - lm * Mb)
        ey, Zt = R @ (I - r * Wb) @ yv, R @ Zv
        b = np.linalg.lstsq(Zt, ey, rcond=None)[0]
        e = ey - Zt @ b
        return n / 2 * (np.log(2 * np.pi * (e @ e) / n) + 1) - jac(r, lm)

    res = minimize(negll, x0=[0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-11, "fatol": 1e-13,
                                                                          "maxiter": 5000})
    return res.x, -res.fun


CASES = [(e, conv, c) for e in ("individual", "time", "twoways") for conv in ("exact", "splm")
         for c in (None, "lee-yu") if not (c == "lee-yu" and conv == "splm" and e != "individual")]
CASES += [("none", "exact", None)]


@pytest.mark.parametrize("effects,convention,correction", CASES)
def test_sac_equals_explicit_likelihood(small, effects, convention, correction):
    df, g, gm, W, M, y, X = small
    fit = sac(df, "y ~ x1 + x2", g, m=gm, unit="unit", effects=effects, lag_convention=convention,
              bias_correction=correction)
    Z = np.column_stack([np.ones(N * T), X]) if effects == "none" else X
    (r, lm), ll = brute_force_fit(y, Z, W, M, effects, convention, correction)
    assert fit.rho == pytest.approx(r, abs=2e-6) and fit.lam == pytest.approx(lm, abs=2e-6)
    assert fit.llf == pytest.approx(ll, rel=1e-10)
    # covariance: inverse expected Hessian of the explicit likelihood at the estimates
    brute = brute_force_cov(fit, y, Z, W, M, effects, convention, correction)
    m = len(fit.params)
    np.testing.assert_allclose(fit.cov_params().to_numpy(), brute[:m, :m], rtol=2e-5, atol=1e-9)
    assert fit.sigma2_se == pytest.approx(np.sqrt(brute[m, m]), rel=2e-5)


def brute_force_cov(fit, y, Z, W, M, effects, convention, correction):
    P, yv, Zv, n, jac = explicit_setup(y, Z, W, M, effects, convention, correction)
    direct = correction is None and not (convention == "splm" and effects != "individual")
    D = dummies(effects, N, T) if direct else np.empty((N * T, 0))
    if direct:
        P = np.eye(N * T)   # the fixed effects are parameters: the raw likelihood (profile = the demeaned one)
    p = fit.params.to_numpy()
    beta, r0, l0, s20 = p[:-2], p[-2], p[-1], fit.sigma2
    q = D.shape[1]
    gamma0 = np.random.default_rng(1).standard_normal(q)
    Wb, Mb, I = np.kron(np.eye(T), W), np.kron(np.eye(T), M), np.eye(N * T)
    A0i, B0i = np.linalg.inv(I - r0 * Wb), np.linalg.inv(I - l0 * Mb)
    if direct:
        fe = D @ gamma0
    elif correction == "lee-yu":   # effects in the data that F' removes exactly
        Dfe = dummies(effects, N, T)
        fe = Dfe @ np.random.default_rng(2).standard_normal(Dfe.shape[1])
    else:                          # splm's model on the demeaned data has none
        fe = 0.0
    mean = A0i @ (Zv @ beta + fe)
    cov = s20 * A0i @ B0i @ B0i.T @ A0i.T
    k = len(beta)

    def expected_ll(t):
        b, gm, r, lm, s2 = t[:k], t[k:k + q], t[k + q], t[k + q + 1], t[k + q + 2]
        R = P @ (I - lm * Mb)
        ee = gaussian_expectation_of_sq(R @ (I - r * Wb), R @ (Zv @ b + D @ gm), mean, cov)
        return -n / 2 * np.log(2 * np.pi * s2) + jac(r, lm) - ee / (2 * s2)

    J = -numerical_hessian(expected_ll, np.r_[beta, gamma0, r0, l0, s20])
    full = np.linalg.inv(J)
    keep = np.r_[np.arange(k), k + q + np.arange(3)]
    return full[np.ix_(keep, keep)]


def test_observed_hessian_matches_numerical(small):
    df, g, gm, W, M, y, X = small
    fit = sac(df, "y ~ x1 + x2", g, m=gm, unit="unit", effects="twoways", cov_type="hessian")
    P, yv, Zv, n, jac = explicit_setup(y, X, W, M, "twoways", "exact", None)
    Wb, Mb, I = np.kron(np.eye(T), W), np.kron(np.eye(T), M), np.eye(N * T)

    def ll(t):
        b, r, lm, s2 = t[:2], t[2], t[3], t[4]
        e = P @ (I - lm * Mb) @ ((I - r * Wb) @ yv - Zv @ b)
        return -n / 2 * np.log(2 * np.pi * s2) + jac(r, lm) - e @ e / (2 * s2)

    x = np.r_[fit.params.to_numpy(), fit.sigma2]
    cov = np.linalg.inv(-numerical_hessian(ll, x))
    np.testing.assert_allclose(fit.cov_params().to_numpy(), cov[:4, :4], rtol=1e-5, atol=1e-10)


def test_recovery_and_effects():
    Nb, Tb = 100, 10
    W = row_standardised(rook_lattice(10, 10))
    rng = np.random.default_rng(8)
    df, ids, y, X = simulate_sac(W, W, Nb, Tb, rng, unit_sd=1.0)
    g = from_matrix(W, ids)
    fit = sac(df, "y ~ x1 + x2", g, unit="unit", effects="twoways", bias_correction="lee-yu")
    assert isinstance(fit, SACResults) and fit.kind == "sac"
    for name, true in (("rho", RHO), ("lambda", LAM), ("x1", 1.0), ("x2", -0.6)):
        assert abs(fit.params[name] - true) < 3 * fit.bse[name], (name, fit.params[name], fit.bse[name])
    imp = fit.impacts(method="delta")
    S = np.linalg.inv(np.eye(Nb) - fit.rho * W)
    assert imp.direct.loc["x1", "estimate"] == pytest.approx(fit.params["x1"] * np.trace(S) / Nb, rel=1e-8)
    assert imp.total.loc["x2", "estimate"] == pytest.approx(fit.params["x2"] / (1 - fit.rho), rel=1e-8)
    text = str(fit)
    assert "SAC (SARAR)" in text and "lambda" in text and "M = W" in text


def test_gns_warns_and_recovers_theta(small):
    df, g, gm, W, M, y, X = small
    with pytest.warns(IdentificationWarning, match="weakly identified"):
        gns(df, "y ~ x1 + x2", g, unit="unit", effects="individual")
    rng = np.random.default_rng(3)
    Nb, Tb = 64, 10
    Wl, Ml = row_standardised(rook_lattice(8, 8)), row_standardised(queen_lattice(8, 8))
    df2, ids, *_ = simulate_sac(Wl, Ml, Nb, Tb, rng, theta=(0.8, 0.4), unit_sd=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IdentificationWarning)   # M ≠ W: no warning
        fit = gns(df2, "y ~ x1 + x2", from_matrix(Wl, ids), m=from_matrix(Ml, ids), unit="unit",
                  effects="individual")
    assert fit.kind == "gns" and list(fit.params.index) == ["x1", "x2", "W_x1", "W_x2", "rho", "lambda"]
    for name, true in (("W_x1", 0.8), ("W_x2", 0.4)):
        assert abs(fit.params[name] - true) < 3 * fit.bse[name]


def test_bad_input(small):
    df, g, gm, *_ = small
    with pytest.raises(SpatialCCDError, match="not for SAC/GNS"):
        sac(df, "y ~ x1 + x2", g, unit="unit", bias_correction="elhorst")
    with pytest.raises(SpatialCCDError, match="hybrid"):
        sac(df, "y ~ x1 + x2", g, unit="unit", bias_correction="lee-yu", lag_convention="splm")
    with pytest.raises(SpatialCCDError, match="'information' or 'hessian'"):
        sac(df, "y ~ x1 + x2", g, unit="unit", cov_type="splm")
