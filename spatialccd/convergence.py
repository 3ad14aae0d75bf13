"""σ-convergence and β-convergence (absolute and conditional) of a panel variable.

σ-convergence asks whether the cross-sectional dispersion falls over time;
β-convergence whether units that start lower grow faster (Barro & Sala-i-Martin
1992, *Journal of Political Economy* 100:223–251; Sala-i-Martin 1996, *Economic
Journal* 106:1019–1036).  Both are computed for the nation and, optionally, for
each group (club convergence by region, as the seeds' regional analyses do).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .inequality import NATION, GroupSpec, _cv, _group_labels, _sections
from .panel import PanelData, _plain, normalise_units

__all__ = ["SigmaConvergence", "sigma_convergence", "BetaConvergence", "beta_convergence"]


def _sd(y: np.ndarray, w: np.ndarray) -> float:
    return float(np.sqrt(np.average((y - np.average(y, weights=w)) ** 2, weights=w)))


_MEASURES = {"cv": _cv, "sd": _sd, "sd_log": lambda y, w: _sd(np.log(y), w)}


@dataclass(frozen=True)
class SigmaConvergence:
    """Dispersion series and their linear trends (see :func:`sigma_convergence`).

    ``series``: index time, columns ``Nation`` + groups.  ``trend``: index region,
    columns ``slope, se, t, p, converging`` (slope < 0 and p < alpha).
    """

    series: pd.DataFrame
    trend: pd.DataFrame
    measure: str


def sigma_convergence(data: pd.DataFrame, column: str, *, group: GroupSpec = None, unit: str = "province",
                      time: str = "year", weights: str | None = None, measure: str = "cv",
                      alpha: float = 0.05) -> SigmaConvergence:
    r"""σ-convergence: dispersion σ_t of ``column`` per year and its OLS trend σ_t = a + b·t + e_t.

    ``measure``: ``"cv"`` σ_t/ȳ_t (the usual choice for indices such as the coupling
    coordination degree), ``"sd"`` the standard deviation, ``"sd_log"`` the standard
    deviation of ln y (Barro & Sala-i-Martin 1992).  Population (1/n) moments,
    weighted by ``weights`` if given.  σ-convergence is declared when b < 0 with
    two-sided p < ``alpha`` (t-test on T − 2 degrees of freedom); t is the year when
    times are numeric, else 0, 1, ….
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}")
    sec = _sections(data, column, group=group, unit=unit, time=time, weights=weights)
    long = pd.DataFrame([(t, r, _MEASURES[measure](y, w)) for t, r, y, w, _u in sec.regions()],
                        columns=[time, "region", "v"])
    series = long.pivot(index=time, columns="region", values="v").reindex(columns=[NATION, *sec.groups])
    series = series.rename_axis(columns=None)
    idx = series.index
    x = idx.to_numpy(dtype=float) if pd.api.types.is_numeric_dtype(idx) else np.arange(len(idx), dtype=float)
    rows = {}
    for region in series.columns:
        s = series[region].to_numpy()
        ok = np.isfinite(s)
        if ok.sum() < 3:
            raise ValueError(f"σ-convergence trend of {region!r} needs at least 3 years, got {int(ok.sum())}")
        fit = stats.linregress(x[ok], s[ok])
        rows[region] = {"slope": fit.slope, "se": fit.stderr, "t": fit.slope / fit.stderr if fit.stderr > 0 else np.nan,
                        "p": fit.pvalue, "converging": bool(fit.slope < 0 and fit.pvalue < alpha)}
    trend = pd.DataFrame.from_dict(rows, orient="index").rename_axis("region")
    return SigmaConvergence(series=series, trend=trend, measure=measure)


@dataclass(frozen=True)
class BetaConvergence:
    """β-convergence estimates (see :func:`beta_convergence`).

    ``table``: one row per region with ``beta, se, t, p, speed, half_life, r2, n_obs,
    n_units, converging``.  ``params``: tidy (region, term) with ``coef, se, t, p`` for
    ln y and every control.  ``kind`` is ``"absolute"`` or ``"conditional"``.
    """

    table: pd.DataFrame
    params: pd.DataFrame
    kind: str
    effects: str
    method: str
    cov: str


_EFFECTS = ("none", "individual", "time", "twoways")
_COVS = ("classic", "robust", "cluster")


def _demean(a: np.ndarray, effects: str) -> np.ndarray:
    """Within transformation of an (N, T, ...) balanced block."""
    if effects == "none":
        return a - a.mean(axis=(0, 1))
    if effects == "individual":
        return a - a.mean(axis=1, keepdims=True)
    if effects == "time":
        return a - a.mean(axis=0, keepdims=True)
    return a - a.mean(axis=1, keepdims=True) - a.mean(axis=0, keepdims=True) + a.mean(axis=(0, 1))


