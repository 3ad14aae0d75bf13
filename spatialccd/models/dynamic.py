r"""Dynamic spatial panel models (SAR/SDM with lags in time) by quasi-maximum likelihood.

    y_t = τ y_{t−1} + η W y_{t−1} + ρ W y_t + X_t β + W X_t θ + μ + α_t 1 + ε_t,   t = 1 … T,

conditional on the first period y_0 (a panel with T + 1 periods gives T equations).
``dynamic`` picks the lags: ``"ylag"`` (τ), ``"wylag"`` (η) or ``"both"``.  With
S = I − ρW and the lagged terms as regressors, the model is a static lag model on
Z_t = [y_{t−1}, W y_{t−1}, X_t, W X_t] and its likelihood on the transformed data is
(Yu, de Jong & Lee 2008, J. Econometrics 146:118–134)

    ℓ(δ, ρ, σ²) = −n/2·log(2πσ²) + t_J·log|I − ρW| − Σ_t ε̃_t'ε̃_t/(2σ²),
    ε̃_t = S ỹ_t − Z̃_t δ,

maximised over ρ with δ and σ² concentrated out (lags formed on the raw data, then
transformed: the exact convention of :mod:`.design`).

**Bias corrections** (``bias_correction``):

* ``None``: the direct approach (n = NT, t_J = T).  With unit effects τ̂, η̂, ρ̂ and
  σ̂² carry an O(1/T) bias (the Nickell bias of the within transformation); with
  time effects ρ̂ and σ̂² an O(1/N) one.
* ``"yu-de-jong-lee"`` (unit effects): θ̂¹ = θ̂ − Σ̂⁻¹ b̂ with b the leading expected
  score at θ0 (Yu, de Jong & Lee 2008, Theorem 3), A = S⁻¹(τI + ηW), Ψ = (I − A)⁻¹S⁻¹,
  G = WS⁻¹:

      b_τ = −tr Ψ,   b_η = −tr(WΨ),   b_β = b_θ = 0,
      b_ρ = −tr G − tr(G(τI + ηW)Ψ) = −tr(WΨ),   b_σ² = −N/(2σ²),

  and Σ̂ the information at θ̂ (lagged y treated as regressors, as their Σ̂).  Ψ = (1 − τ)⁻¹(I − rW)⁻¹
  with r = (ρ + η)/(1 − τ), so the traces are those of the log-determinant engine at r
  (:func:`expected_score`; exact, no N×N matrix), reported in ``trace_method``.
* ``"lee-yu"`` (time or two-way effects; Lee & Yu 2010, J. Econometrics 154:165–185 and
  Econometric Theory 26:564–597): the time effects are removed exactly by the
  orthonormal transformation F_N (n = (N − 1)T, log|I − ρW| − log(1 − ρ); W
  row-standardised); with two-way effects the unit effects are then removed by the
  within transformation and the remaining O(1/T) bias by the correction above on the
  (N − 1)-dimensional model (traces tr(P) − 1'P1/N, b_σ² = −(N − 1)/(2σ²)).

The covariance is the inverse information (normal errors; Σ⁻¹ in YDJL's notation,
without the fourth-moment term Ω) or the inverse observed Hessian, at the reported
(corrected) estimates; the log-likelihood is the maximised, uncorrected one.

**Stationarity**: the process is stable when the spectral radius of A, max_ω |(τ + ηω)/
(1 − ρω)| over the eigenvalues ω of W, is below 1; for row-standardised W the sufficient
condition |τ| + |ρ| + |η| < 1 is reported beside it.  Estimates outside the stable
region raise a :class:`~spatialccd.exceptions.StationarityWarning` and are reported.

**Effects** (Debarsy, Ertur & LeSage 2012; Elhorst 2014, ch. 4): short-run
(I − ρW)⁻¹(β_k I + θ_k W), long-run ((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W) =
(1 − τ)⁻¹(I − r W)⁻¹(β_k I + θ_k W) with r = (ρ + η)/(1 − τ); direct, indirect, total
as in :mod:`.effects`.  Long-run SEs: delta method exactly; simulation draws
(β/(1 − τ), θ/(1 − τ), r) from their delta-method normal distribution.
"""
from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._options import DynamicCorrection, DynamicLags, Effects, ImpactsMethod, LogdetMethod, Units, check_option
from ..exceptions import DataError, SpatialCCDError, StationarityWarning
from ..panel import PanelData
from ..summary import Summary
from .design import Design, _check_rank, build_design, lag
from .effects import EffectSpec, Impacts, compute_impacts
from .fit import maximise
from .likelihood import LagMoments, Likelihood, lag_hessian, lag_information
from .logdet import EIGEN_MAX_N, eigenvalues, factor, logdet_for, lu_solve
from .mlresults import SpatialLagMLResults, inverse_information
from .sac import effect_spec

