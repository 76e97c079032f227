"""两高 projects: import from the template (all or nothing; rows with one 项目代码 form one project),
list with their 分类处置 against the national benchmark table, status changes with history, 节能审查.

Reads and writes go through ``services.enterprise_scope`` (a project belongs to its enterprise).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tanfeng.db.enterprise_models import (
    PROJECT_STATUSES,
    EnergyReview,
    Enterprise,
    Project,
    ProjectProduct,
    ProjectStatusEvent,
)
from tanfeng.db.models import Region
from tanfeng.db.session import Database
from tanfeng.enterprises import benchmarks
from tanfeng.enterprises.benchmarks import BenchmarkError, Classification
from tanfeng.enterprises.credit import normalise_uscc
from tanfeng.enterprises.industry import normalise_industry
from tanfeng.services import enterprise_sheets as sheets
from tanfeng.services.accounts import Account
from tanfeng.services.enterprise_scope import readable_project, scope_in
from tanfeng.services.enterprises import default_region, regions_by_name, resolve_region, text_or_none
from tanfeng.services.errors import DryRun, ImportValidationError, NotAllowed, RowError, StaleEdit, StoreError
from tanfeng.services.validation import InvalidInput

PROJECT_FIELDS = ("name", "industry_code", "energy_equivalent_tce", "energy_calorific_tce", "coal_tce", "co2_t",
                  "start_year", "operation_year")
NUMBER_FIELDS = ("energy_equivalent_tce", "energy_calorific_tce", "coal_tce", "co2_t")
REVIEW_FIELDS = {"review_date": "review_date", "review_office": "office", "review_document_no": "document_no",
                 "approved_equivalent_tce": "approved_equivalent_tce", "approved_calorific_tce": "approved_calorific_tce",
                 "approved_coal_tce": "approved_coal_tce", "review_conditions": "conditions"}
# the order a project normally moves in; any move is allowed (a 拟建 project may be dropped: 退出)
STATUS_ORDER = {s: i for i, s in enumerate(PROJECT_STATUSES)}


@dataclass
class ProjectImportResult:
    path: str
    created: int = 0
    updated: int = 0
    product_lines: int = 0
    status_changes: int = 0
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class LineView:
    product: str
    product_zh: str
    product_en: str
    design_capacity: float | None
    capacity_unit: str | None
    design_unit_energy: float | None
    unit_energy_unit: str | None
    classification: Classification | None
    problem: str | None  # why a line is not classified (no benchmark row, no unit energy use, unit mismatch)


@dataclass(frozen=True)
class ProjectView:
    id: int
    region_id: int
    region: str
    enterprise_id: int
    enterprise: str
    uscc: str
    name: str
    code: str
    industry_code: str | None
    status: str
    energy_equivalent_tce: float | None
    energy_calorific_tce: float | None
    coal_tce: float | None
    co2_t: float | None
    start_year: int | None
    operation_year: int | None
    version: int
    lines: list[LineView]
    review: dict[str, Any] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def worst(self) -> Classification | None:
        """The line furthest from its benchmark (decides the project's class)."""
        order = {k: i for i, k in enumerate(benchmarks.CLASSES)}
        found = [ln.classification for ln in self.lines if ln.classification is not None]
        return max(found, key=lambda c: (order[c.klass], c.position())) if found else None

    @property
    def klass(self) -> str | None:
        worst = self.worst
        return worst.klass if worst else None

    @property
    def entry_flag(self) -> bool:
        return any(ln.classification.entry_flag for ln in self.lines if ln.classification)


def parse_status(value: Any) -> str | None:
    text = text_or_none(value)
    if text is None:
        return None
    if text in PROJECT_STATUSES:
        return text
    return sheets.STATUS_WORDS.get(text.split("（")[0])


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    return float(str(value).replace(",", "").strip())


def _year(value: Any) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if not number.is_integer() or not 1950 <= number <= 2100:
        raise ValueError(value)
    return int(number)


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip().replace("/", "-").replace(".", "-"))


