"""log|I − ρW| and the spectral quantities the estimators and effects need.

For an N×N weights matrix with eigenvalues ω_i (Ord 1975, JASA 70:120–126):

    log|I − ρW| = Σ_i log(1 − ρω_i)
    d/dρ        = −Σ ω_i/(1 − ρω_i)       = −tr(G),   G = W(I − ρW)⁻¹
    d²/dρ²      = −Σ ω_i²/(1 − ρω_i)²     = −tr(G²)

A row-standardised W built from a symmetric matrix C (contiguity, inverse
distance) is similar to the symmetric D^{1/2} W D^{-1/2}, so its eigenvalues
are real and come from a symmetric eigensolver.  :func:`symmetrizer` finds D
for any W with that property; otherwise the general (complex) eigenvalues are
used and the real part of the sum is taken.  The admissible interval for ρ is
(1/ω_min, 1/ω_max) over the real eigenvalues.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components


def symmetrizer(W: sp.csr_matrix, *, rtol: float = 1e-10) -> np.ndarray | None:
    """Positive d with d_i w_ij = d_j w_ji for all i, j (so D W is symmetric), or None.

    Solved on each connected component by propagating log d along a
    breadth-first tree, then checked on every edge.
    """
    W = sp.csr_matrix(W)
    W.eliminate_zeros()
    pattern = W.astype(bool)
    if (pattern != pattern.T).nnz:
        return None
    if (W.data < 0).any():
        return None
    n = W.shape[0]
    logd = np.zeros(n)
    ncomp, labels = connected_components(pattern, directed=False)
    WT = W.T.tocsr()
    for c in range(ncomp):
        root = int(np.flatnonzero(labels == c)[0])
        order, pred = breadth_first_order(pattern, root, directed=False, return_predecessors=True)
        for node in order[1:]:
            p = pred[node]
            # d_p w_p,node = d_node w_node,p  →  log d_node = log d_p + log(w_p,node / w_node,p)
            logd[node] = logd[p] + np.log(W[p, node] / WT[p, node])
    d = np.exp(logd)
    coo = W.tocoo()
    lhs = d[coo.row] * coo.data
    rhs = d[coo.col] * np.asarray(W[coo.col, coo.row]).ravel()
    if not np.allclose(lhs, rhs, rtol=rtol, atol=0):
        return None
    return d


def eigenvalues(W: sp.csr_matrix) -> np.ndarray:
    """Eigenvalues of W: real (symmetric solver) when W is similar to a symmetric matrix."""
    d = symmetrizer(W)
    if d is not None:
        s = np.sqrt(d)
        S = sp.diags(s) @ sp.csr_matrix(W) @ sp.diags(1 / s)
        S = S.toarray()
        return np.linalg.eigvalsh((S + S.T) / 2)
    ev = np.linalg.eigvals(np.asarray(sp.csr_matrix(W).toarray()))
    if np.max(np.abs(ev.imag)) < 1e-10:
        return np.sort(ev.real)
    return ev


@dataclass(frozen=True)
class EigenLogDet:
    """Exact log|I − ρW| from the eigenvalues of W (O(N) per evaluation after O(N³) set-up).

    ``unit_root=True`` gives the (N−1)-dimensional log|I − ρW*| = log|I − ρW| − log(1 − ρ)
    of Lee & Yu (2010) for time effects with a row-standardised W (W·1 = 1).
    """

    omega: np.ndarray
    unit_root: bool = False
    method: str = field(default="eigen")

    @classmethod
    def from_weights(cls, W: sp.csr_matrix) -> "EigenLogDet":
        return cls(eigenvalues(W))

    def without_unit_root(self) -> "EigenLogDet":
        return EigenLogDet(self.omega, unit_root=True, method=self.method)

    @property
    def bounds(self) -> tuple[float, float]:
        """Open interval (1/ω_min, 1/ω_max) of real eigenvalues in which I − ρW is nonsingular."""
        w = self.omega
        real = w.real[np.abs(w.imag) < 1e-10] if np.iscomplexobj(w) else w
        wmax = real.max() if real.size and real.max() > 0 else np.max(np.abs(w))
        wmin = real.min() if real.size and real.min() < 0 else -np.max(np.abs(w))
        return float(1 / wmin), float(1 / wmax)

    def __call__(self, rho: float) -> float:
        val = np.sum(np.log(1 - rho * self.omega)).real
        return float(val - np.log(1 - rho)) if self.unit_root else float(val)

    def d1(self, rho: float) -> float:
        val = -np.sum(self.omega / (1 - rho * self.omega)).real
        return float(val + 1 / (1 - rho)) if self.unit_root else float(val)

    def d2(self, rho: float) -> float:
        val = -np.sum(self.omega ** 2 / (1 - rho * self.omega) ** 2).real
        return float(val + 1 / (1 - rho) ** 2) if self.unit_root else float(val)

    # traces for the LeSage–Pace effects, vectorised over ρ
    def mean_diag_inverse(self, rho) -> np.ndarray:
        """tr((I − ρW)⁻¹)/N for an array of ρ."""
        rho = np.atleast_1d(rho)[:, None]
        return np.mean(1 / (1 - rho * self.omega), axis=1).real

    def mean_diag_inverse_w(self, rho) -> np.ndarray:
        """tr((I − ρW)⁻¹W)/N for an array of ρ."""
        rho = np.atleast_1d(rho)[:, None]
        return np.mean(self.omega / (1 - rho * self.omega), axis=1).real
