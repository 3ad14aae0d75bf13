"""Dynamic spatial panels (issue 19): brute-force likelihood, the bias-correction score, recovery, effects.

* the QML estimates and log-likelihood equal the explicit NT×NT likelihood of the model conditional
  on the first period, maximised numerically (within transformation; Lee–Yu: (Q_T ⊗ F_N')),
  and the Hessian covariance a numerical one;
* the bias vector of Yu, de Jong & Lee (2008) equals the T → ∞ limit of the exact expected score
  of the explicit likelihood (E_θ0[∂ℓ/∂θ] in closed form, Richardson-extrapolated from T = 40, 80);
* in simulation the uncorrected τ̂ shows the Nickell bias and the corrected estimates remove it;
* stationarity, short- and long-run effects, bad input.
"""
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize_scalar

from spatialccd.exceptions import DataError, SpatialCCDError, StationarityWarning
from spatialccd.models.dynamic import DynamicResults, dynamic_panel, expected_score, stationarity
from spatialccd.weights import from_matrix

from bruteforce import gaussian_expectation_of_sq, lee_yu_bases, numerical_hessian, row_standardised, within_matrix
from conftest import rook_lattice

TAU, ETA, RHO, BETA, THETA = 0.4, 0.1, 0.3, 1.0, 0.5


def simulate(W, T, rng, *, tau=TAU, eta=ETA, rho=RHO, beta=BETA, theta=THETA, burn=30, time_sd=1.0,  # noqa: N803
             unit_sd=1.0):
    """T + 1 recorded periods (the first is the initial condition) of the dynamic SDM with μ_i and α_t."""
    N = W.shape[0]
    Si = np.linalg.inv(np.eye(N) - rho * W)
    B = tau * np.eye(N) + eta * W
    mu = unit_sd * rng.standard_normal(N)
    y, rows = np.zeros(N), []
    for t in range(burn + T + 1):
        x = rng.standard_normal(N)
        shock = time_sd * rng.standard_normal() + 0.5 * rng.standard_normal(N)
        y = Si @ (B @ y + beta * x + theta * W @ x + mu + shock)
        if t >= burn:
            rows.append(pd.DataFrame({"unit": [f"r{i}" for i in range(N)], "year": t - burn, "y": y, "x": x}))
    return pd.concat(rows, ignore_index=True)


@pytest.fixture(scope="module")
def small():
    W = row_standardised(rook_lattice(3, 3))
    df = simulate(W, 5, np.random.default_rng(1))
    return df, from_matrix(W, [f"r{i}" for i in range(9)]), W


@pytest.fixture(scope="module")
def no_unit_effects():
    """For the time-effects-only fit (unit effects would push τ̂ towards 1)."""
    W = row_standardised(rook_lattice(3, 3))
    return simulate(W, 5, np.random.default_rng(1), unit_sd=0.0)


def explicit_arrays(df, W):
    """y_t (t ≥ 1), y_{t−1} and x_t stacked time-major, with I_T ⊗ W."""
    N = W.shape[0]
    Y = df.pivot(index="year", columns="unit", values="y").to_numpy()
    X = df.pivot(index="year", columns="unit", values="x").to_numpy()
    T = Y.shape[0] - 1
    Wb = np.kron(np.eye(T), W)
    y, ylag, x = Y[1:].ravel(), Y[:-1].ravel(), X[1:].ravel()
    return y, np.column_stack([ylag, Wb @ ylag, x, Wb @ x]), Wb, N, T


def transformation(effects, correction, N, T, W):  # noqa: N803
    """(P, n, jac) of the explicit likelihood."""
    if correction == "lee-yu":
        FT, FN = lee_yu_bases("time", N, T)
        qt = np.eye(T) - np.ones((T, T)) / T if effects == "twoways" else np.eye(T)
        Ws = FN.T @ W @ FN
        return np.kron(qt, FN.T), (N - 1) * T, lambda r: T * np.linalg.slogdet(np.eye(N - 1) - r * Ws)[1]
    return within_matrix(effects, N, T), N * T, lambda r: T * np.linalg.slogdet(np.eye(N) - r * W)[1]


@pytest.mark.parametrize("effects,correction", [("individual", None), ("twoways", None), ("time", "lee-yu"),
                                                ("twoways", "lee-yu"), ("none", None)])
