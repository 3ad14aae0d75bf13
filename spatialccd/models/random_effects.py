"""Spatial lag / spatial Durbin panel models with random unit effects, by maximum likelihood.

Model (Elhorst 2014, *Spatial Econometrics*, ch. 3.4; the MATLAB toolbox's
``sar_panel_RE``; Baltagi 2005, *Econometric Analysis of Panel Data*, ch. 2.3):

    y_t = ρWy_t + X_tβ + WX_tθ + μ + ε_t,   μ ~ N(0, σ_μ²I_N),  ε_t ~ N(0, σ²I_N)

with μ independent of X.  Let φ² = σ²/(Tσ_μ² + σ²) ∈ (0, 1] and the
quasi-demeaning P_φ a = a_it − (1 − φ)·ā_i (ā_i the mean of unit i over time;
P_φ commutes with I_T ⊗ W).  With u = y − ρWy − Zβ, Z = [X, WX], the
log-likelihood is

    ℓ(β, ρ, φ, σ²) = −NT/2·log(2πσ²) + N·log φ + T·log|I − ρW| − u'P_φ'P_φu/(2σ²),
    u'P_φ'P_φu = u'(I − J̄)u + φ²·u'J̄u,        J̄ = (ι_Tι_T'/T) ⊗ I_N.

For given φ, β and σ² are closed-form and ρ is a bounded scalar search
(:func:`~spatialccd.models.fit.maximise`); φ is found by maximising the profile
likelihood over (0, 1] (a grid, then bounded Brent).  This is the joint ML
estimate that ``sar_panel_RE`` approaches by alternating the two searches.
φ → 0 gives the fixed-effects (within) estimator, φ = 1 the pooled model.
σ_μ² = σ²(1/φ² − 1)/T is reported.

``effects="twoways"`` adds time fixed effects (the toolbox's ``model = 3``):
the data are first demeaned by period (with W·y formed per ``lag_convention``,
as in the fixed-effects models), then quasi-demeaned; the intercept is then
absorbed.  Only unit effects can be random here: ``effects="time"`` or
``"none"`` and the error-family models (SEM/SDEM, whose random-effects
likelihood has a different Ω; see Baltagi, Song & Koh 2003) raise an error.

Covariance: the inverse of minus the analytical observed Hessian in
(β, ρ, φ, σ²) (checked against a numerical Hessian in the tests).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from .._options import LagConvention, LogdetMethod, ModelKind, RandomEffects, Units
from ..exceptions import ConvergenceError, NumericalWarning, SpatialCCDError
from .fit import maximise_concentrated
from .likelihood import LagMoments, Likelihood
from .logdet import logdet_for
from .results import MODEL_TITLES, SpatialPanelResults
from .spec import SpatialPanelModel, _solve_periods
from ..summary import Summary

RE_KINDS = ("sar", "sdm")
RE_EFFECTS = ("individual", "twoways")
#: Smallest φ searched: φ = 0.001 means σ_μ² ≈ 10⁶σ²/T, the within estimator for any practical purpose.
PHI_MIN = 1e-3


def unit_means(a: np.ndarray, N: int, T: int) -> np.ndarray:
    """J̄a: each observation replaced by its unit's mean over time (time-major (NT,) or (NT, k))."""
    b = a.reshape(T, N, -1)
    return np.broadcast_to(b.mean(axis=0, keepdims=True), b.shape).reshape(a.shape)


def quasi_demean(a: np.ndarray, phi: float, N: int, T: int) -> np.ndarray:
    """P_φ a = a − (1 − φ)·J̄a."""
    return a - (1 - phi) * unit_means(a, N, T)


