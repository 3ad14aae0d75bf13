"""NBS data-portal exports: every layout, several files at once, and refusals naming the file and line.

Fixtures in tests/data/nbs copy the portal's layouts exactly (simulated values,
see its README); broken variants are made from them here.
"""
from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from spatialccd.exceptions import DataError, NonProvinceRowWarning
from spatialccd.io import read_long, read_nbs, read_wide, split_unit

DATA = Path(__file__).parent / "data" / "nbs"
WIDE_GDP = DATA / "wide_gdp_utf8bom.csv"
WIDE_POP = DATA / "wide_pop_gbk_tabcomma.csv"
SINGLE_2022 = DATA / "single_year_2022_utf8bom.csv"
SINGLE_2023 = DATA / "single_year_2023_gbk.csv"
NATIONAL = DATA / "national_gdp_utf8bom.csv"
BEIJING = DATA / "one_province_beijing_utf8bom.csv"


def quiet_read(*args, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonProvinceRowWarning)
        return read_nbs(*args, **kwargs)


def value(df, province, year, column):
    return df.set_index(["province", "year"]).at[(province, year), column]


def test_split_unit():
    assert split_unit("地区生产总值(亿元)") == ("地区生产总值", "亿元")
    assert split_unit("建成区绿化覆盖率（%）") == ("建成区绿化覆盖率", "%")
    assert split_unit("居民消费价格指数(上年=100)") == ("居民消费价格指数", "上年=100")
    assert split_unit("人口") == ("人口", None)


def test_wide_export_utf8_bom_crlf():
    assert WIDE_GDP.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in WIDE_GDP.read_bytes()
    with pytest.warns(NonProvinceRowWarning, match="wide_gdp_utf8bom.csv: 全国") as caught:
        df = read_nbs(WIDE_GDP)
    assert len(caught) == 1
    assert list(df.columns) == ["province", "year", "地区生产总值"]
    assert df.attrs["units"] == {"地区生产总值": "亿元"}
    assert df["province"].unique().tolist() == ["11", "12", "13", "14", "15"]
    assert df[df["province"] == "13"].set_index("year")["地区生产总值"].to_dict() == {
        2021: 38300.2, 2022: 40100.9, 2023: 41900.4}
    assert df.attrs["metadata"] == {"数据库": "分省年度数据", "指标": "地区生产总值(亿元)", "时间": "最近3年"}
    assert df.attrs["footnotes"][-1] == "数据来源：国家统计局"
    assert df.attrs["files"][0]["layout"] == "wide"


def test_wide_export_gbk_tab_comma_and_markers():
    raw = WIDE_POP.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"\t," in raw
    with pytest.warns(NonProvinceRowWarning, match="香港特别行政区"):
        df = read_nbs(WIDE_POP, rename={"年末常住人口": "pop"})
    assert np.isnan(value(df, "12", 2021, "pop")) and np.isnan(value(df, "13", 2022, "pop"))  # … and —
    assert value(df, "11", 2023, "pop") == 2185
    assert df.attrs["units"] == {"pop": "万人"}


def test_single_year_export_takes_the_year_from_the_time_line():
    with pytest.warns(NonProvinceRowWarning, match="全国, 东部地区"):
        df = read_nbs(SINGLE_2022)
    assert df["year"].unique().tolist() == [2022]
    assert list(df.columns) == ["province", "year", "地区生产总值", "年末常住人口", "第三产业增加值"]
    assert df.attrs["units"] == {"地区生产总值": "亿元", "年末常住人口": "万人", "第三产业增加值": "亿元"}
    assert value(df, "14", 2022, "第三产业增加值") == 10200.8
    assert df.attrs["files"][0] == {"path": str(SINGLE_2022), "layout": "single-year", "year": 2022}
    gbk = read_nbs(SINGLE_2023)
    assert gbk["year"].unique().tolist() == [2023] and value(gbk, "15", 2023, "建成区绿化覆盖率") == 40.6
    assert quiet_read(SINGLE_2022, year=2021)["year"].unique().tolist() == [2021]  # year= overrides


