"""Spatial panel models by maximum likelihood: SAR, SEM, SDM, SDEM, SLX."""
from .fit import ConvergenceError
from .results import SpatialPanelResults
from .spec import SpatialPanelModel, sar, sdem, sdm, sem, slx
from .lmtests import lm_tests
from .random_effects import RandomEffectsModel, RandomEffectsResults, random_effects
from .selection import (HausmanWarning, HypothesisTest, SpecificationTests, hausman, lr_fixed_effects, lr_test,
                        specification_tests, wald_common_factor, wald_theta)
from .regional import RegionalResults, SmallRegionWarning, by_region

__all__ = ["SpatialPanelModel", "SpatialPanelResults", "ConvergenceError", "sar", "sem", "sdm", "sdem", "slx"]
__all__ += ["lm_tests", "RandomEffectsModel", "RandomEffectsResults", "random_effects", "HausmanWarning",
            "HypothesisTest", "SpecificationTests", "hausman", "lr_fixed_effects", "lr_test", "specification_tests",
            "wald_common_factor", "wald_theta", "RegionalResults", "SmallRegionWarning", "by_region"]
