"""Derived variables from expressions in the fixed grammar of :mod:`spatialccd.grammar` (never ``eval``).

    derive(df, {"gdp_pc": "gdp / pop * 1e4", "ln_co2": "log(co2)", "g": "growth(gdp)"})

Arithmetic is element-wise on the rows of the frame.  The panel functions use
the unit and time columns; "period" means a position on the panel's time axis
(the sorted distinct values of the time column), so with yearly data
``lag(x)`` is last year's value and a year absent for a unit gives a missing
value, never the value of another year:

* ``lag(x, k)`` — x of the same unit k periods earlier (k = 1 by default);
  missing in the first k periods.
* ``growth(x, k)`` — x_t / x_{t−k} − 1 in the same unit (a fraction, not %).
* ``share(x)`` — x_it / Σ_j x_jt, the unit's share of the total over all units
  of the frame in the same period (missing for a period with a missing x).

Missing inputs give missing results (they are left to the missing-value
policies of :func:`spatialccd.io.prepare`).  A value outside a function's
domain — ``log`` or ``log10`` of zero or a negative number, ``sqrt`` of a
negative number, a division by zero, a growth rate from zero, a power or
exponential that overflows — raises :class:`~spatialccd.exceptions.DataError`
naming the derived column, the expression and the cells.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..exceptions import DataError, ExpressionError
from ..grammar import Binary, Call, Expression, Name, Number, Unary, parse

__all__ = ["derive", "parse_derivations", "PanelAxis"]


def parse_derivations(expressions: Mapping[str, str], columns, *, where: str = "derive") -> dict[str, Expression]:
    """Parse every expression and check every name (earlier derived names count) before anything runs."""
    if not isinstance(expressions, Mapping):
        raise ExpressionError(f"{where}: expected a mapping of new column → expression, got "
                              f"{type(expressions).__name__}")
    known = [str(c) for c in columns]
    parsed = {}
    for name, text in expressions.items():
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("__"):
            raise ExpressionError(f"{where}: the new column name {name!r} must be an identifier (letters, digits, "
                                  "underscores; Chinese characters are fine) not beginning with '__'")
        if name in known:
            raise ExpressionError(f"{where}: {name!r} is already a column; choose another name for the derived "
                                  "variable")
        parsed[name] = parse(text, columns=known, what=f"{where} {name} =")
        known.append(name)
    return parsed


def _plain(value):
    """numpy scalar → Python scalar, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


class PanelAxis:
    """Row positions of a long frame on its panel axes: each row's unit and period (position in sorted times).

    :meth:`previous` gives, for every row, the row of the same unit k periods
    earlier (−1 where there is none), the lookup behind ``lag``, ``growth``
    and the year-on-year checks of the quality screen.
    """

    def __init__(self, frame: pd.DataFrame, unit: str, time: str) -> None:
        times = frame[time]
        self.units = frame[unit].to_numpy()
        self.period = pd.Index(sorted(times.dropna().unique())).get_indexer(times)
        self.keys = pd.MultiIndex.from_arrays([self.units, self.period])
        if not self.keys.is_unique:
            dup = frame.loc[self.keys.duplicated(keep=False), [unit, time]].drop_duplicates()
            raise DataError(f"duplicated ({unit}, {time}) rows: {dup.to_numpy().tolist()[:10]}")

    def previous(self, k: int = 1) -> np.ndarray:
        """Row index of the same unit k periods earlier, −1 where that row is absent."""
        return self.keys.get_indexer(pd.MultiIndex.from_arrays([self.units, self.period - k]))


