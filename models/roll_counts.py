"""应到 for many meetings at once, from the dated roll (SPEC §3), for lists and ledgers.

The meetings list, the annual ledger and the monthly compilation show 应到 for hundreds or
thousands of meetings. Asking :func:`models.quorum.meeting_outcome` per row would read the roll
per row; instead the branch's dated roll tables (党籍状态, 免于参加组织生活, 任职记录, 党小组
history) are read in ONE query, each member's 应到-ness is decided only on the days their own
history changes (with the same roster/offices rules that ``models.quorum`` uses, so the numbers
agree), and one sweep over the meetings in date order turns those changes into counts: 全体,
支委, each 党小组. A page of 200 meetings or ten years of them cost the same one query plus a
sort.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Date,
    Integer,
    String,
    cast,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from models import roll_rules
from models.entities import (
    GroupMembership,
    Member,
    MemberExemption,
    MemberStatus,
    OfficeTerm,
)
from models.roll_rules import MeetingKey, RollEntry


def _roll_query(branch_id: int):  # type: ignore[no-untyped-def]
    """One UNION ALL over the four dated roll tables: (kind, member, text, number, from, to)."""
    in_branch = select(Member.id).where(Member.branch_id == branch_id).scalar_subquery()
    # typed NULLs (CAST): PostgreSQL resolves a UNION's column types branch by branch
    no_text, no_number, no_date = cast(null(), String), cast(null(), Integer), cast(null(), Date)
    return union_all(
        select(literal("e"), MemberExemption.member_id, no_text, no_number, MemberExemption.start_on,
               MemberExemption.end_on).where(MemberExemption.member_id.in_(in_branch)),
        select(literal("s"), MemberStatus.member_id, MemberStatus.state, no_number, MemberStatus.effective_on,
               no_date).where(MemberStatus.member_id.in_(in_branch)),
        select(literal("o"), OfficeTerm.member_id, OfficeTerm.office, no_number, OfficeTerm.start_on,
               OfficeTerm.end_on).where(OfficeTerm.member_id.in_(in_branch)),
        select(literal("g"), GroupMembership.member_id, no_text, GroupMembership.group_id, GroupMembership.start_on,
               GroupMembership.end_on).where(GroupMembership.member_id.in_(in_branch)),
    )


def load_roll(session: Session, branch_id: int) -> list[RollEntry]:
    return roll_rules.roll_entries(session.execute(_roll_query(branch_id)))  # type: ignore[arg-type]


def expected_counts(session: Session, branch_id: int, meetings: Sequence[MeetingKey]) -> dict[int, int]:
    """Meeting id → 应到 from the dated roll as of its date (the number models.quorum gives)."""
    if not meetings:
        return {}
    return roll_rules.expected_counts(load_roll(session, branch_id), meetings)
