"""Data preparation: select, derive (fixed grammar), missing-value policies with a changes log, quality screen.

Expected numbers are worked by hand from the small panels below (closed forms:
linear interpolation x_a + (x_b − x_a)(t − a)/(b − a), x_t / x_{t−1} − 1, shares).
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spatialccd.evaluation import IndexSystem
from spatialccd.exceptions import DataError, DataQualityWarning, ExpressionError, SpatialCCDError
from spatialccd.io import PreparedData, QualityScreen, derive, handle_missing, prepare, quality_screen, select


def panel(values: dict[str, dict[int, float]], column: str = "x") -> pd.DataFrame:
    rows = [(u, t, v) for u, series in values.items() for t, v in series.items()]
    return pd.DataFrame(rows, columns=["province", "year", column])


@pytest.fixture
def small():
    """Three provinces × four years: gdp (亿元), pop (万人)."""
    return pd.DataFrame({
        "province": ["11"] * 4 + ["13"] * 4 + ["54"] * 4,
        "year": [2020, 2021, 2022, 2023] * 3,
        "gdp": [100.0, 110.0, 121.0, 133.1, 200.0, 220.0, 230.0, 250.0, 10.0, 11.0, 12.0, 13.0],
        "pop": [20.0, 20.0, 22.0, 22.0, 50.0, 50.0, 50.0, 50.0, 5.0, 5.0, 5.0, 5.0],
    })


# -- derive ---------------------------------------------------------------------------------------------------

def test_derive_arithmetic_lag_growth_share(small):
    before = small.copy()
    out = derive(small, {"gdp_pc": "gdp / pop * 1e4", "ln_gdp": "log(gdp)", "g": "growth(gdp)",
                         "l2": "lag(gdp, 2)", "s": "share(gdp)", "sq": "sqrt(pop) ^ 2 - pop", "e": "-2^2"})
    pd.testing.assert_frame_equal(small, before)  # input untouched
    row = out.set_index(["province", "year"])
    assert row.at[("11", 2022), "gdp_pc"] == pytest.approx(121 / 22 * 1e4)
    assert row.at[("13", 2021), "ln_gdp"] == pytest.approx(np.log(220))
    assert np.isnan(row.at[("11", 2020), "g"])
    assert row.at[("11", 2021), "g"] == pytest.approx(0.1) and row.at[("13", 2023), "g"] == pytest.approx(20 / 230)
    assert np.isnan(row.at[("13", 2021), "l2"]) and row.at[("13", 2023), "l2"] == 220
    assert row.at[("54", 2022), "s"] == pytest.approx(12 / (121 + 230 + 12))
    assert row.loc[:, "sq"].abs().max() < 1e-12
    assert (row["e"] == -4).all()  # -2^2 = -(2^2)
    assert out.attrs["derived"]["gdp_pc"] == "gdp / pop * 1e4"


def test_lag_uses_the_time_axis_not_the_row_order(small):
    shuffled = small.sample(frac=1.0, random_state=3)
    gappy = shuffled[~((shuffled["province"] == "13") & (shuffled["year"] == 2021))]  # a row absent
    out = derive(gappy, {"l": "lag(gdp)"}).set_index(["province", "year"])
    assert out.at[("13", 2022), "l"] != out.at[("13", 2022), "l"]  # 2021 absent → missing, not 2020's value
    assert out.at[("11", 2022), "l"] == 110


def test_derive_later_expressions_use_earlier_ones(small):
    out = derive(small, {"pc": "gdp / pop", "ln_pc": "log(pc)"})
    np.testing.assert_allclose(out["ln_pc"], np.log(small["gdp"] / small["pop"]))


def test_derive_refuses_before_anything_runs(small):
    with pytest.raises(ExpressionError, match=r"derive ok2 = 'gdp / popu': unknown column 'popu'; did you mean "
                       r"'pop'\?"):
        derive(small, {"ok": "gdp * 2", "ok2": "gdp / popu"})
    with pytest.raises(ExpressionError, match="already a column"):
        derive(small, {"gdp": "gdp * 2"})
    with pytest.raises(ExpressionError, match="must be an identifier"):
        derive(small, {"gdp pc": "gdp / pop"})
    with pytest.raises(ExpressionError, match="'__' .* not allowed"):
        derive(small, {"x": "__import__('os')"})


def test_derive_domain_errors_name_the_cells(small):
    zero = small.assign(co2=[1.0] * 11 + [0.0])
    with pytest.raises(DataError, match=r"derived column 'ln' = 'log\(co2\)': log of a value that is not positive "
                       r"at \(province, year, value\) \[\('54', 2023, 0.0\)\]"):
        derive(zero, {"ln": "log(co2)"})
    with pytest.raises(DataError, match=r"division by zero at .*\('54', 2023, 0.0\)"):
        derive(zero, {"r": "gdp / co2"})
    with pytest.raises(DataError, match="growth from a zero value"):
        derive(zero, {"g": "growth(co2 - 1)"})
    with pytest.raises(DataError, match="sqrt of a negative value"):
        derive(zero, {"s": "sqrt(co2 - 1)"})
    with pytest.raises(DataError, match="column 'name' is not numeric"):
        derive(small.assign(name="a"), {"y": "name * 2"})


def test_missing_inputs_stay_missing(small):
    gap = small.assign(co2=[np.nan] + [1.0] * 11)
    out = derive(gap, {"ln": "log(co2)"})
    assert np.isnan(out["ln"].iat[0]) and (out["ln"].iloc[1:] == 0).all()


# -- select ---------------------------------------------------------------------------------------------------

def test_select_accepts_province_names_in_any_form(small):
    for name in ("西藏", "西藏自治区", "Tibet", "Xizang", "54", 54):
        assert set(select(small, exclude=[name])["province"]) == {"11", "13"}
    assert set(select(small, units=["Beijing", "河北"])["province"]) == {"11", "13"}
    out = select(small, exclude="西藏", years=(2021, 2022))
    assert sorted(out["year"].unique()) == [2021, 2022] and len(out) == 4


def test_select_errors(small):
    with pytest.raises(DataError, match="unknown province 'Atlantis'"):
        select(small, exclude=["Atlantis"])
    with pytest.raises(DataError, match=r"'上海' \(province 31\) is not in the data"):
        select(small, exclude=["上海"])
    with pytest.raises(DataError, match=r"years = \(2010, 2022\) reaches outside the data, which cover 2020–2023"):
        select(small, years=(2010, 2022))
    with pytest.raises(DataError, match="first year after the last"):
        select(small, years=(2022, 2021))
    with pytest.raises(DataError, match="leave no unit"):
        select(small, units=["北京"], exclude=["北京"])
    cities = small.assign(province=small["province"].map({"11": "Shenzhen", "13": "Suzhou", "54": "Xiamen"}))
    assert set(select(cities, exclude=["Xiamen"])["province"]) == {"Shenzhen", "Suzhou"}
    with pytest.raises(DataError, match="unit 'Suzou' is not in the data; did you mean 'Suzhou'"):
        select(cities, exclude=["Suzou"])


def test_select_normalises_year_labels(small):
    mixed = small.astype({"year": object})
    mixed.loc[0, "year"] = "2020"
    mixed.loc[1, "year"] = "2021年"
    assert select(mixed)["year"].tolist() == small["year"].tolist()
    mixed.loc[2, "year"] = "last year"
    with pytest.raises(DataError, match=r"not years: \['last year'\]"):
        select(mixed)


# -- missing values -------------------------------------------------------------------------------------------

def test_error_policy_names_cells_and_policy_words():
    df = panel({"11": {2020: 1.0, 2021: np.nan, 2022: 3.0}, "12": {2020: 1.0, 2022: 2.0}})
    with pytest.raises(DataError) as info:
        handle_missing(df)
    message = str(info.value)
    assert "(11, 2021, 'x')" in message and "(12, 2021, 'x': no row for this unit and year)" in message
    for word in ("'error'", "'interpolate'", "'drop-unit'", "'drop-year'", "missing={'x': 'interpolate'}",
                 '[data.missing] x = "interpolate"'):
        assert word in message


def test_interpolate_interior_gaps_linearly_in_the_year():
    df = panel({"11": {2015: 10.0, 2016: np.nan, 2017: np.nan, 2019: 40.0, 2020: 50.0},
                "12": {2015: 1.0, 2016: 2.0, 2017: 3.0, 2019: 5.0, 2020: 6.0}})
    out, changes = handle_missing(df, "interpolate", max_gap=2)
    x = out.set_index(["province", "year"])["x"]
    # 2015 → 2019 over 4 years: slope 7.5; the 2019 row exists, 2018 is not a year of the panel
    assert x[("11", 2016)] == pytest.approx(17.5) and x[("11", 2017)] == pytest.approx(25.0)
    assert changes[["province", "year", "column", "action"]].values.tolist() == [
        ["11", 2016, "x", "interpolate"], ["11", 2017, "x", "interpolate"]]
    assert changes["value"].tolist() == pytest.approx([17.5, 25.0])
    assert changes["detail"].iat[0] == "linear through 2015 (10) and 2019 (40)"


def test_interpolate_respects_max_gap_and_does_not_extrapolate():
    df = panel({"11": {2015: 1.0, 2016: np.nan, 2017: np.nan, 2018: 4.0, 2019: np.nan}})
    with pytest.raises(DataError) as info:
        handle_missing(df, "interpolate")  # default max_gap=1
    message = str(info.value)
    assert "(11, 2016, 'x': a gap of 2 years, longer than max_gap=1)" in message
    assert "(11, 2019, 'x': at the start or end of the series" in message
    out, changes = handle_missing(df, "interpolate", max_gap=2, extrapolate=True)
    assert out["x"].tolist() == pytest.approx([1.0, 2.0, 3.0, 4.0, 5.0])
    assert changes["action"].tolist() == ["interpolate", "interpolate", "extrapolate"]
    assert changes["detail"].iat[2] == "linear through 2015 (1) and 2018 (4)"  # observed values only


def test_drop_unit_and_drop_year_are_logged():
    df = pd.DataFrame({"province": ["11", "11", "12", "12", "13", "13"], "year": [2020, 2021] * 3,
                       "a": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0], "b": [1.0, 2.0, 3.0, 4.0, 5.0, np.nan]})
    out, changes = handle_missing(df, {"a": "drop-unit", "b": "drop-year"})
    assert out[["province", "year"]].values.tolist() == [["11", 2020], ["13", 2020]]
    assert changes[["province", "year", "column", "action"]].values.tolist() == [
        ["12", 2020, "a", "drop-unit"], ["13", 2021, "b", "drop-year"]]
    with pytest.raises(DataError, match="drops every year"):
        handle_missing(df, {"all": "drop-year"})  # 2020 (a) and 2021 (b) both have a gap


def test_policy_errors():
    df = panel({"11": {2020: 1.0}})
    with pytest.raises(SpatialCCDError, match=r"missing must be one of 'error', 'interpolate', 'drop-unit', "
                       r"'drop-year', got 'fill'"):
        handle_missing(df, "fill")
    with pytest.raises(DataError, match=r"missing names column\(s\) \['y'\] that are not in the data"):
        handle_missing(df, {"y": "interpolate"})
    with pytest.raises(SpatialCCDError, match="max_gap must be a whole number"):
        handle_missing(df, "interpolate", max_gap=0)


# -- quality screen -------------------------------------------------------------------------------------------

def test_quality_screen_flags_jumps_zeros_negatives_constants():
    df = pd.DataFrame({"province": ["11"] * 3 + ["12"] * 3, "year": [2020, 2021, 2022] * 2,
                       "gdp": [100.0, 105.0, 110.0, 1.0e4, 1.1, 1.2],       # 万元 vs 亿元 in 2021 for 12
                       "co2": [1.0, 0.0, 2.0, 3.0, 3.0, -1.0],
                       "flat": [7.0] * 6})
    with pytest.warns(DataQualityWarning) as caught:
        screen = quality_screen(df, logged=["co2"], factor=3)
    assert isinstance(screen, QualityScreen) and not screen.ok
    flags = screen.to_frame()
    jumps = flags[flags["check"] == "jump"]
    assert jumps[["column", "unit", "time"]].values.tolist() == [["gdp", "12", 2021]]
    assert "×0.00011" in jumps["message"].iat[0]
    assert flags.loc[flags["check"] == "zero", ["column", "unit", "time"]].values.tolist() == [["co2", "11", 2021]]
    assert flags.loc[flags["check"] == "negative", ["unit", "time"]].values.tolist() == [["12", 2022]]
    assert flags.loc[flags["check"] == "constant", "column"].tolist() == ["flat"]
    assert screen.counts().to_dict() == {"jump": 1, "zero": 1, "negative": 1, "constant": 1,
                                         "subsystem-minimum": 0}
    assert len(caught) == 4  # one warning per check that flagged
    assert "Data-quality screen" in str(screen.summary())


def test_quality_screen_subsystem_minimum_names_the_shift_keys():
    df = pd.DataFrame({"province": ["11", "12", "13", "11", "12", "13"], "year": [2020] * 3 + [2021] * 3,
                       "beds": [5.0, 3.0, 4.0, 6.0, 3.0, 5.0],       # + : worst = min = 3 (12)
                       "stay": [8.0, 11.0, 9.0, 8.0, 11.0, 10.0],    # − : worst = max = 11 (12)
                       "web": [50.0, 60.0, 40.0, 55.0, 70.0, 45.0]})
    system = IndexSystem.from_dict({"health": {"beds": "+", "stay": "-"}, "digital": {"web": "+"}})
    with pytest.warns(DataQualityWarning, match=r"\[evaluation\] shift") as caught:
        screen = quality_screen(df, system=system)
    hits = screen.flags[screen.flags["check"] == "subsystem-minimum"]
    # health: province 12 is worst on both indicators in both years; digital: 13 in 2020 has the pooled min 40
    assert hits[["column", "unit", "time"]].values.tolist() == [
        ["health", "12", 2020], ["health", "12", 2021], ["digital", "13", 2020]]
    assert "shift=" in hits["message"].iat[0] and "[evaluation] shift" in hits["message"].iat[0]
    assert any("evaluate(..., shift=1e-4)" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert quality_screen(df, system=system, shift=1e-4).ok  # a shift makes U = 0 impossible
    per_year = quality_screen(df, system=system, per_year=True, warn=False)
    assert per_year.flags[["column", "unit", "time"]].values.tolist()[-1] == ["digital", "13", 2021]


# -- prepare --------------------------------------------------------------------------------------------------

def test_prepare_runs_the_whole_road(small):
    raw = small.copy()
    raw.loc[(raw["province"] == "13") & (raw["year"] == 2022), "gdp"] = np.nan   # one interior gap
    raw = raw[~((raw["province"] == "11") & (raw["year"] == 2021))]              # one absent row
    raw.attrs["units"] = {"gdp": "亿元", "pop": "万人"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        result = prepare(raw, exclude=["西藏"], years=(2020, 2023), missing={"all": "interpolate", "g": "drop-year"},
                         derive={"gdp_pc": "gdp / pop * 1e4", "g": "growth(gdp)"})
    assert isinstance(result, PreparedData)
    assert result.units == ["11", "13"] and result.years == [2021, 2022, 2023]
    frame = result.frame.set_index(["province", "year"])
    assert frame.at[("13", 2022), "gdp"] == pytest.approx(235.0)         # (220 + 250) / 2
    assert frame.at[("11", 2021), "gdp"] == pytest.approx(110.5)         # (100 + 121) / 2, row was absent
    assert frame.at[("11", 2021), "pop"] == pytest.approx(21.0)
    assert frame.at[("11", 2022), "g"] == pytest.approx(121 / 110.5 - 1)  # growth uses the filled value
    assert frame.at[("13", 2023), "gdp_pc"] == pytest.approx(250 / 50 * 1e4)
    actions = result.changes.groupby("action").size().to_dict()
    assert actions == {"exclude-unit": 1, "interpolate": 3, "drop-year": 2}
    assert result.changes.loc[result.changes["action"] == "exclude-unit", "province"].tolist() == ["54"]
    assert result.derived == {"gdp_pc": "gdp / pop * 1e4", "g": "growth(gdp)"}
    assert result.frame.attrs["units"] == {"gdp": "亿元", "pop": "万人"}
    assert result.quality is not None and result.quality.ok
    text = str(result.summary())
    assert "Data changes" in text and "Derived variables" in text
    pd.testing.assert_frame_equal(result.to_frame(), result.frame)


def test_prepare_checks_expressions_before_anything(small):
    with pytest.raises(ExpressionError, match="prepare: derive bad ="):
        prepare(small, exclude=["Atlantis"], derive={"bad": "gdp.real"})


def test_prepare_logs_quality_for_logged_columns(small):
    data = small.assign(co2=[1.0] * 11 + [0.0])
    with pytest.warns(DataQualityWarning, match="'co2' is exactly 0"):
        result = prepare(data, columns=["co2"], logged=["co2"])
    assert result.quality.counts()["zero"] == 1 and list(result.frame.columns) == ["province", "year", "co2"]


# -- the example under examples/nbs_portal --------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nbs_portal"


def _prepare_from_study(path):
    """The Python equivalent of the draft [data] keys of a study (the semantics the study schema wires in)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    from spatialccd.io import read_nbs

    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    d = spec["data"]
    raw = read_nbs([path.parent / p for p in d["paths"]], rename=d.get("rename"), year=d.get("year"))
    quality = d.get("quality", {})
    system = IndexSystem.from_dict(spec["indicators"])
    return spec, system, prepare(raw, exclude=d.get("exclude"), units=d.get("units"), years=d.get("years"),
                                 derive=d.get("derive"), missing=d.get("missing", "error"),
                                 max_gap=d.get("max_gap", 1), extrapolate=d.get("extrapolate", False),
                                 quality=quality.get("screen", True), factor=quality.get("factor", 3.0),
                                 system=system, shift=spec.get("evaluation", {}).get("shift"))


