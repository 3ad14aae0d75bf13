"""No dense N×N matrix in the SAC/GNS information, the dynamic-panel bias correction and Moran's I
of residuals (issue 22).

Each sparse version equals a dense brute-force version written here (explicit inverses; Lee & Yu's
(N−1)-dimensional traces through the orthonormal basis F of 1⊥, ``bruteforce.complement``) at
N = 49 (7×7 rook lattice) and N = 31 (the province contiguity) to 1e-10, and runs at N ≈ 20,000
(141×142 rook lattice) with a tracemalloc peak far below one dense N×N float64 matrix
(3.2 GB), the SAC information on its own and a whole SAC fit (T = 3) among them.  Memory only: their
speed is measured in benchmarks/, never asserted here.
"""
import importlib
import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from spatialccd.autocorrelation import moran_residuals
from spatialccd.exceptions import SpatialCCDError
from spatialccd.models.dynamic import dynamic_panel, expected_score
from spatialccd.models.logdet import SparseLogDet, logdet_for
from spatialccd.models.sac import sac
from spatialccd.models.sactraces import SACTraces, sac_traces, trace_hg
from spatialccd.weights import contiguity, from_matrix, to_sparse

from bruteforce import complement

sac_module = importlib.import_module("spatialccd.models.sac")      # the package exports a function `sac`
dynamic_module = importlib.import_module("spatialccd.models.dynamic")

DENSE_BYTES = 20_000 ** 2 * 8          # one dense N×N float64 matrix at N = 20,000: 3.2 GB
PEAK_LIMIT = 1e9


# --------------------------------------------------------------------------- weights
def grid(rows: int, cols: int, *, queen: bool = False) -> sp.csr_matrix:
    """Binary rook (or queen) contiguity of a rows×cols lattice, sparse."""
    idx = np.arange(rows * cols).reshape(rows, cols)
    pairs = [(idx[:, :-1], idx[:, 1:]), (idx[:-1, :], idx[1:, :])]
    if queen:
        pairs += [(idx[:-1, :-1], idx[1:, 1:]), (idx[:-1, 1:], idx[1:, :-1])]
    i = np.concatenate([a.ravel() for a, _ in pairs])
    j = np.concatenate([b.ravel() for _, b in pairs])
    a = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(rows * cols,) * 2).tocsr()
    return (a + a.T).tocsr()


def row_std(a) -> sp.csr_matrix:
    a = sp.csr_matrix(a, dtype=float)
    return sp.csr_matrix(sp.diags(1 / np.asarray(a.sum(axis=1)).ravel()) @ a)


def provinces() -> tuple[sp.csr_matrix, sp.csr_matrix, pd.Index]:
    """W: the 31-province contiguity; M: row-standardised second-order neighbours (an M ≠ W); the codes."""
    g = contiguity()
    W = sp.csr_matrix(to_sparse(g, g.unique_ids), dtype=float)
    second = sp.csr_matrix(((W @ W) > 0).astype(float))
    second.setdiag(0)
    second.eliminate_zeros()
    return W, row_std(second), g.unique_ids


LATTICE, QUEEN = row_std(grid(7, 7)), row_std(grid(7, 7, queen=True))
PROVINCES, SECOND_ORDER, PROVINCES_IDS = provinces()
PAIRS = {"lattice M=W": (LATTICE, LATTICE), "lattice M=queen": (LATTICE, QUEEN),
         "provinces M=W": (PROVINCES, PROVINCES), "provinces M=second order": (PROVINCES, SECOND_ORDER)}


def measured(fn):
    """(result, tracemalloc peak in bytes) of fn() — memory only: speed is measured in benchmarks/."""
    tracemalloc.start()
    try:
        out = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return out, peak


def assert_lean(peak: float):
    assert peak < PEAK_LIMIT and peak < DENSE_BYTES / 3, f"tracemalloc peak {peak / 1e6:.0f} MB"


