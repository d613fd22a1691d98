"""Each pure moderation check on its own, hostile inputs included."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from yoron.domain import checks
from yoron.domain.accounts import GuestPolicy
from yoron.domain.checks import Submission
from yoron.domain.model import Site, SitePolicy, Thread, ThreadState, Viewer
from yoron.domain.moderation import ModerationPolicy, Outcome, Sanction, SanctionKind, Standing, Verdict
from yoron.domain.wordfilter import WordList

NOW = 1_800_000_000_000
POLICY = ModerationPolicy(banned_words=("scumbag", "idiot*"), suspect_words=("liar",), max_links=2)


def submission(body: str, policy: ModerationPolicy = POLICY, **changes: object) -> Submission:
    site = Site(1, "news", "News", (), SitePolicy(), 0, policy)
    thread = Thread(1, 1, "k", "T", "https://news.example/k", "", ThreadState.OPEN, 0, 1, NOW - 1000)
    made = Submission(
        site=site,
        thread=thread,
        viewer=Viewer("d:x", "net"),
        body=body,
        standing=Standing(),
        now=NOW,
        words=WordList.compile(policy.banned_words, policy.suspect_words).find(body),
    )
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def code(outcome: Outcome | None) -> str | None:
    return outcome.reason.code if outcome else None


def sanction(kind: SanctionKind, **changes: object) -> Sanction:
    made = Sanction(1, 1, "d:x", kind, "because", None, "mod", NOW - 10)
    return dataclasses.replace(made, **changes)  # type: ignore[arg-type]


def test_banned_words_survive_disguise() -> None:
    for body in (
        "you SCUMBAG",
        "you ｓｃｕｍｂａｇ",  # fullwidth
        "you scu\u200bm\u200dbag",  # zero-width joiners and spaces
        "you \u202escumbag\u202c",  # a right-to-left override around it
        "you ѕсumbаg",  # Cyrillic look-alikes
        "you 5cumb4g",  # leetspeak
        "you s.c.u.m.b.a.g",
        "what idiots",
    ):
        outcome = checks.check_banned_words(submission(body))
        assert outcome is not None and outcome.verdict is Verdict.REJECT, body
    assert checks.check_banned_words(submission("a scumbagel is not a word")) is None


def test_suspect_words_hold_and_clean_text_passes() -> None:
    held = checks.check_suspect_words(submission("the minister is a l1ar"))
    assert held is not None and held.verdict is Verdict.HOLD and held.reason.detail == "liar"
    assert checks.check_suspect_words(submission("a reliable source")) is None


def test_a_very_long_word_is_judged_not_timed_out() -> None:
    body = "a" * 200_000 + "scumbag"
    assert checks.check_banned_words(submission(body)) is None  # glued to the run: not a word
    assert code(checks.check_banned_words(submission("a" * 200_000 + " scumbag"))) == "banned_word"


def test_links() -> None:
    assert code(checks.check_links(submission("see http://a.example, http://b.example, www.c.example"))) == (
        "too_many_links"
    )
    assert code(checks.check_links(submission("https://spam.example/x  "))) == "link_only"
    assert checks.check_links(submission("one link https://news.example is fine")) is None
    assert checks.check_links(submission("no links at all")) is None
    assert checks.count_links("(" * 50_000 + "http://x" + ")" * 50_000) == 1


def test_length_repeats_and_new_commenters() -> None:
    short = dataclasses.replace(POLICY, min_length=10)
    assert code(checks.check_length(submission("tiny", short))) == "too_short"
    standing = Standing(recent_bodies=("Same  text here",))
    assert code(checks.check_repeats(submission("same TEXT here", standing=standing))) == "repeated"
    assert checks.check_repeats(submission("same TEXT here", standing=standing, editing=True)) is None
    newbies = dataclasses.replace(POLICY, hold_new_commenters=2)
    assert code(checks.check_new_commenter(submission("hi", newbies, standing=Standing(approved=1)))) == (
        "new_commenter"
    )
    assert checks.check_new_commenter(submission("hi", newbies, standing=Standing(approved=2))) is None


def test_standing_and_its_expiry() -> None:
    banned = Standing(sanctions=(sanction(SanctionKind.BAN),))
    assert code(checks.check_standing(submission("hi", standing=banned))) == "banned"
    lifted = Standing(sanctions=(sanction(SanctionKind.BAN, lifted_at=NOW - 1),))
    assert checks.check_standing(submission("hi", standing=lifted)) is None
    suspended = Standing(sanctions=(sanction(SanctionKind.SUSPEND, until=NOW + 60_000),))
    outcome = checks.check_standing(submission("hi", standing=suspended))
    assert outcome is not None and outcome.reason.code == "suspended" and "until" in outcome.message
    over = Standing(sanctions=(sanction(SanctionKind.SUSPEND, until=NOW - 1),))
    assert checks.check_standing(submission("hi", standing=over)) is None
    warned = Standing(sanctions=(sanction(SanctionKind.WARN),))
    assert code(checks.check_standing(submission("hi", standing=warned))) == "warned"
    read = Standing(sanctions=(sanction(SanctionKind.WARN, acknowledged_at=NOW - 5),))
    assert checks.check_standing(submission("hi", standing=read)) is None
    shadow = Standing(sanctions=(sanction(SanctionKind.SHADOW_BAN),))
    assert code(checks.check_held_writer(submission("hi", standing=shadow))) == "shadow_ban"


def test_closed_and_auto_closed_threads_and_premoderation() -> None:
    made = submission("hi")
    closed = dataclasses.replace(made, thread=dataclasses.replace(made.thread, state=ThreadState.CLOSED))
    assert code(checks.check_thread(closed)) == "thread_closed"
    aging = dataclasses.replace(POLICY, auto_close_days=2)
    old = submission("hi", aging)
    old = dataclasses.replace(old, thread=dataclasses.replace(old.thread, created_at=NOW - 3 * checks.DAY_MS))
    assert code(checks.check_thread(old)) == "thread_closed"
    assert checks.check_thread(submission("hi", aging)) is None
    guests = dataclasses.replace(
        made, site=dataclasses.replace(made.site, policy=SitePolicy(guest_policy=GuestPolicy.PREMODERATED))
    )
    assert code(checks.check_premoderation(guests)) == "guest_premoderated"
    assert code(
        checks.check_premoderation(submission("hi", dataclasses.replace(POLICY, premoderate_all=True)))
    ) == ("site_premoderated")


@given(st.text(max_size=2000))
def test_no_text_makes_a_check_raise(body: str) -> None:
    made = submission(body)
    for check in (
        checks.check_banned_words,
        checks.check_suspect_words,
        checks.check_links,
        checks.check_length,
        checks.check_repeats,
    ):
        outcome = check(made)
        assert outcome is None or isinstance(outcome.verdict, Verdict)
