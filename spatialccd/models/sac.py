r"""SAC (SARAR) and GNS spatial panel models by maximum likelihood.

    y = ρ(I_T ⊗ W)y + Xβ + (I_T ⊗ W)Xθ + μ_i + α_t + u,   u = λ(I_T ⊗ M)u + ε,   ε ~ N(0, σ²I)

``sac`` has no W·X terms (θ = 0; Kelejian & Prucha 1998, Lee 2004), ``gns`` keeps them
(the general nesting spatial model, Elhorst 2014, ch. 2); M defaults to W.  The fixed
effects are removed as in the other models (:mod:`.design`): with
e = B(Ay − Zβ), A = I − ρW, B = I − λM and everything transformed,

    e(ρ, λ) = y* − ρ(Wy)* − λ(My)* + ρλ(MWy)* − (Z* − λ(MZ)*)β,

``lag_convention="exact"`` forms the lags on the raw data and then transforms them,
``"splm"`` lags the transformed data (splm's ``spml(lag=TRUE, spatial.error="b")``).
Concentrating β and σ² out leaves the two-dimensional

    ℓ_c(ρ, λ) = −n/2·(log 2π + 1) − n/2·log(e'e/n) + t_J(log|I − ρW| + log|I − λM|),

maximised as a profile, max_λ max_ρ, each by an 81-point grid and bounded Brent (a
guard against the local maxima SAC likelihoods are known for) on the engines' cheap
log-determinants, then polished by two-dimensional Newton steps on the exact likelihood
(:func:`locate_and_polish`; a nested search on exact values only if the polish fails).  ``bias_correction=
"lee-yu"`` uses the Lee & Yu (2010) n and t_J and, with time effects, both
(N−1)-dimensional log-determinants (W and M row-standardised).  Covariance: inverse
expected information (:func:`~.likelihood.sac_information`; its traces by
:func:`~.sactraces.sac_traces` and the mean of the ρ-score by one sparse LU, never an N×N
matrix; ``trace_method`` says how) or inverse observed Hessian
(:func:`~.likelihood.sac_hessian`).  Effects: S_k = (I − ρW)⁻¹(β_k I + θ_k W), as for the
SDM (the error process does not move the mean).

Validation (``tests/test_sac.py``): estimates and log-likelihood against the explicit NT×NT
likelihood maximised numerically, the information against the expected Hessian of that
likelihood, the Hessian against numerical differentiation, and simulation recovery; and
(``tests/test_sac_reference.py``) R spatialreg 1.2-6 ``sacsarlm`` on the unit-demeaned Produc
data: ρ, λ, β, σ² to 5e-8 relative, log-likelihood 5e-15, information SEs 1.4e-8, the Hessian
against numDeriv 5e-8; ``tests/test_dense_audit.py``: the sparse information equals the former
dense one to 1e-10 and runs at N = 20,000.  splm is not packaged for Debian and CRAN is not reachable here, so the
``spml(lag = TRUE, spatial.error = "b")`` reference with time effects is not produced; the
``"splm"`` convention follows splm's documented model on the demeaned data.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from .._options import Effects, ImpactsMethod, LagConvention, LogdetMethod, Units, check_option
from ..exceptions import ConvergenceError, IdentificationWarning, IslandWarning, SpatialCCDError
from ..summary import Summary
from .design import Design, build_design, lag
from .effects import EffectSpec, Impacts, Multipliers, compute_impacts
from .fit import check_options, sample_sizes
from .likelihood import LOG2PI, SACMoments, apply_G, sac_hessian, sac_information
from .logdet import five_point, logdet_for, stencil_step
from .mlresults import SpatialLagMLResults, inverse_information
from .sactraces import sac_traces

__all__ = ["SACResults", "sac", "gns", "fit_sac", "SACEstimate"]


def argmax_1d(f, lo: float, hi: float, *, n_grid: int = 81) -> tuple[float, float]:
    """Grid then bounded Brent on (lo, hi); returns (x, f(x)) and never raises at a bound (the caller checks)."""
    eps = 1e-9 * (hi - lo)
    grid = np.linspace(lo + eps, hi - eps, n_grid)
    vals = np.array([f(x) for x in grid])
    if not np.isfinite(vals).any():
        return float("nan"), -np.inf
    i = int(np.nanargmax(vals))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, n_grid - 1)]
    res = minimize_scalar(lambda x: -f(x), bounds=(a, b), method="bounded", options={"xatol": 1e-11, "maxiter": 500})
    if np.isfinite(res.fun) and -res.fun >= vals[i]:
        return float(res.x), -float(res.fun)
    return float(grid[i]), float(vals[i])


def _profile_search(llc, bounds_w, bounds_m) -> tuple[float, float, float]:
    """max_λ max_ρ llc(ρ, λ), each by :func:`argmax_1d` (an 81-point grid, then bounded Brent)."""
    (rlo, rhi), (llo, lhi) = bounds_w, bounds_m
    lam, _ = argmax_1d(lambda lm: argmax_1d(lambda r: llc(r, lm), rlo, rhi)[1], llo, lhi)
    rho, llf = argmax_1d(lambda r: llc(r, lam), rlo, rhi)
    return rho, lam, llf


def _newton_2d(mom: SACMoments, n: float, tj: float, ld_w, ld_m, rho: float, lam: float) -> tuple[float, float] | None:
    """Newton steps on the exact ℓ_c(ρ, λ) = q(ρ, λ) + t_J(log|I − ρW| + log|I − λM|), q = −n/2·log(e'e/n).

    The log-determinants are separable: their first and second derivatives are the engines' exact
    five-point differences (``d1``, ``d2``); q is an O(k³) closed form, differentiated by five-point
    (gradient, error O(h⁴)) and four-point mixed differences (Hessian; its error only slows the
    iteration, the fixed point is where the gradient vanishes).  None when a step leaves a neighbourhood
    of the start or the Hessian is not negative definite (the caller then searches on exact values only).
    """
    (rlo, rhi), (llo, lhi) = ld_w.bounds, ld_m.bounds

    def q(r, lm):
        return -n / 2 * np.log(mom.beta_ssr(r, lm)[1] / n)

    start = np.array([rho, lam])
    for _ in range(30):
        hr, hl = stencil_step(rho, rlo, rhi), stencil_step(lam, llo, lhi)
        qr1, qr2 = five_point([q(rho + j * hr, lam) for j in (-2, -1, 0, 1, 2)], hr)
        ql1, ql2 = five_point([q(rho, lam + j * hl) for j in (-2, -1, 0, 1, 2)], hl)
        cross = (q(rho + hr, lam + hl) - q(rho + hr, lam - hl) - q(rho - hr, lam + hl)
                 + q(rho - hr, lam - hl)) / (4 * hr * hl)
        g = np.array([qr1 + tj * ld_w.d1(rho), ql1 + tj * ld_m.d1(lam)])
        H = np.array([[qr2 + tj * ld_w.d2(rho), cross], [cross, ql2 + tj * ld_m.d2(lam)]])
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(g)) and H[0, 0] < 0 and np.linalg.det(H) > 0):
            return None
        step = -np.linalg.solve(H, g)
        rho, lam = rho + step[0], lam + step[1]
        if np.abs(np.array([rho, lam]) - start).max() > 0.05 or not (rlo < rho < rhi and llo < lam < lhi):
            return None
        if np.abs(step).max() < 1e-10:
            return rho, lam
    return None


def locate_and_polish(mom: SACMoments, n: float, tj: float, ld_w, ld_m) -> tuple[float, float, float]:
    """(ρ̂, λ̂, ℓ̂) of the concentrated SAC/GNS likelihood.

    1. Locate: the nested profile search (81-point grids and bounded Brent, a guard against the local
       maxima of SAC likelihoods) on the engines' cheap log-determinants (``locator()``: exact for the
       eigenvalue engine, the power series of the sparse engine).
    2. Polish: :func:`_newton_2d` on the exact likelihood, to a step below 1e-10.
    Should the polish fail, the nested search runs again on exact values only (slow, never approximate).
    """
    def llc_with(lw, lm):
        def llc(rho, lam):
            ssr = mom.beta_ssr(rho, lam)[1]
            return -n / 2 * (LOG2PI + 1) - n / 2 * np.log(ssr / n) + tj * (lw(rho) + lm(lam))
        return llc

    exact = llc_with(ld_w, ld_m)
    rho, lam, _ = _profile_search(llc_with(ld_w.locator(), ld_m.locator()), ld_w.bounds, ld_m.bounds)
    polished = _newton_2d(mom, n, tj, ld_w, ld_m, rho, lam) if np.isfinite(rho) and np.isfinite(lam) else None
    if polished is None:
        rho, lam, llf = _profile_search(exact, ld_w.bounds, ld_m.bounds)
        return rho, lam, llf
    rho, lam = polished
    return rho, lam, float(exact(rho, lam))


def lagged_transformed(d: Design, P, raw: np.ndarray, star: np.ndarray) -> np.ndarray:
    """(I_T ⊗ P) applied under the design's lag convention: Q(P·raw) (exact) or P·star (splm)."""
    if d.lag_convention == "exact":
        return d.Q(lag(P, raw, d.N, d.T))
    return lag(P, star, d.N, d.T)


