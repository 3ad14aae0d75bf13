"""Coupling coordination: C, T, D, grades, relative development, types (issue 5).

References: seed 000 (Wang, Zhu & Liu, Beijing–Tianjin–Hebei 2020/2022) Tables 2, 3, 5;
Wang Shujia et al. (2021) and Fan et al. (2024) formulas as implemented in R's ``coupling``
(``ccd(method = "standard" | "wang" | "fan")``).  Small examples are worked by hand in comments.
"""
import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spatialccd as sc
from spatialccd.coordination import (GradeScheme, coordination_grade, coordination_table, coupling_coordination,
                                     development_type, relative_development)

# --------------------------------------------------------------------------------------------
# Seed 000, Table 5: S1 = medical security, S2 = regional economy; Beijing, Tianjin, Hebei.
SEED000 = pd.DataFrame({
    "year": [2020] * 3 + [2022] * 3,
    "province": ["Beijing", "Tianjin", "Hebei"] * 2,
    "S1": [0.488, 0.319, 0.399, 0.500, 0.319, 0.423],
    "S2": [0.663, 0.341, 0.254, 0.640, 0.376, 0.247],
    "diff": [-0.175, -0.022, 0.144, -0.140, -0.057, 0.175],
    "C": [0.988, 0.999, 0.975, 0.565, 0.346, 0.323],
    "T": [0.576, 0.330, 0.326, 0.570, 0.347, 0.335],
    "D": [0.754, 0.574, 0.564, 0.752, 0.588, 0.569],
    "S": [0.736, 0.934, 1.568, 0.781, 0.849, 1.708],
    "type": ["A41", "A32", "A33"] * 2,  # text of §3.3 / §4.3: types unchanged in 2022
})


def _range_over_rounding(s1, s2):
    """C, T, D, S, S1−S2 over the box of scores that print as (s1, s2) (±0.0005)."""
    grid = np.linspace(-5e-4, 5e-4, 11)
    box = pd.DataFrame([(s1 + a, s2 + b) for a, b in itertools.product(grid, grid)], columns=["S1", "S2"])
    out = coupling_coordination(box)
    out["S"] = box.S1 / box.S2
    out["diff"] = box.S1 - box.S2
    return out.min(), out.max()


@pytest.mark.parametrize("row", range(6))
def test_seed000_table5_reproduced_to_printed_precision(row):
    """Every printed C, T, D, S and S1−S2 is reproduced from the printed S1, S2 — the inputs are
    themselves rounded to 3 decimals, so each printed value must lie within the range the
    formulas give over the rounding box, widened by its own half-unit of rounding.

    The inconsistent entry: the 2022 row of C.  Seed 000 prints C = 0.565, 0.346, 0.323 for
    2022 — these are √(S1·S2) (√(0.500·0.640) = 0.566, √(0.319·0.376) = 0.346,
    √(0.423·0.247) = 0.323), not 2√(S1S2)/(S1+S2) = 0.992, 0.997, 0.965.  The printed 2022 D
    (0.752, 0.588, 0.569) agrees with the correct C (√(0.992·0.570) = 0.752) and not with the
    printed one (√(0.565·0.570) = 0.567).  The issue speaks of one inconsistent number; it is
    one inconsistent row of the table (three cells, same cause).  Also, Hebei 2020 S1−S2 prints
    0.144 where the rounded scores give 0.145 — within rounding of the unrounded scores, so
    consistent.
    """
    ref = SEED000.iloc[row]
    lo, hi = _range_over_rounding(ref["S1"], ref["S2"])
    for col in ("T", "D", "S", "diff") + (("C",) if ref["year"] == 2020 else ()):
        assert lo[col] - 5e-4 <= ref[col] <= hi[col] + 5e-4, (ref["year"], ref["province"], col)
    if ref["year"] == 2022:
        assert not lo["C"] - 5e-4 <= ref["C"] <= hi["C"] + 5e-4
        assert np.sqrt(ref["S1"] * ref["S2"]) == pytest.approx(ref["C"], abs=1e-3)
        assert abs(np.sqrt(ref["C"] * ref["T"]) - ref["D"]) > 0.1


