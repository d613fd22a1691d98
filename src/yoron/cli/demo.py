"""A demo site with one article and a lively, entirely made-up discussion."""

from __future__ import annotations

import random
import re

from yoron.domain.errors import DomainError
from yoron.domain.model import Comment, Display, SitePolicy, Sort, Viewer
from yoron.services import comments, sites, threads, votes
from yoron.services.context import Context

SITE = "demo"
KEY = "harbour-bridge-closure"
TITLE = "Council votes to close the Old Harbour Bridge for two years of repairs"
URL = "https://demo.yoron.invalid/city/harbour-bridge-closure"
LEAD = (
    "The city council voted 7 to 4 on Monday night to close the Old Harbour Bridge to all traffic "
    "from March, after engineers found corrosion in two of its main cables. Repairs are expected "
    "to take two years and cost about 48 million. A temporary ferry will run every fifteen minutes "
    "during rush hour, and the number 12 bus will be rerouted over the Eastgate crossing. "
    "Shop owners on Quay Street say they fear losing a third of their customers."
)
PERSONAS = [
    "Mara Lindqvist",
    "Tomasz",
    "quaystreet_baker",
    "Dev Anand",
    "Hélène R.",
    "OldTownCyclist",
    "Kenji Watanabe",
    "Priya",
    "Sam O'Neill",
    "Ferryman42",
    "Ruth Abernathy",
    "Jonas",
    "Lucía M.",
    "harbour_kid",
    "Ade Okafor",
    "Grumpy Commuter",
    "Nadia",
    "Piotr W.",
    "Ellie",
    "the_engineer",
]
OPINIONS = [
    "Two years is a long time, but a cable failure would be far worse.",
    "Why did nobody inspect those cables ten years ago?",
    "The ferry every fifteen minutes sounds fine on paper. In winter it will be a different story.",
    "I run a shop on Quay Street and I am honestly scared about the next two years.",
    "Eastgate is already jammed at 8am. Adding the number 12 bus will not help.",
    "Good. Safety first, and the council finally made a decision.",
    "48 million seems low for this kind of work. Expect it to double.",
    "Could they not keep one lane open for bikes and pedestrians?",
    "I cycle over that bridge every day. This changes my whole commute.",
    "Other cities repaired bridges like this in stages. Why close it completely?",
    "The vote was 7 to 4, so it was hardly unanimous.",
    "Has anyone seen the engineers' report? I would like to read it before judging.",
    "My grandmother walked across that bridge on its opening day. Fix it properly.",
    "Businesses always say they will lose customers. Most of them adapt.",
    "A temporary footbridge would cost a fraction of the lost trade.",
    "The ferry should be free for the whole closure, not just rush hour.",
    "Corrosion in the main cables is not something you fix with paint.",
    "I am glad the council listened to the engineers rather than the lobby.",
    "Night works could shorten the closure. Other countries do it all the time.",
    "Please stop blaming the council. The bridge is a hundred years old.",
]
FOLLOW_UPS = [
    "Just my two cents.",
    "Happy to be proven wrong.",
    "We will see in March.",
    "Anyway, I have said my piece.",
    "Someone should ask about this at the next council meeting.",
    "",
    "",
]
REPLIES = [
    "I see your point, but {name} is missing the bigger picture here.",
    "Exactly this. Thank you, {name}.",
    "That is not what the article says, though.",
    "Do you have a source for that?",
    "Respectfully disagree. The numbers do not support it.",
    "As someone who works at the port, I can tell you it is worse than that.",
    "Fair, but what would you have done instead?",
    "This is the most sensible comment in the thread.",
]
DOCTORED = [
    "The city council voted 11 to 0 on Monday night",
    "Repairs are expected to take six months",
    "Shop owners on Quay Street say they welcome the closure",
]


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"(?<=[.!?])\s+", text) if part.strip()]


class _Clock:
    """Spreads the discussion over the two days after the article appeared."""

    def __init__(self, start: int) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def tick(self, rng: random.Random) -> None:
        self.now += rng.randint(20_000, 600_000)


def _body(
    rng: random.Random, written: list[Comment], by_name: dict[int, str]
) -> tuple[str, object, int | None]:
    """A comment body, what it quotes (or None) and the comment it answers (or None)."""
    roll = rng.random()
    parent = rng.choice(written) if written and roll < 0.45 else None
    opinion = rng.choice(OPINIONS) + " " + rng.choice(FOLLOW_UPS)
    if roll < 0.12:
        sentence = rng.choice(_sentences(LEAD))
        words = sentence.split()
        cut = " ".join(words[: rng.randint(6, len(words))])
        return f"> {cut}\n\n{opinion}", "article", None
    if roll < 0.15:
        return f"> {rng.choice(DOCTORED)}\n\nUnbelievable.", "article", None
    if parent is not None and roll < 0.3:
        quoted = _sentences(parent.body.split("\n\n")[-1])[0]
        reply = rng.choice(REPLIES).format(name=parent.author_name).replace("..", ".")
        return f"> {quoted}\n\n{reply}", parent.id, parent.id
    if parent is not None:
        text = rng.choice(REPLIES).format(name=parent.author_name).replace("..", ".")
        if rng.random() < 0.3:
            handle = re.sub(r"\W", "", by_name[parent.id])
            text = f"@{handle} {text}"
        return text, None, parent.id
    return opinion.strip(), None, None


async def build_demo(ctx: Context, count: int = 300, seed: int = 7) -> tuple[int, bool]:
    """Create the demo site and thread (once); returns the thread id and whether it was created."""
    async with ctx.db.read() as tx:
        site = await tx.sites.by_slug(SITE)
        existing = await tx.threads.by_key(site.id, KEY) if site else None
    if existing is not None:
        return existing.id, False
    if site is None:
        policy = SitePolicy(display=Display.NESTED, max_depth=3, default_sort=Sort.OLDEST)
        site, _key = await sites.do_add_site(ctx, SITE, "The Daily Demo", [], policy)
    rng = random.Random(seed)
    clock = _Clock(ctx.clock() - 2 * 24 * 3600 * 1000)
    demo_ctx = Context(db=ctx.db, clock=clock, events=ctx.events, limits=ctx.limits)
    thread, _created = await threads.do_find_or_create_thread(demo_ctx, SITE, KEY, TITLE, URL, LEAD)
    people = {name: Viewer(key=f"demo:{index}") for index, name in enumerate(PERSONAS)}
    written: list[Comment] = []
    by_name: dict[int, str] = {}
    for _ in range(count):
        clock.tick(rng)
        name = rng.choice(PERSONAS)
        body, quote_of, parent_id = _body(rng, written, by_name)
        try:
            comment = await comments.do_post_comment(
                demo_ctx,
                thread.id,
                people[name],
                body,
                author_name=name,
                parent_id=parent_id,
                quote_of=quote_of,  # type: ignore[arg-type]
            )
        except DomainError:
            continue
        written.append(comment)
        by_name[comment.id] = name
        await _vote_on(demo_ctx, rng, comment)
    return thread.id, True


async def _vote_on(ctx: Context, rng: random.Random, comment: Comment) -> None:
    appeal = rng.random()
    for voter in range(rng.randint(0, 14)):
        value = 1 if rng.random() < appeal else -1
        await votes.do_vote(ctx, comment.id, Viewer(key=f"demo-voter:{voter}"), value)