def classify_line(product: str, unit_energy: float | None, unit: str | None, status: str,
                  edition: str = benchmarks.LATEST_EDITION) -> tuple[Classification | None, str | None]:
    if unit_energy is None:
        return None, "未填设计单位产品能耗 / no design unit energy use"
    try:
        return benchmarks.classify(product, unit_energy, unit or "", edition, status=status), None
    except BenchmarkError as err:
        return None, str(err)


_COLUMN_ZH = {k: zh for k, zh, _ in sheets.PROJECT_COLUMNS}


def _validate(session: Session, account: Account | None, parsed: sheets.SheetRows, default_region_id: int | None,
              ) -> tuple[dict[tuple[int, str], dict[str, Any]], list[RowError]]:
    """Rows → projects keyed by (region, code), each with its lines and review; every bad row listed."""
    scope = scope_in(session, account)
    errors: list[RowError] = []
    regions = regions_by_name(session)
    enterprises = {e.uscc: e for e in session.scalars(select(Enterprise))}
    projects: dict[tuple[int, str], dict[str, Any]] = {}
    sheet = sheets.PROJECT_SHEET

    def err(row: int, key: str | None, zh: str, en: str) -> None:
        errors.append(RowError(row, _COLUMN_ZH.get(key or "", key), zh, en, sheet))

    for number, record in parsed.rows:
        code = text_or_none(record.get("code"))
        if code is None:
            err(number, "code", "项目代码为空", "the project code is empty")
            continue
        region_id, why = resolve_region(session, scope, record.get("region"), default_region_id, regions)
        if why or region_id is None:
            err(number, "region", *(why or ("地区为空", "no region")))
            continue
        key = (region_id, code)
        first = key not in projects
        item = projects.setdefault(key, {"row": number, "code": code, "region_id": region_id, "lines": [],
                                         "fields": {}, "review": {}, "status": None, "enterprise": None})
        uscc_text = text_or_none(record.get("uscc"))
        if uscc_text is not None:
            uscc, why = normalise_uscc(uscc_text)
            if why:
                err(number, "uscc", *why)
            elif uscc not in enterprises:
                err(number, "uscc", f"企业名录中没有统一社会信用代码为{uscc}的企业（请先导入企业）",
                    f"no enterprise with credit code {uscc} (import the enterprise first)")
            elif item["enterprise"] is not None and item["enterprise"].uscc != uscc:
                err(number, "uscc", f"与第{item['row']}行的企业不同", f"differs from the enterprise of row {item['row']}")
            else:
                item["enterprise"] = enterprises[uscc]
        elif first:
            err(number, "uscc", "企业统一社会信用代码为空", "the owner's credit code is empty")
        status_text = record.get("status")
        status = parse_status(status_text)
        if status_text not in (None, "") and status is None:
            err(number, "status", f"项目状态“{status_text}”无效（拟建/在建/投产/改造/退出）",
                f"status '{status_text}' is invalid (拟建/在建/投产/改造/退出)")
            item["status_bad"] = True
        elif status is not None:
            item["status"] = status
        name = text_or_none(record.get("name"))
        if name:
            item["fields"]["name"] = name
        industry = text_or_none(record.get("industry_code"))
        if industry:
            industry, why = normalise_industry(industry)
            if why:
                err(number, "industry_code", *why)
            else:
                item["fields"]["industry_code"] = industry
        for key_ in NUMBER_FIELDS:
            try:
                value = _number(record.get(key_))
            except ValueError:
                err(number, key_, f"应为数字（{record.get(key_)}）", f"must be a number ({record.get(key_)})")
                continue
            if value is not None:
                item["fields"][key_] = value
        for key_ in ("start_year", "operation_year"):
            try:
                year = _year(record.get(key_))
            except ValueError:
                err(number, key_, f"年份无效（{record.get(key_)}）", f"invalid year ({record.get(key_)})")
                continue
            if year is not None:
                item["fields"][key_] = year
        for src, dst in REVIEW_FIELDS.items():
            raw = record.get(src)
            if raw in (None, ""):
                continue
            try:
                item["review"][dst] = (_date(raw) if dst == "review_date" else _number(raw) if dst.startswith("approved")
                                       else text_or_none(raw))
            except ValueError:
                err(number, src, f"格式不对（{raw}）", f"malformed ({raw})")
        product_text = text_or_none(record.get("product"))
        if product_text is not None:
            product = benchmarks.find_product(product_text) or product_text
            if any(ln["product"] == product for ln in item["lines"]):
                err(number, "product", f"项目{code}的产品“{product_text}”重复", f"product '{product_text}' repeated in project {code}")
                continue
            try:
                line: dict[str, Any] = {"product": product, "design_capacity": _number(record.get("design_capacity")),
                        "capacity_unit": text_or_none(record.get("capacity_unit")),
                        "design_unit_energy": _number(record.get("design_unit_energy")),
                        "unit_energy_unit": text_or_none(record.get("unit_energy_unit")), "row": number}
            except ValueError:
                err(number, "design_unit_energy", "设计产能或单位产品能耗应为数字", "capacity and unit energy use must be numbers")
                continue
            if line["design_unit_energy"] is not None and product in benchmarks.products():
                if not line["unit_energy_unit"]:
                    err(number, "unit_energy_unit", "未填单位产品能耗的单位", "the unit of the unit energy use is empty")
                    continue
                try:
                    benchmarks.to_row_unit(line["design_unit_energy"], line["unit_energy_unit"], benchmarks.lookup(product))
                except BenchmarkError as why_:
                    err(number, "unit_energy_unit", why_.zh, why_.en)
                    continue
            item["lines"].append(line)
    for item in projects.values():
        if item["enterprise"] is None:
            continue
        e = item["enterprise"]
        if not scope.writes(e.id, e.region_id):
            err(item["row"], "uscc", f"无权修改企业“{e.name}”的项目", f"not allowed to change the projects of '{e.name}'")
        if item["status"] is None and not item.get("status_bad"):
            item["status_missing"] = True
    return projects, errors


