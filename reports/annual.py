"""年度台账: the year's ledger bound for the inspection — cover, the "三会一课" compliance grid
(12 months × meeting types, held against required), every meeting of the year, attendance
rate and study hours per member, and the year's alerts. The numbers come from
``models.compliance.compliance_for_year``, the same as the 统计与提醒 page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy.orm import Session

from models.compliance import YearCompliance, compliance_for_year
from models.compliance_grid import GridRow, grid_rows
from models.enums import MeetingStatus, MeetingType
from models.meetings import MeetingRow, list_meetings
from models.member_attendance import UNRECORDED_NOTE
from models.name_order import group_key, name_key
from models.notes import YEARLY_STUDY_HOURS
from models.records_start import UNRECORDED_LABEL
from models.validation import format_date
from reports import docmodel as dm
from reports import pdf_render
from reports.layout import BODY_WIDTH, Styles, build_pdf, grid, heading, para, spacer
from reports.minutes import BranchHeader, branch_header
from reports.monthly import cover_table

# The ledger ends with the secretary's signature, the date and the reviewer's (审核) signature.
SIGN_OFF = dm.Signatures(("书记（签字）：", "审核（签字）："))

# What a grid cell says (besides held/required) and its shade on a black-and-white printer.
CELL_MARKS = {"done": "", "missing": "缺", "upcoming": "待", "failed_quorum": "未"}
MISSING_SHADE = colors.HexColor("#D9D9D9")


@dataclass(frozen=True)
class YearData:
    branch: BranchHeader
    year: int
    compliance: YearCompliance
    meetings: list[MeetingRow]  # held (not 计划), in date order
    today: date


def collect_year(session: Session, branch_id: int, year: int, today: date | None = None) -> YearData:
    today = today or date.today()
    rows = list_meetings(session, branch_id, year=year)
    held = sorted((r for r in rows if r.status != MeetingStatus.PLANNED), key=lambda r: (r.held_on, r.id))
    return YearData(branch_header(session, branch_id), year,
                    compliance_for_year(session, branch_id, year, today), held, today)


def _cover(d: YearData, s: Styles) -> list[Flowable]:
    members = sum(1 for a in d.compliance.attendance if a.expected)
    lines = [("支部名称", d.branch.name), ("上级党组织", d.branch.superior_org or "—"),
             ("年　　度", f"{d.year}年"), ("会议活动", f"{len(d.meetings)} 次"),
             ("参会党员", f"{members} 人"), ("编印日期", format_date(d.today))]
    rows = [[para(f"{k}：", s.cover_line), para(v, s.cover_line)] for k, v in lines]
    return [spacer(30), para("党支部工作台账", s.cover_title), spacer(6),
            para(f"{d.year}年度“三会一课”及组织生活记录", s.title), spacer(36), cover_table(s, rows)]


def _cell(row: GridRow, month: int) -> str:
    if month <= row.unrecorded:
        return UNRECORDED_LABEL  # before the start of records: neutral, not shaded
    ob = row.cells[month - 1]
    if ob is None:
        return ""
    mark = CELL_MARKS.get(ob.status, "")
    return f"{ob.held}/{ob.required}{mark}"


def compliance_grid(d: YearData, s: Styles) -> list[Flowable]:
    rows_data = grid_rows(d.compliance)
    label_w = 36 * mm
    col = (BODY_WIDTH - label_w) / 12
    head: list[Any] = [para("项目", s.small_label)] + [para(f"{m}月", s.small_label) for m in range(1, 13)]
    rows: list[list[Any]] = [head]
    extra: list[tuple[Any, ...]] = [("FONT", (1, 1), (-1, -1), s.fonts.body.name, 8.5, 11),
                                    ("ALIGN", (1, 1), (-1, -1), "CENTER")]
    for r_index, row in enumerate(rows_data, 1):
        cells: list[Any] = [para(row.label, s.small)]
        month = 1
        while month <= 12:
            _first, last = row.spans(month)
            cells.append(_cell(row, month))
            cells.extend([""] * (last - month))
            if last > month:
                extra.append(("SPAN", (month, r_index), (last, r_index)))
            ob = row.cells[month - 1]
            if ob is not None and ob.status in ("missing", "failed_quorum"):
                extra.append(("BACKGROUND", (month, r_index), (last, r_index), MISSING_SHADE))
            month = last + 1
        rows.append(cells)
    note = "“缺”为应开未开，“未”为到会人数未达到规定，“待”为尚未到期；灰底为未完成"
    since = d.compliance.records_since
    if since is not None and any(r.unrecorded for r in rows_data):
        note += f"；“{UNRECORDED_LABEL}”为建账日期（{format_date(since)}）之前的月份，不计应开会议"
    legend = para("说明：格中数字为“实际召开次数/应召开次数”；季度、年度要求跨月合并显示。" + note + "。", s.small)
    return [heading(f"一、{d.year}年度“三会一课”落实情况", s),
            grid(s, rows, [label_w, *([col] * 12)], extra=extra, padding=2), spacer(2), legend]


def type_summary(d: YearData, s: Styles) -> list[Flowable]:
    """全年各类会议召开情况: count, 应到/实到 person-times and the average turnout per type."""
    head = [para(h, s.small_label) for h in ("会议类型", "召开次数", "应到人次", "实到人次", "到会率")]
    rows: list[list[Any]] = [head]
    for kind in MeetingType:
        held = [m for m in d.meetings if m.meeting_type == kind]
        if not held:
            continue
        expected, present = sum(m.expected for m in held), sum(m.present for m in held)
        rate = f"{present / expected * 100:.1f}%" if expected else "—"
        rows.append([kind.label, len(held), expected, present, rate])
    expected, present = sum(m.expected for m in d.meetings), sum(m.present for m in d.meetings)
    rows.append(["合计", len(d.meetings), expected, present, f"{present / expected * 100:.1f}%" if expected else "—"])
    widths = [BODY_WIDTH - 4 * 28 * mm] + [28 * mm] * 4
    extra = [("FONT", (0, 1), (-1, -1), s.fonts.body.name, 10.5, 13), ("ALIGN", (0, 1), (-1, -1), "CENTER")]
    # a captioned table inside section 一 (not a heading of its own among the numbered ones)
    caption = para(f"{d.year}年度各类会议召开情况", s.label)
    caption.keepWithNext = True
    return [spacer(6), caption, grid(s, rows, widths, extra=extra, padding=3)]


def meeting_list(d: YearData, s: Styles) -> list[Flowable]:
    if not d.meetings:  # a header row over nothing reads like a printing fault
        return [heading(f"二、{d.year}年度会议活动一览", s), para("本年度没有已召开的会议活动记录。", s.body)]
    head = [para(h, s.small_label) for h in ("序号", "日期", "类型", "会议名称", "主持人", "应到/实到")]
    rows: list[list[Any]] = [head]
    for n, m in enumerate(d.meetings, 1):
        kind = m.meeting_type.label + (f"\n{m.group_name}" if m.group_name else "")
        rows.append([str(n), f"{m.held_on.month}月{m.held_on.day}日", kind, para(m.title, s.small),
                     m.host, m.counts_text.replace("（", "\n").rstrip("）")])
    widths = [11 * mm, 20 * mm, 26 * mm, BODY_WIDTH - 95 * mm, 18 * mm, 20 * mm]
    extra = [("FONT", (0, 1), (-1, -1), s.fonts.body.name, 9, 11), ("ALIGN", (0, 1), (2, -1), "CENTER"),
             ("ALIGN", (4, 1), (-1, -1), "CENTER")]
    story: list[Flowable] = [heading(f"二、{d.year}年度会议活动一览（共 {len(d.meetings)} 次）", s),
                             grid(s, rows, widths, extra=extra, padding=2)]
    incomplete = sum(1 for m in d.meetings if m.attendance_problem)
    note = "说明：应到人数按会议当日的党员名册计算（党小组会为该小组成员，支委会为支委）。"
    if incomplete:
        note += (f"有 {incomplete} 次会议出席情况有误：标“名单不全”的，登记出席情况的人数少于应到人数，"
                 "不能认定达到法定人数；标“无应到人员”的，当日没有应到党员，不计入已召开的会议。")
    return [*story, spacer(2), para(note, s.small)]


def members_in_order(d: YearData) -> list[Any]:
    """The year's members in the one order of every document: groups in their order, then 姓氏笔画."""
    return sorted(d.compliance.attendance, key=lambda a: (group_key(a.group_name), name_key(a.member)))


