"""会议记录 PDF: what an inspector reads on the page."""

from __future__ import annotations

import re
from pathlib import Path

from models.db import Database
from models.enums import MeetingType
from reports.documents import write_document
from tests.reports.conftest import Sample, pdf_pages, pdf_text


def _minutes(db: Database, sample: Sample, meeting_id: int, tmp_path: Path) -> Path:
    return write_document(db, "minutes", tmp_path / f"m{meeting_id}.pdf", branch_id=sample.branch_id,
                          meeting_id=meeting_id)


def test_header_fields_attendance_and_absence_reasons(db: Database, sample: Sample, tmp_path: Path) -> None:
    text = pdf_text(_minutes(db, sample, sample.assembly_id, tmp_path))
    flat = re.sub(r"\s+", "", text)
    assert "支部党员大会会议记录" in flat
    assert "（2025年第1次）" in flat
    for expected in ("会议名称讨论接收预备党员", "2025年3月20日14:30至16:00", "地点党员活动室",
                     "主持人王建华", "记录人李明", "应到人数8人", "实到人数6人", "会议主题严格程序发展党员"):
        assert expected in flat, expected
    present = flat[flat.index("出席人员") + 4: flat.index("缺席人员")]
    for name in ("王建华", "李明", "张丽", "赵强", "钱芳", "孙晓"):
        assert name in present
    assert "周平" not in present and "吴刚" not in present
    absent = flat[flat.index("缺席人员及原因"): flat.index("列席人员")]
    assert "周平（请假：病假，住院治疗）" in absent
    assert "吴刚（缺席）" in absent
    assert "刘敏（街道党工委，组织员）" in flat
    # 孙晓 is 预备党员: 7 have a vote, 5 of them present
    assert "应到会有表决权的党员7人，实到5人，超过半数" in flat


def test_votes_and_outcome_follow_the_assembly_rule(db: Database, sample: Sample, tmp_path: Path) -> None:
    flat = re.sub(r"\s+", "", pdf_text(_minutes(db, sample, sample.assembly_id, tmp_path)))
    decisions = flat[flat.index("决议"):]
    first = decisions[decisions.index("一、讨论接收孙晓为预备党员"): decisions.index("二、审议年度党费使用方案")]
    assert "同意接收孙晓同志为中共预备党员" in first
    assert "赞成5票，反对0票，弃权0票（应到会有表决权的党员7人" in first
    assert "结果：通过" in first
    second = decisions[decisions.index("二、审议年度党费使用方案"):]
    # 3 赞成 is not more than half of the 7 entitled to vote, although a majority of those voting
    assert "赞成3票，反对1票，弃权1票" in second
    assert "结果：未通过" in second
    assert "落实事项" in flat and "上报接收预备党员材料" in flat and "2025年3月31日" in flat
    assert "主持人（签字）" in flat and "记录人（签字）" in flat
    assert "定稿校验码" in flat


def test_minutes_text_is_printed_in_paragraphs(db: Database, sample: Sample, tmp_path: Path) -> None:
    flat = re.sub(r"\s+", "", pdf_text(_minutes(db, sample, sample.assembly_id, tmp_path)))
    assert "会议首先传达学习了上级党组织关于加强基层党支部建设的文件精神" in flat
    assert "在服务群众中发挥先锋模范作用。" in flat
    assert "与会党员对方案提出了修改意见。" in flat


def test_lecture_shows_lecturer_and_topic(db: Database, sample: Sample, tmp_path: Path) -> None:
    flat = re.sub(r"\s+", "", pdf_text(_minutes(db, sample, sample.lecture_id, tmp_path)))
    assert "党课记录" in flat
    assert "授课人王建华" in flat
    assert "党课题目深入学习贯彻党章" in flat
    assert "（2025年第1次，草稿）" in flat


def test_page_numbers_are_dashed_on_the_outer_side(db: Database, sample: Sample, tmp_path: Path) -> None:
    pdf = _minutes(db, sample, sample.assembly_id, tmp_path)
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    for n, text in enumerate(pages, 1):
        assert f"— {n} —" in text
        assert "测试第一党支部工作记录" in text
    from pypdf import PdfReader

    for n, page in enumerate(PdfReader(pdf).pages, 1):
        footer: list[tuple[float, str]] = []  # below the text block (a run per font)

        def visit(t: str, cm: list[float], tm: list[float], *_: object,
                  footer: list[tuple[float, str]] = footer) -> None:
            if t.strip() and tm[5] * cm[3] + cm[5] < 90:
                footer.append((tm[4] * cm[0] + cm[4], t))

        page.extract_text(visitor_text=visit)
        assert "".join(t for _x, t in footer).strip() == f"— {n} —"
        width = float(page.mediabox.width)
        assert (footer[0][0] > width / 2) == (n % 2 == 1), (n, footer)  # odd right, even left


def test_a_draft_is_watermarked(db: Database, sample: Sample, tmp_path: Path) -> None:
    draft = pdf_text(_minutes(db, sample, sample.committee_id, tmp_path))  # 草稿
    final = pdf_text(_minutes(db, sample, sample.assembly_id, tmp_path))  # 定稿
    assert draft.count("草稿") >= 2  # the subtitle and the watermark
    assert "草稿" not in final


def test_election_needs_four_fifths_present(db: Database, sample: Sample, tmp_path: Path) -> None:
    from models.meetings import get_meeting, update_meeting

    with db.transaction() as s:
        data = get_meeting(s, sample.lecture_id).to_input()
    data.meeting_type, data.is_election, data.title = MeetingType.GENERAL_ASSEMBLY, True, "选举支部委员会"
    data.lecturer = data.lecture_topic = ""
    with db.transaction() as s:
        update_meeting(s, sample.lecture_id, data)
    flat = re.sub(r"\s+", "", pdf_text(_minutes(db, sample, sample.lecture_id, tmp_path)))
    # 5 of the 7 entitled to vote came: more than half, but not more than 4/5
    assert "应到会有表决权的党员7人，实到5人，未超过五分之四，未达到法定人数" in flat


def test_planned_meeting_shows_blank_attendance_not_zero(db: Database, sample: Sample, tmp_path: Path) -> None:
    flat = re.sub(r"\s+", "", pdf_text(_minutes(db, sample, sample.planned_id, tmp_path)))
    assert "（2025年，计划）" in flat
    assert "尚未登记出席情况" in flat
    assert "应到人数0人" not in flat and "实到人数0人" not in flat


def test_an_empty_meeting_expects_what_its_signin_sheet_expects(db: Database, sample: Sample, tmp_path: Path) -> None:
    minutes = re.sub(r"\s+", "", pdf_text(_minutes(db, sample, sample.planned_id, tmp_path)))
    signin = write_document(db, "signin", tmp_path / "s.pdf", branch_id=sample.branch_id, meeting_id=sample.planned_id)
    expected = re.search(r"应到(\d+)人，实到____人", re.sub(r"\s+", "", pdf_text(signin)))
    assert expected is not None
    assert f"应到人数{expected.group(1)}人实到人数" in minutes
