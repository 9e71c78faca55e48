"""会议记录: one meeting laid out like a page of the 党支部工作记录本 — header table
(名称、类型、时间、地点、主持人、记录人、应到/实到、缺席及原因、列席), then 议题, 会议内容,
决议 with vote results, 落实事项, and signature lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether
from sqlalchemy.orm import Session

from models.entities import Branch
from models.enums import AttendanceStatus, MeetingStatus, MeetingType
from models.meetings import AgendaRow, MeetingDetail, get_meeting
from models.rules import quorum_met, vote_passes
from models.validation import format_date
from reports.layout import (
    BODY_WIDTH,
    PAGE_HEIGHT,
    RULE_COLOR,
    SIZE_BODY,
    LayoutProblem,
    Styles,
    build_pdf,
    grid,
    heading,
    meeting_mark,
    para,
    paragraphs,
    plain_table,
    spacer,
    tag,
)

TITLES = {
    MeetingType.GENERAL_ASSEMBLY: "支部党员大会会议记录",
    MeetingType.COMMITTEE: "支部委员会会议记录",
    MeetingType.GROUP: "党小组会会议记录",
    MeetingType.PARTY_LECTURE: "党课记录",
    MeetingType.THEME_DAY: "主题党日活动记录",
    MeetingType.LIFE_MEETING: "组织生活会会议记录",
    MeetingType.APPRAISAL: "民主评议党员会议记录",
    MeetingType.OTHER: "活动记录",
}
CHINESE_NUMERALS = "一二三四五六七八九十"
# A header field longer than this (characters, then height) leaves the table and flows as text.
LONG_CELL_CHARS = 120
LONG_CELL = 60 * mm


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (enough for agenda items)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class BranchHeader:
    name: str
    superior_org: str


def branch_header(session: Session, branch_id: int) -> BranchHeader:
    branch = session.get_one(Branch, branch_id)
    return BranchHeader(branch.name, branch.superior_org)


def document_title(m: MeetingDetail) -> str:
    title = TITLES[m.meeting_type]
    if m.meeting_type == MeetingType.GROUP and m.group_name:
        return f"{m.group_name}会议记录"  # 第一党小组会议记录
    return title


def sequence_text(m: MeetingDetail) -> str:
    if m.status == MeetingStatus.PLANNED:
        return f"（{m.held_on.year}年，计划）"
    draft = "，草稿" if m.status == MeetingStatus.DRAFT else ""
    return f"（{m.held_on.year}年第{m.sequence_no}次{draft}）"


def _clock(t: time | None) -> str:
    return t.strftime("%H:%M") if t else ""


def time_text(m: MeetingDetail) -> str:
    start, end = _clock(m.start_time), _clock(m.end_time)
    span = f"{start}至{end}" if start and end else start or end
    return f"{format_date(m.held_on)} {span}".strip()


def absence_text(m: MeetingDetail) -> str:
    """缺席人员及原因: 张三（请假：病假，住院）、李四（缺席）."""
    parts = []
    for a in m.attendance:
        if a.status == AttendanceStatus.LEAVE:
            reason = a.leave_reason.label if a.leave_reason else "其他"
            note = f"，{a.reason_note}" if a.reason_note else ""
            parts.append(f"{a.member_name}（请假：{reason}{note}）")
        elif a.status == AttendanceStatus.ABSENT:
            note = f"：{a.reason_note}" if a.reason_note else ""
            parts.append(f"{a.member_name}（缺席{note}）")
    return "、".join(parts) or "无"


def present_text(m: MeetingDetail) -> str:
    names = []
    for a in m.attendance:
        if a.status == AttendanceStatus.PRESENT:
            names.append(f"{a.member_name}（{a.late_note}）" if a.late_note else a.member_name)
    return "、".join(names) or "无"


def guest_items(m: MeetingDetail) -> list[str]:
    """刘敏（街道党工委，组织员） for each 列席人员."""
    parts = []
    for g in m.guests:
        extra = "，".join(x for x in (g.unit, g.role) if x)
        parts.append(f"{g.name}（{extra}）" if extra else g.name)
    return parts


def guests_text(m: MeetingDetail) -> str:
    return "、".join(guest_items(m)) or "无"


@dataclass(frozen=True)
class VoteOutcome:
    basis: int  # the number 赞成 must exceed half of
    basis_label: str
    passed: bool


def vote_outcome(m: MeetingDetail, item: AgendaRow) -> VoteOutcome:
    """Whether a vote passed (SPEC §3): at a 党员大会, 赞成 strictly more than half of
    应到会有表决权的党员; at a 支委会, more than half of the committee members (应到); elsewhere
    more than half of those present with a vote."""
    if m.meeting_type == MeetingType.GENERAL_ASSEMBLY:
        basis, label = m.voting_expected, "应到会有表决权的党员"
    elif m.meeting_type == MeetingType.COMMITTEE:
        basis, label = m.expected_count, "应到支委"
    else:
        basis, label = m.voting_present, "实到有表决权的党员"
    return VoteOutcome(basis, label, vote_passes(item.votes_for or 0, basis))


def vote_text(m: MeetingDetail, item: AgendaRow) -> str:
    out = vote_outcome(m, item)
    verdict = "通过" if out.passed else "未通过"
    return (f"表决结果：赞成 {item.votes_for or 0} 票，反对 {item.votes_against or 0} 票，"
            f"弃权 {item.votes_abstain or 0} 票（{out.basis_label} {out.basis} 人，"
            f"赞成票须超过半数）。结果：{verdict}。")


def quorum_text(m: MeetingDetail) -> str:
    ok = quorum_met(m.voting_expected, m.voting_present, election=m.is_election)
    share = "五分之四" if m.is_election else "半数"
    verdict = f"超过{share}，符合规定" if ok else f"未超过{share}，不符合开会人数要求"
    return f"应到会有表决权的党员 {m.voting_expected} 人，实到 {m.voting_present} 人，{verdict}"


def _header_block(m: MeetingDetail, s: Styles) -> list[Flowable]:
    """The header table; a field too long for a table cell (60 列席 with their units, a
    3,000-character 会议主题) says 见表后 in its cell and flows after the table as body text,
    across pages like any paragraph."""
    L, V = s.label, s.cell
    widths = [28 * mm, 50 * mm, 28 * mm, BODY_WIDTH - 106 * mm]
    type_text = m.meeting_type.label + (f"（{m.group_name}）" if m.group_name else "")
    rows: list[list[Any]] = []
    spans: list[int] = []
    after: list[Flowable] = []

    def full(label: str, value: str, items: list[str] | None = None) -> None:
        """A label and its value across the row; ``items``: the value as a list (one per line
        when it flows after the table)."""
        spans.append(len(rows))
        cell = para(value, V)
        # measured on a copy: the cell itself is wrapped during the build, where names are kept whole
        if len(value) > LONG_CELL_CHARS and para(value, V).wrap(BODY_WIDTH - 28 * mm - 10, PAGE_HEIGHT)[1] > LONG_CELL:
            name = label.replace("\n", "").replace("　", "").replace(" ", "")
            count = f"共 {len(items)} 人，" if items else ""
            cell = para(f"（{count}见表后“{name}”）", V)
            body = ([para(f"{n}. {item}", s.plain) for n, item in enumerate(items, 1)] if items
                    else [para(value, s.body)])
            after.extend(tag([heading(name, s), *body], field=name))
        rows.append([para(label, L), cell, "", ""])

    def pair(l1: str, v1: str, l2: str, v2: str) -> None:
        rows.append([para(l1, L), para(v1, V), para(l2, L), para(v2, V)])

    full("会议名称", m.title)
    pair("会议类型", type_text, "会议次序", f"本年度第 {m.sequence_no} 次" if m.sequence_no else "—")
    full("时　　间", time_text(m))
    full("地　　点", m.location or "")
    pair("主 持 人", m.host, "记 录 人", m.recorder)
    if m.meeting_type == MeetingType.PARTY_LECTURE:
        pair("授 课 人", m.lecturer, "党课题目", m.lecture_topic)
    if not m.attendance:  # not yet taken (a planned meeting): blanks, not "0 人" and "无"
        pair("应到人数", "", "实到人数", "")
        full("出席人员", "（尚未登记出席情况）")
        full("缺席人员\n及原因", "")
    else:
        present = m.count(AttendanceStatus.PRESENT)
        pair("应到人数", f"{m.expected_count} 人", "实到人数", f"{present} 人")
        if m.meeting_type == MeetingType.GENERAL_ASSEMBLY:
            full("表 决 权", quorum_text(m))
        full("出席人员", present_text(m))
        full("缺席人员\n及原因", absence_text(m))
    full("列席人员", guests_text(m), guest_items(m))
    if m.theme:
        full("会议主题", m.theme)
    extra = [("SPAN", (1, r), (3, r)) for r in spans]
    table = grid(s, rows, widths, header_rows=0, extra=extra, padding=5)
    return [*tag([table], field="会议基本情况"), *after]


def _signatures(s: Styles) -> Flowable:
    """主持人/记录人 signature lines."""
    # plain-string labels sit on the row's baseline, so the rule lines up under the text
    # (a 28 pt-leading paragraph left the rule half a line below the labels)
    table = plain_table(
        s, [["主持人（签字）：", "", "记录人（签字）：", ""]],
        [46 * mm, BODY_WIDTH / 2 - 50 * mm, 50 * mm, BODY_WIDTH / 2 - 46 * mm],  # a label is 8 × 16 pt wide
        [("FONT", (0, 0), (-1, -1), s.fonts.body.name, SIZE_BODY), ("LEFTPADDING", (0, 0), (-1, -1), 0),
         ("LEFTPADDING", (2, 0), (2, 0), 4 * mm),
         ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
         ("LINEBELOW", (1, 0), (1, 0), 0.8, RULE_COLOR), ("LINEBELOW", (3, 0), (3, 0), 0.8, RULE_COLOR)],
    )
    return KeepTogether([spacer(10), table, spacer(4)])


def minutes_story(m: MeetingDetail, s: Styles) -> list[Flowable]:
    """The flowables of one meeting's record (the monthly compilation reuses them), each
    tagged with its meeting and field so that a layout failure names them."""
    story: list[Flowable] = [meeting_mark(meeting_label(m), m.id),
                             *tag([para(document_title(m), s.title), para(sequence_text(m), s.subtitle)],
                                  field="会议名称"),
                             *_header_block(m, s)]
    if m.agenda:
        story.append(heading("议题", s))
        story += tag([para(f"{chinese_number(n)}、{item.title}", s.plain) for n, item in enumerate(m.agenda, 1)],
                     field="议题")
    story.append(heading("会议内容", s))
    if m.study_material.strip():
        story += tag([para("学习内容：", s.plain), *paragraphs(m.study_material, s.body)], field="学习内容")
    body = paragraphs(m.minutes, s.body)
    story += tag(body or [para("（未填写）", s.body)], field="会议内容")
    for n, item in enumerate(m.agenda, 1):
        if item.discussion.strip():
            story += tag([para(f"关于议题{chinese_number(n)}的讨论：", s.plain), *paragraphs(item.discussion, s.body)],
                         field=f"议题{chinese_number(n)}的讨论")
    decided = [(n, item) for n, item in enumerate(m.agenda, 1) if item.resolution.strip() or item.has_vote]
    if decided:
        story.append(heading("决议", s))
        for n, item in decided:
            part: list[Flowable] = [para(f"{chinese_number(n)}、{item.title}", s.plain)]
            if item.resolution.strip():
                part.extend(paragraphs(item.resolution, s.body))
            if item.has_vote:
                part.append(para(vote_text(m, item), s.body))
            story += tag(part, field=f"议题{chinese_number(n)}的决议")
    if m.actions:
        story.append(CondPageBreak(40 * mm))
        story.append(heading("落实事项", s))
        rows: list[list[Any]] = [[para(h, s.small_label) for h in ("序号", "事项", "责任人", "完成时限", "状态")]]
        for n, a in enumerate(m.actions, 1):
            rows.append([para(str(n), s.small_center), para(a.title, s.small), para(a.owner, s.small_center),
                         para(format_date(a.due_on), s.small_center), para(a.status.label, s.small_center)])
        story += tag([grid(s, rows, [12 * mm, BODY_WIDTH - 94 * mm, 24 * mm, 36 * mm, 22 * mm])], field="落实事项")
    story += tag([_signatures(s)], field="签字栏")
    if m.status == MeetingStatus.FINAL and m.content_hash:
        story.append(para(f"定稿校验码：{m.content_hash[:16]}", s.small))
    return story


def plain_minutes_story(m: MeetingDetail, s: Styles) -> list[Flowable]:
    """The record as plain paragraphs only (they always split across pages): what the monthly
    compilation prints for a meeting whose usual layout failed."""
    lines = [("会议名称", m.title), ("会议类型", m.meeting_type.label), ("时间", time_text(m)),
             ("地点", m.location or ""), ("主持人", m.host), ("记录人", m.recorder),
             ("出席人员", present_text(m)), ("缺席人员及原因", absence_text(m)), ("列席人员", guests_text(m)),
             ("会议主题", m.theme), ("学习内容", m.study_material), ("会议内容", m.minutes)]
    for n, item in enumerate(m.agenda, 1):
        lines.append((f"议题{chinese_number(n)}", "\n".join(x for x in (item.title, item.discussion,
                                                                        item.resolution) if x.strip())))
    for n, a in enumerate(m.actions, 1):
        lines.append((f"落实事项{n}", f"{a.title}（{a.owner}，{format_date(a.due_on)}，{a.status.label}）"))
    story: list[Flowable] = [meeting_mark(meeting_label(m), m.id), para(document_title(m), s.title),
                             para(sequence_text(m), s.subtitle)]
    for label, value in lines:
        if value and value.strip():
            story += tag([para(f"{label}：", s.plain), *paragraphs(value, s.body)], field=label)
    story.append(_signatures(s))
    return story


def people(m: MeetingDetail) -> set[str]:
    """Every person's name the record prints (kept whole across line breaks)."""
    names = {a.member_name for a in m.attendance} | {g.name for g in m.guests}
    names |= {m.host, m.recorder, m.lecturer} | {a.owner for a in m.actions}
    return {n for n in names if n}


def meeting_label(m: MeetingDetail) -> str:
    """How a message names a meeting: 2025年3月20日支部党员大会“讨论接收预备党员”（编号 12）."""
    return f"{format_date(m.held_on)}{m.meeting_type.label}“{m.title}”（编号 {m.id}）"


def write_minutes(session: Session, meeting_id: int, out: str | Path | BinaryIO, styles: Styles,
                  notices: list[str] | None = None) -> None:
    """One meeting's record; when its table layout fails (nothing is written then) it is
    printed as plain paragraphs and ``notices`` says why."""
    m = get_meeting(session, meeting_id)
    branch = branch_header(session, m.branch_id)
    options: dict[str, Any] = {"title": f"{m.title}（{document_title(m)}）", "header": f"{branch.name}工作记录",
                                   "author": branch.name, "names": people(m)}
    try:
        build_pdf(out, minutes_story(m, styles), styles, **options)
    except LayoutProblem as problem:
        build_pdf(out, plain_minutes_story(m, styles), styles, **options)
        if notices is not None:
            notices.append(f"{problem.message.split('。')[0]}，已改为文字形式打印。")
