"""Random-effects SAR/SDM (issue 7): the likelihood against a brute-force multivariate normal
density with the explicit NT×NT covariance, the analytical Hessian against a numerical one,
recovery of φ (and ρ, β, θ) by simulation, the FE limit, and bad input.
"""
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats
from scipy.sparse.linalg import splu

import spatialccd as sc
from spatialccd.models.logdet import logdet_for
from spatialccd.models.random_effects import RESample

BETA, THETA, RHO = np.array([1.0, -0.5]), np.array([0.5, 0.3]), 0.3


def simulate_re(g, T, *, sigma_mu, seed, intercept=2.0):
    """y_t = (I − ρW)⁻¹(c + X_tβ + WX_tθ + μ + ε_t), μ ~ N(0, σ_μ²) independent of X (RE assumption)."""
    W = g.sparse.tocsr()
    N = W.shape[0]
    rng = np.random.default_rng(seed)
    mu = sigma_mu * rng.standard_normal(N)
    lu = splu(sp.csc_matrix(sp.identity(N) - RHO * W))
    frames = []
    for t in range(T):
        X = rng.standard_normal((N, 2))
        y = lu.solve(intercept + X @ BETA + (W @ X) @ THETA + mu + rng.standard_normal(N))
        frames.append(pd.DataFrame({"province": list(g.unique_ids), "year": 2000 + t, "y": y,
                                    "x1": X[:, 0], "x2": X[:, 1]}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def provinces():
    return sc.weights.contiguity()


@pytest.fixture(scope="module")
def fitted(provinces):
    df = simulate_re(provinces, 6, sigma_mu=1.0, seed=5)
    model = sc.models.RandomEffectsModel(df, "y ~ x1 + x2", provinces, kind="sdm")
    return df, model, model.fit()


def test_loglik_equals_explicit_multivariate_normal(fitted):
    """ℓ = log N(By − Zβ; 0, σ_μ²(ι_Tι_T'⊗I_N) + σ²I) + T·log|B|, B = I − ρW, at the ML estimates."""
    _, model, res = fitted
    d = model.design
    N, T = d.N, d.T
    W = d.W.toarray()
    B = np.kron(np.eye(T), np.eye(N) - res.rho * W)
    Z = np.column_stack([d.X, d.WX])
    resid = B @ d.y - Z @ res.params.to_numpy()[:-1]
    omega = res.sigma2_mu * np.kron(np.ones((T, T)), np.eye(N)) + res.sigma2 * np.eye(N * T)
    ll = stats.multivariate_normal(np.zeros(N * T), omega).logpdf(resid) + T * np.linalg.slogdet(np.eye(N) - res.rho * W)[1]
    assert res.llf == pytest.approx(ll, rel=1e-10)
    assert res.phi ** 2 == pytest.approx(res.sigma2 / (T * res.sigma2_mu + res.sigma2), rel=1e-12)


def test_estimates_maximise_and_hessian_is_analytical(fitted):
    _, model, res = fitted
    d = model.design
    ys, Z, wy = d.transformed()
    s = RESample(ys, Z, wy, d.N, d.T, logdet_for(d.W))
    p = np.r_[res.params.to_numpy(), res.phi, res.sigma2]
    k = Z.shape[1]

    def ll(v):
        return s.loglik(v[:k], v[k], v[k + 1], v[k + 2])

    assert ll(p) == pytest.approx(res.llf, rel=1e-12)
    h = 1e-4 * np.maximum(np.abs(p), 1e-2)
    E = np.diag(h)
    num = np.array([[(ll(p + E[i] + E[j]) - ll(p + E[i] - E[j]) - ll(p - E[i] + E[j]) + ll(p - E[i] - E[j]))
                     / (4 * h[i] * h[j]) for j in range(len(p))] for i in range(len(p))])
    H = s.hessian(p[:k], p[k], p[k + 1], p[k + 2])
    np.testing.assert_allclose(H, num, rtol=1e-5, atol=1e-4 * np.abs(H).max())
    grad = np.array([(ll(p + E[i]) - ll(p - E[i])) / (2 * h[i]) for i in range(len(p))])
    np.testing.assert_allclose(grad, 0, atol=1e-4 * np.abs(H).max() ** 0.5)
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(np.linalg.inv(-H)))[:k + 1], rtol=1e-10)


