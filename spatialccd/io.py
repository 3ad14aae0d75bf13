"""Reading users' tables into the long (province, year) layout, and writing outputs atomically.

Readers
-------
:func:`read_long`
    CSV or Excel with one row per (unit, year) and one column per indicator.
:func:`read_wide`
    CSV or Excel with one row per unit and one column per year (``2019``,
    ``2019年``); an Excel workbook may hold one indicator per sheet (the sheet
    name becomes the indicator's column).  Reshaped to long.
:func:`read_nbs`
    The CSV export of the National Bureau of Statistics data portal
    (分省年度数据, https://data.stats.gov.cn): UTF-8 with BOM or GBK, metadata
    lines (``数据库：分省年度数据``, ``指标：…``, ``时间：最近10年``), a header row
    ``地区,2023年,2022年,…``, fields separated by commas or tab–comma pairs, and
    footnotes (``注：…``, ``数据来源：国家统计局``).  Rows that are not provinces
    (全国, 香港特别行政区 …) are dropped and reported.

Province names in any common spelling become GB/T 2260 codes via
:func:`spatialccd.province_code`; a table mixing provinces with unknown names
stops with an error naming the unknown names.

Writers
-------
:func:`atomic_write` writes to a temporary file in the destination folder and
moves it into place with :func:`os.replace`, so a reader never sees a partial
file and a failed write leaves any previous file intact.  :func:`write_text`,
:func:`write_bytes`, :func:`write_csv`, :func:`write_excel` and
:func:`save_figure` build on it.
"""
from __future__ import annotations

from .exceptions import NonProvinceRowWarning

import contextlib
import csv
import io as _io
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from .geo import province_code
from .panel import normalise_units

__all__ = ["NonProvinceRowWarning", "read_long", "read_wide", "read_nbs", "year_of",
           "atomic_write", "write_text", "write_bytes", "write_csv", "write_excel", "save_figure"]

_EXCEL = {".xlsx", ".xlsm", ".xls"}
_MISSING = {"", "-", "—", "–", "…", "...", "..", "na", "n/a", "nan", "null"}
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:年)?\s*$")


def year_of(label) -> int | None:
    """The year in a column label such as ``2023``, ``"2023"``, ``"2023年"`` or ``2023.0``; else ``None``."""
    if isinstance(label, (int, np.integer)) and 1000 <= int(label) <= 9999:
        return int(label)
    if isinstance(label, (float, np.floating)) and float(label).is_integer() and 1000 <= label <= 9999:
        return int(label)
    m = _YEAR.match(str(label))
    return int(m.group(1)) if m else None


def _check_file(path: str | os.PathLike) -> Path:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"data file not found: {p}")
    return p


def _read_any(path: Path, *, sheet) -> pd.DataFrame:
    if path.suffix.lower() in _EXCEL:
        return pd.read_excel(path, sheet_name=0 if sheet is None else sheet)
    if sheet is not None:
        raise ValueError(f"sheet={sheet!r} given but {path.name} is not an Excel file")
    raw = path.read_bytes()
    return pd.read_csv(_io.StringIO(_decode(raw, path)))


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path.name}: neither UTF-8 nor GBK/GB18030 text")


def _codes(df: pd.DataFrame, unit: str, source: str) -> pd.DataFrame:
    labels = df[unit].astype(str).str.strip()
    try:
        mapped, _ = normalise_units(labels)
    except ValueError as exc:
        raise ValueError(f"{source}: column {unit!r}: {exc}") from None
    return df.assign(**{unit: mapped})


def read_long(path: str | os.PathLike, *, unit: str = "province", time: str = "year",
              sheet: str | int | None = None) -> pd.DataFrame:
    """Read a long table (one row per unit and year) from CSV or Excel.

    Province names in ``unit`` (any spelling) become 2-digit codes; if no label
    is a province (cities, counties …) they are kept as they are.  ``time``
    values are parsed as years (``2019`` or ``2019年``).  The file is only read.

    Raises ``ValueError`` naming the missing column, the unknown province names
    or the cells whose year cannot be read.
    """
    p = _check_file(path)
    df = _read_any(p, sheet=sheet)
    df.columns = [str(c).strip() for c in df.columns]
    for col in (unit, time):
        if col not in df.columns:
            raise ValueError(f"{p.name}: column {col!r} not found; columns are {list(df.columns)}")
    years = df[time].map(year_of)
    if years.isna().any():
        bad = df.loc[years.isna(), time].tolist()[:10]
        raise ValueError(f"{p.name}: column {time!r} has values that are not years: {bad}")
    df = _codes(df.assign(**{time: years.astype(int)}), unit, p.name)
    return df.sort_values([unit, time], kind="stable").reset_index(drop=True)