def test_seed000_types_grades_and_tidy_table():
    """Development types A41/A32/A33 (seed 000 §3.3 and Table 3) and Table 2 grades, via the
    tidy table from seed 000's printed scores; province names become GB/T codes."""
    scores = sc.PanelData(SEED000[["province", "year", "S1", "S2"]]).frame_
    table = coordination_table(scores)
    assert list(table.columns[:4]) == ["year", "province", "S1", "S2"]
    got = table.set_index(["year", "province"])
    ref = SEED000.assign(province=[sc.province_code(p) for p in SEED000.province]).set_index(["year", "province"])
    assert (got["type"] == ref["type"].reindex(got.index)).all()
    assert got.loc[(2020, "11"), "grade"] == "intermediate coordination"  # D = 0.754
    # seed 000's text calls D = 0.574 "dyscoordination"; its Table 2 says 0.5–0.6 is marginal coordination
    assert got.loc[(2020, "12"), "grade"] == "marginal coordination"
    assert got.loc[(2020, "12"), "grade_zh"] == "勉强协调"
    assert got.loc[(2020, "11"), "type_label"] == "S1 lagging"
    assert got.loc[(2020, "13"), "S_class"] == "S2 lagging"


def test_tidy_table_merges_onto_provinces():
    scores = sc.PanelData(SEED000[["province", "year", "S1", "S2"]]).frame_
    table = coordination_table(scores)
    merged = sc.provinces().merge(table, left_index=True, right_on="province")
    assert len(merged) == 6
    assert set(merged["name_en"]) == {"Beijing", "Tianjin", "Hebei"}
    assert merged.geometry.notna().all()
    assert {"C", "T", "D", "grade", "S", "type"} <= set(merged.columns)


# --------------------------------------------------------------------------------------------
# Hand-worked examples
def test_two_systems_by_hand():
    U = pd.DataFrame({"a": [0.4], "b": [0.8]})
    # standard: C = 2√0.32/1.2 = 0.942809, T = 0.6, D = √(C·T) = √0.565685 = 0.752121
    # modified: C = √[(1 − 0.4)·0.4/0.8] = √0.3 = 0.547723, D = √(0.547723·0.6) = 0.573266
    # fan:      C = 1 − |0.4 − 0.8| = 0.6,                D = √0.36 = 0.6
    for method, c, d in (("standard", 0.942809, 0.752121), ("modified", 0.547723, 0.573266), ("fan", 0.6, 0.6)):
        out = coupling_coordination(U, method=method)
        assert out.loc[0, "C"] == pytest.approx(c, abs=1e-6)
        assert out.loc[0, "T"] == pytest.approx(0.6)
        assert out.loc[0, "D"] == pytest.approx(d, abs=1e-6)
    # α = (0.6, 0.4): T = 0.24 + 0.32 = 0.56, given as a sequence or by column
    assert coupling_coordination(U, alpha=[0.6, 0.4]).loc[0, "T"] == pytest.approx(0.56)
    assert coupling_coordination(U, alpha={"b": 0.4, "a": 0.6}).loc[0, "T"] == pytest.approx(0.56)


