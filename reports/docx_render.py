"""Draws a document's neutral description (reports.docmodel) as a Word .docx (python-docx), for
offices that edit and file their minutes in WPS or Word: A4 with the margins of the PDF
(GB/T 9704), East Asian fonts named as offices have them (仿宋_GB2312 body, 方正小标宋简体
title, 黑体 headings, 楷体_GB2312 subtitle), tables for the header block and the lists, and
"— 1 —" page numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import docmodel as dm

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
PAGE_W, PAGE_H = 210, 297
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # mm, as the PDF
BODY_W = PAGE_W - MARGINS["left"] - MARGINS["right"]


def _fonts(element: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a run or a style (w:rFonts w:eastAsia)."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


class _Writer:
    def __init__(self, doc: dm.Document) -> None:
        self.model = doc
        self.doc = new_document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
        section.top_margin, section.bottom_margin = Mm(MARGINS["top"]), Mm(MARGINS["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS["left"]), Mm(MARGINS["right"])
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(16)
        _fonts(normal.element, BODY_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
        fmt.space_before = fmt.space_after = Pt(0)
        props = self.doc.core_properties
        props.title, props.author, props.subject = doc.title, doc.author, doc.title
        self._header_footer(section, doc.header)
        self.first = True

    def _header_footer(self, section: Any, header: str) -> None:
        if header:
            p = section.header.paragraphs[0]
            self._run(p, header, BODY_FONT, 10.5)
        p = section.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._run(p, "— ", BODY_FONT, 14)
        run = p.add_run()
        for tag, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            if tag:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), tag)
                run._r.append(fld)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)
        run.font.size = Pt(14)
        self._run(p, " —", BODY_FONT, 14)

    @staticmethod
    def _run(p: Any, text: str, font: str, size: float, bold: bool = False) -> Any:
        run = p.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        _fonts(run._element, font)
        return run

    def para(self, text: str, *, font: str = BODY_FONT, size: float = 16, align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
             indent: bool = False, leading: float | None = None, container: Any = None) -> Any:
        p = (container or self.doc).add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        if indent:
            fmt.first_line_indent = Pt(2 * size)
        if leading is not None:
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(leading)
        if text:
            self._run(p, text, font, size)
        return p

    # --- blocks ---------------------------------------------------------------------------

    def draw(self, block: dm.Block) -> None:
        if isinstance(block, dm.Title):
            if block.cover:
                self.para("", leading=28).paragraph_format.space_before = Mm(30)
                self.para(block.text, font=TITLE_FONT, size=30, align=WD_ALIGN_PARAGRAPH.CENTER, leading=44)
                if block.subtitle:
                    p = self.para(block.subtitle, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER,
                                  leading=32)
                    p.paragraph_format.space_after = Mm(40)
                return
            self.para(block.text, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, leading=32)
            if block.subtitle:
                self.para(block.subtitle, font=KAI_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, leading=24)
        elif isinstance(block, dm.FieldTable):
            self.field_table(block)
        elif isinstance(block, dm.Heading):
            p = self.para(block.text, font=HEADING_FONT, align=WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.space_before = Pt(10)
            p.paragraph_format.keep_with_next = True
        elif isinstance(block, dm.Text):
            for line in block.text.splitlines():
                if line.strip():
                    if block.small:
                        self.para(line.strip(), size=10.5, leading=14)
                    else:
                        self.para(line.strip(), indent=block.indent)
        elif isinstance(block, dm.Grid):
            self.grid(block)
        elif isinstance(block, dm.Signatures):
            p = self.para("", align=WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.space_before = Mm(10)
            for n, label in enumerate(block.labels):
                self._run(p, ("　　" if n else "") + label, BODY_FONT, 16)
                self._run(p, "　" * 6, BODY_FONT, 16).underline = True
            if block.date_line:
                date_line = self.para(block.date_line, align=WD_ALIGN_PARAGRAPH.RIGHT)
                date_line.paragraph_format.space_before = Pt(6)
        elif isinstance(block, dm.PageBreak):
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _cell(self, cell: Any, text: str, *, label: bool = False, size: float = 12,
              align: Any = WD_ALIGN_PARAGRAPH.LEFT) -> None:
        lines = text.split("\n") if text else [""]
        first = cell.paragraphs[0]
        for n, line in enumerate(lines):
            p = first if n == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if label else align
            fmt = p.paragraph_format
            fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(size * 1.4)
            if line:
                self._run(p, line, HEADING_FONT if label else BODY_FONT, size)

    def _widths(self, table: Any, widths_mm: list[float]) -> None:
        table.autofit = False
        # LibreOffice lays a table out by its grid (w:gridCol), Word by the cells: set both
        for column, w in zip(table.columns, widths_mm, strict=False):
            column.width = Mm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths_mm, strict=False):
                cell.width = Mm(w)

    def field_table(self, t: dm.FieldTable) -> None:
        if t.cover:
            table = self.doc.add_table(rows=0, cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for row in t.rows:
                for label, value in row.cells:
                    cells = table.add_row().cells
                    self._cell(cells[0], f"{label}：", size=16)
                    self._cell(cells[1], value, size=16)
            self._widths(table, [40, 100])
            return
        table = self.doc.add_table(rows=0, cols=4)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        first_label, first_value = t.label_mm, t.first_value_mm
        widths = [first_label, first_value, first_label, BODY_W - 2 * first_label - first_value]
        for row in t.rows:
            cells = table.add_row().cells
            if len(row.cells) == 1:
                label, value = row.cells[0]
                self._cell(cells[0], label, label=True)
                merged = cells[1].merge(cells[3])
                self._cell(merged, value)
            else:
                (l1, v1), (l2, v2) = row.cells[:2]
                self._cell(cells[0], l1, label=True)
                self._cell(cells[1], v1)
                self._cell(cells[2], l2, label=True)
                self._cell(cells[3], v2)
        self._widths(table, widths)
        self.para("", leading=8)

    def grid(self, g: dm.Grid) -> None:
        if g.caption:
            p = self.para(g.caption, font=HEADING_FONT, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.keep_with_next = True
        fixed = sum(w for w in g.widths_mm if w is not None)
        free = sum(1 for w in g.widths_mm if w is None)
        widths = [w if w is not None else (BODY_W - fixed) / free for w in g.widths_mm]
        size = 10.5 if g.small else 12
        table = self.doc.add_table(rows=1, cols=len(g.head))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.rows[0]
        trpr = head._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)
        if g.head_height_mm:  # exactly as tall as printed: a smaller size keeps 序号 on one line
            head.height, head.height_rule = Mm(g.head_height_mm), WD_ROW_HEIGHT_RULE.EXACTLY
        for cell, text in zip(head.cells, g.head, strict=False):
            self._cell(cell, text, label=True, size=min(size, 10.5) if g.head_height_mm else size)
        align = g.align or ("center",) * len(g.head)
        for values in g.rows:
            row = table.add_row()
            if g.row_height_mm:
                row.height = Mm(g.row_height_mm)
            for cell, text, a in zip(row.cells, values, align, strict=False):
                self._cell(cell, text, size=size,
                           align=WD_ALIGN_PARAGRAPH.LEFT if a == "left" else WD_ALIGN_PARAGRAPH.CENTER)
        self._widths(table, widths)
        self.para("", leading=8)


def write_docx(doc: dm.Document, out: str | Path | BinaryIO) -> None:
    """Write ``doc`` as a .docx to ``out`` (a path or a binary file)."""
    writer = _Writer(doc)
    for block in doc.blocks:
        writer.draw(block)
    writer.doc.save(out if not isinstance(out, Path) else str(out))
