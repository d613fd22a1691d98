"""Seed Isso's SQLite database directly. Runs under Isso's own venv, not the project's.

    bench/work/isso-venv/bin/python bench/isso_seed.py CONFIG CORPUS_JSON

Isso creates its own schema (``isso.db.SQLite3``); the rows then go in with
``executemany``, the way Isso's ``Comments.add`` would write them: Markdown
source in ``text`` (Isso renders it on every read), the voters Bloom filter
seeded with the author's address, and one level of nesting (Isso attaches a
reply to the root of its chain, as its own migration to version 3 does).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

from isso import config
from isso.db import SQLite3
from isso.utils import Bloomfilter


def seed(config_path: str, corpus_path: str) -> dict[str, dict[str, int]]:
    """Insert every thread of the corpus; returns each uri's thread id and first comment id."""
    conf = config.load(config.default_file(), config_path)
    path = conf.get("general", "dbpath")
    SQLite3(path, conf)  # creates the tables, the trigger and the schema version
    with open(corpus_path, encoding="utf-8") as handle:
        corpus = json.load(handle)
    bodies: list[str] = corpus["bodies"]
    opened = time.time() - 3 * 86_400
    db = sqlite3.connect(path)
    seeded: dict[str, dict[str, int]] = {}
    next_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM comments").fetchone()[0]
    with db:
        for thread in corpus["threads"]:
            uri = "/" + thread["key"]
            cursor = db.execute("INSERT INTO threads (uri, title) VALUES (?, ?)", (uri, thread["title"]))
            tid = cursor.lastrowid
            assert tid is not None
            seeded[uri] = {"thread_id": tid, "first_comment_id": next_id}
            rows = []
            for comment in thread["comments"]:
                root = comment["root"]
                address = comment["address"]
                rows.append(
                    (
                        tid,
                        next_id + comment["position"],
                        None if root is None else next_id + root,
                        opened + comment["offset_ms"] / 1000,
                        None,
                        1,
                        address,
                        bodies[comment["body"]],
                        comment["author"],
                        None,
                        None,
                        comment["up"],
                        comment["down"],
                        memoryview(Bloomfilter(iterable=[address]).array),
                        0,
                    )
                )
            db.executemany(
                "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author,"
                " email, website, likes, dislikes, voters, notification)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            next_id += len(rows)
    db.execute("ANALYZE")
    db.close()
    return seeded


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1], sys.argv[2])))
