"""Two people editing the same meeting (issue 15): the second save of an older version is refused
with a Chinese message naming the newer version, and nothing of the first save is lost — on an
SQLite file and on a PostgreSQL server; the meeting editor shows the newer version."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from models.db import Database
from models.enums import MeetingType
from models.meeting_data import MeetingChangedError
from models.meetings import MeetingInput, create_meeting, get_meeting, update_meeting

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)


def _meeting(db: Database, branch_id: int) -> int:
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 5),
                                                         minutes="初稿"))


def _edit(db: Database, meeting_id: int) -> MeetingInput:
    """What an editor holds after opening the meeting: its fields and the version it started from."""
    with db.reading() as s:
        detail = get_meeting(s, meeting_id)
    data = detail.to_input()
    data.expected_version = detail.version
    return data


def test_the_second_save_of_an_older_version_is_refused(db: Database, branch_id: int) -> None:
    mid = _meeting(db, branch_id)
    first, second = _edit(db, mid), _edit(db, mid)
    first.minutes = "甲的记录"
    with db.transaction() as s:
        update_meeting(s, mid, first)
    second.minutes = "乙的记录"
    with pytest.raises(MeetingChangedError) as refused, db.transaction() as s:
        update_meeting(s, mid, second)
    assert "已被其他人修改" in refused.value.message and "第 2 版" in refused.value.message
    assert refused.value.current.minutes == "甲的记录" and refused.value.current.version == 2
    with db.reading() as s:
        assert get_meeting(s, mid).minutes == "甲的记录"
    again = _edit(db, mid)  # reopened: the newer version saves
    again.minutes = "甲的记录；乙补充"
    with db.transaction() as s:
        update_meeting(s, mid, again)
    with db.reading() as s:
        assert (get_meeting(s, mid).minutes, get_meeting(s, mid).version) == ("甲的记录；乙补充", 3)


def test_a_save_racing_between_read_and_write_is_refused(db: Database, branch_id: int) -> None:
    """Both saves pass the version check before either writes: the database's own check at the
    UPDATE refuses the later one (SQLAlchemy's version counter)."""
    mid = _meeting(db, branch_id)
    first, second = _edit(db, mid), _edit(db, mid)
    first.minutes, second.minutes = "甲", "乙"
    checked = threading.Barrier(2, timeout=20)
    outcome: dict[str, BaseException | None] = {}

    def save(name: str, data: MeetingInput) -> None:
        try:
            with db.transaction() as s:
                from models.meetings import _load

                _load(s, mid)  # both read the same version first
                checked.wait()
                update_meeting(s, mid, data)
            outcome[name] = None
        except BaseException as exc:  # noqa: BLE001 - the assertion below names it
            outcome[name] = exc

    threads = [threading.Thread(target=save, args=(n, d)) for n, d in (("甲", first), ("乙", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    failures = [e for e in outcome.values() if e is not None]
    assert len(outcome) == 2 and len(failures) == 1, outcome
    from models.errors import explain
    assert isinstance(failures[0], MeetingChangedError) or "再试" in (explain(failures[0]) or ""), failures[0]
    with db.reading() as s:
        saved = get_meeting(s, mid)
    assert saved.version == 2 and saved.minutes in ("甲", "乙")
