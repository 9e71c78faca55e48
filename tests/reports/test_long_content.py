"""Any content prints: 60 列席 with their units, a 3,000-character 会议主题, a field no table
can hold — and one such meeting never blocks the month's compilation."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import main
from models.db import Database
from models.enums import MeetingType
from models.meetings import AttendanceInput, GuestInput, MeetingInput, create_meeting
from reports.documents import write_document
from tests.reports.conftest import Sample, pdf_pages

THEME = "深入学习贯彻党的二十大精神，推动基层党建工作高质量发展，" * 110  # about 3,000 characters


def _flat(pdf: Path) -> str:
    """The text without whitespace and without what is drawn around each page's body (running
    header, page number, 草稿 watermark: drawn after the body, they would interrupt a
    paragraph that runs over a page)."""
    parts = []
    for page in pdf_pages(pdf):
        flat = re.sub(r"\s+", "", page)
        cut = flat.rfind("测试第一党支部工作记录")
        flat = flat[:cut] if cut >= 0 else flat
        parts.append(flat.removesuffix("草稿"))
    return "".join(parts)


@pytest.fixture
def crowded(db: Database, sample: Sample) -> int:
    """A 主题党日 in the sample's month with 60 guests and a 3,000-character theme."""
    guests = [GuestInput(f"来宾{n:02d}", f"某某市某某区某某街道第{n}社区党委办公室", "组织员") for n in range(60)]
    with db.transaction() as s:
        return create_meeting(s, sample.branch_id, MeetingInput(
            MeetingType.THEME_DAY, "共建单位联合主题党日", date(2025, 3, 25), location="社区党群服务中心",
            host="王建华", recorder="李明", theme=THEME, minutes="共建单位党员共同参加主题党日活动。",
            attendance=[AttendanceInput(mid) for mid in sample.members.values()], guests=guests,
        ))


def test_sixty_guests_and_a_long_theme_print_every_character(
    db: Database, sample: Sample, crowded: int, tmp_path: Path
) -> None:
    pdf = write_document(db, "minutes", tmp_path / "m.pdf", branch_id=sample.branch_id, meeting_id=crowded)
    flat = _flat(pdf)
    for n in range(60):
        assert f"来宾{n:02d}（某某市某某区某某街道第{n}社区党委办公室，组织员）" in flat, n
    assert re.sub(r"\s+", "", THEME) in flat
    assert "共60人，见表后“列席人员”" in flat
    assert len(pdf_pages(pdf)) >= 3


def test_the_month_with_that_meeting_prints(
    db: Database, db_path: Path, sample: Sample, crowded: int, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "month.pdf"
    assert main.main(["report", "monthly", "--db", str(db_path), "--month", "2025-03", "--out", str(out)]) == 0
    flat = _flat(out)
    assert "来宾59（某某市某某区某某街道第59社区党委办公室，组织员）" in flat
    assert "讨论接收预备党员" in flat and "共建单位联合主题党日" in flat
    assert capsys.readouterr().err == ""


def test_a_field_no_table_can_hold_prints_as_text_and_is_named(
    db: Database, db_path: Path, sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    host = "王建华" + "（代理主持）" * 700  # a 主持人 cell taller than a page
    with db.transaction() as s:
        mid = create_meeting(s, sample.branch_id, MeetingInput(
            MeetingType.THEME_DAY, "异常主持人字段", date(2025, 3, 26), host=host, recorder="李明",
            minutes="活动内容。", attendance=[AttendanceInput(mid) for mid in sample.members.values()],
        ))
    out = tmp_path / "month.pdf"
    assert main.main(["report", "monthly", "--db", str(db_path), "--month", "2025-03", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "异常主持人字段" in err and "会议基本情况" in err and "文字形式" in err
    flat = _flat(out)
    assert re.sub(r"\s+", "", host) in flat
    assert "讨论接收预备党员" in flat  # the other meetings are still there, in their usual layout
    assert "应到会有表决权的党员7人，实到5人" in flat
    single = tmp_path / "one.pdf"
    assert main.main(["report", "minutes", "--db", str(db_path), "--meeting", str(mid), "--out", str(single)]) == 0
    assert "异常主持人字段" in capsys.readouterr().err
    assert re.sub(r"\s+", "", host) in _flat(single)
