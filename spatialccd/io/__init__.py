"""Data in and out: readers, data preparation and atomic writers.

Readers (:mod:`.readers`, :mod:`.nbs`)
--------------------------------------
:func:`read_long`
    CSV or Excel with one row per (unit, year) and one column per indicator.
:func:`read_wide`
    CSV or Excel with one row per unit and one column per year (``2019``,
    ``2019年``); an Excel workbook may hold one indicator per sheet.
:func:`read_nbs`
    One or several exports of the National Bureau of Statistics data portal
    (分省年度数据): wide (one indicator over years), single-year (many
    indicators, the year in the ``时间`` line) and the other arrangements,
    UTF-8-BOM or GBK, merged into one long panel; names and units split
    (``attrs["units"]``), non-province rows dropped with one warning, national
    and truncated files refused naming the file and line.

Province names in any common spelling become GB/T 2260 codes.  Every reader
names the file for a missing, empty or mislabelled file (an ``.xlsx`` that is
CSV).

Preparation (:mod:`.prepare`, :mod:`.derive`, :mod:`.quality`)
--------------------------------------------------------------
:func:`prepare` selects units and years (:func:`select`), applies missing-value
policies (:func:`handle_missing`), derives variables from expressions in a
fixed grammar (:func:`derive`, :mod:`spatialccd.grammar`, never ``eval``) and
runs the data-quality screen (:func:`quality_screen`), returning a
:class:`PreparedData` whose ``changes`` table lists every excluded unit/year
and every filled or dropped cell.

Writers (:mod:`.writers`)
-------------------------
:func:`atomic_write` and :func:`write_text`, :func:`write_bytes`,
:func:`write_csv`, :func:`write_excel`, :func:`save_figure`: a reader never sees
a partial file; CSV and Excel cells that would run as formulas are neutralised.
"""
from __future__ import annotations

from ..exceptions import NonProvinceRowWarning
from .derive import derive
from .nbs import NON_PROVINCE_NAMES, read_nbs, split_unit
from .prepare import CHANGE_ACTIONS, MISSING_POLICIES, PreparedData, handle_missing, prepare, select
from .quality import CHECKS, QualityScreen, quality_screen
from .readers import MISSING_MARKERS, read_long, read_wide, year_of
from .writers import atomic_write, safe_cells, save_figure, write_bytes, write_csv, write_excel, write_text

__all__ = ["NonProvinceRowWarning", "read_long", "read_wide", "read_nbs", "year_of", "split_unit",
           "NON_PROVINCE_NAMES", "MISSING_MARKERS",
           "select", "handle_missing", "derive", "prepare", "PreparedData", "CHANGE_ACTIONS", "MISSING_POLICIES",
           "quality_screen", "QualityScreen", "CHECKS",
           "atomic_write", "write_text", "write_bytes", "write_csv", "write_excel", "save_figure", "safe_cells"]