def import_projects(db: Database, path: str | Path, *, actor: str, account: Account | None = None,
                    region: str | None = None, name: str | None = None,
                    audit: Callable[[Session, ProjectImportResult], None] | None = None,
                    dry_run: bool = False) -> ProjectImportResult:
    """Validate every row of a project workbook, then store every project in one transaction, or none.

    A project already stored (same region and 项目代码) is updated: its product lines become the file's,
    a new status is recorded in its history, its 节能审查 record is updated.
    """
    p = Path(path)
    label = name or p.name
    parsed = sheets.read_sheet(p, label, sheets.PROJECT_SHEET, sheets.PROJECT_COLUMNS)
    if not parsed.rows:
        raise StoreError(f"{label}: 没有数据行", f"{label}: no data rows")
    try:
        return _store(db, parsed, label, actor, account, region, audit, dry_run)
    except DryRun as done:
        return done.result


def _store(db: Database, parsed: sheets.SheetRows, label: str, actor: str, account: Account | None,
           region: str | None, audit: Any, dry_run: bool) -> Any:
    with db.write() as session:
        scope = scope_in(session, account)
        if scope.enterprise_id is not None:
            raise NotAllowed("企业账号不能导入项目清单", "an enterprise account cannot import the project list")
        projects, errors = _validate(session, account, parsed, default_region(session, account, region))
        stored = {(pr.region_id, pr.code): pr for pr in session.scalars(
            select(Project).where(Project.code.in_([c for _, c in projects])).with_for_update())}
        for key, item in projects.items():
            if key not in stored and item.get("status_missing"):
                errors.append(RowError(item["row"], _COLUMN_ZH["status"], "新项目须填项目状态", "a new project needs its status",
                                       sheets.PROJECT_SHEET))
            if key not in stored and "name" not in item["fields"]:
                errors.append(RowError(item["row"], _COLUMN_ZH["name"], "新项目须填项目名称", "a new project needs its name",
                                       sheets.PROJECT_SHEET))
        if errors:
            raise ImportValidationError(label, sorted(errors, key=lambda e: e.row))
        result = ProjectImportResult(label)
        user_id = account.id if account else None
        try:
            placed: list[tuple[Project, dict[str, Any], str | None]] = []  # (project, item, status before)
            for key, item in projects.items():
                project = stored.get(key)
                enterprise = item["enterprise"]
                if project is None:
                    project = Project(region_id=item["region_id"], enterprise_id=enterprise.id, code=item["code"],
                                      status=item["status"], version=1, **item["fields"])
                    session.add(project)
                    placed.append((project, item, None))
                    result.created += 1
                    continue
                was: str | None = project.status
                for field_, value in item["fields"].items():
                    setattr(project, field_, value)
                project.enterprise_id = enterprise.id
                if item["status"] and item["status"] != project.status:
                    project.status = item["status"]
                    result.status_changes += 1
                project.version += 1
                placed.append((project, item, was))
                result.updated += 1
            session.flush()  # once: the new projects' ids
            replaced = [p.id for p, item, before in placed if before is not None and item["lines"]]
            for start in range(0, len(replaced), 5000):
                session.execute(delete(ProjectProduct).where(ProjectProduct.project_id.in_(replaced[start:start + 5000])))
            reviews = {r.project_id: r for r in session.scalars(select(EnergyReview).where(
                EnergyReview.project_id.in_([p.id for p, item, before in placed if before is not None and item["review"]])))}
            for project, item, before in placed:
                if before is None or before != project.status:
                    session.add(ProjectStatusEvent(project_id=project.id, from_status=before, to_status=project.status,
                                                   note="导入 / imported", user_id=user_id, actor=actor))
                for line in item["lines"]:
                    session.add(ProjectProduct(project_id=project.id, **{k: v for k, v in line.items() if k != "row"}))
                    result.product_lines += 1
                if item["review"]:
                    review = reviews.get(project.id)
                    if review is None:
                        session.add(EnergyReview(project_id=project.id, version=1, **item["review"]))
                    else:
                        for field_, value in item["review"].items():
                            setattr(review, field_, value)
                        review.version += 1
                result.ids.append(project.id)
            session.flush()
        except InvalidInput as err:
            raise ImportValidationError(label, [RowError(0, None, err.zh, err.en, sheets.PROJECT_SHEET)]) from err
        if dry_run:
            raise DryRun(result)  # validated and written, then rolled back: nothing is stored
        if audit is not None:
            audit(session, result)
        return result


