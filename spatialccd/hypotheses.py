"""One type for every test statistic the package reports, and one for a test that cannot be computed.

:class:`TestStatistic` carries the statistic, its degrees of freedom, the
p-value, the null hypothesis and the reference distribution (after
``linearmodels.shared.hypotheses.WaldTestStatistic``).  LM, Wald, LR, Hausman
and Moran tests all return it.  A test that cannot be computed (a Hausman
difference with no positive eigenvalue, a Moran's I of a constant variable) is
an :class:`InvalidTest` carrying the reason — never a row of NaNs without a word.

    >>> t = TestStatistic.chi2("LR", "theta = 0", 12.3, 4)
    >>> round(t.pvalue, 4)
    0.0153
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from typing import Literal

from scipy import stats

from .exceptions import SpatialCCDDeprecationWarning

__all__ = ["TestStatistic", "InvalidTest", "Distribution"]

Distribution = Literal["chi2", "normal", "F", "t", "permutation"]


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"'{old}' is deprecated and will be removed in the next release; use '{new}'",
                  SpatialCCDDeprecationWarning, stacklevel=3)


@dataclass(frozen=True)
class TestStatistic:
    """A computed test: ``stat`` with ``df`` under ``dist``, upper-tail or two-sided ``pvalue``.

    ``dist`` is ``"chi2"`` (df = degrees of freedom), ``"normal"`` (df = NaN,
    two-sided p-value), ``"F"`` (df numerator, ``df_denom`` denominator), ``"t"``
    or ``"permutation"`` (pseudo p-value (1 + #{|I*| ≥ |I|})/(1 + permutations)).
    """

    __test__ = False  # not a pytest test class

    name: str
    null: str
    stat: float
    df: float
    pvalue: float
    dist: Distribution = "chi2"
    note: str = ""
    df_denom: float = math.nan

    valid = True

    @classmethod
    def chi2(cls, name: str, null: str, stat: float, df: float, note: str = "") -> TestStatistic:
        """Upper-tail χ²(df) test."""
        return cls(name, null, float(stat), float(df), float(stats.chi2.sf(stat, df)), "chi2", note)

    @classmethod
    def normal(cls, name: str, null: str, z: float, note: str = "") -> TestStatistic:
        """Two-sided standard normal test of a z statistic."""
        return cls(name, null, float(z), math.nan, float(2 * stats.norm.sf(abs(z))), "normal", note)

    @classmethod
    def f(cls, name: str, null: str, stat: float, df: float, df_denom: float, note: str = "") -> TestStatistic:
        """Upper-tail F(df, df_denom) test."""
        return cls(name, null, float(stat), float(df), float(stats.f.sf(stat, df, df_denom)), "F", note,
                   float(df_denom))

    def renamed(self, name: str) -> TestStatistic:
        """The same test under another name."""
        return replace(self, name=name)

    def rejects(self, alpha: float = 0.05) -> bool:
        """True when the null is rejected at level ``alpha``."""
        return self.pvalue < alpha

    @property
    def statistic(self) -> float:
        """Deprecated alias of :attr:`stat`."""
        _deprecated("statistic", "stat")
        return self.stat

    @property
    def p_value(self) -> float:
        """Deprecated alias of :attr:`pvalue`."""
        _deprecated("p_value", "pvalue")
        return self.pvalue

    def _df_text(self) -> str:
        if self.dist == "F":
            return f"F({self.df:g}, {self.df_denom:g})"
        if self.dist == "chi2":
            return f"chi2({self.df:g})"
        return {"normal": "N(0, 1)", "t": f"t({self.df:g})", "permutation": "permutation"}[self.dist]

    def __str__(self) -> str:
        note = f"\n  note: {self.note}" if self.note else ""
        return (f"{self.name}\n  H0: {self.null}\n  statistic: {self.stat:.4f}\n  p-value: {self.pvalue:.4f}\n"
                f"  distribution: {self._df_text()}{note}")

    def _repr_html_(self) -> str:
        from ._format import html_escape

        return "<pre>" + html_escape(str(self)) + "</pre>"


@dataclass(frozen=True)
class InvalidTest:
    """A test that could not be computed, with the ``reason``; ``stat``, ``pvalue`` and ``df`` are NaN."""

    __test__ = False

    name: str
    null: str
    reason: str
    dist: Distribution = "chi2"

    valid = False
    stat = math.nan
    pvalue = math.nan
    df = math.nan
    df_denom = math.nan

    @property
    def note(self) -> str:
        return self.reason

    def renamed(self, name: str) -> InvalidTest:
        return replace(self, name=name)

    def rejects(self, alpha: float = 0.05) -> bool:
        return False

    def __str__(self) -> str:
        return f"{self.name}\n  H0: {self.null}\n  not computed: {self.reason}"

    def _repr_html_(self) -> str:
        from ._format import html_escape

        return "<pre>" + html_escape(str(self)) + "</pre>"
