"""Exports of the National Bureau of Statistics data portal (分省年度数据) into one long panel.

The portal's query page has three dimensions — 地区 (province), 指标
(indicator) and 时间 (year).  An export puts one of them in the rows, one in
the columns and fixes the third in a metadata line above the table::

    数据库：分省年度数据                 数据库：分省年度数据
    指标：地区生产总值(亿元)             时间：2024年
    时间：最近3年                        地区,地区生产总值(亿元),年末常住人口(万人)
    地区,2023年,2022年,2021年            北京市,49843.1,2183.2
    北京市,43760.7,41610.9,41045.6       …
    …                                    注：…
    注：…                                数据来源：国家统计局
    数据来源：国家统计局

(left: a *wide* export, one indicator over years; right: a *single-year*
export, many indicators in the year of the ``时间`` line).  Every arrangement
is read: the row dimension is named by the header's first field, the column
dimension is recognised from the labels (years, provinces, else indicators),
and the fixed one comes from its metadata line (or ``year=`` / ``indicator=``).
Files are UTF-8 (with or without BOM) or GBK; fields are separated by commas
or tab–comma pairs; ``…``, ``—`` and blanks are missing; footnotes (``注：``,
``数据来源：``) end the table.  Rows and columns that are not provinces
(全国, 香港特别行政区, 东部地区 …) are dropped with one
:class:`~spatialccd.exceptions.NonProvinceRowWarning` listing them.

Refused with a :class:`~spatialccd.exceptions.DataError` naming the file (and
line): national data (数据库：年度数据, or no 地区 anywhere), quarterly or
monthly databases, a row with fewer fields than the header, a file that ends
inside a data row without a line break (a value cut mid-number), non-numeric
cells, and the same (province, year, indicator) twice with different values.
"""
from __future__ import annotations

import csv
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..exceptions import DataError, NonProvinceRowWarning
from ..geo import lookup_province
from .readers import EXCEL_SUFFIXES, check_file, decode, parse_number, read_frame, year_of

__all__ = ["read_nbs", "split_unit", "NON_PROVINCE_NAMES"]

_DIMS = ("地区", "指标", "时间")
_FOOTNOTE = ("注", "数据来源", "说明", "Note", "Source")
#: area names the portal lists beside the 31 provinces; dropped (with a warning) when read.
NON_PROVINCE_NAMES = frozenset({
    "全国", "全国合计", "全国总计", "中国", "香港", "香港特别行政区", "澳门", "澳门特别行政区", "台湾", "台湾省",
    "东部", "中部", "西部", "东北", "东部地区", "中部地区", "西部地区", "东北地区", "新疆生产建设兵团"})
_LAYOUTS = {("地区", "时间"): "wide", ("时间", "地区"): "wide (transposed)",
            ("地区", "指标"): "single-year", ("指标", "地区"): "single-year (transposed)",
            ("指标", "时间"): "one province", ("时间", "指标"): "one province (transposed)"}
_META = re.compile(r"^\s*([^:：]+)[:：](.*)$")
_UNIT = re.compile(r"^(?P<name>.*?\S)\s*[(（](?P<unit>[^()（）]*)[)）]\s*$")


def split_unit(label: str) -> tuple[str, str | None]:
    """``"地区生产总值(亿元)"`` → ``("地区生产总值", "亿元")``; a label without a final bracket keeps ``None``.

    Full-width brackets ``（）`` count too; only the last bracket is the unit
    (``"居民消费价格指数(上年=100)"`` → unit ``"上年=100"``).
    """
    m = _UNIT.match(str(label).strip())
    return (m.group("name"), m.group("unit").strip() or None) if m else (str(label).strip(), None)


