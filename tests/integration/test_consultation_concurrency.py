"""Concurrent public submissions and rate-limit hits: unique, gap-free receipts and exact counts on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from tanfeng.db.models import PlanVersion
from tanfeng.db.session import Database
from tanfeng.plans import example_plan_path, read
from tanfeng.services import consultation as cs
from tanfeng.services.consultation_public import PublicLimits, hit, submit_public
from tanfeng.services.plan_import import import_plan

WORKERS, EACH = 6, 4


def test_parallel_submissions_and_hits(db: Database) -> None:
    import_plan(db, read(example_plan_path()), actor="office")
    with db.transaction() as session:
        version_id = session.scalars(select(PlanVersion.id)).one()
    today = cs.today_cn()
    info = cs.open_round(db, cs.Actor("office"), version_id=version_id, kind="public", opens_on=today,
                         closes_on=today + timedelta(days=3), channels=["web", "email"])

    def submit(worker: int) -> list[str]:
        out = []
        for i in range(EACH):
            out += submit_public(db, cs.PUBLIC, info.id, [("general", f"意见{worker}-{i}"), ("T5", "提高目标")],
                                 nonce=f"w{worker}-{i}", name=None, contact=None, org=None)
        return out

    def count(_: int) -> list[int]:
        return [hit(db, "same-client", PublicLimits(), now=1_000_000.0) for _ in range(EACH)]

    with ThreadPoolExecutor(WORKERS) as pool:
        receipts = [r for batch in pool.map(submit, range(WORKERS)) for r in batch]
        counts = sorted(n for batch in pool.map(count, range(WORKERS)) for n in batch)
    expected = [f"YJ{info.id}-{n:04d}" for n in range(1, WORKERS * EACH * 2 + 1)]
    assert sorted(receipts) == expected  # every receipt once, no gap
    assert counts == list(range(1, WORKERS * EACH + 1))  # every hit counted once
    office = cs.add_comment(db, cs.Actor("office"), info.id, channel="email", text="邮件意见", received_on=today)
    assert office.receipt == f"YJ{info.id}-{WORKERS * EACH * 2 + 1:04d}"
