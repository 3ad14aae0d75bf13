"""DEA (issue 9): textbook examples, an independent dual check, properties, bad input.

References: W. W. Cooper, L. M. Seiford & K. Tone (2007), *Data Envelopment
Analysis: A Comprehensive Text with Models, Applications, References and
DEA-Solver Software*, 2nd ed., Springer ("CST").  The page numbers of the
printed book could not be checked here, so tables are cited by number and every
expected value is also derived by hand in the comments.
"""
import warnings

import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from scipy.optimize import linprog

from spatialccd import dea

# CST ch. 1, Table 1.1 "Single input and single output case": eight branch stores
# A–H, input = employees, output = sales.
STORES = list("ABCDEFGH")
EMPLOYEES = pd.DataFrame({"employee": [2, 3, 3, 4, 5, 5, 6, 8]}, index=STORES)
SALES = pd.DataFrame({"sale": [1, 3, 2, 3, 4, 2, 3, 5]}, index=STORES)

# CST ch. 3, Example 3.2: two inputs, one output (all outputs 1), DMUs A–F.
# (Ch. 1, Table 1.3 is the store version of the same picture.)
AF = list("ABCDEF")
X2 = pd.DataFrame({"x1": [4, 7, 8, 4, 2, 10], "x2": [3, 3, 1, 2, 4, 1]}, index=AF)
Y2 = pd.DataFrame({"y": [1.0] * 6}, index=AF)

# CST ch. 1, Table 1.5: twelve hospitals A–L, inputs doctors and nurses,
# outputs outpatients and inpatients.
HOSP = list("ABCDEFGHIJKL")
HX = pd.DataFrame({"doctors": [20, 19, 25, 27, 22, 55, 33, 31, 30, 50, 53, 38],
                   "nurses": [151, 131, 160, 168, 158, 255, 235, 206, 244, 268, 306, 284]}, index=HOSP)
HY = pd.DataFrame({"outpatients": [100, 150, 160, 180, 94, 230, 220, 152, 190, 250, 260, 250],
                   "inpatients": [90, 50, 55, 72, 66, 90, 88, 80, 100, 100, 147, 120]}, index=HOSP)


def quiet_dea(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sc.exceptions.DataQualityWarning)   # the textbook examples are small on purpose
        return dea(*args, **kw)


def test_cst_single_input_single_output_ccr():
    # CST Table 1.2 (efficiency of Table 1.1): sales/employee divided by the best ratio (B: 3/3 = 1):
    # A 1/2, B 1, C 2/3, D 3/4, E 4/5, F 2/5, G 3/6, H 5/8; B is every store's reference.
    r = quiet_dea(EMPLOYEES, SALES, model="ccr")
    expected = [0.5, 1, 2 / 3, 0.75, 0.8, 0.4, 0.5, 0.625]
    np.testing.assert_allclose(r.efficiency, expected, atol=1e-8)
    assert all(p == ["B"] for p in r.peers)
    assert list(r.efficient.index[r.efficient]) == ["B"]
    # target of C: θ*x = 2 employees for its 2 sales (CST: "0.6667 × 3 = 2")
    assert r.targets_input.loc["C", "employee"] == pytest.approx(2)


def test_store_example_bcc_scale_and_rts():
    # Worked by hand: the VRS frontier of Table 1.1 is A(2,1)–B(3,3)–E(5,4)–H(8,5).
    # Input-oriented BCC θ = (input on the frontier at the same sales)/input:
    # C: 2.5/3, D: 3/4, F: 2.5/5, G: 3/6; A, B, E, H efficient.
    r = quiet_dea(EMPLOYEES, SALES, model="bcc")
    bcc = [1, 1, 2.5 / 3, 0.75, 1, 0.5, 0.5, 1]
    ccr = [0.5, 1, 2 / 3, 0.75, 0.8, 0.4, 0.5, 0.625]
    np.testing.assert_allclose(r.efficiency, bcc, atol=1e-8)
    np.testing.assert_allclose(r.ccr, ccr, atol=1e-8)
    np.testing.assert_allclose(r.scale_efficiency, np.array(ccr) / np.array(bcc), atol=1e-8)
    # projections left of B (slope 2 > 1) are IRS, B and D, G (projected onto B) CRS, right of B DRS
    assert list(r.rts) == ["irs", "crs", "irs", "crs", "drs", "irs", "crs", "drs"]
    assert list(r.efficient.index[r.efficient]) == ["A", "B", "E", "H"]
    # output orientation, by hand: max sales at the same input on the VRS frontier
    # C: 3 (at B) → 2/3; D: 3 + 0.5 = 3.5 → 3/3.5; F: 4 → 1/2; G: 4 + 1/3 → 3/(13/3)
    out = quiet_dea(EMPLOYEES, SALES, model="bcc", orientation="output")
    np.testing.assert_allclose(out.efficiency, [1, 1, 2 / 3, 3 / 3.5, 1, 0.5, 9 / 13, 1], atol=1e-8)
    assert out.targets_output.loc["G", "sale"] == pytest.approx(13 / 3)


