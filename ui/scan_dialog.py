"""核对签到表识别结果: each member beside the crop of his row on the photographed 签到表 (with a
margin so strays show) and the proposed status. Confident rows come pre-filled but visible; a
待确认 row needs a click; 未签 rows are left for 请假/缺席. Totals are counted against 应到 as
the rows are decided, and nothing is saved until 确认并保存 (models.scan.proposal does the work)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.db import Database
from models.enums import AttendanceStatus, LeaveReason
from models.errors import BranchBookError
from models.scan import proposal as sp
from models.scan.key import NoKey
from ui import msgbox
from ui.operations import Operation

CROP_WIDTH = 420
CHOICES = ((AttendanceStatus.PRESENT, "出席"), (AttendanceStatus.LEAVE, "请假"), (AttendanceStatus.ABSENT, "缺席"))
UNSURE_STYLE = "background: #FFF4CC;"


class ScanDialog(QDialog):
    saved = Signal(int)  # meeting id

    def __init__(self, db: Database, branch_id: int, proposal: sp.ScanProposal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.branch_id, self.proposal = db, branch_id, proposal
        self.setWindowTitle(f"核对签到表识别结果 — {proposal.meeting_title}")
        layout = QVBoxLayout(self)
        self.intro = intro = QLabel("请对照每行签名截图核对。黄色行为“待确认”，需逐一点选；确认无误后点“确认并保存”。"
                       f"已识别：{'、'.join(proposal.pages)}" + "".join(f"<br><b>注意：</b>{n}" for n in proposal.notes))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.totals = QLabel()
        layout.addWidget(self.totals)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setHorizontalSpacing(12)
        for col, head in enumerate(("序号", "姓名", "签名截图", "识别结果", "确认为")):
            grid.addWidget(QLabel(f"<b>{head}</b>"), 0, col)
        self.groups: dict[int, QButtonGroup] = {}
        self.reasons: dict[int, QComboBox] = {}  # 请假原因, used when 请假 is chosen
        self.row_frames: dict[int, list[QWidget]] = {}
        for line, row in enumerate(proposal.rows, 1):
            self._add_row(grid, line, row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        layout.addWidget(scroll, 1)
        self.keep = QCheckBox("把签名截图保存为本次会议的附件（含个人签名，属个人信息；本党支部的设置）")
        with db.reading() as s:
            self.keep.setChecked(sp.keeps_signatures(s, branch_id))
        layout.addWidget(self.keep)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("确认并保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(960, 680)
        self._update()

    def _add_row(self, grid: QGridLayout, line: int, row: sp.MemberProposal) -> None:
        number = QLabel(str(row.number))
        name = QLabel(row.name + (f"\n（会前请假：{row.leave_reason}）" if row.leave_reason else ""))
        crop = QLabel()
        if row.crop_jpeg:
            pixmap = QPixmap()
            pixmap.loadFromData(row.crop_jpeg)
            crop.setPixmap(pixmap.scaledToWidth(CROP_WIDTH, Qt.TransformationMode.SmoothTransformation))
        else:
            crop.setText("（本页未拍到，不改动）")
        result = QLabel(row.status + (f"\n{'、'.join(row.reasons)}" if row.reasons else ""))
        choices = QWidget()
        box = QGridLayout(choices)
        box.setContentsMargins(0, 0, 0, 0)
        widgets: list[QWidget] = [number, name, crop, result, choices]
        if row.status != sp.NOT_READ:
            group = QButtonGroup(self)
            for i, (status, label) in enumerate(CHOICES):
                button = QRadioButton(label)
                button.setProperty("status", str(status))
                group.addButton(button)
                box.addWidget(button, 0, i)
            reason = QComboBox()
            for leave in LeaveReason:
                reason.addItem(leave.label, str(leave))
            known = next((r for r in LeaveReason if r.label == row.leave_reason), LeaveReason.OTHER)
            reason.setCurrentIndex(list(LeaveReason).index(known))
            reason.setToolTip("请假原因")
            box.addWidget(reason, 0, len(CHOICES))
            self.reasons[row.member_id] = reason
            preset = self._preset(row)
            if preset is not None:
                next(b for b in group.buttons() if b.property("status") == str(preset)).setChecked(True)
            group.buttonClicked.connect(lambda _b, r=row: self._decided(r))
            self.groups[row.member_id] = group
            reason.setEnabled(self.choice(row.member_id) == AttendanceStatus.LEAVE)
        for col, widget in enumerate(widgets):
            grid.addWidget(widget, line, col)
            if row.needs_look:
                widget.setStyleSheet(UNSURE_STYLE)
            if col != 2:
                grid.setAlignment(widget, Qt.AlignmentFlag.AlignVCenter)
        self.row_frames[row.member_id] = widgets

    @staticmethod
    def _preset(row: sp.MemberProposal) -> AttendanceStatus | None:
        if row.status == sp.PRESENT:
            return AttendanceStatus.PRESENT
        if row.status == sp.UNSIGNED:
            return AttendanceStatus.LEAVE if row.leave_reason else AttendanceStatus.ABSENT
        return None  # 待确认: the secretary decides

    def _decided(self, row: sp.MemberProposal) -> None:
        for widget in self.row_frames[row.member_id]:
            widget.setStyleSheet("")
        self.reasons[row.member_id].setEnabled(self.choice(row.member_id) == AttendanceStatus.LEAVE)
        self._update()

    def choice(self, member_id: int) -> AttendanceStatus | None:
        button: QAbstractButton | None = self.groups[member_id].checkedButton()
        return AttendanceStatus(button.property("status")) if button is not None else None

    def choose(self, member_id: int, status: AttendanceStatus) -> None:
        """Click the member's 出席/请假/缺席 (as a person would)."""
        next(b for b in self.groups[member_id].buttons() if b.property("status") == str(status)).click()

    def undecided(self) -> list[int]:
        return [mid for mid in self.groups if self.choice(mid) is None]

    def _update(self) -> None:
        chosen = [self.choice(mid) for mid in self.groups]
        count = {s: sum(1 for c in chosen if c == s) for s, _ in CHOICES}
        open_rows = len(self.undecided())
        not_read = self.proposal.count(sp.NOT_READ)
        text = (f"应到 {self.proposal.expected} 人：出席 {count[AttendanceStatus.PRESENT]} 人，"
                f"请假 {count[AttendanceStatus.LEAVE]} 人，缺席 {count[AttendanceStatus.ABSENT]} 人")
        if not_read:
            text += f"；未拍到 {not_read} 人（不改动）"
        if open_rows:
            text += f"；还有 {open_rows} 行待确认"
        self.totals.setText(text + "。")
        self.save_button.setEnabled(open_rows == 0)

    def confirm(self) -> None:
        if self.undecided():
            msgbox.warn(self, "核对签到表", "还有“待确认”的行没有选择出席、请假或缺席，请逐一确认后再保存。")
            return
        decisions = {mid: status for mid in self.groups if (status := self.choice(mid)) is not None}
        crops = {r.member_id: r.crop_jpeg for r in self.proposal.rows if r.crop_jpeg}
        try:
            with self.db.transaction() as s:
                sp.set_keeps_signatures(s, self.branch_id, self.keep.isChecked())
                reasons = {mid: LeaveReason(self.reasons[mid].currentData()) for mid in decisions}
                sp.save_confirmed(s, self.proposal.meeting_id, decisions, crops, self.proposal.pages, reasons)
        except BranchBookError as exc:
            msgbox.show_error(self, exc)
            return
        self.saved.emit(self.proposal.meeting_id)
        self.accept()