def _lines(session: Session, project: Project, edition: str,
           stored: list[ProjectProduct] | None = None) -> list[LineView]:
    names = benchmarks.products()
    out = []
    if stored is None:
        stored = list(session.scalars(select(ProjectProduct).where(ProjectProduct.project_id == project.id)
                                      .order_by(ProjectProduct.id)))
    for line in stored:
        c, problem = classify_line(line.product, line.design_unit_energy, line.unit_energy_unit, project.status, edition)
        out.append(LineView(line.product, names.get(line.product, line.product),
                            benchmarks.PRODUCT_EN.get(line.product, line.product), line.design_capacity, line.capacity_unit,
                            line.design_unit_energy, line.unit_energy_unit, c, problem))
    return out


def _view(session: Session, project: Project, enterprise: Enterprise, region: str, edition: str, *,
          detail: bool = False, lines: list[ProjectProduct] | None = None) -> ProjectView:
    review = history = None
    if detail:
        r = session.scalar(select(EnergyReview).where(EnergyReview.project_id == project.id))
        review = None if r is None else {
            "review_date": r.review_date, "office": r.office, "document_no": r.document_no,
            "approved_equivalent_tce": r.approved_equivalent_tce, "approved_calorific_tce": r.approved_calorific_tce,
            "approved_coal_tce": r.approved_coal_tce, "conditions": r.conditions, "version": r.version}
        history = [{"at": ev.at, "from_status": ev.from_status, "to_status": ev.to_status, "note": ev.note,
                    "actor": ev.actor} for ev in session.scalars(
            select(ProjectStatusEvent).where(ProjectStatusEvent.project_id == project.id).order_by(ProjectStatusEvent.id))]
    return ProjectView(project.id, project.region_id, region, enterprise.id, enterprise.name, enterprise.uscc,
                       project.name, project.code, project.industry_code, project.status,
                       project.energy_equivalent_tce, project.energy_calorific_tce, project.coal_tce, project.co2_t,
                       project.start_year, project.operation_year, project.version, _lines(session, project, edition, lines),
                       review, history or [])


