"""党员名册: the branch, party groups, members, their status history and exemptions, and
who is expected (应到) at a meeting on a given date (SPEC §3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import audit, offices, probation, recycle, roll_rules
from models.entities import (
    Attendance,
    Branch,
    Member,
    MemberExemption,
    MemberStatus,
    PartyGroup,
)
from models.enums import (
    ON_ROLL_STATES,
    AuditAction,
    BranchRole,
    Gender,
    MeetingType,
    MemberCategory,
    MembershipState,
)
from models.errors import ValidationError
from models.probation import ProbationExtension
from models.validation import format_date, id_number_problem, phone_problem

# Meeting types whose 应到 is every member on the roll (not a committee or a group).
ALL_MEMBER_TYPES = frozenset(
    {
        MeetingType.GENERAL_ASSEMBLY,
        MeetingType.PARTY_LECTURE,
        MeetingType.THEME_DAY,
        MeetingType.LIFE_MEETING,
        MeetingType.APPRAISAL,
        MeetingType.OTHER,
    }
)


# 任职记录 and 党小组 history (models/offices.py), offered here with the rest of the roster's services.
start_term = offices.start_term  # 任职
end_term = offices.end_term  # 免职
delete_term = offices.delete_term
change_committee = offices.change_committee  # 换届
move_to_group = offices.move_to_group  # 调整党小组
extend_probation = probation.extend_probation  # 延长预备期
delete_probation_extension = probation.delete_probation_extension


# --- branch ---------------------------------------------------------------------------

BRANCH_NAME_MAX = 100  # the column's length


def check_branch_name(name: str) -> str:
    """The trimmed 支部名称, or ValidationError when it is empty or too long."""
    name = name.strip()
    if not name:
        raise ValidationError("支部名称不能为空，请填写党支部全称。", field="name")
    if len(name) > BRANCH_NAME_MAX:
        raise ValidationError(f"支部名称过长（{len(name)} 个字），请不超过 {BRANCH_NAME_MAX} 个字。", field="name")
    return name


def check_records_since(since: date | None, today: date | None = None) -> date | None:
    """建账日期 must lie between 1949 and the end of next year (a PC may be prepared ahead)."""
    if since is None:
        return None
    latest = date((today or date.today()).year + 1, 12, 31)
    if not date(1949, 10, 1) <= since <= latest:
        raise ValidationError(f"建账日期“{format_date(since)}”不合理，应在1949年10月1日至{format_date(latest)}之间，"
                              "即开始在本程序中记录的日期。", field="records_since")
    return since


def first_of_month(day: date | None = None) -> date:
    """The default start of records (建账日期): the first day of the current month."""
    day = day or date.today()
    return day.replace(day=1)


def create_branch(
    session: Session, name: str, superior_org: str = "", founded_on: date | None = None,
    records_since: date | None = None,
) -> int:
    """A new 党支部. ``records_since`` (建账日期) is the start of records: nothing is due,
    missing or alerted before it (None: the branch's records are complete from any year)."""
    name = check_branch_name(name)
    branch = Branch(name=name, superior_org=superior_org.strip(), founded_on=founded_on,
                    records_since=check_records_since(records_since))
    session.add(branch)
    session.flush()
    audit.record(session, AuditAction.CREATE, "branch", entity_uuid=branch.uuid,
                 summary=f"新建党支部“{name}”", branch_id=branch.id)
    return branch.id


def update_branch(
    session: Session, branch_id: int, name: str, superior_org: str, founded_on: date | None,
    records_since: date | None = None,
) -> None:
    """Change the branch's particulars; ``records_since`` None keeps the start of records."""
    name = check_branch_name(name)
    branch = session.get_one(Branch, branch_id)
    branch.name, branch.superior_org, branch.founded_on = name, superior_org.strip(), founded_on
    if records_since is not None:
        branch.records_since = check_records_since(records_since)
    audit.record(session, AuditAction.UPDATE, "branch", entity_uuid=branch.uuid,
                 summary=f"修改党支部信息“{name}”", branch_id=branch_id)


@dataclass(frozen=True)
class BranchInfo:
    id: int
    name: str
    superior_org: str
    founded_on: date | None
    records_since: date | None = None  # 建账日期


def list_branches(session: Session) -> list[BranchInfo]:
    return [
        BranchInfo(b.id, b.name, b.superior_org, b.founded_on, b.records_since)
        for b in session.scalars(select(Branch).order_by(Branch.id))
    ]


def default_branch(session: Session) -> BranchInfo | None:
    """The database's branch (the first one when several were merged in)."""
    branches = list_branches(session)
    return branches[0] if branches else None


# --- party groups ---------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    leader_id: int | None
    leader_name: str
    member_count: int


def _check_group_name(session: Session, branch_id: int, name: str, exclude: int | None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("党小组名称不能为空，请填写名称（如“第一党小组”）。", field="name")
    clash = session.scalar(
        select(PartyGroup.id).where(PartyGroup.branch_id == branch_id, PartyGroup.name == name)
    )
    if clash is not None and clash != exclude:
        raise ValidationError(f"已有名为“{name}”的党小组，请换一个名称。", field="name")
    return name


def create_group(session: Session, branch_id: int, name: str, leader_id: int | None = None) -> int:
    name = _check_group_name(session, branch_id, name, None)
    order = session.scalar(
        select(func.coalesce(func.max(PartyGroup.sort_order), 0)).where(
            PartyGroup.branch_id == branch_id
        )
    )
    group = PartyGroup(branch_id=branch_id, name=name, leader_id=leader_id, sort_order=(order or 0) + 1)
    session.add(group)
    session.flush()
    audit.record(session, AuditAction.CREATE, "party_group", entity_uuid=group.uuid,
                 summary=f"新建党小组“{name}”", branch_id=branch_id)
    return group.id


def update_group(session: Session, group_id: int, name: str, leader_id: int | None) -> None:
    group = session.get_one(PartyGroup, group_id)
    group.name = _check_group_name(session, group.branch_id, name, group_id)
    group.leader_id = leader_id
    audit.record(session, AuditAction.UPDATE, "party_group", entity_uuid=group.uuid,
                 summary=f"修改党小组“{group.name}”", branch_id=group.branch_id)


def delete_group(session: Session, group_id: int) -> None:
    group = session.get_one(PartyGroup, group_id)
    count = session.scalar(select(func.count()).where(Member.group_id == group_id)) or 0
    if count:
        raise ValidationError(
            f"党小组“{group.name}”还有 {count} 名党员，请先把他们调到其他党小组再删除。"
        )
    audit.record(session, AuditAction.DELETE, "party_group", entity_uuid=group.uuid,
                 summary=f"删除党小组“{group.name}”", branch_id=group.branch_id)
    session.delete(group)
    session.flush()


def list_groups(session: Session, branch_id: int) -> list[GroupRow]:
    counts = dict(
        session.execute(
            select(Member.group_id, func.count()).where(Member.branch_id == branch_id).group_by(Member.group_id)
        ).all()
    )
    names = dict(session.execute(select(Member.id, Member.name).where(Member.branch_id == branch_id)).all())
    groups = session.scalars(
        select(PartyGroup).where(PartyGroup.branch_id == branch_id).order_by(PartyGroup.sort_order, PartyGroup.id)
    )
    return [
        GroupRow(g.id, g.name, g.leader_id, names.get(g.leader_id, "") if g.leader_id else "", counts.get(g.id, 0))
        for g in groups
    ]


# --- members --------------------------------------------------------------------------


@dataclass
class MemberInput:
    """What the member editor or the roster import supplies."""

    name: str
    gender: Gender
    joined_on: date | None
    category: MemberCategory = MemberCategory.FULL
    birth_date: date | None = None
    ethnicity: str = "汉族"
    phone: str = ""
    id_number: str = ""
    full_member_on: date | None = None
    group_id: int | None = None
    branch_role: BranchRole = BranchRole.NONE
    is_committee: bool = False
    note: str = ""


def member_problems(data: MemberInput, today: date | None = None) -> list[ValidationError]:
    """Every refused field of ``data`` at once (a form shows them all in one round), in form order."""
    today = today or date.today()
    problems: list[ValidationError] = []
    if not data.name.strip():
        problems.append(ValidationError("姓名不能为空，请填写党员姓名。", field="name"))
    joined = data.joined_on
    if joined is None:
        problems.append(ValidationError("请填写入党时间。", field="joined_on"))
    elif joined > today:
        problems.append(ValidationError("入党时间不能晚于今天，请检查日期。", field="joined_on"))
    if joined is not None and data.birth_date is not None and data.birth_date >= joined:
        problems.append(ValidationError("出生日期应早于入党时间，请检查日期。", field="birth_date"))
    if joined is not None and data.full_member_on is not None and data.full_member_on < joined:
        problems.append(ValidationError("转正时间不能早于入党时间，请检查日期。", field="full_member_on"))
    if data.category == MemberCategory.PROBATIONARY and data.full_member_on is not None and data.full_member_on <= today:
        problems.append(ValidationError("已填写转正时间的党员应为“正式党员”，请修改党员类别或转正时间。",
                                        field="category"))
    id_number = data.id_number.strip().upper()
    if id_number and (problem := id_number_problem(id_number)):
        problems.append(ValidationError(problem + "。", field="id_number"))
    if problem := phone_problem(data.phone.strip()):
        problems.append(ValidationError(problem + "。", field="phone"))
    return problems


def validate_member(data: MemberInput, today: date | None = None) -> MemberInput:
    """Return a cleaned copy or raise ValidationError naming the (first refused) field."""
    problems = member_problems(data, today)
    if problems:
        raise problems[0]
    name, id_number, phone = data.name.strip(), data.id_number.strip().upper(), data.phone.strip()
    is_committee = data.is_committee or data.branch_role != BranchRole.NONE
    return MemberInput(
        name=name, gender=data.gender, joined_on=data.joined_on, category=data.category,
        birth_date=data.birth_date, ethnicity=data.ethnicity.strip() or "汉族", phone=phone,
        id_number=id_number, full_member_on=data.full_member_on, group_id=data.group_id,
        branch_role=data.branch_role, is_committee=is_committee, note=data.note.strip(),
    )


def _apply(member: Member, data: MemberInput) -> None:
    member.name = data.name
    member.gender = str(data.gender)
    member.joined_on = data.joined_on  # type: ignore[assignment]
    member.category = str(data.category)
    member.birth_date = data.birth_date
    member.ethnicity = data.ethnicity
    member.phone = data.phone
    member.id_number = data.id_number
    member.full_member_on = data.full_member_on
    member.note = data.note


def _apply_terms(session: Session, member: Member, data: MemberInput, on: date | None) -> None:
    """The roster's office and group become dated terms from ``on`` (None: since before the
    records); the cached columns follow the terms in force today."""
    office = offices.wanted_office(data.branch_role, data.is_committee)
    offices.set_office_from_roster(session, member, office, on)
    offices.set_group_from_roster(session, member, data.group_id, on)
    offices.refresh_cache(member)


def create_member(session: Session, branch_id: int, data: MemberInput, *, on_roll_since: date | None = None) -> int:
    """Add a member; their status history starts 在册 on ``on_roll_since`` (default: join date)."""
    clean = validate_member(data)
    member = Member(branch_id=branch_id)
    _apply(member, clean)
    assert clean.joined_on is not None
    session.add(member)
    _apply_terms(session, member, clean, None)
    member.statuses.append(
        MemberStatus(state=str(MembershipState.ACTIVE), effective_on=on_roll_since or clean.joined_on)
    )
    session.add(member)
    session.flush()
    audit.record(session, AuditAction.CREATE, "member", entity_uuid=member.uuid,
                 summary=f"新增党员“{member.name}”", branch_id=branch_id)
    return member.id


def update_member(session: Session, member_id: int, data: MemberInput, *, effective_on: date | None = None) -> None:
    """Save the member's details. A changed office, 支委 seat or 党小组 is recorded as a new dated
    term from ``effective_on`` (default today); earlier terms keep the past as it was."""
    clean = validate_member(data)
    member = session.get_one(Member, member_id)
    probation.check_full_member_on(member, clean.full_member_on)
    _apply(member, clean)
    _apply_terms(session, member, clean, effective_on or date.today())
    session.flush()
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"修改党员“{member.name}”的信息", branch_id=member.branch_id)


def delete_member(session: Session, member_id: int) -> None:
    member = session.get_one(Member, member_id)
    used = session.scalar(select(func.count()).where(Attendance.member_id == member_id)) or 0
    if used:
        raise ValidationError(
            f"党员“{member.name}”已有 {used} 条出席记录，不能删除。如已转出或去世，请登记党籍状态。"
        )
    audit.record(session, AuditAction.DELETE, "member", entity_uuid=member.uuid,
                 summary=f"删除党员“{member.name}”（移入回收站）", branch_id=member.branch_id)
    recycle.to_bin(session, "member", member.id, member.name)
    session.delete(member)
    session.flush()


def add_status(session: Session, member_id: int, state: MembershipState, effective_on: date, note: str = "") -> int:
    """Record a change of 党籍状态 (转出, 停止党籍, 留党察看, 恢复在册 …) from a date on."""
    member = session.get_one(Member, member_id)
    if effective_on < member.joined_on:
        raise ValidationError("状态变更日期不能早于入党时间，请检查日期。", field="effective_on")
    if any(s.effective_on == effective_on for s in member.statuses):
        raise ValidationError(
            f"{format_date(effective_on)}已有一条党籍状态记录，请修改那一条或换一个日期。", field="effective_on"
        )
    entry = MemberStatus(state=str(state), effective_on=effective_on, note=note.strip())
    member.statuses.append(entry)
    session.flush()
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"党员“{member.name}”自{format_date(effective_on)}起{state.label}",
                 branch_id=member.branch_id)
    return entry.id


