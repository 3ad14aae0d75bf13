"""Model specification and the functional front doors ``sar``, ``sem``, ``sdm``, ``sdem``, ``slx``.

    import spatialccd as sc
    res = sc.sdm(df, "D ~ gdp + urban", sc.weights.contiguity(), effects="twoways")
    res.summary(); res.impacts(seed=1)

``SpatialPanelModel`` holds the specification; :meth:`SpatialPanelModel.fit`
returns an immutable :class:`~spatialccd.models.results.SpatialPanelResults`.
Formulas given in Python are evaluated by formulaic and are code, as in
statsmodels; formulas read from a study file are checked against a grammar first
(:mod:`spatialccd.study`).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from .._options import BiasCorrection, CovType, Effects, LagConvention, LogdetMethod, ModelKind, Units, check_option
from ..exceptions import IslandWarning, SpatialCCDError
from .design import Design, build_design
from .effects import EffectSpec, Multipliers
from .estimate import FitEstimate
from .fit import LAG_KINDS, check_options, fit_error, fit_lag, fit_ols
from .logdet import logdet_for
from .results import FixedEffects, SpatialPanelResults

KINDS = ("sar", "sem", "sdm", "sdem", "slx")


class SpatialPanelModel:
    """A spatial panel model y = ρWy + Xβ + WXθ + μ_i + α_t + u, u = λWu + ε.

    ``kind`` picks the restriction: ``"sar"`` (θ = 0, λ = 0), ``"sdm"`` (λ = 0),
    ``"sem"`` (ρ = 0, θ = 0), ``"sdem"`` (ρ = 0), ``"slx"`` (ρ = λ = 0; with
    ``durbin=[]`` the plain within regression).  ``effects`` ∈ {"none",
    "individual", "time", "twoways"}; ``bias_correction`` ∈ {None, "lee-yu",
    "elhorst"} and ``lag_convention`` ∈ {"exact", "splm"} are explained in
    :mod:`spatialccd.models.fit` and :mod:`spatialccd.models.design`.
    ``durbin`` lists the regressors that get a W·X term (default: all, for
    SDM/SDEM/SLX).  References: Elhorst (2014) *Spatial Econometrics*, Springer;
    LeSage & Pace (2009) *Introduction to Spatial Econometrics*, CRC.
    """

    def __init__(self, data, formula: str, w, *, kind: ModelKind = "sdm", unit: str = "province",
                 time: str = "year", effects: Effects = "twoways", bias_correction: BiasCorrection | None = None,
                 lag_convention: LagConvention = "exact", durbin=None, units: Units = "auto") -> None:
        kind = check_option("kind", kind)
        effects = check_option("effects", effects)
        bias_correction = check_option("bias_correction", bias_correction)
        lag_convention = check_option("lag_convention", lag_convention)
        if kind in ("sar", "sem") and durbin not in (None, False, []):
            raise SpatialCCDError(f"kind={kind!r} has no W·X terms; use sdm/sdem for durbin={durbin!r}")
        if kind in ("sdm", "sdem", "slx") and durbin is None:
            durbin = True
        self.kind, self.formula = kind, formula
        self.effects, self.bias_correction, self.lag_convention = effects, bias_correction, lag_convention
        self.design: Design = build_design(data, formula, w, unit=unit, time=time, effects=effects,
                                           lag_convention=lag_convention, durbin=durbin, units=units,
                                           bias_correction=bias_correction)
        if kind in ("sdm", "sdem") and not self.design.durbin:
            raise SpatialCCDError(f"kind={kind!r} needs at least one W·X term; durbin selects none")
        empty = np.flatnonzero(np.asarray(abs(self.design.W).sum(axis=1)).ravel() == 0)
        if len(empty):
            warnings.warn(f"units with no neighbour in W (zero spatial lag): "
                          f"{self.design.panel.units[empty].tolist()}", IslandWarning, stacklevel=2)

    def fit(self, *, cov_type: CovType = "information", logdet: LogdetMethod = "auto") -> SpatialPanelResults:
        """Estimate by maximum likelihood.

        ``cov_type``: ``"information"`` (default; inverse expected information,
        full, as the Elhorst toolbox and spatialreg), ``"hessian"`` (inverse
        observed Hessian, as xsmle) or ``"splm"`` (the information matrix with the
        ρ–β covariance set to zero, reproducing splm's reported SEs).  SLX is
        linear: its covariance is always the OLS one with within degrees of freedom (as plm).
        ``logdet``: ``"auto"`` (exact eigenvalues up to N = 600, exact sparse LU above),
        ``"eigen"`` or ``"splu"``; the estimate is the exact likelihood's optimum either way.
        Reported as ``logdet_method`` and, for the traces, ``trace_method``.
        """
        d = self.design
        cov_type = check_option("cov_type", cov_type)
        logdet = check_option("logdet", logdet)
        check_options(self.effects, self.bias_correction, cov_type, d)
        ld = None
        if self.kind == "slx" and (cov_type, logdet) != ("information", "auto"):
            raise SpatialCCDError("SLX is estimated by OLS: its covariance is the OLS one and it has no "
                                  "log-determinant; do not pass cov_type or logdet")
        if self.kind == "slx":
            est = fit_ols(d, bias_correction=self.bias_correction)
        else:
            ld = logdet_for(d.W, method=logdet)
            fitter = fit_lag if self.kind in LAG_KINDS else fit_error
            est = fitter(d, ld, bias_correction=self.bias_correction, cov_type=cov_type)
        return self._results(est, ld, cov_type)

    # ------------------------------------------------------------------ helpers
    def _results(self, est: FitEstimate, ld, cov_type: str) -> SpatialPanelResults:
        d = self.design
        names = list(d.names) + list(d.durbin_names)
        spatial = {"sar": "rho", "sdm": "rho", "sem": "lambda", "sdem": "lambda"}.get(self.kind)
        values = list(est.beta) + ([est.spatial] if spatial else [])
        labels = names + ([spatial] if spatial else [])
        m = len(labels)
        params = pd.Series(values, index=labels, name="coef")
        cov_all = est.cov
        if spatial:  # reorder covariance of (β, ρ, σ²) → keep (β, ρ)
            cov = pd.DataFrame(cov_all[:m, :m], index=labels, columns=labels)
            sigma2_se = float(np.sqrt(cov_all[m, m]))
        else:
            cov = pd.DataFrame(cov_all, index=labels, columns=labels)
            sigma2_se = float("nan")
        ys, Z, resid = est.ys, est.Z, est.resid
        rho = est.spatial if self.kind in LAG_KINDS else 0.0
        r2 = 1 - float(resid @ resid) / float(((ys - ys.mean()) ** 2).sum())
        xb = Z @ est.beta
        fitted = _solve_periods(d.W, rho, xb, d.N, d.T) if rho else xb
        corr2 = float(np.corrcoef(ys, fitted)[0, 1] ** 2)
        fixed = self._fixed_effects(est.beta, rho)
        idx = d.panel.index
        spec = self._effect_spec(params, ld)
        return SpatialPanelResults(
            kind=self.kind, effects=self.effects, bias_correction=self.bias_correction,
            lag_convention=self.lag_convention, cov_type=cov_type, formula=self.formula, yname=d.yname,
            _params=params, _cov=cov, sigma2=float(est.sigma2), sigma2_se=sigma2_se, llf=float(est.llf),
            nobs=d.N * d.T, N=d.N, T=d.T, n_effective=est.n, df_resid=float(est.df_resid),
            r2_within=r2, corr2=corr2, logdet_method=ld.method if ld is not None else "none",
            bounds=ld.bounds if ld is not None else None, _fixed=fixed, _effect_spec=spec,
            _resid=pd.Series(resid, index=idx, name="resid"))

    def _fixed_effects(self, beta: np.ndarray, rho: float) -> FixedEffects:
        d = self.design
        Zraw = np.column_stack([d.X, d.WX]) if d.WX.size else d.X
        r = d.y - Zraw @ beta - (rho * d.Wlag(d.y) if rho else 0.0)
        R = r.reshape(d.T, d.N)
        intercept = float(R.mean())
        unit = time = None
        if self.effects in ("individual", "twoways"):
            unit = pd.Series(R.mean(axis=0) - intercept, index=d.panel.units, name="unit_effect")
        if self.effects in ("time", "twoways"):
            time = pd.Series(R.mean(axis=1) - intercept, index=d.panel.times, name="time_effect")
        return FixedEffects(intercept=intercept, unit=unit, time=time)

    def _effect_spec(self, params: pd.Series, ld) -> EffectSpec | None:
        d = self.design
        names = tuple(n for n in d.names if n != "Intercept")
        if not names:
            return None
        labels = list(params.index)
        beta_idx = np.array([labels.index(n) for n in names])
        theta_idx = np.array([labels.index(f"W_{n}") if f"W_{n}" in labels else -1 for n in names])
        rho_idx = labels.index("rho") if self.kind in LAG_KINDS else None
        return EffectSpec(names, beta_idx, theta_idx, rho_idx, Multipliers(ld, d.W, d.row_stochastic))


def _solve_periods(W: sp.csr_matrix, rho: float, a: np.ndarray, N: int, T: int) -> np.ndarray:  # noqa: N803
    """(I_T ⊗ (I − ρW))⁻¹ a for a time-major vector."""
    lu = splu(sp.csc_matrix(sp.identity(N) - rho * W))
    return lu.solve(np.ascontiguousarray(a.reshape(T, N).T)).T.reshape(-1)


_ARGS = """
    Parameters
    ----------
    data : DataFrame or PanelData
        Long panel with one row per (unit, time); or a :class:`~spatialccd.PanelData`
        built once and reused (then ``unit``, ``time`` and ``units`` are taken from it).
    formula : str
        ``"y ~ x1 + x2"`` (formulaic syntax: ``np.log(x)``, ``C(g)``, ``I(x**2)``).
        The intercept is absorbed by the fixed effects.
    w : libpysal.graph.Graph
        Spatial weights over the units of ``data`` (e.g. :func:`spatialccd.weights.contiguity`).
    unit, time : str
        Column names of the unit labels and of the periods.
    effects : {"none", "individual", "time", "twoways"}
        Fixed effects removed by the within transformation (default two-way).
    bias_correction : {None, "none", "lee-yu", "elhorst"}
        Lee & Yu (2010) transformation approach or the Elhorst toolbox correction
        (see :mod:`spatialccd.models.fit`); ``None`` and ``"none"`` are the same.
    lag_convention : {"exact", "splm"}
        Lag then demean (exact likelihood, Elhorst toolbox) or demean then lag
        (R splm, SDPDmod); see :mod:`spatialccd.models.design`.
    cov_type : {"information", "hessian", "splm"}
        Inverse analytical information (default), inverse observed Hessian (xsmle),
        or splm's block-diagonal information.
    logdet : {"auto", "eigen", "splu"}
        How log|I − ρW| is computed, exactly in every case (reported as ``logdet_method``).
    units : {"auto", "provinces", "labels"}
        Whether unit labels are read as Chinese provinces (see :class:`~spatialccd.PanelData`).

    Returns
    -------
    SpatialPanelResults
"""


def _fit(kind, data, formula, w, *, unit, time, effects, bias_correction, lag_convention, durbin, cov_type, logdet,
         units) -> SpatialPanelResults:
    model = SpatialPanelModel(data, formula, w, kind=kind, unit=unit, time=time, effects=effects,
                              bias_correction=bias_correction, lag_convention=lag_convention, durbin=durbin,
                              units=units)
    return model.fit(cov_type=cov_type, logdet=logdet)


def sar(data, formula: str, w, *, unit: str = "province", time: str = "year", effects: Effects = "twoways",
        bias_correction: BiasCorrection | None = None, lag_convention: LagConvention = "exact",
        cov_type: CovType = "information", logdet: LogdetMethod = "auto", units: Units = "auto"
        ) -> SpatialPanelResults:
    """Spatial lag (SAR) panel model by ML: y = ρWy + Xβ + μ_i + α_t + ε.

    Elhorst (2014) *Spatial Econometrics*, ch. 3; reproduces R ``splm::spml(lag=TRUE)``
    with ``lag_convention="splm"``.
    """
    return _fit("sar", data, formula, w, unit=unit, time=time, effects=effects, bias_correction=bias_correction,
                lag_convention=lag_convention, durbin=None, cov_type=cov_type, logdet=logdet, units=units)


def sem(data, formula: str, w, *, unit: str = "province", time: str = "year", effects: Effects = "twoways",
        bias_correction: BiasCorrection | None = None, lag_convention: LagConvention = "exact",
        cov_type: CovType = "information", logdet: LogdetMethod = "auto", units: Units = "auto"
        ) -> SpatialPanelResults:
    """Spatial error (SEM) panel model by ML: y = Xβ + μ_i + α_t + u, u = λWu + ε.

    Elhorst (2014), ch. 3; reproduces ``splm::spml(spatial.error="b")``.  The
    spatial parameter is ``res.lam`` (``params["lambda"]``).
    """
    return _fit("sem", data, formula, w, unit=unit, time=time, effects=effects, bias_correction=bias_correction,
                lag_convention=lag_convention, durbin=None, cov_type=cov_type, logdet=logdet, units=units)


def sdm(data, formula: str, w, *, unit: str = "province", time: str = "year", effects: Effects = "twoways",
        bias_correction: BiasCorrection | None = None, lag_convention: LagConvention = "exact", durbin=None,
        cov_type: CovType = "information", logdet: LogdetMethod = "auto", units: Units = "auto"
        ) -> SpatialPanelResults:
    """Spatial Durbin (SDM) panel model by ML: y = ρWy + Xβ + WXθ + μ_i + α_t + ε.

    ``durbin`` picks the regressors with a W·X term (default all).  Effects
    S_k = (I − ρW)⁻¹(β_k I + θ_k W) with :meth:`~SpatialPanelResults.impacts`
    (LeSage & Pace 2009).  Validated against the MATLAB Elhorst toolbox.
    """
    return _fit("sdm", data, formula, w, unit=unit, time=time, effects=effects, bias_correction=bias_correction,
                lag_convention=lag_convention, durbin=durbin, cov_type=cov_type, logdet=logdet, units=units)


def sdem(data, formula: str, w, *, unit: str = "province", time: str = "year", effects: Effects = "twoways",
         bias_correction: BiasCorrection | None = None, lag_convention: LagConvention = "exact", durbin=None,
         cov_type: CovType = "information", logdet: LogdetMethod = "auto", units: Units = "auto"
         ) -> SpatialPanelResults:
    """Spatial Durbin error (SDEM) panel model by ML: y = Xβ + WXθ + μ_i + α_t + u, u = λWu + ε.

    Effects: direct = β_k, indirect = θ_k (row-standardised W).  Elhorst (2014), ch. 2.
    """
    return _fit("sdem", data, formula, w, unit=unit, time=time, effects=effects, bias_correction=bias_correction,
                lag_convention=lag_convention, durbin=durbin, cov_type=cov_type, logdet=logdet, units=units)


def slx(data, formula: str, w, *, unit: str = "province", time: str = "year", effects: Effects = "twoways",
        bias_correction: BiasCorrection | None = None, lag_convention: LagConvention = "exact", durbin=None,
        units: Units = "auto") -> SpatialPanelResults:
    """Spatial lag of X (SLX) panel regression: y = Xβ + WXθ + μ_i + α_t + ε, by OLS on the within data.

    Linear: the covariance is the OLS one with within degrees of freedom (as R ``plm``), so
    there is no ``cov_type`` or ``logdet`` option.  With ``durbin=[]`` this is the plain
    within regression.
    """
    return _fit("slx", data, formula, w, unit=unit, time=time, effects=effects, bias_correction=bias_correction,
                lag_convention=lag_convention, durbin=durbin, cov_type="information", logdet="auto", units=units)


for _f in (sar, sem, sdm, sdem, slx):
    _f.__doc__ += _ARGS
del _f
