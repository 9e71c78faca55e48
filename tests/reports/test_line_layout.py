"""Line layout like the record book: 28 characters to a justified line, nothing past a cell's
border, no number or name cut, no blank starting a line, no heading leaving the foot empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.platypus import Spacer

from reports.cjkwrap import keeping_names
from reports.layout import (
    BODY_WIDTH,
    PAGE_HEIGHT,
    build_pdf,
    heading,
    make_styles,
    para,
)
from tests.reports.conftest import pdf_pages

TEXT = "全体党员认真学习了上级党组织的文件精神并结合实际开展了讨论" * 8


def _line_texts(p: object) -> list[str]:
    return ["".join(w.text for w in line.words) for line in p.blPara.lines]  # type: ignore[attr-defined]


def _body_lines(pdf: Path) -> list[str]:
    return [ln.strip() for page in pdf_pages(pdf) for ln in page.splitlines()
            if ln.strip() and not ln.strip().startswith("—") and "测试" not in ln]


def test_body_text_is_justified_at_28_characters(tmp_path: Path) -> None:
    styles = make_styles()
    out = tmp_path / "body.pdf"
    build_pdf(out, [para(TEXT, styles.body)], styles, title="测试")
    lines = _body_lines(out)
    assert len(lines[0]) == 26  # two characters of indent
    assert all(len(line) == 28 for line in lines[1:-1]), [len(x) for x in lines]
    assert "".join(lines) == TEXT
    p = para(TEXT, styles.body)
    p.wrap(BODY_WIDTH, PAGE_HEIGHT)
    full = p.blPara.lines[1]
    # set to the measure: the spacing makes up the difference between 28 × 16 pt and 156 mm
    assert full.currentWidth + full.cjkCharSpace * (len(_line_texts(p)[1]) - 1) == pytest.approx(BODY_WIDTH)


def test_punctuation_stays_inside_a_cell() -> None:
    styles = make_styles()
    width = 40 * 2.834645669  # a 40 mm column
    for k in range(4, 14):
        for mark in ("，", "。", "）", "”", "、"):
            p = para("党" * k + mark + "支部委员会" + mark + "记录", styles.cell)
            p.wrap(width, 1000)
            for line, text in zip(p.blPara.lines, _line_texts(p)):
                assert line.currentWidth <= width + 0.01, (k, mark, text)
                assert text[0] not in "，。）”、", (k, mark, _line_texts(p))


def test_numbers_and_names_are_not_cut() -> None:
    styles = make_styles()
    per_line = 28
    for k in range(per_line - 6, per_line + 1):
        p = para("会" * k + "出席率100%，12.5%的党员李堃喆同志发言。" * 2, styles.plain)
        with keeping_names(["李堃喆"]):
            p.wrap(BODY_WIDTH, 2000)
        joined = "|".join(_line_texts(p))
        for whole in ("100%", "12.5%", "李堃喆"):
            assert joined.count(whole) == 2, (k, joined)


def test_no_blank_starts_a_wrapped_line() -> None:
    styles = make_styles()
    p = para(" ".join(["王建华同志发言"] * 30), styles.body)
    p.wrap(BODY_WIDTH, 2000)
    texts = _line_texts(p)
    assert len(texts) > 3
    assert not [t for t in texts[1:] if t[:1] in (" ", "\u3000")]


def test_a_heading_stays_with_the_start_of_a_long_paragraph(tmp_path: Path) -> None:
    styles = make_styles()
    out = tmp_path / "heading.pdf"
    # about 50 mm left on page 1: room for the heading and a few lines, not for the paragraph
    build_pdf(out, [Spacer(1, 175 * 2.834645669), heading("会议内容", styles), para(TEXT * 2, styles.body)],
              styles, title="测试")
    first = pdf_pages(out)[0]
    assert "会议内容" in first
    assert "全体党员认真学习" in first  # the paragraph starts under its heading, not on the next page


def test_lines_made_once_follow_the_width_and_the_names_kept_whole() -> None:
    """A paragraph keeps its lines between wraps (tables wrap each cell twice), but only for
    the same width and the same names: anything else breaks it anew."""
    styles = make_styles()
    text = "会" * 26 + "李堃喆同志发言。" * 3
    p = para(text, styles.plain)
    p.wrap(BODY_WIDTH, 2000)
    plain = _line_texts(p)
    with keeping_names(["李堃喆"]):
        p.wrap(BODY_WIDTH, 2000)
        named = _line_texts(p)
    assert plain[0].endswith("李堃") and named[0].endswith("会")  # the name moved down whole
    p.wrap(BODY_WIDTH / 2, 2000)
    narrow = _line_texts(p)
    assert len(narrow) > len(plain)
    fresh = para(text, styles.plain)
    fresh.wrap(BODY_WIDTH / 2, 2000)
    assert narrow == _line_texts(fresh)
    p.wrap(BODY_WIDTH, 2000)
    assert _line_texts(p) == plain
