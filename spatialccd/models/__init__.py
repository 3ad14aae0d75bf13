"""Spatial panel models by maximum likelihood: SAR, SEM, SDM, SDEM, SLX."""
from .fit import ConvergenceError
from .results import SpatialPanelResults
from .spec import SpatialPanelModel, sar, sdem, sdm, sem, slx

__all__ = ["SpatialPanelModel", "SpatialPanelResults", "ConvergenceError", "sar", "sem", "sdm", "sdem", "slx"]
