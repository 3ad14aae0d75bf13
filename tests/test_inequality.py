"""Dagum Gini decomposition, Theil, CV and regional means (issue 8).

Each known mistake in published Dagum implementations is pinned here:
transvariation sign, groups not ordered by mean, sample (n(n−1)) instead of
population (n²) denominators, (ȳ_j + ȳ_h)/2 in G_jh, swapped p_j and s_j.
"""
import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd.geo import REGION4
from spatialccd.inequality import _bootstrap_indices, coefficient_of_variation, dagum_gini, regional_means, theil


def brute_gini(y, w=None):
    w = np.ones_like(y) if w is None else w
    return (w[:, None] * w[None, :] * np.abs(y[:, None] - y[None, :])).sum() / (2 * w.sum() ** 2 * np.average(y, weights=w))


@pytest.fixture(scope="module")
def provinces_panel():
    """31 provinces (named in Chinese) × 2012–2016 with skewed positive values."""
    rng = np.random.default_rng(7)
    pt = sc.province_table()
    rows = [(short, year, rng.lognormal(-0.8, 0.4) + 0.1 * (r == "East"), rng.uniform(1, 50))
            for short, r in zip(pt["short_zh"], pt["region4"]) for year in range(2012, 2017)]
    return pd.DataFrame(rows, columns=["province", "year", "D", "pop"])


# ---------------------------------------------------------------------------
# A small example worked by hand
# ---------------------------------------------------------------------------
def test_hand_worked_example():
    """A = {1, 3} (ȳ_A = 2), B = {2, 4, 9} (ȳ_B = 5); n = 5, ȳ = 19/5.

    Σ over the 10 unordered pairs of all five values |y_i − y_r| = 36, so
    G = 2·36 / (2·5²·19/5) = 36/95.
    G_AA = 2·2 / (2·2²·2) = 1/4;  G_BB = 2·(2+7+5) / (2·3²·5) = 14/45.
    A×B gaps: |1−2|, |1−4|, |1−9|, |3−2|, |3−4|, |3−9| = 1, 3, 8, 1, 1, 6 → 20;
    G_AB = 20 / (2·3·(2+5)) = 10/21   (with (ȳ_A+ȳ_B)/2 it would wrongly be 20/21).
    B is richer: d_BA = (1+0+3+1+8+6)/6 = 19/6, p_BA = (3−2)/6 = 1/6,
    d − p = 3 = ȳ_B − ȳ_A,  d + p = 10/3 = G_AB (ȳ_A + ȳ_B),  D_BA = 18/20 = 0.9.
    p_A = 2/5, p_B = 3/5, s_A = 4/19, s_B = 15/19.
    G_w = (1/4)(2/5)(4/19) + (14/45)(3/5)(15/19) = 2/95 + 14/95 = 16/95.
    p_A s_B + p_B s_A = 30/95 + 12/95 = 42/95;  G_AB · 42/95 = 20/95;
    G_nb = 0.9 · 20/95 = 18/95,  G_t = 0.1 · 20/95 = 2/95;  16 + 18 + 2 = 36 ✓.
    """
    df = pd.DataFrame({"unit": list("abcde"), "year": 2020, "y": [1.0, 3, 2, 4, 9], "grp": list("AABBB")})
    r = dagum_gini(df, "y", group="grp", unit="unit")
    s = r.components.loc[2020]
    assert s["G"] == pytest.approx(36 / 95, rel=1e-14)
    assert s["G_w"] == pytest.approx(16 / 95, rel=1e-14)
    assert s["G_nb"] == pytest.approx(18 / 95, rel=1e-14)
    assert s["G_t"] == pytest.approx(2 / 95, rel=1e-14)
    assert [s["C_w"], s["C_nb"], s["C_t"]] == pytest.approx([1600 / 36, 1800 / 36, 200 / 36])
    assert r.within.loc[2020].tolist() == pytest.approx([1 / 4, 14 / 45])
    assert r.between.loc[2020, "A–B"] == pytest.approx(10 / 21)
    pair = r.pairs.iloc[0]
    assert (pair["richer"], pair["poorer"]) == ("B", "A")  # ordered by mean, not by table order
    assert pair["d_jh"] == pytest.approx(19 / 6) and pair["p_jh"] == pytest.approx(1 / 6)
    assert pair["D_jh"] == pytest.approx(0.9)
    g = r.groups.set_index("group")
    assert g["p_j"].tolist() == pytest.approx([2 / 5, 3 / 5])  # population shares …
    assert g["s_j"].tolist() == pytest.approx([4 / 19, 15 / 19])  # … and value shares, not swapped


