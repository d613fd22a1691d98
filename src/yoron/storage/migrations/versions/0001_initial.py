"""Sites, threads, comments, votes and revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LISTED = sa.text("listed = 1")
ROOT_LISTED = sa.text("listed = 1 AND parent_id IS NULL")
SORT_KEYS = {"time": "created_at", "score": "score", "best": "best", "controversy": "controversy"}


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "sites",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("origins", sa.Text(), server_default="[]", nullable=False),
        sa.Column("guests_allowed", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("display", sa.String(16), server_default="nested", nullable=False),
        sa.Column("max_depth", sa.Integer(), server_default="4", nullable=False),
        sa.Column("default_sort", sa.String(16), server_default="oldest", nullable=False),
        sa.Column("edit_window_seconds", sa.Integer(), server_default="900", nullable=False),
        sa.Column("auto_create_threads", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("api_key_hash", sa.String(128), server_default="", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sites"),
        sa.UniqueConstraint("slug", name="uq_sites_slug"),
    )
    op.create_table(
        "threads",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("lead", sa.Text(), server_default="", nullable=False),
        sa.Column("state", sa.String(16), server_default="open", nullable=False),
        sa.Column("comment_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_threads_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_threads"),
        sa.UniqueConstraint("site_id", "key", name="uq_threads_site_id_key"),
    )
    op.create_table(
        "comments",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("thread_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("root_id", ID, nullable=True),
        sa.Column("depth", sa.Integer(), server_default="0", nullable=False),
        sa.Column("owner", sa.String(80), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("listed", sa.SmallInteger(), nullable=False),
        sa.Column("up", sa.Integer(), server_default="0", nullable=False),
        sa.Column("down", sa.Integer(), server_default="0", nullable=False),
        sa.Column("score", sa.Integer(), server_default="0", nullable=False),
        sa.Column("best", sa.Float(), server_default="0", nullable=False),
        sa.Column("controversy", sa.Float(), server_default="0", nullable=False),
        sa.Column("reply_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("quote_source", sa.String(16), nullable=True),
        sa.Column("quote_comment_id", ID, nullable=True),
        sa.Column("quote_verified", sa.SmallInteger(), nullable=True),
        sa.Column("ip_hash", sa.String(64), server_default="", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("edited_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name="fk_comments_thread_id_threads", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_comments"),
    )
    for lane, where in (("flat", LISTED), ("root", ROOT_LISTED)):
        for name, column in SORT_KEYS.items():
            op.create_index(
                f"ix_comments_{lane}_{name}",
                "comments",
                ["thread_id", column, "id"],
                sqlite_where=where,
                postgresql_where=where,
            )
    op.create_index(
        "ix_comments_replies",
        "comments",
        ["root_id", "created_at", "id"],
        sqlite_where=LISTED,
        postgresql_where=LISTED,
    )
    op.create_index("ix_comments_names", "comments", ["thread_id", "name_key"])
    op.create_index("ix_comments_owner", "comments", ["owner", "thread_id", "created_at"])
    op.create_table(
        "votes",
        sa.Column("comment_id", ID, nullable=False),
        sa.Column("voter", sa.String(80), nullable=False),
        sa.Column("thread_id", ID, nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name="fk_votes_comment_id_comments", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("comment_id", "voter", name="pk_votes"),
    )
    op.create_index("ix_votes_viewer", "votes", ["thread_id", "voter"])
    op.create_table(
        "comment_revisions",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("comment_id", ID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("written_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name="fk_comment_revisions_comment_id_comments",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_comment_revisions"),
    )
    op.create_index("ix_comment_revisions_comment", "comment_revisions", ["comment_id", "id"])


def downgrade() -> None:
    op.drop_table("comment_revisions")
    op.drop_table("votes")
    op.drop_table("comments")
    op.drop_table("threads")
    op.drop_table("sites")
    op.drop_table("meta")
