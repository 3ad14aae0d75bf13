"""The model family in a study (issue 19): ``[sdm] kind`` (SAR, SEM, SAC, GNS), ``[sdm] dynamic`` with its
bias corrections, ``[tests] bayesian = true``, and their bad input.

Every study runs on the bundled simulated demo panel (or a CSV built from it) and its numbers are
compared with the Python API called on the same data and weights (``sc.load_demo()``,
``sc.weights.contiguity()``: the study's default W), to machine precision; the reference for the API
itself is in tests/test_sac.py, tests/test_dynamic.py and tests/test_bayes.py.
"""
from __future__ import annotations

import html
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd.exceptions import IdentificationWarning, IslandWarning, StationarityWarning, StudyError
from spatialccd.messages import message
from spatialccd.models import SpatialPanelModel
from spatialccd.study import Study

from report_text import PROPER, WORD, english_words, read_report

F = "outcome ~ lngdp + edu + aged65 + urban + gov_digital"
DRAWS = 100
#: the [tests] chain's Hausman test on the demo panel (not what these tests are about)
pytestmark = pytest.mark.filterwarnings("ignore::spatialccd.exceptions.HausmanWarning")
#: the explosive panel's jumps are what it is made for: the data-quality screen is off
EXPLOSIVE_DATA = '[data]\npath = "panel.csv"\nquality = { screen = false }\n'


def _text(sdm: str = "", tests: str | None = None, data: str = "demo = true", weights: str = "",
          lang: str = "en") -> str:
    parts = [f"[data]\n{data}\n", f'[sdm]\nformula = "{F}"\nn_draws = {DRAWS}\nseed = 3\n{sdm}\n']
    if tests is not None:
        parts.append(f"[tests]\n{tests}\n")
    if weights:
        parts.append(f"[weights]\n{weights}\n")
    parts.append(f'[report]\nlang = "{lang}"\n')
    return "\n".join(parts)


def _run(tmp_path, text: str, name: str = "out", base_dir=None):
    study = Study.from_string(text, base_dir=base_dir or tmp_path, source="models.toml")
    return study, study.run(tmp_path / name, quiet=True)


def _html(result) -> str:
    """The report's HTML with the entities decoded (``&`` of "LeSage & Pace" is ``&amp;`` in the file)."""
    return html.unescape(result.report_path.read_text(encoding="utf-8"))


def _same_fit(study_res, api_res, *, rtol=1e-10):
    pd.testing.assert_series_equal(study_res.params, api_res.params, rtol=rtol, atol=1e-12)
    pd.testing.assert_series_equal(study_res.bse, api_res.bse, rtol=rtol, atol=1e-12)
    assert study_res.llf == pytest.approx(api_res.llf, rel=1e-12)


def _same_impacts(a, b):
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def demo():
    return sc.load_demo(), sc.weights.contiguity()


# -- static kinds through the model cache -------------------------------------------------------
def test_sar_kind_equals_the_api_and_is_fitted_once(tmp_path, demo):
    df, w = demo
    _study, result = _run(tmp_path, _text('kind = "sar"', tests='effects = "twoways"'))
    step = result.results["sdm"]
    api = SpatialPanelModel(df, F, w, kind="sar", effects="twoways").fit()
    _same_fit(step.result, api)
    _same_impacts(step.impacts, api.impacts(n_draws=DRAWS, seed=3))
    assert step.result is result.results["tests"].comparison["SAR"]   # one fit for the section and the comparison
    table = result.tables["model_sar"]
    assert "Spatial lag model (SAR)" in table.title and "Direct effects" in table.frame.index.get_level_values(0)
    assert any("Specification: SAR, effects = two-way FE, bias correction = none, lag convention = exact" in n
               for n in table.notes)
    page = _html(result)
    assert 'id="sdm"' in page and "Spatial lag model (SAR)" in page
    assert table.frame.loc[("Spatial parameters", "ρ")].iloc[0] == f"{api.params['rho']:.3f}***"