def _fields(line: str) -> list[str]:
    """Split one CSV line of an export: commas, or tab–comma pairs, with optional quotes."""
    delimiter = "," if "," in line else "\t"
    row = next(csv.reader([line], delimiter=delimiter))
    return [f.strip().strip("\t").strip() for f in row]


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _rows(path: Path) -> tuple[list[tuple[int, list[str]]], bool]:
    """Non-blank rows as (line number, fields) and whether the text ends with a line break."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        sheet = read_frame(path, sheet=0, header=None, dtype=object)
        rows = [(i + 1, [_cell_text(v) for v in values]) for i, values in enumerate(sheet.itertuples(index=False))]
        ends = True
    else:
        text = decode(path.read_bytes(), path)
        rows = [(i, _fields(ln)) for i, ln in enumerate(text.splitlines(), start=1)]
        ends = text.endswith(("\n", "\r"))
    return [(n, f) for n, f in rows if any(x.strip(" \t\u3000") for x in f)], ends


@dataclass
class _Export:
    """One parsed file: (code, year, label, value, line) records and what was read around them."""

    path: Path
    layout: str
    metadata: dict[str, str]
    records: list[tuple[str, int, str, float, int]] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    used_year: bool = False


def _refuse_database(path: Path, database: str | None) -> None:
    if not database or database == "分省年度数据":
        return
    if database == "年度数据":
        raise DataError(f"{path}: this is national data (数据库：年度数据), not provincial data; export the "
                        "分省年度数据 database (provinces in rows) instead")
    if "季度" in database or "月度" in database:
        raise DataError(f"{path}: 数据库：{database} is quarterly or monthly data; read_nbs reads the annual "
                        "provincial database 分省年度数据")
    raise DataError(f"{path}: 数据库：{database} is not the provincial annual database 分省年度数据; "
                    "export from 分省年度数据, or read other tables with read_long / read_wide")


def _column_dimension(path: Path, line: int, labels: list[str]) -> str:
    years = [year_of(lab) is not None for lab in labels]
    if all(years):
        return "时间"
    if any(years):
        bad = [lab for lab, y in zip(labels, years) if not y]
        raise DataError(f"{path}, line {line}: the header mixes years and other labels {bad}")
    regions = sum(lookup_province(lab) is not None or lab in NON_PROVINCE_NAMES for lab in labels)
    return "地区" if 2 * regions > len(labels) else "指标"


class _Reader:
    """Parse one export file into an :class:`_Export` (the layout rules of the module docstring)."""

    def __init__(self, path: Path, *, year: int | None, indicator: str | None) -> None:
        self.path, self.year, self.indicator = path, year, indicator

    def fail(self, message: str, line: int | None = None) -> DataError:
        where = f"{self.path}, line {line}" if line is not None else str(self.path)
        return DataError(f"{where}: {message}")

    def read(self) -> _Export:
        rows, ends_with_newline = _rows(self.path)
        at = next((i for i, (_, f) in enumerate(rows) if f[0] in _DIMS), None)
        metadata = self._metadata(rows[:len(rows) if at is None else at])
        _refuse_database(self.path, metadata.get("数据库"))
        if at is None:
            raise self.fail("no header row starting with 地区, 指标 or 时间 — is this an NBS 分省年度数据 export?")
        header_line, header = rows[at]
        width = max(i for i, f in enumerate(header) if f) + 1
        row_dim = header[0]
        columns = [(j, lab) for j, lab in enumerate(header[:width]) if j > 0 and lab]
        if not columns:
            raise self.fail("the header row has no column labels", header_line)
        col_dim = _column_dimension(self.path, header_line, [lab for _, lab in columns])
        if col_dim == row_dim:
            raise self.fail(f"rows and columns are both {row_dim}", header_line)
        fixed_dim = next(d for d in _DIMS if d not in (row_dim, col_dim))
        out = _Export(self.path, _LAYOUTS[(row_dim, col_dim)], metadata)
        fixed = self._fixed(fixed_dim, metadata, out)
        keys = {j: self._key(col_dim, lab, header_line, out) for j, lab in columns}
        body = rows[at + 1:]
        for k, (line, fields) in enumerate(body):
            if out.footnotes or fields[0].startswith(_FOOTNOTE):
                out.footnotes.append(",".join(f for f in fields if f))
                continue
            self._check_width(line, fields, width, header_line, columns)
            if k == len(body) - 1 and not ends_with_newline:
                raise self.fail("the file ends inside a data row, without a line break and without the portal's "
                                "footnotes: it looks truncated (a value may be cut, e.g. 4394 for 43944.1). "
                                "Download the file again; if the row is complete, end the file with a line break",
                                line)
            if not fields[0]:
                raise self.fail("a data row without a label in the first field", line)
            row_key = self._key(row_dim, fields[0], line, out)
            if row_key is None:
                continue
            for j, lab in columns:
                if keys[j] is None:
                    continue
                value = parse_number(fields[j])
                if value is None:
                    raise self.fail(f"{fields[j]!r} in column {lab!r} is not a number", line)
                parts = {row_dim: row_key, col_dim: keys[j], fixed_dim: fixed}
                out.records.append((parts["地区"], parts["时间"], parts["指标"], value, line))
        if not out.records:
            raise self.fail("no province rows found")
        return out

    def _metadata(self, rows) -> dict[str, str]:
        metadata: dict[str, str] = {}
        for _, fields in rows:
            m = _META.match(",".join(f for f in fields if f))
            if m:
                metadata[m.group(1).strip()] = m.group(2).strip(" \t,")
        return metadata

    def _check_width(self, line: int, fields: list[str], width: int, header_line: int, columns) -> None:
        if len(fields) < width:
            raise self.fail(f"{len(fields)} field(s) where the header (line {header_line}) has {width} — the row "
                            "is incomplete (a truncated or ragged file?)", line)
        extra = [f for f in fields[width:] if f]
        labelled = {j for j, _ in columns}
        stray = [fields[j] for j in range(1, width) if j not in labelled and fields[j]]
        if extra or stray:
            raise self.fail(f"values {extra + stray} stand in columns without a header label", line)

    def _fixed(self, dim: str, metadata: Mapping[str, str], out: _Export):
        """The value of the dimension given by a metadata line (or by year= / indicator=)."""
        if self.indicator is not None and dim != "指标":
            raise self.fail("indicator= names the one indicator of a wide export; this file has several "
                            "indicators — use rename= to name them")
        if dim == "时间":
            if self.year is not None:
                if year_of(self.year) is None:
                    raise DataError(f"year= must be a year like 2024, got {self.year!r}")
                out.used_year = True
                return year_of(self.year)
        if dim == "指标":
            return self.indicator or metadata.get("指标") or self.path.stem
        stated = metadata.get(dim)
        value = None if stated is None else (year_of if dim == "时间" else lookup_province)(stated)
        if value is not None:
            return value
        if dim == "时间":
            said = f"its 时间 line says {stated!r}" if stated is not None else "it has no 时间 line"
            raise self.fail(f"a single-year export ({out.layout}) but {said}, which is not one year; "
                            "pass year= (e.g. read_nbs(path, year=2024))")
        said = f"地区：{stated}" if stated is not None else "no 地区 column, row or line"
        raise self.fail(f"this is national data ({said}), not provincial data; export the 分省年度数据 "
                        "database with provinces (地区) in the rows")

    def _key(self, dim: str, label: str, line: int, out: _Export):
        """A row or column label as a province code, a year or an indicator label (None: dropped)."""
        if dim == "地区":
            code = lookup_province(label)
            if code is None:
                out.dropped.append(label)
            return code
        if dim == "时间":
            year = year_of(label)
            if year is None:
                raise self.fail(f"{label!r} is not a year", line)
            return year
        return label


def _paths(path) -> list[Path]:
    if isinstance(path, (str, os.PathLike)):
        return [Path(path)]
    paths = [Path(p) for p in path]
    if not paths:
        raise DataError("read_nbs: no files given")
    return paths


def _names(exports: list[_Export], rename: Mapping[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """label → final column name, and final name → unit (errors for unused rename keys or unit clashes)."""
    rename = dict(rename or {})
    labels = list(dict.fromkeys(r[2] for e in exports for r in e.records))
    final, units, seen = {}, {}, {}
    used = set()
    for label in labels:
        name, unit = split_unit(label)
        key = label if label in rename else name if name in rename else None
        if key is not None:
            used.add(key)
        new = rename[key] if key is not None else name
        final[label] = new
        if new in units and units[new] != unit:
            raise DataError(f"indicator {new!r} comes as {seen[new]!r} and {label!r} (units {units[new]!r} and "
                            f"{unit!r}); rename one of them with rename=")
        units.setdefault(new, unit)
        seen.setdefault(new, label)
    unused = sorted(set(rename) - used)
    if unused:
        raise DataError(f"rename= names indicators that are not in the files: {unused}; indicators are {labels}")
    return final, units


def _merge(exports: list[_Export], final: Mapping[str, str], unit: str, time: str) -> pd.DataFrame:
    records = pd.DataFrame(
        [(code, year, final[label], value, line, i) for i, e in enumerate(exports)
         for code, year, label, value, line in e.records],
        columns=[unit, time, "indicator", "value", "line", "file"])
    key = [unit, time, "indicator"]
    dup = records.duplicated(key, keep=False)
    if dup.any():
        for (u, t, name), group in records[dup].groupby(key, sort=False):
            where = [f"{exports[f].path.name} line {ln}" for f, ln in zip(group["file"], group["line"])]
            if group["file"].nunique() < len(group):
                raise DataError(f"({u}, {t}, {name!r}) appears more than once in one file: {where}")
            values = group["value"].dropna()
            if values.nunique() > 1:
                shown = "; ".join(f"{float(v)!r} in {w}" for v, w in zip(group["value"], where))
                raise DataError(f"files disagree on ({unit} {u}, {time} {t}, {name!r}): {shown}")
        records = records.sort_values("value", na_position="last", kind="stable").drop_duplicates(key)
    names = list(dict.fromkeys(final.values()))
    wide = records.pivot(index=[unit, time], columns="indicator", values="value")
    out = wide.reindex(columns=names).reset_index()
    out.columns.name = None
    return out.sort_values([unit, time], kind="stable").reset_index(drop=True)


def read_nbs(path: str | os.PathLike | Sequence[str | os.PathLike], *, indicator: str | None = None,
             unit: str = "province", time: str = "year", year: int | None = None,
             rename: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read one or several NBS data-portal exports (分省年度数据) into one long panel.

    Parameters
    ----------
    path : a file or a list of files (CSV in UTF-8/UTF-8-BOM/GBK, or .xlsx), in any of the
        portal's arrangements (module docstring): wide (provinces × years, one
        indicator), single-year (provinces × indicators, the year in the
        ``时间：2024年`` line), one province (indicators × years) or their transposes.
    indicator : name of the value column of a single wide file (default: its ``指标`` line, else the
        file's stem).
    year : the year of single-year exports; overrides their ``时间`` line (needed when the line is
        missing or says e.g. ``最近10年``).  Must be used by at least one file.
    rename : map from an indicator's label (``"地区生产总值(亿元)"``) or its name without the unit
        (``"地区生产总值"``) to a column name (``"gdp"``).  Every key must match.

    Returns
    -------
    DataFrame with ``unit`` (GB/T 2260 code), ``time`` (int) and one column per indicator, named
    by the label without its unit (``地区生产总值(亿元)`` → ``地区生产总值``) unless renamed, sorted
    by province and year.  Cells no file gives are NaN (use :func:`spatialccd.io.prepare`).
    The same (province, year, indicator) in two files is kept once when the values agree (a
    missing value in one file gives way to the other's value) and raises naming both files and
    lines when they differ.  ``DataFrame.attrs`` keeps ``units`` (column → unit, e.g. 亿元),
    ``metadata`` (the ``key：value`` lines: a dict for one file, file name → dict for several),
    ``footnotes``, ``non_province_rows`` (names dropped) and ``files`` (per file: path, layout, year).
    """
    paths = _paths(path)
    if indicator is not None and len(paths) > 1:
        raise DataError("indicator= names the value column of one wide file; for several files use rename=")
    exports = [_Reader(check_file(p), year=year, indicator=indicator).read() for p in paths]
    if year is not None and not any(e.used_year for e in exports):
        raise DataError(f"year={year} given but no file is a single-year export (each has years in its rows or "
                        "columns)")
    dropped = [(e.path.name, list(dict.fromkeys(e.dropped))) for e in exports if e.dropped]
    if dropped:
        listed = "; ".join(f"{name}: {', '.join(d)}" for name, d in dropped)
        warnings.warn(f"dropped rows/columns that are not provinces — {listed}", NonProvinceRowWarning, stacklevel=2)
    final, units = _names(exports, rename)
    out = _merge(exports, final, unit, time)
    one = len(exports) == 1
    out.attrs.update(
        units=units,
        metadata=exports[0].metadata if one else {e.path.name: e.metadata for e in exports},
        footnotes=list(dict.fromkeys(f for e in exports for f in e.footnotes)),
        non_province_rows=list(dict.fromkeys(d for e in exports for d in e.dropped)),
        files=[{"path": str(e.path), "layout": e.layout,
                "year": next((r[1] for r in e.records), None) if e.layout.startswith("single") else None}
               for e in exports])
    return out
