"""The 签到表's own key: where everything sits on a printed sheet (layout version 1) and what its
QR code says. reports/signin.py draws from these numbers and models/scan/reader.py reads by them,
so the two cannot drift apart.

Coordinates are millimetres on the A4 page from its top-left corner. The QR payload is upper-case
(QR alphanumeric mode, the smallest code):

    BB1:<meeting uuid, 32 hex>:<page>:<first row no.>:<member rows on the page>:<table top, 0.1 mm>:<roster crc>

``table top`` is the top of the page's first member row; rows are :data:`ROW_MM` tall and the
columns are fixed by the layout version. ``roster crc`` is a CRC-32 of the uuids of every member
on the sheet in printed order: a sheet printed for another roster is refused."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from models.errors import BranchBookError

LAYOUT = 1
PAGE_W, PAGE_H = 210.0, 297.0
ROW_MM = 14.0  # room to sign
HEAD_MM = 9.0  # the column heads
#: Corner marks: nested squares (black ring, white, black core) centred this far in from each edge.
MARK_INSET = 12.0
MARK_MM = 10.0
MARK_CENTRES = ((MARK_INSET, MARK_INSET), (PAGE_W - MARK_INSET, MARK_INSET),
                (PAGE_W - MARK_INSET, PAGE_H - MARK_INSET), (MARK_INSET, PAGE_H - MARK_INSET))
#: The QR code: centred at the foot of the page, below the text block.
QR_MM = 22.0
QR_X, QR_Y = (PAGE_W - QR_MM) / 2, PAGE_H - 8.0 - QR_MM
#: Columns of the table: 序号, 姓名, 党小组/单位, 类别, 本人签名, 备注 (the text block is 28..184 mm).
TABLE_LEFT = 28.0
COLUMN_MM = (12.0, 24.0, 30.0, 14.0, 46.0, 30.0)
HEADS = ("序号", "姓　名", "党小组/单位", "类别", "本人签名", "备　注")


def column_edges() -> list[float]:
    """x of every vertical rule, left to right."""
    edges = [TABLE_LEFT]
    for width in COLUMN_MM:
        edges.append(edges[-1] + width)
    return edges


def signature_span() -> tuple[float, float]:
    edges = column_edges()
    return edges[4], edges[5]


def note_span() -> tuple[float, float]:
    edges = column_edges()
    return edges[5], edges[6]


def roster_crc(member_uuids: Iterable[str]) -> str:
    """Checksum of the member order the sheet was printed with."""
    return f"{zlib.crc32(chr(10).join(member_uuids).encode('utf-8')) & 0xFFFFFFFF:08X}"


@dataclass(frozen=True)
class PageKey:
    """What one printed page says about itself."""

    meeting_uuid: str
    page: int
    first_row: int  # 1-based 序号 of the page's first member row
    rows: int  # member rows on the page (guest rows after them are not read)
    table_top_mm: float
    roster_crc: str
    layout: int = LAYOUT

    def encode(self) -> str:
        top = round(self.table_top_mm * 10)
        return (f"BB{self.layout}:{self.meeting_uuid.replace('-', '').upper()}:{self.page}:{self.first_row}:"
                f"{self.rows}:{top}:{self.roster_crc}")

    def row_top(self, index: int) -> float:
        """Top (mm) of the page's ``index``-th member row (0-based)."""
        return self.table_top_mm + index * ROW_MM


_PAYLOAD = re.compile(r"BB(\d+):([0-9A-F]{32}):(\d{1,3}):(\d{1,4}):(\d{1,3}):(\d{1,4}):([0-9A-F]{8})")


def decode(text: str) -> PageKey:
    """The key printed in a QR code; a code that is not one of our sheets is refused."""
    match = _PAYLOAD.fullmatch(text.strip().upper())
    if not match:
        raise BranchBookError("照片中的二维码不是本软件打印的签到表二维码。请拍摄本软件打印的签到表。", field="photo")
    layout = int(match.group(1))
    if layout != LAYOUT:
        raise BranchBookError(f"这张签到表由更新版本的软件打印（版式 {layout}），当前版本无法识别。请升级软件。",
                              field="photo")
    h = match.group(2).lower()
    uuid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return PageKey(uuid, int(match.group(3)), int(match.group(4)), int(match.group(5)),
                   int(match.group(6)) / 10, match.group(7), layout)


class NoKey(BranchBookError):
    """A page's corner marks or its QR code cannot be read: it can still be read by its ruled table
    (models/scan/unmarked.py), but only once the secretary names its page."""

    def __init__(self, label: str, text: str) -> None:
        super().__init__(f"“{label}”：{text}", field="photo")
        self.label = label


#: What to do when a page has no readable key (the command line's option, the window's question).
NAME_THE_PAGE = "如果这是 Word 导出的签到表，或定位方块、二维码缺损，请在识别时指定第几页（命令行加 --page 页码）。"
