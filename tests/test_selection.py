"""Model-selection tests (issue 7): Wald/LR of SDM vs SAR/SEM, LR of fixed effects, Hausman, the
one-call chain, regional sub-samples, and a size check by simulation.

LR statistics are checked as 2(ℓu − ℓr) from fits validated against splm/Elhorst in
test_models_reference.py; Wald statistics against a brute-force version with a numerical
gradient; sizes by simulation on the 31-province contiguity.
"""
import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats
from scipy.sparse.linalg import splu

import spatialccd as sc
from spatialccd.models.fit import fit_error, fit_lag
from spatialccd.models.lmtests import design_lm_statistics
from spatialccd.models.logdet import logdet_for
from spatialccd.exceptions import HausmanWarning, NestingWarning, SmallRegionWarning
from spatialccd.hypotheses import InvalidTest
from spatialccd.models.regional import _restrict
from spatialccd.models.selection import common_factor, decide, wald_statistic
from spatialccd.report import recommendation
from spatialccd.models.simulate import simulate_sdm
from spatialccd.weights import IslandWarning

F = "lgsp ~ lpcap + lpc + lemp + unemp"
KW = dict(unit="state", time="year")


@pytest.fixture(scope="module")
def chain(produc):
    df, w = produc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HausmanWarning)
        return sc.specification_tests(df, F, w, **KW)


def row(table, group, test):
    return table[(table["group"] == group) & (table["test"] == test)].iloc[0]


def test_lr_statistics_are_twice_the_loglik_gap(chain, produc):
    df, w = produc
    t, m = chain.table, chain.models
    assert row(t, "SDM vs SAR", "LR").stat == pytest.approx(2 * (m["sdm"].llf - m["sar"].llf), rel=1e-12)
    assert row(t, "SDM vs SEM", "LR").stat == pytest.approx(2 * (m["sdm"].llf - m["sem"].llf), rel=1e-12)
    assert row(t, "SDM vs SAR", "LR").df == 4
    # the SAR entering the LR is the validated one: splm convention reproduces splm (test_models_reference)
    sar = sc.sar(df, F, w, effects="twoways", **KW)
    assert m["sar"].llf == pytest.approx(sar.llf, rel=1e-12)
    unit = row(t, "Fixed effects", "LR unit FE")
    assert unit.stat == pytest.approx(2 * (m["sdm_twoways"].llf - m["sdm_time"].llf), rel=1e-12)
    assert unit.df == 47 and row(t, "Fixed effects", "LR time FE").df == 16


def numerical_wald(res, g_fun):
    """Brute force: central-difference Jacobian of g, then g'(GVG')⁻¹g."""
    p, V = res.params.to_numpy(), res.cov_params().to_numpy()
    h = 1e-6
    G = np.column_stack([(g_fun(p + h * e) - g_fun(p - h * e)) / (2 * h) for e in np.eye(len(p))])
    g = g_fun(p)
    return g @ np.linalg.inv(G @ V @ G.T) @ g


def test_wald_matches_numerical_gradient(chain):
    sdm = chain.models["sdm"]
    names = list(sdm.params.index)
    b = [names.index(n) for n in ("lpcap", "lpc", "lemp", "unemp")]
    th = [names.index(f"W_{n}") for n in ("lpcap", "lpc", "lemp", "unemp")]
    r = names.index("rho")
    assert sc.wald_common_factor(sdm).stat == pytest.approx(
        numerical_wald(sdm, lambda p: p[th] + p[r] * p[b]), rel=1e-7)
    assert sc.wald_theta(sdm).stat == pytest.approx(numerical_wald(sdm, lambda p: p[th]), rel=1e-9)
    t = chain.table
    assert row(t, "SDM vs SEM", "Wald").stat == pytest.approx(sc.wald_common_factor(sdm).stat)


def test_lm_rows_of_chain_match_lm_tests(chain, produc):
    df, w = produc
    lm = sc.lm_tests(df, F, w, effects="time", **KW)
    got = chain.table[chain.table["group"] == "LM (time FE)"].set_index("test")["stat"]
    frame = lm.to_frame()
    np.testing.assert_allclose(got[frame.index], frame["stat"], rtol=1e-12)
    assert lm.lm_lag.stat == frame.loc["LM-lag", "stat"] and lm.lm_lag.dist == "chi2"
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning):  # the 0.1 DataFrame interface
        assert lm.loc["LM-lag", "statistic"] == lm.lm_lag.stat


