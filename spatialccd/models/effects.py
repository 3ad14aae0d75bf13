"""Direct, indirect and total effects (LeSage & Pace 2009, *Introduction to Spatial
Econometrics*, ch. 2.7; Elhorst 2014, ch. 2.7).

For the lag family (SAR, SDM) the N×N matrix of partial derivatives of E[y] with
respect to regressor k is

    S_k(W) = (I − ρW)⁻¹ (β_k I + θ_k W)
    direct_k   = tr(S_k)/N        = β_k·tr((I−ρW)⁻¹)/N + θ_k·tr((I−ρW)⁻¹W)/N
    total_k    = 1'S_k 1/N        = (β_k + θ_k)/(1 − ρ)  when W·1 = 1
    indirect_k = total_k − direct_k

The traces come from the eigenvalues of W once (O(N) per ρ), so thousands of
simulation draws are cheap.  (spreg's SDM direct effect drops the θ_k·tr((I−ρW)⁻¹W)/N
feedback term; R splm's ``impacts()`` on hand-made W·X columns treats θ_k as
an ordinary coefficient.  Both are wrong for an SDM.)

For the error family (SEM, SDEM) and SLX, S_k = β_k I + θ_k W: direct = β_k,
indirect = θ_k·(mean row sum of W) (= θ_k for row-standardised W), total = sum.

Standard errors: ``"simulation"`` draws the parameters from N(θ̂, V̂) (LeSage &
Pace 2009, p. 39) and reports the standard deviation and percentile intervals of
the simulated effects; ``"delta"`` uses a numerical Jacobian of the effects with
respect to (β, θ, ρ) and V̂.  Point estimates are the effects at θ̂ (not the mean
of the draws, which the Elhorst toolbox reports; the two agree to simulation
error).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats
from scipy.sparse.linalg import splu

EFFECT_NAMES = ("direct", "indirect", "total")


@dataclass(frozen=True)
class Multipliers:
    """Scalar spatial multipliers as functions of ρ (vectorised over draws)."""

    logdet: object            # mean_diag_inverse, mean_diag_inverse_w; None for SLX/SEM-type models
    W: sp.csr_matrix
    row_stochastic: bool

    def direct(self, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.logdet.mean_diag_inverse(rho), self.logdet.mean_diag_inverse_w(rho)

    def total(self, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rho = np.atleast_1d(rho)
        if self.row_stochastic:
            m = 1 / (1 - rho)
            return m, m
        N = self.W.shape[0]
        ones = np.ones(N)
        w1 = np.asarray(self.W @ ones).ravel()
        b1, b2 = np.empty(len(rho)), np.empty(len(rho))
        for i, r in enumerate(rho):
            lu = splu(sp.csc_matrix(sp.identity(N) - r * self.W))
            b1[i], b2[i] = lu.solve(ones).mean(), lu.solve(w1).mean()
        return b1, b2


def effect_draws(P: np.ndarray, spec: "EffectSpec") -> np.ndarray:
    """Effects for parameter rows P (D, m): array (D, n_vars, 3) of direct, indirect, total."""
    beta = P[:, spec.beta_idx]
    theta = np.where(spec.theta_idx >= 0, P[:, np.maximum(spec.theta_idx, 0)], 0.0)
    if spec.rho_idx is None:
        wsum = float(np.asarray(spec.mult.W.sum(axis=1)).mean())
        direct, total = beta, beta + theta * wsum
    else:
        rho = P[:, spec.rho_idx]
        a1, a2 = spec.mult.direct(rho)
        b1, b2 = spec.mult.total(rho)
        direct = beta * a1[:, None] + theta * a2[:, None]
        total = beta * b1[:, None] + theta * b2[:, None]
    return np.stack([direct, total - direct, total], axis=2)


@dataclass(frozen=True)
class EffectSpec:
    names: tuple[str, ...]
    beta_idx: np.ndarray
    theta_idx: np.ndarray     # −1 where a regressor has no W·X term
    rho_idx: int | None       # None for SEM/SDEM/SLX
    mult: Multipliers


def compute_impacts(params: np.ndarray, cov: np.ndarray, spec: EffectSpec, *, method: str, n_draws: int,
                    seed, alpha: float, bounds: tuple[float, float] | None) -> pd.DataFrame:
    """Effects table: one row per regressor; for each effect its estimate, SE, z, p and CI."""
    if method not in ("simulation", "delta"):
        raise ValueError(f"method must be 'simulation' or 'delta', got {method!r}")
    point = effect_draws(params[None, :], spec)[0]
    if method == "simulation":
        if n_draws < 2:
            raise ValueError(f"n_draws must be at least 2, got {n_draws}")
        rng = np.random.default_rng(seed)
        draws = rng.multivariate_normal(params, cov, size=n_draws, method="eigh")
        if spec.rho_idx is not None and bounds is not None:
            r = draws[:, spec.rho_idx]
            draws = draws[(r > bounds[0]) & (r < bounds[1])]
        sims = effect_draws(draws, spec)
        se = sims.std(axis=0, ddof=1)
        lo, hi = np.quantile(sims, [alpha / 2, 1 - alpha / 2], axis=0)
    else:
        jac = _jacobian(params, spec)                       # (n_vars, 3, m)
        se = np.sqrt(np.einsum("vem,mn,ven->ve", jac, cov, jac))
        zcrit = stats.norm.ppf(1 - alpha / 2)
        lo, hi = point - zcrit * se, point + zcrit * se
    # an effect fixed at zero (SEM/SDEM without a W·X term: indirect ≡ 0) has no z or p
    z = np.divide(point, se, out=np.full_like(point, np.nan), where=se > 0)
    p = 2 * stats.norm.sf(np.abs(z))
    cols = {}
    for e, name in enumerate(EFFECT_NAMES):
        cols[name] = point[:, e]
        cols[f"{name}_se"] = se[:, e]
        cols[f"{name}_z"] = z[:, e]
        cols[f"{name}_p"] = p[:, e]
        cols[f"{name}_lower"] = lo[:, e]
        cols[f"{name}_upper"] = hi[:, e]
    out = pd.DataFrame(cols, index=pd.Index(spec.names, name="variable"))
    out.attrs.update(method=method, n_draws=n_draws if method == "simulation" else 0, alpha=alpha)
    return out


def _jacobian(params: np.ndarray, spec: EffectSpec) -> np.ndarray:
    m = len(params)
    h = 1e-6 * np.maximum(1.0, np.abs(params))
    P = np.repeat(params[None, :], 2 * m, axis=0)
    P[np.arange(m), np.arange(m)] += h
    P[m + np.arange(m), np.arange(m)] -= h
    vals = effect_draws(P, spec)                            # (2m, n_vars, 3)
    return np.moveaxis((vals[:m] - vals[m:]) / (2 * h)[:, None, None], 0, 2)
