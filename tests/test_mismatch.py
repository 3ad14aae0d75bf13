"""Ideal allocation, health distance and mismatch levels (issue 9, seed 004).

Seed 004 publishes no input data, so its numbers cannot be reproduced; the
tests use small allocations whose optimum is derived by hand in the comments.
"""
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans

from spatialccd import (SEED004_THRESHOLDS, allocation_gini, classify_mismatch, health_distance,
                        ideal_allocation, mismatch, province_table)

UNITS = ["a", "b", "c", "d"]
# the hand-worked 4-unit examples are deliberately below the n ≥ 3(m+s) rule of thumb
pytestmark = pytest.mark.filterwarnings("ignore:only 4 units:UserWarning")


def lorenz_gini(resource, demand):
    """Seed 004 formula 6 with the trapezoid corrected: 1 − Σ (X_i − X_{i−1})(Y_i + Y_{i−1})."""
    order = np.argsort(np.asarray(resource) / np.asarray(demand))
    X = np.r_[0, np.cumsum(np.asarray(demand, float)[order]) / np.sum(demand)]
    Y = np.r_[0, np.cumsum(np.asarray(resource, float)[order]) / np.sum(resource)]
    return 1 - np.sum(np.diff(X) * (Y[1:] + Y[:-1]))


def test_allocation_gini_by_hand_and_lorenz():
    # equal demand, resource 1:3 → Lorenz points (.5, .25), (1, 1): G = 1 − (.5·.25 + .5·1.25) = 0.25
    assert allocation_gini([1, 3], [5, 5]) == pytest.approx(0.25)
    assert allocation_gini([2, 4, 6], [1, 2, 3]) == pytest.approx(0)
    rng = np.random.default_rng(3)
    r, d = rng.uniform(1, 9, 31), rng.uniform(1, 9, 31)
    assert allocation_gini(r, d) == pytest.approx(lorenz_gini(r, d))


def one_resource(p, y, demand=(1, 1, 1, 1)):
    return (pd.DataFrame({"doctors": p}, index=UNITS), pd.DataFrame({"pop": demand}, index=UNITS),
            pd.DataFrame({"visits": y}, index=UNITS))


def test_ideal_is_demand_proportional_when_requirements_are_slack():
    # Same output for all, so the BCC requirement of every unit is the best-practice 1 doctor:
    # shares 1/10 ≤ demand shares 1/4, so the fairest allocation (G = 0) is 10/4 each.
    res, dem, out = one_resource([1, 2, 3, 4], [1, 1, 1, 1])
    before = res.copy()
    a = ideal_allocation(res, dem, out)
    pd.testing.assert_frame_equal(res, before)
    np.testing.assert_allclose(a.ideal["doctors"], 2.5, atol=1e-6)
    np.testing.assert_allclose(a.efficient_requirement["doctors"], 1, atol=1e-7)
    np.testing.assert_allclose(a.efficiency, [1, 1 / 2, 1 / 3, 1 / 4], atol=1e-8)
    assert a.gini_ideal.iloc[0, 0] == pytest.approx(0, abs=1e-7)
    # HD with one indicator (w = 1): |1 − 2.5|/2.5, |2 − 2.5|/2.5, …
    hd = health_distance(res, a.ideal, [1.0])
    np.testing.assert_allclose(hd, [0.6, 0.2, 0.2, 0.6], atol=1e-6)


def test_efficient_requirement_binds():
    # BCC frontier (0.5, 1)–(7, 7): requirements 0.5, 0.5, 0.5, 7 of a total 10.  Unit d must keep 7
    # (share .7 > its demand share .25); the remaining 3 go equally to a–c (the Gini terms with d
    # do not depend on the split, those among a–c vanish only when equal): ideal (1, 1, 1, 7).
    res, dem, out = one_resource([0.5, 1, 1.5, 7], [1, 1, 1, 7])
    a = ideal_allocation(res, dem, out)
    np.testing.assert_allclose(a.ideal["doctors"], [1, 1, 1, 7], atol=1e-6)
    np.testing.assert_allclose(a.efficient_requirement["doctors"], [0.5, 0.5, 0.5, 7], atol=1e-7)
    np.testing.assert_allclose(health_distance(res, a.ideal, {"doctors": 1}), [0.5, 0, 0.5, 0], atol=1e-6)
    # a larger national total is exhausted too
    big = ideal_allocation(res, dem, out, totals={"doctors": 14})
    np.testing.assert_allclose(big.ideal["doctors"], [7 / 3] * 3 + [7], atol=1e-6)


