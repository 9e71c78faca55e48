"""SQLAlchemy 2.x declarative classes for every record BranchBook keeps (SPEC §2).

Every row carries an integer key for joins and a stable UUID for merging databases
that were written on different PCs, plus created/updated timestamps (UTC).
Enumerated columns store the English codes from :mod:`models.enums`.
"""

from __future__ import annotations

import uuid as uuid_mod
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    return str(uuid_mod.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Record(Base):
    """Columns shared by every table."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Branch(Record):
    """党支部."""

    __tablename__ = "branch"

    name: Mapped[str] = mapped_column(String(100))
    superior_org: Mapped[str] = mapped_column(String(100), default="")  # 上级党组织
    founded_on: Mapped[date | None] = mapped_column(Date)
    #: 建账日期 — the start of records: nothing is due, missing or alerted before it (0003).
    records_since: Mapped[date | None] = mapped_column(Date)


class PartyGroup(Record):
    """党小组."""

    __tablename__ = "party_group"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL", use_alter=True, name="fk_party_group_leader")
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Member(Record):
    """党员."""

    __tablename__ = "member"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_group.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(50))
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    phone: Mapped[str] = mapped_column(String(30), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")
    joined_on: Mapped[date] = mapped_column(Date)  # 入党时间
    full_member_on: Mapped[date | None] = mapped_column(Date)  # 转正时间
    category: Mapped[str] = mapped_column(String(20))  # MemberCategory, as of today
    # Today's office, committee seat and group: a cache of the open OfficeTerm / GroupMembership
    # rows, which are the truth for every "as of the meeting date" computation.
    branch_role: Mapped[str] = mapped_column(String(30), default="none")
    is_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # 延长预备期 (0005p), at most once: from the end of the ordinary year of probation up to
    # ``probation_extended_until`` (exclusive: the first day 转正 is possible), still 预备, no vote.
    probation_extended_from: Mapped[date | None] = mapped_column(Date)
    probation_extended_until: Mapped[date | None] = mapped_column(Date)
    probation_extension_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    statuses: Mapped[list[MemberStatus]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberStatus.effective_on"
    )
    exemptions: Mapped[list[MemberExemption]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberExemption.start_on"
    )
    # 任职记录 and 党小组 history, oldest first (a NULL start, "since before the records", sorts first).
    office_terms: Mapped[list[OfficeTerm]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="OfficeTerm.start_on"
    )
    group_memberships: Mapped[list[GroupMembership]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="GroupMembership.start_on"
    )


class MemberStatus(Record):
    """党籍状态: one dated entry of a member's status history."""

    __tablename__ = "member_status"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(30))  # MembershipState
    effective_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    member: Mapped[Member] = relationship(back_populates="statuses")


class MemberExemption(Record):
    """免于参加组织生活: a dated exemption from attendance with its reason."""

    __tablename__ = "member_exemption"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(100))

    member: Mapped[Member] = relationship(back_populates="exemptions")


class Meeting(Record):
    """会议/活动 of any type."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_branch_date", "branch_id", "held_on"),)

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    meeting_type: Mapped[str] = mapped_column(String(30))  # MeetingType
    status: Mapped[str] = mapped_column(String(20), default="draft")  # MeetingStatus
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str] = mapped_column(String(100), default="")
    host: Mapped[str] = mapped_column(String(50), default="")  # 主持人
    recorder: Mapped[str] = mapped_column(String(50), default="")  # 记录人
    theme: Mapped[str] = mapped_column(String(200), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_group.id", ondelete="SET NULL"))
    lecturer: Mapped[str] = mapped_column(String(50), default="")  # 授课人 (the member's name when linked)
    #: the 授课人 as a member of the roll; NULL: an outside lecturer (only the text names them)
    lecturer_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    lecture_topic: Mapped[str] = mapped_column(String(200), default="")  # 党课题目
    is_election: Mapped[bool] = mapped_column(Boolean, default=False)
    minutes: Mapped[str] = mapped_column(Text, default="")  # 会议内容
    study_material: Mapped[str] = mapped_column(Text, default="")  # 学习材料
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    #: raised by every save; a save of an older version is refused (two people editing at once)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it from the class

    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    guests: Mapped[list[Guest]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Guest.id"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="AgendaItem.position"
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ActionItem.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Attachment.id"
    )


class AgendaItem(Record):
    """议题, optionally with a vote (表决)."""

    __tablename__ = "agenda_item"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    discussion: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")  # 决议
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)


class Attendance(Record):
    """出席情况 of one expected member at one meeting."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_attendance_meeting_member"),
        Index("ix_attendance_member", "member_id"),
        # the rows not 出席, for the year's statistics (models.compliance_data.load_span_counts): 0010a
        Index("ix_attendance_not_present", "meeting_id", "member_id", "status",
              sqlite_where=text("status != 'present'"), postgresql_where=text("status != 'present'")),
    )

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))  # AttendanceStatus
    leave_reason: Mapped[str | None] = mapped_column(String(20))  # LeaveReason
    reason_note: Mapped[str] = mapped_column(String(200), default="")
    late_note: Mapped[str] = mapped_column(String(100), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    member: Mapped[Member] = relationship()


class Guest(Record):
    """列席人员."""

    __tablename__ = "guest"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(50), default="")


