"""Small builders for hand-made test data, through the real services."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models.enums import BranchRole, Gender, MemberCategory
from models.roster import MemberInput, create_member


def member(
    session: Session,
    branch_id: int,
    name: str,
    *,
    joined: date = date(2010, 7, 1),
    full_on: date | None = date(2011, 7, 1),
    category: MemberCategory = MemberCategory.FULL,
    group_id: int | None = None,
    role: BranchRole = BranchRole.NONE,
    committee: bool = False,
) -> int:
    return create_member(
        session,
        branch_id,
        MemberInput(
            name=name, gender=Gender.MALE, joined_on=joined, category=category,
            birth_date=date(1980, 1, 1), full_member_on=full_on, group_id=group_id,
            branch_role=role, is_committee=committee,
        ),
    )
