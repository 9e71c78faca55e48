"""The annual ledger and the monthly compilation show 应到 from the dated roll as of each
meeting's date, and mark a meeting whose attendance list leaves out somebody 应到."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from models.db import Database
from models.enums import MeetingType
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from reports.documents import write_document
from tests.reports.conftest import Sample, pdf_rows, pdf_text

LISTED = ("王建华", "李明", "张丽", "赵强")  # of the 8 on the roll


@pytest.fixture
def short_list(db: Database, sample: Sample) -> int:
    """A 党员大会 whose attendance list holds only 4 of the 8 members 应到."""
    with db.transaction() as s:
        return create_meeting(s, sample.branch_id, MeetingInput(
            MeetingType.GENERAL_ASSEMBLY, "学习贯彻全会精神", date(2025, 3, 25), host="王建华", recorder="李明",
            attendance=[AttendanceInput(sample.members[n]) for n in LISTED]))


def test_annual_ledger_lists_expected_from_the_roll(db: Database, sample: Sample, short_list: int,
                                                    tmp_path: Path) -> None:
    out = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2025)
    rows = [line for page in pdf_rows(out) for line in page]
    listed = [line for line in rows if re.match(r"^\d+ 3月\d+日 ", line)]
    assert [line.split()[1] for line in listed] == ["3月5日", "3月12日", "3月20日", "3月25日"]
    # the 应到/实到 cell of that row holds two lines, one above and one below the row's baseline:
    # 应到 8 on the roll, 4 entered (all present), and the flag
    at = rows.index(listed[3])
    assert rows[at - 1:at + 2:2] == ["8/4", "名单不全"]
    assert listed[0].endswith("3/3")  # the 支委会: the three committee members
    assert "支部党员大会 2 16 10 62.5%" in rows  # 应到人次 from the roll: 8 + 8
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "应到人数按会议当日的党员名册计算" in flat and "有1次会议出席情况有误" in flat


def test_monthly_compilation_marks_members_missing_from_the_list(db: Database, sample: Sample, short_list: int,
                                                                 tmp_path: Path) -> None:
    out = write_document(db, "monthly", tmp_path / "m.pdf", branch_id=sample.branch_id, month="2025-03")
    page = [line for p in pdf_rows(out)[-2:] for line in p]
    assert "序号 姓名 5日支委 12日党课 20日大会 25日大会 出勤" in page
    rows = {line.split()[1]: line.split()[2:] for line in page if re.match(r"^\d+ \S+ ", line)}
    assert rows["王建华"] == ["出", "出", "出", "出", "4/4"]
    assert rows["钱芳"] == ["—", "出", "出", "未记", "2/3"]  # 应到 on the 25th, not on the list
    assert rows["吴刚"] == ["—", "缺", "缺", "未记", "0/3"]
    assert "未记”为应到但未登记出席情况" in re.sub(r"\s+", "", pdf_text(out))


def test_annual_ledger_counts_a_member_left_off_a_list_as_unrecorded(db: Database, sample: Sample, short_list: int,
                                                                     tmp_path: Path) -> None:
    """Section 三: 应到 from the roll for every member, the missing row as 未记 (not 缺席)."""
    out = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2025)
    rows = [line for page in pdf_rows(out) for line in page]
    head = next(i for i, line in enumerate(rows) if line.startswith("序号 姓名 党小组 应到"))
    assert rows[head] == "序号 姓名 党小组 应到 出席 请假 缺席 未记 出勤率"
    table = {line.split()[1]: line.split()[2:] for line in rows[head + 1:]
             if re.match(r"^\d+ \S+ 第.党小组 \d.*%$", line)}
    assert table["王建华"] == ["第一党小组", "4", "4", "0", "0", "0", "100.0%"]
    assert table["钱芳"][:6] == ["第二党小组", "3", "2", "0", "0", "1"]  # 应到 on the 25th, not on the list
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "未记：按会议当日的党员名册应参加、但该次会议未登记其出席情况的次数，不计为缺席" in flat


def test_stats_workbook_has_an_unrecorded_column(db: Database, sample: Sample, short_list: int,
                                                 tmp_path: Path) -> None:
    import openpyxl

    from models.compliance import compliance_for_year
    from reports.xlsx_stats import export_stats

    with db.reading() as s:
        data = compliance_for_year(s, sample.branch_id, 2025, date(2026, 2, 1))
    path = tmp_path / "统计.xlsx"
    export_stats(data, path)
    sheet = openpyxl.load_workbook(path)["出勤统计"]
    assert [c.value for c in sheet[1]] == ["党小组", "姓名", "应到（次）", "出席", "请假", "缺席", "未记", "出勤率"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]}
    assert rows["钱芳"][2:7] == (3, 2, 0, 0, 1) and rows["王建华"][2:7] == (4, 4, 0, 0, 0)
    assert sheet.cell(row=2, column=8).number_format == "0.0%"
    for r in rows.values():
        assert r[2] == sum(r[3:7])  # 应到 = 出席 + 请假 + 缺席 + 未记
    notes = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] and str(r[0]).startswith("未记：")]
    assert len(notes) == 1
