"""Draws a document's neutral description (reports.docmodel) as ReportLab flowables."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from reports import docmodel as dm
from reports.layout import (
    BODY_WIDTH,
    PAGE_HEIGHT,
    RULE_COLOR,
    SIZE_BODY,
    Styles,
    grid,
    heading,
    meeting_mark,
    para,
    paragraphs,
    plain_table,
    spacer,
    tag,
)

# A header field longer than this (characters, then height) leaves the table and flows as text.
LONG_CELL_CHARS = 120
LONG_CELL = 60 * mm


def story(blocks: list[dm.Block], s: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for block in blocks:
        out += _draw(block, s)
    return out


def _draw(block: dm.Block, s: Styles) -> list[Flowable]:
    if isinstance(block, dm.Title):
        if block.cover:
            return [spacer(30), para(block.text, s.cover_title), spacer(6),
                    *([para(block.subtitle, s.title), spacer(40)] if block.subtitle else [])]
        lines = [para(block.text, s.title)] + ([para(block.subtitle, s.subtitle)] if block.subtitle else [])
        return tag(lines, field="会议名称")
    if isinstance(block, dm.FieldTable):
        return field_table(block, s)
    if isinstance(block, dm.Heading):
        return [heading(block.text, s)]
    if isinstance(block, dm.Text):
        if block.small:
            flow = [para(line.strip(), s.small) for line in block.text.splitlines() if line.strip()]
        elif block.indent:
            flow = list(paragraphs(block.text, s.body))
        else:
            flow = [para(line.strip(), s.plain) for line in block.text.splitlines() if line.strip()]
        return tag(flow, field=block.name) if block.name else flow
    if isinstance(block, dm.Grid):
        return ruled(block, s)
    if isinstance(block, dm.Signatures):
        return [signatures(block, s)]
    if isinstance(block, dm.PageBreak):
        return [PageBreak()]
    return [meeting_mark(block.label, block.key, block.running, block.draft)]


def field_table(t: dm.FieldTable, s: Styles) -> list[Flowable]:
    """The header table; a field too long for a table cell (60 列席 with their units, a
    3,000-character 会议主题) says 见表后 in its cell and flows after the table as body text,
    across pages like any paragraph."""
    if t.cover:
        lines = [[para(f"{label}：", s.cover_line), para(value, s.cover_line)] for row in t.rows
                 for label, value in row.cells]
        return [plain_table(s, lines, [40 * mm, 100 * mm],
                            [("LINEBELOW", (1, 0), (1, -1), 0.6, RULE_COLOR), ("TOPPADDING", (0, 0), (-1, -1), 6),
                             ("VALIGN", (0, 0), (-1, -1), "BOTTOM")], hAlign="CENTER")]
    L, V = s.label, s.cell
    label_w, first_w = t.label_mm * mm, t.first_value_mm * mm
    widths = [label_w, first_w, label_w, BODY_WIDTH - 2 * label_w - first_w]
    rows: list[list[Any]] = []
    spans: list[int] = []
    after: list[Flowable] = []
    for row in t.rows:
        if len(row.cells) == 1:
            label, value = row.cells[0]
            spans.append(len(rows))
            cell = para(value, V)
            # measured on a copy: the cell itself is wrapped during the build, where names are kept whole
            if len(value) > LONG_CELL_CHARS and \
                    para(value, V).wrap(BODY_WIDTH - label_w - 10, PAGE_HEIGHT)[1] > LONG_CELL:
                name = label.replace("\n", "").replace("　", "").replace(" ", "")
                count = f"共 {len(row.items)} 人，" if row.items else ""
                cell = para(f"（{count}见表后“{name}”）", V)
                body = ([para(f"{n}. {item}", s.plain) for n, item in enumerate(row.items, 1)] if row.items
                        else [para(value, s.body)])
                after.extend(tag([heading(name, s), *body], field=name))
            rows.append([para(label, L), cell, "", ""])
        else:
            (l1, v1), (l2, v2) = row.cells[:2]
            rows.append([para(l1, L), para(v1, V), para(l2, L), para(v2, V)])
    extra = [("SPAN", (1, r), (3, r)) for r in spans]
    table = grid(s, rows, widths, header_rows=0, extra=extra, padding=5)
    return [*tag([table], field=t.name), *after, spacer(3)]


def ruled(g: dm.Grid, s: Styles) -> list[Flowable]:
    fixed = sum(w for w in g.widths_mm if w is not None) * mm
    free = sum(1 for w in g.widths_mm if w is None)
    widths = [w * mm if w is not None else (BODY_WIDTH - fixed) / free for w in g.widths_mm]
    head_style = s.small_label if g.small else s.label
    left, center = (s.small, s.small_center) if g.small else (s.cell, s.cell_center)
    align = g.align or ("center",) * len(g.head)
    rows: list[list[Any]] = [[para(h, head_style) for h in g.head]]
    for r in g.rows:
        rows.append([para(v, left if a == "left" else center) if v else "" for v, a in zip(r, align, strict=False)])
    heights = [None, *([g.row_height_mm * mm] * len(g.rows))] if g.row_height_mm else None
    out: list[Flowable] = []
    if g.caption:
        caption = para(g.caption, s.label)
        caption.keepWithNext = True
        out.append(caption)
    out += [grid(s, rows, widths, row_heights=heights), spacer(3)]
    return tag(out, field=g.name) if g.name else out


def signatures(sig: dm.Signatures, s: Styles) -> Flowable:
    """主持人/记录人 signature lines."""
    labels = list(sig.labels) + [""] * (2 - len(sig.labels))
    # plain-string labels sit on the row's baseline, so the rule lines up under the text
    # (a 28 pt-leading paragraph left the rule half a line below the labels)
    table = plain_table(
        s, [[labels[0], "", labels[1], ""]],
        [46 * mm, BODY_WIDTH / 2 - 50 * mm, 50 * mm, BODY_WIDTH / 2 - 46 * mm],  # a label is 8 × 16 pt wide
        [("FONT", (0, 0), (-1, -1), s.fonts.body.name, SIZE_BODY), ("LEFTPADDING", (0, 0), (-1, -1), 0),
         ("LEFTPADDING", (2, 0), (2, 0), 4 * mm),
         ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
         ("LINEBELOW", (1, 0), (1, 0), 0.8, RULE_COLOR), ("LINEBELOW", (3, 0), (3, 0), 0.8, RULE_COLOR)],
    )
    date = [spacer(3), para(sig.date_line, s.right)] if sig.date_line else []
    return KeepTogether(tag([spacer(10), table, *date, spacer(4)], field="签字栏"))
