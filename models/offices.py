"""任职记录 and 党小组 history: a member's branch offices, committee seats and party-group
membership as dated terms (SPEC §2), the services that start and end them (任职、免职、换届、
调整党小组), and the "as of a date" questions every rule asks of them.

A term is in force on day ``d`` when ``start_on`` is None ("since before the records") or
``start_on <= d``, and ``end_on`` is None or ``d < end_on``: ``end_on`` is the first day the
member no longer holds it, so a 换届 on one date ends the old terms and starts the new ones on that
same date without overlap. ``Member.branch_role`` / ``is_committee`` / ``group_id`` are a cache of
the terms in force today, kept by :func:`refresh_cache` after every change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit, roll_rules
from models.entities import GroupMembership, Member, OfficeTerm, PartyGroup
from models.enums import AuditAction, BranchRole
from models.errors import ValidationError
from models.validation import format_date, table_date

#: Offices shown first when a member holds several at once (a 书记 who is also 组织委员).
OFFICE_ORDER = tuple(BranchRole)


in_force = roll_rules.in_force


def office_terms_of(member: Any) -> Iterable[Any]:
    return member.office_terms  # type: ignore[no-any-return]


def group_terms_of(member: Any) -> Iterable[Any]:
    return member.group_memberships  # type: ignore[no-any-return]


_terms, _memberships = office_terms_of, group_terms_of


def offices_on(member: Any, on: date) -> list[BranchRole]:
    """The offices ``member`` holds on ``on`` (other_committee for a 支委委员 without a named office)."""
    held = {BranchRole(t.office) for t in _terms(member) if t.office != BranchRole.NONE and in_force(t, on)}
    return [r for r in OFFICE_ORDER if r in held]


def office_on(member: Any, on: date) -> BranchRole:
    """The member's main office on ``on``: a named office before 其他委员, NONE when none."""
    held = offices_on(member, on)
    named = [r for r in held if r != BranchRole.OTHER_COMMITTEE]
    return named[0] if named else (held[0] if held else BranchRole.NONE)


on_committee = roll_rules.on_committee


def is_secretary_on(member: Any, on: date) -> bool:
    return any(t.office == BranchRole.SECRETARY and in_force(t, on) for t in _terms(member))


group_on = roll_rules.group_on


# --- the cache of today ------------------------------------------------------------------------


def refresh_cache(member: Member, today: date | None = None) -> None:
    """Set Member.branch_role / is_committee / group_id from the terms in force today."""
    today = today or date.today()
    member.branch_role = str(office_on(member, today))
    member.is_committee = on_committee(member, today)
    member.group_id = group_on(member, today)


def wanted_office(branch_role: BranchRole, is_committee: bool) -> BranchRole:
    """The office a roster entry (role + 支委 tick) asks for."""
    if branch_role != BranchRole.NONE:
        return branch_role
    return BranchRole.OTHER_COMMITTEE if is_committee else BranchRole.NONE


def _close(session: Session, member: Member, term: Any, on: date) -> None:
    """End a term on ``on``; a term that would end before it began is removed instead."""
    if term.start_on is not None and term.start_on >= on:
        collection = member.office_terms if isinstance(term, OfficeTerm) else member.group_memberships
        collection.remove(term)
        session.delete(term)
    else:
        term.end_on = on


def set_office_from_roster(session: Session, member: Member, office: BranchRole, on: date | None) -> bool:
    """Make ``office`` the member's one office from ``on`` (None: since before the records, for a
    new member). Terms in force then that differ are ended on that date. True when anything changed."""
    day = on or date.min
    current = [t for t in member.office_terms if in_force(t, day)]
    if [t.office for t in current] == ([str(office)] if office != BranchRole.NONE else []):
        return False
    for term in current:
        if on is None:
            member.office_terms.remove(term)
            session.delete(term)
        else:
            _close(session, member, term, on)
    if office != BranchRole.NONE:
        member.office_terms.append(OfficeTerm(office=str(office), start_on=on, end_on=None))
    return True


