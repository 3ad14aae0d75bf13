"""Concentrated log-likelihoods, analytical Hessians and information matrices.

Both model families are written on the transformed sample (see :mod:`.design`)
with an effective number of observations n and a Jacobian multiplier t_J
(n = NT, t_J = T without bias correction; Lee & Yu 2010 change both):

Lag family (SAR, SDM):   y* = ρ(Wy)* + Z*β + ε
    ℓ(β, ρ, σ²) = −n/2·log(2πσ²) + t_J·log|I − ρW| − e'e/(2σ²),  e = y* − ρ(Wy)* − Z*β
Error family (SEM, SDEM): y* = Z*β + u*, u = λWu + ε
    ℓ(β, λ, σ²) = −n/2·log(2πσ²) + t_J·log|I − λW| − e'e/(2σ²),  e = (y* − λ(Wy)*) − (Z* − λ(WZ)*)β

Concentrating out β and σ² = e'e/n leaves a scalar function of ρ (λ)
(Anselin 1988, ch. 6; Elhorst 2014, ch. 3):
    ℓ_c(ρ) = −n/2·(log 2π + 1) − n/2·log(e(ρ)'e(ρ)/n) + t_J·log|I − ρW|.

Two covariance estimators are provided:

* ``"information"`` — inverse of the expected (analytical) information matrix
  (Lee 2004, Econometrica 72:1899–1925; the form used by the Elhorst toolbox and
  spatialreg's ``lagsarlm``/``errorsarlm``), including the ρ–β and ρ–σ² blocks;
  G = W(I − ρW)⁻¹ acts period by period.
* ``"hessian"`` — inverse of minus the analytical observed Hessian of ℓ at the
  estimates (equals a numerical Hessian; xsmle's default ``vce(oim)``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

LOG2PI = np.log(2 * np.pi)


@dataclass(frozen=True)
class Likelihood:
    """Sizes and Jacobian of one transformed sample."""

    n: float          # effective number of observations
    tj: float         # Jacobian multiplier
    logdet: object    # EigenLogDet-like: __call__, d1, d2, bounds

    def concentrated(self, ssr: float, rho: float) -> float:
        return -self.n / 2 * (LOG2PI + 1) - self.n / 2 * np.log(ssr / self.n) + self.tj * self.logdet(rho)

    def full(self, ssr: float, sigma2: float, rho: float) -> float:
        return -self.n / 2 * (LOG2PI + np.log(sigma2)) + self.tj * self.logdet(rho) - ssr / (2 * sigma2)


# --------------------------------------------------------------------------- lag family
@dataclass(frozen=True)
class LagMoments:
    """Cross-products that make ℓ_c(ρ) an O(k²) function: e(ρ) = e0 − ρ·ed."""

    b0: np.ndarray
    bd: np.ndarray
    ee00: float
    ee0d: float
    eedd: float

    @classmethod
    def from_arrays(cls, ys: np.ndarray, Z: np.ndarray, wy: np.ndarray) -> "LagMoments":
        coef, *_ = np.linalg.lstsq(Z, np.column_stack([ys, wy]), rcond=None)
        e0 = ys - Z @ coef[:, 0]
        ed = wy - Z @ coef[:, 1]
        return cls(coef[:, 0], coef[:, 1], float(e0 @ e0), float(e0 @ ed), float(ed @ ed))

    def ssr(self, rho: float) -> float:
        return self.ee00 - 2 * rho * self.ee0d + rho ** 2 * self.eedd

    def beta(self, rho: float) -> np.ndarray:
        return self.b0 - rho * self.bd


def lag_hessian(ys, Z, wy, beta, rho, sigma2, lik: Likelihood) -> np.ndarray:
    """Observed Hessian of ℓ for (β, ρ, σ²)."""
    e = ys - rho * wy - Z @ beta
    k = Z.shape[1]
    H = np.zeros((k + 2, k + 2))
    H[:k, :k] = -Z.T @ Z / sigma2
    H[:k, k] = H[k, :k] = -Z.T @ wy / sigma2
    H[k, k] = lik.tj * lik.logdet.d2(rho) - wy @ wy / sigma2
    H[:k, k + 1] = H[k + 1, :k] = -Z.T @ e / sigma2 ** 2
    H[k, k + 1] = H[k + 1, k] = -wy @ e / sigma2 ** 2
    H[k + 1, k + 1] = lik.n / (2 * sigma2 ** 2) - e @ e / sigma2 ** 3
    return H


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


def apply_G(W: sp.csr_matrix, rho: float, a: np.ndarray, N: int, T: int) -> np.ndarray:  # noqa: N803
    """(I_T ⊗ G) a for a time-major vector, G = W(I − ρW)⁻¹, via one sparse LU."""
    from scipy.sparse.linalg import splu

    lu = splu(sp.csc_matrix(sp.identity(N) - rho * W))
    b = a.reshape(T, N).T
    return np.asarray(W @ lu.solve(np.ascontiguousarray(b))).T.reshape(-1)


def lag_information(Z, beta, rho, sigma2, lik: Likelihood, W, N, T, traces) -> np.ndarray:  # noqa: N803
    """Expected information for (β, ρ, σ²) of the lag family (Lee 2004; Elhorst's ``sar_panel_FE``)."""
    trG, trGG, trGtG = traces
    k = Z.shape[1]
    H = apply_G(W, rho, Z @ beta, N, T)
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = Z.T @ Z / sigma2
    info[:k, k] = info[k, :k] = Z.T @ H / sigma2
    info[k, k] = H @ H / sigma2 + lik.tj * (trGG + trGtG)
    info[k, k + 1] = info[k + 1, k] = lik.tj * trG / sigma2
    info[k + 1, k + 1] = lik.n / (2 * sigma2 ** 2)
    return info


# --------------------------------------------------------------------------- error family
@dataclass(frozen=True)
class ErrorMoments:
    """Cross-products of [y*, Z*] and their lags so that ℓ_c(λ) costs O(k³)."""

    A: np.ndarray   # [y, Z]'[y, Z]
    B: np.ndarray   # [y, Z]'[Wy, WZ]  (not symmetric)
    C: np.ndarray   # [Wy, WZ]'[Wy, WZ]

    @classmethod
    def from_arrays(cls, ys, Z, wy, WZ) -> "ErrorMoments":
        D = np.column_stack([ys, Z])
        L = np.column_stack([wy, WZ])
        return cls(D.T @ D, D.T @ L, L.T @ L)

    def filtered(self, lam: float) -> np.ndarray:
        """[ỹ, Z̃]'[ỹ, Z̃] with ỹ = y − λWy, Z̃ = Z − λWZ."""
        return self.A - lam * (self.B + self.B.T) + lam ** 2 * self.C

    def beta_ssr(self, lam: float) -> tuple[np.ndarray, float]:
        M = self.filtered(lam)
        zz, zy = M[1:, 1:], M[1:, 0]
        beta = np.linalg.solve(zz, zy)
        return beta, float(M[0, 0] - zy @ beta)


def error_hessian(ys, Z, wy, WZ, beta, lam, sigma2, lik: Likelihood) -> np.ndarray:
    """Observed Hessian of ℓ for (β, λ, σ²) of the error family."""
    Zt = Z - lam * WZ
    e = (ys - lam * wy) - Zt @ beta
    uw = wy - WZ @ beta
    k = Z.shape[1]
    H = np.zeros((k + 2, k + 2))
    H[:k, :k] = -Zt.T @ Zt / sigma2
    H[:k, k] = H[k, :k] = -(WZ.T @ e + Zt.T @ uw) / sigma2
    H[k, k] = lik.tj * lik.logdet.d2(lam) - uw @ uw / sigma2
    H[:k, k + 1] = H[k + 1, :k] = -Zt.T @ e / sigma2 ** 2
    H[k, k + 1] = H[k + 1, k] = -uw @ e / sigma2 ** 2
    H[k + 1, k + 1] = lik.n / (2 * sigma2 ** 2) - e @ e / sigma2 ** 3
    return H


def error_information(Z, WZ, lam, sigma2, lik: Likelihood, traces) -> np.ndarray:
    """Expected information for (β, λ, σ²) of the error family (Anselin 1988, eq. 6.29): β ⟂ (λ, σ²)."""
    trG, trGG, trGtG = traces
    Zt = Z - lam * WZ
    k = Z.shape[1]
    info = np.zeros((k + 2, k + 2))
    info[:k, :k] = Zt.T @ Zt / sigma2
    info[k, k] = lik.tj * (trGG + trGtG)
    info[k, k + 1] = info[k + 1, k] = lik.tj * trG / sigma2
    info[k + 1, k + 1] = lik.n / (2 * sigma2 ** 2)
    return info