def test_qml_equals_explicit_likelihood(small, no_unit_effects, effects, correction):
    df, g, W = small
    if effects == "time":
        df = no_unit_effects
    y, Z, Wb, N, T = explicit_arrays(df, W)
    if effects == "none":
        Z = np.column_stack([np.ones(N * T), Z])
    P, n, jac = transformation(effects, correction, N, T, W)
    I = np.eye(N * T)

    def negll(r):
        ey, Zs = P @ (I - r * Wb) @ y, P @ Z
        e = ey - Zs @ np.linalg.lstsq(Zs, ey, rcond=None)[0]
        return n / 2 * (np.log(2 * np.pi * (e @ e) / n) + 1) - jac(r)

    res = minimize_scalar(negll, bounds=(-0.99, 0.99), method="bounded", options={"xatol": 1e-12})
    fit = dynamic_panel(df, "y ~ x", g, unit="unit", effects=effects, bias_correction=correction)
    if correction is None or effects == "time":     # no correction step: the QML estimates themselves
        assert fit.rho == pytest.approx(res.x, abs=1e-7)
    assert fit.uncorrected["rho"] == pytest.approx(res.x, abs=1e-7)
    assert fit.llf == pytest.approx(-res.fun, rel=1e-10)
    assert fit.n_effective == n and fit.T == T
    names = ["tau", "eta", "x", "W_x", "rho"] if effects != "none" else ["Intercept", "tau", "eta", "x", "W_x", "rho"]
    assert sorted(fit.params.index) == sorted(names)


def test_hessian_covariance_matches_numerical(small):
    df, g, W = small
    y, Z, Wb, N, T = explicit_arrays(df, W)
    P, n, jac = transformation("individual", None, N, T, W)
    fit = dynamic_panel(df, "y ~ x", g, unit="unit", effects="individual", cov_type="hessian")
    I = np.eye(N * T)

    def ll(p):
        d, r, s2 = p[:4], p[4], p[5]
        e = P @ ((I - r * Wb) @ y - Z @ d)
        return -n / 2 * np.log(2 * np.pi * s2) + jac(r) - e @ e / (2 * s2)

    x = np.r_[fit.params.to_numpy(), fit.sigma2]
    cov = np.linalg.inv(-numerical_hessian(ll, x))
    np.testing.assert_allclose(fit.cov_params().to_numpy(), cov[:5, :5], rtol=1e-5, atol=1e-10)


def exact_expected_score(W, T, theta0, effects, correction, rng):  # noqa: N803
    """E_θ0[∂ℓ/∂θ] of the explicit likelihood conditional on y_0, in closed form, by central differences."""
    tau, eta, beta, th, rho, s2 = theta0
    N = W.shape[0]
    I_N, Wb = np.eye(N), np.kron(np.eye(T), W)
    Si = np.linalg.inv(I_N - rho * W)
    A = Si @ (tau * I_N + eta * W)
    x = rng.standard_normal((T, N))
    y0, mu = rng.standard_normal(N), rng.standard_normal(N)
    alpha = rng.standard_normal(T) if effects == "twoways" else np.zeros(T)   # effects the transformation removes
    # Y = mean + L ε with y_t = A y_{t−1} + S⁻¹(x_t β + W x_t θ + μ + α_t + ε_t)
    mean, L = np.zeros((T, N)), np.zeros((T * N, T * N))
    prev = y0
    powers = [np.eye(N)]
    for _ in range(T):
        powers.append(A @ powers[-1])
    for t in range(T):
        prev = A @ prev + Si @ (beta * x[t] + th * W @ x[t] + mu + alpha[t])
        mean[t] = prev
        for j in range(t + 1):
            L[t * N:(t + 1) * N, j * N:(j + 1) * N] = powers[t - j] @ Si
    mean = mean.ravel()
    K = np.kron(np.eye(T, k=-1), I_N)                 # y_{t−1} = K Y + (y_0, 0, …)
    y0pad = np.r_[y0, np.zeros((T - 1) * N)]
    X = np.column_stack([x.ravel(), Wb @ x.ravel()])
    P, n, jac = transformation(effects, correction, N, T, W)
    cov = s2 * L @ L.T

    def expected_ll(p):
        t_, e_, b_, h_, r_, v_ = p
        lagmap = t_ * np.eye(N * T) + e_ * Wb
        R = P @ ((np.eye(N * T) - r_ * Wb) - lagmap @ K)
        shift = P @ (lagmap @ y0pad + X @ np.r_[b_, h_])
        return -n / 2 * np.log(2 * np.pi * v_) + jac(r_) - gaussian_expectation_of_sq(R, shift, mean, cov) / (2 * v_)

    p0 = np.asarray(theta0, float)
    grad = []
    for j in range(len(p0)):
        h = 1e-5 * max(1.0, abs(p0[j]))
        e = np.eye(len(p0))[j] * h
        grad.append((expected_ll(p0 + e) - expected_ll(p0 - e)) / (2 * h))
    return np.array(grad)


