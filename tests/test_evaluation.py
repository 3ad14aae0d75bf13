"""Indicator systems, standardisation and weights (issue 5).

References: seeds 001/003 formulas 1–7 (range standardisation, entropy weights, composite
scores); Diakoulaki et al. (1995) for CRITIC.  Small examples are worked by hand in comments.
"""
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from spatialccd import province_code
from spatialccd.evaluation import (CombinedWeights, CRITICWeights, CVWeights, EntropyWeights, IndexSystem,
                                   RangeStandardiser, UserWeights, ZScoreStandardiser, evaluate)

SPEC = {"health": {"supply": {"beds": "+", "doctors": {"direction": "+", "unit": "per 1000"}},
                   "insurance": {"expenditure": "-"}},
        "economy": {"gdp_pc": "+", "growth": "正"}}


def panel(seed=0, provinces=("北京", "Tianjin", "13", "山西省"), years=(2020, 2021, 2022)):
    rng = np.random.default_rng(seed)
    rows = [{"province": p, "year": y, **{c: rng.uniform(1, 10) for c in ("beds", "doctors", "expenditure",
                                                                            "gdp_pc", "growth")}}
            for p in provinces for y in years]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Index system
def test_index_system_from_dict_toml_and_frame_agree():
    a = IndexSystem.from_dict(SPEC)
    toml = """
    [health.supply]
    beds = "+"
    doctors = { direction = "+", unit = "per 1000" }
    [health.insurance]
    expenditure = "-"
    [economy]
    gdp_pc = "+"
    growth = "正"
    """
    b = IndexSystem.from_toml(toml)
    c = IndexSystem.from_frame(a.table().reset_index())
    for other in (b, c):
        pd.testing.assert_frame_equal(a.table(), other.table())
    assert a.subsystems == ["health", "economy"]
    assert a.directions == {"beds": 1, "doctors": 1, "expenditure": -1, "gdp_pc": 1, "growth": 1}
    assert a.table().loc["doctors", "unit"] == "per 1000"
    assert pd.isna(a.table().loc["gdp_pc", "criterion"])


def test_index_system_validation():
    with pytest.raises(ValueError, match=r"duplicate indicator\(s\) \['beds'\]"):
        IndexSystem.from_dict({"a": {"beds": "+"}, "b": {"beds": "-"}})
    with pytest.raises(ValueError, match="indicator 'beds' has no valid direction"):
        IndexSystem.from_dict({"a": {"beds": None}})
    with pytest.raises(ValueError, match=r"indicator 'beds' \(criterion 'k'\) has no direction"):
        IndexSystem.from_dict({"a": {"k": {"beds": {"unit": "张"}}}})
    with pytest.raises(ValueError, match="indicator 'x' has no valid direction"):
        IndexSystem.from_frame(pd.DataFrame({"indicator": ["x"], "subsystem": ["s"], "direction": ["up"]}))
    with pytest.raises(ValueError, match="mixes indicators with and without a criterion"):
        IndexSystem.from_dict({"a": {"k": {"x": "+"}, "y": "-"}})
    with pytest.raises(ValueError, match=r"indicator column\(s\) \['growth'\] not found"):
        evaluate(panel().drop(columns="growth"), SPEC)


# --------------------------------------------------------------------------------------------
# Standardisation
def test_range_standardisation_by_hand():
    X = pd.DataFrame({"pos": [2.0, 4.0, 6.0], "neg": [2.0, 4.0, 6.0]})
    d = {"pos": 1, "neg": -1}
    out = RangeStandardiser(directions=d).fit_transform(X)
    assert out["pos"].tolist() == [0.0, 0.5, 1.0]  # (x − 2)/(6 − 2)
    assert out["neg"].tolist() == [1.0, 0.5, 0.0]  # (6 − x)/(6 − 2)
    spss = RangeStandardiser(directions=d, shift=(0.01, 0.99)).fit_transform(X)
    assert spss["pos"].tolist() == pytest.approx([0.01, 0.5, 0.99])
    eps = RangeStandardiser(directions=d, shift=1e-4).fit_transform(X)
    assert eps["neg"].tolist() == pytest.approx([1.0, 0.50005, 1e-4])
    # fitted on the pooled rows, applied to one year: same min/max
    fitted = RangeStandardiser(directions=d).fit(X)
    assert fitted.transform(X.iloc[[1]])["pos"].tolist() == [0.5]
    z = ZScoreStandardiser(directions=d).fit_transform(X)  # mean 4, sd 2
    assert z["pos"].tolist() == [-1.0, 0.0, 1.0] and z["neg"].tolist() == [1.0, 0.0, -1.0]
    with pytest.raises(ValueError, match="0 <= a < b <= 1"):
        RangeStandardiser(shift=(0.5, 0.2))


finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=3, max_size=12, unique=True), st.floats(1e-2, 1e2), finite)
def test_range_scores_invariant_to_positive_affine_maps(x, a, b):
    # an identity of exact arithmetic: the spread must survive the map in floating point (x = [0, 3e-81,
    # 2e-87] with b = 1 becomes three equal values), i.e. stay far above the rounding of a·x + b
    v = np.asarray(x)
    assume(a * np.ptp(v) > 1e-6 * (abs(b) + a * np.abs(v).max()))
    X = pd.DataFrame({"v": x})
    base = RangeStandardiser().fit_transform(X)
    moved = RangeStandardiser().fit_transform(a * X + b)
    assert np.allclose(base, moved, atol=1e-9)
    # a negative map is the same indicator read in the opposite direction
    flipped = RangeStandardiser(directions={"v": -1}).fit_transform(-a * X + b)
    assert np.allclose(base, flipped, atol=1e-9)


# --------------------------------------------------------------------------------------------
# Weights
def test_entropy_weights_by_hand():
    X = pd.DataFrame({"u": [0.0, 0.5, 1.0], "v": [0.0, 1.0, 1.0]})
    w = EntropyWeights().fit(X)
    # u: p = (0, 1/3, 2/3), e = −(1/ln 3)(⅓ln⅓ + ⅔ln⅔) = 0.636514/1.098612 = 0.579380, d = 0.420620
    # v: p = (0, ½, ½),     e = ln 2/ln 3 = 0.630930,                         d = 0.369070
    # w = d/Σd = 0.420620/0.789690 = (0.532639, 0.467361); 0·ln 0 = 0
    assert w.entropy_.tolist() == pytest.approx([0.579380, 0.630930], abs=1e-6)
    assert w.weights_.tolist() == pytest.approx([0.532639, 0.467361], abs=1e-6)
    # composite score U = Σ w X'
    assert w.transform(X)["score"].tolist() == pytest.approx([0, 0.5 * 0.532639 + 0.467361, 1.0], abs=1e-6)


def test_critic_and_cv_weights_by_hand():
    X = pd.DataFrame({"u": [0.0, 0.5, 1.0], "v": [1.0, 0.0, 0.0]})
    # σ_u = 0.5, σ_v = 0.577350, r = −0.866025; C_u = 0.5·1.866025 = 0.933013, C_v = 1.077350
    assert CRITICWeights().fit(X).weights_.tolist() == pytest.approx([0.464102, 0.535898], abs=1e-6)
    Y = pd.DataFrame({"u": [1.0, 2.0, 3.0], "v": [2.0, 2.0, 5.0]})
    # CV_u = 1/2 = 0.5, CV_v = √3/3 = 0.577350 → the same weights as above
    assert CVWeights().fit(Y).weights_.tolist() == pytest.approx([0.464102, 0.535898], abs=1e-6)


def test_user_and_combined_weights_by_hand():
    X = pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0], "c": [0.2, 0.4]})
    groups = {"a": "s1", "b": "s1", "c": "s2"}
    user = UserWeights({"a": 0.1, "b": 0.3, "c": 0.6}).fit(X, groups=groups)
    assert user.weights_.tolist() == pytest.approx([0.25, 0.75, 1.0])  # rescaled within subsystem
    s, o = UserWeights({"a": 1, "b": 3, "c": 1}), UserWeights({"a": 1, "b": 1, "c": 1})
    # multiplicative: (0.25·0.5, 0.75·0.5)/0.5 = (0.25, 0.75); linear β = 0.5: (0.375, 0.625)
    mult = CombinedWeights(s, o).fit(X, groups=groups).weights_
    lin = CombinedWeights(s, o, rule="linear", beta=0.5).fit(X, groups=groups).weights_
    assert mult.tolist() == pytest.approx([0.25, 0.75, 1.0])
    assert lin.tolist() == pytest.approx([0.375, 0.625, 1.0])
    with pytest.raises(ValueError, match=r"no user weight for indicator\(s\) \['c'\]"):
        UserWeights({"a": 1, "b": 1}).fit(X)
    with pytest.raises(ValueError, match="unknown combination rule"):
        CombinedWeights(s, o, rule="geometric")


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 15), st.integers(2, 6), st.integers(0, 2 ** 32 - 1),
       st.sampled_from([EntropyWeights, CRITICWeights, CVWeights]))
def test_weights_sum_to_one_per_subsystem(m, k, seed, scheme):
    X = pd.DataFrame(np.random.default_rng(seed).uniform(0.01, 1, (m, k)), columns=[f"x{j}" for j in range(k)])
    groups = {c: "A" if j % 2 else "B" for j, c in enumerate(X.columns)}
    w = scheme().fit(X, groups=groups).weights_
    assert (w >= 0).all()
    assert w.groupby(pd.Series(groups)).sum().tolist() == pytest.approx([1.0, 1.0])


def test_constant_indicator_warns_and_gets_zero_weight():
    df = panel().assign(growth=3.0)
    with pytest.warns(UserWarning) as record:
        ev = evaluate(df, SPEC)
    messages = [str(w.message) for w in record]
    assert any(re.search(r"\['growth'\] are constant.*standardised to the lowest score", m) for m in messages)
    assert any(re.search(r"\['growth'\] are constant.*weight is 0", m) for m in messages)
    assert ev.weights.loc["growth", "weight"] == 0
    assert ev.weights.loc["gdp_pc", "weight"] == pytest.approx(1.0)