# --------------------------------------------------------------------------- (a) SAC/GNS information
def dense_sac_traces(W, M, rho, lam, *, unit_root=False) -> dict:  # noqa: N803
    """The eight traces with explicit inverses; Lee–Yu: of F'WF and F'MF on the (N−1)-dimensional space."""
    W, M = np.asarray(W.toarray()), np.asarray(M.toarray())
    if unit_root:
        F = complement(W.shape[0])
        W, M = F.T @ W @ F, F.T @ M @ F
    n = W.shape[0]
    B = np.eye(n) - lam * M
    G = W @ np.linalg.inv(np.eye(n) - rho * W)
    H = M @ np.linalg.inv(B)
    Gb = B @ G @ np.linalg.inv(B)
    tr = np.trace
    return {"G": tr(Gb), "H": tr(H), "GG": tr(Gb @ Gb), "GtG": tr(Gb.T @ Gb), "HH": tr(H @ H),
            "HtH": tr(H.T @ H), "GtH": tr(Gb.T @ H), "HG": tr(H @ Gb)}


def engines(W, M, unit_root, *, sparse=False):  # noqa: N803
    make = SparseLogDet.from_weights if sparse else logdet_for
    ld_w = make(W)
    ld_m = ld_w if M is W else make(M)
    if unit_root:
        ld_w, ld_m = ld_w.without_unit_root(), ld_m.without_unit_root()
    return ld_w, ld_m


def max_rel(a: dict, b: dict) -> float:
    return max(abs(a[k] - b[k]) / abs(b[k]) for k in b)


@pytest.mark.parametrize("unit_root", [False, True])
@pytest.mark.parametrize("pair", list(PAIRS))
def test_sac_traces_equal_dense(pair, unit_root):
    W, M = PAIRS[pair]
    ref = dense_sac_traces(W, M, 0.35, 0.3, unit_root=unit_root)
    new = sac_traces(W, M, 0.35, 0.3, *engines(W, M, unit_root))        # eigen engines, exact route
    assert "exact by N sparse solves" in new.method and "eigenvalues (exact)" in new.method
    assert max_rel(new.values, ref) < 1e-10
    assert all(v == 0 for v in new.std_errors.values())
    sparse = sac_traces(W, M, 0.35, 0.3, *engines(W, M, unit_root, sparse=True))   # sparse-LU engines
    assert "5-point derivatives" in sparse.method
    assert max_rel(sparse.values, ref) < 2e-9         # the stencils: ~1e-10, up to 8e-10 after the unit-root shift


@pytest.mark.parametrize("pair", ["lattice M=W", "lattice M=queen", "provinces M=second order"])
def test_sac_traces_stochastic_route_is_within_its_standard_errors(pair):
    """The route taken above the exact-solve limit, forced at small N: tr(HG) by log-det derivatives to
    ~1e-10, the Frobenius traces within 5 of their reported standard errors."""
    W, M = PAIRS[pair]
    for unit_root in (False, True):
        ref = dense_sac_traces(W, M, 0.4, -0.25, unit_root=unit_root)
        new = sac_traces(W, M, 0.4, -0.25, *engines(W, M, unit_root), exact=False, seed=3)
        assert "Hutchinson" in new.method and "probes" in new.method
        for key in ("G", "H", "GG", "HH", "HG"):
            assert new[key] == pytest.approx(ref[key], rel=1e-9), key
        for key in ("GtG", "HtH", "GtH"):
            assert 0 < new.std_errors[key] < 1e-2 * abs(ref[key])      # 4096 probes at N ≤ 49
            assert abs(new[key] - ref[key]) < 5 * new.std_errors[key], key


def test_trace_hg_and_the_symmetric_case():
    W = sp.csr_matrix(grid(5, 5) / 4.0)                                  # symmetric, ‖W‖∞ = 1
    ref = dense_sac_traces(W, W, 0.3, 0.5)
    new = sac_traces(W, W, 0.3, 0.5, *engines(W, W, False), exact=False)
    assert "M = W symmetric, exact" in new.method
    assert max_rel(new.values, ref) < 1e-9
    with pytest.raises(SpatialCCDError, match="needs"):
        trace_hg(LATTICE, LATTICE, 1.2, 0.1)


