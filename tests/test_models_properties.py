"""Spatial panel models: closed-form and brute-force checks (issue 6).

* the default (exact) convention and the Lee–Yu correction equal a brute-force likelihood
  built with explicit Kronecker matrices and orthonormal transformations F_{T,T−1}, F_{N,N−1};
* the analytical observed Hessian equals a numerical Hessian;
* fixed effects reconstruct the data exactly;
* bad input raises errors naming the culprit.
"""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize_scalar

import spatialccd as sc
from spatialccd.models.fit import ConvergenceError, maximise
from spatialccd.models.simulate import simulate_sdm
from spatialccd.weights import IslandWarning, from_matrix

from conftest import rook_lattice


@pytest.fixture(scope="module")
def small():
    N, T = 9, 5
    ids = [f"r{i}" for i in range(N)]
    g = from_matrix(rook_lattice(3, 3), ids)
    W = g.sparse.toarray()
    df = simulate_sdm(sp.csr_matrix(W), T, rho=0.4, beta=[1.0, -0.5], theta=[0.5, 0.2], seed=3, unit_ids=ids)
    return df, g, W, N, T


def orthonormal_complement(n):
    """F_{n,n−1}: orthonormal eigenvectors of I − J/n with eigenvalue 1 (Lee & Yu 2010)."""
    vals, vecs = np.linalg.eigh(np.eye(n) - np.ones((n, n)) / n)
    return vecs[:, vals > 0.5]


def brute_force_lag(y, Z, Wbig, A, n, logdet):
    """Maximise ℓ(ρ) = −n/2 log(2π e'e/n) − n/2 + log|·| for y** = A y, Z** = A Z, (Wy)** = A·Wbig·y."""
    ys, Zs, wy = A @ y, A @ Z, A @ (Wbig @ y)

    def negll(r):
        e_y = ys - r * wy
        b = np.linalg.lstsq(Zs, e_y, rcond=None)[0]
        e = e_y - Zs @ b
        return n / 2 * (np.log(2 * np.pi * (e @ e) / n) + 1) - logdet(r)

    res = minimize_scalar(negll, bounds=(-0.9, 0.99), method="bounded", options={"xatol": 1e-12})
    r = res.x
    b = np.linalg.lstsq(Zs, ys - r * wy, rcond=None)[0]
    e = ys - r * wy - Zs @ b
    return r, b, (e @ e) / n, -res.fun


def design_arrays(df, W, N, T):
    y = df["y"].to_numpy()
    X = df[["x1", "x2"]].to_numpy()
    WX = np.vstack([W @ X[t * N:(t + 1) * N] for t in range(T)])
    return y, np.column_stack([X, WX]), np.kron(np.eye(T), W)


def test_exact_convention_equals_kronecker_likelihood(small):
    df, g, W, N, T = small
    y, Z, Wbig = design_arrays(df, W, N, T)
    JT, JN = np.ones((T, T)) / T, np.ones((N, N)) / N
    Q = np.kron(np.eye(T) - JT, np.eye(N) - JN)  # two-way within transformation
    logdet = lambda r: np.linalg.slogdet(np.eye(N * T) - r * Wbig)[1]  # noqa: E731 - full NT×NT determinant
    r, b, s2, ll = brute_force_lag(y, Z, Wbig, Q, N * T, logdet)
    fit = sc.sdm(df, "y ~ x1 + x2", g, unit="unit")
    assert fit.rho == pytest.approx(r, abs=1e-7)
    np.testing.assert_allclose(fit.params.iloc[:4], b, atol=1e-6)
    assert fit.sigma2 == pytest.approx(s2, rel=1e-6)
    assert fit.llf == pytest.approx(ll, rel=1e-9)


