"""Model selection for spatial panel models: Wald, LR and Hausman tests and the specification chain.

The chain applied papers run before reporting a spatial Durbin model (Elhorst
2014, *Spatial Econometrics*, ch. 3.5; Elhorst 2010, *Spatial Econ. Anal.*
5:9–28) is :func:`specification_tests`:

1. LM-lag, LM-error and robust LM tests on the non-spatial regression with
   pooled, unit, time and two-way effects (:mod:`.lmtests`; Anselin, Bera,
   Florax & Yoon 1996).
2. Wald and LR tests of H0: θ = 0 (the SDM reduces to the SAR) and
   H0: θ + ρβ = 0 (the SDM reduces to the SEM: y = λWy + Xβ − λWXβ + ε is the
   SEM y = Xβ + u, u = λWu + ε), the Wald ones by the delta method, the LR ones
   as 2(ℓ_SDM − ℓ_restricted) with the restricted model fitted (the SAR, and the
   SEM itself for the common-factor hypothesis).
3. LR tests of the joint significance of the unit and of the time fixed effects:
   2(ℓ_two-way − ℓ_time-only) ~ χ²(N−1) and 2(ℓ_two-way − ℓ_unit-only) ~ χ²(T−1)
   (Elhorst 2014, Table 3.1).  Valid because the within log-likelihood
   (direct approach, σ² = e'e/NT) is the profile likelihood of the model with
   the effects as parameters.
4. A Hausman test of fixed against random unit effects (Hausman 1978; Baltagi
   2005, *Econometric Analysis of Panel Data*, ch. 4.3):
   H = (b̂_FE − b̂_RE)'(V̂_FE − V̂_RE)⁻¹(b̂_FE − b̂_RE) over the parameters both
   models estimate (β of time-varying regressors, θ, ρ — as the Elhorst
   toolbox), V̂_FE the inverse information of the fixed-effects fit and V̂_RE the
   inverse observed information of the random-effects fit, each with its own σ̂².
   :func:`specification_tests` takes V̂_FE from the Lee–Yu corrected fit, whose
   σ̂² is consistent for fixed T (the direct σ̂² = e'e/NT is biased down by the
   factor (N−1)(T−1)/NT with two-way effects, which shrinks V̂_FE and makes the
   difference indefinite more often; on Produc two-way SDM 4 of 9 eigenvalues
   are then negative, against one (−0.6 % of the largest) and one numerically
   zero with the correction).
   The difference need not be positive definite in finite samples: then the
   test uses the eigen-decomposition restricted to the positive eigenvalues
   (a generalised inverse), takes df = their number and warns.
5. The decision of Elhorst (2010)'s rule (:func:`decide`, a :class:`Decision`); the words
   papers use are written by :func:`spatialccd.report.recommendation` in English or Chinese.

Nesting: the SEM is nested in the SDM exactly under the default
``lag_convention="exact"`` (both lag first and then transform).  Under
``"splm"`` with time or two-way effects the SEM lags the demeaned X while the
SDM's W·X is demeaned after lagging, so the two are not nested and the LR
statistic is only approximate (a warning says so).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._options import Effects, LagConvention, Units, check_option
from ..exceptions import ConvergenceError, HausmanWarning, NestingWarning, SpatialCCDError
from ..hypotheses import InvalidTest, TestStatistic
from ..summary import Summary, SummaryMixin
from .design import build_design
from .lmtests import design_lm_statistics, lm_statistics_tests
from .random_effects import RandomEffectsModel
from .results import SpatialPanelResults
from .spec import SpatialPanelModel

EFFECT_LABELS = {"none": "pooled", "individual": "unit FE", "time": "time FE", "twoways": "two-way FE"}
HAUSMAN_NULL = "random effects consistent (FE = RE)"




#: The 0.1 name of :class:`~spatialccd.hypotheses.TestStatistic` (same class).
HypothesisTest = TestStatistic


# --------------------------------------------------------------------------- numeric cores
def wald_statistic(g: np.ndarray, G: np.ndarray, V: np.ndarray) -> float:
    """Delta-method Wald statistic g'(G V G')⁻¹g for H0: g(ψ) = 0 with Jacobian G = ∂g/∂ψ'."""
    A = G @ V @ G.T
    try:
        return float(g @ np.linalg.solve(A, g))
    except np.linalg.LinAlgError as exc:
        raise SpatialCCDError("G V G' is singular: the restrictions are not linearly independent") from exc


