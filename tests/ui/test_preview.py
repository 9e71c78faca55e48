"""The print preview: a real PDF in QPdfView, zoom, 另存为PDF, and printing into a PDF printer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

import ui.msgbox
from models.db import Database
from models.enums import Gender, MeetingType
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from models.roster import MemberInput, create_member
from reports.documents import write_document
from ui.preview import PdfPreviewDialog, preview_report


@pytest.fixture
def meeting_id(db: Database, branch_id: int) -> int:
    with db.transaction() as s:
        ids = [create_member(s, branch_id, MemberInput(f"党员{n}", Gender.FEMALE, date(2012, 1, 1))) for n in "甲乙丙"]
        return create_meeting(s, branch_id, MeetingInput(
            MeetingType.THEME_DAY, "参观红色教育基地", date(2025, 6, 1), host="党员甲", recorder="党员乙",
            minutes="全体党员参观了红色教育基地，接受革命传统教育。\n" * 40,
            attendance=[AttendanceInput(i) for i in ids]))


@pytest.fixture
def pdf(db: Database, branch_id: int, meeting_id: int, tmp_path: Path) -> Path:
    return write_document(db, "minutes", tmp_path / "minutes.pdf", branch_id=branch_id, meeting_id=meeting_id)


@pytest.fixture
def auto_answer() -> Iterator[list[str]]:
    ui.msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Ok
    ui.msgbox.ASKED.clear()
    yield ui.msgbox.ASKED
    ui.msgbox.AUTO_ANSWER = None
    ui.msgbox.ASKED.clear()


def test_dialog_shows_every_page_and_zooms(qtbot: QtBot, pdf: Path) -> None:
    dialog = PdfPreviewDialog(pdf, "会议记录")
    qtbot.addWidget(dialog)
    dialog.show()
    pages = len(PdfReader(pdf).pages)
    assert pages >= 2
    assert dialog.page_count == pages
    assert dialog.pages_label.text() == f"共 {pages} 页"
    before = dialog.view.zoomFactor()
    qtbot.mouseClick(dialog.zoom_in_button, Qt.MouseButton.LeftButton)
    assert dialog.view.zoomFactor() == pytest.approx(before * 1.25)
    dialog.zoom_out()
    assert dialog.view.zoomFactor() == pytest.approx(before)
    dialog.fit_width()
    assert dialog.view.zoomMode() == dialog.view.ZoomMode.FitToWidth
    dialog.grab().save(str(pdf.with_suffix(".png")))
    dialog.close()


def test_save_as_copies_the_pdf(qtbot: QtBot, pdf: Path, tmp_path: Path) -> None:
    dialog = PdfPreviewDialog(pdf, "会议记录")
    qtbot.addWidget(dialog)
    saved = dialog.save_as(tmp_path / "保存的记录")
    assert saved == tmp_path / "保存的记录.pdf"
    assert saved.read_bytes() == pdf.read_bytes()


def test_save_as_into_a_missing_folder_says_why_in_chinese(qtbot: QtBot, pdf: Path, tmp_path: Path,
                                                           auto_answer: list[str]) -> None:
    dialog = PdfPreviewDialog(pdf, "会议记录")
    qtbot.addWidget(dialog)
    target = tmp_path / "不存在的文件夹" / "记录.pdf"
    assert dialog.save_as(target) is None and not target.exists()
    assert auto_answer == [(f"无法保存到“{target}”：文件可能正被打开，或该位置没有写入权限。"
                            "请换一个位置，或关闭已打开的同名文件后再试。")]


def test_printing_renders_every_page(qtbot: QtBot, pdf: Path, tmp_path: Path) -> None:
    dialog = PdfPreviewDialog(pdf, "会议记录")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_document(printer) == dialog.page_count
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == dialog.page_count
    # a page range prints only those pages
    printer.setOutputFileName(str(tmp_path / "page2.pdf"))
    printer.setFromTo(2, 2)
    assert dialog.render_to(printer) == 1
    assert len(PdfReader(tmp_path / "page2.pdf").pages) == 1


def test_preview_report_builds_off_thread_and_opens_the_dialog(
    qtbot: QtBot, db: Database, branch_id: int, meeting_id: int
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    preview_report(parent, db, "minutes", branch_id=branch_id, meeting_id=meeting_id)

    def opened() -> PdfPreviewDialog:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible()]
        assert found
        return found[0]

    qtbot.waitUntil(lambda: bool(opened()), timeout=10000)
    dialog = opened()
    assert dialog.page_count >= 2
    assert dialog.suggested_name == f"会议记录-{meeting_id}.pdf"
    folder = dialog.pdf_path.parent
    assert folder.is_dir()
    dialog.close()
    assert not folder.exists()  # the temporary copy is removed


def test_preview_report_shows_the_chinese_error(
    qtbot: QtBot, db: Database, branch_id: int, auto_answer: list[str]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    preview_report(parent, db, "monthly", branch_id=branch_id, month="2025-02")
    qtbot.waitUntil(lambda: bool(auto_answer), timeout=10000)
    assert "2025年2月没有已召开的会议记录" in auto_answer[0]


def test_preview_names_characters_no_font_has(qtbot: QtBot, db: Database, branch_id: int, tmp_path: Path) -> None:
    from reports import fonts

    with db.transaction() as s:
        mid = create_meeting(s, branch_id, MeetingInput(
            MeetingType.THEME_DAY, "座谈会", date(2025, 6, 1), host="刘\U000f0001", recorder="党员乙"))
    parent = QWidget()
    qtbot.addWidget(parent)
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    fonts.set_search_dirs([empty])
    try:
        preview_report(parent, db, "minutes", branch_id=branch_id, meeting_id=mid)
        qtbot.waitUntil(lambda: any(isinstance(w, PdfPreviewDialog) and w.isVisible()
                                    for w in QApplication.topLevelWidgets()), timeout=10000)
    finally:
        fonts.set_search_dirs(None)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible())
    assert dialog.notice_label.isVisible()
    assert "U+F0001" in dialog.notice_label.text() and "□" in dialog.notice_label.text()
    dialog.close()


def test_preview_exports_word(qtbot: QtBot, db: Database, branch_id: int, meeting_id: int, tmp_path: Path) -> None:
    import docx

    parent = QWidget()
    qtbot.addWidget(parent)
    preview_report(parent, db, "minutes", branch_id=branch_id, meeting_id=meeting_id)
    qtbot.waitUntil(lambda: any(isinstance(w, PdfPreviewDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=10000)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog) and w.isVisible())
    assert dialog.word_button.isVisible() and dialog.word_button.text() == "导出Word…"
    saved = dialog.export_word(tmp_path / "会议记录")
    assert saved == tmp_path / "会议记录.docx"
    texts = [p.text for p in docx.Document(str(saved)).paragraphs]
    assert "主题党日活动记录" in texts
    dialog.close()
    annual = PdfPreviewDialog(dialog.pdf_path, "年度台账") if dialog.pdf_path.exists() else None
    if annual is not None:
        qtbot.addWidget(annual)
        assert not annual.word_button.isVisibleTo(annual)
