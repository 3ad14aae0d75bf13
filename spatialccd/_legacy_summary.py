"""``result.summary``: the ``summary()`` method that replaced a DataFrame attribute of the same name.

In 0.1 :class:`~spatialccd.DagumResult` and :class:`~spatialccd.KDEResult` had a
DataFrame attribute ``summary``; every result object now has a ``summary()``
method returning :class:`~spatialccd.summary.Summary`.  For one release the old
frame-style access (``result.summary["G"]``, ``result.summary.loc[…]``,
``result.summary.pivot(…)``) still works on the renamed attribute, with a
:class:`~spatialccd.exceptions.SpatialCCDDeprecationWarning` naming it::

    class DagumResult(SummaryMixin):
        components: pd.DataFrame

        @summary_method(frame="components")
        def summary(self) -> Summary: ...
"""
from __future__ import annotations

from collections.abc import Callable

from ._compat import FrameCompat, deprecated

__all__ = ["summary_method"]


class _BoundSummary(FrameCompat):
    """``result.summary``: call it for the :class:`Summary`; frame-style access reaches the old frame."""

    def __init__(self, owner, func: Callable, frame: str) -> None:
        self._owner, self._func, self._frame = owner, func, frame
        self._legacy_hint = f"use .{frame} for the frame and .summary() for the formatted summary"

    def __call__(self, *args, **kwargs):
        return self._func(self._owner, *args, **kwargs)

    def _legacy_frame(self):
        return getattr(self._owner, self._frame)

    def _legacy(self):
        deprecated(f"{type(self._owner).__name__}.summary was a DataFrame in 0.1 and is now a method; frame-style "
                   f"access is deprecated and will be removed in the next release: {self._legacy_hint}", stacklevel=4)
        return self._legacy_frame()

    def __repr__(self) -> str:
        return f"<bound method {type(self._owner).__name__}.summary>"


class summary_method:  # noqa: N801 - used as a decorator
    """Decorator: ``summary()`` as a method, the old ``summary`` frame reachable for one release."""

    def __init__(self, *, frame: str) -> None:
        self.frame = frame
        self.func: Callable | None = None

    def __call__(self, func: Callable) -> summary_method:
        self.func = func
        self.__doc__ = func.__doc__
        return self

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self.func
        return _BoundSummary(obj, self.func, self.frame)