def common_factor(params: np.ndarray, beta_idx: np.ndarray, theta_idx: np.ndarray,
                  rho_idx: int) -> tuple[np.ndarray, np.ndarray]:
    """g = θ + ρβ and its Jacobian: ∂g_r/∂θ_r = 1, ∂g_r/∂β_r = ρ, ∂g_r/∂ρ = β_r (Elhorst 2014, ch. 3)."""
    rho = params[rho_idx]
    g = params[theta_idx] + rho * params[beta_idx]
    q = len(theta_idx)
    G = np.zeros((q, len(params)))
    G[np.arange(q), theta_idx] = 1.0
    G[np.arange(q), beta_idx] = rho
    G[:, rho_idx] = params[beta_idx]
    return g, G


def _durbin_pairs(res: SpatialPanelResults) -> tuple[np.ndarray, np.ndarray]:
    labels = list(res.params.index)
    theta = [i for i, n in enumerate(labels) if n.startswith("W_") and n[2:] in labels]
    if not theta:
        raise SpatialCCDError(f"the {res.kind.upper()} has no W·X terms: nothing to test (fit an SDM)")
    return np.array([labels.index(labels[i][2:]) for i in theta]), np.array(theta)


# --------------------------------------------------------------------------- tests on results
def wald_theta(res: SpatialPanelResults) -> TestStatistic:
    """Wald test of H0: θ = 0 (SDM → SAR; SDEM → SEM): θ̂'V̂_θθ⁻¹θ̂ ~ χ²(#θ)."""
    _, theta_idx = _durbin_pairs(res)
    params, V = res.params.to_numpy(), res.cov_params().to_numpy()
    G = np.eye(len(params))[theta_idx]
    return TestStatistic.chi2("Wald", "theta = 0", wald_statistic(params[theta_idx], G, V), len(theta_idx))


def wald_common_factor(res: SpatialPanelResults) -> TestStatistic:
    """Wald test of H0: θ + ρβ = 0 (SDM → SEM) by the delta method: g'(GV̂G')⁻¹g ~ χ²(#θ)."""
    if res.kind != "sdm":
        raise SpatialCCDError(f"the common-factor hypothesis theta + rho*beta = 0 concerns an SDM, got {res.kind!r}")
    beta_idx, theta_idx = _durbin_pairs(res)
    _check_full_durbin(res, beta_idx)
    params = res.params.to_numpy()
    g, G = common_factor(params, beta_idx, theta_idx, list(res.params.index).index("rho"))
    return TestStatistic.chi2("Wald", "theta + rho*beta = 0", wald_statistic(g, G, res.cov_params().to_numpy()),
                               len(theta_idx))


def _check_full_durbin(res: SpatialPanelResults, beta_idx: np.ndarray) -> None:
    labels, in_beta = list(res.params.index), set(beta_idx)
    missing = [n for i, n in enumerate(labels) if n not in ("Intercept", "rho", "lambda") and not n.startswith("W_")
               and i not in in_beta]
    if missing:
        raise SpatialCCDError(f"the SEM is nested in the SDM only when every regressor has a W·X term; "
                         f"missing for {missing}")


def lr_test(unrestricted: SpatialPanelResults, restricted: SpatialPanelResults, *, df: int | None = None,
            null: str = "") -> TestStatistic:
    """Likelihood-ratio test LR = 2(ℓ_unrestricted − ℓ_restricted) ~ χ²(df).

    ``df`` defaults to the difference in the number of parameters; pass it when
    the models differ by concentrated-out parameters (fixed effects).
    """
    for attr in ("nobs", "N", "T", "lag_convention"):
        a, b = getattr(unrestricted, attr), getattr(restricted, attr)
        if a != b:
            raise SpatialCCDError(f"models are not fitted to the same sample/convention: {attr} {a!r} vs {b!r}")
    if df is None:
        df = unrestricted.k_params - restricted.k_params
    if df <= 0:
        raise SpatialCCDError(f"df must be positive, got {df}: pass df= for models that differ by fixed effects")
    stat = 2 * (unrestricted.llf - restricted.llf)
    note = ""
    if (restricted.kind == "sem" and unrestricted.kind == "sdm" and unrestricted.lag_convention == "splm"
            and unrestricted.effects in ("time", "twoways")):
        note = "SEM not nested in SDM under lag_convention='splm' with time effects; LR approximate"
        warnings.warn(note, NestingWarning, stacklevel=2)
    if stat < -1e-6 * max(1.0, abs(unrestricted.llf)):
        note = note or "restricted model fits better: models not nested or an optimiser failed"
        warnings.warn(f"negative LR statistic {stat:.6g}: {note}", NestingWarning, stacklevel=2)
    return TestStatistic.chi2("LR", null, max(stat, 0.0), df, note)


