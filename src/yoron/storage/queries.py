"""Every SQL statement yoron runs, in one place, written once for both engines."""

from __future__ import annotations

from yoron.domain.model import Display, Sort
from yoron.storage.sql import Statement

SITE_COLUMNS = (
    "id, slug, name, origins, guest_policy, display, max_depth, default_sort,"
    " edit_window_seconds, auto_create_threads, created_at, moderation"
)
THREAD_COLUMNS = (
    "id, site_id, key, title, url, lead, state, comment_count, version, created_at, premoderated, notice"
)
COMMENT_COLUMNS = (
    "c.id, c.thread_id, c.parent_id, c.root_id, c.depth, c.owner, c.author_name, c.body, c.html,"
    " c.state, c.up, c.down, c.score, c.best, c.controversy, c.reply_count, c.quote_source,"
    " c.quote_comment_id, c.quote_verified, c.created_at, c.edited_at, c.user_id, c.featured,"
    " c.report_count, c.reasons"
)
COMMENT_FROM = (
    f"SELECT {COMMENT_COLUMNS}, p.author_name AS parent_name, p.state AS parent_state"
    " FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
)

# --- meta
get_meta = Statement("SELECT value FROM meta WHERE key = :key")
put_meta = Statement("INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO NOTHING")
ping = Statement("SELECT 1")

# --- sites
insert_site = Statement(
    "INSERT INTO sites (slug, name, origins, guest_policy, display, max_depth, default_sort,"
    " edit_window_seconds, auto_create_threads, api_key_hash, created_at)"
    " VALUES (:slug, :name, :origins, :guest_policy, :display, :max_depth, :default_sort,"
    " :edit_window_seconds, :auto_create_threads, :api_key_hash, :created_at)"
    f" RETURNING {SITE_COLUMNS}"
)
site_by_slug = Statement(f"SELECT {SITE_COLUMNS} FROM sites WHERE slug = :slug")
site_by_id = Statement(f"SELECT {SITE_COLUMNS} FROM sites WHERE id = :id")
all_sites = Statement(f"SELECT {SITE_COLUMNS} FROM sites ORDER BY slug")
update_site = Statement(
    "UPDATE sites SET name = :name, origins = :origins, guest_policy = :guest_policy,"
    " display = :display, max_depth = :max_depth, default_sort = :default_sort,"
    " edit_window_seconds = :edit_window_seconds, auto_create_threads = :auto_create_threads"
    " WHERE id = :id"
)
site_api_key_hash = Statement("SELECT api_key_hash FROM sites WHERE id = :id")

# --- threads
thread_by_id = Statement(f"SELECT {THREAD_COLUMNS} FROM threads WHERE id = :id")
thread_by_key = Statement(f"SELECT {THREAD_COLUMNS} FROM threads WHERE site_id = :site_id AND key = :key")
insert_thread = Statement(
    "INSERT INTO threads (site_id, key, title, url, lead, created_at)"
    " VALUES (:site_id, :key, :title, :url, :lead, :created_at)"
    f" ON CONFLICT (site_id, key) DO NOTHING RETURNING {THREAD_COLUMNS}"
)
thread_versions = Statement("SELECT version, tally_version FROM threads WHERE id = :id")
touch_tally = Statement("UPDATE threads SET tally_version = tally_version + 1 WHERE id = :id")
touch_thread = Statement(
    "UPDATE threads SET version = version + 1, comment_count = comment_count + :delta WHERE id = :id"
)
set_thread_state = Statement("UPDATE threads SET state = :state, version = version + 1 WHERE id = :id")
# PostgreSQL only: tells every listening process at commit (SQLite readers ask each time instead).
notify_thread = Statement("SELECT pg_notify('yoron_threads', CAST(CAST(:id AS bigint) AS text))")
thread_counts = Statement(
    "SELECT key, comment_count FROM threads"
    " WHERE site_id = :site_id AND key IN (SELECT value FROM json_each(:keys))",
    postgresql="SELECT key, comment_count FROM threads WHERE site_id = :site_id AND key = ANY(:keys)",
)

