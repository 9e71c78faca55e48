"""Statistics measures: the year's compliance (obligations, quorums, absence watch, attendance
rates, study hours) on the 10-year, 100-member demo, against a hand-written raw SQL query
that computes only the per-member attendance counts (target: under 200 ms, within 3× of it)."""

from __future__ import annotations

import sqlite3
from datetime import date

from benchmarks.common import BenchContext, Measure

FLOOR_SQL = """
SELECT a.member_id, count(*),
       sum(a.status = 'present'), sum(a.status = 'leave'), sum(a.status = 'absent')
FROM attendance a JOIN meeting m ON m.id = a.meeting_id
WHERE m.branch_id = ? AND m.held_on >= ? AND m.held_on <= ? AND m.status != 'planned'
GROUP BY a.member_id
"""


def measures(ctx: BenchContext) -> list[Measure]:
    from models.compliance import compliance_for_year
    from models.db import open_database
    from models.roster import default_branch

    year = ctx.busiest_year
    db = open_database(ctx.db_path)
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]
    con = sqlite3.connect(ctx.db_path)

    def ours() -> object:
        with db.reading() as session:
            return compliance_for_year(session, branch_id, year)

    as_of = min(date(year, 12, 31), date.today())  # compliance counts what was held up to today

    def floor() -> object:
        return con.execute(FLOOR_SQL, (branch_id, f"{year}-01-01", as_of.isoformat())).fetchall()

    # Same numbers from both before timing anything: the comparison is only fair if it is the same work.
    # 应到 comes from the roll; the rows the floor counts are 应到 less those left off a list (未记)
    computed = {m.member_id: (m.expected - m.unrecorded, m.present, m.leave, m.absent)  # type: ignore[attr-defined]
                for m in ours().attendance if m.expected - m.unrecorded}  # type: ignore[attr-defined]
    raw = {mid: (t, p, lv, ab) for mid, t, p, lv, ab in floor()}  # type: ignore[attr-defined]
    assert computed == raw, "compliance attendance counts differ from the raw SQL"

    return [
        Measure(f"统计：{year}年合规与出勤（compliance_for_year）", ours, floor,
                target="< 200 ms，≤ 3× 原始SQL出勤统计"),
    ]
