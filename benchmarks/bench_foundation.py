"""Foundation measures: demo generation, opening the database, loading a year's meetings."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from benchmarks.common import BenchContext, Measure

ROOT = Path(__file__).resolve().parent.parent


def measures(ctx: BenchContext) -> list[Measure]:
    from models.db import open_database
    from models.demo import generate_demo
    from models.meetings import get_meetings, list_meetings
    from models.roster import default_branch

    year = ctx.busiest_year
    counter = [0]

    def demo() -> None:
        counter[0] += 1
        path = ctx.tmp / f"demo{counter[0]}.sqlite3"
        db = open_database(path)
        generate_demo(db, years=ctx.years, members=ctx.members, seed=1)
        db.close()

    def demo_floor() -> None:
        # Floor: the same number of rows written by bare sqlite3 executemany.
        counter[0] += 1
        con = sqlite3.connect(ctx.tmp / f"floor{counter[0]}.sqlite3")
        src = sqlite3.connect(ctx.db_path)
        for table in ("meeting", "attendance", "study_note"):
            sql = src.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            con.execute(sql)
            rows = src.execute(f"SELECT * FROM {table}").fetchall()
            marks = ",".join("?" * len(rows[0]))
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        con.commit()
        con.close()
        src.close()

    def open_db() -> None:
        db = open_database(ctx.db_path)
        with db.reading() as s:
            default_branch(s)
        db.close()

    def open_floor() -> None:
        con = sqlite3.connect(ctx.db_path)
        con.execute("SELECT version_num FROM alembic_version").fetchone()
        con.execute("SELECT id, name FROM branch LIMIT 1").fetchone()
        con.close()

    db = open_database(ctx.db_path)
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]

    def year_via_services() -> int:
        with db.reading() as s:
            rows = list_meetings(s, branch_id, year=year)
            return sum(len(d.attendance) for d in get_meetings(s, [r.id for r in rows]))

    def year_raw() -> int:
        con = sqlite3.connect(ctx.db_path)
        rows = con.execute(
            "SELECT m.*, a.*, p.name FROM meeting m JOIN attendance a ON a.meeting_id = m.id "
            "JOIN member p ON p.id = a.member_id WHERE m.held_on >= ? AND m.held_on < ?",
            (f"{year}-01-01", f"{year + 1}-01-01")).fetchall()
        con.close()
        return len(rows)

    def list_year() -> int:
        with db.reading() as s:
            return len(list_meetings(s, branch_id, year=year))

    def list_year_raw() -> int:
        con = sqlite3.connect(ctx.db_path)
        rows = con.execute(
            "SELECT m.id, m.held_on, m.meeting_type, m.title, m.host, count(a.id), "
            "sum(a.status = 'present'), m.status FROM meeting m LEFT JOIN attendance a ON a.meeting_id = m.id "
            "WHERE m.held_on >= ? AND m.held_on < ? GROUP BY m.id ORDER BY m.held_on DESC",
            (f"{year}-01-01", f"{year + 1}-01-01")).fetchall()
        con.close()
        return len(rows)

    def list_all() -> int:
        with db.reading() as s:
            return len(list_meetings(s, branch_id))

    def list_all_raw() -> int:
        con = sqlite3.connect(ctx.db_path)
        rows = con.execute(
            "SELECT m.id, m.held_on, m.meeting_type, m.title, m.host, count(a.id), "
            "sum(a.status = 'present'), m.status FROM meeting m LEFT JOIN attendance a ON a.meeting_id = m.id "
            "GROUP BY m.id ORDER BY m.held_on DESC").fetchall()
        con.close()
        return len(rows)

    def cli_check() -> None:
        subprocess.run([sys.executable, str(ROOT / "main.py"), "check", "--db", str(ctx.db_path)],
                       check=True, capture_output=True)

    def cli_floor() -> None:
        subprocess.run([sys.executable, "-c", "import sqlalchemy, sqlite3"], check=True, capture_output=True)

    return [
        Measure("demo --years 10 --members 100", demo, demo_floor, "< 60 s", repeat=1),
        Measure("open database (engine + migration check)", open_db, open_floor, ""),
        Measure(f"load {year}'s meetings with attendance", year_via_services, year_raw, "", repeat=1),
        Measure(f"meetings list, {year}", list_year, list_year_raw, "< 100 ms"),
        Measure("meetings list, all 10 years", list_all, list_all_raw, "< 100 ms"),
        Measure("check command (process)", cli_check, cli_floor, "", repeat=3),
    ]