def test_recommendation_and_presentation(chain):
    text = recommendation(chain)
    assert "spatial Durbin model (SDM) with two-way fixed effects is selected" in text
    assert "cannot be simplified to the SAR or the SEM" in text and "Hausman" in text
    assert "The models above were estimated with two-way fixed effects." in text
    assert chain.table.columns.tolist() == ["group", "test", "null", "stat", "df", "pvalue", "note"]
    assert len(chain.table) == 16 + 4 + 2 + 1
    s = str(chain)
    assert "Decision" in s and "LR unit FE" in s and "***" in s
    assert "<table" in chain._repr_html_() and "\\begin{tabular}" in chain.to_latex()
    zh = recommendation(chain, lang="zh")
    assert "空间杜宾模型" in zh and "双向固定效应" in zh and "selected" not in zh


def _with_pvalues(chain, changes):
    """The chain with some tests' p-values replaced (keys (group, test)), decision re-derived."""
    tests = {k: (dataclasses.replace(t, pvalue=changes[k]) if k in changes else t) for k, t in chain.tests.items()}
    return dataclasses.replace(chain, tests=tests, decision=decide(tests, effects=chain.effects, alpha=chain.alpha))


LMG = "LM (two-way FE)"


def test_decision_table_every_branch(chain):
    sar_ok = {("SDM vs SAR", "Wald"): 0.4, ("SDM vs SAR", "LR"): 0.4}
    sem_ok = {("SDM vs SEM", "Wald"): 0.4, ("SDM vs SEM", "LR"): 0.4}
    lag_only = {(LMG, "robust LM-lag"): 0.001, (LMG, "robust LM-error"): 0.3}
    err_only = {(LMG, "robust LM-lag"): 0.3, (LMG, "robust LM-error"): 0.001}
    neither = {(LMG, "robust LM-lag"): 0.3, (LMG, "robust LM-error"): 0.4}
    # SAR: theta = 0 admissible and the robust LM tests point to the lag model
    c = _with_pvalues(chain, {**sar_ok, **lag_only})
    assert c.decision.model == "sar"
    assert "spatial lag model (SAR) with two-way fixed effects is selected" in recommendation(c)
    # SEM likewise
    c = _with_pvalues(chain, {**sem_ok, **err_only})
    assert c.decision.model == "sem" and "spatial error model (SEM)" in recommendation(c)
    # both restrictions admissible, robust LM tests reject neither: SDM, and the words say exactly that
    c = _with_pvalues(chain, {**sar_ok, **sem_ok, **neither})
    text = recommendation(c)
    assert c.decision.model == "sdm" and c.decision.robust == "neither"
    assert "neither robust LM test rejects" in text and "point to different models" not in text
    # theta = 0 admissible but the robust tests point to the error model (whose restriction is rejected)
    c = _with_pvalues(chain, {**sar_ok, **err_only})
    assert c.decision.model == "sdm"
    assert "the robust LM tests point to the error model, whose restriction is rejected" in recommendation(c)
    # one of Wald/LR rejects
    c = _with_pvalues(chain, {("SDM vs SAR", "Wald"): 0.4})
    assert "is rejected by one of the two tests" in recommendation(c)
    # no LM test rejects
    c = _with_pvalues(chain, {(LMG, "LM-lag"): 0.5, (LMG, "LM-error"): 0.5})
    assert "neither LM test rejects" in recommendation(c)
    # random effects when Hausman does not reject
    c = _with_pvalues(chain, {**sar_ok, **lag_only, ("FE vs RE", "Hausman"): 0.5})
    assert "with random unit effects and time-period fixed effects" in recommendation(c)
    # LR tests support unit effects only while two-way was estimated: the text says both
    c = _with_pvalues(chain, {("Fixed effects", "LR time FE"): 0.5})
    text = recommendation(c)
    assert c.decision.effects == "individual" and c.decision.estimated == "twoways"
    assert ("estimated with two-way fixed effects; the LR tests support the model with unit (spatial) fixed "
            "effects") in text
    # an uncomputable Hausman test is said to be so
    tests = dict(chain.tests)
    tests[("FE vs RE", "Hausman")] = InvalidTest("Hausman", "FE = RE", "random-effects SDM not estimable")
    c = dataclasses.replace(chain, tests=tests, decision=decide(tests, effects="twoways", alpha=0.05))
    assert c.decision.hausman_rejects is None and "could not be computed" in recommendation(c)
    assert "n/a" in c.publication_table().loc[("FE vs RE", "Hausman"), "statistic"]


def test_hausman_guard_and_errors(chain):
    fe, re = chain.models["sdm_hausman"], chain.models["sdm_re"]
    assert fe.bias_correction == "lee-yu"
    h = row(chain.table, "FE vs RE", "Hausman")
    assert h.df <= 9 and h.stat > 0
    # a difference with a negative direction: swap the roles → guard warns, uses the positive part
    with pytest.warns(HausmanWarning, match="not positive definite"):
        swapped = sc.hausman(re, fe)
    assert 0 < swapped.df < 9 and "generalised inverse" in swapped.note
    invalid = sc.hausman(fe, fe)
    assert not invalid.valid and "no positive eigenvalue" in invalid.reason and np.isnan(invalid.pvalue)


