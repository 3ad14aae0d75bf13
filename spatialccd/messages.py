"""Every user-facing string of the package — report, figures, run log — in English and Chinese (one catalogue).

``message(key, lang, **fields)`` formats the entry; a key missing in either
language is a bug (``tests/test_report_messages.py`` checks the catalogue).
Keep proper names (Moran, Dagum, Lee–Yu) and variable names as they are in both.
"""
from __future__ import annotations

from ._options import check_option
from .exceptions import SpatialCCDError

__all__ = ["MESSAGES", "message", "label"]

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
    "sheet_descriptives": {"en": "descriptives", "zh": "描述性统计"},
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
    "scheme_levels": {"en": "{k}-level", "zh": "{k} 级"},
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
    "w_contiguity_units": {"en": "queen contiguity of the study's shapes, row-standardised",
                           "zh": "研究单元边界的 Queen 邻接，行标准化"},
    "w_knn": {"en": "{k} nearest neighbours, row-standardised", "zh": "{k} 近邻，行标准化"},
    "w_distance": {"en": "inverse distance (power {power}){limits}, row-standardised",
                   "zh": "反距离（幂 {power}）{limits}，行标准化"},
    "w_within": {"en": " within {threshold} km", "zh": "，{threshold} 千米以内"},
    "w_nearest": {"en": " to the {k} nearest units", "zh": "，仅最近的 {k} 个单元"},
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
    "t_gini_one_group": {"en": "Gini coefficient of {column} (one group: no decomposition)",
                         "zh": "{column} 的基尼系数（仅一个分组：不作分解）"},
    "p_gini_one_group": {"en": "All units belong to one {group} group, so the overall and the within-group Gini "
                               "coincide and there is no between-group part to decompose.",
                         "zh": "全部单元属于同一 {group} 分组，总体基尼系数与组内基尼系数相同，不存在组间差异，故不作分解。"},
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
                   "zh": "真值取自 spatialccd.demo_truth()；“区间覆盖”表示 95% 区间包含真值。"},
    "p_recovery": {"en": "The demo outcome was simulated from a two-way fixed-effects SDM with known parameters; the "
                         "second table compares them with the estimates.",
                   "zh": "演示数据的被解释变量由已知参数的双向固定效应 SDM 模拟生成；第二张表将真值与估计值对比。"},
    # -- figures ------------------------------------------------------------------------------------
    "overall_gini": {"en": "Overall G", "zh": "总体基尼系数"},
    "f_within_gini": {"en": "Within-group Gini", "zh": "区域内基尼系数"},
    "f_between_gini": {"en": "Between-group Gini", "zh": "区域间基尼系数"},
    "f_between_matrix": {"en": "Gini by pair of groups, {time} (diagonal: within)",
                         "zh": "各组之间的基尼系数（{time} 年，对角线为组内）"},
    "f_each_group": {"en": "each group ({k})", "zh": "各组（{k} 个）"},
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
    "rows_shown": {"en": "The report shows the first {shown:,} of {total:,} rows; the whole table is in tables/{name}.csv "
                         "and in the sheet \u201c{sheet}\u201d of tables.xlsx.",
                   "zh": "报告仅显示前 {shown:,} 行（共 {total:,} 行）；完整表格见 tables/{name}.csv 及 tables.xlsx 的\u201c{sheet}\u201d工作表。"},
    # -- publication tables -----------------------------------------------------------------------
    "fit_llf": {"en": "Log-likelihood", "zh": "对数似然值"},
    "fit_r2": {"en": "R² (within)", "zh": "组内 R²"},
    "fit_sigma2": {"en": "σ²", "zh": "σ²"},
    "fit_nobs": {"en": "Observations", "zh": "观测值"},
    "b_coef": {"en": "Coefficients", "zh": "系数"},
    "b_wx": {"en": "W × regressors", "zh": "W × 解释变量"},
    "b_spatial": {"en": "Spatial parameters", "zh": "空间参数"},
    "b_direct": {"en": "Direct effects", "zh": "直接效应"},
    "b_indirect": {"en": "Indirect (spillover) effects", "zh": "间接（溢出）效应"},
    "b_total": {"en": "Total effects", "zh": "总效应"},
    "b_fit": {"en": "Fit statistics", "zh": "拟合统计量"},
    "n_se": {"en": "Standard errors in parentheses;", "zh": "括号内为标准误；"},
    "n_t": {"en": "t statistics in parentheses;", "zh": "括号内为 t 统计量；"},
    "star_note": {"en": "* p < 0.10, ** p < 0.05, *** p < 0.01.", "zh": "* p < 0.10，** p < 0.05，*** p < 0.01。"},
    "n_effects": {"en": "Effects are the LeSage–Pace average direct, indirect and total impacts.",
                  "zh": "效应为 LeSage–Pace 平均直接、间接与总效应。"},
    "aux_se": {"en": "(se)", "zh": "（标准误）"},
    "aux_t": {"en": "(t)", "zh": "（t 值）"},
    "year": {"en": "Year", "zh": "年份"},
    "permutation": {"en": "permutation", "zh": "置换"},
    "randomisation": {"en": "randomisation", "zh": "随机化"},
    "two_sided": {"en": "two-sided", "zh": "双侧"},
    "one_sided": {"en": "one-sided", "zh": "单侧"},
    "n_moran": {"en": "z under randomisation; p-value {sided}, {kind} inference;",
                "zh": "z 值基于随机化假设；p 值为{sided}{kind}推断；"},
    "region_East": {"en": "East", "zh": "东部"},
    "region_Central": {"en": "Central", "zh": "中部"},
    "region_West": {"en": "West", "zh": "西部"},
    "region_Northeast": {"en": "Northeast", "zh": "东北"},
    "region_Nation": {"en": "Nation", "zh": "全国"},
    "grade_in": {"en": "Grade {year}", "zh": "{year}年等级"},
    "n_ccd": {"en": "Rows grouped by NBS four regions; means are unweighted across provinces.",
              "zh": "按国家统计局四大区域分组；均值为各省份的简单平均。"},
    # column headers of the report's tables
    "col_count": {"en": "count", "zh": "样本量"},
    "col_mean": {"en": "mean", "zh": "均值"},
    "col_std": {"en": "std", "zh": "标准差"},
    "col_min": {"en": "min", "zh": "最小值"},
    "col_max": {"en": "max", "zh": "最大值"},
    "col_subsystem": {"en": "subsystem", "zh": "子系统"},
    "col_criterion": {"en": "criterion", "zh": "准则层"},
    "col_direction": {"en": "direction", "zh": "方向"},
    "col_unit": {"en": "unit", "zh": "单位"},
    "col_weight": {"en": "weight", "zh": "权重"},
    "col_variable": {"en": "variable", "zh": "变量"},
    "col_indicator": {"en": "indicator", "zh": "指标"},
    "col_mean_d": {"en": "mean D", "zh": "D 均值"},
    "col_grade": {"en": "grade", "zh": "等级"},
    "col_rank": {"en": "rank", "zh": "排名"},
    "col_obstacle": {"en": "obstacle (%)", "zh": "障碍度（%）"},
    "col_period_mean": {"en": "Mean", "zh": "均值"},
    "col_cluster": {"en": "cluster", "zh": "聚类类型"},
    "col_unit_label": {"en": "unit", "zh": "单元"},
    "col_province": {"en": "province", "zh": "省份"},
    "col_group": {"en": "group", "zh": "检验组"},
    "col_test": {"en": "test", "zh": "检验"},
    "col_h0": {"en": "H0", "zh": "原假设"},
    "col_statistic": {"en": "statistic", "zh": "统计量"},
    "col_df": {"en": "df", "zh": "自由度"},
    "col_pvalue": {"en": "p-value", "zh": "p 值"},
    "col_parameter": {"en": "parameter", "zh": "参数"},
    "col_true": {"en": "true", "zh": "真值"},
    "col_estimate": {"en": "estimate", "zh": "估计值"},
    "col_se": {"en": "se", "zh": "标准误"},
    "col_covered": {"en": "covered", "zh": "区间覆盖"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "lisa_HH": {"en": "HH", "zh": "高-高"},
    "lisa_LH": {"en": "LH", "zh": "低-高"},
    "lisa_LL": {"en": "LL", "zh": "低-低"},
    "lisa_HL": {"en": "HL", "zh": "高-低"},
    "lisa_not significant": {"en": "not significant", "zh": "不显著"},
    "lisa_isolated": {"en": "isolated", "zh": "孤立"},
    "g_lm_none": {"en": "LM (pooled)", "zh": "LM 检验（混合）"},
    "g_lm_individual": {"en": "LM (unit FE)", "zh": "LM 检验（个体固定）"},
    "g_lm_time": {"en": "LM (time FE)", "zh": "LM 检验（时间固定）"},
    "g_lm_twoways": {"en": "LM (two-way FE)", "zh": "LM 检验（双向固定）"},
    "g_sar": {"en": "SDM vs SAR", "zh": "SDM 对 SAR"},
    "g_sem": {"en": "SDM vs SEM", "zh": "SDM 对 SEM"},
    "g_fe": {"en": "Fixed effects", "zh": "固定效应"},
    "g_re": {"en": "FE vs RE", "zh": "固定效应对随机效应"},
    "h0_rho": {"en": "rho = 0", "zh": "rho = 0"},
    "n_a": {"en": "n/a", "zh": "无"},
    "h0_unit_fe": {"en": "unit fixed effects jointly zero", "zh": "个体固定效应联合为零"},
    "h0_time_fe": {"en": "time fixed effects jointly zero", "zh": "时间固定效应联合为零"},
    "h0_hausman": {"en": "random effects consistent (FE = RE)", "zh": "随机效应一致（FE = RE）"},
    "n_hausman_pd": {"en": "V_FE − V_RE is not positive definite ({k} non-positive eigenvalue(s)); generalised inverse "
                           "on the positive part, df = {df}.",
                     "zh": "V_FE − V_RE 非正定（{k} 个非正特征值）；在正特征值部分取广义逆，自由度 = {df}。"},
    "n_not_nested": {"en": "the models are not exactly nested; the LR statistic is approximate.",
                     "zh": "两模型并非严格嵌套；LR 统计量为近似值。"},
    "n_invalid_test": {"en": "not computed (see the run log).", "zh": "无法计算（见运行日志）。"},
    "n_see_log": {"en": "see the run log.", "zh": "见运行日志。"},
    "fe_none": {"en": "no FE", "zh": "无固定效应"},
    "fe_individual": {"en": "unit FE", "zh": "个体固定"},
    "fe_time": {"en": "time FE", "zh": "时间固定"},
    "fe_twoways": {"en": "two-way FE", "zh": "双向固定"},
    "level_indicator": {"en": "indicator", "zh": "指标"},
    "level_criterion": {"en": "criterion", "zh": "准则层"},
    "level_subsystem": {"en": "subsystem", "zh": "子系统"},
    "t_ccd": {"en": "Coupling coordination degree D by province and year", "zh": "各省份逐年耦合协调度 D"},
    "sheet_weights": {"en": "weights", "zh": "指标权重"},
    "sheet_scores": {"en": "scores", "zh": "子系统得分"},
    "sheet_ccd_national": {"en": "ccd_national", "zh": "全国耦合协调度"},
    "sheet_ccd": {"en": "ccd", "zh": "各省耦合协调度"},
    "sheet_obstacle": {"en": "obstacle", "zh": "障碍度"},
    "sheet_obstacle_top": {"en": "obstacle_top", "zh": "主要障碍指标"},
    "sheet_moran": {"en": "moran", "zh": "全局莫兰指数"},
    "sheet_lisa_clusters": {"en": "lisa_clusters", "zh": "LISA聚类"},
    "sheet_lisa_counts": {"en": "lisa_counts", "zh": "LISA聚类计数"},
    "sheet_dagum": {"en": "dagum", "zh": "Dagum基尼系数"},
    "sheet_kde": {"en": "kde_summary", "zh": "核密度特征"},
    "sheet_tests": {"en": "specification_tests", "zh": "模型设定检验"},
    "sheet_comparison": {"en": "model_comparison", "zh": "模型对比"},
    "sheet_sdm": {"en": "sdm", "zh": "空间杜宾模型"},
    "sheet_recovery": {"en": "sdm_recovery", "zh": "参数还原"},
    "grp_region4": {"en": "region4 (NBS four regions)", "zh": "四大区域"},
    "grp_region3": {"en": "region3 (East/Central/West)", "zh": "东中西三大地带"},
    "test_robust LM-lag": {"en": "robust LM-lag", "zh": "稳健 LM-lag"},
    "test_robust LM-error": {"en": "robust LM-error", "zh": "稳健 LM-error"},
    "test_LR unit FE": {"en": "LR unit FE", "zh": "LR 个体固定效应"},
    "test_LR time FE": {"en": "LR time FE", "zh": "LR 时间固定效应"},
    "null_rho = 0 (robust to lambda)": {"en": "rho = 0 (robust to lambda)", "zh": "rho = 0（对 lambda 稳健）"},
    "null_lambda = 0 (robust to rho)": {"en": "lambda = 0 (robust to rho)", "zh": "lambda = 0（对 rho 稳健）"},
    "simulated_note": {"en": "The demo data are SIMULATED from a documented generating process "
                             "(spatialccd.datasets.make_demo); they are not statistics of China and must not be read "
                             "as such.",
                       "zh": "演示数据为按公开的生成过程（spatialccd.datasets.make_demo）模拟所得（SIMULATED），"
                             "并非中国的统计数据，不得作为统计数据解读。"},
    "simulated_note_user": {"en": "The data of this study are SIMULATED (marked so in its study file): they are not "
                                  "statistics and must not be read as such.",
                            "zh": "本研究的数据为模拟数据（已在研究文件中注明），并非统计数据，不得作为统计数据解读。"},
    "simulated_data": {"en": "Simulated data.", "zh": "模拟数据。"},
    "generated_by": {"en": "Generated by spatialccd {version} on {stamp}.", "zh": "由 spatialccd {version} 生成于 {stamp}。"},
    "maps": {"en": "Maps", "zh": "地图"},
    "map_disclaimer": {"en": "Boundaries simplified from echarts@4.9.0 (Apache-2.0) for statistical graphics; not an "
                             "official or surveyed map (a map approval number is the publisher's matter).",
                       "zh": "边界据 echarts@4.9.0（Apache-2.0）简化，仅用于统计图形；非官方或测绘地图"
                             "（审图号由出版方负责）。"},
    "origin_demo": {"en": "the bundled simulated demo panel (spatialccd.load_demo())",
                    "zh": "随包提供的模拟演示面板（spatialccd.load_demo()）"},
    "opt_range": {"en": "range", "zh": "极差"},
    "opt_zscore": {"en": "z-score", "zh": "Z-score"},
    "opt_entropy": {"en": "entropy", "zh": "熵值法"},
    "opt_critic": {"en": "CRITIC", "zh": "CRITIC"},
    "opt_cv": {"en": "coefficient-of-variation", "zh": "变异系数法"},
    "opt_standard": {"en": "standard", "zh": "标准形式"},
    "opt_modified": {"en": "modified (Wang et al. 2021)", "zh": "修正形式（Wang 等，2021）"},
    "opt_fan": {"en": "Fan", "zh": "Fan 形式"},
    "opt_exact": {"en": "exact", "zh": "精确"},
    "opt_splm": {"en": "splm", "zh": "splm"},
    # -- seed analyses: development types, regional and robustness models, panel Moran (issue 16) ------------
    "s_types": {"en": "Relative development degree and development types", "zh": "相对发展度与发展类型"},
    "t_types": {"en": "Coupling coordination, relative development degree and development type by unit, {years}",
                "zh": "各单元耦合协调度、相对发展度与发展类型（{years}）"},
    "p_types": {"en": "C, T and D of {u1} and {u2} ({source}); grades of D on the {levels} scale; relative development "
                      "degree S = {u1}/{u2}: S < {lower} means {u1} lags, {lower} ≤ S ≤ {upper} synchronised development, "
                      "S > {upper} means {u2} lags. The types A11–A53 combine five bands of D (0–0.2, 0.2–0.4, …, upper "
                      "bound included) with these three classes of S. Mean rows hold the unweighted means of the units' "
                      "values and are classified by their mean D and S.",
                "zh": "{u1} 与 {u2} 的耦合度 C、综合协调指数 T 与耦合协调度 D（{source}）；D 的等级采用{levels}划分；"
                      "相对发展度 S = {u1}/{u2}：S < {lower} 为 {u1} 滞后，{lower} ≤ S ≤ {upper} 为同步发展，"
                      "S > {upper} 为 {u2} 滞后。发展类型 A11–A53 由 D 的五个区间（0–0.2、0.2–0.4、……，含上界）与"
                      "上述三类 S 组合而成。均值行为各单元数值的简单平均，并按其均值 D 与 S 分类。"},
    "types_from_evaluation": {"en": "subsystem scores of the comprehensive evaluation", "zh": "综合评价的子系统得分"},
    "types_from_data": {"en": "scores taken as given from the data columns {columns}", "zh": "得分直接取自数据列 {columns}"},
    "col_c": {"en": "C (coupling)", "zh": "C（耦合度）"},
    "col_t": {"en": "T (coordination index)", "zh": "T（综合协调指数）"},
    "col_d": {"en": "D (coupling coordination)", "zh": "D（耦合协调度）"},
    "col_s": {"en": "S (relative development)", "zh": "S（相对发展度）"},
    "col_s_class": {"en": "S class", "zh": "相对发展类型"},
    "col_type": {"en": "type", "zh": "发展类型"},
    "col_type_label": {"en": "type of development", "zh": "类型说明"},
    "sheet_types": {"en": "development_types", "zh": "发展类型"},
    "s_panel_moran": {"en": "Panel Moran's I", "zh": "面板 Moran's I"},
    "t_panel_moran": {"en": "Moran's I of the pooled panel (W = I_T ⊗ W): {column}",
                      "zh": "混合面板 Moran's I（W = I_T ⊗ W）：{column}"},
    "pm_pooled": {"en": "{column} (pooled panel)", "zh": "{column}（混合面板）"},
    "pm_residuals": {"en": "residuals of the non-spatial model ({effects})", "zh": "非空间模型残差（{effects}）"},
    "col_moran_i": {"en": "Moran's I", "zh": "Moran's I"},
    "col_expected_i": {"en": "E[I]", "zh": "E[I]"},
    "col_z": {"en": "z", "zh": "z 值"},
    "p_panel_moran": {"en": "Moran's I of the stacked N·T = {n} × {t} observations with the block-diagonal weights "
                            "I_T ⊗ W: first of {column} itself (deviations from its pooled mean), then of the residuals of "
                            "the non-spatial regression {formula} with {effects}; expectation and variance are the "
                            "moments of a regression residual under normality. A significant residual Moran's I means "
                            "the non-spatial model leaves spatial dependence; the LM tests below say of which kind.",
                      "zh": "对堆叠的 N·T = {n} × {t} 个观测值，以分块对角权重 I_T ⊗ W 计算 Moran's I：先计算 {column} "
                            "本身（对混合均值的离差），再计算{effects}下非空间回归 {formula} 的残差；期望与方差采用正态假设下"
                            "回归残差的矩。残差 Moran's I 显著表明非空间模型遗留了空间依赖，下面的 LM 检验判断其类型。"},
    "sheet_panel_moran": {"en": "panel_moran", "zh": "面板莫兰指数"},
    "n_panel_moran_w": {"en": "W: {desc}.", "zh": "W：{desc}。"},
    "bias_none": {"en": "none", "zh": "无"},
    "s_sdm_regional": {"en": "Regional heterogeneity: sub-sample SDMs", "zh": "区域异质性：分样本 SDM"},
    "t_sdm_regional": {"en": "SDM by {group}: {formula}", "zh": "按{group}分样本的 SDM：{formula}"},
    "reg_all": {"en": "Full sample", "zh": "全样本"},
    "grp_mapping": {"en": "the regions given in the study file", "zh": "研究文件给定的分区"},
    "row_n_units": {"en": "N (units)", "zh": "N（单元数）"},
    "row_t_years": {"en": "T (years)", "zh": "T（年数）"},
    "p_sdm_regional": {"en": "The study's SDM fitted separately for each region, W restricted to the region's units and "
                             "re-standardised (links to units outside the region are dropped); effects by simulation "
                             "({n_draws} draws, seed {seed}). With few units in a region ρ rests on few cross-sectional "
                             "units: read the regional estimates with care.",
                       "zh": "将本研究的 SDM 按区域分别估计，W 限制为区域内单元并重新行标准化（删除与区域外单元的连接）；"
                             "效应分解采用模拟法（{n_draws} 次抽样，种子 {seed}）。区域内单元较少时，ρ 仅由少数截面单元识别，"
                             "分区域估计结果需谨慎解读。"},
    "n_regional_islands": {"en": "{region}: no neighbour inside the region for {units}.",
                           "zh": "{region}：区域内无邻居的单元为 {units}。"},
    "n_regional_parts": {"en": "{region}: W splits into {k} unconnected parts.", "zh": "{region}：W 分为 {k} 个互不相连的部分。"},
    "sheet_sdm_regional": {"en": "sdm_regional", "zh": "分样本SDM"},
    "s_sdm_robustness": {"en": "Robustness across spatial weights", "zh": "稳健性检验：替换空间权重矩阵"},
    "t_sdm_robustness": {"en": "SDM under alternative spatial weights: {formula}", "zh": "不同空间权重矩阵下的 SDM：{formula}"},
    "rw_contiguity": {"en": "Contiguity", "zh": "邻接矩阵"},
    "rw_knn": {"en": "{k} nearest neighbours", "zh": "{k} 近邻矩阵"},
    "rw_distance": {"en": "Inverse distance", "zh": "反距离矩阵"},
    "rw_distance_band": {"en": "Inverse distance ≤ {threshold} km", "zh": "反距离矩阵（≤ {threshold} 千米）"},
    "rw_nearest": {"en": ", {k} nearest", "zh": "（{k} 近邻）"},
    "rw_economic": {"en": "Economic distance ({column})", "zh": "经济距离矩阵（{column}）"},
    "rw_nested": {"en": "Nested, φ = {phi}", "zh": "经济地理嵌套矩阵（φ = {phi}）"},
    "rw_file": {"en": "Matrix {name}", "zh": "矩阵 {name}"},
    "rw_by_column": {"en": "the W of each column", "zh": "各列对应的 W"},
    "row_neighbours": {"en": "Neighbours per unit (mean)", "zh": "平均邻居数"},
    "p_sdm_robustness": {"en": "The study's SDM re-estimated under each spatial weights matrix (all row-standardised): "
                               "{list}. Shown are ρ and the direct, indirect and total effects (simulation, {n_draws} "
                               "draws); stable signs and magnitudes across W support the main results.",
                         "zh": "在各空间权重矩阵（均行标准化）下重新估计本研究的 SDM：{list}。表中给出 ρ 及直接、间接与总效应"
                               "（模拟法，{n_draws} 次抽样）；各 W 下符号与大小稳定则支持主要结论。"},
    "p_rw_economic": {"en": "Economic distance: w_ij = 1/|x̄_i − x̄_j| with x̄ the period mean of {column}.",
                      "zh": "经济距离矩阵：w_ij = 1/|x̄_i − x̄_j|，x̄ 为 {column} 的期间均值。"},
    "p_rw_nested": {"en": "Nested weights: W = φ·W_geo + (1 − φ)·W_econ with φ = {phi} and W_geo = {geo}.",
                    "zh": "经济地理嵌套矩阵：W = φ·W地理 + (1 − φ)·W经济，φ = {phi}，W地理 为{geo}。"},
    "n_rw_main": {"en": "{w} is the W of the main model.", "zh": "{w}即主模型所用的 W。"},
    "n_rw_islands": {"en": "{w}: {units} have no neighbour within the distance band and were linked to their nearest "
                           "unit (island policy; the run log names the links).",
                     "zh": "{w}：{units} 在距离阈值内无邻居，已与最近的单元相连（孤岛处理规则，运行日志列出所加连接）。"},
    "sheet_sdm_robustness": {"en": "sdm_robustness", "zh": "稳健性检验"},
    "log_regions": {"en": "regional SDMs: units per region: {regions}", "zh": "分区域 SDM：各区域单元数：{regions}"},
    "log_robust_w": {"en": "robustness: W {w}: {n} units, {linked} with neighbours",
                     "zh": "稳健性检验：W {w}：{n} 个单元，其中 {linked} 个有邻居"},
    "log_w_file_subset": {"en": "robustness: {file}: units not in the data dropped from W: {units}",
                          "zh": "稳健性检验：{file}：已从 W 中删除数据中没有的单元：{units}"},
    # -- seed analyses: DEA, mismatch, trends, Theil, convergence (issue 16) ----------------------------------
    "s_dea": {"en": "Efficiency (data envelopment analysis)", "zh": "效率评价（数据包络分析）"},
    "dea_bcc": {"en": "BCC (variable returns to scale)", "zh": "BCC（规模报酬可变）"},
    "dea_ccr": {"en": "CCR (constant returns to scale)", "zh": "CCR（规模报酬不变）"},
    "dea_input": {"en": "input-oriented", "zh": "投入导向"},
    "dea_output": {"en": "output-oriented", "zh": "产出导向"},
    "dea_frontier_yearly": {"en": "one frontier per year", "zh": "逐年构建生产前沿"},
    "dea_frontier_pooled": {"en": "one frontier of all unit-years pooled", "zh": "全部单元—年份合并构建统一前沿"},
    "dea_slacks": {"en": "two-phase slacks (Cooper, Seiford & Tone 2007)",
                   "zh": "两阶段松弛变量（Cooper、Seiford 与 Tone，2007）"},
    "dea_radial": {"en": "radial scores only (no slacks)", "zh": "仅径向效率（不计松弛变量）"},
    "p_dea": {"en": "DEA {model}, {orientation}, {frontier}; inputs: {inputs}; outputs: {outputs}; {slacks}. "
                    "Efficiency is θ* (input orientation) or 1/η* (output orientation), in (0, 1]; scale efficiency "
                    "= CCR / BCC.",
              "zh": "DEA {model}，{orientation}，{frontier}；投入：{inputs}；产出：{outputs}；{slacks}。效率值为 θ*"
                    "（投入导向）或 1/η*（产出导向），取值于 (0, 1]；规模效率 = CCR / BCC。"},
    "t_dea_summary": {"en": "DEA efficiency by year, {model}", "zh": "各年 DEA 效率（{model}）"},
    "sheet_dea_summary": {"en": "DEA by year", "zh": "各年效率"},
    "n_dea_efficient": {"en": "Efficient units are strongly (Pareto–Koopmans) efficient: efficiency 1 and all slacks "
                              "zero; means are unweighted over units.",
                        "zh": "有效单元指强有效（Pareto–Koopmans）：效率为 1 且松弛变量全为零；均值为各单元的简单平均。"},
    "t_dea_efficiency": {"en": "DEA efficiency by unit and year", "zh": "各单元逐年 DEA 效率"},
    "sheet_dea_efficiency": {"en": "DEA efficiency", "zh": "效率值"},
    "f_dea_trend": {"en": "DEA efficiency: national and regional means", "zh": "DEA 效率：全国与区域均值"},
    "col_dea_eff": {"en": "efficiency", "zh": "效率"},
    "col_n_efficient": {"en": "efficient units", "zh": "有效单元数"},
    "col_pct_efficient": {"en": "efficient (%)", "zh": "有效单元占比（%）"},
    "col_ccr": {"en": "CCR efficiency", "zh": "CCR 效率"},
    "col_bcc": {"en": "BCC efficiency", "zh": "BCC 效率"},
    "col_scale_eff": {"en": "scale efficiency", "zh": "规模效率"},
    "col_super_eff": {"en": "super-efficiency", "zh": "超效率"},
    "s_mismatch": {"en": "Resource-allocation mismatch (health distance)", "zh": "资源配置错配度（健康距离）"},
    "p_mismatch": {"en": "The ideal allocation of the resources {resources} is the fairest one (minimum sum of the "
                         "Gini coefficients against the demand {demand}) that gives every unit at least its "
                         "efficient requirement (input-oriented DEA-BCC target for the outputs {outputs}) and "
                         "exhausts each national total, solved exactly each year as one linear program; the "
                         "mismatch degree is the health distance HD = Σ_k w_k |P_k − Q_k| / Q_k between the actual "
                         "allocation P and the ideal one Q (0 where they coincide).",
                   "zh": "资源 {resources} 的理想配置为：在每个单元至少获得其有效需要量（以 {outputs} 为产出的投入导向 "
                         "DEA-BCC 目标值）且各资源全国总量全部分配的条件下，相对于需求 {demand} 的基尼系数之和最小的"
                         "（最公平的）配置，逐年以一个线性规划精确求解；错配度为实际配置 P 与理想配置 Q 之间的健康距离 "
                         "HD = Σ_k w_k |P_k − Q_k| / Q_k（两者相同时为 0）。"},
    "p_mm_levels": {"en": "Levels: {k} classes of HD, {how}; a value equal to a cut point belongs to the higher "
                          "class.",
                    "zh": "等级：HD 分为 {k} 级，{how}；等于分界点的值归入较高一级。"},
    "mm_kmeans": {"en": "cut points at the midpoints between the centres of a seeded K-means clustering of all "
                        "unit-years",
                  "zh": "分界点为全部单元—年份的 K 均值聚类（固定随机种子）相邻中心的中点"},
    "mm_thresholds": {"en": "cut points given in the study file", "zh": "分界点由研究文件给定"},
    "mm_level_k": {"en": "level {k}", "zh": "第 {k} 级"},
    "t_mm_weights": {"en": "Weights of the resources in the health distance", "zh": "健康距离中各资源的权重"},
    "sheet_mm_weights": {"en": "HD weights", "zh": "健康距离权重"},
    "mm_weights_evaluation": {"en": "Weights of the evaluation step, renormalised to sum 1 over the resources.",
                              "zh": "取自指标赋权步骤，并在各资源间重新归一化（和为 1）。"},
    "mm_weights_equal": {"en": "Equal weights.", "zh": "等权重。"},
    "mm_weights_given": {"en": "Weights given in the study file.", "zh": "权重由研究文件给定。"},
    "t_mm_levels": {"en": "Mismatch levels and their intervals of HD", "zh": "错配等级及其健康距离区间"},
    "sheet_mm_levels": {"en": "mismatch levels", "zh": "错配等级"},
    "col_level_code": {"en": "level", "zh": "等级序号"},
    "col_level": {"en": "mismatch level", "zh": "错配等级"},
    "col_interval": {"en": "HD interval", "zh": "健康距离区间"},
    "t_mm_hd": {"en": "Mismatch degree (health distance HD) by unit and year", "zh": "各单元逐年错配度（健康距离 HD）"},
    "sheet_mm_hd": {"en": "health distance", "zh": "健康距离"},
    "level_in": {"en": "Level {year}", "zh": "{year}年等级"},
    "t_mm_means": {"en": "Mean mismatch degree by year, for the nation and by {group}, and the level of each mean",
                   "zh": "逐年全国及按{group}划分的平均错配度及其所属等级"},
    "sheet_mm_means": {"en": "mean mismatch", "zh": "平均错配度"},
    "col_mean_hd": {"en": "mean HD", "zh": "健康距离均值"},
    "col_level_of_mean": {"en": "level of the mean", "zh": "均值所属等级"},
    "t_mm_shares": {"en": "Share of units in each mismatch level by year (%)", "zh": "逐年各错配等级的单元占比（%）"},
    "sheet_mm_shares": {"en": "level shares", "zh": "等级占比"},
    "t_mm_shares_region": {"en": "Share of units in each mismatch level by {group} and year (%)",
                           "zh": "按{group}划分的逐年各错配等级单元占比（%）"},
    "sheet_mm_shares_region": {"en": "level shares by region", "zh": "分区域等级占比"},
    "f_mm_trend": {"en": "Mismatch degree HD: national and regional means", "zh": "错配度 HD：全国与区域均值"},
    "f_mm_maps": {"en": "Mismatch levels, {years}", "zh": "错配等级空间分布（{years}）"},
    "s_trends": {"en": "Composite-index trends", "zh": "综合指数变化趋势"},
    "p_trends": {"en": "Unweighted means of {columns} by year for the nation and by {group}.",
                 "zh": "{columns} 的全国及按{group}划分的逐年简单平均值。"},
    "t_trends": {"en": "National means and means by {group}, by year", "zh": "全国及按{group}划分的逐年均值"},
    "sheet_trends": {"en": "trends", "zh": "综合指数趋势"},
    "f_trend": {"en": "{column}: national and regional means", "zh": "{column}：全国与区域均值"},
    "s_rm": {"en": "Regional means of {column}", "zh": "分区域 {column} 均值"},
    "p_rm": {"en": "Unweighted means of {column} by year for the nation and by {group}; the last row is the "
                   "mean over the years.",
             "zh": "{column} 的全国及按{group}划分的逐年简单平均值；末行为各年均值。"},
    "t_rm": {"en": "{column} by year, nation and {group}", "zh": "逐年全国及按{group}划分的 {column}"},
    "sheet_rm": {"en": "regional means", "zh": "分区域均值"},
    "t_rm_growth": {"en": "{column}: first and last year, mean and growth by region",
                    "zh": "{column}：各区域首末年值、均值与增长率"},
    "sheet_rm_growth": {"en": "regional growth", "zh": "区域增长"},
    "n_rm_growth": {"en": "Total growth = 100 (last / first − 1); annual growth is the geometric mean rate per year.",
                    "zh": "总增长率 = 100 ×（末年值 / 首年值 − 1）；年均增长率为几何平均增长率。"},
    "col_region": {"en": "region", "zh": "区域"},
    "col_first": {"en": "first year", "zh": "首年"},
    "col_last": {"en": "last year", "zh": "末年"},
    "col_total_growth": {"en": "total growth (%)", "zh": "总增长率（%）"},
    "col_annual_growth": {"en": "annual growth (%)", "zh": "年均增长率（%）"},
    "s_theil": {"en": "Theil index", "zh": "Theil 指数"},
    "p_theil": {"en": "Theil T (GE(1)) and Theil L (mean log deviation) of {column} by year, decomposed into the parts "
                      "within and between the groups of {group} (Shorrocks 1980).",
                "zh": "{column} 的逐年 Theil T 指数（GE(1)）与 Theil L 指数（平均对数偏差），并分解为{group}的组内"
                      "与组间两部分（Shorrocks，1980）。"},
    "t_theil": {"en": "Theil index of {column} by year, within and between the groups of {group}",
                "zh": "{column} 的逐年 Theil 指数及按{group}的组内、组间分解"},
    "sheet_theil": {"en": "Theil", "zh": "Theil 指数"},
    "f_theil": {"en": "Theil T of {column} and its within- and between-region parts",
                "zh": "{column} 的 Theil T 指数及其区域内、区域间部分"},
    "col_theil_t": {"en": "Theil T", "zh": "Theil T"},
    "col_theil_t_within": {"en": "T within", "zh": "T 区域内"},
    "col_theil_t_between": {"en": "T between", "zh": "T 区域间"},
    "col_theil_t_within_pct": {"en": "T within (%)", "zh": "T 区域内占比（%）"},
    "col_theil_l": {"en": "Theil L", "zh": "Theil L"},
    "col_theil_l_within": {"en": "L within", "zh": "L 区域内"},
    "col_theil_l_between": {"en": "L between", "zh": "L 区域间"},
    "col_theil_l_within_pct": {"en": "L within (%)", "zh": "L 区域内占比（%）"},
    "s_convergence": {"en": "Convergence", "zh": "收敛性分析"},
    "cv_measure_cv": {"en": "coefficient of variation", "zh": "变异系数"},
    "cv_measure_sd": {"en": "standard deviation", "zh": "标准差"},
    "cv_measure_sd_log": {"en": "standard deviation of logs", "zh": "对数标准差"},
    "p_sigma": {"en": "σ-convergence: the {measure} of {column} across units by year and its linear trend; a "
                      "significantly negative slope means the units converge.",
                "zh": "σ 收敛：{column} 在各单元间的逐年{measure}及其线性趋势；斜率显著为负表示存在 σ 收敛。"},
    "t_sigma": {"en": "σ-convergence of {column}: {measure} by year", "zh": "{column} 的 σ 收敛：逐年{measure}"},
    "sheet_sigma": {"en": "sigma convergence", "zh": "σ收敛"},
    "t_sigma_trend": {"en": "Linear trend of the {measure}", "zh": "{measure}的线性趋势"},
    "sheet_sigma_trend": {"en": "sigma trend", "zh": "σ收敛趋势"},
    "f_sigma": {"en": "σ-convergence of {column} ({measure})", "zh": "{column} 的 σ 收敛（{measure}）"},
    "p_beta": {"en": "β-convergence of {column} ({method}): the growth ln(y_t+1 / y_t) regressed on ln y_t; β < 0 "
                     "(significant) means units that start lower grow faster.",
               "zh": "{column} 的 β 收敛（{method}）：以增长率 ln(y_t+1 / y_t) 对 ln y_t 回归；β 显著为负表示初始水平"
                     "较低的单元增长更快。"},
    "p_beta_conditional": {"en": "Conditional β-convergence controls for {controls}, {effects}.",
                           "zh": "条件 β 收敛控制了 {controls}，并采用{effects}。"},
    "cv_no_controls": {"en": "no further variables", "zh": "无其他变量"},
    "cv_method_ols": {"en": "OLS", "zh": "普通最小二乘"},
    "cv_method_sar": {"en": "spatial lag model (SAR)", "zh": "空间滞后模型（SAR）"},
    "cv_method_sdm": {"en": "spatial Durbin model (SDM)", "zh": "空间杜宾模型（SDM）"},
    "cv_absolute": {"en": "absolute β-convergence", "zh": "绝对 β 收敛"},
    "cv_conditional": {"en": "conditional β-convergence", "zh": "条件 β 收敛"},
    "t_beta": {"en": "β-convergence of {column}", "zh": "{column} 的 β 收敛"},
    "sheet_beta": {"en": "beta convergence", "zh": "β收敛"},
    "n_beta": {"en": "Speed λ = −ln(1 + β)/{step} per period and half-life ln 2/λ (delta-method standard errors).",
               "zh": "收敛速度 λ = −ln(1 + β)/{step}，半生命周期 ln 2/λ（标准误由一阶泰勒近似计算）。"},
    "p_cv_group": {"en": "Computed for the nation and for each group of {group}.", "zh": "分别对全国及{group}的各组计算。"},
    "p_cv_nation": {"en": "Computed for the nation.", "zh": "对全国计算。"},
    "col_slope": {"en": "slope", "zh": "斜率"},
    "col_tstat": {"en": "t", "zh": "t 值"},
    "col_converging": {"en": "converging", "zh": "是否收敛"},
    "col_beta": {"en": "β", "zh": "β"},
    "col_speed": {"en": "speed", "zh": "收敛速度"},
    "col_half_life": {"en": "half-life", "zh": "半生命周期"},
    "col_r2": {"en": "R²", "zh": "R²"},
    "col_n_obs": {"en": "observations", "zh": "观测数"},
    "col_n_units": {"en": "units", "zh": "单元数"},
    "col_rho": {"en": "ρ", "zh": "ρ"},
    # -- toolbox: Markov, hot spots, detector, GWR, centrography, TOPSIS (issue 20) ---------------------------
    "tb_s_markov": {"en": "Dynamic evolution: spatial Markov chains", "zh": "动态演进：空间马尔可夫链"},
    "tb_t_markov": {"en": "Classical and spatial Markov transition probabilities of {column}",
                    "zh": "{column} 的传统与空间马尔可夫转移概率矩阵"},
    "tb_sheet_markov": {"en": "markov", "zh": "马尔可夫转移矩阵"},
    "tb_n_markov": {"en": "Rows: class in year t; columns: class in year t + 1; n: transitions from the class; "
                          "p_ij = n_ij / n_i. Each block after the first conditions on the neighbours' class "
                          "(spatial lag) in year t.",
                    "zh": "行为 t 年类型，列为 t+1 年类型；n 为从该类型出发的转移次数；p_ij = n_ij / n_i。"
                          "第一块之后的各块以 t 年邻域（空间滞后）类型为条件。"},
    "tb_col_n": {"en": "n", "zh": "转移数"},
    "tb_col_lag": {"en": "lag class", "zh": "邻域类型"},
    "tb_col_from": {"en": "class in t", "zh": "t 年类型"},
    "tb_mk_no_lag": {"en": "Classical (no lag)", "zh": "传统马尔可夫（无空间滞后）"},
    "tb_mk_quantile": {"en": "{k} quantile classes of the pooled unit-years (Q1 lowest)",
                       "zh": "{k} 个全样本（混合单元-年份）分位数类型（Q1 最低）"},
    "tb_mk_grade": {"en": "the coordination grades of the [coordination] scheme",
                    "zh": "研究所用协调等级划分标准中的各等级"},
    "tb_p_markov": {"en": "Each unit's {column} is assigned to one of {classes}; cut points {cuts}. Transitions between "
                          "consecutive years give the transition probabilities (maximum likelihood, {n} transitions). "
                          "The spatial Markov chain (Rey 2001) estimates one matrix for each class of the neighbours' "
                          "average (the spatial lag, cut points {lag_cuts}) in the year of departure.",
                    "zh": "各单元的 {column} 划分为{classes}，分界点 {cuts}。由相邻年份间的类型转移估计转移概率"
                          "（极大似然，共 {n} 次转移）。空间马尔可夫链按出发年份邻域均值（空间滞后，分界点 "
                          "{lag_cuts}）的类型分别估计转移矩阵。"},
    "tb_t_markov_steady": {"en": "Steady state and sojourn time (years) by lag class",
                           "zh": "各邻域类型下的稳态分布与平均滞留时间（年）"},
    "tb_sheet_markov_steady": {"en": "markov_steady", "zh": "马尔可夫稳态"},
    "tb_n_markov_steady": {"en": "Steady state: the long-run share of each class (πP = π); blank when the chain has "
                                 "several closed classes. Sojourn time: 1/(1 − p_ii), the expected years before "
                                 "leaving a class; ∞: never left in the sample.",
                           "zh": "稳态分布为各类型的长期占比（πP = π），链存在多个闭类时留空；平均滞留时间为 "
                                 "1/(1 − p_ii)，即离开该类型前的期望年数；∞ 表示样本中从未离开。"},
    "tb_mk_steady": {"en": "Steady state", "zh": "稳态分布"},
    "tb_mk_sojourn": {"en": "Sojourn time (years)", "zh": "平均滞留时间（年）"},
    "tb_t_markov_tests": {"en": "Homogeneity of the transition probabilities over the lag classes",
                          "zh": "转移概率在各邻域类型间的同质性检验"},
    "tb_sheet_markov_tests": {"en": "markov_tests", "zh": "马尔可夫同质性检验"},
    "tb_n_markov_tests": {"en": "H0: the transition probabilities do not depend on the neighbours' class (Bickenbach & "
                                "Bode 2003); Q and LR are χ² with the degrees of freedom shown.",
                          "zh": "原假设：转移概率与邻域类型无关；Q 与似然比统计量服从所示自由度的 χ² 分布。"},
    "tb_n_markov_no_df": {"en": "No class is observed as an origin in two lag classes with two destinations: the tests "
                                "have no degrees of freedom.",
                          "zh": "没有类型在两个以上邻域类型下出发且有两个以上去向，检验自由度为 0，无法计算。"},
    "tb_mk_q": {"en": "Q (Pearson χ²)", "zh": "Q 统计量（χ²）"},
    "tb_mk_lr": {"en": "LR (likelihood ratio)", "zh": "似然比统计量"},
    "tb_p_markov_tests": {"en": "The homogeneity test gives Q = {stat} (df = {df}, p = {p}): at the 5% level the "
                                "transition probabilities {verdict} on the neighbours' class.",
                          "zh": "同质性检验 Q = {stat}（自由度 {df}，p = {p}）：在 5% 水平上转移概率{verdict}邻域类型。"},
    "tb_mk_reject": {"en": "depend", "zh": "显著依赖于"},
    "tb_mk_no_reject": {"en": "do not depend significantly", "zh": "不显著依赖于"},
    "tb_p_markov_isolated": {"en": "{n} transitions of units without neighbours count in the classical matrix only.",
                             "zh": "无邻居单元的 {n} 次转移只计入传统马尔可夫矩阵。"},
    "tb_t_lisa_markov": {"en": "LISA Markov chain: transitions between the Moran scatter-plot quadrants",
                         "zh": "LISA 马尔可夫链：Moran 散点图象限间的转移概率"},
    "tb_sheet_lisa_markov": {"en": "lisa_markov", "zh": "LISA马尔可夫"},
    "tb_t_lisa_markov_types": {"en": "Space–time transition types", "zh": "时空跃迁类型"},
    "tb_sheet_lisa_markov_types": {"en": "lisa_markov_types", "zh": "时空跃迁类型"},
    "tb_n_lisa_markov_types": {"en": "Type 0: neither the unit nor its neighbours change; type I: only the unit moves; "
                                     "type II: only the neighbours move; type III: both move (Rey 2001).",
                               "zh": "类型 0：单元与邻域均未跃迁；类型Ⅰ：仅单元自身跃迁；类型Ⅱ：仅邻域跃迁；"
                                     "类型Ⅲ：单元与邻域同时跃迁。"},
    "tb_mk_type_0": {"en": "Type 0 (no move)", "zh": "类型 0（无跃迁）"},
    "tb_mk_type_I": {"en": "Type I (unit moves)", "zh": "类型Ⅰ（自身跃迁）"},
    "tb_mk_type_II": {"en": "Type II (neighbours move)", "zh": "类型Ⅱ（邻域跃迁）"},
    "tb_mk_type_III": {"en": "Type III (both move)", "zh": "类型Ⅲ（共同跃迁）"},
    "tb_col_type": {"en": "type", "zh": "类型"},
    "tb_col_share": {"en": "share", "zh": "占比"},
    "tb_p_lisa_markov": {"en": "In the LISA Markov chain each unit's state is its Moran scatter-plot quadrant of {column} "
                               "in the year; spatial cohesion (share of type 0 transitions) is {cohesion}, spatial flux "
                               "(types I and II) {flux}.",
                         "zh": "LISA 马尔可夫链以各单元当年 {column} 所在的 Moran 散点图象限为状态；空间凝聚度"
                               "（类型 0 占比）为 {cohesion}，空间流动性（类型Ⅰ与Ⅱ占比）为 {flux}。"},
    "tb_f_markov": {"en": "Transition probabilities of {column}: classical and by lag class",
                    "zh": "{column} 的转移概率：传统矩阵与各邻域类型矩阵"},
    "tb_s_hotspots": {"en": "Hot spots (Getis–Ord Gi*)", "zh": "冷热点分析（局部 Gi* 统计量）"},
    "tb_t_hotspots": {"en": "Gi* hot and cold spots of {column}: units per class", "zh": "{column} 的 Gi* 冷热点：各类型单元数"},
    "tb_sheet_hotspots": {"en": "hot_spots", "zh": "冷热点计数"},
    "tb_t_hotspots_units": {"en": "Gi* of {column} by unit ({years})", "zh": "各单元 {column} 的 Gi* 统计量（{years}）"},
    "tb_sheet_hotspots_units": {"en": "hot_spots_units", "zh": "冷热点单元"},
    "tb_n_hotspots": {"en": "G*: the share of the total in the unit's neighbourhood, the unit included; z: its "
                            "standardised value (Ord & Getis 1995); p: conditional-permutation pseudo p-value "
                            "(adjusted when an adjustment is chosen).",
                      "zh": "G* 为包含自身在内的邻域值占总量的比例；z 为其标准化值；p 为条件置换伪 p 值（选择校正时为校正后的值）。"},
    "tb_col_g_star": {"en": "G*", "zh": "G*"},
    "tb_hs_hot spot": {"en": "hot spot", "zh": "热点"},
    "tb_hs_cold spot": {"en": "cold spot", "zh": "冷点"},
    "tb_hs_not significant": {"en": "not significant", "zh": "不显著"},
    "tb_hs_isolated": {"en": "isolated", "zh": "孤立"},
    "tb_p_hotspots": {"en": "The local Getis–Ord Gi* of {column} in every year, with self-inclusive weights: a hot spot "
                            "is a unit whose neighbourhood holds significantly more of the total than expected, a cold "
                            "spot one with significantly less. Inference as for the LISA: {permutations} conditional "
                            "permutations per year (seed {seed}), α = {alpha}, {adjust}; units without neighbours are "
                            "isolated, never significant.",
                      "zh": "逐年计算 {column} 的局部 Gi* 统计量（权重包含单元自身）：热点指邻域合计显著高于期望的单元，"
                            "冷点则显著低于期望。推断方式与 LISA 相同：每年 {permutations} 次条件置换（随机种子 "
                            "{seed}），α = {alpha}，{adjust}；无邻居单元标为孤立，不判为显著。"},
    "tb_f_hotspots": {"en": "Gi* hot and cold spots of {column}, {years}", "zh": "{column} 的 Gi* 冷热点分布（{years}）"},
    "tb_adjust_fdr": {"en": "false-discovery-rate (Benjamini–Hochberg) adjustment within each year",
                      "zh": "逐年做错误发现率校正"},
    "tb_adjust_bonferroni": {"en": "Bonferroni adjustment within each year", "zh": "逐年做邦费罗尼校正"},
    "tb_s_bivariate": {"en": "Two-system association: bivariate Moran's I and LISA",
                       "zh": "双系统空间关联：双变量 Moran's I 与 LISA"},
    "tb_t_bv_moran": {"en": "Bivariate Moran's I of {x} with the spatial lag of {y}",
                      "zh": "{x} 与 {y} 空间滞后的双变量 Moran's I"},
    "tb_sheet_bv_moran": {"en": "bivariate_moran", "zh": "双变量Moran"},
    "tb_n_bv_moran": {"en": "E and SD: mean and standard deviation of I over {permutations} random permutations; "
                            "z = (I − E)/SD; p: two-sided pseudo p-value.",
                      "zh": "E 与 SD 为 {permutations} 次随机置换下 I 的均值与标准差；z = (I − E)/SD；p 为双侧伪 p 值。"},
    "tb_col_bv_i": {"en": "I", "zh": "I"},
    "tb_col_e_sim": {"en": "E", "zh": "E"},
    "tb_col_sd_sim": {"en": "SD", "zh": "SD"},
    "tb_t_bv_clusters": {"en": "Bivariate LISA of {x} and the lag of {y}: units per cluster",
                         "zh": "{x} 与 {y} 空间滞后的双变量 LISA：各聚类单元数"},
    "tb_sheet_bv_clusters": {"en": "bivariate_clusters", "zh": "双变量LISA计数"},
    "tb_p_bivariate": {"en": "Is {x} high where the neighbours' {y} is high? The bivariate Moran's I (Anselin, Syabri & "
                             "Smirnov 2002) is the slope of the standardised {x} on the spatial lag of the standardised "
                             "{y}; the bivariate LISA I_i = z_x,i · (W z_y)_i locates the clusters (HH: high {x} among "
                             "neighbours with high {y}). Inference: {permutations} permutations per year (seed {seed}), "
                             "α = {alpha}, {adjust}.",
                       "zh": "{x} 是否在邻域 {y} 较高处也较高？双变量 Moran's I 为标准化 {x} 对标准化 {y} 空间滞后的"
                             "斜率；双变量 LISA I_i = z_x,i · (W z_y)_i 识别聚类位置（高-高：{x} 高且邻域 {y} 高）。"
                             "推断：每年 {permutations} 次置换（随机种子 {seed}），α = {alpha}，{adjust}。"},
    "tb_f_bivariate": {"en": "Bivariate LISA clusters of {x} and the lag of {y}, {years}",
                       "zh": "{x} 与 {y} 空间滞后的双变量 LISA 聚类图（{years}）"},
    "tb_s_detector": {"en": "Driving factors: geographical detector", "zh": "驱动因素：地理探测器"},
    "tb_t_dt_factor": {"en": "Factor detector: q statistic of each factor for {y}", "zh": "因子探测：各因子对 {y} 的 q 值"},
    "tb_sheet_dt_factor": {"en": "detector_factor", "zh": "因子探测"},
    "tb_n_dt_factor": {"en": "q = 1 − Σ_h N_h σ²_h / (N σ²), the share of the variance of Y explained by the strata; "
                             "p: non-central F test (Wang, Zhang & Fu 2016); p (ANOVA): the central F of H0 equal "
                             "stratum means.",
                       "zh": "q = 1 − Σ_h N_h σ²_h / (N σ²)，即分层所解释的 Y 方差比例；p 为非中心 F 检验；"
                             "p（方差分析）为各层均值相等原假设的中心 F 检验。"},
    "tb_col_factor": {"en": "factor", "zh": "因子"},
    "tb_col_q": {"en": "q", "zh": "q 值"},
    "tb_col_strata": {"en": "strata", "zh": "分层数"},
    "tb_col_n_units": {"en": "N", "zh": "样本数"},
    "tb_col_f": {"en": "F", "zh": "F 值"},
    "tb_col_lambda": {"en": "λ", "zh": "λ"},
    "tb_col_p_central": {"en": "p (ANOVA)", "zh": "p（方差分析）"},
    "tb_col_method": {"en": "discretisation", "zh": "离散化方法"},
    "tb_col_k": {"en": "k", "zh": "类数"},
    "tb_disc_equal": {"en": "equal intervals", "zh": "等间距法"},
    "tb_disc_quantile": {"en": "quantiles", "zh": "分位数法"},
    "tb_disc_natural": {"en": "natural breaks", "zh": "自然断点法"},
    "tb_disc_geometric": {"en": "geometric intervals", "zh": "几何间隔法"},
    "tb_disc_categorical": {"en": "categories", "zh": "类别变量"},
    "tb_t_dt_interaction": {"en": "Interaction detector", "zh": "交互作用探测"},
    "tb_sheet_dt_interaction": {"en": "detector_interaction", "zh": "交互作用探测"},
    "tb_n_dt_interaction": {"en": "q12 = q(X1 ∩ X2), the q of the strata crossing both factors; types as Wang & Xu "
                                  "(2017): nonlinear enhancement q12 > q1 + q2, bi-factor enhancement "
                                  "max(q1, q2) < q12 < q1 + q2.",
                            "zh": "q12 = q(X1 ∩ X2)，即两因子叠加分层的 q 值；类型按 Wang 与 Xu（2017）：非线性增强 "
                                  "q12 > q1 + q2，双因子增强为 q12 大于 q1 与 q2 中的较大者且小于 q1 + q2。"},
    "tb_col_pair": {"en": "factors", "zh": "因子组合"},
    "tb_col_q1": {"en": "q(X1)", "zh": "q(X1)"},
    "tb_col_q2": {"en": "q(X2)", "zh": "q(X2)"},
    "tb_col_q12": {"en": "q(X1 ∩ X2)", "zh": "q(X1 ∩ X2)"},
    "tb_col_interaction": {"en": "interaction", "zh": "交互作用类型"},
    "tb_int_nonlinear-weaken": {"en": "nonlinear weakening", "zh": "非线性减弱"},
    "tb_int_uni-weaken": {"en": "uni-factor nonlinear weakening", "zh": "单因子非线性减弱"},
    "tb_int_bi-enhance": {"en": "bi-factor enhancement", "zh": "双因子增强"},
    "tb_int_independent": {"en": "independent", "zh": "独立"},
    "tb_int_nonlinear-enhance": {"en": "nonlinear enhancement", "zh": "非线性增强"},
    "tb_t_dt_risk": {"en": "Risk detector: mean of {y} by stratum", "zh": "风险区探测：各分层 {y} 的均值"},
    "tb_sheet_dt_risk": {"en": "detector_risk", "zh": "风险区探测"},
    "tb_t_dt_risk_tests": {"en": "Risk detector: t tests between strata", "zh": "风险区探测：分层间均值差异 t 检验"},
    "tb_sheet_dt_risk_tests": {"en": "detector_risk_tests", "zh": "风险区t检验"},
    "tb_n_dt_risk": {"en": "Welch t test of equal means (two-sided); significant at α = {alpha}.",
                     "zh": "均值相等的韦尔奇 t 检验（双侧）；显著性水平 α = {alpha}。"},
    "tb_n_dt_risk_one": {"en": "Blank: a stratum with one unit (or no variance within either stratum) has no t test.",
                         "zh": "空白：仅含一个单元（或两层内均无变异）的分层无法做 t 检验。"},
    "tb_col_t": {"en": "t", "zh": "t 值"},
    "tb_col_significant": {"en": "significant", "zh": "是否显著"},
    "tb_t_dt_ecological": {"en": "Ecological detector: do two factors differ in their effect?",
                           "zh": "生态探测：两因子的作用是否存在显著差异"},
    "tb_sheet_dt_ecological": {"en": "detector_ecological", "zh": "生态探测"},
    "tb_n_dt_ecological": {"en": "F = SSW₁ / SSW₂ (within-strata sums of squares), two-sided at α = {alpha}; yes: the "
                                 "factors differ significantly.",
                           "zh": "F 为两因子层内平方和之比，双侧检验，α = {alpha}；“是”表示两因子作用差异显著。"},
    "tb_sample_mean": {"en": "the unit means over the years", "zh": "各单元的多年均值"},
    "tb_sample_pooled": {"en": "every unit-year (pooled)", "zh": "全部单元-年份（混合样本）"},
    "tb_sample_year": {"en": "the year {year}", "zh": "{year} 年截面"},
    "tb_dt_method": {"en": "{method}, {k} strata", "zh": "{method}，{k} 类"},
    "tb_dt_optimal": {"en": "for each factor the discretisation (equal intervals, quantiles, natural breaks, geometric "
                            "intervals) and number of strata (3 … {k}) with the largest q",
                      "zh": "各因子取 q 值最大的离散化方法（等间距、分位数、自然断点、几何间隔）与分类数（3 至 {k} 类）"},
    "tb_p_detector": {"en": "The geographical detector (Wang et al. 2010; Wang & Xu 2017) measures how much of the spatial "
                            "stratified heterogeneity of {y} each factor explains: {factors}, on {sample} ({n} "
                            "observations). Continuous factors are discretised by {how}.",
                      "zh": "地理探测器（Wang 等，2010；Wang 与 Xu，2017）度量各因子对 {y} 空间分异的解释力：{factors}，"
                            "样本为{sample}（{n} 个观测）。连续型因子的离散化：{how}。"},
    "tb_p_detector_best": {"en": "The strongest single factor is {factor} (q = {q}).",
                           "zh": "单因子解释力最强的是 {factor}（q = {q}）。"},
    "tb_f_detector": {"en": "Geographical detector of {y}: q by factor and interactions",
                      "zh": "{y} 的地理探测结果：各因子 q 值与交互作用"},
    "tb_s_gwr": {"en": "Spatial heterogeneity: geographically weighted regression", "zh": "空间异质性：地理加权回归"},
    "tb_kind_gwr": {"en": "GWR", "zh": "地理加权回归"},
    "tb_kind_mgwr": {"en": "MGWR", "zh": "多尺度地理加权回归"},
    "tb_t_gwr": {"en": "{kind} of {y}: local coefficients over the units", "zh": "{y} 的{kind}：局部系数的分布"},
    "tb_sheet_gwr": {"en": "gwr_coefficients", "zh": "地理加权回归系数"},
    "tb_n_gwr_significant": {"en": "Share significant: units whose local |t| exceeds the critical value corrected for "
                                   "multiple testing (da Silva & Fotheringham 2016).",
                             "zh": "显著占比：局部 |t| 超过多重检验校正后临界值的单元比例。"},
    "tb_n_mgwr_standardised": {"en": "MGWR coefficients are those of standardised variables (z-scores).",
                               "zh": "多尺度地理加权回归的系数为标准化变量（z 分数）的系数。"},
    "tb_col_term": {"en": "term", "zh": "变量"},
    "tb_col_q1_quartile": {"en": "lower quartile", "zh": "下四分位数"},
    "tb_col_median": {"en": "median", "zh": "中位数"},
    "tb_col_q3_quartile": {"en": "upper quartile", "zh": "上四分位数"},
    "tb_col_share_significant": {"en": "share significant", "zh": "显著占比"},
    "tb_col_bandwidth": {"en": "bandwidth", "zh": "带宽"},
    "tb_col_p_variability": {"en": "p (spatial variability)", "zh": "p（空间变异检验）"},
    "tb_gwr_intercept": {"en": "Intercept", "zh": "常数项"},
    "tb_t_gwr_fit": {"en": "{kind}: bandwidth and fit", "zh": "{kind}：带宽与拟合优度"},
    "tb_sheet_gwr_fit": {"en": "gwr_fit", "zh": "地理加权回归拟合"},
    "tb_col_measure": {"en": "measure", "zh": "指标"},
    "tb_gwr_kernel": {"en": "kernel", "zh": "核函数"},
    "tb_gwr_aicc": {"en": "AICc", "zh": "修正赤池信息准则"},
    "tb_gwr_aicc_ols": {"en": "AICc of the global OLS regression", "zh": "全局最小二乘回归的修正赤池信息准则"},
    "tb_gwr_adj_r2": {"en": "adjusted R²", "zh": "调整 R²"},
    "tb_gwr_enp": {"en": "effective number of parameters", "zh": "有效参数个数"},
    "tb_gwr_km": {"en": "km", "zh": "千米"},
    "tb_gwr_neighbours": {"en": "nearest neighbours", "zh": "近邻单元数"},
    "tb_kernel_bisquare": {"en": "bisquare", "zh": "双平方核"},
    "tb_kernel_gaussian": {"en": "Gaussian", "zh": "高斯核"},
    "tb_kernel_exponential": {"en": "exponential", "zh": "指数核"},
    "tb_p_gwr": {"en": "{kind} (Brunsdon, Fotheringham & Charlton 1996; multiscale: Fotheringham, Yang & Kang 2017) of "
                       "{y} on {terms}, on {sample} ({n} units): each unit has its own coefficients, estimated by "
                       "weighted least squares with a {kernel} kernel whose bandwidth is measured in {unit}; the "
                       "bandwidth minimises the AICc (golden-section search, PySAL mgwr). Units are placed at their "
                       "equal-area (Albers) centroids.",
                 "zh": "{y} 对 {terms} 的{kind}，样本为{sample}（{n} 个单元）：每个单元有各自的系数，以{kernel}对"
                       "带宽（以{unit}计）内的单元做加权最小二乘估计；带宽按修正赤池信息准则最小化（黄金分割搜索）选取。"
                       "单元位置取等积投影下的几何中心。"},
    "tb_p_gwr_variability": {"en": "p (spatial variability): Monte Carlo test of each coefficient's spatial variation, "
                                   "{permutations} random permutations of the locations, each with a new bandwidth "
                                   "search.",
                             "zh": "p（空间变异检验）为各系数空间变异的蒙特卡洛检验：位置随机置换 {permutations} 次，"
                                   "每次重新搜索带宽。"},
    "tb_f_gwr": {"en": "{kind} of {y}: local coefficients", "zh": "{y} 的{kind}局部系数空间分布"},
    "tb_s_gravity": {"en": "Centre of gravity and standard deviational ellipse", "zh": "重心迁移与标准差椭圆"},
    "tb_t_gravity": {"en": "Centre of gravity by year and its migration", "zh": "逐年重心坐标与迁移轨迹"},
    "tb_sheet_gravity": {"en": "gravity_centres", "zh": "重心迁移"},
    "tb_n_gravity": {"en": "Centres weighted by the column, in the Albers equal-area projection (x, y in km) and back in "
                           "degrees; distance: planar move from the previous year; great circle: along the earth's "
                           "surface; azimuth: degrees clockwise from north.",
                     "zh": "以该列为权重计算重心，坐标为等积投影下的千米坐标并换算为经纬度；移动距离为与上一年相比的"
                           "平面距离，大圆距离沿地球表面计算；方位角为自正北顺时针的角度。"},
    "tb_col_lon": {"en": "longitude (°E)", "zh": "经度（°E）"},
    "tb_col_lat": {"en": "latitude (°N)", "zh": "纬度（°N）"},
    "tb_col_x_km": {"en": "x (km)", "zh": "x（千米）"},
    "tb_col_y_km": {"en": "y (km)", "zh": "y（千米）"},
    "tb_col_distance": {"en": "distance (km)", "zh": "移动距离（千米）"},
    "tb_col_great_circle": {"en": "great circle (km)", "zh": "大圆距离（千米）"},
    "tb_col_azimuth": {"en": "azimuth (°)", "zh": "方位角（°）"},
    "tb_col_direction": {"en": "direction", "zh": "移动方向"},
    "tb_col_speed": {"en": "speed (km/year)", "zh": "移动速度（千米/年）"},
    "tb_dir_N": {"en": "north", "zh": "北"},
    "tb_dir_NE": {"en": "north-east", "zh": "东北"},
    "tb_dir_E": {"en": "east", "zh": "东"},
    "tb_dir_SE": {"en": "south-east", "zh": "东南"},
    "tb_dir_S": {"en": "south", "zh": "南"},
    "tb_dir_SW": {"en": "south-west", "zh": "西南"},
    "tb_dir_W": {"en": "west", "zh": "西"},
    "tb_dir_NW": {"en": "north-west", "zh": "西北"},
    "tb_t_ellipse": {"en": "Standard deviational ellipse by year", "zh": "逐年标准差椭圆参数"},
    "tb_sheet_ellipse": {"en": "gravity_ellipses", "zh": "标准差椭圆"},
    "tb_n_ellipse": {"en": "Semi-axes along the eigenvectors of the weighted covariance of the centroids, scaled by "
                           "{scale} (Lefever 1926; Yuill 1971); azimuth of the major axis clockwise from north; "
                           "flattening 1 − minor/major.",
                     "zh": "长短半轴沿质心加权协方差矩阵的特征向量方向，尺度为{scale}；方位角为长轴自正北顺时针的角度；"
                           "扁率为 1 − 短半轴/长半轴。"},
    "tb_col_major": {"en": "major semi-axis (km)", "zh": "长半轴（千米）"},
    "tb_col_minor": {"en": "minor semi-axis (km)", "zh": "短半轴（千米）"},
    "tb_col_azimuth_major": {"en": "azimuth (°)", "zh": "方位角（°）"},
    "tb_col_area": {"en": "area (10⁴ km²)", "zh": "面积（万平方千米）"},
    "tb_col_flattening": {"en": "flattening", "zh": "扁率"},
    "tb_scale_std": {"en": "one standard deviation", "zh": "一倍标准差"},
    "tb_scale_arcgis": {"en": "√2 standard deviations (ArcGIS)", "zh": "√2 倍标准差"},
    "tb_scale_crimestat": {"en": "√2·√(n/(n − 2)) standard deviations (CrimeStat)", "zh": "√2·√(n/(n − 2)) 倍标准差"},
    "tb_p_gravity": {"en": "The centre of gravity of {columns} is the weighted mean of the {n} units' equal-area centroids; "
                           "its path over the years shows where the weight moves, and the standard deviational "
                           "ellipse its spread and main direction.",
                     "zh": "{columns} 的重心为 {n} 个单元等积投影几何中心的加权平均；其逐年轨迹反映权重的空间迁移，"
                           "标准差椭圆反映其离散范围与主导方向。"},
    "tb_p_gravity_move": {"en": "{column}: from {first} to {last} the centre moved {total} km in all, {net} km net towards "
                                "the {direction}.",
                          "zh": "{column}：{first}—{last} 年重心累计移动 {total} 千米，净位移 {net} 千米，总体向{direction}方向迁移。"},
    "tb_f_gravity": {"en": "Centre of gravity path and standard deviational ellipses of {columns} ({years})",
                     "zh": "{columns} 的重心迁移轨迹与标准差椭圆（{years}）"},
    "tb_s_topsis": {"en": "Alternative composite score: TOPSIS", "zh": "替代综合评价：逼近理想解排序法"},
    "tb_t_topsis": {"en": "TOPSIS closeness coefficient C by year (mean over the units)",
                    "zh": "逼近理想解贴近度 C 的逐年均值"},
    "tb_sheet_topsis": {"en": "topsis", "zh": "贴近度均值"},
    "tb_t_topsis_units": {"en": "Closeness coefficient by unit ({year}, rank, mean over the years)",
                          "zh": "各单元贴近度（{year} 年、排名与多年均值）"},
    "tb_sheet_topsis_units": {"en": "topsis_units", "zh": "各单元贴近度"},
    "tb_col_c_last": {"en": "{subsystem}: C {year}", "zh": "{subsystem}：{year} 年 C"},
    "tb_col_rank_last": {"en": "{subsystem}: rank", "zh": "{subsystem}：排名"},
    "tb_col_c_mean": {"en": "{subsystem}: mean C", "zh": "{subsystem}：C 均值"},
    "tb_t_topsis_agreement": {"en": "Agreement of the closeness coefficient with the linear score U",
                              "zh": "贴近度与线性加权得分 U 的一致性"},
    "tb_sheet_topsis_agreement": {"en": "topsis_agreement", "zh": "贴近度一致性"},
    "tb_col_pearson": {"en": "Pearson r", "zh": "皮尔逊相关系数"},
    "tb_col_spearman": {"en": "Spearman ρ", "zh": "斯皮尔曼秩相关系数"},
    "tb_t_topsis_weights": {"en": "TOPSIS indicator weights ({weighting})", "zh": "逼近理想解的指标权重（{weighting}）"},
    "tb_sheet_topsis_weights": {"en": "topsis_weights", "zh": "逼近理想解权重"},
    "tb_topsis_user": {"en": "user weights", "zh": "用户给定权重"},
    "tb_topsis_pooled": {"en": "over all unit-years, so the coefficients are comparable over the years",
                         "zh": "基于全部单元-年份确定，因此各年贴近度可比"},
    "tb_topsis_per_year": {"en": "year by year, so coefficients of different years are not comparable",
                           "zh": "逐年确定，因此不同年份的贴近度不可比"},
    "tb_p_topsis": {"en": "TOPSIS (Hwang & Yoon 1981) scores every unit-year by its distances D⁺ and D⁻ to the best and "
                          "worst weighted indicator values: C = D⁻ / (D⁺ + D⁻), per subsystem. Indicators are "
                          "standardised as in the evaluation ({standardise}) and weighted by {weighting}; the ideal "
                          "solutions are taken {pooled}.",
                    "zh": "逼近理想解排序法按各单元-年份到加权指标最优值与最劣值的距离 D⁺、D⁻ 计算各子系统的贴近度 "
                          "C = D⁻ / (D⁺ + D⁻)。指标标准化与综合评价相同（{standardise}），权重为{weighting}；"
                          "正负理想解{pooled}。"},
    "tb_p_topsis_agreement": {"en": "Over all unit-years, Spearman's rank correlation of C with the linear score U of "
                                    "the same subsystem is at least {low}.",
                              "zh": "在全部单元-年份上，各子系统贴近度 C 与同一子系统线性加权得分 U 的斯皮尔曼秩相关系数"
                                    "均不低于 {low}。"},
    "tb_f_topsis": {"en": "TOPSIS closeness coefficient by year", "zh": "逼近理想解贴近度的逐年变化"},
    "bandwidth": {"en": "bandwidth", "zh": "带宽"},
    # -- model family: dynamic, SAC/GNS, Bayesian comparison (issue 19) ---------------------------------------
    "mf_name_sar": {"en": "spatial lag model (SAR)", "zh": "空间滞后模型（SAR）"},
    "mf_name_sem": {"en": "spatial error model (SEM)", "zh": "空间误差模型（SEM）"},
    "mf_name_sdem": {"en": "spatial Durbin error model (SDEM)", "zh": "空间杜宾误差模型（SDEM）"},
    "mf_name_slx": {"en": "spatial lag of X model (SLX)", "zh": "解释变量空间滞后模型（SLX）"},
    "mf_name_sac": {"en": "spatial autoregressive combined model (SAC)", "zh": "空间自回归组合模型（SAC）"},
    "mf_name_gns": {"en": "general nesting spatial model (GNS)", "zh": "广义嵌套空间模型（GNS）"},
    "mf_name_dynamic_sar": {"en": "dynamic spatial lag model (SAR)", "zh": "动态空间滞后模型（SAR）"},
    "mf_name_dynamic_sdm": {"en": "dynamic spatial Durbin model (SDM)", "zh": "动态空间杜宾模型（SDM）"},
    "mf_dynamic_short": {"en": "dynamic {kind}", "zh": "动态 {kind}"},
    "mf_t_model": {"en": "{model}: {formula}", "zh": "{model}：{formula}"},
    "mf_t_effects_dynamic": {"en": "Short-run and long-run effects of the {model}: {formula}",
                             "zh": "{model}的短期与长期效应：{formula}"},
    "mf_col_short_run": {"en": "Short run", "zh": "短期"},
    "mf_col_long_run": {"en": "Long run", "zh": "长期"},
    "mf_col_uncorrected": {"en": "Before the bias correction", "zh": "偏误校正前"},
    "mf_bias_lee-yu": {"en": "Lee–Yu (2010)", "zh": "Lee–Yu（2010）"},
    "mf_bias_yu-de-jong-lee": {"en": "Yu–de Jong–Lee (2008)", "zh": "Yu–de Jong–Lee（2008）"},
    "mf_bias_elhorst": {"en": "Elhorst", "zh": "Elhorst"},
    "mf_n_error_weights": {"en": "Error process u = λMu + ε with M = {m}.", "zh": "误差过程 u = λMu + ε，M = {m}。"},
    "mf_m_is_w": {"en": "W (the matrix of the spatial lag)", "zh": "W（与空间滞后项相同的矩阵）"},
    "mf_n_dynamic": {"en": "Quasi-ML conditional on the first period ({first}); T = {t} periods after it; lags in "
                           "time: {lags}.",
                     "zh": "以首期（{first}）为条件的拟极大似然估计；T = {t} 为首期之后的期数；时间滞后项：{lags}。"},
    "mf_lags_ylag": {"en": "τ · y(t−1)", "zh": "τ · y(t−1)"},
    "mf_lags_wylag": {"en": "η · W y(t−1)", "zh": "η · W y(t−1)"},
    "mf_lags_both": {"en": "τ · y(t−1) and η · W y(t−1)", "zh": "τ · y(t−1) 与 η · W y(t−1)"},
    "mf_eq_ylag": {"en": "τy(t−1)", "zh": "τy(t−1)"},
    "mf_eq_wylag": {"en": "ηWy(t−1)", "zh": "ηWy(t−1)"},
    "mf_eq_both": {"en": "τy(t−1) + ηWy(t−1)", "zh": "τy(t−1) + ηWy(t−1)"},
    "mf_row_stationarity": {"en": "Stationarity", "zh": "平稳性"},
    "mf_stable": {"en": "stable", "zh": "平稳"},
    "mf_not_stationary": {"en": "NOT stationary", "zh": "非平稳"},
    "mf_row_radius": {"en": "Spectral radius of A", "zh": "A 的谱半径"},
    "mf_p_static": {"en": "ML estimation of the {model} {effects} for {formula}; effects by simulation ({n_draws} "
                          "draws, seed {seed}).",
                    "zh": "以极大似然估计{model}（{effects}）：{formula}；效应分解采用模拟法（{n_draws} 次抽样，种子 {seed}）。"},
    "mf_p_sem": {"en": "ML estimation of the {model} {effects} for {formula}. The SEM has no spatial multiplier: its "
                       "direct effects equal the coefficients and its indirect effects are zero, so no effects table "
                       "is shown.",
                 "zh": "以极大似然估计{model}（{effects}）：{formula}。SEM 不含空间乘数：其直接效应等于系数、间接效应为零，"
                       "故不列效应表。"},
    "mf_p_sac": {"en": "ML estimation of y = ρWy + Xβ{wx} + u, u = λMu + ε {effects} for {formula}: ρ and λ maximise "
                       "the two-dimensional concentrated likelihood with both log-determinants; effects of "
                       "(I − ρW)⁻¹(β_k I + θ_k W) by simulation ({n_draws} draws, seed {seed}).",
                 "zh": "以极大似然估计 y = ρWy + Xβ{wx} + u，u = λMu + ε（{effects}）：{formula}；ρ 与 λ 使含两个对数"
                       "行列式的二维集中似然函数最大；(I − ρW)⁻¹(β_k I + θ_k W) 的效应分解采用模拟法（{n_draws} 次抽样，"
                       "种子 {seed}）。"},
    "mf_p_dynamic": {"en": "Quasi-ML estimation of y(t) = {lags} + ρWy(t) + X(t)β{wx} + fixed effects + ε(t) "
                           "{effects} for {formula}, conditional on the first period {first} (Yu, de Jong & Lee 2008; "
                           "Lee & Yu 2010). Short-run effects of (I − ρW)⁻¹(β_k I + θ_k W), long-run effects of "
                           "((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W) (Debarsy, Ertur & LeSage 2012), by simulation "
                           "({n_draws} draws, seed {seed}).",
                     "zh": "以首期 {first} 为条件的拟极大似然估计：y(t) = {lags} + ρWy(t) + X(t)β{wx} + 固定效应 + ε(t)"
                           "（{effects}）：{formula}（Yu、de Jong 与 Lee，2008；Lee 与 Yu，2010）。短期效应为 "
                           "(I − ρW)⁻¹(β_k I + θ_k W)，长期效应为 ((1 − τ)I − (ρ + η)W)⁻¹(β_k I + θ_k W)（Debarsy、"
                           "Ertur 与 LeSage，2012），均采用模拟法（{n_draws} 次抽样，种子 {seed}）。"},
    "mf_p_uncorrected": {"en": "The bias correction of {bias} removes the leading O(1/T) bias of unit effects or O(1/N) "
                               "bias of time effects from the quasi-ML estimates; the second column shows the "
                               "estimates before it.",
                         "zh": "{bias}偏误校正消除了拟极大似然估计中个体效应的 O(1/T) 主导偏误或时间效应的 O(1/N) "
                               "主导偏误；第二列为校正前的估计值。"},
    "mf_p_stable": {"en": "The estimated process is stationary: the spectral radius of A = (I − ρW)⁻¹(τI + ηW) is "
                          "{radius} < 1 (|τ| + |ρ| + |η| = {abs_sum}).",
                    "zh": "估计的过程满足平稳性：A = (I − ρW)⁻¹(τI + ηW) 的谱半径为 {radius} < 1"
                          "（|τ| + |ρ| + |η| = {abs_sum}）。"},
    "mf_p_not_stationary": {"en": "Warning: the estimates are NOT stationary: the spectral radius of "
                                  "A = (I − ρW)⁻¹(τI + ηW) is {radius} (it must be below 1; |τ| + |ρ| + |η| = "
                                  "{abs_sum}). The process they describe is explosive; the bias correction and the "
                                  "long-run effects assume a stable process and must not be interpreted. Check the "
                                  "data (trends, units) and the specification.",
                            "zh": "警告：估计值不满足平稳性条件：A = (I − ρW)⁻¹(τI + ηW) 的谱半径为 {radius}（应小于 1；"
                                  "|τ| + |ρ| + |η| = {abs_sum}）。所描述的过程是发散的；偏误校正与长期效应均以平稳过程"
                                  "为前提，不能据此解释。请检查数据（趋势、单元）与模型设定。"},
    "mf_n_long_run_missing": {"en": "Long-run effects are not computed: 1 − τ − ρ − η = {value} is not positive (the "
                                    "process is not stationary).",
                              "zh": "未计算长期效应：1 − τ − ρ − η = {value} 不为正（过程不平稳）。"},
    "mf_p_gns_identification": {"en": "Caution (LeSage & Pace 2009, ch. 2): with M = W the GNS is only weakly "
                                      "identified; ρ, λ and θ trade off against each other, so the estimates of the "
                                      "spatial parameters are fragile. Prefer an SDM or SDEM, or give the error "
                                      "process its own weights ([sdm] error_weights).",
                                "zh": "注意（LeSage 与 Pace，2009，第 2 章）：当 M = W 时 GNS 仅为弱识别，ρ、λ 与 θ "
                                      "相互替代，空间参数的估计不稳健；建议改用 SDM 或 SDEM，或为误差过程另设权重矩阵。"},
    "mf_f_effects": {"en": "Direct, indirect and total effects of the {model}", "zh": "{model}的直接、间接与总效应"},
    "mf_f_effects_short": {"en": "Short-run direct, indirect and total effects of the {model}",
                           "zh": "{model}的短期直接、间接与总效应"},
    "mf_f_effects_long": {"en": "Long-run direct, indirect and total effects of the {model}",
                          "zh": "{model}的长期直接、间接与总效应"},
    "mf_sheet_model": {"en": "spatial_model", "zh": "空间面板模型"},
    "mf_sheet_effects": {"en": "short_long_run_effects", "zh": "短期与长期效应"},
    "mf_s_bayes": {"en": "Bayesian comparison of model families", "zh": "模型族的贝叶斯比较"},
    "mf_t_bayes": {"en": "Posterior model probabilities (LeSage 2014): {formula}",
                   "zh": "后验模型概率（LeSage 2014）：{formula}"},
    "mf_sheet_bayes": {"en": "bayes_comparison", "zh": "贝叶斯模型比较"},
    "mf_col_model": {"en": "model", "zh": "模型"},
    "mf_col_log_marginal": {"en": "log marginal likelihood", "zh": "对数边际似然"},
    "mf_col_probability": {"en": "posterior probability", "zh": "后验概率"},
    "mf_col_k": {"en": "coefficients", "zh": "系数个数"},
    "mf_col_dof": {"en": "degrees of freedom (2a)", "zh": "自由度（2a）"},
    "mf_col_spatial": {"en": "spatial parameter", "zh": "空间参数"},
    "mf_col_post_mean": {"en": "posterior mean", "zh": "后验均值"},
    "mf_col_post_sd": {"en": "posterior sd", "zh": "后验标准差"},
    "mf_col_post_mode": {"en": "posterior mode", "zh": "后验众数"},
    "mf_n_bayes_priors": {"en": "Equal prior model probabilities; p(β) ∝ 1, p(σ²) ∝ 1/σ², ρ (λ) uniform on "
                                "({lo}, {hi}); β and σ² integrated analytically, ρ and λ numerically (adaptive "
                                "quadrature).",
                          "zh": "各模型先验概率相等；p(β) ∝ 1，p(σ²) ∝ 1/σ²，ρ（λ）在 ({lo}, {hi}) 上服从均匀分布；"
                                "β 与 σ² 解析积分，ρ 与 λ 数值积分（自适应求积）。"},
    "mf_n_bayes_fe_lee-yu": {"en": "Fixed effects ({effects}) removed by the Lee–Yu (2010) orthonormal "
                                   "transformation (n = {n} transformed observations).",
                             "zh": "固定效应（{effects}）以 Lee–Yu（2010）正交变换消除（变换后观测数 n = {n}）。"},
    "mf_n_bayes_fe_integrated": {"en": "Fixed effects ({effects}) integrated out under a flat prior (degrees of "
                                       "freedom NT − k − q; n = {n}).",
                                 "zh": "固定效应（{effects}）在平坦先验下积分消去（自由度 NT − k − q；n = {n}）。"},
    "mf_n_bayes_w": {"en": "W = {w}; spatial lags of the raw data (exact convention).",
                     "zh": "W = {w}；空间滞后项基于原始数据（精确约定）。"},
    "mf_p_bayes": {"en": "With equal prior probabilities for OLS, SLX, SAR, SDM, SEM and SDEM, the posterior "
                         "probabilities favour the {best} (posterior probability {p}). The table gives each family's log marginal "
                         "likelihood and the posterior mean, sd and mode of its spatial parameter (LeSage 2014).",
                   "zh": "在 OLS、SLX、SAR、SDM、SEM 与 SDEM 先验概率相等的条件下，后验概率最支持 {best}（后验概率 {p}）。"
                         "表中列出各模型族的对数边际似然及其空间参数的后验均值、标准差与众数（LeSage 2014）。"},
    "mf_p_bayes_islands": {"en": "Units without a neighbour in W: {units}. In every family their spatial lag is zero "
                                 "and W has a zero eigenvalue for each of them; this is allowed with unit effects "
                                 "only (with time effects the comparison needs a row-standardised W and stops).",
                           "zh": "W 中没有邻居的单元：{units}。这些单元在各模型族中的空间滞后项均为零，W 相应存在零特征值；"
                                 "这仅在个体效应下允许（含时间效应时比较需要行标准化的 W，将中止运行）。"},
    # -- data preparation: changes, derived variables, quality screen (issue 15) -----------------------------
    "t_derived": {"en": "Derived variables", "zh": "派生变量"},
    "sheet_derived": {"en": "derived", "zh": "派生变量"},
    "col_expression": {"en": "expression", "zh": "表达式"},
    "t_changes": {"en": "Data changes (every unit or year excluded and every cell filled or dropped)",
                  "zh": "数据变动（剔除的单元或年份、插补或删除的每个单元格）"},
    "sheet_changes": {"en": "data_changes", "zh": "数据变动"},
    "col_action": {"en": "action", "zh": "操作"},
    "col_value": {"en": "value", "zh": "数值"},
    "col_detail": {"en": "detail", "zh": "说明"},
    "col_check": {"en": "check", "zh": "检查项"},
    "chg_exclude-unit": {"en": "exclude-unit", "zh": "剔除单元"},
    "chg_exclude-year": {"en": "exclude-year", "zh": "剔除年份"},
    "chg_interpolate": {"en": "interpolate", "zh": "线性插补"},
    "chg_extrapolate": {"en": "extrapolate", "zh": "外推"},
    "chg_drop-unit": {"en": "drop-unit", "zh": "删除单元"},
    "chg_drop-year": {"en": "drop-year", "zh": "删除年份"},
    "p_changes": {"en": "{n} change(s) were made to the data; each is listed in the data-changes table.",
                  "zh": "对数据共作了 {n} 处变动，逐条列于数据变动表。"},
    "p_no_changes": {"en": "No unit, year or cell of the data was excluded, filled or dropped.",
                     "zh": "未剔除、插补或删除任何单元、年份或单元格。"},
    "t_quality": {"en": "Data-quality screen: findings", "zh": "数据质量筛查结果"},
    "sheet_quality": {"en": "data_quality", "zh": "数据质量"},
    "p_quality_ok": {"en": "The data-quality screen found nothing to report.", "zh": "数据质量筛查未发现问题。"},
    "p_quality": {"en": "The data-quality screen flagged {n} finding(s); see the table.",
                  "zh": "数据质量筛查标记了 {n} 处问题，见下表。"},
    "qc_jump": {"en": "jump", "zh": "异常跳变"},
    "qc_zero": {"en": "zero", "zh": "零值"},
    "qc_negative": {"en": "negative", "zh": "负值"},
    "qc_constant": {"en": "constant", "zh": "常数列"},
    "qc_subsystem-minimum": {"en": "subsystem-minimum", "zh": "子系统全部指标取最小值"},
    "log_changes": {"en": "data: {n} change(s) to the data (see the data-changes table)",
                    "zh": "数据：共 {n} 处数据变动（见数据变动表）"},
    "log_subset": {"en": "weights: restricted to the {n} of {of} units kept and re-standardised; without neighbours: "
                         "{isolated}",
                   "zh": "权重：限制为保留的 {n}/{of} 个单元并重新标准化；无邻居单元：{isolated}"},
    # -- run log ------------------------------------------------------------------------------------
    "log_start": {"en": "spatialccd {version}: study {title} ({source})", "zh": "spatialccd {version}：研究 {title}（{source}）"},
    "log_warning": {"en": "{step}: warning: {warning}", "zh": "{step}：警告：{warning}"},
    "log_done": {"en": "{step}: done in {seconds} s", "zh": "{step}：完成，用时 {seconds} 秒"},
    "log_wrote": {"en": "wrote {tables} tables (CSV, LaTeX, Excel) and {figures} figures (PNG, SVG) to {folder}",
                  "zh": "已写出 {tables} 张表（CSV、LaTeX、Excel）和 {figures} 幅图（PNG、SVG）至 {folder}"},
    "log_report": {"en": "report: {path}", "zh": "报告：{path}"},
    "log_dropped": {"en": "data: {file}: dropped rows that are not provinces: {rows}",
                    "zh": "数据：{file}：已删除非省级行：{rows}"},
    "log_read": {"en": "data: read {path}", "zh": "数据：已读取 {path}"},
    "log_data": {"en": "data: {origin}: {n} units × {t} years ({first}–{last}), {k} columns",
                 "zh": "数据：{origin}：{n} 个单元 × {t} 年（{first}–{last}），{k} 列"},
    "log_weights": {"en": "weights: {desc}; {n} units, {linked} with neighbours", "zh": "权重：{desc}；{n} 个单元，其中 {linked} 个有邻居"},
}


def label(prefix: str, word, lang: str = "en") -> str:
    """``MESSAGES[prefix + word][lang]`` when the catalogue has it, else ``str(word)`` (user names, codes)."""
    entry = MESSAGES.get(f"{prefix}{word}")
    return entry[check_option("lang", lang)] if entry else str(word)


def message(key: str, lang: str = "en", **fields) -> str:
    """The catalogue entry ``key`` in ``lang`` ("en" or "zh"), formatted with ``fields``."""
    lang = check_option("lang", lang)
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise SpatialCCDError(f"no report message {key!r} in language {lang!r}") from None
    return text.format(**fields) if fields else text