def dense_mean_rho(d, M, Zb, rho, lam):  # noqa: N803
    """(I_T ⊗ (I − λM)(I − ρW)⁻¹W)Z*β with dense N×N matrices, then Q under the exact convention."""
    Wd, Md, eye = d.W.toarray(), M.toarray(), np.eye(d.N)
    BG = (eye - lam * Md) @ np.linalg.solve(eye - rho * Wd, Wd)
    m = (Zb.reshape(d.T, d.N) @ BG.T).ravel()
    return d.Q(m) if d.lag_convention == "exact" else m


def simulate_sac(W, M, T, seed, *, rho=0.4, lam=0.3, beta=(1.0, -0.5)):  # noqa: N803
    """Long panel of y = (I − ρW)⁻¹(Xβ + α_t + u), u = (I − λM)⁻¹ε, by sparse LU."""
    N = W.shape[0]
    rng = np.random.default_rng(seed)
    A, B = (splu(sp.csc_matrix(sp.identity(N) - c * P)) for c, P in ((rho, W), (lam, M)))
    ids = [f"u{i:05d}" for i in range(N)]
    frames = []
    for t in range(T):
        x = rng.standard_normal((N, 2))
        y = A.solve(x @ np.asarray(beta) + rng.standard_normal() + B.solve(0.5 * rng.standard_normal(N)))
        frames.append(pd.DataFrame({"unit": ids, "year": 2000 + t, "y": y, "x1": x[:, 0], "x2": x[:, 1]}))
    return pd.concat(frames, ignore_index=True), ids


@pytest.mark.parametrize("effects,convention,correction", [("twoways", "exact", None), ("individual", "splm", None),
                                                           ("twoways", "exact", "lee-yu")])
@pytest.mark.parametrize("own_m", [False, True])
def test_sac_fit_equals_the_dense_information(monkeypatch, effects, convention, correction, own_m):
    """The whole SAC fit with the sparse information equals the same fit with the dense one (to 1e-10)."""
    M = QUEEN if own_m else LATTICE
    df, ids = simulate_sac(LATTICE, M, 4, 7)
    kw = dict(m=from_matrix(M, ids) if own_m else None, unit="unit", effects=effects, lag_convention=convention,
              bias_correction=correction)
    fit = sac(df, "y ~ x1 + x2", from_matrix(LATTICE, ids), **kw)
    assert "SAC information" in fit.trace_method and "exact by N sparse solves" in fit.trace_method

    def dense_traces(W, M, rho, lam, ld_w, ld_m):  # noqa: N803
        return SACTraces(dense_sac_traces(W, M, rho, lam, unit_root=ld_w.unit_root), "dense", {})

    monkeypatch.setattr(sac_module, "sac_traces", dense_traces)
    monkeypatch.setattr(sac_module, "mean_rho_score", dense_mean_rho)
    ref = sac(df, "y ~ x1 + x2", from_matrix(LATTICE, ids), **kw)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=0, atol=0)
    np.testing.assert_allclose(fit.cov_params().to_numpy(), ref.cov_params().to_numpy(), rtol=1e-10, atol=1e-15)
    assert fit.sigma2_se == pytest.approx(ref.sigma2_se, rel=1e-10)


def test_sac_results_say_how_traces_were_computed():
    df, ids = simulate_sac(LATTICE, LATTICE, 4, 2)
    g = from_matrix(LATTICE, ids)
    info = sac(df, "y ~ x1 + x2", g, unit="unit")
    hess = sac(df, "y ~ x1 + x2", g, unit="unit", cov_type="hessian")
    assert info.logdet_method == "eigen" and "Traces" in str(info)
    assert info.trace_method.startswith("SAC information:") and "log|I-rW| engine: eigen" in info.trace_method
    assert hess.trace_method.startswith("log|I-rW| engine:")


