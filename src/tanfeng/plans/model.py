"""The plan document: typed model whose JSON is the public contract (contracts/plan-json.md, v1)."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Level = Literal["province", "city", "county"]
Change = Literal["decrease", "increase", "level"]
Bound = Literal["min", "max", "about"]
Commitment = Literal["ensure", "strive"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Source(_Model):
    path: str
    sha256: str
    format: Literal["txt", "docx", "pdf", "html"]
    encoding: str | None = None
    script: Literal["simplified", "traditional", "mixed"] = "simplified"


class Region(_Model):
    name: str | None
    level: Level | None = None
    adcode: str | None = None
    parent: str | None = None


class Meta(_Model):
    title: str | None = None
    region: Region | None = None
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    status: Literal["final", "draft"] = "final"
    peak_year: int | None = None


class Parent(_Model):
    title: str
    doc_number: str | None = None


class Action(_Model):
    id: str
    name: str


class Task(_Model):
    id: str
    action: str | None
    title: str
    text: str
    lead: str | None = None
    units: list[str] = Field(default_factory=list)
    target_ids: list[str] = Field(default_factory=list)
    due: str | None = None  # 完成时限 as written (2025年底前, 持续推进, 长期坚持); optional, schema 1
    rule: str | None = None  # how the reader found the task and its units (optional, schema 1)
    confidence: float | None = None  # 0–1, how sure the reader is (optional, schema 1)


class Target(_Model):
    id: str
    indicator: str
    code: str | None = None
    change: Change | None = None
    value: float | None = None
    unit: str | None = None
    stretch_value: float | None = None
    bound: Bound | None = None
    commitment: Commitment | None = None
    year: int | None = None
    baseline_year: int | None = None
    assigned: bool = False
    task_id: str | None = None
    sentence: str
    rule: str | None = None  # the grammar rule that produced the target (optional, schema 1)
    confidence: float | None = None  # 0–1, how sure the reader is (optional, schema 1)


class Plan(_Model):
    """A parsed plan. ``to_json()`` gives the contract document."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    meta: Meta = Field(default_factory=Meta)
    parents: list[Parent] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Plan:
        return cls.model_validate_json(text)

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)
