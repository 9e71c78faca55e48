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


#: how two member records were found to be one person, in words
MATCHED_BY = {"id": "身份证号相同", "name": "姓名和出生日期相同"}


@dataclass
class JoinPreview:
    """What :func:`join_branches` would do, shown before the secretary confirms (合并同名党支部)."""

    kept: str
    joined: str
    kept_id: int
    joined_id: int
    matched: list[tuple[str, str]] = field(default_factory=list)  # (name, how: MATCHED_BY)
    moving: list[str] = field(default_factory=list)  # members only in the joined branch
    staying: list[str] = field(default_factory=list)  # members only in the kept branch
    groups_joined: list[str] = field(default_factory=list)  # same name in both: become one
    groups_moving: list[str] = field(default_factory=list)
    meetings: int = 0
    same_day_meetings: int = 0

    def describe(self) -> str:
        def names(items: list[str]) -> str:
            shown = "、".join(items[:20])
            return shown + (f"等 {len(items)} 人" if len(items) > 20 else "") if items else "无"

        by_id = [n for n, how in self.matched if how == MATCHED_BY["id"]]
        by_name = [n for n, how in self.matched if how == MATCHED_BY["name"]]
        kept, joined = f"“{self.kept}”（编号 {self.kept_id}）", f"“{self.joined}”（编号 {self.joined_id}）"
        lines = [f"{joined}的全部记录将并入{kept}，之后只保留{kept}这一条党支部记录。", "",
                 f"视为同一人的党员（保留一份，出席和学习记录归到保留的一份）：{len(self.matched)} 人",
                 f"　按身份证号对应：{names(by_id)}",
                 f"　按姓名和出生日期对应：{names(by_name)}",
                 f"仅在并入的党支部中、将转入的党员：{names(self.moving)}",
                 f"仅在保留的党支部中、保持不变的党员：{names(self.staying)}",
                 (f"同名党小组合为一个：{'、'.join(self.groups_joined) or '无'}；"
                  f"转入的党小组：{'、'.join(self.groups_moving) or '无'}"),
                 f"转入的会议活动：{self.meetings} 次"]
        if self.same_day_meetings:
            lines.append(f"注意：其中 {self.same_day_meetings} 次与保留的党支部同一天、同类型，可能重复录入，合并后请核对。")
        if self.kept != self.joined:
            lines.append("注意：两个党支部的名称不同，请确认确实是同一个党支部。")
        return "\n".join(lines)


def _pair(session: Session, keep_id: int, other_id: int) -> tuple[Branch, Branch]:
    if keep_id == other_id:
        raise BranchBookError("保留的党支部和并入的党支部不能是同一个，请指定两个不同的编号。", field="other")
    keep, other = session.get(Branch, keep_id), session.get(Branch, other_id)
    if keep is None or other is None:
        missing = keep_id if keep is None else other_id
        raise BranchBookError(f"找不到编号为 {missing} 的党支部，请先用 branches list 查看编号。", field="branch")
    return keep, other


def preview_join(session: Session, keep_id: int, other_id: int) -> JoinPreview:
    """What joining ``other_id`` into ``keep_id`` would match and move; changes nothing."""
    keep, other = _pair(session, keep_id, other_id)
    preview = JoinPreview(kept=keep.name, joined=other.name, kept_id=keep_id, joined_id=other_id)
    ours = set(session.scalars(select(PartyGroup.name).where(PartyGroup.branch_id == keep_id)))
    for name in session.scalars(select(PartyGroup.name).where(PartyGroup.branch_id == other_id)
                                .order_by(PartyGroup.sort_order, PartyGroup.id)):
        (preview.groups_joined if name in ours else preview.groups_moving).append(name)
    known: dict[tuple[str, ...], Member] = {}
    for m in session.scalars(select(Member).where(Member.branch_id == keep_id).order_by(Member.id)):
        known.setdefault(_key(m), m)
    found: set[int] = set()
    for m in session.scalars(select(Member).where(Member.branch_id == other_id).order_by(Member.id)):
        key = _key(m)
        twin = known.get(key)
        if twin is None:
            preview.moving.append(m.name)
        else:
            found.add(twin.id)
            preview.matched.append((m.name, MATCHED_BY[key[0]]))
    preview.staying = [m.name for m in known.values() if m.id not in found]
    ours_days = set(session.execute(select(Meeting.held_on, Meeting.meeting_type).where(Meeting.branch_id == keep_id)))
    theirs = list(session.execute(select(Meeting.held_on, Meeting.meeting_type).where(Meeting.branch_id == other_id)))
    preview.meetings = len(theirs)
    preview.same_day_meetings = sum(1 for row in theirs if tuple(row) in ours_days)
    return preview


def join_branches(session: Session, keep_id: int, other_id: int) -> JoinSummary:
    """Move branch ``other_id`` into ``keep_id`` (see the module docstring)."""
    keep, other = _pair(session, keep_id, other_id)
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
