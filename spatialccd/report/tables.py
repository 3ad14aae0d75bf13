"""Publication tables: one :class:`Table` value rendered to Markdown, HTML, LaTeX, CSV and Excel.

:class:`Table` wraps a DataFrame whose index is either flat (one label per row)
or two-level ``(block, row)``: blocks are printed as headed panels, the layout
of esttab / pyfixest ``etable`` and of the seeds' decomposition tables.  Cells
may be numbers (rendered with ``digits`` decimals; CSV and Excel keep full
precision) or ready-formatted strings.

Builders for the layouts the seeds print:

:func:`regression_table`
    several fitted models side by side: coefficients with significance stars
    and standard errors (or t statistics) in parentheses, the spatial
    parameters, direct / indirect / total effect blocks, fit statistics.
:func:`moran_table`
    global Moran's I per year (I, E[I], z, p), as seed 002's Table 5.
:func:`ccd_table`
    coupling coordination degree D, province × year, provinces grouped by
    region with regional and national means (seed 002 Table 4, seed 003
    Table 4), optionally with first- and last-year coordination grades.

Any other frame — a Dagum decomposition (``DagumResult.table()``), obstacle
degrees, descriptive statistics — becomes a table with :meth:`Table.from_frame`.
All text is HTML-escaped (``markupsafe``) or LaTeX-escaped when rendered.
"""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from ..exceptions import SpatialCCDError
from .._format import latex_escape as _latex_escape, stars
from ..io import write_csv, write_excel
from ..messages import message

__all__ = ["Table", "regression_table", "moran_table", "ccd_table", "stars", "write_tables"]

_NUMERIC_CELL = re.compile(r"^[(\[]?[-+−]?(\d|\.\d)")


def _is_text(cell: str) -> bool:
    """Cells that are words (grades, cluster labels), aligned left; numbers and ``(0.12)`` align right."""
    return bool(cell) and not _NUMERIC_CELL.match(cell)


def _slug(text: str) -> str:
    s = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()
    return s or "table"