# ---------------------------------------------------------------------------
# Identities on realistic data (31 provinces, NBS four regions by default)
# ---------------------------------------------------------------------------
def test_decomposition_identities(provinces_panel):
    df = provinces_panel
    r = dagum_gini(df, "D")
    pt = sc.province_table()
    region = dict(zip(pt["short_zh"], pt["region4"]))
    assert list(r.within.columns) == list(REGION4)
    assert list(r.between.columns) == [f"{a}–{b}" for a, b in combinations(REGION4, 2)]  # seed 003 Table 7 order
    for year, s in r.components.iterrows():
        cross = df[df.year == year]
        y, grp = cross["D"].to_numpy(), cross["province"].map(region).to_numpy()
        # G = G_w + G_nb + G_t exactly, and G is the plain population Gini of all values
        assert s["G"] == pytest.approx(s["G_w"] + s["G_nb"] + s["G_t"], rel=1e-12)
        assert s["G"] == pytest.approx(brute_gini(y), rel=1e-12)
        assert s[["C_w", "C_nb", "C_t"]].sum() == pytest.approx(100.0)
        for g in REGION4:
            assert r.within.loc[year, g] == pytest.approx(brute_gini(y[grp == g]), rel=1e-12)
        for _, p in r.pairs[r.pairs.year == year].iterrows():
            yj, yh = y[grp == p["richer"]], y[grp == p["poorer"]]
            gap = yj[:, None] - yh[None, :]
            assert p["G_jh"] == pytest.approx(np.abs(gap).sum() / (yj.size * yh.size * (yj.mean() + yh.mean())))
            assert p["d_jh"] == pytest.approx(np.maximum(gap, 0).mean())
            assert p["p_jh"] == pytest.approx(np.maximum(-gap, 0).mean())
            # transvariation sign and ordering by mean
            assert p["d_jh"] - p["p_jh"] == pytest.approx(yj.mean() - yh.mean(), rel=1e-12)
            assert p["d_jh"] + p["p_jh"] == pytest.approx(p["G_jh"] * (yj.mean() + yh.mean()), rel=1e-12)
            assert 0 <= p["D_jh"] <= 1
            assert yj.mean() >= yh.mean()


def test_region3_and_mapping_grouping(provinces_panel):
    r3 = dagum_gini(provinces_panel, "D", group="region3")
    assert list(r3.within.columns) == ["East", "Central", "West"]
    assert r3.groups.groupby("group", sort=False)["n"].first().tolist() == [11, 8, 12]
    mapping = dict(zip(sc.province_table()["short_zh"], sc.province_table()["region3"]))
    rm = dagum_gini(provinces_panel, "D", group=mapping)
    pd.testing.assert_frame_equal(rm.components, r3.components)


def test_weights_equal_replication(provinces_panel):
    """Integer population weights = each unit repeated w_i times (unweighted)."""
    df = provinces_panel[provinces_panel.year == 2012].assign(k=lambda d: np.arange(len(d)) % 3 + 1)
    weighted = dagum_gini(df, "D", weights="k")
    rep = df.loc[df.index.repeat(df["k"])].assign(copy=lambda d: d.groupby("province").cumcount())
    rep = rep.assign(unit=rep["province"] + rep["copy"].astype(str),
                     grp=pd.Categorical(rep["province"].map(dict(zip(sc.province_table()["short_zh"],
                                                                     sc.province_table()["region4"]))),
                                        categories=REGION4))  # a categorical column keeps its order
    plain = dagum_gini(rep, "D", group="grp", unit="unit")
    pd.testing.assert_frame_equal(weighted.components, plain.components)
    pd.testing.assert_frame_equal(weighted.between, plain.between)
    ones = dagum_gini(df.assign(k=1.0), "D", weights="k")
    pd.testing.assert_frame_equal(ones.components, dagum_gini(df, "D").components)