class StudyNote(Record):
    """学习笔记/心得体会."""

    __tablename__ = "study_note"
    # with the member and hours, the year's 学时 per member read the index alone: 0010a
    __table_args__ = (Index("ix_study_note_branch_date_hours", "branch_id", "studied_on", "member_id", "hours"),)

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="SET NULL"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    studied_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    material: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[float] = mapped_column(Float, default=0.0)


class Attachment(Record):
    """附件 kept inside the database file so that one file is the whole backup."""

    __tablename__ = "attachment"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    caption: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ActionItem(Record):
    """整改/落实事项 following a decision."""

    __tablename__ = "action_item"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(50), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # ActionStatus
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    """操作日志: append-only, each row chained to the previous one by hash."""

    __tablename__ = "audit_entry"
    # a merge looks up earlier entries of a record (models.merge._already_logged): 0008m
    __table_args__ = (Index("ix_audit_entry_entity_uuid", "entity_uuid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    branch_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # AuditAction
    entity: Mapped[str] = mapped_column(String(30))
    entity_uuid: Mapped[str] = mapped_column(String(36), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class BranchSetting(Record):
    """A per-branch setting (e.g. rule frequencies), value stored as JSON text.

    Added by migration 0002."""

    __tablename__ = "branch_setting"
    __table_args__ = (UniqueConstraint("branch_id", "key", name="uq_branch_setting_key"),)

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)


class OfficeTerm(Record):
    """任职记录: one dated term of a branch office or a committee seat (0003).

    ``office`` is a :class:`models.enums.BranchRole` code; ``other_committee`` is a 支委委员
    without a named office. Every office except ``none`` is a committee seat. ``start_on``
    None means "since before the start of records"; ``end_on`` None means "still in office".
    A 换届 ends the old terms and starts the new ones on one date."""

    __tablename__ = "office_term"
    __table_args__ = (Index("ix_office_term_member", "member_id", "start_on"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    office: Mapped[str] = mapped_column(String(30))
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class GroupMembership(Record):
    """党小组 membership as dated history (0003); ``start_on`` None: since before the records."""

    __tablename__ = "group_membership"
    __table_args__ = (Index("ix_group_membership_member", "member_id", "start_on"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("party_group.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[date | None] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)


class StoreInfo(Base):
    """Facts about the database file itself (0003): ``database_uuid`` — the identity stamped at
    creation, carried by every backup, kept across restore — and the audit chain anchor."""

    __tablename__ = "store_info"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Tombstone(Base):
    """A deleted record, so that a merge of an older backup does not bring it back (0003)."""

    __tablename__ = "tombstone"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)  # the deleted record's uuid
    entity: Mapped[str] = mapped_column(String(30))  # table name
    branch_uuid: Mapped[str] = mapped_column(String(36), default="")
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RecycledItem(Record):
    """回收站 (0004r): a deleted meeting, study note or member kept for 30 days with its child
    rows as JSON, so that it can be put back (:mod:`models.recycle`)."""

    __tablename__ = "recycled_item"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(30))  # meeting | study_note | member
    entity_uuid: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(Text)  # shown in the list
    deleted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    payload: Mapped[str] = mapped_column(Text)  # JSON of the row and its child rows


class MergeConflict(Record):
    """Another PC's version of a meeting that is 定稿 here (0003): kept beside it, never over it,
    until the secretary resolves it."""

    __tablename__ = "merge_conflict"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(Text, default="")  # backup file, its branch and PC
    payload: Mapped[str] = mapped_column(Text)  # JSON of the other version
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str] = mapped_column(Text, default="")


# Every deletion through a session leaves a Tombstone, whoever made the session (listeners
# registered once the classes above exist).
from models import tombstones as _tombstones  # noqa: F401
