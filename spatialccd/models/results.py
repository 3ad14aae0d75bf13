"""Immutable results of a spatial panel fit: coefficients, covariance, fit statistics, fixed effects, effects."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import pandas as pd

from .._options import ImpactsMethod
from ..exceptions import SpatialCCDDeprecationWarning, SpatialCCDError
from ..summary import Summary, SummaryMixin
from .effects import EffectSpec, Impacts, compute_impacts
from .mlresults import MLResults

MODEL_TITLES = {"sar": "Spatial lag (SAR)", "sdm": "Spatial Durbin (SDM)", "sem": "Spatial error (SEM)",
                "sdem": "Spatial Durbin error (SDEM)", "slx": "Spatial lag of X (SLX)"}
EFFECT_TITLES = {"none": "pooled (no fixed effects)", "individual": "unit fixed effects",
                 "time": "time fixed effects", "twoways": "two-way fixed effects"}


@dataclass(frozen=True)
class FixedEffects(SummaryMixin):
    """Recovered fixed effects (normalisation of the Elhorst toolbox).

    With r = y − ρWy − Xβ − WXθ on the raw data: ``intercept`` = mean(r), unit
    effect μ_i = mean_t(r_it) − intercept, time effect α_t = mean_i(r_it) −
    intercept; each set sums to zero.  ``unit``/``time`` are ``None`` when the
    model has no such effects.
    """

    intercept: float
    unit: pd.Series | None = field(default=None, repr=False)
    time: pd.Series | None = field(default=None, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Long frame: kind (``unit``/``time``), label, effect."""
        parts = [pd.DataFrame({"kind": kind, "label": s.index, "effect": s.to_numpy()})
                 for kind, s in (("unit", self.unit), ("time", self.time)) if s is not None]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["kind", "label", "effect"])

    def summary(self) -> Summary:
        tables = tuple((f"{kind.capitalize()} effects", s.to_frame()) for kind, s in
                       (("unit", self.unit), ("time", self.time)) if s is not None)
        return Summary("Recovered fixed effects", (("Intercept", f"{self.intercept:.6g}"),), tables,
                       ("Each set of effects sums to zero (Elhorst toolbox normalisation).",))

    def __getitem__(self, key: str):
        warnings.warn("fixed_effects() now returns a FixedEffects object: use .intercept, .unit, .time; "
                      "dict access is deprecated", SpatialCCDDeprecationWarning, stacklevel=2)
        value = {"intercept": self.intercept, "unit": self.unit, "time": self.time}[key]
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        return {"intercept": True, "unit": self.unit is not None, "time": self.time is not None}.get(key, False)


class _CovFrame(pd.DataFrame):
    """The covariance matrix; calling it returns itself, so ``cov_params()`` (the statsmodels spelling)
    and the 0.1 attribute ``cov_params`` both work."""

    def __call__(self) -> pd.DataFrame:
        return pd.DataFrame(self)


