"""The seed 001, 003 and 004 example studies (issue 16) run end to end from their study files.

Each example runs on a SIMULATED panel in its seed's layout (``examples/seed_data_001_003_004.py``),
so the tests check (1) that every table the seed reports is in the report, under its section and
with its columns, in the seed's order; (2) that the report's numbers are those of the Python API on
the same data; (3) where a seed prints numbers that determine outputs (seed 003's 表 3 and 表 4,
seed 004's cut points and mean mismatch degrees), that the package turns the printed inputs into the
printed outputs; (4) that bad study files stop before running, naming the table and key.
The examples use 99 permutations; each runs in a few seconds (seed 004's ideal allocation, one
linear program per year, and its four-year level maps take most of its time).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spatialccd.coordination import coordination_grade, coordination_table, grade_scheme
from spatialccd.dea import dea
from spatialccd.evaluation import evaluate
from spatialccd.exceptions import NumericalWarning, StudyError
from spatialccd.inequality import dagum_gini, regional_means, theil
from spatialccd.io import read_long
from spatialccd.mismatch import classify_mismatch, mismatch
from spatialccd.obstacle import obstacle_summary
from spatialccd.study import Study

from report_text import ReportText, WORD, english_words, read_report

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED003, SEED001, SEED004 = "seed003_medical_security", "seed001_medical_security_abstract", "seed004_primary_care"
RESOURCES = ["primary_health_workers", "primary_institutions", "primary_beds", "primary_fiscal_subsidy"]
OUTPUTS = ["primary_visits", "primary_admissions"]


def _generator():
    spec = importlib.util.spec_from_file_location("seed_data_001_003_004", EXAMPLES / "seed_data_001_003_004.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(name: str, tmp_path_factory, text: str | None = None):
    study = Study.from_toml(EXAMPLES / f"{name}.toml") if text is None else \
        Study.from_string(text, base_dir=EXAMPLES, source=f"{name}.toml")
    return study, study.run(tmp_path_factory.mktemp(name) / "out", quiet=True)


@pytest.fixture(scope="module")
def seed003(tmp_path_factory):
    return _run(SEED003, tmp_path_factory)


@pytest.fixture(scope="module")
def seed001(tmp_path_factory):
    return _run(SEED001, tmp_path_factory)


@pytest.fixture(scope="module")
def seed004(tmp_path_factory):
    return _run(SEED004, tmp_path_factory)


def _parse(result) -> ReportText:
    return read_report(result.report_path)


def _api_frame(name: str) -> pd.DataFrame:
    return read_long(EXAMPLES / name)


# -- the simulated data ---------------------------------------------------------------------
def test_csv_files_are_what_the_generator_writes():
    gen = _generator()
    for frame, name in ((gen.seed003_panel(), gen.SEED003_FILE), (gen.seed004_panel(), gen.SEED004_FILE)):
        on_disk = pd.read_csv(EXAMPLES / name)
        pd.testing.assert_frame_equal(on_disk, frame, check_dtype=False, rtol=1e-12)
    # the seed-003 file has every indicator of 表 2, the seed-004 file 31 provinces × 2011–2021
    names = [n for crit in gen.SEED003_SYSTEM.values() for items in crit.values() for n, *_ in items]
    assert len(names) == 24 and set(names) <= set(pd.read_csv(EXAMPLES / gen.SEED003_FILE).columns)
    four = pd.read_csv(EXAMPLES / gen.SEED004_FILE)
    assert four["province"].nunique() == 31 and sorted(four["year"].unique()) == list(range(2011, 2022))


def test_study_files_say_the_data_are_simulated():
    for name in (SEED001, SEED003, SEED004):
        text = (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")
        assert "SIMULATED" in text
        assert "模拟数据" in Study.from_toml(EXAMPLES / f"{name}.toml").spec["title"] or \
            "SIMULATED" in Study.from_toml(EXAMPLES / f"{name}.toml").spec["title"]
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert "Seeds 001, 003 and 004" in readme and "seed003_simulated.csv" in readme


# -- seed 003 -------------------------------------------------------------------------------
def test_seed003_sections_in_the_seeds_order(seed003):
    _study, result = seed003
    ids = [s for s in _parse(result).sections if s not in ("figure-index", "settings", "run-log")]
    # 1.3 indicators/表 2, 图 1, 表 3, 表 4, 表 5–6, 表 7
    assert ids == ["data", "evaluation", "trends", "coordination", "regional_means", "obstacle", "dagum"]
    for name in ("weights", "trends", "ccd_national", "regional_means", "regional_growth", "obstacle", "obstacle_top",
                 "dagum"):
        assert name in result.tables, name
    assert {"trend_1", "trend_2", "ccd_trend", "dagum_trends"} <= set(result.figures)
    regions = ["全国", "东部", "中部", "西部", "东北"]
    assert list(result.tables["trends"].frame.columns) == regions
    assert list(result.tables["regional_means"].frame.columns) == regions
    assert result.tables["regional_means"].frame.index[-1] == "均值"
    assert list(result.tables["obstacle"].frame.index.get_level_values(1)) == ["基本层", "补充层", "托底层", "物力",
                                                                              "人力", "财力"]
    assert result.tables["obstacle"].frame.columns[-1] == "均值"
    assert set(result.tables["obstacle_top"].frame.index.get_level_values(0)) == {"SEC", "RES"}
    dagum_rows = result.tables["dagum"].frame.index.get_level_values(0)
    assert {"整体基尼系数", "区域内差异", "区域间差异", "贡献率(%)"} <= set(dagum_rows)   # 表 7


def _seed003_api(study):
    frame = _api_frame("seed003_simulated.csv")
    ev = evaluate(frame, study.spec["indicators"], standardise="range", weighting="entropy")
    table = coordination_table(ev.scores, alpha=[0.5, 0.5], scheme=study.spec["coordination"]["scheme"])
    return ev, table


def test_seed003_numbers_equal_the_python_api(seed003):
    study, result = seed003
    ev, table = _seed003_api(study)
    trends = result.tables["trends"].frame
    for sub in ("SEC", "RES"):
        expected = regional_means(ev.scores, sub, group="region4").levels
        np.testing.assert_allclose(trends.loc[sub].to_numpy(float), expected.to_numpy(), rtol=1e-12)
    means = regional_means(table, "D", group="region4").levels
    shown = result.tables["regional_means"].frame
    np.testing.assert_allclose(shown.iloc[:-1].to_numpy(float), means.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(shown.loc["均值"].to_numpy(float), means.mean().to_numpy(), rtol=1e-12)
    growth = result.tables["regional_growth"].frame
    np.testing.assert_allclose(growth.iloc[:, 0], means.iloc[0], rtol=1e-12)
    obstacle = obstacle_summary(ev, level="criterion", within="subsystem") * 100
    shown = result.tables["obstacle"].frame
    np.testing.assert_allclose(shown.iloc[:, :-1].to_numpy(float), obstacle.T.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(shown.iloc[:, -1].to_numpy(float), obstacle.mean().to_numpy(), rtol=1e-10)
    g = dagum_gini(table, "D", group="region4", progress=False).components["G"]
    np.testing.assert_allclose(result.tables["dagum"].frame.iloc[0].to_numpy(float), g.to_numpy(), rtol=1e-12)


#: seed 003 表 3: national mean D by year and its grade, as printed.
TABLE3 = {2012: (0.368, "轻度失调"), 2013: (0.389, "轻度失调"), 2014: (0.406, "濒临失调"), 2015: (0.426, "濒临失调"),
          2016: (0.448, "濒临失调"), 2017: (0.483, "濒临失调"), 2018: (0.507, "勉强协调"), 2019: (0.531, "勉强协调"),
          2020: (0.542, "勉强协调"), 2021: (0.559, "勉强协调")}
#: seed 003 表 4: D by year in the East, Central, West and Northeast, and its 均值 row, as printed.
TABLE4 = {"East": [0.366, 0.396, 0.415, 0.439, 0.481, 0.504, 0.525, 0.553, 0.557, 0.581],
          "Central": [0.352, 0.364, 0.385, 0.398, 0.416, 0.464, 0.487, 0.509, 0.527, 0.537],
          "West": [0.386, 0.402, 0.418, 0.439, 0.449, 0.490, 0.512, 0.535, 0.547, 0.563],
          "Northeast": [0.340, 0.358, 0.372, 0.386, 0.404, 0.425, 0.462, 0.486, 0.502, 0.516]}
TABLE4_MEAN = {"East": 0.482, "Central": 0.444, "West": 0.474, "Northeast": 0.425}


def test_seed003_printed_inputs_give_the_printed_outputs(seed003):
    from spatialccd.inequality import RegionalMeans
    from spatialccd.report.sections import ReportOptions
    from spatialccd.report.sections_allocation import regional_means_section

    study, _result = seed003
    scheme = grade_scheme(study.spec["coordination"]["scheme"])
    assert scheme.cuts == pytest.approx((0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0))   # 表 1
    d = pd.Series({y: v for y, (v, _) in TABLE3.items()})
    graded = coordination_grade(d, scheme)
    assert graded["grade_zh"].tolist() == [g for _, g in TABLE3.values()]
    # the stages of 表 1 in the study file are the built-in five-stage scheme
    assert graded["stage_zh"].tolist() == coordination_grade(d, "five")["grade_zh"].tolist()
    assert graded.loc[2021, "stage_zh"] == "磨合阶段"   # 0.559; the seed's §3.1 calls it 过渡阶段 (a slip)
    # 表 4: its yearly rows give its 均值 row, through the report's own section
    levels = pd.DataFrame(TABLE4, index=pd.Index(range(2012, 2022), name="year"))
    means = RegionalMeans(levels=levels, growth=levels * np.nan, overall=pd.DataFrame(
        {"first": levels.iloc[0], "last": levels.iloc[-1], "mean": levels.mean(), "total_growth_pct": np.nan,
         "annual_growth_pct": np.nan}))
    section = regional_means_section(means, column="D", group="region4", opts=ReportOptions(lang="zh", names="zh"))
    row = section.tables[0].frame.loc["均值"]
    assert [round(float(row[r]), 3) for r in ("东部", "中部", "西部", "东北")] == list(TABLE4_MEAN.values())


# -- seed 001 -------------------------------------------------------------------------------
def test_seed001_runs_the_abstracts_four_methods_with_five_stages(seed001):
    study, result = seed001
    ids = [s for s in _parse(result).sections if s not in ("figure-index", "settings", "run-log")]
    assert ids == ["data", "evaluation", "coordination", "obstacle", "dagum"]
    national = result.tables["ccd_national"].frame
    five = grade_scheme("five").labels
    assert set(national["grade"]) <= set(five)
    _ev, table = _seed003_api(study)
    d = table.groupby("year")["D"].mean()
    np.testing.assert_allclose(national["mean D"].to_numpy(float), d.to_numpy(), rtol=1e-12)
    assert national["grade"].tolist() == coordination_grade(d, "five")["grade"].tolist()


# -- seed 004 -------------------------------------------------------------------------------
def test_seed004_sections_and_tables(seed004):
    _study, result = seed004
    ids = [s for s in _parse(result).sections if s not in ("figure-index", "settings", "run-log")]
    assert ids == ["data", "evaluation", "dea", "mismatch", "weights", "moran", "dagum"]
    for name in ("dea_summary", "dea_efficiency", "mismatch_weights", "mismatch_levels", "health_distance",
                 "mismatch_means", "mismatch_shares", "mismatch_shares_region", "moran", "dagum"):
        assert name in result.tables, name
    assert {"mismatch_maps", "mismatch_trend", "dea_trend", "moran_scatter", "dagum_trends"} <= set(result.figures)
    hd = result.tables["health_distance"].frame
    assert list(hd.columns) == [str(y) for y in range(2011, 2022)] + ["Level 2011", "Level 2021"]
    levels = result.tables["mismatch_levels"].frame
    assert levels["mismatch level"].tolist() == ["high matching", "moderate matching", "mild matching",
                                                 "moderate mismatch", "severe mismatch"]
    assert levels["HD interval"].tolist()[:2] == ["[0.000, 0.355)", "[0.355, 0.492)"]
    shares = result.tables["mismatch_shares"].frame
    np.testing.assert_allclose(shares.sum(axis=1), 100)
    np.testing.assert_allclose(shares.to_numpy() * 31 / 100, np.round(shares.to_numpy() * 31 / 100), atol=1e-9)
    by_region = result.tables["mismatch_shares_region"].frame
    assert list(pd.unique(by_region.index.get_level_values(0))) == ["East", "Central", "West"]
    assert list(result.tables["mismatch_means"].frame.columns) == ["Nation", "East", "Central", "West"]


def test_seed004_numbers_equal_the_python_api(seed004):
    study, result = seed004
    frame = _api_frame("seed004_simulated.csv")
    ev = evaluate(frame, study.spec["indicators"], standardise="range", weighting="entropy")
    w = ev.weights["weight"].reindex(RESOURCES)
    w = w / w.sum()
    np.testing.assert_allclose(result.tables["mismatch_weights"].frame.iloc[:, 0], w, rtol=1e-12)
    expected = mismatch(frame, resources=RESOURCES, demand=["population"], outputs=OUTPUTS, weights=w,
                        thresholds=study.spec["mismatch"]["thresholds"]).frame
    got = result.results["mismatch"].result.frame
    np.testing.assert_allclose(got["HD"], expected["HD"], rtol=1e-9, atol=1e-12)
    assert got["level_code"].tolist() == expected["level_code"].tolist()
    wide = expected.pivot(index="province", columns="year", values="HD")
    shown = result.tables["health_distance"].frame.iloc[:, :11].to_numpy(float)
    np.testing.assert_allclose(shown, wide.to_numpy(), rtol=1e-9, atol=1e-12)
    # the DEA step: one input-oriented BCC frontier per year, the same frontier as the ideal allocation's
    per_year = []
    for year, block in frame.groupby("year"):
        eff = dea(block.set_index("province")[RESOURCES], block.set_index("province")[OUTPUTS], model="bcc",
                  orientation="input").efficiency
        per_year.append(eff.rename(year))
    eff = pd.concat(per_year, axis=1)
    np.testing.assert_allclose(result.tables["dea_efficiency"].frame.to_numpy(float), eff.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(result.tables["dea_summary"].frame.iloc[:, 0], eff.mean().to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(got["efficiency"], expected["efficiency"], rtol=1e-9)
    # mean HD by region and the level of each mean
    means = regional_means(expected, "HD", group="region3").levels
    table = result.tables["mismatch_means"].frame
    np.testing.assert_allclose(table.loc["mean HD"].to_numpy(float), means.to_numpy(), rtol=1e-12)
    codes = classify_mismatch(means.stack(), thresholds=study.spec["mismatch"]["thresholds"]).levels.unstack()
    assert table.loc["level of the mean"].to_numpy().tolist() == codes[means.columns].astype(str).to_numpy().tolist()
    # Dagum of HD by East/Central/West (zeros allowed)
    g = dagum_gini(expected, "HD", group="region3", progress=False).components["G"]
    np.testing.assert_allclose(result.tables["dagum"].frame.iloc[0].to_numpy(float), g.to_numpy(), rtol=1e-12)


#: seed 004 (abstract and §3.1): mean mismatch degrees as printed, with the level it names for each.
SEED004_PRINTED = [(0.633, "moderate mismatch"), (0.624, "mild matching"), (0.754, "severe mismatch"),
                   (0.479, "moderate matching"), (0.522, "mild matching"), (0.639, "moderate mismatch"),
                   (0.677, "moderate mismatch"), (0.552, "mild matching"), (0.904, "severe mismatch"),
                   (0.193, "high matching")]
#: seed 004 §3.1: shares of the levels (%) in 2011 and 2021 as printed (of 31 provinces).
SEED004_SHARES = (45.1, 12.8, 22.5, 32.2)


def test_seed004_printed_means_fall_in_the_printed_levels(seed004):
    study, _result = seed004
    values = pd.Series([v for v, _ in SEED004_PRINTED])
    levels = classify_mismatch(values, thresholds=study.spec["mismatch"]["thresholds"]).levels
    assert levels.astype(str).tolist() == [name for _, name in SEED004_PRINTED]
    # the printed shares are shares of the 31 provinces (counts 14, 4, 7, 10), as the report's are
    counts = [round(p * 31 / 100) for p in SEED004_SHARES]
    assert counts == [14, 4, 7, 10]
    assert all(abs(100 * c / 31 - p) < 0.15 for c, p in zip(counts, SEED004_SHARES))


def test_seed004_kmeans_levels_and_a_chinese_report(tmp_path_factory):
    """Without thresholds the levels come from seeded K-means; the Chinese report of the DEA and mismatch
    sections has no English words outside proper names and the user's names (two years keep it quick)."""
    text = (EXAMPLES / f"{SEED004}.toml").read_text(encoding="utf-8")
    text = text.replace('path = "seed004_simulated.csv"', 'path = "seed004_simulated.csv"\nyears = [2020, 2021]')
    text = text.replace("thresholds = [0.355, 0.492, 0.631, 0.719]\n", "seed = 7\n")
    text = text.replace("map_years = [2011, 2014, 2018, 2021]", "map_years = [2021]")
    text = text.replace('lang = "en"', 'lang = "zh"')
    text = text.replace('frontier = "yearly"', 'frontier = "yearly"\nsuper_efficiency = true')
    # BCC super-efficiency LPs can be infeasible (Seiford & Zhu 1999): NaN, and a warning naming the year
    with pytest.warns(NumericalWarning, match=r"^\[dea\] year 202[01]: super-efficiency LP infeasible"):
        study, result = _run("seed004_zh", tmp_path_factory, text)
    frame = result.results["mismatch"].result.frame
    km = classify_mismatch(frame["HD"], seed=7)
    assert result.results["mismatch"].result.thresholds == pytest.approx(km.thresholds)
    assert result.results["mismatch"].kmeans
    assert "dea_super_efficiency" in result.data.columns
    assert "超效率" in result.tables["dea_summary"].frame.columns
    _assert_chinese_only(study, result)