def _wide_to_long(frame: pd.DataFrame, *, name_column: str | None, unit: str, time: str,
                  value: str, source: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [c if year_of(c) is not None else str(c).strip() for c in frame.columns]
    first = name_column if name_column is not None else frame.columns[0]
    if first not in frame.columns:
        raise ValueError(f"{source}: column {first!r} not found; columns are {list(frame.columns)}")
    year_cols = [c for c in frame.columns if c != first and year_of(c) is not None]
    if not year_cols:
        raise ValueError(f"{source}: no year columns (like 2019 or 2019年) found; columns are {list(frame.columns)}")
    frame = frame.rename(columns={first: unit}).dropna(subset=[unit])
    long = frame.melt(id_vars=[unit], value_vars=year_cols, var_name=time, value_name=value)
    long[time] = long[time].map(year_of).astype(int)
    long[value] = _numeric(long[value], source=source, unit=unit, time=time, frame=long)
    return _codes(long, unit, source)


def _numeric(values: pd.Series, *, source: str, unit: str, time: str, frame: pd.DataFrame) -> pd.Series:
    """Numbers, with the usual missing markers (blank, -, —, …) as NaN; anything else is an error."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    text = values.astype(str).str.strip().str.replace(",", "", regex=False)
    missing = values.isna() | text.str.lower().isin(_MISSING)
    out = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = out.isna() & ~missing
    if bad.any():
        cells = [(frame.at[i, unit], int(frame.at[i, time]), values.at[i]) for i in values.index[bad][:10]]
        raise ValueError(f"{source}: non-numeric values ({unit}, {time}, value): {cells}")
    return out.astype(float)


def read_wide(path: str | os.PathLike, *, unit: str = "province", time: str = "year",
              name_column: str | None = None, indicator: str | None = None,
              sheets: Sequence[str] | None = None) -> pd.DataFrame:
    """Read wide tables (units in rows, years in columns) and reshape them to long.

    A CSV file holds one indicator, named ``indicator`` (default: the file's
    stem).  An Excel workbook holds one indicator per sheet, named by the sheet
    (``sheets`` selects some; default all).  ``name_column`` is the column with
    the unit names (default: the first column).  Year columns may be labelled
    ``2019`` or ``2019年``; blank, ``-`` and ``…`` cells become missing.

    Returns one row per (unit, year) with one column per indicator.
    """
    p = _check_file(path)
    if p.suffix.lower() in _EXCEL:
        if indicator is not None:
            raise ValueError("indicator= names the indicator of a CSV file; an Excel workbook names "
                             "its indicators by sheet")
        book = pd.read_excel(p, sheet_name=None if sheets is None else list(sheets))
        parts = {str(name): frame for name, frame in book.items()}
    else:
        if sheets is not None:
            raise ValueError(f"sheets={list(sheets)!r} given but {p.name} is not an Excel file")
        parts = {indicator or p.stem: pd.read_csv(_io.StringIO(_decode(p.read_bytes(), p)))}
    longs = [
        _wide_to_long(frame, name_column=name_column, unit=unit, time=time, value=name,
                      source=f"{p.name}[{name}]").set_index([unit, time])
        for name, frame in parts.items()
    ]
    for name, part in zip(parts, longs):
        if not part.index.is_unique:
            dup = part.index[part.index.duplicated()].unique().tolist()[:10]
            raise ValueError(f"{p.name}[{name}]: duplicated ({unit}, {time}) rows: {dup}")
    out = pd.concat(longs, axis=1, join="outer").reset_index()
    return out.sort_values([unit, time], kind="stable").reset_index(drop=True)


def _nbs_fields(line: str) -> list[str]:
    """Split one line of an NBS export: commas, or tab–comma pairs, with optional quotes."""
    delimiter = "," if "," in line else "\t"
    row = next(csv.reader([line], delimiter=delimiter))
    return [f.strip().strip("\t").strip() for f in row]


def read_nbs(path: str | os.PathLike, *, indicator: str | None = None, unit: str = "province",
             time: str = "year") -> pd.DataFrame:
    """Read an NBS data-portal export (分省年度数据) into the long layout.

    The file may be UTF-8 (with or without BOM) or GBK.  Lines before the
    header row (the row starting with ``地区``) are metadata (``key：value``);
    lines after the last data row starting with ``注`` or ``数据来源`` are
    footnotes.  The value column is named ``indicator``, else the ``指标``
    metadata entry, else the file's stem.

    Returns columns ``unit`` (province code), ``time`` (int) and the value,
    sorted by province and year.  ``DataFrame.attrs`` keeps ``metadata`` (dict),
    ``footnotes`` (list) and ``non_province_rows`` (names dropped).  Dropped
    rows are also reported with a :class:`NonProvinceRowWarning`.
    """
    p = _check_file(path)
    lines = [ln for ln in _decode(p.read_bytes(), p).splitlines() if ln.strip(" \t,")]
    header_at = next((i for i, ln in enumerate(lines) if _nbs_fields(ln)[0] == "地区"), None)
    if header_at is None:
        raise ValueError(f"{p.name}: no header row starting with 地区 — is this an NBS 分省年度数据 export?")
    metadata: dict[str, str] = {}
    for ln in lines[:header_at]:
        m = re.match(r"^\s*([^:：]+)[:：](.*)$", ln)
        if m:
            metadata[m.group(1).strip()] = m.group(2).strip(" \t,")
    header = _nbs_fields(lines[header_at])
    years = [year_of(h) for h in header[1:]]
    if not any(years):
        raise ValueError(f"{p.name}: header row has no year columns like 2023年: {header}")
    footnotes: list[str] = []
    rows: list[list[str]] = []
    for ln in lines[header_at + 1:]:
        fields = _nbs_fields(ln)
        if footnotes or fields[0].startswith(("注", "数据来源", "Note", "Source")):
            footnotes.append(ln.strip(" \t,"))
            continue
        rows.append(fields)
    name = indicator or metadata.get("指标") or p.stem
    kept, dropped = [], []
    for fields in rows:
        try:
            code = province_code(fields[0])
        except ValueError:
            dropped.append(fields[0])
            continue
        for y, cell in zip(years, fields[1:]):
            if y is not None:
                kept.append((code, y, cell))
    if dropped:
        warnings.warn(f"{p.name}: dropped {len(dropped)} row(s) that are not provinces: {dropped}",
                      NonProvinceRowWarning, stacklevel=2)
    if not kept:
        raise ValueError(f"{p.name}: no province rows found")
    out = pd.DataFrame(kept, columns=[unit, time, name])
    dup = out.duplicated([unit, time], keep=False)
    if dup.any():
        raise ValueError(f"{p.name}: a province appears twice: {sorted(set(out.loc[dup, unit]))}")
    out[name] = _numeric(out[name], source=p.name, unit=unit, time=time, frame=out)
    out = out.sort_values([unit, time], kind="stable").reset_index(drop=True)
    out.attrs.update(metadata=metadata, footnotes=footnotes, non_province_rows=dropped)
    return out


# -- writers -------------------------------------------------------------------

@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, *, binary: bool = False,
                 encoding: str = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on success move it onto ``path``.

    The temporary file lives in the same folder so :func:`os.replace` is an
    atomic rename.  On an exception the temporary file is removed and ``path``
    is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": encoding, "newline": ""})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` atomically; returns the path."""
    with atomic_write(path, encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` atomically; returns the path."""
    with atomic_write(path, binary=True) as fh:
        fh.write(data)
    return Path(path)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = True) -> Path:
    """Write a frame as UTF-8 CSV with BOM (so Excel shows Chinese text correctly), atomically."""
    with atomic_write(path, encoding="utf-8-sig") as fh:
        frame.to_csv(fh, index=index, lineterminator="\n")
    return Path(path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31] or "Sheet"
    out, k = base, 1
    while out.lower() in used:
        k += 1
        out = f"{base[:31 - len(str(k)) - 1]}~{k}"
    used.add(out.lower())
    return out


def write_excel(tables: Mapping[str, pd.DataFrame], path: str | os.PathLike, *,
                index: bool = True) -> Path:
    """Write several frames into one workbook, one sheet per table, atomically.

    Sheet names are the mapping's keys, cut to Excel's 31 characters with the
    characters Excel forbids (``[]:*?/\\``) replaced; clashes get a suffix.
    """
    if not tables:
        raise ValueError("write_excel: no tables to write")
    used: set[str] = set()
    with atomic_write(path, binary=True) as fh:
        with pd.ExcelWriter(fh, engine="openpyxl") as xl:
            for name, frame in tables.items():
                frame.to_excel(xl, sheet_name=_sheet_name(name, used), index=index)
    return Path(path)


def save_figure(fig, path: str | os.PathLike, **savefig_kwargs) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (``.png``, ``.svg`` …)."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if not fmt:
        raise ValueError(f"save_figure: {target} has no suffix to choose the format")
    with atomic_write(target, binary=True) as fh:
        fig.savefig(fh, format=fmt, **savefig_kwargs)
    return target