@dataclass(frozen=True)
class RESample:
    """Arrays of the random-effects likelihood: y, Z = [X, WX] and Wy after any time demeaning."""

    y: np.ndarray
    Z: np.ndarray
    wy: np.ndarray
    N: int
    T: int
    logdet: object

    @property
    def lik(self) -> Likelihood:
        return Likelihood(float(self.N * self.T), float(self.T), self.logdet)

    @cached_property
    def _reduced(self) -> tuple[np.ndarray, np.ndarray]:
        """(R_w, R_b), m × m, with (P_φM)'(P_φM) = R_w'R_w + φ²R_b'R_b for M = [y, Z, Wy].

        P_φM = (I − J̄)M + φJ̄M and the two parts are orthogonal, so the cross-products at any φ
        are those of the 2m × m matrix [R_w; φR_b], R_w from the QR of the within part and R_b
        from the QR of √T times the unit means (J̄M repeats them T times).  Least squares on it
        gives exactly the coefficients and residual sums of squares of least squares on the NT
        quasi-demeaned rows (the same normal equations, without squaring the condition number),
        so the profile over φ costs O(m³) per φ instead of O(NTm²).
        """
        M = np.column_stack([self.y, self.Z, self.wy])
        means = unit_means(M, self.N, self.T)
        within = np.linalg.qr(M - means, mode="r")
        between = np.linalg.qr(np.sqrt(self.T) * means[:self.N], mode="r")
        return within, between

    def moments(self, phi: float) -> LagMoments:
        within, between = self._reduced
        S = np.vstack([within, phi * between])
        return LagMoments.from_arrays(S[:, 0], S[:, 1:-1], S[:, -1])

    def loglik(self, beta: np.ndarray, rho: float, phi: float, sigma2: float) -> float:
        """ℓ(β, ρ, φ, σ²) of the module docstring."""
        u = self.y - rho * self.wy - self.Z @ beta
        e = quasi_demean(u, phi, self.N, self.T)
        return self.lik.full(float(e @ e), sigma2, rho) + self.N * np.log(phi)

    def hessian(self, beta: np.ndarray, rho: float, phi: float, sigma2: float) -> np.ndarray:
        """Analytical observed Hessian of ℓ in (β, ρ, φ, σ²).

        With A = (I − J̄) + φ²J̄, D = [Z, Wy] and u linear in (β, ρ):
        ∂²ℓ/∂(β,ρ)² = −D'AD/σ² (+ T·d²log|I − ρW|/dρ² for ρ), ∂²ℓ/∂(β,ρ)∂φ = 2φD'J̄u/σ²,
        ∂²ℓ/∂φ² = −N/φ² − u'J̄u/σ², ∂²ℓ/∂(β,ρ)∂σ² = −D'Au/σ⁴, ∂²ℓ/∂φ∂σ² = φu'J̄u/σ⁴,
        ∂²ℓ/∂(σ²)² = NT/(2σ⁴) − u'Au/σ⁶.
        """
        N, T = self.N, self.T
        u = self.y - rho * self.wy - self.Z @ beta
        D = np.column_stack([self.Z, self.wy])
        ju, jd = unit_means(u, N, T), unit_means(D, N, T)
        au, ad = u - (1 - phi ** 2) * ju, D - (1 - phi ** 2) * jd
        m = D.shape[1]
        H = np.zeros((m + 2, m + 2))
        H[:m, :m] = -D.T @ ad / sigma2
        H[m - 1, m - 1] += self.T * self.logdet.d2(rho)
        H[:m, m] = H[m, :m] = 2 * phi * (D.T @ ju) / sigma2
        H[m, m] = -N / phi ** 2 - float(u @ ju) / sigma2
        H[:m, m + 1] = H[m + 1, :m] = -(D.T @ au) / sigma2 ** 2
        H[m, m + 1] = H[m + 1, m] = phi * float(u @ ju) / sigma2 ** 2
        H[m + 1, m + 1] = N * T / (2 * sigma2 ** 2) - float(u @ au) / sigma2 ** 3
        return H

    def profile(self, phi: float) -> tuple[float, float, LagMoments]:
        """max over ρ (β, σ² concentrated out) of ℓ at φ: (value, ρ̂(φ), moments), on the exact
        log-determinant (:func:`~spatialccd.models.fit.maximise_concentrated`)."""
        lik, mom = self.lik, self.moments(phi)
        rho = maximise_concentrated(lik, self.logdet, mom.ssr, name="rho")
        return lik.concentrated(mom.ssr(rho), rho) + self.N * np.log(phi), rho, mom

    def rough_profile(self, phi: float) -> float:
        """The profile at φ on the engine's cheap log-determinant (``logdet.locator()``, exact for
        the eigenvalue engine): it only picks the bracket of the exact search for φ."""
        lik, mom = Likelihood(float(self.N * self.T), float(self.T), self.logdet.locator()), self.moments(phi)
        res = minimize_scalar(lambda r: -lik.concentrated(mom.ssr(r), r), bounds=self.logdet.bounds,
                              method="bounded", options={"xatol": 1e-8})
        return -float(res.fun) + self.N * np.log(phi)