def lr_fixed_effects(twoways: SpatialPanelResults, individual: SpatialPanelResults,
                     time: SpatialPanelResults) -> tuple[TestStatistic, TestStatistic]:
    """LR tests of the joint significance of the unit and the time fixed effects (Elhorst 2014).

    unit effects: 2(ℓ_two-way − ℓ_time) ~ χ²(N − 1); time effects:
    2(ℓ_two-way − ℓ_unit) ~ χ²(T − 1).  The three fits must be the same model
    without bias correction (the corrections change the likelihood's n).
    """
    fits = {"twoways": twoways, "individual": individual, "time": time}
    for eff, r in fits.items():
        if r.effects != eff:
            raise SpatialCCDError(f"expected a fit with effects={eff!r}, got {r.effects!r}")
        if r.bias_correction is not None:
            raise SpatialCCDError("LR tests of the fixed effects need fits without bias correction")
    if len({r.kind for r in fits.values()}) != 1:
        raise SpatialCCDError("the three fits must be the same kind of model")
    unit = lr_test(twoways, time, df=twoways.N - 1, null="unit fixed effects jointly zero")
    per = lr_test(twoways, individual, df=twoways.T - 1, null="time fixed effects jointly zero")
    return unit.renamed("LR unit FE"), per.renamed("LR time FE")


def hausman(fe: SpatialPanelResults, re: SpatialPanelResults) -> TestStatistic | InvalidTest:
    """Hausman test of fixed vs random unit effects (see the module docstring for V̂_FE − V̂_RE).

    Compares the parameters both models estimate (the RE intercept is not in
    the FE model).  H0: the unit effects are uncorrelated with the regressors
    (random effects consistent and efficient); rejection favours fixed effects.
    When V̂_FE − V̂_RE has no positive eigenvalue the test is undefined and an
    :class:`~spatialccd.hypotheses.InvalidTest` with that reason is returned.
    """
    common = [n for n in fe.params.index if n in re.params.index]
    if not common:
        raise SpatialCCDError("the two models share no parameters")
    d = (fe.params[common] - re.params[common]).to_numpy()
    V = (fe.cov_params().loc[common, common] - re.cov_params().loc[common, common]).to_numpy()
    vals, vecs = np.linalg.eigh((V + V.T) / 2)
    pos = vals > 1e-10 * np.abs(vals).max()
    if not pos.any():
        return InvalidTest("Hausman", HAUSMAN_NULL, "V_FE - V_RE has no positive eigenvalue: the Hausman test is "
                           "undefined here")
    note = ""
    if not pos.all():
        note = (f"V_FE - V_RE not positive definite ({int((~pos).sum())} non-positive eigenvalue(s)); "
                f"generalised inverse on the positive part, df = {int(pos.sum())}")
        warnings.warn(note, HausmanWarning, stacklevel=2)
    proj = vecs[:, pos].T @ d
    return TestStatistic.chi2("Hausman", HAUSMAN_NULL, float(np.sum(proj ** 2 / vals[pos])), int(pos.sum()), note)


# --------------------------------------------------------------------------- the chain
@dataclass(frozen=True)
class Decision:
    """What Elhorst's (2010; 2014, ch. 3.5) decision rule concludes from the chain.

    ``model`` ∈ {"sdm", "sar", "sem"} and ``effects`` ∈ {"none", "individual",
    "time", "twoways"} (the effects the LR tests support; ``random`` when the
    Hausman test does not reject random unit effects).  The flags say why:
    ``lm_lag``/``lm_error`` (LM tests of the non-spatial model reject),
    ``robust`` ("lag", "error", "both" or "neither": which robust LM tests
    reject), ``sar_rejected``/``sem_rejected`` ("both", "one" or "none" of the
    Wald and LR tests reject the restriction), ``unit_effects``/``time_effects``
    (LR tests reject their joint insignificance), ``hausman_rejects`` (None when
    no Hausman test was computed) and ``estimated`` (the effects the chain's
    models used).  The decision table:

    ======================  ======================  =================
    θ = 0 (SAR)             θ + ρβ = 0 (SEM)        model
    ======================  ======================  =================
    not rejected, robust    any                     SAR
    LM points to lag
    any                     not rejected, robust    SEM
                            LM points to error
    otherwise                                       SDM
    ======================  ======================  =================
    """

    model: str
    effects: str
    random: bool
    estimated: str
    lm_lag: bool
    lm_error: bool
    robust: str
    sar_rejected: str
    sem_rejected: str
    unit_effects: bool
    time_effects: bool
    hausman_rejects: bool | None
    alpha: float


