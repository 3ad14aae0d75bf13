"""Random streams per period: a period's draws depend on ``(seed, period)`` only.

Permutation tests and bootstraps run period by period.  Spawning one child
stream per period *in order* would make the draws of 2023 depend on whether
2012 was computed too; instead each period's stream is keyed by the period's
label (numpy ``SeedSequence`` with the label as spawn key), so computing three
years or all years gives the same result for each of them (DESIGN.md: "a result
for one year never depends on which other years are computed").
"""
from __future__ import annotations

import numbers
import zlib
from collections.abc import Iterable

import numpy as np

__all__ = ["SeedLike", "period_key", "period_generators"]

SeedLike = int | np.random.Generator | np.random.SeedSequence | None


def period_key(period) -> tuple[int, int]:
    """A spawn key for a period label: ``(0, year)`` for a non-negative integer, ``(1, −year)`` for a
    negative one, ``(2, crc32(str(label)))`` for any other label (strings, dates)."""
    if isinstance(period, numbers.Integral) and not isinstance(period, bool):
        value = int(period)
        return (0, value) if value >= 0 else (1, -value)
    return 2, zlib.crc32(str(period).encode("utf-8"))


def period_generators(seed: SeedLike, periods: Iterable) -> list[np.random.Generator]:
    """One generator per period, from ``SeedSequence(entropy, spawn_key=(*base_key, *period_key(t)))``.

    ``seed`` is an integer, a ``SeedSequence`` (its entropy and spawn key are the base), ``None``
    (fresh entropy) or a ``Generator``, from which one 63-bit integer is drawn as the entropy —
    so the generator's state decides the streams, and each period's stream is still its own.
    """
    if isinstance(seed, np.random.Generator):
        base = np.random.SeedSequence(int(seed.integers(2 ** 63)))
    elif isinstance(seed, np.random.SeedSequence):
        base = seed
    else:
        base = np.random.SeedSequence(seed)
    return [np.random.default_rng(np.random.SeedSequence(base.entropy,
                                                         spawn_key=(*base.spawn_key, *period_key(t))))
            for t in periods]
