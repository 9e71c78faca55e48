"""Join two branch records into one (合并同名党支部): the same branch typed in by hand on two PCs
has two uuids, so merging their backups brings it in twice (SPEC §1).

The ``other`` branch's records move to ``keep``. Its members are matched to ``keep``'s by ID
number, then by name + birth date; a matched member's attendance and study notes go to the
kept member and the duplicate (with its own copy of the status history) is removed. Party
groups of the same name become one; settings ``keep`` already has stay as they are. Removed
records leave tombstones (models.tombstones: a later merge of an old backup does not bring
them back), and the join is one entry of the audit log. Portable SQLAlchemy: one transaction, the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models import audit
from models.entities import (
    Attendance,
    Branch,
    BranchSetting,
    GroupMembership,
    Meeting,
    Member,
    PartyGroup,
    StudyNote,
)
from models.enums import AuditAction
from models.errors import BranchBookError


@dataclass
class JoinSummary:
    kept: str
    joined: str
    matched: list[str] = field(default_factory=list)  # members found in both (one kept)
    moved_members: int = 0
    moved_meetings: int = 0
    same_day_meetings: int = 0  # same date and type in both: possibly entered twice

    def describe(self) -> str:
        lines = [f"已将党支部“{self.joined}”并入“{self.kept}”。",
                 (f"党员：{len(self.matched)} 人在两边都有（按身份证号或姓名+出生日期对应，保留一份），"
                  f"另有 {self.moved_members} 人转入；会议活动转入 {self.moved_meetings} 次。")]
        if self.same_day_meetings:
            lines.append(f"注意：有 {self.same_day_meetings} 次会议在两边同一天、同类型，可能重复录入，请核对。")
        return "\n".join(lines)


def _key(m: Member) -> tuple[str, ...]:
    return ("id", m.id_number.strip().upper()) if m.id_number.strip() else ("name", m.name.strip(), str(m.birth_date))


def join_branches(session: Session, keep_id: int, other_id: int) -> JoinSummary:
    """Move branch ``other_id`` into ``keep_id`` (see the module docstring)."""
    if keep_id == other_id:
        raise BranchBookError("保留的党支部和并入的党支部不能是同一个，请指定两个不同的编号。", field="other")
    keep, other = session.get(Branch, keep_id), session.get(Branch, other_id)
    if keep is None or other is None:
        missing = keep_id if keep is None else other_id
        raise BranchBookError(f"找不到编号为 {missing} 的党支部，请先用 branches list 查看编号。", field="branch")
    summary = JoinSummary(kept=keep.name, joined=other.name)
    tombs: list[tuple[str, str]] = [(other.uuid, "branch")]

    # party groups: the same name becomes one
    ours = {g.name: g for g in session.scalars(select(PartyGroup).where(PartyGroup.branch_id == keep_id))}
    for group in list(session.scalars(select(PartyGroup).where(PartyGroup.branch_id == other_id))):
        twin = ours.get(group.name)
        if twin is None:
            group.branch_id = keep_id
            continue
        for table in (Member, Meeting):
            session.execute(update(table).where(table.group_id == group.id).values(group_id=twin.id))
        session.execute(update(GroupMembership).where(GroupMembership.group_id == group.id).values(group_id=twin.id))
        tombs.append((group.uuid, "party_group"))
        session.delete(group)
    session.flush()

    # members: by ID number, then name + birth date
    known: dict[tuple[str, ...], Member] = {}
    for m in session.scalars(select(Member).where(Member.branch_id == keep_id)):
        known.setdefault(_key(m), m)
    for m in list(session.scalars(select(Member).where(Member.branch_id == other_id))):
        twin_member = known.get(_key(m))
        if twin_member is None:
            m.branch_id = keep_id
            summary.moved_members += 1
            continue
        session.execute(update(Attendance).where(Attendance.member_id == m.id).values(member_id=twin_member.id))
        session.execute(update(StudyNote).where(StudyNote.member_id == m.id).values(member_id=twin_member.id))
        session.execute(update(PartyGroup).where(PartyGroup.leader_id == m.id).values(leader_id=twin_member.id))
        summary.matched.append(m.name)
        tombs.append((m.uuid, "member"))
        session.delete(m)
    session.flush()

    ours_days = set(session.execute(select(Meeting.held_on, Meeting.meeting_type).where(Meeting.branch_id == keep_id)))
    theirs = list(session.execute(select(Meeting.held_on, Meeting.meeting_type).where(Meeting.branch_id == other_id)))
    summary.same_day_meetings = sum(1 for row in theirs if tuple(row) in ours_days)
    summary.moved_meetings = len(theirs)
    session.execute(update(Meeting).where(Meeting.branch_id == other_id).values(branch_id=keep_id))
    session.execute(update(StudyNote).where(StudyNote.branch_id == other_id).values(branch_id=keep_id))
    kept_keys = set(session.scalars(select(BranchSetting.key).where(BranchSetting.branch_id == keep_id)))
    session.execute(delete(BranchSetting).where(BranchSetting.branch_id == other_id,
                                                BranchSetting.key.in_(kept_keys)))
    session.execute(update(BranchSetting).where(BranchSetting.branch_id == other_id).values(branch_id=keep_id))
    session.delete(other)  # every ORM deletion leaves its tombstone (models.tombstones)
    session.flush()
    session.expire_all()
    audit.record(session, AuditAction.MERGE, "branch", entity_uuid=keep.uuid, branch_id=keep_id,
                 summary=f"合并同名党支部：“{summary.joined}”（编号 {other_id}）并入“{summary.kept}”（编号 {keep_id}）",
                 detail={"joined_uuid": tombs[0][0], "matched_members": summary.matched,
                         "moved_members": summary.moved_members, "moved_meetings": summary.moved_meetings})
    return summary