# --- comments
insert_comment = Statement(
    "INSERT INTO comments (thread_id, parent_id, root_id, depth, owner, author_name, name_key,"
    " body, html, state, listed, quote_source, quote_comment_id, quote_verified, ip_hash, created_at,"
    " user_id, reasons)"
    " VALUES (:thread_id, :parent_id, :root_id, :depth, :owner, :author_name, :name_key,"
    " :body, :html, :state, :listed, :quote_source, :quote_comment_id, :quote_verified, :ip_hash,"
    " :created_at, :user_id, :reasons) RETURNING id"
)
comment_by_id = Statement(f"{COMMENT_FROM} WHERE c.id = :id")
replies_of_roots = Statement(
    f"{COMMENT_FROM} WHERE c.root_id IN (SELECT value FROM json_each(:root_ids)) AND c.listed = 1"
    " ORDER BY c.created_at, c.id",
    postgresql=f"{COMMENT_FROM} WHERE c.root_id = ANY(:root_ids) AND c.listed = 1"
    " ORDER BY c.created_at, c.id",
)
participants = Statement(
    "SELECT name_key, MAX(id) AS id FROM comments"
    " WHERE thread_id = :thread_id AND state = 'published'"
    " AND name_key IN (SELECT value FROM json_each(:keys)) GROUP BY name_key",
    postgresql="SELECT name_key, MAX(id) AS id FROM comments"
    " WHERE thread_id = :thread_id AND state = 'published' AND name_key = ANY(:keys)"
    " GROUP BY name_key",
)
update_comment_body = Statement(
    "UPDATE comments SET body = :body, html = :html, quote_source = :quote_source,"
    " quote_comment_id = :quote_comment_id, quote_verified = :quote_verified, edited_at = :now"
    " WHERE id = :id"
)
insert_revision = Statement(
    "INSERT INTO comment_revisions (comment_id, body, html, written_at)"
    " VALUES (:comment_id, :body, :html, :written_at)"
)
revisions_of = Statement(
    "SELECT body, html, written_at FROM comment_revisions WHERE comment_id = :comment_id ORDER BY id"
)
set_comment_state = Statement("UPDATE comments SET state = :state, listed = :listed WHERE id = :id")
set_comment_reasons = Statement("UPDATE comments SET state = :state, reasons = :reasons WHERE id = :id")
blank_comment = Statement("UPDATE comments SET body = '', html = '' WHERE id = :id")
add_replies = Statement("UPDATE comments SET reply_count = reply_count + :delta WHERE id = :id")
_VOTE_TARGET = (
    "SELECT c.id, c.thread_id, t.site_id, c.owner, c.state, t.state AS thread_state, c.up, c.down"
    " FROM comments c JOIN threads t ON t.id = c.thread_id WHERE c.id = :id"
)
vote_target = Statement(_VOTE_TARGET, postgresql=_VOTE_TARGET + " FOR UPDATE OF c")
set_tally = Statement(
    "UPDATE comments SET up = :up, down = :down, score = :score, best = :best,"
    " controversy = :controversy WHERE id = :id"
)
held_for_owner = Statement(
    f"{COMMENT_FROM} WHERE c.owner = :owner AND c.thread_id = :thread_id"
    " AND c.state IN ('pending', 'shadow') ORDER BY c.id LIMIT 50"
)
editable_comments = Statement(
    "SELECT id, created_at FROM comments WHERE owner = :owner AND thread_id = :thread_id"
    " AND created_at >= :since AND state IN ('published', 'pending') ORDER BY id"
)

# --- votes
get_vote = Statement("SELECT value FROM votes WHERE comment_id = :comment_id AND voter = :voter")
put_vote = Statement(
    "INSERT INTO votes (comment_id, voter, thread_id, value, updated_at)"
    " VALUES (:comment_id, :voter, :thread_id, :value, :now)"
    " ON CONFLICT (comment_id, voter) DO UPDATE SET value = excluded.value,"
    " updated_at = excluded.updated_at"
)
votes_of_viewer = Statement(
    "SELECT comment_id, value FROM votes WHERE thread_id = :thread_id AND voter = :voter AND value <> 0"
)
vote_totals = Statement(
    "SELECT COALESCE(SUM(CASE WHEN value = 1 THEN 1 ELSE 0 END), 0) AS up,"
    " COALESCE(SUM(CASE WHEN value = -1 THEN 1 ELSE 0 END), 0) AS down"
    " FROM votes WHERE comment_id = :comment_id"
)

