"""The study runner end to end (demo study into tmp_path), its TOML validation, the CLI and the demo data."""
from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import spatialccd as sc
from spatialccd.cli import main
from spatialccd.datasets import demo_study_path
from spatialccd.study import Study

from report_text import PROPER, WORD, english_words, read_report

EXPECTED_SECTIONS = ["data", "evaluation", "coordination", "obstacle", "weights", "moran", "lisa", "dagum", "kde",
                     "tests", "sdm", "figure-index", "settings", "run-log"]


class _Collector(HTMLParser):
    """Collects ids, in-page links, images and text; records tags left open."""

    def __init__(self) -> None:
        super().__init__()
        self.ids, self.links, self.images, self.stack, self.text = set(), [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag == "img":
            self.images.append(a.get("src", ""))
        if tag not in ("meta", "img", "br", "link", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _fast_demo_text() -> str:
    text = demo_study_path().read_text(encoding="utf-8")
    return text.replace("permutations = 999", "permutations = 99").replace("n_draws = 1000", "n_draws = 200")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    study = Study.from_string(_fast_demo_text(), source="demo_study.toml")
    return study, study.run(out, quiet=True)


def test_demo_report_is_complete_html(demo_run):
    _study, result = demo_run
    html = result.report_path.read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert parser.stack == []  # every tag closed
    for section in EXPECTED_SECTIONS:
        assert section in parser.ids, section
        assert section in parser.links, f"table of contents lacks {section}"
    assert set(parser.links) <= parser.ids  # no dangling links
    text = " ".join(parser.text)
    assert "SIMULATED" in text and sc.MAP_DISCLAIMER in text and f"spatialccd {sc.__version__}" in text
    # every figure is embedded, byte for byte the PNG written beside the report
    embedded = [base64.b64decode(src.split(",", 1)[1]) for src in parser.images]
    assert all(src.startswith("data:image/png;base64,") for src in parser.images)
    assert len(embedded) == len(result.figures)
    assert set(result.figures) == {"ccd_trend", "ccd_maps", "moran_trend", "moran_scatter", "lisa_maps",
                                   "dagum_trends", "kde", "effects",
                                   "markov_heatmaps", "hot_spot_maps", "bivariate_lisa_maps", "detector", "gwr_maps",
                                   "gravity_map", "topsis_trends"}   # the toolbox of issue 20
    assert len(embedded) >= 8  # issue 17: the figures papers print
    for fig in result.figures.values():   # the figure index links every figure
        assert f"fig-{fig.name}" in parser.links
    for fig in result.figures.values():
        assert (result.output / "figures" / f"{fig.name}.png").read_bytes() in embedded
    # every table appears
    for name in result.tables:
        assert f'id="tbl-{name}"' in html


def test_demo_outputs_on_disk(demo_run):
    study, result = demo_run
    out = result.output
    names = list(result.tables)
    assert {"descriptives", "weights", "ccd", "obstacle", "obstacle_top", "moran", "lisa_clusters", "dagum",
            "kde_summary", "specification_tests", "model_comparison", "sdm", "sdm_recovery"} <= set(names)
    assert openpyxl.load_workbook(out / "tables.xlsx", read_only=True).sheetnames == names
    for name in names:
        assert (out / "tables" / f"{name}.csv").stat().st_size > 0
        assert (out / "tables" / f"{name}.tex").read_text().startswith(r"\begin{table}")
    for name in result.figures:
        assert (out / "figures" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
        assert "<svg" in (out / "figures" / f"{name}.svg").read_text()
    settings = (out / "settings.toml").read_text(encoding="utf-8")
    assert settings == study.settings_toml()
    again = Study.from_string(settings)  # the settings as run are themselves a valid study
    assert {k: v for k, v in again.spec.items() if k != "indicators"} == \
        {k: v for k, v in study.spec.items() if k != "indicators"}
    assert again.spec["indicators"].table().equals(study.spec["indicators"].table())
    log = (out / "run.log").read_text()
    assert "sdm: done" in log and "moran: done" in log
    assert not list(out.rglob("*.tmp"))


def test_demo_study_results_are_sensible(demo_run):
    _study, result = demo_run
    d = result.data
    assert d["D"].between(0, 1).all() and {"C", "T", "D", "grade", "health", "digital"} <= set(d.columns)
    recovery = result.tables["sdm_recovery"].frame
    truth = sc.demo_truth()
    assert recovery.loc["rho", "true"] == truth["rho"]
    # the SDM recovers the simulated β within 3 standard errors
    for k, b in truth["beta"].items():
        assert abs(recovery.loc[k, "estimate"] - b) < 3 * recovery.loc[k, "se"], k


def test_scatter_uses_the_lisa_inference(demo_run):
    """Issue 17: the Moran scatter colours exactly the LISA step's significant units (one inference)."""
    _study, result = demo_run
    lisa = result.results["lisa"]
    last = result.results["moran"].scatter_year
    assert result.results["moran"].scatter is None   # taken from the LISA step, not re-run
    assert last in set(lisa.index.get_level_values(0))


def test_model_comparison_uses_the_study_specification(demo_run):
    _study, result = demo_run
    comparison = result.results["tests"].comparison
    assert {m.bias_correction for m in comparison.values()} == {"lee-yu"}
    assert comparison["SDM"] is result.results["sdm"].result
    note = result.tables["model_comparison"].notes[-1]
    assert "bias correction = lee-yu" in note and "effects = two-way FE" in note


def test_output_folder_is_not_silently_overwritten(demo_run, tmp_path):
    study, result = demo_run
    with pytest.raises(FileExistsError, match="overwrite"):
        study.run(result.output, quiet=True)


def _small_study(tmp_path: Path, extra: str = "") -> Path:
    rows = sc.load_demo()
    rows = rows[rows["year"] >= 2021][["province", "year", "beds_per_1k", "oop_share", "internet_share",
                                       "rural_urban_net_gap"]]
    names = sc.province_table()["name_zh"]
    rows = rows.assign(province=rows["province"].map(names))  # users' files carry names, not codes
    rows.to_csv(tmp_path / "panel.csv", index=False)
    (tmp_path / "study.toml").write_text(f"""
title = "Small <script>alert(1)</script> study"
[data]
path = "panel.csv"
[indicators.health]
beds_per_1k = "+"
oop_share = "-"
[indicators.digital]
internet_share = "+"
rural_urban_net_gap = "-"
[evaluation]
shift = 0.0001
[moran]
permutations = 9
{extra}
""", encoding="utf-8")
    return tmp_path / "study.toml"


def test_user_study_reads_files_without_modifying_them(tmp_path):
    path = _small_study(tmp_path)
    digest = hashlib.sha256((tmp_path / "panel.csv").read_bytes()).hexdigest()
    result = Study.from_toml(path).run(tmp_path / "out", quiet=True)
    assert hashlib.sha256((tmp_path / "panel.csv").read_bytes()).hexdigest() == digest
    html = result.report_path.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'id="simulated-notice"' not in html
    assert set(result.data["province"]) == set(sc.province_table().index)
    again = Study.from_toml(path).run(tmp_path / "out", overwrite=True, quiet=True)
    assert again.report_path == result.report_path


def test_study_from_nbs_exports(tmp_path):
    demo = sc.load_demo()
    demo = demo[demo["year"] >= 2022]
    names = sc.province_table()["name_zh"]
    for column, encoding, sep in (("beds_per_1k", "utf-8-sig", ","), ("internet_share", "gbk", "\t,")):
        wide = demo.pivot(index="province", columns="year", values=column)
        lines = ["数据库：分省年度数据", f"指标：{column}", "时间：最近2年", sep.join(["地区", "2023年", "2022年"]),
                 sep.join(["全国", "1", "1"])]
        lines += [sep.join([names[c], str(row[2023]), str(row[2022])]) for c, row in wide.iterrows()]
        lines += ["注：模拟数据。", "数据来源：spatialccd 测试"]
        (tmp_path / f"{column}.csv").write_bytes("\n".join(lines).encode(encoding))
    (tmp_path / "study.toml").write_text("""
[data]
paths = ["beds_per_1k.csv", "internet_share.csv"]
format = "nbs"
[indicators]
health = { beds_per_1k = "+" }
digital = { internet_share = "+" }
[evaluation]
shift = 0.0001
""", encoding="utf-8")
    with pytest.warns(sc.io.NonProvinceRowWarning, match="全国"):
        result = Study.from_toml(tmp_path / "study.toml").run(tmp_path / "out", quiet=True)
    got = result.data.set_index(["province", "year"])[["beds_per_1k", "internet_share"]].sort_index()
    want = demo.set_index(["province", "year"])[["beds_per_1k", "internet_share"]].sort_index()
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert any("not provinces: ['全国']" in line for line in result.log)


def test_output_may_not_clobber_inputs(tmp_path):
    path = _small_study(tmp_path)
    (tmp_path / "panel.csv").rename(tmp_path / "run.log")  # an input named like an output
    path.write_text(path.read_text(encoding="utf-8").replace('"panel.csv"', '"run.log"'), encoding="utf-8")
    with pytest.raises(ValueError, match="overwrite input"):
        Study.from_toml(path).run(tmp_path, overwrite=True, quiet=True)


def test_cli_run_and_refusal(tmp_path, capsys):
    path = _small_study(tmp_path)
    assert main(["run", str(path), "-o", str(tmp_path / "cli"), "--quiet"]) == 0
    assert "report written to" in capsys.readouterr().out
    assert main(["run", str(path), "-o", str(tmp_path / "cli"), "--quiet"]) == 2
    assert "not empty" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ("[data]\ndemo = true\n[colour]\nx = 1\n", r"unknown key\(s\) \['colour'\]; allowed top-level keys: .*moran"),
    ("[data]\ndemo = true\n[moran]\npermutation = 9\n",
     r"\[moran\] unknown key\(s\) \['permutation'\]; allowed keys: column, permutations, seed"),
    ("[data]\ndemo = true\n[sdm]\nformula = 'y ~ x'\neffects = 'both'\n",
     r"\[sdm\] effects = 'both' is not allowed; allowed values: individual, time, twoways"),
    ("[data]\ndemo = true\n[moran]\npermutations = '99'\n", r"\[moran\] permutations must be an integer"),
    ("[data]\ndemo = true\n[moran]\npermutations = true\n", r"\[moran\] permutations must be an integer"),
    ("[data]\ndemo = true\n[sdm]\neffects = 'time'\n", r"\[sdm\] missing required key\(s\) \['formula'\]"),
    ("[moran]\n", r"missing \[data\]"),
    ("[data]\ndemo = true\npath = 'x.csv'\n", r"exactly one of demo = true, path or paths"),
    ("[data]\nformat = 'json'\npath = 'x'\n", r"\[data\] format = 'json' is not allowed; allowed values: long, wide, nbs"),
    ("[data]\ndemo = true\nyears = [2012]\n", r"years must be \[first, last\]"),
    ("[data]\ndemo = true\n[lisa]\nyears = [2012, '2013']\n", r"\[lisa\] years\[1\] must be an integer"),
    ("[data]\ndemo = true\n[indicators.a]\nx = 'up'\n", r"\[indicators\] indicator 'x'"),
    ("[data]\ndemo = true\n[coordination]\n", r"\[coordination\] needs an \[indicators\] table"),
    ("[data]\ndemo = true\n[indicators.a]\nx = '+'\n[indicators.b]\ny = '-'\n[coordination]\nalpha = [1.0]\n",
     r"alpha has 1 values for 2 subsystems"),
    ("[data\n", r"not valid TOML"),
    ("[data]\ndemo = true\n[indicators.a]\nx = '+'\n[obstacle]\nlevel = 'criterion'\n",
     r"\[obstacle\] level = 'criterion' needs a criterion layer"),
])
def test_toml_validation_messages(text, message):
    with pytest.raises(ValueError, match=message):
        Study.from_string(text, source="study.toml")


@pytest.mark.parametrize("extra, message", [
    ('column = "nonexistent"', r"\[moran\] column = 'nonexistent' is not a column"),
    ('[coordination]\nmap_years = [1999]', r"\[coordination\] map_years \[1999\] are not in the data"),
])
def test_run_time_errors_name_the_key(tmp_path, extra, message):
    path = _small_study(tmp_path, extra=extra)
    with pytest.raises(ValueError, match=message):
        Study.from_toml(path).run(tmp_path / "out", quiet=True)


def test_missing_study_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        Study.from_toml(tmp_path / "nope.toml")


# -- the simulated demo panel ---------------------------------------------------

def test_demo_panel_shape_and_indicator_system():
    df = sc.load_demo()
    assert df.shape[0] == 31 * 12 and set(df["year"]) == set(range(2012, 2024))
    assert set(df["province"]) == set(sc.province_table().index)
    spec = sc.demo_indicators()
    for subsystem, block in spec.groupby("subsystem"):
        assert len(block) >= 6, subsystem
        assert set(block["direction"]) == {"positive", "negative"}, subsystem
    assert set(spec["indicator"]) <= set(df.columns)
    study = Study.from_toml(demo_study_path())
    assert study.spec["indicators"].names == spec["indicator"].tolist()
    assert "SIMULATED" in sc.load_demo.__doc__ and "not statistics of China" in sc.load_demo.__doc__


def test_demo_panel_is_reproducible_from_its_script():
    from spatialccd.datasets.make_demo import simulate

    fresh, shipped = simulate(), sc.load_demo()
    assert list(fresh.columns) == list(shipped.columns)
    assert (fresh["province"] == shipped["province"]).all()
    np.testing.assert_allclose(fresh.drop(columns="province").to_numpy(float),
                               shipped.drop(columns="province").to_numpy(float), rtol=1e-9, atol=1e-3)


def test_demo_truth_matches_the_process():
    truth = sc.demo_truth()
    assert truth["formula"] == "outcome ~ lngdp + edu + aged65 + urban + gov_digital"
    eff = truth["effects"]
    # row-standardised W: total effect = (β + θ) / (1 − ρ)
    for k in truth["regressors"]:
        assert eff.loc[k, "total"] == pytest.approx((truth["beta"][k] + truth["theta"][k]) / (1 - truth["rho"]))
    assert (eff["direct"] + eff["indirect"] - eff["total"]).abs().max() < 1e-12
    study = Study.from_toml(demo_study_path())
    assert study.spec["sdm"]["formula"] == truth["formula"]


def test_tests_section_needs_a_formula(tmp_path):
    text = '[data]\ndemo = true\n\n[tests]\neffects = "twoways"\n'
    with pytest.raises(ValueError, match=r"\[tests\] needs a formula"):
        Study.from_string(text, base_dir=tmp_path, source="t.toml")


# -- language (issue 17) ----------------------------------------------------------

def test_chinese_report_has_no_english_outside_names(tmp_path):
    text = _fast_demo_text().replace('names = "en"', 'lang = "zh"')
    study = Study.from_string(text, source="demo_study.toml")
    result = study.run(tmp_path / "zh", quiet=True)
    parser = read_report(result.report_path)
    # user strings: the title, indicator names and units, subsystems, data columns, the formula's terms
    system = study.spec["indicators"].table()
    user = " ".join([study.spec["title"], " ".join(system.index), " ".join(system["unit"].dropna()),
                     " ".join(system["subsystem"]), " ".join(result.data.columns), study.spec["sdm"]["formula"]])
    english = english_words(" ".join(parser.text), PROPER | set(WORD.findall(user)))
    assert english == [], english
    assert 'lang="zh"' in result.report_path.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(result.output / "tables.xlsx", read_only=True)
    assert "描述性统计" in book.sheetnames and "空间杜宾模型" in book.sheetnames


def test_standard_error_rows_are_labelled_in_spreadsheets(demo_run):
    _study, result = demo_run
    flat = result.tables["sdm"].flat()
    assert (flat["row"].astype(str).str.strip() != "").all()
    assert "lngdp (se)" in set(flat["row"])


class Loud(UserWarning):
    """A warning raised while a worker draws a section."""


def test_report_drawn_by_worker_processes_equals_the_one_drawn_here():
    """[report] workers: the sections drawn in forked workers are the ones drawn in this process (same tables,
    same PNG bytes), warnings raised there reach the caller, and a step failing there raises its own error."""
    import dataclasses
    import warnings

    from spatialccd.report.sections import ReportOptions
    from spatialccd.study import outputs, registry
    from spatialccd.study.run import run_steps

    text = _fast_demo_text().replace("[report]\n", "[report]\nworkers = 1\n")
    serial_run = run_steps(Study.from_string(text, source="demo_study.toml"), quiet=True)
    run = dataclasses.replace(serial_run, study=Study.from_string(text.replace("workers = 1", "workers = 2"),
                                                                  source="demo_study.toml"))
    opts = ReportOptions(lang="en", names="en", digits=3, unit=run.panel.unit, time=run.panel.time)
    assert outputs._workers(serial_run, 10) == 1 and outputs._workers(run, 10) == 2
    with warnings.catch_warnings(record=True):
        serial, drawn = outputs.build_sections(serial_run, opts), outputs.build_sections(run, opts)
    assert [s.id for s in drawn] == [s.id for s in serial]
    for a, b in zip(serial, drawn):
        assert [f.png for f in a.figures] == [f.png for f in b.figures]
        assert a.paragraphs == b.paragraphs
        for x, y in zip(a.tables, b.tables):
            pd.testing.assert_frame_equal(x.frame, y.frame)

    step = registry.STEPS["kde"]

    def noisy(result, run_, opts_):
        warnings.warn("drawn in a worker", Loud)
        return step.present(result, run_, opts_)

    def broken(result, run_, opts_):
        raise sc.exceptions.StudyError("kde cannot be drawn", table="kde", key="kind")

    try:
        registry.STEPS["kde"] = dataclasses.replace(step, present=noisy)
        with pytest.warns(Loud, match="drawn in a worker"):
            outputs.build_sections(run, opts)
        registry.STEPS["kde"] = dataclasses.replace(step, present=broken)
        with pytest.raises(sc.exceptions.StudyError, match="kde cannot be drawn") as err:
            outputs.build_sections(run, opts)
        assert (err.value.table, err.value.key) == ("kde", "kind")
    finally:
        registry.STEPS["kde"] = step
    with pytest.raises(sc.exceptions.StudyError, match=r"\[report\] workers"):
        Study.from_string(text.replace("workers = 1", "workers = -1"), source="demo_study.toml")


def test_weights_keys_for_sparse_distance_and_their_errors(tmp_path):
    """[weights] distance_k / threshold / k_islands reach weights.distance; a W that cannot be built names the
    [weights] key to change."""
    from spatialccd.study.run import run_steps

    base = _fast_demo_text()
    cut = base.split("[moran]")[0].replace('kind = "contiguity"', 'kind = "distance"\ndistance_k = 5')  # up to W
    run = run_steps(Study.from_string(cut, source="s.toml"), quiet=True)
    expected = sc.weights.distance(k=5)
    assert run.graph.sparse.nnz == expected.sparse.nnz == 31 * 5
    assert "to the 5 nearest units" in run.results["weights"].description
    bad = cut.replace("distance_k = 5", "distance_k = 40")
    with pytest.raises(sc.exceptions.StudyError, match=r"\[weights\] kind = 'distance'.*distance_k") as err:
        run_steps(Study.from_string(bad, source="s.toml"), quiet=True)
    assert (err.value.table, err.value.key) == ("weights", "distance_k")


def test_command_exits_fast_with_its_code_and_flushed_output(tmp_path):
    """`spatialccd` (cli.entry) ends with os._exit after flushing: the exit code and every line printed
    survive (a bad study file: code 2 and the one-line error; --version: code 0)."""
    import subprocess
    import sys

    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[data]\ndemo = true\n[weights]\nkind = "queen"\n', encoding="utf-8")
    cmd = [sys.executable, "-c", "import sys; from spatialccd.cli import entry; sys.argv[0] = 'spatialccd'; entry()"]
    proc = subprocess.run(cmd + ["run", str(bad), "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith("spatialccd: error:") and "[weights] kind" in proc.stderr
    ok = subprocess.run(cmd + ["--version"], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("spatialccd ")