@pytest.mark.slow
@pytest.mark.parametrize("own_m", [False, True])
def test_sac_information_traces_at_n_20000(own_m):
    W = row_std(grid(141, 142))
    M = row_std(grid(141, 142, queen=True)) if own_m else W
    ld_w = logdet_for(W)
    ld_m = logdet_for(M) if own_m else ld_w
    tr, peak = measured(lambda: sac_traces(W, M, 0.4, 0.3, ld_w, ld_m))
    assert_lean(peak)
    assert "Hutchinson" in tr.method and "5-point derivative of exact sparse-LU" in tr.method
    for key in ("GtG", "HtH", "GtH"):     # the requested accuracy is reached within the probe budget
        assert tr.std_errors[key] <= 3e-5 * abs(tr[key])
    if not own_m:
        # independent routes: tr(G_ρ G_λ) = (tr G_ρ − tr G_λ)/(ρ − λ) for M = W, and the static models'
        # tr(G'G) at ρ and at λ (their own Hutchinson estimate of the asymmetric part)
        assert tr["HG"] == pytest.approx((ld_w.d1(0.3) - ld_w.d1(0.4)) / 0.1, rel=1e-9)
        for key, value in (("GtG", ld_w.traces(W, 0.4)[2]), ("HtH", ld_w.traces(W, 0.3)[2])):
            assert abs(tr[key] - value) < 5 * tr.std_errors[key] + 1e-9 * value


@pytest.mark.slow
def test_sac_fit_at_n_20000():
    """The whole SAC fit (sparse-LU engine, stochastic information traces): lean, recovers θ."""
    W = row_std(grid(141, 142))
    df, ids = simulate_sac(W, W, 3, 11)
    g = from_matrix(W, ids)
    fit, peak = measured(lambda: sac(df, "y ~ x1 + x2", g, unit="unit"))
    assert_lean(peak)
    assert fit.logdet_method.startswith("splu (exact") and "Hutchinson" in fit.trace_method
    truth = pd.Series({"x1": 1.0, "x2": -0.5, "rho": 0.4, "lambda": 0.3})
    assert np.all(np.abs(fit.params - truth) < 4 * fit.bse)


# --------------------------------------------------------------------------- (b) dynamic bias correction
def dense_expected_score(W, tau, eta, rho, sigma2, *, time_transformed):  # noqa: N803
    """YDJL's b(θ) from explicit matrices; Lee–Yu: tr(F'PF) = tr P − 1'P1/N."""
    W = np.asarray(W.toarray())
    N = W.shape[0]
    eye = np.eye(N)
    Si = np.linalg.inv(eye - rho * W)
    Bm = tau * eye + eta * W
    Psi = np.linalg.inv(eye - Si @ Bm) @ Si
    G = W @ Si
    F = complement(N) if time_transformed else eye

    def tr(P):
        return np.trace(F.T @ P @ F)

    n_cs = N - 1 if time_transformed else N
    return -tr(Psi), -tr(W @ Psi), -tr(G) - tr(G @ Bm @ Psi), -n_cs / (2 * sigma2)


@pytest.mark.parametrize("time_transformed", [False, True])
@pytest.mark.parametrize("name", ["lattice", "provinces", "binary lattice"])
def test_expected_score_equals_dense(name, time_transformed):
    W = {"lattice": LATTICE, "provinces": PROVINCES, "binary lattice": grid(7, 7) / 3.0}[name]
    for tau, eta, rho in ((0.4, 0.1, 0.3), (0.2, -0.15, 0.5), (0.6, 0.2, -0.3)):
        ref = dense_expected_score(W, tau, eta, rho, 0.25, time_transformed=time_transformed)
        np.testing.assert_allclose(expected_score(W, tau, eta, rho, 0.25, time_transformed=time_transformed),
                                   ref, rtol=1e-10)
        ld = SparseLogDet.from_weights(W)                  # the engine used above the eigenvalue limit
        np.testing.assert_allclose(expected_score(W, tau, eta, rho, 0.25, time_transformed=time_transformed,
                                                  logdet=ld), ref, rtol=1e-9)