def list_projects(db: Database, account: Account | None, *, region_id: int | None = None,
                  status: str | None = None, klass: str | None = None, enterprise_id: int | None = None,
                  industry: str | None = None, query: str | None = None,
                  edition: str = benchmarks.LATEST_EDITION) -> list[ProjectView]:
    """The projects the account reads, with the classification of each line; filtered."""
    with db.transaction() as session:
        q = (select(Project, Enterprise, Region.name).join(Enterprise, Enterprise.id == Project.enterprise_id)
             .join(Region, Region.id == Project.region_id))
        q = scope_in(session, account).restrict(q, Project.enterprise_id, Enterprise.region_id)
        if region_id is not None:
            q = q.where(Project.region_id == region_id)
        if status:
            q = q.where(Project.status == status)
        if enterprise_id is not None:
            q = q.where(Project.enterprise_id == enterprise_id)
        if industry:
            q = q.where(Project.industry_code.startswith(industry.strip().upper()))
        if query:
            like = f"%{query.strip()}%"
            q = q.where(Project.name.like(like) | Project.code.like(like) | Enterprise.name.like(like))
        found = session.execute(q.order_by(Region.name, Project.code)).all()
        # every product line in one query (not one per project), in id order
        by_project: dict[int, list[ProjectProduct]] = {p.id: [] for p, _, _ in found}
        ids = list(by_project)
        for start in range(0, len(ids), 5000):  # bounded IN lists
            for line in session.scalars(select(ProjectProduct).where(ProjectProduct.project_id.in_(ids[start:start + 5000]))
                                        .order_by(ProjectProduct.id)):
                by_project[line.project_id].append(line)
        views = [_view(session, p, e, r, edition, lines=by_project[p.id]) for p, e, r in found]
    if klass == "entry":
        return [v for v in views if v.entry_flag]
    if klass == "none":
        return [v for v in views if v.klass is None]
    return [v for v in views if klass is None or v.klass == klass]


def get_project(db: Database, account: Account | None, project_id: int,
                edition: str = benchmarks.LATEST_EDITION) -> ProjectView:
    with db.transaction() as session:
        project = readable_project(session, account, project_id)
        enterprise = session.get(Enterprise, project.enterprise_id)
        region = session.get(Region, project.region_id)
        assert enterprise is not None
        return _view(session, project, enterprise, region.name if region else "?", edition, detail=True)


