"""The 定稿 content hash: what it covers, and how it is recomputed straight from the file.

``canonical_content`` / ``hash_content`` define the hash (models.meetings takes it at 定稿 from
the ORM objects, models.demo from the rows it writes). ``stored_hashes`` recomputes it for every
定稿 meeting of a database file with plain ``sqlite3`` — ``check`` reads thousands of meetings,
and building ORM objects for each attendance row cost it seconds — and must agree with the ORM
path value for value (dates and times as ISO text, votes as integers; tests compare the two).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

FINAL = "final"  # MeetingStatus.FINAL


def canonical_content(
    fields: dict[str, Any],
    attendance: list[list[Any]],
    guests: list[list[Any]],
    agenda: list[list[Any]],
    actions: list[list[Any]],
) -> dict[str, Any]:
    """The meeting's content as plain data: what the 定稿 hash covers.

    ``fields`` holds the meeting's own columns (dates as ISO strings); attendance rows are
    [member uuid, status, leave reason, reason note, late note]."""
    return {**fields, "attendance": sorted(attendance, key=lambda r: r[0]), "guests": guests,
            "agenda": agenda, "actions": actions}


def hash_content(content: dict[str, Any]) -> str:
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredHash:
    """One 定稿 meeting: the hash recorded at 定稿 and the one its content gives now."""

    id: int
    title: str
    held_on: date
    recorded: str
    computed: str

    @property
    def matches(self) -> bool:
        return self.recorded == self.computed


def _date_text(value: str | None) -> str | None:
    # SQLAlchemy's SQLite Date is stored as ISO text; parsed and printed again as the ORM would.
    return date.fromisoformat(value).isoformat() if value is not None else None


def _time_text(value: str | None) -> str | None:
    # Stored as HH:MM:SS.ffffff; time.isoformat() drops a zero fraction, as the ORM path does.
    return time.fromisoformat(value).isoformat() if value is not None else None


_MEETINGS = ("SELECT id, title, held_on, content_hash, uuid, meeting_type, start_time, end_time, location, host, "
             "recorder, theme, lecturer, lecture_topic, minutes, study_material FROM meeting "
             "WHERE status = ? ORDER BY held_on, id")
_ATTENDANCE = ("SELECT a.meeting_id, m.uuid, a.status, a.leave_reason, a.reason_note, a.late_note "
               "FROM attendance a JOIN member m ON m.id = a.member_id JOIN meeting g ON g.id = a.meeting_id "
               "WHERE g.status = ?")
_GUESTS = ("SELECT x.meeting_id, x.name, x.unit, x.role FROM guest x JOIN meeting g ON g.id = x.meeting_id "
           "WHERE g.status = ? ORDER BY x.meeting_id, x.id")
_AGENDA = ("SELECT x.meeting_id, x.title, x.discussion, x.resolution, x.votes_for, x.votes_against, x.votes_abstain "
           "FROM agenda_item x JOIN meeting g ON g.id = x.meeting_id WHERE g.status = ? "
           "ORDER BY x.meeting_id, x.position, x.id")
_ACTIONS = ("SELECT x.meeting_id, x.title, x.owner, x.due_on, x.status FROM action_item x "
            "JOIN meeting g ON g.id = x.meeting_id WHERE g.status = ? ORDER BY x.meeting_id, x.id")


def _grouped(con: sqlite3.Connection, sql: str) -> defaultdict[int, list[list[Any]]]:
    groups: defaultdict[int, list[list[Any]]] = defaultdict(list)
    for meeting_id, *rest in con.execute(sql, (FINAL,)):
        groups[meeting_id].append(rest)
    return groups


def stored_hashes(con: sqlite3.Connection) -> Iterator[StoredHash]:
    """Every 定稿 meeting of the database behind ``con``, oldest first, with its recorded and
    recomputed hash. Raises sqlite3.Error on a file it cannot read (or an older schema)."""
    attendance = _grouped(con, _ATTENDANCE)
    guests = _grouped(con, _GUESTS)
    agenda = _grouped(con, _AGENDA)
    actions = _grouped(con, _ACTIONS)
    for action_rows in actions.values():
        for row in action_rows:
            row[2] = _date_text(row[2])
    for (mid, title, held_on, recorded, uuid, kind, start, end, location, host, recorder, theme, lecturer,
         topic, minutes, material) in con.execute(_MEETINGS, (FINAL,)).fetchall():
        fields = {
            "uuid": uuid, "type": kind, "title": title, "held_on": _date_text(held_on),
            "start": _time_text(start), "end": _time_text(end), "location": location, "host": host,
            "recorder": recorder, "theme": theme, "lecturer": lecturer, "lecture_topic": topic,
            "minutes": minutes, "study_material": material,
        }
        content = canonical_content(fields, attendance.get(mid, []), guests.get(mid, []), agenda.get(mid, []),
                                    actions.get(mid, []))
        yield StoredHash(mid, title, date.fromisoformat(held_on), recorded or "", hash_content(content))
