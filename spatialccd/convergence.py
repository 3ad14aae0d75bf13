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

from ._options import ConvergenceMethod, check_option
from .exceptions import SpatialCCDError
from .inequality import NATION, GroupSpec, _cv, _group_labels, _sections
from .panel import PanelData, _plain, normalise_units
from .summary import Summary, SummaryMixin

__all__ = ["SigmaConvergence", "sigma_convergence", "BetaConvergence", "beta_convergence"]


def _sd(y: np.ndarray, w: np.ndarray) -> float:
    return float(np.sqrt(np.average((y - np.average(y, weights=w)) ** 2, weights=w)))


_MEASURES = {"cv": _cv, "sd": _sd, "sd_log": lambda y, w: _sd(np.log(y), w)}


@dataclass(frozen=True)
class SigmaConvergence(SummaryMixin):
    """Dispersion series and their linear trends (see :func:`sigma_convergence`).

    ``series``: index time, columns ``Nation`` + groups.  ``trend``: index region,
    columns ``slope, se, t, p, converging`` (slope < 0 and p < alpha).
    """

    series: pd.DataFrame
    trend: pd.DataFrame
    measure: str

    def to_frame(self) -> pd.DataFrame:
        """The trend table (a copy); the yearly series are :attr:`series`."""
        return self.trend.copy()

    def summary(self) -> Summary:
        name = {"cv": "coefficient of variation", "sd": "standard deviation", "sd_log": "sd of ln y"}[self.measure]
        return Summary(f"Sigma-convergence ({name})", (("Measure", self.measure),),
                       (("Trend sigma_t = a + b t", self.trend), ("Dispersion by period", self.series)),
                       ("Converging: slope < 0 with p < alpha (t-test on T - 2 df).",))


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
        raise SpatialCCDError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}")
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
            raise SpatialCCDError(f"σ-convergence trend of {region!r} needs at least 3 years, got {int(ok.sum())}")
        fit = stats.linregress(x[ok], s[ok])
        rows[region] = {"slope": fit.slope, "se": fit.stderr, "t": fit.slope / fit.stderr if fit.stderr > 0 else np.nan,
                        "p": fit.pvalue, "converging": bool(fit.slope < 0 and fit.pvalue < alpha)}
    trend = pd.DataFrame.from_dict(rows, orient="index").rename_axis("region")
    return SigmaConvergence(series=series, trend=trend, measure=measure)