def _ols(g: np.ndarray, X: np.ndarray, effects: str, cov: str) -> dict[str, np.ndarray | float]:
    """OLS of growth g (N, T) on regressors X (N, T, k) after absorbing ``effects``."""
    N, T, k = X.shape
    if cov == "cluster" and N < 2:
        raise ValueError("clustered standard errors need at least 2 units")
    yd, Xd = _demean(g, effects).reshape(-1), _demean(X, effects).reshape(N * T, k)
    absorbed = {"none": 1, "individual": N, "time": T, "twoways": N + T - 1}[effects]
    n = N * T
    df = n - k - absorbed
    if df <= 0:
        raise ValueError(f"β-convergence needs more observations: {n} growth observations, "
                         f"{k} regressors and {absorbed} absorbed effects")
    XtX_inv = np.linalg.pinv(Xd.T @ Xd)
    b = XtX_inv @ Xd.T @ yd
    e = yd - Xd @ b
    if cov == "classic":
        V = XtX_inv * (e @ e / df)
        dof = df
    elif cov == "robust":  # HC1
        V = XtX_inv @ (Xd.T * e**2) @ Xd @ XtX_inv * (n / df)
        dof = df
    else:  # clustered by unit (CR1)
        scores = (Xd * e[:, None]).reshape(N, T, k).sum(axis=1)
        V = XtX_inv @ scores.T @ scores @ XtX_inv * (N / (N - 1)) * ((n - 1) / df)
        dof = N - 1
    se = np.sqrt(np.diag(V))
    t = b / se
    tss = yd @ yd
    return {"b": b, "se": se, "t": t, "p": 2 * stats.t.sf(np.abs(t), dof),
            "r2": 1 - (e @ e) / tss if tss > 0 else np.nan, "n": n}


def beta_convergence(data: pd.DataFrame, column: str, *, controls: Sequence[str] = (), effects: str = "none",
                     group: GroupSpec = None, unit: str = "province", time: str = "year",
                     cov: str = "robust", method: str = "ols", alpha: float = 0.05) -> BetaConvergence:
    r"""Absolute or conditional β-convergence on a balanced panel, by OLS.

    Annual panel form (Barro & Sala-i-Martin 1992; Miller & Upadhyay 2002,
    *Journal of Development Economics* 67:267–293 for the fixed-effects version):

        ln(y_{i,t+1} / y_{i,t}) = α + β ln y_{i,t} + X_{i,t} γ + μ_i + η_t + ε_{i,t}

    * **absolute** β-convergence: no controls and ``effects="none"`` (common intercept α);
    * **conditional** β-convergence: ``controls`` (measured at the start of each step) and/or
      fixed effects ``effects="individual" | "time" | "twoways"`` (absorbed by the within
      transformation of the balanced panel).

    β < 0 (two-sided p < ``alpha``) signals convergence; the implied speed is
    λ = −ln(1 + β) per period and the half-life ln 2 / λ (NaN unless −1 < β < 0).
    Standard errors: ``"classic"``, ``"robust"`` (HC1) or ``"cluster"`` (by unit, CR1,
    t with N − 1 df).  With ``group`` the regression is run for the nation and for
    each group separately.

    ``method`` is the hook for estimators other than OLS.  Only ``"ols"`` is offered
    now: spatial panel β-convergence (SAR/SDM with spatially lagged growth, as in
    the seeds' spatial models) will be added together with the spatial panel models,
    through this parameter.
    """
    if method != "ols":
        raise ValueError(f"method must be 'ols' (spatial panel β-convergence is not offered yet), got {method!r}")
    if effects not in _EFFECTS:
        raise ValueError(f"effects must be one of {_EFFECTS}, got {effects!r}")
    if cov not in _COVS:
        raise ValueError(f"cov must be one of {_COVS}, got {cov!r}")
    controls = [controls] if isinstance(controls, str) else list(controls)
    panel = PanelData(data, unit=unit, time=time)
    if panel.T < 3:
        raise ValueError(f"β-convergence needs at least 3 periods, got {panel.T}")
    Y = panel.matrix(column)
    bad = np.argwhere(Y <= 0)
    if bad.size:
        cells = [(_plain(panel.units[i]), _plain(panel.times[t])) for i, t in bad[:20]]
        raise ValueError(f"column {column!r} must be positive for logs; non-positive at ({unit}, {time}) {cells}")
    logy = np.log(Y)
    g = logy[:, 1:] - logy[:, :-1]
    X = np.stack([logy[:, :-1], *(panel.matrix(c)[:, :-1] for c in controls)], axis=-1)
    regions = [(NATION, np.ones(panel.N, dtype=bool))]
    if group is not None:
        raw = data.reset_index() if any(n in (unit, time) for n in data.index.names) else data
        labels, order = _group_labels(raw, group, unit, time)
        per_unit = pd.Series(labels, index=raw[unit].to_numpy()).groupby(level=0).unique()
        varying = per_unit[per_unit.map(len) > 1]
        if len(varying):
            raise ValueError(f"group changes over time for unit(s) {list(varying.index[:20])}")
        codes = normalise_units(per_unit.index)[0] if panel.is_province else per_unit.index
        unit_group = pd.Series(per_unit.map(lambda a: a[0]).to_numpy(), index=codes).reindex(panel.units).to_numpy()
        regions += [(label, unit_group == label) for label in order]
    terms = [f"ln_{column}", *controls]
    rows, params = {}, []
    for region, m in regions:
        fit = _ols(g[m], X[m], effects, cov)
        beta = float(fit["b"][0])
        speed = -math.log1p(beta) if -1 < beta < 0 else np.nan
        rows[region] = {"beta": beta, "se": fit["se"][0], "t": fit["t"][0], "p": fit["p"][0], "speed": speed,
                        "half_life": math.log(2) / speed if speed > 0 else np.nan, "r2": fit["r2"],
                        "n_obs": fit["n"], "n_units": int(m.sum()),
                        "converging": bool(beta < 0 and fit["p"][0] < alpha)}
        params += [{"region": region, "term": term, "coef": fit["b"][j], "se": fit["se"][j], "t": fit["t"][j],
                    "p": fit["p"][j]} for j, term in enumerate(terms)]
    kind = "conditional" if controls or effects != "none" else "absolute"
    return BetaConvergence(table=pd.DataFrame.from_dict(rows, orient="index").rename_axis("region"),
                           params=pd.DataFrame(params), kind=kind, effects=effects, method=method, cov=cov)