def test_table_layout_and_chinese_labels(provinces_panel):
    r = dagum_gini(provinces_panel, "D")
    t = r.table(lang="zh")
    assert list(t.columns) == [2012, 2013, 2014, 2015, 2016]
    assert t.index[0] == ("整体基尼系数", "")
    assert ("区域间差异", "东部—东北") in t.index and ("贡献率(%)", "超变密度") in t.index
    assert len(t) == 1 + 4 + 6 + 3
    assert r.table(decimals=None).loc[("Overall Gini", ""), 2013] == r.components.loc[2013, "G"]


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------
def test_bootstrap_reproducible_and_complete(provinces_panel, capsys):
    a = dagum_gini(provinces_panel, "D", bootstrap=60, seed=11, progress=False)
    assert capsys.readouterr().err == ""  # progress bar off
    b = dagum_gini(provinces_panel, "D", bootstrap=60, seed=11, progress=True)
    assert "Dagum bootstrap" in capsys.readouterr().err
    c = dagum_gini(provinces_panel, "D", bootstrap=60, seed=12, progress=False)
    pd.testing.assert_frame_equal(a.ci, b.ci)
    assert not np.allclose(a.ci["se"], c.ci["se"])
    # every component, every within group and every pair, every year
    per_year = 7 + 4 + 6
    assert len(a.ci) == 5 * per_year and a.ci[["se", "lower", "upper"]].notna().all().all()
    assert (a.ci["lower"] <= a.ci["upper"]).all()
    est = a.ci[(a.ci.statistic == "G")].set_index("year")["estimate"]
    pd.testing.assert_series_equal(est, a.components["G"], check_names=False)


def test_bootstrap_resamples_within_groups():
    g = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    ix = _bootstrap_indices(np.random.default_rng(0), g, 500)
    assert ix.shape == (500, 9)
    assert np.array_equal(g[ix], np.broadcast_to(g, ix.shape))  # group sizes and membership kept
    assert len(np.unique(ix[:, :3])) == 3  # draws cover the group, with replacement


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------
def test_input_never_modified(provinces_panel):
    before = provinces_panel.copy()
    dagum_gini(provinces_panel, "D", bootstrap=5, seed=0, progress=False)
    theil(provinces_panel, "D")
    pd.testing.assert_frame_equal(provinces_panel, before)


def test_non_positive_values_name_rows(provinces_panel):
    """Issue 16: the Gini is defined for non-negative values with a positive mean — a zero is
    accepted (it used to be refused with the other non-positive value), a negative value is not."""
    df = provinces_panel.copy()
    df.loc[3, "D"] = 0.0
    df.loc[7, "D"] = -1.0
    with pytest.raises(ValueError, match=r"negative at 1 \(province, year\) row\(s\): \[\('天津', 2014\)\]"):
        dagum_gini(df, "D")
    with pytest.raises(ValueError, match=r"non-positive at 2 \(province, year\) row\(s\): \[\('北京', 2015\), \('天津', 2014\)\]"):
        theil(df, "D")  # Theil takes logs: strictly positive values only


def test_missing_values_name_rows(provinces_panel):
    df = provinces_panel.copy()
    df.loc[0, "D"] = np.nan
    with pytest.raises(ValueError, match=r"missing or non-finite values in value column 'D'.*\('北京', 2012\)"):
        dagum_gini(df, "D")
    with pytest.raises(ValueError, match=r"column 'E' not found"):
        dagum_gini(df, "E")


def test_unknown_group_column(provinces_panel):
    with pytest.raises(ValueError, match=r"unknown group column 'zone'"):
        dagum_gini(provinces_panel, "D", group="zone")
    cities = provinces_panel.assign(province="city" + provinces_panel["province"])
    with pytest.raises(ValueError, match=r"group='region4' .* not provinces"):
        dagum_gini(cities, "D")
    with pytest.raises(ValueError, match=r"no entry for unit\(s\) \['新疆'\]"):
        dagum_gini(provinces_panel, "D", group={u: "x" for u in provinces_panel.province if u != "新疆"})


def test_single_member_group_warns():
    df = pd.DataFrame({"unit": list("abcd"), "year": 2020, "y": [1.0, 2, 3, 4], "grp": list("AAAB")})
    with pytest.warns(UserWarning, match=r"group 'B' has a single member in year 2020 \('d'\)"):
        r = dagum_gini(df, "y", group="grp", unit="unit")
    assert r.within.loc[2020, "B"] == 0.0
    s = r.components.loc[2020]
    assert s["G"] == pytest.approx(s["G_w"] + s["G_nb"] + s["G_t"])


