"""The workspace menu: the pages each role may use, grouped as the office works (plans, reporting, regions,
enterprises, consultation, administration), with the group of the page being shown marked.

base.html renders it: a group of one item is a plain link, a larger group a ``<details>`` dropdown (opens on
click, Enter or Space without any script; web/static/app.js only closes the others).
"""

from __future__ import annotations

from dataclasses import dataclass

from tanfeng.web.i18n import word

OFFICE = frozenset({"admin", "office"})
STAFF = frozenset({"admin", "office", "viewer"})  # not a unit's account
PLAN_READERS = STAFF | {"unit"}
ENTERPRISE = frozenset({"enterprise"})


@dataclass(frozen=True)
class Item:
    path: str  # "{enterprise}" stands for the account's own enterprise
    label: tuple[str, str]  # zh, en
    roles: frozenset[str]
    keeps_plan: bool = False  # the link carries the chosen plan (?plan=)


@dataclass(frozen=True)
class Group:
    key: str
    label: tuple[str, str]
    items: tuple[Item, ...]


def _w(key: str) -> tuple[str, str]:
    return word(key, "zh"), word(key, "en")


MENU: tuple[Group, ...] = (
    Group("overview", _w("overview"), (Item("/", _w("overview"), PLAN_READERS, keeps_plan=True),)),
    Group("plans", ("方案", "Plans"), (
        Item("/plan", _w("plan"), PLAN_READERS, keeps_plan=True),
        Item("/matrix", _w("matrix"), PLAN_READERS, keeps_plan=True),
        Item("/setup", _w("setup"), OFFICE, keeps_plan=True),
        Item("/library", _w("library"), OFFICE),
        Item("/plans/upload", _w("upload_plan"), OFFICE),
    )),
    Group("reporting", ("填报与审核", "Reporting & review"), (
        Item("/workspace", _w("workspace"), PLAN_READERS),
        Item("/review", _w("review"), OFFICE, keeps_plan=True),
        Item("/reminders", _w("reminders"), OFFICE),
        Item("/inventory", _w("inventory"), PLAN_READERS),
    )),
    Group("regions", ("上下级", "Regions"), (
        Item("/rollup", _w("rollup"), STAFF),
        Item("/alignment", _w("alignment"), STAFF, keeps_plan=True),
        Item("/quotas", _w("quotas"), OFFICE),
    )),
    Group("enterprises", ("企业与项目", "Enterprises"), (
        Item("/enterprises/{enterprise}", _w("my_enterprise"), ENTERPRISE),
        Item("/enterprise", ("报送能源数据", "Submit energy data"), ENTERPRISE),
        Item("/enterprises", _w("enterprises"), PLAN_READERS),
        Item("/projects", _w("projects"), PLAN_READERS | ENTERPRISE),
        Item("/energy-data", ("企业能源数据", "Energy data"), STAFF),
        Item("/headroom", ("用能空间", "Energy headroom"), STAFF),
        Item("/measures", ("一企一策", "Reduction plans"), STAFF | ENTERPRISE),
    )),
    Group("consultation", _w("consultation"), (
        Item("/consultation", _w("consultation"), STAFF),  # a viewer reads the rounds
        Item("/consultation/opinions", _w("my_consultation"), frozenset({"unit"})),
    )),
    Group("manage", ("管理", "Administration"), (
        Item("/admin", _w("admin"), OFFICE),
        Item("/audit", _w("audit"), OFFICE),
    )),
)


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    keeps_plan: bool
    current: bool


@dataclass(frozen=True)
class ShownGroup:
    key: str
    label: str
    links: tuple[Link, ...]
    current: bool


def _matches(path: str, item_path: str) -> int:
    """How well a page's path falls under a menu item: the item path's length, 0 if it does not."""
    if item_path == "/":
        return 1 if path == "/" else 0
    return len(item_path) if path == item_path or path.startswith(item_path + "/") else 0


def menu_for(role: str, enterprise_id: int | None, path: str, lang: str) -> list[ShownGroup]:
    """The groups of pages ``role`` may use, in the page's language; the item nearest ``path`` is current.

    An enterprise's account has a few pages: they are shown as plain links, not grouped.
    """
    index = 1 if lang == "en" else 0
    chosen = [(g, [i for i in g.items if role in i.roles]) for g in MENU]
    chosen = [(g, items) for g, items in chosen if items]

    def href(item: Item) -> str:
        return item.path.replace("{enterprise}", str(enterprise_id))

    scored = [(_matches(path, href(i)), i) for _g, items in chosen for i in items]
    score, nearest = max(scored, key=lambda pair: pair[0], default=(0, None))
    current = nearest if score > 0 else None
    shown: list[ShownGroup] = []
    for group, items in chosen:
        links = tuple(Link(href(i), i.label[index], i.keeps_plan, i is current) for i in items)
        if role in ENTERPRISE:  # few pages: each on its own
            shown.extend(ShownGroup(group.key, link.label, (link,), link.current) for link in links)
        else:
            shown.append(ShownGroup(group.key, group.label[index], links, any(link.current for link in links)))
    return shown