def test_expected_score_refuses_a_non_stationary_point_with_the_sparse_engine():
    with pytest.raises(SpatialCCDError, match="not stationary"):
        expected_score(LATTICE, 0.9, 0.3, 0.3, 1.0, time_transformed=False, logdet=SparseLogDet.from_weights(LATTICE))


def simulate_dynamic(W, T, seed, *, tau=0.4, eta=0.1, rho=0.3, beta=1.0, theta=0.5, burn=10,  # noqa: N803
                     time_sd=1.0):
    """T + 1 recorded periods of the dynamic SDM with unit effects and time effects (sd ``time_sd``), by sparse LU."""
    N = W.shape[0]
    rng = np.random.default_rng(seed)
    S = splu(sp.csc_matrix(sp.identity(N) - rho * W))
    mu, y = rng.standard_normal(N), np.zeros(N)
    ids = [f"u{i:05d}" for i in range(N)]
    frames = []
    for t in range(burn + T + 1):
        x = rng.standard_normal(N)
        y = S.solve(tau * y + eta * (W @ y) + beta * x + theta * (W @ x) + mu + time_sd * rng.standard_normal()
                    + 0.5 * rng.standard_normal(N))
        if t >= burn:
            frames.append(pd.DataFrame({"unit": ids, "year": 2000 + t - burn, "y": y, "x": x}))
    return pd.concat(frames, ignore_index=True), ids


@pytest.mark.parametrize("effects,correction", [("individual", "yu-de-jong-lee"), ("twoways", "lee-yu")])
def test_dynamic_fit_equals_the_dense_bias_correction(monkeypatch, effects, correction):
    df, ids = simulate_dynamic(LATTICE, 6, 3)
    g = from_matrix(LATTICE, ids)
    fit = dynamic_panel(df, "y ~ x", g, unit="unit", effects=effects, bias_correction=correction)
    assert "bias correction" in fit.trace_method and "Traces" in str(fit)

    def dense(W, tau, eta, rho, sigma2, *, time_transformed, logdet=None):  # noqa: N803
        return dense_expected_score(W, tau, eta, rho, sigma2, time_transformed=time_transformed)

    monkeypatch.setattr(dynamic_module, "expected_score", dense)
    ref = dynamic_panel(df, "y ~ x", g, unit="unit", effects=effects, bias_correction=correction)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(fit.cov_params().to_numpy(), ref.cov_params().to_numpy(), rtol=1e-9, atol=1e-15)


@pytest.mark.slow
def test_dynamic_panel_with_bias_correction_at_n_20000():
    W = row_std(grid(141, 142))
    df, ids = simulate_dynamic(W, 4, 5, time_sd=0.0)       # unit effects only, as the correction assumes
    g = from_matrix(W, ids)
    fit, peak = measured(lambda: dynamic_panel(df, "y ~ x", g, unit="unit", effects="individual",
                                                        bias_correction="yu-de-jong-lee"))
    assert_lean(peak)
    assert fit.N == 141 * 142 and fit.logdet_method.startswith("splu")
    assert "bias correction" in fit.trace_method and "Hutchinson" in fit.trace_method
    truth = pd.Series({"tau": 0.4, "eta": 0.1, "x": 1.0, "W_x": 0.5, "rho": 0.3})
    assert np.all(np.abs(fit.params[truth.index] - truth) < 5 * fit.bse[truth.index] + 0.01)


# --------------------------------------------------------------------------- (c) Moran's I of OLS residuals
def dense_moran_residuals(y: np.ndarray, X: np.ndarray, W) -> dict:  # noqa: N803
    """Cliff & Ord (1981, ch. 8) with M = I − X(X'X)⁻¹X' and W as explicit n×n matrices."""
    n, k = X.shape
    Wd = np.asarray(W.toarray())
    M = np.eye(n) - X @ np.linalg.solve(X.T @ X, X.T)
    e, MW, c = M @ y, M @ Wd, n / Wd.sum()
    ei = c * np.trace(MW) / (n - k)
    var = c ** 2 * (np.trace(MW @ M @ Wd.T) + np.trace(MW @ MW) + np.trace(MW) ** 2) / ((n - k) * (n - k + 2)) - ei ** 2
    return {"I": c * (e @ Wd @ e) / (e @ e), "E_I": ei, "var": var}