def test_duplicated_rows(provinces_panel):
    with pytest.raises(ValueError, match=r"duplicated \(province, year\) rows"):
        dagum_gini(pd.concat([provinces_panel, provinces_panel.iloc[[0]]]), "D")


# ---------------------------------------------------------------------------
# Theil, CV, regional means
# ---------------------------------------------------------------------------
def test_theil_identities_and_hand_values(provinces_panel):
    r = theil(provinces_panel, "D")
    s = r.components
    assert "Theil" in str(r) and "<table" in r._repr_html_()
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning, match="components"):
        assert r.summary["T"].equals(s["T"])   # the 0.1 frame attribute, for one release
    assert np.allclose(s["T"], s["T_within"] + s["T_between"], rtol=1e-12)
    assert np.allclose(s["L"], s["L_within"] + s["L_between"], rtol=1e-12)
    assert (s[["T", "L", "T_between", "L_between"]] >= 0).all().all()
    # two units 1 and 3: ȳ = 2, T = ½(½ ln ½ + 3/2 ln 3/2), L = ½(ln 2 + ln 2/3)
    two = pd.DataFrame({"u": ["a", "b"], "year": 1, "y": [1.0, 3.0], "g": ["x", "y"]})
    t2 = theil(two, "y", group="g", unit="u").components.iloc[0]
    assert t2["T"] == pytest.approx(0.5 * (0.5 * math.log(0.5) + 1.5 * math.log(1.5)))
    assert t2["L"] == pytest.approx(0.5 * (math.log(2) + math.log(2 / 3)))
    assert t2["T_within"] == 0 and t2["T_between"] == pytest.approx(t2["T"])  # singletons: all between
    equal = theil(two.assign(y=2.0), "y", group="g", unit="u").summary.iloc[0]
    assert equal["T"] == 0 and equal["L"] == 0


def test_theil_weights_equal_replication():
    df = pd.DataFrame({"u": list("abcd"), "year": 1, "y": [1.0, 2, 5, 7], "g": list("xxyy"), "w": [1, 3, 2, 1]})
    rep = df.loc[df.index.repeat(df["w"])].reset_index(drop=True).assign(u=lambda d: [f"u{i}" for i in range(len(d))])
    a = theil(df, "y", group="g", unit="u", weights="w").components
    b = theil(rep, "y", group="g", unit="u").components
    pd.testing.assert_frame_equal(a, b)


def test_cv_nation_and_groups(provinces_panel):
    cv = coefficient_of_variation(provinces_panel, "D", group="region4")
    assert list(cv.columns) == ["Nation", *REGION4]
    y = provinces_panel[provinces_panel.year == 2014]["D"]
    assert cv.loc[2014, "Nation"] == pytest.approx(y.std(ddof=0) / y.mean())
    assert list(coefficient_of_variation(provinces_panel, "D").columns) == ["Nation"]


def test_regional_means_and_growth(provinces_panel):
    m = regional_means(provinces_panel, "D")
    region = dict(zip(sc.province_table()["short_zh"], sc.province_table()["region4"]))
    expected = provinces_panel.assign(r=provinces_panel.province.map(region)).pivot_table(
        index="year", columns="r", values="D", aggfunc="mean")
    assert np.allclose(m.levels[list(REGION4)], expected[list(REGION4)])
    assert np.allclose(m.levels["Nation"], provinces_panel.groupby("year")["D"].mean())
    assert m.growth.loc[2013, "East"] == pytest.approx(100 * (m.levels.loc[2013, "East"] / m.levels.loc[2012, "East"] - 1))
    assert m.growth.loc[2012].isna().all()
    s = m.overall.loc["West"]
    assert "Regional means" in str(m) and set(m.to_frame().columns) == {"year", "region", "mean", "growth_pct"}
    assert (1 + s["annual_growth_pct"] / 100) ** 4 == pytest.approx(s["last"] / s["first"])
    assert s["mean"] == pytest.approx(m.levels["West"].mean())


# ---------------------------------------------------------------------------
# Issues 16 / 17 / 21: one group, zeros, intervals in the table, summary(), per-year streams
# ---------------------------------------------------------------------------
from spatialccd.exceptions import OneGroupWarning, SpatialCCDDeprecationWarning  # noqa: E402
from spatialccd.summary import Summary  # noqa: E402