@dataclass(frozen=True)
class SpatialPanelResults(MLResults):
    """Results of :meth:`SpatialPanelModel.fit`.

    Attributes are read-only; pandas outputs are copies.  Coefficients, covariance, tests and
    information criteria come from :class:`~spatialccd.models.mlresults.MLResults`.  ``params`` holds β
    (named after the regressors), θ (``W_<name>``) and then ``rho`` (lag family)
    or ``lambda`` (error family).
    """

    kind: str
    effects: str
    bias_correction: str | None
    lag_convention: str
    cov_type: str
    formula: str
    yname: str
    df_resid: float
    r2_within: float
    corr2: float
    logdet_method: str
    bounds: tuple[float, float] | None
    _fixed: FixedEffects = field(repr=False)
    _effect_spec: EffectSpec | None = field(repr=False)
    _resid: pd.Series = field(repr=False)

    # --- coefficients -------------------------------------------------------
    @property
    def cov_params(self) -> pd.DataFrame:
        """Covariance of :attr:`params` (labelled); call it, ``res.cov_params()``, as in statsmodels."""
        return _CovFrame(self._cov.copy())

    @property
    def spatial_name(self) -> str | None:
        """Label of the spatial parameter in :attr:`params`: ``"rho"``, ``"lambda"`` or None (SLX)."""
        return {"sar": "rho", "sdm": "rho", "sem": "lambda", "sdem": "lambda"}.get(self.kind)

    @property
    def rho(self) -> float | None:
        """ρ of a lag model (SAR, SDM); None for SLX.

        For the error family (SEM, SDEM) use :attr:`lam`; ``rho`` still returns λ
        there for one release, with a deprecation warning.
        """
        if self.spatial_name == "lambda":
            warnings.warn(f"the {self.kind.upper()} has no rho; 'rho' returned lambda and is deprecated for "
                          "error models: use 'lam'", SpatialCCDDeprecationWarning, stacklevel=2)
        name = self.spatial_name
        return float(self._params[name]) if name else None

    @property
    def lam(self) -> float | None:
        """λ of an error model (SEM, SDEM); None for the lag family and SLX."""
        return float(self._params["lambda"]) if self.spatial_name == "lambda" else None

    @property
    def resid(self) -> pd.Series:
        """Residuals of the transformed model, labelled (time, unit)."""
        return self._resid.copy()

    @property
    def trace_method(self) -> str:
        """How the traces behind the information matrix and the effects were computed (exact, or the
        stated approximation with its error bound); read when shown, as the effects add their own."""
        spec = self._effect_spec
        ld = spec.mult.logdet if spec is not None else None
        return getattr(ld, "trace_method", "none") if ld is not None else "none"

    # --- fit statistics -----------------------------------------------------
    def fixed_effects(self) -> FixedEffects:
        """Recovered fixed effects (see :class:`FixedEffects` for the normalisation)."""
        return self._fixed

    # --- effects ------------------------------------------------------------
    def impacts(self, method: ImpactsMethod = "simulation", *, n_draws: int = 1000, seed=None,
                alpha: float = 0.05) -> Impacts:
        """Direct, indirect (spillover) and total effects with SEs, z, p-values and intervals.

        S_k(W) = (I − ρW)⁻¹(β_k I + θ_k W) (LeSage & Pace 2009, ch. 2.7); see
        :mod:`spatialccd.models.effects`.  ``method="simulation"`` draws
        ``n_draws`` parameter vectors from N(θ̂, V̂) (reproducible with ``seed``);
        ``"delta"`` uses the delta method.  Returns :class:`~spatialccd.models.effects.Impacts`.
        """
        if self._effect_spec is None:
            raise SpatialCCDError("this model has no regressors with effects to compute")
        names = list(self._params.index)
        return compute_impacts(self._params.to_numpy(), self._cov.loc[names, names].to_numpy(), self._effect_spec,
                               method=method, n_draws=n_draws, seed=seed, alpha=alpha, bounds=self.bounds)

    # --- presentation -------------------------------------------------------
    def summary(self, alpha: float = 0.05) -> Summary:
        facts = (("Model", self.kind.upper()), ("Effects", self.effects), ("Dep. variable", self.yname),
                 ("N (units)", str(self.N)), ("T (periods)", str(self.T)), ("Observations", str(self.nobs)),
                 ("Log-likelihood", f"{self.llf:.4f}"), ("AIC", f"{self.aic:.4f}"), ("BIC", f"{self.bic:.4f}"),
                 ("sigma^2", f"{self.sigma2:.6g}"), ("R^2 (within)", f"{self.r2_within:.4f}"),
                 ("corr^2", f"{self.corr2:.4f}"), ("Bias correction", str(self.bias_correction)),
                 ("Lag convention", self.lag_convention), ("Covariance", self.cov_type),
                 ("log|I-rW| method", self.logdet_method), ("Traces", self.trace_method))
        title = f"{MODEL_TITLES[self.kind]} panel model, {EFFECT_TITLES[self.effects]}, ML"
        notes = ("z-statistics and p-values use the normal distribution.",)
        return Summary(title, facts, (("Coefficients", self.to_frame(alpha)),), notes)