@pytest.mark.parametrize("effects", ["individual", "time", "twoways"])
def test_lee_yu_equals_orthonormal_transformation(small, effects):
    df, g, W, N, T = small
    y, Z, Wbig = design_arrays(df, W, N, T)
    FT = orthonormal_complement(T) if effects != "time" else np.eye(T)
    FN = orthonormal_complement(N) if effects != "individual" else np.eye(N)
    A = np.kron(FT.T, FN.T)
    Wstar = FN.T @ W @ FN
    tdim = FT.shape[1]
    logdet = lambda r: tdim * np.linalg.slogdet(np.eye(FN.shape[1]) - r * Wstar)[1]  # noqa: E731
    r, b, s2, ll = brute_force_lag(y, Z, Wbig, A, A.shape[0], logdet)
    fit = sc.sdm(df, "y ~ x1 + x2", g, unit="unit", effects=effects, bias_correction="lee-yu")
    assert fit.n_effective == A.shape[0]
    assert fit.rho == pytest.approx(r, abs=1e-7)
    np.testing.assert_allclose(fit.params.iloc[:4], b, atol=1e-6)
    assert fit.sigma2 == pytest.approx(s2, rel=1e-6)
    assert fit.llf == pytest.approx(ll, rel=1e-9)


def numerical_hessian(f, x, h=1e-4):
    k = len(x)
    H = np.zeros((k, k))
    steps = h * np.maximum(np.abs(x), 1e-2)
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * steps[i], np.eye(k)[j] * steps[j]
            H[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * steps[i] * steps[j])
    return H


@pytest.mark.parametrize("kind", ["sdm", "sdem"])
def test_observed_hessian_matches_numerical(small, kind):
    df, g, W, N, T = small
    model = sc.SpatialPanelModel(df, "y ~ x1 + x2", g, kind=kind, unit="unit")
    fit = model.fit(cov_type="hessian")
    d = model.design
    ys, Z, _ = d.transformed()
    Zraw = np.column_stack([d.X, d.WX])
    wy, WZ = d.lag_of_transformed(d.y, ys), d.lag_of_transformed(Zraw, Z)
    ev = np.linalg.eigvals(W).real
    n = N * T

    def ll(p):
        beta, r, s2 = p[:-2], p[-2], p[-1]
        if kind == "sdm":
            e = ys - r * wy - Z @ beta
        else:
            e = (ys - r * wy) - (Z - r * WZ) @ beta
        return -n / 2 * np.log(2 * np.pi * s2) + T * np.sum(np.log(1 - r * ev)) - e @ e / (2 * s2)

    x = np.concatenate([fit.params.to_numpy(), [fit.sigma2]])
    cov_num = np.linalg.inv(-numerical_hessian(ll, x))[:-1, :-1]
    np.testing.assert_allclose(fit.cov_params().to_numpy(), cov_num, rtol=2e-3, atol=1e-6)
    # the expected information gives asymptotically the same SEs
    info = model.fit(cov_type="information")
    np.testing.assert_allclose(info.bse, fit.bse, rtol=0.15)


def test_fixed_effects_reconstruct_the_data(small):
    df, g, W, N, T = small
    fit = sc.sdm(df, "y ~ x1 + x2", g, unit="unit")
    fe = fit.fixed_effects()
    assert abs(fe.unit.sum()) < 1e-10 and abs(fe.time.sum()) < 1e-10
    p = sc.PanelData(df, unit="unit")
    y = p.values("y")
    X = p.values(["x1", "x2"])
    WX = np.vstack([W @ X[t * N:(t + 1) * N] for t in range(T)])
    Wy = np.concatenate([W @ y[t * N:(t + 1) * N] for t in range(T)])
    b = fit.params.to_numpy()
    fitted = (fit.rho * Wy + np.column_stack([X, WX]) @ b[:4] + fe.intercept
              + np.tile(fe.unit.to_numpy(), T) + np.repeat(fe.time.to_numpy(), N))
    np.testing.assert_allclose(y - fitted, fit.resid.to_numpy(), atol=1e-10)


def test_pooled_model_keeps_intercept(small):
    df, g, *_ = small
    fit = sc.sar(df, "y ~ x1 + x2", g, unit="unit", effects="none")
    assert "Intercept" in fit.params.index and "Intercept" not in fit.impacts(method="delta").to_frame().index


def test_results_presentation(small):
    df, g, *_ = small
    fit = sc.sdm(df, "y ~ x1 + x2", g, unit="unit")
    text = fit.summary().as_text()
    assert "Spatial Durbin" in text and "W_x1" in text and "rho" in text and "two-way" in text
    assert "<table" in fit._repr_html_() and "W_x1" in fit.summary().as_html()
    assert "tabular" in fit.summary().as_latex() and r"W\_x1" in fit.summary().as_latex()
    frame = fit.to_frame()
    assert list(frame.columns[:4]) == ["coef", "std err", "z", "P>|z|"]
    assert fit.aic == pytest.approx(-2 * fit.llf + 2 * (len(fit.params) + 1))
    ci = fit.conf_int()
    assert (ci["lower"] < fit.params).all() and (fit.params < ci["upper"]).all()
    with pytest.raises(AttributeError):
        fit.llf = 0  # results are immutable


