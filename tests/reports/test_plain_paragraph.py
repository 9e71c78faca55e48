"""Plain text paragraphs are set up without ReportLab's markup parser (reports.cjkwrap
.plain_paragraph): they must come out exactly as the parser makes them."""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from reports.cjkwrap import CJKParagraph, plain_paragraph
from reports.layout import make_styles

TEXTS = [
    "会议名称", "张三、李四  王五", "  前后空白\t 和 制表符 ", "\u3000全角\u3000空格", "不间断\xa0空格", "𠮷林大学王𠮷",
    "", "   ", "a\r b", "2025年3月20日 14:30至16:00", "出席率 100%（12/12）", "é ü ß", "emoji 👍🏽 🇨🇳",
    # these go through the parser: entities, tags and line breaks
    "A&B <b>不是标签</b> 1 < 2 > 0", "第一行\n第二行\n\n第四行", "&amp; 原样",
]


@pytest.mark.parametrize("text", TEXTS)
def test_fragments_are_what_the_markup_parser_makes(text: str) -> None:
    styles = make_styles()
    for style in (styles.cell, styles.body, styles.title, styles.small_center):
        ours = plain_paragraph(text, style)
        parsed = CJKParagraph(escape(text).replace("\n", "<br/>"), style)
        assert [f.__dict__ for f in ours.frags] == [f.__dict__ for f in parsed.frags]
        assert (ours.text, ours.style, ours.bulletText) == (parsed.text, parsed.style, parsed.bulletText)
        width = 120.0
        assert ours.wrap(width, 1000) == parsed.wrap(width, 1000)
        assert [line.words[0].text if line.words else "" for line in ours.blPara.lines] == \
            [line.words[0].text if line.words else "" for line in parsed.blPara.lines]


def test_fragments_are_not_shared_between_paragraphs() -> None:
    styles = make_styles()
    a, b = plain_paragraph("甲", styles.cell), plain_paragraph("乙", styles.cell)
    assert a.frags[0] is not b.frags[0]
    assert a.frags[0].link is not b.frags[0].link and a.frags[0].us_lines is not b.frags[0].us_lines
    assert (a.frags[0].text, b.frags[0].text) == ("甲", "乙")