def attendance_list(d: YearData, s: Styles) -> list[Flowable]:
    head = [para(h, s.small_label) for h in ("序号", "姓名", "党小组", "应到", "出席", "请假", "缺席", "未记", "出勤率")]
    rows: list[list[Any]] = [head]
    for n, a in enumerate(members_in_order(d), 1):
        rate = f"{a.rate * 100:.1f}%" if a.expected else "—"
        rows.append([str(n), a.member, a.group_name, a.expected, a.present, a.leave, a.absent, a.unrecorded, rate])
    widths = [12 * mm, 24 * mm, 34 * mm] + [(BODY_WIDTH - 90 * mm) / 5] * 5 + [20 * mm]
    extra = [("FONT", (0, 1), (-1, -1), s.fonts.body.name, 10.5, 13), ("ALIGN", (0, 1), (-1, -1), "CENTER")]
    note = "说明：应到按会议当日的党员名册计算（党小组会为该小组成员，支委会为支委）。"
    if any(a.unrecorded for a in d.compliance.attendance):
        note += UNRECORDED_NOTE
    return [heading("三、党员参加组织生活情况", s), grid(s, rows, widths, extra=extra, padding=2), spacer(2),
            para(note, s.small)]


def study_list(d: YearData, s: Styles) -> list[Flowable]:
    head = [para(h, s.small_label) for h in ("序号", "姓名", "党小组", "全年学时", "要求学时", "是否达标")]
    rows: list[list[Any]] = [head]
    for n, a in enumerate(members_in_order(d), 1):
        ok = "达标" if a.study_hours >= YEARLY_STUDY_HOURS else f"差 {YEARLY_STUDY_HOURS - a.study_hours:g}"
        rows.append([str(n), a.member, a.group_name, f"{a.study_hours:g}", f"{YEARLY_STUDY_HOURS:g}", ok])
    widths = [12 * mm, 24 * mm, 34 * mm] + [(BODY_WIDTH - 70 * mm) / 3] * 3
    extra = [("FONT", (0, 1), (-1, -1), s.fonts.body.name, 10.5, 13), ("ALIGN", (0, 1), (-1, -1), "CENTER")]
    return [heading("四、党员学习学时情况", s), grid(s, rows, widths, extra=extra, padding=2)]