def delete_status(session: Session, status_id: int) -> None:
    entry = session.get_one(MemberStatus, status_id)
    member = entry.member
    if len(member.statuses) <= 1:
        raise ValidationError("党籍状态至少要保留一条记录。")
    audit.record(session, AuditAction.DELETE, "member", entity_uuid=member.uuid,
                 summary=f"删除党员“{member.name}”{format_date(entry.effective_on)}的党籍状态记录",
                 branch_id=member.branch_id)
    member.statuses.remove(entry)
    session.flush()


def add_exemption(session: Session, member_id: int, start_on: date, end_on: date | None, reason: str) -> int:
    """免于参加组织生活 (年老体弱, 长期外出经批准 …) from ``start_on`` to ``end_on`` (open-ended if None)."""
    member = session.get_one(Member, member_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError("请填写免于参加组织生活的原因（如“年老体弱”）。", field="reason")
    if end_on is not None and end_on < start_on:
        raise ValidationError("结束日期早于开始日期，请检查日期。", field="end_on")
    entry = MemberExemption(start_on=start_on, end_on=end_on, reason=reason)
    member.exemptions.append(entry)
    session.flush()
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"党员“{member.name}”自{format_date(start_on)}起免于参加组织生活：{reason}",
                 branch_id=member.branch_id)
    return entry.id


