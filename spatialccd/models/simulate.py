"""Simulate panels from a known spatial Durbin process (for recovery tests, benchmarks and the demo).

    y_t = (I − ρW)⁻¹ (X_t β + W X_t θ + μ + α_t 1 + ε_t),   ε_t ~ N(0, σ²I)

with unit effects μ correlated with the regressors (so that pooled estimation
would be biased) and time effects α_t.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ..exceptions import SpatialCCDError


def simulate_sdm(W: sp.csr_matrix, T: int, *, rho: float, beta, theta, sigma: float = 1.0,  # noqa: N803
                 seed=None, unit_ids=None, start_year: int = 2000, unit_effects: float = 1.0,
                 time_effects: float = 1.0) -> pd.DataFrame:
    """Long DataFrame (``unit``, ``year``, ``y``, ``x1`` … ``xk``) from a two-way FE SDM.

    ``beta`` and ``theta`` have one entry per regressor; θ = 0 gives a SAR
    process and ρ = 0 an SLX process.
    """
    W = sp.csr_matrix(W)
    N = W.shape[0]
    beta, theta = np.asarray(beta, float), np.asarray(theta, float)
    if beta.shape != theta.shape:
        raise SpatialCCDError("beta and theta must have the same length")
    rng = np.random.default_rng(seed)
    k = len(beta)
    mu = unit_effects * rng.standard_normal(N)
    alpha = time_effects * rng.standard_normal(T)
    lu = splu(sp.csc_matrix(sp.identity(N) - rho * W))
    rows = []
    ids = list(unit_ids) if unit_ids is not None else [f"u{i:04d}" for i in range(N)]
    for t in range(T):
        X = rng.standard_normal((N, k)) + 0.5 * mu[:, None]
        eta = X @ beta + (W @ X) @ theta + mu + alpha[t] + sigma * rng.standard_normal(N)
        y = lu.solve(eta)
        frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(k)])
        frame.insert(0, "y", y)
        frame.insert(0, "year", start_year + t)
        frame.insert(0, "unit", ids)
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)
