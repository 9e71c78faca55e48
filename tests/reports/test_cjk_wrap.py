"""标点禁则: no printed line starts with a closing punctuation mark, none ends with an opening one."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Paragraph

from reports.cjkwrap import CANNOT_START
from reports.layout import BODY_WIDTH, SIZE_BODY, build_pdf, make_styles, para
from tests.reports.conftest import pdf_pages

CLOSING = "，。、；：！？）》」”’…"


def _variants() -> list[str]:
    """Texts that put a mark (or two) right where a line would break."""
    per_line = int(BODY_WIDTH // SIZE_BODY)  # characters on a full line
    first = per_line - 2  # the first line is indented by two characters
    texts = []
    for k in range(first - 2, first + 3):
        for mark in ("，", "；", "：", "！", "？", "”", "》", "。”", "”，", "……"):
            texts.append("党" * k + mark + "支" * per_line + mark + "部" * (per_line - 1) + mark + "记录")
    texts.append("学习" * 12 + "“四个意识”、坚定“四个自信”、做到“两个维护”，" * 3)
    return texts


def _lines(path: Path) -> list[str]:
    return [line.strip() for page in pdf_pages(path) for line in page.splitlines() if line.strip()]


def _render(tmp_path: Path, name: str, make: type[Paragraph] | None) -> list[str]:
    styles = make_styles()
    story = []
    for text in _variants():
        story.append(para(text, styles.body) if make is None else make(text, styles.body))
    out = tmp_path / name
    build_pdf(out, story, styles, title="断行测试")
    return [line for line in _lines(out) if not line.startswith("第 ")]


def test_no_line_starts_with_closing_punctuation(tmp_path: Path) -> None:
    lines = _render(tmp_path, "ours.pdf", None)
    assert len(lines) > 3 * len(_variants())  # the paragraphs really wrapped
    bad = [line for line in lines if line[0] in CLOSING]
    assert not bad
    assert not [line for line in lines if line[-1] in "“《（"]
    # nothing lost or duplicated
    text = "".join(lines)
    assert text.count("党") == sum(v.count("党") for v in _variants())
    assert text.count("，") == sum(v.count("，") for v in _variants())


def test_reportlab_alone_would_start_lines_with_a_comma(tmp_path: Path) -> None:
    """The cases above are real: ReportLab's own Japanese-oriented rule lets them through."""
    lines = _render(tmp_path, "plain.pdf", Paragraph)
    assert any(line[0] in "，；：”" for line in lines)


def test_rule_covers_chinese_marks() -> None:
    assert set(CLOSING) <= CANNOT_START
