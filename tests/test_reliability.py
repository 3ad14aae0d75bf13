"""Issue 21 — reliability: one focused test (or a small group) per numbered item 1–21.

Each test drives the public API or the command line exactly as the issue describes the
failure and asserts the fixed behaviour: the right number, or an error of the package
(:class:`spatialccd.exceptions.SpatialCCDError` subclasses) whose message names the
culprit (file and line, unit and year, column, cell, TOML table and key).  Every test
was run against the pre-session code (commit 5e18d9d) and fails there, except the controls
(test_item_01_nbs_complete_export_…, test_item_06_allocation_gini_closed_form, the
static test_guarantee_package_never_evaluates_…) and the two cases the old code already
got right (test_item_13b_…, test_item_20b_…).  The ``test_guarantee_…`` tests back the
README's "Reliability" section.
"""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import stat
import warnings
from contextlib import redirect_stderr
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import spatialccd as sc
import spatialccd.autocorrelation
import spatialccd.datasets
import spatialccd.io
from spatialccd.cli import main
from spatialccd.exceptions import (ConvergenceError, DataError, OneGroupWarning, SpatialCCDError, StudyError,
                                   WeightsError)
from spatialccd.study import Study

# -- shared inputs ------------------------------------------------------------------------------------------------

SMALL = """
title = "small"
[data]
demo = true
years = [2019, 2023]
[indicators.health]
beds_per_1k = "+"
physicians_per_1k = "+"
infant_mortality = "-"
[indicators.digital]
broadband_per_100 = "+"
ecommerce_share = "+"
[evaluation]
shift = 0.0001
"""
#: the same study with another shift, so that its tables differ from SMALL's
OTHER = SMALL.replace('"small"', '"second"').replace("shift = 0.0001", "shift = 0.01")


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return sc.load_demo()


@pytest.fixture(scope="module")
def w():
    return sc.weights.contiguity()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _cli(argv: list[str]) -> tuple[int, list[str]]:
    """Run the command line; (exit code, stderr lines).  Ctrl-C escaping the CLI is a failure, not an abort."""
    err = io.StringIO()
    with redirect_stderr(err):
        try:
            code = main(argv)
        except KeyboardInterrupt:
            pytest.fail("KeyboardInterrupt escaped the command line as a traceback")
    return code, err.getvalue().strip().splitlines()