def estimate_phi(sample: RESample) -> float:
    """φ̂ = argmax of the profile likelihood on [PHI_MIN, 1]: a grid of 50 on the cheap log-determinant
    picks the cells around the maximum, bounded Brent on the exact profile finds it there."""
    grid = np.linspace(PHI_MIN, 1.0, 50)
    vals = np.array([sample.rough_profile(p) for p in grid])
    if not np.isfinite(vals).any():
        raise ConvergenceError("random-effects profile log-likelihood is not finite for any phi in (0, 1]")
    i = int(np.nanargmax(vals))
    a, b = grid[max(i - 2, 0)], grid[min(i + 2, len(grid) - 1)]
    res = minimize_scalar(lambda p: -sample.profile(p)[0], bounds=(a, b), method="bounded",
                          options={"xatol": 1e-10, "maxiter": 500})
    if not res.success or not np.isfinite(res.fun):
        raise ConvergenceError(f"search for phi did not converge: last phi={res.x!r}, message={res.message!r}")
    phi = float(res.x)
    if phi > 1 - 1e-6:
        warnings.warn("phi is estimated at 1 (sigma_mu^2 = 0): no unit random effects; the model reduces to "
                      "the pooled one and the standard error of phi is not valid at the boundary",
                      NumericalWarning, stacklevel=3)
        return 1.0
    if phi < PHI_MIN * (1 + 1e-6):
        raise ConvergenceError(f"phi reached its lower bound {PHI_MIN}: the unit effects are so large that the "
                               "random-effects model is the fixed-effects (within) model; fit that instead")
    return phi


@dataclass(frozen=True)
class RandomEstimate:
    """ML estimates of the random-effects lag model; ``cov`` of (β, ρ, φ, σ²) (inverse observed information)."""

    beta: np.ndarray
    rho: float
    phi: float
    sigma2: float
    llf: float
    cov: np.ndarray


def fit_random_lag(sample: RESample) -> RandomEstimate:
    """ML estimates, log-likelihood and observed-Hessian covariance of (β, ρ, φ, σ²)."""
    phi = estimate_phi(sample)
    llf, rho, mom = sample.profile(phi)
    n = sample.N * sample.T
    beta, sigma2 = mom.beta(rho), mom.ssr(rho) / n
    H = sample.hessian(beta, rho, phi, sigma2)
    try:
        cov = np.linalg.inv(-H)
    except np.linalg.LinAlgError as exc:
        raise ConvergenceError("observed information is singular: parameters are not identified") from exc
    return RandomEstimate(beta=beta, rho=rho, phi=phi, sigma2=sigma2, llf=llf, cov=cov)


@dataclass(frozen=True)
class RandomEffectsResults(SpatialPanelResults):
    """Results of :meth:`RandomEffectsModel.fit`: a :class:`SpatialPanelResults` plus φ and σ_μ².

    ``params`` holds the intercept (without time effects), β, θ (``W_<x>``) and
    ``rho``; ``cov_params`` is their block of the inverse observed information.
    """

    phi: float
    phi_se: float
    sigma2_mu: float

    @property
    def k_params(self) -> int:
        return len(self._params) + 2  # + σ², φ

    def fixed_effects(self):
        raise SpatialCCDError("a random-effects model has no fixed unit effects to recover; "
                         "fit the fixed-effects model for them")

    def summary(self, alpha: float = 0.05) -> Summary:
        base = super().summary(alpha)
        label = "random unit effects" + (", time fixed effects" if self.effects == "twoways" else "")
        short = "RE unit" + (", FE time" if self.effects == "twoways" else "")
        facts = tuple((k, short if k == "Effects" else v) for k, v in base.facts)
        facts += (("phi", f"{self.phi:.6g} ({self.phi_se:.3g})"), ("sigma_mu^2", f"{self.sigma2_mu:.6g}"))
        title = f"{MODEL_TITLES[self.kind]} panel model, {label}, ML"
        notes = base.notes + ("phi^2 = sigma^2/(T sigma_mu^2 + sigma^2) (Elhorst 2014, sar_panel_RE).",)
        return Summary(title, facts, base.tables, notes)


