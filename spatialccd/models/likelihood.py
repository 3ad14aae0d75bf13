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


def apply_G(W: sp.csr_matrix, rho: float, a: np.ndarray, N: int, T: int) -> np.ndarray:  # noqa: N803
    """(I_T ⊗ G) a for a time-major vector, G = W(I − ρW)⁻¹, via one sparse LU."""
    from scipy.sparse.linalg import splu

    lu = splu(sp.csc_matrix(sp.identity(N) - rho * W))
    b = a.reshape(T, N).T
    return np.asarray(W @ lu.solve(np.ascontiguousarray(b))).T.reshape(-1)


def lag_information(Z, beta, rho, sigma2, lik: Likelihood, W, N, T, traces, *,  # noqa: N803
                    transform=None) -> np.ndarray:
    """Expected information for (β, ρ, σ²) of the lag family (Lee 2004, Econometrica 72:1899–1925).

    With H = E[(Wy)*] the mean of the transformed spatial lag and Z = Z* the transformed regressors:

        I_ββ = Z'Z/σ²,   I_βρ = Z'H/σ²,   I_ρρ = H'H/σ² + t_J(tr G² + tr G'G),
        I_ρσ² = t_J tr G/σ²,   I_σ²σ² = n/(2σ⁴),        G = W(I − ρW)⁻¹.

    ``transform`` is the within transformation Q applied to the lag *after* it is
    formed (``lag_convention="exact"`` and Lee–Yu): then H = Q(I_T ⊗ G)Z*β
    (= Q(I_T ⊗ G)Zβ on the raw Z for row-standardised W, since G·1 = 1/(1−ρ)·1).
    G is not column-stochastic, so Q does not commute with I_T ⊗ G under time or
    two-way effects and H'H ≠ ‖(I_T ⊗ G)Z*β‖².  This is the (β, ρ, σ²) block of the
    inverse information of the raw model with the fixed effects as parameters
    (direct approach), and the information of the Lee & Yu (2010) transformed
    likelihood (with the (N−1)-dimensional traces); ``tests/test_information.py``
    checks both against the expected Hessian of the explicit NT×NT likelihood.
    ``transform=None`` (``lag_convention="splm"``): H = (I_T ⊗ G)Z*β, the
    information of splm's model y* = ρ(I_T ⊗ W)y* + Z*β + ε, as splm and the
    Elhorst toolbox compute it.  Q leaves Z* unchanged, so I_βρ = Z'QH = Z'(I_T ⊗ G)Z*β either way.
    """
    trG, trGG, trGtG = traces
    k = Z.shape[1]
    H = apply_G(W, rho, Z @ beta, N, T)
    if transform is not None:
        H = transform(H)
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


# --------------------------------------------------------------------------- SAC / GNS (lag + error)
@dataclass(frozen=True)
class SACMoments:
    """Cross-products that make the SAC/GNS concentrated likelihood an O(k³) function of (ρ, λ).

    With D = [y*, (Wy)*, Z*] and L = [(My)*, (MWy)*, (MZ)*] the filtered data are
    D − λL = [ỹ, w̃, Z̃], and e(ρ, λ) = ỹ − ρw̃ − Z̃β (Anselin 1988, ch. 6; Elhorst 2014, ch. 2).
    """

    A: np.ndarray   # D'D
    B: np.ndarray   # D'L
    C: np.ndarray   # L'L

    @classmethod
    def from_arrays(cls, ys, wy, Z, my, mwy, MZ) -> "SACMoments":
        D = np.column_stack([ys, wy, Z])
        L = np.column_stack([my, mwy, MZ])
        return cls(D.T @ D, D.T @ L, L.T @ L)

    def beta_ssr(self, rho: float, lam: float) -> tuple[np.ndarray, float]:
        G = self.A - lam * (self.B + self.B.T) + lam ** 2 * self.C
        r = G[0, 2:] - rho * G[1, 2:]
        beta = np.linalg.solve(G[2:, 2:], r)
        ssr = G[0, 0] - 2 * rho * G[0, 1] + rho ** 2 * G[1, 1] - r @ beta
        return beta, float(ssr)


