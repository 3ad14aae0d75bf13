"""Long and wide CSV/Excel tables into the long (unit, year) layout, and the file checks every reader shares.

Every reader first calls :func:`check_file`: a missing file raises
``FileNotFoundError``; an empty file, or a file with an Excel suffix that is
not an Excel workbook (a CSV saved as ``.xlsx``), raises
:class:`~spatialccd.exceptions.DataError` naming the file.  CSV text is
UTF-8 (with or without BOM) or GBK/GB18030; a line with fewer fields than
the header (a truncated or ragged file) raises naming the file and line.
"""
from __future__ import annotations

import csv
import io as _io
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ..panel import normalise_units

__all__ = ["year_of", "read_long", "read_wide", "check_file", "decode", "MISSING_MARKERS"]

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
#: cell texts read as missing (blank, dashes, ellipses, n/a …).
MISSING_MARKERS = frozenset({"", "-", "—", "–", "——", "…", "……", "...", "..", "na", "n/a", "nan", "null"})
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:年)?\s*$")
_ZIP = b"PK\x03\x04"          # .xlsx / .xlsm are zip archives
_OLE2 = b"\xd0\xcf\x11\xe0"   # .xls (BIFF in an OLE2 container)


def year_of(label) -> int | None:
    """The year in a column label such as ``2023``, ``"2023"``, ``"2023年"`` or ``2023.0``; else ``None``."""
    if isinstance(label, (bool, np.bool_)):
        return None
    if isinstance(label, (int, np.integer)) and 1000 <= int(label) <= 9999:
        return int(label)
    if isinstance(label, (float, np.floating)) and float(label).is_integer() and 1000 <= label <= 9999:
        return int(label)
    m = _YEAR.match(str(label))
    return int(m.group(1)) if m else None


def check_file(path: str | os.PathLike) -> Path:
    """The path of a readable, non-empty data file whose content matches its suffix.

    Raises ``FileNotFoundError`` for a missing file and :class:`DataError`
    naming the file when it is empty or has an Excel suffix (``.xlsx``,
    ``.xlsm``, ``.xls``) without being a workbook.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"data file not found: {p}")
    with p.open("rb") as fh:
        head = fh.read(4096)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise DataError(f"{p}: the file is empty")
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        magic = _OLE2 if suffix == ".xls" else _ZIP
        if not head.startswith(magic):
            text = head[:60].decode("utf-8", "replace").splitlines()[0] if head else ""
            looks = "text (CSV?)" if _is_text(head) else "not a workbook"
            raise DataError(f"{p}: has the suffix {p.suffix} but is not an Excel workbook: its content is "
                            f"{looks}, beginning {text!r}; if it is a CSV file, rename it to .csv")
    return p


def _is_text(head: bytes) -> bool:
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # a character cut by the 4096-byte window
                return True
    return False


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312).

    A file that ends in the middle of a multi-byte character is truncated:
    the error names the file and the line.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":
            _truncated_character(raw, exc.start, path)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3:
            _truncated_character(raw, exc.start, path)
    raise DataError(f"{path}: neither UTF-8 nor GBK/GB18030 text")


def _truncated_character(raw: bytes, at: int, path: Path):
    line = raw[:at].count(b"\n") + 1
    raise DataError(f"{path}, line {line}: the file ends in the middle of a character — it looks truncated; "
                    "download or copy it again")


def check_fields(text: str, path: Path, *, delimiter: str = ",") -> None:
    """Raise naming the line of the first row with fewer fields than the header (a truncated or ragged CSV)."""
    reader = csv.reader(_io.StringIO(text), delimiter=delimiter)
    width = None
    for row in reader:
        if not any(f.strip() for f in row):
            continue
        if width is None:
            width = len(row)
            header_line = reader.line_num
        elif len(row) < width:
            raise DataError(f"{path}, line {reader.line_num}: {len(row)} field(s) where the header (line "
                            f"{header_line}) has {width} — the row is incomplete (a truncated or ragged file?)")


def read_frame(path: Path, *, sheet=None, sheets=None, header: int | None = 0,
               dtype=None) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """A CSV (checked by :func:`check_fields`) or Excel file as pandas reads it; errors name the file.

    ``sheets`` (Excel only) returns a dict sheet → frame (``sheets=None`` and
    ``sheet=None`` read the first sheet; ``sheets=True`` reads all).
    ``header`` and ``dtype`` are passed to :func:`pandas.read_excel`.
    """
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    if not excel and (sheet is not None or sheets is not None):
        given = f"sheet={sheet!r}" if sheet is not None else f"sheets={list(sheets)!r}"
        raise DataError(f"{given} given but {path.name} is not an Excel file")
    try:
        if excel:
            name = None if sheets is True else (list(sheets) if sheets is not None else (sheet or 0))
            return pd.read_excel(path, sheet_name=name, header=header, dtype=dtype)
        text = decode(path.read_bytes(), path)
        check_fields(text, path)
        return pd.read_csv(_io.StringIO(text))
    except DataError:
        raise
    except ImportError as exc:
        raise DataError(f"{path}: {exc} (or save the workbook as .xlsx or .csv)") from None
    except (ValueError, KeyError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be read: {exc}") from None


def province_codes_in(df: pd.DataFrame, unit: str, source: str) -> pd.DataFrame:
    """``df`` with the ``unit`` labels mapped to province codes when they are provinces (labels kept otherwise)."""
    labels = df[unit].astype(str).str.strip()
    try:
        mapped, _ = normalise_units(labels)
    except ValueError as exc:
        raise DataError(f"{source}: column {unit!r}: {exc}") from None
    return df.assign(**{unit: mapped})


def parse_number(text: str) -> float | None:
    """A cell as a float: missing markers give NaN, thousands separators are removed, else ``None``."""
    s = str(text).strip().replace(",", "").replace("\u3000", "")
    if s.lower() in MISSING_MARKERS:
        return float("nan")
    try:
        return float(s)
    except ValueError:
        return None


def numeric(values: pd.Series, *, source: str, unit: str, time: str, frame: pd.DataFrame) -> pd.Series:
    """Numbers, with the usual missing markers (blank, -, —, …) as NaN; anything else is an error."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    parsed = [float("nan") if pd.isna(v) else parse_number(v) for v in values]
    bad = [i for i, v in zip(values.index, parsed) if v is None]
    if bad:
        cells = [(frame.at[i, unit], int(frame.at[i, time]), values.at[i]) for i in bad[:10]]
        raise DataError(f"{source}: non-numeric values ({unit}, {time}, value): {cells}")
    return pd.Series(parsed, index=values.index, dtype=float)


