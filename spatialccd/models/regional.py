"""The same spatial panel model fitted separately for each region (regional heterogeneity).

For each region r the panel is restricted to its units and W to the region's
rows and columns, re-standardised (:func:`spatialccd.weights.subset`): W_r =
row-standardise(W[r, r]).  Links to provinces outside the region are dropped,
so a province whose neighbours all lie elsewhere becomes an island (zero
spatial lag) and a region may split into unconnected parts; both are reported
(``islands``, ``components``) and warned about.  Applied papers (seed 002,
Table 8) report these East/Central/West sub-sample SDMs; note that with few
units the ML asymptotics (in N) are poor.
"""
from __future__ import annotations

from ..exceptions import SmallRegionWarning

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components

from ..geo import REGION3, REGION4, province_table
from ..panel import PanelData, normalise_units
from ..weights import IslandWarning, subset, to_sparse
from .results import SpatialPanelResults
from ..summary import Summary, SummaryMixin

PARTS = ("coefficient", "direct", "indirect", "total")


def region_of_units(panel: PanelData, data: pd.DataFrame, regions) -> pd.Series:
    """Region label per unit of ``panel``: "region3"/"region4" (provinces), a column of ``data``
    constant within unit, or a mapping/Series unit → region."""
    units = panel.units
    if isinstance(regions, str) and regions in ("region3", "region4"):
        if not panel.is_province:
            raise ValueError(f"regions={regions!r} needs province units; give a mapping unit -> region instead")
        out = province_table()[regions].reindex(units)
        order = REGION3 if regions == "region3" else REGION4
        return pd.Series(pd.Categorical(out, categories=list(order)), index=units, name="region")
    if isinstance(regions, str):
        frame = panel.frame_.reset_index()
        if regions not in frame.columns:
            raise ValueError(f"regions={regions!r} is neither 'region3'/'region4' nor a column of the data")
        per_unit = frame.groupby(panel.unit)[regions].nunique(dropna=False)
        varying = per_unit.index[per_unit > 1].tolist()
        if varying:
            raise ValueError(f"column {regions!r} changes over time for units {varying[:10]}")
        return frame.groupby(panel.unit)[regions].first().reindex(units).rename("region")
    if isinstance(regions, (Mapping, pd.Series)):
        mapping = dict(regions.items())
        keys, _ = normalise_units(list(mapping))
        out = pd.Series(list(mapping.values()), index=keys).reindex(units)
        missing = out.index[out.isna()].tolist()
        if missing:
            raise ValueError(f"no region given for units {missing}")
        return out.rename("region")
    raise TypeError(f"regions must be 'region3', 'region4', a column name or a mapping, got {type(regions).__name__}")


@dataclass(frozen=True)
class RegionalResults(SummaryMixin):
    """Fits per region (and ``"All"``), with the weights diagnostics and a comparison table.

    ``table``: rows (part, term) with part ∈ {coefficient, direct, indirect, total},
    columns (region, estimate | se | p).
    """

    results: dict = field(repr=False)
    islands: dict
    components: dict
    units: dict = field(repr=False)
    table: pd.DataFrame = field(repr=False)

    def publication_table(self) -> pd.DataFrame:
        """Estimate with stars (*** 1 %, ** 5 %, * 10 %) and (SE) per region."""
        out = {}
        for region in self.table.columns.get_level_values(0).unique():
            t = self.table[region]
            stars = pd.cut(t["p"], [-np.inf, 0.01, 0.05, 0.10, np.inf], labels=["***", "**", "*", ""]).astype(str)
            cell = t["estimate"].map(lambda v: f"{v:.4f}") + stars + t["se"].map(lambda v: f" ({v:.4f})")
            out[region] = cell.where(t["estimate"].notna(), "")
        frame = pd.DataFrame(out)
        frame.index = [f"{term}" if part == "coefficient" else f"{part}: {term}" for part, term in frame.index]
        return frame

    def summary(self) -> Summary:
        facts = tuple((f"{r} (units)", str(len(u))) for r, u in self.units.items())
        notes = ["*** p<0.01, ** p<0.05, * p<0.1; standard errors in parentheses. W restricted to each region "
                 "and re-standardised (weights.subset)."]
        notes += [f"{r}: no neighbour inside the region for {v}" for r, v in self.islands.items() if v]
        notes += [f"{r}: W splits into {c} unconnected parts" for r, c in self.components.items() if c > 1]
        return Summary("Regional sub-sample estimates", facts, (("Estimates and effects", self.publication_table()),),
                       tuple(notes))


