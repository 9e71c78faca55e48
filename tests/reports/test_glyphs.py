"""Rare characters (CJK Extension B and later, emoji) print: in a fallback font embedded as a
subset, or as a visible placeholder with a warning — never as nothing."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

import main
from models.db import Database
from models.enums import MeetingType
from models.meetings import AttendanceInput, GuestInput, MeetingInput, create_meeting
from models.roster import create_group
from reports import fonts, glyphs
from reports.documents import write_document
from tests.reports.conftest import _member, font_embedding, pdf_text

HANAZONO = Path("/usr/share/fonts/truetype/hanazono")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
RARE = "𠮷𪚥"  # CJK Extension B: in HanaMin and SimSun-ExtB, not in 仿宋 or 文泉驿
NOWHERE = "\U000f0001"  # a private-use character no font has


@pytest.fixture
def rare_meeting(db: Database, branch_id: int) -> int:
    with db.transaction() as s:
        group = create_group(s, branch_id, "第一党小组")
        wang = _member(s, branch_id, "王𠮷", group)
        other = _member(s, branch_id, "李𪚥", group)
        return create_meeting(s, branch_id, MeetingInput(
            MeetingType.GENERAL_ASSEMBLY, "𠮷林大学来访座谈", date(2025, 3, 20), location="党员活动室",
            host="王𠮷", recorder="李𪚥", minutes="王𠮷同志介绍了𠮷林大学的经验。😀",
            attendance=[AttendanceInput(wang), AttendanceInput(other)],
            guests=[GuestInput(f"刘{NOWHERE}", "𠮷林大学", "教授")],
        ))


def _fonts_in(folder: Path, *files: Path) -> None:
    folder.mkdir(exist_ok=True)
    for f in files:
        shutil.copy(f, folder / f.name)
    fonts.set_search_dirs([folder])


def _glyph_fonts(pdf: Path, char: str) -> set[str]:
    """BaseFont names of the fonts whose ToUnicode maps some code to ``char``."""
    found = set()
    for page in PdfReader(pdf).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            cmap = font.get("/ToUnicode")
            if cmap is not None and char.encode("utf-16-be").hex().upper() in cmap.get_object().get_data().decode():
                found.add(str(font["/BaseFont"]))
    return found


@pytest.mark.skipif(not (HANAZONO / "HanaMinB.ttf").is_file(), reason="needs fonts-hanazono (CI installs it)")
def test_extension_b_names_print_in_an_embedded_fallback_font(
    db: Database, branch_id: int, rare_meeting: int, tmp_path: Path
) -> None:
    folder = tmp_path / "fonts"
    _fonts_in(folder, HANAZONO / "HanaMinA.ttf", HANAZONO / "HanaMinB.ttf")  # body: the bundled 微米黑
    for kind in ("minutes", "signin"):
        notices: list[str] = []
        pdf = write_document(db, kind, tmp_path / f"{kind}.pdf", branch_id=branch_id, meeting_id=rare_meeting,
                             notices=notices)
        flat = re.sub(r"\s+", "", pdf_text(pdf))
        assert "王𠮷" in flat and "李𪚥" in flat, flat
        used = font_embedding(pdf)
        assert all(used.values()), used
        holders = _glyph_fonts(pdf, "𠮷")
        assert holders and all("HanaMin" in name for name in holders), holders
    flat = re.sub(r"\s+", "", pdf_text(tmp_path / "minutes.pdf"))
    for expected in ("主持人王𠮷", "记录人李𪚥", "𠮷林大学来访座谈", "王𠮷同志介绍了𠮷林大学的经验。"):
        assert expected in flat, expected
    # the private-use character is in no font: a placeholder, and the user is told which
    assert f"刘{glyphs.PLACEHOLDER}" in flat
    assert NOWHERE not in flat


def test_without_a_fallback_font_the_placeholder_prints_and_the_cli_warns(
    db: Database, db_path: Path, branch_id: int, rare_meeting: int, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    fonts.set_search_dirs([empty])  # only the bundled font, which has no Extension B
    out = tmp_path / "minutes.pdf"
    code = main.main(["report", "minutes", "--db", str(db_path), "--meeting", str(rare_meeting), "--out", str(out)])
    assert code == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "𠮷（U+20BB7）" in captured.err and "𪚥（U+2A6A5）" in captured.err
    assert "□" in captured.err
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "主持人王□" in flat and "记录人李□" in flat
    assert "□林大学来访座谈" in flat


def test_fallback_is_only_loaded_for_documents_that_need_it(db: Database, tmp_path: Path) -> None:
    if WQY.is_file():
        _fonts_in(tmp_path / "f", WQY)
    body = fonts.fonts().body.name
    assert glyphs.runs("王建华同志", body) == [(body, "王建华同志")]
    assert not glyphs.needs_runs("王建华同志", body)
    # variation selectors, joiners and soft hyphens print nothing and are not "missing";
    # a space the font lacks (no-break, thin) prints as a space
    with glyphs.collect_missing() as missing:
        assert "".join(t for _f, t in glyphs.runs("党\ufe0f员\u200d\u00ad", body)) == "党员"
        assert "".join(t for _f, t in glyphs.runs("党\u2009员", body)) in ("党\u2009员", "党 员")
    assert not missing


def test_cmap_reader_agrees_with_reportlab() -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    path = fonts.bundled_path()
    assert glyphs.read_cmap(path) == frozenset(TTFont("cmapcheck", str(path)).face.charToGlyph)
    assert glyphs.read_cmap(path.with_name("no-such-font.ttf")) == frozenset()
