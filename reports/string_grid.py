"""A ruled grid of one-line plain strings under a wrapped header row, drawn directly.

The month's 出勤情况表 is thousands of cells (members × meetings). ReportLab's Table spends per
cell a style record for every style command, a geometry pass and a saved graphics state, which
made that one table a third of a month's layout time. This grid looks the same as
:func:`reports.layout.grid` with one-line cells (rules, header shading, header repeated on every
page) and draws its rules as one path and its strings in one text object.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from reports.glyphs import needs_runs

HEADER_SHADE = colors.HexColor("#EEEEEE")
MIN_SIZE = 7.5  # an overlong cell is set smaller down to this size, then in narrower letters (长体)


class StringGrid(Flowable):
    """``head``: one flowable per column (paragraphs, wrapped in the column); ``rows``: plain
    strings, centred, one line each in ``font`` at ``size``. Splits between rows; the header
    repeats on every part."""

    def __init__(self, head: Sequence[Flowable], rows: Sequence[Sequence[str]], widths: Sequence[float], *,
                 font: str, size: float, padding: float, rule_color: Any, rule_width: float = 0.6,
                 box_width: float = 1.2) -> None:
        super().__init__()
        self.head, self.rows, self.widths = list(head), [tuple(r) for r in rows], list(widths)
        self.font, self.size, self.padding = font, size, padding
        self.rule_color, self.rule_width, self.box_width = rule_color, rule_width, box_width
        self.hAlign = "CENTER"
        self.row_height = size * 1.2 + 2 * padding  # what Table gives a one-line string cell
        self._head_heights: list[float] | None = None

    # --- layout ---------------------------------------------------------------------------

    def _head_layout(self) -> list[float]:
        if self._head_heights is None:
            self._head_heights = [f.wrap(w - 2 * self.padding, 1e6)[1] for f, w in zip(self.head, self.widths,
                                                                                         strict=True)]
        return self._head_heights

    @property
    def head_height(self) -> float:
        return max(self._head_layout(), default=0.0) + 2 * self.padding

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self.head_height + len(self.rows) * self.row_height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        fits = int((availHeight - self.head_height) // self.row_height)
        if fits < 1:
            return []  # not even one row under the header: the whole grid goes to the next frame
        if fits >= len(self.rows):
            return [self]
        return [self._part(self.rows[:fits]), self._part(self.rows[fits:])]

    def _part(self, rows: Sequence[Sequence[str]]) -> StringGrid:
        part = StringGrid(self.head, rows, self.widths, font=self.font, size=self.size, padding=self.padding,
                          rule_color=self.rule_color, rule_width=self.rule_width, box_width=self.box_width)
        part._head_heights = self._head_heights
        return part

    # --- drawing --------------------------------------------------------------------------

    def draw(self) -> None:
        canv = self.canv
        width, head_h, row_h = sum(self.widths), self.head_height, self.row_height
        height = head_h + len(self.rows) * row_h
        canv.saveState()
        canv.setFillColor(HEADER_SHADE)
        canv.rect(0, height - head_h, width, head_h, stroke=0, fill=1)
        canv.setFillColor(colors.black)
        self._draw_head(height, head_h)
        self._draw_cells(height - head_h)
        canv.setStrokeColor(self.rule_color)
        canv.setLineWidth(self.rule_width)
        lines: list[tuple[float, float, float, float]] = [(0.0, y, width, y) for y in (height - head_h - i * row_h for i in range(len(self.rows)))]
        x = 0.0
        for w in self.widths[:-1]:
            x += w
            lines.append((x, 0.0, x, height))
        canv.lines(lines)
        canv.setLineWidth(self.box_width)
        canv.rect(0, 0, width, height, stroke=1, fill=0)
        canv.restoreState()

    def _draw_head(self, top: float, head_h: float) -> None:
        x = 0.0
        for f, w, h in zip(self.head, self.widths, self._head_layout(), strict=True):
            f.drawOn(self.canv, x + self.padding, top - head_h + (head_h - h) / 2)
            x += w

    def _draw_cells(self, top: float) -> None:
        """Every plain cell in one text object; a cell with a character the font lacks goes
        through the canvas, which sets it in runs of fallback fonts."""
        canv, font, size, pad = self.canv, self.font, self.size, self.padding
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
        widths: dict[str, float] = {}
        text = canv.beginText()
        text.setFont(font, size, size * 1.2)
        fallback: list[tuple[float, float, str]] = []
        # the baseline where Table puts a one-line string cell with VALIGN MIDDLE
        first = top - self.row_height + (self.row_height + size * 1.2) / 2 - size
        for r, row in enumerate(self.rows):
            y = first - r * self.row_height
            for left, w, cell in zip(lefts, self.widths, row, strict=False):
                if not cell:
                    continue
                if needs_runs(cell, font):
                    fallback.append((left + w / 2, y, cell))
                    continue
                tw = widths.get(cell)
                if tw is None:
                    tw = widths[cell] = stringWidth(cell, font, size)
                room = w - 2 * pad
                if tw > room:  # an overlong name: smaller, then narrower — never over the next column
                    fit = max(MIN_SIZE, size * room / tw)
                    scale = min(1.0, room / (tw * fit / size))
                    text.setFont(font, fit, fit * 1.2)
                    text.setHorizScale(100 * scale)
                    text.setTextOrigin(left + pad, y + (size - fit) / 2)
                    text.textOut(cell)
                    text.setHorizScale(100)
                    text.setFont(font, size, size * 1.2)
                    continue
                text.setTextOrigin(left + (w - tw) / 2, y)
                text.textOut(cell)
        canv.drawText(text)
        if fallback:
            canv.setFont(font, size, size * 1.2)
        for x, y, cell in fallback:
            canv.drawCentredString(x, y, cell)
