"""Geographical detector (spatialccd.detector): a hand-worked example, the published identities
(Wang & Xu 2017: q in [0, 1], q = 1 / q = 0 cases, the five interaction types), reference numbers
of PyPI py-geodetector 0.2.1 (``GeoDetector.factor_detector`` / ``interaction_detector``, which
reproduce the authors' R package geodetector), scipy's Welch test and the F ratio of SSWs."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialccd.detector import discretise, factor_q, geodetector
from spatialccd.exceptions import DataError, SpatialCCDError


def test_hand_worked_factor_detector():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "a": list("aaabbb")})
    r = geodetector(df, "y", ["a"])
    row = r.factor.loc["a"]
    # SST = 17.5, SSW = 2 + 2 -> q = 1 - 4/17.5; F = (6-2)/(2-1) q/(1-q) = 13.5
    assert row.q == pytest.approx(1 - 4 / 17.5, abs=1e-15)
    assert row.F == pytest.approx(13.5, rel=1e-14)
    # lambda = (2² + 5² - (√3·2 + √3·5)²/6) / s², s² = 3.5
    assert row["lambda"] == pytest.approx(4.5 / 3.5, rel=1e-14)
    assert row.pvalue == pytest.approx(stats.ncf.sf(13.5, 1, 4, 4.5 / 3.5), rel=1e-12)
    assert row.p_central == pytest.approx(stats.f.sf(13.5, 1, 4), rel=1e-12)
    assert r.tests["a"].dist == "F" and r.tests["a"].df_denom == 4


def test_identities_of_q():
    y = np.array([1.0, 1, 5, 5, 9, 9])
    assert factor_q(y, [0, 0, 1, 1, 2, 2]) == 1.0  # Y constant within strata
    assert factor_q(np.array([1.0, 3, 1, 3]), [0, 0, 1, 1]) == 0.0  # equal stratum means
    rng = np.random.default_rng(0)
    for _ in range(20):
        v, c = rng.normal(size=30), rng.integers(0, 4, 30)
        assert 0 <= factor_q(v, c) <= 1


def test_interaction_types_independent_and_nonlinear():
    a = np.repeat([0, 1], 4)
    b = np.tile([0, 1], 4)
    additive = pd.DataFrame({"y": 1.0 + 2 * a + 3 * b, "a": a.astype(str), "b": b.astype(str)})
    r = geodetector(additive, "y", ["a", "b"])
    assert r.interaction.loc[0, "q12"] == pytest.approx(1.0)
    assert r.interaction.loc[0, "q1"] + r.interaction.loc[0, "q2"] == pytest.approx(1.0)
    assert r.interaction.loc[0, "type"] == "independent"
    xor = additive.assign(y=(a ^ b).astype(float))
    r = geodetector(xor, "y", ["a", "b"])
    assert (r.factor["q"] == 0).all() and r.interaction.loc[0, "q12"] == pytest.approx(1.0)
    assert r.interaction.loc[0, "type"] == "nonlinear-enhance" and r.interaction.loc[0, "type_zh"] == "非线性增强"


def _reference_data():
    n = 40
    i = np.arange(n)
    y = np.array([1.0, 2.2, 3.1])[i % 3] + 0.4 * np.sin(1.7 * i) + 0.1 * ((i // 3) % 4)
    return pd.DataFrame({"y": y, "a": (i % 3).astype(str), "b": ((i // 3) % 4).astype(str)})


def test_matches_py_geodetector():
    r = geodetector(_reference_data(), "y", ["a", "b"])
    # py-geodetector 0.2.1: GeoDetector(df, "y", ["a", "b"]).factor_detector(), .interaction_detector("a", "b")
    assert r.factor.loc["a", "q"] == pytest.approx(0.9009458199687981, rel=1e-12)
    assert r.factor.loc["b", "q"] == pytest.approx(0.01862323331737359, rel=1e-10)
    assert r.factor.loc["a", "pvalue"] == pytest.approx(3.028674192821897e-16, rel=1e-4)
    assert r.factor.loc["b", "pvalue"] == pytest.approx(0.8902261853980221, rel=1e-10)
    assert r.interaction.loc[0, "q12"] == pytest.approx(0.9202095264097565, rel=1e-12)
    assert r.interaction.loc[0, "q12"] >= r.factor["q"].max()  # crossing refines both partitions


def test_risk_and_ecological_detectors():
    df = _reference_data()
    r = geodetector(df, "y", ["a", "b"])
    t = r.risk["a"]["tests"]
    g = [df.y[df.a == s].to_numpy() for s in ("0", "1", "2")]
    ref = stats.ttest_ind(g[0], g[1], equal_var=False)
    assert t.loc[0, "t"] == pytest.approx(ref.statistic, rel=1e-12)
    assert t.loc[0, "pvalue"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert r.risk["a"]["means"]["mean"].tolist() == pytest.approx([x.mean() for x in g])
    ssw = [sum(((df.y[df[f] == s] - df.y[df[f] == s].mean()) ** 2).sum() for s in df[f].unique()) for f in "ab"]
    e = r.ecological.iloc[0]
    assert e.F == pytest.approx(ssw[0] / ssw[1], rel=1e-12)
    assert e.pvalue == pytest.approx(2 * min(stats.f.cdf(e.F, 39, 39), stats.f.sf(e.F, 39, 39)), rel=1e-12)
    assert r.ecological_matrix().loc["a", "b"] == ("Y" if e.significant else "N")


def test_single_unit_stratum_risk_note():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4, 10], "a": list("aabbc")})
    tests = geodetector(df, "y", ["a"]).risk["a"]["tests"]
    assert math.isnan(tests.loc[2, "t"]) and "one unit" in tests.loc[2, "note"]


def test_discretisation_methods():
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100])
    codes, breaks = discretise(x, method="equal", k=3)
    assert breaks.size == 1 and codes.tolist() == [0] * 9 + [1]  # the empty middle class is dropped
    codes, breaks = discretise(x, method="quantile", k=5)
    assert np.bincount(codes).tolist() == [2] * 5
    codes, breaks = discretise(x, method="geometric", k=2)
    assert breaks[0] == pytest.approx(10.0) and codes.tolist() == [0] * 9 + [1]
    codes, _ = discretise(x, method="natural", k=2)
    assert codes.tolist() == [0] * 9 + [1]
    with pytest.raises(DataError, match="positive"):
        discretise(x - 5, method="geometric", k=3)
    with pytest.raises(SpatialCCDError, match="method"):
        discretise(x, method="jenks")


def test_optimal_discretisation_picks_the_largest_q():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 10, 80)
    df = pd.DataFrame({"x": x, "y": np.sin(x) + rng.normal(0, 0.2, 80)})
    r = geodetector(df, "y", ["x"], optimise=True, k_range=range(3, 7))
    best = r.search.loc[r.search["q"].idxmax()]
    assert r.factor.loc["x", "q"] == pytest.approx(best.q)
    assert (r.factor.loc["x", "method"], r.factor.loc["x", "k"]) == (best.method, best.k)
    assert set(r.search["method"]) == {"equal", "quantile", "natural", "geometric"}


def test_errors_and_display():
    df = _reference_data()
    with pytest.raises(DataError, match="not found"):
        geodetector(df, "y", ["zz"])
    with pytest.raises(DataError, match="missing"):
        geodetector(df.assign(y=df.y.where(df.index != 3)), "y", ["a"])
    with pytest.raises(SpatialCCDError, match="distinct"):
        geodetector(df, "y", ["a", "a"])
    r = geodetector(df, "y", ["a", "b"])
    assert "Geographical detector" in str(r) and "<table" in r._repr_html_()
    assert r.interaction_matrix().loc["a", "a"] == pytest.approx(r.factor.loc["a", "q"])


def test_detector_plot():
    from spatialccd.plots.detector import detector_plot

    fig = detector_plot(geodetector(_reference_data(), "y", ["a", "b"]), lang="en")
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "Factor detector"
