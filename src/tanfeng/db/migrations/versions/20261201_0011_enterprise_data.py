"""Enterprise energy data, production, 一企一策 measures and their append-only progress, region figures
for the 用能空间.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY = ("measure_progress",)


def _figures(name: str, item: str, length: int) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column(item, sa.String(length=length), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f(f"fk_{name}_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("enterprise_id", "period", item, name=op.f(f"uq_{name}_enterprise_id_period_{item}")),
    )


def upgrade() -> None:
    _figures("enterprise_energy", "fuel", 40)
    _figures("enterprise_production", "product", 100)
    op.create_table(
        "enterprise_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("expected_saving_tce", sa.Float(), nullable=False),
        sa.Column("expected_saving_co2_t", sa.Float(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"],
                                name=op.f("fk_enterprise_measures_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_measures")),
    )
    op.create_index(op.f("ix_enterprise_measures_enterprise_id"), "enterprise_measures", ["enterprise_id"],
                    unique=False)
    op.create_table(
        "measure_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("achieved_tce", sa.Float(), nullable=False),
        sa.Column("achieved_co2_t", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["measure_id"], ["enterprise_measures.id"],
                                name=op.f("fk_measure_progress_measure_id_enterprise_measures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_progress")),
    )
    op.create_index(op.f("ix_measure_progress_measure_id"), "measure_progress", ["measure_id"], unique=False)
    op.create_table(
        "region_energy_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("gdp", sa.Float(), nullable=True),
        sa.Column("energy_tce", sa.Float(), nullable=True),
        sa.Column("feedstock_tce", sa.Float(), nullable=True),
        sa.Column("new_renewable_tce", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_energy_years")),
        sa.UniqueConstraint("region_id", "year", name=op.f("uq_region_energy_years_region_id_year")),
    )
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION tanfeng_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION tanfeng_append_only()")
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {event} refused'); END")
        op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                   f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                   f"BEGIN SELECT RAISE(ABORT, '{table} keeps its history: INSERT over a stored row "
                   "(REPLACE) refused'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete", "replace"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    op.drop_table("region_energy_years")
    op.drop_index(op.f("ix_measure_progress_measure_id"), table_name="measure_progress")
    op.drop_table("measure_progress")
    op.drop_index(op.f("ix_enterprise_measures_enterprise_id"), table_name="enterprise_measures")
    op.drop_table("enterprise_measures")
    op.drop_table("enterprise_production")
    op.drop_table("enterprise_energy")
