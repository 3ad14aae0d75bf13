r"""Bayesian comparison of spatial panel model families (LeSage 2014, *Spatial Statistics* 9:122–145).

Posterior model probabilities for OLS, SLX, SAR, SDM, SEM and SDEM on a static
panel with fixed effects, under equal prior model probabilities and the
non-informative parameter priors of LeSage (2014): p(β) ∝ 1, p(σ²) ∝ 1/σ² and ρ
(λ) uniform on the admissible interval (1/ω_min, 1/ω_max), p(ρ) = 1/D.

**Derivation.**  Every family is, on the transformed sample of n observations,
e = A_ρ y − Z̃_ρ β with e ~ N(0, σ²I_n) and Jacobian |I − ρW|^{t_J}
(lag: A_ρ y = y* − ρ(Wy)*, Z̃ = Z*; error: both filtered, Z̃_λ = Z* − λ(WZ)*;
OLS/SLX: ρ = 0).  With S(ρ) = min_β ‖A_ρ y − Z̃_ρ β‖² and a = (n − k)/2,

    ∫ (2πσ²)^{−n/2} exp(−‖A_ρ y − Z̃β‖²/2σ²) dβ = (2πσ²)^{−a} |Z̃'Z̃|^{−1/2} exp(−S/2σ²)
    ∫ (2πσ²)^{−a} exp(−S/2σ²) σ^{−2} dσ² = Γ(a) (π S)^{−a}

so that

    p(y | ρ, M) = |I − ρW|^{t_J} Γ(a) (π S(ρ))^{−a} |Z̃_ρ'Z̃_ρ|^{−1/2}
    p(y | M)    = (1/D) ∫ p(y | ρ, M) dρ          (adaptive quadrature, scipy ``quad``)

and p(M | y) = p(y|M)/Σ_j p(y|M_j).  OLS and SLX need no integral.

**Fixed effects** (``fixed_effects``):

* ``"lee-yu"`` (default): the exact likelihood of the Lee & Yu (2010) orthonormally
  transformed data: n = N(T−1), (N−1)T or (N−1)(T−1), t_J = T − 1 with unit
  effects, and the (N−1)-dimensional log|I − ρW| − log(1 − ρ) with time effects.
  The degrees of freedom are 2a = n − k.
* ``"integrated"``: the raw model with the fixed effects γ as further regressors
  under a flat prior, integrated out like β: 2a = NT − k − q (q = N, T or
  N + T − 1 effects: the "degrees of freedom correction" of Elhorst's version of
  LeSage's ``log_marginal_panelprob``), Jacobian T, and the extra factor
  |D̃'D̃|^{−1/2} of the dummy matrix D (D̃ = (I ⊗ (I − λW))D in the error family,
  which makes the error family's Jacobian T − 1 with unit effects, as under
  Lee–Yu).  Unit effects μ_i for every unit, time effects α_t for t ≥ 2 under two-way effects.

The two give the same degrees of freedom; they differ in the Jacobian of the lag
family (T vs T − 1 with unit effects), by what the flat prior is put on.

**Differences from LeSage's MATLAB ``log_marginal_panelprob`` (Elhorst's 2013
version) and R SDPDmod's ``blmpSDPD``** (read from their source; neither can be run here):

1. their constant is Γ(a)(2π)^{−a}(e'e)^{−a}: the σ² integral ∫ σ^{−2a−2}exp(−S/2σ²)dσ²
   = Γ(a)(S/2)^{−a} loses its 2^a, which shifts the log marginal of a model by
   (a·log 2) and the log odds of two models whose k differ by Δk by Δk·log(2)/2;
2. their "trapezoid rule" sums (ρ_i + ρ_{i+1})/2·(f_{i+1} − f_i), i.e. ∫ρ df ≈ −∫f dρ,
   and *adds* it to the log marginal instead of adding log ∫ f dρ: the reported
   value is max_ρ log p(y|ρ) + constant − ∫f, without the width of the posterior
   of ρ (log ∫ f ≈ −3 for a posterior sd of 0.02), which favours the spatial
   models over OLS/SLX by about that amount;
3. they use the Jacobian T·log|I − ρW| with 2a = NT − k − q and lag the demeaned
   y ((I ⊗ W)Qy, splm's convention); with SDPDmod's ``LYtrans = TRUE`` the
   correction q is computed from the already transformed n and t, so the fixed
   effects are removed twice.

Here the spatial lag is always formed on the raw data (``lag_convention="exact"``).
Islands (units without neighbours) keep a zero spatial lag and a zero eigenvalue of
W; they are allowed with unit effects and refused with time effects (W must be
row-standardised, as for Lee–Yu).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.integrate import quad
from scipy.optimize import minimize_scalar
from scipy.special import gammaln, logsumexp

from .._options import BayesModel, Effects, FixedEffectsPrior, LogdetMethod, Units, check_option
from ..exceptions import IslandWarning, SpatialCCDError
from ..summary import Summary, SummaryMixin
from .design import Design, build_design
from .fit import sample_sizes
from .likelihood import ErrorMoments, LagMoments
from .logdet import logdet_for

__all__ = ["BayesianComparison", "bayesian_comparison", "MODEL_FAMILIES"]

#: family → (has W·X terms, spatial process: None, "lag" or "error")
MODEL_FAMILIES = {"ols": (False, None), "slx": (True, None), "sar": (False, "lag"), "sdm": (True, "lag"),
                  "sem": (False, "error"), "sdem": (True, "error")}


@dataclass(frozen=True)
class PosteriorIntegral:
    """log ∫ exp(g(ρ)) dρ over (lo, hi) and the posterior mean, sd and mode of ρ."""

    log_integral: float
    mean: float
    sd: float
    mode: float


def integrate_log_density(g, lo: float, hi: float) -> PosteriorIntegral:
    """Adaptive Gauss–Kronrod quadrature of exp(g) on (lo, hi), scaled at the mode for stability."""
    grid = np.linspace(lo, hi, 403)[1:-1]
    vals = np.array([g(r) for r in grid])
    if not np.isfinite(vals).any():
        raise SpatialCCDError(f"the log posterior of the spatial parameter is not finite on ({lo:.4g}, {hi:.4g})")
    i = int(np.nanargmax(vals))
    a, b = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(lambda r: -g(r), bounds=(a, b), method="bounded", options={"xatol": 1e-10})
    mode, top = (float(res.x), -float(res.fun)) if -res.fun >= vals[i] else (float(grid[i]), float(vals[i]))

    def moment(p):
        return quad(lambda r: r ** p * math.exp(min(g(r) - top, 0.0)), lo, hi, points=[mode], limit=400,
                    epsabs=0.0, epsrel=1e-11)[0]

    m0, m1, m2 = moment(0), moment(1), moment(2)
    mean = m1 / m0
    return PosteriorIntegral(top + math.log(m0), mean, math.sqrt(max(m2 / m0 - mean ** 2, 0.0)), mode)


def log_dummy_gram(effects: str, N: int, T: int, logdet_full: float = 0.0, lam: float = 0.0) -> float:  # noqa: N803
    """log|D̃'D̃| for the fixed-effect dummies D̃ = (I_T ⊗ (I − λW))D (row-standardised W for time effects).

    Unit effects: N log T + 2 log|I − λW|; time effects: T log N + 2T log(1 − λ);
    two-way (α_1 dropped): N log T + 2 log|I − λW| + (T − 1)(log N + 2 log(1 − λ)) − log T.
    ``logdet_full`` is log|I − λW| (0 for the lag family, whose dummies are not filtered).
    """
    r = math.log1p(-lam) if lam else 0.0
    unit = N * math.log(T) + 2 * logdet_full
    if effects == "individual":
        return unit
    if effects == "time":
        return T * math.log(N) + 2 * T * r
    if effects == "twoways":
        return unit + (T - 1) * (math.log(N) + 2 * r) - math.log(T)
    return 0.0


@dataclass(frozen=True)
class BayesianComparison(SummaryMixin):
    """Log marginal likelihoods and posterior probabilities of spatial panel model families.

    ``table`` (see :meth:`to_frame`): one row per family with ``log_marginal``,
    ``probability`` (equal prior probabilities), ``k`` (coefficients), ``dof``
    (2a = n − k, or NT − k − q with ``fixed_effects="integrated"``), ``spatial``
    (``rho``/``lambda``/empty) and the posterior ``mean``, ``sd`` and ``mode`` of
    the spatial parameter.
    """

    table: pd.DataFrame = field(repr=False)
    formula: str
    effects: str
    fixed_effects: str | None
    N: int  # noqa: N815
    T: int  # noqa: N815
    n_effective: float
    bounds: tuple[float, float]
    logdet_method: str

    @property
    def probabilities(self) -> pd.Series:
        """Posterior model probabilities p(M | y), indexed by family."""
        return self.table["probability"].copy()

    @property
    def log_marginal(self) -> pd.Series:
        """log p(y | M) with the constant derived in :mod:`spatialccd.models.bayes`."""
        return self.table["log_marginal"].copy()

    @property
    def best(self) -> str:
        """The family with the highest posterior probability."""
        return str(self.table["probability"].idxmax())

    def to_frame(self) -> pd.DataFrame:
        """The comparison table (a copy)."""
        return self.table.copy()

    def summary(self) -> Summary:
        fe = {"lee-yu": "Lee-Yu transformation", "integrated": "integrated out (flat prior)", None: "none"}
        facts = (("Effects", self.effects), ("Fixed effects", fe[self.fixed_effects]), ("N (units)", str(self.N)),
                 ("T (periods)", str(self.T)), ("n (effective)", f"{self.n_effective:g}"),
                 ("Prior on rho/lambda", f"uniform on ({self.bounds[0]:.4g}, {self.bounds[1]:.4g})"),
                 ("Best model", self.best.upper()), ("log|I-rW| method", self.logdet_method))
        notes = ("Priors: p(beta) ~ 1, p(sigma^2) ~ 1/sigma^2, equal model probabilities (LeSage 2014).",
                 "log p(y|M) = log[(1/D) int |I-rW|^tJ Gamma(a) (pi S)^-a |Z'Z|^-1/2 dr], a = dof/2.")
        return Summary("Bayesian comparison of spatial panel models (LeSage 2014)", facts,
                       (("Posterior model probabilities", self.table),), notes)


def bayesian_comparison(data, formula: str, w, *, unit: str = "province", time: str = "year",
                        effects: Effects = "twoways", fixed_effects: FixedEffectsPrior | None = None,
                        models: tuple[BayesModel, ...] = tuple(MODEL_FAMILIES), durbin=True,
                        logdet: LogdetMethod = "auto", units: Units = "auto") -> BayesianComparison:
    """Posterior probabilities of OLS, SLX, SAR, SDM, SEM, SDEM (LeSage 2014); see the module docstring.

    ``fixed_effects``: ``"lee-yu"`` (default with fixed effects) or ``"integrated"``;
    must be left ``None`` with ``effects="none"`` (then an intercept is kept).
    ``models`` picks the families; ``durbin`` the regressors with W·X terms in
    SLX/SDM/SDEM (default all).  ``data`` may be a :class:`~spatialccd.PanelData`.
    """
    from ..panel import PanelData

    effects = check_option("effects", effects)
    if effects == "none":
        if fixed_effects is not None:
            raise SpatialCCDError(f"fixed_effects={fixed_effects!r} needs fixed effects; effects='none'")
    else:
        fixed_effects = check_option("fixed_effects", "lee-yu" if fixed_effects is None else fixed_effects)
    picked = list(dict.fromkeys(check_option("models", m, "bayes_model")
                                for m in ([models] if isinstance(models, str) else models)))
    if not picked:
        raise SpatialCCDError(f"models must name at least one of {list(MODEL_FAMILIES)}")
    panel = data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
    kw = dict(unit=unit, time=time, effects=effects, lag_convention="exact", units=units)
    designs = {dur: build_design(panel, formula, w, durbin=durbin if dur else None, **kw)
               for dur in {MODEL_FAMILIES[m][0] for m in picked}}
    d0 = next(iter(designs.values()))
    N, T, W = d0.N, d0.T, d0.W
    isolated = np.flatnonzero(np.asarray(abs(W).sum(axis=1)).ravel() == 0)
    if len(isolated):
        warnings.warn(f"units with no neighbour in W keep a zero spatial lag (and a zero eigenvalue of W): "
                      f"{panel.units[isolated].tolist()}", IslandWarning, stacklevel=2)
    if effects in ("time", "twoways") and not d0.row_stochastic:
        raise SpatialCCDError("a Bayesian comparison with time effects needs a row-standardised W (every row "
                              "summing to 1): W has islands or is not row-standardised")
    if True in designs and not designs[True].durbin:
        raise SpatialCCDError("SLX/SDM/SDEM need at least one W·X term; durbin selects none")
    ld_full = logdet_for(W, method=logdet)
    lee_yu = fixed_effects == "lee-yu"
    n, tj, unit_root = sample_sizes(effects, N, T, "lee-yu" if lee_yu else None)
    ld = ld_full.without_unit_root() if unit_root else ld_full
    q = 0 if lee_yu or effects == "none" else {"individual": N, "time": T, "twoways": N + T - 1}[effects]
    lo, hi = ld.bounds
    rows = {}
    for m in picked:
        dur, process = MODEL_FAMILIES[m]
        rows[m] = _family(designs[dur], process, n, tj, q, ld, ld_full, lo, hi, integrated=fixed_effects ==
                          "integrated")
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")
    lm = table["log_marginal"].to_numpy()
    table.insert(1, "probability", np.exp(lm - logsumexp(lm)))
    return BayesianComparison(table=table, formula=formula, effects=effects, fixed_effects=fixed_effects, N=N, T=T,
                              n_effective=n, bounds=(lo, hi), logdet_method=ld.method)


def _family(d: Design, process, n: float, tj: float, q: int, ld, ld_full, lo: float, hi: float, *,
            integrated: bool) -> dict:
    ys, Z, wy = d.transformed()
    k = Z.shape[1]
    dof = n - k - q
    if dof <= 0:
        raise SpatialCCDError(f"no degrees of freedom left: n = {n:g}, {k} coefficients, {q} fixed effects")
    a = dof / 2
    const = gammaln(a) - a * math.log(math.pi)
    spatial, post = "", None
    if process is None:
        resid = ys - Z @ np.linalg.lstsq(Z, ys, rcond=None)[0]
        lml = const - a * math.log(float(resid @ resid)) - 0.5 * np.linalg.slogdet(Z.T @ Z)[1]
        if integrated:
            lml -= 0.5 * log_dummy_gram(d.effects, d.N, d.T)
    elif process == "lag":
        spatial = "rho"
        mom = LagMoments.from_arrays(ys, Z, wy)
        post = integrate_log_density(lambda r: tj * ld(r) - a * math.log(mom.ssr(r)), lo, hi)
        lml = const - 0.5 * np.linalg.slogdet(Z.T @ Z)[1] - math.log(hi - lo) + post.log_integral
        if integrated:
            lml -= 0.5 * log_dummy_gram(d.effects, d.N, d.T)
    else:
        spatial = "lambda"
        Zraw = np.column_stack([d.X, d.WX]) if d.WX.size else d.X
        mom = ErrorMoments.from_arrays(ys, Z, d.lag_of_transformed(d.y, ys), d.lag_of_transformed(Zraw, Z))

        def g(lam):
            M = mom.filtered(lam)
            zz, zy = M[1:, 1:], M[1:, 0]
            ssr = float(M[0, 0] - zy @ np.linalg.solve(zz, zy))
            val = tj * ld(lam) - a * math.log(ssr) - 0.5 * np.linalg.slogdet(zz)[1]
            if integrated:
                val -= 0.5 * log_dummy_gram(d.effects, d.N, d.T, ld_full(lam), lam)
            return val

        post = integrate_log_density(g, lo, hi)
        lml = const - math.log(hi - lo) + post.log_integral
    return {"log_marginal": float(lml), "k": k, "dof": dof, "spatial": spatial,
            "mean": post.mean if post else np.nan, "sd": post.sd if post else np.nan,
            "mode": post.mode if post else np.nan}