def _write_study(folder: Path, text: str, name: str = "study.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _fail_on(name: str, failure: BaseException, monkeypatch) -> None:
    """Make the package's text writer fail when it writes ``name`` (a full disk, or Ctrl-C, mid-output)."""
    real = spatialccd.io.write_text

    def write_text(path, *args, **kwargs):
        if Path(path).name == name:
            raise failure
        return real(path, *args, **kwargs)

    monkeypatch.setattr(spatialccd.io, "write_text", write_text)


# -- 1: NBS exports cut off mid-number ---------------------------------------------------------------------------

_NBS_HEAD = ("数据库：分省年度数据\r\n指标：地区生产总值(亿元)\r\n时间：最近3年\r\n地区,2023年,2022年,2021年\r\n"
             "北京市,43760.7,41610.9,41045.6\r\n天津市,16737.3,16311.3,15695.1\r\n")


def _nbs(tmp_path: Path, body: str, name: str = "cut.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((_NBS_HEAD + body).encode("utf-8-sig"))
    return path


def test_item_01_nbs_complete_export_reads_the_full_number(tmp_path):
    """Control: the complete file gives Hebei 2023 = 43944.1 (and three years of Hebei)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = sc.read_nbs(_nbs(tmp_path, "河北省,43944.1,42370.4,40391.3\r\n注：模拟数据。\r\n数据来源：国家统计局\r\n",
                              name="full.csv"))
    gdp = df.filter(like="地区生产总值").columns[0]
    hebei = df[df["province"] == "13"].set_index("year")[gdp]
    assert hebei.to_dict() == {2021: 40391.3, 2022: 42370.4, 2023: 43944.1}


def test_item_01_nbs_export_cut_mid_number_is_refused_naming_file_and_line(tmp_path):
    """`河北省,4394` (the download stopped inside 43944.1) must not become 4394 with two years of Hebei lost."""
    with pytest.raises(DataError, match=r"cut\.csv, line 7\b.*(incomplete|truncated)"):
        sc.read_nbs(_nbs(tmp_path, "河北省,4394"))


def test_item_01_nbs_cut_inside_the_last_field_of_the_file_is_refused(tmp_path):
    """A full-width last row without line break and without footnotes: 4039 may be 40391.3 cut short."""
    with pytest.raises(DataError, match=r"cut\.csv, line 7\b.*truncated"):
        sc.read_nbs(_nbs(tmp_path, "河北省,43944.1,42370.4,4039"))


# -- 2: the output folder is all-or-nothing -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A complete earlier output in a folder of its own (nothing else beside it)."""
    base = tmp_path_factory.mktemp("item02")
    out = base / "runs" / "out"
    Study.from_string(SMALL, source="small.toml").run(out, quiet=True)
    return out


def _only_the_output_is_left(out: Path) -> bool:
    return [p.name for p in out.parent.iterdir()] == [out.name]


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
def test_item_02_failed_or_interrupted_overwrite_keeps_the_previous_output(previous, monkeypatch, failure):
    """A re-run that fails while writing must not leave the old report beside new tables."""
    before = _snapshot(previous)
    _fail_on("settings.toml", failure, monkeypatch)   # after the tables and figures, before the report
    with pytest.raises(type(failure)):
        Study.from_string(OTHER, source="other.toml").run(previous, overwrite=True, quiet=True)
    assert _snapshot(previous) == before          # byte for byte the previous complete output
    assert _only_the_output_is_left(previous)      # no temporary folder left behind


def test_item_02_cli_disk_full_is_one_line_and_keeps_the_previous_output(previous, tmp_path, monkeypatch):
    before = _snapshot(previous)
    study = _write_study(tmp_path, OTHER)
    _fail_on("settings.toml", OSError(errno.ENOSPC, "No space left on device"), monkeypatch)
    code, err = _cli(["run", str(study), "-o", str(previous), "--overwrite", "--quiet"])
    assert code == 2 and len(err) == 1 and err[0].startswith("spatialccd: error:")
    assert "No space left on device" in err[0] and "left as it was" in err[0]   # says what is on disk
    assert _snapshot(previous) == before and _only_the_output_is_left(previous)


def test_item_02_cli_ctrl_c_is_one_line_and_keeps_the_previous_output(previous, tmp_path, monkeypatch):
    before = _snapshot(previous)
    study = _write_study(tmp_path, OTHER)
    _fail_on("settings.toml", KeyboardInterrupt(), monkeypatch)
    code, err = _cli(["run", str(study), "-o", str(previous), "--overwrite", "--quiet"])
    assert code == 130 and len(err) == 1 and "interrupted" in err[0] and "left as it was" in err[0]
    assert _snapshot(previous) == before and _only_the_output_is_left(previous)


def test_item_02_failure_in_a_new_folder_leaves_nothing(tmp_path, monkeypatch):
    _fail_on("settings.toml", OSError(errno.ENOSPC, "No space left on device"), monkeypatch)
    with pytest.raises(OSError):
        Study.from_string(SMALL, source="small.toml").run(tmp_path / "new", quiet=True)
    assert list(tmp_path.iterdir()) == []


def test_item_02_manifest_lists_every_file_with_its_sha256(previous):
    manifest = json.loads((previous / "manifest.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in manifest["files"]}
    on_disk = {k: v for k, v in _snapshot(previous).items() if k != "manifest.json"}
    assert manifest["complete"] is True and set(files) == set(on_disk) and "report.html" in files
    for path, data in on_disk.items():
        assert files[path]["sha256"] == hashlib.sha256(data).hexdigest() and files[path]["bytes"] == len(data)


def test_item_02_overwrite_replaces_only_an_earlier_spatialccd_output(tmp_path):
    (tmp_path / "thesis.docx").write_bytes(b"two years of work")
    with pytest.raises(FileExistsError, match="not a spatialccd output"):
        Study.from_string(SMALL, source="small.toml").run(tmp_path, overwrite=True, quiet=True)
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]
    assert (tmp_path / "thesis.docx").read_bytes() == b"two years of work"


def test_item_02_output_files_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        out = tmp_path / "out"
        Study.from_string(SMALL, source="small.toml").run(out, quiet=True)
    finally:
        os.umask(old)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [out, *out.rglob("*")]}
    wrong = {k: oct(m) for k, m in modes.items() if m != (0o750 if (tmp_path / k).is_dir() else 0o640)}
    assert not wrong


def test_item_02_single_file_writers_are_atomic_and_follow_the_umask(tmp_path):
    """The writers of the Python API: a failed write keeps the previous file; new files get 0666 & ~umask."""
    target = tmp_path / "table.csv"
    sc.io.write_csv(pd.DataFrame({"x": [1.0]}), target)
    before = target.read_bytes()
    with pytest.raises(OSError):
        with sc.io.atomic_write(target) as fh:
            fh.write("half a fi")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["table.csv"]
    old = os.umask(0o027)
    try:
        for name, write in (("a.csv", lambda p: sc.io.write_csv(pd.DataFrame({"x": [1]}), p)),
                            ("b.xlsx", lambda p: sc.io.write_excel({"s": pd.DataFrame({"x": [1]})}, p)),
                            ("c.txt", lambda p: sc.io.write_text(p, "text"))):
            write(tmp_path / name)
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640, name
    finally:
        os.umask(old)


# -- 3: years given as strings ------------------------------------------------------------------------------------

def _string_years(demo: pd.DataFrame, province: str = "11") -> pd.DataFrame:
    mixed = demo.astype({"year": object})
    rows = mixed["province"] == province
    mixed.loc[rows, "year"] = mixed.loc[rows, "year"].astype(str)   # '2012' beside 2012
    return mixed


def test_item_03_string_years_are_the_same_years_in_panel_and_dagum(demo):
    mixed = _string_years(demo)
    panel = sc.PanelData(mixed)
    assert panel.T == 12 and list(panel.times) == list(range(2012, 2024))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = sc.dagum_gini(mixed, "outcome", group="region4")
        want = sc.dagum_gini(demo, "outcome", group="region4")
    pd.testing.assert_frame_equal(got.within, want.within)
    assert len(got.within) == 12


def test_item_03_string_years_are_the_same_years_in_moran(demo, w):
    got = sc.moran_by_year(_string_years(demo), "outcome", w, permutations=0)
    pd.testing.assert_frame_equal(got, sc.moran_by_year(demo, "outcome", w, permutations=0))


@pytest.mark.parametrize("api", ["PanelData", "dagum_gini"])
def test_item_03_years_that_are_not_integers_are_named(demo, api):
    bad = demo.astype({"year": object})
    bad.loc[bad.index[:2], "year"] = ["n/a", "20x2"]
    call = (lambda: sc.PanelData(bad)) if api == "PanelData" else \
        (lambda: sc.dagum_gini(bad, "outcome", group="region4"))
    with pytest.raises(DataError, match=r"'year'.*'n/a'.*'20x2'"):
        call()


# -- 4: relative development aligns on labels ---------------------------------------------------------------------

def test_item_04_relative_development_aligns_two_series_by_label():
    u1 = pd.Series([0.2, 0.4, 0.6], index=["a", "b", "c"])
    u2 = pd.Series([0.3, 0.5, 0.2], index=["c", "a", "b"])   # a = 0.5, b = 0.2, c = 0.3
    got = sc.relative_development(u1, u2)
    assert list(got.index) == ["a", "b", "c"]
    np.testing.assert_allclose(got["S"].to_numpy(), [0.2 / 0.5, 0.4 / 0.2, 0.6 / 0.3], rtol=1e-12)


def test_item_04_relative_development_refuses_different_labels():
    u1 = pd.Series([0.2, 0.4, 0.6], index=["a", "b", "c"])
    u2 = pd.Series([0.3, 0.5, 0.2], index=["c", "a", "x"])
    with pytest.raises(DataError, match=r"different labels.*'b'.*'x'"):
        sc.relative_development(u1, u2)


# -- 5: negative and non-finite weights ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, what", [(-0.5, "negative"), (np.inf, "non-finite")])
def test_item_05_weights_matrix_with_negative_or_infinite_cell_is_refused_naming_it(w, value, what):
    m = w.sparse.toarray()
    m[0, 1] = value                                          # row '11' (Beijing), column '12' (Tianjin)
    with pytest.raises(WeightsError, match=rf"{what}.*\('11', '12', {value}\)"):
        sc.weights.from_matrix(m, w.unique_ids)


# -- 6: allocation Gini -------------------------------------------------------------------------------------------

def test_item_06_allocation_gini_closed_form():
    """Per-demand ratios r = (1, 1, 2), equal demand: Σ_iΣ_l d_i d_l |r_i − r_l| / (2 r̄) = (4/9) / (8/3) = 1/6."""
    assert sc.allocation_gini(np.array([1.0, 1.0, 2.0]), np.array([5.0, 5.0, 5.0])) == pytest.approx(1 / 6, rel=1e-12)


@pytest.mark.parametrize("resource, demand, pattern", [
    ([1.0, 2.0, 3.0], [1.0, 0.0, 2.0], r"zero or negative demand for unit\(s\) \[1\]"),
    ([1.0, 2.0, 3.0], [1.0, -1.0, 2.0], r"zero or negative demand for unit\(s\) \[1\]"),
    ([1.0, 2.0, 3.0], [1.0, 2.0], r"resource has 3 units, demand 2"),
], ids=["zero-demand", "negative-demand", "length-mismatch"])
def test_item_06_allocation_gini_refuses_bad_demand(resource, demand, pattern):
    with pytest.raises(DataError, match=pattern):
        sc.allocation_gini(np.array(resource), np.array(demand))


# -- 7: a constant group column -----------------------------------------------------------------------------------

def test_item_07_one_group_is_not_reported_as_a_decomposition(demo):
    with pytest.warns(OneGroupWarning, match="one group"):
        result = sc.dagum_gini(demo.assign(all_china="China"), "outcome", group="all_china")
    assert not result.decomposed
    np.testing.assert_allclose(result.components["G_w"], result.components["G"])
    assert result.components[["G_nb", "G_t", "C_w", "C_nb", "C_t"]].isna().all().all()   # not "100 % within"
    assert "not a decomposition" in str(result.summary())


# -- 8: from_matrix must not modify the caller's matrix -----------------------------------------------------------

def test_item_08_from_matrix_leaves_the_callers_sparse_matrix_alone(w):
    m = sp.csr_matrix(w.sparse.toarray())
    m.data[:3] = 0.0                                           # explicit zeros stored in the caller's matrix
    before = (m.nnz, m.data.copy(), m.indices.copy(), m.indptr.copy())
    dense = w.sparse.toarray()
    dense_before = dense.copy()
    sc.weights.from_matrix(m, w.unique_ids)
    sc.weights.from_matrix(dense, w.unique_ids)
    assert m.nnz == before[0]
    for now, then in zip((m.data, m.indices, m.indptr), before[1:]):
        np.testing.assert_array_equal(now, then)
    np.testing.assert_array_equal(dense, dense_before)


# -- 9: study files cannot run code -------------------------------------------------------------------------------

def _code_formula(target: Path) -> str:
    return f"outcome ~ {{(__import__('pathlib').Path({str(target)!r}).write_text('pwned'), lngdp)[1]}} + edu"


def test_item_09_study_formula_that_would_run_python_is_refused_before_anything_runs(tmp_path):
    target = tmp_path / "pwned"
    text = SMALL + f"\n[sdm]\nformula = {json.dumps(_code_formula(target))}\nn_draws = 50\n"
    with pytest.raises(StudyError, match=r"\[sdm\] formula") as info:
        Study.from_string(text, source="shared.toml")
    assert (info.value.table, info.value.key) == ("sdm", "formula")
    assert not target.exists()


def test_item_09_cli_refuses_the_formula_and_nothing_is_written(tmp_path):
    target = tmp_path / "pwned"
    study = _write_study(tmp_path, SMALL + f"\n[sdm]\nformula = {json.dumps(_code_formula(target))}\nn_draws = 50\n")
    code, err = _cli(["run", str(study), "-o", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and len(err) == 1 and "[sdm] formula" in err[0]
    assert not target.exists() and not (tmp_path / "out").exists()


# -- 10: spreadsheet and CSV cells cannot run as formulas ---------------------------------------------------------

_EVIL = '=HYPERLINK("http://evil.example","click")'


def _formula_like(text: str) -> bool:
    """A cell a spreadsheet would run (OWASP: = + - @, tab, CR first), numbers and lone signs excepted."""
    if not text or text[0] not in "=+-@\t\r" or text in ("+", "-"):
        return False
    try:
        float(text)
        return False
    except ValueError:
        return True


def _unsafe_cells(folder: Path) -> list:
    from openpyxl import load_workbook

    bad = []
    for path in sorted(folder.rglob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            bad += [(path.name, f) for row in csv.reader(fh) for f in row if _formula_like(f)]
    for path in sorted(folder.rglob("*.xlsx")):
        for sheet in load_workbook(path).worksheets:
            bad += [(path.name, sheet.title, c.coordinate, c.value) for row in sheet.iter_rows() for c in row
                    if c.data_type == "f" or (isinstance(c.value, str) and _formula_like(c.value))]
    return bad


def test_item_10_writers_neutralise_formula_cells_and_keep_numbers(tmp_path):
    frame = pd.DataFrame({_EVIL: ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "-", "plain"],
                          "x": [1.5, -2.0, 0.0, 3.0, -4.5, 5.0]},
                         index=pd.Index(["@a", "b", "c", "d", "e", "f"], name="=name"))
    sc.io.write_csv(frame, tmp_path / "t.csv")
    sc.io.write_excel({"t": frame}, tmp_path / "t.xlsx")
    assert not _unsafe_cells(tmp_path)
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", index_col=0)
    assert back.columns[0] == "'" + _EVIL and back.index.name == "'=name"
    assert back.iloc[:, 0].tolist() == ["'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)", "-", "plain"]
    assert back["x"].tolist() == [1.5, -2.0, 0.0, 3.0, -4.5, 5.0]          # numbers stay numbers
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "t.xlsx").worksheets[0]
    assert sheet["B1"].value == "'" + _EVIL and sheet["C3"].value == -2.0 and sheet["C3"].data_type == "n"


def test_item_10_study_with_a_formula_named_column_writes_no_live_formula(demo, tmp_path):
    data = demo[demo["year"] >= 2019].rename(columns={"beds_per_1k": _EVIL})
    data.to_csv(tmp_path / "panel.csv", index=False)
    study = _write_study(tmp_path, SMALL.replace("demo = true", 'path = "panel.csv"')
                         .replace('beds_per_1k = "+"', f'{json.dumps(_EVIL)} = "+"'))
    out = tmp_path / "out"
    Study.from_toml(study).run(out, quiet=True)
    fields = set()
    for path in out.rglob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            fields.update(f for row in csv.reader(fh) for f in row)
    assert {_EVIL, "'" + _EVIL} & fields          # the name is shown …
    assert not _unsafe_cells(out)                  # … never run


# -- 11: formula without a response -------------------------------------------------------------------------------

def test_item_11_formula_without_response_names_the_formula(demo, w):
    with pytest.raises(SpatialCCDError, match=r"'~ lngdp'.*response"):
        sc.sdm(demo, "~ lngdp", w)


def test_item_11_study_formula_without_response_names_table_and_key():
    with pytest.raises(StudyError, match=r"\[sdm\] formula.*response") as info:
        Study.from_string(SMALL + '\n[sdm]\nformula = "~ lngdp"\n', source="s.toml")
    assert (info.value.table, info.value.key) == ("sdm", "formula")


# -- 12: an indicator system given as a list ----------------------------------------------------------------------

@pytest.mark.parametrize("call", ["from_dict", "evaluate"])
def test_item_12_indicator_system_given_as_a_list_says_what_is_expected(demo, call):
    names = ["beds_per_1k", "oop_share"]
    run = (lambda: sc.IndexSystem.from_dict(names)) if call == "from_dict" else (lambda: sc.evaluate(demo, names))
    with pytest.raises(SpatialCCDError, match=r"indicator system must be a mapping.*got a list.*beds_per_1k"):
        run()


def test_item_12_criterion_given_as_a_list_names_subsystem_and_key():
    with pytest.raises(SpatialCCDError, match=r"'supply' in subsystem 'health' is a list.*direction"):
        sc.IndexSystem.from_dict({"health": {"supply": ["beds_per_1k", "oop_share"]}})


def test_item_12_study_indicators_given_as_a_list_names_the_table():
    with pytest.raises(StudyError, match=r"\[indicators\] an indicator system must be a mapping") as info:
        Study.from_string('indicators = ["beds_per_1k", "oop_share"]\n[data]\ndemo = true\n', source="s.toml")
    assert info.value.table == "indicators"


# -- 13: duplicate ids ---------------------------------------------------------------------------------------------

def _duplicated(ids) -> list:
    ids = list(ids)
    ids[1] = ids[0]                                            # '11' twice, '12' gone
    return ids


@pytest.mark.parametrize("call", ["from_matrix", "subset"])
def test_item_13_weights_with_duplicate_ids_name_them(w, call):
    ids = _duplicated(w.unique_ids)
    run = (lambda: sc.weights.from_matrix(w.sparse.toarray(), ids)) if call == "from_matrix" else \
        (lambda: sc.weights.subset(w, ids))
    with pytest.raises(WeightsError, match=r"duplicated ids \['11'\]"):
        run()


def test_item_13b_geodataframe_with_duplicate_ids_names_them():
    gdf = sc.provinces()
    gdf.index = _duplicated(gdf.index)
    with pytest.raises(WeightsError, match=r"duplicated ids.*'11'"):
        sc.weights.contiguity(gdf)


# -- 14: an output folder that cannot be written ------------------------------------------------------------------

@pytest.fixture
def computing(monkeypatch):
    """Records whether the study started computing (its first step loads the demo panel)."""
    calls = []
    real = spatialccd.datasets.load_demo
    monkeypatch.setattr(spatialccd.datasets, "load_demo", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_item_14_unwritable_output_is_refused_before_the_first_step(tmp_path, computing):
    blocker = tmp_path / "report.pdf"            # a file where the output's parent folder should be
    blocker.write_bytes(b"%PDF")
    with pytest.raises(SpatialCCDError, match=r"cannot write the output folder .*report\.pdf"):
        Study.from_string(SMALL, source="small.toml").run(blocker / "out", quiet=True)
    assert not computing
    code, err = _cli(["run", str(_write_study(tmp_path / "s", SMALL)), "-o", str(blocker / "out"), "--quiet"])
    assert code == 2 and len(err) == 1 and "cannot write the output folder" in err[0]
    assert not computing


def test_item_14_read_only_folder_is_refused_before_the_first_step(tmp_path, computing):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("the test user can write into a read-only folder (root); the test above covers item 14")
        with pytest.raises(SpatialCCDError, match="cannot write the output folder"):
            Study.from_string(SMALL, source="small.toml").run(locked / "out", quiet=True)
        assert not computing
    finally:
        locked.chmod(0o700)


# -- 15: errors inside a step reach CLI users as one line ---------------------------------------------------------

@pytest.mark.parametrize("failure", [
    ConvergenceError("search for rho did not converge: last rho=0.999"),
    TypeError("unsupported operand type(s) for +: 'int' and 'str'"),
    PermissionError(errno.EACCES, "Permission denied", "/data/locked.csv"),
], ids=["ConvergenceError", "TypeError", "OSError"])
def test_item_15_cli_error_in_a_step_is_one_line_naming_the_step(tmp_path, monkeypatch, failure):
    study = _write_study(tmp_path, SMALL + "\n[moran]\npermutations = 9\n")

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(spatialccd.autocorrelation, "moran_by_year", broken)
    code, err = _cli(["run", str(study), "-o", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and len(err) == 1 and err[0].startswith("spatialccd: error:")
    assert "[moran]" in err[0] and str(failure.args[-1]) in err[0]
    with pytest.raises(Exception) as info:            # --debug: the exception and its traceback
        main(["--debug", "run", str(study), "-o", str(tmp_path / "out2"), "--quiet"])
    assert failure in (info.value, info.value.__cause__)


# -- 16: Lee–Yu with one period or one unit -----------------------------------------------------------------------

@pytest.mark.parametrize("rows, pattern", [
    (lambda d: d["year"] == 2020, r"at least 2 periods; the panel has T = 1"),
    (lambda d: d["province"] == "11", r"at least 2 units; the panel has N = 1"),
], ids=["T=1", "N=1"])
def test_item_16_lee_yu_on_too_small_a_panel_names_the_dimension(demo, w, rows, pattern):
    with pytest.raises(DataError, match=pattern) as info:
        sc.sdm(demo[rows(demo)], "outcome ~ lngdp + edu", w, effects="twoways", bias_correction="lee-yu")
    assert "absorbed" not in str(info.value)


# -- 17: empty files and mislabelled workbooks --------------------------------------------------------------------

@pytest.mark.parametrize("reader", ["read_long", "read_wide", "read_nbs"])
def test_item_17_empty_file_names_the_file(tmp_path, reader):
    path = tmp_path / "panel.csv"
    path.write_bytes(b"")
    with pytest.raises(DataError, match=rf"{path.name}.*empty"):
        getattr(sc, reader)(path)


@pytest.mark.parametrize("reader", ["read_long", "read_wide"])
def test_item_17_csv_saved_as_xlsx_names_the_file_and_the_fix(tmp_path, reader):
    path = tmp_path / "panel.xlsx"
    path.write_text("province,year,x\n北京,2020,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"panel\.xlsx.*not an Excel workbook.*\.csv"):
        getattr(sc, reader)(path)


# -- 18: a study file saved in GBK --------------------------------------------------------------------------------

def test_item_18_gbk_study_file_names_the_file_and_says_utf8(tmp_path):
    path = tmp_path / "研究.toml"
    path.write_bytes('title = "健康与数字经济"\n[data]\ndemo = true\n'.encode("gbk"))
    with pytest.raises(StudyError, match=r"研究\.toml.*UTF-8"):
        Study.from_toml(path)
    code, err = _cli(["run", str(path), "-o", str(tmp_path / "out"), "--quiet"])
    assert code == 2 and len(err) == 1 and "研究.toml" in err[0] and "UTF-8" in err[0]


# -- 19: non-numeric scores, NaN weights --------------------------------------------------------------------------

@pytest.mark.parametrize("call", ["coupling_coordination", "coordination_table"])
def test_item_19_non_numeric_score_names_the_column_and_cell(demo, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = sc.evaluate(demo, sc.demo_indicators()).scores.astype(object)
    scores.iloc[3, 0] = "n/a"
    with pytest.raises(DataError, match=rf"'{scores.columns[0]}'.*'n/a'"):
        getattr(sc, call)(scores)


def test_item_19_nan_in_a_weights_matrix_names_the_cell(w):
    m = w.sparse.toarray()
    m[0, 1] = np.nan
    with pytest.raises(WeightsError, match=r"non-finite.*\('11', '12', nan\)"):
        sc.weights.from_matrix(m, w.unique_ids)


# -- 20: a missing value in a logged outcome ----------------------------------------------------------------------

def _co2(demo: pd.DataFrame, value: float) -> pd.DataFrame:
    d = demo.assign(co2=np.exp(demo["outcome"] / 100))
    d.loc[(d["province"] == "13") & (d["year"] == 2015), "co2"] = value
    return d


def test_item_20_missing_value_in_a_logged_outcome_is_called_missing(demo, w):
    with pytest.raises(DataError, match=r"missing value.*\('13', 2015, 'np\.log\(co2\)'\)") as info:
        sc.sdm(_co2(demo, np.nan), "np.log(co2) ~ lngdp + edu", w)
    assert "non-positive" not in str(info.value)


def test_item_20b_non_positive_value_in_a_logged_outcome_is_named(demo, w):
    with pytest.raises(DataError, match=r"\('13', 2015, 'np\.log\(co2\)'\).*non-positive"):
        sc.sdm(_co2(demo, -1.0), "np.log(co2) ~ lngdp + edu", w)


# -- 21: development_type with scalars ----------------------------------------------------------------------------

def test_item_21_development_type_accepts_scalars():
    one = sc.development_type(0.7, 1.1)
    assert one["type"].tolist() == ["A42"] and one["type_label"].tolist() == ["coordinated development"]
    pd.testing.assert_frame_equal(one, sc.development_type(np.array([0.7]), np.array([1.1])))


def test_item_21_development_type_length_mismatch_says_so():
    with pytest.raises(DataError, match=r"differ in length \(2 vs 1\)"):
        sc.development_type([0.7, 0.5], [1.1])


# -- guarantees of the README's "Reliability" section that no single item covers ----------------------------------

def test_guarantee_inputs_are_never_modified(demo, w, tmp_path):
    """The caller's frames, Series, arrays and matrices come back unchanged from every entry point."""
    frame = _string_years(demo)                                # the messiest input: mixed year types
    frame_before = frame.copy(deep=True)
    m = sp.csr_matrix(w.sparse)
    m_before = m.copy()
    u1, u2 = pd.Series([0.2, 0.4], index=["a", "b"]), pd.Series([0.5, 0.1], index=["b", "a"])
    series_before = (u1.copy(), u2.copy())
    resource, demand = np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sc.PanelData(frame)
        ev = sc.evaluate(frame, sc.demo_indicators())
        scores_before = ev.scores.copy(deep=True)
        sc.coordination_table(ev.scores)
        sc.dagum_gini(frame, "outcome", group="region4")
        sc.moran_by_year(frame, "outcome", w, permutations=0)
        sc.sdm(frame, "outcome ~ lngdp + edu", w)
        sc.weights.from_matrix(m, w.unique_ids)
        sc.relative_development(u1, u2)
        sc.allocation_gini(resource, demand)
    pd.testing.assert_frame_equal(frame, frame_before)
    pd.testing.assert_frame_equal(ev.scores, scores_before)
    assert (m != m_before).nnz == 0 and m.nnz == m_before.nnz
    pd.testing.assert_series_equal(u1, series_before[0])
    pd.testing.assert_series_equal(u2, series_before[1])
    assert resource.tolist() == [1.0, 2.0, 3.0] and demand.tolist() == [1.0, 1.0, 2.0]


def test_guarantee_study_input_files_are_never_touched(demo, tmp_path):
    data = tmp_path / "panel.csv"
    demo[demo["year"] >= 2019].to_csv(data, index=False)
    before = data.read_bytes()
    study = _write_study(tmp_path, SMALL.replace("demo = true", 'path = "panel.csv"'))
    with pytest.raises(StudyError, match=r"would overwrite input file"):
        Study.from_toml(study).run(tmp_path, overwrite=True, quiet=True)   # the folder holding the data
    Study.from_toml(study).run(tmp_path / "out", quiet=True)
    assert data.read_bytes() == before


_NO_CODE_CALLS = {"eval", "exec", "compile", "__import__"}
_NO_CODE_MODULES = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}


def test_guarantee_package_never_evaluates_text_or_unpickles():
    """No eval/exec/compile/__import__, no pickle-family import, no read_pickle and no allow_pickle=True anywhere
    in the package: a study file's text reaches only the expression grammar (spatialccd.grammar)."""
    import ast

    bad = []
    for path in Path(sc.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if isinstance(node.func, ast.Name) and name in _NO_CODE_CALLS or name in ("read_pickle", "to_pickle"):
                    bad.append(f"{where} calls {name}")
                if any(k.arg == "allow_pickle" and getattr(k.value, "value", False) is True for k in node.keywords):
                    bad.append(f"{where} allow_pickle=True")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                bad += [f"{where} imports {n}" for n in names if n.split(".")[0] in _NO_CODE_MODULES]
    assert not bad, bad