@pytest.mark.parametrize("replace, said", [("时间：2022年", None), ("时间：最近10年", "'最近10年'")])
def test_single_year_without_a_year_asks_for_year(tmp_path, replace, said):
    path = tmp_path / "single.csv"
    text = SINGLE_2022.read_bytes().decode("utf-8-sig")
    path.write_text(text.replace("时间：2022年\r\n", "" if said is None else replace + "\r\n"), encoding="utf-8-sig")
    with pytest.raises(DataError, match=re.escape(str(path)) + ".*pass year=") as info:
        quiet_read(path)
    assert ("no 时间 line" if said is None else said) in str(info.value)
    assert quiet_read(path, year=2024)["year"].unique().tolist() == [2024]


def test_year_argument_must_be_used():
    with pytest.raises(DataError, match="year=2020 given but no file is a single-year export"):
        quiet_read(WIDE_GDP, year=2020)


def test_several_files_merge_into_one_panel():
    df = quiet_read([WIDE_GDP, WIDE_POP, SINGLE_2022, SINGLE_2023],
                    rename={"地区生产总值": "gdp", "年末常住人口(万人)": "pop", "第三产业增加值": "tertiary",
                            "建成区绿化覆盖率": "green"})
    assert list(df.columns) == ["province", "year", "gdp", "pop", "tertiary", "green"]
    assert len(df) == 15 and not df.duplicated(["province", "year"]).any()
    assert value(df, "11", 2022, "gdp") == 38200.3            # in two files, equal: kept once
    assert value(df, "13", 2022, "pop") == 7420               # '—' in the wide file gives way to the value
    assert value(df, "11", 2023, "tertiary") == 33800.1 and np.isnan(value(df, "11", 2021, "tertiary"))
    assert df.attrs["units"] == {"gdp": "亿元", "pop": "万人", "tertiary": "亿元", "green": "%"}
    assert df.attrs["non_province_rows"] == ["全国", "香港特别行政区", "东部地区"]
    assert [f["layout"] for f in df.attrs["files"]] == ["wide", "wide", "single-year", "single-year"]
    assert set(df.attrs["metadata"]) == {p.name for p in (WIDE_GDP, WIDE_POP, SINGLE_2022, SINGLE_2023)}


def test_several_files_give_one_non_province_warning():
    with pytest.warns(NonProvinceRowWarning) as caught:
        read_nbs([WIDE_GDP, WIDE_POP])
    assert len(caught) == 1
    assert "wide_gdp_utf8bom.csv: 全国; wide_pop_gbk_tabcomma.csv: 香港特别行政区" in str(caught[0].message)


def test_overlapping_files_that_disagree_name_both(tmp_path):
    other = tmp_path / "single_2022_revised.csv"
    other.write_bytes(SINGLE_2022.read_bytes().replace(b"40100.9", b"40111.9"))
    with pytest.raises(DataError) as info:
        quiet_read([WIDE_GDP, other])
    message = str(info.value)
    assert "files disagree on (province 13, year 2022, '地区生产总值')" in message
    assert "40100.9 in wide_gdp_utf8bom.csv line 8" in message
    assert "40111.9 in single_2022_revised.csv line 7" in message


def test_same_file_twice_is_kept_once(tmp_path):
    copy = tmp_path / "copy.csv"
    shutil.copy(WIDE_GDP, copy)
    pd.testing.assert_frame_equal(quiet_read([WIDE_GDP, copy]), quiet_read(WIDE_GDP))


def test_national_file_is_refused():
    with pytest.raises(DataError, match=r"national_gdp_utf8bom.csv: this is national data \(数据库：年度数据\)"):
        read_nbs(NATIONAL)