@dataclass(frozen=True)
class SACEstimate:
    """What :func:`fit_sac` returns: coefficients of Z = [X, W·X], ρ, λ, σ², covariance of (β, ρ, λ, σ²)."""

    beta: np.ndarray
    rho: float
    lam: float
    sigma2: float
    cov: np.ndarray = field(repr=False)
    llf: float
    n: float
    resid: np.ndarray = field(repr=False)
    trace_method: str = ""     # how the information traces were computed ("" for cov_type="hessian")


def mean_rho_score(d: Design, M, Zb: np.ndarray, rho: float, lam: float) -> np.ndarray:  # noqa: N803
    """The mean m of −∂e/∂ρ in :func:`~.likelihood.sac_information`: (I_T ⊗ BG)Z*β, then Q under
    ``lag_convention="exact"``; G = W(I − ρW)⁻¹ by one sparse LU (:func:`~.likelihood.apply_G`), B = I − λM."""
    g = apply_G(d.W, rho, Zb, d.N, d.T)
    m = g - lam * lag(M, g, d.N, d.T)
    return d.Q(m) if d.lag_convention == "exact" else m


def fit_sac(d: Design, M, ld_w, ld_m, *, bias_correction, cov_type: str) -> SACEstimate:
    """ML estimation of the SAC/GNS model on a design (see the module docstring)."""
    N, T = d.N, d.T
    ys, Z, wy = d.transformed()
    Zraw = np.column_stack([d.X, d.WX]) if d.WX.size else d.X
    my = lagged_transformed(d, M, d.y, ys)
    mwy = lagged_transformed(d, M, d.Wlag(d.y), wy)
    MZ = lagged_transformed(d, M, Zraw, Z)
    n, tj, unit_root = sample_sizes(d.effects, N, T, bias_correction)
    if unit_root:
        same = ld_m is ld_w
        ld_w = ld_w.without_unit_root()
        ld_m = ld_w if same else ld_m.without_unit_root()
    mom = SACMoments.from_arrays(ys, wy, Z, my, mwy, MZ)
    rho, lam, llf = locate_and_polish(mom, n, tj, ld_w, ld_m)
    (rlo, rhi), (llo, lhi) = ld_w.bounds, ld_m.bounds
    for name, v, lo, hi in (("rho", rho, rlo, rhi), ("lambda", lam, llo, lhi)):
        if not np.isfinite(v) or min(v - lo, hi - v) < 1e-6 * (hi - lo):
            raise ConvergenceError(f"{name} = {v:.6g} is at the bound of its admissible interval ({lo:.4g}, "
                                   f"{hi:.4g}) or the likelihood is not finite: the SAC/GNS model is misspecified "
                                   "or not identified on these data")
    beta, ssr = mom.beta_ssr(rho, lam)
    sigma2 = ssr / n
    arrays = (ys, wy, Z, my, mwy, MZ)
    how = ""
    if cov_type == "hessian":
        cov = inverse_information(-sac_hessian(arrays, beta, rho, lam, sigma2, n, tj, ld_w, ld_m), "Hessian")
    else:
        traces = sac_traces(d.W, M, rho, lam, ld_w, ld_m)
        info = sac_information(Z - lam * MZ, mean_rho_score(d, M, Z @ beta, rho, lam), sigma2, n, tj, traces)
        cov, how = inverse_information(info, "information matrix"), traces.method
    resid = ys - rho * wy - lam * my + rho * lam * mwy - (Z - lam * MZ) @ beta
    return SACEstimate(beta=beta, rho=rho, lam=lam, sigma2=sigma2, cov=cov, llf=llf, n=n, resid=resid,
                       trace_method=how)


