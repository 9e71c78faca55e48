"""The neutral description of a printed document: what it says, not how it is drawn.

Each document (会议记录, 签到表, 月度汇编) builds a list of blocks — title, header fields,
headings, paragraphs, tables, signature lines — once; ``reports.pdf_render`` draws them with
ReportLab and ``reports.docx_render`` with python-docx, so a field added once appears in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str = ""
    cover: bool = False  # the big title of a cover page


@dataclass(frozen=True)
class FieldRow:
    """One row of a header table: label/value pairs (one pair spans the row, two share it).
    ``items``: the value as a list (列席人员), printed one per line when it is long."""

    cells: tuple[tuple[str, str], ...]
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldTable:
    rows: tuple[FieldRow, ...]
    name: str = "会议基本情况"  # names the block in messages
    label_mm: float = 28  # width of the label columns
    first_value_mm: float = 50  # width of the first value column in a two-pair row
    cover: bool = False  # label: value lines of a cover page, without rules


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    """Paragraphs (one per line of ``text``); ``indent``: body text indented two characters,
    else a plain line (list items, captions). ``small``: notes and legends."""

    text: str
    name: str = ""
    indent: bool = True
    small: bool = False


@dataclass(frozen=True)
class Grid:
    """A ruled table with a header row; widths in millimetres (``None``: share the rest)."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float | None, ...]
    name: str = ""
    align: tuple[str, ...] = ()  # per column: "left" | "center"; default center
    small: bool = True
    row_height_mm: float | None = None  # fixed height of the body rows (room to sign)
    head_height_mm: float | None = None  # fixed height of the header row (the 签到表's printed geometry)
    caption: str = ""


@dataclass(frozen=True)
class Signatures:
    labels: tuple[str, ...] = ("主持人（签字）：", "记录人（签字）：")
    # beside the signatures, filled in by hand (underlines: a paragraph collapses runs of blanks)
    date_line: str = "日期：________年_____月_____日"


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class MeetingStart:
    """Marks where a meeting's record starts (for messages and the contents' page numbers)."""

    label: str
    key: int
    running: str = ""  # named in the running header of the compilation
    draft: bool = False  # 草稿: watermarked


Block = Title | FieldTable | Heading | Text | Grid | Signatures | PageBreak | MeetingStart


@dataclass
class Document:
    title: str  # the file's title (PDF metadata, Word core properties)
    header: str  # running header
    author: str
    blocks: list[Block] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # people's names: never broken across lines