def read_long(path: str | os.PathLike, *, unit: str = "province", time: str = "year",
              sheet: str | int | None = None) -> pd.DataFrame:
    """Read a long table (one row per unit and year) from CSV or Excel.

    Province names in ``unit`` (any spelling) become 2-digit codes; if no label
    is a province (cities, counties …) they are kept as they are.  ``time``
    values are parsed as years (``2019`` or ``2019年``).  The file is only read.

    Raises :class:`DataError` (a ``ValueError``) naming the file and the
    missing column, the unknown province names, the cells whose year cannot
    be read, or the line of a truncated row.
    """
    p = check_file(path)
    df = read_frame(p, sheet=sheet)
    df.columns = [str(c).strip() for c in df.columns]
    for col in (unit, time):
        if col not in df.columns:
            raise DataError(f"{p.name}: column {col!r} not found; columns are {list(df.columns)}")
    years = df[time].map(year_of)
    if years.isna().any():
        bad = df.loc[years.isna(), time].tolist()[:10]
        raise DataError(f"{p.name}: column {time!r} has values that are not years: {bad}")
    df = province_codes_in(df.assign(**{time: years.astype(int)}), unit, p.name)
    return df.sort_values([unit, time], kind="stable").reset_index(drop=True)


def _wide_to_long(frame: pd.DataFrame, *, name_column: str | None, unit: str, time: str,
                  value: str, source: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [c if year_of(c) is not None else str(c).strip() for c in frame.columns]
    first = name_column if name_column is not None else frame.columns[0]
    if first not in frame.columns:
        raise DataError(f"{source}: column {first!r} not found; columns are {list(frame.columns)}")
    year_cols = [c for c in frame.columns if c != first and year_of(c) is not None]
    if not year_cols:
        raise DataError(f"{source}: no year columns (like 2019 or 2019年) found; columns are {list(frame.columns)}")
    frame = frame.rename(columns={first: unit}).dropna(subset=[unit])
    long = frame.melt(id_vars=[unit], value_vars=year_cols, var_name=time, value_name=value)
    long[time] = long[time].map(year_of).astype(int)
    long[value] = numeric(long[value], source=source, unit=unit, time=time, frame=long)
    return province_codes_in(long, unit, source)


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
    p = check_file(path)
    if p.suffix.lower() in EXCEL_SUFFIXES:
        if indicator is not None:
            raise DataError("indicator= names the indicator of a CSV file; an Excel workbook names "
                            "its indicators by sheet")
        book = read_frame(p, sheets=True if sheets is None else list(sheets))
        parts = {str(name): frame for name, frame in book.items()}
    else:
        parts = {indicator or p.stem: read_frame(p, sheets=sheets)}
    longs = [
        _wide_to_long(frame, name_column=name_column, unit=unit, time=time, value=name,
                      source=f"{p.name}[{name}]").set_index([unit, time])
        for name, frame in parts.items()
    ]
    for name, part in zip(parts, longs):
        if not part.index.is_unique:
            dup = part.index[part.index.duplicated()].unique().tolist()[:10]
            raise DataError(f"{p.name}[{name}]: duplicated ({unit}, {time}) rows: {dup}")
    out = pd.concat(longs, axis=1, join="outer").reset_index()
    return out.sort_values([unit, time], kind="stable").reset_index(drop=True)
