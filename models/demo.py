"""`demo`: fill an empty database with a realistic sample branch (deterministic per seed).

Members, groups and the committee are created through the roster services; the years of
meetings, attendance and notes are written with set-based inserts so that ten years for a
hundred members take seconds, not minutes. Deliberate gaps give the compliance view
something to show: one quarter a year without 支部党员大会, and one member drifting into a
long absence over the last seven months. Half-way through, the committee changes (换届): the
old 书记 steps down, the 组织委员 becomes 书记 and a new 组织委员 joins — recorded as dated
terms, so the earlier years keep their own committee, quorums and 书记讲党课.
"""

from __future__ import annotations

import random
import uuid as uuid_mod
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from models import audit
from models import demo_data as words
from models.db import Database
from models.entities import (
    ActionItem,
    AgendaItem,
    Attendance,
    Branch,
    GroupMembership,
    Guest,
    Meeting,
    Member,
    MemberExemption,
    MemberStatus,
    OfficeTerm,
    PartyGroup,
    StudyNote,
)
from models.enums import (
    ActionStatus,
    AttendanceStatus,
    AuditAction,
    BranchRole,
    Gender,
    LeaveReason,
    MeetingStatus,
    MeetingType,
    MemberCategory,
    MembershipState,
)
from models.errors import BranchBookError
from models.meetings import canonical_content, hash_content
from models.server import advance_sequences
from models.validation import id_number_problem

LARGE_BRANCH = 60  # members from which groups meet three times a month and study is weekly
COMMITTEE_ROLES = (
    BranchRole.SECRETARY, BranchRole.ORGANIZATION, BranchRole.PROPAGANDA,
    BranchRole.DISCIPLINE, BranchRole.YOUTH,
)


@dataclass
class DemoSummary:
    branch: str
    members: int
    groups: int
    meetings: int
    attendance: int
    notes: int
    first_day: date
    last_day: date

    def describe(self) -> str:
        return (
            f"已生成演示党支部“{self.branch}”：党员 {self.members} 名，党小组 {self.groups} 个，"
            f"会议 {self.meetings} 次，出席记录 {self.attendance} 条，学习笔记 {self.notes} 篇"
            f"（{self.first_day.year}年{self.first_day.month}月至{self.last_day.year}年{self.last_day.month}月）。"
        )


@dataclass
class _Person:
    id: int
    uuid: str
    name: str
    group_id: int
    joined_on: date
    full_on: date | None
    committee: bool  # on today's committee
    on_roll_until: date | None = None  # day of 转出
    exempt_from: date | None = None
    drift_from: date | None = None
    committee_from: date | None = None  # joined the committee at the 换届
    committee_until: date | None = None  # left the committee at the 换届

    def on_committee(self, on: date) -> bool:
        if self.committee_until is not None:
            return on < self.committee_until
        return self.committee and (self.committee_from is None or on >= self.committee_from)


@dataclass
class _Builder:
    rng: random.Random
    today: date
    stamp: datetime
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=dict)

    def uuid(self) -> str:
        return str(uuid_mod.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, table: str, **values: Any) -> int:
        new_id = self.next_id.get(table, 0) + 1
        self.next_id[table] = new_id
        when = values.pop("_at", self.stamp)
        self.rows.setdefault(table, []).append(
            {"id": new_id, "uuid": self.uuid(), "created_at": when, "updated_at": when, **values}
        )
        return new_id


def _id_number(rng: random.Random, birth: date, female: bool) -> str:
    seq = rng.randrange(0, 50) * 2 + (0 if female else 1)
    body = f"{rng.choice(words.REGION_CODES)}{birth:%Y%m%d}{rng.randrange(10):01d}{seq:02d}"
    for check in "0123456789X":
        if id_number_problem(body + check) is None:
            return body + check
    raise AssertionError("unreachable")


