"""The study report: one self-contained HTML file rendered with jinja2 (autoescape on).

Everything a reader needs is inside the file: tables as HTML, figures as
base64-embedded PNG, a table of contents, the settings used, the package
version, the data notice (simulated demo data) and the map disclaimer
(:data:`spatialccd.geo.MAP_DISCLAIMER`, in the report's language).  Every user-supplied string — titles,
province and column names, settings — is escaped by jinja2's autoescape; only
:class:`~spatialccd.report.tables.Table` HTML, which escapes its own cells,
is inserted as markup.
"""
from __future__ import annotations

import base64
import datetime as _dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path

import jinja2

from ..exceptions import SpatialCCDError
from .._version import __version__
from ..io import write_text
from ..messages import message
from .tables import Table

__all__ = ["Figure", "Section", "render_report", "write_report"]


@dataclass(frozen=True)
class Figure:
    """A rendered figure: PNG bytes (embedded in the report) and SVG text (written beside it)."""

    name: str
    title: str
    png: bytes
    svg: str
    caption: str = ""

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9A-Za-z_\-]+", self.name):
            raise SpatialCCDError(f"Figure name {self.name!r} must use only letters, digits, '_' and '-'")

    @classmethod
    def from_matplotlib(cls, fig, *, name: str, title: str, caption: str = "", dpi: int = 150) -> Figure:
        """Render a matplotlib figure to PNG and SVG, then close it.

        Both are cut to the figure's tight bounding box plus 0.1 inch (what ``bbox_inches="tight"`` does),
        computed once for the two: the layout pass behind it costs as much as drawing a large figure.  The
        SVG carries no date, so a rerun of a study writes the same files (and the same manifest hashes).
        """
        import matplotlib.pyplot as plt

        png, svg = io.BytesIO(), io.StringIO()
        try:
            box = fig.get_tightbbox().padded(0.1)
            fig.savefig(png, format="png", dpi=dpi, bbox_inches=box)
            with plt.rc_context({"svg.hashsalt": "spatialccd"}):   # fixed element ids and no date: reruns, same file
                fig.savefig(svg, format="svg", bbox_inches=box, metadata={"Date": None})
        finally:
            plt.close(fig)
        return cls(name=name, title=title, png=png.getvalue(), svg=svg.getvalue(), caption=caption)

    @property
    def data_uri(self) -> str:
        """``data:image/png;base64,…`` for embedding."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Section:
    """One report section: an anchor id, a heading, paragraphs, tables and figures."""

    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][0-9A-Za-z_\-]*", self.id):
            raise SpatialCCDError(f"Section id {self.id!r} must start with a letter and use letters, digits, '_' or '-'")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("spatialccd", "report/templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


#: tables longer than this are cut in the HTML report (a county study's 2,850 × 15 CCD table would make
#: a page of tens of megabytes); a note names the CSV file and workbook sheet that hold every row.
REPORT_ROWS = 500


def render_report(*, title: str, sections: Sequence[Section], settings: str, simulated_note: str | None = None,
                  log: Sequence[str] = (), generated: _dt.datetime | None = None, lang: str = "en",
                  max_rows: int = REPORT_ROWS) -> str:
    """The report as an HTML string.

    ``settings`` is the study specification as text (shown verbatim, escaped);
    ``simulated_note`` (the data's notice, e.g. ``spatialccd.datasets.SIMULATED_NOTE``)
    is shown at the top and in the footer; ``log`` lists the steps run; ``lang``
    is the language of the page furniture; tables longer than ``max_rows`` show their
    first ``max_rows`` rows and a note naming the files with all of them (:meth:`Table.head`).
    """
    if not (isinstance(max_rows, int) and max_rows >= 1):
        raise SpatialCCDError(f"max_rows must be a positive integer, got {max_rows!r}")
    sections = [replace(s, tables=tuple(t.head(max_rows, lang=lang) for t in s.tables))
                for s in sections]
    ids = [s.id for s in sections]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise SpatialCCDError(f"duplicated section ids: {dup}")
    stamp = (generated or _dt.datetime.now(_dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    words = {k: message(k, lang) for k in ("s_settings", "s_log", "s_contents", "figure_index", "simulated_data",
                                            "maps")}
    words["generated_by"] = message("generated_by", lang, version=__version__, stamp=stamp)
    return _environment().get_template("report.html").render(
        title=title, sections=list(sections), settings=settings, simulated=simulated_note is not None,
        simulated_note=simulated_note or "", map_disclaimer=message("map_disclaimer", lang), version=__version__,
        generated=stamp, log=list(log), lang=lang, words=words)


def write_report(path: str | PathLike, **kwargs) -> Path:
    """Render with :func:`render_report` (same keyword arguments) and write atomically."""
    return write_text(Path(path), render_report(**kwargs))