def test_sem_kind_has_no_effects_table_and_says_why(tmp_path, demo):
    df, w = demo
    _study, result = _run(tmp_path, _text('kind = "sem"\neffects = "individual"'))
    step = result.results["sdm"]
    _same_fit(step.result, SpatialPanelModel(df, F, w, kind="sem", effects="individual").fit())
    assert step.impacts is None and "effects" not in result.figures
    assert "its direct effects equal the coefficients" in _html(result)


# -- SAC and GNS -----------------------------------------------------------------------------------
def test_sac_equals_the_api(tmp_path, demo):
    df, w = demo
    _study, result = _run(tmp_path, _text('kind = "sac"\nlag_convention = "splm"'))
    step = result.results["sdm"]
    api = sc.sac(df, F, w, lag_convention="splm")
    _same_fit(step.result, api)
    assert step.result.lam == pytest.approx(api.lam, rel=1e-12)
    _same_impacts(step.impacts, api.impacts(n_draws=DRAWS, seed=3))
    table = result.tables["model_sac"]
    assert "λ" in table.frame.index.get_level_values(1) and "Direct effects" in table.frame.index.get_level_values(0)
    assert any("lag convention = splm" in n for n in table.notes)
    assert any(n.startswith("Error process u = λMu + ε with M = W") for n in table.notes)


