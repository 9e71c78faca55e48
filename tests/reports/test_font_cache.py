"""The font metrics kept in the user's cache folder (reports/font_cache.py): used only while they
match the font file; a stale or damaged entry, or a cache folder that cannot be written, never
changes what is printed."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from models import paths
from models.db import Database
from reports import font_cache, fonts
from reports.documents import write_document
from tests.reports.conftest import Sample, font_embedding, pdf_text

TEXT = "支部党员大会会议记录 2025年3月20日，出席 8 人（ABC xyz）。"


@pytest.fixture
def font_file(tmp_path: Path) -> Path:
    """A copy of the bundled font in a folder of its own (the only font documents can find)."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    target = folder / fonts.BUNDLED_FILE
    shutil.copy(fonts.bundled_path(), target)
    return target


def entries() -> list[Path]:
    return sorted(font_cache.folder().glob("*.metrics"))


def pdf_bytes(font: TTFont) -> bytes:
    """A page of TEXT in ``font``, written reproducibly (no dates, fixed ids)."""
    pdfmetrics.registerFont(font)
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setFont(font.fontName, 16)
    canvas.drawString(72, 700, TEXT)
    canvas.save()
    return out.getvalue()


def test_metrics_are_kept_and_print_exactly_like_a_freshly_read_font(font_file: Path) -> None:
    first = font_cache.tt_font("BBT-first", font_file)
    assert len(entries()) == 1
    kept = font_cache.tt_font("BBT-kept", font_file)
    assert not isinstance(first.face, font_cache._CachedFace)
    assert isinstance(kept.face, font_cache._CachedFace)  # read from the cache, not parsed again
    fresh = TTFont("BBT-fresh", str(font_file))
    for key in ("charToGlyph", "charWidths", "glyphPos", "hmetrics", "glyphToChar", "ascent", "descent", "bbox"):
        assert getattr(kept.face, key) == getattr(fresh.face, key), key
    assert kept.stringWidth(TEXT, 16) == fresh.stringWidth(TEXT, 16)
    # the same page, byte for byte: same widths, same embedded subset
    assert pdf_bytes(kept) == pdf_bytes(fresh)


def test_an_entry_of_a_changed_font_file_is_not_used(font_file: Path) -> None:
    font = TTFont("BBT-doctored", str(font_file))
    font.face.charWidths = {code: width * 2 for code, width in font.face.charWidths.items()}
    font_cache._store(font_file, 0, font.face)  # an entry that no longer matches what the file holds
    assert font_cache.tt_font("BBT-a", font_file).face.charWidths[ord("支")] == font.face.charWidths[ord("支")]
    later = os.stat(font_file).st_mtime_ns + 5_000_000_000
    os.utime(font_file, ns=(later, later))  # the font file was replaced since
    right = TTFont("BBT-right", str(font_file)).face.charWidths
    assert font_cache.tt_font("BBT-b", font_file).face.charWidths == right
    again = font_cache.tt_font("BBT-c", font_file).face  # kept anew for the file as it is now
    assert isinstance(again, font_cache._CachedFace) and again.charWidths == right


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_entry_is_ignored_and_rewritten(font_file: Path, damage: str) -> None:
    font_cache.tt_font("BBT-first", font_file)
    [entry] = entries()
    data = entry.read_bytes()
    entry.write_bytes({"garbage": os.urandom(4096), "truncated": data[: len(data) // 2], "empty": b""}[damage])
    fresh = TTFont("BBT-fresh", str(font_file))
    font = font_cache.tt_font("BBT-again", font_file)
    assert not isinstance(font.face, font_cache._CachedFace)
    assert font.face.charWidths == fresh.face.charWidths
    assert pdf_bytes(font) == pdf_bytes(fresh)
    assert entry.read_bytes() == data  # a good entry again


def test_documents_print_when_the_cache_folder_cannot_be_written(
    db: Database, sample: Sample, font_file: Path, tmp_path: Path
) -> None:
    blocker = paths.cache_dir()
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")  # nothing can be created below it
    fonts.set_search_dirs([font_file.parent])
    out = write_document(db, "monthly", tmp_path / "month.pdf", branch_id=sample.branch_id, month="2025-03")
    assert "讨论接收预备党员" in pdf_text(out)
    used = font_embedding(out)
    assert used and all(used.values()) and all("WenQuanYiMicroHei" in name for name in used), used
    assert blocker.read_text() == "not a folder"


def test_documents_print_from_a_damaged_entry(db: Database, sample: Sample, font_file: Path, tmp_path: Path) -> None:
    font_cache.tt_font("BBT-first", font_file)
    [entry] = entries()
    entry.write_bytes(entry.read_bytes()[:1000])
    fonts.set_search_dirs([font_file.parent])
    out = write_document(db, "minutes", tmp_path / "minutes.pdf", branch_id=sample.branch_id,
                         meeting_id=sample.assembly_id)
    assert "讨论接收预备党员" in pdf_text(out)
    used = font_embedding(out)
    assert used and all(used.values()), used


def test_the_cache_folders_it_creates_are_private(font_file: Path) -> None:
    font_cache.tt_font("BBT-first", font_file)
    for folder in (paths.data_dir(), paths.cache_dir(), font_cache.folder()):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    [entry] = entries()
    assert entry.stat().st_mode & 0o777 == 0o600
