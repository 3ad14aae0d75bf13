"""Reporting: publication tables (:mod:`.tables`), the specification-test recommendation in words
(:mod:`.recommendation`), the message catalogue (:mod:`.messages`), report sections built from
result objects (:mod:`.sections`) and the self-contained HTML study report (:mod:`.html`)."""
from .html import Figure, Section, render_report, write_report
from .recommendation import recommendation
from .tables import Table, ccd_table, moran_table, regression_table, stars, write_tables

__all__ = ["Table", "regression_table", "moran_table", "ccd_table", "stars", "write_tables",
           "Figure", "Section", "render_report", "write_report", "recommendation"]
