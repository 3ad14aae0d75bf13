"""Groups of units (regions): one resolver shared by coordination, inequality, convergence and dynamics.

A grouping (``group=`` everywhere in the package) is a column of the data, the
NBS four regions / three belts (``"region4"`` / ``"region3"``, looked up from
:func:`spatialccd.province_table` when the units are provinces), or a
``{unit: group}`` mapping.  Group order in tables: the NBS order for regions,
the categories of a categorical column, otherwise sorted labels.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd

from .exceptions import DataError, SpatialCCDError
from .geo import REGION3, REGION4, province_table
from .panel import normalise_units

__all__ = ["GroupSpec", "REGION_COLUMNS", "REGION_ZH", "group_labels", "cells", "region_name"]

GroupSpec = str | Mapping[Hashable, Hashable] | None

REGION_COLUMNS = {"region4": REGION4, "region3": REGION3}
#: Chinese names of the NBS regions (东部 / 中部 / 西部 / 东北).
REGION_ZH = {"East": "东部", "Central": "中部", "West": "西部", "Northeast": "东北"}


def region_name(label, lang: str = "en") -> str:
    """A group label in ``lang``: the NBS regions get their Chinese names, other labels are kept."""
    return REGION_ZH.get(label, str(label)) if lang == "zh" else str(label)


def cells(df: pd.DataFrame, mask: np.ndarray, unit: str, time: str, limit: int = 20) -> list:
    """(unit, time) pairs of the rows in ``mask`` (at most ``limit``), as plain Python values."""
    sub = df.loc[mask, [unit, time]].head(limit)
    return [(u.item() if isinstance(u, np.generic) else u, t.item() if isinstance(t, np.generic) else t)
            for u, t in sub.itertuples(index=False)]


def group_labels(df: pd.DataFrame, group: GroupSpec, unit: str, time: str) -> tuple[np.ndarray, tuple]:
    """Group label of every row of ``df`` and the labels in table order.

    Errors name the units without a group (mapping), the (unit, time) rows with a
    missing label (column), or say why ``"region4"``/``"region3"`` cannot be used.
    """
    if isinstance(group, Mapping) or isinstance(group, pd.Series):
        labels = df[unit].map(group)
        missing = labels.isna().to_numpy()
        if missing.any():
            absent = sorted({str(u) for u in df.loc[missing, unit]})
            raise DataError(f"group mapping has no entry for unit(s) {absent[:20]}")
        order: tuple | None = None
    elif isinstance(group, str) and group in df.columns:
        labels = df[group]
        missing = labels.isna().to_numpy()
        if missing.any():
            raise DataError(f"missing group labels in column {group!r} at ({unit}, {time}) rows "
                            f"{cells(df, missing, unit, time)}")
        order = tuple(labels.cat.categories) if isinstance(labels.dtype, pd.CategoricalDtype) else None
    elif isinstance(group, str) and group in REGION_COLUMNS:
        uniq = pd.unique(df[unit])
        codes, is_province = normalise_units(uniq)
        if not is_province:
            raise DataError(f"group={group!r} is neither a column of the data nor usable as a "
                            f"province region: the {unit!r} values are not provinces; pass a "
                            f"column name or a {{unit: group}} mapping; columns are {list(df.columns)}")
        region = province_table()[group]
        labels = df[unit].map(dict(zip(uniq, region.loc[codes].to_numpy())))
        order = REGION_COLUMNS[group]
    else:
        raise SpatialCCDError(f"unknown group column {group!r}; columns are {list(df.columns)} "
                              f"(or use 'region4' / 'region3' with province units)")
    present = set(pd.unique(labels))
    ordered = tuple(g for g in order if g in present) if order is not None else tuple(sorted(present, key=str))
    return labels.to_numpy(), ordered
