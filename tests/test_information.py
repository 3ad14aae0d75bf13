"""The analytical information matrix against the expected Hessian of explicit NT×NT likelihoods (issue 19).

For every effects × lag convention × bias correction the covariance a fit reports
(inverse information at the estimates θ̂) is compared with the inverse of

    J(θ̂) = −∂²/∂θ∂θ' E_θ̂[ℓ(θ)],

where ℓ is written with explicit Kronecker matrices and E_θ̂[ℓ(θ)] is available in
closed form for Gaussian errors (E‖Ry − m‖² = ‖Rμ − m‖² + σ²·tr(RCR')), so the
second derivatives are taken numerically on a function that shares no formula
with :func:`spatialccd.models.likelihood.lag_information`.  The likelihoods:

* ``lag_convention="exact"`` without Lee–Yu (direct approach): the raw model
  y = ρ(I⊗W)y + Zβ + Dγ + ε with the fixed effects γ as parameters (explicit dummy
  matrix D); the (β, ρ, σ²) block of J⁻¹ is the covariance of the concentrated
  (demeaned) likelihood;
* ``bias_correction="lee-yu"``: the likelihood of F'y, F = F_T ⊗ F_N orthonormal
  (Lee & Yu 2010), with t·log|I − ρF_N'WF_N|;
* ``lag_convention="splm"``: splm's model y* = ρ(I⊗W)y* + Z*β + ε on the demeaned data.
"""
import numpy as np
import pytest
import scipy.sparse as sp

import spatialccd as sc
from spatialccd.exceptions import SpatialCCDError
from spatialccd.models.likelihood import Likelihood, lag_information
from spatialccd.models.logdet import EigenLogDet
from spatialccd.models.simulate import simulate_sdm
from spatialccd.weights import from_matrix

from bruteforce import dummies, gaussian_expectation_of_sq, lee_yu_bases, numerical_hessian, within_matrix
from conftest import rook_lattice

N, T = 6, 4
EFFECTS = ("individual", "time", "twoways")


@pytest.fixture(scope="module")
def panel():
    ids = [f"r{i}" for i in range(N)]
    g = from_matrix(rook_lattice(2, 3), ids)
    W = g.sparse.toarray()
    df = simulate_sdm(sp.csr_matrix(W), T, rho=0.45, beta=[1.0, -0.6], theta=[0.8, 0.3], seed=11, unit_ids=ids,
                      unit_effects=0.0)
    # the error family gets data from a spatial error process, u = (I − 0.3W)⁻¹ε
    rng = np.random.default_rng(5)
    u = np.linalg.solve(np.eye(N) - 0.3 * W, rng.standard_normal((N, T))).T.ravel()
    df_sem = df.assign(y=df.x1 - 0.6 * df.x2 + np.repeat(rng.standard_normal(T), N) + u)
    return {"sdm": df, "sem": df_sem}, g


def expected_information(kind, y_mean, y_cov, Z, D, W, P, n, jac, theta0):
    """J = −Hessian of E[ℓ(θ)] at θ0 = (β, γ, s, σ²) for y ~ N(y_mean, y_cov).

    Lag: e = P((I⊗A(s))y − Zβ − Dγ); error: e = P(I⊗A(s))(y − Zβ − Dγ); A(s) = I − sW;
    ℓ = −n/2·log(2πσ²) + jac(s) − e'e/(2σ²).
    """
    M = np.column_stack([Z, D])
    k = M.shape[1]

    def expected_ll(p):
        b, s, s2 = p[:k], p[k], p[k + 1]
        R = np.kron(np.eye(T), np.eye(N) - s * W)
        if kind == "lag":
            ee = gaussian_expectation_of_sq(P @ R, P @ M @ b, y_mean, y_cov)
        else:
            ee = gaussian_expectation_of_sq(P @ R, P @ R @ M @ b, y_mean, y_cov)
        return -n / 2 * np.log(2 * np.pi * s2) + jac(s) - ee / (2 * s2)

    return -numerical_hessian(expected_ll, theta0)


