"""Search measure (issue 13): a common word (学习) over meetings and study notes on the 10-year
demo, against the same two LIKE queries in bare sqlite3 as the issue measured them (every match,
id/date/title only; target: < 100 ms and within 2× of them). Before the fix the service read all
~9,800 matching notes and cut the list in Python (212 ms against 16.5 ms)."""

from __future__ import annotations

import sqlite3

from benchmarks.common import BenchContext, Measure

FLOOR_MEETINGS = ("SELECT id, held_on, title FROM meeting WHERE branch_id = ? AND (title LIKE ? OR theme LIKE ? "
                  "OR minutes LIKE ? OR study_material LIKE ?) ORDER BY held_on DESC")
FLOOR_NOTES = ("SELECT id, studied_on, title FROM study_note WHERE branch_id = ? AND (title LIKE ? "
               "OR content LIKE ? OR material LIKE ?) ORDER BY studied_on DESC")


def measures(ctx: BenchContext) -> list[Measure]:
    from models.db import open_database
    from models.roster import default_branch
    from models.search import search

    db = open_database(ctx.db_path)
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]
    con = sqlite3.connect(ctx.db_path)
    word = "学习"

    def ours() -> int:
        with db.reading() as session:
            return len(search(session, branch_id, word))

    def floor() -> int:
        like = f"%{word}%"
        found = con.execute(FLOOR_MEETINGS, (branch_id, like, like, like, like)).fetchall()
        found += con.execute(FLOOR_NOTES, (branch_id, like, like, like)).fetchall()
        return len(found)

    return [Measure("search 学习 (meetings and notes)", ours, floor, "< 100 ms, ≤ 2× floor")]