@pytest.fixture(scope="module")
def bth():
    """Beijing, Tianjin, Hebei (all East) × 2020/2022, D from seed 000 Table 5."""
    return pd.DataFrame({"province": ["北京", "天津", "河北"] * 2, "year": [2020] * 3 + [2022] * 3,
                         "D": [0.754, 0.574, 0.564, 0.752, 0.588, 0.569]})


def test_one_group_is_not_called_a_decomposition(bth):
    """Issue 16: table() used to raise TypeError for a one-group study; issue 21 item 7: a constant
    group column was reported as a decomposition (G_w = G, 100 % within) without a word."""
    with pytest.warns(OneGroupWarning, match=r"one group \('East'\).*not a decomposition"):
        r = dagum_gini(bth, "D", group="region4")
    assert not r.decomposed
    y = bth.loc[bth.year == 2020, "D"].to_numpy()
    assert r.components.loc[2020, "G"] == pytest.approx(brute_gini(y), rel=1e-12)
    assert r.within.loc[2020, "East"] == pytest.approx(r.components.loc[2020, "G"], rel=1e-12)
    assert r.components[["G_nb", "G_t", "C_w", "C_nb", "C_t"]].isna().all().all()
    t = r.table()
    assert list(t.index) == [("Overall Gini", ""), ("Within-group Gini", "East")]
    assert "not a decomposition" in t.attrs["notes"][0] and "no between-group part" in t.attrs["notes"][0]
    zh = r.table(lang="zh")
    assert list(zh.index) == [("整体基尼系数", ""), ("区域内差异", "东部")] and "不构成分解" in zh.attrs["notes"][0]
    s = r.summary()
    assert isinstance(s, Summary) and s.title == "Gini coefficient of D" and "decomposition" not in s.title
    assert "not a decomposition" in str(r)
    assert set(r.to_frame()["statistic"]) == {"G", "G_w", "G_jj"}
    with pytest.warns(OneGroupWarning):
        const = dagum_gini(bth.assign(g="all"), "D", group="g")  # a constant group column
    assert not const.decomposed


def test_one_group_bootstrap_intervals(bth):
    with pytest.warns(OneGroupWarning):
        r = dagum_gini(bth, "D", bootstrap=50, seed=3, progress=False)
    t = r.table(intervals=True, decimals=None)
    assert len(t) == 2 * 3 and t.index[1] == ("Overall Gini", "", "CI lower")


def test_dagum_accepts_zeros():
    """Issue 16: health distance is 0 where actual = ideal; the Gini is defined for y ≥ 0 with ȳ > 0."""
    df = pd.DataFrame({"u": list("abcdef"), "year": 2021, "HD": [0.0, 0.2, 0.5, 0.0, 0.3, 0.9],
                       "g": list("AAABBB")})
    r = dagum_gini(df, "HD", group="g", unit="u")
    s = r.components.loc[2021]
    assert s["G"] == pytest.approx(brute_gini(df["HD"].to_numpy()), rel=1e-12)
    assert s["G"] == pytest.approx(s["G_w"] + s["G_nb"] + s["G_t"], rel=1e-12)
    assert r.within.loc[2021, "A"] == pytest.approx(brute_gini(np.array([0.0, 0.2, 0.5])), rel=1e-12)
    # a group that is zero everywhere: G_jj undefined (0/0) and says so; the identity still holds
    zero = df.assign(HD=[0.0, 0.0, 0.0, 0.1, 0.3, 0.9])
    with pytest.warns(UserWarning, match=r"group 'A' is zero for every unit in year 2021"):
        rz = dagum_gini(zero, "HD", group="g", unit="u")
    assert np.isnan(rz.within.loc[2021, "A"])
    sz = rz.components.loc[2021]
    assert sz["G"] == pytest.approx(brute_gini(zero["HD"].to_numpy()), rel=1e-12)
    assert sz["G"] == pytest.approx(sz["G_w"] + sz["G_nb"] + sz["G_t"], rel=1e-12)
    with pytest.raises(ValueError, match=r"zero for every unit in year\(s\) \[2021\]"):
        dagum_gini(df.assign(HD=0.0), "HD", group="g", unit="u")


