"""Immutable results of a spatial panel fit."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .effects import EffectSpec, compute_impacts
from ..summary import Summary, SummaryMixin

MODEL_TITLES = {"sar": "Spatial lag (SAR)", "sdm": "Spatial Durbin (SDM)", "sem": "Spatial error (SEM)",
                "sdem": "Spatial Durbin error (SDEM)", "slx": "Spatial lag of X (SLX)"}
EFFECT_TITLES = {"none": "pooled (no fixed effects)", "individual": "unit fixed effects",
                 "time": "time fixed effects", "twoways": "two-way fixed effects"}


@dataclass(frozen=True)
class SpatialPanelResults(SummaryMixin):
    """Results of :meth:`SpatialPanelModel.fit`.

    Attributes are read-only; pandas outputs are copies.  ``params`` holds β
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
    _params: pd.Series = field(repr=False)
    _cov: pd.DataFrame = field(repr=False)
    sigma2: float
    sigma2_se: float
    llf: float
    nobs: int
    N: int  # noqa: N815
    T: int  # noqa: N815
    n_effective: float
    df_resid: float
    r2_within: float
    corr2: float
    logdet_method: str
    bounds: tuple[float, float] | None
    _fixed: dict = field(repr=False)
    _effect_spec: EffectSpec | None = field(repr=False)
    _resid: pd.Series = field(repr=False)

    # --- coefficients -------------------------------------------------------
    @property
    def params(self) -> pd.Series:
        return self._params.copy()

    @property
    def cov_params(self) -> pd.DataFrame:
        return self._cov.copy()

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self._cov)), index=self._params.index, name="bse")

    @property
    def tvalues(self) -> pd.Series:
        return (self._params / self.bse).rename("z")

    @property
    def pvalues(self) -> pd.Series:
        return pd.Series(2 * stats.norm.sf(np.abs(self.tvalues)), index=self._params.index, name="p")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({"lower": self._params - z * self.bse, "upper": self._params + z * self.bse})

    @property
    def spatial_name(self) -> str | None:
        return {"sar": "rho", "sdm": "rho", "sem": "lambda", "sdem": "lambda"}.get(self.kind)

    @property
    def rho(self) -> float | None:
        """ρ (lag family) or λ (error family); None for SLX."""
        name = self.spatial_name
        return float(self._params[name]) if name else None

    @property
    def resid(self) -> pd.Series:
        """Residuals of the transformed model, labelled (time, unit)."""
        return self._resid.copy()

    # --- fit statistics -----------------------------------------------------
    @property
    def k_params(self) -> int:
        return len(self._params) + 1  # + σ²

    @property
    def aic(self) -> float:
        return -2 * self.llf + 2 * self.k_params

    @property
    def bic(self) -> float:
        return -2 * self.llf + np.log(self.nobs) * self.k_params

    def fixed_effects(self) -> dict:
        """Recovered fixed effects: ``intercept``, ``unit`` (Series) and ``time`` (Series).

        Normalisation of the Elhorst toolbox: with r = y − ρWy − Xβ − WXθ on the raw
        data, intercept = mean(r), unit effect μ_i = mean_t(r_it) − intercept, time
        effect α_t = mean_i(r_it) − intercept; each set sums to zero.
        """
        return {k: (v.copy() if isinstance(v, pd.Series) else v) for k, v in self._fixed.items()}

    # --- effects ------------------------------------------------------------
    def impacts(self, method: str = "simulation", *, n_draws: int = 1000, seed=None,
                alpha: float = 0.05) -> pd.DataFrame:
        """Direct, indirect (spillover) and total effects with SEs (see :mod:`.effects`).

        Returns a DataFrame indexed by regressor with columns ``direct``,
        ``direct_se``, ``direct_z``, ``direct_p``, ``direct_lower``,
        ``direct_upper`` and the same for ``indirect`` and ``total``.
        """
        if self._effect_spec is None:
            raise ValueError("this model has no regressors with effects to compute")
        names = list(self._params.index)
        return compute_impacts(self._params.to_numpy(), self._cov.loc[names, names].to_numpy(), self._effect_spec,
                               method=method, n_draws=n_draws, seed=seed, alpha=alpha, bounds=self.bounds)

    # --- presentation -------------------------------------------------------
    def to_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        ci = self.conf_int(alpha)
        return pd.DataFrame({"coef": self._params, "std err": self.bse, "z": self.tvalues, "P>|z|": self.pvalues,
                             f"[{alpha / 2:.3f}": ci["lower"], f"{1 - alpha / 2:.3f}]": ci["upper"]})

    def summary(self, alpha: float = 0.05) -> Summary:
        facts = (("Model", self.kind.upper()), ("Effects", self.effects), ("Dep. variable", self.yname),
                 ("N (units)", str(self.N)), ("T (periods)", str(self.T)), ("Observations", str(self.nobs)),
                 ("Log-likelihood", f"{self.llf:.4f}"), ("AIC", f"{self.aic:.4f}"), ("BIC", f"{self.bic:.4f}"),
                 ("sigma^2", f"{self.sigma2:.6g}"), ("R^2 (within)", f"{self.r2_within:.4f}"),
                 ("corr^2", f"{self.corr2:.4f}"), ("Bias correction", str(self.bias_correction)),
                 ("Lag convention", self.lag_convention), ("Covariance", self.cov_type),
                 ("log|I-rW| method", self.logdet_method))
        title = f"{MODEL_TITLES[self.kind]} panel model, {EFFECT_TITLES[self.effects]}, ML"
        notes = ("z-statistics and p-values use the normal distribution.",)
        return Summary(title, facts, (("Coefficients", self.to_frame(alpha)),), notes)
