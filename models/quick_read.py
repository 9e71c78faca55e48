"""What the window shows first, read with plain ``sqlite3`` (read-only) before SQLAlchemy is
imported: the branches (title, switcher), the years with meetings and the newest page of the
meetings list. Importing SQLAlchemy and mapping the records costs about half a second; the
window paints without waiting for it and imports it right after (ui.window_start).

Every function gives what its service twin in models.roster / models.meetings gives for the
same file (tests compare them); anything else — filters, search, further pages — goes through
the services.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models import roll_rules
from models.db import readonly_uri
from models.enums import MeetingStatus, MeetingType
from models.meeting_row import MeetingRow


@dataclass(frozen=True)
class BranchName:
    id: int
    name: str


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(readonly_uri(path), uri=True, timeout=5)
    try:
        yield con
    finally:
        con.close()


def branches(path: Path) -> list[BranchName]:
    """The branches in the file, by number (models.roster.list_branches)."""
    with _reading(path) as con:
        return [BranchName(i, n) for i, n in con.execute("SELECT id, name FROM branch ORDER BY id")]


def meeting_years(path: Path, branch_id: int) -> list[int]:
    """The years with meetings, newest first (models.meetings.meeting_years)."""
    with _reading(path) as con:
        first, last = con.execute("SELECT min(held_on), max(held_on) FROM meeting WHERE branch_id = ?",
                                  (branch_id,)).fetchone()
    if first is None:
        return []
    return list(range(date.fromisoformat(last).year, date.fromisoformat(first).year - 1, -1))


_NEWEST = """
SELECT m.id, m.held_on, m.meeting_type, m.title, m.host, coalesce(g.name, ''), coalesce(c.recorded, 0),
       coalesce(c.present, 0), m.status, m.group_id
FROM (SELECT id FROM meeting WHERE branch_id = :branch ORDER BY held_on DESC, id DESC LIMIT :limit) AS w
JOIN meeting m ON m.id = w.id
LEFT JOIN (SELECT meeting_id AS mid, count(*) AS recorded, sum(CASE WHEN status = :present THEN 1 ELSE 0 END) AS present
           FROM attendance
           WHERE meeting_id IN (SELECT id FROM meeting WHERE branch_id = :branch
                                ORDER BY held_on DESC, id DESC LIMIT :limit)
           GROUP BY meeting_id) AS c ON c.mid = m.id
LEFT JOIN party_group g ON g.id = m.group_id
ORDER BY m.held_on DESC, m.id DESC
"""


# The dated roll of the branch (models.roll_counts reads the same rows through SQLAlchemy Core).
_ROLL = """
SELECT 'e', member_id, NULL, NULL, start_on, end_on FROM member_exemption WHERE member_id IN (SELECT id FROM member WHERE branch_id = :branch)
UNION ALL SELECT 's', member_id, state, NULL, effective_on, NULL FROM member_status WHERE member_id IN (SELECT id FROM member WHERE branch_id = :branch)
UNION ALL SELECT 'o', member_id, office, NULL, start_on, end_on FROM office_term WHERE member_id IN (SELECT id FROM member WHERE branch_id = :branch)
UNION ALL SELECT 'g', member_id, NULL, group_id, start_on, end_on FROM group_membership WHERE member_id IN (SELECT id FROM member WHERE branch_id = :branch)
"""


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def newest_meetings(path: Path, branch_id: int, limit: int) -> tuple[list[MeetingRow], int]:
    """The newest ``limit`` meetings of the branch, and how many it has in all (the unfiltered
    models.meetings.list_meetings / count_meetings)."""
    with _reading(path) as con:
        rows = con.execute(_NEWEST, {"branch": branch_id, "limit": limit, "present": "present"}).fetchall()
        roll = roll_rules.roll_entries((k, m, t, n, _day(a), _day(b))
                                       for k, m, t, n, a, b in con.execute(_ROLL, {"branch": branch_id}))
        total = len(rows) if len(rows) < limit else con.execute(
            "SELECT count(*) FROM meeting WHERE branch_id = ?", (branch_id,)).fetchone()[0]
    # 应到 from the dated roll as of each meeting's date, by the rules the services use
    expected = roll_rules.expected_counts(roll, [(r[0], r[2], date.fromisoformat(r[1]), r[9]) for r in rows])
    return [MeetingRow(r[0], date.fromisoformat(r[1]), MeetingType(r[2]), r[3], r[4], r[5], expected[r[0]],
                       int(r[7]), MeetingStatus(r[8]), int(r[6])) for r in rows], int(total)
