"""Synthetic but realistic discussions: the same threads are seeded into yoron and Isso.

A thread is a list of comments in posting order. Each comment names its parent
by position (about 30% are replies), carries a Markdown body with a few
sentences, some *emphasis*, links and ``>`` quotes, and a vote tally drawn from
a skewed distribution (most comments get a few votes, a few get many).
Everything is derived from a seed, so two runs build identical threads.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

REPLY_SHARE = 0.30
MAX_DEPTH = 3
VOTER_POOL = 5_000
AUTHOR_COUNT = 400

_FIRST = [
    "Mara",
    "Tomasz",
    "Dev",
    "Hélène",
    "Kenji",
    "Priya",
    "Sam",
    "Ruth",
    "Jonas",
    "Lucía",
    "Ade",
    "Nadia",
    "Piotr",
    "Ellie",
    "Omar",
    "Greta",
    "Yusuf",
    "Ines",
    "Bram",
    "Aiko",
]
_LAST = ["L.", "K.", "Anand", "R.", "Watanabe", "O'Neill", "Abernathy", "M.", "Okafor", "W."]

_TOPICS = [
    "the bridge closure",
    "the new tram line",
    "the school budget",
    "the harbour plan",
    "the rent cap",
    "the library hours",
    "the cycling lanes",
    "the stadium deal",
]
_OPENERS = [
    "I have lived here for twenty years and {topic} is the first thing that really worries me.",
    "Honestly, {topic} was always going to end up like this.",
    "Has anyone actually read the council report on {topic}?",
    "The article leaves out the most important part of {topic}.",
    "People keep complaining about {topic}, but nobody proposes anything better.",
    "My neighbours are split right down the middle on {topic}.",
]
_MIDDLES = [
    "The numbers in the report do not add up, and that should worry everyone.",
    "Other cities tried the same thing and it took *twice* as long as promised.",
    "Nobody asked the people who will actually live with the consequences.",
    "It is easy to be against it when you do not depend on it every day.",
    "The cost estimate has already gone up **three times** since the spring.",
    "I would like to see the engineers' numbers before judging either way.",
    "The consultation ran for two weeks in August, when half the town was away.",
    "Local shops are already feeling it, and the works have not even started.",
    "This is exactly the kind of decision that should go to a public vote.",
    "It is a *reasonable* plan, just badly explained.",
]
_CLOSERS = [
    "Happy to be proven wrong.",
    "We will see in March.",
    "Just my two cents.",
    "Someone should ask about this at the next council meeting.",
    "Anyway, I have said my piece.",
]
_REPLIES = [
    "I see your point, but you are missing the bigger picture here.",
    "Exactly this. Thank you for writing it down.",
    "That is not what the article says, though.",
    "Do you have a source for that?",
    "Respectfully disagree: the numbers do not support it.",
    "Fair, but what would you have done instead?",
]
_LINKS = [
    "[the council minutes](https://council.example.org/minutes/2024-03-12)",
    "[the engineers' report](https://example.org/reports/bridge-2024.pdf)",
    "[this older piece](https://news.example.com/city/2019/05/the-last-time)",
    "https://data.example.org/budget/2024",
]


@dataclass(frozen=True, slots=True)
class SeedComment:
    """One comment, with its parent and root given as positions in the thread."""

    position: int
    parent: int | None
    root: int | None
    depth: int
    author: int
    body: int  # index into the body list the thread was built with
    offset_ms: int  # time since the thread opened
    up: int
    down: int
    voters: tuple[int, ...]  # indices into a pool of VOTER_POOL voters, up-voters first


@dataclass(slots=True)
class SeedThread:
    key: str
    title: str
    comments: list[SeedComment] = field(default_factory=list)

    def reply_counts(self) -> list[int]:
        """Direct replies per comment position."""
        counts = [0] * len(self.comments)
        for comment in self.comments:
            if comment.parent is not None:
                counts[comment.parent] += 1
        return counts


def author_name(author: int) -> str:
    return (
        f"{_FIRST[author % len(_FIRST)]} {_LAST[(author // len(_FIRST)) % len(_LAST)]}{author // 200 or ''}"
    )


def author_address(author: int) -> str:
    """An IPv4 address per author that stays distinct after Isso anonymizes it to a /24."""
    return f"10.{author // 250}.{author % 250}.0"


def markdown_body(rng: random.Random, quoted: str | None = None) -> str:
    """A few sentences of Markdown: emphasis, sometimes a link, sometimes a quote."""
    topic = rng.choice(_TOPICS)
    sentences = [rng.choice(_OPENERS).format(topic=topic)]
    sentences += rng.sample(_MIDDLES, rng.randint(1, 3))
    if rng.random() < 0.35:
        sentences.append(f"See {rng.choice(_LINKS)} for the details.")
    if rng.random() < 0.6:
        sentences.append(rng.choice(_CLOSERS))
    paragraphs = [" ".join(sentences)]
    if quoted is not None:
        paragraphs.insert(0, "> " + quoted)
        paragraphs[1] = rng.choice(_REPLIES) + " " + paragraphs[1]
    elif rng.random() < 0.15:
        paragraphs.insert(0, "> " + rng.choice(_MIDDLES))
    return "\n\n".join(paragraphs)


def first_sentence(body: str) -> str:
    text = body.split("\n\n")[-1]
    return text.split(". ")[0].rstrip(".") + "."


def _tally(rng: random.Random) -> tuple[int, int, tuple[int, ...]]:
    """Up, down and the voters: most comments get a handful of votes, a few get many."""
    count = rng.randint(20, 120) if rng.random() < 0.04 else min(int(rng.expovariate(1 / 3)), 30)
    appeal = rng.betavariate(3, 1.5)
    up = sum(rng.random() < appeal for _ in range(count))
    return up, count - up, tuple(rng.sample(range(VOTER_POOL), count))


def _pick_parent(rng: random.Random, comments: Sequence[SeedComment]) -> SeedComment | None:
    if not comments or rng.random() >= REPLY_SHARE:
        return None
    # Replies mostly answer recent comments.
    window = comments[-60:]
    parent = window[len(window) - 1 - int(len(window) * rng.random() ** 2)]
    while parent.depth >= MAX_DEPTH and parent.parent is not None:
        parent = comments[parent.parent]
    return parent


BodyPicker = Callable[[random.Random, int, SeedComment | None], int]
"""Returns a body index for the comment at a position, given its parent."""


def build_thread(key: str, title: str, size: int, seed: int, pick_body: BodyPicker) -> SeedThread:
    """A thread of ``size`` comments posted over a couple of days."""
    rng = random.Random(seed)
    thread = SeedThread(key, title)
    clock = 0
    for position in range(size):
        clock += rng.randint(5_000, 120_000) if size <= 2_000 else rng.randint(500, 20_000)
        parent = _pick_parent(rng, thread.comments)
        up, down, voters = _tally(rng)
        thread.comments.append(
            SeedComment(
                position=position,
                parent=None if parent is None else parent.position,
                root=None if parent is None else (parent.position if parent.root is None else parent.root),
                depth=0 if parent is None else parent.depth + 1,
                author=rng.randrange(AUTHOR_COUNT),
                body=pick_body(rng, position, parent),
                offset_ms=clock,
                up=up,
                down=down,
                voters=voters,
            )
        )
    return thread


class UniqueBodies:
    """Writes a fresh body for every comment (quoting the parent in some replies)."""

    def __init__(self) -> None:
        self.bodies: list[str] = []

    def __call__(self, rng: random.Random, position: int, parent: SeedComment | None) -> int:
        quoted = None
        if parent is not None and rng.random() < 0.4:
            quoted = first_sentence(self.bodies[parent.body])
        self.bodies.append(markdown_body(rng, quoted))
        return len(self.bodies) - 1


class PooledBodies:
    """Draws bodies from a fixed pool, so millions of comments need only a few thousand renders."""

    def __init__(self, size: int, seed: int = 99) -> None:
        rng = random.Random(seed)
        self.bodies = [
            markdown_body(rng, quoted=rng.choice(_MIDDLES) if i % 5 == 0 else None) for i in range(size)
        ]

    def __call__(self, rng: random.Random, position: int, parent: SeedComment | None) -> int:
        return rng.randrange(len(self.bodies))


@dataclass(slots=True)
class Corpus:
    """Threads plus the bodies their comments point into."""

    threads: list[SeedThread]
    bodies: list[str]


BENCH_THREADS: tuple[tuple[str, int], ...] = (
    ("thread-200", 200),
    ("thread-1000", 1_000),
    ("thread-10000", 10_000),
    ("thread-post", 20),
    ("thread-tokens", 1),
)


def bench_corpus(seed: int = 2024) -> Corpus:
    """The threads every system under test gets: 200, 1,000 and 10,000 comments, plus two small ones."""
    bodies = UniqueBodies()
    threads = [
        build_thread(key, f"Article {key}", size, seed + index, bodies)
        for index, (key, size) in enumerate(BENCH_THREADS)
    ]
    return Corpus(threads, bodies.bodies)


def isso_payload(corpus: Corpus) -> dict[str, object]:
    """The corpus as plain JSON for Isso's seeder, which runs in Isso's venv."""
    return {
        "bodies": corpus.bodies,
        "threads": [
            {
                "key": thread.key,
                "title": thread.title,
                "comments": [
                    {
                        "position": c.position,
                        "root": c.root,
                        "author": author_name(c.author),
                        "address": author_address(c.author),
                        "body": c.body,
                        "offset_ms": c.offset_ms,
                        "up": c.up,
                        "down": c.down,
                    }
                    for c in thread.comments
                ],
            }
            for thread in corpus.threads
        ],
    }