# --- listings: one statement per sort and display, each walking its partial index in order

SORT_COLUMNS: dict[Sort, tuple[str, bool]] = {
    Sort.OLDEST: ("created_at", False),
    Sort.NEWEST: ("created_at", True),
    Sort.TOP: ("score", True),
    Sort.BEST: ("best", True),
    Sort.CONTROVERSIAL: ("controversy", True),
}


def _listing(sort: Sort, display: Display) -> Statement:
    column, descending = SORT_COLUMNS[sort]
    lane = " AND c.parent_id IS NULL" if display is Display.NESTED else ""
    direction, compare = (" DESC", "<") if descending else ("", ">")
    return Statement(
        f"{COMMENT_FROM} WHERE c.thread_id = :thread_id AND c.listed = 1{lane}"
        f" AND (c.{column}, c.id) {compare} (:key, :after_id)"
        f" ORDER BY c.{column}{direction}, c.id{direction} LIMIT :limit"
    )


LISTINGS: dict[tuple[Sort, Display], Statement] = {
    (sort, display): _listing(sort, display) for sort in Sort for display in Display
}

# --- accounts
USER_COLUMNS = (
    "id, site_id, email, email_verified_at, display_name, role, status, avatar_url, badges, created_at"
)
insert_user = Statement(
    "INSERT INTO users (site_id, email, password_hash, display_name, name_key, role, sso_subject,"
    " avatar_url, badges, created_at)"
    " VALUES (:site_id, :email, :password_hash, :display_name, :name_key, :role, :sso_subject,"
    f" :avatar_url, :badges, :created_at) RETURNING {USER_COLUMNS}"
)
user_by_id = Statement(f"SELECT {USER_COLUMNS} FROM users WHERE id = :id")
user_by_email = Statement(
    f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE site_id = :site_id AND email = :email",
    sqlite=f"SELECT {USER_COLUMNS}, password_hash FROM users WHERE site_id IS :site_id AND email = :email",
    postgresql=f"SELECT {USER_COLUMNS}, password_hash FROM users"
    " WHERE site_id IS NOT DISTINCT FROM :site_id AND email = :email",
)
user_by_name_key = Statement(
    f"SELECT {USER_COLUMNS} FROM users WHERE site_id = :site_id AND name_key = :name_key",
    sqlite=f"SELECT {USER_COLUMNS} FROM users WHERE site_id IS :site_id AND name_key = :name_key",
    postgresql=f"SELECT {USER_COLUMNS} FROM users"
    " WHERE site_id IS NOT DISTINCT FROM :site_id AND name_key = :name_key",
)
set_user_role = Statement("UPDATE users SET role = :role WHERE id = :id")
set_user_password = Statement("UPDATE users SET password_hash = :password_hash WHERE id = :id")
mark_user_verified = Statement("UPDATE users SET email_verified_at = :now WHERE id = :id")
insert_session = Statement(
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
    " VALUES (:token_hash, :user_id, :created_at, :expires_at)"
)
session_user = Statement(
    f"SELECT {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))} FROM sessions s"
    " JOIN users u ON u.id = s.user_id WHERE s.token_hash = :token_hash AND s.expires_at > :now"
)
delete_session = Statement("DELETE FROM sessions WHERE token_hash = :token_hash")
delete_user_sessions = Statement("DELETE FROM sessions WHERE user_id = :user_id")
insert_email_token = Statement(
    "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at)"
    " VALUES (:token_hash, :user_id, :purpose, :expires_at)"
)
use_email_token = Statement(
    "UPDATE email_tokens SET used_at = :now WHERE token_hash = :token_hash AND purpose = :purpose"
    " AND used_at IS NULL AND expires_at > :now RETURNING user_id"
)
site_sso_secrets = Statement("SELECT sso_secret, sso_secret_previous FROM sites WHERE id = :id")
set_site_sso_secrets = Statement(
    "UPDATE sites SET sso_secret = :current, sso_secret_previous = :previous WHERE id = :id"
)
forget_old_nonces = Statement("DELETE FROM sso_nonces WHERE expires_at < :now")
remember_nonce = Statement(
    "INSERT INTO sso_nonces (site_id, jti, expires_at) VALUES (:site_id, :jti, :expires_at)"
    " ON CONFLICT (site_id, jti) DO NOTHING RETURNING jti"
)
user_by_sso = Statement(
    f"SELECT {USER_COLUMNS} FROM users WHERE site_id = :site_id AND sso_subject = :subject"
)
update_user_profile = Statement(
    "UPDATE users SET display_name = :display_name, name_key = :name_key, email = :email,"
    " avatar_url = :avatar_url, badges = :badges, role = :role WHERE id = :id"
)
user_comments = Statement(
    "SELECT c.id, c.thread_id, c.html, c.created_at, c.up, c.down, t.title AS thread_title,"
    " t.url AS thread_url FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE c.user_id = :user_id AND c.state = 'published' AND (c.created_at, c.id) < (:before, :before_id)"
    " ORDER BY c.created_at DESC, c.id DESC LIMIT :limit"
)
claim_device_comments = Statement(
    "UPDATE comments SET owner = :user_key, user_id = :user_id"
    " WHERE owner = :device_key AND created_at >= :since AND user_id IS NULL RETURNING id"
)
set_user_status = Statement("UPDATE users SET status = :status WHERE id = :id")
comments_for_export = Statement(
    "SELECT id, thread_id, parent_id, body, state, created_at, edited_at FROM comments"
    " WHERE user_id = :user_id ORDER BY id"
)
votes_for_export = Statement(
    "SELECT comment_id, value, updated_at FROM votes WHERE voter = :voter ORDER BY comment_id"
)

