"""Every analysis a study file can ask for, in one place: the schema tables, the steps and their order.

Each domain module (:mod:`.steps` for the core chain) contributes ``SCHEMA``
(study-file tables → keys) and ``STEPS`` (table → compute + present).  Adding an
analysis: its table and step in a domain module, its key in :data:`RUN_ORDER` and
:data:`ORDER`, its section function in :mod:`spatialccd.report.sections`.
"""
from __future__ import annotations

from . import steps, steps_allocation, steps_structure
from . import steps_models
from . import steps_toolbox
from .schema import CORE

__all__ = ["SCHEMA", "STEPS", "ORDER", "RUN_ORDER"]

_DOMAINS = (steps, steps_structure, steps_allocation)
_DOMAINS += (steps_models,)
_DOMAINS += (steps_toolbox,)

SCHEMA = {**CORE}
STEPS: dict = {}
for _domain in _DOMAINS:
    SCHEMA.update(getattr(_domain, "SCHEMA", {}))
    STEPS.update(_domain.STEPS)

#: Order of the report's sections.
ORDER = ("data", "evaluation", "trends", "coordination", "types", "regional_means", "obstacle", "dea", "mismatch",
         "weights", "moran", "lisa", "dagum", "theil", "convergence", "kde",
         "markov", "hotspots", "bivariate", "detector", "gwr", "centrography", "topsis",
         "panel_moran", "tests", "bayes", "sdm", "sdm_regional", "sdm_robustness")
#: Order in which the steps run: LISA before Moran, so that the Moran scatter reuses the LISA inference.
RUN_ORDER = ("data", "evaluation", "coordination", "trends", "types", "regional_means", "obstacle", "dea", "mismatch",
             "weights", "sdm_regional", "sdm_robustness",
             "markov", "hotspots", "bivariate", "detector", "gwr", "centrography", "topsis",
             "lisa", "moran", "dagum", "theil", "convergence", "kde", "panel_moran", "tests", "bayes", "sdm")

if set(ORDER) != set(STEPS) or set(RUN_ORDER) != set(STEPS):
    raise RuntimeError(f"study registry out of step: {sorted(set(STEPS) ^ set(ORDER))}")