def delete_exemption(session: Session, exemption_id: int) -> None:
    entry = session.get_one(MemberExemption, exemption_id)
    member = entry.member
    audit.record(session, AuditAction.DELETE, "member", entity_uuid=member.uuid,
                 summary=f"取消党员“{member.name}”的免于参加组织生活记录", branch_id=member.branch_id)
    member.exemptions.remove(entry)
    session.flush()


# --- status as of a date ---------------------------------------------------------------


state_on, on_roll, exempt_on = roll_rules.state_on, roll_rules.on_roll, roll_rules.exempt_on

# asked for every member on every day the roll changes: module constants, not a class lookup each time
_FULL, _PROBATIONARY = MemberCategory.FULL, MemberCategory.PROBATIONARY
_CATEGORIES = {c.value: c for c in MemberCategory}


def category_on(member: Member, on: date) -> MemberCategory:
    """正式 from the 转正 date on; before it 预备 (or as recorded when no date is known); 预备 on
    every day of an extended probation (延长预备期), whatever else is recorded."""
    if probation.extended_on(member, on):
        return _PROBATIONARY
    if member.full_member_on is not None:
        return _FULL if on >= member.full_member_on else _PROBATIONARY
    return _CATEGORIES.get(member.category) or MemberCategory(member.category)  # (an unknown code: ValueError)


