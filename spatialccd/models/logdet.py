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

For large N (above :data:`EIGEN_MAX_N`) eigenvalues are no longer viable:
:class:`SplineLogDet` evaluates log|I − ρW| exactly by sparse LU
(Σ log|u_ii| of the LU factors) on a grid of ρ and interpolates with a cubic
spline (Pace & Barry 1997; LeSage & Pace 2009, ch. 4), and the traces needed by
the effects come from the power series tr((I − ρW)⁻¹)/N = Σ_k ρ^k tr(W^k)/N
with tr(W^k) estimated by Hutchinson's stochastic estimator (tr(W), tr(W²)
exact).  :func:`logdet_for` picks the method; results report it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import CubicSpline
from scipy.sparse.csgraph import breadth_first_order, connected_components
from scipy.sparse.linalg import eigs, eigsh, splu

#: Above this N the exact eigenvalue route (O(N³)) gives way to sparse LU on a ρ grid.
EIGEN_MAX_N = 1500


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
    for c in range(ncomp):
        root = int(np.flatnonzero(labels == c)[0])
        order, pred = breadth_first_order(pattern, root, directed=False, return_predecessors=True)
        nodes = order[1:]
        if len(nodes) == 0:  # an isolated unit: any d works
            continue
        parents = pred[nodes]
        # d_p w_p,node = d_node w_node,p  →  log d_node = log d_p + log(w_p,node / w_node,p)
        step = np.log(np.asarray(W[parents, nodes]).ravel() / np.asarray(W[nodes, parents]).ravel())
        for node, parent, s in zip(nodes.tolist(), parents.tolist(), step.tolist()):
            logd[node] = logd[parent] + s
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


class _LogDetBase:
    """Shared Lee–Yu unit-root adjustment: log|I − ρW*| = log|I − ρW| − log(1 − ρ) (needs W·1 = 1)."""

    unit_root: bool

    def without_unit_root(self):
        return replace(self, unit_root=True)

    def __call__(self, rho: float) -> float:
        val = self._value(rho)
        return float(val - np.log(1 - rho)) if self.unit_root else float(val)

    def d1(self, rho: float) -> float:
        val = self._d1(rho)
        return float(val + 1 / (1 - rho)) if self.unit_root else float(val)

    def d2(self, rho: float) -> float:
        val = self._d2(rho)
        return float(val + 1 / (1 - rho) ** 2) if self.unit_root else float(val)


@dataclass(frozen=True)
class EigenLogDet(_LogDetBase):
    """Exact log|I − ρW| from the eigenvalues of W (O(N) per evaluation after O(N³) set-up)."""

    omega: np.ndarray
    unit_root: bool = False
    method: str = field(default="eigen")

    @classmethod
    def from_weights(cls, W: sp.csr_matrix) -> "EigenLogDet":
        return cls(eigenvalues(W))

    @property
    def bounds(self) -> tuple[float, float]:
        """Open interval (1/ω_min, 1/ω_max) of real eigenvalues in which I − ρW is nonsingular."""
        w = self.omega
        real = w.real[np.abs(w.imag) < 1e-10] if np.iscomplexobj(w) else w
        wmax = real.max() if real.size and real.max() > 0 else np.max(np.abs(w))
        wmin = real.min() if real.size and real.min() < 0 else -np.max(np.abs(w))
        return float(1 / wmin), float(1 / wmax)

    def _value(self, rho):
        return np.sum(np.log(1 - rho * self.omega)).real

    def _d1(self, rho):
        return -np.sum(self.omega / (1 - rho * self.omega)).real

    def _d2(self, rho):
        return -np.sum(self.omega ** 2 / (1 - rho * self.omega) ** 2).real

    # traces for the LeSage–Pace effects, vectorised over ρ
    def mean_diag_inverse(self, rho) -> np.ndarray:
        """tr((I − ρW)⁻¹)/N for an array of ρ."""
        rho = np.atleast_1d(rho)[:, None]
        return np.mean(1 / (1 - rho * self.omega), axis=1).real

    def mean_diag_inverse_w(self, rho) -> np.ndarray:
        """tr((I − ρW)⁻¹W)/N for an array of ρ."""
        rho = np.atleast_1d(rho)[:, None]
        return np.mean(self.omega / (1 - rho * self.omega), axis=1).real

    def traces(self, W: sp.csr_matrix, rho: float) -> tuple[float, float, float]:
        """tr(G), tr(G²), tr(G'G), G = W(I − ρW)⁻¹, for the information matrix (dense)."""
        from .likelihood import traces_G

        return traces_G(W, rho, unit_root=self.unit_root)


def sparse_bounds(W: sp.csr_matrix) -> tuple[float, float]:
    """(1/ω_min, 1/ω_max) from the extreme real eigenvalues by ARPACK."""
    d = symmetrizer(W)
    if d is not None:
        s = np.sqrt(d)
        S = sp.diags(s) @ W @ sp.diags(1 / s)
        S = (S + S.T) / 2
        lo = eigsh(S, k=1, which="SA", return_eigenvectors=False, tol=1e-8)[0]
        hi = eigsh(S, k=1, which="LA", return_eigenvectors=False, tol=1e-8)[0]
    else:
        lo = eigs(W, k=1, which="SR", return_eigenvectors=False, tol=1e-8)[0].real
        hi = eigs(W, k=1, which="LR", return_eigenvectors=False, tol=1e-8)[0].real
    return float(1 / lo), float(1 / hi)


