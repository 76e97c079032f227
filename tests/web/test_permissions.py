"""The permission matrix of the JSON API: every role × every write endpoint (and logged out)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook

from builders import PlanBuilder
from tanfeng.enterprises.credit import uscc_with_check
from tanfeng.services.collection import submit_values
from tanfeng.services.review import list_observations

from .conftest import OTHER_UNIT, OWN_UNIT, PASSWORD, Fixture

ROLES = ("admin", "office", "unit", "viewer", None)


def _submitted(fx: Fixture) -> int:
    submit_values(fx.db, [{"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 80.1}],
                  reporter=OWN_UNIT, actor="setup")
    return list_observations(fx.db, status="submitted")[0].id


def _xlsx(reporter: str, indicator_id: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标填报"
    ws.append(["指标ID", "填报期间", "本期值", "填报单位"])
    ws.append([indicator_id, "2024", 80.5, reporter])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[TestClient, Fixture], httpx.Response]
    expected: dict[str | None, int]
    writes: bool = True  # a preview changes nothing, so it leaves no audit entry


ENTERPRISE_USCC = uscc_with_check("91360000MA35PERM0")


def _enterprise_file(path: str) -> bytes:
    import tempfile
    from pathlib import Path

    from tanfeng.services import enterprise_sheets as sheets

    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "f.xlsx"
        if path == "enterprises":
            sheets.enterprise_template(target, [{"region": "示例县", "name": "示例企业（示例数据）", "uscc": ENTERPRISE_USCC,
                                                 "industry_code": "C3011"}])
        else:
            sheets.project_template(target, [{"region": "示例县", "code": "示例-001", "name": "示例项目（示例数据）",
                                              "uscc": ENTERPRISE_USCC, "status": "拟建", "product": "水泥熟料",
                                              "design_unit_energy": 118, "unit_energy_unit": "kgce/t"}])
        return target.read_bytes()


def _stored(fx: Fixture, kind: str) -> int:
    """The fixture's enterprise (and its project) stored through the services: their id."""
    import tempfile
    from pathlib import Path

    from tanfeng.services import enterprises, projects

    with tempfile.TemporaryDirectory() as tmp:
        for what, service in (("enterprises", enterprises.import_enterprises), ("projects", projects.import_projects)):
            path = Path(tmp) / f"{what}.xlsx"
            path.write_bytes(_enterprise_file(what))
            result = service(fx.db, path, actor="setup")
            if what == kind:
                return int(result.ids[0])
    raise AssertionError(kind)


OFFICE_ONLY = {"admin": 200, "office": 200, "unit": 403, "viewer": 403, None: 401}
WRITERS = {"admin": 201, "office": 201, "unit": 201, "viewer": 403, None: 401}


def _own_values(c: TestClient, fx: Fixture) -> httpx.Response:
    return c.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OWN_UNIT], "values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 80.2}]})


def _other_values(c: TestClient, fx: Fixture) -> httpx.Response:
    return c.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OTHER_UNIT], "values": [
        {"indicator_id": fx.indicator["renewable_capacity"], "period": "2024", "value": 31}]})


def _own_progress(c: TestClient, fx: Fixture) -> httpx.Response:
    return c.post("/api/v1/progress", json={"unit_id": fx.unit_ids[OWN_UNIT], "plan_id": 1, "task": "A1.2",
                                            "period": "2024", "status": "按计划推进", "text": "造林3千亩"})


def _other_progress(c: TestClient, fx: Fixture) -> httpx.Response:
    return c.post("/api/v1/progress", json={"unit_id": fx.unit_ids[OTHER_UNIT], "plan_id": 1, "task": "A1.1",
                                            "period": "2024", "status": "进展滞后"})


def _upload(reporter: str, code: str) -> Callable[[TestClient, Fixture], httpx.Response]:
    def call(c: TestClient, fx: Fixture) -> httpx.Response:
        files = {"file": ("填报.xlsx", _xlsx(reporter, fx.indicator[code]), "application/octet-stream")}
        return c.post("/api/v1/uploads", files=files)

    return call


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _attach(unit: str, code: str) -> Callable[[TestClient, Fixture], httpx.Response]:
    def call(c: TestClient, fx: Fixture) -> httpx.Response:
        return c.post("/api/v1/attachments", data={"indicator_id": str(fx.indicator[code]), "period": "2024",
                                                   "unit_id": str(fx.unit_ids[unit])},
                      files={"file": ("佐证.pdf", PDF, "application/pdf")})

    return call


