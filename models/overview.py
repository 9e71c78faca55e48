"""党委工作台: every branch of a committee's database side by side for one year (SPEC §1).

Per branch: the obligations due so far (done / missing / failed quorum), 完成率 and its rank,
静默支部 (no organisational life recorded for two months or more), members on the absence
alert, study hours, and the creation time of the newest backup of it merged in (stale when
older than a month). Built on models.compliance per branch; the few queries of its own are
portable SQLAlchemy (a committee database may later live on a server engine).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.compliance import compliance_for_year
from models.entities import Branch, Meeting, StoreInfo
from models.enums import MeetingStatus
from models.roster import list_branches

#: No meeting recorded for this many months (or more): 静默支部.
SILENT_MONTHS = 2
#: The newest merged backup is older than this: the branch's data is 数据陈旧.
STALE_DAYS = 31
#: store_info key prefix: creation time (ISO) of the newest backup merged in, per branch uuid.
BACKUP_KEY = "merged_backup:"


@dataclass(frozen=True)
class BranchOverview:
    branch_id: int
    name: str
    due: int  # obligations whose period has begun (待召开 ones are not counted)
    done: int
    missing: int
    failed_quorum: int
    members: int
    last_meeting: date | None
    silent: bool  # 静默支部
    absence_members: list[str] = field(default_factory=list)  # 连续缺席 (自行脱党 watch)
    study_hours: float = 0.0
    backup_at: datetime | None = None  # newest backup of this branch merged in
    stale: bool = False
    rank: int = 0
    same_name: bool = False  # 同名党支部: another branch record has this name (different uuid)

    @property
    def rate(self) -> float | None:
        """完成率 of the obligations due so far; None when nothing is due yet."""
        return self.done / self.due if self.due else None

    @property
    def average_hours(self) -> float:
        return self.study_hours / self.members if self.members else 0.0

    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    def backup_text(self) -> str:
        if self.backup_at is None:
            return "本机录入"
        return f"{self.backup_at:%Y-%m-%d}" + ("（数据陈旧）" if self.stale else "")


@dataclass(frozen=True)
class CommitteeOverview:
    year: int
    today: date
    branches: list[BranchOverview]

    @property
    def silent(self) -> list[BranchOverview]:
        return [b for b in self.branches if b.silent]


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def backup_dates(session: Session) -> dict[str, datetime]:
    """Per branch uuid: when the newest backup of it merged into this database was made."""
    rows = session.execute(select(StoreInfo.key, StoreInfo.value).where(StoreInfo.key.startswith(BACKUP_KEY)))
    result: dict[str, datetime] = {}
    for key, value in rows:
        try:
            result[key[len(BACKUP_KEY):]] = datetime.fromisoformat(value)
        except ValueError:
            continue  # a damaged note only loses the date, not the overview
    return result


def note_backup_date(session: Session, branch_uuids: list[str], created_at: str) -> None:
    """Remember that a backup made at ``created_at`` (ISO) of ``branch_uuids`` was merged in;
    an older backup merged later does not move the date back."""
    try:
        when = datetime.fromisoformat(created_at)
    except ValueError:
        return
    known = backup_dates(session)
    for uuid in branch_uuids:
        if uuid in known and known[uuid] >= when:
            continue
        row = session.get(StoreInfo, BACKUP_KEY + uuid)
        if row is None:
            session.add(StoreInfo(key=BACKUP_KEY + uuid, value=when.isoformat()))
        else:
            row.value = when.isoformat()


def _last_meetings(session: Session, until: date) -> dict[int, date]:
    rows = session.execute(
        select(Meeting.branch_id, func.max(Meeting.held_on))
        .where(Meeting.status != MeetingStatus.PLANNED.value, Meeting.held_on <= until)
        .group_by(Meeting.branch_id))
    return {branch_id: held for branch_id, held in rows if held is not None}


def committee_overview(session: Session, year: int, today: date | None = None) -> CommitteeOverview:
    """All branches of the database for ``year``, ranked by 完成率 (best first)."""
    today = today or date.today()
    as_of = min(date(year, 12, 31), today)
    uuids: dict[int, str] = {i: u for i, u in session.execute(select(Branch.id, Branch.uuid))}
    backups = backup_dates(session)
    last = _last_meetings(session, as_of)
    rows: list[BranchOverview] = []
    for info in list_branches(session):
        data = compliance_for_year(session, info.id, year, today)
        due = [ob for ob in data.obligations if ob.status != "upcoming"]
        since = info.records_since or info.founded_on
        newest = last.get(info.id)
        started = since is None or _months_between(since, as_of) >= SILENT_MONTHS
        silent = started and as_of >= date(year, 1, 1) and (
            newest is None or _months_between(newest, as_of) >= SILENT_MONTHS)
        backup_at = backups.get(uuids.get(info.id, ""))
        rows.append(BranchOverview(
            branch_id=info.id, name=info.name, due=len(due),
            done=sum(1 for ob in due if ob.status == "done"),
            missing=sum(1 for ob in due if ob.status == "missing"),
            failed_quorum=sum(1 for ob in due if ob.status == "failed_quorum"),
            members=len(data.attendance), last_meeting=newest, silent=silent,
            absence_members=sorted({a.member for a in data.alerts if a.kind == "absence_alert" and a.member}),
            study_hours=sum(m.study_hours for m in data.attendance),
            backup_at=backup_at,
            stale=backup_at is not None and today - backup_at.date() > timedelta(days=STALE_DAYS),
        ))
    def score(b: BranchOverview) -> float:
        return b.rate if b.rate is not None else -1.0

    names = [b.name for b in rows]
    order = sorted(rows, key=lambda b: (-score(b), b.branch_id))
    ranked = [replace(b, rank=1 + sum(1 for o in rows if score(o) > score(b)), same_name=names.count(b.name) > 1)
              for b in order]  # equal 完成率, equal rank
    return CommitteeOverview(year=year, today=today, branches=ranked)


def overview_json(data: CommitteeOverview) -> dict[str, Any]:
    return {
        "year": data.year,
        "today": data.today.isoformat(),
        "branches": [
            {"id": b.branch_id, "branch": b.name, "rank": b.rank, "due": b.due, "done": b.done,
             "missing": b.missing, "failed_quorum": b.failed_quorum,
             "rate": None if b.rate is None else round(b.rate, 4), "members": b.members,
             "last_meeting": b.last_meeting.isoformat() if b.last_meeting else None, "silent": b.silent,
             "absence_alert_members": b.absence_members, "study_hours": b.study_hours,
             "average_study_hours": round(b.average_hours, 1),
             "newest_backup": b.backup_at.isoformat() if b.backup_at else None, "stale": b.stale,
             "same_name": b.same_name}
            for b in data.branches
        ],
        "silent_branches": [b.name for b in data.silent],
        "same_name_branches": sorted({b.name for b in data.branches if b.same_name}),
    }


def describe_overview(data: CommitteeOverview) -> str:
    lines = [f"党委工作台 {data.year}年（截至 {data.today:%Y-%m-%d}），共 {len(data.branches)} 个党支部", ""]
    for b in data.branches:
        flags = "，".join(x for x in ("静默支部" if b.silent else "", "数据陈旧" if b.stale else "",
                                     "同名党支部" if b.same_name else "") if x)
        lines.append(f"第{b.rank}名  [{b.branch_id}] {b.name}{'（' + flags + '）' if flags else ''}")
        lines.append(f"    应开 {b.due} 项：已完成 {b.done}，缺开 {b.missing}，未达法定人数 {b.failed_quorum}；"
                     f"完成率 {b.rate_text()}")
        last = f"{b.last_meeting:%Y-%m-%d}" if b.last_meeting else "无"
        lines.append(f"    党员 {b.members} 人，学时合计 {b.study_hours:g}（人均 {b.average_hours:.1f}）；"
                     f"最近一次组织生活：{last}；最新备份：{b.backup_text()}")
        if b.absence_members:
            lines.append(f"    连续缺席预警：{'、'.join(b.absence_members)}")
    if data.silent:
        lines += ["", f"静默支部（{SILENT_MONTHS} 个月以上没有组织生活记录）：{'、'.join(b.name for b in data.silent)}"]
    twins = sorted({b.name for b in data.branches if b.same_name})
    if twins:
        lines += ["", f"同名党支部（可能是同一支部在两台电脑上各建了一次，请核对后合并）：{'、'.join(twins)}"]
    return "\n".join(lines)