def test_national_layout_without_database_line_is_refused(tmp_path):
    path = tmp_path / "national.csv"
    path.write_text(NATIONAL.read_bytes().decode("utf-8-sig").replace("数据库：年度数据\r\n", ""), encoding="utf-8")
    with pytest.raises(DataError, match=r"national.csv: this is national data \(no 地区 column, row or line\)"):
        read_nbs(path)


def test_quarterly_database_is_refused(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(WIDE_GDP.read_text(encoding="utf-8-sig").replace("分省年度数据", "分省季度数据"), encoding="utf-8")
    with pytest.raises(DataError, match="quarterly or monthly"):
        read_nbs(path)


def test_one_province_layout():
    df = read_nbs(BEIJING)
    assert df["province"].unique().tolist() == ["11"]
    assert value(df, "11", 2021, "地区生产总值") == 36500.8 and value(df, "11", 2023, "年末常住人口") == 2185
    assert df.attrs["files"][0]["layout"] == "one province"


def test_transposed_wide_layout(tmp_path):
    """Years in the rows, provinces in the columns (the portal's 'swap rows and columns')."""
    path = tmp_path / "t.csv"
    path.write_text("数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：最近2年\n"
                    "时间,北京市,河北省,全国\n2023年,40100.5,41900.4,1000000.0\n2022年,38200.3,40100.9,950000.0\n"
                    "数据来源：国家统计局\n", encoding="utf-8")
    with pytest.warns(NonProvinceRowWarning, match="全国"):
        df = read_nbs(path)
    assert df.attrs["files"][0]["layout"] == "wide (transposed)"
    pd.testing.assert_frame_equal(df, quiet_read(WIDE_GDP).query("province in ['11', '13'] and year >= 2022")
                                  .reset_index(drop=True), check_like=True)


def test_excel_export_reads_like_the_csv(tmp_path):
    path = tmp_path / "gdp.xlsx"
    book = openpyxl.Workbook()
    for line in WIDE_GDP.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split(",")
        book.active.append([float(f) if re.fullmatch(r"[\d.]+", f) else f for f in fields])
    book.save(path)
    pd.testing.assert_frame_equal(quiet_read(path), quiet_read(WIDE_GDP))


# -- truncated, ragged, empty and mislabelled files (issue 15; issue 21 items 1 and 17) ---------------------------

def _cut(tmp_path, source: Path, after: bytes, *, keep: int = 0, name: str = "cut.csv") -> Path:
    raw = source.read_bytes()
    path = tmp_path / name
    path.write_bytes(raw[:raw.index(after) + len(after) + keep])
    return path


def test_file_cut_mid_number_names_the_line(tmp_path):
    """Issue 21 item 1: `河北省,4394` instead of 43944.1… must not be read as 4394 with two years lost."""
    path = _cut(tmp_path, WIDE_GDP, "河北省,4190".encode())
    with pytest.raises(DataError, match=r"cut.csv, line 8: 2 field\(s\) where the header \(line 4\) has 4"):
        quiet_read(path)


def test_cut_inside_the_last_field_names_the_line(tmp_path):
    """A complete-looking last row without line break and without footnotes is a cut value."""
    path = _cut(tmp_path, WIDE_GDP, "内蒙古自治区,23100.8,22000.5,2050".encode())
    with pytest.raises(DataError, match=r"cut.csv, line 10: the file ends inside a data row.*looks truncated"):
        quiet_read(path)
    gbk = _cut(tmp_path, SINGLE_2023, "内蒙古自治区\t,10100.9\t,40".encode("gbk"), name="gbk.csv")
    with pytest.raises(DataError, match=r"gbk.csv, line 8: the file ends inside a data row"):
        read_nbs(gbk)


def test_file_without_footnotes_but_ending_with_a_line_break_is_read(tmp_path):
    path = _cut(tmp_path, WIDE_GDP, "内蒙古自治区,23100.8,22000.5,20500.4\r\n".encode())
    assert value(quiet_read(path), "15", 2021, "地区生产总值") == 20500.4


def test_ragged_row_in_the_middle_names_the_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_bytes(WIDE_GDP.read_bytes().replace(b"15800.2,15100.7,14600.1", b"15800.2,15100.7"))
    with pytest.raises(DataError, match=r"ragged.csv, line 7: 3 field\(s\) where the header \(line 4\) has 4"):
        quiet_read(path)


def test_cut_inside_a_character_names_the_file(tmp_path):
    utf8 = _cut(tmp_path, WIDE_GDP, "内蒙".encode(), keep=-1, name="utf8.csv")
    with pytest.raises(DataError, match=r"utf8.csv, line 10: the file ends in the middle of a character"):
        read_nbs(utf8)
    gbk = _cut(tmp_path, WIDE_POP, "内蒙".encode("gbk"), keep=-1, name="gbk.csv")
    with pytest.raises(DataError, match=r"gbk.csv, line 9: the file ends in the middle of a character"):
        read_nbs(gbk)


def test_non_numeric_cell_names_file_line_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(WIDE_GDP.read_bytes().replace(b"24500.6", b"24500.6a"))
    with pytest.raises(DataError, match=r"bad.csv, line 9: '24500.6a' in column '2023年' is not a number"):
        quiet_read(path)


def test_value_under_a_blank_header_is_refused(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_text("数据库：分省年度数据\n指标：x\n地区,2023年,,2022年\n北京市,1,9,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"stray.csv, line 4: values \['9'\] stand in columns without a header"):
        read_nbs(path)
    path.write_text("数据库：分省年度数据\n指标：x\n地区,2023年,2022年,,\n北京市,1,2,,\n", encoding="utf-8")
    assert read_nbs(path)["x"].tolist() == [2.0, 1.0]  # blank trailing columns are ignored


@pytest.mark.parametrize("reader", [read_nbs, read_long, read_wide])
def test_empty_file_names_the_file(tmp_path, reader):
    for content in (b"", b"\xef\xbb\xbf", b"\r\n  \n"):
        path = tmp_path / "empty.csv"
        path.write_bytes(content)
        with pytest.raises(DataError, match=re.escape(str(path)) + ": the file is empty"):
            reader(path)


@pytest.mark.parametrize("reader", [read_nbs, read_long, read_wide])
def test_xlsx_that_is_really_csv_names_the_file(tmp_path, reader):
    path = tmp_path / "export.xlsx"
    shutil.copy(WIDE_GDP, path)
    with pytest.raises(DataError, match=re.escape(str(path)) + r": has the suffix .xlsx but is not an Excel "
                       r"workbook: its content is text \(CSV\?\).*rename it to .csv"):
        reader(path)


def test_rename_errors():
    with pytest.raises(DataError, match=r"rename= names indicators that are not in the files: \['GDP'\]"):
        quiet_read(WIDE_GDP, rename={"GDP": "gdp"})


def test_same_name_with_different_units_is_refused(tmp_path):
    other = tmp_path / "gdp_wan.csv"
    other.write_text(WIDE_GDP.read_text(encoding="utf-8-sig").replace("(亿元)", "(万元)"), encoding="utf-8")
    with pytest.raises(DataError, match=r"indicator '地区生产总值' comes as '地区生产总值\(亿元\)' and "
                       r"'地区生产总值\(万元\)'.*rename"):
        quiet_read([WIDE_GDP, other])


def test_indicator_argument():
    assert list(quiet_read(WIDE_GDP, indicator="gdp").columns) == ["province", "year", "gdp"]
    with pytest.raises(DataError, match="for several files use rename="):
        quiet_read([WIDE_GDP, WIDE_POP], indicator="gdp")
    with pytest.raises(DataError, match="this file has several indicators"):
        quiet_read(SINGLE_2022, indicator="gdp")
