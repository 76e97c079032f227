"""Scenario files (TOML): a base year, scenarios that inherit and override driver paths, targets.

Everything is validated before anything is computed; a bad file raises one
:class:`ScenarioError` naming the file and the key. See ``docs`` in the README section
"Projection" for the file format, and ``data/scenarios/shangyou-xian.toml`` for an example.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from tanfeng.accounting.results import InventoryResult
from tanfeng.plans.model import Target
from tanfeng.projection.basefile import (
    Meta,
    read_base_year,
    read_fuels,
    read_meta,
    read_sectors,
    read_shares,
    read_supplement,
)
from tanfeng.projection.baseyear import BaseYear, BaseYearSource
from tanfeng.projection.drivers import DriverInfo, catalogue, to_internal
from tanfeng.projection.errors import Problem, ScenarioError
from tanfeng.projection.from_inventory import fill_base_year
from tanfeng.projection.inventory_source import InventorySource
from tanfeng.projection.paths import PathSpec, Period, coverage_problem, evaluate
from tanfeng.projection.toml_reader import Checker, join
from tanfeng.projection.uncertainty import Uncertainty, read_uncertainty

PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-–—~至]\s*(\d{4}))?\s*$")
GROUPS = ("intensity", "mix", "non_energy", "sink")
SCENARIO_KEYS = ("title", "parent", "description", "drivers", "uncertainty")


@dataclass(frozen=True)
class Scenario:
    """A scenario after inheritance: every driver it sets, directly or through its parents."""

    name: str
    title: str
    parent: str | None
    description: str
    drivers: Mapping[str, PathSpec]  # internal units
    uncertainty: Mapping[str, Uncertainty]
    own_drivers: tuple[str, ...]  # drivers set in this scenario itself (not inherited)


@dataclass(frozen=True)
class ScenarioSet:
    """A validated scenario file."""

    path: str
    meta: Meta
    base: BaseYear
    drivers: Mapping[str, DriverInfo]
    scenarios: Mapping[str, Scenario]
    targets: tuple[Target, ...]

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.base.year, self.meta.end_year + 1)

    @property
    def label(self) -> str:
        return self.meta.label


def example_scenarios_path() -> Path:
    """The bundled scenario file for the reference plan's county (示例数据)."""
    return Path(str(resources.files("tanfeng") / "data" / "scenarios" / "shangyou-xian.toml"))


def example_inventory_scenarios_path() -> Path:
    """The bundled example scenarios whose base year is the example inventory's (示例数据, use with it)."""
    return Path(str(resources.files("tanfeng") / "data" / "scenarios" / "shangyou-xian-inventory.toml"))


def load(path: str | Path, base: BaseYear | BaseYearSource | None = None, inventory: InventoryResult | None = None,
         inventory_year: int | None = None) -> ScenarioSet:
    """Read and validate a scenario file; raises :class:`ScenarioError`.

    ``base``: a base year from elsewhere. A :class:`BaseYear` replaces the file's; a
    :class:`BaseYearSource` (an inventory, :mod:`tanfeng.projection.inventory_source`) may be
    completed by a partial ``[base_year]`` giving only what the source lacks (population, structure).

    ``inventory``: a computed inventory. A file with its own ``[sectors]``/``[fuels]`` maps the
    inventory onto them (``[base_year.from_inventory]``, :mod:`tanfeng.projection.from_inventory`);
    a file without them takes the inventory's sectors, fuels and factors
    (:class:`~tanfeng.projection.inventory_source.InventorySource`) and supplies only population
    and structure.
    """
    name = str(path)
    try:
        text = _decode(Path(path).read_bytes())
    except FileNotFoundError as err:
        raise ScenarioError(name, [Problem("", "文件不存在", "file not found")]) from err
    except IsADirectoryError as err:
        raise ScenarioError(name, [Problem("", "是目录，不是文件", "is a directory, not a file")]) from err
    except UnicodeDecodeError as err:
        raise ScenarioError(name, [Problem("", f"不是 UTF-8 编码（第 {err.start} 字节）",
                                           f"not UTF-8 encoded (byte {err.start})")]) from err
    except OSError as err:
        raise ScenarioError(name, [Problem("", "无法读取文件", f"cannot read file ({err.strerror})")]) from err
    return loads(text, name, base, inventory, inventory_year)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) as TOML requires; GB18030 accepted too (files saved by
    Chinese-locale Windows editors)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise err from None


