"""Panel LM tests (issue 7) against R splm::slmtest and a brute-force Kronecker computation.

Reference: ../shared/reference/produc_lm_tests.json (R 4.2.2, splm 1.6-5, plm 2.6-2), Produc with
usaww (fixture ``produc``); model log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp.
"""
import numpy as np
import pytest
from conftest import load_reference
from scipy import stats

import spatialccd as sc
from spatialccd.models.lmtests import TEST_NAMES, lm_statistics, trace_term

F = "lgsp ~ lpcap + lpc + lemp + unemp"
KW = dict(unit="state", time="year")
SPECS = {"pooling": "none", "within_individual": "individual", "within_time": "time", "within_twoways": "twoways"}
KEYS = ("lml", "lme", "rlml", "rlme")


@pytest.mark.parametrize("key", list(SPECS))
def test_lm_tests_match_splm(produc, key):
    ref = load_reference("produc_lm_tests.json")["slmtest"][key]
    df, w = produc
    out = sc.lm_tests(df, F, w, effects=SPECS[key], lag_convention="splm", **KW).to_frame()
    assert list(out.index) == list(TEST_NAMES)
    np.testing.assert_allclose(out["stat"], [ref[k]["statistic"] for k in KEYS], rtol=1e-6)
    np.testing.assert_allclose(out["pvalue"], [ref[k]["p_value"] for k in KEYS], rtol=1e-5)
    assert (out["df"] == 1).all()


@pytest.mark.parametrize("key", ["pooling", "within_individual"])
def test_default_convention_equals_splm_without_time_effects(produc, key):
    """Without time effects Q(I⊗W) = (I⊗W)Q on the relevant vectors: the exact default reproduces splm."""
    ref = load_reference("produc_lm_tests.json")["slmtest"][key]
    df, w = produc
    out = sc.lm_tests(df, F, w, effects=SPECS[key], **KW).to_frame()
    np.testing.assert_allclose(out["stat"], [ref[k]["statistic"] for k in KEYS], rtol=1e-6)


def test_conventions_differ_only_through_J(produc):
    """With time effects and row-standardised W, LM-error is convention-free; the lag tests differ
    by the documented amounts (module docstring of spatialccd.models.lmtests)."""
    df, w = produc
    for eff, lag, rlag in (("time", (0.8979, 0.8989), (4.663, 4.669)), ("twoways", (69.166, 69.259), (9.717, 9.737))):
        splm_t = sc.lm_tests(df, F, w, effects=eff, lag_convention="splm", **KW)
        exact_t = sc.lm_tests(df, F, w, effects=eff, **KW)
        splm, exact = splm_t.to_frame(), exact_t.to_frame()
        assert exact.loc["LM-error", "stat"] == pytest.approx(splm.loc["LM-error", "stat"], rel=1e-12)
        assert (splm_t.J > exact_t.J) and splm_t.T_W == exact_t.T_W
        assert (splm.loc["LM-lag", "stat"], exact.loc["LM-lag", "stat"]) == pytest.approx(lag, abs=1e-3)
        assert (splm.loc["robust LM-lag", "stat"], exact.loc["robust LM-lag", "stat"]) == pytest.approx(
            rlag, abs=1e-3)


def test_exact_convention_equals_kronecker_brute_force(produc):
    """Two-way effects: build Q and I_T⊗W as dense NT×NT matrices and apply the textbook formulas."""
    df, w = produc
    model = sc.SpatialPanelModel(df, F, w, kind="slx", durbin=[], effects="twoways", **KW)
    d = model.design
    N, T = d.N, d.T
    Wd = d.W.toarray()
    big_w = np.kron(np.eye(T), Wd)
    Q = np.kron(np.eye(T) - 1 / T, np.eye(N)) @ np.kron(np.eye(T), np.eye(N) - 1 / N)  # time-major: I_T⊗… per period
    ys, Xs = Q @ d.y, Q @ d.X
    b = np.linalg.lstsq(Xs, ys, rcond=None)[0]
    e = ys - Xs @ b
    s2 = e @ e / (N * T)
    M = np.eye(N * T) - Xs @ np.linalg.solve(Xs.T @ Xs, Xs.T)
    wxb = Q @ big_w @ d.X @ b
    tw = np.trace(big_w.T @ big_w + big_w @ big_w)
    J = (wxb @ M @ wxb + tw * s2) / s2
    lag = (e @ Q @ big_w @ d.y / s2) ** 2 / J
    err = (e @ Q @ big_w @ (d.y - d.X @ b) / s2) ** 2 / tw
    out = sc.lm_tests(df, F, w, effects="twoways", **KW).to_frame()
    assert out.loc["LM-lag", "stat"] == pytest.approx(lag, rel=1e-9)
    assert out.loc["LM-error", "stat"] == pytest.approx(err, rel=1e-9)
    assert trace_term(d.W, T) == pytest.approx(tw, rel=1e-12)


def test_pvalues_are_chi2_and_bad_input(produc):
    df, w = produc
    out = sc.lm_tests(df, F, w, effects="individual", **KW).to_frame()
    np.testing.assert_allclose(out["pvalue"], stats.chi2.sf(out["stat"], 1))
    with pytest.raises(ValueError, match="effects must be one of"):
        sc.lm_tests(df, F, w, effects="both", **KW).to_frame()
    with pytest.raises(ValueError, match="lag_convention"):
        sc.lm_tests(df, F, w, lag_convention="R", **KW).to_frame()
    with pytest.raises(ValueError, match="no links"):
        e = np.ones(4)
        lm_statistics(e, np.ones((4, 1)), e, e, e, 0.0)
