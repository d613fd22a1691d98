"""Accounts: users, sessions, email tokens, single sign-on secrets; comments know their account.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("site_id", ID, nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("email_verified_at", sa.BigInteger(), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("name_key", sa.String(160), nullable=False),
        sa.Column("role", sa.String(16), server_default="reader", nullable=False),
        sa.Column("status", sa.String(16), server_default="active", nullable=False),
        sa.Column("sso_subject", sa.String(200), nullable=True),
        sa.Column("avatar_url", sa.String(2048), server_default="", nullable=False),
        sa.Column("badges", sa.Text(), server_default="[]", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name="fk_users_site_id_sites", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_index("ux_users_site_name", "users", ["site_id", "name_key"], unique=True)
    op.create_index("ux_users_site_email", "users", ["site_id", "email"], unique=True)
    op.create_index("ux_users_site_sso", "users", ["site_id", "sso_subject"], unique=True)
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_user", "sessions", ["user_id"])
    op.create_table(
        "email_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_email_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_email_tokens"),
    )
    with op.batch_alter_table("comments") as batch:
        batch.add_column(sa.Column("user_id", ID, nullable=True))
    op.create_index("ix_comments_user", "comments", ["user_id", "created_at"])
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("guest_policy", sa.String(24), server_default="allowed", nullable=False))
    op.execute("UPDATE sites SET guest_policy = 'sign_in_required' WHERE guests_allowed = 0")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("guests_allowed")
        batch.add_column(sa.Column("sso_secret", sa.String(128), server_default="", nullable=False))
        batch.add_column(sa.Column("sso_secret_previous", sa.String(128), server_default="", nullable=False))
    op.create_table(
        "sso_nonces",
        sa.Column("site_id", ID, nullable=False),
        sa.Column("jti", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name="fk_sso_nonces_site_id_sites", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("site_id", "jti", name="pk_sso_nonces"),
    )
    op.create_index("ix_sso_nonces_expiry", "sso_nonces", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_sso_nonces_expiry", table_name="sso_nonces")
    op.drop_table("sso_nonces")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("sso_secret_previous")
        batch.drop_column("sso_secret")
        batch.add_column(sa.Column("guests_allowed", sa.SmallInteger(), server_default="1", nullable=False))
    op.execute("UPDATE sites SET guests_allowed = 0 WHERE guest_policy = 'sign_in_required'")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("guest_policy")
    op.drop_index("ix_comments_user", table_name="comments")
    with op.batch_alter_table("comments") as batch:
        batch.drop_column("user_id")
    op.drop_table("email_tokens")
    op.drop_table("sessions")
    op.drop_index("ux_users_site_sso", table_name="users")
    op.drop_index("ux_users_site_email", table_name="users")
    op.drop_index("ux_users_site_name", table_name="users")
    op.drop_table("users")
