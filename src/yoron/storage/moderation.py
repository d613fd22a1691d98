"""The moderation repository: policies, thread controls, verdicts, reports, sanctions, notes, audit log."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from yoron.domain.model import Comment, CommentState
from yoron.domain.moderation import (
    AuditEntry,
    History,
    ModerationPolicy,
    Note,
    QueueFilter,
    QueueItem,
    Reason,
    Report,
    ReportReason,
    Sanction,
    SanctionKind,
    Standing,
)
from yoron.storage import queries as q
from yoron.storage.drivers import Row, Session
from yoron.storage.rows import comment_of, policy_json, reasons_json, reasons_of

__all__ = ["SqlModeration", "reasons_json"]


def _sanction(row: Row) -> Sanction:
    return Sanction(
        id=row["id"],
        site_id=row["site_id"],
        subject=row["subject"],
        kind=SanctionKind(row["kind"]),
        reason=row["reason"],
        until=row["until"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        acknowledged_at=row["acknowledged_at"],
        lifted_at=row["lifted_at"],
    )


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlModeration:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def set_policy(self, site_id: int, policy: ModerationPolicy) -> None:
        await self._s.run(q.set_site_moderation, id=site_id, moderation=policy_json(policy))

    async def set_thread_controls(self, thread_id: int, premoderated: bool, notice: str) -> None:
        await self._s.run(q.set_thread_controls, id=thread_id, premoderated=int(premoderated), notice=notice)

    async def decide(self, comment_id: int, state: CommentState, listed: bool, now: int) -> None:
        """A moderator's decision: the new state, and the comment's reports count as dealt with."""
        await self._s.run(q.moderate_comment, id=comment_id, state=state.value, listed=int(listed), now=now)

    async def hold(self, comment_id: int, state: CommentState, reasons: tuple[Reason, ...]) -> None:
        await self._s.run(
            q.set_comment_reasons, id=comment_id, state=state.value, reasons=reasons_json(reasons)
        )

    async def set_featured(self, comment_id: int, featured: bool) -> None:
        await self._s.run(q.feature_comment, id=comment_id, featured=int(featured))

    async def featured(self, thread_id: int, before: int | None, limit: int) -> list[Comment]:
        rows = await self._s.all(
            q.featured_comments, thread_id=thread_id, before=before or 2**62, limit=limit
        )
        return [comment_of(row) for row in rows]

    async def add_report(
        self, comment_id: int, reporter: str, reason: ReportReason, note: str, now: int
    ) -> int:
        """Record a report; the comment's count of distinct reporters, or 0 if this one reported before."""
        added = await self._s.value(
            q.insert_report, comment_id=comment_id, reporter=reporter, reason=reason.value, note=note, now=now
        )
        if added is None:
            return 0
        return int(await self._s.value(q.count_report, id=comment_id))

    async def reports(self, comment_ids: Sequence[int]) -> dict[int, list[Report]]:
        found: dict[int, list[Report]] = {}
        if not comment_ids:
            return found
        for row in await self._s.all(q.reports_of, ids=list(comment_ids)):
            found.setdefault(row["comment_id"], []).append(
                Report(row["reporter"], ReportReason(row["reason"]), row["note"], row["created_at"])
            )
        return found

    async def queue(
        self, site_id: int, where: QueueFilter, after_id: int | None, limit: int
    ) -> list[QueueItem]:
        first = 2**62 if where.newest_first else 0
        rows = await self._s.all(
            q.QUEUES[where.queue.value, where.newest_first],
            site_id=site_id,
            thread_id=where.thread_id,
            owner=where.owner,
            search=_like(where.search) if where.search else None,
            reason=where.reason,
            reason_like=f'%"code":{json.dumps(where.reason)}%' if where.reason else None,
            after_id=first if after_id is None else after_id,
            limit=limit,
        )
        reports = await self.reports([row["id"] for row in rows])
        records = await self._records(site_id, sorted({row["owner"] for row in rows}))
        return [
            QueueItem(
                comment_of(row),
                row["thread_title"],
                row["thread_url"],
                row["parent_html"],
                tuple(reports.get(row["id"], ())),
                records.get(row["owner"], {}),
            )
            for row in rows
        ]

    async def _records(self, site_id: int, owners: list[str]) -> dict[str, dict[str, int]]:
        """Each author's comments by state, for a whole page of the queue in one read."""
        found: dict[str, dict[str, int]] = {}
        if owners:
            for row in await self._s.all(q.owners_records, site_id=site_id, owners=owners):
                found.setdefault(row["owner"], {})[row["state"]] = int(row["n"])
        return found

    async def counts(self, site_id: int) -> dict[str, int]:
        row = await self._s.one(q.queue_counts, site_id=site_id)
        return {"pending": int(row["pending"] or 0), "reported": int(row["reported"] or 0)} if row else {}

    async def standing(self, site_id: int, subject: str, since: int, approved_cap: int) -> Standing:
        """What the pipeline needs to know of a writer; approvals are counted only up to ``approved_cap``,
        so a prolific writer's history costs no more than a new one's."""
        if not subject:
            return Standing()
        approved = 0
        if approved_cap:
            approved = int(
                await self._s.value(q.owner_approved, site_id=site_id, owner=subject, cap=approved_cap)
            )
        bodies = await self._s.all(q.owner_recent_bodies, owner=subject, since=since)
        return Standing(
            sanctions=tuple(await self.sanctions(site_id, subject)),
            approved=approved,
            recent_bodies=tuple(row["body"] for row in bodies),
        )

    async def history(self, site_id: int, subject: str) -> History:
        record = {
            row["state"]: row for row in await self._s.all(q.owner_record, site_id=site_id, owner=subject)
        }
        reasons: Counter[str] = Counter()
        for row in await self._s.all(q.owner_reasons, site_id=site_id, owner=subject):
            reasons.update(reason.code for reason in reasons_of(row["reasons"]))
        firsts = [row["first_seen"] for row in record.values()]

        def count(state: CommentState) -> int:
            return int(record[state.value]["n"]) if state.value in record else 0

        return History(
            subject=subject,
            published=count(CommentState.PUBLISHED),
            pending=count(CommentState.PENDING),
            rejected=count(CommentState.REJECTED),
            reported=sum(int(row["reported"] or 0) for row in record.values()),
            first_seen=min(firsts) if firsts else None,
            sanctions=tuple(await self.sanctions(site_id, subject)),
            notes=tuple(await self.notes(site_id, subject)),
            reasons=dict(reasons),
        )

    async def open_comments(self, site_id: int, subject: str) -> list[int]:
        rows = await self._s.all(q.owner_open_comments, site_id=site_id, owner=subject)
        return [row["id"] for row in rows]

    async def add_sanction(
        self,
        site_id: int,
        subject: str,
        kind: SanctionKind,
        reason: str,
        until: int | None,
        created_by: str,
        now: int,
    ) -> Sanction:
        row = await self._s.one(
            q.insert_sanction,
            site_id=site_id,
            subject=subject,
            kind=kind.value,
            reason=reason,
            until=until,
            created_by=created_by,
            now=now,
        )
        return _sanction(row)

    async def sanctions(self, site_id: int, subject: str) -> list[Sanction]:
        return [_sanction(row) for row in await self._s.all(q.sanctions_of, site_id=site_id, subject=subject)]

    async def lift(self, site_id: int, subject: str, kind: SanctionKind, now: int) -> None:
        await self._s.run(q.lift_sanctions, site_id=site_id, subject=subject, kind=kind.value, now=now)

    async def acknowledge(self, site_id: int, subject: str, now: int) -> int:
        return len(await self._s.all(q.acknowledge_warnings, site_id=site_id, subject=subject, now=now))

    async def add_note(self, site_id: int, subject: str, author: str, body: str, now: int) -> None:
        await self._s.run(q.insert_note, site_id=site_id, subject=subject, author=author, body=body, now=now)

    async def notes(self, site_id: int, subject: str) -> list[Note]:
        rows = await self._s.all(q.notes_of, site_id=site_id, subject=subject)
        return [
            Note(row["id"], row["subject"], row["author"], row["body"], row["created_at"]) for row in rows
        ]

    async def audit(
        self,
        site_id: int | None,
        actor: str,
        action: str,
        target: str,
        reason: str,
        details: dict[str, object],
        now: int,
    ) -> None:
        await self._s.run(
            q.insert_audit,
            site_id=site_id,
            actor=actor,
            action=action,
            target=target,
            reason=reason,
            details=json.dumps(details, separators=(",", ":")),
            now=now,
        )

    async def audit_log(self, site_id: int, before: int | None, limit: int) -> list[AuditEntry]:
        rows = await self._s.all(q.audit_page, site_id=site_id, before=before or 2**62, limit=limit)
        return [
            AuditEntry(
                row["id"],
                row["site_id"],
                row["actor"],
                row["action"],
                row["target"],
                row["reason"],
                json.loads(row["details"]),
                row["created_at"],
            )
            for row in rows
        ]
