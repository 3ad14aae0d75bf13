"""Exactness of the default large-N fit (issue 22): the two-way SDM through the public front door
``spatialccd.sdm`` against references that share no code with the package.

* N = 3,025 (55×55 rook lattice, row-standardised): dense eigenvalues of the symmetrised W
  (numpy ``eigvalsh``), the concentrated likelihood maximised by Newton on its analytical
  score; β, ℓ and the LeSage–Pace effects from the same eigenvalues.  SEs against the
  package's information matrix evaluated with exact traces (those eigenvalues and a dense
  solve for tr(G'G)).
* N = 10,000 (100×100 rook torus, W = A/4): the closed-form spectrum
  ω_ab = (cos 2πa/100 + cos 2πb/100)/2 gives everything exactly, SEs included.
* N = 10,000 (100×100 rook lattice, row-standardised): the exact sparse-LU likelihood
  (SciPy ``splu`` with its default COLAMD ordering, unlike the package) maximised tightly;
  tr(G)/N for the effects by a 3-level Richardson extrapolation of its log-determinants.

Tolerances (issue 22): ρ 1e-8 absolute; β, log-likelihood 1e-8 relative; effects 1e-6
relative; SEs 1e-4 relative.
"""
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.sparse.linalg import splu

import spatialccd as sc
from spatialccd.models.fit import fit_lag
from spatialccd.models.logdet import EigenLogDet
from spatialccd.models.simulate import simulate_sdm

T = 8
BETA, THETA, RHO = [1.0, -0.5], [0.5, 0.3], 0.45
FORMULA = "y ~ x1 + x2"
EFFECT_COLS = ["direct", "indirect", "total"]


def rook(rows: int, cols: int, *, torus: bool = False) -> sp.csr_matrix:
    """Binary rook adjacency of a rows×cols grid (wrapped around on a torus)."""
    idx = np.arange(rows * cols).reshape(rows, cols)
    right = idx if torus else idx[:, :-1]
    down = idx if torus else idx[:-1, :]
    pairs = [(right.ravel(), np.roll(idx, -1, axis=1)[:, :right.shape[1]].ravel()),
             (down.ravel(), np.roll(idx, -1, axis=0)[:down.shape[0], :].ravel())]
    i = np.concatenate([p[0] for p in pairs])
    j = np.concatenate([p[1] for p in pairs])
    a = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(rows * cols,) * 2).tocsr()
    return (a + a.T).tocsr()


def panel(A: sp.csr_matrix, seed: int):
    ids = [f"u{i:05d}" for i in range(A.shape[0])]
    g = sc.weights.from_matrix(A, ids)                       # libpysal Graph, row-standardised
    W = sp.diags(1 / np.asarray(A.sum(axis=1)).ravel()) @ A
    df = simulate_sdm(W, T, rho=RHO, beta=BETA, theta=THETA, seed=seed, unit_ids=ids)
    return df, g, sp.csr_matrix(W), ids


class Reference:
    """The two-way FE SDM likelihood written directly: y*, Z* = [X, WX]*, (Wy)* by two-way demeaning."""

    def __init__(self, df: pd.DataFrame, W: sp.csr_matrix, ids):
        def wide(col):
            return df.pivot(index="year", columns="unit", values=col)[ids].to_numpy()  # T × N

        def demean(a):
            return (a - a.mean(axis=0) - a.mean(axis=1, keepdims=True) + a.mean()).ravel()

        y, x1, x2 = wide("y"), wide("x1"), wide("x2")
        lag = lambda a: (W @ a.T).T  # noqa: E731 - per period
        Z = np.column_stack([demean(v) for v in (x1, x2, lag(x1), lag(x2))])
        ys, wy = demean(y), demean(lag(y))
        self.N, self.n = W.shape[0], y.size
        b0 = np.linalg.solve(Z.T @ Z, Z.T @ ys)
        bd = np.linalg.solve(Z.T @ Z, Z.T @ wy)
        e0, ed = ys - Z @ b0, wy - Z @ bd
        self.b0, self.bd = b0, bd
        self.a, self.b, self.c = e0 @ e0, e0 @ ed, ed @ ed

    def ssr(self, r):
        return self.a - 2 * r * self.b + r * r * self.c

    def llf(self, r, logdet):
        return -self.n / 2 * (np.log(2 * np.pi * self.ssr(r) / self.n) + 1) + T * logdet

    def score(self, r, trG):
        return self.n * (self.b - r * self.c) / self.ssr(r) - T * trG

    def beta(self, r):
        return self.b0 - r * self.bd

    def effects(self, r, F):
        """F = tr(G)/N: direct = β·(1 + ρF) + θ·F, total = (β + θ)/(1 − ρ)."""
        beta = self.beta(r)
        b, t = beta[:2], beta[2:]
        direct = b * (1 + r * F) + t * F
        total = (b + t) / (1 - r)
        return np.column_stack([direct, total - direct, total])


