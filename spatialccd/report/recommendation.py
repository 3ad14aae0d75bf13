"""The specification-test recommendation in words (English or Chinese), from the chain's :class:`Decision`.

The words follow from the statistics in every branch of the decision table
(:class:`spatialccd.models.selection.Decision`):

=====================================  ==============================================================
situation                              sentence
=====================================  ==============================================================
LM tests reject (lag and/or error)     "the LM tests reject … so a spatial model is needed"
neither LM test rejects                "neither LM test rejects …; the SDM tests decide"
Wald and LR reject / one / none        "is rejected" / "is rejected by one of the two tests" /
                                       "cannot be rejected"
SAR chosen                             θ = 0 not rejected and only robust LM-lag rejects
SEM chosen                             θ + ρβ = 0 not rejected and only robust LM-error rejects
SDM, both restrictions rejected        "the SDM cannot be simplified to the SAR or the SEM"
SDM, a restriction admissible but the  "… cannot be rejected, but the robust LM tests do not point to
robust LM tests do not point to it     the <lag/error> model (both reject / neither rejects / they
                                       point to the other model)"
effects                                from the two LR tests; Hausman decides fixed vs random
estimated ≠ supported effects          says what was estimated and what the LR tests support
=====================================  ==============================================================
"""
from __future__ import annotations

from .._format import format_p
from ..models.selection import Decision, SpecificationTests
from ..messages import label, message

__all__ = ["recommendation"]


def _cite(t, lang: str) -> str:
    if not t.valid:
        return message("not_computed", lang)
    return f"{label('test_', t.name, lang)} = {t.stat:.3f}, {format_p(t.pvalue, 3)}"


def _verdict(rejected: str, lang: str) -> str:
    return message({"both": "h0_rejected", "one": "h0_rejected_one", "none": "h0_not_rejected"}[rejected], lang)


def _sdm_reason(d: Decision, lang: str) -> str:
    if d.sar_rejected != "none" and d.sem_rejected != "none":
        return message("why_sdm_both_rejected", lang)
    kept = [name for name, rej in (("sar", d.sar_rejected), ("sem", d.sem_rejected)) if rej == "none"]
    robust = message(f"robust_{d.robust}", lang)
    return message("why_sdm_robust", lang, kept=message(f"kept_{'_'.join(kept)}", lang), robust=robust)


def recommendation(chain: SpecificationTests, *, lang: str = "en") -> str:
    """The chain's conclusion as a paragraph (``lang="en"`` or ``"zh"``), citing every statistic it rests on."""
    d, tests = chain.decision, chain.tests
    group = {"none": "LM (pooled)", "individual": "LM (unit FE)", "time": "LM (time FE)",
             "twoways": "LM (two-way FE)"}[d.estimated]
    lm = {name: t for (g, name), t in tests.items() if g == group}
    eff = message(f"effects_{d.estimated}", lang)
    pct = f"{100 * d.alpha:g}%"
    words = []
    if d.lm_lag or d.lm_error:
        which = ([message("no_lag", lang, cite=_cite(lm["LM-lag"], lang))] if d.lm_lag else []) + \
                ([message("no_error", lang, cite=_cite(lm["LM-error"], lang))] if d.lm_error else [])
        words.append(message("lm_reject", lang, effects=eff, which=message("and", lang).join(which), level=pct))
    else:
        words.append(message("lm_no_reject", lang, effects=eff, level=pct))
    words.append(message("robust_lm", lang, lag=_cite(lm["robust LM-lag"], lang),
                         error=_cite(lm["robust LM-error"], lang)))
    for model, rejected, null in (("SAR", d.sar_rejected, "theta = 0"), ("SEM", d.sem_rejected, "theta + rho*beta = 0")):
        g = f"SDM vs {model}"
        words.append(message("restriction", lang, null=null, model=model, verdict=_verdict(rejected, lang),
                             wald=_cite(tests[(g, "Wald")], lang), lr=_cite(tests[(g, "LR")], lang)))
    why = {"sar": message("why_sar", lang), "sem": message("why_sem", lang)}.get(d.model) or _sdm_reason(d, lang)
    fe_unit, fe_time = tests[("Fixed effects", "LR unit FE")], tests[("Fixed effects", "LR time FE")]
    words.append(message("lr_effects", lang,
                         unit=message("reject" if d.unit_effects else "not_reject", lang),
                         time=message("reject" if d.time_effects else "not_reject", lang),
                         unit_cite=_cite(fe_unit, lang), time_cite=_cite(fe_time, lang)))
    haus = tests.get(("FE vs RE", "Hausman"))
    if haus is not None:
        if haus.valid:
            words.append(message("hausman_rejects" if d.hausman_rejects else "hausman_not_rejects", lang,
                                 cite=_cite(haus, lang)))
        else:
            words.append(message("hausman_invalid", lang, reason=haus.reason))
    if d.random:
        chosen = message("effects_random_time" if d.time_effects else "effects_random", lang)
    else:
        chosen = message(f"effects_{d.effects}", lang)
    words.append(message("selected", lang, model=message(f"model_{d.model}", lang), effects=chosen, why=why))
    if not d.random and d.effects != d.estimated:
        words.append(message("estimated_differs", lang, estimated=eff, supported=message(f"effects_{d.effects}", lang)))
    else:
        words.append(message("estimated", lang, estimated=eff))
    return ("" if lang == "zh" else " ").join(words)