__all__ = ["DynamicResults", "Stationarity", "dynamic_panel", "expected_score", "stationarity"]

LAGS = {"ylag": ("tau",), "wylag": ("eta",), "both": ("tau", "eta")}


@dataclass(frozen=True)
class Stationarity:
    """Stability of y_t = A y_{t−1} + …, A = (I − ρW)⁻¹(τI + ηW).

    ``spectral_radius`` = max_ω |(τ + ηω)/(1 − ρω)| (NaN above the eigenvalue size
    limit), ``abs_sum`` = |τ| + |ρ| + |η| (< 1 suffices for row-standardised W),
    ``stable`` = spectral radius < 1 (or, without eigenvalues, abs_sum < 1).
    """

    spectral_radius: float
    abs_sum: float
    stable: bool

    def describe(self) -> str:
        rad = "n/a" if math.isnan(self.spectral_radius) else f"{self.spectral_radius:.4f}"
        return (f"{'stable' if self.stable else 'NOT stationary'}: spectral radius of A = {rad}, "
                f"|tau| + |rho| + |eta| = {self.abs_sum:.4f}")


def stationarity(W, tau: float, eta: float, rho: float) -> Stationarity:  # noqa: N803
    """The stationarity check of the module docstring."""
    abs_sum = abs(tau) + abs(eta) + abs(rho)
    if W.shape[0] > EIGEN_MAX_N:
        return Stationarity(math.nan, abs_sum, abs_sum < 1)
    om = eigenvalues(W)
    radius = float(np.max(np.abs((tau + eta * om) / (1 - rho * om))))
    return Stationarity(radius, abs_sum, radius < 1)


def expected_score(W, tau: float, eta: float, rho: float, sigma2: float, *, time_transformed: bool,  # noqa: N803
                   logdet=None) -> tuple[float, float, float, float]:
    """YDJL's leading expected score (b_τ, b_η, b_ρ, b_σ²) at θ (see the module docstring), never an N×N matrix.

    S − (τI + ηW) = (1 − τ)I − (ρ + η)W = Ψ⁻¹, so with r = (ρ + η)/(1 − τ) and G_r = W(I − rW)⁻¹

        Ψ = (1 − τ)⁻¹(I − rW)⁻¹,   tr Ψ = (N + r·tr G_r)/(1 − τ),   tr(WΨ) = tr G_r/(1 − τ),

    and G(τI + ηW)Ψ = G(S − Ψ⁻¹)Ψ = WΨ − G (GS = W), so b_ρ = −tr G − tr(WΨ − G) = −tr(WΨ) = b_η.
    tr G_r = −d/dr log|I − rW| comes from the log-determinant engine ``logdet`` of W
    (:func:`~.logdet.logdet_for`, built when None: eigenvalues, or 5-point differences of exact
    sparse-LU values); ``time_transformed`` (Lee & Yu 2010) replaces tr P by tr P − 1'P1/N with
    Ψ1 by one sparse LU of (1 − τ)I − (ρ + η)W.
    """
    W = sp.csr_matrix(W, dtype=float)
    N = W.shape[0]
    ld = logdet_for(W) if logdet is None else logdet
    lo, hi = ld.bounds
    r = (rho + eta) / (1 - tau) if tau != 1 else np.inf
    if not (lo < r < hi) and (ld.method != "eigen" or not np.isfinite(r)):
        raise SpatialCCDError(f"the bias correction needs (rho + eta)/(1 − tau) = {r:.6g} inside ({lo:.4g}, {hi:.4g}) "
                              "(a stable process); the uncorrected estimates are not stationary")
    tr_gr = N * float(ld.mean_diag_inverse_w(r)[0])
    tr_psi, tr_wpsi = (N + r * tr_gr) / (1 - tau), tr_gr / (1 - tau)
    if time_transformed:
        psi1 = lu_solve(factor(W, r), np.ones(N)) / (1 - tau)               # Ψ1
        tr_psi -= psi1.sum() / N
        tr_wpsi -= float(np.asarray(W.T @ np.ones(N)) @ psi1) / N          # 1'WΨ1/N
    n_cs = N - 1 if time_transformed else N
    return -tr_psi, -tr_wpsi, -tr_wpsi, -n_cs / (2 * sigma2)