def _withdraw_own(c: TestClient, fx: Fixture) -> httpx.Response:
    import hashlib

    from tanfeng.services import attachments

    with fx.db.write() as session:  # the unit's document, stored without going through the API
        subject = attachments.value_subject(session, fx.indicator["forest_coverage"], "2024")
        info, _ = attachments.add_in(session, subject, unit_id=fx.unit_ids[OWN_UNIT], filename="佐证.pdf",
                                     data_size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(), kind="pdf",
                                     actor="unit")
    return c.delete(f"/api/v1/attachments/{info.id}")


CASES = [
    Case("values own unit", _own_values, WRITERS),
    Case("values other unit", _other_values, WRITERS | {"unit": 403}),
    Case("progress own task", _own_progress, WRITERS),
    Case("progress other task", _other_progress, WRITERS | {"unit": 403}),
    Case("upload own", _upload(OWN_UNIT, "forest_coverage"), WRITERS),
    Case("upload other unit", _upload(OTHER_UNIT, "renewable_capacity"), WRITERS | {"unit": 403}),
    Case("attach own", _attach(OWN_UNIT, "forest_coverage"), WRITERS),
    Case("attach other unit", _attach(OTHER_UNIT, "renewable_capacity"), WRITERS | {"unit": 403}),
    Case("withdraw own document", _withdraw_own, OFFICE_ONLY | {"unit": 200}),
    Case("accept", lambda c, fx: c.post(f"/api/v1/observations/{_submitted(fx)}/accept"), OFFICE_ONLY),
    Case("return", lambda c, fx: c.post(f"/api/v1/observations/{_submitted(fx)}/return", json={"reason": "口径不对"}),
         OFFICE_ONLY),
    Case("quota", lambda c, fx: c.put("/api/v1/plans/1/targets/T2/quota", json={"value": 18, "unit": "%"}),
         OFFICE_ONLY),
    Case("plan preview", lambda c, fx: c.post("/api/v1/plans/preview", files={
        "file": ("plan.json", PlanBuilder(title="乙县碳达峰实施方案", region="乙县").plan().to_json().encode(), "x")}),
        OFFICE_ONLY, writes=False),
    Case("plan store", lambda c, fx: c.post("/api/v1/plans", json=PlanBuilder(region="乙县", title="乙县碳达峰实施方案")
                                           .document()), OFFICE_ONLY | {"admin": 201, "office": 201}),
    Case("create viewer", lambda c, fx: c.post("/api/v1/users", json={"username": "leader", "password": "12345678x",
                                                                      "role": "viewer"}),
         OFFICE_ONLY | {"admin": 201, "office": 201}),
    Case("create office", lambda c, fx: c.post("/api/v1/users", json={"username": "o2", "password": "12345678x",
                                                                      "role": "office"}),
         OFFICE_ONLY | {"admin": 201, "office": 403}),
    Case("deactivate unit2", lambda c, fx: c.patch("/api/v1/users/4", json={"active": False}), OFFICE_ONLY),
    Case("reset office password", lambda c, fx: c.patch("/api/v1/users/2", json={"password": "new-password-1"}),
         OFFICE_ONLY | {"office": 403}),
    Case("rename unit", lambda c, fx: c.post("/api/v1/units/rename", json={
        "region": "示例县", "unit": "住建局", "new_name": "县住房和城乡建设局"}), OFFICE_ONLY),
    Case("alias unit", lambda c, fx: c.post("/api/v1/units/aliases", json={
        "region": "示例县", "alias": "县林草局", "unit": "县林业局"}), OFFICE_ONLY | {"admin": 201, "office": 201}),
    Case("annual report", lambda c, fx: c.post("/api/v1/reports/annual", json={"year": 2024, "format": "xlsx"}),
         OFFICE_ONLY | {"viewer": 200}),  # leaders (viewers) download the report
    # the plan library and plan set-up (the fixture's plan is plan 1 of region 1, 示例县)
    Case("set current version", lambda c, fx: c.post("/api/v1/plans/1/current", json={"version": 1}), OFFICE_ONLY),
    Case("archive plan", lambda c, fx: c.post("/api/v1/plans/1/archive", json={"archived": True}), OFFICE_ONLY),
    Case("delete plan", lambda c, fx: c.request("DELETE", "/api/v1/plans/1", json={"confirm": "示例县碳达峰实施方案"}),
         OFFICE_ONLY),
    Case("base-year value", lambda c, fx: c.post("/api/v1/plans/1/baseline", json={
        "indicator_id": fx.indicator["renewable_capacity"], "year": 2020, "value": 20}), OFFICE_ONLY),
    Case("indicator units", lambda c, fx: c.post("/api/v1/plans/1/assign", json={
        "indicator_id": fx.indicator["energy_intensity"], "lead": "县发改委", "co": ["县林业局"]}), OFFICE_ONLY),
    Case("frequency", lambda c, fx: c.post("/api/v1/plans/1/frequency", json={
        "indicator_id": fx.indicator["renewable_capacity"], "frequency": "quarter"}), OFFICE_ONLY),
    Case("task units", lambda c, fx: c.post("/api/v1/plans/1/tasks/units", json={"task": "A1.1", "lead": "县发改委"}),
         OFFICE_ONLY),
    Case("add unit", lambda c, fx: c.post("/api/v1/plans/1/units", json={"name": "县能源局"}),
         OFFICE_ONLY | {"admin": 201, "office": 201}),
    Case("quota table", lambda c, fx: c.put("/api/v1/regions/1/quotas", json={"doc": "示例〔2024〕1号", "entries": []}),
         OFFICE_ONLY),
    Case("send reminders", lambda c, fx: c.post("/api/v1/reminders/run"), OFFICE_ONLY),
    Case("reminder deadline", lambda c, fx: c.put("/api/v1/reminders/deadlines", json={
        "period": "2024", "due_on": "2025-04-30"}), OFFICE_ONLY),
    # key energy users and 两高 projects (an enterprise account's own writes: tests/web/test_enterprises_web.py)
    Case("import enterprises", lambda c, fx: c.post("/api/v1/enterprises/import", files={
        "file": ("名录.xlsx", _enterprise_file("enterprises"), "x")}), OFFICE_ONLY | {"admin": 201, "office": 201}),
    Case("import projects", lambda c, fx: _stored(fx, "enterprises") and c.post("/api/v1/projects/import", files={
        "file": ("项目.xlsx", _enterprise_file("projects"), "x")}), OFFICE_ONLY | {"admin": 201, "office": 201}),
    Case("edit enterprise", lambda c, fx: c.patch(f"/api/v1/enterprises/{_stored(fx, 'enterprises')}",
                                                  json={"contact_name": "张三"}), OFFICE_ONLY),
    Case("project status", lambda c, fx: c.post(f"/api/v1/projects/{_stored(fx, 'projects')}/status",
                                                json={"status": "在建"}), OFFICE_ONLY),
    # enterprise energy data pushed by a monitoring platform (an enterprise account's own push and another's 403:
    # tests/web/test_enterprise_data_web.py)
    Case("push energy data", lambda c, fx: c.post(f"/api/v1/enterprises/{_stored(fx, 'enterprises')}/energy", json={
        "records": [{"period": "2024-01", "fuel": "柴油", "quantity": 1, "unit": "吨"}]}), OFFICE_ONLY),
    Case("logout", lambda c, fx: c.delete("/api/v1/session"), {"admin": 200, "office": 200, "unit": 200,
                                                              "viewer": 200, None: 401}),
    Case("own password", lambda c, fx: c.post("/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": "another-long-password"}),
         {"admin": 200, "office": 200, "unit": 200, "viewer": 200, None: 401}),
    # every account may hold tokens acting as itself (another's token: tests/web/test_api_tokens.py)
    Case("make an API token", lambda c, fx: c.post("/api/v1/me/tokens", json={"name": "监测平台"}),
         {"admin": 201, "office": 201, "unit": 201, "viewer": 201, None: 401}),
    Case("revoke own API token", lambda c, fx: _made_and_revoked(c),
         {"admin": 200, "office": 200, "unit": 200, "viewer": 200, None: 401}),
]