def set_group_from_roster(session: Session, member: Member, group_id: int | None, on: date | None) -> bool:
    day = on or date.min
    current = [g for g in member.group_memberships if in_force(g, day)]
    if [g.group_id for g in current] == ([group_id] if group_id is not None else []):
        return False
    for entry in current:
        if on is None:
            member.group_memberships.remove(entry)
            session.delete(entry)
        else:
            _close(session, member, entry, on)
    if group_id is not None:
        member.group_memberships.append(GroupMembership(group_id=group_id, start_on=on, end_on=None))
    return True


# --- services -----------------------------------------------------------------------------------


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise ValidationError("找不到该党员，可能已被删除。请刷新后重试。", field="member_id")
    return member


def _check_span(start_on: date | None, end_on: date | None) -> None:
    if start_on is not None and end_on is not None and end_on <= start_on:
        raise ValidationError("免职（结束）日期应晚于任职（开始）日期，请检查日期。", field="end_on")


def _overlaps(a_start: date | None, a_end: date | None, b_start: date | None, b_end: date | None) -> bool:
    lo_a, lo_b = a_start or date.min, b_start or date.min
    hi_a, hi_b = a_end or date.max, b_end or date.max
    return lo_a < hi_b and lo_b < hi_a


def start_term(
    session: Session, member_id: int, office: BranchRole, start_on: date | None,
    end_on: date | None = None, note: str = "", *, today: date | None = None,
) -> int:
    """任职: record that the member holds ``office`` from ``start_on`` (None: since before the
    records) to ``end_on`` (None: still in office). Overlapping the same office is refused."""
    member = _member(session, member_id)
    office = BranchRole(office)
    if office == BranchRole.NONE:
        raise ValidationError("请选择所任职务（书记、副书记、委员等）。", field="office")
    _check_span(start_on, end_on)
    for t in member.office_terms:
        if t.office == office and _overlaps(t.start_on, t.end_on, start_on, end_on):
            raise ValidationError(
                f"“{member.name}”在这段时间已有{office.label}任职记录，请修改原记录或调整日期。", field="start_on")
    term = OfficeTerm(office=str(office), start_on=start_on, end_on=end_on, note=note.strip())
    member.office_terms.append(term)
    refresh_cache(member, today)
    session.flush()
    since = format_date(start_on) if start_on else "建账前"
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"党员“{member.name}”自{since}起任{office.label}", branch_id=member.branch_id)
    return term.id


def end_term(session: Session, term_id: int, end_on: date, *, today: date | None = None) -> None:
    """免职: the term ends on ``end_on`` (from that day on the member no longer holds the office)."""
    term = session.get(OfficeTerm, term_id)
    if term is None:
        raise ValidationError("找不到该任职记录，请刷新后重试。", field="term_id")
    _check_span(term.start_on, end_on)
    member = _member(session, term.member_id)
    term.end_on = end_on
    refresh_cache(member, today)
    session.flush()
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"党员“{member.name}”自{format_date(end_on)}起不再任{BranchRole(term.office).label}",
                 branch_id=member.branch_id)


def delete_term(session: Session, term_id: int, *, today: date | None = None) -> None:
    """Remove a term entered by mistake."""
    term = session.get(OfficeTerm, term_id)
    if term is None:
        raise ValidationError("找不到该任职记录，请刷新后重试。", field="term_id")
    member = _member(session, term.member_id)
    member.office_terms.remove(term)
    session.delete(term)
    refresh_cache(member, today)
    session.flush()
    audit.record(session, AuditAction.DELETE, "member", entity_uuid=member.uuid,
                 summary=f"删除党员“{member.name}”的{BranchRole(term.office).label}任职记录",
                 branch_id=member.branch_id)


