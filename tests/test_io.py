"""Readers (long / wide / NBS exports) and atomic writers; fixture files are written by the tests."""
from __future__ import annotations

import os

import numpy as np
import openpyxl
import pandas as pd
import pytest

from spatialccd.io import (NonProvinceRowWarning, atomic_write, read_long, read_nbs, read_wide, save_figure,
                           write_csv, write_excel, write_text, year_of)

NBS_UTF8 = """数据库：分省年度数据
指标：地区生产总值(亿元)
时间：最近3年
地区,2023年,2022年,2021年
全国,1260582.1,1204724.0,1149237.0
北京市,43760.7,41610.9,41045.6
天津市,16737.3,16311.3,15685.1
河北省,43944.1,42370.4,40397.1
内蒙古自治区,24627.0,23158.6,21166.0
注：全国数据与分省数据之和存在差异。
数据来源：国家统计局
"""


def test_year_of_parses_common_labels():
    assert [year_of(x) for x in (2019, "2019", "2019年", " 2020 年 ", 2021.0)] == [2019, 2019, 2019, 2020, 2021]
    assert year_of("地区") is None and year_of("2019a") is None and year_of(12) is None


def test_read_long_csv_maps_names_to_codes(tmp_path):
    path = tmp_path / "panel.csv"
    path.write_text("province,year,x\n北京,2020,1.5\nBeijing,2021,2.5\n天津市,2020年,3\nTientsin,2021,4\n",
                    encoding="utf-8")
    before = path.read_bytes()
    df = read_long(path)
    assert df["province"].tolist() == ["11", "11", "12", "12"]
    assert df["year"].tolist() == [2020, 2021, 2020, 2021]
    assert df["x"].tolist() == [1.5, 2.5, 3.0, 4.0]
    assert path.read_bytes() == before  # inputs are only read


def test_read_long_excel_and_sheet(tmp_path):
    path = tmp_path / "panel.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"a": [1]}).to_excel(xl, sheet_name="notes", index=False)
        pd.DataFrame({"地区": ["广东", "Hainan"], "年份": [2022, 2022], "x": [1.0, 2.0]}).to_excel(
            xl, sheet_name="data", index=False)
    df = read_long(path, unit="地区", time="年份", sheet="data")
    assert df["地区"].tolist() == ["44", "46"]


