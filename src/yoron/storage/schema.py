"""The tables, as SQLAlchemy Core metadata. Alembic migrations must match it (a test checks)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Times are Unix milliseconds in BIGINT columns: one representation on both engines,
# compared and sorted as integers on the hot paths.
ID = BigInteger().with_variant(Integer(), "sqlite")

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

sites = Table(
    "sites",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("origins", Text, nullable=False, server_default="[]"),
    Column("guest_policy", String(24), nullable=False, server_default="allowed"),
    Column("display", String(16), nullable=False, server_default="nested"),
    Column("max_depth", Integer, nullable=False, server_default="4"),
    Column("default_sort", String(16), nullable=False, server_default="oldest"),
    Column("edit_window_seconds", Integer, nullable=False, server_default="900"),
    Column("auto_create_threads", SmallInteger, nullable=False, server_default="1"),
    Column("api_key_hash", String(128), nullable=False, server_default=""),
    Column("created_at", BigInteger, nullable=False),
    Column("sso_secret", String(128), nullable=False, server_default=""),
    Column("sso_secret_previous", String(128), nullable=False, server_default=""),
)

threads = Table(
    "threads",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(512), nullable=False),
    Column("title", String(300), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("lead", Text, nullable=False, server_default=""),
    Column("state", String(16), nullable=False, server_default="open"),
    Column("comment_count", Integer, nullable=False, server_default="0"),
    Column("version", BigInteger, nullable=False, server_default="1"),
    Column("tally_version", BigInteger, nullable=False, server_default="0"),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("site_id", "key"),
)

LISTED = text("listed = 1")
ROOT_LISTED = text("listed = 1 AND parent_id IS NULL")


def _listing_indexes(prefix: str, where: object) -> list[Index]:
    """One index per sort key, partial on what the listing shows, so pages read in order."""
    return [
        Index(
            f"ix_comments_{prefix}_{name}",
            "thread_id",
            *columns,
            "id",
            sqlite_where=where,
            postgresql_where=where,
        )
        for name, columns in (
            ("time", ("created_at",)),
            ("score", ("score",)),
            ("best", ("best",)),
            ("controversy", ("controversy",)),
        )
    ]


comments = Table(
    "comments",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("thread_id", ID, ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", ID, nullable=True),
    Column("root_id", ID, nullable=True),
    Column("depth", Integer, nullable=False, server_default="0"),
    Column("owner", String(80), nullable=False),
    Column("author_name", String(200), nullable=False),
    Column("name_key", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("listed", SmallInteger, nullable=False),
    Column("up", Integer, nullable=False, server_default="0"),
    Column("down", Integer, nullable=False, server_default="0"),
    Column("score", Integer, nullable=False, server_default="0"),
    Column("best", Float, nullable=False, server_default="0"),
    Column("controversy", Float, nullable=False, server_default="0"),
    Column("reply_count", Integer, nullable=False, server_default="0"),
    Column("quote_source", String(16), nullable=True),
    Column("quote_comment_id", ID, nullable=True),
    Column("quote_verified", SmallInteger, nullable=True),
    Column("ip_hash", String(64), nullable=False, server_default=""),
    Column("created_at", BigInteger, nullable=False),
    Column("edited_at", BigInteger, nullable=True),
    Column("user_id", ID, nullable=True),
    *_listing_indexes("flat", LISTED),
    *_listing_indexes("root", ROOT_LISTED),
    Index("ix_comments_replies", "root_id", "created_at", "id", sqlite_where=LISTED, postgresql_where=LISTED),
    Index("ix_comments_names", "thread_id", "name_key"),
    Index("ix_comments_owner", "owner", "thread_id", "created_at"),
    Index("ix_comments_user", "user_id", "created_at"),
)

votes = Table(
    "votes",
    metadata,
    Column("comment_id", ID, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("voter", String(80), nullable=False),
    Column("thread_id", ID, nullable=False),
    Column("value", SmallInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("comment_id", "voter"),
    Index("ix_votes_viewer", "thread_id", "voter"),
)

comment_revisions = Table(
    "comment_revisions",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("comment_id", ID, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=False),
    Column("written_at", BigInteger, nullable=False),
    Index("ix_comment_revisions_comment", "comment_id", "id"),
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=True),
    Column("email", String(320), nullable=True),
    Column("email_verified_at", BigInteger, nullable=True),
    Column("password_hash", String(200), nullable=True),
    Column("display_name", String(80), nullable=False),
    Column("name_key", String(160), nullable=False),
    Column("role", String(16), nullable=False, server_default="reader"),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("sso_subject", String(200), nullable=True),
    Column("avatar_url", String(2048), nullable=False, server_default=""),
    Column("badges", Text, nullable=False, server_default="[]"),
    Column("created_at", BigInteger, nullable=False),
    Index("ux_users_site_name", "site_id", "name_key", unique=True),
    Index("ux_users_site_email", "site_id", "email", unique=True),
    Index("ux_users_site_sso", "site_id", "sso_subject", unique=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Index("ix_sessions_user", "user_id"),
)

email_tokens = Table(
    "email_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("used_at", BigInteger, nullable=True),
)

sso_nonces = Table(
    "sso_nonces",
    metadata,
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("jti", String(200), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("site_id", "jti"),
    Index("ix_sso_nonces_expiry", "expires_at"),
)
