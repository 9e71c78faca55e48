"""models.search: a search text pasted from a whole document is refused in Chinese, not by
SQLite's 'LIKE or GLOB pattern too complex'."""

from __future__ import annotations

from datetime import date

import pytest

from models.db import Database
from models.enums import MeetingType
from models.errors import BranchBookError
from models.meetings import MeetingInput, create_meeting
from models.search import search
from models.validation import MAX_SEARCH_CHARS

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)


def test_overlong_search_gets_a_chinese_message(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        create_meeting(s, branch_id, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 5)))
    with db.reading() as s:
        assert [h.title for h in search(s, branch_id, "谈心")] == ["谈心谈话"]
        assert search(s, branch_id, "谈" * MAX_SEARCH_CHARS) == []
        with pytest.raises(BranchBookError) as caught:
            search(s, branch_id, "党" * 100_000)
    assert "搜索内容太长" in caught.value.message and caught.value.field == "text"


def test_a_common_word_keeps_only_the_newest_hits_read_in_sql(db: Database, branch_id: int) -> None:
    from models.notes import NoteInput, create_note, list_notes

    with db.transaction() as s:
        for day in range(1, 21):
            create_note(s, branch_id, NoteInput(studied_on=date(2025, 3, day), title=f"学习笔记{day}",
                                                material="", content=f"第{day}天学习心得", hours=1.0,
                                                member_id=None, meeting_id=None))
            create_meeting(s, branch_id, MeetingInput(MeetingType.OTHER, f"集中学习{day}", date(2025, 4, day)))
    with db.reading() as s:
        assert [n.title for n in list_notes(s, branch_id, text="学习", limit=3)] == [
            "学习笔记20", "学习笔记19", "学习笔记18"]
        hits = search(s, branch_id, "学习", limit=5)
    assert [(h.kind, h.title) for h in hits] == [("meeting", f"集中学习{d}") for d in (20, 19, 18, 17, 16)]
    with db.reading() as s:
        notes_only = [h for h in search(s, branch_id, "心得", limit=4)]
    assert [h.title for h in notes_only] == ["学习笔记20", "学习笔记19", "学习笔记18", "学习笔记17"]
    assert notes_only[0].snippet == "第20天学习心得"


def test_latin_letters_match_in_either_case_on_both_engines(db: Database, branch_id: int) -> None:
    """SQLite's LIKE ignores the case of Latin letters, PostgreSQL's does not: the same search finds
    the same meetings and notes on both; LIKE's wildcards in the text are still taken literally."""
    from models.notes import NoteInput, create_note, list_notes

    with db.transaction() as s:
        create_meeting(s, branch_id, MeetingInput(MeetingType.PARTY_LECTURE, "学习 GDP 与 AI 专题", date(2026, 3, 5),
                                                  minutes="讨论了 ChatGPT 的用法"))
        create_meeting(s, branch_id, MeetingInput(MeetingType.OTHER, "完成率 100%_达标", date(2026, 3, 6)))
        create_note(s, branch_id, NoteInput(studied_on=date(2026, 3, 7), title="Word 排版心得", material="",
                                            content="学会了 wps 的样式", hours=1.0, member_id=None, meeting_id=None))
    with db.reading() as s:
        for text in ("gdp", "GDP", "Gdp", "chatgpt", "CHATGPT"):
            assert [h.title for h in search(s, branch_id, text)] == ["学习 GDP 与 AI 专题"], text
        for text in ("word", "WPS", "Wps"):
            assert [h.title for h in search(s, branch_id, text)] == ["Word 排版心得"], text
            assert [n.title for n in list_notes(s, branch_id, text=text)] == ["Word 排版心得"], text
        assert [h.title for h in search(s, branch_id, "100%_")] == ["完成率 100%_达标"]
        assert search(s, branch_id, "100%x") == [] and search(s, branch_id, "率_1") == []