def loads(text: str, name: str = "<scenarios>", base: BaseYear | BaseYearSource | None = None,
          inventory: InventoryResult | None = None, inventory_year: int | None = None) -> ScenarioSet:
    """Read and validate scenario TOML given as a string (see :func:`load`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(name, [Problem("", f"TOML 语法错误：{err}", f"TOML syntax error: {err}")]) from err
    ck = Checker()
    ck.known(doc, "", ("meta", "sectors", "fuels", "base_year", "scenarios", "targets"))
    if base is None and inventory is not None and not _maps_inventory(doc):
        base = InventorySource.of(inventory, inventory_year)
        inventory = None
    if base is None:
        sectors, fuels = read_sectors(ck, doc), read_fuels(ck, doc)
        if inventory is not None and isinstance(doc.get("base_year"), dict):
            fill_base_year(ck, doc["base_year"], inventory, inventory_year, tuple(s.code for s in sectors), fuels)
        elif inventory is not None:
            ck.add("base_year", "用清单作基准年时仍须给出 [base_year]（人口、产业结构等）",
                   "with an inventory the file still needs [base_year] (population, structure …)")
        base = read_base_year(ck, doc, sectors, fuels)
    else:
        for section in ("sectors", "fuels", *(("base_year",) if isinstance(base, BaseYear) else ())):
            if section in doc:
                ck.add(section, "基准年已由清单给出，文件中不应再写", "the base year comes from an inventory; remove it")
        if not isinstance(base, BaseYear):
            base = read_supplement(ck, doc, base)
    meta = read_meta(ck, doc, base.year if base else None)
    targets = _read_targets(ck, doc.get("targets", []))
    if base is None or meta is None or ck.problems:
        raise ScenarioError(name, ck.problems or [Problem("base_year", "无效", "invalid")])
    infos = catalogue(base)
    linked = f"sink.{base.forest.linked_sink}" if base.forest and base.forest.linked_sink else None
    scenarios = _read_scenarios(ck, doc.get("scenarios"), infos, base.year, meta.end_year, linked)
    if ck.problems:
        raise ScenarioError(name, ck.problems)
    out = ScenarioSet(name, meta, base, infos, scenarios, targets)
    _check_values(ck, out)
    if ck.problems:
        raise ScenarioError(name, ck.problems)
    return out


def _maps_inventory(doc: dict[str, Any]) -> bool:
    """A file with its own sectors or fuels (or a mapping) maps the inventory onto them."""
    by = doc.get("base_year")
    return "sectors" in doc or "fuels" in doc or (isinstance(by, dict) and "from_inventory" in by)


def _read_targets(ck: Checker, raw: Any) -> tuple[Target, ...]:
    if not isinstance(raw, list):
        ck.add("targets", "应为 [[targets]] 表数组", "must be an array of tables [[targets]]")
        return ()
    out = []
    for i, t in enumerate(raw):
        try:
            out.append(Target.model_validate(t))
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            ck.add(f"targets[{i}].{loc}", f"目标无效：{first['msg']}", f"invalid target: {first['msg']}")
    return tuple(out)


def _read_scenarios(ck: Checker, raw: Any, infos: Mapping[str, DriverInfo], base_year: int,
                    end_year: int, linked: str | None) -> dict[str, Scenario]:
    """``linked``: driver id of the sink that follows the forest stock (not settable)."""
    t = ck.table(raw, "scenarios")
    if not t:
        if t is not None:
            ck.add("scenarios", "至少需要一个情景", "at least one scenario is needed")
        return {}
    own: dict[str, tuple[dict[str, PathSpec], dict[str, Uncertainty | None], dict[str, Any]]] = {}
    for name, body in t.items():
        key = join("scenarios", name)
        b = ck.table(body, key)
        if b is None:
            continue
        ck.known(b, key, SCENARIO_KEYS)
        drivers = _read_drivers(ck, b.get("drivers"), join(key, "drivers"), infos, base_year, end_year)
        unc_raw = ck.table(b.get("uncertainty"), join(key, "uncertainty"), required=False) or {}
        unc = {d: read_uncertainty(ck, v, join(join(key, "uncertainty"), d), d, infos.get(d))
               for d, v in unc_raw.items()}
        own[name] = (drivers, unc, b)
    order = _inheritance_order(ck, {n: v[2].get("parent") for n, v in own.items()})
    resolved: dict[str, Scenario] = {}
    for name in order:
        drivers, unc, b = own[name]
        parent = b.get("parent")
        merged = dict(resolved[parent].drivers) if parent else {}
        merged_unc: dict[str, Uncertainty] = dict(resolved[parent].uncertainty) if parent else {}
        merged.update(drivers)
        for d, u in unc.items():
            merged_unc.pop(d, None)
            if u is not None and u.dist != "none":
                merged_unc[d] = u
        if linked and (linked in drivers or linked in unc):
            where = f"drivers.{linked}" if linked in drivers else join("uncertainty", linked)
            ck.add(f"{join('scenarios', name)}.{where}",
                   "此碳汇随森林蓄积量变化，请设置 forest_stock", "this sink follows forest_stock; set that instead")
        for d, u in merged_unc.items():
            if u.apply == "change" and d not in merged:
                ck.add(join(join(join("scenarios", name), "uncertainty"), d),
                       "该驱动因素路径不变，apply = \"change\" 不起作用（可用 \"rate\"）",
                       'the driver has no path, so apply = "change" has no effect (use "rate")')
        if parent is None and "gdp" not in merged:
            ck.add(join(join("scenarios", name), "drivers"), "根情景必须给出 gdp 路径", "a root scenario must set the gdp path")
        title = ck.text(b.get("title"), join(join("scenarios", name), "title"), required=False) or name
        desc = ck.text(b.get("description"), join(join("scenarios", name), "description"), required=False) or ""
        resolved[name] = Scenario(name, title, parent, desc, merged, merged_unc, tuple(drivers))
    return {n: resolved[n] for n in own if n in resolved}


def _inheritance_order(ck: Checker, parents: dict[str, Any]) -> list[str]:
    """Scenario names with every parent before its children; records unknown parents and cycles."""
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, chain: list[str]) -> bool:
        if state.get(name) == "done":
            return True
        if state.get(name) == "active":
            cycle = " → ".join([*chain[chain.index(name):], name])
            ck.add(join(join("scenarios", name), "parent"), f"继承关系成环：{cycle}", f"parent cycle: {cycle}")
            return False
        parent = parents[name]
        state[name] = "active"
        ok = True
        if parent is not None:
            if not isinstance(parent, str) or parent not in parents:
                ck.add(join(join("scenarios", name), "parent"), f"未知的父情景 {parent!r}", f"unknown parent {parent!r}")
                ok = False
            else:
                ok = visit(parent, [*chain, name])
        state[name] = "done"
        if ok:
            order.append(name)
        return ok

    for n in parents:
        if state.get(n) != "done":
            visit(n, [])
    return order


def _read_drivers(ck: Checker, raw: Any, key: str, infos: Mapping[str, DriverInfo], base_year: int,
                  end_year: int) -> dict[str, PathSpec]:
    t = ck.table(raw, key, required=False) or {}
    out: dict[str, PathSpec] = {}
    for name, body in t.items():
        if name in GROUPS:
            group = ck.table(body, join(key, name)) or {}
            items = [(f"{name}.{sub}", join(join(key, name), sub), v) for sub, v in group.items()]
        else:
            items = [(name, join(key, name), body)]
        for driver_id, k, value in items:
            info = infos.get(driver_id)
            if info is None:
                ck.add(k, f"未知的驱动因素 '{driver_id}'", f"unknown driver '{driver_id}'")
                continue
            spec = read_path(ck, value, k, info, base_year, end_year)
            if spec is not None:
                out[driver_id] = to_internal(spec, info)
    return out


def read_path(ck: Checker, raw: Any, key: str, info: DriverInfo, base_year: int, end_year: int) -> PathSpec | None:
    """One driver path: exactly one of ``growth``, ``milestones``, ``steps`` (+ ``relative``)."""
    t = ck.table(raw, key)
    if t is None:
        return None
    ck.known(t, key, ("growth", "milestones", "steps", "relative"))
    kinds = [k for k in ("growth", "milestones", "steps") if k in t]
    if len(kinds) != 1:
        ck.add(key, "须且只须给出 growth、milestones、steps 之一", "give exactly one of growth, milestones, steps")
        return None
    kind = kinds[0]
    relative = ck.boolean(t.get("relative"), join(key, "relative"), False)
    body = ck.table(t[kind], join(key, kind))
    if body is None:
        return None
    if kind == "growth":
        if info.kind != "scalar":
            ck.add(join(key, "growth"), "比重类驱动因素不能用增长率，请用 milestones 或 steps",
                   "shares cannot be given as growth rates; use milestones or steps")
            return None
        return _growth(ck, body, join(key, kind), base_year, end_year)
    points = []
    for year_text, value in body.items():
        k = join(join(key, kind), year_text)
        year = int(year_text) if year_text.isdigit() else None
        if year is None or not base_year < year <= end_year:
            ck.add(k, f"年份应在 {base_year + 1}–{end_year} 之间", f"year must be within {base_year + 1}–{end_year}")
            continue
        vals = _point_values(ck, value, k, info, relative)
        if vals is not None:
            points.append((year, vals))
    if len(points) != len(body):
        return None
    return PathSpec(kind=kind, points=tuple(sorted(points)), relative=relative)


def _point_values(ck: Checker, value: Any, key: str, info: DriverInfo, relative: bool) -> tuple[float, ...] | None:
    if info.is_shares:
        if relative:
            ck.add(key, "比重不能用 relative", "shares cannot be relative")
            return None
        shares = read_shares(ck, value, key, info.labels)
        return None if shares is None else tuple(float(x) for x in shares)
    maximum = 1.0 if info.kind == "fraction" and not relative else None
    x = ck.number(value, key, maximum=maximum)
    return None if x is None else (x,)


def _growth(ck: Checker, body: dict[str, Any], key: str, base_year: int, end_year: int) -> PathSpec | None:
    periods = []
    for text, rate in body.items():
        k = join(key, text)
        m = PERIOD.match(text)
        if m is None:
            ck.add(k, "时段应写作 \"2021-2025\" 或 \"2026\"", 'a period is written "2021-2025" or "2026"')
            continue
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        r = ck.number(rate, k, minimum=None, above=-1.0)
        if r is not None:
            periods.append(Period(first, last, r))
    if len(periods) != len(body):
        return None
    problem = coverage_problem(tuple(periods), base_year + 1, end_year)
    if problem is not None:
        ck.add(key, f"增长率时段须无重叠地覆盖 {base_year + 1}–{end_year}（{problem}）",
               f"growth periods must cover {base_year + 1}–{end_year} without overlap ({problem})")
        return None
    return PathSpec(kind="growth", periods=tuple(periods))


def _check_values(ck: Checker, s: ScenarioSet) -> None:
    """Every evaluated path must stay non-negative (fractions within 0–1) in every scenario."""
    years = s.years
    for sc in s.scenarios.values():
        for driver_id in sc.own_drivers:
            info = s.drivers[driver_id]
            v = evaluate(sc.drivers[driver_id], info.base, years)
            key = f"{join('scenarios', sc.name)}.drivers.{driver_id}"  # group.member, as written
            if driver_id == "forest_coverage" and (v > 100).any():
                year = int(years[np.argmax((v > 100).any(axis=0))])
                ck.add(key, f"{year} 年的森林覆盖率超过 100%", f"forest coverage above 100 % in {year}")
            elif driver_id == "gdp" and (v <= 0).any():
                year = int(years[np.argmax((v <= 0).any(axis=0))])
                ck.add(key, f"{year} 年的 GDP 不大于零", f"GDP not positive in {year}")
            elif (v < -1e-12).any():
                year = int(years[np.argmax((v < -1e-12).any(axis=0))])
                ck.add(key, f"{year} 年的值为负", f"negative value in {year}")
            elif info.kind == "fraction" and (v > 1 + 1e-12).any():
                year = int(years[np.argmax((v > 1 + 1e-12).any(axis=0))])
                ck.add(key, f"{year} 年的比例超过 1", f"fraction above 1 in {year}")