def test_bad_inputs_name_the_culprit():
    df = panel()
    df.loc[(df.province == "Tianjin") & (df.year == 2021), "beds"] = np.nan
    with pytest.raises(ValueError, match=r"\('12', 2021, 'beds'\)"):
        evaluate(df, SPEC)
    with pytest.raises(ValueError, match=r"\['beds'.*negative standardised values"):
        evaluate(panel(), SPEC, standardise="zscore")
    with pytest.raises(ValueError, match="unknown weighting scheme 'ahp'"):
        evaluate(panel(), SPEC, weighting="ahp")
    with pytest.raises(ValueError, match="unknown standardisation 'minmax'"):
        evaluate(panel(), SPEC, standardise="minmax")
    with pytest.raises(ValueError, match=r"\(2, 'v'\)"):
        EntropyWeights().fit(pd.DataFrame({"v": [0.1, 0.2, np.inf]}))


# --------------------------------------------------------------------------------------------
# The pipeline
def test_evaluate_pooled_pipeline():
    df = panel()
    before = df.copy()
    ev = evaluate(df, SPEC)
    pd.testing.assert_frame_equal(df, before)  # never modified
    assert list(ev.scores.columns) == ["health", "economy"]
    assert ev.scores.index.names == ["year", "province"]
    # pooled: min/max over all 12 rows, m = 12 in k = 1/ln m; weights reproduce the scores
    X = df.assign(province=df.province.map(province_code)).set_index(["year", "province"]).sort_index()
    std = RangeStandardiser(directions=IndexSystem.from_dict(SPEC).directions).fit_transform(
        X[["beds", "doctors", "expenditure", "gdp_pc", "growth"]])
    w = EntropyWeights().fit(std[["beds", "doctors", "expenditure"]]).weights_
    assert ev.weights.loc[["beds", "doctors", "expenditure"], "weight"].tolist() == pytest.approx(w.tolist())
    health = (std[["beds", "doctors", "expenditure"]] * w).sum(axis=1)
    pd.testing.assert_series_equal(ev.scores["health"], health, check_names=False)
    assert ev.weights.groupby("subsystem")["weight"].sum().tolist() == pytest.approx([1.0, 1.0])
    cw = ev.criterion_weights["weight"]
    assert cw[("health", "supply")] == pytest.approx(w["beds"] + w["doctors"])
    assert ev.criterion_scores[("health", "insurance")].to_numpy() == pytest.approx(
        (std["expenditure"] * w["expenditure"]).to_numpy())
    assert ((ev.scores >= 0) & (ev.scores <= 1)).all().all()


def test_pooled_and_per_year_agree_on_one_year():
    df = panel(years=(2021,))
    a, b = evaluate(df, SPEC), evaluate(df, SPEC, per_year=True)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert a.weights["weight"].tolist() == pytest.approx(b.weights["weight"].tolist())


def test_per_year_weights_differ_by_year_and_warnings_name_the_year():
    df = panel()
    df.loc[df.year == 2021, "growth"] = 5.0
    with pytest.warns(UserWarning, match=r"year 2021: indicator\(s\) \['growth'\]"):
        ev = evaluate(df, SPEC, per_year=True)
    assert ev.weights.loc[(2021, "growth"), "weight"] == 0
    assert ev.weights.loc[(2020, "growth"), "weight"] > 0
    assert ev.observation_weights.loc[(2021, "11"), "growth"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluate(panel(), SPEC, per_year=False)


def test_evaluation_summary_and_frame():
    """Issue 14: Evaluation has summary() (Summary), _repr_html_ and to_frame()."""
    from spatialccd.summary import Summary

    ev = evaluate(panel(), SPEC)
    s = ev.summary()
    assert isinstance(s, Summary) and s.title == "Comprehensive evaluation"
    facts = dict(s.facts)
    assert facts["Indicators"] == "5" and facts["Units"] == "4" and facts["Periods"] == "3"
    assert facts["Subsystems"] == "health, economy" and facts["Weights"] == "pooled over all periods"
    weights, means = s.tables[0][1], s.tables[1][1]
    assert weights.loc["expenditure", "direction"] == "−" and weights["weight"].sum() == pytest.approx(2.0)
    pd.testing.assert_frame_equal(means, ev.scores.groupby(level=0).mean())
    assert "Indicator weights" in ev._repr_html_() and "Comprehensive evaluation" in str(ev)
    f = ev.to_frame()
    assert list(f.columns) == ["health", "economy", "beds", "doctors", "expenditure", "gdp_pc", "growth"]
    pd.testing.assert_frame_equal(f[["health", "economy"]], ev.scores, check_names=False)
    yearly = evaluate(panel(), SPEC, per_year=True).summary()
    assert dict(yearly.facts)["Weights"] == "per year" and "different scales" in yearly.notes[0]
