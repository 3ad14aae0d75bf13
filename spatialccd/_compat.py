"""Deprecated 0.1 interfaces kept working for one release, each with a deprecation warning."""
from __future__ import annotations

import warnings

import pandas as pd

from .exceptions import SpatialCCDDeprecationWarning

__all__ = ["FrameCompat", "deprecated"]


def deprecated(message: str, *, stacklevel: int = 3) -> None:
    """Emit a :class:`~spatialccd.exceptions.SpatialCCDDeprecationWarning`."""
    warnings.warn(message, SpatialCCDDeprecationWarning, stacklevel=stacklevel)


class FrameCompat:
    """For result objects that were DataFrames in 0.1: frame-style access (``obj["col"]``,
    ``obj.loc``, ``obj.index`` …) still works on :meth:`_legacy_frame`, with a warning that
    names the new interface (``_legacy_hint``)."""

    _legacy_hint = "use .to_frame()"

    def _legacy_frame(self) -> pd.DataFrame:
        raise NotImplementedError

    def _legacy(self) -> pd.DataFrame:
        deprecated(f"{type(self).__name__} was a DataFrame in 0.1; frame-style access is deprecated and will be "
                   f"removed in the next release: {self._legacy_hint}", stacklevel=4)
        return self._legacy_frame()

    def __getitem__(self, key):
        return self._legacy()[key]

    def __contains__(self, key) -> bool:
        return key in self._legacy()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        frame = self._legacy()
        try:
            return getattr(frame, name)
        except AttributeError:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}") from None
