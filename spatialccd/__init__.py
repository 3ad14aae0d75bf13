"""spatialccd: spatial econometrics of coupling-coordination panels on Chinese provinces.

One import gives the public API::

    import spatialccd as sc
    gdf = sc.provinces()
    w = sc.weights.contiguity()
"""
from __future__ import annotations

from ._version import __version__
from . import exceptions
from . import weights
from . import geo
from .geo import MAP_DISCLAIMER, cities, city_code, city_codes, city_table, provinces, province_code, province_table
from .panel import PanelData
from . import evaluation
from .evaluation import (CombinedWeights, CRITICWeights, CVWeights, EntropyWeights, Evaluation, IndexSystem, Indicator,
                         RangeStandardiser, UserWeights, Weighting, ZScoreStandardiser, evaluate)
from .coordination import (GRADE_SCHEMES, GradeScheme, coordination_grade, coordination_table, coupling_coordination,
                           development_type, development_types_table, grade_scheme, relative_development)
from .obstacle import obstacle_degree, obstacle_summary, top_obstacles
from .inequality import (DagumResult, RegionalMeans, TheilResult, coefficient_of_variation, dagum_gini,
                         regional_means, theil)
from .convergence import BetaConvergence, SigmaConvergence, beta_convergence, sigma_convergence
from .dynamics import KDEResult, bandwidth_rule, kernel_density
from .models import FixedEffects, Impacts, LMTests, SpatialPanelModel, SpatialPanelResults, sar, sdem, sdm, sem, slx
from .models import (BayesianComparison, DynamicResults, SACResults, bayesian_comparison, dynamic_panel, gns, sac)
from .models import (by_region, hausman, lm_tests, lr_fixed_effects, lr_test, random_effects,
                     specification_tests, wald_common_factor, wald_theta)

from .hypotheses import InvalidTest, TestStatistic

__all__ = ["__version__", "exceptions", "TestStatistic", "InvalidTest", "geo", "cities", "city_code", "city_codes",
           "city_table", "weights", "provinces", "province_code", "province_table", "PanelData",
           "MAP_DISCLAIMER"]
__all__ += ["evaluation", "evaluate", "Evaluation", "IndexSystem", "Indicator", "RangeStandardiser",
            "ZScoreStandardiser", "Weighting", "EntropyWeights", "CRITICWeights", "CVWeights", "UserWeights",
            "CombinedWeights", "coupling_coordination", "coordination_grade", "GradeScheme", "GRADE_SCHEMES",
            "relative_development", "development_type", "coordination_table", "development_types_table", "grade_scheme", "obstacle_degree", "top_obstacles",
            "obstacle_summary"]
__all__ += ["SpatialPanelModel", "SpatialPanelResults", "Impacts", "FixedEffects", "LMTests", "sar", "sem", "sdm",
            "sdem", "slx"]
__all__ += ["sac", "gns", "SACResults", "dynamic_panel", "DynamicResults", "bayesian_comparison",
            "BayesianComparison"]
__all__ += ["specification_tests", "by_region", "lm_tests", "random_effects", "hausman", "lr_test",
            "lr_fixed_effects", "wald_theta", "wald_common_factor"]
from .datasets import demo_indicators, demo_truth, load_demo
from .io import (PreparedData, QualityScreen, derive, handle_missing, prepare, quality_screen, read_long, read_nbs,
                 read_wide, select)
from .grammar import check_formula
from .study import Study, StudyResult, run_demo
from .report import recommendation
__all__ += ["prepare", "PreparedData", "derive", "select", "handle_missing", "quality_screen", "QualityScreen",
            "check_formula"]
__all__ += ["load_demo", "demo_truth", "demo_indicators", "read_long", "read_wide", "read_nbs", "Study",
            "StudyResult", "run_demo", "recommendation"]
__all__ += ["dagum_gini", "DagumResult", "theil", "TheilResult", "coefficient_of_variation", "regional_means",
            "RegionalMeans", "sigma_convergence", "SigmaConvergence", "beta_convergence", "BetaConvergence",
            "kernel_density", "KDEResult", "bandwidth_rule"]
from .autocorrelation import (MoranTest, geary, geary_by_year, getis_ord, getis_ord_by_year, lisa, lisa_by_year,
                              moran, moran_by_year, moran_residuals, panel_moran)
from .plots.charts import effects_plot, moran_trend
from .plots.density import kde_plot
from .plots.inequality import dagum_trends
from .plots.charts import moran_scatter
from .plots.maps import choropleth, choropleth_by_year, lisa_map, lisa_maps_by_year
from .plots.style import save_figure
__all__ += ["panel_moran", "MoranTest", "effects_plot", "moran_trend", "kde_plot", "dagum_trends"]
__all__ += ["moran", "geary", "getis_ord", "moran_by_year", "geary_by_year", "getis_ord_by_year", "moran_residuals",
            "lisa", "lisa_by_year", "moran_scatter", "choropleth", "choropleth_by_year", "lisa_map",
            "lisa_maps_by_year", "save_figure"]
from .dea import DEAResult, dea
from .mismatch import (MISMATCH_LEVELS, SEED004_THRESHOLDS, IdealAllocation, MismatchLevels, MismatchResult,
                       allocation_gini, classify_mismatch, health_distance, ideal_allocation, mismatch)
__all__ += ["dea", "DEAResult", "ideal_allocation", "IdealAllocation", "allocation_gini", "health_distance",
            "classify_mismatch", "MismatchLevels", "mismatch", "MismatchResult", "MISMATCH_LEVELS",
            "SEED004_THRESHOLDS"]
