"""spatialccd: spatial econometrics of coupling-coordination panels on Chinese provinces.

One import gives the public API::

    import spatialccd as sc
    gdf = sc.provinces()
    w = sc.weights.contiguity()
"""
from __future__ import annotations

__version__ = "0.1.0"

from . import weights
from .geo import MAP_DISCLAIMER, provinces, province_code, province_table
from .panel import PanelData
from .models import SpatialPanelModel, SpatialPanelResults, sar, sdem, sdm, sem, slx

__all__ = ["__version__", "weights", "provinces", "province_code", "province_table", "PanelData",
           "MAP_DISCLAIMER"]
__all__ += ["SpatialPanelModel", "SpatialPanelResults", "sar", "sem", "sdm", "sdem", "slx"]