def test_bad_input(chain, produc):
    df, w = produc
    with pytest.raises(ValueError, match="has no W·X terms"):
        sc.wald_theta(chain.models["sar"])
    with pytest.raises(ValueError, match="concerns an SDM"):
        sc.wald_common_factor(chain.models["sem"])
    partial = sc.sdm(df, F, w, durbin=["lpc"], **KW)
    with pytest.raises(ValueError, match="every regressor has a W·X term"):
        sc.wald_common_factor(partial)
    with pytest.raises(ValueError, match="pass df="):
        sc.lr_test(chain.models["sdm_twoways"], chain.models["sdm_time"])
    with pytest.raises(ValueError, match="expected a fit with effects"):
        sc.lr_fixed_effects(chain.models["sdm_time"], chain.models["sdm_individual"], chain.models["sdm_time"])
    with pytest.raises(ValueError, match="alpha"):
        sc.specification_tests(df, F, w, alpha=5, **KW)
    with pytest.warns(NestingWarning, match="not nested"):
        sc.lr_test(sc.sdm(df, F, w, lag_convention="splm", **KW), sc.sem(df, F, w, lag_convention="splm", **KW))


# --------------------------------------------------------------------------- size by simulation
@pytest.mark.slow
def test_size_under_each_null():
    """Rejection rates at 5 % on the 31-province W (N=31, T=10, two-way FE, 300 replications, X fixed).

    With the Lee–Yu correction (LM: Debarsy & Ertur 2010) every test is near its nominal size;
    the uncorrected (splm-form) LM-error over-rejects because σ̂² = e'e/NT ignores the N+T−1
    incidental effects and e'We/σ̂² is not centred.
    """
    g = sc.weights.contiguity()
    T, R = 10, 300
    df = simulate_sdm(g.sparse, T, rho=0.3, beta=[1.0, -0.5], theta=[0, 0], seed=0, unit_ids=list(g.unique_ids))

    def design(kind, **kw):
        return sc.SpatialPanelModel(df, "y ~ x1 + x2", g, unit="unit", kind=kind, **kw).design

    d_sdm, d_sar, d_ols = design("sdm"), design("sar"), design("slx", durbin=[])
    W, N, X, WX = d_sdm.W, d_sdm.N, d_sdm.X, d_sdm.WX
    ld = logdet_for(W)
    beta = np.array([1.0, -0.5])
    rng = np.random.default_rng(2024)
    mu, alpha = rng.standard_normal(N), rng.standard_normal(T)

    def draw(rho, theta):
        eta = X @ beta + WX @ theta + np.tile(mu, T) + np.repeat(alpha, N) + rng.standard_normal(N * T)
        lu = splu(sp.csc_matrix(sp.identity(N) - rho * W))
        return lu.solve(np.ascontiguousarray(eta.reshape(T, N).T)).T.ravel()

    def fit(fitter, d, y):
        return fitter(dataclasses.replace(d, y=y), ld, bias_correction="lee-yu", cov_type="information")

    c1, c2 = stats.chi2.ppf(0.95, 1), stats.chi2.ppf(0.95, 2)
    rej = dict.fromkeys(["LM-lag", "LM-error", "LM-error splm", "Wald theta", "LR theta", "Wald cf", "LR cf"], 0)
    for _ in range(R):
        y = draw(0.0, np.zeros(2))
        s = design_lm_statistics(dataclasses.replace(d_ols, y=y), bias_correction="lee-yu")
        rej["LM-lag"] += s.lm_lag > c1
        rej["LM-error"] += s.lm_error > c1
        rej["LM-error splm"] += design_lm_statistics(dataclasses.replace(d_ols, y=y)).lm_error > c1
        y = draw(0.3, np.zeros(2))
        u, r = fit(fit_lag, d_sdm, y), fit(fit_lag, d_sar, y)
        p, V = np.r_[u.beta, u.spatial], u.cov[:5, :5]
        rej["Wald theta"] += wald_statistic(p[2:4], np.eye(5)[2:4], V) > c2
        rej["LR theta"] += 2 * (u.llf - r.llf) > c2
        y = draw(0.3, -0.3 * beta)                      # θ = −ρβ: the SEM
        u, r = fit(fit_lag, d_sdm, y), fit(fit_error, d_sar, y)
        p, V = np.r_[u.beta, u.spatial], u.cov[:5, :5]
        gv, G = common_factor(p, np.array([0, 1]), np.array([2, 3]), 4)
        rej["Wald cf"] += wald_statistic(gv, G, V) > c2
        rej["LR cf"] += 2 * (u.llf - r.llf) > c2
    rates = {k: v / R for k, v in rej.items()}
    for k in ("LM-lag", "LM-error", "Wald theta", "LR theta", "Wald cf", "LR cf"):
        assert 0.02 <= rates[k] <= 0.085, (k, rates)
    assert rates["LM-error splm"] > rates["LM-error"] + 0.02, rates