def test_three_systems_by_hand():
    U = pd.DataFrame([[0.2, 0.4, 0.8]], columns=["x", "y", "z"], index=["p"])
    # standard: C = 3·(0.064)^(1/3)/1.4 = 3·0.4/1.4 = 0.857143; T = 1.4/3; C·T = 0.4, D = 0.632456
    # modified: Σ|Ui − Uj| = 0.2 + 0.6 + 0.4 = 1.2 over Σ_{m=1}^{2} m = 3 → 0.6;
    #           Π(Ui/max) = 0.25·0.5·1 = 0.125, ^(1/2) = 0.353553; C = √(0.6·0.353553) = 0.460578
    # fan:      (3·0.84 − 1.96)/9 = 0.062222, C = 1 − 2·0.249444 = 0.501112
    for method, c in (("standard", 0.857143), ("modified", 0.460578), ("fan", 0.501112)):
        out = coupling_coordination(U, method=method)
        assert out.loc["p", "C"] == pytest.approx(c, abs=1e-6)
        assert out.loc["p", "D"] == pytest.approx(np.sqrt(c * 1.4 / 3), abs=1e-6)
    assert coupling_coordination(U).loc["p", "D"] == pytest.approx(np.sqrt(0.4))


def test_modified_and_fan_are_not_monotone_but_standard_is():
    # raising the leading subsystem from 0.1 to 1 while the other stays at 0.1:
    # standard D = (0.1·b)^(1/4) rises; modified C² = (1 − 0.9)·0.1 = 0.01, D² = 0.1·0.55 = 0.055 < 0.1
    U = pd.DataFrame({"a": [0.1, 0.1], "b": [0.1, 1.0]})
    std = coupling_coordination(U)["D"]
    assert std[1] > std[0] and std[1] == pytest.approx(0.1 ** 0.25)
    for method in ("modified", "fan"):
        d = coupling_coordination(U, method=method)["D"]
        assert d[0] == pytest.approx(np.sqrt(0.1)) and d[1] == pytest.approx(np.sqrt(0.055))


def test_coupling_bad_input():
    U = pd.DataFrame({"a": [0.2, 1.3], "b": [0.5, np.nan]}, index=["Beijing", "Hebei"])
    with pytest.raises(ValueError, match=r"missing.*'Hebei', 'b'"):
        coupling_coordination(U)
    with pytest.raises(ValueError, match=r"outside \[0, 1\].*'Hebei', 'a', 1.3"):
        coupling_coordination(U.fillna(0.5))
    ok = pd.DataFrame({"a": [0.2], "b": [0.5]})
    with pytest.raises(ValueError, match="alpha must sum to 1"):
        coupling_coordination(ok, alpha=[0.5, 0.6])
    with pytest.raises(ValueError, match="one non-negative weight per subsystem"):
        coupling_coordination(ok, alpha=[1.0])
    with pytest.raises(ValueError, match="unknown coupling method 'wang'"):
        coupling_coordination(ok, method="wang")
    with pytest.raises(ValueError, match="at least 2 subsystem"):
        coupling_coordination(ok[["a"]])


def test_zero_score_warns_and_points_to_shift():
    U = pd.DataFrame({"a": [0.0, 0.5], "b": [0.4, 0.5]}, index=["Tibet", "Beijing"])
    for method in ("standard", "modified"):
        with pytest.warns(UserWarning, match=r"exactly 0 in row\(s\) \['Tibet'\].*shift"):
            out = coupling_coordination(U, method=method)
        assert out.loc["Tibet", "C"] == 0 and out.loc["Tibet", "D"] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert coupling_coordination(U, method="fan").loc["Tibet", "C"] == pytest.approx(0.6)


# --------------------------------------------------------------------------------------------
# Grades and types: boundaries
def test_ten_level_grade_boundaries():
    D = pd.Series([0.0, 0.0999, 0.1, 0.3, 0.574, 0.6 - 1e-13, 0.6, 0.9, 1.0], index=list("abcdefghi"))
    g = coordination_grade(D)
    assert list(g["level"]) == [1, 1, 2, 4, 6, 7, 7, 10, 10]  # lower bound inclusive; 1.0 in the top level
    assert g.loc["d", "grade"] == "mild dyscoordination" and g.loc["d", "grade_zh"] == "轻度失调"
    assert g.loc["i", "grade"] == "superior coordination"
    assert g.loc["c", "stage"].startswith("low-level") and g.loc["d", "stage_zh"] == "中等水平耦合协调(磨合阶段)"
    assert g.loc["g", "stage"].startswith("high-level")
    assert list(coordination_grade([0.29, 0.3, 0.6], scheme="three")["level"]) == [1, 2, 3]


