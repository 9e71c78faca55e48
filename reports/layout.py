"""Page layout shared by every printed document: A4 with GB/T 9704 margins, 仿宋 3号 body,
黑体/小标宋 titles, a running header, "第 X 页 共 Y 页" on every page, and small helpers that
turn plain text into wrapped Chinese paragraphs and ruled tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from models.errors import BranchBookError
from reports.cjkwrap import CJKParagraph, keeping_names, plain_paragraph
from reports.glyphs import needs_runs
from reports.glyphs import runs as glyph_runs

# Binary (not ASCII85) streams: smaller files, and the pure-Python encoder is slow.
rl_config.useA85 = 0
from reports.fonts import FontSet, fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
# GB/T 9704-2012 (党政机关公文格式): top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
MARGIN_TOP = 37 * mm
MARGIN_BOTTOM = 35 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
BODY_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

SIZE_TITLE = 22  # 二号: document title (小标宋)
SIZE_BODY = 16  # 三号: body text (仿宋)
SIZE_TABLE = 12  # 小四: table text
SIZE_SMALL = 10.5  # 五号: dense tables, header and footer
SIZE_PAGE_NUMBER = 14  # 四号: page numbers
DRAFT_MARK = "草稿"

CREATOR = "支部工作记录本"
RULE_COLOR = colors.black


@dataclass(frozen=True)
class Styles:
    fonts: FontSet
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    plain: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    label: ParagraphStyle
    small: ParagraphStyle
    small_center: ParagraphStyle
    small_label: ParagraphStyle
    cover_title: ParagraphStyle
    cover_line: ParagraphStyle
    right: ParagraphStyle


def make_styles(font_path: str | Path | None = None) -> Styles:
    fs = fonts(font_path)
    body_font, title_font = fs.body.name, fs.title.name

    def style(name: str, font: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **kw)

    return Styles(
        fonts=fs,
        title=style("title", title_font, SIZE_TITLE, 32, alignment=TA_CENTER, spaceAfter=6),
        subtitle=style("subtitle", fs.kai.name, SIZE_BODY, 24, alignment=TA_CENTER, spaceAfter=10),
        heading=style("heading", title_font, SIZE_BODY, 28, spaceBefore=10, spaceAfter=2),
        # running text is justified to the full measure (reports.cjkwrap): 28 characters a line
        body=style("body", body_font, SIZE_BODY, 28, firstLineIndent=2 * SIZE_BODY, alignment=TA_JUSTIFY),
        plain=style("plain", body_font, SIZE_BODY, 28, alignment=TA_JUSTIFY),
        cell=style("cell", body_font, SIZE_TABLE, 17, alignment=TA_JUSTIFY),
        cell_center=style("cell_center", body_font, SIZE_TABLE, 17, alignment=TA_CENTER),
        label=style("label", title_font, SIZE_TABLE, 17, alignment=TA_CENTER),
        small=style("small", body_font, SIZE_SMALL, 14, alignment=TA_JUSTIFY),
        small_center=style("small_center", body_font, SIZE_SMALL, 14, alignment=TA_CENTER),
        small_label=style("small_label", title_font, SIZE_SMALL, 14, alignment=TA_CENTER),
        cover_title=style("cover_title", title_font, 30, 44, alignment=TA_CENTER),
        cover_line=style("cover_line", body_font, SIZE_BODY, 30, alignment=TA_LEFT),
        right=style("right", body_font, SIZE_BODY, 28, alignment=TA_RIGHT),
    )


def para(text: str, style: ParagraphStyle) -> CJKParagraph:
    """One paragraph of plain text (escaped; line breaks kept)."""
    return plain_paragraph(text, style)


class Heading(Flowable):
    """A one-line section heading (议题, 会议内容 …) in the title font; when that is the body
    font too (no 黑体 on the PC) the strokes are thickened so the heading still stands out."""

    def __init__(self, text: str, style: ParagraphStyle, embolden: bool) -> None:
        super().__init__()
        self.text, self.style, self.embolden = text, style, embolden
        self.spaceBefore, self.spaceAfter = style.spaceBefore, style.spaceAfter
        # Never alone at the foot of a page, but not through keepWithNext: held with a long
        # paragraph that has to split, that moved both to the next page and left the foot
        # empty. A heading needs room for itself and two lines after it, or goes over.
        self.follow = 2 * 28.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        if availHeight < self.style.leading + self.spaceAfter + self.follow:
            return availWidth, availHeight + 1  # too big here: the frame moves it to the next page
        return availWidth, self.style.leading

    def draw(self) -> None:
        text = self.canv.beginText(0, self.style.leading - self.style.fontSize)
        if self.embolden:
            text.setTextRenderMode(2)  # fill and stroke: a faux bold
            self.canv.setLineWidth(self.style.fontSize * 0.035)
        for font, run in glyph_runs(self.text, self.style.fontName):
            text.setFont(font, self.style.fontSize)
            text.textOut(run)
        self.canv.drawText(text)


def heading(text: str, styles: Styles) -> Heading:
    return Heading(text, styles.heading, styles.fonts.title.name == styles.fonts.body.name)


def paragraphs(text: str, style: ParagraphStyle) -> list[CJKParagraph]:
    """Plain multi-line text as one paragraph per non-empty line (each indented two characters)."""
    return [plain_paragraph(line.strip(), style) for line in text.splitlines() if line.strip()]


def grid(
    styles: Styles,
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    header_rows: int = 1,
    extra: Sequence[tuple[Any, ...]] = (),
    padding: float = 4,
    row_heights: Sequence[float | None] | None = None,
) -> Table:
    """A ruled table whose first ``header_rows`` rows repeat on every page it runs over
    (plain-string cells are set in the body font)."""
    spanned = any(c[0] == "SPAN" for c in extra)
    # a row taller than a page splits inside the row (ReportLab lays out spanned rows split
    # that way wrongly: tables with spans keep their long fields out of the cells instead)
    table = Table([list(r) for r in rows], colWidths=list(col_widths), repeatRows=header_rows,
                  rowHeights=list(row_heights) if row_heights is not None else None,
                  splitInRow=0 if spanned else 1)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.body.name, SIZE_TABLE),  # plain-string cells: never ReportLab's Helvetica
        ("GRID", (0, 0), (-1, -1), 0.6, RULE_COLOR),
        ("BOX", (0, 0), (-1, -1), 1.2, RULE_COLOR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEEEEE")))
    commands.extend(extra)
    table.setStyle(TableStyle(commands))
    return table


def plain_table(
    styles: Styles, rows: Sequence[Sequence[Any]], col_widths: Sequence[float], commands: Sequence[tuple[Any, ...]],
    **kw: Any,
) -> Table:
    """A table without rules (cover lines, signature lines), its plain cells in the body font."""
    table = Table([list(r) for r in rows], colWidths=list(col_widths), **kw)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), styles.fonts.body.name, SIZE_TABLE), *commands]))
    return table


class PageNumbers:
    """Forward page references in one layout pass: :meth:`marker` records the page a flowable
    lands on, :meth:`ref` leaves a blank where that page number is written once every page is
    laid out (the contents of the monthly compilation)."""

    def __init__(self) -> None:
        self.pages: dict[object, int] = {}
        self.refs: dict[int, list[tuple[float, float, object]]] = {}

    def marker(self, key: object) -> Flowable:
        return _PageMarker(key, self)

    def ref(self, key: object, size: float = SIZE_SMALL) -> Flowable:
        return _PageRef(key, self, size)

    def draw_refs(self, canvas: Canvas, page: int, font: str) -> None:
        for x, y, key in self.refs.get(page, []):
            if key in self.pages:
                canvas.setFont(font, SIZE_SMALL)
                canvas.drawCentredString(x, y, str(self.pages[key]))


class _PageMarker(Flowable):
    def __init__(self, key: object, numbers: PageNumbers) -> None:
        super().__init__()
        self.key, self.numbers = key, numbers
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.numbers.pages.setdefault(self.key, self.canv.getPageNumber())


class _PageRef(Flowable):
    def __init__(self, key: object, numbers: PageNumbers, size: float) -> None:
        super().__init__()
        self.key, self.numbers, self.size = key, numbers, size
        self.width, self.height = 0.0, size * 1.2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(self.width / 2, self.size * 0.25)
        self.numbers.refs.setdefault(self.canv.getPageNumber(), []).append((x, y, self.key))


def _canvas_maker(font: str, header: str, cover: bool, numbers: PageNumbers | None) -> Callable[..., Canvas]:
    """A canvas that draws the running header and "第 X 页 共 Y 页" once the total is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        # plain strings (table cells, running header) in runs per font, like paragraphs:
        # a character the current font lacks is set in a fallback font or as the placeholder
        def drawString(self, x: float, y: float, text: str, *args: Any, **kw: Any) -> None:
            name, size, leading = self._fontname, self._fontsize, self._leading
            if not needs_runs(text, name):
                super().drawString(x, y, text, *args, **kw)
                return
            for run_font, run in glyph_runs(text, name):
                self.setFont(run_font, size, leading)
                super().drawString(x, y, run, *args, **kw)
                x += self.stringWidth(run, run_font, size)
            self.setFont(name, size, leading)

        def _runs_width(self, text: str) -> float:
            return sum(self.stringWidth(run, font, self._fontsize)
                       for font, run in glyph_runs(text, self._fontname))

        def drawCentredString(self, x: float, y: float, text: str, *args: Any, **kw: Any) -> None:
            if not needs_runs(text, self._fontname):
                super().drawCentredString(x, y, text, *args, **kw)
            else:
                self.drawString(x - self._runs_width(text) / 2, y, text, *args, **kw)

        def drawRightString(self, x: float, y: float, text: str, *args: Any, **kw: Any) -> None:
            if not needs_runs(text, self._fontname):
                super().drawRightString(x, y, text, *args, **kw)
            else:
                self.drawString(x - self._runs_width(text), y, text, *args, **kw)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.bb_page = state  # update() keeps keys a page did not have yet: read its own
                self._decorate(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFillColor(colors.black)
            on_cover = cover and self._pageNumber == 1
            if self.bb_page.get("bb_draft", False) and not on_cover:
                self._watermark(DRAFT_MARK)
            self.setFont(font, SIZE_SMALL)
            self.setFillColor(colors.black)
            if header and not on_cover:
                y = PAGE_HEIGHT - MARGIN_TOP + 10 * mm
                self.drawString(MARGIN_LEFT, y, header)
                running = self.bb_page.get("bb_running", "")
                if running:  # the compilation names the meeting on each of its pages
                    self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, running)
                self.setLineWidth(0.6)
                self.line(MARGIN_LEFT, y - 2.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, y - 2.5 * mm)
            if numbers is not None:
                numbers.draw_refs(self, self._pageNumber, font)
            if not on_cover:
                # GB/T 9704: "— 1 —" in 4号, 7 mm under the text block, on the outer side one
                # character in (odd pages right, even pages left: double-sided binding)
                self.setFont(font, SIZE_PAGE_NUMBER)
                label, y = f"— {self._pageNumber} —", MARGIN_BOTTOM - 7 * mm - SIZE_PAGE_NUMBER
                if self._pageNumber % 2:
                    self.drawRightString(PAGE_WIDTH - MARGIN_RIGHT - SIZE_PAGE_NUMBER, y, label)
                else:
                    self.drawString(MARGIN_LEFT + SIZE_PAGE_NUMBER, y, label)
            self.restoreState()

        def _watermark(self, text: str) -> None:
            """A light diagonal 草稿 across the page: a draft is never mistaken for the record."""
            self.saveState()
            self.setFillColor(colors.Color(0.5, 0.5, 0.5, alpha=0.18))
            self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            self.rotate(35)
            self.setFont(font, 120)
            self.drawCentredString(0, -40, text)
            self.restoreState()

    return NumberedCanvas