# ---------------------------------------------------------------- bad input
def provinces_panel(T=4, seed=0):
    g = sc.weights.contiguity()
    df = simulate_sdm(g.sparse, T, rho=0.3, beta=[1.0, 0.5], theta=[0.2, 0.1], seed=seed,
                      unit_ids=list(g.unique_ids), start_year=2015).rename(columns={"unit": "province"})
    return df, g


def test_absorbed_regressors_are_named():
    df, g = provinces_panel()
    df = df.assign(area=df.groupby("province")["x1"].transform("first"),
                   trend=df.groupby("year")["x2"].transform("mean"))
    with pytest.raises(ValueError, match="'area' is absorbed by unit fixed effects"):
        sc.sdm(df, "y ~ x1 + area", g, effects="individual")
    with pytest.raises(ValueError, match="'trend' is absorbed by time fixed effects"):
        sc.sar(df, "y ~ x1 + trend", g, effects="time")


def test_collinear_regressors_are_named():
    df, g = provinces_panel()
    df = df.assign(x3=2 * df.x1 - df.x2)
    with pytest.raises(ValueError, match=r"collinear regressors.*'x1'.*'x2'.*'x3'"):
        sc.sar(df, "y ~ x1 + x2 + x3", g)


def test_weights_for_other_units():
    df, g = provinces_panel()
    sub = sc.weights.subset(g, [c for c in g.unique_ids if c != "54"])
    with pytest.raises(ValueError, match=r"missing from weights \['54'\]"):
        sc.sdm(df, "y ~ x1 + x2", sub)


def test_islands_warn():
    df, _ = provinces_panel()
    with pytest.warns(IslandWarning):
        g = sc.weights.contiguity(islands="keep")
    with pytest.warns(IslandWarning, match="46"):
        fit = sc.sdm(df, "y ~ x1 + x2", g)
    assert np.isfinite(fit.llf)
    with pytest.raises(ValueError, match="row-standardised"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IslandWarning)
            sc.sdm(df, "y ~ x1 + x2", g, bias_correction="lee-yu")


def test_non_finite_and_unbalanced_and_options():
    df, g = provinces_panel()
    bad = df.assign(x1=df.x1.where(~((df.province == "11") & (df.year == 2016)), -1.0))
    with pytest.raises(ValueError, match=r"\('11', 2016, 'np.log\(x1 \+ 5\)'\)|\('11', 2016"):
        sc.sdm(bad.assign(x1=bad.x1.where(bad.x1 != -1.0, -10.0)), "y ~ np.log(x1 + 5) + x2", g)
    with pytest.raises(ValueError, match="unbalanced panel"):
        sc.sdm(df.iloc[1:], "y ~ x1 + x2", g)
    with pytest.raises(ValueError, match="effects must be one of"):
        sc.sdm(df, "y ~ x1 + x2", g, effects="both")
    with pytest.raises(ValueError, match="bias_correction must be one of"):
        sc.sdm(df, "y ~ x1 + x2", g, bias_correction="leeyu")
    with pytest.raises(ValueError, match="applies to fixed-effects models"):
        sc.sdm(df, "y ~ x1 + x2", g, effects="none", bias_correction="lee-yu")
    with pytest.raises(ValueError, match="no W·X terms"):
        sc.SpatialPanelModel(df, "y ~ x1 + x2", g, kind="sar", durbin=["x1"])
    with pytest.raises(ValueError, match="durbin names \\['x9'\\]"):
        sc.sdm(df, "y ~ x1 + x2", g, durbin=["x9"])
    with pytest.raises(ValueError, match="cannot evaluate formula"):
        sc.sdm(df, "y ~ nope", g)


def test_rho_at_bound_and_failure_raise():
    with pytest.raises(ConvergenceError, match="at the bound"):
        maximise(lambda r: r, (-1.0, 1.0), name="rho")
    with pytest.raises(ConvergenceError, match="not finite"):
        maximise(lambda r: np.nan, (-1.0, 1.0), name="rho")
