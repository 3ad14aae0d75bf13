"""spatialccd: spatial econometrics of coupling-coordination panels on Chinese regions.

One import gives the public API::

    import spatialccd as sc
    gdf = sc.provinces()
    w = sc.weights.contiguity()

The names are loaded when first used (PEP 562), so ``import spatialccd`` is quick and a
script pays only for what it uses; ``dir(sc)`` and ``sc.__all__`` list everything.
"""
from __future__ import annotations

import importlib
import sys
import types

from ._version import __version__

#: public name → (module, attribute); attribute None: the name is the module itself.
_EXPORTS: dict[str, tuple[str, str | None]] = {
    "exceptions": (".exceptions", None),
    "weights": (".weights", None),
    "geo": (".geo", None),
    "MAP_DISCLAIMER": (".geo", 'MAP_DISCLAIMER'),
    "cities": (".geo", 'cities'),
    "city_code": (".geo", 'city_code'),
    "city_codes": (".geo", 'city_codes'),
    "city_table": (".geo", 'city_table'),
    "provinces": (".geo", 'provinces'),
    "province_code": (".geo", 'province_code'),
    "province_table": (".geo", 'province_table'),
    "PanelData": (".panel", 'PanelData'),
    "evaluation": (".evaluation", None),
    "CombinedWeights": (".evaluation", 'CombinedWeights'),
    "CRITICWeights": (".evaluation", 'CRITICWeights'),
    "CVWeights": (".evaluation", 'CVWeights'),
    "EntropyWeights": (".evaluation", 'EntropyWeights'),
    "Evaluation": (".evaluation", 'Evaluation'),
    "IndexSystem": (".evaluation", 'IndexSystem'),
    "Indicator": (".evaluation", 'Indicator'),
    "RangeStandardiser": (".evaluation", 'RangeStandardiser'),
    "UserWeights": (".evaluation", 'UserWeights'),
    "Weighting": (".evaluation", 'Weighting'),
    "ZScoreStandardiser": (".evaluation", 'ZScoreStandardiser'),
    "evaluate": (".evaluation", 'evaluate'),
    "GRADE_SCHEMES": (".coordination", 'GRADE_SCHEMES'),
    "GradeScheme": (".coordination", 'GradeScheme'),
    "coordination_grade": (".coordination", 'coordination_grade'),
    "coordination_table": (".coordination", 'coordination_table'),
    "coupling_coordination": (".coordination", 'coupling_coordination'),
    "development_type": (".coordination", 'development_type'),
    "development_types_table": (".coordination", 'development_types_table'),
    "grade_scheme": (".coordination", 'grade_scheme'),
    "relative_development": (".coordination", 'relative_development'),
    "obstacle_degree": (".obstacle", 'obstacle_degree'),
    "obstacle_summary": (".obstacle", 'obstacle_summary'),
    "top_obstacles": (".obstacle", 'top_obstacles'),
    "DagumResult": (".inequality", 'DagumResult'),
    "RegionalMeans": (".inequality", 'RegionalMeans'),
    "TheilResult": (".inequality", 'TheilResult'),
    "coefficient_of_variation": (".inequality", 'coefficient_of_variation'),
    "dagum_gini": (".inequality", 'dagum_gini'),
    "regional_means": (".inequality", 'regional_means'),
    "theil": (".inequality", 'theil'),
    "BetaConvergence": (".convergence", 'BetaConvergence'),
    "SigmaConvergence": (".convergence", 'SigmaConvergence'),
    "beta_convergence": (".convergence", 'beta_convergence'),
    "sigma_convergence": (".convergence", 'sigma_convergence'),
    "KDEResult": (".dynamics", 'KDEResult'),
    "bandwidth_rule": (".dynamics", 'bandwidth_rule'),
    "kernel_density": (".dynamics", 'kernel_density'),
    "FixedEffects": (".models", 'FixedEffects'),
    "Impacts": (".models", 'Impacts'),
    "LMTests": (".models", 'LMTests'),
    "SpatialPanelModel": (".models", 'SpatialPanelModel'),
    "SpatialPanelResults": (".models", 'SpatialPanelResults'),
    "sar": (".models", 'sar'),
    "sdem": (".models", 'sdem'),
    "sdm": (".models", 'sdm'),
    "sem": (".models", 'sem'),
    "slx": (".models", 'slx'),
    "BayesianComparison": (".models", 'BayesianComparison'),
    "DynamicResults": (".models", 'DynamicResults'),
    "SACResults": (".models", 'SACResults'),
    "bayesian_comparison": (".models", 'bayesian_comparison'),
    "dynamic_panel": (".models", 'dynamic_panel'),
    "gns": (".models", 'gns'),
    "sac": (".models", 'sac'),
    "by_region": (".models", 'by_region'),
    "hausman": (".models", 'hausman'),
    "lm_tests": (".models", 'lm_tests'),
    "lr_fixed_effects": (".models", 'lr_fixed_effects'),
    "lr_test": (".models", 'lr_test'),
    "random_effects": (".models", 'random_effects'),
    "specification_tests": (".models", 'specification_tests'),
    "wald_common_factor": (".models", 'wald_common_factor'),
    "wald_theta": (".models", 'wald_theta'),
    "InvalidTest": (".hypotheses", 'InvalidTest'),
    "TestStatistic": (".hypotheses", 'TestStatistic'),
    "demo_indicators": (".datasets", 'demo_indicators'),
    "demo_truth": (".datasets", 'demo_truth'),
    "load_demo": (".datasets", 'load_demo'),
    "PreparedData": (".io", 'PreparedData'),
    "QualityScreen": (".io", 'QualityScreen'),
    "derive": (".io", 'derive'),
    "handle_missing": (".io", 'handle_missing'),
    "prepare": (".io", 'prepare'),
    "quality_screen": (".io", 'quality_screen'),
    "read_long": (".io", 'read_long'),
    "read_nbs": (".io", 'read_nbs'),
    "read_wide": (".io", 'read_wide'),
    "select": (".io", 'select'),
    "check_formula": (".grammar", 'check_formula'),
    "Study": (".study", 'Study'),
    "StudyResult": (".study", 'StudyResult'),
    "run_demo": (".study", 'run_demo'),
    "recommendation": (".report", 'recommendation'),
    "MoranTest": (".autocorrelation", 'MoranTest'),
    "geary": (".autocorrelation", 'geary'),
    "geary_by_year": (".autocorrelation", 'geary_by_year'),
    "getis_ord": (".autocorrelation", 'getis_ord'),
    "getis_ord_by_year": (".autocorrelation", 'getis_ord_by_year'),
    "lisa": (".autocorrelation", 'lisa'),
    "lisa_by_year": (".autocorrelation", 'lisa_by_year'),
    "moran": (".autocorrelation", 'moran'),
    "moran_by_year": (".autocorrelation", 'moran_by_year'),
    "moran_residuals": (".autocorrelation", 'moran_residuals'),
    "panel_moran": (".autocorrelation", 'panel_moran'),
    "effects_plot": (".plots.charts", 'effects_plot'),
    "moran_trend": (".plots.charts", 'moran_trend'),
    "kde_plot": (".plots.density", 'kde_plot'),
    "dagum_trends": (".plots.inequality", 'dagum_trends'),
    "moran_scatter": (".plots.charts", 'moran_scatter'),
    "choropleth": (".plots.maps", 'choropleth'),
    "choropleth_by_year": (".plots.maps", 'choropleth_by_year'),
    "lisa_map": (".plots.maps", 'lisa_map'),
    "lisa_maps_by_year": (".plots.maps", 'lisa_maps_by_year'),
    "save_figure": (".plots.style", 'save_figure'),
    "DEAResult": (".dea", 'DEAResult'),
    "dea": (".dea", 'dea'),
    "MISMATCH_LEVELS": (".mismatch", 'MISMATCH_LEVELS'),
    "SEED004_THRESHOLDS": (".mismatch", 'SEED004_THRESHOLDS'),
    "IdealAllocation": (".mismatch", 'IdealAllocation'),
    "MismatchLevels": (".mismatch", 'MismatchLevels'),
    "MismatchResult": (".mismatch", 'MismatchResult'),
    "allocation_gini": (".mismatch", 'allocation_gini'),
    "classify_mismatch": (".mismatch", 'classify_mismatch'),
    "health_distance": (".mismatch", 'health_distance'),
    "ideal_allocation": (".mismatch", 'ideal_allocation'),
    "mismatch": (".mismatch", 'mismatch'),
    "markov_chain": (".markov", 'markov_chain'),
    "spatial_markov": (".markov", 'spatial_markov'),
    "lisa_markov": (".markov", 'lisa_markov'),
    "MarkovChain": (".markov", 'MarkovChain'),
    "SpatialMarkov": (".markov", 'SpatialMarkov'),
    "LISAMarkov": (".markov", 'LISAMarkov'),
    "hot_spots": (".hotspots", 'hot_spots'),
    "hot_spots_by_year": (".hotspots", 'hot_spots_by_year'),
    "HotSpots": (".hotspots", 'HotSpots'),
    "bivariate_moran": (".hotspots", 'bivariate_moran'),
    "BivariateMoran": (".hotspots", 'BivariateMoran'),
    "bivariate_lisa": (".hotspots", 'bivariate_lisa'),
    "bivariate_lisa_by_year": (".hotspots", 'bivariate_lisa_by_year'),
    "BivariateLISA": (".hotspots", 'BivariateLISA'),
    "geodetector": (".detector", 'geodetector'),
    "GeoDetector": (".detector", 'GeoDetector'),
    "discretise": (".detector", 'discretise'),
    "gwr": (".gwr", 'gwr'),
    "GWRResult": (".gwr", 'GWRResult'),
    "centrography": (".centrography", 'centrography'),
    "Centrography": (".centrography", 'Centrography'),
    "topsis": (".evaluation.topsis", 'topsis'),
    "TOPSISResult": (".evaluation.topsis", 'TOPSISResult'),
    "grey_relational": (".evaluation.topsis", 'grey_relational'),
    "GreyRelation": (".evaluation.topsis", 'GreyRelation'),
    "transition_heatmaps": (".plots.markov", 'transition_heatmaps'),
    "hot_spot_maps": (".plots.hotspots", 'hot_spot_maps'),
    "bivariate_lisa_maps": (".plots.hotspots", 'bivariate_lisa_maps'),
    "detector_plot": (".plots.detector", 'detector_plot'),
    "coefficient_maps": (".plots.gwr", 'coefficient_maps'),
    "gravity_map": (".plots.centrography", 'gravity_map'),
    "closeness_trends": (".plots.topsis", 'closeness_trends'),
    "grey_relational_bars": (".plots.topsis", 'grey_relational_bars'),
    "GlobalAutocorrelation": (".autocorrelation", 'GlobalAutocorrelation'),
}

__all__ = ["__version__", *_EXPORTS]


def _load(name: str):
    module, attribute = _EXPORTS[name]
    value = importlib.import_module(module, __name__)
    return value if attribute is None else getattr(value, attribute)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'spatialccd' has no attribute {name!r}")
    value = _load(name)
    if name not in _SHADOWED:
        globals()[name] = value   # later look-ups skip this function
    return value


#: functions named like their module (``sc.dea`` is the function ``spatialccd.dea.dea``): importing the
#: submodule sets the package attribute to the module, so these are always looked up in _EXPORTS.
_SHADOWED = frozenset(n for n, (m, a) in _EXPORTS.items() if a is not None and m == f".{n}")


class _Package(types.ModuleType):
    def __getattribute__(self, name: str):
        if name in _SHADOWED:
            return _load(name)
        return super().__getattribute__(name)


sys.modules[__name__].__class__ = _Package


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