def test_custom_and_bad_grade_schemes():
    custom = GradeScheme(breaks=(0.5,), labels=("low", "high"))
    assert list(coordination_grade([0.4999, 0.5], scheme=custom)["grade"]) == ["low", "high"]
    with pytest.raises(ValueError, match="unknown grade scheme 'seven'"):  # 'five' is seed 003's scheme now
        coordination_grade([0.5], scheme="seven")
    with pytest.raises(ValueError, match="labels needs 2 entries"):
        GradeScheme(breaks=(0.5,), labels=("only",))
    with pytest.raises(ValueError, match="strictly increasing"):
        GradeScheme(breaks=(0.6, 0.4), labels=("a", "b", "c"))
    with pytest.raises(ValueError, match=r"D must lie in \[0, 1\]"):
        coordination_grade([1.2])


def test_relative_development_thresholds():
    u1 = pd.Series([0.4, 0.79, 0.6, 0.3], name="health")
    u2 = pd.Series([0.5, 1.0, 0.5, 0.2], name="economy")
    r = relative_development(u1, u2)
    assert r["S"].tolist() == pytest.approx([0.8, 0.79, 1.2, 1.5])
    assert r["S_class"].tolist() == ["synchronised", "health lagging", "synchronised", "economy lagging"]
    assert r.loc[1, "S_class_zh"] == "health滞后型"
    r2 = relative_development(u1, u2, lower=0.9, upper=1.1, names=("H", "E"))
    assert r2["S_class"].tolist() == ["H lagging", "H lagging", "E lagging", "E lagging"]
    with pytest.raises(ValueError, match=r"U2 = 0, rows \[1\]"):
        relative_development([0.2, 0.3], [0.5, 0.0])


def test_development_type_boundaries():
    D = pd.Series([0.0, 0.2, 0.2000001, 0.6, 0.61, 1.0])
    S = [1.0, 0.5, 1.3, 0.8, 1.2, 1.5]
    t = development_type(D, S, names=("med", "eco"))
    assert t["type"].tolist() == ["A12", "A11", "A23", "A32", "A42", "A53"]  # D bands upper-inclusive
    assert t["type_label"].tolist() == ["co-impaired", "med impaired", "eco impaired", "coordinated development",
                                        "coordinated development", "eco lagging"]
    assert t.loc[5, "type_label_zh"] == "eco滞后型"


# --------------------------------------------------------------------------------------------
# Properties
scores = st.floats(0.0, 1.0, allow_nan=False)
positive = st.floats(1e-3, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 5).flatmap(lambda n: st.lists(st.lists(scores, min_size=n, max_size=n), min_size=1, max_size=8)),
       st.sampled_from(["standard", "modified", "fan"]))
