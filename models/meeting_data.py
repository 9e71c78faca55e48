"""Plain data crossing the meetings service boundary: what the editor sends (inputs) and
what lists, the editor and documents read (outputs). No database access here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from models.enums import (
    ActionStatus,
    AttendanceStatus,
    LeaveReason,
    MeetingStatus,
    MeetingType,
)
from models.errors import BranchBookError
from models.meeting_row import MeetingRow  # noqa: F401 - re-exported: one line of the list

if TYPE_CHECKING:
    from models.quorum import MeetingOutcome, VoteOutcome

# --- inputs ---------------------------------------------------------------------------------


@dataclass
class AttendanceInput:
    member_id: int
    status: AttendanceStatus = AttendanceStatus.PRESENT
    leave_reason: LeaveReason | None = None
    reason_note: str = ""
    late_note: str = ""


@dataclass
class GuestInput:
    name: str
    unit: str = ""
    role: str = ""
    uuid: str | None = None  # set when editing an existing row


@dataclass
class AgendaInput:
    title: str
    discussion: str = ""
    resolution: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    uuid: str | None = None

    @property
    def has_vote(self) -> bool:
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstain))


@dataclass
class ActionInput:
    title: str
    owner: str = ""
    due_on: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    done_on: date | None = None
    note: str = ""
    uuid: str | None = None


@dataclass
class MeetingInput:
    """Everything the meeting editor sends to :func:`create_meeting` / :func:`update_meeting`."""

    meeting_type: MeetingType
    title: str
    held_on: date | None
    status: MeetingStatus = MeetingStatus.DRAFT
    start_time: time | None = None
    end_time: time | None = None
    location: str = ""
    host: str = ""
    recorder: str = ""
    theme: str = ""
    group_id: int | None = None
    lecturer: str = ""
    #: the 授课人 as a member of the roll on ``held_on`` (None: an outside lecturer named by ``lecturer``)
    lecturer_member_id: int | None = None
    lecture_topic: str = ""
    is_election: bool = False
    minutes: str = ""
    study_material: str = ""
    attendance: list[AttendanceInput] = field(default_factory=list)
    guests: list[GuestInput] = field(default_factory=list)
    agenda: list[AgendaInput] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)
    #: the version the editor started from (MeetingDetail.version); a save is refused when someone
    #: else saved a newer one meanwhile. None: no check (scripts, imports).
    expected_version: int | None = None


# --- outputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    member_name: str
    status: AttendanceStatus
    leave_reason: LeaveReason | None
    reason_note: str
    late_note: str
    can_vote: bool


@dataclass(frozen=True)
class GuestRow:
    uuid: str
    name: str
    unit: str
    role: str


@dataclass(frozen=True)
class AgendaRow:
    uuid: str
    position: int
    title: str
    discussion: str
    resolution: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None

    @property
    def has_vote(self) -> bool:
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstain))


@dataclass(frozen=True)
class ActionRow:
    uuid: str
    title: str
    owner: str
    due_on: date | None
    status: ActionStatus
    done_on: date | None
    note: str


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    filename: str
    mime_type: str
    caption: str
    size: int


@dataclass(frozen=True)
class MeetingDetail:
    id: int
    uuid: str
    branch_id: int
    meeting_type: MeetingType
    status: MeetingStatus
    title: str
    held_on: date
    start_time: time | None
    end_time: time | None
    location: str
    host: str
    recorder: str
    theme: str
    group_id: int | None
    group_name: str
    lecturer: str
    lecture_topic: str
    is_election: bool
    minutes: str
    study_material: str
    finalized_at: datetime | None
    content_hash: str
    sequence_no: int  # 第 N 次 of this type (per group for 党小组会) in the year
    attendance: list[AttendanceRow]
    guests: list[GuestRow]
    agenda: list[AgendaRow]
    actions: list[ActionRow]
    attachments: list[AttachmentRow]
    #: 应到, quorum and votes from the dated roll as of ``held_on`` (models.quorum).
    outcome: MeetingOutcome | None = None
    version: int = 1  # raised by every save (MeetingInput.expected_version)
    #: names of the members 应到 who have no attendance row (the list is incomplete)
    missing_names: tuple[str, ...] = ()
    #: the 授课人 as a member (None: an outside lecturer, or no lecturer)
    lecturer_member_id: int | None = None

    @property
    def lecturer_outside(self) -> bool:
        """授课人 from outside the branch (外单位/非本支部): named, but not linked to a member — even
        when a member of the same name is on the roll; 书记讲党课 never counts such a lecture."""
        return self.meeting_type == MeetingType.PARTY_LECTURE and bool(self.lecturer) and self.lecturer_member_id is None

    @property
    def expected_count(self) -> int:
        """应到: from the roll as of the meeting date, not from the attendance rows."""
        return self.outcome.expected_count if self.outcome else len(self.attendance)

    def count(self, status: AttendanceStatus) -> int:
        return sum(1 for a in self.attendance if a.status == status)

    @property
    def voting_expected(self) -> int:
        """应到会有表决权的党员 (from the roll as of the meeting date)."""
        if self.outcome:
            return len(self.outcome.voting_expected)
        return sum(1 for a in self.attendance if a.can_vote)

    @property
    def voting_present(self) -> int:
        if self.outcome:
            return len(self.outcome.voting_present)
        return sum(1 for a in self.attendance if a.can_vote and a.status == AttendanceStatus.PRESENT)

    def vote_outcome(self, item: AgendaRow) -> VoteOutcome | None:
        """The rules' verdict on an agenda item's vote (None: no vote, or no outcome computed)."""
        if self.outcome is None or not item.has_vote:
            return None
        voted = [a for a in self.agenda if a.has_vote]
        for agenda_item, result in zip(voted, self.outcome.votes, strict=False):
            if agenda_item.uuid == item.uuid:
                return result
        return None

    def to_input(self) -> MeetingInput:
        """An editable copy, as the editor would send it back unchanged."""
        return MeetingInput(
            meeting_type=self.meeting_type, title=self.title, held_on=self.held_on,
            status=MeetingStatus.DRAFT if self.status == MeetingStatus.FINAL else self.status,
            start_time=self.start_time, end_time=self.end_time, location=self.location,
            host=self.host, recorder=self.recorder, theme=self.theme, group_id=self.group_id,
            lecturer=self.lecturer, lecturer_member_id=self.lecturer_member_id,
            lecture_topic=self.lecture_topic, is_election=self.is_election,
            minutes=self.minutes, study_material=self.study_material,
            attendance=[AttendanceInput(a.member_id, a.status, a.leave_reason, a.reason_note, a.late_note)
                        for a in self.attendance],
            guests=[GuestInput(g.name, g.unit, g.role, g.uuid) for g in self.guests],
            agenda=[AgendaInput(a.title, a.discussion, a.resolution, a.votes_for, a.votes_against,
                                a.votes_abstain, a.uuid) for a in self.agenda],
            actions=[ActionInput(a.title, a.owner, a.due_on, a.status, a.done_on, a.note, a.uuid)
                     for a in self.actions],
        )



class MeetingChangedError(BranchBookError):
    """A save refused because someone else saved the meeting first; ``current`` is their version
    (the editor shows it instead of overwriting it)."""

    def __init__(self, current: MeetingDetail) -> None:
        super().__init__(
            f"会议“{current.title}”已被其他人修改并保存（现为第 {current.version} 版）。您的修改未保存，"
            "以免覆盖对方的内容；现在显示的是最新内容，请在此基础上重新修改后再保存。", field="status")
        self.current = current
