"""Members, groups, status history and who is expected (应到) on a date."""

from __future__ import annotations

from datetime import date

import pytest

from models.db import Database
from models.enums import (
    BranchRole,
    Gender,
    MeetingType,
    MemberCategory,
    MembershipState,
)
from models.errors import ValidationError
from models.roster import (
    MemberInput,
    add_exemption,
    add_status,
    create_group,
    create_member,
    expected_attendees,
    get_member,
    list_members,
)
from tests.models.factories import member

BOTH_ENGINES = True  # every test here runs on SQLite and on PostgreSQL (tests/conftest.py)


def _names(rows: list) -> set[str]:  # type: ignore[type-arg]
    return {r.name for r in rows}


def test_expected_follows_status_history(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        g1 = create_group(s, branch_id, "第一党小组")
        g2 = create_group(s, branch_id, "第二党小组")
        member(s, branch_id, "张书记", group_id=g1, role=BranchRole.SECRETARY)
        moved = member(s, branch_id, "李转出", group_id=g1)
        add_status(s, moved, MembershipState.TRANSFERRED_OUT, date(2026, 6, 15), "调往外地")
        member(s, branch_id, "王预备", joined=date(2025, 9, 1), full_on=date(2026, 9, 1), group_id=g2)
        old = member(s, branch_id, "赵老", group_id=g2)
        add_exemption(s, old, date(2026, 1, 1), None, "年老体弱")
        member(s, branch_id, "钱新", joined=date(2026, 5, 1), full_on=None,
               category=MemberCategory.PROBATIONARY, group_id=g2)

    with db.reading() as s:
        march = expected_attendees(s, branch_id, MeetingType.GENERAL_ASSEMBLY, date(2026, 3, 10))
        july = expected_attendees(s, branch_id, MeetingType.GENERAL_ASSEMBLY, date(2026, 7, 10))
        committee = expected_attendees(s, branch_id, MeetingType.COMMITTEE, date(2026, 7, 10))
        group2 = expected_attendees(s, branch_id, MeetingType.GROUP, date(2026, 7, 10), g2)
        last_year = expected_attendees(s, branch_id, MeetingType.THEME_DAY, date(2025, 12, 1))
    assert _names(march) == {"张书记", "李转出", "王预备"}
    assert _names(july) == {"张书记", "王预备", "钱新"}  # transferred out, exempt not expected
    assert _names(committee) == {"张书记"}
    assert _names(group2) == {"王预备", "钱新"}
    assert _names(last_year) == {"张书记", "李转出", "王预备", "赵老"}
    # 预备 turns 正式 on the 转正 date, and only then may vote.
    by_name = {r.name: r for r in march}
    assert by_name["王预备"].category == MemberCategory.PROBATIONARY and not by_name["王预备"].can_vote
    by_name = {r.name: r for r in expected_attendees(s, branch_id, MeetingType.GENERAL_ASSEMBLY, date(2026, 9, 2))}
    assert by_name["王预备"].category == MemberCategory.FULL and by_name["王预备"].can_vote


def test_probation_stays_on_roll_without_vote(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        mid = member(s, branch_id, "孙察看")
        add_status(s, mid, MembershipState.PROBATION, date(2026, 2, 1), "留党察看一年")
    with db.reading() as s:
        rows = expected_attendees(s, branch_id, MeetingType.GENERAL_ASSEMBLY, date(2026, 3, 1))
        assert [r.name for r in rows] == ["孙察看"] and not rows[0].can_vote
        detail = get_member(s, mid)
    assert [st.state for st in detail.statuses] == [MembershipState.ACTIVE, MembershipState.PROBATION]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"name": "  "}, "name", "姓名不能为空"),
        ({"joined_on": None}, "joined_on", "入党时间"),
        ({"joined_on": date(2099, 1, 1)}, "joined_on", "不能晚于今天"),
        ({"birth_date": date(2015, 1, 1)}, "birth_date", "出生日期"),
        ({"full_member_on": date(2009, 1, 1)}, "full_member_on", "转正时间"),
        ({"id_number": "11010119800101001"}, "id_number", "18 位"),
        ({"id_number": "110101198001010011"}, "id_number", "校验位"),
        ({"phone": "abc"}, "phone", "联系电话"),
    ],
)
def test_member_validation_names_field_and_writes_nothing(
    db: Database, branch_id: int, change: dict, field: str, words: str  # type: ignore[type-arg]
) -> None:
    data = MemberInput(name="周同志", gender=Gender.FEMALE,
                       joined_on=date(2010, 1, 1), birth_date=date(1985, 1, 1), full_member_on=date(2011, 1, 1))
    for key, value in change.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError) as err, db.transaction() as s:
        create_member(s, branch_id, data)
    assert err.value.field == field and words in err.value.message
    with db.reading() as s:
        assert list_members(s, branch_id) == []


def test_valid_id_number_accepted(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        mid = create_member(s, branch_id, MemberInput(
            name="吴同志", gender=Gender.MALE, joined_on=date(2010, 1, 1), id_number="11010519491231002x"))
    with db.reading() as s:
        assert get_member(s, mid).row.id_number == "11010519491231002X"


def test_duplicate_group_name_refused(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        create_group(s, branch_id, "第一党小组")
    with pytest.raises(ValidationError, match="已有名为"), db.transaction() as s:
        create_group(s, branch_id, " 第一党小组 ")
