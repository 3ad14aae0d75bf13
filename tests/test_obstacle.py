"""Obstacle degree model (issue 5; seed 003 formulas 11–12).  Examples worked by hand."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialccd.evaluation import UserWeights, evaluate
from spatialccd.obstacle import obstacle_degree, obstacle_summary, top_obstacles

SPEC = {"s1": {"k1": {"a": "+", "b": "+"}, "k2": {"c": "+"}}, "s2": {"d": "+"}}
WEIGHTS = UserWeights({"a": 0.25, "b": 0.25, "c": 0.5, "d": 1.0})
# already-standardised X' (standardise=None) for two provinces and two years
DATA = pd.DataFrame({"province": ["11", "12", "11", "12"], "year": [2020, 2020, 2021, 2021],
                     "a": [0.0, 0.5, 1.0, 0.0], "b": [1.0, 0.5, 1.0, 0.0],
                     "c": [0.5, 1.0, 1.0, 0.0], "d": [0.2, 1.0, 0.0, 0.5]})


@pytest.fixture
def ev():
    return evaluate(DATA, SPEC, standardise=None, weighting=WEIGHTS)


def test_indicator_obstacles_by_hand(ev):
    O = obstacle_degree(ev)
    # (2020, 11): s1 deviations·w = (1·0.25, 0·0.25, 0.5·0.5) = (0.25, 0, 0.25) → (0.5, 0, 0.5); s2: d alone → 1
    assert O.loc[(2020, "11")].tolist() == pytest.approx([0.5, 0.0, 0.5, 1.0])
    # (2020, 12): s1 (0.125, 0.125, 0) → (0.5, 0.5, 0); s2: d at its best, no obstacle → 0
    assert O.loc[(2020, "12")].tolist() == pytest.approx([0.5, 0.5, 0.0, 0.0])
    # (2021, 12): s1 (0.25, 0.25, 0.5) → (0.25, 0.25, 0.5)
    assert O.loc[(2021, "12")].tolist() == pytest.approx([0.25, 0.25, 0.5, 1.0])


def test_criterion_and_whole_system_obstacles(ev):
    crit = obstacle_degree(ev, level="criterion")
    assert list(crit.columns) == [("s1", "k1"), ("s1", "k2")]  # s2 has no criterion level
    assert crit.loc[(2020, "11")].tolist() == pytest.approx([0.5, 0.5])
    assert crit.loc[(2020, "12")].tolist() == pytest.approx([1.0, 0.0])
    # within="all", α = ½: weights (0.125, 0.125, 0.25, 0.5); (2020, 11) losses (0.125, 0, 0.125, 0.4) / 0.65
    every = obstacle_degree(ev, within="all")
    assert every.loc[(2020, "11")].tolist() == pytest.approx([0.125 / 0.65, 0, 0.125 / 0.65, 0.4 / 0.65])
    sub = obstacle_degree(ev, level="subsystem", within="all", alpha=[0.5, 0.5])
    assert sub.loc[(2020, "11")].tolist() == pytest.approx([0.25 / 0.65, 0.4 / 0.65])
    assert sub.loc[(2020, "12")].tolist() == pytest.approx([1.0, 0.0])


def test_top_obstacles_and_national_summary(ev):
    top = top_obstacles(ev, k=1)
    assert list(top.columns) == ["year", "province", "subsystem", "rank", "indicator", "obstacle"]
    first = top[(top.year == 2020) & (top.province == "11")]
    assert first["indicator"].tolist() == ["a", "d"]  # tie a = c = 0.5 keeps indicator order
    two = top_obstacles(ev, k=2)
    row = two[(two.year == 2020) & (two.province == "11") & (two.subsystem == "s1")]
    assert row["indicator"].tolist() == ["a", "c"] and row["rank"].tolist() == [1, 2]
    overall = top_obstacles(ev, k=1, within="all")
    assert overall.loc[(overall.year == 2020) & (overall.province == "11"), "indicator"].item() == "d"
    summary = obstacle_summary(ev)  # criterion level, mean over provinces per year (seed 003 表 5)
    assert summary.loc[2020].tolist() == pytest.approx([0.75, 0.25])
    assert summary.loc[2021].tolist() == pytest.approx([0.25, 0.25])
    assert summary.mean().tolist() == pytest.approx([0.5, 0.25])  # 均值 over the period


def test_obstacle_bad_input(ev):
    z = evaluate(DATA.assign(a=[1.0, 2.0, 3.0, 5.0]), SPEC, standardise="zscore", weighting=WEIGHTS)
    with pytest.raises(ValueError, match=r"\['a', 'b', 'c', 'd'\] have standardised values outside \[0, 1\]"):
        obstacle_degree(z)
    with pytest.raises(ValueError, match="unknown 'within'"):
        obstacle_degree(ev, within="criterion")
    with pytest.raises(ValueError, match="alpha applies to within='all' only"):
        obstacle_degree(ev, alpha=[0.5, 0.5])
    with pytest.raises(ValueError, match="k must be >= 1"):
        top_obstacles(ev, k=0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2 ** 32 - 1))
def test_obstacles_sum_to_one_within_each_subsystem(seed):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"province": ["11", "12", "13"] * 2, "year": [2020] * 3 + [2021] * 3,
                       **{c: rng.uniform(0, 10, 6) for c in "abcd"}})
    ev = evaluate(df, SPEC)  # range-standardised, entropy weights
    O = obstacle_degree(ev, level="subsystem")
    dev = 1 - ev.standardised
    for s, cols in (("s1", ["a", "b", "c"]), ("s2", ["d"])):
        has = (dev[cols] * ev.observation_weights[cols]).sum(axis=1) > 0
        assert O.loc[has, s].to_numpy() == pytest.approx(1.0)
        assert (O.loc[~has, s] == 0).all()
