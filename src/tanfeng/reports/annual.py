"""The annual evaluation report (年度评估报告): its content, built from the database, and the entry point.

>>> from tanfeng.db import Database
>>> from tanfeng.reports.annual import build_annual_report
>>> data = build_annual_report(Database("sqlite:///tanfeng.db"), 2024, fmt="docx")   # doctest: +SKIP

Every number and sentence comes from the store (through the services), or from the inventory and
scenario files given; the renderers (docx, html, xlsx) only lay the content out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tanfeng.cells import scrub
from tanfeng.db.session import Database
from tanfeng.reports import docx, html, xlsx
from tanfeng.reports.content import AnnualReport, Change, ReportError, Series, TargetLine
from tanfeng.reports.enterprises import enterprise_summary
from tanfeng.reports.extras import inventory_summary, projection_summary
from tanfeng.services.evaluation import PlanFacts, plan_facts
from tanfeng.services.status import StatusRow, compute_status, indicator_series
from tanfeng.tracking.warnings import LEVEL_LABELS, Level

FORMATS = ("docx", "html", "xlsx")
CANONICAL_HEADLINE = frozenset({"energy_intensity", "carbon_intensity", "non_fossil_share", "renewable_capacity",
                                "forest_coverage", "forest_stock", "carbon_peak"})


def _target_lines(rows: list[StatusRow], before: dict[str, StatusRow], facts: PlanFacts) -> list[TargetLine]:
    out = []
    for r in rows:
        text = facts.targets.get(r.target)
        headline = r.code in CANONICAL_HEADLINE or (text is not None and text.task is None)
        prev = before.get(r.target)
        out.append(TargetLine(
            r.target, r.indicator_id, r.indicator, r.code, headline, r.shape, r.unit, r.baseline_year,
            r.baseline_value, r.target_year, r.target_value, r.stretch_value, r.latest_period, r.latest_value,
            r.expected_value, r.gap, r.level, r.level_label, prev.level_label if prev else LEVEL_LABELS[Level.none],
            r.lead_unit, text.task if text else None, r.note, text.sentence if text else r.indicator, r.change))
    return out


def _changes(targets: list[TargetLine], before: dict[str, StatusRow], facts: PlanFacts) -> list[Change]:
    out: list[Change] = []
    for t in targets:
        prev = before.get(t.code)
        if prev is not None and prev.level != t.level:
            out.append(Change("level", f"{t.code} {t.indicator}", prev.level_label, t.level_label))
    for action in facts.actions:
        for task in action.tasks:
            now = task.report.status_label if task.report else None
            was = task.previous.status_label if task.previous else None
            if now is not None and now != was:
                out.append(Change("task", f"{task.code} {task.title}", was or "未报送", now))
    return out


def _series(db: Database, targets: list[TargetLine], year: int, accepted_only: bool) -> list[Series]:
    """Chart data of the headline indicators: the values status counts (not drafts or returned ones)."""
    statuses = ("accepted",) if accepted_only else ("submitted", "accepted")
    out, seen = [], set()
    for t in targets:
        if not t.headline or t.shape == "milestone" or t.indicator_id in seen:
            continue
        seen.add(t.indicator_id)
        s = indicator_series(db, t.indicator_id, accepted_only=accepted_only)
        values = [(p.year, p.value) for p in s.values
                  if p.value is not None and p.year <= year and p.status in statuses]
        if not s.expected and not values:
            continue
        out.append(Series(t.code, s.indicator, s.unit, [(float(y), v) for y, v in s.expected], values,
                          [(float(y), v) for y, v in s.milestones], [(float(y), v) for y, v in s.stretches],
                          s.reading, s.baseline_year))
    return out


def build_annual_content(
    db: Database, year: int, *, region: str | None = None, plan: str | int | None = None,
    inventory: str | Path | None = None, scenarios: str | Path | None = None, accepted_only: bool = False,
    fallback: str | None = None,
) -> AnnualReport:
    """Collect the content of the report for ``year`` (as judged at the end of that year).

    Parameters
    ----------
    db : the store.
    year : the evaluated year (values of later periods are ignored).
    region, plan : which plan (either may be omitted when only one plan is stored / in the region).
    inventory : optional activity-data file (.csv/.xlsx) computed with ``tanfeng.accounting``.
    scenarios : optional scenario file (.toml) projected with ``tanfeng.projection``.
    accepted_only : judge only accepted values (default: submitted and accepted).
    fallback : a factor set allowed to fill a parameter a fuel's set lacks in the inventory (each such
        line is listed in the report's notes).
    """
    if not 1990 <= year <= 2100:
        raise ReportError(f"年份{year}不在1990—2100之间", f"year {year} is not between 1990 and 2100")
    # read the files first: a bad file fails before any work is done
    inv = inventory_summary(inventory, year, fallback) if inventory else None
    proj = projection_summary(scenarios, inventory, fallback) if scenarios else None
    facts = plan_facts(db, year, region=region, plan=plan)
    rows = [r for r in compute_status(db, region=facts.region, as_of=year, accepted_only=accepted_only)
            if r.plan_id == facts.plan_id]
    before = {r.target: r for r in compute_status(db, region=facts.region, as_of=year - 1, accepted_only=accepted_only)
              if r.plan_id == facts.plan_id}
    targets = _target_lines(rows, before, facts)
    return AnnualReport(year, facts, targets, _changes(targets, before, facts), _series(db, targets, year, accepted_only),
                        datetime.now(UTC), inv, proj, enterprises=enterprise_summary(db, facts.region))


LANGS = ("zh", "en")


def render(report: AnnualReport, fmt: str = "docx", lang: str = "zh") -> bytes:
    """The report as a Word (docx), web page (html) or Excel (xlsx) file, in Chinese (zh) or English (en)."""
    renderers = {"docx": docx.render, "html": html.render, "xlsx": xlsx.render}
    if fmt not in renderers:
        raise ReportError(f"未知格式“{fmt}”（可选 docx、html、xlsx）", f"unknown format '{fmt}' (docx, html, xlsx)")
    if lang not in LANGS:
        raise ReportError(f"未知语言“{lang}”（可选 zh、en）", f"unknown language '{lang}' (zh, en)")
    return renderers[fmt](scrub(report), lang)  # stored text may hold characters Word/Excel refuse


def build_annual_report(
    db: Database, year: int, region: str | None = None, fmt: str = "docx", *, plan: str | int | None = None,
    inventory: str | Path | None = None, scenarios: str | Path | None = None, accepted_only: bool = False,
    lang: str = "zh",
) -> bytes:
    """The annual evaluation report of one plan for ``year``, as file bytes (``fmt``: docx | html | xlsx)."""
    if fmt not in FORMATS:
        raise ReportError(f"未知格式“{fmt}”（可选 docx、html、xlsx）", f"unknown format '{fmt}' (docx, html, xlsx)")
    content = build_annual_content(db, year, region=region, plan=plan, inventory=inventory, scenarios=scenarios,
                                   accepted_only=accepted_only)
    return render(content, fmt, lang)
