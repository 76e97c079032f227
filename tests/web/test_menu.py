"""The grouped menu (base.html, web/menu.py): every page a role can reach without a parameter is linked from it
(and nothing it may not use), the current page's group is marked, the groups are <details> that work without a
script, and the words are in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from integration.enterprise_helpers import USCC_A, enterprise_rows, write_enterprises
from route_walk import get_paths
from tanfeng.db.enterprise_models import Enterprise
from tanfeng.services import accounts
from tanfeng.services.enterprises import import_enterprises

from .conftest import PASSWORD, Fixture, login

# pages without a path parameter that are reached from elsewhere, not from the menu (and why)
ELSEWHERE = {"/account": "the user's name at the top right", "/attachments": "a workspace row",
             "/enterprises/import": "the enterprises and projects pages", "/login": "logged out",
             "/consult": "the public consultation page"}
# pages a role's account gets (200) but that are left off its menu, as before the menu was grouped:
# a unit reports, the regional and enterprise-wide views are the office's (they show a unit its own region);
# an enterprise reads no plan, unit or region (403, below); the energy-data list shows it its own enterprise only
OFF_THE_MENU = {"unit": {"/rollup", "/alignment", "/energy-data", "/headroom", "/measures"},
                "ent": {"/energy-data"}}
NOT_PAGES = re.compile(r"\.(xlsx|docx|csv|js)$|^/lang/|^/static|^/api/|\{")


def _pages(app: FastAPI) -> list[str]:
    return sorted({p for p in get_paths(app) if not NOT_PAGES.search(p)})


def _menu(html: str) -> BeautifulSoup:
    menu = BeautifulSoup(html, "html.parser").select_one("header.top nav#main-menu")
    assert menu is not None
    return menu


def _links(html: str) -> set[str]:
    return {str(a["href"]).partition("?")[0] for a in _menu(html).select("a")}


@pytest.fixture
def enterprise_app(app: FastAPI, fx: Fixture, tmp_path: Path) -> FastAPI:
    """The web fixture plus one enterprise (示例数据) and its own account ``ent``."""
    rows = [dict(row, region="示例县") for row in enterprise_rows()]  # the fixture plan's county
    import_enterprises(fx.db, write_enterprises(tmp_path / "e.xlsx", rows), actor="office")
    with fx.db.transaction() as session:
        enterprise = session.scalars(select(Enterprise.id).where(Enterprise.uscc == USCC_A)).one()
    accounts.create_user(fx.db, username="ent", password=PASSWORD, role="enterprise", enterprise_id=enterprise)
    app.state.test_enterprise = enterprise
    return app


@pytest.mark.parametrize("username", ["office", "admin", "unit", "viewer", "ent"])
def test_every_page_the_role_can_reach_is_in_its_menu(enterprise_app: FastAPI, username: str) -> None:
    client = login(enterprise_app, username)
    links = _links(client.get("/account").text)
    for link in links:  # every link works for the role
        response = client.get(link)
        assert response.status_code == 200, (username, link, response.status_code)
    reachable = set()
    for page in _pages(enterprise_app):
        if page in ELSEWHERE or page in OFF_THE_MENU.get(username, ()):
            continue
        response = client.get(page)
        if response.status_code == 200:
            reachable.add(page)
        elif response.status_code in (302, 303):  # the page sends the role to its own version
            assert response.headers["location"].partition("?")[0] in links, (username, page)
    assert reachable <= links, (username, sorted(reachable - links))
    if username == "ent":
        assert f"/enterprises/{enterprise_app.state.test_enterprise}" in links


def test_an_enterprise_account_is_refused_plan_pages(enterprise_app: FastAPI) -> None:
    client = login(enterprise_app, "ent")
    for page in ("/plan", "/matrix", "/inventory", "/workspace", "/rollup", "/alignment"):
        response = client.get(page)
        assert response.status_code == 403, (page, response.status_code)
    assert "企业账号只能查看本企业的数据" in client.get("/plan").text


def test_the_menus_of_the_roles(enterprise_app: FastAPI) -> None:
    office = _links(login(enterprise_app, "office").get("/").text)
    assert office == {"/", "/plan", "/matrix", "/setup", "/library", "/plans/upload", "/workspace", "/review",
                      "/reminders", "/inventory", "/rollup", "/alignment", "/quotas", "/enterprises", "/projects",
                      "/energy-data", "/headroom", "/measures", "/consultation", "/admin", "/audit"}
    unit = _links(login(enterprise_app, "unit").get("/").text)
    assert unit == {"/", "/plan", "/matrix", "/workspace", "/inventory", "/enterprises", "/projects",
                    "/consultation/opinions"}
    viewer = _links(login(enterprise_app, "viewer").get("/").text)
    assert viewer == {"/", "/plan", "/matrix", "/workspace", "/inventory", "/rollup", "/alignment", "/enterprises",
                      "/projects", "/energy-data", "/headroom", "/measures", "/consultation"}
    ent = login(enterprise_app, "ent")
    menu = _menu(ent.get("/enterprise").text)
    assert {str(a["href"]) for a in menu.select("a")} == {f"/enterprises/{enterprise_app.state.test_enterprise}", "/enterprise",
                                 "/projects", "/measures"}
    assert not menu.select("details")  # four pages: plain links


def test_groups_are_details_and_the_current_one_is_marked(app: FastAPI) -> None:
    office = login(app, "office")
    menu = _menu(office.get("/review").text)
    groups = {d["data-group"]: d for d in menu.select("details.menu-group")}
    assert set(groups) == {"plans", "reporting", "regions", "enterprises", "manage"}
    assert [g.select_one("summary").get_text(strip=True) for g in groups.values()] == [
        "方案", "填报与审核", "上下级", "企业与项目", "管理"]
    assert [d["data-group"] for d in menu.select("details.current")] == ["reporting"]
    assert not menu.select("details[open]")  # closed until clicked
    current = menu.select("a[aria-current]")
    assert [(a["href"].partition("?")[0], a["aria-current"]) for a in current] == [("/review", "page")]
    # a page under a menu item marks that item's group (an enterprise's page: 企业与项目)
    menu = _menu(office.get("/enterprises/import").text)
    assert [d["data-group"] for d in menu.select("details.current")] == ["enterprises"]
    assert menu.select_one("a[aria-current]")["aria-current"] == "true"
    # the overview is a link of its own, marked on its page
    menu = _menu(office.get("/").text)
    assert menu.select_one("a.current")["href"].partition("?")[0] == "/" and not menu.select("details.current")


def test_the_menu_speaks_the_pages_language(app: FastAPI) -> None:
    office: TestClient = login(app, "office")
    office.get("/lang/en?next=/")
    menu = _menu(office.get("/audit").text)
    words = menu.get_text(" ", strip=True)
    assert "Reporting & review" in words and "Administration" in words and "Audit log" in words
    assert not re.search(r"[\u4e00-\u9fff]", words), words
    assert [d["data-group"] for d in menu.select("details.current")] == ["manage"]