def test_c_and_d_in_unit_interval(rows, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = coupling_coordination(pd.DataFrame(rows), method=method)
    assert ((out[["C", "D"]] >= -1e-12) & (out[["C", "D"]] <= 1 + 1e-12)).all().all()


@settings(max_examples=40, deadline=None)
@given(positive, st.integers(2, 6), st.sampled_from(["standard", "modified", "fan"]))
def test_c_is_one_when_all_equal(u, n, method):
    out = coupling_coordination(pd.DataFrame([[u] * n]), method=method)
    assert out.loc[0, "C"] == pytest.approx(1.0)
    assert out.loc[0, "D"] == pytest.approx(np.sqrt(u))


@settings(max_examples=60, deadline=None)
@given(st.lists(positive, min_size=2, max_size=5), st.data())
def test_standard_d_monotone_in_each_score(u, data):
    i = data.draw(st.integers(0, len(u) - 1))
    bigger = list(u)
    bigger[i] = data.draw(st.floats(u[i], 1.0))
    d = coupling_coordination(pd.DataFrame([u, bigger]))["D"]
    assert d[1] >= d[0] - 1e-12


# --------------------------------------------------------------------------------------------
# Issue 16: grade schemes from cut points, seed 003's five stages
def test_seed003_five_stages():
    """Seed 003 表 1: 低水平耦合 [0, 0.3), 过渡 [0.3, 0.5), 磨合 [0.5, 0.7), 较高水平 [0.7, 0.9), 高水平 [0.9, 1]."""
    D = [0.0, 0.2999, 0.3, 0.4999, 0.5, 0.559, 0.7, 0.8999, 0.9, 1.0]
    g = coordination_grade(D, scheme="five")
    assert g["level"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert g["grade_zh"].tolist()[::2] == ["低水平耦合", "过渡阶段", "磨合阶段", "较高水平耦合", "高水平耦合"]
    assert sc.GRADE_SCHEMES["five"].cuts == (0.0, 0.3, 0.5, 0.7, 0.9, 1.0)
    same = GradeScheme.from_cuts([0, 0.3, 0.5, 0.7, 0.9, 1], labels=list("abcde"))
    assert coordination_grade(D, scheme=same)["level"].tolist() == g["level"].tolist()


def test_user_scheme_from_cuts_and_its_errors():
    s = GradeScheme.from_cuts([0, 0.4, 0.6, 1], ["low", "mid", "high"], labels_zh=["低", "中", "高"])
    g = coordination_grade([0.39, 0.4, 0.6, 1.0], scheme=s)
    assert g["grade"].tolist() == ["low", "mid", "high", "high"] and g["grade_zh"].tolist()[0] == "低"
    mapping = {"cuts": [0, 0.4, 0.6, 1], "labels": ["low", "mid", "high"], "labels_zh": ["低", "中", "高"]}
    assert sc.coordination.grade_scheme(mapping) == s  # the shape of a study-file table
    assert coordination_table(pd.DataFrame({"a": [0.2], "b": [0.3]}), scheme=mapping)["grade"].tolist() == ["mid"]
    with pytest.raises(ValueError, match=r"cuts must be strictly increasing: 0.6 \(position 3\) is followed by 0.5"):
        GradeScheme.from_cuts([0, 0.4, 0.6, 0.5, 1], list("abcd"))
    with pytest.raises(ValueError, match=r"cuts must cover \[0, 1\].*first 0.1 and last 1"):
        GradeScheme.from_cuts([0.1, 0.5, 1], ["a", "b"])
    with pytest.raises(ValueError, match=r"cuts must cover \[0, 1\].*last 0.9"):
        GradeScheme.from_cuts([0, 0.5, 0.9], ["a", "b"])
    with pytest.raises(ValueError, match="labels needs 3 entries, one per interval between the 4 cut points, got 2"):
        GradeScheme.from_cuts([0, 0.4, 0.6, 1], ["a", "b"])
    with pytest.raises(ValueError, match="labels_zh needs 3 entries"):
        GradeScheme.from_cuts([0, 0.4, 0.6, 1], list("abc"), labels_zh=["低"])
    with pytest.raises(ValueError, match="cuts must be numbers"):
        GradeScheme.from_cuts([0, "x", 1], ["a", "b"])
    with pytest.raises(ValueError, match=r"missing \['labels'\]"):
        sc.coordination.grade_scheme({"cuts": [0, 1]})


# --------------------------------------------------------------------------------------------
# Issue 21: items 4, 19, 21
def test_relative_development_aligns_series_by_label():
    """Item 4: S used to be computed by position and carry U1's labels."""
    u1 = pd.Series([0.4, 0.6, 0.3], index=["11", "12", "13"], name="health")
    u2 = pd.Series([0.2, 0.5, 0.6], index=["13", "11", "12"], name="economy")  # 13, 11, 12
    r = relative_development(u1, u2)
    assert r.index.tolist() == ["11", "12", "13"]
    assert r["S"].tolist() == pytest.approx([0.4 / 0.5, 0.6 / 0.6, 0.3 / 0.2])
    with pytest.raises(ValueError, match=r"different labels: only in U1 \['13'\], only in U2 \['14'\]"):
        relative_development(u1, u2.rename(index={"13": "14"}))
    # D and S given as Series are aligned too
    t = development_type(pd.Series([0.7, 0.5], index=["a", "b"]), pd.Series([1.3, 1.0], index=["b", "a"]))
    assert t["type"].tolist() == ["A42", "A33"]


def test_development_type_and_grade_accept_scalars():
    """Item 21: development_type(0.7, 1.1) said "S must be non-negative and align with D"."""
    t = development_type(0.7, 1.1)
    assert t["type"].tolist() == ["A42"] and t["type_label"].tolist() == ["coordinated development"]
    assert coordination_grade(0.754)["grade"].tolist() == ["intermediate coordination"]
    assert relative_development(0.488, 0.663)["S"].tolist() == pytest.approx([0.488 / 0.663])
    with pytest.raises(ValueError, match=r"S must be non-negative.*\(0, -1.0\)"):
        development_type(0.7, -1.0)
    with pytest.raises(ValueError, match=r"D and S differ in length \(2 vs 1\)"):
        development_type([0.7, 0.5], [1.0])


def test_non_numeric_score_names_column_and_cells():
    """Item 19: 'n/a' in a score column gave "could not convert string to float" without the column."""
    U = pd.DataFrame({"health": [0.4, "n/a", 0.5], "economy": [0.3, 0.2, "—"]}, index=["11", "12", "13"])
    with pytest.raises(ValueError, match=r"non-numeric value\(s\) in column\(s\) \['health', 'economy'\], 2 cell\(s\) "
                                         r"\(row, column, value\): \[\('12', 'health', 'n/a'\), \('13', 'economy', '—'\)\]"):
        coupling_coordination(U)
    with pytest.raises(ValueError, match=r"\('12', 'health', 'n/a'\)"):
        coordination_table(U)
    with pytest.raises(ValueError, match=r"D: non-numeric.*\(1, 'D', 'high'\)"):
        coordination_grade([0.5, "high"])
    ok = coupling_coordination(pd.DataFrame({"a": ["0.4"], "b": [0.8]}))  # numeric strings are numbers
    assert ok.loc[0, "D"] == pytest.approx(0.752121, abs=1e-6)


def test_bad_thresholds_say_what_is_expected():
    with pytest.raises(ValueError, match=r"0 < lower <= 1 <= upper \(e.g. 0.8 and 1.2, or 0.9 and 1.1\)"):
        coordination_table(SEED000.set_index(["year", "province"])[["S1", "S2"]], lower=1.1, upper=0.9)


# --------------------------------------------------------------------------------------------
# Issue 16: seed 000 Table 5 / seed 002 Table 4 layout
def test_development_types_table_seed000_three_provinces():
    """Seed 000 Table 5 from its printed S1, S2: per province C, T, D, S and the types A41/A32/A33;
    the mean row of a three-province study is "Mean", never "National mean"."""
    scores = SEED000[["year", "province", "S1", "S2"]]
    t = sc.coordination.development_types_table(scores)
    assert list(t.columns[:8]) == ["year", "province", "kind", "S1", "S2", "difference", "C", "T"]
    units = t[t.kind == "unit"].set_index(["year", "province"])
    ref = SEED000.set_index(["year", "province"])
    for key, row in ref.iterrows():
        got = units.loc[key]
        assert got["type"] == row["type"]
        # within the rounding of the printed 3-decimal scores (S = U1/U2 moves by up to ~0.005);
        # the seed's 2022 C row is √(S1·S2) (see test_seed000_table5_reproduced_to_printed_precision)
        for col in ("T", "D", "S", "diff") + (("C",) if key[0] == 2020 else ()):
            tol = 6e-3 if col == "S" else 1.5e-3
            assert got["difference" if col == "diff" else col] == pytest.approx(row[col], abs=tol), (key, col)
    full = coordination_table(scores.set_index(["year", "province"])).set_index(["year", "province"])
    pd.testing.assert_frame_equal(units.drop(columns=["kind", "difference"]), full, check_dtype=False)
    means = t[t.kind == "mean"]
    assert means["province"].tolist() == ["Mean", "Mean"] and "National mean" not in set(t["province"])
    m2020 = means.iloc[0]
    assert m2020["D"] == pytest.approx(units.loc[2020, "D"].mean())
    assert m2020["S"] == pytest.approx(units.loc[2020, "S"].mean())
    assert m2020["grade"] == coordination_grade(m2020["D"])["grade"].iloc[0]
    assert m2020["type"] == development_type(m2020["D"], m2020["S"])["type"].iloc[0]
    # rows: the 2020 units, the 2020 mean, then 2022
    assert t["kind"].tolist() == ["unit"] * 3 + ["mean"] + ["unit"] * 3 + ["mean"]
    # chosen years, zh labels, a one-group study (all East) has no separate group row
    one = sc.coordination.development_types_table(scores, years=[2022], group="region4", lang="zh")
    assert one["year"].unique().tolist() == [2022] and one["province"].tolist()[-1] == "均值"
    assert one["kind"].tolist() == ["unit"] * 3 + ["mean"]
    # thresholds 0.9 / 1.1: Tianjin 2022 (S = 0.849) is no longer synchronised
    tight = sc.coordination.development_types_table(scores, years=[2022], lower=0.9, upper=1.1).set_index("province")
    assert tight.loc["Tianjin", "type"] == "A31"
    with pytest.raises(ValueError, match=r"years \[2021\] are not in the scores"):
        sc.coordination.development_types_table(scores, years=[2021])
    with pytest.raises(ValueError, match="exactly 2 subsystems"):
        sc.coordination.development_types_table(scores.assign(S3=0.5))


def test_development_types_table_national_with_regional_means():
    rng = np.random.default_rng(0)
    codes = sc.province_table().index
    scores = pd.DataFrame({"year": np.repeat([2012, 2023], len(codes)), "province": np.tile(codes, 2),
                           "U1": rng.uniform(0.2, 0.9, 2 * len(codes)), "U2": rng.uniform(0.2, 0.9, 2 * len(codes))})
    t = sc.coordination.development_types_table(scores.set_index(["year", "province"]), group="region3",
                                               scheme="five")
    y = t[t.year == 2023]
    assert y["province"].tolist()[-4:] == ["East", "Central", "West", "National mean"]
    assert y["kind"].tolist()[-4:] == ["group mean"] * 3 + ["mean"]
    region = sc.province_table()["region3"]
    west = y[(y.kind == "unit") & (y.province.map(region) == "West")]
    assert y.set_index("province").loc["West", "D"] == pytest.approx(west["D"].mean())
    assert y.set_index("province").loc["National mean", "D"] == pytest.approx(y[y.kind == "unit"]["D"].mean())
    assert set(t["grade"]) <= set(sc.GRADE_SCHEMES["five"].labels)
    zh = sc.coordination.development_types_table(scores, group="region3", lang="zh")
    assert zh["province"].tolist()[-4:] == ["东部", "中部", "西部", "全国均值"]
    custom = sc.coordination.development_types_table(scores, mean_label="31 provinces")
    assert custom["province"].tolist()[-1] == "31 provinces"
    named = scores.assign(province=scores["province"].map(sc.province_table()["short_zh"]))  # 北京 … 新疆
    assert sc.coordination.development_types_table(named)["province"].tolist()[-1] == "National mean"
    assert sc.coordination.development_types_table(named[named.province != "西藏"])["province"].tolist()[-1] == "Mean"
