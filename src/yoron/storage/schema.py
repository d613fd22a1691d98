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
    Column("moderation", Text, nullable=False, server_default="{}"),
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
    Column("premoderated", SmallInteger, nullable=False, server_default="0"),
    Column("notice", Text, nullable=False, server_default=""),
    UniqueConstraint("site_id", "key"),
)

LISTED = text("listed = 1")
ROOT_LISTED = text("listed = 1 AND parent_id IS NULL")
REPORTED = text("report_count > 0")
FEATURED = text("featured = 1 AND listed = 1")


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
    Column("featured", SmallInteger, nullable=False, server_default="0"),
    Column("report_count", Integer, nullable=False, server_default="0"),
    Column("reasons", Text, nullable=False, server_default="[]"),
    Column("moderated_at", BigInteger, nullable=True),
    *_listing_indexes("flat", LISTED),
    *_listing_indexes("root", ROOT_LISTED),
    Index("ix_comments_replies", "root_id", "created_at", "id", sqlite_where=LISTED, postgresql_where=LISTED),
    Index("ix_comments_names", "thread_id", "name_key"),
    Index("ix_comments_owner", "owner", "thread_id", "created_at"),
    Index("ix_comments_user", "user_id", "created_at"),
    Index("ix_comments_queue", "state", "id"),
    Index("ix_comments_reported", "id", sqlite_where=REPORTED, postgresql_where=REPORTED),
    Index("ix_comments_featured", "thread_id", "id", sqlite_where=FEATURED, postgresql_where=FEATURED),
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

reports = Table(
    "reports",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("comment_id", ID, ForeignKey("comments.id", ondelete="CASCADE"), nullable=False),
    Column("reporter", String(80), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("comment_id", "reporter"),
)

# A subject is an owner key: ``u:<id>`` for accounts, ``d:<hash>`` for guests' devices.
sanctions = Table(
    "sanctions",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    Column("until", BigInteger, nullable=True),
    Column("created_by", String(200), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("acknowledged_at", BigInteger, nullable=True),
    Column("lifted_at", BigInteger, nullable=True),
    Index("ix_sanctions_subject", "site_id", "subject"),
)

moderator_notes = Table(
    "moderator_notes",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_moderator_notes_subject", "site_id", "subject", "id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("site_id", ID, nullable=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(80), nullable=False, server_default=""),
    Column("reason", Text, nullable=False, server_default=""),
    Column("details", Text, nullable=False, server_default="{}"),
    Column("created_at", BigInteger, nullable=False),
    Index("ix_audit_log_site", "site_id", "id"),
)

# --- OpenID Connect sign-in (migration 0004)

oidc_providers = Table(
    "oidc_providers",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(40), nullable=False),
    Column("label", String(80), nullable=False),
    Column("issuer", String(512), nullable=False),
    Column("client_id", String(512), nullable=False),
    Column("client_secret", String(1024), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    UniqueConstraint("site_id", "name"),
)

# A sign-in between the redirect to the provider and its answer: single use, minutes long.
oidc_logins = Table(
    "oidc_logins",
    metadata,
    Column("state_hash", String(64), primary_key=True),
    Column("provider_id", ID, ForeignKey("oidc_providers.id", ondelete="CASCADE"), nullable=False),
    Column("nonce", String(128), nullable=False),
    Column("code_verifier", String(128), nullable=False),
    Column("next", String(2048), nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Index("ix_oidc_logins_expiry", "expires_at"),
)

# Who a provider says someone is (issuer and subject), and the account that stands for them.
oidc_identities = Table(
    "oidc_identities",
    metadata,
    Column("site_id", ID, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("issuer", String(512), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("user_id", ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    PrimaryKeyConstraint("site_id", "issuer", "subject"),
    Index("ix_oidc_identities_user", "user_id"),
)