def _restrict(w, ids: pd.Index) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IslandWarning)  # reported per region below
        g = subset(w, ids)
    islands = [u for u in ids if u in set(g.isolates)]
    ncomp, _ = connected_components(to_sparse(g, ids), directed=False)
    return g, islands, int(ncomp)


def _column(res: SpatialPanelResults, impacts: pd.DataFrame) -> pd.DataFrame:
    coef = pd.DataFrame({"estimate": res.params, "se": res.bse, "p": res.pvalues})
    coef.index = pd.MultiIndex.from_product([["coefficient"], coef.index])
    parts = [coef]
    for part in PARTS[1:]:
        eff = impacts[[part, f"{part}_se", f"{part}_p"]].set_axis(["estimate", "se", "p"], axis=1)
        eff.index = pd.MultiIndex.from_product([[part], eff.index])
        parts.append(eff)
    return pd.concat(parts)


def by_region(model_fn: Callable[..., SpatialPanelResults], data, formula: str, w, *, regions="region3",
              unit: str = "province", time: str = "year", include_all: bool = True, impacts_method: str = "delta",
              n_draws: int = 1000, seed=None, **model_kwargs) -> RegionalResults:
    """Fit ``model_fn(data_r, formula, W_r, unit=unit, time=time, **model_kwargs)`` for each region.

    ``model_fn`` is a front door such as :func:`spatialccd.sdm` (or
    :func:`spatialccd.random_effects`); ``regions`` is ``"region3"``
    (East/Central/West), ``"region4"`` (NBS four regions), a column of ``data``
    or a mapping unit → region.  Effects are computed with
    ``results.impacts(method=impacts_method, n_draws=n_draws, seed=seed)``.

    Raises when a region has fewer units than the model has parameters (β, θ and
    ρ/λ of the full-sample fit); warns (:class:`SmallRegionWarning`) below twice
    that, and (:class:`~spatialccd.weights.IslandWarning`) when the restriction
    leaves units without neighbours or splits a region.
    """
    panel = PanelData(data, unit=unit, time=time)
    region = region_of_units(panel, data, regions)
    frame = panel.frame_.reset_index()
    full = model_fn(frame, formula, w, unit=unit, time=time, **model_kwargs)
    k = len(full.params)
    groups = {str(r): pd.Index(region.index[region == r]) for r in pd.unique(region.dropna())}
    if isinstance(region.dtype, pd.CategoricalDtype):
        empty = [str(c) for c in region.cat.categories if str(c) not in groups]
        if empty:
            warnings.warn(f"regions without units in the data: {empty}", SmallRegionWarning, stacklevel=2)
    for r, ids in groups.items():
        if len(ids) < k:
            raise ValueError(f"region {r!r} has {len(ids)} units but the model has {k} parameters "
                             f"({list(full.params.index)}): too few units to estimate it; merge regions or "
                             "use fewer regressors / W·X terms")
        if len(ids) < 2 * k:
            warnings.warn(f"region {r!r} has only {len(ids)} units for {k} parameters: estimates and effects "
                          "rest on very few units", SmallRegionWarning, stacklevel=2)
    results, islands, components, units = ({"All": full} if include_all else {}), {}, {}, {}
    for r, ids in groups.items():
        g, islands[r], components[r] = _restrict(w, ids)
        units[r] = ids.tolist()
        if islands[r] or components[r] > 1:
            warnings.warn(f"region {r!r}: restricting W leaves {islands[r] or 'no'} unit(s) without a neighbour and "
                          f"{components[r]} unconnected part(s)", IslandWarning, stacklevel=2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IslandWarning)  # already reported
            results[r] = model_fn(frame[frame[unit].isin(ids)], formula, g, unit=unit, time=time, **model_kwargs)
    if include_all:
        units = {"All": panel.units.tolist(), **units}
    table = pd.concat({r: _column(res, res.impacts(method=impacts_method, n_draws=n_draws, seed=seed))
                       for r, res in results.items()}, axis=1)
    return RegionalResults(results=results, islands=islands, components=components, units=units, table=table)