def test_cst_two_inputs_one_output_ccr_lambdas_slacks():
    # CST Example 3.2, by hand: the frontier is E(2,4)–D(4,2)–C(8,1), plus the horizontal
    # ray from C.  A=(4,3) meets D–E (x1 + x2 = 6) at θ = 6/7 with λD = 5/7, λE = 2/7;
    # B=(7,3) meets C–D (x1 + 4x2 = 12) at θ = 12/19 with λC = 2/19, λD = 17/19;
    # F=(10,1) has θ = 1 but lies on C's horizontal ray: input excess s1⁻ = 2 (λC = 1).
    r = quiet_dea(X2, Y2, model="ccr")
    np.testing.assert_allclose(r.efficiency, [6 / 7, 12 / 19, 1, 1, 1, 1], atol=1e-8)
    assert r.lambdas.loc["A", "D"] == pytest.approx(5 / 7) and r.lambdas.loc["A", "E"] == pytest.approx(2 / 7)
    assert r.lambdas.loc["B", "C"] == pytest.approx(2 / 19) and r.lambdas.loc["B", "D"] == pytest.approx(17 / 19)
    assert r.slacks_input.loc["F"].tolist() == pytest.approx([2, 0], abs=1e-8)
    assert r.targets_input.loc["F"].tolist() == pytest.approx([8, 1])
    assert r.peers["F"] == ["C"]
    # F is radially (weakly) efficient but not Pareto–Koopmans efficient
    assert list(r.efficient) == [False, False, True, True, True, False]
    np.testing.assert_allclose(r.targets_input.loc["A"], np.array([4, 3]) * 6 / 7, atol=1e-8)


def test_super_efficiency_andersen_petersen_by_hand():
    # Without C the frontier is E–D–F: C=(8,1) meets D–F (x1 + 6x2 = 16) at θ = 16/14;
    # without D it is E–C (x1 + 2x2 = 10): θ = 10/8; without E, D alone: θ = 4/2.
    r = quiet_dea(X2, Y2, model="ccr", super_efficiency=True)
    np.testing.assert_allclose(r.super_efficiency[["C", "D", "E"]], [16 / 14, 10 / 8, 2], atol=1e-8)
    np.testing.assert_allclose(r.super_efficiency[["A", "B"]], r.efficiency[["A", "B"]])
    # BCC input-oriented super-efficiency of H (largest sales) is infeasible: NaN and a warning
    with pytest.warns(sc.exceptions.NumericalWarning, match=r"infeasible.*\['H'\]"):
        s = quiet_dea(EMPLOYEES, SALES, model="bcc", super_efficiency=True).super_efficiency
    assert np.isnan(s["H"])


def multiplier_ccr(x, y, o):
    """CCR multiplier form (CST ch. 2): max u·y_o s.t. v·x_o = 1, u·y_j − v·x_j ≤ 0, u, v ≥ 0."""
    m, s = x.shape[1], y.shape[1]
    c = np.r_[np.zeros(m), -y[o]]
    res = linprog(c, A_ub=np.hstack([-x, y]), b_ub=np.zeros(len(x)),
                  A_eq=np.r_[x[o], np.zeros(s)][None, :], b_eq=[1], method="highs")
    return -res.fun


def test_hospitals_envelopment_equals_multiplier_dual():
    # LP duality: the envelopment θ* equals the optimum of the independently written
    # multiplier (ratio) form for every hospital of CST Table 1.5.
    r = quiet_dea(HX, HY, model="ccr")
    dual = [multiplier_ccr(HX.to_numpy(float), HY.to_numpy(float), o) for o in range(12)]
    np.testing.assert_allclose(r.efficiency, dual, atol=1e-8)
    # and output orientation under CRS gives η* = 1/θ*
    np.testing.assert_allclose(quiet_dea(HX, HY, model="ccr", orientation="output").efficiency,
                               r.efficiency, atol=1e-8)


@pytest.fixture(scope="module")
def random_data():
    rng = np.random.default_rng(42)
    x = pd.DataFrame(rng.uniform(1, 10, (40, 3)), columns=["k", "l", "m"])
    y = pd.DataFrame(x.to_numpy() @ rng.uniform(0.2, 1, (3, 2)) * rng.uniform(0.5, 1, (40, 1)),
                     columns=["y1", "y2"])
    return x, y