def test_example_nbs_portal_prepares_and_evaluates():
    from spatialccd.coordination import coordination_table
    from spatialccd.evaluation import evaluate
    from spatialccd.exceptions import NonProvinceRowWarning

    with pytest.warns(NonProvinceRowWarning, match="香港特别行政区, 澳门特别行政区"):
        spec, system, prepared = _prepare_from_study(EXAMPLE / "study.toml")
    assert len(prepared.units) == 30 and "54" not in prepared.units
    assert prepared.years == list(range(2014, 2024))
    filled = prepared.changes[prepared.changes["action"] == "interpolate"]
    assert filled[["province", "year", "column"]].values.tolist() == [["41", 2018, "pop"]]
    henan = prepared.frame.set_index(["province", "year"])["pop"]
    assert filled["value"].iat[0] == pytest.approx((henan[("41", 2017)] + henan[("41", 2019)]) / 2)
    assert prepared.changes.loc[prepared.changes["action"] == "exclude-unit", "province"].tolist() == ["54"]
    frame = prepared.frame.set_index(["province", "year"])
    np.testing.assert_allclose(frame["gdp_pc"], frame["gdp"] / frame["pop"] * 1e4)
    assert prepared.frame.attrs["units"]["energy"] == "万吨标准煤"
    ev = evaluate(prepared.frame, system, shift=spec["evaluation"]["shift"])
    table = coordination_table(ev.scores)
    assert table["D"].between(0, 1).all() and len(table) == 300


