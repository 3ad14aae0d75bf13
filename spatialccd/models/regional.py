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

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components

from .._compat import deprecated
from .._format import stars
from ..exceptions import DataError, IslandWarning, SmallRegionWarning, SpatialCCDError
from ..geo import REGION3, REGION4, province_table
from ..panel import PanelData, as_panel, normalise_units
from ..summary import Summary, SummaryMixin
from ..weights import subset, to_sparse
from .effects import Impacts
from .results import SpatialPanelResults

PARTS = ("coefficient", "direct", "indirect", "total")


def region_of_units(panel: PanelData, data: pd.DataFrame, regions) -> pd.Series:
    """Region label per unit of ``panel``: "region3"/"region4" (provinces), a column of ``data``
    constant within unit, or a mapping/Series unit → region."""
    units = panel.units
    if isinstance(regions, str) and regions in ("region3", "region4"):
        if not panel.is_province:
            raise DataError(f"group={regions!r} needs province units; give a mapping unit -> region instead")
        out = province_table()[regions].reindex(units)
        order = REGION3 if regions == "region3" else REGION4
        return pd.Series(pd.Categorical(out, categories=list(order)), index=units, name="region")
    if isinstance(regions, str):
        frame = panel.frame_.reset_index()
        if regions not in frame.columns:
            raise DataError(f"group={regions!r} is neither 'region3'/'region4' nor a column of the data")
        per_unit = frame.groupby(panel.unit)[regions].nunique(dropna=False)
        varying = per_unit.index[per_unit > 1].tolist()
        if varying:
            raise DataError(f"column {regions!r} changes over time for units {varying[:10]}")
        return frame.groupby(panel.unit)[regions].first().reindex(units).rename("region")
    if isinstance(regions, (Mapping, pd.Series)):
        mapping = dict(regions.items())
        keys, _ = normalise_units(list(mapping))
        out = pd.Series(list(mapping.values()), index=keys).reindex(units)
        missing = out.index[out.isna()].tolist()
        if missing:
            raise DataError(f"no region given for units {missing}")
        return out.rename("region")
    raise SpatialCCDError(f"group must be 'region3', 'region4', a column name or a mapping, got {type(regions).__name__}")


@dataclass(frozen=True)
class RegionalResults(SummaryMixin):
    """Fits per region (and ``"All"``), with the weights diagnostics and a comparison table.

    ``table``: rows (part, term) with part ∈ {coefficient, direct, indirect, total},
    columns (region, estimate | se | pvalue).  ``dimensions``: N, T and N·T per region.
    """

    results: dict = field(repr=False)
    islands: dict
    components: dict
    units: dict = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    dimensions: pd.DataFrame = field(repr=False, default=None)

    def to_frame(self) -> pd.DataFrame:
        """Estimates, SEs and p-values of every region (a copy of :attr:`table`)."""
        return self.table.copy()

    def publication_table(self) -> pd.DataFrame:
        """Estimate with stars (*** 1 %, ** 5 %, * 10 %) and (SE) per region."""
        out = {}
        for region in self.table.columns.get_level_values(0).unique():
            t = self.table[region]
            cell = (t["estimate"].map(lambda v: f"{v:.4f}") + t["pvalue"].map(stars)
                    + t["se"].map(lambda v: f" ({v:.4f})"))
            out[region] = cell.where(t["estimate"].notna(), "")
        frame = pd.DataFrame(out)
        frame.index = [f"{term}" if part == "coefficient" else f"{part}: {term}" for part, term in frame.index]
        return frame

    def summary(self) -> Summary:
        facts = tuple((f"{r} (N, T)", f"{len(u)}, {self.results[r].T}") for r, u in self.units.items())
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
    lone = set(g.isolates)
    islands = [u for u in ids if u in lone]
    ncomp, _ = connected_components(to_sparse(g, ids), directed=False)
    return g, islands, int(ncomp)


