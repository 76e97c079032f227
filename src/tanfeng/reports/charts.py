"""Charts of the annual report as PNG bytes (matplotlib, Agg; no pyplot so it is safe in a web server).

Chinese labels need a CJK font from a package (Debian ``fonts-noto-cjk`` / ``fonts-wqy-zenhei``, or a
font file installed from PyPI); :func:`cjk_font` finds one through fontconfig or matplotlib's font
manager. Without one the charts fall back to codes and English labels, and the report says so.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Families tried by name when fontconfig is not available (CJK coverage is what matters).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")
LEVEL_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "none": "#9e9e9e"}
DPI = 150
_DRAWING = threading.Lock()


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font covering Chinese, registered with matplotlib; None if none."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    # matplotlib's font cache may predate the font package: add the files fontconfig knows.
    paths = sorted((line.split(":", 1)[0].strip() for line in out.splitlines()),
                   key=lambda p: ("Regular" not in p, "Sans" not in p, p))  # upright regular sans first
    for path in paths:
        if not path.lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        try:
            font_manager.fontManager.addfont(path)
            name = font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):
            continue
        if name:
            return name
    return None


@dataclass(frozen=True)
class TrajectoryData:
    """One headline target: expected path, reported values and milestones (in the indicator's unit)."""

    code: str
    title: str  # indicator name
    unit: str | None
    year: int  # the report year (a vertical line)
    expected: Sequence[tuple[float, float]]
    values: Sequence[tuple[float, float]]
    milestones: Sequence[tuple[float, float]]
    stretches: Sequence[tuple[float, float]] = ()  # 力争 values, drawn next to the targets
    reading: str = "level"  # decrease: the values are a cumulative reduction, titled as one
    baseline_year: int | None = None
    english: bool = False  # English labels (the English report)


def _figure(width: float = 6.4, height: float = 3.4) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # missing glyphs when there is no CJK font
        fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


@contextmanager
def _style() -> Iterator[bool]:
    """rc settings for one chart; yields whether Chinese labels can be drawn.

    rcParams are global: the lock keeps two web requests drawing at once from undoing each other's fonts.
    """
    family = cjk_font()
    families = [family, "sans-serif"] if family else ["sans-serif"]
    with _DRAWING, matplotlib.rc_context({"font.family": families, "axes.unicode_minus": False, "font.size": 9}):
        yield family is not None


def _axis_title(data: TrajectoryData, zh: bool) -> str:
    """累计下降（%） for a reduction rate (not the indicator's name over a rising line), else the unit."""
    if data.reading in ("decrease", "increase"):
        if zh:
            return f"较{data.baseline_year or '基期'}年累计{'下降' if data.reading == 'decrease' else '提高'}（%）"
        base = f" vs {data.baseline_year}" if data.baseline_year else ""
        return f"cumulative {'reduction' if data.reading == 'decrease' else 'increase'}{base} (%)"
    return (data.unit or "") if zh else ""


def trajectory_chart(data: TrajectoryData) -> bytes:
    """Expected path (dashed), reported values (dots), targets (stars), stretch values (open stars), the report
    year (grey line); a reduction rate is titled and labelled as the reduction it is."""
    with _style() as has_font:
        zh = has_font and not data.english
        fig = _figure()
        ax = fig.add_subplot()
        if data.expected:
            ax.plot(*zip(*data.expected, strict=True), "--", color="#1565c0", label="应达进度" if zh else "expected path")
        if data.values:
            ax.plot(*zip(*data.values, strict=True), "o-", color="#c62828", label="实际值" if zh else "reported")
        if data.milestones:
            ax.plot(*zip(*data.milestones, strict=True), "*", markersize=12, color="#2e7d32",
                    label="目标值" if zh else "target")
        if data.stretches:
            ax.plot(*zip(*data.stretches, strict=True), "*", markersize=12, markerfacecolor="none", color="#2e7d32",
                    label="力争值" if zh else "stretch")
        ax.axvline(data.year, color="#9e9e9e", linewidth=0.8)
        title = f"{data.code} {data.title}" if zh else data.code
        if data.reading in ("decrease", "increase"):  # titled as the reduction it is, not as the indicator rising
            word = ("下降" if zh else "reduction") if data.reading == "decrease" else ("提高" if zh else "increase")
            title += f"（累计{word}）" if zh else f" (cumulative {word})"
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(_axis_title(data, zh))
        ax.set_xlabel("年份" if zh else "year")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        return _png(fig)


def sector_chart(years: Sequence[int], sectors: Sequence[tuple[str, Sequence[float]]], unit: str,
                 codes: Sequence[str], english: bool = False) -> bytes:
    """Stacked bars of emissions by sector per year (negative sinks below zero)."""
    with _style() as has_font:
        zh = has_font and not english
        fig = _figure()
        ax = fig.add_subplot()
        pos = [0.0] * len(years)
        neg = [0.0] * len(years)
        labels = [str(y) for y in years]
        for (name, values), code in zip(sectors, codes, strict=True):
            bottoms = [p if v >= 0 else n for v, p, n in zip(values, pos, neg, strict=True)]
            ax.bar(labels, values, bottom=bottoms, label=name if zh or (english and name.isascii()) else code)
            pos = [p + max(v, 0) for p, v in zip(pos, values, strict=True)]
            neg = [n + min(v, 0) for n, v in zip(neg, values, strict=True)]
        ax.axhline(0, color="black", linewidth=0.6)
        ax.set_ylabel(unit if zh else "10^4 t CO2e")
        ax.set_title("分部门温室气体排放" if zh else "emissions by sector", fontsize=10)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _png(fig)


def levels_chart(counts: Sequence[tuple[str, str, int]], english: bool = False) -> bytes:
    """Horizontal bars: how many targets at each warning level (level code, label, count)."""
    with _style() as has_font:
        zh = has_font and not english
        fig = _figure(6.4, 2.2)
        ax = fig.add_subplot()
        names = [label if zh or (english and label.isascii()) else code for code, label, _ in counts]
        ax.barh(names, [n for _, _, n in counts], color=[LEVEL_COLOURS.get(code, "#9e9e9e") for code, _, _ in counts])
        for i, (_, _, n) in enumerate(counts):
            ax.text(n, i, f" {n}", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_xlabel("目标个数" if zh else "targets")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _png(fig)


def projection_chart(years: Sequence[int], paths: Sequence[tuple[str, Sequence[float]]], unit: str,
                     peak_by: int | None, english: bool = False) -> bytes:
    """Projected emissions per scenario, with the committed peak year."""
    with _style() as has_font:
        zh = has_font and not english
        fig = _figure()
        ax = fig.add_subplot()
        for i, (name, values) in enumerate(paths):
            ax.plot(list(years), list(values), label=name if zh else f"S{i + 1}")
        if peak_by is not None:
            ax.axvline(peak_by, color="#9e9e9e", linestyle=":", label=f"{peak_by}年" if zh else str(peak_by))
        ax.set_ylabel(unit if zh else "10^4 t CO2")
        ax.set_title("排放预测（情景）" if zh else "projected emissions", fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        return _png(fig)