@dataclass(frozen=True)
class SACResults(SpatialLagMLResults):
    """Results of :func:`sac` / :func:`gns`: ``params`` = β, θ (``W_<name>``), ``rho``, ``lambda``."""

    lag_convention: str
    m_is_w: bool
    _information_traces: str = field(repr=False)
    _logdet: object = field(repr=False)

    @property
    def lam(self) -> float:
        """λ, the spatial error parameter."""
        return float(self._params["lambda"])

    @property
    def trace_method(self) -> str:
        """How the traces were computed: those of the information matrix (``cov_type="information"``,
        :mod:`.sactraces`), then the log|I − ρW| engine behind the Hessian's tr(G²) and the effects
        (read when shown, as the effects add their own)."""
        engine = f"log|I-rW| engine: {self._logdet.trace_method}"
        return f"{self._information_traces}; {engine}" if self._information_traces else engine

    def impacts(self, method: ImpactsMethod = "simulation", *, n_draws: int = 1000, seed=None,
                alpha: float = 0.05) -> Impacts:
        """Direct, indirect and total effects of S_k = (I − ρW)⁻¹(β_k I + θ_k W) (LeSage & Pace 2009, ch. 2.7)."""
        if self._effect_spec is None:
            raise SpatialCCDError("this model has no regressors with effects to compute")
        return compute_impacts(self._params.to_numpy(), self._cov.to_numpy(), self._effect_spec, method=method,
                               n_draws=n_draws, seed=seed, alpha=alpha, bounds=self.bounds)

    def summary(self, alpha: float = 0.05) -> Summary:
        title = {"sac": "SAC (SARAR)", "gns": "General nesting spatial (GNS)"}[self.kind]
        facts = self._fit_facts() + (("Model", self.kind.upper()), ("Effects", self.effects),
                                     ("Dep. variable", self.yname), ("Bias correction", str(self.bias_correction)),
                                     ("Lag convention", self.lag_convention), ("Covariance", self.cov_type),
                                     ("Error weights", "M = W" if self.m_is_w else "M (own)"),
                                     ("log|I-rW| method", self.logdet_method), ("Traces", self.trace_method))
        notes = ("z-statistics and p-values use the normal distribution.",)
        return Summary(f"{title} panel model, ML", facts, (("Coefficients", self.to_frame(alpha)),), notes)