@pytest.mark.parametrize("name", ["lattice", "provinces", "binary lattice"])
def test_moran_residuals_equal_dense(name):
    W = {"lattice": LATTICE, "provinces": PROVINCES, "binary lattice": grid(7, 7)}[name]
    n = W.shape[0]
    ids = list(PROVINCES_IDS) if name == "provinces" else [f"u{i:05d}" for i in range(n)]
    rng = np.random.default_rng(8)
    X = pd.DataFrame(rng.standard_normal((n, 3)), index=ids, columns=["a", "b", "c"])
    y = pd.Series(X.to_numpy() @ [1.0, -1.0, 0.5] + rng.standard_normal(n) + 0.3 * (W @ rng.standard_normal(n)),
                  index=ids)
    res = moran_residuals(y, X, from_matrix(W, ids, transform="o") if name == "binary lattice"
                          else from_matrix(W, ids))
    ref = dense_moran_residuals(y.to_numpy(), np.column_stack([np.ones(n), X.to_numpy()]), W)
    for key, value in ref.items():
        assert res[key] == pytest.approx(value, rel=1e-10), key


@pytest.mark.slow
def test_moran_residuals_at_n_20000():
    W = grid(141, 142)
    n = W.shape[0]
    ids = [f"u{i:05d}" for i in range(n)]
    g = from_matrix(W, ids)
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.standard_normal((n, 4)), index=ids, columns=list("abcd"))
    y = pd.Series(X.sum(axis=1).to_numpy() + rng.standard_normal(n), index=ids)
    res, peak = measured(lambda: moran_residuals(y, X, g))
    assert_lean(peak)
    assert res["n"] == n and abs(res["z"]) < 5          # no autocorrelation in these residuals
    assert res["E_I"] == pytest.approx(-1 / n, rel=0.2)  # the constant's tr(Q'WQ) = S0/n dominates tr(MW)


@pytest.mark.parametrize("queen_m", [False, True])
def test_sac_polished_search_equals_the_search_on_exact_values(queen_m, monkeypatch):
    """The SAC/GNS maximum located on the sparse engine's power series and Newton-polished on exact values
    equals the nested 81-point grid + Brent search on exact values only (the former default), N = 900."""
    sac_module = importlib.import_module("spatialccd.models.sac")
    from spatialccd.models.likelihood import LOG2PI

    W = row_std(grid(30, 30))
    M = row_std(grid(30, 30, queen=True)) if queen_m else W
    df, ids = simulate_sac(W, M, 4, 3)
    g, m = from_matrix(W, ids), (from_matrix(M, ids) if queen_m else None)
    fit = sac(df, "y ~ x1 + x2", g, m=m, unit="unit", effects="individual")
    assert fit.logdet_method.startswith("splu (exact; located on the power series, Newton-polished")
    polished = []

    def exact_only(mom, n, tj, ld_w, ld_m):
        def llc(r, lm):
            return -n / 2 * (LOG2PI + 1) - n / 2 * np.log(mom.beta_ssr(r, lm)[1] / n) + tj * (ld_w(r) + ld_m(lm))
        out = sac_module._profile_search(llc, ld_w.bounds, ld_m.bounds)
        polished.append(sac_module._newton_2d(mom, n, tj, ld_w, ld_m, out[0], out[1]))
        return out

    monkeypatch.setattr(sac_module, "locate_and_polish", exact_only)
    old = sac(df, "y ~ x1 + x2", g, m=m, unit="unit", effects="individual")
    assert abs(fit.rho - old.rho) < 1e-7 and abs(fit.params["lambda"] - old.params["lambda"]) < 1e-7
    assert fit.llf >= old.llf - 1e-9 * abs(old.llf)
    assert polished[0] is not None            # Newton from the exact search's answer stays there
    assert abs(polished[0][0] - fit.rho) < 1e-9 and abs(polished[0][1] - fit.params["lambda"]) < 1e-9