def _rejections(tests, alpha: float) -> str:
    n = sum(t.pvalue < alpha for t in tests)
    return "both" if n == len(tests) else ("none" if n == 0 else "one")


def decide(tests: dict[tuple[str, str], TestStatistic | InvalidTest], *, effects: str, alpha: float) -> Decision:
    """Apply the decision table of :class:`Decision` to the chain's tests, keyed (group, test name)."""
    lm = {name: t for (group, name), t in tests.items() if group == f"LM ({EFFECT_LABELS[effects]})"}
    sig = {k: t.pvalue < alpha for k, t in lm.items()}
    robust = {(True, True): "both", (True, False): "lag", (False, True): "error", (False, False): "neither"}[
        (sig["robust LM-lag"], sig["robust LM-error"])]
    sar = _rejections([tests[("SDM vs SAR", "Wald")], tests[("SDM vs SAR", "LR")]], alpha)
    sem = _rejections([tests[("SDM vs SEM", "Wald")], tests[("SDM vs SEM", "LR")]], alpha)
    if sar == "none" and robust == "lag":
        model = "sar"
    elif sem == "none" and robust == "error":
        model = "sem"
    else:
        model = "sdm"
    unit_sig = tests[("Fixed effects", "LR unit FE")].pvalue < alpha
    time_sig = tests[("Fixed effects", "LR time FE")].pvalue < alpha
    chosen = {(True, True): "twoways", (True, False): "individual", (False, True): "time",
              (False, False): "none"}[(unit_sig, time_sig)]
    haus = tests.get(("FE vs RE", "Hausman"))
    rejects = None if haus is None or not haus.valid else bool(haus.pvalue < alpha)
    return Decision(model=model, effects=chosen, random=rejects is False and unit_sig, estimated=effects,
                    lm_lag=sig["LM-lag"], lm_error=sig["LM-error"], robust=robust, sar_rejected=sar,
                    sem_rejected=sem, unit_effects=unit_sig, time_effects=time_sig, hausman_rejects=rejects,
                    alpha=alpha)


@dataclass(frozen=True)
class SpecificationTests(SummaryMixin):
    """Result of :func:`specification_tests`: every test, the fitted ``models`` and the :class:`Decision`.

    ``tests`` maps (group, test name) to a :class:`~spatialccd.hypotheses.TestStatistic`
    (or :class:`~spatialccd.hypotheses.InvalidTest`); :attr:`table` is the tidy frame
    (group, test, null, stat, df, pvalue, note).  The recommendation in words is
    :func:`spatialccd.report.recommendation` (English or Chinese).
    """

    tests: dict = field(repr=False)
    decision: Decision
    models: dict = field(repr=False)
    formula: str
    N: int
    T: int
    effects: str
    lag_convention: str
    alpha: float

    @property
    def table(self) -> pd.DataFrame:
        """One row per test: group, test, null, stat, df, pvalue, note."""
        return pd.DataFrame([dict(group=g, test=t.name, null=t.null, stat=t.stat, df=t.df, pvalue=t.pvalue,
                                  note=t.note) for (g, _), t in self.tests.items()])

    def to_frame(self) -> pd.DataFrame:
        """The tidy table of every test (same as :attr:`table`)."""
        return self.table

    def publication_table(self) -> pd.DataFrame:
        """Statistic with significance stars (*** 1 %, ** 5 %, * 10 %), df and p-value, by group and test."""
        from .._format import stars

        rows = []
        for (group, name), t in self.tests.items():
            ok = t.valid
            rows.append({"group": group, "test": name, "H0": t.null,
                         "statistic": f"{t.stat:.3f}{stars(t.pvalue)}" if ok else "n/a",
                         "df": f"{t.df:g}" if ok else "", "p-value": f"{t.pvalue:.4f}" if ok else ""})
        return pd.DataFrame(rows).set_index(["group", "test"])

    def summary(self) -> Summary:
        d = self.decision
        chosen = f"{d.model.upper()}, " + ("random unit effects" if d.random else EFFECT_LABELS[d.effects])
        facts = (("Formula", self.formula), ("N (units)", str(self.N)), ("T (periods)", str(self.T)),
                 ("Model effects", self.effects), ("Lag convention", self.lag_convention),
                 ("Significance level", f"{self.alpha:g}"), ("Decision", chosen))
        notes = ("*** p<0.01, ** p<0.05, * p<0.1. LM tests: Anselin et al. (1996), panel form as splm::slmtest; "
                 "Wald (delta method) and LR tests: Elhorst (2014, ch. 3); Hausman: Baltagi (2005, ch. 4.3).",
                 *[f"Note ({g}, {t.name}): {t.note}" for (g, _), t in self.tests.items() if t.note])
        return Summary("Specification tests for the spatial panel model", facts,
                       (("Tests", self.publication_table()),), notes)


