"""Moderation: site policy, thread controls, comment verdicts, reports, sanctions, notes, audit log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
REPORTED = sa.text("report_count > 0")
FEATURED = sa.text("featured = 1 AND listed = 1")


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("moderation", sa.Text(), server_default="{}", nullable=False))
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("premoderated", sa.SmallInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("notice", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("featured", sa.SmallInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("report_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("reasons", sa.Text(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("moderated_at", sa.BigInteger(), nullable=True))
    op.create_index("ix_comments_queue", "comments", ["state", "id"])
    op.create_index(
        "ix_comments_reported", "comments", ["id"], sqlite_where=REPORTED, postgresql_where=REPORTED
    )
    op.create_index(
        "ix_comments_featured",
        "comments",
        ["thread_id", "id"],
        sqlite_where=FEATURED,
        postgresql_where=FEATURED,
    )
    op.create_table(
        "reports",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("comment_id", ID, nullable=False),
        sa.Column("reporter", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("comment_id", "reporter", name="uq_reports_comment_id_reporter"),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name="fk_reports_comment_id_comments", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "sanctions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("until", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("acknowledged_at", sa.BigInteger(), nullable=True),
        sa.Column("lifted_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sanctions"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_sanctions_site_id_sites", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sanctions_subject", "sanctions", ["site_id", "subject"])
    op.create_table(
        "moderator_notes",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_moderator_notes"),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_moderator_notes_site_id_sites", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_moderator_notes_subject", "moderator_notes", ["site_id", "subject", "id"])
    op.create_table(
        "audit_log",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("site_id", ID, nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(80), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("details", sa.Text(), server_default="{}", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_site", "audit_log", ["site_id", "id"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("moderator_notes")
    op.drop_table("sanctions")
    op.drop_table("reports")
    op.drop_index("ix_comments_featured", "comments")
    op.drop_index("ix_comments_reported", "comments")
    op.drop_index("ix_comments_queue", "comments")
    with op.batch_alter_table("comments") as batch:
        for column in ("moderated_at", "reasons", "report_count", "featured"):
            batch.drop_column(column)
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("notice")
        batch.drop_column("premoderated")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("moderation")
