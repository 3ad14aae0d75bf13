"""Every user-facing string of the report, in English and Chinese (one catalogue).

``message(key, lang, **fields)`` formats the entry; a key missing in either
language is a bug (``tests/test_report_messages.py`` checks the catalogue).
Keep proper names (Moran, Dagum, Lee–Yu) and variable names as they are in both.
"""
from __future__ import annotations

from .._options import check_option
from ..exceptions import SpatialCCDError

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
}


def message(key: str, lang: str = "en", **fields) -> str:
    """The catalogue entry ``key`` in ``lang`` ("en" or "zh"), formatted with ``fields``."""
    lang = check_option("lang", lang)
    try:
        text = MESSAGES[key][lang]
    except KeyError:
        raise SpatialCCDError(f"no report message {key!r} in language {lang!r}") from None
    return text.format(**fields) if fields else text