def power_traces(W: sp.csr_matrix, order: int, *, probes: int = 50, seed=0) -> np.ndarray:
    """t_k = tr(W^k)/N for k = 0 … order: exact for k ≤ 2, Hutchinson (Rademacher probes) above."""
    N = W.shape[0]
    rng = np.random.default_rng(seed)
    Z = rng.choice([-1.0, 1.0], size=(N, probes))
    t = np.empty(order + 1)
    t[0] = 1.0
    t[1] = W.diagonal().sum() / N
    t[2] = W.multiply(W.T).sum() / N
    V = Z
    for k in range(1, order + 1):
        V = W @ V
        if k >= 3:
            t[k] = np.mean(np.sum(Z * V, axis=0)) / N
    return t


@dataclass(frozen=True)
class SplineLogDet(_LogDetBase):
    """log|I − ρW| by sparse LU on a ρ grid + cubic spline; effects traces by power series."""

    spline: CubicSpline
    lower: float
    upper: float
    t: np.ndarray            # power traces tr(W^k)/N
    W: sp.csr_matrix
    unit_root: bool = False
    method: str = field(default="splu-spline")

    @classmethod
    def from_weights(cls, W: sp.csr_matrix, *, n_grid: int = 60, order: int = 150, probes: int = 50,
                     seed=0) -> "SplineLogDet":
        W = sp.csr_matrix(W)
        lower, upper = sparse_bounds(W)
        N = W.shape[0]
        # Chebyshev-like spacing: denser near the ends where log|I − ρW| bends most
        u = (1 - np.cos(np.linspace(0, np.pi, n_grid))) / 2
        grid = lower + (upper - lower) * (1e-4 + (1 - 2e-4) * u)
        I = sp.identity(N, format="csc")
        vals = np.array([np.sum(np.log(np.abs(splu(sp.csc_matrix(I - r * W)).U.diagonal()))) for r in grid])
        # the spline interpolates the smooth remainder after removing the two terms that
        # diverge at the bounds, log(1 − ρ/upper) and log(1 − ρ/lower)
        smooth = vals - cls._edges(grid, lower, upper, 0)
        return cls(CubicSpline(grid, smooth), lower, upper, power_traces(W, order, probes=probes, seed=seed), W)

    @staticmethod
    def _edges(rho, lower: float, upper: float, deriv: int):
        a, b = 1 / upper, 1 / lower
        if deriv == 0:
            return np.log(1 - rho * a) + np.log(1 - rho * b)
        if deriv == 1:
            return -a / (1 - rho * a) - b / (1 - rho * b)
        return -(a / (1 - rho * a)) ** 2 - (b / (1 - rho * b)) ** 2

    @property
    def bounds(self) -> tuple[float, float]:
        return self.lower, self.upper

    def _value(self, rho):
        return self.spline(rho) + self._edges(rho, self.lower, self.upper, 0)

    def _d1(self, rho):
        return self.spline(rho, 1) + self._edges(rho, self.lower, self.upper, 1)

    def _d2(self, rho):
        return self.spline(rho, 2) + self._edges(rho, self.lower, self.upper, 2)

    def _series(self, rho, shift: int) -> np.ndarray:
        rho = np.atleast_1d(rho)[:, None]
        K = len(self.t) - shift
        return np.sum(rho ** np.arange(K) * self.t[shift:], axis=1)

    def mean_diag_inverse(self, rho) -> np.ndarray:
        return self._series(rho, 0)

    def mean_diag_inverse_w(self, rho) -> np.ndarray:
        return self._series(rho, 1)

    def traces(self, W: sp.csr_matrix, rho: float, *, probes: int = 30, seed=0) -> tuple[float, float, float]:
        """tr(G) and tr(G²) from the power series; tr(G'G) = E‖Gz‖² by Hutchinson with sparse LU solves."""
        N = W.shape[0]
        k = np.arange(len(self.t) - 2)
        trG = N * float(np.sum(rho ** k * self.t[1:-1]))
        trGG = N * float(np.sum((k + 1) * rho ** k * self.t[2:]))
        lu = splu(sp.csc_matrix(sp.identity(N) - rho * W))
        Z = np.random.default_rng(seed).choice([-1.0, 1.0], size=(N, probes))
        GZ = W @ lu.solve(Z)
        trGtG = float(np.mean(np.sum(GZ * GZ, axis=0)))
        if self.unit_root:
            colsum = W.T @ lu.solve(np.ones(N), trans="T")
            trG, trGG, trGtG = trG - 1 / (1 - rho), trGG - 1 / (1 - rho) ** 2, trGtG - float(colsum @ colsum) / N
        return trG, trGG, trGtG


def logdet_for(W: sp.csr_matrix, *, method: str = "auto"):
    """The log-determinant engine for W: ``"eigen"`` up to :data:`EIGEN_MAX_N` units, else ``"splu-spline"``."""
    if method not in ("auto", "eigen", "splu-spline"):
        raise ValueError(f"logdet method must be 'auto', 'eigen' or 'splu-spline', got {method!r}")
    if method == "eigen" or (method == "auto" and W.shape[0] <= EIGEN_MAX_N):
        return EigenLogDet.from_weights(W)
    return SplineLogDet.from_weights(W)
