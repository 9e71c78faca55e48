"""会议记录: one meeting laid out like a page of the 党支部工作记录本 — header table
(名称、类型、时间、地点、主持人、记录人、应到/实到、缺席及原因、列席), then 议题, 会议内容,
决议 with vote results, 落实事项, and signature lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.platypus import Flowable
from sqlalchemy.orm import Session

from models.entities import Branch
from models.enums import AttendanceStatus, MeetingStatus, MeetingType
from models.meetings import AgendaRow, MeetingDetail, get_meeting
from models.roster import expected_attendees
from models.rules import quorum_met, vote_passes
from models.validation import format_date
from reports import docmodel as dm
from reports import pdf_render
from reports.layout import (
    LayoutProblem,
    Styles,
    build_pdf,
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
    parts += [f"{name}（未登记出席情况）" for name in m.missing_names]
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
    verdict: str = ""  # 通过 / 未通过 / 未达到法定人数，表决无效


def vote_outcome(m: MeetingDetail, item: AgendaRow) -> VoteOutcome:
    """Whether a vote passed (SPEC §3), as models.quorum decides it from the roll as of the
    meeting date: at a 党员大会 赞成 strictly more than half of 应到会有表决权的党员, and only at a
    meeting that has its quorum; at a 支委会 more than half of the committee members."""
    result = m.vote_outcome(item)
    if result is not None:
        return VoteOutcome(result.basis, result.basis_label, result.passed, result.verdict)
    basis = m.voting_present  # no roll outcome (a planned meeting): those present with a vote
    passed = quorum_met(basis, basis) is True and vote_passes(item.votes_for or 0, basis)
    return VoteOutcome(basis, "实到有表决权的党员", passed, "通过" if passed else "未通过")


def vote_text(m: MeetingDetail, item: AgendaRow) -> str:
    out = vote_outcome(m, item)
    return (f"表决结果：赞成 {item.votes_for or 0} 票，反对 {item.votes_against or 0} 票，"
            f"弃权 {item.votes_abstain or 0} 票（{out.basis_label} {out.basis} 人，"
            f"赞成票须超过半数）。结果：{out.verdict}。")


def quorum_text(m: MeetingDetail) -> str:
    if m.outcome is not None:
        return m.outcome.quorum_text
    ok = quorum_met(m.voting_expected, m.voting_present, election=m.is_election)
    share = "五分之四" if m.is_election else "半数"
    verdict = f"超过{share}，符合规定" if ok else f"未超过{share}，未达到法定人数"
    return f"应到会有表决权的党员 {m.voting_expected} 人，实到 {m.voting_present} 人，{verdict}"


def header_fields(m: MeetingDetail, expected_before: int | None = None) -> dm.FieldTable:
    """The header table of the record page (名称、类型、时间、地点、主持人、记录人、应到/实到 …).
    ``expected_before``: 应到 of a meeting whose attendance is not taken yet (the count its
    sign-in sheet prints)."""
    rows: list[dm.FieldRow] = []

    def full(label: str, value: str, items: list[str] | None = None) -> None:
        rows.append(dm.FieldRow(((label, value),), tuple(items or ())))

    def pair(l1: str, v1: str, l2: str, v2: str) -> None:
        rows.append(dm.FieldRow(((l1, v1), (l2, v2))))

    type_text = m.meeting_type.label + (f"（{m.group_name}）" if m.group_name else "")
    full("会议名称", m.title)
    pair("会议类型", type_text, "会议次序", f"本年度第 {m.sequence_no} 次" if m.sequence_no else "—")
    full("时　　间", time_text(m))
    full("地　　点", m.location or "")
    pair("主 持 人", m.host, "记 录 人", m.recorder)
    if m.meeting_type == MeetingType.PARTY_LECTURE:
        lecturer = m.lecturer + ("（支部以外）" if m.lecturer_outside else "")
        pair("授 课 人", lecturer, "党课题目", m.lecture_topic)
    if not m.attendance:  # not yet taken (a planned meeting): blanks, not "0 人" and "无"
        pair("应到人数", f"{expected_before} 人" if expected_before is not None else "", "实到人数", "")
        full("出席人员", "（尚未登记出席情况）")
        full("缺席人员\n及原因", "")
    else:
        present = m.count(AttendanceStatus.PRESENT)
        pair("应到人数", f"{m.expected_count} 人", "实到人数", f"{present} 人")
        if m.meeting_type in (MeetingType.GENERAL_ASSEMBLY, MeetingType.COMMITTEE):
            full("表 决 权" if m.meeting_type == MeetingType.GENERAL_ASSEMBLY else "法定人数", quorum_text(m))
        full("出席人员", present_text(m))
        full("缺席人员\n及原因", absence_text(m))
    full("列席人员", guests_text(m), guest_items(m))
    if m.theme:
        full("会议主题", m.theme)
    return dm.FieldTable(tuple(rows))


def minutes_blocks(m: MeetingDetail, expected_before: int | None = None) -> list[dm.Block]:
    """One meeting's record as a neutral description: the PDF and the Word file draw it."""
    blocks: list[dm.Block] = [dm.MeetingStart(meeting_label(m), m.id, running_label(m), m.status == MeetingStatus.DRAFT),
                              dm.Title(document_title(m), sequence_text(m)), header_fields(m, expected_before)]
    if m.agenda:
        blocks += [dm.Heading("议题"),
                   dm.Text("\n".join(f"{chinese_number(n)}、{item.title}" for n, item in enumerate(m.agenda, 1)),
                           name="议题", indent=False)]
    blocks.append(dm.Heading("会议内容"))
    if m.study_material.strip():
        blocks += [dm.Text("学习内容：", name="学习内容", indent=False), dm.Text(m.study_material, name="学习内容")]
    blocks.append(dm.Text(m.minutes if m.minutes.strip() else "（未填写）", name="会议内容"))
    for n, item in enumerate(m.agenda, 1):
        if item.discussion.strip():
            name = f"议题{chinese_number(n)}的讨论"
            blocks += [dm.Text(f"关于议题{chinese_number(n)}的讨论：", name=name, indent=False),
                       dm.Text(item.discussion, name=name)]
    decided = [(n, item) for n, item in enumerate(m.agenda, 1) if item.resolution.strip() or item.has_vote]
    if decided:
        blocks.append(dm.Heading("决议"))
        for n, item in decided:
            name = f"议题{chinese_number(n)}的决议"
            blocks.append(dm.Text(f"{chinese_number(n)}、{item.title}", name=name, indent=False))
            if item.resolution.strip():
                blocks.append(dm.Text(item.resolution, name=name))
            if item.has_vote:
                blocks.append(dm.Text(vote_text(m, item), name=name))
    if m.actions:
        blocks += [dm.Heading("落实事项"), dm.Grid(
            ("序号", "事项", "责任人", "完成时限", "状态"),
            tuple((str(n), a.title, a.owner, format_date(a.due_on), a.status.label) for n, a in enumerate(m.actions, 1)),
            (12, None, 24, 36, 22), name="落实事项", align=("center", "left", "center", "center", "center"))]
    blocks.append(dm.Signatures())
    if m.status == MeetingStatus.FINAL and m.content_hash:
        blocks.append(dm.Text(f"定稿校验码：{m.content_hash[:16]}", small=True))
    return blocks