def test_properties_several_resources_and_demands():
    rng = np.random.default_rng(7)
    n = 31
    dem = pd.DataFrame({"pop": rng.uniform(1, 10, n), "visits": rng.uniform(1, 10, n)})
    res = pd.DataFrame({"beds": dem["pop"] * rng.uniform(.5, 1.5, n), "doctors": dem["pop"] * rng.uniform(.5, 1.5, n)})
    out = pd.DataFrame({"services": res.sum(axis=1) * rng.uniform(.5, 1.5, n)})
    a = ideal_allocation(res, dem, out)
    np.testing.assert_allclose(a.ideal.sum(), res.sum())                       # national totals kept
    assert (a.ideal.to_numpy() >= a.efficient_requirement.to_numpy() - 1e-7).all()
    # the observed allocation is feasible, so the optimum can only lower the summed Gini
    assert a.gini_ideal.to_numpy().sum() <= a.gini_actual.to_numpy().sum() + 1e-9
    pop = dem[["pop"]]
    bounded = ideal_allocation(res, pop, out, demand_bounds=(0.5, 3.0))
    relative = bounded.ideal.div(bounded.totals).to_numpy() / (pop / pop.sum()).to_numpy()
    assert relative.min() >= 0.5 - 1e-7 and relative.max() <= 3.0 + 1e-7


def test_infeasible_allocation_explains_constraint():
    res, dem, out = one_resource([0.5, 1, 1.5, 7], [1, 1, 1, 7])
    with pytest.raises(ValueError, match=r"national total of 'doctors'.*efficient requirements"):
        ideal_allocation(res, dem, out, totals=[5])
    with pytest.raises(ValueError, match=r"exceeds the upper demand bound for units \['d'\]"):
        ideal_allocation(res, dem, out, demand_bounds=(0, 2))
    with pytest.raises(ValueError, match=r"upper bound from another for units"):
        ideal_allocation(res, pd.DataFrame({"p": [1, 1, 1, 1], "q": [1, 1, 1, 20]}, index=UNITS), out,
                         demand_bounds=(0.9, 1.1))
    with pytest.raises(ValueError, match=r"'b', 'doctors', 0\.0"):
        ideal_allocation(*one_resource([1, 0, 1, 1], [1, 1, 1, 1]))


def test_health_distance_bad_input():
    p = pd.DataFrame({"x": [1.0, 2.0], "z": [3.0, 4.0]})
    q = pd.DataFrame({"x": [2.0, 2.0], "z": [3.0, 2.0]})
    # unit 0: .3·|1−2|/2 = .15; unit 1: .7·|4−2|/2 = .7
    np.testing.assert_allclose(health_distance(p, q, {"x": .3, "z": .7}), [0.15, 0.7])
    with pytest.raises(ValueError, match="summing to 1"):
        health_distance(p, q, [0.5, 0.6])
    with pytest.raises(ValueError, match=r"no weight for indicator\(s\) \['z'\]"):
        health_distance(p, q, {"x": 1.0})
    with pytest.raises(ValueError, match=r"ideal.*\(1, 'z', 0\.0\)"):
        health_distance(p, q.assign(z=[3.0, 0.0]), [0.5, 0.5])


def test_kmeans_levels_ordered_seeded_and_consistent():
    rng = np.random.default_rng(11)
    hd = pd.Series(np.r_[rng.normal(.2, .02, 20), rng.normal(.4, .02, 20), rng.normal(.55, .02, 20),
                         rng.normal(.67, .01, 20), rng.normal(.85, .03, 20)], name="HD")
    lv = classify_mismatch(hd, seed=1)
    assert lv.thresholds == classify_mismatch(hd, seed=1).thresholds
    assert len(lv.thresholds) == 4 and np.all(np.diff(lv.thresholds) > 0)
    np.testing.assert_allclose(lv.thresholds, (np.array(lv.centres[:-1]) + np.array(lv.centres[1:])) / 2)
    assert list(lv.levels.cat.categories) == ["high matching", "moderate matching", "mild matching",
                                              "moderate mismatch", "severe mismatch"]
    assert lv.levels.cat.ordered and lv.levels.iloc[0] < lv.levels.iloc[-1]
    # every value carries the level of its (ordered) K-means cluster
    km = KMeans(n_clusters=5, n_init=10, random_state=1).fit(hd.to_numpy()[:, None])
    rank = np.argsort(np.argsort(km.cluster_centers_.ravel()))
    np.testing.assert_array_equal(lv.code.to_numpy(), rank[km.labels_] + 1)


