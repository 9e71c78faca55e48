"""月度汇编: the month's records for the paper file — cover, contents with page numbers, every
held meeting in date order (each from a new page), and the month's attendance table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Meeting
from models.enums import AttendanceStatus, MeetingStatus, MeetingType
from models.errors import BranchBookError
from models.meetings import MeetingDetail, get_meetings
from models.name_order import name_key
from reports import docmodel as dm
from reports.layout import (
    BODY_WIDTH,
    RULE_COLOR,
    SIZE_SMALL,
    LayoutProblem,
    PageNumbers,
    Styles,
    build_pdf,
    grid,
    meeting_mark,
    para,
    plain_table,
    spacer,
)
from reports.minutes import (
    BranchHeader,
    branch_header,
    minutes_blocks,
    minutes_story,
    people,
    plain_minutes_story,
)
from reports.string_grid import StringGrid

SHORT_TYPES = {
    MeetingType.GENERAL_ASSEMBLY: "大会",
    MeetingType.COMMITTEE: "支委",
    MeetingType.GROUP: "小组",
    MeetingType.PARTY_LECTURE: "党课",
    MeetingType.THEME_DAY: "党日",
    MeetingType.LIFE_MEETING: "生活会",
    MeetingType.APPRAISAL: "评议",
    MeetingType.OTHER: "其他",
}
# Attendance marks: characters every CJK font has (✓ and × are missing from some).
MARKS = {AttendanceStatus.PRESENT: "出", AttendanceStatus.LEAVE: "假", AttendanceStatus.ABSENT: "缺"}
UNRECORDED = "未记"  # 应到 that day, but the attendance list has no row for them
ATTENDANCE_KEY = "attendance"
MAX_COLUMNS = 12  # meetings per attendance table (a column stays wide enough to read)


@dataclass(frozen=True)
class MonthData:
    branch: BranchHeader
    year: int
    month: int
    meetings: list[MeetingDetail]  # held (草稿/定稿), in date order
    planned: int  # 计划 meetings left out

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise BranchBookError(f"月份“{text}”格式不对，应为 YYYY-MM，例如 2026-03。", field="month") from None
    return year, month


def collect_month(session: Session, branch_id: int, year: int, month: int) -> MonthData:
    # the month's meetings by date and status only (the list's 应到 counts are not needed here)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    rows = session.execute(
        select(Meeting.id, Meeting.status)
        .where(Meeting.branch_id == branch_id, Meeting.held_on >= date(year, month, 1), Meeting.held_on < end)
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    held = [mid for mid, status in rows if status != MeetingStatus.PLANNED]
    if not held:
        planned = f"（另有 {len(rows)} 次计划中的会议尚未召开）" if rows else ""
        raise BranchBookError(f"{year}年{month}月没有已召开的会议记录{planned}，无法生成月度汇编。"
                              "请换一个月份。", field="month")
    return MonthData(branch_header(session, branch_id), year, month, get_meetings(session, held),
                     len(rows) - len(held))


def cover_table(s: Styles, rows: list[list[Any]]) -> Table:
    """The label: value lines of a cover page, values on a rule."""
    return plain_table(s, rows, [40 * mm, 100 * mm],
                       [("LINEBELOW", (1, 0), (1, -1), 0.6, RULE_COLOR), ("TOPPADDING", (0, 0), (-1, -1), 6),
                        ("VALIGN", (0, 0), (-1, -1), "BOTTOM")], hAlign="CENTER")


def _cover(d: MonthData, s: Styles) -> list[Flowable]:
    lines = cover_lines(d)
    rows = [[para(f"{k}：", s.cover_line), para(v, s.cover_line)] for k, v in lines]
    table = cover_table(s, rows)
    story: list[Flowable] = [spacer(30), para("党支部工作记录", s.cover_title), spacer(6),
                             para(f"{d.label}会议记录汇编", s.title), spacer(40), table]
    if d.planned:
        story += [spacer(10), para(f"注：本月另有 {d.planned} 次计划中的会议尚未召开，未列入本汇编。", s.small)]
    return story


def _contents(d: MonthData, s: Styles, numbers: PageNumbers) -> list[Flowable]:
    head = [para(h, s.small_label) for h in ("序号", "日期", "类型", "会议名称", "页码")]
    rows: list[list[Any]] = [head]
    for n, m in enumerate(d.meetings, 1):
        rows.append([para(str(n), s.small_center), para(f"{m.held_on.month}月{m.held_on.day}日", s.small_center),
                     para(m.meeting_type.label, s.small_center),
                     para(m.title, s.small), numbers.ref(m.id)])
    rows.append([para(str(len(d.meetings) + 1), s.small_center), "", "",
                 para(f"{d.label}党员出勤情况表", s.small), numbers.ref(ATTENDANCE_KEY)])
    widths = [12 * mm, 24 * mm, 30 * mm, BODY_WIDTH - 82 * mm, 16 * mm]
    return [para("目　　录", s.title), spacer(4), grid(s, rows, widths)]


def column_kind(m: MeetingDetail) -> str:
    """支委 / 党课 …; a 党小组会 names its group (第一党小组 → 第一小组), since several groups
    often meet on the same day."""
    if m.meeting_type == MeetingType.GROUP and m.group_name:
        stem = m.group_name.removesuffix("党小组")
        return f"{stem}小组" if stem != m.group_name and stem else m.group_name
    return SHORT_TYPES[m.meeting_type]


def attendance_grids(d: MonthData) -> list[dm.Grid]:
    """Member × meeting with 出/假/缺 ("—" where the member was not 应到); a busy month is
    split into several tables of at most MAX_COLUMNS meetings, the totals on the last."""
    names: dict[int, str] = {}
    marks: dict[tuple[int, int], str] = {}
    for m in d.meetings:
        for a in m.attendance:
            names.setdefault(a.member_id, a.member_name)
            marks[(m.id, a.member_id)] = MARKS[a.status]
        # 应到 on the meeting date (the roll) but not on the list: the list is incomplete
        missing = m.outcome.missing if m.outcome is not None else ()
        for member_id, name in zip(missing, m.missing_names, strict=False):
            names.setdefault(member_id, name)
            marks[(m.id, member_id)] = UNRECORDED
    names = dict(sorted(names.items(), key=lambda item: name_key(item[1])))  # 姓氏笔画
    totals: dict[int, str] = {}
    for mid in names:
        cells = [marks.get((m.id, mid)) for m in d.meetings]
        expected = sum(1 for c in cells if c is not None)
        totals[mid] = f"{cells.count(MARKS[AttendanceStatus.PRESENT])}/{expected}"
    chunks = [d.meetings[i:i + MAX_COLUMNS] for i in range(0, len(d.meetings), MAX_COLUMNS)]
    grids = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        head = ("序号", "姓名", *(f"{m.held_on.day}日{column_kind(m)}" for m in chunk), *(("出勤",) if last else ()))
        rows = tuple((str(n), name, *(marks.get((m.id, mid), "—") for m in chunk), *((totals[mid],) if last else ()))
                     for n, (mid, name) in enumerate(names.items(), 1))
        widths = (10.0, 20.0, *([None] * len(chunk)), *((16.0,) if last else ()))
        caption = f"（{index + 1}/{len(chunks)}）" if len(chunks) > 1 else ""
        grids.append(dm.Grid(head, rows, widths, name="出勤情况表", caption=caption))
    return grids


ATTENDANCE_LEGEND = ("说明：“出”为出席，“假”为请假，“缺”为缺席，“未记”为应到但未登记出席情况（名单不全），"
                     "“—”为非应到人员（按会议当日的党员名册）；“出勤”为本月出席次数/应到次数。")


def attendance_table(d: MonthData, s: Styles) -> list[Flowable]:
    """The attendance grids: thousands of one-line cells, drawn without a Table (reports.string_grid)."""
    story: list[Flowable] = [para(f"{d.label}党员出勤情况表", s.title), spacer(2)]
    for g in attendance_grids(d):
        fixed = sum(w for w in g.widths_mm if w is not None) * mm
        free = sum(1 for w in g.widths_mm if w is None)
        widths = [w * mm if w is not None else (BODY_WIDTH - fixed) / free for w in g.widths_mm]
        if g.caption:
            story.append(para(g.caption, s.small_center))
        story += [StringGrid([para(h, s.small_label) for h in g.head], g.rows, widths, font=s.fonts.body.name,
                             size=SIZE_SMALL, padding=2, rule_color=RULE_COLOR), spacer(3)]
    story.append(para(ATTENDANCE_LEGEND, s.small))
    return story


def cover_lines(d: MonthData) -> list[tuple[str, str]]:
    return [("支部名称", d.branch.name), ("上级党组织", d.branch.superior_org or "—"),
            ("年　　月", d.label), ("会议次数", f"{len(d.meetings)} 次")]


def month_blocks(d: MonthData) -> list[dm.Block]:
    """The compilation as a neutral description (the Word file; the PDF adds page numbers to
    the contents)."""
    blocks: list[dm.Block] = [dm.Title("党支部工作记录", f"{d.label}会议记录汇编", cover=True),
                              dm.FieldTable(tuple(dm.FieldRow(((k, v),)) for k, v in cover_lines(d)), cover=True)]
    if d.planned:
        blocks.append(dm.Text(f"注：本月另有 {d.planned} 次计划中的会议尚未召开，未列入本汇编。", small=True))
    contents = tuple((str(n), f"{m.held_on.month}月{m.held_on.day}日", m.meeting_type.label, m.title)
                     for n, m in enumerate(d.meetings, 1))
    contents += ((str(len(d.meetings) + 1), "", "", f"{d.label}党员出勤情况表"),)
    blocks += [dm.PageBreak(), dm.Title("目　　录"),
               dm.Grid(("序号", "日期", "类型", "会议名称"), contents, (12, 24, 30, None),
                       align=("center", "center", "center", "left"))]
    for m in d.meetings:
        blocks += [dm.PageBreak(), *minutes_blocks(m)]
    blocks += [dm.PageBreak(), dm.Title(f"{d.label}党员出勤情况表"), *attendance_grids(d),
               dm.Text(ATTENDANCE_LEGEND, small=True)]
    return blocks


def month_document(session: Session, branch_id: int, month: str) -> dm.Document:
    year, mon = parse_month(month)
    d = collect_month(session, branch_id, year, mon)
    return dm.Document(title=f"{d.branch.name}{d.label}会议记录汇编", header=f"{d.branch.name}工作记录",
                       author=d.branch.name, blocks=month_blocks(d),
                       names=set().union(*(people(m) for m in d.meetings)))


def month_story(d: MonthData, s: Styles, numbers: PageNumbers, plain: frozenset[int] = frozenset()) -> list[Flowable]:
    """``plain``: meetings printed as plain paragraphs (their table layout failed)."""
    story: list[Flowable] = [*_cover(d, s), PageBreak(), *_contents(d, s, numbers)]
    for m in d.meetings:
        body = plain_minutes_story(m, s) if m.id in plain else minutes_story(m, s)
        story += [PageBreak(), numbers.marker(m.id), *body]
    story += [PageBreak(), meeting_mark("出勤情况表", running=f"{d.label}党员出勤情况表"), numbers.marker(ATTENDANCE_KEY),
              *attendance_table(d, s)]
    return story


def render_month(d: MonthData, out: str | Path | BinaryIO, styles: Styles,
                 notices: list[str] | None = None) -> dict[object, int]:
    """Write the PDF in one layout pass; returns the page each meeting (and the attendance
    table) starts on — the numbers the contents show, filled in after the last page. A
    meeting whose record cannot be laid out never blocks the month: it is printed as plain
    paragraphs, and ``notices`` says which one."""
    plain: set[int] = set()
    target = out if isinstance(out, (str, Path)) else None
    while True:
        numbers = PageNumbers()
        buffer = BytesIO() if target is None else None
        try:
            build_pdf(buffer if buffer is not None else out, month_story(d, styles, numbers, frozenset(plain)),
                      styles, title=f"{d.branch.name}{d.label}会议记录汇编", header=f"{d.branch.name}工作记录",
                      author=d.branch.name, cover=True, numbers=numbers,
                      names=set().union(*(people(m) for m in d.meetings)))
        except LayoutProblem as problem:
            key = problem.meeting_key
            if not isinstance(key, int) or key in plain:
                raise
            plain.add(key)
            if notices is not None:
                notices.append(f"{problem.message.split('。')[0]}，已改为文字形式排入汇编。")
            continue
        if buffer is not None:
            out.write(buffer.getvalue())  # type: ignore[union-attr]
        return numbers.pages


def write_month(session: Session, branch_id: int, month: str, out: str | Path | BinaryIO, styles: Styles,
                notices: list[str] | None = None) -> None:
    year, mon = parse_month(month)
    render_month(collect_month(session, branch_id, year, mon), out, styles, notices)