@dataclass(frozen=True)
class BetaConvergence(SummaryMixin):
    """β-convergence estimates (see :func:`beta_convergence`).

    ``table``: one row per region with ``beta, se, t, p, speed, speed_se, half_life,
    half_life_se, r2, n_obs, n_units, converging`` and, for the spatial methods,
    ``rho, rho_se, llf``.  ``params``: tidy (region, term) with ``coef, se, t, p`` for
    ln y, every control, their W· terms (SDM) and ``rho``.  ``kind`` is ``"absolute"``
    or ``"conditional"``; ``step`` the length of one period in the unit of the speed.
    """

    table: pd.DataFrame
    params: pd.DataFrame
    kind: str
    effects: str
    method: str
    cov: str
    step: float = 1.0

    def to_frame(self) -> pd.DataFrame:
        """The per-region table (a copy)."""
        return self.table.copy()

    def summary(self) -> Summary:
        title = {"ols": "OLS", "sar": "spatial lag (SAR)", "sdm": "spatial Durbin (SDM)"}[self.method]
        facts = (("Kind", self.kind), ("Method", title), ("Effects", self.effects), ("Covariance", self.cov),
                 ("Period length", f"{self.step:g}"))
        notes = ("speed = -ln(1 + beta)/step, half-life = ln 2/speed; SEs by the delta method.",)
        return Summary(f"{self.kind.capitalize()} beta-convergence ({title})", facts,
                       (("Convergence", self.table), ("Coefficients", self.params)), notes)


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
        raise SpatialCCDError("clustered standard errors need at least 2 units")
    yd, Xd = _demean(g, effects).reshape(-1), _demean(X, effects).reshape(N * T, k)
    absorbed = {"none": 1, "individual": N, "time": T, "twoways": N + T - 1}[effects]
    n = N * T
    df = n - k - absorbed
    if df <= 0:
        raise SpatialCCDError(f"β-convergence needs more observations: {n} growth observations, "
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


def convergence_speed(beta: float, se: float, step: float = 1.0) -> tuple[float, float, float, float]:
    """(speed, se, half-life, se) of a β-convergence coefficient, by the delta method.

    speed λ = −ln(1 + β)/step (Barro & Sala-i-Martin 1992), ∂λ/∂β = −1/(step·(1 + β));
    half-life h = ln 2/λ, ∂h/∂β = ln 2/(λ²·step·(1 + β)).  NaN unless −1 < β < 0.
    """
    if not -1 < beta < 0:
        return (math.nan,) * 4
    speed = -math.log1p(beta) / step
    speed_se = se / (step * (1 + beta))
    half = math.log(2) / speed
    return speed, speed_se, half, math.log(2) * speed_se / speed ** 2


_ML_COVS = ("information", "hessian")


def _spatial_fit(g: np.ndarray, X: np.ndarray, units, times, w, *, method: str, effects: str, cov: str,
                 bias_correction, unit: str, time: str) -> dict:
    """SAR/SDM growth regression g_t = ρWg_t + X_tβ (+ WX_tθ) + effects on the (N, T−1) growth panel."""
    from .models.spec import SpatialPanelModel

    N, Tg, k = X.shape
    cols = {unit: np.tile(np.asarray(units, dtype=object), Tg), time: np.repeat(np.asarray(times)[:Tg], N),
            "growth": g.T.reshape(-1)}
    cols.update({f"v{j}": X[:, :, j].T.reshape(-1) for j in range(k)})
    frame = pd.DataFrame(cols)
    formula = "growth ~ " + " + ".join(f"v{j}" for j in range(k))
    model = SpatialPanelModel(frame, formula, w, kind=method, unit=unit, time=time, effects=effects,
                              bias_correction=bias_correction)
    fit = model.fit(cov_type=cov)
    return {"fit": fit, "b": fit.params.to_numpy(), "se": fit.bse.to_numpy(), "t": fit.tvalues.to_numpy(),
            "p": fit.pvalues.to_numpy(), "r2": fit.r2_within, "n": fit.nobs, "names": list(fit.params.index)}


def beta_convergence(data: pd.DataFrame, column: str, *, controls: Sequence[str] = (), effects: str = "none",
                     group: GroupSpec = None, unit: str = "province", time: str = "year",
                     cov: str | None = None, method: ConvergenceMethod = "ols", w=None,
                     bias_correction: str | None = None, step: float = 1.0,
                     alpha: float = 0.05) -> BetaConvergence:
    r"""Absolute or conditional β-convergence on a balanced panel, by OLS or a spatial panel model.

    Annual panel form (Barro & Sala-i-Martin 1992; Miller & Upadhyay 2002,
    *Journal of Development Economics* 67:267–293 for the fixed-effects version):

        g_{i,t} = ln(y_{i,t+1} / y_{i,t}) = α + β ln y_{i,t} + X_{i,t} γ + μ_i + η_t + ε_{i,t}

    * **absolute** β-convergence: no controls and ``effects="none"`` (common intercept α);
    * **conditional** β-convergence: ``controls`` (measured at the start of each step) and/or
      fixed effects ``effects="individual" | "time" | "twoways"`` (absorbed by the within
      transformation of the balanced panel).

    ``method``: ``"ols"``; ``"sar"`` adds the spatial lag of growth, g_t = ρWg_t + …,
    and ``"sdm"`` also the lags W ln y_t and W X_t (spatial β-convergence: Rey & Montouri
    1999, *Regional Studies* 33:143–156; Elhorst, Piras & Arbia 2010, *Geographical
    Analysis* 42:338–355), fitted by ML with :class:`~spatialccd.models.SpatialPanelModel`
    on the (N, T−1) growth panel with weights ``w`` (``bias_correction`` as there).
    The convergence coefficient is β, the coefficient of ln y_t.

    β < 0 (two-sided p < ``alpha``) signals convergence; the implied speed is
    λ = −ln(1 + β)/``step`` (``step`` = length of one period, e.g. 5 for five-year
    steps and a speed per year) and the half-life ln 2 / λ (NaN unless −1 < β < 0), both
    with delta-method standard errors (:func:`convergence_speed`).  ``cov``: for OLS
    ``"classic"``, ``"robust"`` (HC1, default) or ``"cluster"`` (by unit, CR1, t with
    N − 1 df); for SAR/SDM ``"information"`` (default) or ``"hessian"`` (z statistics).
    With ``group`` the regression is run for the nation and for each group separately
    (for SAR/SDM on W restricted to the group and re-standardised).
    """
    method = check_option("method", method, "convergence_method")
    if effects not in _EFFECTS:
        raise SpatialCCDError(f"effects must be one of {_EFFECTS}, got {effects!r}")
    spatial = method != "ols"
    allowed_cov = _ML_COVS if spatial else _COVS
    if cov is None:
        cov = "information" if spatial else "robust"
    if cov not in allowed_cov:
        raise SpatialCCDError(f"cov for method={method!r} must be one of {allowed_cov}, got {cov!r}")
    if spatial and w is None:
        raise SpatialCCDError(f"method={method!r} needs the spatial weights w= (a Graph over the units)")
    if not spatial and (w is not None or bias_correction is not None):
        raise SpatialCCDError("w and bias_correction apply to method='sar' or 'sdm', not to OLS")
    if not step > 0:
        raise SpatialCCDError(f"step (length of one period) must be positive, got {step!r}")
    controls = [controls] if isinstance(controls, str) else list(controls)
    panel = PanelData(data, unit=unit, time=time)
    if panel.T < 3:
        raise SpatialCCDError(f"β-convergence needs at least 3 periods, got {panel.T}")
    Y = panel.matrix(column)
    bad = np.argwhere(Y <= 0)
    if bad.size:
        cells = [(_plain(panel.units[i]), _plain(panel.times[t])) for i, t in bad[:20]]
        raise SpatialCCDError(f"column {column!r} must be positive for logs; non-positive at ({unit}, {time}) {cells}")
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
            raise SpatialCCDError(f"group changes over time for unit(s) {list(varying.index[:20])}")
        codes = normalise_units(per_unit.index)[0] if panel.is_province else per_unit.index
        unit_group = pd.Series(per_unit.map(lambda a: a[0]).to_numpy(), index=codes).reindex(panel.units).to_numpy()
        regions += [(label, unit_group == label) for label in order]
    terms = [f"ln_{column}", *controls]
    rows, params = {}, []
    for region, m in regions:
        if spatial:
            from .weights import subset

            wr = w if m.all() else subset(w, panel.units[m])
            fit = _spatial_fit(g[m], X[m], panel.units[m], panel.times, wr, method=method, effects=effects,
                               cov=cov, bias_correction=bias_correction, unit=unit, time=time)
            rename = {f"v{j}": t for j, t in enumerate(terms)} | {f"W_v{j}": f"W_{t}" for j, t in enumerate(terms)}
            names = [rename.get(n, n) for n in fit["names"]]
        else:
            fit = _ols(g[m], X[m], effects, cov)
            names = terms
        j0 = names.index(terms[0])
        beta, se = float(fit["b"][j0]), float(fit["se"][j0])
        speed, speed_se, half, half_se = convergence_speed(beta, se, step)
        row = {"beta": beta, "se": se, "t": fit["t"][j0], "p": fit["p"][j0], "speed": speed, "speed_se": speed_se,
               "half_life": half, "half_life_se": half_se, "r2": fit["r2"], "n_obs": fit["n"],
               "n_units": int(m.sum()), "converging": bool(beta < 0 and fit["p"][j0] < alpha)}
        if spatial:
            res = fit["fit"]
            row.update(rho=res.rho, rho_se=float(res.bse["rho"]), llf=res.llf)
        rows[region] = row
        params += [{"region": region, "term": term, "coef": fit["b"][j], "se": fit["se"][j], "t": fit["t"][j],
                    "p": fit["p"][j]} for j, term in enumerate(names)]
    kind = "conditional" if controls or effects != "none" else "absolute"
    return BetaConvergence(table=pd.DataFrame.from_dict(rows, orient="index").rename_axis("region"),
                           params=pd.DataFrame(params), kind=kind, effects=effects, method=method, cov=cov,
                           step=float(step))
