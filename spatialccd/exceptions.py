"""Every exception and warning spatialccd raises, in one module.

Errors derive from :class:`SpatialCCDError`, itself a :class:`ValueError`, so
code written against earlier releases (``except ValueError``) keeps working;
the command line catches :class:`SpatialCCDError` and prints one line.
Warnings derive from :class:`SpatialCCDWarning`, so users silence or escalate
all of them with one filter, as statsmodels' ``ModelWarning``::

    import warnings, spatialccd as sc
    warnings.simplefilter("error", sc.exceptions.SpatialCCDWarning)
"""
from __future__ import annotations

__all__ = ["SpatialCCDError", "DataError", "ExpressionError", "WeightsError", "ConvergenceError", "StudyError",
           "SpatialCCDWarning", "IslandWarning", "HausmanWarning", "SmallRegionWarning", "NonProvinceRowWarning",
           "DataQualityWarning", "NestingWarning", "SpatialCCDDeprecationWarning", "OneGroupWarning"]


class SpatialCCDError(ValueError):
    """Base of every error spatialccd raises on bad input or a failed computation."""


class DataError(SpatialCCDError):
    """A data frame or file cannot be used: missing cells, duplicates, bad types, unreadable files.

    The message names the file and line, or the unit, year and column at fault.
    """


class ExpressionError(SpatialCCDError):
    """An expression or model formula outside the fixed grammar (spatialccd.grammar); names the text and position."""


class WeightsError(SpatialCCDError):
    """Spatial weights that cannot be used: negative or non-finite cells, ids that do not match the data."""


class ConvergenceError(SpatialCCDError, RuntimeError):
    """A likelihood search or an iterative solver failed; the message carries the last state."""


class StudyError(SpatialCCDError):
    """A study file that cannot run: the message names the TOML table and key to change.

    ``table`` and ``key`` hold them (``None`` for top-level problems); ``step``
    names the analysis that failed when the error comes from running it.
    """

    def __init__(self, message: str, *, table: str | None = None, key: str | None = None,
                 step: str | None = None) -> None:
        super().__init__(message)
        self.table, self.key, self.step = table, key, step


class SpatialCCDWarning(UserWarning):
    """Base of every warning spatialccd emits."""


class IslandWarning(SpatialCCDWarning):
    """A unit has no neighbours in W (its spatial lag is zero)."""


class HausmanWarning(SpatialCCDWarning):
    """V̂_FE − V̂_RE is not positive definite; the Hausman test used its positive part."""


class SmallRegionWarning(SpatialCCDWarning):
    """A regional sub-sample has few units: ρ is weakly identified."""


class NonProvinceRowWarning(SpatialCCDWarning):
    """Rows that are not provinces (全国, 香港, 东部地区 …) were dropped from a file; the message lists them."""


class DataQualityWarning(SpatialCCDWarning):
    """The data-quality screen found something to look at (jumps, zeros, constant columns)."""


class OneGroupWarning(SpatialCCDWarning):
    """A grouping with a single group: an inequality result without a between-group part (not a decomposition)."""


class NestingWarning(SpatialCCDWarning):
    """A likelihood-ratio test between models that are not exactly nested, or with a negative statistic."""


class VintageWarning(SpatialCCDWarning):
    """A city code or name of another vintage of the divisions was mapped to this map's unit; the message names the change."""


class NumericalWarning(SpatialCCDWarning):
    """A computation gave non-finite or unstable values (a bias correction, an LP, a near-singular matrix)."""


class IdentificationWarning(SpatialCCDWarning):
    """A model that is weakly or not identified (a GNS with M = W; LeSage & Pace 2009, ch. 2)."""


class StationarityWarning(SpatialCCDWarning):
    """Estimates of a dynamic spatial panel outside the stationary region (spectral radius of A ≥ 1)."""


class FontWarning(SpatialCCDWarning):
    """Chinese labels were asked for but no CJK font is installed (glyphs would render as boxes)."""


class SpatialCCDDeprecationWarning(SpatialCCDWarning, FutureWarning):
    """A name or option that will be removed in the next release; the message gives the new one."""
