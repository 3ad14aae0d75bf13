"""Explicit-matrix helpers shared by the brute-force likelihood tests (issue 19).

Everything here is written with dense NT×NT (or N×N) matrices in the time-major
stacking of the package, so the tests that use it share no formula with the code
under test.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def complement(n: int) -> np.ndarray:
    """F_{n,n−1}: orthonormal basis of the space orthogonal to 1 (Lee & Yu 2010)."""
    vals, vecs = np.linalg.eigh(np.eye(n) - np.ones((n, n)) / n)
    return vecs[:, vals > 0.5]


def lee_yu_bases(effects: str, N: int, T: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: N803
    """(F_T, F_N) of the Lee–Yu transformation; identity where an effect is absent."""
    FT = complement(T) if effects in ("individual", "twoways") else np.eye(T)
    FN = complement(N) if effects in ("time", "twoways") else np.eye(N)
    return FT, FN


def dummies(effects: str, N: int, T: int) -> np.ndarray:  # noqa: N803
    """Explicit fixed-effect regressors (time-major stacking), full column rank (α_1 dropped for two-way)."""
    unit, time = np.kron(np.ones((T, 1)), np.eye(N)), np.kron(np.eye(T), np.ones((N, 1)))
    return {"none": np.empty((N * T, 0)), "individual": unit, "time": time,
            "twoways": np.column_stack([unit, time[:, 1:]])}[effects]


def within_matrix(effects: str, N: int, T: int) -> np.ndarray:  # noqa: N803
    """The NT×NT within transformation Q."""
    qt = np.eye(T) - np.ones((T, T)) / T if effects in ("individual", "twoways") else np.eye(T)
    qn = np.eye(N) - np.ones((N, N)) / N if effects in ("time", "twoways") else np.eye(N)
    return np.kron(qt, qn)


def numerical_hessian(f, x, rel: float = 2e-3) -> np.ndarray:
    """Central second differences with one Richardson step (error O(h⁴))."""
    x = np.asarray(x, dtype=float)

    def at(r):
        k = len(x)
        h = r * np.maximum(np.abs(x), 0.1)
        H = np.empty((k, k))
        for i in range(k):
            for j in range(i, k):
                ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
                H[i, j] = H[j, i] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                                     + f(x - ei - ej)) / (4 * h[i] * h[j])
        return H

    return (4 * at(rel / 2) - at(rel)) / 3


def gaussian_expectation_of_sq(R: np.ndarray, shift: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> float:
    """E‖R y − shift‖² for y ~ N(mean, cov): ‖R mean − shift‖² + tr(R cov R')."""
    m = R @ mean - shift
    return float(m @ m + np.sum((R @ cov) * R))


def row_standardised(a: np.ndarray) -> np.ndarray:
    """Dense W with every row summing to one."""
    return a / a.sum(axis=1, keepdims=True)


def traces_G(W: sp.csr_matrix, rho: float, *, unit_root: bool = False) -> tuple[float, float, float]:
    """tr(G), tr(G²), tr(G'G) for G = W(I − ρW)⁻¹ (dense solve: used up to moderate N).

    ``unit_root=True`` gives the traces on the (N−1)-dimensional space of Lee & Yu's
    time transformation (G·1 = 1/(1−ρ)·1 for row-standardised W):
    tr(G) − 1/(1−ρ), tr(G²) − 1/(1−ρ)², tr(G'G) − ‖G'1‖²/N.
    """
    N = W.shape[0]
    Wd = W.toarray()
    G = np.linalg.solve(np.eye(N) - rho * Wd, Wd)  # (I − ρW)⁻¹W = W(I − ρW)⁻¹
    tr, trgg, trgtg = float(np.trace(G)), float(np.sum(G * G.T)), float(np.sum(G * G))
    if unit_root:
        colsum = G.sum(axis=0)
        tr, trgg, trgtg = tr - 1 / (1 - rho), trgg - 1 / (1 - rho) ** 2, trgtg - float(colsum @ colsum) / N
    return tr, trgg, trgtg
