"""A city-level study from a study file (issue 18): 41 Yangtze River Delta cities with integer 6-digit codes,
shapes from spatialccd.geo.cities(), contiguity of the city shapes, maps with province borders, Dagum by a
data column, and a two-way SDM that recovers the simulated process."""
from __future__ import annotations

from pathlib import Path

import pytest

import spatialccd as sc
from spatialccd.study import Study

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "yrd_cities"


@pytest.fixture(scope="module")
def city_run(tmp_path_factory):
    return Study.from_toml(EXAMPLE / "study.toml").run(tmp_path_factory.mktemp("yrd") / "out", quiet=True)


def test_units_are_city_codes_not_provinces(city_run):
    units = sorted(city_run.data["city"].unique())
    assert len(units) == 41 and str(units[0]) == "310000"   # labels, never taken for province 31
    assert city_run.results["weights"].cardinalities.min() >= 1       # queen: every city has a neighbour
    assert set(city_run.results["weights"].geometry.index) == set(units)


def test_city_report_has_maps_and_groups(city_run):
    assert {"ccd_maps", "lisa_maps", "dagum_trends"} <= set(city_run.figures)
    dagum = city_run.results["dagum"]
    assert dagum.decomposed and set(dagum.within.columns) == {"Shanghai", "Jiangsu", "Zhejiang", "Anhui"}


def test_city_sdm_recovers_the_simulated_process(city_run):
    res = city_run.results["sdm"].result
    assert res.N == 41 and res.T == 10
    assert abs(res.rho - 0.35) < 0.1 and abs(res.params["x1"] - 0.8) < 0.1 and abs(res.params["x2"] + 0.4) < 0.1


def test_geometry_errors_name_the_key(tmp_path):
    text = (EXAMPLE / "study.toml").read_text(encoding="utf-8").replace('path = "panel.csv"',
                                                                         f'path = "{EXAMPLE / "panel.csv"}"')
    bad = text.replace('geometry_provinces = ["31", "32", "33", "34"]', 'geometry_provinces = ["31"]')
    with pytest.raises(sc.exceptions.StudyError, match=r"\[data\] geometry has no shape for units") as info:
        Study.from_string(bad, source="s.toml").run(tmp_path / "o", quiet=True)
    assert info.value.key == "geometry"
    none = text.replace('geometry = "cities"', "")
    with pytest.raises(sc.exceptions.StudyError, match=r"not provinces: give their shapes with \[data\] geometry"):
        Study.from_string(none, source="s.toml").run(tmp_path / "o2", quiet=True)
