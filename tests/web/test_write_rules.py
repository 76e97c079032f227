"""Who may change what, stale edits and audit-with-the-change, through the API and the forms, on both databases."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from builders import PlanBuilder
from integration.conftest import owner_url
from tanfeng.db.account_models import AuditEntry
from tanfeng.db.models import Observation
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.errors import StoreError
from tanfeng.services.plan_import import import_plan
from tanfeng.services.review import list_observations
from tanfeng.services.workspace import list_units
from tanfeng.web import create_app

from .conftest import OTHER_UNIT, OWN_UNIT, Fixture, login, populate, settings


@dataclass
class Web:
    fx: Fixture
    app: FastAPI
    client: Callable[[str], TestClient]

    @property
    def forest(self) -> int:
        return self.fx.indicator["forest_coverage"]


@pytest.fixture
def web(db_url: str) -> Iterator[Web]:
    db = Database(db_url)
    fx = populate(db)
    app = create_app(settings(), db)
    yield Web(fx, app, lambda name: login(app, name))
    db.dispose()


def _post_value(c: TestClient, ind: int, value: float, *, period: str = "2024", draft: bool = False,
                version: int | None = None, unit_id: int | None = None) -> tuple[int, dict]:
    item: dict[str, object] = {"indicator_id": ind, "period": period, "value": value}
    if version is not None:
        item["version"] = version
    body: dict[str, object] = {"draft": draft, "values": [item]}
    if unit_id is not None:
        body["unit_id"] = unit_id
    r = c.post("/api/v1/observations", json=body)
    return r.status_code, r.json()


def _accepted(web: Web, value: float = 80.1) -> int:
    unit, office = web.client("unit"), web.client("office")
    assert _post_value(unit, web.forest, value)[0] == 201
    obs = list_observations(web.fx.db, status="submitted")[0]
    assert office.post(f"/api/v1/observations/{obs.id}/accept", json={"version": obs.version}).status_code == 200
    return obs.id


def _status(web: Web) -> tuple[str, float]:
    obs = list_observations(web.fx.db)[0]
    return obs.status, obs.value


def _audit_count(db: Database, action: str) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)) or 0


def test_stale_api_edit_is_refused_with_the_current_value(web: Web) -> None:
    unit, office = web.client("unit"), web.client("office")
    status, body = _post_value(unit, web.forest, 80.1)
    assert status == 201 and body["stored"][0]["version"] == 1
    assert _post_value(office, web.forest, 80.3, version=1, unit_id=web.fx.unit_ids[OWN_UNIT])[0] == 201
    status, body = _post_value(unit, web.forest, 80.2, version=1)
    assert status == 409
    assert body["current"][0]["value"] == 80.3 and body["current"][0]["version"] == 2
    assert "80.3" in body["detail"] and "刷新" in body["detail"]
    assert _status(web) == ("submitted", 80.3)


def test_stale_form_edit_shows_the_current_value(web: Web) -> None:
    unit = web.client("unit")
    page = unit.get("/workspace", params={"period": "2024"}).text
    assert f'name="version.{web.forest}" value="0"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    assert _post_value(web.client("office"), web.forest, 79.9, unit_id=web.fx.unit_ids[OWN_UNIT])[0] == 201
    form = {"csrf_token": token.group(1), "period": "2024", f"value.{web.forest}": "80.5", f"version.{web.forest}": "0"}
    response = unit.post("/workspace/values", data=form)
    assert response.status_code == 409
    assert "79.9" in response.text and "已被他人修改" in response.text
    assert _status(web) == ("submitted", 79.9)


def test_review_acts_on_the_exact_revision(web: Web) -> None:
    unit, office = web.client("unit"), web.client("office")
    _post_value(unit, web.forest, 80.1)
    seen = office.get("/api/v1/observations", params={"status": "submitted"}).json()[0]
    assert _post_value(unit, web.forest, 95.0)[0] == 201  # changed after the office looked
    response = office.post(f"/api/v1/observations/{seen['id']}/accept", json={"version": seen["version"]})
    assert response.status_code == 409 and response.json()["current"][0]["value"] == 95.0
    assert _status(web) == ("submitted", 95.0)
    page = office.get("/review").text
    assert f'name="version" value="{seen["version"] + 1}"' in page  # the form carries the version shown


def test_audit_entry_commits_with_the_change_or_not_at_all(web: Web) -> None:
    db, unit = web.fx.db, web.client("unit")
    assert _post_value(unit, web.forest, 80.1)[0] == 201
    assert _audit_count(db, "submit_values") == 1
    # a refused change leaves no entry
    assert _post_value(unit, web.forest, 80.2, period=str(date.today().year + 1))[0] == 422
    assert _audit_count(db, "submit_values") == 1
    # an audit log that cannot be written stops the change too (the trigger is the table owner's to make)
    owner = db if db.is_sqlite else Database(owner_url(str(db.engine.url.render_as_string(hide_password=False))))
    with owner.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("CREATE TRIGGER audit_down BEFORE INSERT ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"))
        else:
            conn.execute(text("CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                              "RAISE EXCEPTION 'audit log unavailable'; END $$"))
            conn.execute(text("CREATE TRIGGER audit_down BEFORE INSERT ON audit_log "
                              "FOR EACH ROW EXECUTE FUNCTION audit_down()"))
    try:
        failing = TestClient(web.app, raise_server_exceptions=False)
        failing.cookies, failing.headers = unit.cookies, unit.headers
        response = failing.post("/api/v1/observations", json={"values": [
            {"indicator_id": web.forest, "period": "2023", "value": 70.0}]})
        assert response.status_code == 500
        with db.transaction() as s:
            assert s.scalar(select(func.count()).select_from(Observation).where(Observation.period == "2023")) == 0
    finally:
        with owner.engine.begin() as conn:
            conn.execute(text("DROP TRIGGER audit_down" if db.is_sqlite else "DROP TRIGGER audit_down ON audit_log"))
            if not db.is_sqlite:
                conn.execute(text("DROP FUNCTION audit_down()"))
        if owner is not db:
            owner.dispose()


def test_a_unit_cannot_turn_an_accepted_value_into_a_draft(web: Web) -> None:
    _accepted(web)
    status, body = _post_value(web.client("unit"), web.forest, 80.4, draft=True)
    assert status == 422 and "草稿" in body["detail"]
    assert _status(web) == ("accepted", 80.1)


def test_only_the_lead_unit_or_office_changes_an_accepted_value(web: Web) -> None:
    _accepted(web)
    co_unit = web.client("unit2")  # 县发改委 is a co-unit of 森林覆盖率, led by 县林业局
    status, body = _post_value(co_unit, web.forest, 60.0)
    assert status == 422 and "牵头单位" in body["detail"]
    assert _status(web) == ("accepted", 80.1)
    # the lead unit may: the change goes back to review as a new revision
    assert _post_value(web.client("unit"), web.forest, 80.6)[0] == 201
    assert _status(web) == ("submitted", 80.6)
    history = web.client("office").get(f"/api/v1/indicators/{web.forest}/history").json()
    assert [(h["seq"], h["action"], h["new_status"]) for h in history] == [
        (1, "create", "submitted"), (2, "accept", "accepted"), (3, "update", "submitted")]


def test_the_office_may_correct_an_accepted_value(web: Web) -> None:
    _accepted(web)
    office = web.client("office")
    assert _post_value(office, web.forest, 80.9, unit_id=web.fx.unit_ids[OTHER_UNIT])[0] == 201
    assert _status(web) == ("submitted", 80.9)


def test_values_for_later_periods_are_refused(web: Web) -> None:
    later = date.today().year + 4
    builder = PlanBuilder()  # a new version whose forest target runs past the current year
    builder.targets.append(dict(builder.target("T4"), id="T6", value=82.4, year=later + 1))
    import_plan(web.fx.db, builder.plan(), actor="office")
    for period in (str(later), f"{later}Q1", f"{date.today().year + 1}-01"):
        status, body = _post_value(web.client("unit"), web.forest, 80.0, period=period)
        assert status == 422 and "尚未开始" in body["detail"], period
    assert list_observations(web.fx.db) == []


@pytest.mark.parametrize("period", ["20245", "2024.5", "abc", "202403", "2024-13"])
def test_malformed_periods_are_refused(web: Web, period: str) -> None:
    status, body = _post_value(web.client("unit"), web.forest, 80.0, period=period)
    assert status == 422 and "无法识别" in body["detail"]


def _unit_names(web: Web) -> set[str]:
    return {name for _, name, _ in list_units(web.fx.db)}


def _region(web: Web) -> str:
    return str(web.client("office").get("/api/v1/plans").json()[0]["region"])


@pytest.mark.parametrize(("new_name", "why"), [
    ("", "不能为空"), ("   ", "不能为空"), ("县发改委", "已是单位"), ("县林业局\u200b", "不可见字符"),
    ("\u202e局业林县", "方向控制符"), ("县发展和改革委员会", "已是单位"),
])
def test_registry_refuses_empty_duplicate_and_look_alike_names(web: Web, new_name: str, why: str) -> None:
    office = web.client("office")
    response = office.post("/api/v1/units/rename", json={"region": _region(web), "unit": "县林业局",
                                                          "new_name": new_name})
    assert response.status_code == 422 and why in response.json()["detail"]
    assert "县林业局" in _unit_names(web)


def test_full_width_look_alike_of_another_units_alias_is_refused(web: Web) -> None:
    office = web.client("office")
    region = _region(web)
    assert office.post("/api/v1/units/aliases", json={"region": region, "alias": "ABC办", "unit": "县发改委"}
                       ).status_code == 201
    response = office.post("/api/v1/units/rename", json={"region": region, "unit": "县林业局", "new_name": "ＡＢＣ办"})
    assert response.status_code == 422 and "已是单位" in response.json()["detail"]


def test_alias_merge_shows_what_would_move_before_doing_it(web: Web) -> None:
    office = web.client("office")
    region = _region(web)
    body = {"region": region, "alias": "县发改委", "unit": "县林业局"}
    preview = office.post("/api/v1/units/aliases", json=body)
    assert preview.status_code == 409
    moves = preview.json()["merge"]
    assert moves["from"] == "县发改委" and moves["into"] == "县林业局" and moves["responsibilities"] >= 1
    assert moves["accounts"] == 1  # unit2 belongs to 县发改委
    assert "县发改委" in _unit_names(web)  # nothing merged yet
    assert office.post("/api/v1/units/aliases", json={"region": region, "alias": "", "unit": "县林业局"}
                       ).status_code == 422
    assert office.post("/api/v1/units/aliases", json=dict(body, confirm=True)).status_code == 201
    assert _audit_count(web.fx.db, "alias_unit") == 1


def test_alias_merge_form_asks_first(web: Web) -> None:
    office = web.client("office")
    page = office.get("/admin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    form = {"csrf_token": token.group(1), "region": _region(web), "alias": "县发改委", "unit": "县林业局"}
    response = office.post("/admin/units/alias", data=form)
    assert response.status_code == 200 and "确认合并" in response.text and "任务职责" in response.text
    assert _audit_count(web.fx.db, "alias_unit") == 0
    assert office.post("/admin/units/alias", data=dict(form, confirm="1")).status_code == 303
    assert _audit_count(web.fx.db, "alias_unit") == 1


def test_the_last_admin_cannot_be_demoted_or_deactivated(web: Web) -> None:
    admin = web.client("admin")
    me = admin.get("/api/v1/me").json()["user"]
    for change in ({"role": "office"}, {"active": False}):
        response = admin.patch(f"/api/v1/users/{me['id']}", json=change)
        assert response.status_code == 422 and "最后一个系统管理员" in response.json()["detail"]
    assert accounts.get_account(web.fx.db, me["id"]).role == "admin"  # type: ignore[union-attr]


def test_two_admins_demoting_each_other_at_once_leave_one(web: Web) -> None:
    db = web.fx.db
    first = next(a for a in accounts.list_accounts(db) if a.role == "admin")
    second = accounts.create_user(db, username="admin2", password="correct-horse-battery", role="admin")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(account_id: int) -> None:
        barrier.wait()
        try:
            accounts.update_user(db, account_id, role="office")
            outcomes.append("demoted")
        except StoreError:
            outcomes.append("refused")

    threads = [threading.Thread(target=demote, args=(uid,)) for uid in (first.id, second.id)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["demoted", "refused"]
    assert [a.username for a in accounts.list_accounts(db) if a.role == "admin" and a.active] in (["admin"], ["admin2"])


def test_stale_account_edit_is_refused(web: Web) -> None:
    admin = web.client("admin")
    users = {u["username"]: u for u in admin.get("/api/v1/users").json()}
    target = users["viewer"]
    assert admin.patch(f"/api/v1/users/{target['id']}", json={"active": False, "version": target["version"]}
                       ).status_code == 200
    response = admin.patch(f"/api/v1/users/{target['id']}", json={"password": "another-password-1",
                                                                    "version": target["version"]})
    assert response.status_code == 409 and "停用" in response.json()["detail"]


def test_times_are_stored_utc_and_shown_in_beijing_time(web: Web) -> None:
    unit, admin = web.client("unit"), web.client("admin")
    before = datetime.now(UTC)
    assert _post_value(unit, web.forest, 80.1)[0] == 201
    with web.fx.db.transaction() as s:
        at = s.scalars(select(AuditEntry.at).where(AuditEntry.action == "submit_values")).one()
        updated = s.scalars(select(Observation.updated_at)).one()
    assert at.utcoffset() == timedelta(0) and updated.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=5) <= at <= datetime.now(UTC)
    shown = (at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    assert shown in admin.get("/audit").text
