"""Record an inventory's indicators as submissions for the plan's targets, after a preview and a confirmation.

The accounting library gives the values keyed by canonical code (``plan_observations``). Here each
value is matched to the stored indicator with the same code; ``preview_inventory`` shows, per
indicator and period, the value stored now (and its review status), the new value and the
difference. ``record_inventory`` stores them only when confirmed, as *submitted* values naming the
inventory as their source, through the collection service (same checks, one transaction) — so they
go through the office's review like any other value. Replacing an accepted value needs a reason,
written into the new revision together with who did it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanfeng.accounting.observations import Observation as InventoryValue
from tanfeng.db.models import Observation
from tanfeng.db.session import Database
from tanfeng.services.collection import CollectionResult, store_values
from tanfeng.services.errors import StoreError
from tanfeng.services.queries import current_versions, unit_names
from tanfeng.services.registry import find_unit, get_region
from tanfeng.services.tracked import load_tracked
from tanfeng.services.writes import current_seq

STATUS_ZH = {"draft": "草稿", "submitted": "待审核", "accepted": "已采纳", "returned": "已退回"}


@dataclass(frozen=True)
class PreviewItem:
    """One value the inventory would record, next to what is stored now."""

    code: str
    indicator_id: int
    indicator: str
    period: str
    unit: str
    reporter: str
    current: float | None
    current_status: str | None
    new: float
    version: int = 0  # the stored value's revision number when previewed (0: none stored)

    @property
    def difference(self) -> float | None:
        return None if self.current is None else self.new - self.current

    @property
    def changes(self) -> bool:
        return self.current is None or round(self.current, 6) != round(self.new, 6)

    @property
    def replaces_accepted(self) -> bool:
        return self.current_status == "accepted" and self.changes

    @property
    def status_zh(self) -> str:
        return STATUS_ZH.get(self.current_status or "", "无") if self.current_status else "无"


@dataclass
class RecordPreview:
    region: str
    items: list[PreviewItem]
    skipped: list[str] = field(default_factory=list)  # why a matching indicator cannot be recorded

    @property
    def needs_reason(self) -> bool:
        return any(i.replaces_accepted for i in self.items)

    @property
    def fingerprint(self) -> str:
        """Changes when a stored value or status changes between the preview and the confirmation."""
        text = json.dumps([(i.indicator_id, i.period, i.current, i.current_status, round(i.new, 6))
                           for i in self.items])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class RecordedValue:
    code: str
    indicator_id: int
    indicator: str
    period: str
    value: float
    unit: str
    reporter: str


@dataclass
class RecordResult:
    recorded: list[RecordedValue]
    collection: CollectionResult
    skipped: list[str] = field(default_factory=list)


def _source(value: InventoryValue, actor: str | None = None) -> str:
    prov = value.provenance
    name = Path(str(prov.get("source_file", ""))).name
    sets = "、".join(prov.get("factor_sets", []))
    who = f"，{actor}据清单录入" if actor else ""
    return (f"温室气体清单核算 {name}（{value.label}{who}；因子 {sets}；{prov.get('gwp', '')}；"
            f"sha256 {str(prov.get('source_sha256', ''))[:12]}）")[:500]


def preview_inventory(db: Database, values: dict[str, InventoryValue], *, region: str | None = None,
                      reporter: str | None = None) -> RecordPreview:
    """What recording ``values`` would change: per matching indicator, the stored and the new value."""
    with db.transaction() as session:
        return _preview(session, values, region, reporter)


def _preview(session: Session, values: dict[str, InventoryValue], region: str | None,
             reporter: str | None) -> RecordPreview:
    region_row = get_region(session, region) if region else None
    if region_row is None:
        regions = {ref.region.id: ref.region for ref in current_versions(session)}
        if len(regions) != 1:
            raise StoreError("请指定地区（--region）", "give the region with --region")
        region_row = next(iter(regions.values()))
    names = unit_names(session)
    reporter_id: int | None = None
    if reporter:
        unit = find_unit(session, region_row, reporter)
        if unit is None:
            raise StoreError(f"未知单位“{reporter}”", f"unknown unit '{reporter}'")
        reporter_id = unit.id
    preview = RecordPreview(region_row.name, [])
    seen: set[int] = set()
    for item in load_tracked(session, region_row):
        ind = item.indicator
        value = values.get(ind.code or "")
        if value is None or ind.id in seen:
            continue
        seen.add(ind.id)
        if value.measure == "reduction_vs_baseline" and ind.baseline_year and value.baseline_year != ind.baseline_year:
            preview.skipped.append(f"{ind.name}: 基准年{ind.baseline_year}与清单基准年{value.baseline_year}不同 / "
                                   f"base year {ind.baseline_year} differs from the inventory's {value.baseline_year}")
            continue
        if not item.units:
            preview.skipped.append(f"{ind.name}: 没有责任单位，请先指定 / no responsible unit: assign one first")
            continue
        if reporter_id is not None and all(uid != reporter_id for uid, _ in item.units):
            preview.skipped.append(f"{ind.name}: {reporter}不是责任单位 / {reporter} is not responsible for it")
            continue
        who = reporter if reporter and reporter_id is not None else names[item.lead_unit_id or item.units[0][0]]
        stored = session.scalar(select(Observation).where(Observation.indicator_id == ind.id,
                                                          Observation.period == str(value.year)))
        preview.items.append(PreviewItem(
            value.code, ind.id, ind.name, str(value.year), value.unit, who,
            stored.value if stored else None, stored.status if stored else None, round(value.value, 6),
            current_seq(session, stored.id) if stored else 0))
    return preview


def record_inventory(db: Database, values: dict[str, InventoryValue], *, actor: str, region: str | None = None,
                     reporter: str | None = None, draft: bool = False, confirm: bool = False,
                     reason: str | None = None, expected: str | None = None,
                     audit: Callable[[Session, RecordResult], None] | None = None) -> RecordResult:
    """Store ``values`` as submissions for review, once confirmed (``confirm``), in one write transaction.

    ``expected`` is the fingerprint of the preview the user confirmed: a value stored or reviewed in
    the meantime refuses the write (checked inside the transaction, and each row carries the version
    it was previewed at). Replacing an accepted value needs ``reason``, written into its revision.
    ``audit`` is called with the session and the result before the transaction commits.
    """
    with db.write() as session:
        preview = _preview(session, values, region, reporter)
        if not preview.items:
            why = "；".join(preview.skipped) if preview.skipped else "方案中没有与清单指标对应的目标 / no plan target matches"
            raise StoreError(f"没有可记录的指标：{why}", "nothing to record (see the reasons above)")
        if not confirm:
            raise StoreError("记录前须先查看预览并确认", "recording needs a confirmation of the preview")
        if expected is not None and expected != preview.fingerprint:
            raise StoreError("预览之后已有填报值或审核状态发生变化，请重新预览后再确认",
                             "stored values changed since the preview; preview again and confirm")
        reason = (reason or "").strip() or None
        if preview.needs_reason and reason is None:
            names = "、".join(f"{i.indicator} {i.period}" for i in preview.items if i.replaces_accepted)
            raise StoreError(f"将替换已采纳的值（{names}），须说明理由", "replacing an accepted value needs a reason")
        # a value already stored as it is stays as it is (an accepted one stays accepted)
        changing = [i for i in preview.items if i.changes]
        if not changing:
            result = RecordResult([], CollectionResult("inventory", None, unchanged=len(preview.items)),
                                  preview.skipped)
        else:
            rows: list[dict[str, object]] = [
                {"indicator_id": i.indicator_id, "period": i.period, "value": i.new, "unit": i.unit,
                 "source": _source(values[i.code], actor), "reporter": i.reporter, "version": i.version,
                 "note": json.dumps({k: v for k, v in values[i.code].provenance.items() if k != "method"},
                                    ensure_ascii=False)}
                for i in changing]
            stored = store_values(session, rows, reporter=str(rows[0]["reporter"]), actor=actor,
                                  region=preview.region, draft=draft, source="inventory", reason=reason)
            stored.unchanged += len(preview.items) - len(changing)
            result = RecordResult([RecordedValue(i.code, i.indicator_id, i.indicator, i.period, i.new, i.unit,
                                                 i.reporter) for i in changing], stored, preview.skipped)
        if audit is not None:
            audit(session, result)
        return result

