"""Reading a study report in the tests: its sections, their visible text, and the English words in it.

One parser for every test that inspects ``report.html``: section ids in document order, the visible
text of each section, and the visible text of the page without the settings (TOML, ``<pre>``), the
styles and the run log — what a reader of a Chinese report sees.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

#: words of three or more Latin letters (apostrophes and hyphens inside a word)
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{2,}")

#: proper names and code names allowed in a Chinese report
PROPER = {"spatialccd", "SDM", "SAR", "SEM", "SDEM", "SLX", "LM-lag", "LM-error", "LISA", "Dagum", "Moran's", "Moran",
          "Wald", "Hausman", "Queen", "Silverman", "LeSage", "Pace", "Gini", "CRITIC", "Fan", "Wang", "Lee-Yu",
          "lee-yu", "elhorst", "Elhorst", "echarts", "Apache-", "UTC", "SIMULATED", "splm", "rho", "lambda", "theta",
          "beta", "datasets", "make", "demo", "load", "truth", "Z-score"}


class ReportText(HTMLParser):
    """``sections`` (ids in order), ``by_section`` (id → visible text pieces) and ``text`` (the page's visible
    text outside ``<pre>``, ``<style>`` and the run log)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.by_section: dict[str, list[str]] = {}
        self.text: list[str] = []
        self._current: str | None = None
        self._hidden = 0      # inside <pre>/<style>: in no text
        self._log = 0         # inside the run log: in its section's text only

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "id" in a:
            self._current = a["id"]
            self.sections.append(self._current)
            self.by_section[self._current] = []
        void = tag in ("meta", "img", "br")
        if self._hidden or tag in ("pre", "style"):
            self._hidden += not void
        if self._log or a.get("id") == "run-log":
            self._log += not void

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
        if self._log:
            self._log -= 1
        if tag == "section":
            self._current = None

    def handle_data(self, data):
        if self._hidden:
            return
        if self._current is not None:
            self.by_section[self._current].append(data)
        if not self._log:
            self.text.append(data)


def read_report(path) -> ReportText:
    """Parse a report file."""
    parser = ReportText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The distinct Latin words of ``text`` not in ``allowed``, sorted."""
    return sorted({w for w in WORD.findall(text) if w not in allowed})
