"""Plain-text, HTML and LaTeX rendering of a results summary (statsmodels-style ``Summary``).

Every result object of the package returns a :class:`Summary` from ``summary()``;
:class:`SummaryMixin` gives it ``__str__``, ``_repr_html_`` and ``to_latex``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ._format import latex_escape as _latex_escape


@dataclass(frozen=True)
class Summary:
    """A title, a list of (label, value) facts and one or more labelled tables."""

    title: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[tuple[str, pd.DataFrame], ...]
    notes: tuple[str, ...] = ()

    def as_text(self) -> str:
        width = 78
        lines = [self.title.center(width), "=" * width]
        half = (len(self.facts) + 1) // 2
        left, right = self.facts[:half], self.facts[half:]
        for i in range(half):
            a = f"{left[i][0] + ':':<20}{left[i][1]:>17}"
            b = f"{right[i][0] + ':':<20}{right[i][1]:>17}" if i < len(right) else ""
            lines.append(f"{a}   {b}".rstrip())
        for caption, table in self.tables:
            lines += ["=" * width, caption, "-" * width,
                      table.to_string(float_format=lambda v: f"{v:.4f}")]
        lines.append("=" * width)
        lines += list(self.notes)
        return "\n".join(lines)

    def as_html(self) -> str:
        esc = html.escape
        facts = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in self.facts)
        parts = [f"<div class='spatialccd-summary'><h4>{esc(self.title)}</h4>",
                 f"<table class='facts'>{facts}</table>"]
        for caption, table in self.tables:
            parts.append(f"<h5>{esc(caption)}</h5>")
            parts.append(table.to_html(float_format=lambda v: f"{v:.4f}", escape=True, border=0))
        parts += [f"<p><small>{esc(n)}</small></p>" for n in self.notes]
        parts.append("</div>")
        return "".join(parts)

    def as_latex(self) -> str:
        out = [f"% {_latex_escape(self.title)}"]
        for k, v in self.facts:
            out.append(f"% {_latex_escape(k)}: {_latex_escape(v)}")
        for caption, table in self.tables:
            t = table.copy()
            t.index = [_latex_escape(str(i)) for i in t.index]
            t.columns = [_latex_escape(str(c)) for c in t.columns]
            body = t.to_latex(float_format=lambda v: f"{v:.4f}", escape=False)
            out.append(f"% {_latex_escape(caption)}\n{body}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


__all__ = ["Summary", "SummaryMixin"]


class SummaryMixin:
    """Text, HTML and LaTeX display for a class that defines ``summary() -> Summary``."""

    def to_latex(self) -> str:
        return self.summary().as_latex()

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def __str__(self) -> str:
        return self.summary().as_text()