def alert_list(d: YearData, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [heading("五、提醒事项", s)]
    if not d.compliance.alerts:
        return [*story, para("本年度无提醒事项。", s.body)]
    head = [para(h, s.small_label) for h in ("序号", "提醒内容")]
    rows: list[list[Any]] = [head]
    rows += [[str(n), para(a.message, s.small)] for n, a in enumerate(d.compliance.alerts, 1)]
    extra = [("FONT", (0, 1), (0, -1), s.fonts.body.name, 10.5, 13), ("ALIGN", (0, 1), (0, -1), "CENTER")]
    return [*story, grid(s, rows, [12 * mm, BODY_WIDTH - 12 * mm], extra=extra, padding=3)]


def year_story(d: YearData, s: Styles) -> list[Flowable]:
    return [*_cover(d, s), PageBreak(), *compliance_grid(d, s), *type_summary(d, s), PageBreak(),
            *meeting_list(d, s),
            PageBreak(), *attendance_list(d, s), PageBreak(), *study_list(d, s), spacer(4), *alert_list(d, s),
            pdf_render.signatures(SIGN_OFF, s)]


def write_annual(session: Session, branch_id: int, year: int, out: str | Path | BinaryIO, styles: Styles,
                 today: date | None = None) -> None:
    d = collect_year(session, branch_id, year, today)
    build_pdf(out, year_story(d, styles), styles, title=f"{d.branch.name}{year}年度工作台账",
              header=f"{d.branch.name}{year}年度工作台账", author=d.branch.name, cover=True)
