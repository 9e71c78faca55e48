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


def test_overlong_search_gets_a_chinese_message(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        create_meeting(s, branch_id, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 5)))
    with db.reading() as s:
        assert [h.title for h in search(s, branch_id, "谈心")] == ["谈心谈话"]
        assert search(s, branch_id, "谈" * MAX_SEARCH_CHARS) == []
        with pytest.raises(BranchBookError) as caught:
            search(s, branch_id, "党" * 100_000)
    assert "搜索内容太长" in caught.value.message and caught.value.field == "text"