@pytest.mark.parametrize("effects,correction", [("individual", "yu-de-jong-lee"), ("twoways", "lee-yu")])
def test_bias_vector_is_the_limit_of_the_exact_expected_score(effects, correction):
    W = row_standardised(rook_lattice(3, 3))
    theta0 = (TAU, ETA, BETA, THETA, RHO, 0.25)
    s40 = exact_expected_score(W, 40, theta0, effects, correction, np.random.default_rng(0))
    s80 = exact_expected_score(W, 80, theta0, effects, correction, np.random.default_rng(0))
    limit = 2 * s80 - s40                               # E_T = E_∞ + c/T + O(|A|^T)
    b = expected_score(W, TAU, ETA, RHO, 0.25, time_transformed=correction == "lee-yu")
    np.testing.assert_allclose([limit[0], limit[1], limit[4], limit[5]], b, rtol=2e-3)
    assert abs(limit[2]) < 1e-6 and abs(limit[3]) < 1e-6   # exogenous regressors: no bias
    assert abs(s40[0] - b[0]) > 0.02 * abs(b[0])           # finite T differs by O(1/T): the check has teeth


@pytest.mark.parametrize("effects,correction", [("individual", "yu-de-jong-lee"), ("twoways", "lee-yu")])
def test_bias_correction_removes_the_nickell_bias(effects, correction):
    W = row_standardised(rook_lattice(7, 7))
    g = from_matrix(W, [f"r{i}" for i in range(49)])
    rng = np.random.default_rng(2024)
    raw, cor = [], []
    for _ in range(30):
        df = simulate(W, 10, rng, time_sd=1.0 if effects == "twoways" else 0.0)
        fit = dynamic_panel(df, "y ~ x", g, unit="unit", effects=effects, bias_correction=correction)
        raw.append(fit.uncorrected.to_numpy())
        cor.append(fit.params.to_numpy())
    truth = np.array([TAU, ETA, BETA, THETA, RHO])
    bias_raw, bias_cor = np.mean(raw, axis=0) - truth, np.mean(cor, axis=0) - truth
    mc_se = np.std(cor, axis=0, ddof=1) / np.sqrt(len(cor))
    assert bias_raw[0] < -0.03                            # the Nickell bias of τ̂ at T = 10
    assert abs(bias_cor[0]) < abs(bias_raw[0]) / 3
    assert np.all(np.abs(bias_cor) < 3 * mc_se + 0.01), (bias_raw, bias_cor, mc_se)