@pytest.mark.parametrize("orientation", ["input", "output"])
def test_properties(random_data, orientation):
    x, y = random_data
    before = (x.copy(), y.copy())
    r = dea(x, y, model="bcc", orientation=orientation)
    pd.testing.assert_frame_equal(x, before[0])
    pd.testing.assert_frame_equal(y, before[1])
    assert ((r.efficiency > 0) & (r.efficiency <= 1 + 1e-9)).all()
    assert (r.bcc >= r.ccr - 1e-9).all() and (r.scale_efficiency <= 1 + 1e-9).all()
    eff = r.efficient
    assert eff.any()
    assert np.allclose(r.efficiency[eff], 1) and np.allclose(r.slacks_input[eff], 0, atol=1e-6)
    assert np.allclose(r.slacks_output[eff], 0, atol=1e-6)
    assert set(r.rts) <= {"crs", "irs", "drs"} and (r.rts[np.isclose(r.ccr, r.bcc)] == "crs").all()
    # the λ-combination of peers reproduces the targets
    np.testing.assert_allclose(r.lambdas.to_numpy() @ x.to_numpy(), r.targets_input, atol=1e-6)
    np.testing.assert_allclose(r.lambdas.to_numpy() @ y.to_numpy(), r.targets_output, atol=1e-6)
    # projecting an inefficient unit onto its target makes it efficient
    worst = r.efficiency.idxmin()
    xp, yp = x.copy(), y.copy()
    xp.loc[worst], yp.loc[worst] = r.targets_input.loc[worst], r.targets_output.loc[worst]
    assert dea(xp, yp, model="bcc", orientation=orientation).efficient[worst]


def test_unit_invariance(random_data):
    x, y = random_data
    scale_x, scale_y = np.array([1e3, 0.01, 7.0]), np.array([1e-4, 250.0])
    a = dea(x, y, model="ccr")
    b = dea(x * scale_x, y * scale_y, model="ccr")
    np.testing.assert_allclose(a.efficiency, b.efficiency, atol=1e-7)
    np.testing.assert_allclose(a.bcc, b.bcc, atol=1e-7)
    # Example 3.2's slack is unique, so it rescales with its input
    s = quiet_dea(X2 * [1000, 3], Y2 * 5, model="ccr")
    assert s.slacks_input.loc["F", "x1"] == pytest.approx(2000)


def test_slacks_off_gives_radial_targets():
    r = quiet_dea(X2, Y2, model="ccr", slacks=False)
    assert r.slacks_input is None and "slack_x1" not in r.to_frame()
    np.testing.assert_allclose(r.targets_input.loc["F"], [10, 1])
    assert r.efficient["F"]   # radial only: F counts as efficient without the slack phase


def test_arrays_and_alignment():
    r = quiet_dea(X2.to_numpy(), Y2.to_numpy()[:, 0], model="ccr")
    assert list(r.targets_input.columns) == ["x1", "x2"] and list(r.efficiency.index) == list(range(6))
    shuffled = quiet_dea(X2, Y2.iloc[::-1], model="ccr")
    np.testing.assert_allclose(shuffled.efficiency, quiet_dea(X2, Y2, model="ccr").efficiency)
    frame = shuffled.to_frame()
    assert {"efficiency", "ccr", "bcc", "scale_efficiency", "rts", "slack_x1", "target_y", "peers"} <= set(frame)


def test_bad_input():
    with pytest.raises(ValueError, match=r"'C', 'x2', 0\.0"):
        quiet_dea(X2.assign(x2=[3, 3, 0, 2, 4, 1]), Y2)
    with pytest.raises(ValueError, match=r"outputs.*'B', 'y', -1\.0"):
        quiet_dea(X2, Y2.assign(y=[1, -1, 1, 1, 1, 1]))
    with pytest.raises(ValueError, match=r"'A', 'x1', nan"):
        quiet_dea(X2.assign(x1=[np.nan, 7, 8, 4, 2, 10]), Y2)
    with pytest.warns(UserWarning, match=r"only 6 units for 2 inputs and 1 outputs.*9"):
        dea(X2, Y2)
    with pytest.raises(ValueError, match="model must be"):
        dea(X2, Y2, model="sbm")
    with pytest.raises(ValueError, match="orientation must be"):
        dea(X2, Y2, orientation="both")
    with pytest.raises(ValueError, match="different units"):
        quiet_dea(X2, Y2.rename(index={"F": "Z"}))


def test_summary_and_too_few_units():
    """Issue 14: DEAResult has summary() / _repr_html_ / to_frame(); issue 16: fewer units than
    inputs + outputs stops before solving."""
    from spatialccd.summary import Summary

    r = quiet_dea(HX, HY, model="ccr", super_efficiency=True)
    s = r.summary()
    assert isinstance(s, Summary) and s.title == "Data envelopment analysis: CCR (constant returns), input orientation"
    facts = dict(s.facts)
    assert facts["DMUs"] == "12" and facts["Strongly efficient"] == str(int(r.efficient.sum()))
    table = s.tables[0][1]
    assert list(table.columns) == ["efficiency", "super-efficiency", "CCR", "BCC", "scale", "RTS", "efficient"]
    pd.testing.assert_series_equal(table["efficiency"], r.efficiency)
    assert "Efficiency by DMU" in r._repr_html_() and "CCR (constant returns)" in str(r)
    assert r.to_frame().loc["A", "efficiency"] == r.efficiency["A"]
    with pytest.raises(ValueError, match=r"at least as many units as inputs \+ outputs \(2 \+ 2 = 4\), got 3"):
        dea(HX.iloc[:3], HY.iloc[:3])
