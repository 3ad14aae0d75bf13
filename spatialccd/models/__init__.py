"""Spatial panel models by maximum likelihood: SAR, SEM, SDM, SDEM, SLX, SAC/GNS and dynamic SAR/SDM; the
specification-test chain; Bayesian comparison of model families."""
from ..exceptions import ConvergenceError, HausmanWarning, SmallRegionWarning
from .results import SpatialPanelResults
from .spec import SpatialPanelModel, sar, sdem, sdm, sem, slx
from .lmtests import lm_tests
from .random_effects import RandomEffectsModel, RandomEffectsResults, random_effects
from .selection import (Decision, HypothesisTest, SpecificationTests, decide, hausman, lr_fixed_effects, lr_test,
                        specification_tests, wald_common_factor, wald_theta)
from .regional import RegionalResults, by_region
from .effects import Impacts
from .lmtests import LMTests
from .results import FixedEffects
from .bayes import BayesianComparison, bayesian_comparison
from .sac import SACResults, gns, sac
from .dynamic import DynamicResults, Stationarity, dynamic_panel

__all__ = ["SpatialPanelModel", "SpatialPanelResults", "ConvergenceError", "sar", "sem", "sdm", "sdem", "slx"]
__all__ += ["lm_tests", "RandomEffectsModel", "RandomEffectsResults", "random_effects", "HausmanWarning",
            "HypothesisTest", "SpecificationTests", "hausman", "lr_fixed_effects", "lr_test", "specification_tests",
            "wald_common_factor", "wald_theta", "RegionalResults", "SmallRegionWarning", "by_region", "Impacts",
            "LMTests", "FixedEffects", "Decision", "decide"]
__all__ += ["BayesianComparison", "bayesian_comparison", "SACResults", "sac", "gns", "DynamicResults", "Stationarity",
            "dynamic_panel"]
