"""Indicator systems (评价指标体系): subsystems → criteria (optional) → indicators.

An :class:`IndexSystem` is the specification every comprehensive-evaluation
study starts from (seed 000 Table 1, seed 003 表 2): which columns are
indicators, which subsystem (and criterion layer) each belongs to, and its
direction — positive (正向, larger is better) or negative (负向/逆向, larger is
worse).  It is built from a nested dict, a TOML table or a DataFrame.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from ..exceptions import SpatialCCDError

__all__ = ["Indicator", "IndexSystem", "parse_direction"]

_DIRECTIONS = {
    "+": 1, "positive": 1, "pos": 1, "正": 1, "正向": 1, "1": 1, "+1": 1,
    "-": -1, "−": -1, "negative": -1, "neg": -1, "负": -1, "负向": -1, "逆": -1, "逆向": -1, "-1": -1,
}


def parse_direction(value, *, indicator: str) -> int:
    """Map "+", "-", "−", "positive", "negative", 正/负/逆, ±1 to +1 / −1 (error names the indicator)."""
    key = str(value).strip().lower() if value is not None else ""
    if isinstance(value, bool) or key not in _DIRECTIONS:
        raise SpatialCCDError(f"indicator {indicator!r} has no valid direction (got {value!r}); "
                              "use '+' (positive) or '-' (negative)")
    return _DIRECTIONS[key]


@dataclass(frozen=True)
class Indicator:
    """One indicator: its column name, place in the hierarchy, direction (+1/−1) and unit."""

    name: str
    subsystem: str
    criterion: str | None
    direction: int
    unit: str | None = None


def _leaf(name: str, subsystem: str, criterion: str | None, spec) -> Indicator:
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"direction", "unit"}
        if unknown:
            raise SpatialCCDError(f"indicator {name!r}: unknown keys {sorted(unknown)}")
        return Indicator(name, subsystem, criterion, parse_direction(spec.get("direction"), indicator=name),
                         spec.get("unit"))
    return Indicator(name, subsystem, criterion, parse_direction(spec, indicator=name))


def _shown(value, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _is_leaf(spec) -> bool:
    return not isinstance(spec, Mapping) or "direction" in spec


class IndexSystem:
    """A validated indicator hierarchy.

    Parameters
    ----------
    indicators : iterable of :class:`Indicator`
        In the order the columns should appear.  Duplicate indicator names raise.

    The subsystems' order is that of first appearance; it is the column order
    of the composite scores U₁ … Uₙ.  Either every indicator of a subsystem has
    a criterion or none has.
    """

    def __init__(self, indicators: Iterable[Indicator]) -> None:
        self.indicators: tuple[Indicator, ...] = tuple(indicators)
        if not self.indicators:
            raise SpatialCCDError("an index system needs at least one indicator")
        names = [i.name for i in self.indicators]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise SpatialCCDError(f"duplicate indicator(s) {dup}: each column may appear once")
        for s in self.subsystems:
            has = {i.criterion is not None for i in self.indicators if i.subsystem == s}
            if len(has) > 1:
                raise SpatialCCDError(f"subsystem {s!r} mixes indicators with and without a criterion")

    # -- constructors ------------------------------------------------------
    @classmethod
    def from_dict(cls, spec: Mapping) -> IndexSystem:
        """Build from ``{subsystem: {criterion: {indicator: direction}}}``.

        The criterion level is optional (``{subsystem: {indicator: direction}}``).
        A direction is ``"+"``/``"-"`` (or positive/negative, 正/负, ±1), or a
        table ``{"direction": "+", "unit": "元/人"}``.  Example (seed 000)::

            {"Medical security": {"Supply": {"beds": "+", "fund_expenditure": "-"}},
             "Economy": {"Output": {"gdp_pc": {"direction": "+", "unit": "yuan"}}}}
        """
        if not isinstance(spec, Mapping):
            raise SpatialCCDError(f"an indicator system must be a mapping {{subsystem: {{indicator: direction}}}} "
                                  f"(e.g. {{'health': {{'beds': '+', 'infant_mortality': '-'}}}}), got a "
                                  f"{type(spec).__name__} {_shown(spec)}; every indicator needs its subsystem and "
                                  "direction (a list of Indicator objects goes to IndexSystem([...]))")
        out = []
        for subsystem, block in spec.items():
            if not isinstance(block, Mapping) or not block:
                raise SpatialCCDError(f"subsystem {subsystem!r} must map to criteria or indicators with their "
                                      f"directions ({{indicator: '+' or '-'}}), got {_shown(block)}")
            for key, value in block.items():
                if isinstance(value, (list, tuple, set)):
                    raise SpatialCCDError(f"{key!r} in subsystem {subsystem!r} is a {type(value).__name__} "
                                          f"{_shown(value)}, not a direction or a criterion table; map each "
                                          "indicator to its direction ({indicator: '+' or '-'})")
                if _is_leaf(value):
                    out.append(_leaf(key, subsystem, None, value))
                    continue
                for name, leaf in value.items():
                    if not _is_leaf(leaf):
                        raise SpatialCCDError(f"indicator {name!r} (criterion {key!r}) has no direction")
                    out.append(_leaf(name, subsystem, key, leaf))
        return cls(out)

    @classmethod
    def from_toml(cls, source: str | Path, *, table: str | None = None) -> IndexSystem:
        """Build from TOML text or a ``.toml`` file (optionally one sub-table, e.g. ``table="index"``).

        The TOML tables mirror :meth:`from_dict`::

            [Economy.Output]
            gdp_pc = "+"
            growth = { direction = "+", unit = "%" }
        """
        text = Path(source).read_text(encoding="utf-8") if str(source).endswith(".toml") else str(source)
        spec = tomllib.loads(text)
        if table is not None:
            if table not in spec:
                raise SpatialCCDError(f"TOML has no table {table!r}; tables are {list(spec)}")
            spec = spec[table]
        return cls.from_dict(spec)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> IndexSystem:
        """Build from a table with columns ``indicator``, ``subsystem``, ``direction``
        and optionally ``criterion`` and ``unit`` (one row per indicator)."""
        missing = {"indicator", "subsystem", "direction"} - set(frame.columns)
        if missing:
            raise SpatialCCDError(f"index table lacks column(s) {sorted(missing)}")
        out = []
        for row in frame.to_dict("records"):
            criterion, unit = row.get("criterion"), row.get("unit")
            out.append(Indicator(row["indicator"], row["subsystem"], None if pd.isna(criterion) else criterion,
                                 parse_direction(row["direction"], indicator=row["indicator"]),
                                 None if pd.isna(unit) else unit))
        return cls(out)

    # -- views ---------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Indicator (column) names in order."""
        return [i.name for i in self.indicators]

    @property
    def subsystems(self) -> list[str]:
        return list(dict.fromkeys(i.subsystem for i in self.indicators))

    @property
    def directions(self) -> dict[str, int]:
        return {i.name: i.direction for i in self.indicators}

    @property
    def groups(self) -> dict[str, str]:
        """indicator → subsystem."""
        return {i.name: i.subsystem for i in self.indicators}

    def table(self) -> pd.DataFrame:
        """One row per indicator: subsystem, criterion, direction (+1/−1), unit; indexed by indicator."""
        rows = [{"indicator": i.name, "subsystem": i.subsystem, "criterion": i.criterion,
                 "direction": i.direction, "unit": i.unit} for i in self.indicators]
        return pd.DataFrame(rows).set_index("indicator")

    def aggregate(self, frame: pd.DataFrame, *, level: str = "subsystem") -> pd.DataFrame:
        """Sum indicator columns of ``frame`` to ``level`` "subsystem" (columns = subsystems)
        or "criterion" (columns = (subsystem, criterion) pairs, for the subsystems that
        have a criterion level); rows unchanged."""
        if level not in ("subsystem", "criterion"):
            raise SpatialCCDError(f"unknown level {level!r}; use 'subsystem' or 'criterion'")
        if level == "subsystem":
            keys = [i.subsystem for i in self.indicators]
        else:
            keys = [(i.subsystem, i.criterion) if i.criterion is not None else None for i in self.indicators]
            if all(k is None for k in keys):
                raise SpatialCCDError("this index system has no criterion level")
        values = frame[self.names].to_numpy(dtype=float)
        labels = [k for k in dict.fromkeys(keys) if k is not None]
        out = np.column_stack([values[:, [k == lab for k in keys]].sum(axis=1) for lab in labels])
        columns = pd.MultiIndex.from_tuples(labels, names=["subsystem", "criterion"]) if level == "criterion" \
            else pd.Index(labels, name="subsystem")
        return pd.DataFrame(out, index=frame.index, columns=columns)

    def check_columns(self, columns: Iterable) -> None:
        """Raise ``ValueError`` naming the indicators that are not among ``columns``."""
        present = set(columns)
        unknown = [n for n in self.names if n not in present]
        if unknown:
            raise SpatialCCDError(f"indicator column(s) {unknown} not found in the data; "
                                  f"columns are {sorted(map(str, present))}")

    def __repr__(self) -> str:
        parts = ", ".join(f"{s}: {sum(i.subsystem == s for i in self.indicators)}" for s in self.subsystems)
        return f"IndexSystem({len(self.indicators)} indicators; {parts})"
