"""The moderation pipeline, reports, decisions and sanctions, through the services, on both databases."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import Clock
from tests.factories import make_comment, make_site, make_thread, viewer
from tests.servers import free_port
from yoron.domain.accounts import Role, UserStatus
from yoron.domain.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from yoron.domain.model import CommentState, Site, Thread, ThreadState, Viewer
from yoron.domain.moderation import (
    Decide,
    ModerationPolicy,
    Outcome,
    Queue,
    QueueFilter,
    SanctionKind,
)
from yoron.services import accounts, comments, listing, moderation, profiles, threads
from yoron.services.context import Context
from yoron.services.moderation import Moderator
from yoron.services.pipeline import Pipeline
from yoron.storage.ratelimit import LimitsRateLimiter

PASSWORD = "correct horse battery"
POLICY = ModerationPolicy(
    banned_words=("scumbag", "idiot*"),
    suspect_words=("liar",),
    hold_new_commenters=2,
    report_threshold=2,
)


async def _site(ctx: Context, policy: ModerationPolicy = POLICY) -> Site:
    site = await make_site(ctx)
    return await moderation.do_set_policy(ctx, site.slug, policy, "test")


async def _moderator(ctx: Context, site: Site) -> Moderator:
    user = await accounts.do_add_user(
        ctx, site.slug, "mod@example.org", "Desk Person", PASSWORD, Role.MODERATOR
    )
    return Moderator(user, site)


async def _page(ctx: Context, thread_id: int) -> listing.Page:
    return await listing.list_comments(ctx, thread_id, sort=None, cursor=None, limit=None)


async def _held(ctx: Context, moderator: Moderator) -> list[int]:
    items = await moderation.queue(ctx, moderator, QueueFilter(Queue.PENDING), None, 100)
    return [item.comment.id for item in items]


async def _audit_actions(ctx: Context, moderator: Moderator) -> list[str]:
    return [entry.action for entry in await moderation.audit_log(ctx, moderator, None, 500)]


async def _approved_writer(ctx: Context, moderator: Moderator, thread: Thread, writer: Viewer) -> None:
    """Two approved comments: past the new-commenter hold."""
    for n in range(2):
        held = await make_comment(ctx, thread, f"Early comment number {n}.", by=writer)
        assert held.state is CommentState.PENDING
        await moderation.do_decide(ctx, moderator, [held.id], Decide.APPROVE, None)


async def test_the_site_from_the_issue_holds_new_commenters_suspects_and_rejects_banned(ctx: Context) -> None:
    site = await _site(ctx)
    thread = await make_thread(ctx, site)
    moderator = await _moderator(ctx, site)
    writer = viewer("newcomer")

    first = await make_comment(ctx, thread, "A fair point about the bridge.", by=writer)
    assert first.state is CommentState.PENDING
    assert [r.code for r in first.reasons] == ["new_commenter"]
    await moderation.do_decide(ctx, moderator, [first.id], Decide.APPROVE, "fine")
    second = await make_comment(ctx, thread, "Another thought on the bridge.", by=writer)
    assert second.state is CommentState.PENDING
    await moderation.do_decide(ctx, moderator, [second.id], Decide.APPROVE, None)
    third = await make_comment(ctx, thread, "Now I am trusted.", by=writer)
    assert third.state is CommentState.PUBLISHED and third.reasons == ()

    with pytest.raises(Invalid) as banned:
        await make_comment(ctx, thread, "The mayor is a SCUMBAG.", by=writer)
    assert banned.value.code == "banned_word" and "rephrase" in banned.value.message
    with pytest.raises(Invalid):
        await make_comment(ctx, thread, "What i\u200bdiots run this city.", by=writer)

    suspect = await make_comment(ctx, thread, "The minister is a l1ar.", by=writer)
    assert suspect.state is CommentState.PENDING
    assert [(r.code, r.detail) for r in suspect.reasons] == [("suspect_word", "liar")]

    page = await _page(ctx, thread.id)
    assert [c.id for c in page.items] == [first.id, second.id, third.id]
    assert (await _page(ctx, thread.id)).thread.comment_count == 3
    assert set(await _held(ctx, moderator)) == {suspect.id}
    [item] = await moderation.queue(ctx, moderator, QueueFilter(Queue.PENDING), None, 10)
    assert item.author_record == {"published": 3, "pending": 1}
    actions = await _audit_actions(ctx, moderator)
    assert actions.count("comment.rejected") == 2 and actions.count("comment.approve") == 2


async def test_links_repeats_length_and_closed_threads(ctx: Context, clock: Clock) -> None:
    policy = dataclasses.replace(POLICY, hold_new_commenters=0, max_links=2, min_length=5, auto_close_days=3)
    site = await _site(ctx, policy)
    thread = await make_thread(ctx, site)
    writer = viewer("linker")
    many = "See https://a.example and https://b.example and www.c.example for more."
    assert (await make_comment(ctx, thread, many, by=writer)).reasons[0].code == "too_many_links"
    only = await make_comment(ctx, thread, "https://spam.example/buy", by=writer)
    assert only.state is CommentState.PENDING and only.reasons[0].code == "link_only"
    fine = await make_comment(ctx, thread, "One link is fine: https://news.example/x", by=writer)
    assert fine.state is CommentState.PUBLISHED
    with pytest.raises(Invalid) as repeated:
        await make_comment(ctx, thread, "one LINK is fine:   https://news.example/x", by=writer)
    assert repeated.value.code == "repeated"
    with pytest.raises(Invalid) as short:
        await make_comment(ctx, thread, "ok", by=writer)
    assert short.value.code == "too_short"
    clock.advance(11 * 60)
    assert (await make_comment(ctx, thread, "One link is fine: https://news.example/x", by=writer)).id
    clock.advance(3 * 86_400)
    with pytest.raises(Conflict) as closed:
        await make_comment(ctx, thread, "Too late to the party.", by=writer)
    assert closed.value.code == "thread_closed"
    assert (await threads.get_thread_by_key(ctx, site.slug, thread.key)).state is ThreadState.CLOSED
    assert (await _page(ctx, thread.id)).thread.state is ThreadState.CLOSED


async def test_sanctions_ban_suspend_warn_premoderate_and_shadow(ctx: Context, clock: Clock) -> None:
    site = await _site(ctx, dataclasses.replace(POLICY, hold_new_commenters=0))
    thread = await make_thread(ctx, site)
    moderator = await _moderator(ctx, site)
    troll, key = viewer("troll"), "d:troll"
    before = await make_comment(ctx, thread, "My first words.", by=troll)
    await make_comment(ctx, thread, "A reply to myself.", by=troll, parent=before)

    await moderation.do_sanction(ctx, moderator, key, SanctionKind.WARN, "mind your tone")
    with pytest.raises(Forbidden) as warned:
        await make_comment(ctx, thread, "Warned but posting.", by=troll)
    assert warned.value.code == "warned" and "mind your tone" in warned.value.message
    assert await moderation.do_acknowledge(ctx, troll, site.slug) == 1
    assert (await make_comment(ctx, thread, "I read the warning.", by=troll)).state is CommentState.PUBLISHED

    with pytest.raises(Invalid):
        await moderation.do_sanction(ctx, moderator, key, SanctionKind.SUSPEND, "cool off")
    await moderation.do_sanction(ctx, moderator, key, SanctionKind.SUSPEND, "cool off", clock.now + 3_600_000)
    with pytest.raises(Forbidden) as suspended:
        await make_comment(ctx, thread, "Suspended but posting.", by=troll)
    assert suspended.value.code == "suspended" and "until" in suspended.value.message
    clock.advance(3_601)
    assert (
        await make_comment(ctx, thread, "Back after the pause.", by=troll)
    ).state is CommentState.PUBLISHED

    await moderation.do_sanction(ctx, moderator, key, SanctionKind.PREMODERATE, "watch")
    held = await make_comment(ctx, thread, "Held for review.", by=troll)
    assert [r.code for r in held.reasons] == ["user_premoderated"]
    await moderation.do_lift(ctx, moderator, key, SanctionKind.PREMODERATE, "better now")

    await moderation.do_sanction(ctx, moderator, key, SanctionKind.SHADOW_BAN, "quietly")
    shadow = await make_comment(ctx, thread, "Nobody will see this.", by=troll)
    assert shadow.state is CommentState.SHADOW
    assert shadow.id not in [c.id for c in (await _page(ctx, thread.id)).items]
    assert shadow.id in [c.id for c in (await listing.viewer_state(ctx, thread.id, troll)).held]
    assert (await listing.viewer_state(ctx, thread.id, viewer("other"))).held == []
    await moderation.do_lift(ctx, moderator, key, SanctionKind.SHADOW_BAN, None)

    published_before = (await _page(ctx, thread.id)).thread.comment_count
    _ban, rejected = await moderation.do_sanction(
        ctx, moderator, key, SanctionKind.BAN, "enough", reject_comments=True
    )
    assert rejected == 6
    with pytest.raises(Forbidden) as banned:
        await make_comment(ctx, thread, "Banned but posting.", by=troll)
    assert banned.value.code == "banned"
    page = await _page(ctx, thread.id)
    assert page.thread.comment_count == published_before - 4
    tombstone = next(c for c in page.items if c.id == before.id)
    assert tombstone.state is CommentState.REJECTED  # it has a reply: kept as a tombstone
    history = await moderation.history(ctx, moderator, key)
    assert history.rejected == 6 and [s.kind for s in history.sanctions][-1] is SanctionKind.BAN
    with pytest.raises(Forbidden):
        await moderation.do_sanction(ctx, moderator, f"u:{moderator.user.id}", SanctionKind.BAN, "me")
    with pytest.raises(Invalid):
        await moderation.do_sanction(ctx, moderator, "nobody", SanctionKind.BAN, "bad subject")


async def test_reports_hold_a_comment_at_the_threshold_of_distinct_readers(ctx: Context) -> None:
    site = await _site(ctx, dataclasses.replace(POLICY, hold_new_commenters=0))
    thread = await make_thread(ctx, site)
    moderator = await _moderator(ctx, site)
    author = viewer("author")
    target = await make_comment(ctx, thread, "A contested claim.", by=author)
    with pytest.raises(Forbidden):
        await moderation.do_report(ctx, author, target.id, "spam", None)
    with pytest.raises(Invalid):
        await moderation.do_report(ctx, viewer(), target.id, "boring", None)
    with pytest.raises(NotFound):
        await moderation.do_report(ctx, viewer(), 999_999, "spam", None)
    first = viewer("first")
    assert await moderation.do_report(ctx, first, target.id, "abuse", "rude") == (1, False)
    assert await moderation.do_report(ctx, first, target.id, "abuse", "again") == (0, False)
    reported = await moderation.queue(ctx, moderator, QueueFilter(Queue.REPORTED), None, 10)
    assert [i.comment.id for i in reported] == [target.id]
    assert [(r.reason.value, r.note) for r in reported[0].reports] == [("abuse", "rude")]
    assert await moderation.do_report(ctx, viewer("second"), target.id, "misinformation", None) == (2, True)
    assert await _held(ctx, moderator) == [target.id]
    assert (await _page(ctx, thread.id)).thread.comment_count == 0
    by_reason = QueueFilter(Queue.PENDING, reason="misinformation")
    assert [i.comment.id for i in await moderation.queue(ctx, moderator, by_reason, None, 10)] == [target.id]
    await moderation.do_decide(ctx, moderator, [target.id], Decide.APPROVE, "it checks out")
    assert (await _page(ctx, thread.id)).thread.comment_count == 1
    assert await moderation.counts(ctx, moderator) == {"pending": 0, "reported": 0}


async def test_bulk_decisions_are_all_or_nothing_and_audited(ctx: Context) -> None:
    site = await _site(ctx, dataclasses.replace(POLICY, hold_new_commenters=0, premoderate_all=True))
    thread = await make_thread(ctx, site)
    moderator = await _moderator(ctx, site)
    held = [await make_comment(ctx, thread, f"Held comment {n}.") for n in range(5)]
    ids = [c.id for c in held]
    with pytest.raises(NotFound):
        await moderation.do_decide(ctx, moderator, [*ids, 999_999], Decide.APPROVE, None)
    assert sorted(await _held(ctx, moderator)) == ids
    with pytest.raises(Invalid):
        await moderation.do_decide(ctx, moderator, [], Decide.APPROVE, None)
    await moderation.do_decide(ctx, moderator, ids[:3], Decide.APPROVE, None)
    await moderation.do_decide(ctx, moderator, ids[3:], Decide.REJECT, "off topic")
    with pytest.raises(Conflict):
        await moderation.do_decide(ctx, moderator, ids[3:4], Decide.FEATURE, None)
    await moderation.do_decide(ctx, moderator, ids[:1], Decide.FEATURE, None)
    assert [c.id for c in await moderation.featured(ctx, thread.id)] == ids[:1]
    assert (await _page(ctx, thread.id)).thread.comment_count == 3
    actions = await _audit_actions(ctx, moderator)
    assert actions.count("comment.approve") == 3 and actions.count("comment.reject") == 2
    search = QueueFilter(Queue.ALL, search="comment 4")
    assert [i.comment.id for i in await moderation.queue(ctx, moderator, search, None, 10)] == [ids[4]]
    other = await make_site(ctx, "other")
    outsider = Moderator(moderator.user, other)
    with pytest.raises(NotFound):
        await moderation.do_decide(ctx, outsider, ids[:1], Decide.REJECT, None)


async def test_editing_passes_the_pipeline_again(ctx: Context) -> None:
    site = await _site(ctx, dataclasses.replace(POLICY, hold_new_commenters=0))
    thread = await make_thread(ctx, site)
    moderator = await _moderator(ctx, site)
    writer = viewer("editor")
    comment = await make_comment(ctx, thread, "A calm remark.", by=writer)
    with pytest.raises(Invalid):
        await comments.do_edit_comment(ctx, comment.id, writer, "A calm remark, scumbag.")
    edited = await comments.do_edit_comment(ctx, comment.id, writer, "A calm remark, liar.")
    assert edited.state is CommentState.PENDING and edited.reasons[0].code == "suspect_word"
    assert await _held(ctx, moderator) == [comment.id]
    assert (await _page(ctx, thread.id)).thread.comment_count == 0


async def test_thread_controls(ctx: Context) -> None:
    site = await _site(ctx, dataclasses.replace(POLICY, hold_new_commenters=0))
    thread = await make_thread(ctx, site)
    moderator = await _moderator(ctx, site)
    changed = await moderation.do_thread_controls(
        ctx, moderator, thread.id, premoderated=True, notice="Please stay on topic."
    )
    assert changed.premoderated and changed.notice == "Please stay on topic."
    held = await make_comment(ctx, thread, "Under watch.")
    assert [r.code for r in held.reasons] == ["thread_premoderated"]
    closed = await moderation.do_thread_controls(ctx, moderator, thread.id, state=ThreadState.CLOSED)
    assert closed.state is ThreadState.CLOSED and closed.notice == "Please stay on topic."
    with pytest.raises(Conflict):
        await make_comment(ctx, thread, "Closed now.")
    with pytest.raises(NotFound):
        await moderation.do_thread_controls(ctx, moderator, 999_999, notice="x")


async def test_rate_limits_per_writer(ctx: Context) -> None:
    limited = dataclasses.replace(
        ctx, limiter=LimitsRateLimiter({"post_writer": "3/minute", "post_network": "100/minute"})
    )
    site = await _site(limited, dataclasses.replace(POLICY, hold_new_commenters=0))
    thread = await make_thread(limited, site)
    writer = viewer("fast")
    for n in range(3):
        await make_comment(limited, thread, f"Quick thought {n}.", by=writer)
    with pytest.raises(TooMany) as flood:
        await make_comment(limited, thread, "One more quick thought.", by=writer)
    assert flood.value.code == "rate_limited"
    assert (await make_comment(limited, thread, "Someone else.", by=viewer("calm"))).id


async def test_the_nudge_asks_once_then_holds(ctx: Context) -> None:
    pytest.importorskip("profanity_check")
    site = await _site(
        ctx, dataclasses.replace(POLICY, banned_words=(), hold_new_commenters=0, toxicity_threshold=0.8)
    )
    thread = await make_thread(ctx, site)
    writer = viewer("heated")
    rude = "You are a complete moron and your article is garbage."
    with pytest.raises(Invalid) as nudge:
        await make_comment(ctx, thread, rude, by=writer)
    assert nudge.value.code == "nudge" and "rephrase" in nudge.value.message
    posted = await comments.do_post_comment(ctx, thread.id, writer, rude, author_name="Heated", nudged=True)
    assert posted.state is CommentState.PENDING and posted.reasons[0].code == "toxic_after_nudge"
    calm = await make_comment(ctx, thread, "I see it differently: the bridge was safe.", by=writer)
    assert calm.state is CommentState.PUBLISHED


@pytest.fixture
def classifier() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A site's own classifier over real HTTP: holds anything mentioning 'casino'."""
    seen: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["content-length"])))
            seen.append(payload)
            verdict = "hold" if "casino" in payload["body"] else "allow"
            body = json.dumps({"verdict": verdict, "reason": "gambling spam"}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/check", seen
    finally:
        server.shutdown()
        server.server_close()


async def test_an_external_check_holds_and_a_dead_one_lets_comments_through(
    ctx: Context, classifier: tuple[str, list[dict[str, object]]]
) -> None:
    url, seen = classifier
    site = await _site(ctx, dataclasses.replace(POLICY, hold_new_commenters=0, check_url=url))
    thread = await make_thread(ctx, site)
    held = await make_comment(ctx, thread, "Visit my casino tonight.")
    assert [(r.code, r.detail) for r in held.reasons] == [("external_hold", "gambling spam")]
    assert (await make_comment(ctx, thread, "A normal remark.")).state is CommentState.PUBLISHED
    assert seen[0]["body"] == "Visit my casino tonight." and seen[0]["site"] == "news"
    dead = f"http://127.0.0.1:{free_port()}/check"
    await moderation.do_set_policy(
        ctx, site.slug, dataclasses.replace(site.moderation, check_url=dead), "test"
    )
    through = await make_comment(ctx, thread, "The classifier is down.")
    assert through.state is CommentState.PUBLISHED
    assert [r.code for r in through.reasons] == ["check_unavailable"]


@dataclasses.dataclass(frozen=True)
class NoShouting:
    """A site's own check, registered like yoron's."""

    name: str = "no_shouting"

    async def __call__(self, s: object, ctx: Context) -> Outcome | None:
        body = getattr(s, "body", "")
        return Outcome.hold(self.name, "shouting") if body.isupper() else None


async def test_a_site_plugin_runs_in_the_pipeline(ctx: Context) -> None:
    pipeline = Pipeline.with_plugins(["tests.contract.test_moderation:NoShouting"])
    assert [c.name for c in pipeline.checks][-2:] == ["no_shouting", "premoderation"]
    with_plugin = dataclasses.replace(ctx, pipeline=pipeline)
    site = await _site(with_plugin, dataclasses.replace(POLICY, hold_new_commenters=0))
    thread = await make_thread(with_plugin, site)
    loud = await make_comment(with_plugin, thread, "THIS IS AN OUTRAGE.")
    assert [r.code for r in loud.reasons] == ["shouting"]


async def test_policies_are_checked(ctx: Context) -> None:
    site = await _site(ctx)
    for bad in (
        dataclasses.replace(POLICY, max_links=-1),
        dataclasses.replace(POLICY, toxicity_threshold=2.0),
        dataclasses.replace(POLICY, check_url="ftp://x"),
        dataclasses.replace(POLICY, check_timeout_ms=10),
    ):
        with pytest.raises(Invalid):
            await moderation.do_set_policy(ctx, site.slug, bad, "test")
    assert (await moderation.do_set_policy(ctx, site.slug, POLICY, "test")).moderation == POLICY


async def test_role_and_status_changes_from_the_command_line_are_audited(ctx: Context) -> None:
    site = await _site(ctx)
    moderator = await _moderator(ctx, site)
    await accounts.do_add_user(ctx, site.slug, "pat@example.org", "Pat Reader", PASSWORD, Role.READER)
    await accounts.do_set_role(ctx, site.slug, "pat@example.org", Role.MODERATOR)
    await profiles.do_set_status(ctx, site.slug, "pat@example.org", UserStatus.SUSPENDED)
    entries = await moderation.audit_log(ctx, moderator, None, 10)
    changes = [(e.actor, e.action, e.details) for e in entries if e.action.startswith("user.")]
    assert changes == [
        ("cli", "user.status", {"from": "active", "to": "suspended"}),
        ("cli", "user.role", {"from": "reader", "to": "moderator"}),
    ]