def can_vote_on(member: Member, on: date) -> bool:
    """有表决权: a 正式党员 on the roll and not under 留党察看."""
    return roll_rules.active_on(member, on) and category_on(member, on) == _FULL


# --- listing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """A member as lists and documents show them (ID and phone unmasked: mask when showing)."""

    id: int
    uuid: str
    name: str
    gender: Gender
    birth_date: date | None
    ethnicity: str
    phone: str
    id_number: str
    joined_on: date
    full_member_on: date | None
    category: MemberCategory
    group_id: int | None
    group_name: str
    branch_role: BranchRole
    is_committee: bool
    state: MembershipState | None
    exempt: bool
    can_vote: bool
    note: str = ""


@dataclass(frozen=True)
class StatusRow:
    id: int
    state: MembershipState
    effective_on: date
    note: str


@dataclass(frozen=True)
class ExemptionRow:
    id: int
    start_on: date
    end_on: date | None
    reason: str


@dataclass(frozen=True)
class MemberDetail:
    row: MemberRow
    statuses: list[StatusRow] = field(default_factory=list)
    exemptions: list[ExemptionRow] = field(default_factory=list)
    terms: list[offices.TermRow] = field(default_factory=list)  # 任职记录 and 党小组 history
    probation_extension: ProbationExtension | None = None  # 延长预备期


