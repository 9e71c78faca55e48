"""会议记录: create, edit, finalize (定稿), unlock and delete meetings with their attendance,
guests, agenda items and action items — each call one unit of work in the caller's
transaction, validated first so that bad input changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from models import audit, quorum, recycle, roll_counts, roster
from models.content_hash import canonical_content, hash_content
from models.entities import (
    ActionItem,
    AgendaItem,
    Attachment,
    Attendance,
    Guest,
    Meeting,
    Member,
    PartyGroup,
    utcnow,
)
from models.enums import (
    ActionStatus,
    AttendanceStatus,
    AuditAction,
    LeaveReason,
    MeetingStatus,
    MeetingType,
)
from models.errors import ValidationError
from models.meeting_data import (
    ActionInput,
    ActionRow,
    AgendaInput,
    AgendaRow,
    AttachmentRow,
    AttendanceInput,
    AttendanceRow,
    GuestInput,
    GuestRow,
    MeetingChangedError,
    MeetingDetail,
    MeetingInput,
    MeetingRow,
)
from models.text_search import contains
from models.validation import format_date, like_pattern

# --- validation -----------------------------------------------------------------------------


def _validate(session: Session, branch_id: int, data: MeetingInput) -> None:
    if not data.title.strip():
        raise ValidationError("会议名称不能为空，请填写会议名称。", field="title")
    if data.held_on is None:
        raise ValidationError("请填写会议日期。", field="held_on")
    if data.status == MeetingStatus.FINAL:
        raise ValidationError("请使用“定稿”按钮定稿会议。", field="status")
    if data.start_time and data.end_time and data.end_time <= data.start_time:
        raise ValidationError("结束时间应晚于开始时间，请检查会议时间。", field="end_time")
    if data.meeting_type == MeetingType.GROUP:
        if data.group_id is None:
            raise ValidationError("党小组会须选择党小组，请在“党小组”一栏选择。", field="group_id")
        group = session.get(PartyGroup, data.group_id)
        if group is None or group.branch_id != branch_id:
            raise ValidationError("所选党小组不存在，请重新选择。", field="group_id")
    seen: set[int] = set()
    ids = [a.member_id for a in data.attendance]
    members = roster.members_by_id(session, ids)
    for entry in data.attendance:
        member = members.get(entry.member_id)
        if member is None or member.branch_id != branch_id:
            raise ValidationError("出席情况中有不属于本支部的人员，请刷新后重试。", field="attendance")
        if entry.member_id in seen:
            raise ValidationError(f"“{member.name}”在出席情况中出现了两次，请删除重复的一行。", field="attendance")
        seen.add(entry.member_id)
        if not roster.on_roll(member, data.held_on):
            state = roster.state_on(member, data.held_on)
            why = f"（{state.label}）" if state else "（尚未入党）"
            raise ValidationError(
                f"党员“{member.name}”在{format_date(data.held_on)}不在册{why}，不能登记出席情况。"
                "请核对会议日期或删除该行。",
                field="attendance",
            )
        if not roster.is_expected(member, data.meeting_type, data.held_on, data.group_id):
            raise ValidationError(
                f"“{member.name}”不是本次{data.meeting_type.label}的应到人员，"
                "如确实参加，请登记为列席人员。",
                field="attendance",
            )
        if entry.status == AttendanceStatus.LEAVE and entry.leave_reason is None:
            raise ValidationError(
                f"请为请假的“{member.name}”选择请假原因（病假、事假、公差或其他）。", field="attendance"
            )
    # Ballots come only from voting members present: 预备党员 and members under 留党察看 have none.
    voting_present = sum(1 for a in data.attendance if a.status == AttendanceStatus.PRESENT
                         and roster.can_vote_on(members[a.member_id], data.held_on))
    for item in data.agenda:
        if not item.title.strip():
            raise ValidationError("议题名称不能为空，请填写或删除空白议题。", field="agenda")
        votes = [v for v in (item.votes_for, item.votes_against, item.votes_abstain) if v is not None]
        if any(v < 0 for v in votes):
            raise ValidationError(f"议题“{item.title}”的票数不能为负数。", field="agenda")
        if sum(votes) > voting_present:
            raise ValidationError(
                f"议题“{item.title}”的赞成、反对、弃权票数合计（{sum(votes)}）超过实到有表决权的党员人数"
                f"（{voting_present}），请核对票数或出席情况（预备党员和受留党察看处分的党员没有表决权）。",
                field="agenda",
            )
    if data.meeting_type == MeetingType.PARTY_LECTURE and data.lecturer_member_id is not None:
        lecturer = session.get(Member, data.lecturer_member_id)
        if lecturer is None or lecturer.branch_id != branch_id:
            raise ValidationError("授课人不是本支部的党员，请重新选择；支部以外的授课人请直接填写姓名。",
                                  field="lecturer")
        if not roster.on_roll(lecturer, data.held_on):
            raise ValidationError(
                f"授课人“{lecturer.name}”在{format_date(data.held_on)}不在本支部党员名册中，"
                "请核对会议日期或重新选择授课人；支部以外的授课人请直接填写姓名。",
                field="lecturer",
            )
    for guest in data.guests:
        if not guest.name.strip():
            raise ValidationError("列席人员姓名不能为空，请填写或删除该行。", field="guests")
    for action in data.actions:
        if not action.title.strip():
            raise ValidationError("落实事项内容不能为空，请填写或删除该行。", field="actions")


# --- writing --------------------------------------------------------------------------------


def _apply_scalars(session: Session, meeting: Meeting, data: MeetingInput) -> None:
    meeting.meeting_type = str(data.meeting_type)
    meeting.status = str(data.status)
    meeting.title = data.title.strip()
    meeting.held_on = data.held_on  # type: ignore[assignment]
    meeting.start_time = data.start_time
    meeting.end_time = data.end_time
    meeting.location = data.location.strip()
    meeting.host = data.host.strip()
    meeting.recorder = data.recorder.strip()
    meeting.theme = data.theme.strip()
    meeting.group_id = data.group_id if data.meeting_type == MeetingType.GROUP else None
    is_lecture = data.meeting_type == MeetingType.PARTY_LECTURE
    meeting.lecturer_member_id = data.lecturer_member_id if is_lecture else None
    meeting.lecturer = data.lecturer.strip() if is_lecture else ""
    if meeting.lecturer_member_id is not None:
        linked = session.get(Member, meeting.lecturer_member_id)
        if linked is not None:
            meeting.lecturer = linked.name  # the text follows the person
    meeting.lecture_topic = data.lecture_topic.strip() if is_lecture else ""
    meeting.is_election = data.is_election
    meeting.minutes = data.minutes
    meeting.study_material = data.study_material


def _sync_children(meeting: Meeting, data: MeetingInput) -> None:
    """Update children in place (keeping their UUIDs, which merging relies on)."""
    existing_att = {a.member_id: a for a in meeting.attendance}
    wanted = {a.member_id for a in data.attendance}
    for member_id, row in list(existing_att.items()):
        if member_id not in wanted:
            meeting.attendance.remove(row)
    for entry in data.attendance:
        row = existing_att.get(entry.member_id) or Attendance(member_id=entry.member_id)
        row.status = str(entry.status)
        row.leave_reason = str(entry.leave_reason) if entry.status == AttendanceStatus.LEAVE and entry.leave_reason else None
        row.reason_note = entry.reason_note.strip()
        row.late_note = entry.late_note.strip()
        if entry.member_id not in existing_att:
            meeting.attendance.append(row)

    def sync(rows: list[Any], inputs: list[Any], make: Any, fill: Any) -> None:
        by_uuid = {r.uuid: r for r in rows}
        keep = {i.uuid for i in inputs if i.uuid}
        for r in list(rows):
            if r.uuid not in keep:
                rows.remove(r)
        for pos, item in enumerate(inputs):
            row = by_uuid.get(item.uuid) if item.uuid else None
            if row is None:
                row = make()
                rows.append(row)
            fill(row, item, pos)

    def fill_guest(row: Guest, g: GuestInput, _pos: int) -> None:
        row.name, row.unit, row.role = g.name.strip(), g.unit.strip(), g.role.strip()

    def fill_agenda(row: AgendaItem, a: AgendaInput, pos: int) -> None:
        row.position, row.title, row.discussion, row.resolution = pos, a.title.strip(), a.discussion, a.resolution
        row.votes_for, row.votes_against, row.votes_abstain = a.votes_for, a.votes_against, a.votes_abstain

    def fill_action(row: ActionItem, a: ActionInput, _pos: int) -> None:
        row.title, row.owner, row.due_on, row.note = a.title.strip(), a.owner.strip(), a.due_on, a.note
        row.status, row.done_on = str(a.status), a.done_on

    sync(meeting.guests, data.guests, Guest, fill_guest)
    sync(meeting.agenda_items, data.agenda, AgendaItem, fill_agenda)
    sync(meeting.action_items, data.actions, ActionItem, fill_action)


def create_meeting(session: Session, branch_id: int, data: MeetingInput) -> int:
    """Create a meeting with all its parts; returns its id."""
    _validate(session, branch_id, data)
    meeting = Meeting(branch_id=branch_id)
    _apply_scalars(session, meeting, data)
    session.add(meeting)
    _sync_children(meeting, data)
    session.flush()
    audit.record(session, AuditAction.CREATE, "meeting", entity_uuid=meeting.uuid,
                 summary=f"新建{data.meeting_type.label}“{meeting.title}”（{format_date(meeting.held_on)}）",
                 branch_id=branch_id)
    return meeting.id


def _load(session: Session, meeting_id: int) -> Meeting:
    stmt = (
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(*_with_children())
    )
    meeting = session.scalar(stmt)
    if meeting is None:
        raise ValidationError("找不到该会议记录，可能已被删除。请刷新列表。")
    return meeting


def _refuse_if_final(meeting: Meeting, verb: str) -> None:
    if meeting.status == MeetingStatus.FINAL:
        raise ValidationError(f"该会议已定稿，不能{verb}。如确需{verb}，请先“解除定稿”并填写原因。")


def _refuse_if_changed(session: Session, meeting: Meeting, expected: int | None) -> None:
    """Another person saved the meeting since ``expected`` was read: refuse, showing theirs."""
    if expected is not None and meeting.version != expected:
        raise MeetingChangedError(get_meeting(session, meeting.id))


def update_meeting(session: Session, meeting_id: int, data: MeetingInput) -> None:
    """Save the editor's version. Refused with :class:`MeetingChangedError` (nothing written) when
    the meeting was saved by someone else after ``data.expected_version`` was read — also when that
    save lands between this read and this write (the version counter's check at the UPDATE)."""
    meeting = _load(session, meeting_id)
    _refuse_if_final(meeting, "修改")
    _refuse_if_changed(session, meeting, data.expected_version)
    _validate(session, meeting.branch_id, data)
    _apply_scalars(session, meeting, data)
    _sync_children(meeting, data)
    meeting.updated_at = utcnow()  # the meeting row is written (and its version raised) on every save
    try:
        session.flush()
    except StaleDataError as exc:  # the other save committed between our read and our write
        with Session(session.get_bind()) as fresh:  # this session's transaction is spent
            raise MeetingChangedError(get_meeting(fresh, meeting_id)) from exc
    audit.record(session, AuditAction.UPDATE, "meeting", entity_uuid=meeting.uuid,
                 summary=f"修改{data.meeting_type.label}“{meeting.title}”", branch_id=meeting.branch_id)


def delete_meeting(session: Session, meeting_id: int) -> None:
    meeting = _load(session, meeting_id)
    _refuse_if_final(meeting, "删除")
    audit.record(session, AuditAction.DELETE, "meeting", entity_uuid=meeting.uuid,
                 summary=f"删除会议“{meeting.title}”（{format_date(meeting.held_on)}，移入回收站）",
                 detail=_canonical(meeting), branch_id=meeting.branch_id)
    recycle.to_bin(session, "meeting", meeting.id, f"{meeting.title}（{format_date(meeting.held_on)}）")
    session.delete(meeting)
    session.flush()


def meeting_fields(meeting: Meeting) -> dict[str, Any]:
    return {
        "uuid": meeting.uuid, "type": meeting.meeting_type, "title": meeting.title,
        "held_on": meeting.held_on.isoformat(),
        "start": meeting.start_time.isoformat() if meeting.start_time else None,
        "end": meeting.end_time.isoformat() if meeting.end_time else None,
        "location": meeting.location, "host": meeting.host, "recorder": meeting.recorder,
        "theme": meeting.theme, "lecturer": meeting.lecturer, "lecture_topic": meeting.lecture_topic,
        "minutes": meeting.minutes, "study_material": meeting.study_material,
    }


def _canonical(meeting: Meeting) -> dict[str, Any]:
    return canonical_content(
        meeting_fields(meeting),
        [[a.member.uuid, a.status, a.leave_reason, a.reason_note, a.late_note] for a in meeting.attendance],
        [[g.name, g.unit, g.role] for g in meeting.guests],
        [[a.title, a.discussion, a.resolution, a.votes_for, a.votes_against, a.votes_abstain]
         for a in meeting.agenda_items],
        [[a.title, a.owner, a.due_on.isoformat() if a.due_on else None, a.status] for a in meeting.action_items],
    )


def content_hash(meeting: Meeting) -> str:
    return hash_content(_canonical(meeting))


def finalize_meeting(session: Session, meeting_id: int, today: date | None = None) -> str:
    """定稿: check completeness, freeze, and record the content hash (returned)."""
    meeting = _load(session, meeting_id)
    if meeting.status == MeetingStatus.FINAL:
        raise ValidationError("该会议已经定稿。")
    if meeting.held_on > (today or date.today()):
        raise ValidationError("会议日期还没到，不能定稿。请在会议召开后再定稿。", field="held_on")
    missing = [label for label, value in (
        ("主持人", meeting.host), ("记录人", meeting.recorder), ("会议内容", meeting.minutes.strip()),
    ) if not value]
    if meeting.meeting_type == MeetingType.PARTY_LECTURE:
        missing += [label for label, value in (("授课人", meeting.lecturer), ("党课题目", meeting.lecture_topic)) if not value]
    if not meeting.attendance:
        missing.append("出席情况")
    if missing:
        raise ValidationError(f"定稿前请填写：{'、'.join(missing)}。", field="status")
    meeting.status = str(MeetingStatus.FINAL)
    meeting.finalized_at = utcnow()
    meeting.content_hash = content_hash(meeting)
    session.flush()
    audit.record(session, AuditAction.FINALIZE, "meeting", entity_uuid=meeting.uuid,
                 summary=f"定稿“{meeting.title}”", detail={"hash": meeting.content_hash},
                 branch_id=meeting.branch_id)
    return meeting.content_hash


def unlock_meeting(session: Session, meeting_id: int, reason: str) -> None:
    """解除定稿: explicit, with a reason that goes into the audit log."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写解除定稿的原因。", field="reason")
    meeting = _load(session, meeting_id)
    if meeting.status != MeetingStatus.FINAL:
        raise ValidationError("该会议尚未定稿，无需解除。")
    old_hash = meeting.content_hash
    meeting.status = str(MeetingStatus.DRAFT)
    meeting.finalized_at = None
    meeting.content_hash = ""
    session.flush()
    audit.record(session, AuditAction.UNLOCK, "meeting", entity_uuid=meeting.uuid,
                 summary=f"解除定稿“{meeting.title}”，原因：{reason}",
                 detail={"reason": reason, "hash": old_hash}, branch_id=meeting.branch_id)


# --- reading --------------------------------------------------------------------------------


def _with_children() -> tuple[Any, ...]:
    return (
        selectinload(Meeting.attendance).selectinload(Attendance.member).selectinload(Member.statuses),
        selectinload(Meeting.guests),
        selectinload(Meeting.agenda_items),
        selectinload(Meeting.action_items),
    )


def _sequence_numbers(session: Session, meetings: list[Meeting]) -> dict[int, int]:
    """第 N 次 for many meetings at once: one query per (branch, year) involved."""
    numbers: dict[int, int] = {}
    for branch_id, year in {(m.branch_id, m.held_on.year) for m in meetings}:
        rows = session.execute(
            select(Meeting.id, Meeting.meeting_type, Meeting.group_id)
            .where(Meeting.branch_id == branch_id, Meeting.held_on >= date(year, 1, 1),
                   Meeting.held_on < date(year + 1, 1, 1), Meeting.status != str(MeetingStatus.PLANNED))
            .order_by(Meeting.held_on, Meeting.id)
        )
        seen: dict[tuple[str, int | None], int] = {}
        for mid, kind, group_id in rows:
            key = (kind, group_id if kind == MeetingType.GROUP else None)
            seen[key] = seen.get(key, 0) + 1
            numbers[mid] = seen[key]
    return numbers


def get_meetings(session: Session, meeting_ids: Sequence[int]) -> list[MeetingDetail]:
    """Full details of several meetings in a handful of queries, in the order of ``meeting_ids``."""
    if not meeting_ids:
        return []
    loaded = {m.id: m for m in session.scalars(
        select(Meeting).where(Meeting.id.in_(meeting_ids)).options(*_with_children()))}
    meetings = [loaded[i] for i in meeting_ids if i in loaded]
    group_ids = {m.group_id for m in meetings if m.group_id}
    groups = dict(session.execute(select(PartyGroup.id, PartyGroup.name).where(PartyGroup.id.in_(group_ids))).all())
    files: dict[int, list[AttachmentRow]] = {}
    for row in session.execute(
        select(Attachment.meeting_id, Attachment.id, Attachment.filename, Attachment.mime_type,
               Attachment.caption, Attachment.size)
        .where(Attachment.meeting_id.in_(list(loaded))).order_by(Attachment.id)
    ):
        files.setdefault(row[0], []).append(AttachmentRow(*row[1:]))
    numbers = _sequence_numbers(session, meetings)
    rolls = {b: roster.load_members(session, b) for b in {m.branch_id for m in meetings}}
    return [_detail(m, groups.get(m.group_id, "") if m.group_id else "", numbers.get(m.id, 0), files.get(m.id, []),
                    rolls[m.branch_id])
            for m in meetings]


def get_meeting(session: Session, meeting_id: int) -> MeetingDetail:
    details = get_meetings(session, [meeting_id])
    if not details:
        raise ValidationError("找不到该会议记录，可能已被删除。请刷新列表。")
    return details[0]


def outcome_of(meeting: Meeting, members: Sequence[Member]) -> quorum.MeetingOutcome:
    """应到, quorum and votes of a stored meeting, from the roll as of its date."""
    votes = [quorum.VoteInput(a.title, a.votes_for or 0, a.votes_against or 0, a.votes_abstain or 0)
             for a in meeting.agenda_items
             if any(v is not None for v in (a.votes_for, a.votes_against, a.votes_abstain))]
    return quorum.outcome_for(members, MeetingType(meeting.meeting_type), meeting.held_on, meeting.group_id,
                              {a.member_id: a.status for a in meeting.attendance}, votes, meeting.is_election)


def _detail(meeting: Meeting, group_name: str, sequence_no: int, attachments: list[AttachmentRow],
            members: Sequence[Member]) -> MeetingDetail:
    on = meeting.held_on
    attendance = sorted(meeting.attendance, key=lambda a: (a.member.joined_on, a.member.id))
    planned = meeting.status == MeetingStatus.PLANNED
    outcome = None if planned else outcome_of(meeting, members)
    names = {m.id: m.name for m in members}
    return MeetingDetail(
        id=meeting.id, uuid=meeting.uuid, branch_id=meeting.branch_id,
        meeting_type=MeetingType(meeting.meeting_type), status=MeetingStatus(meeting.status),
        title=meeting.title, held_on=on, start_time=meeting.start_time, end_time=meeting.end_time,
        location=meeting.location, host=meeting.host, recorder=meeting.recorder, theme=meeting.theme,
        group_id=meeting.group_id, group_name=group_name, lecturer=meeting.lecturer,
        lecture_topic=meeting.lecture_topic, is_election=meeting.is_election, minutes=meeting.minutes,
        study_material=meeting.study_material, finalized_at=meeting.finalized_at,
        content_hash=meeting.content_hash, sequence_no=sequence_no, version=meeting.version,
        lecturer_member_id=meeting.lecturer_member_id,
        attendance=[
            AttendanceRow(a.member_id, a.member.name, AttendanceStatus(a.status),
                          LeaveReason(a.leave_reason) if a.leave_reason else None,
                          a.reason_note, a.late_note, roster.can_vote_on(a.member, on))
            for a in attendance
        ],
        guests=[GuestRow(g.uuid, g.name, g.unit, g.role) for g in meeting.guests],
        agenda=[AgendaRow(a.uuid, a.position, a.title, a.discussion, a.resolution,
                          a.votes_for, a.votes_against, a.votes_abstain) for a in meeting.agenda_items],
        actions=[ActionRow(a.uuid, a.title, a.owner, a.due_on, ActionStatus(a.status), a.done_on, a.note)
                 for a in meeting.action_items],
        attachments=attachments,
        outcome=outcome,
        missing_names=tuple(names.get(i, "") for i in outcome.missing) if outcome else (),
    )


def default_attendance(
    session: Session, branch_id: int, meeting_type: MeetingType, on: date, group_id: int | None = None
) -> list[AttendanceInput]:
    """The 应到 members for a new meeting, each marked 出席 (the editor's starting point)."""
    return [AttendanceInput(m.id) for m in roster.expected_attendees(session, branch_id, meeting_type, on, group_id)]


def _list_conditions(
    branch_id: int,
    year: int | None,
    month: int | None,
    meeting_type: MeetingType | None,
    text: str | None,
) -> list[Any]:
    conds: list[Any] = [Meeting.branch_id == branch_id]
    if year is not None:
        start = date(year, month or 1, 1)
        end = date(year + 1, 1, 1) if month in (None, 12) else date(year, (month or 0) + 1, 1)
        conds += [Meeting.held_on >= start, Meeting.held_on < end]
    if meeting_type is not None:
        conds.append(Meeting.meeting_type == str(meeting_type))
    if text and text.strip():
        pattern = like_pattern(text.strip())
        conds.append(or_(*(contains(col, pattern) for col in (
            Meeting.title, Meeting.theme, Meeting.minutes, Meeting.study_material, Meeting.lecture_topic))))
    return conds


def list_meetings(
    session: Session,
    branch_id: int,
    *,
    year: int | None = None,
    month: int | None = None,
    meeting_type: MeetingType | None = None,
    text: str | None = None,
    limit: int | None = None,
    older_than: tuple[date, int] | None = None,
) -> list[MeetingRow]:
    """Meetings newest first, with 应到 (from the dated roll as of each meeting's date, as
    models.quorum decides it), 实到 and the number of attendance rows recorded (fewer than 应到:
    the list is incomplete), filtered by period, type and text (the text matches titles,
    themes, minutes and study material).

    ``limit`` with ``older_than`` (the date and id of the last row already read) reads the
    list a page at a time: the window shows thirty years of meetings by reading the newest
    page only."""
    conds = _list_conditions(branch_id, year, month, meeting_type, text)
    if older_than is not None:
        day, last_id = older_than
        conds.append(or_(Meeting.held_on < day, and_(Meeting.held_on == day, Meeting.id < last_id)))
    newest_first = (Meeting.held_on.desc(), Meeting.id.desc())
    wanted = select(Meeting.id).where(*conds)
    if limit is not None:
        wanted = wanted.order_by(*newest_first).limit(limit)
    # Attendance is counted only for the meetings this call returns (a search that matches ten
    # meetings, or a page of 200, reads only their attendance), in one grouped pass.
    counts = (
        select(
            Attendance.meeting_id.label("mid"),
            func.count().label("recorded"),
            func.sum(case((Attendance.status == str(AttendanceStatus.PRESENT), 1), else_=0)).label("present"),
        )
        .where(Attendance.meeting_id.in_(wanted))
        .group_by(Attendance.meeting_id)
        .subquery()
    )
    stmt = (
        select(
            Meeting.id, Meeting.held_on, Meeting.meeting_type, Meeting.title, Meeting.host,
            func.coalesce(PartyGroup.name, ""), func.coalesce(counts.c.recorded, 0),
            func.coalesce(counts.c.present, 0), Meeting.status, Meeting.group_id,
        )
        .outerjoin(counts, counts.c.mid == Meeting.id)
        .outerjoin(PartyGroup, PartyGroup.id == Meeting.group_id)
        .where(*conds)
        .order_by(*newest_first)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    # 应到 from the dated roll as of each meeting's date: the roll read once for all listed rows.
    expected = roll_counts.expected_counts(session, branch_id, [(r[0], r[2], r[1], r[9]) for r in rows])
    types, states = {str(t): t for t in MeetingType}, {str(t): t for t in MeetingStatus}
    return [
        MeetingRow(r[0], r[1], types[r[2]], r[3], r[4], r[5], expected[r[0]], int(r[7]), states[r[8]], int(r[6]))
        for r in rows
    ]


def count_meetings(
    session: Session,
    branch_id: int,
    *,
    year: int | None = None,
    month: int | None = None,
    meeting_type: MeetingType | None = None,
    text: str | None = None,
) -> int:
    """How many meetings :func:`list_meetings` would return with the same filters."""
    conds = _list_conditions(branch_id, year, month, meeting_type, text)
    return int(session.scalar(select(func.count()).select_from(Meeting).where(*conds)) or 0)


def open_action_items(session: Session, branch_id: int, before: date | None = None) -> list[ActionRow]:
    """落实事项 still open, to carry onto the next meeting's agenda."""
    stmt = (
        select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .where(Meeting.branch_id == branch_id, ActionItem.status == str(ActionStatus.OPEN))
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    if before is not None:
        stmt = stmt.where(Meeting.held_on < before)
    return [ActionRow(a.uuid, a.title, a.owner, a.due_on, ActionStatus(a.status), a.done_on, a.note)
            for a in session.scalars(stmt)]


def meeting_years(session: Session, branch_id: int) -> list[int]:
    """The years in which the branch has meetings, newest first (for the list's year filter)."""
    first, last = session.execute(
        select(func.min(Meeting.held_on), func.max(Meeting.held_on)).where(Meeting.branch_id == branch_id)
    ).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))

__all__ = [
    "ActionInput",
    "ActionRow",
    "AgendaInput",
    "AgendaRow",
    "AttachmentRow",
    "AttendanceInput",
    "AttendanceRow",
    "GuestInput",
    "GuestRow",
    "MeetingDetail",
    "MeetingInput",
    "MeetingRow",
    "count_meetings",
    "create_meeting",
    "default_attendance",
    "delete_meeting",
    "finalize_meeting",
    "get_meeting",
    "get_meetings",
    "list_meetings",
    "open_action_items",
    "unlock_meeting",
    "update_meeting",
]