def test_user_thresholds_seed004():
    lv = classify_mismatch([0.193, 0.355, 0.5, 0.7, 0.904], thresholds=SEED004_THRESHOLDS)
    assert list(lv.levels) == ["high matching", "moderate matching", "mild matching", "moderate mismatch",
                               "severe mismatch"]
    assert lv.thresholds == SEED004_THRESHOLDS and lv.centres is None
    with pytest.raises(ValueError, match="increasing"):
        classify_mismatch([0.1, 0.2], thresholds=(0.5, 0.3))
    with pytest.raises(ValueError, match="distinct values"):
        classify_mismatch([0.1, 0.1, 0.2])


def test_mismatch_panel_tidy_result():
    rng = np.random.default_rng(5)
    names = province_table()["name_zh"].tolist()
    rows = []
    for year in (2011, 2012, 2013):
        pop = rng.uniform(3, 100, 31)
        rows += [{"province": nm, "year": year, "pop": pop[i], "beds": pop[i] * rng.uniform(.5, 1.5),
                  "doctors": pop[i] * rng.uniform(.5, 1.5), "visits": pop[i] * rng.uniform(.5, 1.5)}
                 for i, nm in enumerate(names)]
    df = pd.DataFrame(rows)
    before = df.copy()
    r = mismatch(df, resources=["beds", "doctors"], demand=["pop"], outputs=["visits"],
                 weights={"beds": 0.5, "doctors": 0.5}, seed=0)
    pd.testing.assert_frame_equal(df, before)
    f = r.frame
    assert list(f.columns) == ["province", "year", "efficiency", "ideal_beds", "ideal_doctors", "HD", "level",
                               "level_code"]
    assert len(f) == 93 and set(f["province"]) == set(province_table().index)
    totals = f.groupby("year")[["ideal_beds", "ideal_doctors"]].sum().to_numpy()
    np.testing.assert_allclose(totals, df.groupby("year")[["beds", "doctors"]].sum().to_numpy())
    assert (f["HD"] >= 0).all() and len(r.thresholds) == 4 and f["level"].nunique() == 5
    assert set(r.allocations) == {2011, 2012, 2013}
    fixed = mismatch(df, resources=["beds", "doctors"], demand=["pop"], outputs=["visits"],
                     weights=[0.5, 0.5], thresholds=SEED004_THRESHOLDS)
    assert fixed.thresholds == SEED004_THRESHOLDS
    np.testing.assert_allclose(fixed.frame["HD"], f["HD"])


def test_allocation_gini_bad_input_is_named():
    """Issue 21 item 6: a zero demand gave NaN, a negative one −1.0, a length mismatch an IndexError."""
    with pytest.raises(ValueError, match=r"zero or negative demand for unit\(s\) \[1\] \(values \[0.0\]\)"):
        allocation_gini([1, 2, 3], [5, 0, 5])
    with pytest.raises(ValueError, match=r"zero or negative demand for unit\(s\) \['Hebei'\]"):
        allocation_gini(pd.Series([1.0, 2, 3], index=["Beijing", "Tianjin", "Hebei"]),
                        pd.Series([5.0, 4, -1], index=["Beijing", "Tianjin", "Hebei"]))
    with pytest.raises(ValueError, match=r"resource has 3 units, demand 2"):
        allocation_gini([1, 2, 3], [5, 5])
    with pytest.raises(ValueError, match=r"negative resource for unit\(s\) \[0\]"):
        allocation_gini([-1, 2, 3], [5, 5, 5])
    with pytest.raises(ValueError, match=r"missing or non-finite demand for unit\(s\) \[2\]"):
        allocation_gini([1, 2, 3], [5, 5, np.nan])
    with pytest.raises(ValueError, match="resource total is zero"):
        allocation_gini([0, 0, 0], [5, 5, 5])
    with pytest.raises(ValueError, match=r"only in resource \['c'\], only in demand \['d'\]"):
        allocation_gini(pd.Series([1.0, 2, 3], index=list("abc")), pd.Series([1.0, 2, 3], index=list("abd")))
    # Series are matched by label: the same units in another order give the same Gini
    r, d = pd.Series([1.0, 3.0, 2.0], index=list("abc")), pd.Series([5.0, 5.0, 2.0], index=list("abc"))
    assert allocation_gini(r, d.iloc[::-1]) == pytest.approx(allocation_gini(r, d))
    assert allocation_gini([0, 3], [5, 5]) == pytest.approx(0.5)  # a unit with no resource is allowed
