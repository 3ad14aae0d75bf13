"""Kernel-density evolution plots (seed 002, Figure 3): 3D surface, ridgeline and overlay.

All functions take a :class:`spatialccd.dynamics.KDEResult` and share one style: years
coloured along one colormap (``viridis`` by default, early = dark, late = light),
x the variable, "Density" the kernel density.  Single-region functions draw into
``ax`` (created if None) and return it; :func:`plot_kde_panels` returns a Figure with
one panel per region (nation first).  :func:`kde_plot` is the one entry point:
``kde_plot(result, kind="ridgeline")`` (it replaces 0.1's ``KDEResult.plot``, so that the
analysis module :mod:`spatialccd.dynamics` never imports plotting code).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..dynamics import KDEResult
from ..exceptions import SpatialCCDError
from ..inequality import NATION

__all__ = ["kde_plot", "plot_kde_surface", "plot_kde_ridgeline", "plot_kde_overlay", "plot_kde_panels"]

CMAP = "viridis"


def _time_positions(times: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Numeric positions of the time labels (the years themselves when numeric) and their labels."""
    if np.issubdtype(np.asarray(times).dtype, np.number):
        return np.asarray(times, dtype=float), [str(t) for t in times]
    return np.arange(len(times), dtype=float), [str(t) for t in times]


def _colours(n: int, cmap: str) -> list:
    cm = plt.get_cmap(cmap)
    return [cm(i / max(n - 1, 1)) for i in range(n)]


def plot_kde_surface(kde: KDEResult, *, region: str = NATION, ax: Axes | None = None, cmap: str = CMAP,
                     elev: float = 25.0, azim: float = -60.0) -> Axes:
    """3D surface of the density over (value × year): the usual "dynamic evolution" figure."""
    times, grid, Z = kde.surface(region)
    if ax is None:
        ax = plt.figure(figsize=(7, 5)).add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise SpatialCCDError("plot_kde_surface needs a 3D Axes (projection='3d')")
    pos, labels = _time_positions(times)
    X, Y = np.meshgrid(grid, pos)
    ax.plot_surface(X, Y, Z, cmap=cmap, linewidth=0.2, edgecolor="none", antialiased=True)
    ax.set_yticks(pos, labels)
    ax.set_xlabel(kde.column)
    ax.set_ylabel(kde.time)
    ax.set_zlabel("Density")
    ax.set_title(region)
    ax.view_init(elev=elev, azim=azim)
    return ax


def plot_kde_ridgeline(kde: KDEResult, *, region: str = NATION, ax: Axes | None = None, cmap: str = CMAP,
                       overlap: float = 0.6, year_labels: bool = True) -> Axes:
    """One filled curve per year stacked upwards; the tallest curve spans ``1 + overlap`` rows.

    ``year_labels=False`` draws no year ticks (a panel beside one that has them, in the same rows)."""
    if overlap < 0:
        raise SpatialCCDError(f"overlap must be non-negative, got {overlap!r}")
    times, grid, Z = kde.surface(region)
    ax = ax if ax is not None else plt.figure(figsize=(7, 5)).add_subplot()
    scale = (1.0 + overlap) / Z.max()
    for i, (curve, colour) in enumerate(reversed(list(zip(Z, _colours(len(times), cmap))))):
        base = len(times) - 1 - i  # draw the latest year first so earlier ridges sit in front
        ax.fill_between(grid, base, base + curve * scale, color=colour, alpha=0.8, linewidth=0)
        ax.plot(grid, base + curve * scale, color="black", linewidth=0.6)
    if year_labels:
        ax.set_yticks(np.arange(len(times)), [str(t) for t in times])
        ax.set_ylabel(kde.time)
    else:
        ax.set_yticks([])
    ax.set_xlabel(kde.column)
    ax.set_title(region)
    return ax