def eigen_reference(ref: Reference, omega: np.ndarray) -> dict:
    """ρ̂ by Newton on the analytical score (eigenvalues), then β, ℓ and the effects."""
    ld = lambda r: np.sum(np.log1p(-r * omega))  # noqa: E731
    r = minimize_scalar(lambda r: -ref.llf(r, ld(r)), bounds=(0.0, 0.9), method="bounded",
                        options={"xatol": 1e-10}).x
    for _ in range(30):
        g = ref.score(r, np.sum(omega / (1 - r * omega)))
        h = (ref.score(r + 1e-6, np.sum(omega / (1 - (r + 1e-6) * omega))) - g) / 1e-6
        step = -g / h
        r += step
        if abs(step) < 1e-15:
            break
    F = np.mean(omega / (1 - r * omega))
    return {"rho": r, "beta": ref.beta(r), "llf": ref.llf(r, ld(r)), "effects": ref.effects(r, F)}


def check(res, want: dict) -> None:
    assert res.logdet_method == "splu (exact, polished)"
    assert abs(res.rho - want["rho"]) < 1e-8
    np.testing.assert_allclose(res.params.iloc[:4].to_numpy(), want["beta"], rtol=1e-8)
    assert res.llf == pytest.approx(want["llf"], rel=1e-8)
    eff = res.impacts(method="delta").to_frame().loc[["x1", "x2"], EFFECT_COLS].to_numpy()
    np.testing.assert_allclose(eff, want["effects"], rtol=1e-6)


def test_n3025_against_dense_eigenvalues():
    A = rook(55, 55)
    df, g, W, ids = panel(A, seed=11)
    res = sc.sdm(df, FORMULA, g, unit="unit", time="year", effects="twoways")
    deg = np.asarray(A.sum(axis=1)).ravel()
    S = sp.diags(deg ** -0.5) @ A @ sp.diags(deg ** -0.5)       # D^{1/2} W D^{-1/2}, symmetric
    omega = np.linalg.eigvalsh(S.toarray())
    check(res, eigen_reference(Reference(df, W, ids), omega))
    model = sc.SpatialPanelModel(df, FORMULA, g, unit="unit", time="year", effects="twoways")
    est = fit_lag(model.design, EigenLogDet(omega), bias_correction=None, cov_type="information")
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(est.cov))[:5], rtol=1e-4)


class TorusLogDet(EigenLogDet):
    """Closed-form spectrum of the rook torus; W = A/4 is symmetric, so tr(G'G) = tr(G²)."""

    def traces(self, W, rho):
        g = self.omega / (1 - rho * self.omega)
        return float(g.sum()), float(g @ g), float(g @ g)


def test_n10000_torus_closed_form():
    n = 100
    A = rook(n, n, torus=True)
    df, g, W, ids = panel(A, seed=12)
    res = sc.sdm(df, FORMULA, g, unit="unit", time="year", effects="twoways")
    c = np.cos(2 * np.pi * np.arange(n) / n)
    omega = ((c[:, None] + c[None, :]) / 2).ravel()
    check(res, eigen_reference(Reference(df, W, ids), omega))
    model = sc.SpatialPanelModel(df, FORMULA, g, unit="unit", time="year", effects="twoways")
    est = fit_lag(model.design, TorusLogDet(omega), bias_correction=None, cov_type="information")
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(est.cov))[:5], rtol=1e-4)


def test_n10000_lattice_against_exact_sparse_lu():
    A = rook(100, 100)
    df, g, W, ids = panel(A, seed=13)
    res = sc.sdm(df, FORMULA, g, unit="unit", time="year", effects="twoways")
    ref = Reference(df, W, ids)
    eye = sp.identity(W.shape[0], format="csc")

    def logdet(r):  # SciPy's default COLAMD ordering (the package uses MMD_AT_PLUS_A)
        return float(np.sum(np.log(np.abs(splu(sp.csc_matrix(eye - r * W)).U.diagonal()))))

    def trG(r, h=0.01):  # −d/dρ log|I − ρW|, central differences with 3-level Richardson (O(h⁶))
        D = [-(logdet(r + s) - logdet(r - s)) / (2 * s) for s in (h, h / 2, h / 4)]
        r1, r2 = (4 * D[1] - D[0]) / 3, (4 * D[2] - D[1]) / 3
        return (16 * r2 - r1) / 15

    r0 = minimize_scalar(lambda r: -ref.llf(r, logdet(r)), bounds=(0.0, 0.9), method="bounded",
                         options={"xatol": 1e-9}).x
    r1, s0 = r0 + 1e-6, ref.score(r0, trG(r0))
    for _ in range(8):                       # secant on the score
        s1 = ref.score(r1, trG(r1))
        r0, r1, s0 = r1, r1 - s1 * (r1 - r0) / (s1 - s0), s1
        if abs(r1 - r0) < 1e-13:
            break
    want = {"rho": r1, "beta": ref.beta(r1), "llf": ref.llf(r1, logdet(r1)),
            "effects": ref.effects(r1, trG(r1) / W.shape[0])}
    check(res, want)