def _made_and_revoked(client: TestClient) -> httpx.Response:
    made = client.post("/api/v1/me/tokens", json={"name": "监测平台"})
    return made if made.status_code != 201 else client.delete(f"/api/v1/me/tokens/{made.json()['id']}")


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_permission_matrix(case: Case, role: str | None, fx: Fixture,
                           client_for: Callable[[str | None], TestClient]) -> None:
    from tanfeng.services import audit

    before = audit.count(fx.db)
    response = case.call(client_for(role), fx)
    assert response.status_code == case.expected[role], response.text
    entries = audit.recent(fx.db, limit=20)
    if response.status_code < 300 and case.writes and case.name != "logout":
        # every successful write is in the audit log, with the user who made it
        assert audit.count(fx.db) > before + 1  # the login and the write
        assert entries[0].username == role and entries[0].action not in ("login", "login_failed")
    elif role is not None:
        assert all(e.action == "login" or e.action == "logout" for e in entries[: audit.count(fx.db) - before])


def test_write_without_csrf_token_is_refused(fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for("admin")
    del client.headers["X-CSRF-Token"]
    assert _own_values(client, fx).status_code == 403
    client.headers["X-CSRF-Token"] = "forged"
    assert _own_values(client, fx).status_code == 403
    assert list_observations(fx.db) == []


def test_unit_cannot_report_for_another_unit_by_naming_it(fx: Fixture,
                                                          client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for("unit")
    response = client.post("/api/v1/observations", json={"unit_id": fx.unit_ids[OTHER_UNIT], "values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 80.2}]})
    assert response.status_code == 403
    own = client.post("/api/v1/observations", json={"values": [
        {"indicator_id": fx.indicator["forest_coverage"], "period": "2024", "value": 80.2}]})
    assert own.status_code == 201
    stored = list_observations(fx.db)
    assert [(o.reporter, o.value, o.status) for o in stored] == [(OWN_UNIT, 80.2, "submitted")]


def test_reads_need_a_login_and_office_pages_need_the_office(
        fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    anonymous = client_for(None)
    assert anonymous.get("/api/v1/status").status_code == 401
    page = anonymous.get("/plan")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    viewer = client_for("viewer")
    assert viewer.get("/api/v1/status").status_code == 200
    assert viewer.get("/plan").status_code == 200
    for path in ("/review", "/admin", "/audit", "/plans/upload", "/api/v1/users", "/api/v1/audit"):
        assert viewer.get(path).status_code == 403, path
        assert client_for("unit").get(path).status_code == 403, path
        assert client_for("office").get(path).status_code == 200, path


@pytest.mark.parametrize("path,data", [
    ("/workspace/values", {"value.1": "3"}),
    ("/review/1/accept", {}),
    ("/admin/users", {"username": "x", "password": "12345678", "role": "viewer"}),
    ("/targets/2/quota", {"plan_id": "1", "target": "T2", "value": "18"}),
    ("/plans/save", {"document": "{}"}),
    ("/reports/annual", {}),
])
def test_page_forms_redirect_logged_out_and_refuse_missing_csrf(
        path: str, data: dict[str, str], fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    response = client_for(None).post(path, data=data)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    office = client_for("office")
    del office.headers["X-CSRF-Token"]
    assert office.post(path, data=data).status_code == 403
    viewer = client_for("viewer")
    # leaders download the annual report; every other form is a write they may not make
    assert viewer.post(path, data=data).status_code == (200 if path == "/reports/annual" else 403)


def test_unit_uploads_its_own_file_under_a_short_name(fx: Fixture,
                                                      client_for: Callable[[str | None], TestClient]) -> None:
    client = client_for("unit")
    files = {"file": ("填报.xlsx", _xlsx("林业局", fx.indicator["forest_coverage"]), "application/octet-stream")}
    response = client.post("/api/v1/uploads", files=files)
    assert response.status_code == 201, response.text
    assert [(o.reporter, o.value) for o in list_observations(fx.db)] == [(OWN_UNIT, 80.5)]


def test_office_accepts_several_values_at_once_all_or_none(
        fx: Fixture, client_for: Callable[[str | None], TestClient]) -> None:
    submit_values(fx.db, [{"indicator_id": fx.indicator["forest_coverage"], "period": str(y), "value": 80 + y % 10}
                          for y in (2022, 2023, 2024)], reporter=OWN_UNIT, actor="setup")
    ids = [o.id for o in list_observations(fx.db, status="submitted")]
    office = client_for("office")
    token = office.headers.pop("X-CSRF-Token")
    accepted = list_observations(fx.db, status="accepted")
    assert office.post("/review/bulk", data={"csrf_token": token, "ids": [*ids[:2], 999]}).status_code == 422
    assert list_observations(fx.db, status="accepted") == accepted == []  # none accepted: 999 does not exist
    assert office.post("/review/bulk", data={"csrf_token": token, "ids": ids}).status_code == 303
    assert {o.id for o in list_observations(fx.db, status="accepted")} == set(ids)
    unit = client_for("unit")
    unit_token = unit.headers.pop("X-CSRF-Token")
    assert unit.post("/review/bulk", data={"csrf_token": unit_token, "ids": ids}).status_code == 403


def test_the_matrix_covers_every_write_endpoint_of_the_api(app: FastAPI) -> None:
    """A new write endpoint fails this test until it has a row in CASES (and is added here)."""
    schema = TestClient(app).get("/api/v1/openapi.json").json()
    writes = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops
              if method in ("post", "put", "patch", "delete")}
    covered = {
        ("POST", "/api/v1/observations"), ("POST", "/api/v1/progress"), ("POST", "/api/v1/uploads"),
        ("POST", "/api/v1/observations/{observation_id}/accept"),
        ("POST", "/api/v1/observations/{observation_id}/return"),
        ("PUT", "/api/v1/plans/{plan_id}/targets/{target}/quota"), ("POST", "/api/v1/plans/preview"),
        ("POST", "/api/v1/plans"), ("POST", "/api/v1/users"), ("PATCH", "/api/v1/users/{account_id}"),
        ("POST", "/api/v1/units/rename"), ("POST", "/api/v1/units/aliases"), ("POST", "/api/v1/reports/annual"),
        ("DELETE", "/api/v1/session"), ("POST", "/api/v1/reminders/run"), ("PUT", "/api/v1/reminders/deadlines"),
        ("POST", "/api/v1/session"),  # the login itself: tested in test_security
        ("POST", "/api/v1/plans/{plan_id}/current"), ("POST", "/api/v1/plans/{plan_id}/archive"),
        ("DELETE", "/api/v1/plans/{plan_id}"), ("POST", "/api/v1/plans/{plan_id}/baseline"),
        ("POST", "/api/v1/plans/{plan_id}/assign"), ("POST", "/api/v1/plans/{plan_id}/frequency"),
        ("POST", "/api/v1/plans/{plan_id}/tasks/units"), ("POST", "/api/v1/plans/{plan_id}/units"),
        ("PUT", "/api/v1/regions/{region_id}/quotas"),
        ("POST", "/api/v1/attachments"), ("DELETE", "/api/v1/attachments/{attachment_id}"),
        ("POST", "/api/v1/me/password"), ("POST", "/api/v1/me/tokens"), ("DELETE", "/api/v1/me/tokens/{token_id}"),
        ("POST", "/api/v1/enterprises/import"), ("POST", "/api/v1/projects/import"),
        ("PATCH", "/api/v1/enterprises/{enterprise_id}"), ("POST", "/api/v1/projects/{project_id}/status"),
        ("POST", "/api/v1/enterprises/{enterprise_id}/energy"),
    }
    assert writes == covered
    assert len(CASES) >= len(covered) - 1