@dataclass(frozen=True)
class Table:
    """A titled table with notes, renderable to every output format.

    Parameters
    ----------
    frame : DataFrame
        Flat index, or a two-level ``(block, row)`` index for headed panels.
    name : str
        Short identifier: file stem of the CSV / LaTeX files and Excel sheet name.
    title, notes :
        Caption and footnotes (plain text; escaped when rendered).
    digits : int
        Decimals for float cells when rendered (not for CSV / Excel).
    sheet : str
        Excel sheet name (default ``name``; at most 31 characters, e.g. Chinese in a Chinese report).
    aux_label : str
        In CSV and Excel, the row label given to an unlabelled row under a labelled one (the
        standard-error row of a regression table, e.g. ``"(se)"``), so no row is blank.
    """

    frame: pd.DataFrame
    name: str
    title: str = ""
    notes: tuple[str, ...] = ()
    digits: int = 3
    index_label: str = ""
    sheet: str = ""
    aux_label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError(f"Table {self.name!r}: frame must be a DataFrame, got {type(self.frame).__name__}")
        if self.frame.index.nlevels > 2:
            raise SpatialCCDError(f"Table {self.name!r}: index has {self.frame.index.nlevels} levels; "
                             "use a flat or a two-level (block, row) index")
        if not re.fullmatch(r"[0-9A-Za-z_\-]+", self.name):
            raise SpatialCCDError(f"Table name {self.name!r} must use only letters, digits, '_' and '-'")
        if len(self.sheet) > 31 or re.search(r"[\[\]:*?/\\]", self.sheet):
            raise SpatialCCDError(f"Table sheet name {self.sheet!r} must have at most 31 characters and none of []:*?/\\")

    def head(self, rows: int, *, lang: str = "en") -> Table:
        """The table cut to its first ``rows`` rows with a note naming the files that hold all of it
        (itself when it is no longer); for the HTML report — files always get the whole table."""
        total = len(self.frame)
        if total <= rows:
            return self
        note = message("rows_shown", lang, shown=rows, total=total, name=self.name, sheet=self.sheet or self.name)
        return self.with_(frame=self.frame.iloc[:rows], notes=(*self.notes, note))

    def with_(self, **changes) -> Table:
        """A copy with some fields replaced (title, notes, sheet …)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, name: str, title: str = "", notes: Sequence[str] = (),
                   digits: int = 3, sheet: str = "") -> Table:
        """Wrap any DataFrame (flat or ``(block, row)`` index) as a table."""
        label = "" if frame.index.nlevels > 1 else str(frame.index.name or "")
        return cls(frame=frame, name=name, title=title, notes=tuple(notes), digits=digits, index_label=label,
                   sheet=sheet)

    # -- cells ---------------------------------------------------------------
    def _cell(self, value) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return ""
        if isinstance(value, (float, np.floating)):
            return f"{value:.{self.digits}f}"
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return str(int(value))
        return str(value)

    def _blocks(self) -> list[tuple[str, list[tuple[str, list[str]]]]]:
        """[(block title, [(row label, [cells…]), …]), …] in the frame's order."""
        out: list[tuple[str, list[tuple[str, list[str]]]]] = []
        for key, row in zip(self.frame.index, self.frame.itertuples(index=False)):
            block, label = (key if self.frame.index.nlevels == 2 else ("", key))
            cells = [self._cell(v) for v in row]
            if not out or out[-1][0] != str(block):
                out.append((str(block), []))
            out[-1][1].append((self._cell(label), cells))
        return out

    @property
    def columns(self) -> list[str]:
        return [self._cell(c) for c in self.frame.columns]

    def _text_columns(self) -> list[bool]:
        """Columns whose non-empty cells are all words: their header aligns left like the cells."""
        rows = [cells for _, block in self._blocks() for _, cells in block]
        return [bool(col) and all(_is_text(c) for c in col)
                for col in ([c for c in column if c] for column in zip(*rows))] if rows else []

    # -- renderers -----------------------------------------------------------
    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown; block titles as bold rows, notes below."""
        def line(cells):
            return "| " + " | ".join(c.replace("|", r"\|") for c in cells) + " |"

        lines = [f"**{self.title}**", ""] if self.title else []
        lines += [line([self.index_label, *self.columns]),
                  "|" + "|".join([":---"] + ["---:"] * len(self.columns)) + "|"]
        for block, rows in self._blocks():
            if block:
                lines.append(line([f"**{block}**"] + [""] * len(self.columns)))
            lines += [line([label, *cells]) for label, cells in rows]
        lines += [""] + [f"_{n}_" for n in self.notes] if self.notes else []
        return "\n".join(lines) + "\n"

    def to_html(self) -> Markup:
        """An HTML ``<table>`` (every label and cell escaped) with caption, block rows and notes."""
        ncol = len(self.columns) + 1
        parts = [Markup('<table class="sccd-table" id="tbl-{}">').format(self.name)]
        if self.title:
            parts.append(Markup("<caption>{}</caption>").format(self.title))
        text_columns = self._text_columns()
        parts.append(Markup("<thead><tr><th>{}</th>").format(self.index_label)
                     + Markup("").join(Markup('<th class="txt">{}</th>' if t else "<th>{}</th>").format(c)
                                       for c, t in zip(self.columns, text_columns))
                     + Markup("</tr></thead><tbody>"))
        for block, rows in self._blocks():
            if block:
                parts.append(Markup('<tr class="block"><th colspan="{}">{}</th></tr>').format(ncol, block))
            for label, cells in rows:
                parts.append(Markup("<tr><th>{}</th>").format(label)
                             + Markup("").join(Markup('<td class="txt">{}</td>' if _is_text(c) else "<td>{}</td>")
                                               .format(c) for c in cells)
                             + Markup("</tr>"))
        parts.append(Markup("</tbody>"))
        if self.notes:
            parts.append(Markup('<tfoot><tr><td colspan="{}">{}</td></tr></tfoot>').format(
                ncol, Markup("<br>").join(escape(n) for n in self.notes)))
        parts.append(Markup("</table>"))
        return Markup("").join(parts)

    def _repr_html_(self) -> str:
        return str(self.to_html())

    def to_latex(self) -> str:
        """A ``table`` float with a booktabs ``tabular``; needs ``\\usepackage{booktabs}``."""
        ncol = len(self.columns)
        esc = _latex_escape
        lines = [r"\begin{table}[htbp]", r"\centering"]
        if self.title:
            lines.append(rf"\caption{{{esc(self.title)}}}")
        lines += [rf"\label{{tab:{self.name}}}", rf"\begin{{tabular}}{{l{'r' * ncol}}}", r"\toprule",
                  " & ".join([esc(self.index_label), *map(esc, self.columns)]) + r" \\", r"\midrule"]
        for i, (block, rows) in enumerate(self._blocks()):
            if block:
                if i:
                    lines.append(r"\midrule")
                lines.append(rf"\multicolumn{{{ncol + 1}}}{{l}}{{\textit{{{esc(block)}}}}} \\")
            lines += [" & ".join([esc(label), *map(esc, cells)]) + r" \\" for label, cells in rows]
        lines += [r"\bottomrule", r"\end{tabular}"]
        if self.notes:
            lines += [r"\par\smallskip", r"\footnotesize " + r" \\ ".join(esc(n) for n in self.notes)]
        lines.append(r"\end{table}")
        return "\n".join(lines) + "\n"

    def flat(self) -> pd.DataFrame:
        """The frame with the index as ordinary columns (for CSV and Excel); unlabelled rows under a
        labelled one get ``"<label> <aux_label>"`` so that no row of a spreadsheet is blank."""
        names = ["block", "row"] if self.frame.index.nlevels == 2 else [self.index_label or "row"]
        used = set(map(str, self.frame.columns))
        names = [n if n not in used else f"{n}_" for n in names]
        out = self.frame.rename_axis(names).reset_index()
        if self.aux_label and self.frame.index.nlevels == 2:
            labels, previous = [], ""
            for label in out[names[1]].astype(str):
                labels.append(f"{previous} {self.aux_label}" if not label and previous else label)
                previous = label or previous
            out[names[1]] = labels
        return out

    def to_csv(self, path: str | PathLike) -> Path:
        """Write the table (full precision) as CSV, atomically."""
        return write_csv(self.flat(), path, index=False)

    def to_excel(self, path: str | PathLike) -> Path:
        """Write the table as a one-sheet workbook, atomically (see :func:`write_tables` for many)."""
        return write_excel({self.name: self.flat()}, path, index=False)


def write_tables(tables: Sequence[Table], path: str | PathLike) -> Path:
    """Write several tables into one workbook, one sheet per table (named by ``Table.name``)."""
    names = [t.name for t in tables]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SpatialCCDError(f"duplicated table names: {dup}")
    sheets = [t.sheet or t.name for t in tables]
    dup = sorted({n for n in sheets if sheets.count(n) > 1})
    if dup:
        raise SpatialCCDError(f"duplicated sheet names: {dup}")
    return write_excel({t.sheet or t.name: t.flat() for t in tables}, path, index=False)


# -- regression tables ---------------------------------------------------------

_FIT_STATS: tuple[tuple[str, str, str], ...] = (
    # attribute, message key of the label, format
    ("llf", "fit_llf", "{:.3f}"),
    ("r2_within", "fit_r2", "{:.4f}"),
    ("sigma2", "fit_sigma2", "{:.4f}"),
    ("nobs", "fit_nobs", "{:d}"),
)
_EFFECTS = (("direct", "b_direct"), ("indirect", "b_indirect"), ("total", "b_total"))


def _coef_cells(est: float, se: float, p: float, *, digits: int) -> tuple[str, str]:
    if est is None or not np.isfinite(est):
        return "", ""
    inner = f"({se:.{digits}f})" if se is not None and np.isfinite(se) else ""
    return f"{est:.{digits}f}{stars(p)}", inner


def regression_table(models: Mapping[str, object] | Sequence[object], *, name: str = "regression",
                     title: str = "", statistic: str = "se", digits: int = 3,
                     spatial: Sequence[str] = ("rho", "lambda"),
                     impacts: Mapping[str, object] | None = None,
                     extra_rows: Mapping[str, Sequence[str]] | None = None,
                     labels: Mapping[str, str] | None = None, lang: str = "en") -> Table:
    """Models side by side in the esttab / ``etable`` layout.

    Parameters
    ----------
    models :
        Fitted results by column title (a sequence is titled ``(1)``, ``(2)``, …).
        Each needs ``params``, ``pvalues`` and ``bse`` (``statistic="se"``) or
        ``tvalues`` (``statistic="t"``), all Series indexed by term; optional
        fit attributes ``llf``, ``r2_within``, ``sigma2``, ``nobs`` fill the
        fit block.
    spatial :
        Terms shown in the *Spatial parameters* block (ρ of SAR/SDM, λ of SEM);
        terms named ``W_<x>`` form the *W × regressors* block, the rest the
        *Coefficients* block.
    impacts :
        Per model title, the :class:`~spatialccd.models.Impacts` of ``results.impacts()``;
        adds the three effect blocks.
    extra_rows :
        Rows appended verbatim, e.g. ``{"Fixed effects": ["two-way", "two-way"]}``.
    labels :
        Display names for terms (``{"lngdp": "ln GDP per capita"}``).
    lang :
        Language of the block titles, fit labels and notes (``"en"`` or ``"zh"``).

    Cells read ``0.123***`` with ``(0.045)`` beneath; stars from the model's
    p-values (:data:`spatialccd._format.STAR_LEVELS`).  The notes state what is in parentheses.
    """
    if statistic not in ("se", "t"):
        raise SpatialCCDError(f"statistic must be 'se' or 't', got {statistic!r}")
    if not isinstance(models, Mapping):
        models = {f"({i + 1})": m for i, m in enumerate(models)}
    if not models:
        raise SpatialCCDError("regression_table: no models")
    titles = list(models)
    labels = dict(labels or {})
    impacts = dict(impacts or {})
    unknown = [k for k in impacts if k not in models]
    if unknown:
        raise SpatialCCDError(f"impacts given for unknown model(s) {unknown}; models are {titles}")
    spatial = tuple(spatial)
    aux = "bse" if statistic == "se" else "tvalues"
    for model_title, m in models.items():
        missing = [a for a in ("params", "pvalues", aux) if not hasattr(m, a)]
        if missing:
            raise TypeError(f"model {model_title!r} lacks {missing}")

    terms: list[str] = []
    for m in models.values():
        terms += [t for t in m.params.index if t not in terms and t != "sigma2"]

    def msg(key: str) -> str:
        return message(key, lang)

    def block_of(term: str) -> str:
        if term in spatial:
            return msg("b_spatial")
        return msg("b_wx") if term.startswith("W_") else msg("b_coef")

    def label_of(term: str) -> str:
        if term.startswith("W_") and term not in labels:
            return "W × " + labels.get(term[2:], term[2:])
        return labels.get(term, {"rho": "ρ", "lambda": "λ"}.get(term, term))

    rows: list[tuple[tuple[str, str], list[str]]] = []
    for block in (msg("b_coef"), msg("b_wx"), msg("b_spatial")):
        for term in (t for t in terms if block_of(t) == block):
            est_row, aux_row = [], []
            for m in models.values():
                if term in m.params.index:
                    e, a = _coef_cells(float(m.params[term]), float(getattr(m, aux)[term]),
                                       float(m.pvalues[term]), digits=digits)
                else:
                    e, a = "", ""
                est_row.append(e)
                aux_row.append(a)
            rows += [((block, label_of(term)), est_row), ((block, ""), aux_row)]

    for key, block_key in _EFFECTS:
        block = msg(block_key)
        regs: list[str] = []
        for imp in impacts.values():
            regs += [r for r in imp.names if r not in regs]
        for reg in regs:
            est_row, aux_row = [], []
            for column in titles:
                imp = impacts.get(column)
                if imp is None or reg not in imp.names:
                    est_row.append("")
                    aux_row.append("")
                    continue
                eff = imp.effect(key)
                est, se, p = (float(eff.at[reg, c]) for c in ("estimate", "se", "pvalue"))
                e, a = _coef_cells(est, se if statistic == "se" else est / se, p, digits=digits)
                est_row.append(e)
                aux_row.append(a)
            rows += [((block, labels.get(reg, reg)), est_row), ((block, ""), aux_row)]

    fit_rows = []
    for attr, label, fmt in _FIT_STATS:
        values = [getattr(m, attr, None) for m in models.values()]
        if all(v is None for v in values):
            continue
        cells = ["" if v is None or (isinstance(v, float) and not np.isfinite(v))
                 else fmt.format(int(v) if fmt == "{:d}" else float(v)) for v in values]
        fit_rows.append(((msg("b_fit"), msg(label)), cells))
    for label, cells in (extra_rows or {}).items():
        cells = list(cells)
        if len(cells) != len(titles):
            raise SpatialCCDError(f"extra_rows[{label!r}] has {len(cells)} cells for {len(titles)} models")
        fit_rows.append(((msg("b_fit"), label), [str(c) for c in cells]))
    rows += fit_rows

    frame = pd.DataFrame([cells for _, cells in rows], columns=titles,
                         index=pd.MultiIndex.from_tuples([k for k, _ in rows]))
    notes = (msg("n_se" if statistic == "se" else "n_t") + " " + msg("star_note"),)
    if impacts:
        notes += (msg("n_effects"),)
    return Table(frame=frame, name=name, title=title, notes=notes, digits=digits,
                 aux_label=msg("aux_se" if statistic == "se" else "aux_t"))


# -- seed layouts --------------------------------------------------------------

def moran_table(moran: pd.DataFrame, *, name: str = "moran", title: str = "Global Moran's I by year",
                p: str = "p_perm_two_sided", digits: int = 4, lang: str = "en") -> Table:
    """Seed 002's Table 5 layout from the frame of ``moran_by_year``: one row per year.

    Columns I, E(I), z (randomisation), p (the column named by ``p``, by default the
    two-sided permutation p-value; falls back to ``p_rand_two_sided`` when the
    frame has no permutation results) and stars.
    """
    need = ["I", "E_I", "z_rand"]
    missing = [c for c in need if c not in moran.columns]
    if missing:
        raise SpatialCCDError(f"moran_table: columns {missing} not found; columns are {list(moran.columns)}")
    pcol = p if p in moran.columns else "p_rand_two_sided"
    if pcol not in moran.columns:
        raise SpatialCCDError(f"moran_table: p-value column {p!r} not found; columns are {list(moran.columns)}")
    out = pd.DataFrame({"Moran's I": moran["I"], "E(I)": moran["E_I"], "z": moran["z_rand"],
                        "p": moran[pcol], "": [stars(v) for v in moran[pcol]]}, index=moran.index)
    out.index.name = message("year", lang)
    kind = message("permutation" if pcol.startswith("p_perm") else "randomisation", lang)
    sided = message("two_sided" if pcol.endswith("two_sided") else "one_sided", lang)
    notes = (message("n_moran", lang, sided=sided, kind=kind) + " " + message("star_note", lang),)
    return Table.from_frame(out, name=name, title=title, notes=notes, digits=digits)


def ccd_table(data: pd.DataFrame, *, value: str = "D", grade: str | None = None,
              unit: str = "province", time: str = "year", names: str = "en",
              name: str = "ccd", title: str = "Coupling coordination degree D by province and year",
              digits: int = 3, lang: str = "en") -> Table:
    """Province × year table of ``value`` with regional and national means.

    Provinces are grouped in blocks by NBS region (East, Central, West,
    Northeast), each block closed by its mean row, then the national mean.
    ``names`` labels provinces by ``"en"`` name, ``"zh"`` short Chinese name or
    ``"code"``.  With ``grade`` (a column of coordination grades) two columns
    show the grade in the first and the last year.  ``lang`` is the language of the
    region names, mean rows, headers and note.
    """
    from ..geo import REGION4, province_table

    if names not in ("en", "zh", "code"):
        raise SpatialCCDError(f"names must be 'en', 'zh' or 'code', got {names!r}")
    cols = [unit, time, value] + ([grade] if grade else [])
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise SpatialCCDError(f"ccd_table: column(s) {missing} not found; columns are {list(data.columns)}")
    table = province_table()
    frame = data[cols].set_index([time, unit]).sort_index()
    if frame.index.duplicated().any():
        raise SpatialCCDError(f"ccd_table: duplicated ({unit}, {time}) rows")
    if not frame.index.get_level_values(unit).isin(table.index).all():
        raise SpatialCCDError(f"ccd_table: the units in {unit!r} are not provinces (use Table.from_frame for other units)")
    wide = frame[value].unstack(time)
    if wide.isna().any().any():
        raise SpatialCCDError(f"ccd_table: {value!r} is missing for some ({unit}, {time}) cells")
    first, last = wide.columns[0], wide.columns[-1]
    label = {"en": table["name_en"], "zh": table["short_zh"], "code": table.index.to_series()}[names]
    regions = table.loc[wide.index, "region4"]
    zh = lang == "zh"
    mean_word = "均值" if zh else "mean"
    rows, index = [], []
    for region in REGION4:
        members = wide.index[regions == region]
        if not len(members):
            continue
        for code in members:
            row = wide.loc[code].tolist()
            if grade:
                g = frame[grade]
                row += [g.loc[(first, code)], g.loc[(last, code)]]
            rows.append(row)
            index.append((region, label[code]))
        rows.append(wide.loc[members].mean().tolist() + (["", ""] if grade else []))
        shown = message(f"region_{region}", lang) if zh else region
        index[-len(members):] = [(shown, lab) for _, lab in index[-len(members):]]
        index.append((shown, f"{shown}{mean_word}" if zh else f"{region} {mean_word}"))
    rows.append(wide.mean().tolist() + (["", ""] if grade else []))
    national = len(wide) == len(table)   # all 31 provinces: the mean is the national one
    if zh:
        index.append(("全国" if national else "合计", "全国均值" if national else f"{len(wide)} 个省份均值"))
    else:
        index.append(("National" if national else "All", "National mean" if national else
                      f"Mean of the {len(wide)} provinces"))
    columns = [str(t) for t in wide.columns] + ([message("grade_in", lang, year=first),
                                                 message("grade_in", lang, year=last)] if grade else [])
    frame = pd.DataFrame(rows, columns=columns, index=pd.MultiIndex.from_tuples(index))
    return Table(frame=frame, name=name, title=title, digits=digits, notes=(message("n_ccd", lang),))