class RandomEffectsModel:
    """SAR or SDM with random unit effects (optionally plus time fixed effects), by ML.

    Arguments as :class:`~spatialccd.models.spec.SpatialPanelModel`; ``kind`` ∈
    {"sar", "sdm"}; ``effects`` ∈ {"individual" (random unit effects; the
    formula's intercept is kept), "twoways" (random unit + fixed time effects)}.
    See the module docstring for the likelihood.
    """

    def __init__(self, data, formula: str, w, *, kind: ModelKind = "sdm", unit: str = "province",
                 time: str = "year", effects: RandomEffects = "individual", lag_convention: LagConvention = "exact",
                 durbin=None, units: Units = "auto") -> None:
        if kind not in RE_KINDS:
            raise SpatialCCDError(f"random-effects estimation is available for kind in {list(RE_KINDS)} (the lag family, "
                             f"Elhorst's sar_panel_RE), got {kind!r}")
        if effects not in RE_EFFECTS:
            raise SpatialCCDError(f"random effects are unit effects: effects must be one of {list(RE_EFFECTS)} "
                             f"('individual' = random unit effects, 'twoways' = random unit + fixed time effects), "
                             f"got {effects!r}; without unit effects there is nothing to randomise")
        self.kind, self.effects = kind, effects
        self._spec = SpatialPanelModel(data, formula, w, kind=kind, unit=unit, time=time,
                                       effects="none" if effects == "individual" else "time",
                                       lag_convention=lag_convention, durbin=durbin, units=units)
        if self._spec.design.T < 2:
            raise SpatialCCDError("random unit effects need at least 2 periods")

    @property
    def design(self):
        return self._spec.design

    def fit(self, *, logdet: LogdetMethod = "auto") -> RandomEffectsResults:
        d = self.design
        ld = logdet_for(d.W, method=logdet)
        ys, Z, wy = d.transformed()
        est = fit_random_lag(RESample(ys, Z, wy, d.N, d.T, ld))
        names = list(d.names) + list(d.durbin_names) + ["rho"]
        m = len(names)
        params = pd.Series(np.r_[est.beta, est.rho], index=names, name="coef")
        cov = est.cov
        phi, sigma2 = est.phi, est.sigma2
        ps, Zs = quasi_demean(ys, phi, d.N, d.T), quasi_demean(Z, phi, d.N, d.T)
        resid = ps - est.rho * quasi_demean(wy, phi, d.N, d.T) - Zs @ est.beta
        fitted = _solve_periods(d.W, est.rho, Zs @ est.beta, d.N, d.T)
        return RandomEffectsResults(
            kind=self.kind, effects=self.effects, bias_correction=None, lag_convention=d.lag_convention,
            cov_type="hessian", formula=self._spec.formula, yname=d.yname, _params=params,
            _cov=pd.DataFrame(cov[:m, :m], index=names, columns=names), sigma2=sigma2,
            sigma2_se=float(np.sqrt(cov[m + 1, m + 1])), llf=float(est.llf), nobs=d.N * d.T, N=d.N, T=d.T,
            n_effective=float(d.N * d.T), df_resid=float("nan"),
            r2_within=1 - float(resid @ resid) / float(((ps - ps.mean()) ** 2).sum()),
            corr2=float(np.corrcoef(ps, fitted)[0, 1] ** 2), logdet_method=ld.method, bounds=ld.bounds,
            _fixed=None, _effect_spec=self._spec._effect_spec(params, ld),
            _resid=pd.Series(resid, index=d.panel.index, name="resid"),
            phi=phi, phi_se=float(np.sqrt(cov[m, m])), sigma2_mu=sigma2 * (1 / phi ** 2 - 1) / d.T)


def random_effects(data, formula: str, w, *, kind: str = "sdm", unit: str = "province", time: str = "year",
                   effects: RandomEffects = "individual", lag_convention: LagConvention = "exact", durbin=None,
                   units: Units = "auto") -> RandomEffectsResults:
    """Fit a random-effects SAR/SDM: ``RandomEffectsModel(...).fit()`` (see :class:`RandomEffectsModel`)."""
    return RandomEffectsModel(data, formula, w, kind=kind, unit=unit, time=time, effects=effects,
                              lag_convention=lag_convention, durbin=durbin, units=units).fit()
