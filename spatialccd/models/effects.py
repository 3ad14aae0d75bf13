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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats
from scipy.sparse.linalg import splu

from .._options import check_option
from .._compat import FrameCompat
from ..exceptions import SpatialCCDError
from ..summary import Summary, SummaryMixin

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
                    seed, alpha: float, bounds: tuple[float, float] | None) -> Impacts:
    """Effects of every regressor: estimate, SE, z, p-value and interval of each of direct, indirect, total."""
    method = check_option("method", method, "impacts_method")
    point = effect_draws(params[None, :], spec)[0]
    if method == "simulation":
        if n_draws < 2:
            raise SpatialCCDError(f"n_draws must be at least 2, got {n_draws}")
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
    index = pd.Index(spec.names, name="variable")
    blocks = {name: pd.DataFrame({"estimate": point[:, e], "se": se[:, e], "z": z[:, e], "pvalue": p[:, e],
                                  "lower": lo[:, e], "upper": hi[:, e]}, index=index)
              for e, name in enumerate(EFFECT_NAMES)}
    return Impacts(_blocks=blocks, method=method, n_draws=n_draws if method == "simulation" else 0, alpha=alpha)


@dataclass(frozen=True)
class Impacts(FrameCompat, SummaryMixin):
    """Direct, indirect (spillover) and total effects of each regressor (LeSage & Pace 2009, ch. 2.7).

    :attr:`direct`, :attr:`indirect` and :attr:`total` are frames indexed by
    regressor with columns ``estimate, se, z, pvalue, lower, upper``;
    :meth:`to_frame` puts them side by side (``direct``, ``direct_se``, …,
    ``total_upper``).  ``method`` is ``"simulation"`` (``n_draws`` draws from
    N(θ̂, V̂), percentile intervals) or ``"delta"`` (normal intervals);
    ``horizon`` is ``"static"`` (or ``"short-run"``/``"long-run"`` for dynamic models).
    """

    _blocks: dict = field(repr=False)
    method: str
    n_draws: int
    alpha: float
    horizon: str = "static"

    @property
    def direct(self) -> pd.DataFrame:
        """Average direct effects: tr(S_k)/N."""
        return self._blocks["direct"].copy()

    @property
    def indirect(self) -> pd.DataFrame:
        """Average indirect (spillover) effects: total − direct."""
        return self._blocks["indirect"].copy()

    @property
    def total(self) -> pd.DataFrame:
        """Average total effects: 1'S_k1/N."""
        return self._blocks["total"].copy()

    @property
    def names(self) -> tuple[str, ...]:
        """The regressors."""
        return tuple(self._blocks["direct"].index)

    def effect(self, kind: str) -> pd.DataFrame:
        """One block by name: ``"direct"``, ``"indirect"`` or ``"total"``."""
        if kind not in EFFECT_NAMES:
            raise SpatialCCDError(f"effect must be one of {list(EFFECT_NAMES)}, got {kind!r}")
        return self._blocks[kind].copy()

    def to_frame(self) -> pd.DataFrame:
        """One row per regressor: ``direct, direct_se, direct_z, direct_pvalue, direct_lower, direct_upper``, … total."""
        cols = {}
        for kind in EFFECT_NAMES:
            for stat, values in self._blocks[kind].items():
                cols[kind if stat == "estimate" else f"{kind}_{stat}"] = values
        out = pd.DataFrame(cols)
        out.attrs.update(method=self.method, n_draws=self.n_draws, alpha=self.alpha, horizon=self.horizon)
        return out

    def summary(self) -> Summary:
        how = (f"simulation, {self.n_draws} draws" if self.method == "simulation" else "delta method")
        level = f"{100 * (1 - self.alpha):g}%"
        facts = (("Effects", self.horizon), ("Inference", how), ("Interval", level))
        tables = tuple((f"{kind.capitalize()} effects", self._blocks[kind]) for kind in EFFECT_NAMES)
        return Summary("Direct, indirect and total effects (LeSage & Pace 2009)", facts, tables,
                       ("S_k(W) = (I - rho W)^-1 (beta_k I + theta_k W); direct = tr(S_k)/N, "
                        "total = 1'S_k 1/N, indirect = total - direct.",))

    _legacy_hint = "use .direct/.indirect/.total or .to_frame() (columns '<effect>_pvalue')"

    def _legacy_frame(self) -> pd.DataFrame:
        return self.to_frame().rename(columns={f"{k}_pvalue": f"{k}_p" for k in EFFECT_NAMES})


def _jacobian(params: np.ndarray, spec: EffectSpec) -> np.ndarray:
    m = len(params)
    h = 1e-6 * np.maximum(1.0, np.abs(params))
    P = np.repeat(params[None, :], 2 * m, axis=0)
    P[np.arange(m), np.arange(m)] += h
    P[m + np.arange(m), np.arange(m)] -= h
    vals = effect_draws(P, spec)                            # (2m, n_vars, 3)
    return np.moveaxis((vals[:m] - vals[m:]) / (2 * h)[:, None, None], 0, 2)