def test_gns_with_m_equal_w_warns_and_the_report_says_so(tmp_path, demo):
    df, w = demo
    with pytest.warns(IdentificationWarning, match="weakly identified"):
        _study, result = _run(tmp_path, _text('kind = "gns"'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IdentificationWarning)
        api = sc.gns(df, F, w)
    _same_fit(result.results["sdm"].result, api)
    caution = message("mf_p_gns_identification", "en")
    assert caution.split(";")[0] in _html(result)
    assert any("weakly identified" in line for line in result.log)   # and in the run log


def test_gns_with_its_own_error_weights(tmp_path, demo):
    df, w = demo
    with warnings.catch_warnings():
        warnings.simplefilter("error", IdentificationWarning)   # M ≠ W: no identification warning
        _study, result = _run(tmp_path, _text('kind = "gns"\nerror_weights = "knn"', weights="k = 5"))
    api = sc.gns(df, F, w, m=sc.weights.knn(k=5))
    _same_fit(result.results["sdm"].result, api)
    assert not result.results["sdm"].result.m_is_w
    assert any("M = 5 nearest neighbours, row-standardised" in n for n in result.tables["model_gns"].notes)
    assert message("mf_p_gns_identification", "en").split(";")[0] not in _html(result)


# -- dynamic models --------------------------------------------------------------------------------
def test_dynamic_sdm_equals_the_api_with_short_and_long_run_effects(tmp_path, demo):
    df, w = demo
    sdm = 'dynamic = "both"\neffects = "individual"\nbias_correction = "yu-de-jong-lee"'
    _study, result = _run(tmp_path, _text(sdm))
    step = result.results["sdm"]
    api = sc.dynamic_panel(df, F, w, kind="sdm", dynamic="both", effects="individual",
                           bias_correction="yu-de-jong-lee")
    _same_fit(step.result, api)
    pd.testing.assert_series_equal(step.result.uncorrected, api.uncorrected, rtol=1e-10)
    _same_impacts(step.impacts, api.impacts("short-run", n_draws=DRAWS, seed=3))
    _same_impacts(step.long_run, api.impacts("long-run", n_draws=DRAWS, seed=3))
    assert (step.impacts.horizon, step.long_run.horizon) == ("short-run", "long-run")
    coef = result.tables["model_dynamic_sdm"]
    assert list(coef.frame.columns) == ["dynamic SDM (unit FE)", "Before the bias correction"]
    assert {"τ · y(t−1)", "η · W y(t−1)"} <= set(coef.frame.index.get_level_values(1))
    notes = " ".join(coef.notes)
    assert "bias correction = Yu–de Jong–Lee (2008)" in notes and "lag convention = exact" in notes
    assert "first period (2012); T = 11" in notes
    effects = result.tables["effects_short_long_run"]
    assert list(effects.frame.columns) == ["Short run", "Long run"]
    total = effects.frame.loc[("Total effects", "lngdp")]
    assert total.tolist() == [f"{api.impacts('short-run', n_draws=DRAWS, seed=3).total.at['lngdp', 'estimate']:.3f}***",
                              f"{api.impacts('long-run', n_draws=DRAWS, seed=3).total.at['lngdp', 'estimate']:.3f}***"]
    assert {"effects", "effects_long_run"} <= set(result.figures)
    assert "The estimated process is stationary" in _html(result)


def test_dynamic_sar_lee_yu_two_way(tmp_path, demo):
    df, w = demo
    _study, result = _run(tmp_path, _text('kind = "sar"\ndynamic = "ylag"\nbias_correction = "lee-yu"'))
    api = sc.dynamic_panel(df, F, w, kind="sar", dynamic="ylag", effects="twoways", bias_correction="lee-yu")
    _same_fit(result.results["sdm"].result, api)
    assert "tau" in api.params.index and "eta" not in api.params.index


def _explosive_csv(tmp_path, demo, *, years=None) -> str:
    """The demo's provinces and ``urban`` with y_t = 1.08 y_{t−1} + 0.2 W y_t + 0.05 urban_t + μ + ε."""
    df, w = demo
    p = sc.PanelData(df, unit="province", time="year")
    W = p.weights_matrix(w).toarray()
    rng = np.random.default_rng(7)
    x, mu = p.matrix("urban"), rng.standard_normal(p.N)
    y = np.zeros((p.N, p.T))
    y[:, 0] = rng.standard_normal(p.N)
    for t in range(1, p.T):
        y[:, t] = np.linalg.solve(np.eye(p.N) - 0.2 * W, 1.08 * y[:, t - 1] + 0.05 * x[:, t] + mu
                                  + 0.3 * rng.standard_normal(p.N))
    cell = {(u, t): y[i, j] for i, u in enumerate(p.units) for j, t in enumerate(p.times)}
    frame = df[["province", "year", "urban"]].assign(y=[cell[k] for k in zip(df["province"], df["year"])])
    if years is not None:
        frame = frame[frame["year"].isin(years)]
    frame.to_csv(tmp_path / "panel.csv", index=False)
    return frame


def test_non_stationary_estimates_are_reported_not_accepted(tmp_path, demo):
    frame = _explosive_csv(tmp_path, demo)
    text = EXPLOSIVE_DATA + '\n[sdm]\nformula = "y ~ urban"\nkind = "sar"\ndynamic = "ylag"\neffects = "individual"\n'
    text += "n_draws = 50\n"

    with pytest.warns(StationarityWarning, match="outside the stationary region"):
        _study, result = _run(tmp_path, text)
    step = result.results["sdm"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StationarityWarning)
        api = sc.dynamic_panel(frame, "y ~ urban", demo[1], kind="sar", dynamic="ylag", effects="individual")
    _same_fit(step.result, api)
    assert not step.result.stationarity.stable and step.long_run is None
    page = _html(result)
    assert "Warning: the estimates are NOT stationary" in page
    assert f"{api.stationarity.spectral_radius:.4f}" in page
    coef = result.tables["model_dynamic_sar"].frame
    assert coef.loc[("Fit statistics", "Stationarity")].iloc[0] == "NOT stationary"
    effects = result.tables["effects_short_long_run"]
    assert list(effects.frame.columns) == ["Short run"]
    assert any(n.startswith("Long-run effects are not computed: 1 − τ − ρ − η = -") for n in effects.notes)


def test_dynamic_model_with_two_periods_in_the_data_stops_naming_the_key(tmp_path, demo):
    _explosive_csv(tmp_path, demo, years=[2022, 2023])
    text = EXPLOSIVE_DATA + '\n[sdm]\nformula = "y ~ urban"\nkind = "sar"\ndynamic = "ylag"\n'
    with pytest.raises(StudyError, match=r"\[sdm\] dynamic = 'ylag': a dynamic panel needs at least 3 periods.*"
                                         r"T = 2") as exc:
        _run(tmp_path, text)
    assert (exc.value.table, exc.value.key) == ("sdm", "dynamic")
    assert not (tmp_path / "out").exists()


# -- Bayesian comparison ----------------------------------------------------------------------------
@pytest.mark.parametrize("fixed_effects", [None, "integrated"])
def test_bayesian_comparison_equals_the_api(tmp_path, demo, fixed_effects):
    df, w = demo
    tests = 'effects = "twoways"\nbayesian = true\n' + (f'fixed_effects = "{fixed_effects}"' if fixed_effects else "")
    _study, result = _run(tmp_path, _text("", tests=tests))
    comparison = result.results["bayes"].comparison
    api = sc.bayesian_comparison(df, F, w, effects="twoways", fixed_effects=fixed_effects)
    assert comparison.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    pd.testing.assert_frame_equal(comparison.to_frame(), api.to_frame(), rtol=1e-10)
    table = result.tables["bayes_comparison"]
    assert list(table.frame.index) == ["OLS", "SLX", "SAR", "SDM", "SEM", "SDEM"]
    assert table.frame["posterior probability"].sum() == pytest.approx(1.0)
    fe_note = "integrated out under a flat prior" if fixed_effects else "Lee–Yu (2010) orthonormal transformation"
    assert any(fe_note in n for n in table.notes)
    page = _html(result)
    ids = re.findall(r'<section[^>]* id="([^"]+)"', page)
    assert ids[ids.index("tests") + 1] == "bayes"   # right after the specification tests
    assert f"favour the {api.best.upper()}" in page


def test_bayesian_comparison_with_islands_states_what_is_done(tmp_path, demo):
    df, _ = demo
    tests = 'effects = "individual"\nbayesian = true'
    with pytest.warns(IslandWarning):
        _study, result = _run(tmp_path, _text("", tests=tests, weights='islands = "keep"'))
    assert result.results["bayes"].isolates == ("46",)   # Hainan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        api = sc.bayesian_comparison(df, F, sc.weights.contiguity(islands="keep"), effects="individual")
    pd.testing.assert_frame_equal(result.results["bayes"].comparison.to_frame(), api.to_frame(), rtol=1e-10)
    assert "Units without a neighbour in W: Hainan. In every family their spatial lag is zero" in _html(result)


def test_bayesian_comparison_with_islands_and_time_effects_stops(tmp_path):
    text = _text("", tests='effects = "twoways"\nbayesian = true', weights='islands = "keep"')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)
        with pytest.raises(StudyError, match=r"\[tests\] bayesian: .*row-standardised W.*Units without neighbours: "
                                             r"\['46'\]") as exc:
            _run(tmp_path, text)
    assert (exc.value.table, exc.value.key) == ("tests", "bayesian")