def test_read_long_errors_name_the_culprit(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("province,year,x\n北京,2020,1\nAtlantis,2020,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Atlantis"):
        read_long(path)
    with pytest.raises(ValueError, match="'region' not found"):
        read_long(path, unit="region")
    path.write_text("province,year,x\n北京,last year,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="last year"):
        read_long(path)
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        read_long(tmp_path / "missing.csv")


def test_read_long_keeps_non_province_units(tmp_path):
    path = tmp_path / "cities.csv"
    path.write_text("city,year,x\nShenzhen,2020,1\nSuzhou,2020,2\n", encoding="utf-8")
    assert read_long(path, unit="city")["city"].tolist() == ["Shenzhen", "Suzhou"]


def test_read_wide_csv_to_long(tmp_path):
    path = tmp_path / "beds.csv"
    path.write_text("地区,2021年,2022年\n北京市,5.8,6.0\n上海市,6.1,—\n", encoding="utf-8-sig")
    df = read_wide(path)
    assert list(df.columns) == ["province", "year", "beds"]
    assert df["province"].tolist() == ["11", "11", "31", "31"]
    assert df["year"].tolist() == [2021, 2022, 2021, 2022]
    assert df["beds"].iloc[:3].tolist() == [5.8, 6.0, 6.1] and np.isnan(df["beds"].iloc[3])


def test_read_wide_excel_one_sheet_per_indicator(tmp_path):
    path = tmp_path / "wide.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"name": ["Jiangsu", "Zhejiang"], 2020: [1.0, 2.0], 2021: [3.0, 4.0]}).to_excel(
            xl, sheet_name="gdp", index=False)
        pd.DataFrame({"name": ["Zhejiang", "Jiangsu"], "2020年": [10, 20], "2021年": [30, 40]}).to_excel(
            xl, sheet_name="pop", index=False)
    df = read_wide(path)
    assert list(df.columns) == ["province", "year", "gdp", "pop"]
    row = df[(df["province"] == "32") & (df["year"] == 2021)].iloc[0]
    assert (row["gdp"], row["pop"]) == (3.0, 40)


def test_read_wide_reports_bad_cells(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("地区,2021,2022\n北京,1,abc\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\('北京', 2022, 'abc'\)"):
        read_wide(path)
    path.write_text("地区,first,second\n北京,1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no year columns"):
        read_wide(path)


def test_read_nbs_utf8_bom(tmp_path):
    path = tmp_path / "gdp.csv"
    path.write_bytes(NBS_UTF8.encode("utf-8-sig"))
    with pytest.warns(NonProvinceRowWarning, match="全国"):
        df = read_nbs(path)
    assert list(df.columns) == ["province", "year", "地区生产总值"]  # name and unit split (issue 15)
    assert df.attrs["units"] == {"地区生产总值": "亿元"}
    assert len(df) == 12
    assert df["province"].unique().tolist() == ["11", "12", "13", "15"]
    beijing = df[df["province"] == "11"].set_index("year")["地区生产总值"]
    assert beijing.to_dict() == {2021: 41045.6, 2022: 41610.9, 2023: 43760.7}
    assert df.attrs["non_province_rows"] == ["全国"]
    assert df.attrs["metadata"]["数据库"] == "分省年度数据"
    assert df.attrs["footnotes"][-1] == "数据来源：国家统计局"


def test_read_nbs_gbk_tab_comma(tmp_path):
    text = ("数据库：分省年度数据\n时间：最近2年\n"
            "地区\t,2023年\t,2022年\n北京市\t,6.4\t,6.1\n西藏自治区\t,\t,5.2\n香港特别行政区\t,1\t,1\n"
            "注：空白表示数据缺失。\n")
    path = tmp_path / "beds.csv"
    path.write_bytes(text.encode("gbk"))
    with pytest.warns(NonProvinceRowWarning, match="香港特别行政区"):
        df = read_nbs(path, indicator="beds")
    assert df.set_index(["province", "year"])["beds"].to_dict() == pytest.approx(
        {("11", 2022): 6.1, ("11", 2023): 6.4, ("54", 2022): 5.2, ("54", 2023): np.nan}, nan_ok=True)
    assert df.attrs["footnotes"] == ["注：空白表示数据缺失。"]


def test_read_nbs_rejects_other_files(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("province,2023\nBeijing,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="地区"):
        read_nbs(path)


def test_write_text_is_atomic(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    write_text(target, "first")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half-written")
            raise RuntimeError("boom")
    assert target.read_text() == "first"
    assert os.listdir(target.parent) == ["out.txt"]  # no temporary file left behind
    write_text(target, "second")
    assert target.read_text() == "second"


def test_write_csv_and_excel(tmp_path):
    frame = pd.DataFrame({"省份": ["北京"], "D": [0.5]})
    write_csv(frame, tmp_path / "t.csv", index=False)
    assert (tmp_path / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    assert pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig").equals(frame)
    write_excel({"a/b:c": frame, "A/B:C": frame}, tmp_path / "t.xlsx", index=False)
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames == ["a_b_c", "A_B_C~2"]
    with pytest.raises(ValueError, match="no tables"):
        write_excel({}, tmp_path / "empty.xlsx")


def test_save_figure_png_and_svg(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    save_figure(fig, tmp_path / "f.png")
    save_figure(fig, tmp_path / "f.svg")
    plt.close(fig)
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
    assert "<svg" in (tmp_path / "f.svg").read_text()
    with pytest.raises(ValueError, match="suffix"):
        save_figure(fig, tmp_path / "noext")


# -- spreadsheet-formula neutralisation (issue 21 item 10) -----------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.invalid","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "\tleading tab"]


def _hostile_frame() -> pd.DataFrame:
    frame = pd.DataFrame({"name": FORMULAS, "value": [1.0, -2.5, 3.0, -4.0, 5.0],
                          "sign": ["+", "-", "+", "-", "+"], "text": ["-0.125", "ok", "a=b", "−1", ""]})
    frame = frame.rename(columns={"value": "=1+1"})
    frame.index = pd.Index(["@row", "r2", "r3", "r4", "r5"], name="=idx")
    return frame


def test_write_csv_neutralises_formula_cells(tmp_path):
    frame = _hostile_frame()
    before = frame.copy()
    write_csv(frame, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not modified
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == ["'=idx", "name", "'=1+1", "sign", "text"]
    assert back["name"].tolist() == ["'" + f for f in FORMULAS]
    assert back["'=idx"].tolist() == ["'@row", "r2", "r3", "r4", "r5"]
    assert back["'=1+1"].tolist() == [1.0, -2.5, 3.0, -4.0, 5.0]   # numbers stay numbers
    assert back["sign"].tolist() == ["+", "-", "+", "-", "+"]         # one-character signs kept
    assert back["text"].tolist() == ["-0.125", "ok", "a=b", "−1", ""]  # a number written as text is no formula


def test_write_excel_neutralises_formula_cells(tmp_path):
    write_excel({"t": _hostile_frame()}, tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    values = [c.value for c in cells]
    assert "'" + FORMULAS[0] in values and "'=1+1" in values and "'=idx" in values and "'@row" in values
    assert -2.5 in values and "+" in values


def test_report_tables_are_neutralised_through_the_writers(tmp_path):
    from spatialccd.report.tables import Table

    table = Table.from_frame(pd.DataFrame({"D": [0.5]}, index=pd.Index(["=cmd()"], name="province")), name="t",
                             title="t")
    table.to_csv(tmp_path / "t.csv")
    assert "'=cmd()" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