def sac_hessian(arrays, beta, rho, lam, sigma2, n: float, tj: float, ld_w, ld_m) -> np.ndarray:
    """Observed Hessian of ℓ for (β, ρ, λ, σ²), e = y* − ρ(Wy)* − λ(My)* + ρλ(MWy)* − (Z* − λ(MZ)*)β."""
    ys, wy, Z, my, mwy, MZ = arrays
    Zt = Z - lam * MZ
    e = ys - rho * wy - lam * my + rho * lam * mwy - Zt @ beta
    de = np.column_stack([-Zt, -(wy - lam * mwy), -(my - rho * mwy - MZ @ beta)])   # ∂e/∂(β, ρ, λ)
    k = Z.shape[1]
    m = k + 2
    H = np.zeros((m + 1, m + 1))
    H[:m, :m] = -de.T @ de / sigma2
    cross = np.zeros((m, m))                                                          # e'∂²e/∂θ∂φ
    cross[:k, k + 1] = cross[k + 1, :k] = MZ.T @ e
    cross[k, k + 1] = cross[k + 1, k] = mwy @ e
    H[:m, :m] -= cross / sigma2
    H[k, k] += tj * ld_w.d2(rho)
    H[k + 1, k + 1] += tj * ld_m.d2(lam)
    H[:m, m] = H[m, :m] = de.T @ e / sigma2 ** 2
    H[m, m] = n / (2 * sigma2 ** 2) - e @ e / sigma2 ** 3
    return H


def sac_information(Zt, mean_rho, sigma2, n: float, tj: float, traces: dict) -> np.ndarray:
    """Expected information for (β, ρ, λ, σ²) of the SAC/GNS model (Anselin 1988, eq. 6.31; Lee 2004).

    ``Zt`` = Z* − λ(MZ)*, ``mean_rho`` = E[∂e/∂ρ] up to sign: Q(I_T ⊗ (I − λM)G)Z*β under
    ``lag_convention="exact"`` (the mean of the transformed lag, see :func:`lag_information`),
    (I_T ⊗ (I − λM)G)Z*β under ``"splm"``.

        I_ββ = Z̃'Z̃/σ², I_βρ = Z̃'m/σ², I_βλ = 0,
        I_ρρ = m'm/σ² + t_J(tr Ḡ² + tr Ḡ'Ḡ), I_ρλ = t_J(tr Ḡ'H + tr HḠ), I_λλ = t_J(tr H² + tr H'H),
        I_ρσ² = t_J tr G/σ², I_λσ² = t_J tr H/σ², I_σ²σ² = n/(2σ⁴),

    with G = W(I − ρW)⁻¹, H = M(I − λM)⁻¹, Ḡ = (I − λM)G(I − λM)⁻¹; ``traces`` maps
    ``"G", "H", "GG", "GtG", "HH", "HtH", "GtH", "HG"`` to tr G, tr H, tr Ḡ², tr Ḡ'Ḡ, tr H²,
    tr H'H, tr Ḡ'H, tr HḠ (:func:`~.sactraces.sac_traces`, sparse, on the (N−1)-dimensional
    space for Lee–Yu's time transformation).
    """
    t = traces
    k = Zt.shape[1]
    info = np.zeros((k + 3, k + 3))
    info[:k, :k] = Zt.T @ Zt / sigma2
    info[:k, k] = info[k, :k] = Zt.T @ mean_rho / sigma2
    info[k, k] = mean_rho @ mean_rho / sigma2 + tj * (t["GG"] + t["GtG"])
    info[k, k + 1] = info[k + 1, k] = tj * (t["GtH"] + t["HG"])
    info[k + 1, k + 1] = tj * (t["HH"] + t["HtH"])
    info[k, k + 2] = info[k + 2, k] = tj * t["G"] / sigma2
    info[k + 1, k + 2] = info[k + 2, k + 1] = tj * t["H"] / sigma2
    info[k + 2, k + 2] = n / (2 * sigma2 ** 2)
    return info
