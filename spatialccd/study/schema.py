"""The building blocks of the study-file schema: one :class:`Opt` per key, vocabularies from
:mod:`spatialccd._options` (so TOML and Python accept the same words), and the core tables."""
from __future__ import annotations

from dataclasses import dataclass

from .._options import VOCABULARIES

__all__ = ["Opt", "vocab", "CORE", "COLUMN", "SEED", "FIXED"]


@dataclass(frozen=True)
class Opt:
    """One allowed key: accepted type(s), default, allowed values, list item type."""

    kind: type | tuple[type, ...]
    default: object = None
    choices: tuple | None = None
    item: type | None = None
    required: bool = False
    vocabulary: str | None = None   # a vocabulary of spatialccd._options ("none" → None where it means off)


def vocab(name: str, default, *, exclude: tuple[str, ...] = ()) -> Opt:
    words = tuple(w for w in VOCABULARIES[name] if w not in exclude)
    return Opt(str, default, words, vocabulary=name)


COLUMN = Opt(str, "D")
#: ``[sdm] kind``: the static families of SpatialPanelModel and SAC/GNS (issue 19); ``[weights] kind`` words.
MODEL_KINDS = ("sar", "sem", "sdm", "sdem", "slx", "sac", "gns")
WEIGHT_KINDS = ("contiguity", "knn", "distance")
SEED = Opt(int, 0)
FIXED = ("none",)  # the spatial models of a study always have fixed effects
#: The core tables (the domain modules add theirs; spatialccd.study.registry merges them).
CORE: dict[str, dict[str, Opt]] = {
    "data": {"demo": Opt(bool, False), "simulated": Opt(bool, False), "path": Opt(str), "paths": Opt(list, item=str),
             "format": Opt(str, "long", ("long", "wide", "nbs")), "sheet": Opt((str, int)),
             "unit": Opt(str, "province"), "time": Opt(str, "year"), "years": Opt(list, item=int),
             "keep": Opt(list, item=str), "exclude": Opt(list, item=str), "year": Opt(int),
             "max_gap": Opt(int, 1), "extrapolate": Opt(bool, False),
             "rename": Opt(dict), "derive": Opt(dict), "missing": Opt(dict), "quality": Opt(dict),
             "geometry": Opt(str), "geometry_id": Opt(str), "geometry_provinces": Opt(list, item=str),
             "units": vocab("units", "auto")},
    "evaluation": {"standardise": vocab("standardise", "range"), "shift": Opt(float),
                   "weighting": vocab("weighting", "entropy"), "per_year": Opt(bool, False)},
    "coordination": {"method": vocab("method", "standard"),
                     "alpha": Opt(list, item=float), "scheme": Opt((str, dict), "ten"),
                     "thresholds": Opt(list, [0.8, 1.2], item=float),
                     "map_years": Opt(list, item=int)},
    "obstacle": {"level": Opt(str, "indicator", ("indicator", "criterion", "subsystem")),
                 "top": Opt(int, 5)},
    "weights": {"kind": Opt(str, "contiguity", ("contiguity", "knn", "distance")), "k": Opt(int, 4),
                "power": Opt(float, 1.0), "threshold": Opt(float), "rook": Opt(bool, False),
                "islands": Opt(str, "nearest", ("nearest", "keep")), "k_islands": Opt(int, 1),
                "distance_k": Opt(int), "economic_k": Opt(int),
                "economic": Opt(str), "nested_phi": Opt(float, 0.5),
                "nested_geo": Opt(str, "distance", ("contiguity", "knn", "distance"))},
    "moran": {"column": COLUMN, "permutations": Opt(int, 999), "seed": SEED},
    "lisa": {"column": COLUMN, "years": Opt(list, item=int), "permutations": Opt(int, 999), "seed": SEED,
             "alpha": Opt(float, 0.05), "adjust": vocab("adjust", None)},
    "dagum": {"column": COLUMN, "group": Opt(str, "region4"),
              "bootstrap": Opt(int, 0), "seed": SEED},
    "kde": {"column": COLUMN, "group": Opt(str, "region4"),
            "kind": Opt(str, "ridgeline", ("ridgeline", "overlay", "surface")),
            "bounds": Opt(list, item=float)},
    "tests": {"formula": Opt(str), "effects": vocab("effects", "twoways", exclude=FIXED),
              "lag_convention": vocab("lag_convention", "exact"), "alpha": Opt(float, 0.05),
              "panel_moran": Opt(bool, False),
              "bayesian": Opt(bool, False), "fixed_effects": vocab("fixed_effects", None)},
    "sdm": {"formula": Opt(str, required=True),
            "effects": vocab("effects", "twoways", exclude=FIXED),
            "kind": Opt(str, "sdm", MODEL_KINDS),
            "dynamic": vocab("dynamic", None),
            "bias_correction": Opt(str, None, tuple(dict.fromkeys(VOCABULARIES["bias_correction"]
                                                                + VOCABULARIES["dynamic_correction"])),
                                   vocabulary="bias_correction"),
            "lag_convention": vocab("lag_convention", "exact"),
            "error_weights": Opt(str, None, WEIGHT_KINDS),
            "n_draws": Opt(int, 1000), "seed": SEED,
            "by_region": Opt((str, dict)), "robustness_weights": Opt(list, item=str)},
    "report": {"lang": vocab("lang", "en"), "names": Opt(str, None, ("en", "zh", "code")),
               "digits": Opt(int, 3), "paths": Opt(str, "relative", ("relative", "absolute")),
               "order": Opt(list, item=str), "workers": Opt(int, 0)},
}
