"""签到表 and 年度台账."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

from models.db import Database
from models.roster import update_branch
from reports.documents import write_document
from tests.reports.conftest import Sample, pdf_rows, pdf_text

NAMES = ("王建华", "李明", "张丽", "赵强", "钱芳", "孙晓", "周平", "吴刚")


def test_signin_for_planned_meeting_lists_expected_members(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = write_document(db, "signin", tmp_path / "s.pdf", branch_id=sample.branch_id, meeting_id=sample.planned_id)
    rows = [re.sub(r"\s+", " ", line) for page in pdf_rows(out) for line in page]
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "主题党日签到表" in flat
    assert "会议名称重温入党誓词" in flat and "地点革命纪念馆" in flat and "主持人张丽" in flat
    assert "序号 姓 名 党小组/单位 类别 本人签名 备 注" in rows
    member_rows = [line.split() for line in rows if re.match(r"^\d+ \S+ 第.党小组", line)]
    assert sorted(r[1] for r in member_rows) == sorted(NAMES)
    assert ["孙晓", "第二党小组", "预备"] == next(r[1:4] for r in member_rows if r[1] == "孙晓")
    assert all(len(r) == 4 for r in member_rows)  # signature and 备注 left blank
    assert "应到8人，实到____人，请假____人，缺席____人；列席____人。" in flat
    guest_rows = [line for line in rows if re.fullmatch(r"\d+ 列席", line)]
    assert guest_rows == [f"{n} 列席" for n in range(9, 14)]  # blank rows for guests (none recorded)


def test_signin_for_held_meeting_notes_known_leave(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = write_document(db, "signin", tmp_path / "s.pdf", branch_id=sample.branch_id, meeting_id=sample.committee_id)
    rows = [line.split() for page in pdf_rows(out) for line in page if re.match(r"^\d+ \S+ 第.党小组", line)]
    assert [r[1] for r in rows] == ["王建华", "李明", "张丽"]  # a 支委会 expects the committee only
    out = write_document(db, "signin", tmp_path / "a.pdf", branch_id=sample.branch_id, meeting_id=sample.assembly_id)
    rows = [line.split() for page in pdf_rows(out) for line in page if re.match(r"^\d+ \S+ 第.党小组", line)]
    # 备注 stays blank for handwriting (a reader of the signed sheet takes writing there as a
    # question); leave known before the meeting is listed under the table
    assert next(r for r in rows if r[1] == "周平") == ["3", "周平", "第一党小组", "正式"]
    assert "会前已请假：周平（病假）。" in re.sub(r"\s+", "", pdf_text(out))


def test_signin_rows_are_tall_enough_to_sign(db: Database, sample: Sample, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = write_document(db, "signin", tmp_path / "s.pdf", branch_id=sample.branch_id, meeting_id=sample.planned_id)
    baselines: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if re.fullmatch(r"\d+", text.strip()) and tm[4] * cm[0] + cm[4] < 100:  # the 序号 column
            baselines.append(tm[5] * cm[3] + cm[5])

    PdfReader(out).pages[0].extract_text(visitor_text=visit)
    steps = {round((a - b) / 72 * 25.4, 1) for a, b in itertools.pairwise(baselines)}
    assert len(baselines) >= 8 and steps == {14.0}


def test_annual_ledger(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2025)
    pages = pdf_rows(out)
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "党支部工作台账" in flat and "测试第一党支部" in flat and "会议活动：3次" in flat
    grid = pages[1]
    assert grid[2] == "项目 1月 2月 3月 4月 5月 6月 7月 8月 9月 10月 11月 12月"
    committee = next(line for line in grid if line.startswith("支部委员会"))
    # 12 monthly cells: only March was held; the rest are marked 缺
    assert committee.split()[1:] == ["0/1缺", "0/1缺", "1/1"] + ["0/1缺"] * 9
    assembly = next(line for line in grid if line.startswith("支部党员大会"))
    assert assembly.split()[1:] == ["1/1", "0/1缺", "0/1缺", "0/1缺"]  # quarters
    assert "支部党员大会 1 8 6 75.0%" in grid  # 全年各类会议召开情况
    assert "合计 3 19 15 78.9%" in grid
    rows = [line for page in pages for line in page]
    listed = [line for line in rows if re.match(r"^\d+ 3月\d+日 ", line)]
    assert [line.split()[1] for line in listed] == ["3月5日", "3月12日", "3月20日"]
    assert "8/6" in listed[2]  # 应到/实到 of the 党员大会
    assert "重温入党誓词" not in flat  # planned, never held
    attendance = {line.split()[1]: line.split()[2:] for line in rows if re.match(r"^\d+ \S+ 第.党小组 \d+ .*%$", line)}
    assert attendance["王建华"] == ["第一党小组", "3", "3", "0", "0", "0", "100.0%"]  # 应到 出席 请假 缺席 未记
    assert attendance["周平"] == ["第一党小组", "2", "0", "2", "0", "0", "0.0%"]
    assert attendance["吴刚"] == ["第二党小组", "2", "0", "0", "2", "0", "0.0%"]
    study = {line.split()[1]: line.split()[2:] for line in rows if re.match(r"^\d+ \S+ 第.党小组 0 32 ", line)}
    assert set(study) == set(NAMES)
    assert study["李明"] == ["第一党小组", "0", "32", "差", "32"]
    assert "五、提醒事项" in flat
    assert "2025年4月支部委员会应召开1次，实际0次" in flat


def test_annual_ledger_for_a_year_without_meetings_says_so(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2024)
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "二、2024年度会议活动一览本年度没有已召开的会议活动记录。" in flat
    assert "会议名称主持人" not in flat  # no empty table header


def test_no_document_prints_an_unmasked_phone_or_id_number(db: Database, sample: Sample, tmp_path: Path) -> None:
    texts = [
        pdf_text(write_document(db, "minutes", tmp_path / "1.pdf", branch_id=sample.branch_id,
                                meeting_id=sample.assembly_id)),
        pdf_text(write_document(db, "signin", tmp_path / "2.pdf", branch_id=sample.branch_id,
                                meeting_id=sample.planned_id)),
        pdf_text(write_document(db, "monthly", tmp_path / "3.pdf", branch_id=sample.branch_id, month="2025-03")),
        pdf_text(write_document(db, "annual", tmp_path / "4.pdf", branch_id=sample.branch_id, year=2025)),
    ]
    for text in texts:
        assert "王建华" in text
        assert "13812345678" not in text and "11010519491231002X" not in text


def test_annual_ledger_marks_months_before_the_start_of_records(db: Database, sample: Sample,
                                                                tmp_path: Path) -> None:
    with db.transaction() as s:
        update_branch(s, sample.branch_id, "测试第一党支部", "", None, records_since=date(2025, 3, 1))
    out = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2025)
    grid = pdf_rows(out)[1]
    committee = next(line for line in grid if line.startswith("支部委员会"))
    # January and February are 未建账 (one merged cell, not shaded, not 缺); March on as before
    assert committee.split()[1:] == ["未建账", "1/1"] + ["0/1缺"] * 9
    assembly = next(line for line in grid if line.startswith("支部党员大会"))
    assert assembly.split()[1:] == ["1/1", "0/1缺", "0/1缺", "0/1缺"]  # Q1 ends after the start: due
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "“未建账”为建账日期（2025年3月1日）之前的月份" in flat
    assert "2025年2月支部委员会" not in flat and "2025年4月支部委员会应召开1次" in flat


def test_signin_of_an_other_meeting_is_titled_as_a_branch_activity(db: Database, sample: Sample,
                                                                    tmp_path: Path) -> None:
    from models.enums import MeetingType
    from models.meetings import MeetingInput, create_meeting

    with db.transaction() as s:
        mid = create_meeting(s, sample.branch_id, MeetingInput(meeting_type=MeetingType.OTHER, title="共建活动",
                                                               held_on=date(2025, 3, 8)))
    out = write_document(db, "signin", tmp_path / "o.pdf", branch_id=sample.branch_id, meeting_id=mid)
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "支部活动签到表" in flat and "其他签到表" not in flat


def test_recorded_guests_print_on_the_signin_sheet(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = write_document(db, "signin", tmp_path / "a.pdf", branch_id=sample.branch_id, meeting_id=sample.assembly_id)
    rows = [line for page in pdf_rows(out) for line in page]
    assert "9 刘敏 街道党工委 列席 组织员" in rows
    assert [line for line in rows if re.fullmatch(r"\d+ 列席", line)] == [f"{n} 列席" for n in range(10, 14)]


def test_annual_ledger_ends_with_signatures_and_date(db: Database, sample: Sample, tmp_path: Path) -> None:
    out = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2025)
    last = re.sub(r"\s+", "", "".join(pdf_rows(out)[-1]))
    assert "书记（签字）：" in last and "审核（签字）：" in last and "日期：________年_____月_____日" in last


def test_signin_and_ledger_list_groups_in_order_and_people_by_strokes(
    db: Database, sample: Sample, tmp_path: Path
) -> None:
    from models.name_order import name_key

    out = write_document(db, "signin", tmp_path / "s.pdf", branch_id=sample.branch_id, meeting_id=sample.planned_id)
    rows = [line.split() for page in pdf_rows(out) for line in page if re.match(r"^\d+ \S+ 第.党小组", line)]
    first = [r[1] for r in rows if r[2] == "第一党小组"]
    second = [r[1] for r in rows if r[2] == "第二党小组"]
    assert [r[1] for r in rows] == first + second  # 第一 before 第二
    assert first == ["王建华", "李明", "周平", "赵强"]  # 王4 李7 周8 赵9
    assert second == ["孙晓", "吴刚", "张丽", "钱芳"]  # 孙6 吴7 (wu) 张7 (zhang) 钱10
    assert first == sorted(first, key=name_key)
    ledger = write_document(db, "annual", tmp_path / "y.pdf", branch_id=sample.branch_id, year=2025)
    listed = [line.split() for page in pdf_rows(ledger) for line in page if re.match(r"^\d+ \S+ 第.党小组 \d", line)]
    names = [r[1] for r in listed[:8]]
    assert names == first + second
