"""Atomic writers: a reader never sees a partial file, and spreadsheet cells cannot run as formulas.

:func:`atomic_write` writes to a temporary file in the destination folder and
moves it into place with :func:`os.replace`, so a failed write leaves any
previous file intact.  :func:`write_text`, :func:`write_bytes`,
:func:`write_csv`, :func:`write_excel` and :func:`save_figure` build on it.

:func:`write_csv` and :func:`write_excel` pass every text cell, column label,
index label and index name through :func:`spatialccd._format.neutralise_cell`
(OWASP advice against CSV injection): text beginning with ``= + - @`` (or a
tab or carriage return) gets a leading apostrophe, so ``=HYPERLINK(…)`` is
shown, not run.  Numbers are written as numbers; the one-character texts ``+``
and ``-`` (direction signs, missing markers) cannot hold a formula and are kept.
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

import pandas as pd

from .._format import neutralise_cell
from ..exceptions import SpatialCCDError

__all__ = ["atomic_write", "write_text", "write_bytes", "write_csv", "write_excel", "save_figure", "safe_cells"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, *, binary: bool = False,
                 encoding: str = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on success move it onto ``path``.

    The temporary file lives in the same folder so :func:`os.replace` is an
    atomic rename.  On an exception the temporary file is removed and ``path``
    is left as it was.  The file gets the permissions of the user's umask (0666 & ~umask).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": encoding, "newline": ""})) as fh:
            os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; the file gets the user's usual permissions
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


def _cell(value):
    if isinstance(value, str) and len(value) == 1 and value in "+-":
        return value
    return neutralise_cell(value)


def _labels(index: pd.Index) -> pd.Index:
    names = [_cell(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples([tuple(_cell(v) for v in t) for t in index], names=names)
    return pd.Index([_cell(v) for v in index], name=names[0], dtype=object if index.dtype == object else None)


def safe_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column labels and index labels cannot run as spreadsheet formulas."""
    out = frame.copy()
    for j in range(out.shape[1]):
        column = out.iloc[:, j]
        if column.dtype == object or isinstance(column.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            out.isetitem(j, column.astype(object).map(_cell))
    out.columns = _labels(out.columns)
    out.index = _labels(out.index)
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, *, index: bool = True) -> Path:
    """Write a frame as UTF-8 CSV with BOM (so Excel shows Chinese text correctly), atomically.

    Text that a spreadsheet would run as a formula is neutralised (:func:`safe_cells`).
    """
    with atomic_write(path, encoding="utf-8-sig") as fh:
        safe_cells(frame).to_csv(fh, index=index, lineterminator="\n")
    return Path(path)


def _sheet_name(name: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", str(name))[:31] or "Sheet"
    base = base.lstrip("'") or "Sheet"  # Excel forbids a leading apostrophe
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
    Text that Excel would run as a formula is neutralised (:func:`safe_cells`), and the writer
    (XlsxWriter, about twice as fast as openpyxl on large tables) is told to store every string as
    text: no string becomes a formula, a hyperlink or a number.
    """
    if not tables:
        raise SpatialCCDError("write_excel: no tables to write")
    used: set[str] = set()
    text_only = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with atomic_write(path, binary=True) as fh:
        with pd.ExcelWriter(fh, engine="xlsxwriter", engine_kwargs={"options": text_only}) as xl:
            for name, frame in tables.items():
                safe_cells(frame).to_excel(xl, sheet_name=_sheet_name(name, used), index=index)
    return Path(path)


def save_figure(fig, path: str | os.PathLike, **savefig_kwargs) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix (``.png``, ``.svg`` …)."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if not fmt:
        raise SpatialCCDError(f"save_figure: {target} has no suffix to choose the format")
    with atomic_write(target, binary=True) as fh:
        fig.savefig(fh, format=fmt, **savefig_kwargs)
    return target