# --- moderation
set_site_moderation = Statement("UPDATE sites SET moderation = :moderation WHERE id = :id")
set_thread_controls = Statement(
    "UPDATE threads SET premoderated = :premoderated, notice = :notice, version = version + 1 WHERE id = :id"
)
moderate_comment = Statement(
    "UPDATE comments SET state = :state, listed = :listed, moderated_at = :now, report_count = 0"
    " WHERE id = :id"
)
feature_comment = Statement("UPDATE comments SET featured = :featured WHERE id = :id")
featured_comments = Statement(
    f"{COMMENT_FROM} WHERE c.thread_id = :thread_id AND c.featured = 1 AND c.listed = 1"
    " AND c.id < :before ORDER BY c.id DESC LIMIT :limit"
)
insert_report = Statement(
    "INSERT INTO reports (comment_id, reporter, reason, note, created_at)"
    " VALUES (:comment_id, :reporter, :reason, :note, :now)"
    " ON CONFLICT (comment_id, reporter) DO NOTHING RETURNING id"
)
count_report = Statement(
    "UPDATE comments SET report_count = report_count + 1 WHERE id = :id RETURNING report_count"
)
reports_of = Statement(
    "SELECT comment_id, reporter, reason, note, created_at FROM reports"
    " WHERE comment_id IN (SELECT value FROM json_each(:ids)) ORDER BY id",
    postgresql="SELECT comment_id, reporter, reason, note, created_at FROM reports"
    " WHERE comment_id = ANY(:ids) ORDER BY id",
)
QUEUE_WHERE = {
    "pending": "c.state = 'pending'",
    "reported": "c.report_count > 0 AND c.state IN ('published', 'pending')",
    "approved": "c.state = 'published' AND c.moderated_at IS NOT NULL",
    "rejected": "c.state = 'rejected'",
    "all": "c.state <> 'deleted'",
}
_QUEUE_FILTERS = (
    " AND (CAST(:thread_id AS BIGINT) IS NULL OR c.thread_id = :thread_id)"
    " AND (CAST(:owner AS TEXT) IS NULL OR c.owner = :owner)"
    " AND (CAST(:search AS TEXT) IS NULL OR lower(c.body) LIKE :search ESCAPE '\\')"
    " AND (CAST(:reason AS TEXT) IS NULL OR c.reasons LIKE :reason_like"
    " OR EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id AND r.reason = :reason))"
)


def _queue(where: str, newest_first: bool) -> Statement:
    direction, compare = (" DESC", "<") if newest_first else ("", ">")
    return Statement(
        f"SELECT {COMMENT_COLUMNS}, p.author_name AS parent_name, p.state AS parent_state,"
        " p.html AS parent_html, t.title AS thread_title, t.url AS thread_url"
        " FROM comments c JOIN threads t ON t.id = c.thread_id"
        " LEFT JOIN comments p ON p.id = c.parent_id"
        f" WHERE t.site_id = :site_id AND {where}{_QUEUE_FILTERS} AND c.id {compare} :after_id"
        f" ORDER BY c.id{direction} LIMIT :limit"
    )