# -- bad input, before anything runs --------------------------------------------------------------------
BAD = [
    ('kind = "sarar"', None, "data", ("sdm", "kind"), r"\[sdm\] kind = 'sarar' is not allowed"),
    ('bias_correction = "yu-de-jong-lee"', None, "data", ("sdm", "bias_correction"),
     r"is the bias correction of a dynamic panel"),
    ('dynamic = "both"', None, "years = [2022, 2023]", ("sdm", "dynamic"),
     r"at least 3 periods .* \[data\] years = \[2022, 2023\] keeps at most 2"),
    ('dynamic = "lags"', None, "data", ("sdm", "dynamic"), r"allowed values: ylag, wylag, both"),
    ('kind = "sac"\ndynamic = "ylag"', None, "data", ("sdm", "dynamic"), r"is a SAR or an SDM; kind = 'sac'"),
    ('dynamic = "ylag"\neffects = "individual"\nbias_correction = "lee-yu"', None, "data",
     ("sdm", "bias_correction"), r"'lee-yu' does not apply .* allowed here: none, yu-de-jong-lee"),
    ('dynamic = "ylag"\nbias_correction = "elhorst"', None, "data", ("sdm", "bias_correction"), r"does not apply"),
    ('dynamic = "ylag"\nlag_convention = "splm"', None, "data", ("sdm", "lag_convention"), r"raw data"),
    ('kind = "sac"\nbias_correction = "elhorst"', None, "data", ("sdm", "bias_correction"), r"not for SAC/GNS"),
    ('kind = "sar"\nerror_weights = "knn"', None, "data", ("sdm", "error_weights"), r"kind = 'sar' has none"),
    ('kind = "sac"\nerror_weights = "rook"', None, "data", ("sdm", "error_weights"), r"allowed values: contiguity"),
    ('kind = "sar"\nby_region = "region4"', None, "data", ("sdm", "by_region"), r"fits the static SDM"),
    ('dynamic = "ylag"\nrobustness_weights = ["knn"]', None, "data", ("sdm", "robustness_weights"),
     r"fits the static SDM and cannot accompany kind = 'sdm' with dynamic = 'ylag'"),
    ("", 'fixed_effects = "integrated"', "data", ("tests", "fixed_effects"), r"set bayesian = true"),
    ("", 'bayesian = true\nfixed_effects = "flat"', "data", ("tests", "fixed_effects"),
     r"allowed values: lee-yu, integrated"),
]


