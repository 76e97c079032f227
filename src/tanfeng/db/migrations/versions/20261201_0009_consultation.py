"""Public consultation on a draft plan: rounds, comments, links to draft→final changes, rate-limit hits.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("contact_policy", sa.String(length=10), nullable=False),
        sa.Column("office_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("public_url", sa.String(length=300), nullable=True),
        sa.Column("final_version_id", sa.Integer(), nullable=True),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_consultation_rounds_plan_id_plans")),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"],
                                name=op.f("fk_consultation_rounds_version_id_plan_versions")),
        sa.ForeignKeyConstraint(["final_version_id"], ["plan_versions.id"],
                                name=op.f("fk_consultation_rounds_final_version_id_plan_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_rounds")),
    )
    op.create_index(op.f("ix_consultation_rounds_plan_id"), "consultation_rounds", ["plan_id"], unique=False)
    op.create_table(
        "consultation_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("receipt", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("submitter_org", sa.String(length=200), nullable=True),
        sa.Column("submitter_name", sa.String(length=100), nullable=True),
        sa.Column("submitter_contact", sa.String(length=200), nullable=True),
        sa.Column("suggested_ref", sa.String(length=20), nullable=True),
        sa.Column("ref", sa.String(length=20), nullable=True),
        sa.Column("assigned_unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_opinion", sa.Text(), nullable=True),
        sa.Column("unit_opinion_by", sa.String(length=100), nullable=True),
        sa.Column("disposition", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("form_nonce", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["consultation_rounds.id"],
                                name=op.f("fk_consultation_comments_round_id_consultation_rounds")),
        sa.ForeignKeyConstraint(["assigned_unit_id"], ["units.id"],
                                name=op.f("fk_consultation_comments_assigned_unit_id_units")),
        sa.ForeignKeyConstraint(["merged_into_id"], ["consultation_comments.id"],
                                name=op.f("fk_consultation_comments_merged_into_id_consultation_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comments")),
        sa.UniqueConstraint("round_id", "seq", name=op.f("uq_consultation_comments_round_id_seq")),
        sa.UniqueConstraint("receipt", name=op.f("uq_consultation_comments_receipt")),
        sa.UniqueConstraint("form_nonce", name=op.f("uq_consultation_comments_form_nonce")),
    )
    op.create_index(op.f("ix_consultation_comments_round_id"), "consultation_comments", ["round_id"], unique=False)
    op.create_index(op.f("ix_consultation_comments_assigned_unit_id"), "consultation_comments",
                    ["assigned_unit_id"], unique=False)
    op.create_table(
        "consultation_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("change_key", sa.String(length=80), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["consultation_comments.id"],
                                name=op.f("fk_consultation_links_comment_id_consultation_comments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_links")),
        sa.UniqueConstraint("comment_id", "change_key", name=op.f("uq_consultation_links_comment_id_change_key")),
    )
    op.create_index(op.f("ix_consultation_links_comment_id"), "consultation_links", ["comment_id"], unique=False)
    op.create_table(
        "consultation_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_hits")),
        sa.UniqueConstraint("client_key", "window_start", name=op.f("uq_consultation_hits_client_key_window_start")),
    )


def downgrade() -> None:
    op.drop_table("consultation_hits")
    op.drop_index(op.f("ix_consultation_links_comment_id"), table_name="consultation_links")
    op.drop_table("consultation_links")
    op.drop_index(op.f("ix_consultation_comments_assigned_unit_id"), table_name="consultation_comments")
    op.drop_index(op.f("ix_consultation_comments_round_id"), table_name="consultation_comments")
    op.drop_table("consultation_comments")
    op.drop_index(op.f("ix_consultation_rounds_plan_id"), table_name="consultation_rounds")
    op.drop_table("consultation_rounds")
