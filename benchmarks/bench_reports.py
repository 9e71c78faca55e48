"""Printed documents on the 10-year, 100-member demo: one meeting's minutes, the busiest month's
compilation and the busiest year's ledger, each against a bare ReportLab document of the same
text (the text our PDF holds, one plain paragraph per line, same embedded font, no database,
no tables, no page numbering). Targets: a month under 1 s, the annual ledger under 5 s."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from benchmarks.common import BenchContext, Measure


def _bare_document(pdf: Path, out: Path) -> Callable[[], object]:
    """The floor: a plain ReportLab document with the same lines of text as ``pdf``."""
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from reports.fonts import fonts

    style = ParagraphStyle("plain", fontName=fonts().body.name, fontSize=12, leading=16, wordWrap="CJK")
    pages = [[line for line in (page.extract_text() or "").splitlines() if line.strip()]
             for page in PdfReader(pdf).pages]

    def build() -> object:
        story: list[object] = []
        for lines in pages:
            story += [Paragraph(line.replace("&", "&amp;").replace("<", "&lt;"), style) for line in lines]
            story.append(PageBreak())
        SimpleDocTemplate(str(out), pagesize=A4).build(story)
        return out

    return build


def measures(ctx: BenchContext) -> list[Measure]:
    from collections import Counter

    from models.db import open_database
    from models.enums import MeetingStatus, MeetingType
    from models.meetings import list_meetings
    from models.roster import default_branch
    from reports.documents import write_document

    db = open_database(ctx.db_path)
    year = ctx.busiest_year
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]
        rows = [r for r in list_meetings(s, branch_id, year=year) if r.status != MeetingStatus.PLANNED]
    assembly = next(r for r in rows if r.meeting_type == MeetingType.GENERAL_ASSEMBLY)
    busiest_month = Counter(r.held_on.month for r in rows).most_common(1)[0][0]
    month = f"{year}-{busiest_month:02d}"
    tmp = ctx.tmp

    def minutes() -> object:
        return write_document(db, "minutes", tmp / "minutes.pdf", branch_id=branch_id, meeting_id=assembly.id)

    def monthly() -> object:
        return write_document(db, "monthly", tmp / "monthly.pdf", branch_id=branch_id, month=month)

    def annual() -> object:
        return write_document(db, "annual", tmp / "annual.pdf", branch_id=branch_id, year=year)

    result = []
    for name, ours, target, repeat in (
        (f"会议记录 PDF（{assembly.held_on}，{assembly.expected} 人）", minutes, "", 5),
        (f"月度汇编 PDF（{month}）", monthly, "< 1 s", 5),
        (f"年度台账 PDF（{year}，{len(rows)} 次会议）", annual, "< 5 s", 3),
    ):
        pdf = Path(str(ours()))  # the text the floor has to lay out
        result.append(Measure(name, ours, _bare_document(pdf, tmp / f"floor-{pdf.name}"), target, repeat))
    return result