@pytest.mark.parametrize("sdm, tests, data, where, match", BAD, ids=[f"{b[3][0]}.{b[3][1]}-{i}"
                                                                       for i, b in enumerate(BAD)])
def test_bad_input_names_the_table_and_key(tmp_path, sdm, tests, data, where, match):
    data = "demo = true" if data == "data" else f"demo = true\n{data}"
    with pytest.raises(StudyError, match=match) as exc:
        Study.from_string(_text(sdm, tests=tests, data=data), source="bad.toml")
    assert (exc.value.table, exc.value.key) == where
    assert f"[{where[0]}]" in str(exc.value)


def test_settings_of_a_model_family_study_run_again(tmp_path):
    study = Study.from_string(_text('kind = "gns"\nerror_weights = "distance"',
                                    tests="bayesian = true"), source="s.toml")
    again = Study.from_string(study.settings_toml(), source="settings.toml")
    assert again.spec["sdm"] == study.spec["sdm"]
    assert again.spec["tests"]["bayesian"] and again.spec["tests"]["fixed_effects"] is None


def test_static_comparison_of_a_dynamic_study_uses_no_dynamic_correction(tmp_path):
    sdm = 'dynamic = "ylag"\neffects = "individual"\nbias_correction = "yu-de-jong-lee"'
    _study, result = _run(tmp_path, _text(sdm, tests='effects = "individual"'))
    comparison = result.results["tests"].comparison
    assert {m.bias_correction for m in comparison.values()} == {None}
    assert result.results["sdm"].result.bias_correction == "yu-de-jong-lee"
    assert any("bias correction = none" in n for n in result.tables["model_comparison"].notes)


# -- language -----------------------------------------------------------------------------------------------
def test_chinese_report_of_the_model_family_has_no_english_outside_names(tmp_path):
    sdm = 'dynamic = "both"\neffects = "individual"\nbias_correction = "yu-de-jong-lee"'
    study, result = _run(tmp_path, _text(sdm, tests='effects = "individual"\nbayesian = true', lang="zh"))
    with pytest.warns(IdentificationWarning):
        _s2, gns = _run(tmp_path, _text('kind = "gns"', lang="zh"), name="gns")
    _s3, sac = _run(tmp_path, _text('kind = "sac"\nerror_weights = "distance"', lang="zh"), name="sac")
    # proper names of this family: model acronyms, authors (Yu, de Jong & Lee; Debarsy, Ertur & LeSage)
    names = PROPER | {"SAC", "GNS", "OLS", "Jong", "Lee", "Debarsy", "Ertur"}
    user = " ".join([study.spec["title"], " ".join(result.data.columns), F])
    allowed = names | set(WORD.findall(user))
    for res in (result, gns, sac):
        english = english_words(" ".join(read_report(res.report_path).text), allowed)
        assert english == [], english
    page = _html(result)
    assert "模型族的贝叶斯比较" in page and "动态空间杜宾模型（SDM）" in page and "短期" in page and "长期" in page
    assert "当 M = W 时 GNS 仅为弱识别" in _html(gns)
    assert "误差过程 u = λMu + ε，M = 反距离（幂 1.0），行标准化。" in _html(sac)
