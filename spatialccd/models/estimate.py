"""What a likelihood search returns: one typed value instead of a dict passed between modules."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["FitEstimate"]


@dataclass(frozen=True)
class FitEstimate:
    """Estimates of one fit on the transformed arrays.

    ``beta`` the coefficients of Z = [X, W·X]; ``spatial`` ρ (lag family), λ
    (error family) or ``None`` (SLX/OLS); ``cov`` the covariance of (β, spatial,
    σ²) (of β alone for OLS); ``n`` the effective sample size of the likelihood;
    ``resid``, ``ys``, ``Z`` the transformed residuals, response and regressors.
    """

    beta: np.ndarray
    spatial: float | None
    sigma2: float
    cov: np.ndarray = field(repr=False)
    llf: float
    n: float
    resid: np.ndarray = field(repr=False)
    ys: np.ndarray = field(repr=False)
    Z: np.ndarray = field(repr=False)
    df_resid: float = math.nan