QUEUES: dict[tuple[str, bool], Statement] = {
    (name, newest): _queue(where, newest) for name, where in QUEUE_WHERE.items() for newest in (True, False)
}
queue_counts = Statement(
    "SELECT SUM(CASE WHEN c.state = 'pending' THEN 1 ELSE 0 END) AS pending,"
    " SUM(CASE WHEN c.report_count > 0 AND c.state IN ('published', 'pending') THEN 1 ELSE 0 END)"
    " AS reported FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE t.site_id = :site_id AND (c.state = 'pending' OR c.report_count > 0)"
)
owner_record = Statement(
    "SELECT c.state, COUNT(*) AS n, MIN(c.created_at) AS first_seen,"
    " SUM(CASE WHEN c.report_count > 0 THEN 1 ELSE 0 END) AS reported"
    " FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE c.owner = :owner AND t.site_id = :site_id GROUP BY c.state"
)
owners_records = Statement(
    "SELECT c.owner, c.state, COUNT(*) AS n FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE t.site_id = :site_id AND c.owner IN (SELECT value FROM json_each(:owners))"
    " GROUP BY c.owner, c.state",
    postgresql="SELECT c.owner, c.state, COUNT(*) AS n FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE t.site_id = :site_id AND c.owner = ANY(:owners) GROUP BY c.owner, c.state",
)
owner_reasons = Statement(
    "SELECT c.reasons FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE c.owner = :owner AND t.site_id = :site_id AND c.reasons <> '[]' ORDER BY c.id DESC LIMIT 200"
)
owner_approved = Statement(
    "SELECT COUNT(*) FROM (SELECT 1 FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE c.owner = :owner AND t.site_id = :site_id AND c.state = 'published' LIMIT :cap) AS approved"
)
owner_recent_bodies = Statement(
    "SELECT body FROM comments WHERE owner = :owner AND created_at >= :since"
    " AND state IN ('published', 'pending') ORDER BY id DESC LIMIT 20"
)
owner_open_comments = Statement(
    "SELECT c.id FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE c.owner = :owner AND t.site_id = :site_id AND c.state IN ('published', 'pending', 'shadow')"
    " ORDER BY c.id"
)
SANCTION_COLUMNS = (
    "id, site_id, subject, kind, reason, until, created_by, created_at, acknowledged_at, lifted_at"
)
insert_sanction = Statement(
    "INSERT INTO sanctions (site_id, subject, kind, reason, until, created_by, created_at)"
    f" VALUES (:site_id, :subject, :kind, :reason, :until, :created_by, :now) RETURNING {SANCTION_COLUMNS}"
)
sanctions_of = Statement(
    f"SELECT {SANCTION_COLUMNS} FROM sanctions WHERE site_id = :site_id AND subject = :subject ORDER BY id"
)
lift_sanctions = Statement(
    "UPDATE sanctions SET lifted_at = :now WHERE site_id = :site_id AND subject = :subject"
    " AND kind = :kind AND lifted_at IS NULL"
)
acknowledge_warnings = Statement(
    "UPDATE sanctions SET acknowledged_at = :now WHERE site_id = :site_id AND subject = :subject"
    " AND kind = 'warn' AND acknowledged_at IS NULL RETURNING id"
)
insert_note = Statement(
    "INSERT INTO moderator_notes (site_id, subject, author, body, created_at)"
    " VALUES (:site_id, :subject, :author, :body, :now) RETURNING id"
)
notes_of = Statement(
    "SELECT id, subject, author, body, created_at FROM moderator_notes"
    " WHERE site_id = :site_id AND subject = :subject ORDER BY id DESC"
)
insert_audit = Statement(
    "INSERT INTO audit_log (site_id, actor, action, target, reason, details, created_at)"
    " VALUES (:site_id, :actor, :action, :target, :reason, :details, :now)"
)
audit_page = Statement(
    "SELECT id, site_id, actor, action, target, reason, details, created_at FROM audit_log"
    " WHERE site_id = :site_id AND id < :before ORDER BY id DESC LIMIT :limit"
)