def minutes_story(m: MeetingDetail, s: Styles) -> list[Flowable]:
    """The flowables of one meeting's record (the monthly compilation reuses them), each
    tagged with its meeting and field so that a layout failure names them."""
    return pdf_render.story(minutes_blocks(m), s)


def plain_minutes_story(m: MeetingDetail, s: Styles) -> list[Flowable]:
    """The record as plain paragraphs only (they always split across pages): what is printed
    for a meeting whose usual layout failed."""
    lines = [("会议名称", m.title), ("会议类型", m.meeting_type.label), ("时间", time_text(m)),
             ("地点", m.location or ""), ("主持人", m.host), ("记录人", m.recorder),
             ("出席人员", present_text(m)), ("缺席人员及原因", absence_text(m)), ("列席人员", guests_text(m)),
             ("会议主题", m.theme), ("学习内容", m.study_material), ("会议内容", m.minutes)]
    for n, item in enumerate(m.agenda, 1):
        lines.append((f"议题{chinese_number(n)}", "\n".join(x for x in (item.title, item.discussion,
                                                                        item.resolution) if x.strip())))
    for n, a in enumerate(m.actions, 1):
        lines.append((f"落实事项{n}", f"{a.title}（{a.owner}，{format_date(a.due_on)}，{a.status.label}）"))
    blocks: list[dm.Block] = [dm.MeetingStart(meeting_label(m), m.id, running_label(m),
                                              m.status == MeetingStatus.DRAFT), dm.Title(document_title(m), sequence_text(m))]
    for label, value in lines:
        if value and value.strip():
            blocks += [dm.Text(f"{label}：", name=label, indent=False), dm.Text(value, name=label)]
    blocks.append(dm.Signatures())
    return pdf_render.story(blocks, s)


def people(m: MeetingDetail) -> set[str]:
    """Every person's name the record prints (kept whole across line breaks)."""
    names = {a.member_name for a in m.attendance} | {g.name for g in m.guests}
    names |= {m.host, m.recorder, m.lecturer} | {a.owner for a in m.actions}
    return {n for n in names if n}


def running_label(m: MeetingDetail) -> str:
    """The meeting as the compilation's running header names it: 3月20日 支部党员大会 讨论接收预备党员."""
    title = m.title if len(m.title) <= 16 else m.title[:15] + "…"
    return f"{m.held_on.month}月{m.held_on.day}日 {m.meeting_type.label} {title}"


def meeting_label(m: MeetingDetail) -> str:
    """How a message names a meeting: 2025年3月20日支部党员大会“讨论接收预备党员”（编号 12）."""
    return f"{format_date(m.held_on)}{m.meeting_type.label}“{m.title}”（编号 {m.id}）"


def minutes_document(session: Session, meeting_id: int) -> tuple[MeetingDetail, dm.Document]:
    m = get_meeting(session, meeting_id)
    branch = branch_header(session, m.branch_id)
    # not taken yet: 应到 as the sign-in sheet counts it (the members expected on that date)
    expected = None if m.attendance else len(
        expected_attendees(session, m.branch_id, m.meeting_type, m.held_on, m.group_id))
    return m, dm.Document(title=f"{m.title}（{document_title(m)}）", header=f"{branch.name}工作记录",
                          author=branch.name, blocks=minutes_blocks(m, expected), names=people(m))


def write_minutes(session: Session, meeting_id: int, out: str | Path | BinaryIO, styles: Styles,
                  notices: list[str] | None = None) -> None:
    """One meeting's record; when its table layout fails (nothing is written then) it is
    printed as plain paragraphs and ``notices`` says why."""
    m, doc = minutes_document(session, meeting_id)
    options: dict[str, Any] = {"title": doc.title, "header": doc.header, "author": doc.author, "names": doc.names}
    try:
        build_pdf(out, pdf_render.story(doc.blocks, styles), styles, **options)
    except LayoutProblem as problem:
        build_pdf(out, plain_minutes_story(m, styles), styles, **options)
        if notices is not None:
            notices.append(f"{problem.message.split('。')[0]}，已改为文字形式打印。")