def scan_photos(parent: QWidget, db: Database, branch_id: int, meeting_id: int,
                photos: Sequence[Path] | None = None, pages: Sequence[int] = ()) -> None:
    """Ask for the photos (unless given), read them off the GUI thread, then open the dialog. A
    page whose corner marks or QR code cannot be read (a sheet printed from the Word file) makes
    the window ask which page of the sheet it is, then read again with that page named."""
    if photos is None:
        names, _f = QFileDialog.getOpenFileNames(parent, "选择签名后的签到表照片或扫描件", str(Path.home()),
                                                 "照片或扫描件 (*.jpg *.jpeg *.png *.pdf)")
        photos = [Path(n) for n in names]
    if not photos:
        return
    chosen, named = list(photos), list(pages)

    def work() -> sp.ScanProposal:
        from reports.signin import page_layout

        with db.reading() as s:
            return sp.propose(s, meeting_id, chosen, named, page_layout)

    def show(proposal: sp.ScanProposal) -> None:
        dialog = ScanDialog(db, branch_id, proposal, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        parent.scan_dialog = dialog  # type: ignore[attr-defined]
        saved = getattr(parent, "scan_saved", None)
        if saved is not None:
            dialog.saved.connect(saved)
        dialog.open()

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, NoKey):
            msgbox.show_error(parent, exc)
            return
        page = msgbox.ask_number(
            parent, "识别签到表照片",
            f"“{exc.label}”上找不到可读的四角定位方块或二维码（Word 导出的签到表没有这些标记，"
            "也可能是角上缺损、二维码被遮挡）。\n\n这是签到表的第几页？将按这一页现在的应到名单逐行对应，"
            "识别为签名的行都需要您对照截图逐一确认。", len(named) + 1, 1, 99)
        if page is not None:
            scan_photos(parent, db, branch_id, meeting_id, chosen, [*named, page])

    Operation(parent, work, "正在识别签到表…").run(show, failed)