# --------------------------------------------------------------------------- regional sub-samples
@pytest.fixture(scope="module")
def provinces_panel():
    g = sc.weights.contiguity()
    df = simulate_sdm(g.sparse, 8, rho=0.3, beta=[1.0, -0.5], theta=[0.5, 0.3], seed=11,
                      unit_ids=list(g.unique_ids)).rename(columns={"unit": "province"})
    return df, g


@pytest.mark.filterwarnings("ignore::spatialccd.weights.IslandWarning")  # Central splits: asserted below
def test_by_region_equals_separate_fits(provinces_panel):
    df, g = provinces_panel
    out = sc.by_region(sc.sdm, df, "y ~ x1 + x2", g)
    assert list(out.results) == ["All", "East", "Central", "West"]
    assert {r: len(u) for r, u in out.units.items()} == {"All": 31, "East": 11, "Central": 8, "West": 12}
    west = out.units["West"]
    direct = sc.sdm(df[df["province"].isin(west)], "y ~ x1 + x2", sc.weights.subset(g, west))
    np.testing.assert_allclose(out.results["West"].params, direct.params, rtol=1e-12)
    eff = direct.impacts(method="delta")
    assert out.table[("West", "estimate")][("total", "x1")] == pytest.approx(eff.total.loc["x1", "estimate"])
    assert out.dimensions.loc["West"].tolist() == [12, 8, 96]
    assert out.table[("All", "se")][("coefficient", "rho")] == pytest.approx(out.results["All"].bse["rho"])
    assert out.components["Central"] == 2  # Heilongjiang–Jilin are cut off from the rest of the Central belt
    text = str(out)
    assert "indirect: x2" in text and "unconnected parts" in text
    assert "\\begin{tabular}" in out.to_latex()


def test_by_region_reports_islands(provinces_panel):
    df, g = provinces_panel
    with pytest.warns(IslandWarning, match="kept isolated"):
        gk = sc.weights.contiguity(islands="keep")
    _, islands, ncomp = _restrict(gk, pd.Index(["44", "45", "46"]))
    assert islands == ["46"] and ncomp == 2
    regions = {u: ("South" if u in ("44", "45", "46", "43", "35", "36", "52", "53") else "Rest")
               for u in g.unique_ids}
    with pytest.warns(IslandWarning, match=r"'South'.*\['46'\]"):
        out = sc.by_region(sc.sar, df, "y ~ x1 + x2", gk, group=regions)
    assert out.islands == {"South": ["46"], "Rest": []} or out.islands == {"Rest": [], "South": ["46"]}


def test_by_region_small_regions(provinces_panel):
    """Seed 002 fits regional SDMs with fewer units than parameters: allowed (N·T limits, not N), warned."""
    df, g = provinces_panel
    few = {u: ("Small" if u in ("11", "12", "13", "14", "15") else "Large") for u in g.unique_ids}
    with pytest.warns(SmallRegionWarning, match=r"'Small' has only 5 units \(\['11', '12', '13', '14', '15'\]\)"):
        out = sc.by_region(sc.sdm, df, "y ~ x1 + x2", g, group=few, include_all=False)
    assert out.results["Small"].N == 5 and len(out.results["Small"].params) == 5
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning, match="group="):
        old = sc.by_region(sc.sdm, df, "y ~ x1 + x2", g, regions=few, include_all=False)
    np.testing.assert_allclose(old.results["Small"].params, out.results["Small"].params)


def test_by_region_bad_input(provinces_panel):
    df, g = provinces_panel
    one = {u: ("One" if u == "11" else "Rest") for u in g.unique_ids}
    with pytest.raises(ValueError, match="'One' has 1 unit"):
        sc.by_region(sc.sdm, df, "y ~ x1 + x2", g, group=one)
    with pytest.raises(ValueError, match="no region given"):
        sc.by_region(sc.sdm, df, "y ~ x1 + x2", g, group={"11": "A"})
    with pytest.raises(ValueError, match="neither"):
        sc.by_region(sc.sdm, df, "y ~ x1 + x2", g, group="belt")