@dataclass(frozen=True)
class DynamicResults(SpatialLagMLResults):
    """Results of :func:`dynamic_panel`: ``params`` = τ (``tau``), η (``eta``), β, θ (``W_<name>``), ``rho``.

    ``uncorrected`` holds the QML estimates before the bias correction (equal to
    ``params`` without one); ``stationarity`` the check at the reported estimates.
    """

    dynamic: str
    uncorrected: pd.Series = field(repr=False)
    stationarity: Stationarity
    _logdet: object = field(repr=False)

    @property
    def trace_method(self) -> str:
        """How the traces were computed: tr(G), tr(G²), tr(G'G) of the information (and the effects traces)
        by the log|I − ρW| engine, read when shown; with a bias correction, tr Ψ and tr(WΨ) by the same
        engine at r = (ρ + η)/(1 − τ) (:func:`expected_score`)."""
        out = self._logdet.trace_method
        if self.bias_correction is not None and self.effects in ("individual", "twoways"):
            out += "; bias correction: tr Ψ, tr(WΨ) from tr G_r of the same engine at r = (rho + eta)/(1 − tau)"
        return out

    @property
    def tau(self) -> float:
        """τ, the coefficient of y_{t−1} (0 when ``dynamic="wylag"``)."""
        return float(self._params.get("tau", 0.0))

    @property
    def eta(self) -> float:
        """η, the coefficient of W y_{t−1} (0 when ``dynamic="ylag"``)."""
        return float(self._params.get("eta", 0.0))

    def impacts(self, horizon: str = "short-run", method: ImpactsMethod = "simulation", *, n_draws: int = 1000,
                seed=None, alpha: float = 0.05) -> Impacts:
        """Short-run or long-run direct, indirect and total effects (see the module docstring)."""
        if horizon not in ("short-run", "long-run"):
            raise SpatialCCDError(f"horizon must be 'short-run' or 'long-run', got {horizon!r}")
        if self._effect_spec is None:
            raise SpatialCCDError("this model has no regressors with effects to compute")
        p, V, spec = self._params.to_numpy(), self._cov.to_numpy(), self._effect_spec
        if horizon == "long-run":
            if not (1 - self.tau - self.rho - self.eta) > 0:
                raise SpatialCCDError(f"long-run effects need 1 − tau − rho − eta > 0, got "
                                      f"{1 - self.tau - self.rho - self.eta:.4g} (not stationary)")
            p, V = _long_run_parameters(p, V, list(self._params.index), spec)
        imp = compute_impacts(p, V, spec, method=method, n_draws=n_draws, seed=seed, alpha=alpha,
                              bounds=self.bounds)
        return dataclasses.replace(imp, horizon=horizon)

    def summary(self, alpha: float = 0.05) -> Summary:
        facts = self._fit_facts() + (("Model", f"dynamic {self.kind.upper()} ({self.dynamic})"),
                                     ("Effects", self.effects), ("Dep. variable", self.yname),
                                     ("Bias correction", str(self.bias_correction)), ("Covariance", self.cov_type),
                                     ("Stationarity", "stable" if self.stationarity.stable else "NOT stationary"),
                                     ("log|I-rW| method", self.logdet_method), ("Traces", self.trace_method))
        table = self.to_frame(alpha)
        if self.bias_correction is not None:
            table.insert(1, "uncorrected", self.uncorrected)
        notes = ("QML conditional on the first period; z-statistics use the normal distribution.",
                 self.stationarity.describe())
        return Summary(f"Dynamic spatial panel model (T = {self.T} periods after the first), QML", facts,
                       (("Coefficients", table),), notes)


