"""Two counties with enterprises and projects (示例数据, invented), written through the real templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builders import PlanBuilder
from tanfeng.db.session import Database
from tanfeng.enterprises.credit import uscc_with_check
from tanfeng.services import enterprise_sheets as sheets
from tanfeng.services.plan_import import import_plan

COUNTY_A, COUNTY_B = "上犹县", "崇义县"
# invented codes (valid check characters): 9136 = Jiangxi, then an invented registration number
USCC_A = uscc_with_check("91360724MA35AAAA0")
USCC_B = uscc_with_check("91360725MA35BBBB0")
USCC_A2 = uscc_with_check("91360724MA35CCCC0")


def two_counties(db: Database) -> None:
    for region in (COUNTY_A, COUNTY_B):
        import_plan(db, PlanBuilder(region=region, title=f"{region}碳达峰实施方案（示例数据）").plan(), actor="office")


def enterprise_rows() -> list[dict[str, Any]]:
    return [
        {"region": COUNTY_A, "name": "示例水泥有限公司（示例数据）", "uscc": USCC_A, "industry_code": "C3011",
         "products": "水泥熟料", "key_energy_user": "是", "key_emitter": "是", "carbon_market": "是"},
        {"region": COUNTY_A, "name": "示例铝业有限公司（示例数据）", "uscc": USCC_A2, "industry_code": "C3216",
         "key_energy_user": "是", "key_emitter": "否", "carbon_market": "否"},
        {"region": COUNTY_B, "name": "示例焦化有限公司（示例数据）", "uscc": USCC_B, "industry_code": "C2521",
         "key_energy_user": "是", "key_emitter": "是", "carbon_market": "否"},
    ]


def project_rows() -> list[dict[str, Any]]:
    return [
        # 拟建 cement clinker line at 118 kgce/t, written in tce/t: above 基准 (117)
        {"region": COUNTY_A, "code": "2024-360724-30-01-000001", "name": "示例熟料生产线项目（示例数据）",
         "uscc": USCC_A, "industry_code": "C3011", "status": "拟建", "product": "水泥熟料", "design_capacity": 150,
         "capacity_unit": "万吨/年", "design_unit_energy": 0.118, "unit_energy_unit": "tce/t",
         "energy_equivalent_tce": 180000, "energy_calorific_tce": 170000, "coal_tce": 160000, "co2_t": 1200000,
         "start_year": 2025, "operation_year": 2027, "review_date": "2024-06-30", "review_office": "示例市发展改革委",
         "review_document_no": "示发改环资〔2024〕1号", "approved_equivalent_tce": 175000},
        {"region": COUNTY_A, "code": "2023-360724-32-03-000002", "name": "示例电解铝项目（示例数据）", "uscc": USCC_A2,
         "industry_code": "C3216", "status": "投产", "product": "电解铝", "design_capacity": 20,
         "capacity_unit": "万吨/年", "design_unit_energy": 13200, "unit_energy_unit": "kWh/t",
         "energy_equivalent_tce": 800000},
        {"region": COUNTY_B, "code": "2022-360725-25-03-000003", "name": "示例焦炉项目（示例数据）", "uscc": USCC_B,
         "industry_code": "C2521", "status": "在建", "product": "捣固焦炉（焦炭）", "design_capacity": 100,
         "capacity_unit": "万吨/年", "design_unit_energy": 105, "unit_energy_unit": "kgce/t"},
    ]


def write_enterprises(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    sheets.enterprise_template(path, enterprise_rows() if rows is None else rows)
    return path


def write_projects(path: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    sheets.project_template(path, project_rows() if rows is None else rows)
    return path
