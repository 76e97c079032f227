"""The draft as commentable parts, and text matching onto them (pure: no database)."""

from __future__ import annotations

from builders import PlanBuilder
from tanfeng.plans import example_plan_path, read
from tanfeng.plans.sections import GENERAL, refs, sections, suggest_ref


def test_reference_draft_by_section() -> None:
    document = read(example_plan_path()).to_dict()
    parts = sections(document)
    goals = parts[0]
    assert goals.ref == "goals" and [t.ref for t in goals.targets] == ["T1", "T2", "T3", "T4"]
    assert len(goals.sentences()) == 2  # four targets stated in two sentences, each shown once
    assert [s.heading for s in parts[1:3]] == ["（一）能源绿色低碳转型行动", "（二）工业领域碳达峰行动"]
    assert parts[-2].heading.startswith("（十一）") and parts[-1].ref == "other"  # tasks outside any action
    first = parts[1].tasks[0]
    assert (first.ref, first.number, [t.ref for t in first.targets]) == ("A1.1", "1.", ["T5"])
    assert len(refs(document)) == 1 + 1 + len(document["actions"]) + len(document["tasks"]) + len(document["targets"])


def test_another_plan_and_fallbacks() -> None:
    document = PlanBuilder().document()
    assert suggest_ref(document, "森林覆盖率还可以更高") == "T4"
    assert suggest_ref(document, "提升森林碳汇能力方面建议加大投入") == "A1.2"
    assert suggest_ref(document, "谢谢") == GENERAL
    assert suggest_ref(document, "同意", "A1.1") == "A1.1"
    assert suggest_ref(document, "关于A1.2：同意") == "A1.2"
    assert suggest_ref(document, "关于A9.9：同意") == GENERAL  # an id the plan does not have
