"""Key energy users and 两高 projects: enterprises, projects, product lines, status history, 节能审查;
the ``enterprise`` account role (users.enterprise_id).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

APPEND_ONLY = ("project_status_events",)


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("industry_code", sa.String(length=5), nullable=True),
        sa.Column("industry_name", sa.String(length=100), nullable=True),
        sa.Column("products", sa.Text(), nullable=True),
        sa.Column("key_energy_user", sa.Boolean(), nullable=False),
        sa.Column("key_emitter", sa.Boolean(), nullable=False),
        sa.Column("carbon_market", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=True),
        sa.Column("contact_phone", sa.String(length=50), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("uscc", name=op.f("uq_enterprises_uscc")),
    )
    op.create_index(op.f("ix_enterprises_region_id"), "enterprises", ["region_id"], unique=False)
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("industry_code", sa.String(length=5), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("energy_equivalent_tce", sa.Float(), nullable=True),
        sa.Column("energy_calorific_tce", sa.Float(), nullable=True),
        sa.Column("coal_tce", sa.Float(), nullable=True),
        sa.Column("co2_t", sa.Float(), nullable=True),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("operation_year", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name=op.f("fk_projects_enterprise_id_enterprises")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("region_id", "code", name=op.f("uq_projects_region_id_code")),
    )
    op.create_index(op.f("ix_projects_region_id"), "projects", ["region_id"], unique=False)
    op.create_index(op.f("ix_projects_enterprise_id"), "projects", ["enterprise_id"], unique=False)
    op.create_table(
        "project_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("design_capacity", sa.Float(), nullable=True),
        sa.Column("capacity_unit", sa.String(length=30), nullable=True),
        sa.Column("design_unit_energy", sa.Float(), nullable=True),
        sa.Column("unit_energy_unit", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_project_products_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_products")),
        sa.UniqueConstraint("project_id", "product", name=op.f("uq_project_products_project_id_product")),
    )
    op.create_index(op.f("ix_project_products_project_id"), "project_products", ["project_id"], unique=False)
    op.create_table(
        "project_status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"],
                                name=op.f("fk_project_status_events_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_status_events")),
    )
    op.create_index(op.f("ix_project_status_events_project_id"), "project_status_events", ["project_id"],
                    unique=False)
    op.create_table(
        "energy_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("office", sa.String(length=200), nullable=True),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("approved_equivalent_tce", sa.Float(), nullable=True),
        sa.Column("approved_calorific_tce", sa.Float(), nullable=True),
        sa.Column("approved_coal_tce", sa.Float(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_energy_reviews_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_energy_reviews")),
        sa.UniqueConstraint("project_id", name=op.f("uq_energy_reviews_project_id")),
    )
    # A plain ADD COLUMN (SQLite: an inline REFERENCES, no table copy; see 0007).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users ADD COLUMN enterprise_id INTEGER "
                   "CONSTRAINT fk_users_enterprise_id_enterprises REFERENCES enterprises (id)")
    else:
        op.add_column("users", sa.Column("enterprise_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_users_enterprise_id_enterprises"), "users", "enterprises",
                              ["enterprise_id"], ["id"])
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
        op.drop_constraint(op.f("fk_users_enterprise_id_enterprises"), "users", type_="foreignkey")
        op.drop_column("users", "enterprise_id")
    else:
        for table in APPEND_ONLY:
            for event in ("update", "delete", "replace"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
        # SQLite (>= 3.35) drops a column that carries a REFERENCES clause only if nothing indexes it
        op.execute("ALTER TABLE users DROP COLUMN enterprise_id")
    op.drop_table("energy_reviews")
    op.drop_index(op.f("ix_project_status_events_project_id"), table_name="project_status_events")
    op.drop_table("project_status_events")
    op.drop_index(op.f("ix_project_products_project_id"), table_name="project_products")
    op.drop_table("project_products")
    op.drop_index(op.f("ix_projects_enterprise_id"), table_name="projects")
    op.drop_index(op.f("ix_projects_region_id"), table_name="projects")
    op.drop_table("projects")
    op.drop_index(op.f("ix_enterprises_region_id"), table_name="enterprises")
    op.drop_table("enterprises")