# --- OpenID Connect sign-in
OIDC_PROVIDER_COLUMNS = "id, site_id, name, label, issuer, client_id, client_secret"
put_oidc_provider = Statement(
    "INSERT INTO oidc_providers (site_id, name, label, issuer, client_id, client_secret, created_at)"
    " VALUES (:site_id, :name, :label, :issuer, :client_id, :client_secret, :created_at)"
    " ON CONFLICT (site_id, name) DO UPDATE SET label = excluded.label, issuer = excluded.issuer,"
    " client_id = excluded.client_id, client_secret = excluded.client_secret"
    f" RETURNING {OIDC_PROVIDER_COLUMNS}"
)
oidc_providers_of_site = Statement(
    f"SELECT {OIDC_PROVIDER_COLUMNS} FROM oidc_providers WHERE site_id = :site_id ORDER BY id"
)
oidc_provider_by_name = Statement(
    f"SELECT {OIDC_PROVIDER_COLUMNS} FROM oidc_providers WHERE site_id = :site_id AND name = :name"
)
oidc_provider_by_id = Statement(f"SELECT {OIDC_PROVIDER_COLUMNS} FROM oidc_providers WHERE id = :id")
delete_oidc_provider = Statement(
    "DELETE FROM oidc_providers WHERE site_id = :site_id AND name = :name RETURNING id"
)
forget_old_oidc_logins = Statement("DELETE FROM oidc_logins WHERE expires_at <= :now")
insert_oidc_login = Statement(
    "INSERT INTO oidc_logins (state_hash, provider_id, nonce, code_verifier, next, expires_at)"
    " VALUES (:state_hash, :provider_id, :nonce, :code_verifier, :next, :expires_at)"
)
take_oidc_login = Statement(
    "DELETE FROM oidc_logins WHERE state_hash = :state_hash"
    " RETURNING provider_id, nonce, code_verifier, next, expires_at"
)
oidc_identity_user = Statement(
    f"SELECT {', '.join('u.' + c.strip() for c in USER_COLUMNS.split(','))} FROM oidc_identities i"
    " JOIN users u ON u.id = i.user_id"
    " WHERE i.site_id = :site_id AND i.issuer = :issuer AND i.subject = :subject"
)
insert_oidc_identity = Statement(
    "INSERT INTO oidc_identities (site_id, issuer, subject, user_id, created_at)"
    " VALUES (:site_id, :issuer, :subject, :user_id, :created_at)"
)

# --- deleting an account, and the admins' list of a site's users
user_password_hash = Statement("SELECT password_hash FROM users WHERE id = :id")
# Sessions, email tokens and OpenID Connect identities go with the row (ON DELETE CASCADE).
delete_user = Statement("DELETE FROM users WHERE id = :id")
# SQLite may give the next account the id of a deleted one: nothing about the old one must stick.
delete_subject_sanctions = Statement("DELETE FROM sanctions WHERE subject = :subject")
delete_subject_notes = Statement("DELETE FROM moderator_notes WHERE subject = :subject")
account_comments = Statement(
    "SELECT c.id, t.site_id FROM comments c JOIN threads t ON t.id = c.thread_id"
    " WHERE c.user_id = :user_id ORDER BY c.id DESC"
)
anonymise_comment = Statement(
    "UPDATE comments SET owner = '', user_id = NULL, author_name = :author_name, name_key = '',"
    " ip_hash = '' WHERE id = :id"
)
delete_revisions = Statement("DELETE FROM comment_revisions WHERE comment_id = :comment_id")
# No index leads with the voter: run it on a reader, never inside the single SQLite writer.
voted_comments = Statement("SELECT comment_id FROM votes WHERE voter = :voter ORDER BY comment_id")
delete_vote = Statement("DELETE FROM votes WHERE comment_id = :comment_id AND voter = :voter")
site_users = Statement(
    f"SELECT {USER_COLUMNS} FROM users WHERE site_id = :site_id AND id < :before"
    " AND (CAST(:search AS TEXT) IS NULL OR lower(display_name) LIKE :search ESCAPE '\\'"
    " OR email LIKE :search ESCAPE '\\') ORDER BY id DESC LIMIT :limit"
)
