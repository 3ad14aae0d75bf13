"""The seed 000 and seed 002 example studies (issue 16) run end to end, their reports hold the seeds'
tables, seed 000 Table 5 is reproduced from its printed S1 and S2, and bad study files stop before
anything is fitted, naming the table and key.

References: seed 000 (Wang, Zhu & Liu) Table 5 — the printed numbers are those of
``tests/test_coordination.py::SEED000``; seed 002 Tables 4, 6, 8 (layout).  The numbers of the seed 002
example are checked against the Python API on the same data (panel Moran's I, a regional SDM fitted by
hand on the East sub-sample, the SDM under each robustness W built by hand).
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd import weights as W
from spatialccd.exceptions import SmallRegionWarning, StudyError
from spatialccd.study import Study

from report_text import WORD, ReportText, english_words, read_report
from test_coordination import SEED000  # seed 000 Table 5 as printed (S1, S2, C, T, D, S, types)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED002_FORMULA = "D ~ lnx1 + edu + aged65 + density + urban + gov_digital"


def _sections(result) -> ReportText:
    return read_report(result.report_path)


def _run(name: str, out: Path, **replace):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    study = Study.from_string(text, base_dir=EXAMPLES, source=name)
    return study, study.run(out, quiet=True)


@pytest.fixture(scope="module")
def seed000(tmp_path_factory):
    return _run("seed000_bth_medical_security.toml", tmp_path_factory.mktemp("s000") / "out")


@pytest.fixture(scope="module")
def seed002(tmp_path_factory):
    return _run("seed002_digital_health.toml", tmp_path_factory.mktemp("s002") / "out")


# -- the example data --------------------------------------------------------------------------
def test_example_data_are_reproduced_by_their_generator(tmp_path):
    spec = importlib.util.spec_from_file_location("seed_data_000_002", EXAMPLES / "seed_data_000_002.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write(tmp_path)
    assert [p.name for p in written] == ["seed000_bth_medical_security_simulated.csv",
                                         "seed000_table5_printed_scores.csv", "seed002_digital_health_simulated.csv"]
    for p in written:
        assert p.read_bytes() == (EXAMPLES / p.name).read_bytes(), p.name
    printed = pd.read_csv(EXAMPLES / "seed000_table5_printed_scores.csv")
    ref = SEED000.set_index(["year", "province"])
    got = printed.set_index(["year", "province"]).reindex(ref.index)
    assert got["S1"].tolist() == ref["S1"].tolist() and got["S2"].tolist() == ref["S2"].tolist()
    panel = pd.read_csv(EXAMPLES / "seed002_digital_health_simulated.csv")
    assert panel["province"].nunique() == 31 and sorted(panel["year"].unique()) == list(range(2012, 2024))


# -- seed 000 ----------------------------------------------------------------------------------
def test_seed000_report_has_the_seed_tables(seed000):
    study, result = seed000
    assert _sections(result).sections[:5] == ["data", "evaluation", "coordination", "types", "dagum"]
    weights = result.tables["weights"].frame
    assert len(weights) == 10 and set(weights["subsystem"]) == {"medical_security", "economic_development"}
    types = result.tables["development_types"]
    assert types.columns[:12] == ["S1", "S2", "S1 − S2", "|S1 − S2|", "C (coupling)", "T (coordination index)",
                                  "D (coupling coordination)", "grade", "S (relative development)", "S class",
                                  "type", "type of development"]
    blocks = [b for b, _ in types._blocks()]
    assert blocks == ["2020", "2022"]
    rows = [r for _, block in types._blocks() for r, _ in block]
    assert rows == ["Beijing", "Tianjin", "Hebei", "Mean"] * 2      # three provinces: "Mean", not "National mean"


def test_seed000_table5_reproduced_from_the_printed_scores(seed000):
    """C, T, D, S, S1 − S2 and the types of seed 000 Table 5 from its printed S1, S2 (to the
    precision the rounded inputs allow; the seed's 2022 C row is √(S1·S2), see test_coordination)."""
    _study, result = seed000
    got = result.results["types"].table
    units = got[got["kind"] == "unit"].set_index(["year", "province"])
    ref = SEED000.assign(province=[sc.province_code(p) for p in SEED000.province]).set_index(["year", "province"])
    for key, row in ref.iterrows():
        cell = units.loc[key]
        assert cell["type"] == row["type"], key
        assert f"{cell['D']:.3f}" == f"{row['D']:.3f}", key              # every printed D, digit for digit
        for col, tol in (("T", 1.5e-3), ("S", 6e-3), ("diff", 1.5e-3)) + ((("C", 1.5e-3),) if key[0] == 2020 else ()):
            value = cell["difference" if col == "diff" else col]
            assert value == pytest.approx(row[col], abs=tol), (key, col)
        if key[0] == 2022:   # the printed 2022 C is √(S1·S2); the coupling degree is near 1
            assert cell["C"] > 0.95 and abs(cell["C"] - row["C"]) > 0.3
    # the rendered table shows the same numbers and labels
    flat = result.tables["development_types"].flat()
    beijing = flat[flat["row"] == "Beijing"]
    assert beijing["D (coupling coordination)"].round(3).tolist() == [0.754, 0.752]
    assert beijing["grade"].tolist() == ["intermediate coordination"] * 2
    assert flat[flat["row"] == "Tianjin"]["type"].tolist() == ["A32", "A32"]
    assert flat[flat["row"] == "Hebei"]["S class"].tolist() == ["S2 lagging"] * 2
    means = got[got["kind"] == "mean"]
    assert means["D"].tolist() == pytest.approx(units.groupby(level=0)["D"].mean().tolist())


def test_seed000_one_region_gini(seed000):
    _study, result = seed000
    dagum = result.results["dagum"]
    assert not dagum.decomposed
    table = result.tables["dagum"]
    assert "one group: no decomposition" in table.title
    text = " ".join(_sections(result).by_section["dagum"])
    assert "no between-group part" in text and "decomposition G = G_w" not in text
    assert any("one group" in line for line in result.log)


# -- seed 002 ----------------------------------------------------------------------------------
def test_seed002_report_has_the_seed_tables_in_order(seed002):
    _study, result = seed002
    order = _sections(result).sections
    expected = ["data", "evaluation", "coordination", "types", "weights", "moran", "lisa", "kde", "panel_moran",
                "tests", "sdm", "sdm_regional", "sdm_robustness"]
    assert [s for s in order if s in expected] == expected
    assert order.index("panel_moran") + 1 == order.index("tests")   # Table 6 opens with the panel Moran's I
    for name in ("development_types", "moran", "lisa_clusters", "kde_summary", "panel_moran", "specification_tests",
                 "sdm", "sdm_regional", "sdm_robustness"):
        assert name in result.tables, name
    types = result.tables["development_types"]
    assert [b for b, _ in types._blocks()] == ["2012", "2017", "2023"]
    last = [r for r, _ in types._blocks()[-1][1]][-4:]
    assert last == ["East", "Central", "West", "National mean"]


def test_seed002_panel_moran_equals_the_api(seed002):
    _study, result = seed002
    data = result.data
    w = W.contiguity()
    pooled = sc.panel_moran(data, "D", w)
    fe = sc.panel_moran(data, "D", w, effects="twoways",
                        regressors=["lnx1", "edu", "aged65", "density", "urban", "gov_digital"])
    step = result.results["panel_moran"]
    assert step.outcome.I == pytest.approx(pooled.I, rel=1e-12) and step.outcome.stat == pytest.approx(pooled.stat)
    assert step.residuals.I == pytest.approx(fe.I, rel=1e-12) and step.residuals.pvalue == pytest.approx(fe.pvalue)
    table = result.tables["panel_moran"]
    assert table.columns == ["Moran's I", "E[I]", "z", "p-value"]
    assert list(table.frame.index) == ["D (pooled panel)", "residuals of the non-spatial model (two-way FE)"]


def test_seed002_regional_sdms_side_by_side(seed002):
    _study, result = seed002
    table = result.tables["sdm_regional"]
    assert table.columns == ["Full sample", "East", "Central", "West"]
    frame = table.frame
    assert frame.loc[("Fit statistics", "N (units)")].tolist() == ["31", "11", "8", "12"]
    assert frame.loc[("Fit statistics", "T (years)")].tolist() == ["12"] * 4
    blocks = set(frame.index.get_level_values(0))
    assert {"Spatial parameters", "Direct effects", "Indirect (spillover) effects", "Total effects"} <= blocks
    # the East column is the SDM fitted by hand on the East provinces with W restricted to them
    data = result.data
    east = sc.province_table().index[sc.province_table()["region3"] == "East"]
    res = sc.sdm(data[data["province"].isin(east)], SEED002_FORMULA, W.subset(W.contiguity(), east),
                 effects="twoways")
    got = result.results["sdm_regional"].regional.results["East"]
    assert got.params["rho"] == pytest.approx(res.params["rho"], rel=1e-9)
    assert frame.loc[("Spatial parameters", "ρ"), "East"].startswith(f"{res.params['rho']:.3f}")
    full = result.results["sdm"].result
    assert result.results["sdm_regional"].regional.results["All"].params.equals(full.params)


def test_seed002_robustness_across_weights(seed002):
    _study, result = seed002
    table = result.tables["sdm_robustness"]
    assert table.columns == ["Contiguity", "Inverse distance ≤ 1000 km", "Economic distance (gdp_pc)",
                             "Nested, φ = 0.5"]
    blocks = list(dict.fromkeys(table.frame.index.get_level_values(0)))
    assert blocks == ["Spatial parameters", "Direct effects", "Indirect (spillover) effects", "Total effects",
                      "Fit statistics"]
    data = result.data
    units = sorted(data["province"].unique())
    gdp = data.groupby("province")["gdp_pc"].mean().reindex(units)
    band = W.distance(threshold=1000)
    econ = W.economic(gdp)
    by_hand = {"contiguity": W.contiguity(), "distance": band, "economic": econ,
               "nested": W.nested(band, econ, phi=0.5)}
    step = result.results["sdm_robustness"]
    for entry, w in by_hand.items():
        res = sc.sdm(data, SEED002_FORMULA, w, effects="twoways")
        assert step.results[entry].params["rho"] == pytest.approx(res.params["rho"], rel=1e-8), entry
    assert step.main == "contiguity" and step.results["contiguity"] is result.results["sdm"].result
    # the 1000 km band leaves Xinjiang alone: the island policy links it, and the report says so
    assert step.islands["distance"] == ["65"]
    assert any("Xinjiang" in n and "island policy" in n for n in table.notes)
    assert any("distance band" in line and "islands='nearest'" in line for line in result.log)


def test_seed002_chinese_report_of_these_sections(tmp_path):
    """The four sections in Chinese: no English words but proper names and the user's names (the maps and
    charts of Moran, LISA and kernel densities are left out to keep the run short)."""
    text = re.sub(r"^\[(kde|moran|lisa)\].*\n(?:(?!\[).*\n)*", "", _seed002_text(**{'lang = "en"': 'lang = "zh"'}),
                  flags=re.M)
    study = Study.from_string(text, base_dir=EXAMPLES, source="seed002_zh")
    result = study.run(tmp_path / "zh", quiet=True)
    assert "moran" not in result.results and "panel_moran" in result.results
    text = _sections(result).by_section
    user = " ".join([SEED002_FORMULA, " ".join(result.data.columns), study.spec["title"]])
    proper = {"Moran's", "SDM", "Moran", "LeSage", "Pace", "lee-yu", "splm", "rho", "Queen"}
    allowed = proper | set(WORD.findall(user))
    for sid in ("types", "panel_moran", "sdm_regional", "sdm_robustness"):
        words = english_words(" ".join(text[sid]), allowed)
        assert words == [], (sid, words)
    assert result.tables["sdm_regional"].columns == ["全样本", "东部", "中部", "西部"]
    assert "全国均值" in [r for _, block in result.tables["development_types"]._blocks() for r, _ in block]


# -- bad input: stops before anything is fitted, naming the table and key ------------------------
def _seed002_text(**replace) -> str:
    text = (EXAMPLES / "seed002_digital_health.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.fixture
def no_fits(monkeypatch):
    """Fail loudly if any spatial model is fitted (the error must come before)."""
    from spatialccd.models import spec

    def refuse(self, **kwargs):
        raise AssertionError("a model was fitted before the study file error was raised")

    monkeypatch.setattr(spec.SpatialPanelModel, "fit", refuse)


def _bth_mapping(extra: str) -> str:
    codes = sc.province_table().index
    lines = [f'"{c}" = "{"Capital" if c == "11" else "Rest"}"' for c in codes]
    return "[sdm.by_region]\n" + "\n".join(lines) + "\n" + extra


def test_one_unit_region_in_a_mapping_is_refused_when_the_file_is_read():
    text = _seed002_text(**{'by_region = "region3"\n': ""}) + "\n" + _bth_mapping("")
    with pytest.raises(StudyError, match=r"\[sdm\] by_region: region\(s\) with a single unit.*Capital") as info:
        Study.from_string(text, base_dir=EXAMPLES)
    assert (info.value.table, info.value.key) == ("sdm", "by_region")


def test_one_unit_region_of_kept_provinces_is_refused_when_the_file_is_read():
    text = _seed002_text(**{'time = "year"\n': 'time = "year"\nkeep = ["Beijing", "Tianjin", "Hebei", "Shanxi"]\n'})
    with pytest.raises(StudyError, match=r"single unit.*Central.*Shanxi") as info:
        Study.from_string(text, base_dir=EXAMPLES)
    assert (info.value.table, info.value.key) == ("sdm", "by_region")


def test_one_unit_region_found_in_the_data_stops_before_any_fit(tmp_path, no_fits):
    data = pd.read_csv(EXAMPLES / "seed002_digital_health_simulated.csv")
    data[data["province"].isin(["Beijing", "Tianjin", "Hebei", "Shandong", "Shanxi"])].to_csv(
        tmp_path / "five.csv", index=False)
    text = _seed002_text(**{'path = "seed002_digital_health_simulated.csv"': 'path = "five.csv"',
                            'robustness_weights = ["contiguity", "distance", "economic", "nested"]\n': "",
                            'economic = "gdp_pc"': "", "panel_moran = true": ""})
    study = Study.from_string(text, base_dir=tmp_path)
    with pytest.raises(StudyError, match=r"\[sdm\] by_region: region\(s\) with a single unit.*Central.*'14'") as info:
        study.run(tmp_path / "out", quiet=True)
    assert (info.value.table, info.value.key, info.value.step) == ("sdm", "by_region", "sdm_regional")
    assert not (tmp_path / "out").exists()


def test_robustness_w_that_does_not_match_the_units_stops_before_any_fit(tmp_path, no_fits):
    w = W.to_sparse(W.contiguity(), sc.province_table().index).toarray()
    names = sc.province_table()["name_en"].tolist()
    matrix = pd.DataFrame(w, index=names, columns=names).drop(index="Tibet", columns="Tibet")
    matrix.to_csv(tmp_path / "w_trade.csv")
    text = _seed002_text(**{'path = "seed002_digital_health_simulated.csv"':
                            f'path = "{(EXAMPLES / "seed002_digital_health_simulated.csv").as_posix()}"',
                            '"economic", "nested"]': '"economic", "w_trade.csv"]'})
    study = Study.from_string(text, base_dir=tmp_path)
    with pytest.raises(StudyError, match=r"robustness_weights 'w_trade.csv': W does not match the units.*\['54'\]") \
            as info:
        study.run(tmp_path / "out", quiet=True)
    assert (info.value.table, info.value.key) == ("sdm", "robustness_weights")
    assert not (tmp_path / "out").exists()


def test_robustness_w_from_a_matching_file(tmp_path):
    """A user's matrix (labels in any spelling) gives the same SDM as the graph it was written from, and as
    the built-in "knn" entry with the same k."""
    codes = sc.province_table().index
    w = W.to_sparse(W.knn(k=3), codes).toarray()
    names = sc.province_table()["short_zh"].tolist()     # 北京 … 新疆
    pd.DataFrame(w, index=names, columns=names).to_csv(tmp_path / "w_knn3.csv")
    data = pd.read_csv(EXAMPLES / "seed002_digital_health_simulated.csv")
    data.to_csv(tmp_path / "panel.csv", index=False)
    text = f'''
[data]
path = "panel.csv"
[weights]
kind = "contiguity"
k = 3
[sdm]
formula = "beds_per_1k ~ edu + urban"
n_draws = 50
robustness_weights = ["knn", "w_knn3.csv"]
'''
    result = Study.from_string(text, base_dir=tmp_path).run(tmp_path / "out", quiet=True)
    res = sc.sdm(data, "beds_per_1k ~ edu + urban", W.knn(k=3))
    got = result.results["sdm_robustness"].results["w_knn3.csv"]
    assert got.params["rho"] == pytest.approx(res.params["rho"], rel=1e-8)
    assert result.results["sdm_robustness"].results["knn"].params.values == pytest.approx(got.params.values)
    assert result.tables["sdm_robustness"].columns == ["3 nearest neighbours", "Matrix w_knn3.csv"]


@pytest.mark.parametrize("edit, table, key, match", [
    ({'"economic", "nested"]': '"economic", "rook"]'}, "sdm", "robustness_weights", r"\['rook'\] are not allowed"),
    ({'economic = "gdp_pc"': ""}, "weights", "economic", r"need the variable of the economic distance"),
    ({'"contiguity", "distance", "economic", "nested"]': '"distance", "distance"]', 'economic = "gdp_pc"': ""},
     "sdm", "robustness_weights", r"listed twice"),
    ({'robustness_weights = ["contiguity", "distance", "economic", "nested"]\n': ""}, "weights", "economic",
     r"list them in \[sdm\] robustness_weights"),
    ({"nested_phi = 0.5": "nested_phi = 1.5"}, "weights", "nested_phi", r"\[0, 1\]"),
    ({'scheme = "ten"': 'scheme = { cuts = [0, 0.5, 0.4, 1], labels = ["a", "b", "c"] }'}, "coordination", "scheme",
     r"strictly increasing: 0.5 \(position 2\) is followed by 0.4"),
    ({'scheme = "ten"': 'scheme = { cuts = [0, 0.3, 0.6, 0.9], labels = ["low", "mid", "high"] }'}, "coordination",
     "scheme", r"cover \[0, 1\].*last 0.9"),
    ({'scheme = "ten"': 'scheme = { cuts = [0.1, 0.5, 1], labels = ["low", "high"] }'}, "coordination",
     "scheme", r"cover \[0, 1\].*first 0.1"),
    ({"years = [2012, 2017, 2023]\ngroup": "years = []\ngroup"}, "types", "years", r"distinct years"),
])
def test_bad_study_files_stop_when_read(edit, table, key, match):
    with pytest.raises(StudyError, match=match) as info:
        Study.from_string(_seed002_text(**edit), base_dir=EXAMPLES)
    assert (info.value.table, info.value.key) == (table, key)


def test_types_needs_two_scores():
    text = (EXAMPLES / "seed000_bth_medical_security.toml").read_text(encoding="utf-8")
    with pytest.raises(StudyError, match=r"two different data columns") as info:
        Study.from_string(text.replace('scores = ["S1", "S2"]', 'scores = ["S1", "S1"]'), base_dir=EXAMPLES)
    assert (info.value.table, info.value.key) == ("types", "scores")
    bare = "[data]\npath = \"x.csv\"\n[types]\n"
    with pytest.raises(StudyError, match=r"exactly two subsystem scores") as info:
        Study.from_string(bare)
    assert (info.value.table, info.value.key) == ("types", "scores")


def test_types_years_not_in_the_data(tmp_path):
    text = (EXAMPLES / "seed000_bth_medical_security.toml").read_text(encoding="utf-8")
    study = Study.from_string(text.replace("years = [2020, 2022]\nscores", "years = [2020, 2021]\nscores"),
                              base_dir=EXAMPLES)
    with pytest.raises(StudyError, match=r"\[types\] years \[2021\] are not in the data") as info:
        study.run(tmp_path / "out", quiet=True)
    assert (info.value.table, info.value.key) == ("types", "years")


def test_small_regions_are_warned_in_the_log(tmp_path):
    """A region of few units is fitted, and the log names its units (SmallRegionWarning)."""
    data = pd.read_csv(EXAMPLES / "seed002_digital_health_simulated.csv")
    data.to_csv(tmp_path / "panel.csv", index=False)
    regions = {p: ("North" if p in ("Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning") else "Rest")
               for p in data["province"].unique()}
    table = "\n".join(f'"{p}" = "{r}"' for p, r in regions.items())
    text = f'''
[data]
path = "panel.csv"
[sdm]
formula = "beds_per_1k ~ edu + urban"
n_draws = 50
[sdm.by_region]
{table}
'''
    with pytest.warns(SmallRegionWarning):
        result = Study.from_string(text, base_dir=tmp_path).run(tmp_path / "out", quiet=True)
    assert any("sdm_regional: warning: region 'North' has only 6 units" in line for line in result.log)
    assert result.tables["sdm_regional"].columns == ["Full sample", "North", "Rest"]
    np.testing.assert_array_equal(result.results["sdm_regional"].regional.dimensions["N"].to_numpy(), [31, 6, 25])


def test_robustness_weights_take_the_sparse_distance_and_economic_keys():
    """[weights] distance_k and economic_k reach the robustness W (seed 002: distance band, economic, nested):
    the band cut to the k nearest and economic weights to the k nearest in value, as weights.distance /
    weights.economic build them."""
    from types import SimpleNamespace

    from spatialccd.panel import PanelData
    from spatialccd.study.steps_structure import _robustness_graphs

    text = _seed002_text(**{'economic = "gdp_pc"': 'economic = "gdp_pc"\neconomic_k = 5\ndistance_k = 6'})
    study = Study.from_string(text, base_dir=EXAMPLES)
    data = pd.read_csv(EXAMPLES / "seed002_digital_health_simulated.csv")
    panel = PanelData(data, unit="province", time="year")
    ctx = SimpleNamespace(spec=study.spec, panel=panel, graph=W.contiguity(), source="seed002.toml",
                          results={"weights": SimpleNamespace(geometry=None)})
    graphs = _robustness_graphs(ctx)
    assert (graphs["economic"].cardinalities == 5).all()
    band6 = W.distance(threshold=1000, k=6)
    assert (graphs["distance"].sparse != band6.sparse).nnz == 0
    means = pd.Series(panel.matrix("gdp_pc").mean(axis=1), index=panel.units)
    assert (graphs["economic"].sparse != W.economic(means, units="labels", k=5).sparse).nnz == 0