_HISTORIES = (selectinload(Member.statuses), selectinload(Member.exemptions),
              selectinload(Member.office_terms), selectinload(Member.group_memberships))


def load_members(session: Session, branch_id: int) -> list[Member]:
    """Members with their status history, exemptions, offices and groups loaded (five queries)."""
    stmt = (
        select(Member)
        .where(Member.branch_id == branch_id)
        .options(*_HISTORIES)
        .order_by(Member.id)
    )
    return list(session.scalars(stmt))


def _row(member: Member, on: date, group_names: dict[int, str]) -> MemberRow:
    group_id = offices.group_on(member, on)
    return MemberRow(
        id=member.id, uuid=member.uuid, name=member.name, gender=Gender(member.gender),
        birth_date=member.birth_date, ethnicity=member.ethnicity, phone=member.phone,
        id_number=member.id_number, joined_on=member.joined_on, full_member_on=member.full_member_on,
        category=category_on(member, on), group_id=group_id,
        group_name=group_names.get(group_id, "") if group_id else "",
        branch_role=offices.office_on(member, on), is_committee=offices.on_committee(member, on),
        state=state_on(member, on), exempt=exempt_on(member, on), can_vote=can_vote_on(member, on),
        note=member.note,
    )


def _group_names(session: Session, branch_id: int) -> dict[int, str]:
    return dict(session.execute(select(PartyGroup.id, PartyGroup.name).where(PartyGroup.branch_id == branch_id)).all())


def list_members(
    session: Session,
    branch_id: int,
    *,
    on: date | None = None,
    group_id: int | None = None,
    category: MemberCategory | None = None,
    state: MembershipState | None = None,
    on_roll_only: bool = False,
) -> list[MemberRow]:
    """Members as of ``on`` (default today), filtered; ordered by group then join date."""
    on = on or date.today()
    names = _group_names(session, branch_id)
    rows = [_row(m, on, names) for m in load_members(session, branch_id)]
    if group_id is not None:
        rows = [r for r in rows if r.group_id == group_id]
    if category is not None:
        rows = [r for r in rows if r.category == category]
    if state is not None:
        rows = [r for r in rows if r.state == state]
    if on_roll_only:
        rows = [r for r in rows if r.state in ON_ROLL_STATES]
    return sorted(rows, key=lambda r: (r.group_name == "", r.group_name, r.joined_on, r.id))