def change_committee(
    session: Session, branch_id: int, on: date, seats: Mapping[int, BranchRole], *, today: date | None = None,
) -> None:
    """换届: on ``on`` every committee term of the branch in force ends and the new committee
    (member id → office; 其他委员 for a 委员 without a named office) starts, in one step."""
    if not seats:
        raise ValidationError("换届后的支部委员会至少要有一名委员，请选择新一届支委。", field="seats")
    secretaries = [m for m, office in seats.items() if BranchRole(office) == BranchRole.SECRETARY]
    if len(secretaries) > 1:
        raise ValidationError("新一届支委中只能有一名书记，请修改。", field="seats")
    members = {m.id: m for m in session.scalars(select(Member).where(Member.branch_id == branch_id))}
    for member_id, office in seats.items():
        if member_id not in members:
            raise ValidationError("新一届支委中有不属于本支部的人员，请刷新后重试。", field="seats")
        if BranchRole(office) == BranchRole.NONE:
            raise ValidationError(f"请为“{members[member_id].name}”选择职务。", field="seats")
    for member in members.values():
        for term in list(member.office_terms):
            if term.office != BranchRole.NONE and in_force(term, on):
                _close(session, member, term, on)
    for member_id, office in seats.items():
        members[member_id].office_terms.append(OfficeTerm(office=str(BranchRole(office)), start_on=on, note="换届"))
    for member in members.values():
        refresh_cache(member, today)
    session.flush()
    names = "、".join(f"{members[m].name}（{BranchRole(o).label}）" for m, o in seats.items())
    audit.record(session, AuditAction.UPDATE, "branch", summary=f"{format_date(on)}支部委员会换届：{names}",
                 branch_id=branch_id)


def move_to_group(
    session: Session, member_id: int, group_id: int | None, on: date, *, today: date | None = None,
) -> None:
    """转入党小组: from ``on`` the member belongs to ``group_id`` (None: leaves every group)."""
    member = _member(session, member_id)
    if group_id is not None:
        group = session.get(PartyGroup, group_id)
        if group is None or group.branch_id != member.branch_id:
            raise ValidationError("所选党小组不存在，请重新选择。", field="group_id")
    later = [g for g in member.group_memberships if g.start_on is not None and g.start_on > on]
    if later:
        raise ValidationError(
            f"“{member.name}”在{format_date(later[0].start_on)}还有一次党小组调整，请先删除或修改那一条。",
            field="start_on")
    if not set_group_from_roster(session, member, group_id, on):
        raise ValidationError(f"“{member.name}”在该日期已在这个党小组。", field="group_id")
    refresh_cache(member, today)
    session.flush()
    where = session.get_one(PartyGroup, group_id).name if group_id is not None else "不属于任何党小组"
    audit.record(session, AuditAction.UPDATE, "member", entity_uuid=member.uuid,
                 summary=f"党员“{member.name}”自{format_date(on)}起{'转入' if group_id else ''}{where}",
                 branch_id=member.branch_id)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRow:
    """One line of a member's 任职记录 or 党小组 history (``what`` is the office or group name)."""

    id: int
    kind: str  # "office" | "group"
    what: str
    start_on: date | None
    end_on: date | None
    note: str = ""

    @property
    def span_text(self) -> str:
        since = table_date(self.start_on) if self.start_on else "建账前"
        until = f"至{table_date(self.end_on)}" if self.end_on else "至今"
        return f"{since}{until}"


def term_rows(member: Member, group_names: Mapping[int, str]) -> list[TermRow]:
    """The member's offices and group memberships, oldest first."""
    rows = [TermRow(t.id, "office", BranchRole(t.office).label, t.start_on, t.end_on, t.note)
            for t in member.office_terms]
    rows += [TermRow(g.id, "group", group_names.get(g.group_id, ""), g.start_on, g.end_on)
             for g in member.group_memberships]
    return sorted(rows, key=lambda r: (r.start_on or date.min, r.kind, r.id))
