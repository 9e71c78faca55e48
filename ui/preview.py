"""Print preview of a document: the PDF is built off the GUI thread, then shown page by page
(QtPdf) with zoom, 打印 (pages rendered from the PDF into the printer), 另存为PDF and, for
会议记录/签到表/月度汇编, 导出Word."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize, QStandardPaths, Qt
from PySide6.QtGui import QCloseEvent, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.errors import BranchBookError
from reports.documents import KINDS, WORD_KINDS, write_document
from ui.msgbox import warn
from ui.operations import Operation
from ui.screen_fit import open_fitted
from ui.settings import PREVIEW_GEOMETRY

ZOOM_STEP = 1.25
MAX_PRINT_DPI = 300  # enough for text; keeps page images small on 600/1200 dpi printers


class PdfPreviewDialog(QDialog):
    """Shows ``pdf_path``; 打印 and 另存为PDF work on that file. When ``temporary`` is set the
    file's folder is removed when the dialog closes."""

    def __init__(self, pdf_path: Path, title: str, parent: QWidget | None = None, *,
                 suggested_name: str = "文档.pdf", temporary: bool = False, notice: str = "",
                 word_export: Callable[[Path], Path] | None = None) -> None:
        super().__init__(parent)
        self.pdf_path = Path(pdf_path)
        self.suggested_name = suggested_name
        self.temporary = temporary
        self.setWindowTitle(f"打印预览 — {title}")
        open_fitted(self, QSize(900, 1000), option=PREVIEW_GEOMETRY)
        self.document = QPdfDocument(self)
        self.document.load(str(self.pdf_path))
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)

        self.zoom_in_button = QPushButton("放大")
        self.zoom_out_button = QPushButton("缩小")
        self.fit_button = QPushButton("适合宽度")
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为PDF…")
        # 导出Word: the same document as a .docx, for offices that edit and file in WPS/Word
        self.word_export = word_export
        self.word_button = QPushButton("导出Word…")
        self.word_button.setVisible(word_export is not None)
        self.word_button.clicked.connect(lambda: self.export_word())
        self.close_button = QPushButton("关闭")
        self.pages_label = QLabel(f"共 {self.page_count} 页")
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.fit_button.clicked.connect(self.fit_width)
        self.print_button.clicked.connect(lambda: self.print_document())
        self.save_button.clicked.connect(lambda: self.save_as())
        self.close_button.clicked.connect(self.reject)
        self.print_button.setDefault(True)

        bar = QHBoxLayout()
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.pages_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button, self.word_button, self.close_button):
            bar.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        # e.g. characters no font on this PC has, printed as □: say so before it is printed
        self.notice_label = QLabel(notice)
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.setStyleSheet("QLabel { background: #FFF4CE; color: #5C3B00; padding: 6px; }")
        self.notice_label.setVisible(bool(notice))
        layout.addWidget(self.notice_label)
        layout.addWidget(self.view, 1)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    # --- zoom ----------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self._set_zoom(self.view.zoomFactor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.view.zoomFactor() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def _set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(factor, 5.0)))

    # --- printing and saving ----------------------------------------------------------------

    def print_document(self, printer: QPrinter | None = None) -> int:
        """Ask for a printer (unless one is given) and print; returns the pages printed."""
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(self.windowTitle())
            dialog = QPrintDialog(printer, self)
            dialog.setMinMax(1, max(1, self.page_count))
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
        return self.render_to(printer)

    def render_to(self, printer: QPrinter) -> int:
        """Draw every page (or the chosen range) of the PDF onto ``printer``, each page scaled
        to fit the printable area without distortion."""
        first = max(printer.fromPage(), 1) - 1 if printer.fromPage() else 0
        last = min(printer.toPage(), self.page_count) - 1 if printer.toPage() else self.page_count - 1
        painter = QPainter()
        if not painter.begin(printer):
            warn(self, "打印", "无法开始打印，请检查打印机是否可用。")
            return 0
        printed = 0
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            for index in range(first, last + 1):
                if printed:
                    printer.newPage()
                points = self.document.pagePointSize(index)
                size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
                image = self.document.render(index, size)
                scale = min(area.width() / size.width(), area.height() / size.height())
                target = QRect(0, 0, round(size.width() * scale), round(size.height() * scale))
                target.moveCenter(QRect(0, 0, area.width(), area.height()).center())
                painter.drawImage(target, image)
                printed += 1
        finally:
            painter.end()
        return printed

    def save_as(self, target: Path | None = None) -> Path | None:
        """另存为PDF: copy the file; asks where unless ``target`` is given."""
        if target is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            name, _ = QFileDialog.getSaveFileName(self, "另存为PDF", str(Path(folder) / self.suggested_name),
                                                  "PDF 文件 (*.pdf)")
            if not name:
                return None
            target = Path(name)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            shutil.copyfile(self.pdf_path, target)
        except OSError:  # the system's own text (strerror) is English: say it in Chinese
            warn(self, "另存为PDF", f"无法保存到“{target}”：文件可能正被打开，或该位置没有写入权限。"
                                  "请换一个位置，或关闭已打开的同名文件后再试。")
            return None
        return target

    def export_word(self, target: Path | None = None) -> Path | None:
        """导出Word: write the document as a .docx; asks where unless ``target`` is given."""
        if self.word_export is None:
            return None
        if target is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            name, _ = QFileDialog.getSaveFileName(self, "导出Word", str(Path(folder) / Path(self.suggested_name)
                                                                       .with_suffix(".docx").name),
                                                  "Word 文档 (*.docx)")
            if not name:
                return None
            target = Path(name)
        if target.suffix.lower() != ".docx":
            target = target.with_name(target.name + ".docx")
        try:
            return self.word_export(target)
        except BranchBookError as exc:
            warn(self, "导出Word", exc.message)
            return None

    # --- clean-up --------------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._release()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._release()
        super().closeEvent(event)

    def _release(self) -> None:
        self.view.setDocument(None)  # type: ignore[arg-type]
        self.document.close()
        if self.temporary:
            shutil.rmtree(self.pdf_path.parent, ignore_errors=True)
            self.temporary = False


