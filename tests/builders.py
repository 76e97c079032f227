"""Small, explicit example plans built in code (示例数据) for tests, notebooks and demos of the store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from tanfeng.plans.model import Plan


@dataclass
class PlanBuilder:
    """A county plan with two tasks and five targets covering both trajectory shapes, a quota and a milestone."""

    region: str = "示例县"
    title: str = "示例县碳达峰实施方案"
    status: str = "final"
    date: str = "2023-05-14"
    tasks: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": "A1.1", "action": "A1", "title": "大力发展可再生能源", "text": "推进光伏发电。",
         "lead": "县发改委", "units": ["县发改委", "住建局", "市场监督局"], "target_ids": ["T3"]},
        {"id": "A1.2", "action": "A1", "title": "提升森林碳汇能力", "text": "实施造林绿化。",
         "lead": "县林业局", "units": ["县林业局", "县发展和改革委员会", "市场监管局"], "target_ids": ["T4"]},
    ])
    targets: list[dict[str, Any]] = field(default_factory=lambda: [
        {"id": "T1", "indicator": "单位地区生产总值能源消耗", "code": "energy_intensity", "change": "decrease",
         "value": 13, "unit": "%", "stretch_value": 13.5, "year": 2025, "baseline_year": 2020,
         "sentence": "到2025年，单位地区生产总值能源消耗较2020年下降13%，力争达到13.5%"},
        {"id": "T2", "indicator": "单位地区生产总值二氧化碳排放", "code": "carbon_intensity", "change": "decrease",
         "value": None, "unit": None, "year": 2025, "assigned": True,
         "sentence": "单位地区生产总值二氧化碳排放下降确保完成市下达指标"},
        {"id": "T3", "indicator": "光伏发电装机容量", "code": "renewable_capacity", "change": "level",
         "value": 50, "unit": "万千瓦", "year": 2025, "task_id": "A1.1", "sentence": "光伏发电装机容量达到50万千瓦"},
        {"id": "T4", "indicator": "森林覆盖率", "code": "forest_coverage", "change": "level", "value": 81.8,
         "unit": "%", "year": 2025, "task_id": "A1.2", "sentence": "森林覆盖率稳定在81.8%"},
        {"id": "T5", "indicator": "二氧化碳排放达峰", "code": "carbon_peak", "change": None, "value": None,
         "unit": None, "year": 2030, "sentence": "2030年前实现碳达峰"},
    ])

    def document(self) -> dict[str, Any]:
        body = {
            "schema_version": "1",
            "meta": {"title": self.title + ("（征求意见稿）" if self.status == "draft" else ""),
                     "region": {"name": self.region, "level": "county"}, "status": self.status,
                     "date": self.date, "peak_year": 2030},
            "actions": [{"id": "A1", "name": "能源绿色低碳转型行动"}],
            "tasks": self.tasks,
            "targets": self.targets,
        }
        digest = hashlib.sha256(repr(body).encode("utf-8")).hexdigest()
        body["source"] = {"path": f"{self.title}-{self.status}.txt", "sha256": digest, "format": "txt"}
        return body

    def plan(self) -> Plan:
        return Plan.model_validate(self.document())

    def target(self, target_id: str) -> dict[str, Any]:
        return next(t for t in self.targets if t["id"] == target_id)
