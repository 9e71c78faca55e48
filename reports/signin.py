"""签到表: printed before a meeting — the 应到 members with a blank signature column and a blank
备注 column for handwriting (leave already known is listed under the table), then blank rows for
列席人员, and a line to total up 实到/请假/缺席 by hand.

The PDF carries its own key so that a photo of the signed sheet can be read back (issue 16):
corner marks and a QR code naming the meeting, the page, where its rows are and a checksum of the
member order (models/scan/key.py fixes the geometry). The Word file is the same sheet without it,
with the same column widths and row heights and its pages broken at the same rows, so that a photo
of its page N can be read as page N once the secretary names it (models/scan/unmarked.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable
from sqlalchemy.orm import Session

from models.enums import MeetingType, MemberCategory
from models.meeting_data import MeetingDetail
from models.meetings import get_meeting
from models.roster import MemberRow
from models.scan import key
from models.scan.sheet import known_leave, sheet_members
from models.settings_store import get_setting
from reports import docmodel as dm
from reports import fonts, pdf_render
from reports.layout import (
    PAGE_HEIGHT,
    RULE_COLOR,
    SIZE_TABLE,
    Styles,
    build_pdf,
    make_styles,
    spacer,
)
from reports.minutes import branch_header, time_text

GUEST_ROWS = 5
#: A sheet's title word where the type's own label reads oddly (“其他签到表”).
SIGNIN_LABELS = {MeetingType.OTHER: "支部活动"}
SIGN_ROW_MM = key.ROW_MM


def signin_rows(session: Session, m: MeetingDetail) -> list[tuple[MemberRow, str]]:
    """(member, 请假 reason or "") for everyone 应到, in the one order of every document (party
    groups in their order, then 姓氏笔画)."""
    leave = known_leave(m)
    return [(r, leave.get(r.id, "")) for r in sheet_members(session, m)]


def _table_rows(m: MeetingDetail, rows: list[tuple[MemberRow, str]]) -> list[tuple[str, ...]]:
    """序号, 姓名, 党小组/单位, 类别, 签名 (blank), 备注 — members, then 列席 rows."""
    table: list[tuple[str, ...]] = []
    for n, (member, _leave) in enumerate(rows, 1):
        category = "预备" if member.category == MemberCategory.PROBATIONARY else "正式"
        table.append((str(n), member.name, member.group_name, category, "", ""))
    # 列席人员 already recorded sign beside their name; blank rows for the others
    for g in m.guests:
        table.append((str(len(table) + 1), g.name, g.unit, "列席", "", g.role))
    for _ in range(max(GUEST_ROWS - len(m.guests), 2)):
        table.append((str(len(table) + 1), "", "", "列席", "", ""))
    return table


def _info(m: MeetingDetail) -> dm.FieldTable:
    group = f"（{m.group_name}）" if m.group_name else ""
    return dm.FieldTable((
        dm.FieldRow((("会议名称", m.title),)),
        dm.FieldRow((("时　　间", time_text(m)),)),
        dm.FieldRow((("会议类型", m.meeting_type.label + group), ("主持人", m.host))),
        dm.FieldRow((("地　　点", m.location),)),
    ), label_mm=24, first_value_mm=54)


def _title(m: MeetingDetail) -> dm.Title:
    return dm.Title(f"{SIGNIN_LABELS.get(m.meeting_type, m.meeting_type.label)}签到表")


def _footer(rows: list[tuple[MemberRow, str]]) -> list[dm.Block]:
    leave = [f"{member.name}（{reason}）" for member, reason in rows if reason]
    lines = [dm.Text(f"会前已请假：{'、'.join(leave)}。", indent=False, small=True)] if leave else []
    return [*lines, dm.Text(f"应到 {len(rows)} 人，实到____人，请假____人，缺席____人；列席____人。",
                            indent=False, small=True)]


def signin_blocks(m: MeetingDetail, rows: list[tuple[MemberRow, str]], per_page: list[int] | None = None) -> list[dm.Block]:
    """The sign-in sheet as a neutral description (the Word file draws it). ``per_page``: table
    rows on each page as the PDF breaks them — the Word file breaks at the same rows, so that a
    photo of its page N is page N of the sheet for the scan reader (models/scan/unmarked.py)."""
    table = _table_rows(m, rows)
    counts = per_page or [len(table)]
    blocks: list[dm.Block] = [_title(m), _info(m)]
    start = 0
    for n, count in enumerate(counts):
        if n:
            blocks.append(dm.PageBreak())
        blocks.append(dm.Grid(key.HEADS, tuple(table[start:start + count]),
                              key.COLUMN_MM[:4] + (None, key.COLUMN_MM[5]), name="签到表", small=False,
                              row_height_mm=SIGN_ROW_MM, head_height_mm=key.HEAD_MM))
        start += count
    return [*blocks, *_footer(rows)]


def signin_document(session: Session, meeting_id: int) -> dm.Document:
    m = get_meeting(session, meeting_id)
    branch = branch_header(session, m.branch_id)
    rows = signin_rows(session, m)
    per_page = [table_rows for _key, table_rows in page_layout(session, meeting_id)]
    return dm.Document(title=f"{m.title}（签到表）", header=f"{branch.name}工作记录", author=branch.name,
                       blocks=signin_blocks(m, rows, per_page),
                       names={member.name for member, _note in rows} | {m.host} | {g.name for g in m.guests})


class SignTable(Flowable):
    """The ruled sign-in table in fixed rows of :data:`key.ROW_MM`; it splits between rows, and
    every page it lands on gets the corner marks and a QR code describing that page."""

    def __init__(self, rows: list[tuple[str, ...]], members: int, meeting_uuid: str, crc: str, s: Styles,
                 first: int = 0, drawn: list[tuple[key.PageKey, int]] | None = None) -> None:
        super().__init__()
        self.rows, self.members, self.meeting_uuid, self.crc, self.s = rows, members, meeting_uuid, crc, s
        self.first = first  # index of rows[0] in the whole table
        self.drawn = drawn  # collects (page key, table rows) of every page drawn
        self.width = sum(key.COLUMN_MM) * mm
        self.height = (key.HEAD_MM + key.ROW_MM * len(rows)) * mm

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fit = int((availHeight / mm - key.HEAD_MM) // key.ROW_MM)
        if fit <= 0 or fit >= len(self.rows):
            return []
        same = (self.members, self.meeting_uuid, self.crc, self.s)
        return [SignTable(self.rows[:fit], *same, first=self.first, drawn=self.drawn),
                SignTable(self.rows[fit:], *same, first=self.first + fit, drawn=self.drawn)]

    def _cell(self, text: str, x: float, width: float, y: float, font: str, center: bool = True) -> None:
        size = float(SIZE_TABLE)
        while size > 7 and self.canv.stringWidth(text, font, size) > width - 2 * mm:
            size -= 0.5
        self.canv.setFont(font, size)
        if center:
            self.canv.drawCentredString(x + width / 2, y, text)
        else:
            self.canv.drawString(x + 1 * mm, y, text)

    def draw(self) -> None:
        c, s = self.canv, self.s
        edges = [e * mm - key.TABLE_LEFT * mm for e in key.column_edges()]
        head, row = key.HEAD_MM * mm, key.ROW_MM * mm
        top = self.height
        c.saveState()
        c.setFillColor(colors.HexColor("#EEEEEE"))
        c.rect(0, top - head, self.width, head, stroke=0, fill=1)
        c.setFillColor(colors.black)
        for i, text in enumerate(key.HEADS):
            self._cell(text, edges[i], edges[i + 1] - edges[i], top - head / 2 - 4, s.fonts.title.name)
        for n, values in enumerate(self.rows):
            base = top - head - n * row - row / 2 - 4
            for i, text in enumerate(values):
                if text:
                    self._cell(text, edges[i], edges[i + 1] - edges[i], base, s.fonts.body.name)
        c.setStrokeColor(RULE_COLOR)
        c.setLineWidth(0.6)
        for n in range(1, len(self.rows) + 1):
            c.line(0, top - head - n * row + 0.0, self.width, top - head - n * row)
        c.line(0, top - head, self.width, top - head)
        for x in edges[1:-1]:
            c.line(x, 0, x, top)
        c.setLineWidth(1.2)
        c.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        c.restoreState()
        self._draw_key()

    def _draw_key(self) -> None:
        c = self.canv
        left, page_top = c.absolutePosition(0, self.height)
        members_here = max(0, min(len(self.rows), self.members - self.first))
        page_key = key.PageKey(self.meeting_uuid, c.getPageNumber(), min(self.first, self.members) + 1,
                               members_here, (PAGE_HEIGHT - page_top) / mm + key.HEAD_MM, self.crc)
        if self.drawn is not None:
            self.drawn.append((page_key, len(self.rows)))
        c.saveState()
        c.translate(-left, -(page_top - self.height))  # page coordinates from here on
        for cx, cy in key.MARK_CENTRES:
            _mark(c, cx * mm, PAGE_HEIGHT - cy * mm)
        _qr(c, page_key.encode(), key.QR_X * mm, PAGE_HEIGHT - (key.QR_Y + key.QR_MM) * mm, key.QR_MM * mm)
        c.restoreState()


def _qr(c: Any, text: str, x: float, y: float, size: float) -> None:
    """The QR code (ReportLab's encoder), its modules drawn as plain squares: through a Drawing
    the page would pull in a Helvetica font resource that no Chinese PC needs."""
    widget = QrCodeWidget(text, barLevel="M")
    widget.qr.make()
    modules = widget.qr.modules
    border = 2
    unit = size / (len(modules) + 2 * border)
    c.setFillColor(colors.white)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColor(colors.black)
    for r, row in enumerate(modules):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            run = col
            while run < len(row) and row[run]:
                run += 1  # one rectangle per run of dark modules: no hairline seams inside it
            c.rect(x + (col + border) * unit, y + size - (r + 1 + border) * unit, (run - col) * unit, unit,
                   stroke=0, fill=1)
            col = run


def _mark(c: Any, x: float, y: float) -> None:
    """A corner mark: black square, white square, black core (7 : 5 : 3)."""
    unit = key.MARK_MM * mm / 7
    for size, color in ((7, colors.black), (5, colors.white), (3, colors.black)):
        c.setFillColor(color)
        c.rect(x - size * unit / 2, y - size * unit / 2, size * unit, size * unit, stroke=0, fill=1)


def write_signin(session: Session, meeting_id: int, out: str | Path | BinaryIO, styles: Styles,
                 drawn: list[tuple[key.PageKey, int]] | None = None) -> None:
    m = get_meeting(session, meeting_id)
    branch = branch_header(session, m.branch_id)
    rows = signin_rows(session, m)
    crc = key.roster_crc(member.uuid for member, _ in rows)
    story = [*pdf_render.story([_title(m), _info(m)], styles),
             SignTable(_table_rows(m, rows), len(rows), m.uuid, crc, styles, drawn=drawn), spacer(3),
             *pdf_render.story(_footer(rows), styles)]
    names = {member.name for member, _note in rows} | {m.host} | {g.name for g in m.guests}
    build_pdf(out, story, styles, title=f"{m.title}（签到表）", header=f"{branch.name}工作记录",
              author=branch.name, names=names)


def page_layout(session: Session, meeting_id: int) -> list[tuple[key.PageKey, int]]:
    """(key, table rows counting 列席 rows) of every page of the meeting's sheet as it prints
    today: the scan reader maps a sheet without readable marks to its members by this, once the
    secretary has named the page (the sheet is built in memory, nothing is written)."""
    m = get_meeting(session, meeting_id)
    font = get_setting(session, m.branch_id, fonts.SETTING_KEY)
    drawn: list[tuple[key.PageKey, int]] = []
    write_signin(session, meeting_id, io.BytesIO(), make_styles(str(font) if font else None), drawn)
    return drawn