def _long_run_parameters(p: np.ndarray, V: np.ndarray, labels: list[str], spec: EffectSpec):
    """(β/(1 − τ), θ/(1 − τ), r = (ρ + η)/(1 − τ)) in the slots of (β, θ, ρ), with the delta-method covariance."""
    def transform(q):
        tau = q[labels.index("tau")] if "tau" in labels else 0.0
        eta = q[labels.index("eta")] if "eta" in labels else 0.0
        out = q.copy()
        slots = list(spec.beta_idx) + [i for i in spec.theta_idx if i >= 0]
        out[slots] = q[slots] / (1 - tau)
        out[spec.rho_idx] = (q[spec.rho_idx] + eta) / (1 - tau)
        return out

    m = len(p)
    h = 1e-7 * np.maximum(1.0, np.abs(p))
    J = np.column_stack([(transform(p + h[j] * np.eye(m)[j]) - transform(p - h[j] * np.eye(m)[j])) / (2 * h[j])
                         for j in range(m)])
    return transform(p), J @ V @ J.T


def dynamic_panel(data, formula: str, w, *, kind: str = "sdm", dynamic: DynamicLags = "both",
                  unit: str = "province", time: str = "year", effects: Effects = "individual",
                  bias_correction: DynamicCorrection | None = None, durbin=None, cov_type: str = "information",
                  logdet: LogdetMethod = "auto", units: Units = "auto") -> DynamicResults:
    """Dynamic spatial SAR/SDM panel by QML with optional bias correction (see the module docstring).

    ``kind``: ``"sar"`` (θ = 0) or ``"sdm"`` (``durbin`` picks the W·X terms, default all).
    ``bias_correction``: None, ``"yu-de-jong-lee"`` (``effects="individual"``) or
    ``"lee-yu"`` (``effects="time"`` or ``"twoways"``, row-standardised W).
    ``cov_type``: ``"information"`` or ``"hessian"``.  Needs at least 3 periods.
    """
    if kind not in ("sar", "sdm"):
        raise SpatialCCDError(f"kind must be 'sar' or 'sdm', got {kind!r}")
    dynamic = check_option("dynamic", dynamic)
    effects = check_option("effects", effects)
    bias_correction = check_option("bias_correction", bias_correction, "dynamic_correction")
    cov_type = check_option("cov_type", cov_type)
    if cov_type == "splm":
        raise SpatialCCDError("cov_type must be 'information' or 'hessian' for a dynamic panel")
    allowed = {"none": (None,), "individual": (None, "yu-de-jong-lee"), "time": (None, "lee-yu"),
               "twoways": (None, "lee-yu")}[effects]
    if bias_correction not in allowed:
        raise SpatialCCDError(f"bias_correction={bias_correction!r} does not apply with effects={effects!r}: "
                              "'yu-de-jong-lee' corrects unit effects (Yu, de Jong & Lee 2008), 'lee-yu' removes "
                              f"time effects by the transformation (Lee & Yu 2010); allowed here: {list(allowed)}")
    panel = data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
    if panel.T < 3:
        raise DataError(f"a dynamic panel needs at least 3 periods (the first is the initial condition); the panel "
                        f"has T = {panel.T} ({panel.time} {list(panel.times)})")
    d = _dynamic_design(panel, formula, w, kind=kind, dynamic=dynamic, effects=effects, durbin=durbin, units=units)
    N, T = d.N, d.T
    lee_yu = bias_correction == "lee-yu"
    if lee_yu and not d.row_stochastic:
        raise SpatialCCDError("bias_correction='lee-yu' needs a row-standardised W (every row summing to 1): "
                              "W has islands or is not row-standardised")
    n, tj = float((N - 1) * T if lee_yu else N * T), float(T)
    ld = logdet_for(d.W, method=logdet)
    ld_lik = ld.without_unit_root() if lee_yu else ld
    lik = Likelihood(n, tj, ld_lik)
    ys, Z, wy = d.transformed()
    mom = LagMoments.from_arrays(ys, Z, wy)
    rho = maximise(lambda r: lik.concentrated(mom.ssr(r), r), ld_lik.bounds, name="rho")
    delta, sigma2 = mom.beta(rho), mom.ssr(rho) / n
    llf = lik.concentrated(mom.ssr(rho), rho)
    labels = list(LAGS[dynamic]) + list(d.names[len(LAGS[dynamic]):]) + list(d.durbin_names) + ["rho"]
    k = Z.shape[1]

    def information(b, r, s2):
        return lag_information(Z, b, r, s2, lik, d.W, N, T, ld_lik.traces(d.W, r), transform=d.Q)

    theta = np.concatenate([delta, [rho, sigma2]])
    uncorrected = pd.Series(theta[:-1], index=labels, name="uncorrected")
    if bias_correction is not None and effects in ("individual", "twoways"):
        tau = delta[labels.index("tau")] if "tau" in labels else 0.0
        eta = delta[labels.index("eta")] if "eta" in labels else 0.0
        b_tau, b_eta, b_rho, b_s2 = expected_score(d.W, tau, eta, rho, sigma2, time_transformed=lee_yu,
                                                    logdet=ld)
        b = np.zeros(k + 2)
        for name, val in (("tau", b_tau), ("eta", b_eta)):
            if name in labels:
                b[labels.index(name)] = val
        b[k], b[k + 1] = b_rho, b_s2
        theta = theta - np.linalg.solve(information(delta, rho, sigma2), b)
        delta, rho, sigma2 = theta[:k], float(theta[k]), float(theta[k + 1])
    if cov_type == "hessian":
        cov = inverse_information(-lag_hessian(ys, Z, wy, delta, rho, sigma2, lik), "Hessian")
    else:
        cov = inverse_information(information(delta, rho, sigma2), "information matrix")
    tau = delta[labels.index("tau")] if "tau" in labels else 0.0
    eta = delta[labels.index("eta")] if "eta" in labels else 0.0
    stat = stationarity(d.W, tau, eta, rho)
    if not stat.stable:
        warnings.warn(f"the estimates are outside the stationary region ({stat.describe()}); long-run effects and "
                      "the bias correction assume a stable process", StationarityWarning, stacklevel=2)
    m = len(labels)
    params = pd.Series(theta[:m], index=labels, name="coef")
    resid = ys - rho * wy - Z @ delta
    return DynamicResults(_params=params, _cov=pd.DataFrame(cov[:m, :m], index=labels, columns=labels),
                          llf=float(llf), sigma2=float(sigma2), sigma2_se=float(np.sqrt(cov[m, m])), nobs=N * T, N=N,
                          T=T, n_effective=n, kind=kind, dynamic=dynamic, effects=effects,
                          bias_correction=bias_correction, cov_type=cov_type, formula=formula, yname=d.yname,
                          logdet_method=ld.method, bounds=ld.bounds, uncorrected=uncorrected, stationarity=stat,
                          _effect_spec=_dynamic_effect_spec(d, labels, ld, dynamic), _logdet=ld,
                          _resid=pd.Series(resid, index=d.panel.index, name="resid"))