def test_intervals_in_table_and_frame(provinces_panel):
    """Issue 17: the bootstrap intervals were computed and shown nowhere."""
    r = dagum_gini(provinces_panel, "D", bootstrap=40, seed=5, progress=False)
    t = r.table(intervals=True, decimals=None)
    assert len(t) == 3 * (1 + 4 + 6 + 3) and t.index.nlevels == 3
    ci = r.ci.set_index(["year", "statistic", "group"])
    assert t.loc[("Overall Gini", "", "CI lower"), 2014] == ci.loc[(2014, "G", ""), "lower"]
    assert t.loc[("Within-group Gini", "West", "CI upper"), 2016] == ci.loc[(2016, "G_jj", "West"), "upper"]
    assert t.loc[("Contribution (%)", "Transvariation (G_t)", "estimate"), 2012] == r.components.loc[2012, "C_t"]
    assert "95% bootstrap percentile intervals from 40 replicates" in t.attrs["notes"][0]
    zh = r.table(intervals=True, lang="zh")
    assert ("整体基尼系数", "", "置信下限") in zh.index
    f = r.to_frame()
    assert list(f.columns) == ["year", "statistic", "group", "estimate", "se", "lower", "upper"]
    assert len(f) == 5 * (7 + 4 + 6) and f[["lower", "upper"]].notna().all().all()
    with pytest.raises(ValueError, match="intervals=True needs bootstrap"):
        dagum_gini(provinces_panel, "D").table(intervals=True)


def test_dagum_summary_and_legacy_frame_access(provinces_panel):
    r = dagum_gini(provinces_panel, "D", bootstrap=20, seed=1, progress=False)
    s = r.summary()
    assert isinstance(s, Summary) and s.title == "Dagum Gini decomposition of D"
    assert dict(s.facts)["Grouping"] == "region4" and dict(s.facts)["Bootstrap replicates"] == "20"
    assert "Dagum Gini decomposition of D" in r._repr_html_() and "CI lower" in str(r)
    assert r.summary(lang="zh").title == "D 的 Dagum 基尼系数分解"
    with pytest.warns(SpatialCCDDeprecationWarning, match=r"DagumResult.summary was a DataFrame.*\.components"):
        legacy = r.summary["G"]
    pd.testing.assert_series_equal(legacy, r.components["G"])


def test_bootstrap_of_a_year_does_not_depend_on_other_years(provinces_panel):
    """DESIGN: a result for one year never depends on which other years are computed."""
    full = dagum_gini(provinces_panel, "D", bootstrap=30, seed=8, progress=False).ci
    part = dagum_gini(provinces_panel[provinces_panel.year >= 2014], "D", bootstrap=30, seed=8, progress=False).ci
    pd.testing.assert_frame_equal(full[full.year >= 2014].reset_index(drop=True), part)


def test_dagum_figure_with_many_groups_draws_a_matrix_not_hundreds_of_lines():
    """A county study grouped by province (here 12 groups, 66 pairs): the within panel keeps one legend entry
    for the groups, the pairs become the last year's k × k matrix (G_jj diagonal, G_jh off it)."""
    import matplotlib
    matplotlib.use("Agg")
    from spatialccd.plots.inequality import LINE_GROUPS, dagum_trends, gini_matrix

    rng = np.random.default_rng(4)
    n, years = 240, [2020, 2021, 2022]
    df = pd.DataFrame({"unit": np.repeat([f"c{i:03d}" for i in range(n)], 3), "year": years * n,
                       "D": rng.uniform(0.2, 0.8, 3 * n), "prov": np.repeat([f"P{i % 12:02d}" for i in range(n)], 3)})
    res = dagum_gini(df, "D", group="prov", unit="unit", time="year")
    assert res.within.shape[1] == 12 > LINE_GROUPS
    m = gini_matrix(res)
    assert m.shape == (12, 12) and np.allclose(m, m.T)
    assert np.allclose(np.diag(m), res.within.loc[2022].to_numpy())
    last = res.pairs[res.pairs["year"] == 2022].set_index("pair")["G_jh"]
    assert m[0, 5] == pytest.approx(last["P00–P05"])
    fig = dagum_trends(res)
    within, between, _ = fig.axes[:3]
    assert len(within.get_legend().get_texts()) == 2            # "each group (12)" and the overall Gini
    assert len(between.images) == 1 and not between.lines
    assert "2022" in between.get_title()
    small = dagum_gini(df.assign(prov=df["prov"].str[-1].map(lambda c: "AB"[int(c) % 2])), "D", group="prov",
                       unit="unit", time="year")
    assert len(dagum_trends(small).axes[1].lines) == 1          # 2 groups: one pair, a line
