"""Word (.docx) for WPS/Word users: the same content as the PDF, read back with python-docx."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

import main
from models.db import Database
from reports.documents import write_document
from tests.reports.conftest import Sample, pdf_text


def _all_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            seen: list[object] = []
            for cell in row.cells:  # merged cells repeat: count each once
                if cell._tc not in seen:
                    seen.append(cell._tc)
                    parts.append(cell.text)
    return re.sub(r"\s+", "", "".join(parts))


def test_minutes_as_word_from_the_command_line(
    db: Database, db_path: Path, sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "会议记录.docx"
    code = main.main(["report", "minutes", "--db", str(db_path), "--meeting", str(sample.assembly_id),
                      "--out", str(out)])
    assert code == 0 and capsys.readouterr().out.strip() == str(out)
    d = docx.Document(str(out))
    section = d.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.mm) == 28 and round(section.top_margin.mm) == 37
    fonts = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert d.paragraphs[0].text == "支部党员大会会议记录"
    assert d.paragraphs[0].runs[0].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "方正小标宋简体"
    header = d.tables[0]
    assert [c.text for c in header.rows[0].cells][:2] == ["会议名称", "讨论接收预备党员"]
    assert round(header.rows[0].cells[0].width / Mm(1)) == 28
    text = _all_text(out)
    # the same content as the PDF: every line of the PDF's body is in the Word file
    pdf = tmp_path / "m.pdf"
    write_document(db, "minutes", pdf, branch_id=sample.branch_id, meeting_id=sample.assembly_id)
    pdf_flat = re.sub(r"\s+", "", pdf_text(pdf))
    for expected in ("周平（请假：病假，住院治疗）", "吴刚（缺席）", "刘敏（街道党工委，组织员）", "严格程序发展党员",
                     "应到会有表决权的党员7人，实到5人，超过半数", "同意接收孙晓同志为中共预备党员。",
                     "表决结果：赞成5票，反对0票，弃权0票", "上报接收预备党员材料", "主持人（签字）：", "日期："):
        assert expected in text, expected
        assert expected in pdf_flat, expected


def test_signin_and_monthly_as_word(db: Database, sample: Sample, tmp_path: Path) -> None:
    signin = write_document(db, "signin", tmp_path / "s.docx", branch_id=sample.branch_id,
                            meeting_id=sample.assembly_id)
    d = docx.Document(str(signin))
    sheet = d.tables[1]
    assert [c.text for c in sheet.rows[0].cells] == ["序号", "姓　名", "党小组/单位", "类别", "本人签名", "备　注"]
    names = [row.cells[1].text for row in sheet.rows[1:] if row.cells[1].text and row.cells[3].text != "列席"]
    assert len(names) == 8 and "周平" in names
    assert ["刘敏", "街道党工委", "列席"] in [[c.text for c in row.cells[1:4]] for row in sheet.rows]
    assert sheet.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    month = write_document(db, "monthly", tmp_path / "m.docx", branch_id=sample.branch_id, month="2025-03")
    text = _all_text(month)
    for expected in ("2025年3月会议记录汇编", "研究发展党员工作", "书记讲党课", "讨论接收预备党员",
                     "2025年3月党员出勤情况表", "“出”为出席"):
        assert expected in text, expected
    assert text.count("主持人（签字）：") == 3  # every held meeting's record


def test_annual_ledger_stays_pdf_only(db: Database, sample: Sample, tmp_path: Path) -> None:
    from models.errors import BranchBookError

    with pytest.raises(BranchBookError, match="只能生成 PDF"):
        write_document(db, "annual", tmp_path / "y.docx", branch_id=sample.branch_id, year=2025)
    assert not list(tmp_path.glob("*.docx*"))