def specification_tests(data, formula: str, w, *, unit: str = "province", time: str = "year",
                        effects: Effects = "twoways", lag_convention: LagConvention = "exact", durbin=None,
                        alpha: float = 0.05, units: Units = "auto") -> SpecificationTests:
    """Run the specification chain of the module docstring in one call.

    LM tests are computed for all four effect specifications; the SDM/SAR/SEM
    comparisons and the Hausman test use ``effects`` (default two-way, as seed
    002); the fixed-effects LR tests compare the SDM with two-way, unit-only and
    time-only effects.  ``lag_convention="splm"`` reproduces ``splm::slmtest``
    (keep the default ``"exact"`` for the SEM/SDM LR test, see the module
    docstring).  ``data`` may be a :class:`~spatialccd.PanelData` (built once,
    reused by every model of the chain).  Returns a :class:`SpecificationTests`.
    """
    from ..panel import PanelData

    effects = check_option("effects", effects)
    if not 0 < alpha < 1:
        raise SpatialCCDError(f"alpha must be in (0, 1), got {alpha}")
    panel = data if isinstance(data, PanelData) else PanelData(data, unit=unit, time=time, units=units)
    kw = dict(unit=unit, time=time, lag_convention=lag_convention)
    tests: dict = {}
    nulls = ("rho = 0", "lambda = 0", "rho = 0 (robust to lambda)", "lambda = 0 (robust to rho)")
    for eff in ("none", "individual", "time", "twoways"):
        design = build_design(panel, formula, w, effects=eff, durbin=None, **kw)
        group = f"LM ({EFFECT_LABELS[eff]})"
        for t, h0 in zip(lm_statistics_tests(design_lm_statistics(design)), nulls):
            tests[(group, t.name)] = TestStatistic(t.name, h0, t.stat, t.df, t.pvalue)

    def fit(kind: str, eff: str, bias_correction: str | None = None) -> SpatialPanelResults:
        return SpatialPanelModel(panel, formula, w, kind=kind, effects=eff, durbin=durbin if kind == "sdm" else None,
                                 bias_correction=bias_correction, **kw).fit()

    models = {"sdm": fit("sdm", effects), "sar": fit("sar", effects), "sem": fit("sem", effects)}
    sdm = models["sdm"]
    tests[("SDM vs SAR", "Wald")] = wald_theta(sdm)
    tests[("SDM vs SAR", "LR")] = lr_test(sdm, models["sar"], null="theta = 0")
    tests[("SDM vs SEM", "Wald")] = wald_common_factor(sdm)
    tests[("SDM vs SEM", "LR")] = lr_test(sdm, models["sem"], null="theta + rho*beta = 0")
    fe = {eff: sdm if eff == effects else fit("sdm", eff) for eff in ("twoways", "individual", "time")}
    models.update({f"sdm_{eff}": r for eff, r in fe.items()})
    for t in lr_fixed_effects(fe["twoways"], fe["individual"], fe["time"]):
        tests[("Fixed effects", t.name)] = t
    if effects in ("individual", "twoways"):
        # Lee–Yu with time effects needs a row-standardised W (design of the last LM loop: same W)
        lee_yu = lag_convention == "exact" and (effects == "individual" or design.row_stochastic)
        models["sdm_hausman"] = fit("sdm", effects, "lee-yu" if lee_yu else None)
        try:
            models["sdm_re"] = RandomEffectsModel(panel, formula, w, kind="sdm", effects=effects, durbin=durbin,
                                                  **kw).fit()
            tests[("FE vs RE", "Hausman")] = hausman(models["sdm_hausman"], models["sdm_re"])
        except ConvergenceError as exc:
            tests[("FE vs RE", "Hausman")] = InvalidTest("Hausman", HAUSMAN_NULL,
                                                         f"random-effects SDM not estimable: {exc}")
    return SpecificationTests(tests=tests, decision=decide(tests, effects=effects, alpha=alpha), models=models,
                              formula=formula, N=sdm.N, T=sdm.T, effects=effects, lag_convention=lag_convention,
                              alpha=alpha)