def build_pdf(
    out: str | Path | BinaryIO,
    story: list[Flowable],
    styles: Styles,
    *,
    title: str,
    header: str = "",
    author: str = "",
    cover: bool = False,
    numbers: PageNumbers | None = None,
    names: Iterable[str] = (),
) -> None:
    """Lay ``story`` out on A4 pages with the record-book margins, header and page numbers
    (no running header on page 1 when it is a ``cover``; ``numbers`` fills in forward page
    references once the last page is laid out; no line breaks inside any of ``names``)."""
    target = str(out) if isinstance(out, Path) else out
    doc = _DocTemplate(
        target, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title, author=author,
        creator=CREATOR, subject=title, initialFontName=styles.fonts.body.name,
        initialFontSize=SIZE_BODY, initialLeading=28,
    )
    # no frame padding: the text block is exactly the GB/T 9704 one (156 mm × 225 mm)
    body = Frame(MARGIN_LEFT, MARGIN_BOTTOM, BODY_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[body])])
    with keeping_names(names):
        doc.build(story, canvasmaker=_canvas_maker(styles.fonts.body.name, header, cover, numbers))


def tag(flowables: list[Flowable], *, field: str) -> list[Flowable]:
    """Mark flowables as printing ``field`` (会议内容, 列席人员 …) so that a layout failure can
    name it."""
    for f in flowables:
        f.bb_field = field  # type: ignore[attr-defined]
    return flowables