def sac(data, formula: str, w, *, m=None, unit: str = "province", time: str = "year", effects: Effects = "twoways",
        durbin=None, bias_correction: str | None = None, lag_convention: LagConvention = "exact",
        cov_type: str = "information", logdet: LogdetMethod = "auto", units: Units = "auto") -> SACResults:
    """SAC (SARAR) panel model y = ρWy + Xβ + u, u = λMu + ε, by ML (see the module docstring).

    ``m``: the weights of the error process (a Graph over the same units; default ``w``).
    ``durbin`` adds W·X terms (then the model is the GNS: use :func:`gns`).  ``bias_correction``:
    None or ``"lee-yu"``; ``cov_type``: ``"information"`` or ``"hessian"``.
    """
    return _fit_sac(data, formula, w, m=m, unit=unit, time=time, effects=effects, durbin=durbin,
                    bias_correction=bias_correction, lag_convention=lag_convention, cov_type=cov_type,
                    logdet=logdet, units=units)


def gns(data, formula: str, w, *, m=None, unit: str = "province", time: str = "year", effects: Effects = "twoways",
        durbin=True, bias_correction: str | None = None, lag_convention: LagConvention = "exact",
        cov_type: str = "information", logdet: LogdetMethod = "auto", units: Units = "auto") -> SACResults:
    """General nesting spatial model y = ρWy + Xβ + WXθ + u, u = λMu + ε (Elhorst 2014, ch. 2).

    With M = W the GNS is only weakly identified (LeSage & Pace 2009, ch. 2; Gibbons &
    Overman 2012): an :class:`~spatialccd.exceptions.IdentificationWarning` says so.
    """
    return _fit_sac(data, formula, w, m=m, unit=unit, time=time, effects=effects, durbin=durbin,
                    bias_correction=bias_correction, lag_convention=lag_convention, cov_type=cov_type,
                    logdet=logdet, units=units)


