"""The month's 出勤情况表 grid (reports.string_grid): drawn without ReportLab's Table, it must still
run over pages with its header on each, keep every row once and in order, keep an overlong name
inside its column, and print a rare character in a fallback font."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.units import mm

from models.db import Database
from reports.documents import write_document
from reports.layout import (
    BODY_WIDTH,
    RULE_COLOR,
    SIZE_SMALL,
    build_pdf,
    make_styles,
    para,
)
from reports.string_grid import StringGrid
from tests.reports.conftest import pdf_pages, pdf_rows
from tests.reports.test_glyphs import HANAZONO, _fonts_in, rare_meeting  # noqa: F401 (fixture)

LONG = "阿卜杜热合曼·买买提艾力"


def _grid_pdf(path: Path, rows: list[tuple[str, ...]]) -> None:
    s = make_styles()
    widths = [10 * mm, 20 * mm, *([(BODY_WIDTH - 30 * mm) / 3] * 3)]
    head = [para(h, s.small_label) for h in ("序号", "姓名", "3日大会", "9日支委", "出勤")]
    build_pdf(path, [para("出勤情况表", s.title),
                     StringGrid(head, rows, widths, font=s.fonts.body.name, size=SIZE_SMALL, padding=2,
                                rule_color=RULE_COLOR)],
              s, title="出勤情况表")


def test_a_long_grid_runs_over_pages_with_its_header_on_each(tmp_path: Path) -> None:
    rows = [(str(n), f"党员{n:03d}", "出", "—", "1/1") for n in range(1, 151)]
    pdf = tmp_path / "grid.pdf"
    _grid_pdf(pdf, rows)
    pages = pdf_rows(pdf)
    assert len(pages) >= 3
    seen: list[str] = []
    for lines in pages:
        head = next(i for i, line in enumerate(lines) if line.replace(" ", "").startswith("序号姓名"))
        body = [line.split() for line in lines[head + 1:] if re.match(r"^\d+ 党员\d{3}", line)]
        assert body, lines
        seen += [cells[0] for cells in body]
        assert all(cells[2:] == ["出", "—", "1/1"] for cells in body), body
    assert seen == [str(n) for n in range(1, 151)]  # every row once, in order


def test_an_overlong_name_stays_inside_its_column(tmp_path: Path) -> None:
    import numpy as np
    import pypdfium2 as pdfium

    pdf = tmp_path / "grid.pdf"
    _grid_pdf(pdf, [("1", "王强", "出", "出", "2/2"), ("2", LONG, "", "", "")])
    doc = pdfium.PdfDocument(str(pdf))
    page = doc[0]
    scale = 150 / 72
    ink = np.asarray(page.render(scale=scale).to_pil().convert("L")) < 160
    textpage = page.get_textpage()
    # the long name's row: the characters' boxes give its vertical band
    start = textpage.get_text_range().index(LONG[0])
    boxes = [textpage.get_charbox(start + k) for k in range(len(LONG))]
    top, bottom = max(b[3] for b in boxes), min(b[1] for b in boxes)
    rows = slice(int((page.get_height() - top) * scale) - 1, int((page.get_height() - bottom) * scale) + 2)
    name_left = 28 * mm + 10 * mm
    next_left, next_right = name_left + 20 * mm, name_left + 20 * mm + (BODY_WIDTH - 30 * mm) / 3
    # the empty cell to the right: no ink but its rules (2 px each side)
    cell = ink[rows, int(next_left * scale) + 3:int(next_right * scale) - 3]
    assert not cell.any(), "the name runs into the next column"
    assert min(b[0] for b in boxes) >= name_left - 0.5 and max(b[2] for b in boxes) <= next_left + 0.5
    # and it is still printed large enough to read
    assert max(b[3] - b[1] for b in boxes) >= 5.5
    textpage.close()
    page.close()
    doc.close()


@pytest.mark.skipif(not (HANAZONO / "HanaMinB.ttf").is_file(), reason="needs fonts-hanazono (CI installs it)")
def test_a_rare_character_name_prints_in_the_month_grid(db: Database, branch_id: int, rare_meeting: int,  # noqa: F811
                                                        tmp_path: Path) -> None:
    _fonts_in(tmp_path / "fonts", HANAZONO / "HanaMinA.ttf", HANAZONO / "HanaMinB.ttf")
    pdf = write_document(db, "monthly", tmp_path / "month.pdf", branch_id=branch_id, month="2025-03")
    grid_page = re.sub(r"\s+", "", pdf_pages(pdf)[-1])
    assert "2025年3月党员出勤情况表" in grid_page
    assert "王𠮷" in grid_page and "李𪚥" in grid_page
    assert date(2025, 3, 20).day == 20 and "20日大会" in grid_page
