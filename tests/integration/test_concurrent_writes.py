"""Writes under concurrency, on SQLite and PostgreSQL: real threads against the real database."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from builders import PlanBuilder
from tanfeng.db.models import Indicator, Observation, ObservationRevision
from tanfeng.db.session import Database
from tanfeng.services import registry
from tanfeng.services.accounts import create_user, list_accounts
from tanfeng.services.collection import submit_progress, submit_values
from tanfeng.services.errors import StaleEdit, StoreError
from tanfeng.services.plan_admin import set_quota
from tanfeng.services.plan_import import import_plan
from tanfeng.services.progress import task_progress
from tanfeng.services.review import history, list_observations, review

THREADS, WRITES = 6, 8


def _forest(db: Database) -> int:
    import_plan(db, PlanBuilder().plan(), actor="office")
    with db.transaction() as s:
        return s.scalars(select(Indicator.id).where(Indicator.code == "forest_coverage")).one()


def _all_at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released together; returns each result or the exception raised."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except Exception as err:  # collected: the test asserts which kinds occur
            return err

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def _chain_holds(db: Database, indicator_id: int, period: str) -> list[float | None]:
    revs = history(db, indicator_id, period)
    assert [r.seq for r in revs] == list(range(1, len(revs) + 1))
    assert all(revs[i].old_value == revs[i - 1].new_value for i in range(1, len(revs)))
    return [r.new_value for r in revs]


def test_parallel_writers_of_one_value_keep_a_clean_history(db: Database) -> None:
    ind = _forest(db)

    def writer(i: int) -> list[float]:
        done = []
        for k in range(WRITES):
            value = 80 + i + k / 100
            submit_values(db, [{"indicator_id": ind, "period": "2023", "value": value}], reporter="县林业局",
                          actor=f"clerk{i}")
            done.append(value)
        return done

    results = _all_at_once(THREADS, writer)
    assert not [r for r in results if isinstance(r, Exception)], results
    acknowledged = {v for r in results for v in r}
    assert len(acknowledged) == THREADS * WRITES
    assert set(_chain_holds(db, ind, "2023")) == acknowledged


def test_revision_numbers_are_unique_in_the_database(db: Database) -> None:
    ind = _forest(db)
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.0}], reporter="县林业局", actor="a")
    with pytest.raises(IntegrityError), db.transaction() as s:
        obs_id = s.scalars(select(Observation.id)).one()
        s.add(ObservationRevision(observation_id=obs_id, seq=1, actor="x", action="update"))
        s.flush()


def test_two_simultaneous_reviews_give_one_acceptance(db: Database) -> None:
    ind = _forest(db)
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.5}], reporter="县林业局", actor="a")
    obs_id = list_observations(db)[0].id
    results = _all_at_once(4, lambda _: review(db, [obs_id], action="accept", actor="office"))
    assert sorted(type(r).__name__ for r in results) == ["StoreError", "StoreError", "StoreError", "int"]
    assert [r.action for r in history(db, ind, "2023")] == ["create", "accept"]


def test_a_review_acts_on_the_version_the_office_saw(db: Database) -> None:
    ind = _forest(db)
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.5}], reporter="县林业局", actor="a")
    seen = list_observations(db)[0]
    assert seen.version == 1
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 90.0}], reporter="县林业局", actor="a")
    with pytest.raises(StaleEdit, match=r"90\.0") as err:
        review(db, [seen.id], action="accept", actor="office", versions={seen.id: seen.version})
    assert err.value.current[0]["value"] == 90.0 and err.value.current[0]["version"] == 2
    assert list_observations(db)[0].status == "submitted"
    assert review(db, [seen.id], action="accept", actor="office", versions={seen.id: 2}) == 1


def test_stale_edit_is_refused_with_the_current_value(db: Database) -> None:
    ind = _forest(db)
    first = submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.0}], reporter="县林业局", actor="a")
    assert first.stored[0].version == 1
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 81.0, "version": 1}], reporter="县林业局",
                  actor="b")
    with pytest.raises(StaleEdit) as err:
        submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 82.0, "version": 1}],
                      reporter="县林业局", actor="c")
    assert "81.0" in str(err.value) and err.value.current[0]["value"] == 81.0
    assert _chain_holds(db, ind, "2023") == [80.0, 81.0]


def test_parallel_edits_from_one_version_let_exactly_one_through(db: Database) -> None:
    ind = _forest(db)
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.0}], reporter="县林业局", actor="a")
    results = _all_at_once(4, lambda i: submit_values(
        db, [{"indicator_id": ind, "period": "2023", "value": 81.0 + i, "version": 1}], reporter="县林业局",
        actor=f"u{i}"))
    assert sum(isinstance(r, StaleEdit) for r in results) == 3
    assert len(_chain_holds(db, ind, "2023")) == 2


def test_stale_task_progress_and_quota_are_refused(db: Database) -> None:
    import_plan(db, PlanBuilder().plan(), actor="office")
    plan_id = task_progress(db)[0].plan_id
    report = {"plan_id": plan_id, "task": "A1.2", "period": "2023", "status": "按计划推进", "text": "造林500亩",
              "version": 0}
    submit_progress(db, [report], reporter="县林业局", actor="a")
    with pytest.raises(StaleEdit, match="造林500亩"):
        submit_progress(db, [dict(report, text="造林600亩")], reporter="县林业局", actor="b")
    ref = set_quota(db, plan=None, target="T2", value=18.0, unit="%", note=None, actor="office", version=0)
    assert ref.version == 1
    with pytest.raises(StaleEdit, match=r"18\.0"):
        set_quota(db, plan=None, target="T2", value=19.0, unit="%", note=None, actor="office2", version=0)


def test_updated_at_follows_each_change(db: Database) -> None:
    ind = _forest(db)
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.0}], reporter="县林业局", actor="a")
    with db.transaction() as s:
        first = s.scalars(select(Observation.updated_at)).one()
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 81.0}], reporter="县林业局", actor="b")
    with db.transaction() as s:
        second = s.scalars(select(Observation.updated_at)).one()
    assert second > first
    review(db, [list_observations(db)[0].id], action="accept", actor="office")
    with db.transaction() as s:
        assert s.scalars(select(Observation.updated_at)).one() > second


def test_sqlite_write_transactions_take_the_lock_first(sqlite_template: Path, tmp_path: Path) -> None:
    """``Database.write()`` starts with BEGIN IMMEDIATE: a second writer waits at BEGIN, not half-way."""
    path = tmp_path / "w.db"
    shutil.copy(sqlite_template, path)
    db, other = Database(f"sqlite:///{path}"), Database(f"sqlite:///{path}")
    try:
        with db.write() as session:
            session.execute(text("SELECT 1"))
            with pytest.raises(OperationalError, match="locked"), other.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout = 50")
                conn.exec_driver_sql("BEGIN IMMEDIATE")
        with db.transaction() as session:  # a read transaction does not block a writer
            session.execute(text("SELECT 1"))
            with other.write() as writer:
                writer.execute(text("SELECT 1"))
    finally:
        db.dispose()
        other.dispose()


def test_unknown_observation_in_a_review_changes_nothing(db: Database) -> None:
    ind = _forest(db)
    submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80.5}], reporter="县林业局", actor="a")
    obs_id = list_observations(db)[0].id
    with pytest.raises(StoreError, match="999"):
        review(db, [obs_id, 999], action="accept", actor="office")
    assert list_observations(db)[0].status == "submitted"


def test_parallel_plan_imports_and_value_writes_all_land(db: Database) -> None:
    """New versions of one plan imported at once get distinct numbers; writers of its values are not hurt."""
    ind = _forest(db)

    def work(i: int) -> object:
        if i % 2:
            return submit_values(db, [{"indicator_id": ind, "period": "2023", "value": 80 + i}], reporter="县林业局",
                                 actor=f"u{i}")
        return import_plan(db, PlanBuilder(date=f"2024-0{i // 2 + 1}-01").plan(), actor=f"office{i}")

    results = _all_at_once(6, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    with db.transaction() as s:
        numbers = sorted(s.scalars(text("SELECT number FROM plan_versions")).all())
    assert numbers == [1, 2, 3, 4]
    assert len(_chain_holds(db, ind, "2023")) == 3


def test_one_user_name_created_at_once_twice_gives_one_account(db: Database) -> None:
    results = _all_at_once(4, lambda i: create_user(db, username="zhangsan", password="long-enough-1", role="viewer"))
    assert sorted(type(r).__name__ for r in results) == ["Account", "StoreError", "StoreError", "StoreError"]
    assert [a.username for a in list_accounts(db)] == ["zhangsan"]


def test_one_alias_registered_at_once_from_several_sessions(db: Database) -> None:
    import_plan(db, PlanBuilder().plan(), actor="office")
    results = _all_at_once(4, lambda i: registry.alias_unit(db, region="示例县", alias="县造林办", unit="县林业局",
                                                           actor=f"office{i}"))
    assert not [r for r in results if isinstance(r, Exception)], results
    aliases = next(u.aliases for u in registry.units_with_aliases(db, "示例县") if u.name == "县林业局")
    assert aliases.count("县造林办") == 1
