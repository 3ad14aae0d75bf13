"""log|I − ρW| engines, their traces and the likelihood search (issues 6, 11 and 22).

The exact sparse-LU engine is measured against the exact eigenvalue route (and dense
matrices) on a 30×30 lattice and on an asymmetric kNN graph (N = 900), where both are
affordable.  References: numpy ``slogdet``/``eigvals``/``solve`` on the dense matrices.
"""
import numpy as np
import pytest
import scipy.sparse as sp
from libpysal.graph import Graph
from libpysal.weights import lat2W

import spatialccd as sc
from spatialccd.exceptions import ConvergenceError
from spatialccd.models.fit import maximise
from bruteforce import traces_G
from spatialccd.models.logdet import (EigenLogDet, SparseLogDet, cheap_bounds, eigenvalues, logdet_for,
                                      symmetrizer)
from spatialccd.models.simulate import simulate_sdm


@pytest.fixture(scope="module")
def lattice():
    return sc.weights.from_matrix(Graph.from_W(lat2W(30, 30)).sparse, [f"c{i:03d}" for i in range(900)])


def knn_matrix(n: int, k: int, seed: int) -> sp.csr_matrix:
    """Row-standardised k-nearest-neighbour W of n uniform points (asymmetric, complex spectrum)."""
    pts = np.random.default_rng(seed).uniform(size=(n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    cols = np.argsort(d, axis=1)[:, :k].ravel()
    return sp.csr_matrix((np.full(n * k, 1 / k), (np.repeat(np.arange(n), k), cols)), shape=(n, n))


@pytest.fixture(scope="module")
def knn():
    return knn_matrix(900, 6, seed=5)


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


@pytest.mark.parametrize("graph", ["lattice", "knn"])
def test_sparse_lu_values_and_derivatives_are_exact(graph, lattice, knn):
    W = lattice.sparse.tocsr() if graph == "lattice" else knn
    exact, lu = EigenLogDet.from_weights(W), SparseLogDet.from_weights(W)
    for r in (-0.9, -0.3, 0.2, 0.6, 0.95):
        assert lu(r) == pytest.approx(exact(r), rel=1e-12, abs=1e-10)
        assert lu.d1(r) == pytest.approx(exact.d1(r), rel=1e-9)      # −tr(G): 5-point stencil of exact values
        assert lu.d2(r) == pytest.approx(exact.d2(r), rel=1e-7)      # −tr(G²)
        assert lu.without_unit_root().d1(r) == pytest.approx(exact.without_unit_root().d1(r), rel=1e-9)


def test_cheap_bounds_need_no_eigenvalues(lattice, knn):
    W = lattice.sparse.tocsr()
    lo, hi, exact = cheap_bounds(W)
    assert (lo, hi, exact) == (pytest.approx(-1.0, abs=1e-14), pytest.approx(1.0, abs=1e-14), False)  # Perron root 1
    ev = eigenvalues(W)
    ld = SparseLogDet.from_weights(W)
    assert ld.widen_lower() == pytest.approx((1 / ev.min(), 1.0), rel=1e-8)   # Lanczos: exact lower end
    assert ld.widen_lower() is None                                           # … only once
    assert cheap_bounds(knn)[:2] == (pytest.approx(-1.0, abs=1e-14), pytest.approx(1.0, abs=1e-14))
    binary = sp.csr_matrix(Graph.from_W(lat2W(6, 7)).sparse)                 # not row-standardised
    ev = np.linalg.eigvalsh(binary.toarray())
    lo, hi, _ = cheap_bounds(binary)
    assert hi == pytest.approx(1 / ev.max(), rel=1e-10) and lo == pytest.approx(-1 / ev.max(), rel=1e-10)


@pytest.mark.parametrize("graph", ["lattice", "knn"])
def test_sparse_lu_traces_match_dense(graph, lattice, knn):
    W = lattice.sparse.tocsr() if graph == "lattice" else knn
    ld = SparseLogDet.from_weights(W)
    for r in (0.3, 0.9):
        np.testing.assert_allclose(ld.traces(W, r), traces_G(W, r), rtol=1e-8)
        ur = ld.without_unit_root()
        np.testing.assert_allclose(ur.traces(W, r), traces_G(W, r, unit_root=True), rtol=1e-8)
    assert "exact" in ld.trace_method


def test_stochastic_part_of_trGtG_within_its_stated_error(knn, monkeypatch):
    """Above the exact-by-columns budget tr(G'G) is Hutchinson with a control variate: its error is
    within 4 of its reported standard errors and the s.e. meets the requested tolerance."""
    import spatialccd.models.logdet as L

    monkeypatch.setattr(L, "EXACT_COLUMNS_BUDGET", 0)
    monkeypatch.setattr(L, "EXACT_COLUMNS_MAX", 0)
    exact = traces_G(knn, 0.6)[2]
    for tol in (1e-3, 1e-4):
        ld = SparseLogDet.from_weights(knn, trace_tol=tol)
        est = ld.traces(knn, 0.6)[2]
        how, _, se, p = ld._cache["asym"][0.6]
        assert how in ("hutchinson", "hutchinson-cv") and 32 <= p <= ld.max_probes
        assert se <= tol * exact * 1.01 and abs(est - exact) <= 4 * se + 1e-9 * exact
        assert f"{p} probes" in ld.trace_method


@pytest.mark.parametrize("graph", ["lattice", "knn"])
def test_effects_traces_exact_at_draws(graph, lattice, knn):
    W = lattice.sparse.tocsr() if graph == "lattice" else knn
    exact, ld = EigenLogDet.from_weights(W), SparseLogDet.from_weights(W)
    rng = np.random.default_rng(0)
    for centre, spread in ((0.4, 0.02), (0.95, 0.015), (0.5, 1e-7)):   # simulation draws; delta-method nudges
        rho = centre + spread * rng.standard_normal(500)
        rho = rho[rho < 0.999]   # draws outside the admissible interval are dropped (effects.compute_impacts)
        np.testing.assert_allclose(ld.mean_diag_inverse_w(rho), exact.mean_diag_inverse_w(rho), rtol=1e-9)
        np.testing.assert_allclose(ld.mean_diag_inverse(rho), exact.mean_diag_inverse(rho), rtol=1e-9)
    assert "Chebyshev" in ld.trace_method


def test_maximise_polishes_beyond_value_resolution():
    """ℓ(r) = A log(1 − r) + B log(1 + r) peaks at r* = (B − A)/(A + B); at |ℓ| ~ 1e5 a value-only
    search resolves r* to ~1e-8, the Newton polish on the exact objective to ~1e-12."""
    A, B = 3.0e5, 4.0e5
    r = maximise(lambda x: A * np.log1p(-x) + B * np.log1p(x) - 1e6, (-1.0, 1.0), name="rho")
    assert abs(r - (B - A) / (A + B)) < 1e-11
    with pytest.raises(ConvergenceError, match="at the bound"):
        maximise(lambda x: x, (-1.0, 1.0), name="rho")


def test_maximise_widens_a_conservative_lower_bound():
    calls = []

    def widen():
        calls.append(1)
        return (-2.0, 1.0)

    r = maximise(lambda x: -(x + 1.5) ** 2, (-1.0, 1.0), name="rho", widen=widen)
    assert calls == [1] and r == pytest.approx(-1.5, abs=1e-10)


@pytest.mark.parametrize("graph,rho,kind,options", [
    ("lattice", 0.5, "sdm", {}),
    ("knn", 0.95, "sdm", {}),
    ("lattice", 0.6, "sem", {"bias_correction": "lee-yu"}),          # λ search, unit-root log-det
    ("lattice", 0.3, "sar", {"cov_type": "hessian"}),                 # d²/dρ² log|I − ρW| in the Hessian
])
def test_fit_sparse_route_equals_eigen(graph, rho, kind, options, lattice, knn):
    if graph == "lattice":
        g = lattice
    else:
        g = sc.weights.from_matrix(knn, [f"u{i:04d}" for i in range(900)], transform="r")
    df = simulate_sdm(g.sparse, 6, rho=rho, beta=[1, -0.5], theta=[0.5, 0.3], seed=1,
                      unit_ids=list(g.unique_ids))
    cov_type = options.get("cov_type", "information")
    m = sc.SpatialPanelModel(df, "y ~ x1 + x2", g, unit="unit", kind=kind,
                             bias_correction=options.get("bias_correction"))
    a, b = m.fit(logdet="eigen", cov_type=cov_type), m.fit(logdet="splu", cov_type=cov_type)
    assert a.logdet_method == "eigen" and b.logdet_method == "splu (exact, polished)"
    np.testing.assert_allclose(b.params, a.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(b.bse, a.bse, rtol=1e-6)
    assert b.llf == pytest.approx(a.llf, rel=1e-12)
    if kind == "sem":
        return
    assert abs(b.rho - a.rho) < 1e-9
    ea, eb = a.impacts(method="delta").to_frame(), b.impacts(method="delta").to_frame()
    cols = ["direct", "indirect", "total", "direct_se", "indirect_se", "total_se"]
    np.testing.assert_allclose(eb[cols], ea[cols], rtol=1e-6)


def test_logdet_for_selects_and_validates():
    W = sc.weights.contiguity().sparse
    assert logdet_for(W).method == "eigen"
    assert logdet_for(W, method="splu").method == "splu (exact, polished)"
    with pytest.raises(ValueError, match="logdet method"):
        logdet_for(W, method="splu-spline")
