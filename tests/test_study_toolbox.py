"""The toolbox of issue 20 in a study: ``[markov]``, ``[hotspots]``, ``[bivariate]``, ``[detector]``, ``[gwr]``,
``[centrography]`` and ``[topsis]`` — their report sections, tables and figures, and bad keys.

Every study runs on the bundled simulated demo panel; its numbers are compared with the Python API called
on the same input — the study's own panel (``StudyResult.data``: the data with D, C, T and the subsystem
scores) and the study's default W (``sc.weights.contiguity()``) — to machine precision.  The references
for the API itself (giddy, esda, mgwr, pointpats, hand-worked examples) are in tests/test_markov.py,
tests/test_hotspots.py and the other analysis tests.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd.exceptions import StudyError
from spatialccd.study import Study

from report_text import PROPER, WORD, english_words, read_report

#: the [indicators] of a small study: two subsystems, so D, C, T and the scores health, digital exist
BASE = """title = "toolbox"

[data]
demo = true

[indicators.health]
beds_per_1k = "+"
physicians_per_1k = "+"
health_exp_pc = "+"
infant_mortality = "-"

[indicators.digital]
broadband_per_100 = "+"
internet_share = "+"
digital_finance = "+"
rural_urban_net_gap = "-"
"""
INDICATORS = ["beds_per_1k", "physicians_per_1k", "health_exp_pc", "infant_mortality", "broadband_per_100",
              "internet_share", "digital_finance", "rural_urban_net_gap"]
FACTORS = ["lngdp", "edu", "aged65", "urban", "gov_digital"]


def _text(table: str, lang: str = "en", base: str = BASE) -> str:
    return f'{base}\n{table}\n\n[report]\nlang = "{lang}"\n'


def _run(tmp_path, table: str, *, lang: str = "en", name: str = "out"):
    study = Study.from_string(_text(table, lang), source="toolbox.toml")
    result = study.run(tmp_path / name, quiet=True)
    # the settings as run are themselves a valid study file (defaults filled in)
    Study.from_string((result.output / "settings.toml").read_text(encoding="utf-8"), source="settings.toml")
    return study, result


def _bad(table: str, key: str, match: str | None = None, *, base: str = BASE):
    """The study file is refused before anything runs, naming the table and the key."""
    with pytest.raises(StudyError, match=match) as err:
        Study.from_string(_text(table, base=base), source="bad.toml")
    assert (err.value.table, err.value.key) == (table.split("]")[0].strip("["), key), str(err.value)


def _fails(tmp_path, table: str, key: str, match: str | None = None):
    """The study runs, and stops in the toolbox step naming the table and the key."""
    study = Study.from_string(_text(table), source="bad.toml")
    with pytest.raises(StudyError, match=match) as err:
        study.run(tmp_path / "bad", quiet=True)
    assert (err.value.table, err.value.key) == (table.split("]")[0].strip("["), key), str(err.value)
    assert not (tmp_path / "bad").exists()


def _no_english(study, result) -> None:
    """A Chinese report has no English word outside proper names and the user's own names (the rule of
    tests/test_study.py::test_chinese_report_has_no_english_outside_names)."""
    parser = read_report(result.report_path)
    system = study.spec["indicators"].table()
    user = " ".join([study.spec["title"], " ".join(system.index), " ".join(system["subsystem"]),
                     " ".join(result.data.columns)])
    english = english_words(" ".join(parser.text), PROPER | set(WORD.findall(user)))
    assert english == [], english


def _section(result, section: str, tables: list[str], figures: list[str]) -> str:
    html = result.report_path.read_text(encoding="utf-8")
    assert f'id="{section}"' in html
    for name in tables:
        assert name in result.tables and f'id="tbl-{name}"' in html, name
        assert (result.output / "tables" / f"{name}.csv").stat().st_size > 0
    for name in figures:
        assert name in result.figures, name
        assert (result.output / "figures" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    return html


@pytest.fixture(scope="module")
def w():
    return sc.weights.contiguity()


def _data(result) -> pd.DataFrame:
    """The study's panel (data + D, C, T, U…) as a long frame: the API's input."""
    return result.data


def _means(result, columns) -> pd.DataFrame:
    return _data(result).groupby("province")[list(columns)].mean()


# -- [markov] ---------------------------------------------------------------------------------------
def test_markov_section_equals_the_api(tmp_path, w):
    from spatialccd.markov import lisa_markov, spatial_markov

    _, result = _run(tmp_path, '[markov]\ncolumn = "D"\nk = 3\nlisa = true\n')
    _section(result, "markov", ["markov", "markov_steady", "markov_tests", "lisa_markov", "lisa_markov_types"],
             ["markov_heatmaps"])
    api = spatial_markov(_data(result), "D", w, classes="quantile", k=3)
    step = result.results["markov"]
    np.testing.assert_array_equal(step.spatial.counts, api.counts)
    np.testing.assert_allclose(result.tables["markov"].frame.to_numpy(float), api.table(decimals=None).to_numpy(float),
                               rtol=0, atol=1e-12)
    tests = result.tables["markov_tests"].frame.to_numpy(float)
    np.testing.assert_allclose(tests[:, 0], [api.Q.stat, api.LR.stat], rtol=1e-12)
    np.testing.assert_allclose(tests[:, 2], [api.Q.pvalue, api.LR.pvalue], rtol=1e-10, atol=1e-300)
    steady = result.tables["markov_steady"].frame
    np.testing.assert_allclose(steady.iloc[0].to_numpy(float), api.classic.steady_state.to_numpy(), atol=1e-12)
    lm = lisa_markov(_data(result), "D", w)
    assert result.tables["lisa_markov_types"].frame.iloc[:, 0].tolist() == lm.types["count"].tolist()
    np.testing.assert_allclose(result.tables["lisa_markov"].frame.to_numpy(float),
                               lm.table(decimals=None).to_numpy(float), atol=1e-12)


def test_markov_grade_classes_in_chinese(tmp_path, w):
    from spatialccd.markov import spatial_markov

    study, result = _run(tmp_path, '[markov]\nclasses = "grade"\n', lang="zh")
    _no_english(study, result)
    api = spatial_markov(_data(result), "D", w, classes="grade", scheme="ten")
    frame = result.tables["markov"].frame
    assert list(frame.columns[1:]) == list(api.classic.labels_zh)   # the grade names, in Chinese
    np.testing.assert_allclose(frame.to_numpy(float), api.table(decimals=None).to_numpy(float), atol=1e-12)
    assert "lisa_markov" not in result.tables   # lisa = false by default


def test_markov_bad_keys(tmp_path):
    _bad('[markov]\nclasses = "grade"\nk = 4\n', "k", "quantile classes")
    _bad("[markov]\nk = 1\n", "k", ">= 2")
    _bad('[markov]\nclasses = "jenks"\n', "classes", "allowed values")
    _bad('[markov]\nlisa = "yes"\n', "lisa")
    _fails(tmp_path, '[markov]\ncolumn = "nope"\n', "column", "not a column")


# -- [hotspots] and [bivariate] ---------------------------------------------------------------------
def test_hotspots_section_equals_the_api(tmp_path, w):
    from spatialccd.hotspots import hot_spots_by_year

    table = '[hotspots]\ncolumn = "D"\nyears = [2015]\npermutations = 49\nseed = 7\nalpha = 0.1\nadjust = "fdr"\n'
    _, result = _run(tmp_path, table)
    _section(result, "hotspots", ["hot_spots", "hot_spots_units"], ["hot_spot_maps"])
    api = hot_spots_by_year(_data(result), "D", w, permutations=49, seed=7, alpha=0.1, adjust="fdr")
    pd.testing.assert_frame_equal(result.results["hotspots"].result.frame, api.frame, rtol=1e-12)
    np.testing.assert_array_equal(result.tables["hot_spots"].frame.to_numpy(), api.table().to_numpy())
    units = result.tables["hot_spots_units"].frame
    y2015 = api.frame.xs(2015, level=0)
    np.testing.assert_allclose(units.iloc[:, 1].to_numpy(float), y2015["z"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(units.iloc[:, 2].to_numpy(float), y2015["p_adjusted"].to_numpy(), rtol=1e-12)


def test_hotspots_bad_keys(tmp_path):
    _bad("[hotspots]\npermutations = 0\n", "permutations", "permutation")
    _bad("[hotspots]\nalpha = 1.5\n", "alpha", r"\(0, 1\)")
    _bad('[hotspots]\nadjust = "holm"\n', "adjust", "allowed values")
    _bad("[hotspots]\nyears = [2012, 2012]\n", "years", "distinct")
    _fails(tmp_path, "[hotspots]\nyears = [1999]\npermutations = 9\n", "years", "not in the data")
    # Gi* needs non-negative values: a derived column below zero is refused naming [hotspots] column
    base = BASE.replace("demo = true", 'demo = true\nderive = { negative = "lngdp - 100" }')
    study = Study.from_string(_text('[hotspots]\ncolumn = "negative"\npermutations = 9\n', base=base), source="b")
    with pytest.raises(StudyError, match="non-negative") as err:
        study.run(tmp_path / "neg", quiet=True)
    assert (err.value.table, err.value.key) == ("hotspots", "column")


def test_bivariate_section_equals_the_api(tmp_path, w):
    from spatialccd.hotspots import bivariate_lisa_by_year

    study, result = _run(tmp_path, "[bivariate]\npermutations = 49\nseed = 3\nyears = [2012, 2023]\n")
    assert (study.spec["bivariate"]["x"], study.spec["bivariate"]["y"]) == ("health", "digital")   # the subsystems
    _section(result, "bivariate", ["bivariate_moran", "bivariate_clusters"], ["bivariate_lisa_maps"])
    api = bivariate_lisa_by_year(_data(result), "health", "digital", w, permutations=49, seed=3)
    step = result.results["bivariate"].result
    pd.testing.assert_frame_equal(step.frame, api.frame, rtol=1e-12)
    moran = result.tables["bivariate_moran"].frame
    np.testing.assert_allclose(moran.iloc[:, 0].to_numpy(float), api.moran["I"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(moran.iloc[:, 4].to_numpy(float), api.moran["pvalue"].to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(result.tables["bivariate_clusters"].frame.to_numpy(), api.table().to_numpy())


def test_bivariate_bad_keys(tmp_path):
    _bad('[bivariate]\nx = "health"\ny = "health"\n', "y", "univariate")
    _bad("[bivariate]\npermutations = 0\n", "permutations")
    one = BASE.split("[indicators.digital]")[0]
    _bad("[bivariate]\n", "x", "two subsystems", base=one)
    _fails(tmp_path, '[bivariate]\nx = "nope"\npermutations = 9\n', "x", "not columns")


# -- [detector] ------------------------------------------------------------------------------------
def test_detector_section_equals_the_api(tmp_path):
    from spatialccd.detector import geodetector

    table = f'[detector]\nfactors = {FACTORS}\ndiscretisation = "natural"\nk = 4\n'.replace("'", '"')
    _, result = _run(tmp_path, table)
    _section(result, "detector", ["detector_factor", "detector_interaction", "detector_risk", "detector_risk_tests",
                                  "detector_ecological"], ["detector"])
    api = geodetector(_means(result, ["D", *FACTORS]), "D", FACTORS, method="natural", k=4)
    step = result.results["detector"].result
    pd.testing.assert_frame_equal(step.factor, api.factor, rtol=1e-12)
    factor = result.tables["detector_factor"].frame
    np.testing.assert_allclose(factor.iloc[:, 0].to_numpy(float), api.factor["q"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(factor.iloc[:, 5].to_numpy(float), api.factor["pvalue"].to_numpy(), rtol=1e-10,
                               atol=1e-300)
    inter = result.tables["detector_interaction"].frame
    np.testing.assert_allclose(inter.iloc[:, 2].to_numpy(float), api.interaction["q12"].to_numpy(), rtol=1e-12)
    assert result.results["detector"].n == 31


def test_detector_optimal_on_one_year_and_pooled(tmp_path):
    from spatialccd.detector import geodetector

    table = '[detector]\nfactors = ["lngdp", "urban"]\ndiscretisation = "optimal"\nk = 5\nyear = 2020\n'
    study, result = _run(tmp_path, table, lang="zh")
    _no_english(study, result)
    frame = _data(result).set_index(["year", "province"]).xs(2020, level=0)
    api = geodetector(frame, "D", ["lngdp", "urban"], optimise=True, k_range=range(3, 6))
    step = result.results["detector"].result
    pd.testing.assert_frame_equal(step.factor, api.factor, rtol=1e-12)
    pd.testing.assert_frame_equal(step.search, api.search, rtol=1e-12)
    assert set(step.search["k"]) == {3, 4, 5}
    _, pooled = _run(tmp_path, '[detector]\nfactors = ["lngdp"]\nyear = "pooled"\n', name="pooled")
    assert pooled.results["detector"].n == 31 * 12
    api = geodetector(_data(pooled).set_index(["year", "province"]), "D", ["lngdp"], method="quantile", k=5)
    np.testing.assert_allclose(pooled.results["detector"].result.factor["q"], api.factor["q"], rtol=1e-12)
    assert "detector_interaction" not in pooled.tables   # one factor: no interactions


def test_detector_bad_keys(tmp_path):
    _bad('[detector]\nfactors = ["lngdp"]\ndiscretisation = "jenks"\n', "discretisation", "allowed values")
    _bad('[detector]\nfactors = ["lngdp"]\nk = 1\n', "k", ">= 2")
    _bad('[detector]\nfactors = ["lngdp"]\ndiscretisation = "optimal"\nk = 2\n', "k", ">= 3")
    _bad('[detector]\nfactors = ["lngdp", "D"]\n', "factors", "cannot be a factor")
    _bad("[detector]\nfactors = []\n", "factors", "distinct")
    _bad('[detector]\nfactors = ["lngdp", "lngdp"]\n', "factors", "distinct")
    _bad('[detector]\nfactors = ["lngdp"]\nyear = "median"\n', "year", "pooled")
    _bad("[detector]\n", "factors", "missing required")
    _fails(tmp_path, '[detector]\nfactors = ["lngdp", "nope"]\n', "factors", "not columns")
    _fails(tmp_path, '[detector]\nfactors = ["lngdp"]\nyear = 1990\n', "year", "not in the data")


# -- [gwr] -----------------------------------------------------------------------------------------
def test_gwr_section_equals_the_api(tmp_path):
    from spatialccd.gwr import gwr

    _, result = _run(tmp_path, '[gwr]\nx = ["lngdp", "urban"]\n')
    _section(result, "gwr", ["gwr_coefficients", "gwr_fit"], ["gwr_maps"])
    api = gwr(_means(result, ["D", "lngdp", "urban"]), "D", ["lngdp", "urban"])
    step = result.results["gwr"].result
    pd.testing.assert_frame_equal(step.params, api.params, rtol=1e-10)
    pd.testing.assert_frame_equal(step.bse, api.bse, rtol=1e-10)
    assert step.aicc == pytest.approx(api.aicc, rel=1e-12) and step.bandwidth.equals(api.bandwidth)
    table = result.tables["gwr_coefficients"].frame
    np.testing.assert_allclose(table.iloc[:, 0].to_numpy(float), api.params.mean().to_numpy(), rtol=1e-10)
    assert "p (spatial variability)" not in table.columns   # permutations = 0: no Monte Carlo column


def test_gwr_formula_one_year_and_mgwr(tmp_path):
    from spatialccd.gwr import gwr

    study, result = _run(tmp_path, '[gwr]\nformula = "D ~ lngdp + urban"\nyear = 2023\nkind = "mgwr"\n', lang="zh")
    _no_english(study, result)
    api = gwr(_data(result), "D", ["lngdp", "urban"], year=2023, multiscale=True)
    step = result.results["gwr"].result
    assert step.multiscale and len(step.bandwidth) == 3
    pd.testing.assert_series_equal(step.bandwidth, api.bandwidth)
    pd.testing.assert_frame_equal(step.params, api.params, rtol=1e-10)


def test_gwr_bad_keys(tmp_path):
    _bad('[gwr]\nformula = "D ~ lngdp"\nx = ["urban"]\n', "formula", "not both")
    _bad('[gwr]\nformula = "D ~ log(lngdp)"\n', "formula", "plain column names")
    _bad('[gwr]\nformula = "D ~ __import__(lngdp)"\n', "formula")
    _bad("[gwr]\n", "x", "regressors")
    _bad('[gwr]\ny = "lngdp"\nx = ["lngdp", "urban"]\n', "x", "among the regressors")
    _bad('[gwr]\nx = ["lngdp"]\nyear = "median"\n', "year", "mean")
    _bad('[gwr]\nx = ["lngdp"]\npermutations = -1\n', "permutations", ">= 0")
    _bad('[gwr]\nx = ["lngdp"]\nkind = "sgwr"\n', "kind", "allowed values")
    _bad('[gwr]\nx = ["lngdp"]\nkernel = "tricube"\n', "kernel", "allowed values")
    _fails(tmp_path, '[gwr]\nx = ["lngdp", "nope"]\n', "x", "not columns")


# -- [centrography] ----------------------------------------------------------------------------------
def test_centrography_section_equals_the_api(tmp_path):
    from spatialccd.centrography import centrography

    _, result = _run(tmp_path, '[centrography]\ncolumn = ["D", "digital"]\nyears = [2012, 2023]\nscale = "std"\n')
    _section(result, "centrography", ["gravity_centres", "gravity_ellipses"], ["gravity_map"])
    for col in ("D", "digital"):
        api = centrography(_data(result), col, scale="std")
        step = result.results["centrography"].results[col]
        pd.testing.assert_frame_equal(step.centres, api.centres, rtol=1e-12)
        pd.testing.assert_frame_equal(step.ellipses, api.ellipses, rtol=1e-12)
        pd.testing.assert_frame_equal(step.path, api.path, rtol=1e-12)
        table = result.tables["gravity_centres"].frame.xs(col, level=0)
        np.testing.assert_allclose(table.iloc[:, 0].to_numpy(float), api.centres["x_km"].to_numpy(), rtol=1e-12)
        ellipses = result.tables["gravity_ellipses"].frame.xs(col, level=0)
        np.testing.assert_allclose(ellipses.iloc[:, 3].to_numpy(float), api.ellipses["area_km2"].to_numpy() / 1e4,
                                   rtol=1e-12)   # shown in 10⁴ km²


def test_centrography_bad_keys(tmp_path):
    _bad("[centrography]\ncolumn = []\n", "column", "distinct")
    _bad("[centrography]\ncolumn = [1]\n", "column", "column names")
    _bad('[centrography]\nscale = "sde"\n', "scale", "allowed values")
    _fails(tmp_path, "[centrography]\nyears = [2030]\n", "years", "not in the data")
    _fails(tmp_path, '[centrography]\ncolumn = "nope"\n', "column", "not columns")


# -- [topsis] ----------------------------------------------------------------------------------------
def test_topsis_section_equals_the_api(tmp_path):
    from spatialccd.evaluation import topsis

    study, result = _run(tmp_path, '[topsis]\nweights = "entropy"\n')
    _section(result, "topsis", ["topsis", "topsis_units", "topsis_agreement"], ["topsis_trends"])
    assert "topsis_weights" not in result.tables   # the evaluation's own entropy weights: shown there
    api = topsis(sc.load_demo(), study.spec["indicators"])
    pd.testing.assert_frame_equal(result.results["topsis"].result.scores, api.scores, rtol=1e-12)
    means = result.tables["topsis"].frame
    np.testing.assert_allclose(means.to_numpy(float), api.scores.groupby(level=0).mean().to_numpy(), rtol=1e-12)
    linear = result.results["evaluation"].scores
    spearman = result.tables["topsis_agreement"].frame.iloc[:, 1].to_numpy(float)
    np.testing.assert_allclose(spearman, [api.scores[s].corr(linear[s], method="spearman") for s in api.scores],
                               rtol=1e-12)


def test_topsis_user_weights(tmp_path):
    from spatialccd.evaluation import UserWeights, topsis

    weights = {name: float(i + 1) for i, name in enumerate(INDICATORS)}
    table = '[topsis]\nweights = "user"\n\n[topsis.user_weights]\n' + \
        "\n".join(f"{k} = {v}" for k, v in weights.items())
    study, result = _run(tmp_path, table, lang="zh")
    _no_english(study, result)
    api = topsis(sc.load_demo(), study.spec["indicators"], weighting=UserWeights(weights))
    pd.testing.assert_frame_equal(result.results["topsis"].result.scores, api.scores, rtol=1e-12)
    shown = result.tables["topsis_weights"].frame.iloc[:, -1].to_numpy(float)
    np.testing.assert_allclose(shown, api.weights["weight"].to_numpy(), rtol=1e-12)


def test_topsis_bad_keys():
    _bad('[topsis]\nweights = "user"\n', "user_weights", "needs a")
    _bad('[topsis]\nweights = "user"\n\n[topsis.user_weights]\nbeds_per_1k = 1\n', "user_weights", "missing")
    _bad('[topsis]\nweights = "user"\n\n[topsis.user_weights]\n' +
         "\n".join(f"{k} = {'-1' if k == 'edu' else '1'}" for k in [*INDICATORS, "edu"]), "user_weights", "unknown")
    _bad('[topsis]\n\n[topsis.user_weights]\nbeds_per_1k = 1\n', "user_weights", "weights = \"user\" only")
    _bad('[topsis]\nweights = "ahp"\n', "weights", "allowed values")
    with pytest.raises(StudyError, match="needs an \\[indicators\\]") as err:
        Study.from_string('[data]\ndemo = true\n\n[topsis]\n', source="bad.toml")
    assert err.value.table == "topsis"


# -- the report's language and order ---------------------------------------------------------------
def test_toolbox_in_chinese_has_no_english_outside_names(tmp_path):
    """The toolbox sections in Chinese with options the demo does not use (an adjustment, the Monte Carlo
    test of the GWR, several centrography columns); the sections in the registry's order."""
    tables = """[markov]\nlisa = true\n
[hotspots]\npermutations = 19\nyears = [2023]\nadjust = "fdr"\n
[bivariate]\npermutations = 19\nyears = [2023]\nadjust = "bonferroni"\n
[detector]\nfactors = ["lngdp", "urban", "aged65"]\n
[gwr]\nx = ["lngdp", "urban"]\npermutations = 3\nseed = 1\n
[centrography]\ncolumn = ["health", "digital"]\n
[topsis]\n"""
    study, result = _run(tmp_path, tables, lang="zh")
    _no_english(study, result)
    assert result.results["gwr"].result.spatial_variability.size == 3
    assert "p（空间变异检验）" in result.tables["gwr_coefficients"].frame.columns
    html = result.report_path.read_text(encoding="utf-8")
    where = [html.index(f'id="{s}"') for s in ("evaluation", "coordination", "markov", "hotspots", "bivariate",
                                                 "detector", "gwr", "centrography", "topsis")]
    assert where == sorted(where)
