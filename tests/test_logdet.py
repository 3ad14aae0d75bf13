"""log|I − ρW| engines and trace approximations (issues 6 and 11).

The sparse-LU + spline route and the stochastic power-series traces are measured against
the exact eigenvalue route on a 30×30 lattice (N = 900), where both are affordable.
"""
import numpy as np
import pytest
import scipy.sparse as sp
from libpysal.graph import Graph
from libpysal.weights import lat2W

import spatialccd as sc
from spatialccd.models.logdet import EigenLogDet, SplineLogDet, eigenvalues, logdet_for, symmetrizer
from spatialccd.models.simulate import simulate_sdm


@pytest.fixture(scope="module")
def lattice():
    return sc.weights.from_matrix(Graph.from_W(lat2W(30, 30)).sparse, [f"c{i:03d}" for i in range(900)])


def test_eigen_logdet_equals_slogdet():
    W = sc.weights.contiguity().sparse
    ld = EigenLogDet.from_weights(W)
    assert not np.iscomplexobj(ld.omega)  # row-standardised symmetric contiguity: real spectrum
    for r in (-0.5, 0.2, 0.8):
        assert ld(r) == pytest.approx(np.linalg.slogdet(np.eye(31) - r * W.toarray())[1], rel=1e-12)
        h = 1e-5
        assert ld.d1(r) == pytest.approx((ld(r + h) - ld(r - h)) / (2 * h), rel=1e-6)
    lo, hi = ld.bounds
    assert hi == pytest.approx(1.0) and lo < -1


def test_symmetrizer_and_general_spectrum():
    W = sc.weights.contiguity().sparse
    d = symmetrizer(W)
    DW = sp.diags(d) @ W
    assert abs(DW - DW.T).max() < 1e-12
    knn = sc.weights.knn(k=3).sparse  # asymmetric pattern: general eigenvalues
    assert symmetrizer(knn) is None
    ev = eigenvalues(knn)
    np.testing.assert_allclose(np.sort_complex(ev), np.sort_complex(np.linalg.eigvals(knn.toarray())), atol=1e-8)


def test_unit_root_removal():
    W = sc.weights.contiguity().sparse
    ld = EigenLogDet.from_weights(W).without_unit_root()
    # Lee & Yu: log|I_{N−1} − ρW*| with W* = F'WF equals log|I − ρW| − log(1 − ρ)
    vals, vecs = np.linalg.eigh(np.eye(31) - np.ones((31, 31)) / 31)
    F = vecs[:, vals > 0.5]
    Wstar = F.T @ W.toarray() @ F
    assert ld(0.4) == pytest.approx(np.linalg.slogdet(np.eye(30) - 0.4 * Wstar)[1], rel=1e-10)


def test_spline_logdet_accuracy(lattice):
    W = lattice.sparse.tocsr()
    exact, approx = EigenLogDet.from_weights(W), SplineLogDet.from_weights(W)
    rho = np.linspace(-0.9, 0.95, 40)
    err = max(abs(exact(r) - approx(r)) for r in rho)
    assert err < 2e-3  # log-determinants of size ~10²–10³: relative error < 1e-5
    assert max(abs(exact.d1(r) - approx.d1(r)) / abs(exact.d1(r) - 1e-12) for r in rho if abs(r) > 0.05) < 1e-3
    np.testing.assert_allclose(approx.bounds, exact.bounds, atol=1e-6)
    mid = np.linspace(-0.7, 0.7, 15)
    assert np.abs(exact.mean_diag_inverse(mid) - approx.mean_diag_inverse(mid)).max() < 5e-3
    assert np.abs(exact.mean_diag_inverse_w(mid) - approx.mean_diag_inverse_w(mid)).max() < 5e-3
    for r in (0.3, 0.6):
        np.testing.assert_allclose(approx.traces(W, r), exact.traces(W, r), rtol=0.03)


def test_fit_with_sparse_route_matches_eigen(lattice):
    df = simulate_sdm(lattice.sparse, 5, rho=0.5, beta=[1, -0.5], theta=[0.5, 0.3], seed=1,
                      unit_ids=list(lattice.unique_ids))
    m = sc.SpatialPanelModel(df, "y ~ x1 + x2", lattice, unit="unit")
    a, b = m.fit(logdet="eigen"), m.fit(logdet="splu-spline")
    assert a.logdet_method == "eigen" and b.logdet_method == "splu-spline"
    assert b.rho == pytest.approx(a.rho, abs=1e-5)
    np.testing.assert_allclose(b.params, a.params, atol=1e-5)
    np.testing.assert_allclose(b.bse, a.bse, rtol=0.01)
    ea, eb = a.impacts(method="delta").to_frame(), b.impacts(method="delta").to_frame()
    np.testing.assert_allclose(eb[["direct", "indirect", "total"]], ea[["direct", "indirect", "total"]], atol=1e-3)


def test_logdet_for_selects_and_validates():
    W = sc.weights.contiguity().sparse
    assert logdet_for(W).method == "eigen"
    assert logdet_for(W, method="splu-spline").method == "splu-spline"
    with pytest.raises(ValueError, match="logdet method"):
        logdet_for(W, method="chebyshev")