def _column(res: SpatialPanelResults, impacts: Impacts) -> pd.DataFrame:
    coef = pd.DataFrame({"estimate": res.params, "se": res.bse, "pvalue": res.pvalues})
    coef.index = pd.MultiIndex.from_product([["coefficient"], coef.index])
    parts = [coef]
    for part in PARTS[1:]:
        eff = impacts.effect(part)[["estimate", "se", "pvalue"]]
        eff.index = pd.MultiIndex.from_product([[part], eff.index])
        parts.append(eff)
    return pd.concat(parts)


#: Below this many units a regional ρ rests on very few cross-sectional units (warned, units named).
SMALL_REGION_UNITS = 8


def by_region(model_fn: Callable[..., SpatialPanelResults], data, formula: str, w, *, group="region3",
              unit: str = "province", time: str = "year", include_all: bool = True, impacts_method: str = "delta",
              n_draws: int = 1000, seed=None, regions=None, **model_kwargs) -> RegionalResults:
    """Fit ``model_fn(data_r, formula, W_r, unit=unit, time=time, **model_kwargs)`` for each region.

    ``model_fn`` is a front door such as :func:`spatialccd.sdm` (or
    :func:`spatialccd.random_effects`); ``group`` is ``"region3"``
    (East/Central/West), ``"region4"`` (NBS four regions), a column of ``data``
    or a mapping unit → region (``regions=`` is the deprecated 0.1 name).
    Effects are computed with ``results.impacts(method=impacts_method, n_draws=n_draws, seed=seed)``.

    A regional panel has N_r·T observations: what limits it is N_r·T against
    the k parameters (β, θ, ρ/λ, σ²) and the identification of ρ from few units,
    not N_r against k (seed 002 fits 11-province regional SDMs with 13
    parameters).  A region is refused when N_r·T − N_r − T + 1 (the two-way
    within degrees of freedom) does not exceed k or when it has one unit;
    below :data:`SMALL_REGION_UNITS` units a :class:`SmallRegionWarning` names
    the units.  :class:`~spatialccd.exceptions.IslandWarning` reports units left
    without neighbours and regions that split.
    """
    if regions is not None:
        deprecated("by_region(regions=...) is deprecated: use group=", stacklevel=3)
        group = regions
    panel = as_panel(data, unit=unit, time=time)
    region = region_of_units(panel, panel.frame_.reset_index(), group)
    frame = panel.frame_.reset_index()
    full = model_fn(panel, formula, w, unit=unit, time=time, **model_kwargs)
    k = len(full.params) + 1
    groups = {str(r): pd.Index(region.index[region == r]) for r in pd.unique(region.dropna())}
    if isinstance(region.dtype, pd.CategoricalDtype):
        empty = [str(c) for c in region.cat.categories if str(c) not in groups]
        if empty:
            warnings.warn(f"regions without units in the data: {empty}", SmallRegionWarning, stacklevel=2)
    T = panel.T
    for r, ids in groups.items():
        n = len(ids)
        dof = n * T - n - T + 1
        if n < 2 or dof <= k:
            raise DataError(f"region {r!r} has {n} unit(s) × {T} years = {n * T} observations "
                            f"({max(dof, 0)} after two-way fixed effects) for {k} parameters "
                            f"({list(full.params.index)} and sigma2): too few to estimate it; merge regions or "
                            "use fewer regressors / W·X terms")
        if n < SMALL_REGION_UNITS:
            warnings.warn(f"region {r!r} has only {n} units ({list(ids)}): rho is identified from very few "
                          "cross-sectional units; read its estimates and effects with care", SmallRegionWarning,
                          stacklevel=2)
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
    dims = pd.DataFrame({"N": [res.N for res in results.values()], "T": [res.T for res in results.values()],
                         "NT": [res.nobs for res in results.values()]}, index=pd.Index(list(results), name="region"))
    return RegionalResults(results=results, islands=islands, components=components, units=units, table=table,
                           dimensions=dims)
