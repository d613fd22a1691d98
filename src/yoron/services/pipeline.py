"""The moderation pipeline: ordered checks, each a plugin, run over every new or edited comment.

A check is any object with a ``name`` and an async ``__call__(submission, ctx)`` that returns an
``Outcome`` or ``None``. yoron's own checks are registered here exactly as a site's would be:
``register(check)``, or a ``module:attribute`` path in the ``moderation_plugins`` setting.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from yoron.domain import checks as builtin
from yoron.domain.checks import PureCheck, Submission
from yoron.domain.errors import Conflict, DomainError, Forbidden, Invalid, TooMany
from yoron.domain.moderation import Decision, Outcome, Reason, Verdict
from yoron.domain.wordfilter import WordList
from yoron.services.context import Context


class Check(Protocol):
    @property
    def name(self) -> str: ...

    async def __call__(self, s: Submission, ctx: Context) -> Outcome | None: ...


@dataclass(frozen=True, slots=True)
class Pure:
    """A check from ``domain/checks.py``: a plain function of the submission."""

    name: str
    rule: PureCheck

    async def __call__(self, s: Submission, ctx: Context) -> Outcome | None:
        return self.rule(s)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Posts per writer (account or device) and per network, counted by the limits library."""

    name: str = "rate_limits"

    async def __call__(self, s: Submission, ctx: Context) -> Outcome | None:
        if s.editing:
            return None
        message = "You are posting too fast. Wait a minute and try again."
        if not ctx.limiter.allow("post_writer", s.viewer.key or ""):
            return Outcome.reject(self.name, "rate_limited", message, "writer")
        if not ctx.limiter.allow("post_network", s.viewer.ip_hash):
            return Outcome.reject(self.name, "rate_limited", message, "network")
        return None


@functools.cache
def _profanity_model() -> Any:
    """The offensive-language model of the optional ``toxicity`` extra, or None when not installed."""
    try:
        return importlib.import_module("profanity_check")
    except ImportError:
        return None


@dataclass(frozen=True, slots=True)
class Toxicity:
    """Scores offensive language with a model shipped inside a package; above the site's threshold
    the writer is asked once to rephrase (the nudge), and if they post anyway the comment is held."""

    name: str = "toxicity"

    async def __call__(self, s: Submission, ctx: Context) -> Outcome | None:
        threshold = s.site.moderation.toxicity_threshold
        if not threshold:
            return None
        model = _profanity_model()
        if model is None:
            return Outcome(Verdict.ALLOW, Reason(self.name, "model_missing"))
        loop = asyncio.get_running_loop()
        probabilities = await loop.run_in_executor(None, model.predict_prob, [s.body])
        score = float(probabilities[0])
        if score < threshold:
            return None
        if not s.nudged:
            return Outcome.reject(
                self.name,
                "nudge",
                "Your comment may read as offensive. Would you like to rephrase it? Post it anyway"
                " and a moderator will review it first.",
                f"{score:.2f}",
            )
        return Outcome.hold(self.name, "toxic_after_nudge", f"{score:.2f}")


@dataclass(frozen=True, slots=True)
class ExternalCheck:
    """A site's own classifier over HTTP: it answers ``{"verdict": "allow"|"hold"|"reject",
    "reason": "..."}``. When it fails or is slow the comment goes through and the failure is noted."""

    name: str = "external"

    async def __call__(self, s: Submission, ctx: Context) -> Outcome | None:
        policy = s.site.moderation
        if not policy.check_url:
            return None
        payload = {
            "site": s.site.slug,
            "thread": {"id": s.thread.id, "key": s.thread.key, "title": s.thread.title},
            "author": s.viewer.key,
            "body": s.body,
            "editing": s.editing,
        }
        try:
            async with httpx.AsyncClient(timeout=policy.check_timeout_ms / 1000) as client:
                response = await client.post(policy.check_url, json=payload)
                response.raise_for_status()
                answer = response.json()
            verdict = str(answer.get("verdict", "allow"))
            reason = str(answer.get("reason", ""))[:200]
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            return Outcome(Verdict.ALLOW, Reason(self.name, "check_unavailable", type(error).__name__))
        if verdict == "reject":
            return Outcome.reject(
                self.name, "external_reject", reason or "This site does not accept that comment.", reason
            )
        if verdict == "hold":
            return Outcome.hold(self.name, "external_hold", reason)
        return None


DEFAULT_CHECKS: tuple[Check, ...] = (
    Pure("standing", builtin.check_standing),
    Pure("thread", builtin.check_thread),
    Pure("length", builtin.check_length),
    RateLimits(),
    Pure("repeats", builtin.check_repeats),
    Pure("banned_words", builtin.check_banned_words),
    Pure("links", builtin.check_links),
    Pure("suspect_words", builtin.check_suspect_words),
    Pure("held_writer", builtin.check_held_writer),
    Pure("new_commenter", builtin.check_new_commenter),
    Toxicity(),
    ExternalCheck(),
    Pure("premoderation", builtin.check_premoderation),
)


@dataclass
class Pipeline:
    """The checks in order; the first reject ends the run, holds collect their reasons."""

    checks: list[Check] = field(default_factory=lambda: list(DEFAULT_CHECKS))

    def register(self, check: Check, *, before: str | None = None) -> None:
        names = [c.name for c in self.checks]
        self.checks.insert(names.index(before) if before in names else len(self.checks), check)

    async def run(self, s: Submission, ctx: Context) -> Decision:
        outcomes: list[Outcome] = []
        for check in self.checks:
            outcome = await check(s, ctx)
            if outcome is None:
                continue
            outcomes.append(outcome)
            if outcome.verdict is Verdict.REJECT:
                break
        return Decision.of(outcomes)

    @classmethod
    def with_plugins(cls, paths: Iterable[str]) -> Pipeline:
        """yoron's checks plus each ``module:attribute`` named (a check, or a factory of one)."""
        pipeline = cls()
        for path in paths:
            module, _, attribute = path.partition(":")
            plugin = getattr(importlib.import_module(module), attribute)
            pipeline.register(plugin() if isinstance(plugin, type) else plugin, before="premoderation")
        return pipeline


_REJECTIONS: dict[str, type[DomainError]] = {
    "banned": Forbidden,
    "suspended": Forbidden,
    "warned": Forbidden,
    "thread_closed": Conflict,
    "rate_limited": TooMany,
}


def rejection(decision: Decision) -> DomainError:
    """The error the writer sees for a rejected comment."""
    error = _REJECTIONS.get(decision.code, Invalid)
    return error(decision.code, decision.message, "body" if error is Invalid else None)


@functools.lru_cache(maxsize=64)
def word_list(banned: tuple[str, ...], suspect: tuple[str, ...]) -> WordList:
    """Compiled once per distinct list, not once per comment."""
    return WordList.compile(banned, suspect)
