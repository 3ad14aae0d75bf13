"""The part every maximum-likelihood result shares: labelled coefficients, covariance, tests, information criteria.

:class:`MLResults` is a frozen dataclass base for the results of the SAC/GNS
(:mod:`.sac`) and dynamic (:mod:`.dynamic`) panel models: ``params`` (a copy),
``cov_params()`` (a method, as in statsmodels), ``bse``, ``tvalues``, ``pvalues``
(normal reference distribution), ``conf_int()``, ``aic``, ``bic`` and the
coefficient table :meth:`to_frame`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..summary import SummaryMixin

__all__ = ["MLResults", "SpatialLagMLResults", "inverse_information"]


def inverse_information(matrix: np.ndarray, what: str) -> np.ndarray:
    """Inverse of an information matrix (or of minus a Hessian), with a clear error when singular."""
    from ..exceptions import SpatialCCDError

    try:
        cov = np.linalg.inv(matrix)
    except np.linalg.LinAlgError as exc:
        raise SpatialCCDError(f"the {what} is singular: the parameters are not identified") from exc
    if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
        raise SpatialCCDError(f"the {what} is not positive definite at the estimates: the parameters are not "
                              "identified (or the maximum is not interior)")
    return cov


@dataclass(frozen=True)
class MLResults(SummaryMixin):
    """Coefficients θ̂ (``params``), their covariance V̂ and the maximised log-likelihood of one ML fit."""

    _params: pd.Series = field(repr=False)
    _cov: pd.DataFrame = field(repr=False)
    llf: float
    sigma2: float
    sigma2_se: float
    nobs: int
    N: int  # noqa: N815
    T: int  # noqa: N815
    n_effective: float

    @property
    def params(self) -> pd.Series:
        """Estimates, labelled (a copy)."""
        return self._params.copy()

    def cov_params(self) -> pd.DataFrame:
        """Covariance of :attr:`params` (labelled copy)."""
        return self._cov.copy()

    @property
    def bse(self) -> pd.Series:
        """Standard errors √diag(V̂)."""
        return pd.Series(np.sqrt(np.diag(self._cov)), index=self._params.index, name="bse")

    @property
    def tvalues(self) -> pd.Series:
        """z statistics θ̂/se."""
        return (self._params / self.bse).rename("z")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided normal p-values."""
        return pd.Series(2 * stats.norm.sf(np.abs(self.tvalues)), index=self._params.index, name="pvalue")

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal intervals at level 1 − alpha: columns ``lower``, ``upper``."""
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame({"lower": self._params - z * self.bse, "upper": self._params + z * self.bse})

    @property
    def k_params(self) -> int:
        """Estimated parameters including σ²."""
        return len(self._params) + 1

    @property
    def aic(self) -> float:
        """−2ℓ + 2k."""
        return -2 * self.llf + 2 * self.k_params

    @property
    def bic(self) -> float:
        """−2ℓ + k log(nobs)."""
        return -2 * self.llf + np.log(self.nobs) * self.k_params

    def to_frame(self, alpha: float = 0.05) -> pd.DataFrame:
        """Coefficient table: coef, std err, z, P>|z| and the confidence interval."""
        ci = self.conf_int(alpha)
        return pd.DataFrame({"coef": self._params, "std err": self.bse, "z": self.tvalues, "P>|z|": self.pvalues,
                             f"[{alpha / 2:.3f}": ci["lower"], f"{1 - alpha / 2:.3f}]": ci["upper"]})

    def _fit_facts(self) -> tuple[tuple[str, str], ...]:
        return (("N (units)", str(self.N)), ("T (periods)", str(self.T)), ("Observations", str(self.nobs)),
                ("n (effective)", f"{self.n_effective:g}"), ("Log-likelihood", f"{self.llf:.4f}"),
                ("AIC", f"{self.aic:.4f}"), ("BIC", f"{self.bic:.4f}"), ("sigma^2", f"{self.sigma2:.6g}"))


@dataclass(frozen=True)
class SpatialLagMLResults(MLResults):
    """An :class:`MLResults` of a model with a spatial lag ρWy: the options it was fitted with, ρ, residuals."""

    kind: str
    effects: str
    bias_correction: str | None
    cov_type: str
    formula: str
    yname: str
    logdet_method: str
    bounds: tuple[float, float]
    _effect_spec: object = field(repr=False)   # an effects.EffectSpec, or None without regressors
    _resid: pd.Series = field(repr=False)

    @property
    def rho(self) -> float:
        """ρ, the coefficient of the spatial lag W y_t."""
        return float(self._params["rho"])

    @property
    def resid(self) -> pd.Series:
        """Residuals of the transformed model, labelled (time, unit)."""
        return self._resid.copy()