def _fit_sac(data, formula, w, *, m, unit, time, effects, durbin, bias_correction, lag_convention, cov_type,
             logdet, units) -> SACResults:
    from ..panel import PanelData

    effects = check_option("effects", effects)
    bias_correction = check_option("bias_correction", bias_correction)
    cov_type = check_option("cov_type", cov_type)
    if bias_correction == "elhorst":
        raise SpatialCCDError("bias_correction='elhorst' is defined for the SAR/SDM/SEM/SDEM of the Elhorst toolbox, "
                              "not for SAC/GNS; use None or 'lee-yu'")
    if cov_type == "splm":
        raise SpatialCCDError("cov_type must be 'information' or 'hessian' for SAC/GNS")
    panel = data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
    d = build_design(panel, formula, w, unit=unit, time=time, effects=effects, lag_convention=lag_convention,
                     durbin=durbin, units=units, bias_correction=bias_correction)
    check_options(effects, bias_correction, "information", d)
    M = d.W if m is None else panel.weights_matrix(m)
    m_is_w = m is None or (M.shape == d.W.shape and abs(M - d.W).sum() < 1e-12)
    for name, P in (("W", d.W), ("M", M)):
        empty = np.flatnonzero(np.asarray(abs(P).sum(axis=1)).ravel() == 0)
        if len(empty):
            warnings.warn(f"units with no neighbour in {name} (zero spatial lag): {panel.units[empty].tolist()}",
                          IslandWarning, stacklevel=3)
    if bias_correction == "lee-yu" and effects in ("time", "twoways") and not np.allclose(M.sum(axis=1), 1.0):
        raise SpatialCCDError("bias_correction='lee-yu' with time effects needs a row-standardised M")
    kind = "gns" if d.durbin else "sac"
    if kind == "gns" and m_is_w:
        warnings.warn("a GNS with M = W is only weakly identified (LeSage & Pace 2009, ch. 2): rho, lambda and "
                      "theta trade off against each other; prefer an SDM or SDEM, or give a different M",
                      IdentificationWarning, stacklevel=3)
    ld_w = logdet_for(d.W, method=logdet)
    ld_m = ld_w if m_is_w else logdet_for(M, method=logdet)
    est = fit_sac(d, M, ld_w, ld_m, bias_correction=bias_correction, cov_type=cov_type)
    names = list(d.names) + list(d.durbin_names)
    labels = names + ["rho", "lambda"]
    k = len(labels)
    params = pd.Series(list(est.beta) + [est.rho, est.lam], index=labels, name="coef")
    cov = pd.DataFrame(est.cov[:k, :k], index=labels, columns=labels)
    return SACResults(_params=params, _cov=cov, llf=float(est.llf), sigma2=float(est.sigma2),
                      sigma2_se=float(np.sqrt(est.cov[k, k])), nobs=d.N * d.T, N=d.N, T=d.T, n_effective=est.n,
                      kind=kind, effects=effects, bias_correction=bias_correction, lag_convention=lag_convention,
                      cov_type=cov_type, formula=formula, yname=d.yname, m_is_w=bool(m_is_w),
                      logdet_method=search_method(ld_w), bounds=ld_w.bounds,
                      _effect_spec=effect_spec(d, labels, ld_w), _information_traces=est.trace_method, _logdet=ld_w,
                      _resid=pd.Series(est.resid, index=d.panel.index, name="resid"))


def search_method(ld) -> str:
    """``logdet_method`` of a SAC/GNS fit (:func:`locate_and_polish`): located on the engine's cheap
    log-determinant, the maximum polished on exact values."""
    return ld.method if ld.method == "eigen" else "splu (exact; located on the power series, Newton-polished on exact values)"


def effect_spec(d: Design, labels: list[str], ld) -> EffectSpec | None:
    """Which entries of ``labels`` are β_k, θ_k and ρ for the LeSage–Pace effects (intercept excluded)."""
    names = tuple(n for n in d.names if n != "Intercept")
    if not names:
        return None
    beta_idx = np.array([labels.index(n) for n in names])
    theta_idx = np.array([labels.index(f"W_{n}") if f"W_{n}" in labels else -1 for n in names])
    return EffectSpec(names, beta_idx, theta_idx, labels.index("rho"), Multipliers(ld, d.W, d.row_stochastic))