def _suggested_name(kind: str, meeting_id: int | None, month: str | None, year: int | None) -> str:
    tail = {"minutes": meeting_id, "signin": meeting_id, "monthly": month, "annual": year}.get(kind)
    return f"{KINDS.get(kind, '文档')}-{tail}.pdf" if tail is not None else f"{KINDS.get(kind, '文档')}.pdf"


def preview_report(parent: QWidget, db: Database, kind: str, *, branch_id: int,
                   meeting_id: int | None = None, month: str | None = None,
                   year: int | None = None) -> None:
    """Build the document ``kind`` (minutes | signin | monthly | annual) off the GUI thread and
    show it in a preview dialog with 打印 and 另存为PDF."""
    folder = Path(tempfile.mkdtemp(prefix="branchbook-print-"))
    name = _suggested_name(kind, meeting_id, month, year)
    notices: list[str] = []

    def build() -> Path:
        return write_document(db, kind, folder / name, branch_id=branch_id, meeting_id=meeting_id,
                              month=month, year=year, notices=notices)

    def show(path: Path) -> None:
        def word(target: Path) -> Path:
            return write_document(db, kind, target, branch_id=branch_id, meeting_id=meeting_id, month=month,
                                  year=year)

        dialog = PdfPreviewDialog(path, KINDS.get(kind, "文档"), parent, suggested_name=name, temporary=True,
                                  notice="\n".join(notices), word_export=word if kind in WORD_KINDS else None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def failed(exc: BaseException) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        from ui.msgbox import show_error

        show_error(parent, exc)

    Operation(parent, build, f"正在生成{KINDS.get(kind, '文档')}，请稍候…").run(show, failed)

