"""Two counties' enterprises (示例数据, invented) with energy data, a project under 节能审查 and accounts."""

from __future__ import annotations

from dataclasses import dataclass

from tanfeng.db.enterprise_models import EnergyReview, Enterprise, Project
from tanfeng.db.session import Database
from tanfeng.services import accounts
from web.multiplan_fixtures import COUNTY_A, COUNTY_B, PASSWORD, Regions, populate_regions

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class EnterpriseFixture:
    db: Database
    regions: Regions
    region_id: dict[str, int]
    enterprise: dict[str, int]  # county → enterprise id
    project: int  # 上犹县's operating project with its 节能审查 record


def uscc_of(stem: str) -> str:
    """A valid 统一社会信用代码 from its first 17 characters (GB 32100-2015 check character)."""
    total = sum(_ALPHABET.index(c) * w for c, w in zip(stem, _WEIGHTS, strict=True))
    return stem + _ALPHABET[(31 - total % 31) % 31]


def populate_enterprises(db: Database) -> EnterpriseFixture:
    """populate_regions plus one enterprise per county and accounts enta / entb (enterprise role)."""
    regions = populate_regions(db)
    from tanfeng.services.regions import find_region_id

    rid = {c: find_region_id(db, c) for c in (COUNTY_A, COUNTY_B)}
    with db.write() as session:
        ents = {}
        for county, stem, name in ((COUNTY_A, "91360724MA35G7XY0", "上犹示例玻纤有限公司（示例数据）"),
                                   (COUNTY_B, "91360725MA38H2KL3", "崇义示例水泥有限公司（示例数据）")):
            e = Enterprise(region_id=rid[county], name=name, uscc=uscc_of(stem), key_energy_user=True, key_emitter=False,
                           carbon_market=False)
            session.add(e)
            session.flush()
            ents[county] = e.id
        p = Project(region_id=rid[COUNTY_A], enterprise_id=ents[COUNTY_A], name="玻纤池窑二期（示例）", code="2101-360724-04-01-000001",
                    status="operating", energy_equivalent_tce=12000.0, energy_calorific_tce=10000.0,
                    co2_t=25000.0, operation_year=2022)
        session.add(p)
        session.flush()
        session.add(EnergyReview(project_id=p.id, office="上犹县发展和改革委员会", document_no="上发改环资字〔2021〕1号（示例）",
                                 approved_calorific_tce=10000.0, approved_equivalent_tce=12000.0))
        project = p.id
    for username, county in (("enta", COUNTY_A), ("entb", COUNTY_B)):
        accounts.create_user(db, username=username, password=PASSWORD, role="enterprise",
                             enterprise_id=ents[county])
    return EnterpriseFixture(db, regions, rid, ents, project)


def account(db: Database, username: str) -> accounts.Account:
    found = next(a for a in accounts.list_accounts(db) if a.username == username)
    return found