def change_status(db: Database, account: Account | None, project_id: int, status: str, *, actor: str,
                  note: str | None = None, version: int | None = None,
                  audit: Callable[[Session, ProjectView], None] | None = None) -> ProjectView:
    """Move a project to ``status`` (拟建 → 在建 → 投产 → 改造/退出), recorded in its history."""
    new = parse_status(status)
    if new is None:
        raise InvalidInput(f"项目状态“{status}”无效", f"invalid status '{status}'")
    with db.write() as session:
        readable_project(session, account, project_id, write=True)
        project = session.scalar(select(Project).where(Project.id == project_id).with_for_update()
                                 .execution_options(populate_existing=True))
        assert project is not None
        if version is not None and version != project.version:
            raise StaleEdit(f"项目“{project.name}”已被他人修改（当前版本{project.version}），未保存。请刷新后重试",
                            f"project '{project.name}' was changed meanwhile (now version {project.version}); not saved",
                            [{"id": project.id, "version": project.version, "status": project.status}])
        if new == project.status:
            raise StoreError(f"项目已是“{sheets.STATUS_ZH[new]}”状态", f"the project is {sheets.STATUS_EN[new]} already")
        session.add(ProjectStatusEvent(project_id=project.id, from_status=project.status, to_status=new,
                                       note=(note or "").strip() or None, user_id=account.id if account else None,
                                       actor=actor))
        project.status = new
        project.version += 1
        session.flush()
        enterprise = session.get(Enterprise, project.enterprise_id)
        region = session.get(Region, project.region_id)
        assert enterprise is not None
        view = _view(session, project, enterprise, region.name if region else "?", benchmarks.LATEST_EDITION, detail=True)
        if audit is not None:
            audit(session, view)
        return view


def class_counts(views: list[ProjectView]) -> dict[str, int]:
    """Projects per class (benchmark / upgrade / below_baseline / none) and those flagged at entry."""
    counts = Counter(v.klass or "none" for v in views)
    out = {k: counts.get(k, 0) for k in (*benchmarks.CLASSES, "none")}
    out["entry"] = sum(1 for v in views if v.entry_flag)
    return out


def export_rows(views: list[ProjectView]) -> list[dict[str, Any]]:
    """Template rows (one per product line) with the classification appended, for the Excel export."""
    rows: list[dict[str, Any]] = []
    for v in views:
        base = {"region": v.region, "code": v.code, "name": v.name, "uscc": v.uscc, "industry_code": v.industry_code,
                "status": sheets.STATUS_ZH[v.status].split("（")[0], "energy_equivalent_tce": v.energy_equivalent_tce,
                "energy_calorific_tce": v.energy_calorific_tce, "coal_tce": v.coal_tce, "co2_t": v.co2_t,
                "start_year": v.start_year, "operation_year": v.operation_year}
        for line in v.lines or [None]:  # type: ignore[list-item]
            row = dict(base)
            if line is not None:
                row.update(product=line.product_zh, design_capacity=line.design_capacity,
                           capacity_unit=line.capacity_unit, design_unit_energy=line.design_unit_energy,
                           unit_energy_unit=line.unit_energy_unit)
                c = line.classification
                row["classification"] = c.label_zh if c else line.problem
                row["entry_flag"] = "是" if c and c.entry_flag else ""
                row["benchmark"] = f"{c.row.benchmark:g}/{c.row.baseline:g} {c.row.unit}（{c.row.document}）" if c else None
            rows.append(row)
    return rows


EXPORT_COLUMNS: sheets.Columns = (*sheets.PROJECT_COLUMNS[:17],
                                  ("classification", "分类处置", "Classification"),
                                  ("entry_flag", "准入预警", "Entry flag"),
                                  ("benchmark", "标杆/基准水平", "Benchmark / baseline"))


def write_template(db: Database, path: str | Path, account: Account | None = None) -> None:
    with db.transaction() as session:
        scope = scope_in(session, account)
        names = [n for n, rid in sorted(regions_by_name(session).items()) if scope.writes_region(rid)]
    sheets.project_template(path, regions=names[:20], products=list(benchmarks.products().values()))


def write_export(path: str | Path, views: list[ProjectView]) -> None:
    """The project list with its classification as a workbook (not a template: it has extra columns)."""
    from openpyxl import Workbook

    from tanfeng.cells import neutralise_formulas

    wb = Workbook()
    sheets._sheet(wb, sheets.PROJECT_SHEET, EXPORT_COLUMNS, export_rows(views), first=True)
    neutralise_formulas(wb)
    wb.save(str(path))
