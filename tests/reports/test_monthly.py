"""月度汇编: cover, contents whose page numbers are right, every held meeting, attendance table."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from models.db import Database
from models.enums import MeetingType
from models.errors import BranchBookError
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from reports.documents import write_document
from tests.reports.conftest import Sample, pdf_pages, pdf_rows

TITLES = {"研究发展党员工作": "支部委员会会议记录", "书记讲党课": "党课记录", "讨论接收预备党员": "支部党员大会会议记录"}


@pytest.fixture
def month_pdf(db: Database, sample: Sample, tmp_path: Path) -> Path:
    return write_document(db, "monthly", tmp_path / "month.pdf", branch_id=sample.branch_id, month="2025-03")


@pytest.fixture
def month_pages(month_pdf: Path) -> list[str]:
    return pdf_pages(month_pdf)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_cover_names_branch_month_and_superior(month_pages: list[str]) -> None:
    cover = _flat(month_pages[0])
    assert "测试第一党支部" in cover
    assert "中共测试局机关委员会" in cover
    assert "2025年3月会议记录汇编" in cover
    assert "会议次数：3次" in cover
    assert "1次计划中的会议尚未召开" in cover


def test_every_page_but_the_cover_is_numbered(month_pages: list[str]) -> None:
    total = len(month_pages)
    assert total >= 6  # cover, contents, three meetings, attendance
    assert "— 1 —" not in month_pages[0]  # no number on the cover
    for n, text in enumerate(month_pages[1:], 2):
        assert f"— {n} —" in text
    assert "测试第一党支部工作记录" not in month_pages[0]  # no running header on the cover
    assert "测试第一党支部工作记录" in month_pages[1]


def test_running_header_names_the_meeting(month_pages: list[str]) -> None:
    on_page = {n: text for n, text in enumerate(month_pages, 1)}
    assert any("3月20日 支部党员大会 讨论接收预备党员" in t for t in on_page.values())
    assert any("3月5日 支部委员会 研究发展党员工作" in t for t in on_page.values())
    assert "党员出勤情况表" in month_pages[-1].splitlines()[-1] or "党员出勤情况表" in month_pages[-1]
    assert "研究发展党员工作" not in month_pages[-1]


def test_contents_page_numbers_match_where_each_meeting_starts(month_pdf: Path, month_pages: list[str]) -> None:
    contents = pdf_rows(month_pdf)[1]
    assert contents[0] == "测试第一党支部工作记录"  # the running header
    assert contents[1].replace(" ", "") == "目录"
    assert contents[2] == "序号 日期 类型 会议名称 页码"
    starts: dict[str, int] = {}
    for n, text in enumerate(month_pages[2:], 3):
        flat = _flat(text)
        for title, heading in TITLES.items():
            if title not in starts and heading in flat and f"会议名称{title}" in flat:
                starts[title] = n
    assert set(starts) == set(TITLES)
    assert starts["研究发展党员工作"] < starts["书记讲党课"] < starts["讨论接收预备党员"]  # date order
    for title, page in starts.items():
        line = next(line for line in contents if title in line)
        assert line.split()[-1] == str(page), (title, line)
    attendance_start = next(n for n, t in enumerate(month_pages, 1) if "党员出勤情况表" in t and n > 2)
    line = next(line for line in contents if "党员出勤情况表" in line)
    assert line.split()[-1] == str(attendance_start)


def test_planned_meeting_is_left_out(month_pages: list[str]) -> None:
    assert not any("重温入党誓词" in text for text in month_pages)


def test_attendance_table_marks_each_member(month_pdf: Path) -> None:
    page = pdf_rows(month_pdf)[-1]
    assert "2025年3月党员出勤情况表" in page[1]
    assert page[2] == "序号 姓名 5日支委 12日党课 20日大会 出勤"
    rows = {line.split()[1]: line.split()[2:] for line in page if re.match(r"^\d+ \S+ ", line)}
    # columns: 5日支委, 12日党课, 20日大会, 出勤
    assert rows["王建华"] == ["出", "出", "出", "3/3"]
    assert rows["周平"] == ["—", "假", "假", "0/2"]
    assert rows["吴刚"] == ["—", "缺", "缺", "0/2"]
    assert rows["孙晓"] == ["—", "出", "出", "2/2"]
    assert len(rows) == 8


def test_month_without_meetings_is_refused(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    with pytest.raises(BranchBookError, match="2025年4月没有已召开的会议记录"):
        write_document(db, "monthly", out, branch_id=sample.branch_id, month="2025-04")
    assert not out.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_group_meetings_on_one_day_are_told_apart(db: Database, sample: Sample, tmp_path: Path) -> None:
    with db.transaction() as s:
        for group_id, names in zip(sample.group_ids, (("王建华", "李明"), ("张丽", "钱芳")), strict=True):
            create_meeting(s, sample.branch_id, MeetingInput(
                MeetingType.GROUP, "党小组学习", date(2025, 5, 9), group_id=group_id,
                attendance=[AttendanceInput(sample.members[n]) for n in names]))
    out = write_document(db, "monthly", tmp_path / "may.pdf", branch_id=sample.branch_id, month="2025-05")
    header = pdf_rows(out)[-1][2]
    assert header == "序号 姓名 9日第一小组 9日第二小组 出勤"
