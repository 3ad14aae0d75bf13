"""Maximum-likelihood estimation of spatial panel models.

Estimation follows Elhorst (2014, *Spatial Econometrics: From Cross-Sectional
Data to Spatial Panels*, ch. 3): transform the data (:mod:`.design`), maximise
the concentrated log-likelihood over the scalar ρ (lag family) or λ (error
family) on the admissible interval (1/ω_min, 1/ω_max), then recover β and σ²
in closed form.  Bias corrections:

``"lee-yu"`` — the transformation approach of Lee & Yu (2010, J. Econometrics
    154:165–185): effective sample n = N(T−1) (unit effects), (N−1)T (time) or
    (N−1)(T−1) (two-way); Jacobian weight T−1 when unit effects are removed;
    with time effects the (N−1)-dimensional log|I − ρW*| = log|I − ρW| −
    log(1 − ρ) (needs W·1 = 1).  The target of xsmle's ``leeyu`` and SDPDmod's
    ``LYtrans`` (the latter approximate to ~1e-3 through its grid log-determinant).
    With time effects it needs ``lag_convention="exact"`` (:data:`LEE_YU_SPLM`).
``"elhorst"`` — the correction of the MATLAB Elhorst toolbox (``sar_panel_FE``
    with ``info.bc = 1``, its default): σ²·T/(T−1) with unit effects, σ²·N/(N−1)
    with time effects; with two-way effects (β, ρ, σ²) + (I/NT)⁻¹·[0, 1/(1−ρ),
    1/(2σ²)]/N with I the information matrix at the uncorrected estimates, then
    σ²·T/(T−1) (the shift uses the toolbox's information, ρρ term ‖(I_T⊗G)Z*β‖²; the
    reported covariance uses the exact one of :func:`.likelihood.lag_information`).
    The reported log-likelihood (and AIC/BIC) is the maximised,
    uncorrected one, as the toolbox reports it.
``None`` — the direct approach (n = NT, Jacobian weight T), as splm's default and
    the toolbox with ``info.bc = 0``.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import minimize_scalar

from ..exceptions import ConvergenceError, NumericalWarning, SpatialCCDError
from .design import Design
from .estimate import FitEstimate
from .logdet import five_point, stencil_step
from .likelihood import (ErrorMoments, LagMoments, Likelihood, error_hessian, error_information, lag_hessian,
                         lag_information)

BIAS_CORRECTIONS = (None, "lee-yu", "elhorst")
COV_TYPES = ("information", "hessian", "splm")
LAG_KINDS = ("sar", "sdm")
#: Why ``bias_correction="lee-yu"`` is refused with ``lag_convention="splm"`` (issue 19).
LEE_YU_SPLM = ("bias_correction='lee-yu' with {effects!r} effects needs lag_convention='exact'. Lee & Yu (2010) "
               "transform the model, F'(I_T ⊗ W)y, which for row-standardised W is the exact convention; "
               "lagging the demeaned data instead ((I_T ⊗ W)Qy, splm) leaves a part of the residual outside the "
               "transformed space, so Lee–Yu's sample size and Jacobian on splm's residuals is a hybrid that is "
               "the likelihood of no model and that no reference tool produces (with unit effects only the two "
               "conventions coincide and the combination is accepted)")
ERROR_KINDS = ("sem", "sdem")




def sample_sizes(effects: str, N: int, T: int, bias_correction) -> tuple[float, float, bool]:  # noqa: N803
    """(n, t_J, unit_root) for the likelihood: see the module docstring."""
    if bias_correction != "lee-yu":
        return float(N * T), float(T), False
    n = {"individual": N * (T - 1), "time": (N - 1) * T, "twoways": (N - 1) * (T - 1)}[effects]
    tj = T - 1 if effects in ("individual", "twoways") else T
    return float(n), float(tj), effects in ("time", "twoways")


def check_options(effects: str, bias_correction, cov_type: str, design: Design) -> None:
    if bias_correction not in BIAS_CORRECTIONS:
        raise SpatialCCDError(f"bias_correction must be one of {list(BIAS_CORRECTIONS)}, got {bias_correction!r}")
    if cov_type not in COV_TYPES:
        raise SpatialCCDError(f"cov_type must be one of {list(COV_TYPES)}, got {cov_type!r}")
    if bias_correction is not None and effects == "none":
        raise SpatialCCDError(f"bias_correction={bias_correction!r} applies to fixed-effects models; effects='none'")
    if bias_correction == "lee-yu" and design.lag_convention == "splm" and effects in ("time", "twoways"):
        raise SpatialCCDError(LEE_YU_SPLM.format(effects=effects))
    if bias_correction == "lee-yu" and effects in ("time", "twoways") and not design.row_stochastic:
        raise SpatialCCDError("bias_correction='lee-yu' with time effects needs a row-standardised W "
                         "(every row summing to 1): W has islands or is not row-standardised")
    if design.T < 2 and effects in ("individual", "twoways"):
        raise SpatialCCDError("unit fixed effects need at least 2 periods")


def maximise(objective, bounds: tuple[float, float], *, name: str, locate=None, widen=None) -> float:
    """Maximise a scalar concentrated log-likelihood on an open interval, to about 1e-10.

    1. Locate: an 81-point grid of ``locate`` (a cheap approximation of
       ``objective``; default ``objective`` itself) picks the best cell, guarding
       against local maxima.
    2. Newton from there on the *exact* ``objective``: r <- r - l'(r)/l''(r) with
       l', l'' central 5-point differences (step h = min(1e-3, d/256), d the
       distance to the nearest bound: :func:`~spatialccd.models.logdet.stencil_step`),
       kept inside the neighbouring cells, until a step is below 1e-7.  Rounding
       in l (about 1e-12*|l|) moves the score by only ~1e-12*|l|/h, so the root is
       found to about 1e-10; a value-only search cannot resolve the maximiser
       better than sqrt(rounding/|l''|), about 1e-8.
    3. Should Newton leave those cells or meet l'' >= 0 (the approximation
       misplaced the maximum, or l is not concave there): bounded Brent (Brent
       1973, ch. 5) on the exact objective in the cells, shifted while the maximum
       sits at an inner edge, to 1e-7, then the same Newton polish.

    ``widen()`` (optional) is called when the maximum sits at the lower bound; it
    returns wider bounds (a conservative lower bound replaced by the exact one) or
    None.  Raises :class:`~spatialccd.exceptions.ConvergenceError` when the
    maximum sits at a bound or the search fails.
    """
    lo, hi = bounds
    r = _locate_and_polish(objective, lo, hi, locate, name)
    if widen is not None and r - lo < 1e-6 * (hi - lo):
        wider = widen()
        if wider is not None and wider[0] < lo:
            return maximise(objective, wider, name=name, locate=locate)
    if min(r - lo, hi - r) < 1e-6 * (hi - lo):
        raise ConvergenceError(f"{name} = {r:.6g} is at the bound of its admissible interval ({lo:.4g}, {hi:.4g}); "
                               "the model is misspecified or W is unsuitable")
    return r


def _locate_and_polish(objective, lo: float, hi: float, locate, name: str) -> float:
    eps = 1e-8 * (hi - lo)
    grid = np.linspace(lo + eps, hi - eps, 81)
    vals = np.array([(locate or objective)(r) for r in grid])
    if not np.isfinite(vals).any():
        raise ConvergenceError(f"log-likelihood not finite anywhere on ({lo:.4g}, {hi:.4g}) for {name}")
    i = int(np.nanargmax(vals))
    cells = 1 if locate is None else 2
    a, b = grid[max(i - cells, 0)], grid[min(i + cells, len(grid) - 1)]
    r = _newton(objective, float(grid[i]), a, b, lo, hi)
    if r is not None:
        return r
    for _ in range(20):  # Newton left the bracket or met convexity: bracketed Brent, then Newton
        res = minimize_scalar(lambda r: -objective(r), bounds=(a, b), method="bounded",
                              options={"xatol": 1e-7, "maxiter": 500})
        if not res.success or not np.isfinite(res.fun):
            raise ConvergenceError(f"search for {name} did not converge: last {name}={res.x!r}, "
                                   f"log-likelihood={-res.fun!r}, message={res.message!r}")
        r, width = float(res.x), b - a
        if r - a < 1e-3 * width and a > grid[0]:        # the exact maximum lies below the bracket
            a, b = max(grid[0], a - width), a + 1e-2 * width
        elif b - r < 1e-3 * width and b < grid[-1]:     # ... or above it
            a, b = b - 1e-2 * width, min(grid[-1], b + width)
        else:
            break
    return _newton(objective, r, max(lo + eps, r - 1e-4), min(hi - eps, r + 1e-4), lo, hi) or r


def _newton(objective, r: float, a: float, b: float, lo: float, hi: float) -> float | None:
    """Newton r <- r - l'(r)/l''(r) on 5-point differences of the exact objective (see
    :func:`maximise`); None when a step leaves [a, b] or l'' >= 0 (then Brent takes over)."""
    for _ in range(8):
        h = stencil_step(r, lo, hi)
        g, H = five_point([objective(r + j * h) for j in (-2, -1, 0, 1, 2)], h)
        if not (np.isfinite(g) and np.isfinite(H) and H < 0):
            return None
        step = -g / H
        if not a <= r + step <= b:
            return None
        r += step
        if abs(step) < 1e-7:    # the error is now ~ |l'''/l''| * step**2, far below 1e-10
            return r
    return None


def maximise_concentrated(lik: Likelihood, ld, ssr, *, name: str) -> float:
    """Maximise l_c(rho) = lik.concentrated(ssr(rho), rho) by :func:`maximise`: located on the
    engine's cheap ``ld.locator()``, Newton-polished on exact values, a conservative lower
    bound widened by ``ld.widen_lower`` when the maximum sits there.  For any model whose
    concentrated likelihood is a :class:`~.likelihood.Likelihood` and a ``ssr(rho)``."""
    approx_ld = ld.locator()
    approx = Likelihood(lik.n, lik.tj, approx_ld)
    locate = None if approx_ld is ld else (lambda r: approx.concentrated(ssr(r), r))
    return maximise(lambda r: lik.concentrated(ssr(r), r), ld.bounds, name=name, locate=locate,
                    widen=ld.widen_lower)


def _cov(info_or_negH: np.ndarray, k: int, *, splm: bool = False) -> np.ndarray:
    try:
        cov = np.linalg.inv(info_or_negH)
    except np.linalg.LinAlgError as exc:
        raise SpatialCCDError("information matrix is singular: parameters are not identified") from exc
    if splm:  # splm zeroes the covariance between the spatial parameter and β
        cov[:k, k] = cov[k, :k] = 0.0
    return cov


def fit_lag(design: Design, ld, *, bias_correction, cov_type: str) -> FitEstimate:
    """Lag family (SAR, SDM): returns estimates, covariance of (β, ρ, σ²) and log-likelihood."""
    N, T = design.N, design.T
    ys, Z, wy = design.transformed()
    n, tj, unit_root = sample_sizes(design.effects, N, T, bias_correction)
    ld = ld.without_unit_root() if unit_root else ld
    lik = Likelihood(n, tj, ld)
    mom = LagMoments.from_arrays(ys, Z, wy)
    rho = maximise_concentrated(lik, ld, mom.ssr, name="rho")
    beta, sigma2 = mom.beta(rho), mom.ssr(rho) / n
    llf = lik.concentrated(mom.ssr(rho), rho)
    k = Z.shape[1]

    def information(b, r, s2, *, toolbox: bool = False):
        exact = design.lag_convention == "exact" and not toolbox
        return lag_information(Z, b, r, s2, lik, design.W, N, T, ld.traces(design.W, r),
                               transform=design.Q if exact else None)

    if bias_correction == "elhorst":  # the toolbox's shift uses its own information, H = (I⊗G)Z*β
        beta, rho, sigma2 = _elhorst(design.effects, N, T, beta, rho, sigma2,
                                     lambda b, r, s2: information(b, r, s2, toolbox=True))
    if cov_type == "hessian":
        cov = _cov(-lag_hessian(ys, Z, wy, beta, rho, sigma2, lik), k)
    else:
        cov = _cov(information(beta, rho, sigma2), k, splm=cov_type == "splm")
    resid = ys - rho * wy - Z @ beta
    return FitEstimate(beta=beta, spatial=rho, sigma2=sigma2, cov=cov, llf=llf, n=n, resid=resid, ys=ys, Z=Z)


def fit_error(design: Design, ld, *, bias_correction, cov_type: str) -> FitEstimate:
    """Error family (SEM, SDEM)."""
    N, T = design.N, design.T
    ys, Z, _ = design.transformed()
    Zraw = np.column_stack([design.X, design.WX]) if design.WX.size else design.X
    wy = design.lag_of_transformed(design.y, ys)
    WZ = design.lag_of_transformed(Zraw, Z)
    n, tj, unit_root = sample_sizes(design.effects, N, T, bias_correction)
    ld = ld.without_unit_root() if unit_root else ld
    lik = Likelihood(n, tj, ld)
    mom = ErrorMoments.from_arrays(ys, Z, wy, WZ)

    def conc(lam):
        return lik.concentrated(mom.beta_ssr(lam)[1], lam)

    lam = maximise_concentrated(lik, ld, lambda r: mom.beta_ssr(r)[1], name="lambda")
    beta, ssr = mom.beta_ssr(lam)
    sigma2, llf = ssr / n, conc(lam)
    k = Z.shape[1]

    def information(b, r, s2):
        return error_information(Z, WZ, r, s2, lik, ld.traces(design.W, r))

    if bias_correction == "elhorst":
        beta, lam, sigma2 = _elhorst(design.effects, N, T, beta, lam, sigma2, information)
    if cov_type == "hessian":
        cov = _cov(-error_hessian(ys, Z, wy, WZ, beta, lam, sigma2, lik), k)
    else:
        cov = _cov(information(beta, lam, sigma2), k, splm=cov_type == "splm")
    resid = (ys - lam * wy) - (Z - lam * WZ) @ beta
    return FitEstimate(beta=beta, spatial=lam, sigma2=sigma2, cov=cov, llf=llf, n=n, resid=resid, ys=ys, Z=Z)


def fit_ols(design: Design, *, bias_correction) -> FitEstimate:
    """SLX or the non-spatial within regression: OLS on the transformed [X, W·X].

    σ² for the covariance uses the degrees of freedom of the within regression
    (NT − k − N for unit effects, − T for time effects, − N − T + 1 for both),
    as plm does; the log-likelihood uses the ML σ² = e'e/n.
    """
    ys, Z, _ = design.transformed()
    N, T = design.N, design.T
    beta, *_ = np.linalg.lstsq(Z, ys, rcond=None)
    resid = ys - Z @ beta
    ssr = float(resid @ resid)
    n, _, _ = sample_sizes(design.effects, N, T, bias_correction)
    absorbed = {"none": 0, "individual": N, "time": T, "twoways": N + T - 1}[design.effects]
    df = N * T - Z.shape[1] - absorbed
    if df <= 0:
        raise SpatialCCDError(f"no residual degrees of freedom ({N * T} observations, {Z.shape[1]} regressors, "
                         f"{absorbed} fixed effects)")
    s2_df = ssr / df
    cov = s2_df * np.linalg.inv(Z.T @ Z)
    sigma2 = ssr / n
    llf = -n / 2 * (np.log(2 * np.pi * sigma2) + 1)
    return FitEstimate(beta=beta, spatial=None, sigma2=sigma2, cov=cov, llf=llf, n=n, resid=resid, ys=ys, Z=Z,
                       df_resid=df)


def _elhorst(effects: str, N: int, T: int, beta, rho, sigma2, information):  # noqa: N803
    if effects == "individual":
        return beta, rho, sigma2 * T / (T - 1)
    if effects == "time":
        return beta, rho, sigma2 * N / (N - 1)
    k = len(beta)
    parm = np.concatenate([beta, [rho, sigma2]])
    score_bias = np.concatenate([np.zeros(k), [1 / (1 - rho), 1 / (2 * sigma2)]])
    parm = parm + np.linalg.solve(information(beta, rho, sigma2) / (N * T), score_bias) / N
    if not np.isfinite(parm).all():
        warnings.warn("Elhorst bias correction produced non-finite values", NumericalWarning, stacklevel=3)
    return parm[:k], float(parm[k]), float(parm[k + 1]) * T / (T - 1)