class _MeetingMark(Flowable):
    """Zero-size marker: the flowables after it belong to meeting ``label`` (for messages)."""

    def __init__(self, label: str, key: object = None, running: str = "", draft: bool = False) -> None:
        super().__init__()
        self.bb_meeting, self.bb_key = label, key
        self.running, self.draft = running, draft
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bb_running = self.running  # type: ignore[attr-defined]
        self.canv.bb_draft = self.draft  # type: ignore[attr-defined]


def meeting_mark(label: str, key: object = None, running: str = "", draft: bool = False) -> Flowable:
    """``running``: what the running header names from this page on; ``draft``: its pages carry
    the 草稿 watermark."""
    return _MeetingMark(label, key, running, draft)


class LayoutProblem(BranchBookError):
    """A flowable could not be laid out; ``meeting_key`` is the meeting it belongs to."""

    def __init__(self, message: str, field: str, meeting_key: object) -> None:
        super().__init__(message, field=field)
        self.meeting_key = meeting_key


class _DocTemplate(BaseDocTemplate):
    """Turns ReportLab's LayoutError into a Chinese message naming the meeting and field that
    could not be laid out (the last ones marked before the failing flowable)."""

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        first = flowables[0] if flowables else None
        if first is not None:
            if hasattr(first, "bb_meeting"):
                self.bb_meeting, self.bb_key, self.bb_field = first.bb_meeting, first.bb_key, ""
            if hasattr(first, "bb_field"):
                self.bb_field = first.bb_field
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            meeting = getattr(self, "bb_meeting", "")
            field = getattr(self, "bb_field", "") or "内容"
            where = f"{meeting}的“{field}”" if meeting else f"“{field}”"
            raise LayoutProblem(f"{where}太长或太宽，无法排入 A4 页面。请精简该项内容（或分成几段）后重新生成。",
                                field, getattr(self, "bb_key", None)) from None


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)