NAMES = {"spatialccd", "Dagum", "Gini", "Moran", "Moran's", "DEA", "DEA-BCC", "BCC", "CCR", "Theil", "Pareto",
          "Koopmans", "Cooper", "Seiford", "Tone", "Shorrocks", "Queen", "echarts", "Apache-", "UTC", "GE", "LISA"}


def _assert_chinese_only(study, result) -> None:
    system = study.spec["indicators"].table()
    user = " ".join([study.spec["title"], study.spec["data"]["path"], " ".join(system.index),
                     " ".join(system["unit"].dropna()), " ".join(system["subsystem"]),
                     " ".join(system["criterion"].dropna()), " ".join(map(str, result.data.columns))])
    english = english_words(" ".join(_parse(result).text), NAMES | set(WORD.findall(user)))
    assert english == [], english


# -- optional sections: Theil and convergence ------------------------------------------------
def test_theil_and_convergence_sections(tmp_path_factory):
    from spatialccd.convergence import beta_convergence, sigma_convergence

    text = (EXAMPLES / f"{SEED003}.toml").read_text(encoding="utf-8") + """
[theil]
column = "D"
group = "region4"

[convergence]
column = "D"
kind = ["sigma", "beta"]
group = "region4"
beta = ["absolute", "conditional"]
controls = ["人均卫生总费用"]
effects = "individual"
"""
    study, result = _run("seed003_theil", tmp_path_factory, text)
    ids = _parse(result).sections
    assert ids.index("dagum") < ids.index("theil") < ids.index("convergence")
    _ev, table = _seed003_api(study)
    frame = table.merge(_api_frame("seed003_simulated.csv")[["province", "year", "人均卫生总费用"]],
                        on=["province", "year"])
    th = theil(table, "D", group="region4").components
    np.testing.assert_allclose(result.tables["theil"].frame.to_numpy(float), th.to_numpy(), rtol=1e-12)
    sigma = sigma_convergence(table, "D", group="region4")
    np.testing.assert_allclose(result.tables["sigma_convergence"].frame.to_numpy(float), sigma.series.to_numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(result.tables["sigma_trend"].frame.iloc[:, 0], sigma.trend["slope"], rtol=1e-12)
    beta = result.tables["beta_convergence"].frame
    absolute = beta_convergence(table, "D", group="region4").table
    conditional = beta_convergence(frame, "D", controls=["人均卫生总费用"], effects="individual", group="region4").table
    np.testing.assert_allclose(beta.loc["绝对 β 收敛", "β"].to_numpy(float), absolute["beta"], rtol=1e-10)
    np.testing.assert_allclose(beta.loc["条件 β 收敛", "β"].to_numpy(float), conditional["beta"], rtol=1e-10)
    assert {"theil_trend", "sigma_convergence"} <= set(result.figures)
    _assert_chinese_only(study, result)


# -- bad input ------------------------------------------------------------------------------
def _text(name: str) -> str:
    return (EXAMPLES / f"{name}.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, table, key", [
    ('[data]\npath = "seed004_simulated.csv"', '[data]\npath = "seed004_simulated.csv"\n'
     'keep = ["Beijing", "Tianjin", "Hebei", "Shanxi"]', "dea", "inputs"),
    ('orientation = "input"', 'orientation = "sideways"', "dea", "orientation"),
    ('outputs = ["primary_visits", "primary_admissions"]\nmodel', 'outputs = ["primary_beds"]\nmodel', "dea",
     "outputs"),
    ('weights = "evaluation"', 'weights = "fair"', "mismatch", "weights"),
    ('weights = "evaluation"', 'weights = { primary_health_workers = 0.5, primary_institutions = 0.5, '
     'primary_beds = 0.5, primary_fiscal_subsidy = 0.5 }', "mismatch", "weights"),
    ("thresholds = [0.355, 0.492, 0.631, 0.719]", "thresholds = [0.355, 0.3, 0.631]", "mismatch", "thresholds"),
    ('demand = ["population"]', 'demand = ["population", "primary_beds"]', "mismatch", "demand"),
    ('demand = ["population"]', 'demand = []', "mismatch", "demand"),
    ('[mismatch]\n', '[mismatch]\ndemand_bounds = [2, 1]\n', "mismatch", "demand_bounds"),
])
def test_bad_seed004_files_name_table_and_key(old, new, table, key):
    text = _text(SEED004)
    assert old in text
    with pytest.raises(StudyError) as info:
        Study.from_string(text.replace(old, new, 1), base_dir=EXAMPLES, source="seed004.toml")
    assert (info.value.table, info.value.key) == (table, key), str(info.value)
    assert f"[{table}]" in str(info.value)


@pytest.mark.parametrize("extra, key", [
    ('[convergence]\nkind = ["sigma", "gamma"]\n', "kind"),
    ('[convergence]\nbeta = ["conditional"]\neffects = "none"\n', "controls"),
    ('[convergence]\ncontrols = ["SEC"]\n', "controls"),
    ('[trends]\ncolumns = ["SEC", "SEC"]\n', "columns"),
])
def test_bad_optional_tables_name_table_and_key(extra, key):
    text = _text(SEED001) + "\n" + extra
    with pytest.raises(StudyError) as info:
        Study.from_string(text, base_dir=EXAMPLES, source="seed001.toml")
    table = extra[1:extra.index("]")]
    assert (info.value.table, info.value.key) == (table, key), str(info.value)


def _small_panel(tmp_path: Path, n: int) -> Path:
    frame = pd.read_csv(EXAMPLES / "seed004_simulated.csv")
    keep = frame["province"].unique()[:n]
    path = tmp_path / "small.csv"
    frame[frame["province"].isin(keep)].to_csv(path, index=False)
    return path


@pytest.mark.parametrize("table, body, key", [
    ("dea", 'inputs = {r}\noutputs = {o}', "inputs"),
    ("mismatch", 'resources = {r}\ndemand = ["population"]\noutputs = {o}\nweights = "equal"', "resources"),
])
def test_dea_with_fewer_units_than_variables_stops_before_solving(tmp_path, table, body, key):
    path = _small_panel(tmp_path, 5)
    text = (f'[data]\npath = "{path.name}"\n\n[{table}]\n' +
            body.format(r=str(RESOURCES).replace("'", '"'), o=str(OUTPUTS).replace("'", '"')) + "\n")
    study = Study.from_string(text, base_dir=tmp_path, source="small.toml")
    with pytest.raises(StudyError) as info:
        study.run(tmp_path / "out", quiet=True)
    assert (info.value.table, info.value.key) == (table, key)
    assert "at least as many units as inputs + outputs (6), the data have 5" in str(info.value)
    assert not (tmp_path / "out").exists()


def test_unknown_columns_are_named_when_the_data_are_read(tmp_path):
    text = _text(SEED004).replace('outputs = ["primary_visits", "primary_admissions"]\nmodel',
                                  'outputs = ["primary_visitz"]\nmodel')
    study = Study.from_string(text, base_dir=EXAMPLES, source="seed004.toml")
    with pytest.raises(StudyError, match=r"\[dea\] outputs: \['primary_visitz'\] are not columns") as info:
        study.run(tmp_path / "out", quiet=True)
    assert (info.value.table, info.value.key) == ("dea", "outputs")


def test_pooled_dea_frontier_and_no_grouping(tmp_path):
    """``frontier = "pooled"``: every unit-year against one frontier (the Python API on the stacked data);
    ``group = "none"``: the trend figure and means of the nation alone."""
    text = (f'[data]\npath = "seed004_simulated.csv"\nyears = [2020, 2021]\n\n[dea]\n'
            f'inputs = {RESOURCES}\noutputs = {OUTPUTS}\nmodel = "ccr"\norientation = "output"\n'
            'frontier = "pooled"\ngroup = "none"\n').replace("'", '"')
    result = Study.from_string(text, base_dir=EXAMPLES, source="pooled.toml").run(tmp_path / "out", quiet=True)
    frame = _api_frame("seed004_simulated.csv")
    stacked = frame[frame["year"] >= 2020].set_index(["year", "province"])
    eff = dea(stacked[RESOURCES], stacked[OUTPUTS], model="ccr", orientation="output").efficiency.unstack("year")
    shown = result.tables["dea_efficiency"].frame
    np.testing.assert_allclose(shown.to_numpy(float), eff.reindex(sorted(eff.index)).to_numpy(), rtol=1e-9)
    assert list(result.results["dea"].means.levels.columns) == ["Nation"]
    assert (result.data["dea_efficiency"] <= 1 + 1e-9).all()


def test_spatial_beta_convergence_uses_the_study_weights(tmp_path):
    from spatialccd.convergence import beta_convergence
    from spatialccd.weights import contiguity

    text = _text(SEED001) + '\n[convergence]\ncolumn = "D"\nkind = ["beta"]\nmethod = "sar"\ngroup = "none"\n'
    study = Study.from_string(text, base_dir=EXAMPLES, source="seed001.toml")
    assert study.spec["weights"]["kind"] == "contiguity"    # added for the spatial β regression
    result = study.run(tmp_path / "out", quiet=True)
    _ev, table = _seed003_api(study)
    expected = beta_convergence(table, "D", method="sar", w=contiguity()).table
    shown = result.tables["beta_convergence"].frame
    np.testing.assert_allclose(shown["β"].to_numpy(float), expected["beta"], rtol=1e-8)
    np.testing.assert_allclose(shown["ρ"].to_numpy(float), expected["rho"], rtol=1e-8)
    assert "sigma_convergence" not in result.tables
