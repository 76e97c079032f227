"""Tables of key energy users (重点用能单位) and 两高 projects: enterprises, projects, product lines,
status history, energy-saving reviews (节能审查).

ent-core owns the classes down to the marker at the end; ent-data appends its own classes after it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tanfeng.db.base import Base, CreatedMixin, UTCDateTime, utcnow

PROJECT_STATUSES = ("proposed", "construction", "operating", "retrofit", "exited")


class Enterprise(CreatedMixin, Base):
    """A key energy user or key emitter of a region; ``uscc`` is its 统一社会信用代码 (checked, upper case)."""

    __tablename__ = "enterprises"
    __table_args__ = (UniqueConstraint("uscc"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer, index=True)  # regions.id (no FK: see migration 0007)
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18))
    industry_code: Mapped[str | None] = mapped_column(String(5))  # GB/T 4754-2017: C3011 …
    industry_name: Mapped[str | None] = mapped_column(String(100))
    products: Mapped[str | None] = mapped_column(Text)  # main products, as written
    key_energy_user: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点用能单位
    key_emitter: Mapped[bool] = mapped_column(Boolean, default=False)  # 重点排放单位
    carbon_market: Mapped[bool] = mapped_column(Boolean, default=False)  # in the national carbon market
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(50))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Project(CreatedMixin, Base):
    """A 两高 project: 拟建 (proposed) / 在建 (construction) / 投产·存量 (operating) / 改造 / 退出."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("region_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer, index=True)  # regions.id (no FK: see migration 0007)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    code: Mapped[str] = mapped_column(String(50))  # 项目代码 (the investment project code), unique per region
    industry_code: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(12))  # one of PROJECT_STATUSES
    energy_equivalent_tce: Mapped[float | None] = mapped_column(Float)  # annual, 等价值
    energy_calorific_tce: Mapped[float | None] = mapped_column(Float)  # annual, 当量值
    coal_tce: Mapped[float | None] = mapped_column(Float)
    co2_t: Mapped[float | None] = mapped_column(Float)
    start_year: Mapped[int | None] = mapped_column(Integer)
    operation_year: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ProjectProduct(Base):
    """A product line of a project: design capacity and design unit energy use, in the units given."""

    __tablename__ = "project_products"
    __table_args__ = (UniqueConstraint("project_id", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    product: Mapped[str] = mapped_column(String(100))  # a benchmark product key (cement_clinker …) or free text
    design_capacity: Mapped[float | None] = mapped_column(Float)
    capacity_unit: Mapped[str | None] = mapped_column(String(30))  # 万吨/年 …
    design_unit_energy: Mapped[float | None] = mapped_column(Float)
    unit_energy_unit: Mapped[str | None] = mapped_column(String(30))  # kgce/t, tce/t, kWh/t


class ProjectStatusEvent(Base):
    """Append-only: each status change of a project (the first row has ``from_status`` None)."""

    __tablename__ = "project_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(Integer)  # users.id; None from the CLI
    actor: Mapped[str] = mapped_column(String(100))


class EnergyReview(CreatedMixin, Base):
    """The 节能审查 opinion on a project: who approved it, when, under which 文号, for how much energy."""

    __tablename__ = "energy_reviews"
    __table_args__ = (UniqueConstraint("project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    review_date: Mapped[date | None] = mapped_column(Date)
    office: Mapped[str | None] = mapped_column(String(200))
    document_no: Mapped[str | None] = mapped_column(String(100))
    approved_equivalent_tce: Mapped[float | None] = mapped_column(Float)
    approved_calorific_tce: Mapped[float | None] = mapped_column(Float)
    approved_coal_tce: Mapped[float | None] = mapped_column(Float)
    conditions: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)


# ---- ent-data (H2) appends its classes below this line ----


class EnterpriseEnergy(Base):
    """One figure of an enterprise's energy use: a fuel in a month (YYYY-MM), a day (YYYY-MM-DD) or the
    annual statement (YYYY), as entered (quantity and unit); ``source`` says which door it came by."""

    __tablename__ = "enterprise_energy"
    __table_args__ = (UniqueConstraint("enterprise_id", "period", "fuel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))  # led by the unique index
    period: Mapped[str] = mapped_column(String(10))
    fuel: Mapped[str] = mapped_column(String(40))  # fuel code of tanfeng.accounting.vocab
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))  # upload | api | web | cli
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class EnterpriseProduction(Base):
    """One figure of an enterprise's output of a product in a period (same periods as the energy)."""

    __tablename__ = "enterprise_production"
    __table_args__ = (UniqueConstraint("enterprise_id", "period", "product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    period: Mapped[str] = mapped_column(String(10))
    product: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class EnterpriseMeasure(CreatedMixin, Base):
    """一企一策: one reduction measure of an enterprise with its expected savings, deadline and owner."""

    __tablename__ = "enterprise_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    expected_saving_tce: Mapped[float] = mapped_column(Float, default=0.0)
    expected_saving_co2_t: Mapped[float] = mapped_column(Float, default=0.0)
    deadline: Mapped[date | None] = mapped_column(Date)
    responsible: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="planned")  # tanfeng.enterprises.measures.STATUSES
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MeasureProgress(Base):
    """Append-only: a progress report on a measure (savings achieved in a period), by the enterprise or office."""

    __tablename__ = "measure_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("enterprise_measures.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    achieved_tce: Mapped[float] = mapped_column(Float, default=0.0)
    achieved_co2_t: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(Integer)  # users.id; None from the CLI
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RegionEnergyYear(Base):
    """A region's figures for the 用能空间: GDP (actual or projected), actual energy use, and the 803号
    deductions (raw-material use, renewable electricity added since the base year), all optional."""

    __tablename__ = "region_energy_years"
    __table_args__ = (UniqueConstraint("region_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(Integer)  # regions.id (no FK: see migration 0007)
    year: Mapped[int] = mapped_column(Integer)
    gdp: Mapped[float | None] = mapped_column(Float)  # 亿元, constant prices of the plan's base year
    energy_tce: Mapped[float | None] = mapped_column(Float)  # actual use (等价值), None for a projected year
    feedstock_tce: Mapped[float | None] = mapped_column(Float)
    new_renewable_tce: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(String(200))  # where the figures come from (统计公报 …, 示例数据)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