class _Evaluator:
    """Evaluate a syntax tree over the rows of a frame, with the panel lookups lag/growth/share need."""

    def __init__(self, frame: pd.DataFrame, unit: str, time: str) -> None:
        self.frame, self.unit, self.time = frame, unit, time
        self.axis = PanelAxis(frame, unit, time)
        self.columns: dict[str, np.ndarray] = {}
        self.name = self.text = ""

    def run(self, name: str, expression: Expression) -> np.ndarray:
        self.name, self.text = name, expression.text
        with np.errstate(all="ignore"):
            return self.eval(expression.tree)

    def column(self, name: str) -> np.ndarray:
        if name not in self.columns:
            values = self.frame[name]
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                raise DataError(f"derived column {self.name!r} = {self.text!r}: column {name!r} is not numeric "
                                f"(dtype {values.dtype})")
            self.columns[name] = values.to_numpy(dtype=float)
        return self.columns[name]

    def bad(self, mask: np.ndarray, what: str, values: np.ndarray) -> None:
        """Raise naming the cells where ``mask`` holds (a domain error)."""
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        cells = [(_plain(self.frame[self.unit].iat[i]), _plain(self.frame[self.time].iat[i]), float(values[i]))
                 for i in rows[:10]]
        more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
        raise DataError(f"derived column {self.name!r} = {self.text!r}: {what} at ({self.unit}, {self.time}, value) "
                        f"{cells}{more}")

    def eval(self, node) -> np.ndarray:
        if isinstance(node, Number):
            return np.full(len(self.frame), node.value)
        if isinstance(node, Name):
            return self.column(node.name)
        if isinstance(node, Unary):
            x = self.eval(node.operand)
            return -x if node.op == "-" else x
        if isinstance(node, Binary):
            return self.binary(node.op, self.eval(node.left), self.eval(node.right))
        if isinstance(node, Call):
            return self.call(node.function, self.eval(node.argument), node.k)
        raise TypeError(f"unknown node {node!r}")  # unreachable: the parser builds only these nodes

    def binary(self, op: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            self.bad(np.isfinite(a) & (b == 0), "division by zero", b)
            return a / b
        out = np.power(a, b)
        self.bad(np.isfinite(a) & np.isfinite(b) & ~np.isfinite(out),
                 "a power that is undefined (negative base, fractional exponent) or overflows", a)
        return out

    def call(self, fn: str, x: np.ndarray, k: int) -> np.ndarray:
        if fn in ("log", "log10"):
            self.bad(x <= 0, f"{fn} of a value that is not positive", x)
            return np.log(x) if fn == "log" else np.log10(x)
        if fn == "sqrt":
            self.bad(x < 0, "sqrt of a negative value", x)
            return np.sqrt(x)
        if fn == "exp":
            out = np.exp(x)
            self.bad(np.isfinite(x) & ~np.isfinite(out), "exp overflows", x)
            return out
        if fn == "abs":
            return np.abs(x)
        if fn == "share":
            return self.share(x)
        previous = self.lag(x, k)
        if fn == "lag":
            return previous
        self.bad(previous == 0, f"growth from a zero value {k} period(s) earlier", previous)
        return x / previous - 1.0

    def lag(self, x: np.ndarray, k: int) -> np.ndarray:
        """x of the same unit k periods earlier (NaN where that row is absent)."""
        at = self.axis.previous(k)
        return np.where(at >= 0, x[np.maximum(at, 0)], np.nan)

    def share(self, x: np.ndarray) -> np.ndarray:
        totals = pd.Series(x).groupby(self.axis.period).transform(lambda s: s.sum(skipna=False)).to_numpy()
        self.bad(totals == 0, "share of a zero total", totals)
        return x / totals


def derive(frame: pd.DataFrame, expressions: Mapping[str, str], *, unit: str = "province",
           time: str = "year") -> pd.DataFrame:
    """A copy of ``frame`` with derived columns appended, evaluated in the given order.

    ``expressions`` maps each new column to an expression of
    :mod:`spatialccd.grammar` (numbers, column names, ``+ - * / ^``,
    parentheses, ``log log10 exp sqrt abs lag growth share``); later
    expressions may use earlier ones.  Every expression is parsed and every
    name checked before any is evaluated; nothing is passed to ``eval``.
    The meaning of the panel functions and the domain checks are in the
    module docstring.  ``frame`` is not modified; ``attrs["derived"]``
    records name → expression.

    Raises :class:`~spatialccd.exceptions.ExpressionError` for text outside
    the grammar or unknown names (naming the expression and the position) and
    :class:`~spatialccd.exceptions.DataError` for domain errors (naming the
    cells).
    """
    for col in (unit, time):
        if col not in frame.columns:
            raise DataError(f"derive: column {col!r} not found; columns are {list(frame.columns)}")
    parsed = parse_derivations(expressions, frame.columns)
    out = frame.copy()
    evaluator = _Evaluator(out, unit, time)
    for name, expression in parsed.items():
        values = evaluator.run(name, expression)
        out[name] = values = np.array(values, dtype=float)
        evaluator.columns[name] = values
    out.attrs["derived"] = {**frame.attrs.get("derived", {}), **{n: e.text for n, e in parsed.items()}}
    return out