def _name(rng: random.Random, female: bool, used: set[str]) -> str:
    while True:
        given = rng.choice(words.GIVEN_FEMALE if female else words.GIVEN_MALE)
        name = rng.choice(words.SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def _month_days(year: int, month: int) -> int:
    return ((date(year + month // 12, month % 12 + 1, 1)) - date(year, month, 1)).days


def generate_demo(
    db: Database, *, years: int = 2, members: int = 30, seed: int = 1, today: date | None = None
) -> DemoSummary:
    """Write the sample branch into ``db``, which must not hold records yet."""
    if years > 30 or members > 2000 or members < 10:
        raise BranchBookError("演示数据的规模不合理：年数请在 1–30 之间，党员人数请在 10–2000 之间。")
    today = today or date.today()
    with db.transaction() as session:
        if session.scalar(select(func.count()).select_from(Branch)):
            raise BranchBookError("该数据库中已有记录。演示数据只能写入新的空数据库，请换一个文件名。")
        summary = _generate(session, years=years, size=members, seed=seed, today=today)
    return summary


def _generate(session: Session, *, years: int, size: int, seed: int, today: date) -> DemoSummary:
    rng = random.Random(seed)
    first = date(today.year - years + 1, 1, 1)
    middle = first + (today - first) / 2
    handover = date(middle.year, middle.month, 1)  # 换届
    b = _Builder(rng, today, datetime.combine(first, time(9)))
    unit, superior = rng.choice(words.UNITS)
    branch_id = b.add("branch", name=unit, superior_org=superior, founded_on=date(1998, 7, 1),
                      records_since=first)  # 建账日期: the sample's records start with its first month
    n_groups = max(3, round(size / 10))
    group_ids = [b.add("party_group", branch_id=branch_id, name=f"第{words.GROUP_NUMERALS[i % 10]}党小组"
                       + ("" if i < 10 else str(i // 10 + 1)), leader_id=None, sort_order=i + 1)
                 for i in range(n_groups)]
    people = _members(b, branch_id, group_ids, size, first, handover)
    for gid in group_ids:  # leader: the longest-serving member of the group
        leader = min((p for p in people if p.group_id == gid and not p.committee), key=lambda p: p.joined_on)
        b.rows["party_group"][gid - 1]["leader_id"] = leader.id
    counts = _meetings(b, branch_id, people, group_ids, first, size, handover)
    notes = _notes(b, branch_id, people, first)
    # Insert parents before children; the group→leader link is set once members exist.
    order = ("branch", "party_group", "member", "member_status", "member_exemption", "office_term",
             "group_membership", "meeting", "attendance", "agenda_item", "guest", "action_item", "study_note")
    tables: dict[str, Any] = {
        "branch": Branch, "party_group": PartyGroup, "member": Member, "member_status": MemberStatus,
        "office_term": OfficeTerm, "group_membership": GroupMembership,
        "member_exemption": MemberExemption, "meeting": Meeting, "attendance": Attendance,
        "agenda_item": AgendaItem, "guest": Guest, "action_item": ActionItem, "study_note": StudyNote,
    }
    leaders = {r["id"]: r.pop("leader_id") for r in b.rows["party_group"]}
    for name in order:
        rows = b.rows.get(name, [])
        for start in range(0, len(rows), 5000):
            session.execute(insert(tables[name].__table__), rows[start:start + 5000])
    advance_sequences(session.connection(), list(order))
    for gid, leader_id in leaders.items():
        session.execute(update(PartyGroup).where(PartyGroup.id == gid)
                        .values(leader_id=leader_id, updated_at=b.stamp))
    audit.record(session, AuditAction.IMPORT, "branch", entity_uuid=b.rows["branch"][0]["uuid"],
                 summary=f"生成演示数据（种子 {seed}）", branch_id=branch_id,
                 at=datetime.combine(today, time(0)))
    return DemoSummary(unit, len(people), n_groups, counts[0], counts[1], notes, first, today)


def _members(
    b: _Builder, branch_id: int, group_ids: list[int], size: int, first: date, handover: date,
) -> list[_Person]:
    rng, today = b.rng, b.today
    used: set[str] = set()
    people: list[_Person] = []
    n_probationary = max(2, size // 10)
    for i in range(size):
        female = rng.random() < 0.4
        committee = i < len(COMMITTEE_ROLES)
        probationary = size - n_probationary <= i
        if probationary:  # joined within the last eleven months: still 预备
            joined = today - timedelta(days=rng.randrange(30, 330))
            birth = joined - timedelta(days=365 * rng.randrange(22, 35) + rng.randrange(365))
            full_on = None
        else:
            birth = date(rng.randrange(1956, 1999), rng.randrange(1, 13), rng.randrange(1, 29))
            joined = birth + timedelta(days=365 * rng.randrange(19, 30) + rng.randrange(365))
            joined = min(joined, today - timedelta(days=400))
            full_on = joined + timedelta(days=365)
        name = _name(rng, female, used)
        person = _Person(0, "", name, group_ids[i % len(group_ids)], joined, full_on, committee)
        person.id = b.add(
            "member", branch_id=branch_id, group_id=person.group_id, name=name,
            gender=str(Gender.FEMALE if female else Gender.MALE), birth_date=birth,
            ethnicity=rng.choice(words.ETHNICITIES),
            phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            id_number=_id_number(rng, birth, female), joined_on=joined, full_member_on=full_on,
            category=str(MemberCategory.PROBATIONARY if probationary else MemberCategory.FULL),
            branch_role=str(COMMITTEE_ROLES[i] if committee else BranchRole.NONE),
            is_committee=committee, note="",
        )
        person.uuid = b.rows["member"][-1]["uuid"]
        b.add("member_status", member_id=person.id, state=str(MembershipState.ACTIVE), effective_on=joined, note="")
        b.add("group_membership", member_id=person.id, group_id=person.group_id, start_on=None, end_on=None)
        people.append(person)
    _handover(b, people, handover)
    ordinary = [p for p in people if not p.committee and p.committee_until is None and p.full_on is not None]
    for p in ordinary[: max(2, size // 20)]:  # a few transfers out during the period, after joining
        earliest = max(first, p.joined_on + timedelta(days=180)) + timedelta(days=60)
        p.on_roll_until = earliest + timedelta(days=rng.randrange(0, max(1, (today - earliest).days - 60)))
        b.add("member_status", member_id=p.id, state=str(MembershipState.TRANSFERRED_OUT),
              effective_on=p.on_roll_until, note="工作调动，组织关系转出")
    elderly = ordinary[-1]
    elderly.exempt_from = first + timedelta(days=rng.randrange(0, 120))
    b.add("member_exemption", member_id=elderly.id, start_on=elderly.exempt_from, end_on=None, reason="年老体弱")
    drifter = ordinary[-2]
    drifter.drift_from = date(today.year, today.month, 1) - timedelta(days=213)  # about seven months
    return people


def _handover(b: _Builder, people: list[_Person], on: date) -> None:
    """任职记录 with a 换届 on ``on``: before it the 6th member was 书记 and today's 书记 the
    组织委员; from it today's committee (COMMITTEE_ROLES) serves."""
    old_secretary, secretary, organiser = people[len(COMMITTEE_ROLES)], people[0], people[1]
    old_secretary.committee_until, organiser.committee_from = on, on

    def term(p: _Person, office: BranchRole, start: date | None, end: date | None) -> None:
        b.add("office_term", member_id=p.id, office=str(office), start_on=start, end_on=end,
              note="换届" if start == on else "")

    term(old_secretary, BranchRole.SECRETARY, None, on)
    term(secretary, BranchRole.ORGANIZATION, None, on)
    term(secretary, BranchRole.SECRETARY, on, None)
    term(organiser, BranchRole.ORGANIZATION, on, None)
    for p, role in zip(people[2:], COMMITTEE_ROLES[2:], strict=False):
        term(p, role, None, None)


def _expected(p: _Person, kind: MeetingType, on: date, group_id: int | None) -> bool:
    if on < p.joined_on or (p.on_roll_until and on >= p.on_roll_until):
        return False
    if p.exempt_from and on >= p.exempt_from:
        return False
    if kind == MeetingType.COMMITTEE:
        return p.on_committee(on)
    if kind == MeetingType.GROUP:
        return p.group_id == group_id
    return True


def _meetings(b: _Builder, branch_id: int, people: list[_Person], group_ids: list[int], first: date,
              size: int, handover: date) -> tuple[int, int]:
    rng, today = b.rng, b.today
    secretaries = (people[len(COMMITTEE_ROLES)], people[0])  # before and from the 换届
    recorder = people[1].name
    large = size >= LARGE_BRANCH
    gaps = {y: rng.randrange(1, 5) for y in range(first.year, today.year + 1)}
    if today.month <= 3:  # no quarter of this year is over yet: no gap this year
        gaps.pop(today.year, None)
    elif gaps.get(today.year, 0) > (today.month - 1) // 3:
        gaps[today.year] = rng.randrange(1, (today.month - 1) // 3 + 1)
    meetings = attendance = 0
    month_first = first
    # Up to the end of next month: what lies ahead is already planned (计划).
    horizon = date(today.year + (today.month + 1) // 12, (today.month + 1) % 12 + 1, 1)
    while month_first < horizon:
        y, m = month_first.year, month_first.month
        days = _month_days(y, m)
        plan: list[tuple[MeetingType, int, int | None, str]] = []
        for _ in range(2 if large else 1):
            plan.append((MeetingType.COMMITTEE, rng.randrange(2, 12 if large else 8), None,
                         rng.choice(words.COMMITTEE_TOPICS)))
        for gid in group_ids:
            for k in range(3 if large else 1):
                plan.append((MeetingType.GROUP, rng.randrange(8 + 6 * k, 14 + 6 * k), gid,
                             rng.choice(words.STUDY_TOPICS)))
        plan.append((MeetingType.THEME_DAY, rng.randrange(20, 27), None, rng.choice(words.THEME_DAY_TOPICS)))
        if m % 3 == 2 and gaps.get(y) != (m + 1) // 3:
            plan.append((MeetingType.GENERAL_ASSEMBLY, rng.randrange(14, 20), None, rng.choice(words.ASSEMBLY_TOPICS)))
        if m % 3 == 0:
            plan.append((MeetingType.PARTY_LECTURE, rng.randrange(10, 16), None, ""))
        if m == 12:
            plan.append((MeetingType.LIFE_MEETING, 18, None, f"{y}年度组织生活会"))
            plan.append((MeetingType.APPRAISAL, 19, None, f"{y}年度民主评议党员"))
        if large:
            plan += [(MeetingType.OTHER, d, None, rng.choice(words.OTHER_TOPICS)) for d in (2, 6, 9, 13, 16, 20, 23, 27)]
        elif m % 3 == 1:
            plan.append((MeetingType.OTHER, rng.randrange(5, 25), None, rng.choice(words.OTHER_TOPICS)))
        for kind, day, group, topic in sorted(plan, key=lambda t: t[1]):
            held = date(y, m, min(day, days))
            meetings += 1
            secretary = secretaries[held >= handover]
            attendance += _meeting(b, branch_id, people, kind, held, group, topic, secretary, recorder)
        month_first = date(y + m // 12, m % 12 + 1, 1)
    return meetings, attendance


def _meeting(b: _Builder, branch_id: int, people: list[_Person], kind: MeetingType, held: date,
             gid: int | None, topic: str, secretary: _Person, recorder: str) -> int:
    rng, today = b.rng, b.today
    planned = held > today
    status = MeetingStatus.PLANNED if planned else (
        MeetingStatus.DRAFT if (held.year, held.month) == (today.year, today.month) else MeetingStatus.FINAL)
    group_name = f"第{words.GROUP_NUMERALS[(gid - 1) % 10]}党小组" if gid else ""
    host = secretary.name
    if kind == MeetingType.GROUP:
        leader = min((p for p in people if p.group_id == gid and not p.committee), key=lambda p: p.joined_on)
        host = leader.name
    lecturer = lecture_topic = ""
    lecturer_id: int | None = None
    if kind == MeetingType.PARTY_LECTURE:
        lecturer = secretary.name if held.month == 6 else rng.choice([p.name for p in people[1:5]] + ["上级党委宣讲员"])
        # the 授课人 is linked to the member when on the roll that day (the 宣讲员 comes from outside)
        lecturer_id = next((p.id for p in [secretary, *people] if p.name == lecturer and held >= p.joined_on
                            and not (p.on_roll_until and held >= p.on_roll_until)), None)
        lecture_topic = rng.choice(words.LECTURE_TOPICS)
        topic = f"党课：{lecture_topic}"
    title = f"{group_name}{topic}" if kind == MeetingType.GROUP else topic
    start = time(rng.choice((9, 14, 15)), rng.choice((0, 30)))
    end = time(start.hour + rng.choice((1, 2)), start.minute)
    minutes = "" if planned else "".join(
        s.format(topic=topic, host=host) for s in rng.sample(words.SENTENCES, rng.randrange(4, 8)))
    fields = {
        "title": title, "held_on": held, "start_time": start, "end_time": end,
        "location": rng.choice(words.THEME_DAY_PLACES if kind == MeetingType.THEME_DAY else words.LOCATIONS),
        "host": host, "recorder": recorder if not planned else "", "theme": topic, "lecturer": lecturer,
        "lecture_topic": lecture_topic, "minutes": minutes,
        "study_material": "" if planned else f"《{rng.choice(words.STUDY_TOPICS)}》学习材料",
    }
    stamp = datetime.combine(held, end)
    mid = b.add("meeting", branch_id=branch_id, meeting_type=str(kind), status=str(status),
                group_id=gid, is_election=False, finalized_at=None, content_hash="", _at=stamp,
                lecturer_member_id=lecturer_id, **fields)
    meeting_row = b.rows["meeting"][-1]
    if planned:
        return 0
    marks: list[tuple[_Person, AttendanceStatus, LeaveReason | None]] = []
    for p in people:
        if not _expected(p, kind, held, gid):
            continue
        reason: LeaveReason | None = None
        roll = rng.random()
        if p.drift_from and held >= p.drift_from:
            state = AttendanceStatus.ABSENT
        elif roll < 0.90:
            state = AttendanceStatus.PRESENT
        elif roll < 0.985:
            state, reason = AttendanceStatus.LEAVE, rng.choice(
                (LeaveReason.SICK, LeaveReason.PERSONAL, LeaveReason.OFFICIAL, LeaveReason.PERSONAL))
        else:
            state = AttendanceStatus.ABSENT
        marks.append((p, state, reason))
    # Quorum rules apply to these two; the demo keeps them quorate (its gaps are deliberate ones).
    quorum_kinds = (MeetingType.COMMITTEE, MeetingType.GENERAL_ASSEMBLY)
    def entitled(p: _Person) -> bool:  # 党员大会: members with a vote; 支委会: every committee member
        return kind == MeetingType.COMMITTEE or (p.full_on is not None and held >= p.full_on)

    while kind in quorum_kinds and 2 * sum(st == AttendanceStatus.PRESENT and entitled(p) for p, st, _ in marks) <= sum(
            entitled(p) for p, _, _ in marks):
        absent = [i for i, (p, st, _) in enumerate(marks)
                  if st != AttendanceStatus.PRESENT and not p.drift_from and entitled(p)]
        if not absent:
            break
        marks[absent[0]] = (marks[absent[0]][0], AttendanceStatus.PRESENT, None)
    att_rows: list[list[Any]] = []
    present_voting = 0
    for p, state, reason in marks:
        note = {LeaveReason.SICK: "身体不适", LeaveReason.PERSONAL: "家中有事",
                LeaveReason.OFFICIAL: "外出公差", LeaveReason.OTHER: ""}.get(reason, "") if reason else ""
        b.add("attendance", meeting_id=mid, member_id=p.id, status=str(state),
              leave_reason=str(reason) if reason else None, reason_note=note, late_note="", _at=stamp)
        att_rows.append([p.uuid, str(state), str(reason) if reason else None, note, ""])
        if state == AttendanceStatus.PRESENT and p.full_on is not None and held >= p.full_on:
            present_voting += 1
    agenda = _agenda(b, mid, kind, topic, present_voting, stamp)
    guests: list[list[Any]] = []
    if kind in (MeetingType.GENERAL_ASSEMBLY, MeetingType.PARTY_LECTURE) and rng.random() < 0.4:
        guest = [rng.choice(words.SURNAMES) + rng.choice(words.GIVEN_FEMALE), "本单位", "入党积极分子"]
        b.add("guest", meeting_id=mid, name=guest[0], unit=guest[1], role=guest[2], _at=stamp)
        guests.append(guest)
    actions: list[list[Any]] = []
    if kind == MeetingType.COMMITTEE and rng.random() < 0.3:
        due = held + timedelta(days=30)
        done = due < today - timedelta(days=20)
        action = ["落实会议部署，按时报送有关材料", recorder, due, ActionStatus.DONE if done else ActionStatus.OPEN]
        b.add("action_item", meeting_id=mid, title=action[0], owner=recorder, due_on=due,
              status=str(action[3]), done_on=due if done else None, note="", _at=stamp)
        actions.append([action[0], recorder, due.isoformat(), str(action[3])])
    if status == MeetingStatus.FINAL:
        hashed = {"uuid": meeting_row["uuid"], "type": str(kind), "start": start.isoformat(),
                  "end": end.isoformat(), "held_on": held.isoformat(),
                  **{k: v for k, v in fields.items() if k not in ("held_on", "start_time", "end_time")}}
        content = canonical_content(hashed, att_rows, guests, agenda, actions)
        meeting_row["content_hash"] = hash_content(content)
        meeting_row["finalized_at"] = stamp + timedelta(days=1)
    return len(att_rows)


def _agenda(b: _Builder, mid: int, kind: MeetingType, topic: str, voting_present: int,
            stamp: datetime) -> list[list[Any]]:
    items: list[list[Any]] = []
    def add(title: str, discussion: str, resolution: str, votes: tuple[int | None, ...] = (None, None, None)) -> None:
        b.add("agenda_item", meeting_id=mid, position=len(items), title=title, discussion=discussion,
              resolution=resolution, votes_for=votes[0], votes_against=votes[1], votes_abstain=votes[2], _at=stamp)
        items.append([title, discussion, resolution, *votes])

    add(topic, "与会同志结合实际进行了讨论。", "会议同意按讨论意见抓好落实。")
    if kind == MeetingType.GENERAL_ASSEMBLY and ("表决" in topic or "接收预备党员" in topic):
        abstain = 1 if voting_present > 3 and b.rng.random() < 0.3 else 0
        add("发展党员表决", "介绍人介绍情况，支委会报告审查意见，与会党员充分讨论。",
            "经无记名投票表决，同意接收为预备党员（或按期转正），报上级党委审批。",
            (voting_present - abstain, 0, abstain))
    return items


def _notes(b: _Builder, branch_id: int, people: list[_Person], first: date) -> int:
    rng, today = b.rng, b.today
    count = 0
    month_first = first
    while month_first <= today:
        y, m = month_first.year, month_first.month
        for p in people:
            on = date(y, m, rng.randrange(1, 28))
            if on > today or on < p.joined_on or (p.on_roll_until and on >= p.on_roll_until):
                continue
            if p.drift_from and on >= p.drift_from or p.exempt_from and on >= p.exempt_from:
                continue
            # every member writes up each month's study (4–5 学时), so 32 a year is met
            topic = rng.choice(words.STUDY_TOPICS)
            b.add("study_note", branch_id=branch_id, member_id=p.id, meeting_id=None, studied_on=on,
                  title=f"{topic}心得体会", material=f"《{topic}》",
                  content=f"通过{topic}，我深刻认识到作为一名共产党员，必须坚定理想信念，"
                          "立足岗位做贡献，在工作中发挥先锋模范作用。",
                  hours=float(rng.choice((4, 4, 5))), _at=datetime.combine(on, time(20)))
            count += 1
        month_first = date(y + m // 12, m % 12 + 1, 1)
    return count