def test_phi_and_parameters_recovered_by_simulation(provinces):
    """N=31, T=8, σ² = σ_μ² = 1: φ = (1/(8+1))^½ = 1/3; 30 replications centred on the truth."""
    est = []
    for rep in range(30):
        df = simulate_re(provinces, 8, sigma_mu=1.0, seed=100 + rep)
        r = sc.random_effects(df, "y ~ x1 + x2", provinces, kind="sdm")
        est.append(np.r_[r.phi, r.params.to_numpy(), r.sigma2_mu])
    mean = np.mean(est, axis=0)
    assert mean[0] == pytest.approx(1 / 3, abs=0.02)
    np.testing.assert_allclose(mean[1:7], np.r_[2.0, BETA, THETA, RHO], atol=0.08)
    assert mean[7] == pytest.approx(1.0, abs=0.2)


def test_large_unit_effects_approach_fixed_effects(provinces):
    """φ → 0 is the within estimator: with σ_μ² ≫ σ² the RE and FE estimates nearly coincide."""
    df = simulate_re(provinces, 8, sigma_mu=30.0, seed=7)
    re = sc.random_effects(df, "y ~ x1 + x2", provinces, kind="sar")
    fe = sc.sar(df, "y ~ x1 + x2", provinces, effects="individual")
    assert re.phi < 0.02
    np.testing.assert_allclose(re.params[fe.params.index], fe.params, atol=5e-3)  # gap is O(φ)


def test_twoways_and_presentation(provinces):
    df = simulate_re(provinces, 6, sigma_mu=1.0, seed=9)
    df["y"] += np.repeat(np.random.default_rng(1).normal(size=6) * 3, 31)   # time effects
    r = sc.random_effects(df, "y ~ x1 + x2", provinces, kind="sdm", effects="twoways")
    assert "Intercept" not in r.params.index and r.k_params == len(r.params) + 2
    assert "random unit effects, time fixed effects" in str(r) and "sigma_mu^2" in str(r)
    imp = r.impacts(method="delta").to_frame()
    assert imp.loc["x1", "total"] == pytest.approx((r.params["x1"] + r.params["W_x1"]) / (1 - r.rho), rel=1e-10)
    with pytest.raises(ValueError, match="no fixed unit effects"):
        r.fixed_effects()


def test_undefined_random_effects_raise(provinces):
    df = simulate_re(provinces, 4, sigma_mu=1.0, seed=2)
    with pytest.raises(ValueError, match="kind in"):
        sc.random_effects(df, "y ~ x1 + x2", provinces, kind="sem")
    for eff in ("time", "none"):
        with pytest.raises(ValueError, match="random effects are unit effects"):
            sc.random_effects(df, "y ~ x1 + x2", provinces, effects=eff)
    with pytest.raises(ValueError, match="at least 2 periods"):
        sc.random_effects(df[df["year"] == 2000], "y ~ x1 + x2", provinces)


def test_profile_moments_from_the_reduced_qr_equal_least_squares_on_every_row():
    """The m × m reduction [R_w; φR_b] gives the coefficients and residual sums of squares of least squares
    on the NT quasi-demeaned rows (brute force with numpy.linalg.lstsq), at any φ."""
    from spatialccd.models.likelihood import LagMoments
    from spatialccd.models.random_effects import RESample, quasi_demean

    rng = np.random.default_rng(11)
    N, T = 37, 6
    y, wy = rng.normal(size=N * T), rng.normal(size=N * T)
    Z = np.column_stack([np.ones(N * T), rng.normal(size=(N * T, 3)) * [1.0, 100.0, 1e-3]])
    sample = RESample(y, Z, wy, N, T, logdet=None)
    for phi in (1e-3, 0.2, 0.77, 1.0):
        full = LagMoments.from_arrays(*(quasi_demean(a, phi, N, T) for a in (y, Z, wy)))
        fast = sample.moments(phi)
        for name in ("b0", "bd"):
            np.testing.assert_allclose(getattr(fast, name), getattr(full, name), rtol=1e-9, atol=1e-12)
        for name in ("ee00", "ee0d", "eedd"):
            assert getattr(fast, name) == pytest.approx(getattr(full, name), rel=1e-10, abs=1e-12)
