"""Scoping reads plans and regions from a catalog cached per data stamp: two counties and their city, on SQLite
and PostgreSQL. Each county office still sees only its own plan, and a new plan, region or archive shows up:
at once after a write through the app, within CHECK_INTERVAL after another process's write."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from integration.conftest import db  # noqa: F401  (SQLite and PostgreSQL)
from tanfeng.db.session import Database
from tanfeng.services import accounts
from tanfeng.services.accounts import Account
from tanfeng.services.plan_import import import_plan
from tanfeng.services.scope import account_scope, load_catalog, visible_plans
from tanfeng.web import create_app, page_cache
from tanfeng.web.page_cache import PageCache

from .conftest import login, settings
from .multiplan_fixtures import CITY, COUNTY_A, COUNTY_B, Regions, county_plan, populate_regions

NEW_COUNTY = "石城县"  # a third county of 赣州市, not stored before this test imports its plan


@pytest.fixture
def rg(db: Database) -> Regions:  # noqa: F811
    return populate_regions(db)


@pytest.fixture
def app(rg: Regions, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    monkeypatch.setattr(page_cache, "CHECK_INTERVAL", 3600.0)  # nothing is re-read unless a write clears the cache
    return create_app(settings(), rg.db)


def selector(page: str) -> list[tuple[int, bool]]:
    """The plan selector's options: (plan id, selected)."""
    found = re.search(r'<select name="plan" id="plan-select".*?</select>', page, re.S)
    if found is None:
        return []
    return [(int(i), bool(s)) for i, s in re.findall(r'<option value="(\d+)"( selected)?>', found.group(0))]


def every_account(database: Database) -> list[Account]:
    return [a for a in accounts.list_accounts(database) if a.role != "enterprise"]


def test_the_catalog_gives_every_account_the_scope_and_plans_the_database_gives(rg: Regions) -> None:
    catalog = load_catalog(rg.db)
    users = every_account(rg.db)
    assert {a.username for a in users} >= {"office", "city", "countya", "countyb", "unita", "viewera"}
    for account in users:
        asked, cached = account_scope(rg.db, account), account_scope(rg.db, account, catalog)
        assert cached == asked, account.username
        for archived in (False, True):
            assert catalog.visible(cached, include_archived=archived) == visible_plans(
                rg.db, asked, include_archived=archived), account.username
    regions = {p.region: p.region_id for p in catalog.plans}
    assert catalog.descendants(regions[CITY]) == {regions[CITY], regions[COUNTY_A], regions[COUNTY_B]}
    assert catalog.descendants(regions[COUNTY_A]) == {regions[COUNTY_A]}


def test_each_county_office_sees_only_its_plan_with_the_catalog_cached(app: FastAPI, rg: Regions) -> None:
    office, city, a, b = (login(app, n) for n in ("office", "city", "countya", "countyb"))
    assert sorted(i for i, _ in selector(office.get("/").text)) == sorted(rg.plan.values())  # cache filled: all
    for county, client, other in ((COUNTY_A, a, COUNTY_B), (COUNTY_B, b, COUNTY_A)):
        page = client.get("/").text
        assert selector(page) == [] and f"{county}碳达峰实施方案" in page and f"{other}碳达峰实施方案" not in page
        assert client.get(f"/?plan={rg.plan[other]}").status_code == 403
        assert client.get(f"/?plan={rg.plan[CITY]}").status_code == 403
        other_indicator = rg.indicator[(other, "renewable_capacity")]
        assert client.get(f"/targets/{other_indicator}").status_code == 403
    options = selector(city.get(f"/?plan={rg.plan[COUNTY_B]}").text)
    assert sorted(i for i, _ in options) == sorted(rg.plan.values())
    assert [i for i, chosen in options if chosen] == [rg.plan[COUNTY_B]]
    assert city.get(f"/targets/{rg.indicator[(COUNTY_A, 'renewable_capacity')]}").status_code == 200


def test_a_plan_and_region_saved_through_the_app_show_on_the_next_request(app: FastAPI, rg: Regions) -> None:
    office, city, a = (login(app, n) for n in ("office", "city", "countya"))
    for client in (office, city, a):
        assert client.get("/").status_code == 200  # every cache warm
    plan = county_plan(NEW_COUNTY).plan()
    plan.meta.title = f"{NEW_COUNTY}碳达峰实施方案<北区&南区>（示例数据）"
    saved = office.post("/plans/save", data={"document": plan.to_json()})
    assert saved.status_code == 303, saved.text
    new_id = int(saved.headers["location"].rsplit("=", 1)[1])
    page = city.get("/").text  # another account, the same process: the write cleared the cache
    assert new_id in [i for i, _ in selector(page)]
    assert "&lt;北区&amp;南区&gt;" in page and "<北区" not in page  # the title is escaped in the options
    assert city.get(f"/?plan={new_id}").status_code == 200  # the new county is below the city at once
    assert a.get(f"/?plan={new_id}").status_code == 403 and NEW_COUNTY not in a.get("/").text
    archived = office.post(f"/api/v1/plans/{rg.plan[COUNTY_B]}/archive", json={"archived": True})
    assert archived.status_code == 200, archived.text
    assert rg.plan[COUNTY_B] not in [i for i, _ in selector(city.get("/").text)]


def test_another_process_s_plan_shows_within_the_check_interval(app: FastAPI, rg: Regions,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    city, b = login(app, "city"), login(app, "countyb")
    before = [i for i, _ in selector(city.get("/").text)]
    b.get("/")
    new_id = import_plan(rg.db, county_plan(NEW_COUNTY).plan(), actor="cli").plan_id  # not through the app
    assert [i for i, _ in selector(city.get("/").text)] == before  # within the interval: the cached catalog
    monkeypatch.setattr(page_cache, "CHECK_INTERVAL", 0.0)
    assert new_id in [i for i, _ in selector(city.get("/").text)]
    assert city.get(f"/?plan={new_id}").status_code == 200
    assert b.get(f"/?plan={new_id}").status_code == 403 and NEW_COUNTY not in b.get("/").text


def test_a_result_computed_before_a_clear_is_not_stored() -> None:
    cache = PageCache()
    started = cache.generation
    cache.put("a", 1, started)
    cache.clear()  # a write committed while another request was computing "b"
    cache.put("b", 2, started)
    assert "a" not in cache and "b" not in cache
    cache.put("b", 3, cache.generation)
    assert cache["b"] == 3