def plot_kde_overlay(kde: KDEResult, *, region: str = NATION, years: Sequence | None = None,
                     ax: Axes | None = None, cmap: str = CMAP) -> Axes:
    """Density curves of the chosen ``years`` (all by default) on one set of axes, with a legend."""
    times, grid, Z = kde.surface(region)
    available = list(times)
    missing = [y for y in (years or ()) if y not in available]
    if missing:
        raise SpatialCCDError(f"years {missing} not in the densities of {region!r}; available {available}")
    keep = range(len(times)) if years is None else [available.index(y) for y in years]
    ax = ax if ax is not None else plt.figure(figsize=(7, 4.5)).add_subplot()
    for i, colour in zip(keep, _colours(len(keep), cmap)):
        ax.plot(grid, Z[i], color=colour, label=str(times[i]))
    ax.set_xlabel(kde.column)
    ax.set_ylabel("Density")
    ax.set_title(region)
    ax.legend(title=kde.time, fontsize="small", ncols=2 if len(keep) > 6 else 1)
    return ax


def _drawer(kind: str):
    draw = {"surface": plot_kde_surface, "ridgeline": plot_kde_ridgeline, "overlay": plot_kde_overlay}
    if kind not in draw:
        raise SpatialCCDError(f"kind must be one of {list(draw)}, got {kind!r}")
    return draw[kind]


def kde_plot(result: KDEResult, kind: str = "surface", *, region: str | None = None, **kwargs):
    """Plot a :class:`~spatialccd.dynamics.KDEResult`: ``kind`` is ``"surface"`` (3D),
    ``"ridgeline"`` or ``"overlay"``.

    With ``region`` one region is drawn and its Axes returned; without, a Figure with one
    panel per region (nation first, :func:`plot_kde_panels`).  Other keywords go to the
    plotting function (``ax``, ``cmap``, ``years``, ``overlap``, ``regions``, ``ncols`` …).
    """
    draw = _drawer(kind)
    if region is None:
        return plot_kde_panels(result, kind=kind, **kwargs)
    return draw(result, region=region, **kwargs)


def plot_kde_panels(kde: KDEResult, *, kind: str = "surface", regions: Sequence[str] | None = None,
                    ncols: int | None = None, figsize: tuple[float, float] | None = None, cmap: str = CMAP) -> Figure:
    """One panel per region (nation first), each drawn as ``kind`` = surface | ridgeline | overlay.

    ``ncols`` defaults to 2 columns up to 6 panels, 3 up to 12 and 4 beyond (a county study grouped by
    province has 32 panels), with smaller panels from 3 columns on.
    """
    draw = _drawer(kind)
    regions = list(kde.regions if regions is None else regions)
    if ncols is None:
        ncols = 2 if len(regions) <= 6 else 3 if len(regions) <= 12 else 4
    if not (isinstance(ncols, int) and ncols >= 1):
        raise SpatialCCDError(f"ncols must be a positive integer, got {ncols!r}")
    nrows = math.ceil(len(regions) / ncols)
    width, height = (5.5, 4.5) if ncols <= 2 else (4.2, 3.5)
    fig = plt.figure(figsize=figsize or (width * ncols, height * nrows))
    # the same years in every panel of a wide grid: years on the first column, the value axis on the last row
    years = kde.density.groupby("region")[kde.time].agg(lambda t: tuple(sorted(t.unique())))
    outer = kind == "ridgeline" and ncols > 2 and years.loc[regions].nunique() == 1
    for i, region in enumerate(regions):
        ax = fig.add_subplot(nrows, ncols, i + 1, projection="3d" if kind == "surface" else None)
        draw(kde, region=region, ax=ax, cmap=cmap, **({"year_labels": i % ncols == 0} if outer else {}))
        if outer and i + ncols < len(regions):   # another panel below: the value axis is labelled there
            ax.tick_params(labelbottom=False)
            ax.set_xlabel("")
    fig.tight_layout()
    return fig
