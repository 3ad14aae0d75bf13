"""Shared style for maps and charts: fixed LISA colours, bilingual labels, CJK fonts, saving.

Language: ``lang=None`` (or ``"auto"``) gives Chinese labels when a CJK font is
installed (:func:`find_cjk_font`) and English otherwise; ``lang="zh"`` / ``"en"``
overrides.  Chinese text is drawn inside :func:`text_style`, which puts the CJK font
first in matplotlib's sans-serif list.
"""
from __future__ import annotations

import contextlib
import functools
import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure

from ..exceptions import FontWarning, SpatialCCDError

__all__ = ["LISA_COLOURS", "LISA_HATCH", "LISA_LABELS", "CJK_FONTS", "find_cjk_font", "resolve_lang",
           "text_style", "label", "save_figure"]

#: One colour per LISA category, identical in every panel (GeoDa's convention).
LISA_COLOURS = {
    "HH": "#d7191c",               # red
    "LH": "#abd9e9",               # light blue
    "LL": "#2c7bb6",               # blue
    "HL": "#f4a6c6",               # pink
    "not significant": "#d9d9d9",  # grey
    "isolated": "#ffffff",         # white, hatched
}
#: Hatching per LISA category (only isolated units are hatched).
LISA_HATCH = {"isolated": "////"}
NO_DATA_COLOUR = "#ffffff"

LISA_LABELS = {
    "en": {"HH": "High-High", "LH": "Low-High", "LL": "Low-Low", "HL": "High-Low",
           "not significant": "Not significant", "isolated": "Isolated (no neighbours)"},
    "zh": {"HH": "高-高集聚", "LH": "低-高异常", "LL": "低-低集聚", "HL": "高-低异常",
           "not significant": "不显著", "isolated": "孤立单元（无邻接）"},
}

_TEXT = {
    "en": {"std_value": "Standardised value", "lag": "Spatial lag", "moran": "Moran's I",
           "fit": "Fitted slope", "no_data": "No data", "north": "N", "km": "km"},
    "zh": {"std_value": "标准化值", "lag": "空间滞后值", "moran": "莫兰指数 I",
           "fit": "拟合斜率", "no_data": "无数据", "north": "北", "km": "千米"},
}

#: CJK fonts looked for, in order of preference (family names as matplotlib reports them).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti",
             "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Serif CJK SC", "SimSun", "Songti SC",
             "AR PL UMing CN", "Droid Sans Fallback", "Noto Sans CJK JP", "Noto Serif CJK JP")


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None.

    matplotlib's font cache may predate fonts installed later (e.g. ``fonts-noto-cjk``);
    when none of the known names is cached, system font files whose names look like CJK
    fonts are registered with ``fontManager.addfont`` and the lookup is repeated.  A
    ``.ttc`` collection registers under its first face (Noto's is "Noto Sans CJK JP",
    which covers simplified Chinese).
    """
    def known() -> str | None:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONTS if name in installed), None)

    found = known()
    if found is None:
        hint = re.compile(r"cjk|wqy|wenquanyi|simhei|simsun|msyh|yahei|droidsansfallback|sourcehan|uming|ukai",
                          re.IGNORECASE)
        for path in font_manager.findSystemFonts():
            if hint.search(Path(path).name):
                with contextlib.suppress(Exception):  # unreadable font files are skipped
                    font_manager.fontManager.addfont(path)
        found = known()
    return found


def resolve_lang(lang: str | None) -> str:
    """``"zh"`` or ``"en"``: None/"auto" picks Chinese only when a CJK font is installed.

    An explicit ``"zh"`` without a CJK font is honoured with a warning (glyphs would
    render as boxes).
    """
    if lang in (None, "auto"):
        return "zh" if find_cjk_font() else "en"
    if lang not in ("zh", "en"):
        raise SpatialCCDError(f"lang must be 'zh', 'en', 'auto' or None, got {lang!r}")
    if lang == "zh" and find_cjk_font() is None:
        warnings.warn("lang='zh' but no CJK font is installed; Chinese labels will not render "
                      f"(install one of {CJK_FONTS[:3]} …)", FontWarning, stacklevel=3)
    return lang


@contextlib.contextmanager
def text_style(lang: str) -> Iterator[None]:
    """rcParams for drawing text in ``lang`` (CJK font first for Chinese; minus sign fix)."""
    font = find_cjk_font() if lang == "zh" else None
    rc = {"axes.unicode_minus": font is None}
    if font:
        # a concrete family name is stored in each Text at creation, so it survives until savefig
        rc |= {"font.family": [font, "sans-serif"]}
    with mpl.rc_context(rc):
        yield


def label(key: str, lang: str) -> str:
    """A chart/map word in ``lang`` (LISA categories and the keys of the text table)."""
    return LISA_LABELS[lang].get(key) or _TEXT[lang][key]


def save_figure(fig: Figure, path: str | Path, *, formats: Iterable[str] | None = None,
                dpi: int = 300) -> list[Path]:
    """Save ``fig`` as PNG/SVG/PDF at publication resolution; return the written paths.

    ``formats=None`` takes the format from ``path``'s suffix; otherwise one file per
    format is written next to ``path`` with that suffix (``save_figure(fig, "out/lisa",
    formats=["png", "pdf"])``).  ``dpi`` applies to PNG (vector formats embed any
    raster parts at that resolution).
    """
    path = Path(path)
    fmts = [path.suffix.lstrip(".").lower()] if formats is None else [f.lower().lstrip(".") for f in formats]
    bad = [f for f in fmts if f not in ("png", "svg", "pdf")]
    if bad or not fmts:
        raise SpatialCCDError(f"formats must be png, svg or pdf; got {bad or 'no suffix'} for {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for fmt in fmts:
        target = path.with_suffix("." + fmt)
        fig.savefig(target, format=fmt, dpi=dpi, bbox_inches="tight")
        out.append(target)
    return out
