"""Rows into domain objects: one mapping per entity, shared by every repository."""

from __future__ import annotations

import json

import msgspec

from yoron.domain.accounts import GuestPolicy, Role, User, UserStatus
from yoron.domain.model import (
    Comment,
    CommentState,
    Display,
    Quote,
    QuoteSource,
    Site,
    SitePolicy,
    Sort,
    Thread,
    ThreadState,
)
from yoron.domain.moderation import ModerationPolicy, Reason
from yoron.storage.drivers import Row

_NO_REASONS: tuple[Reason, ...] = ()


def policy_of(text: str) -> ModerationPolicy:
    """A site's moderation settings; settings it never stored take their defaults."""
    return msgspec.json.decode(text, type=ModerationPolicy)


def policy_json(policy: ModerationPolicy) -> str:
    return msgspec.json.encode(policy).decode()


def reasons_of(text: str) -> tuple[Reason, ...]:
    # Most comments have none: skip the decoder on the listing's hot path.
    if text == "[]":
        return _NO_REASONS
    return msgspec.json.decode(text, type=tuple[Reason, ...])


def reasons_json(reasons: tuple[Reason, ...]) -> str:
    return msgspec.json.encode(reasons).decode() if reasons else "[]"


def site_of(row: Row) -> Site:
    policy = SitePolicy(
        guest_policy=GuestPolicy(row["guest_policy"]),
        display=Display(row["display"]),
        max_depth=row["max_depth"],
        default_sort=Sort(row["default_sort"]),
        edit_window_seconds=row["edit_window_seconds"],
        auto_create_threads=bool(row["auto_create_threads"]),
    )
    return Site(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        origins=tuple(json.loads(row["origins"])),
        policy=policy,
        created_at=row["created_at"],
        moderation=policy_of(row["moderation"]),
    )


def thread_of(row: Row) -> Thread:
    return Thread(
        id=row["id"],
        site_id=row["site_id"],
        key=row["key"],
        title=row["title"],
        url=row["url"],
        lead=row["lead"],
        state=ThreadState(row["state"]),
        comment_count=row["comment_count"],
        version=row["version"],
        created_at=row["created_at"],
        premoderated=bool(row["premoderated"]),
        notice=row["notice"],
    )


def comment_of(row: Row) -> Comment:
    source = row["quote_source"]
    quote = (
        Quote(QuoteSource(source), row["quote_comment_id"], bool(row["quote_verified"])) if source else None
    )
    parent_name = row["parent_name"] if row["parent_state"] == "published" else None
    return Comment(
        id=row["id"],
        thread_id=row["thread_id"],
        parent_id=row["parent_id"],
        root_id=row["root_id"] or row["id"],
        depth=row["depth"],
        owner=row["owner"],
        author_name=row["author_name"],
        body=row["body"],
        html=row["html"],
        state=CommentState(row["state"]),
        up=row["up"],
        down=row["down"],
        reply_count=row["reply_count"],
        created_at=row["created_at"],
        edited_at=row["edited_at"],
        quote=quote,
        in_reply_to=parent_name,
        best=row["best"],
        controversy=row["controversy"],
        user_id=row["user_id"],
        featured=bool(row["featured"]),
        report_count=row["report_count"],
        reasons=reasons_of(row["reasons"]),
    )


def user_of(row: Row) -> User:
    return User(
        id=row["id"],
        site_id=row["site_id"],
        email=row["email"],
        email_verified=row["email_verified_at"] is not None,
        display_name=row["display_name"],
        role=Role(row["role"]),
        status=UserStatus(row["status"]),
        created_at=row["created_at"],
        avatar_url=row["avatar_url"],
        badges=tuple(json.loads(row["badges"])),
    )
