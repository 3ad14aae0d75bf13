"""The NBS-portal example study (issue 15) runs end to end from export files: it excludes a province
(the weights follow), derives ratios with the grammar, interpolates one gap, screens quality and reports
every change."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import spatialccd as sc
from spatialccd.study import Study

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nbs_portal"


@pytest.fixture(scope="module")
def portal_run(tmp_path_factory):
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in EXAMPLE.iterdir() if p.is_file()}
    with pytest.warns(sc.exceptions.NonProvinceRowWarning):
        result = Study.from_toml(EXAMPLE / "study.toml").run(tmp_path_factory.mktemp("portal") / "out", quiet=True)
    return result, digests


def test_inputs_untouched(portal_run):
    _result, digests = portal_run
    assert digests == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in EXAMPLE.iterdir() if p.is_file()}


def test_exclusion_weights_and_derivations(portal_run):
    result, _ = portal_run
    data = result.data
    assert "54" not in set(data["province"]) and data["province"].nunique() == 30
    assert result.results["weights"].cardinalities.index.tolist() == sorted(data["province"].unique())
    row = data.iloc[0]
    assert row["gdp_pc"] == pytest.approx(row["gdp"] / row["pop"] * 1e4)
    assert row["tertiary_share"] == pytest.approx(row["tertiary"] / row["gdp"])
    assert any("restricted to the 30 of 31 units" in line or "30/31" in line for line in result.log)


def test_every_change_is_reported(portal_run):
    result, _ = portal_run
    changes = result.results["data"].prepared.changes
    assert set(changes["action"]) >= {"exclude-unit", "interpolate"}
    filled = changes[changes["action"] == "interpolate"]
    assert filled[["province", "year", "column"]].values.tolist() == [["41", 2018, "pop"]]
    html = result.report_path.read_text(encoding="utf-8")
    assert 'id="tbl-data_changes"' in html and 'id="tbl-derived"' in html
    assert "数据变动" in html   # the example's report is in Chinese


def test_study_errors_name_the_data_key(tmp_path):
    text = (EXAMPLE / "study.toml").read_text(encoding="utf-8")
    bad = text.replace('gdp_pc = "gdp / pop * 1e4"', 'gdp_pc = "__import__(\'os\').system(\'x\')"')
    with pytest.raises(sc.exceptions.StudyError, match=r"\[data\.derive\]") as info:
        Study.from_string(bad, base_dir=EXAMPLE, source="study.toml")
    assert info.value.table == "data.derive" and info.value.key == "gdp_pc"
    bad = text.replace('pop = "interpolate"', 'pop = "guess"')
    with pytest.raises(sc.exceptions.StudyError, match=r"\[data\.missing\] pop = 'guess' is not allowed"):
        Study.from_string(bad, base_dir=EXAMPLE, source="study.toml")
    no_fill = text.replace('pop = "interpolate"', 'pop = "error"')
    with pytest.raises(sc.exceptions.StudyError, match=r"\[data\.missing\]") as info:
        with pytest.warns(sc.exceptions.NonProvinceRowWarning):
            Study.from_string(no_fill, base_dir=EXAMPLE, source="study.toml").run(tmp_path / "o", quiet=True)
    assert "2018" in str(info.value)


def test_settings_as_run_are_a_valid_study(portal_run):
    result, _ = portal_run
    again = Study.from_string((result.output / "settings.toml").read_text(encoding="utf-8"), source="settings")
    assert again.spec["data"]["derive"] == Study.from_toml(EXAMPLE / "study.toml").spec["data"]["derive"]
    assert again.spec["data"]["missing"]["pop"] == "interpolate"
