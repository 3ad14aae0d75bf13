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
5. A recommendation in the words papers use (Elhorst 2010's decision rule).

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

from ..exceptions import HausmanWarning
from .design import build_design
from .fit import ConvergenceError
from .lmtests import design_lm_statistics, lm_frame
from .random_effects import RandomEffectsModel
from .results import SpatialPanelResults
from .spec import SpatialPanelModel
from ..summary import Summary, SummaryMixin

EFFECT_LABELS = {"none": "pooled", "individual": "unit FE", "time": "time FE", "twoways": "two-way FE"}
MODEL_WORDS = {"sdm": "spatial Durbin model (SDM)", "sar": "spatial lag model (SAR)",
               "sem": "spatial error model (SEM)"}
EFFECT_WORDS = {"none": "without fixed effects", "individual": "with unit (spatial) fixed effects",
                "time": "with time-period fixed effects", "twoways": "with two-way fixed effects"}




@dataclass(frozen=True)
class HypothesisTest:
    """One χ² test: statistic, degrees of freedom and upper-tail p-value."""

    name: str
    null: str
    statistic: float
    df: int
    p_value: float
    note: str = ""

    @classmethod
    def chi2(cls, name: str, null: str, statistic: float, df: int, note: str = "") -> HypothesisTest:
        return cls(name, null, float(statistic), int(df), float(stats.chi2.sf(statistic, df)), note)


# --------------------------------------------------------------------------- numeric cores
def wald_statistic(g: np.ndarray, G: np.ndarray, V: np.ndarray) -> float:
    """Delta-method Wald statistic g'(G V G')⁻¹g for H0: g(ψ) = 0 with Jacobian G = ∂g/∂ψ'."""
    A = G @ V @ G.T
    try:
        return float(g @ np.linalg.solve(A, g))
    except np.linalg.LinAlgError as exc:
        raise ValueError("G V G' is singular: the restrictions are not linearly independent") from exc


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
        raise ValueError(f"the {res.kind.upper()} has no W·X terms: nothing to test (fit an SDM)")
    return np.array([labels.index(labels[i][2:]) for i in theta]), np.array(theta)


# --------------------------------------------------------------------------- tests on results
def wald_theta(res: SpatialPanelResults) -> HypothesisTest:
    """Wald test of H0: θ = 0 (SDM → SAR; SDEM → SEM): θ̂'V̂_θθ⁻¹θ̂ ~ χ²(#θ)."""
    _, theta_idx = _durbin_pairs(res)
    params, V = res.params.to_numpy(), res.cov_params.to_numpy()
    G = np.eye(len(params))[theta_idx]
    return HypothesisTest.chi2("Wald", "theta = 0", wald_statistic(params[theta_idx], G, V), len(theta_idx))


def wald_common_factor(res: SpatialPanelResults) -> HypothesisTest:
    """Wald test of H0: θ + ρβ = 0 (SDM → SEM) by the delta method: g'(GV̂G')⁻¹g ~ χ²(#θ)."""
    if res.kind != "sdm":
        raise ValueError(f"the common-factor hypothesis theta + rho*beta = 0 concerns an SDM, got {res.kind!r}")
    beta_idx, theta_idx = _durbin_pairs(res)
    _check_full_durbin(res, beta_idx)
    params = res.params.to_numpy()
    g, G = common_factor(params, beta_idx, theta_idx, list(res.params.index).index("rho"))
    return HypothesisTest.chi2("Wald", "theta + rho*beta = 0", wald_statistic(g, G, res.cov_params.to_numpy()),
                               len(theta_idx))


def _check_full_durbin(res: SpatialPanelResults, beta_idx: np.ndarray) -> None:
    labels = list(res.params.index)
    missing = [n for i, n in enumerate(labels) if n not in ("Intercept", "rho", "lambda") and not n.startswith("W_")
               and i not in set(beta_idx)]
    if missing:
        raise ValueError(f"the SEM is nested in the SDM only when every regressor has a W·X term; "
                         f"missing for {missing}")


def lr_test(unrestricted: SpatialPanelResults, restricted: SpatialPanelResults, *, df: int | None = None,
            null: str = "") -> HypothesisTest:
    """Likelihood-ratio test LR = 2(ℓ_unrestricted − ℓ_restricted) ~ χ²(df).

    ``df`` defaults to the difference in the number of parameters; pass it when
    the models differ by concentrated-out parameters (fixed effects).
    """
    for attr in ("nobs", "N", "T", "lag_convention"):
        a, b = getattr(unrestricted, attr), getattr(restricted, attr)
        if a != b:
            raise ValueError(f"models are not fitted to the same sample/convention: {attr} {a!r} vs {b!r}")
    if df is None:
        df = unrestricted.k_params - restricted.k_params
    if df <= 0:
        raise ValueError(f"df must be positive, got {df}: pass df= for models that differ by fixed effects")
    stat = 2 * (unrestricted.llf - restricted.llf)
    note = ""
    if (restricted.kind == "sem" and unrestricted.kind == "sdm" and unrestricted.lag_convention == "splm"
            and unrestricted.effects in ("time", "twoways")):
        note = "SEM not nested in SDM under lag_convention='splm' with time effects; LR approximate"
        warnings.warn(note, RuntimeWarning, stacklevel=2)
    if stat < -1e-6 * max(1.0, abs(unrestricted.llf)):
        note = note or "restricted model fits better: models not nested or an optimiser failed"
        warnings.warn(f"negative LR statistic {stat:.6g}: {note}", RuntimeWarning, stacklevel=2)
    return HypothesisTest.chi2("LR", null, max(stat, 0.0), df, note)


def lr_fixed_effects(twoways: SpatialPanelResults, individual: SpatialPanelResults,
                     time: SpatialPanelResults) -> tuple[HypothesisTest, HypothesisTest]:
    """LR tests of the joint significance of the unit and the time fixed effects (Elhorst 2014).

    unit effects: 2(ℓ_two-way − ℓ_time) ~ χ²(N − 1); time effects:
    2(ℓ_two-way − ℓ_unit) ~ χ²(T − 1).  The three fits must be the same model
    without bias correction (the corrections change the likelihood's n).
    """
    fits = {"twoways": twoways, "individual": individual, "time": time}
    for eff, r in fits.items():
        if r.effects != eff:
            raise ValueError(f"expected a fit with effects={eff!r}, got {r.effects!r}")
        if r.bias_correction is not None:
            raise ValueError("LR tests of the fixed effects need fits without bias correction")
    if len({r.kind for r in fits.values()}) != 1:
        raise ValueError("the three fits must be the same kind of model")
    unit = lr_test(twoways, time, df=twoways.N - 1, null="unit fixed effects jointly zero")
    per = lr_test(twoways, individual, df=twoways.T - 1, null="time fixed effects jointly zero")
    return (HypothesisTest(**{**unit.__dict__, "name": "LR unit FE"}),
            HypothesisTest(**{**per.__dict__, "name": "LR time FE"}))


def hausman(fe: SpatialPanelResults, re: SpatialPanelResults) -> HypothesisTest:
    """Hausman test of fixed vs random unit effects (see the module docstring for V̂_FE − V̂_RE).

    Compares the parameters both models estimate (the RE intercept is not in
    the FE model).  H0: the unit effects are uncorrelated with the regressors
    (random effects consistent and efficient); rejection favours fixed effects.
    """
    common = [n for n in fe.params.index if n in re.params.index]
    if not common:
        raise ValueError("the two models share no parameters")
    d = (fe.params[common] - re.params[common]).to_numpy()
    V = (fe.cov_params.loc[common, common] - re.cov_params.loc[common, common]).to_numpy()
    vals, vecs = np.linalg.eigh((V + V.T) / 2)
    pos = vals > 1e-10 * np.abs(vals).max()
    if not pos.any():
        raise ValueError("V_FE - V_RE has no positive eigenvalue: the Hausman test is undefined here")
    note = ""
    if not pos.all():
        note = (f"V_FE - V_RE not positive definite ({int((~pos).sum())} non-positive eigenvalue(s)); "
                f"generalised inverse on the positive part, df = {int(pos.sum())}")
        warnings.warn(note, HausmanWarning, stacklevel=2)
    proj = vecs[:, pos].T @ d
    return HypothesisTest.chi2("Hausman", "random effects consistent (FE = RE)", float(np.sum(proj ** 2 / vals[pos])),
                               int(pos.sum()), note)


# --------------------------------------------------------------------------- the chain
@dataclass(frozen=True)
class SpecificationTests(SummaryMixin):
    """Result of :func:`specification_tests`: the tidy ``table``, the fitted ``models`` and a ``recommendation``."""

    table: pd.DataFrame
    recommendation: str
    models: dict = field(repr=False)
    formula: str
    N: int
    T: int
    effects: str
    lag_convention: str
    alpha: float

    def publication_table(self) -> pd.DataFrame:
        """Statistic with significance stars (*** 1 %, ** 5 %, * 10 %), df and p-value, by group and test."""
        t = self.table.set_index("test")
        stars = pd.cut(t["p_value"], [-np.inf, 0.01, 0.05, 0.10, np.inf], labels=["***", "**", "*", ""])
        return pd.DataFrame({"group": t["group"], "H0": t["null"],
                             "statistic": t["statistic"].map(lambda v: f"{v:.3f}") + stars.astype(str),
                             "df": t["df"], "p-value": t["p_value"].map(lambda v: f"{v:.4f}")})

    def summary(self) -> Summary:
        facts = (("Formula", self.formula), ("N (units)", str(self.N)), ("T (periods)", str(self.T)),
                 ("Model effects", self.effects), ("Lag convention", self.lag_convention),
                 ("Significance level", f"{self.alpha:g}"))
        notes = ("*** p<0.01, ** p<0.05, * p<0.1. LM tests: Anselin et al. (1996), panel form as splm::slmtest; "
                 "Wald (delta method) and LR tests: Elhorst (2014, ch. 3); Hausman: Baltagi (2005, ch. 4.3).",
                 *[f"Note ({r.group}, {r.test}): {r.note}" for r in self.table.itertuples() if r.note],
                 "Recommendation: " + self.recommendation)
        return Summary("Specification tests for the spatial panel model", facts,
                       (("Tests", self.publication_table()),), notes)


def specification_tests(data, formula: str, w, *, unit: str = "province", time: str = "year",
                        effects: str = "twoways", lag_convention: str = "exact", durbin=None,
                        alpha: float = 0.05) -> SpecificationTests:
    """Run the specification chain of the module docstring in one call.

    LM tests are computed for all four effect specifications; the SDM/SAR/SEM
    comparisons and the Hausman test use ``effects`` (default two-way, as seed
    002); the fixed-effects LR tests compare the SDM with two-way, unit-only and
    time-only effects.  ``lag_convention="splm"`` reproduces ``splm::slmtest``
    (keep the default ``"exact"`` for the SEM/SDM LR test, see the module
    docstring).  Returns a :class:`SpecificationTests`.
    """
    if effects not in EFFECT_WORDS:
        raise ValueError(f"effects must be one of {list(EFFECT_WORDS)}, got {effects!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    kw = dict(unit=unit, time=time, lag_convention=lag_convention)
    rows: list[tuple[str, HypothesisTest]] = []
    lm = {}
    for eff in ("none", "individual", "time", "twoways"):
        design = build_design(data, formula, w, effects=eff, durbin=None, **kw)
        lm[eff] = lm_frame(design_lm_statistics(design))
        nulls = ("rho = 0", "lambda = 0", "rho = 0 (robust to lambda)", "lambda = 0 (robust to rho)")
        rows += [(f"LM ({EFFECT_LABELS[eff]})", HypothesisTest(name, h0, r.statistic, int(r.df), r.p_value))
                 for (name, r), h0 in zip(lm[eff].iterrows(), nulls)]

    def fit(kind: str, eff: str, bias_correction: str | None = None) -> SpatialPanelResults:
        return SpatialPanelModel(data, formula, w, kind=kind, effects=eff, durbin=durbin if kind == "sdm" else None,
                                 bias_correction=bias_correction, **kw).fit()

    models = {"sdm": fit("sdm", effects), "sar": fit("sar", effects), "sem": fit("sem", effects)}
    sdm = models["sdm"]
    rows += [("SDM vs SAR", wald_theta(sdm)), ("SDM vs SAR", lr_test(sdm, models["sar"], null="theta = 0")),
             ("SDM vs SEM", wald_common_factor(sdm)),
             ("SDM vs SEM", lr_test(sdm, models["sem"], null="theta + rho*beta = 0"))]
    fe = {eff: sdm if eff == effects else fit("sdm", eff) for eff in ("twoways", "individual", "time")}
    models.update({f"sdm_{eff}": r for eff, r in fe.items()})
    rows += [("Fixed effects", t) for t in lr_fixed_effects(fe["twoways"], fe["individual"], fe["time"])]
    if effects in ("individual", "twoways"):
        # Lee–Yu with time effects needs a row-standardised W (design of the last LM loop: same W)
        lee_yu = effects == "individual" or design.row_stochastic
        models["sdm_hausman"] = fit("sdm", effects, "lee-yu" if lee_yu else None)
        try:
            models["sdm_re"] = RandomEffectsModel(data, formula, w, kind="sdm", effects=effects, durbin=durbin,
                                                  **kw).fit()
            rows.append(("FE vs RE", hausman(models["sdm_hausman"], models["sdm_re"])))
        except ConvergenceError as exc:
            rows.append(("FE vs RE", HypothesisTest("Hausman", "random effects consistent (FE = RE)", np.nan, 0,
                                                    np.nan, f"random-effects SDM not estimable: {exc}")))
    table = pd.DataFrame([dict(group=g, test=t.name, null=t.null, statistic=t.statistic, df=t.df,
                               p_value=t.p_value, note=t.note) for g, t in rows])
    text = recommend(table, effects=effects, alpha=alpha)
    return SpecificationTests(table=table, recommendation=text, models=models, formula=formula, N=sdm.N, T=sdm.T,
                              effects=effects, lag_convention=lag_convention, alpha=alpha)


# --------------------------------------------------------------------------- the recommendation
def _p(p: float) -> str:
    return "p < 0.01" if p < 0.01 else f"p = {p:.3f}"


def _cite(row) -> str:
    return f"{row.test} = {row.statistic:.3f}, {_p(row.p_value)}"


def recommend(table: pd.DataFrame, *, effects: str, alpha: float = 0.05) -> str:
    """The decision rule of Elhorst (2010; 2014, ch. 3.5) in words, from a :func:`specification_tests` table.

    The SDM is simplified to the SAR only when neither the Wald nor the LR test
    rejects θ = 0 and the robust LM tests point to the lag model (robust LM-lag
    significant, robust LM-error not); to the SEM likewise for θ + ρβ = 0 and the
    error model; otherwise the SDM, which nests both, is retained.  Fixed
    effects: the LR tests decide unit and/or time effects; a Hausman rejection
    favours fixed over random effects.
    """
    def rows(group):
        return {r.test: r for r in table[table["group"] == group].itertuples()}

    lm = rows(f"LM ({EFFECT_LABELS[effects]})")
    sig = {k: r.p_value < alpha for k, r in lm.items()}
    pct = f"{100 * alpha:g}%"
    words = []
    if sig["LM-lag"] or sig["LM-error"]:
        which = [f"no spatially lagged dependent variable ({_cite(lm['LM-lag'])})"] if sig["LM-lag"] else []
        which += [f"no spatially autocorrelated error term ({_cite(lm['LM-error'])})"] if sig["LM-error"] else []
        words.append(f"For the non-spatial model with {EFFECT_LABELS[effects]}, the LM tests reject the hypothesis "
                     f"of {' and of '.join(which)} at the {pct} level, so a spatial model is needed.")
    else:
        words.append(f"For the non-spatial model with {EFFECT_LABELS[effects]}, neither LM test rejects the absence "
                     f"of spatial dependence at the {pct} level; the SDM tests below decide whether spatial terms "
                     "matter through the regressors.")
    robust = {"lag": sig["robust LM-lag"] and not sig["robust LM-error"],
              "error": sig["robust LM-error"] and not sig["robust LM-lag"]}
    words.append(f"The robust LM tests give {_cite(lm['robust LM-lag'])} and {_cite(lm['robust LM-error'])}.")
    sar, sem = rows("SDM vs SAR"), rows("SDM vs SEM")
    keep_sar = all(r.p_value >= alpha for r in sar.values())
    keep_sem = all(r.p_value >= alpha for r in sem.values())
    for name, tests, kept in (("SAR", sar, keep_sar), ("SEM", sem, keep_sem)):
        h0 = next(iter(tests.values())).null
        verdict = "cannot be rejected" if kept else ("is rejected" if all(r.p_value < alpha for r in tests.values())
                                                     else "is rejected by one of the two tests")
        words.append(f"H0: {h0} (SDM reduces to the {name}) {verdict} ({_cite(tests['Wald'])}; "
                     f"{_cite(tests['LR'])}).")
    if keep_sar and robust["lag"]:
        model, why = "sar", "theta = 0 cannot be rejected and the robust LM tests point to the spatial lag model"
    elif keep_sem and robust["error"]:
        model, why = "sem", "theta + rho*beta = 0 cannot be rejected and the robust LM tests point to the spatial error model"
    else:
        model = "sdm"
        why = ("the SDM cannot be simplified to the SAR or the SEM" if not (keep_sar or keep_sem) else
               "the Wald/LR tests and the robust LM tests point to different models, so the SDM, which nests both, "
               "is retained")
    fe = rows("Fixed effects")
    unit_sig, time_sig = fe["LR unit FE"].p_value < alpha, fe["LR time FE"].p_value < alpha
    chosen = {(True, True): "twoways", (True, False): "individual", (False, True): "time",
              (False, False): "none"}[(unit_sig, time_sig)]
    words.append(f"The LR tests {'reject' if unit_sig else 'do not reject'} the joint insignificance of the unit "
                 f"fixed effects ({_cite(fe['LR unit FE'])}) and {'reject' if time_sig else 'do not reject'} that of "
                 f"the time fixed effects ({_cite(fe['LR time FE'])}).")
    random = False
    haus = rows("FE vs RE").get("Hausman")
    if haus is not None and np.isfinite(haus.statistic):
        random = haus.p_value >= alpha and unit_sig
        words.append(f"The Hausman test {'does not reject' if random else 'rejects'} the random-effects "
                     f"specification ({_cite(haus)}).")
    if random:
        effect_words = "with random unit effects" + (" and time-period fixed effects" if time_sig else "")
    else:
        effect_words = EFFECT_WORDS[chosen]
    final = f"Therefore the {MODEL_WORDS[model]} {effect_words} is selected: {why}."
    if chosen != effects and not random:
        final += (f" (The model comparisons above used {EFFECT_LABELS[effects]}; re-run with "
                  f"effects={chosen!r}.)")
    words.append(final)
    return " ".join(words)