def brute_force_cov(fit, model, kind, effects, correction):
    """Covariance of (β, spatial, σ²) from the explicit likelihood matching the fit's options."""
    d = model.design
    W = d.W.toarray()
    Zraw = np.column_stack([d.X, d.WX])
    beta = fit.params.to_numpy()[:-1]
    s0, s20 = fit.params.iloc[-1], fit.sigma2
    A0inv = np.kron(np.eye(T), np.linalg.inv(np.eye(N) - s0 * W))
    Q = within_matrix(effects, N, T)
    fe = 0.0   # fixed effects in the data that the likelihood does not parametrise
    if d.lag_convention == "splm" and effects != "individual":
        # splm's model on the demeaned data: y* ~ N(mean, σ²C) with no fixed effects left
        Z, D, P, n = Q @ Zraw, np.empty((N * T, 0)), np.eye(N * T), N * T
        gamma = np.empty(0)
        jac = lambda s: T * np.linalg.slogdet(np.eye(N) - s * W)[1]  # noqa: E731
    elif correction == "lee-yu":
        FT, FN = lee_yu_bases(effects, N, T)
        P, Z, D = np.kron(FT, FN).T, Zraw, np.empty((N * T, 0))
        n = P.shape[0]
        gamma = np.empty(0)
        Dfe = dummies(effects, N, T)
        fe = Dfe @ np.random.default_rng(0).standard_normal(Dfe.shape[1])  # F'·fe = 0
        Wstar = FN.T @ W @ FN
        jac = lambda s: FT.shape[1] * np.linalg.slogdet(np.eye(FN.shape[1]) - s * Wstar)[1]  # noqa: E731
    else:
        Z, D, P, n = Zraw, dummies(effects, N, T), np.eye(N * T), N * T
        gamma = np.random.default_rng(0).standard_normal(D.shape[1])
        jac = lambda s: T * np.linalg.slogdet(np.eye(N) - s * W)[1]  # noqa: E731
    mean = np.column_stack([Z, D]) @ np.r_[beta, gamma] + fe
    y_mean, y_cov = (A0inv @ mean if kind == "lag" else mean), s20 * A0inv @ A0inv.T
    theta0 = np.r_[beta, gamma, s0, s20]
    J = expected_information(kind, y_mean, y_cov, Z, D, W, P, n, jac, theta0)
    cov = np.linalg.inv(J)
    keep = np.r_[np.arange(len(beta)), len(beta) + len(gamma) + np.arange(2)]
    return cov[np.ix_(keep, keep)]


CASES = [(e, c, conv) for e in EFFECTS for c in (None, "lee-yu", "elhorst") for conv in ("exact", "splm")
         if not (c == "lee-yu" and conv == "splm" and e != "individual")] + [("none", None, "exact")]


@pytest.mark.parametrize("kind", ["sdm", "sem"])
@pytest.mark.parametrize("effects,correction,convention", CASES)
def test_information_equals_expected_hessian_of_kronecker_likelihood(panel, kind, effects, correction, convention):
    frames, g = panel
    model = sc.SpatialPanelModel(frames[kind], "y ~ x1 + x2", g, kind=kind, unit="unit", effects=effects,
                                 bias_correction=correction, lag_convention=convention, durbin=["x1"] if kind ==
                                 "sdm" else None)
    fit = model.fit()
    brute = brute_force_cov(fit, model, "lag" if kind == "sdm" else "error", effects, correction)
    m = len(fit.params)
    np.testing.assert_allclose(fit.cov_params().to_numpy(), brute[:m, :m], rtol=2e-6, atol=1e-9)
    assert fit.sigma2_se == pytest.approx(np.sqrt(brute[m, m]), rel=2e-6)


@pytest.mark.parametrize("effects", ["time", "twoways"])
def test_untransformed_mean_of_the_lag_was_wrong(panel, effects):
    """The pre-issue-19 ρρ term ‖(I⊗G)Z*β‖² is off with time effects; with Q it is exact."""
    frames, g = panel
    df = frames["sdm"]
    model = sc.SpatialPanelModel(df, "y ~ x1 + x2", g, kind="sdm", unit="unit", effects=effects, durbin=["x1"])
    fit = model.fit()
    d = model.design
    _, Z, _ = d.transformed()
    ld = EigenLogDet.from_weights(d.W)
    p = fit.params.to_numpy()
    args = (Z, p[:-1], p[-1], fit.sigma2, Likelihood(N * T, T, ld), d.W, N, T, ld.traces(d.W, p[-1]))
    brute = np.linalg.inv(brute_force_cov(fit, model, "lag", effects, None))
    new, old = lag_information(*args, transform=d.Q), lag_information(*args)
    k = Z.shape[1]
    assert new[k, k] == pytest.approx(brute[k, k], rel=1e-6)
    assert abs(old[k, k] / brute[k, k] - 1) > 1e-3       # the defect is visible at this size
    np.testing.assert_allclose(old[:k, k], new[:k, k], rtol=1e-12)  # Z*'QH = Z*'H: the cross term never moved


def test_lee_yu_refused_with_splm_convention_under_time_effects(panel):
    frames, g = panel
    df = frames["sdm"]
    for effects in ("time", "twoways"):
        with pytest.raises(SpatialCCDError, match="hybrid.*no reference tool"):
            sc.sdm(df, "y ~ x1 + x2", g, unit="unit", effects=effects, bias_correction="lee-yu",
                   lag_convention="splm")
    # with unit effects only the conventions coincide: accepted and identical
    a = sc.sdm(df, "y ~ x1 + x2", g, unit="unit", effects="individual", bias_correction="lee-yu",
               lag_convention="splm")
    b = sc.sdm(df, "y ~ x1 + x2", g, unit="unit", effects="individual", bias_correction="lee-yu")
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
    np.testing.assert_allclose(a.bse, b.bse, rtol=1e-10)
