"""Repository implementations over a driver session; one code path for both engines."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from yoron.domain.accounts import NewUser, ProfileComment, Role, User, UserStatus
from yoron.domain.model import (
    Comment,
    CommentState,
    Display,
    NewComment,
    Quote,
    Revision,
    Site,
    SitePolicy,
    Sort,
    Thread,
    ThreadState,
    VoteTarget,
)
from yoron.domain.paging import Cursor
from yoron.domain.ranking import controversy, wilson_lower_bound
from yoron.storage import queries as q
from yoron.storage.drivers import Driver, Session
from yoron.storage.moderation import SqlModeration, reasons_json
from yoron.storage.oidc import SqlOidc
from yoron.storage.rows import comment_of, site_of, thread_of, user_of
from yoron.storage.versions import NotifiedVersions

# First-page bounds for each sort: past every real key in the listing's direction.
_INT_MAX = 2**31 - 1
FIRST_PAGE: dict[Sort, tuple[float | int, int]] = {
    Sort.OLDEST: (-1, 0),
    Sort.NEWEST: (2**62, 2**62),
    Sort.TOP: (_INT_MAX, 2**62),
    Sort.BEST: (float("inf"), 2**62),
    Sort.CONTROVERSIAL: (float("inf"), 2**62),
}


def _policy_params(policy: SitePolicy) -> dict[str, Any]:
    return {
        "guest_policy": policy.guest_policy.value,
        "display": policy.display.value,
        "max_depth": policy.max_depth,
        "default_sort": policy.default_sort.value,
        "edit_window_seconds": policy.edit_window_seconds,
        "auto_create_threads": int(policy.auto_create_threads),
    }


def _quote_params(quote: Quote | None) -> dict[str, Any]:
    if quote is None:
        return {"quote_source": None, "quote_comment_id": None, "quote_verified": None}
    return {
        "quote_source": quote.source.value,
        "quote_comment_id": quote.comment_id,
        "quote_verified": int(quote.verified),
    }


class SqlSites:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def add(
        self, slug: str, name: str, origins: Sequence[str], policy: SitePolicy, api_key_hash: str, now: int
    ) -> Site:
        row = await self._s.one(
            q.insert_site,
            slug=slug,
            name=name,
            origins=json.dumps(list(origins)),
            api_key_hash=api_key_hash,
            created_at=now,
            **_policy_params(policy),
        )
        return site_of(row)

    async def by_slug(self, slug: str) -> Site | None:
        row = await self._s.one(q.site_by_slug, slug=slug)
        return None if row is None else site_of(row)

    async def by_id(self, site_id: int) -> Site | None:
        row = await self._s.one(q.site_by_id, id=site_id)
        return None if row is None else site_of(row)

    async def all(self) -> list[Site]:
        return [site_of(row) for row in await self._s.all(q.all_sites)]

    async def update(self, site_id: int, name: str, origins: Sequence[str], policy: SitePolicy) -> None:
        await self._s.run(
            q.update_site, id=site_id, name=name, origins=json.dumps(list(origins)), **_policy_params(policy)
        )

    async def api_key_hash(self, site_id: int) -> str:
        return str(await self._s.value(q.site_api_key_hash, id=site_id) or "")

    async def sso_secrets(self, site_id: int) -> tuple[str, str]:
        row = await self._s.one(q.site_sso_secrets, id=site_id)
        return (row["sso_secret"], row["sso_secret_previous"]) if row else ("", "")

    async def set_sso_secrets(self, site_id: int, current: str, previous: str) -> None:
        await self._s.run(q.set_site_sso_secrets, id=site_id, current=current, previous=previous)

    async def remember_nonce(self, site_id: int, jti: str, expires_at: int, now: int) -> bool:
        """Record a single-use token id; False when it was seen before (a replay)."""
        await self._s.run(q.forget_old_nonces, now=now)
        return (
            await self._s.value(q.remember_nonce, site_id=site_id, jti=jti, expires_at=expires_at) is not None
        )


class SqlThreads:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def by_id(self, thread_id: int) -> Thread | None:
        row = await self._s.one(q.thread_by_id, id=thread_id)
        return None if row is None else thread_of(row)

    async def by_key(self, site_id: int, key: str) -> Thread | None:
        row = await self._s.one(q.thread_by_key, site_id=site_id, key=key)
        return None if row is None else thread_of(row)

    async def add(self, site_id: int, key: str, title: str, url: str, lead: str, now: int) -> Thread:
        """Find-or-create, safe against a concurrent creator of the same key."""
        row = await self._s.one(
            q.insert_thread, site_id=site_id, key=key, title=title, url=url, lead=lead, created_at=now
        )
        if row is None:
            row = await self._s.one(q.thread_by_key, site_id=site_id, key=key)
        return thread_of(row)

    async def versions(self, thread_id: int) -> tuple[int, int] | None:
        row = await self._s.one(q.thread_versions, id=thread_id)
        return None if row is None else (int(row["version"]), int(row["tally_version"]))

    async def _notify(self, thread_id: int) -> None:
        if self._s.dialect == "postgresql":
            await self._s.run(q.notify_thread, id=thread_id)

    async def touch_tally(self, thread_id: int) -> None:
        await self._s.run(q.touch_tally, id=thread_id)
        await self._notify(thread_id)

    async def touch(self, thread_id: int, comment_delta: int = 0) -> None:
        await self._s.run(q.touch_thread, id=thread_id, delta=comment_delta)
        await self._notify(thread_id)

    async def set_state(self, thread_id: int, state: ThreadState) -> None:
        await self._s.run(q.set_thread_state, id=thread_id, state=state.value)
        await self._notify(thread_id)

    async def counts(self, site_id: int, keys: Sequence[str]) -> dict[str, int]:
        rows = await self._s.all(q.thread_counts, site_id=site_id, keys=list(keys))
        return {row["key"]: row["comment_count"] for row in rows}


class SqlComments:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def add(self, comment: NewComment) -> int:
        listed = comment.state is CommentState.PUBLISHED
        return int(
            await self._s.value(
                q.insert_comment,
                thread_id=comment.thread_id,
                parent_id=comment.parent_id,
                root_id=comment.root_id,
                depth=comment.depth,
                owner=comment.owner,
                author_name=comment.author_name,
                name_key=comment.name_key,
                body=comment.body,
                html=comment.html,
                state=comment.state.value,
                listed=int(listed),
                ip_hash=comment.ip_hash,
                created_at=comment.created_at,
                user_id=comment.user_id,
                reasons=reasons_json(comment.reasons),
                **_quote_params(comment.quote),
            )
        )

    async def get(self, comment_id: int) -> Comment | None:
        row = await self._s.one(q.comment_by_id, id=comment_id)
        return None if row is None else comment_of(row)

    async def page(
        self, thread_id: int, sort: Sort, display: Display, after: Cursor | None, limit: int
    ) -> list[Comment]:
        key, after_id = (after.key, after.id) if after else FIRST_PAGE[sort]
        if sort in (Sort.BEST, Sort.CONTROVERSIAL):
            key = float(key)
        rows = await self._s.all(
            q.LISTINGS[sort, display], thread_id=thread_id, key=key, after_id=after_id, limit=limit
        )
        return [comment_of(row) for row in rows]

    async def replies(self, root_ids: Sequence[int]) -> list[Comment]:
        if not root_ids:
            return []
        rows = await self._s.all(q.replies_of_roots, root_ids=list(root_ids))
        return [comment_of(row) for row in rows]

    async def participants(self, thread_id: int, name_keys: Sequence[str]) -> dict[str, int]:
        if not name_keys:
            return {}
        rows = await self._s.all(q.participants, thread_id=thread_id, keys=list(name_keys))
        return {row["name_key"]: row["id"] for row in rows}

    async def update_body(self, comment_id: int, body: str, html: str, quote: Quote | None, now: int) -> None:
        await self._s.run(
            q.update_comment_body, id=comment_id, body=body, html=html, now=now, **_quote_params(quote)
        )

    async def add_revision(self, comment_id: int, revision: Revision) -> None:
        await self._s.run(
            q.insert_revision,
            comment_id=comment_id,
            body=revision.body,
            html=revision.html,
            written_at=revision.written_at,
        )

    async def revisions(self, comment_id: int) -> list[Revision]:
        rows = await self._s.all(q.revisions_of, comment_id=comment_id)
        return [Revision(row["body"], row["html"], row["written_at"]) for row in rows]

    async def set_state(self, comment_id: int, state: CommentState, listed: bool, blank: bool) -> None:
        await self._s.run(q.set_comment_state, id=comment_id, state=state.value, listed=int(listed))
        if blank:
            await self._s.run(q.blank_comment, id=comment_id)

    async def add_replies(self, comment_id: int, delta: int) -> None:
        await self._s.run(q.add_replies, id=comment_id, delta=delta)

    async def vote_target(self, comment_id: int) -> VoteTarget | None:
        row = await self._s.one(q.vote_target, id=comment_id)
        if row is None:
            return None
        return VoteTarget(
            row["id"],
            row["thread_id"],
            row["site_id"],
            row["owner"],
            CommentState(row["state"]),
            ThreadState(row["thread_state"]),
            row["up"],
            row["down"],
        )

    async def set_tally(self, comment_id: int, up: int, down: int) -> None:
        await self._s.run(
            q.set_tally,
            id=comment_id,
            up=up,
            down=down,
            score=up - down,
            best=wilson_lower_bound(up, down),
            controversy=controversy(up, down),
        )

    async def held_for_owner(self, thread_id: int, owner: str) -> list[Comment]:
        rows = await self._s.all(q.held_for_owner, thread_id=thread_id, owner=owner)
        return [comment_of(row) for row in rows]

    async def editable(self, thread_id: int, owner: str, since: int) -> dict[int, int]:
        rows = await self._s.all(q.editable_comments, thread_id=thread_id, owner=owner, since=since)
        return {row["id"]: row["created_at"] for row in rows}

    async def anonymise(self, comment_id: int, author_name: str) -> None:
        await self._s.run(q.anonymise_comment, id=comment_id, author_name=author_name)

    async def drop_revisions(self, comment_id: int) -> None:
        await self._s.run(q.delete_revisions, comment_id=comment_id)


class SqlVotes:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def get(self, comment_id: int, voter: str) -> int:
        value = await self._s.value(q.get_vote, comment_id=comment_id, voter=voter)
        return int(value or 0)

    async def put(self, comment_id: int, voter: str, thread_id: int, value: int, now: int) -> None:
        await self._s.run(
            q.put_vote, comment_id=comment_id, voter=voter, thread_id=thread_id, value=value, now=now
        )

    async def for_viewer(self, thread_id: int, voter: str) -> dict[int, int]:
        rows = await self._s.all(q.votes_of_viewer, thread_id=thread_id, voter=voter)
        return {row["comment_id"]: row["value"] for row in rows}

    async def totals(self, comment_id: int) -> tuple[int, int]:
        row = await self._s.one(q.vote_totals, comment_id=comment_id)
        return (int(row["up"]), int(row["down"])) if row else (0, 0)

    async def voted_on(self, voter: str) -> list[int]:
        return [row["comment_id"] for row in await self._s.all(q.voted_comments, voter=voter)]

    async def drop(self, comment_id: int, voter: str) -> None:
        await self._s.run(q.delete_vote, comment_id=comment_id, voter=voter)


class SqlUsers:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def add(self, user: NewUser) -> User:
        row = await self._s.one(
            q.insert_user,
            site_id=user.site_id,
            email=user.email,
            password_hash=user.password_hash,
            display_name=user.display_name,
            name_key=user.name_key,
            role=user.role.value,
            sso_subject=user.sso_subject,
            avatar_url=user.avatar_url,
            badges=json.dumps(list(user.badges)),
            created_at=user.created_at,
        )
        return user_of(row)

    async def by_id(self, user_id: int) -> User | None:
        row = await self._s.one(q.user_by_id, id=user_id)
        return None if row is None else user_of(row)

    async def by_email(self, site_id: int | None, email: str) -> tuple[User, str] | None:
        row = await self._s.one(q.user_by_email, site_id=site_id, email=email)
        return None if row is None else (user_of(row), row["password_hash"] or "")

    async def by_name_key(self, site_id: int | None, name_key: str) -> User | None:
        row = await self._s.one(q.user_by_name_key, site_id=site_id, name_key=name_key)
        return None if row is None else user_of(row)

    async def comments_of(
        self, user_id: int, before: tuple[int, int] | None, limit: int
    ) -> list[ProfileComment]:
        before_at, before_id = before or (2**62, 2**62)
        rows = await self._s.all(
            q.user_comments, user_id=user_id, before=before_at, before_id=before_id, limit=limit
        )
        return [
            ProfileComment(
                row["id"],
                row["thread_id"],
                row["thread_title"],
                row["thread_url"],
                row["html"],
                row["up"],
                row["down"],
                row["created_at"],
            )
            for row in rows
        ]

    async def claim_device(self, user: User, device_key: str, since: int) -> int:
        rows = await self._s.all(
            q.claim_device_comments, user_key=user.key, user_id=user.id, device_key=device_key, since=since
        )
        return len(rows)

    async def export(self, user: User) -> dict[str, list[dict[str, Any]]]:
        """Everything stored under this account: its comments (any state, with their source) and votes."""
        comments = await self._s.all(q.comments_for_export, user_id=user.id)
        votes = await self._s.all(q.votes_for_export, voter=user.key)
        return {"comments": [dict(row) for row in comments], "votes": [dict(row) for row in votes]}

    async def set_status(self, user_id: int, status: UserStatus) -> None:
        await self._s.run(q.set_user_status, id=user_id, status=status.value)

    async def by_sso(self, site_id: int, subject: str) -> User | None:
        row = await self._s.one(q.user_by_sso, site_id=site_id, subject=subject)
        return None if row is None else user_of(row)

    async def update_profile(self, user_id: int, profile: NewUser) -> None:
        await self._s.run(
            q.update_user_profile,
            id=user_id,
            display_name=profile.display_name,
            name_key=profile.name_key,
            email=profile.email,
            avatar_url=profile.avatar_url,
            badges=json.dumps(list(profile.badges)),
            role=profile.role.value,
        )

    async def set_role(self, user_id: int, role: Role) -> None:
        await self._s.run(q.set_user_role, id=user_id, role=role.value)

    async def set_password(self, user_id: int, password_hash: str) -> None:
        await self._s.run(q.set_user_password, id=user_id, password_hash=password_hash)

    async def mark_verified(self, user_id: int, now: int) -> None:
        await self._s.run(q.mark_user_verified, id=user_id, now=now)

    async def add_session(self, token_hash: str, user_id: int, now: int, expires_at: int) -> None:
        await self._s.run(
            q.insert_session, token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )

    async def session_user(self, token_hash: str, now: int) -> User | None:
        row = await self._s.one(q.session_user, token_hash=token_hash, now=now)
        return None if row is None else user_of(row)

    async def drop_session(self, token_hash: str) -> None:
        await self._s.run(q.delete_session, token_hash=token_hash)

    async def drop_sessions(self, user_id: int) -> None:
        await self._s.run(q.delete_user_sessions, user_id=user_id)

    async def add_email_token(self, token_hash: str, user_id: int, purpose: str, expires_at: int) -> None:
        await self._s.run(
            q.insert_email_token,
            token_hash=token_hash,
            user_id=user_id,
            purpose=purpose,
            expires_at=expires_at,
        )

    async def use_email_token(self, token_hash: str, purpose: str, now: int) -> int | None:
        value = await self._s.value(q.use_email_token, token_hash=token_hash, purpose=purpose, now=now)
        return None if value is None else int(value)

    async def password_hash(self, user_id: int) -> str:
        return str(await self._s.value(q.user_password_hash, id=user_id) or "")

    async def comment_sites(self, user_id: int) -> list[tuple[int, int]]:
        rows = await self._s.all(q.account_comments, user_id=user_id)
        return [(row["id"], row["site_id"]) for row in rows]

    async def delete(self, user: User) -> None:
        await self._s.run(q.delete_user, id=user.id)
        await self._s.run(q.delete_subject_sanctions, subject=user.key)
        await self._s.run(q.delete_subject_notes, subject=user.key)

    async def of_site(self, site_id: int, search: str | None, before: int | None, limit: int) -> list[User]:
        # LIKE's own characters in the search stand for themselves.
        escaped = (search or "").lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = await self._s.all(
            q.site_users,
            site_id=site_id,
            search=f"%{escaped}%" if search else None,
            before=before or 2**62,
            limit=limit,
        )
        return [user_of(row) for row in rows]


class SqlTx:
    """The repositories bound to one session."""

    __slots__ = ("comments", "moderation", "oidc", "session", "sites", "threads", "users", "votes")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.moderation = SqlModeration(session)
        self.sites = SqlSites(session)
        self.threads = SqlThreads(session)
        self.comments = SqlComments(session)
        self.votes = SqlVotes(session)
        self.users = SqlUsers(session)
        self.oidc = SqlOidc(session)


class _Ready:
    """An async context manager that hands out a ready object: no generator, no allocation."""

    __slots__ = ("_value",)

    def __init__(self, value: SqlTx) -> None:
        self._value = value

    async def __aenter__(self) -> SqlTx:
        return self._value

    async def __aexit__(self, *exc: object) -> None:
        return None


class SqlDatabase:
    """The ``Database`` port over either driver."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
        self.dialect = driver.dialect
        # SQLite reads use one long-lived session: bind the repositories to it once,
        # since a page read is a handful of microseconds of SQL.
        reader = getattr(driver, "read_session", None)
        self._sqlite_read = _Ready(SqlTx(reader)) if reader is not None else None
        self._notified: NotifiedVersions | None = None

    def read(self) -> AbstractAsyncContextManager[SqlTx]:
        return self._sqlite_read or self._pooled_read()

    @asynccontextmanager
    async def _pooled_read(self) -> AsyncIterator[SqlTx]:
        async with self.driver.read() as session:
            yield SqlTx(session)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        async with self.driver.write() as session:
            yield SqlTx(session)

    async def thread_versions(self, thread_id: int) -> tuple[int, int] | None:
        """A thread's (version, tally version): remembered between notifications on PostgreSQL."""
        if self._notified is not None:
            return await self._notified.get(thread_id)
        return await self._read_versions(thread_id)

    async def _read_versions(self, thread_id: int) -> tuple[int, int] | None:
        async with self.read() as tx:
            return await tx.threads.versions(thread_id)

    async def listen_for_changes(self, dsn: str) -> None:
        self._notified = NotifiedVersions(dsn, self._read_versions)
        await self._notified.start()

    async def ping(self) -> bool:
        async with self.driver.read() as session:
            return bool(await session.value(q.ping))

    async def instance_secret(self, candidate: str) -> str:
        """The secret stored in the database, created from ``candidate`` on first use."""
        async with self.driver.write() as session:
            await session.run(q.put_meta, key="instance_secret", value=candidate)
            return str(await session.value(q.get_meta, key="instance_secret"))

    async def close(self) -> None:
        if self._notified is not None:
            await self._notified.close()
        await self.driver.close()


async def open_database(database_url: str, **options: Any) -> SqlDatabase:
    """Open the database a URL names; ``options`` are the driver's tuning settings."""
    from yoron.storage.drivers import PgDriver, SqliteDriver, asyncpg_dsn

    if database_url.startswith("sqlite:///"):
        path = database_url.split(":///", 1)[1]
        return SqlDatabase(
            SqliteDriver(
                path,
                synchronous=options.get("sqlite_synchronous", "FULL"),
                busy_timeout_ms=options.get("sqlite_busy_timeout_ms", 5000),
            )
        )
    driver = await PgDriver.connect(
        database_url, min_size=options.get("pg_pool_min", 2), max_size=options.get("pg_pool_max", 10)
    )
    database = SqlDatabase(driver)
    if options.get("listen"):
        await database.listen_for_changes(asyncpg_dsn(database_url))
    return database