def get_member(session: Session, member_id: int, on: date | None = None) -> MemberDetail:
    member = session.get_one(Member, member_id)
    names = _group_names(session, member.branch_id)
    row = _row(member, on or date.today(), names)
    return MemberDetail(
        row=row,
        statuses=[StatusRow(s.id, MembershipState(s.state), s.effective_on, s.note) for s in member.statuses],
        exemptions=[ExemptionRow(e.id, e.start_on, e.end_on, e.reason) for e in member.exemptions],
        terms=offices.term_rows(member, names),
        probation_extension=probation.extension_of(member),
    )


# --- 应到 -----------------------------------------------------------------------------------


def is_expected(member: Member, meeting_type: MeetingType, on: date, group_id: int | None) -> bool:
    """Whether ``member`` is 应到 at a meeting of this type on this date (SPEC §3): on the roll and
    not exempt; for a 支委会 on the committee that day, for a 党小组会 in that group that day."""
    if not on_roll(member, on) or exempt_on(member, on):
        return False
    if meeting_type == MeetingType.COMMITTEE:
        return offices.on_committee(member, on)
    if meeting_type == MeetingType.GROUP:
        return group_id is not None and offices.group_on(member, on) == group_id
    return True


def expected_among(
    members: Iterable[Member], meeting_type: MeetingType, on: date, group_id: int | None = None
) -> list[Member]:
    return [m for m in members if is_expected(m, meeting_type, on, group_id)]


def expected_attendees(
    session: Session, branch_id: int, meeting_type: MeetingType, on: date, group_id: int | None = None
) -> list[MemberRow]:
    """应到 members of a meeting of ``meeting_type`` held on ``on`` (for 党小组会: of ``group_id``)."""
    names = _group_names(session, branch_id)
    members = expected_among(load_members(session, branch_id), meeting_type, on, group_id)
    rows = [_row(m, on, names) for m in members]
    return sorted(rows, key=lambda r: (r.group_name == "", r.group_name, r.joined_on, r.id))


def members_by_id(session: Session, ids: Sequence[int]) -> dict[int, Member]:
    if not ids:
        return {}
    stmt = (
        select(Member)
        .where(Member.id.in_(ids))
        .options(*_HISTORIES)
    )
    return {m.id: m for m in session.scalars(stmt)}


@dataclass(frozen=True)
class RosterSnapshot:
    """The branch's members read once, so that 应到 can be answered for any type, date and group
    without going back to the database (the meeting editor asks on every date or type change)."""

    members: tuple[Member, ...]
    group_names: dict[int, str]

    def _sorted(self, members: Iterable[Member], on: date) -> list[MemberRow]:
        rows = [_row(m, on, self.group_names) for m in members]
        return sorted(rows, key=lambda r: (r.group_name == "", r.group_name, r.joined_on, r.id))

    def expected(self, meeting_type: MeetingType, on: date, group_id: int | None = None) -> list[MemberRow]:
        """Same answer as ``expected_attendees`` for the members read."""
        return self._sorted(expected_among(self.members, meeting_type, on, group_id), on)

    def members_on_roll(self, on: date) -> list[MemberRow]:
        """Same answer as ``list_members(..., on=on, on_roll_only=True)`` for the members read."""
        return self._sorted((m for m in self.members if on_roll(m, on)), on)


def read_roster(session: Session, branch_id: int) -> RosterSnapshot:
    """Members with their status history and exemptions, and the group names (four queries)."""
    return RosterSnapshot(tuple(load_members(session, branch_id)), _group_names(session, branch_id))


def reveal_id_number(session: Session, member_id: int) -> str:
    """The member's full 身份证号, shown on request while numbers are masked; the request is
    written to the 操作日志 (SPEC §5: personal data masked unless asked)."""
    member = session.get_one(Member, member_id)
    audit.record(session, AuditAction.VIEW, "member", entity_uuid=member.uuid,
                 summary=f"查看党员“{member.name}”的完整身份证号", branch_id=member.branch_id)
    return member.id_number
