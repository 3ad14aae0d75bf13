"""Every user-facing string of the package — report, figures, run log — in English and Chinese (one catalogue).

``message(key, lang, **fields)`` formats the entry; a key missing in either
language is a bug (``tests/test_report_messages.py`` checks the catalogue).
Keep proper names (Moran, Dagum, Lee–Yu) and variable names as they are in both.
"""
from __future__ import annotations

from ._options import check_option
from .exceptions import SpatialCCDError

__all__ = ["MESSAGES", "message"]

MESSAGES: dict[str, dict[str, str]] = {
    # -- specification-test recommendation --------------------------------------------------
    "effects_none": {"en": "without fixed effects", "zh": "无固定效应"},
    "effects_individual": {"en": "with unit (spatial) fixed effects", "zh": "个体（空间）固定效应"},
    "effects_time": {"en": "with time-period fixed effects", "zh": "时间固定效应"},
    "effects_twoways": {"en": "with two-way fixed effects", "zh": "双向固定效应"},
    "effects_random": {"en": "with random unit effects", "zh": "个体随机效应"},
    "effects_random_time": {"en": "with random unit effects and time-period fixed effects",
                            "zh": "个体随机效应与时间固定效应"},
    "model_sdm": {"en": "spatial Durbin model (SDM)", "zh": "空间杜宾模型（SDM）"},
    "model_sar": {"en": "spatial lag model (SAR)", "zh": "空间滞后模型（SAR）"},
    "model_sem": {"en": "spatial error model (SEM)", "zh": "空间误差模型（SEM）"},
    "not_computed": {"en": "not computed", "zh": "无法计算"},
    "and": {"en": " and of ", "zh": "以及"},
    "no_lag": {"en": "no spatially lagged dependent variable ({cite})", "zh": "不存在空间滞后因变量（{cite}）"},
    "no_error": {"en": "no spatially autocorrelated error term ({cite})", "zh": "不存在空间自相关误差项（{cite}）"},
    "lm_reject": {"en": "For the non-spatial model {effects}, the LM tests reject the hypothesis of {which} at the "
                        "{level} level, so a spatial model is needed.",
                  "zh": "对{effects}的非空间模型，LM 检验在 {level} 水平上拒绝了{which}的原假设，因此需要空间模型。"},
    "lm_no_reject": {"en": "For the non-spatial model {effects}, neither LM test rejects the absence of spatial "
                           "dependence at the {level} level; the SDM tests below decide whether spatial terms matter "
                           "through the regressors.",
                     "zh": "对{effects}的非空间模型，两个 LM 检验在 {level} 水平上均未拒绝无空间依赖的原假设；"
                           "下面的 SDM 检验判断空间项是否通过解释变量起作用。"},
    "robust_lm": {"en": "The robust LM tests give {lag} and {error}.", "zh": "稳健 LM 检验为 {lag} 与 {error}。"},
    "h0_rejected": {"en": "is rejected", "zh": "被拒绝"},
    "h0_rejected_one": {"en": "is rejected by one of the two tests", "zh": "被两个检验之一拒绝"},
    "h0_not_rejected": {"en": "cannot be rejected", "zh": "不能被拒绝"},
    "restriction": {"en": "H0: {null} (SDM reduces to the {model}) {verdict} ({wald}; {lr}).",
                    "zh": "原假设 H0: {null}（SDM 可简化为 {model}）{verdict}（{wald}；{lr}）。"},
    "why_sar": {"en": "theta = 0 cannot be rejected and the robust LM tests point to the spatial lag model",
                "zh": "theta = 0 不能被拒绝，且稳健 LM 检验指向空间滞后模型"},
    "why_sem": {"en": "theta + rho*beta = 0 cannot be rejected and the robust LM tests point to the spatial error model",
                "zh": "theta + rho*beta = 0 不能被拒绝，且稳健 LM 检验指向空间误差模型"},
    "why_sdm_both_rejected": {"en": "both restrictions are rejected, so the SDM cannot be simplified to the SAR or "
                                    "the SEM",
                              "zh": "两个约束均被拒绝，SDM 不能简化为 SAR 或 SEM"},
    "why_sdm_robust": {"en": "{kept} cannot be rejected, but {robust}, so the SDM, which nests both, is retained",
                       "zh": "{kept}不能被拒绝，但{robust}，因此保留同时嵌套两者的 SDM"},
    "kept_sar": {"en": "theta = 0", "zh": "theta = 0"},
    "kept_sem": {"en": "theta + rho*beta = 0", "zh": "theta + rho*beta = 0"},
    "kept_sar_sem": {"en": "neither theta = 0 nor theta + rho*beta = 0", "zh": "theta = 0 与 theta + rho*beta = 0 均"},
    "robust_both": {"en": "both robust LM tests reject, so they do not single out one model",
                    "zh": "两个稳健 LM 检验均拒绝原假设，未指向单一模型"},
    "robust_neither": {"en": "neither robust LM test rejects, so they do not point to a simpler model",
                       "zh": "两个稳健 LM 检验均未拒绝原假设，未指向更简单的模型"},
    "robust_lag": {"en": "the robust LM tests point to the lag model, whose restriction is rejected",
                   "zh": "稳健 LM 检验指向空间滞后模型，而其约束被拒绝"},
    "robust_error": {"en": "the robust LM tests point to the error model, whose restriction is rejected",
                     "zh": "稳健 LM 检验指向空间误差模型，而其约束被拒绝"},
    "reject": {"en": "reject", "zh": "拒绝"},
    "not_reject": {"en": "do not reject", "zh": "未拒绝"},
    "lr_effects": {"en": "The LR tests {unit} the joint insignificance of the unit fixed effects ({unit_cite}) and "
                         "{time} that of the time fixed effects ({time_cite}).",
                   "zh": "LR 检验{unit}个体固定效应联合不显著的原假设（{unit_cite}），{time}时间固定效应联合不显著的原假设"
                         "（{time_cite}）。"},
    "hausman_rejects": {"en": "The Hausman test rejects the random-effects specification ({cite}).",
                        "zh": "Hausman 检验拒绝随机效应设定（{cite}）。"},
    "hausman_not_rejects": {"en": "The Hausman test does not reject the random-effects specification ({cite}).",
                            "zh": "Hausman 检验未拒绝随机效应设定（{cite}）。"},
    "hausman_invalid": {"en": "The Hausman test could not be computed: {reason}.",
                        "zh": "Hausman 检验无法计算：{reason}。"},
    "selected": {"en": "Therefore the {model} {effects} is selected: {why}.",
                 "zh": "因此选择{effects}的{model}：{why}。"},
    "estimated": {"en": "The models above were estimated {estimated}.", "zh": "上述模型均按{estimated}估计。"},
    "estimated_differs": {"en": "The models above were estimated {estimated}; the LR tests support the model "
                                "{supported}.",
                          "zh": "上述模型按{estimated}估计；LR 检验支持{supported}的模型。"},
    # -- section titles, table and figure captions, prose ----------------------------------------
    "s_data": {"en": "Data", "zh": "数据"},
    "s_evaluation": {"en": "Comprehensive evaluation", "zh": "综合评价"},
    "s_coordination": {"en": "Coupling coordination", "zh": "耦合协调"},
    "s_obstacle": {"en": "Obstacle factors", "zh": "障碍因子"},
    "s_weights": {"en": "Spatial weights", "zh": "空间权重"},
    "s_moran": {"en": "Global spatial autocorrelation", "zh": "全局空间自相关"},
    "s_lisa": {"en": "Local spatial autocorrelation (LISA)", "zh": "局部空间自相关（LISA）"},
    "s_dagum": {"en": "Regional differences (Dagum Gini)", "zh": "区域差异（Dagum 基尼系数）"},
    "s_kde": {"en": "Distribution dynamics (kernel density)", "zh": "分布动态（核密度估计）"},
    "s_tests": {"en": "Model selection", "zh": "模型选择"},
    "s_sdm": {"en": "Spatial Durbin model", "zh": "空间杜宾模型"},
    "s_settings": {"en": "Settings used", "zh": "运行设置"},
    "s_log": {"en": "Run log", "zh": "运行日志"},
    "s_contents": {"en": "Contents", "zh": "目录"},
    "t_descriptives": {"en": "Descriptive statistics", "zh": "描述性统计"},
    "p_data": {"en": "Data: {origin}. Panel of {n} units observed in {t} years ({first}–{last}), {nt} observations.",
               "zh": "数据：{origin}。面板包含 {n} 个单元、{t} 年（{first}–{last}），共 {nt} 个观测值。"},
    "t_weights": {"en": "Indicator system and {weighting} weights", "zh": "指标体系与 {weighting} 权重"},
    "t_scores": {"en": "Subsystem scores U (national mean by year)", "zh": "子系统综合得分 U（逐年全国均值）"},
    "pooled": {"en": "on the pooled panel", "zh": "基于混合面板"},
    "per_year": {"en": "separately for each year", "zh": "逐年分别"},
    "p_evaluation": {"en": "Indicators {standardise}-standardised with their directions; {weighting} weights fitted "
                           "{pooled}; subsystem score U = Σ wⱼ X′ⱼ over the subsystem's indicators.",
                     "zh": "指标按方向进行 {standardise} 标准化；{pooled}计算 {weighting} 权重；子系统得分 "
                           "U = Σ wⱼ X′ⱼ。"},
    "t_ccd_national": {"en": "National mean coupling coordination degree and grade", "zh": "全国耦合协调度均值及等级"},
    "t_ccd_units": {"en": "Coupling coordination degree D by unit and year", "zh": "各单元逐年耦合协调度 D"},
    "mean_d": {"en": "mean D", "zh": "D 均值"},
    "f_ccd_trend": {"en": "Coupling coordination degree D: national and regional means",
                    "zh": "耦合协调度 D：全国及区域均值"},
    "f_ccd_maps": {"en": "Coordination grade of D, {years}", "zh": "耦合协调等级，{years}"},
    "ten_level": {"en": "ten-level", "zh": "十级"},
    "three_level": {"en": "three-hierarchy", "zh": "三阶段"},
    "p_coordination": {"en": "Subsystems {subsystems}; coupling C ({method}), T = Σ αᵢUᵢ, D = √(C·T); grades on the "
                             "{levels} scale.",
                       "zh": "子系统：{subsystems}；耦合度 C（{method}），T = Σ αᵢUᵢ，D = √(C·T)；等级采用{levels}划分。"},
    "t_obstacle": {"en": "Obstacle degree by {level} (%), national mean by year", "zh": "按{level}的障碍度（%），逐年全国均值"},
    "t_obstacle_top": {"en": "Top {top} obstacle indicators per subsystem (period mean, %)",
                       "zh": "各子系统前 {top} 位障碍指标（期间均值，%）"},
    "p_obstacle": {"en": "Obstacle degree Oᵢⱼ = (1 − X′ᵢⱼ)·wⱼ / Σₖ (1 − X′ᵢₖ)·wₖ, averaged over units; the sum runs "
                         "over all indicators (weights αᵍwⱼ) for the subsystem table and within each subsystem otherwise.",
                   "zh": "障碍度 Oᵢⱼ = (1 − X′ᵢⱼ)·wⱼ / Σₖ (1 − X′ᵢₖ)·wₖ，对各单元取均值；子系统表对全部指标求和"
                         "（权重 αᵍwⱼ），其余在子系统内求和。"},
    "p_weights": {"en": "W: {desc}. Units: {n}; neighbours per unit: min {min}, mean {mean}, max {max}.",
                  "zh": "W：{desc}。单元数：{n}；邻居数：最少 {min}，平均 {mean}，最多 {max}。"},
    "w_contiguity": {"en": "queen contiguity (Hainan linked to Guangdong), row-standardised",
                     "zh": "Queen 邻接（海南与广东相连），行标准化"},
    "w_knn": {"en": "{k} nearest neighbours, row-standardised", "zh": "{k} 近邻，行标准化"},
    "w_distance": {"en": "inverse distance (power {power}), row-standardised", "zh": "反距离（幂 {power}），行标准化"},
    "t_moran": {"en": "Global Moran's I of {column} by year", "zh": "{column} 逐年全局 Moran's I"},
    "p_moran": {"en": "Global Moran's I of {column} per year with W above; {permutations} permutations (seed {seed}).",
                "zh": "按上述 W 计算 {column} 逐年全局 Moran's I；置换 {permutations} 次（种子 {seed}）。"},
    "f_scatter": {"en": "Moran scatter plot of {column}, {year}", "zh": "{column} 的 Moran 散点图，{year}"},
    "t_lisa": {"en": "LISA clusters of {column}", "zh": "{column} 的 LISA 聚类"},
    "t_lisa_counts": {"en": "Number of units per LISA cluster", "zh": "各 LISA 聚类类型的单元数"},
    "no_adjust": {"en": "no multiple-testing adjustment", "zh": "未做多重检验校正"},
    "adjust": {"en": "{method} adjustment", "zh": "{method} 校正"},
    "p_lisa": {"en": "Local Moran's I of {column}, conditional permutation inference ({permutations} permutations, "
                     "seed {seed}), α = {alpha}, {adjust}. The Moran scatter plot uses the same inference.",
               "zh": "{column} 的局部 Moran's I，条件置换推断（置换 {permutations} 次，种子 {seed}），α = {alpha}，"
                     "{adjust}。Moran 散点图采用相同的推断结果。"},
    "f_lisa_maps": {"en": "LISA cluster maps of {column}, {years}", "zh": "{column} 的 LISA 聚类图，{years}"},
    "t_dagum": {"en": "Dagum Gini decomposition of {column} ({group})", "zh": "{column} 的 Dagum 基尼系数分解（{group}）"},
    "p_dagum": {"en": "Dagum (1997) decomposition G = G_w + G_nb + G_t of {column} by {group} groups, per year.",
                "zh": "按 {group} 分组对 {column} 逐年进行 Dagum（1997）分解 G = G_w + G_nb + G_t。"},
    "peak_x": {"en": "Main peak location", "zh": "主峰位置"},
    "n_peaks": {"en": "Number of peaks", "zh": "波峰数量"},
    "right_tail": {"en": "Right-tail length", "zh": "右拖尾长度"},
    "t_kde": {"en": "Kernel density of {column}: peaks and tails by region", "zh": "{column} 核密度：分区域波峰与拖尾"},
    "f_kde": {"en": "Kernel density of {column} by year", "zh": "{column} 逐年核密度"},
    "p_kde": {"en": "Gaussian kernel densities of {column} per year for the nation and each {group} group "
                    "(Silverman bandwidth).",
              "zh": "全国及各 {group} 分组 {column} 的逐年高斯核密度（Silverman 带宽）。"},
    "t_tests": {"en": "Specification tests", "zh": "模型设定检验"},
    "t_comparison": {"en": "SAR, SEM and SDM: {formula}", "zh": "SAR、SEM 与 SDM：{formula}"},
    "model_spec": {"en": "Specification: {kind}, effects = {effects}, bias correction = {bias}, lag convention = "
                         "{convention}, W = {w}.",
                   "zh": "设定：{kind}，效应 = {effects}，偏误校正 = {bias}，滞后约定 = {convention}，W = {w}。"},
    "t_sdm": {"en": "Spatial Durbin model: {formula}", "zh": "空间杜宾模型：{formula}"},
    "fixed_effects": {"en": "Fixed effects", "zh": "固定效应"},
    "bias_correction": {"en": "Bias correction", "zh": "偏误校正"},
    "p_sdm": {"en": "ML estimation of y = ρWy + Xβ + WXθ + fixed effects + ε for {formula}; effects by simulation "
                    "({n_draws} draws, seed {seed}).",
              "zh": "以极大似然估计 y = ρWy + Xβ + WXθ + 固定效应 + ε（{formula}）；效应分解采用模拟法"
                    "（{n_draws} 次抽样，种子 {seed}）。"},
    "t_recovery": {"en": "Recovery of the simulated process: true values vs estimates", "zh": "模拟过程的参数还原：真值与估计值"},
    "n_recovery": {"en": "True values are those of spatialccd.demo_truth(); 'covered' = the 95% interval contains the "
                         "true value.",
                   "zh": "真值取自 spatialccd.demo_truth()；covered 表示 95% 区间覆盖真值。"},
    "p_recovery": {"en": "The demo outcome was simulated from a two-way fixed-effects SDM with known parameters; the "
                         "second table compares them with the estimates.",
                   "zh": "演示数据的被解释变量由已知参数的双向固定效应 SDM 模拟生成；第二张表将真值与估计值对比。"},
    # -- figures ------------------------------------------------------------------------------------
    "overall_gini": {"en": "Overall G", "zh": "总体基尼系数"},
    "f_within_gini": {"en": "Within-group Gini", "zh": "区域内基尼系数"},
    "f_between_gini": {"en": "Between-group Gini", "zh": "区域间基尼系数"},
    "f_contributions": {"en": "Contribution rates", "zh": "贡献率"},
    "c_w": {"en": "within-group", "zh": "区域内差异"},
    "c_nb": {"en": "net between-group", "zh": "区域间净差异"},
    "c_t": {"en": "transvariation", "zh": "超变密度"},
    "f_dagum": {"en": "Dagum Gini of {column}: within, between and contributions", "zh": "{column} 的 Dagum 基尼系数：区域内、区域间与贡献率"},
    "significant_at": {"en": "p < {alpha}", "zh": "p < {alpha}（显著）"},
    "not_significant": {"en": "not significant", "zh": "不显著"},
    "f_moran_trend": {"en": "Global Moran's I of {column} by year", "zh": "{column} 逐年全局 Moran's I"},
    "effect_direct": {"en": "Direct", "zh": "直接效应"},
    "effect_indirect": {"en": "Indirect (spillover)", "zh": "间接效应（溢出）"},
    "effect_total": {"en": "Total", "zh": "总效应"},
    "f_effects": {"en": "Effects with {level} intervals", "zh": "效应估计及 {level} 置信区间"},
    "f_effects_title": {"en": "Direct, indirect and total effects of the SDM", "zh": "SDM 的直接、间接与总效应"},
    "figure_index": {"en": "Figures", "zh": "图目录"},
}


def message(key: str, lang: str = "en", **fields) -> str:
    """The catalogue entry ``key`` in ``lang`` ("en" or "zh"), formatted with ``fields``."""
    lang = check_option("lang", lang)
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise SpatialCCDError(f"no report message {key!r} in language {lang!r}") from None
    return text.format(**fields) if fields else text
