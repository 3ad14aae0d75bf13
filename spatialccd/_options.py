"""Option vocabularies as ``typing.Literal`` types, and the one checker every function uses.

Each vocabulary is a ``Literal`` (for signatures and type checkers) and a tuple
of its words (:data:`VOCABULARIES`, from which the study-file schema is derived),
so Python and TOML accept exactly the same words.  Options that can be switched
off accept both ``None`` and the string ``"none"`` and normalise to ``None``
(``bias_correction="none"`` and ``bias_correction=None`` are the same).
"""
from __future__ import annotations

import difflib
from typing import Literal, get_args

from .exceptions import SpatialCCDError

__all__ = ["Effects", "BiasCorrection", "LagConvention", "CovType", "Adjust", "Lang", "Standardise", "Weighting",
           "CouplingMethod", "ImpactsMethod", "LogdetMethod", "ModelKind", "Units", "Inference", "VOCABULARIES",
           "MissingPolicy", "NONE_MEANS_OFF", "check_option", "allowed"]

Effects = Literal["none", "individual", "time", "twoways"]
RandomEffects = Literal["individual", "twoways"]
BiasCorrection = Literal["none", "lee-yu", "elhorst"]
LagConvention = Literal["exact", "splm"]
CovType = Literal["information", "hessian", "splm"]
Adjust = Literal["none", "fdr", "bonferroni"]
Lang = Literal["en", "zh"]
Standardise = Literal["range", "zscore"]
Weighting = Literal["entropy", "critic", "cv"]
CouplingMethod = Literal["standard", "modified", "fan"]
ImpactsMethod = Literal["simulation", "delta"]
LogdetMethod = Literal["auto", "eigen", "splu"]
ModelKind = Literal["sar", "sem", "sdm", "sdem", "slx"]
Units = Literal["auto", "provinces", "labels"]
Inference = Literal["permutation", "analytical"]
NestedMethod = Literal["convex", "product"]
MissingPolicy = Literal["error", "interpolate", "drop-unit", "drop-year"]
# issue 19 (models.bayes, models.dynamic, convergence)
FixedEffectsPrior = Literal["lee-yu", "integrated"]
BayesModel = Literal["ols", "slx", "sar", "sdm", "sem", "sdem"]
DynamicLags = Literal["ylag", "wylag", "both"]
DynamicCorrection = Literal["none", "yu-de-jong-lee", "lee-yu"]
ConvergenceMethod = Literal["ols", "sar", "sdm"]
# issue 20 (markov, detector, gwr, centrography, evaluation.topsis)
MarkovClasses = Literal["quantile", "grade"]
Discretisation = Literal["equal", "quantile", "natural", "geometric"]
GWRKernel = Literal["bisquare", "gaussian", "exponential"]
EllipseScale = Literal["std", "arcgis", "crimestat"]
GreyStandardise = Literal["mean", "initial", "range"]

#: name → allowed words; the study schema and :func:`check_option` read this.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "effects": get_args(Effects), "random_effects": get_args(RandomEffects),
    "bias_correction": get_args(BiasCorrection), "lag_convention": get_args(LagConvention),
    "cov_type": get_args(CovType), "adjust": get_args(Adjust), "lang": get_args(Lang),
    "standardise": get_args(Standardise), "weighting": get_args(Weighting), "method": get_args(CouplingMethod),
    "impacts_method": get_args(ImpactsMethod), "logdet": get_args(LogdetMethod), "kind": get_args(ModelKind),
    "units": get_args(Units), "inference": get_args(Inference), "missing": get_args(MissingPolicy),
    "nested": get_args(NestedMethod),
    "fixed_effects": get_args(FixedEffectsPrior), "bayes_model": get_args(BayesModel),
    "dynamic": get_args(DynamicLags), "dynamic_correction": get_args(DynamicCorrection),
    "convergence_method": get_args(ConvergenceMethod),
    "markov_classes": get_args(MarkovClasses), "discretisation": get_args(Discretisation),
    "gwr_kernel": get_args(GWRKernel), "ellipse_scale": get_args(EllipseScale),
    "grey_standardise": get_args(GreyStandardise),
}
#: vocabularies whose "none" means "switched off" and is returned as ``None``.
NONE_MEANS_OFF = frozenset({"bias_correction", "adjust", "dynamic_correction"})


def allowed(vocabulary: str) -> tuple[str, ...]:
    """The words of a vocabulary (see :data:`VOCABULARIES`)."""
    return VOCABULARIES[vocabulary]


def check_option(name: str, value, vocabulary: str | None = None, *, where: str = ""):
    """Check ``value`` against a vocabulary and return it normalised.

    ``name`` is the argument name used in the message (``vocabulary`` defaults to
    it); ``where`` prefixes the message (a function or a study table).  Strings are
    matched exactly; ``None`` and ``"none"`` are the same for the switchable
    vocabularies (:data:`NONE_MEANS_OFF`), which return ``None``.  A wrong value
    raises :class:`~spatialccd.exceptions.SpatialCCDError` listing the allowed
    words and the closest one.
    """
    vocab = vocabulary or name
    words = VOCABULARIES[vocab]
    off = vocab in NONE_MEANS_OFF
    if off and (value is None or value == "none"):
        return None
    if isinstance(value, str) and value in words:
        return value
    shown = ", ".join(repr(w) for w in words) + (" (or None)" if off else "")
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value, words, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
    prefix = f"{where}: " if where else ""
    raise SpatialCCDError(f"{prefix}{name} must be one of {shown}, got {value!r}{hint}")