def test_stationarity_and_effects(small):
    df, g, W = small
    fit = dynamic_panel(df, "y ~ x", g, unit="unit", effects="individual", bias_correction="yu-de-jong-lee")
    assert isinstance(fit, DynamicResults)
    om = np.linalg.eigvals(W).real
    st = fit.stationarity
    assert st.spectral_radius == pytest.approx(np.max(np.abs((fit.tau + fit.eta * om) / (1 - fit.rho * om))))
    assert st.abs_sum == pytest.approx(abs(fit.tau) + abs(fit.eta) + abs(fit.rho)) and st.stable
    b, th = fit.params["x"], fit.params["W_x"]
    short = fit.impacts("short-run", method="delta")
    S = np.linalg.inv(np.eye(9) - fit.rho * W) @ (b * np.eye(9) + th * W)
    assert short.horizon == "short-run"
    assert short.direct.loc["x", "estimate"] == pytest.approx(np.trace(S) / 9, rel=1e-8)
    assert short.total.loc["x", "estimate"] == pytest.approx(S.sum() / 9, rel=1e-8)
    long = fit.impacts("long-run", method="delta")
    Lr = np.linalg.inv((1 - fit.tau) * np.eye(9) - (fit.rho + fit.eta) * W) @ (b * np.eye(9) + th * W)
    assert long.horizon == "long-run"
    assert long.direct.loc["x", "estimate"] == pytest.approx(np.trace(Lr) / 9, rel=1e-8)
    assert long.total.loc["x", "estimate"] == pytest.approx((b + th) / (1 - fit.tau - fit.rho - fit.eta), rel=1e-8)
    # delta-method SE of the long-run total effect against a direct numerical gradient
    labels = list(fit.params.index)
    p, V = fit.params.to_numpy(), fit.cov_params().to_numpy()

    def total(q):
        return (q[labels.index("x")] + q[labels.index("W_x")]) / (1 - q[labels.index("tau")] - q[labels.index("rho")]
                                                                  - q[labels.index("eta")])

    grad = np.array([(total(p + 1e-7 * np.eye(len(p))[j]) - total(p - 1e-7 * np.eye(len(p))[j])) / 2e-7
                     for j in range(len(p))])
    assert long.total.loc["x", "se"] == pytest.approx(math.sqrt(grad @ V @ grad), rel=1e-5)
    sim = fit.impacts("long-run", n_draws=400, seed=3)   # a ratio near 1/0 on this tiny panel: heavy tails
    assert sim.total.loc["x", "lower"] < long.total.loc["x", "estimate"] < sim.total.loc["x", "upper"]
    short_sim = fit.impacts("short-run", n_draws=2000, seed=3)
    assert short_sim.direct.loc["x", "se"] == pytest.approx(short.direct.loc["x", "se"], rel=0.1)
    text = str(fit)
    assert "uncorrected" in text and "stable" in text and "yu-de-jong-lee" in text
    assert stationarity(sp_matrix(W), 0.7, 0.2, 0.3).stable is False


def sp_matrix(W):  # noqa: N803
    import scipy.sparse as sp

    return sp.csr_matrix(W)


def test_lag_choices_and_sar(small):
    df, g, W = small
    only_y = dynamic_panel(df, "y ~ x", g, unit="unit", kind="sar", dynamic="ylag")
    assert list(only_y.params.index) == ["tau", "x", "rho"] and only_y.eta == 0.0
    only_w = dynamic_panel(df, "y ~ x", g, unit="unit", kind="sar", dynamic="wylag")
    assert list(only_w.params.index) == ["eta", "x", "rho"] and only_w.tau == 0.0


def test_non_stationary_estimates_warn():
    W = row_standardised(rook_lattice(4, 4))
    df = simulate(W, 8, np.random.default_rng(5), tau=0.9, eta=0.35, rho=0.3, burn=0)
    with pytest.warns(StationarityWarning, match="outside the stationary region"):
        fit = dynamic_panel(df, "y ~ x", from_matrix(W, [f"r{i}" for i in range(16)]), unit="unit",
                            effects="individual")
    assert not fit.stationarity.stable
    with pytest.raises(SpatialCCDError, match="long-run effects need"):
        fit.impacts("long-run")


def test_bad_input(small):
    df, g, W = small
    with pytest.raises(DataError, match="at least 3 periods"):
        dynamic_panel(df[df.year < 2], "y ~ x", g, unit="unit")
    with pytest.raises(SpatialCCDError, match="does not apply with effects='twoways'"):
        dynamic_panel(df, "y ~ x", g, unit="unit", effects="twoways", bias_correction="yu-de-jong-lee")
    with pytest.raises(SpatialCCDError, match="does not apply with effects='individual'"):
        dynamic_panel(df, "y ~ x", g, unit="unit", effects="individual", bias_correction="lee-yu")
    with pytest.raises(SpatialCCDError, match="dynamic must be one of"):
        dynamic_panel(df, "y ~ x", g, unit="unit", dynamic="ar2")
    with pytest.raises(SpatialCCDError, match="horizon"):
        dynamic_panel(df, "y ~ x", g, unit="unit").impacts("medium")
