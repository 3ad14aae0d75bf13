"""Formatting shared by every output: significance stars, LaTeX and HTML escaping, numbers, spreadsheet cells.

One place, so that a summary, a publication table and a report section print a
p-value, a star and an escaped name the same way.
"""
from __future__ import annotations

import math
import re

from markupsafe import escape

__all__ = ["STAR_LEVELS", "STAR_NOTE", "stars", "latex_escape", "html_escape", "format_number", "format_p",
           "neutralise_cell"]

#: p-value thresholds of the significance stars (Stata/esttab convention).
STAR_LEVELS: tuple[tuple[float, str], ...] = ((0.01, "***"), (0.05, "**"), (0.10, "*"))
STAR_NOTE = "* p < 0.10, ** p < 0.05, *** p < 0.01"

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))


def stars(p) -> str:
    """Significance stars for a p-value: ``***`` p < 0.01, ``**`` p < 0.05, ``*`` p < 0.10; ``""`` for NaN/None."""
    if p is None:
        return ""
    try:
        p = float(p)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(p):
        return ""
    return next((s for level, s in STAR_LEVELS if p < level), "")


def latex_escape(text) -> str:
    """Escape LaTeX's special characters in one pass (so ``a\\b`` becomes ``a\\textbackslash{}b``)."""
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], str(text))


def html_escape(text) -> str:
    """HTML-escape a user string (``markupsafe.escape``), returned as ``str``."""
    return str(escape(str(text)))


def format_number(value, digits: int = 3) -> str:
    """A float with ``digits`` decimals, integers as integers, NaN/None as an empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "" if math.isnan(v) else ("∞" if v > 0 else "−∞")
    return f"{v:.{digits}f}"


def format_p(p, digits: int = 3) -> str:
    """A p-value for prose: ``p < 0.001`` below the printed precision, else ``p = 0.042``."""
    if p is None or not math.isfinite(float(p)):
        return "p = n/a"
    floor = 10.0 ** -digits
    return f"p < {floor:.{digits}f}" if float(p) < floor else f"p = {float(p):.{digits}f}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A spreadsheet/CSV cell that cannot be run as a formula (OWASP CSV injection advice).

    Strings beginning with ``= + - @``, a tab or a carriage return get a leading
    apostrophe; numbers and other values are returned unchanged.  Negative
    numbers written as strings by the package itself (``"-0.123"``) are numbers
    and are left alone.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value.replace("−", "-"))
            return value
        except ValueError:
            return "'" + value
    return value