def _dynamic_effect_spec(d: Design, labels: list[str], ld, dynamic: str) -> EffectSpec | None:
    """Effects of the exogenous regressors only (the lags of y are not among them)."""
    lags = len(LAGS[dynamic])
    exog = dataclasses.replace(d, names=d.names[lags:])
    return effect_spec(exog, labels, ld)


def _dynamic_design(panel: PanelData, formula: str, w, *, kind: str, dynamic: str, effects: str, durbin,
                    units: str) -> Design:
    """The static lag design on periods 1 … T with [y_{t−1}, W y_{t−1}] prepended to X (lags on the raw data)."""
    full = build_design(panel, formula, w, unit=panel.unit, time=panel.time, effects="none", lag_convention="exact",
                        durbin=(True if durbin is None else durbin) if kind == "sdm" else None, units=units)
    if kind == "sdm" and not full.durbin:
        raise SpatialCCDError("kind='sdm' needs at least one W·X term; durbin selects none")
    N, T1 = full.N, full.T
    keep = slice(N, None)                                   # periods 1 … T
    ylag = full.y[:-N]
    cols = {"tau": ylag, "eta": lag(full.W, ylag, N, T1 - 1)}
    lagcols = [cols[c] for c in LAGS[dynamic]]
    X = full.X[keep]
    if effects != "none" and "Intercept" in full.names:
        j = full.names.index("Intercept")
        X, names = np.delete(X, j, axis=1), full.names[:j] + full.names[j + 1:]
        dur = tuple(i - (i > j) for i in full.durbin)
    else:
        names, dur = full.names, full.durbin
    sub = PanelData(panel.frame_.loc[list(panel.times[1:])].reset_index(), unit=panel.unit, time=panel.time,
                    units=units)
    lagn = len(lagcols)
    d = Design(y=full.y[keep], X=np.column_stack(lagcols + [X]), names=tuple(LAGS[dynamic]) + tuple(names),
               durbin=tuple(lagn + i for i in dur), W=full.W, panel=sub, yname=full.yname, effects=effects,
               lag_convention="exact", WX=full.WX[keep])
    _check_rank(d)
    return d