def test_example_without_exclusion_names_the_tibet_cells(tmp_path):
    from spatialccd.exceptions import NonProvinceRowWarning

    copy = tmp_path / "nbs_portal"
    shutil.copytree(EXAMPLE, copy)
    study = copy / "study.toml"
    study.write_text(study.read_text(encoding="utf-8").replace('exclude = ["西藏"]', "exclude = []"),
                     encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonProvinceRowWarning)
        with pytest.raises(DataError, match=r"\(54, 2014, 'energy'\).*\[data.missing\]"):
            _prepare_from_study(study)


def test_quality_screen_skips_jumps_of_signed_columns():
    """A signed column (N(0, 1) draws) has meaningless ratios: no jump flags; a positive series with one
    negative typo is still screened (and the typo flagged by the sign check where it matters)."""
    rng = np.random.default_rng(0)
    n, t = 40, 10
    df = pd.DataFrame({"unit": np.repeat([f"u{i}" for i in range(n)], t), "year": np.tile(range(2000, 2000 + t), n),
                       "z": rng.normal(size=n * t), "level": np.exp(rng.normal(scale=0.1, size=n * t))})
    df.loc[5, "level"] = 30.0                       # a ×30 jump
    df.loc[100, "level"] = -1.0                     # one negative typo: still a positive quantity
    screen = quality_screen(df, unit="unit", time="year", columns=["z", "level"], standardised=["level"], warn=False)
    flags = screen.to_frame()
    jumps = flags[flags["check"] == "jump"]
    assert "z" not in set(jumps["column"])
    assert [("u0", 2005)] == [(u, y) for u, y in jumps.loc[jumps["column"] == "level", ["unit", "time"]]
                              .itertuples(index=False) if y == 2005]
    assert ((flags["check"] == "negative") & (flags["column"] == "level")).sum() == 1
