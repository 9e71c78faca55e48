"""Start-up as a user meets it: every measure is a whole process (interpreter start included),
run several times (median), beside its floor — the bare tools started the same way.

* the main window on screen (first paint of the window) vs a bare PySide6 window holding a
  table of the same first rows (target ≤ 1.5× the floor);
* ``check``, ``stats`` and ``backup`` vs a bare interpreter that imports SQLAlchemy and does
  the same bare work with sqlite3 (the checks and hashing; the year's aggregates; a copy, its
  check, written, flushed and read back) (target: within 0.3 s of it);
* a month's minutes PDF (``report monthly``), target under 1 s.

Run with the others (``python benchmarks/run.py --only 启动``), or alone on any database —
e.g. a 30-year demo — with ``python benchmarks/bench_startup.py [--db FILE] [--repeat N]``,
which also prints the CPU time of each process: on a shared, busy machine the wall times swell
with the load, the CPU times much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.common import BenchContext, Elapsed, Measure

TIMEOUT_S = 300

# Prepended to both window programs: report the wall-clock time of the main window's first
# paint on stdout, then close it (what happens after, e.g. the exit backup, is not timed).
_FIRST_PAINT = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget
app = QApplication(sys.argv[:1])
class _FirstPaint(QObject):
    seen = False
    def eventFilter(self, obj, event):
        if (not self.seen and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and isinstance(obj.window(), QMainWindow)):
            self.seen = True
            print(f"PAINTED {time.time()!r} {time.process_time()!r}", flush=True)
            QTimer.singleShot(0, obj.window().close)
        return False
_watch = _FirstPaint()
app.installEventFilter(_watch)
"""

_OUR_WINDOW = _FIRST_PAINT + r"""
import main
sys.exit(main.main(["--db", sys.argv[1]]))
"""

_BARE_WINDOW = _FIRST_PAINT + r"""
import sqlite3
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
con = sqlite3.connect(sys.argv[1])
rows = con.execute("SELECT held_on, meeting_type, title, host, status FROM meeting "
                   "ORDER BY held_on DESC, id DESC LIMIT 200").fetchall()
con.close()
window = QMainWindow()
table = QTableWidget(len(rows), 5)
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        table.setItem(r, c, QTableWidgetItem(str(value)))
window.setCentralWidget(table)
window.resize(1280, 820)
window.show()
sys.exit(app.exec())
"""

# `check` does more than SQLite's own checks: it recomputes every 定稿 meeting's content hash,
# verifies the audit chain and notes meetings short of their 应到 or quorum. The floor does the
# same reads and hashing with bare sqlite3 + json + hashlib, one after the other (the rules as
# one aggregate over the attendance), and no more.
_BARE_CHECK = r"""
import hashlib, json, sys, sqlite3
import sqlalchemy.orm
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
con.execute("PRAGMA integrity_check").fetchall()
con.execute("PRAGMA foreign_key_check").fetchall()
parts = {}
for sql in ("SELECT a.meeting_id, m.uuid, a.status, a.leave_reason, a.reason_note, a.late_note "
            "FROM attendance a JOIN member m ON m.id = a.member_id",
            "SELECT meeting_id, name, unit, role FROM guest ORDER BY id",
            "SELECT meeting_id, title, discussion, resolution, votes_for, votes_against, votes_abstain "
            "FROM agenda_item ORDER BY meeting_id, position",
            "SELECT meeting_id, title, owner, due_on, status FROM action_item ORDER BY id"):
    for mid, *rest in con.execute(sql):
        parts.setdefault(mid, []).append(rest)
for row in con.execute("SELECT * FROM meeting WHERE status = 'final'"):
    blob = json.dumps([list(row), sorted(parts.get(row[0], []), key=str)], ensure_ascii=False, default=str)
    hashlib.sha256(blob.encode()).hexdigest()
for row in con.execute("SELECT * FROM audit_entry ORDER BY id"):
    hashlib.sha256(repr(row).encode()).hexdigest()
con.execute("SELECT meeting_id, count(*), sum(status = 'present') FROM attendance GROUP BY meeting_id").fetchall()
"""
# `stats --year`: the year's meetings by month and type, every member's attendance and study
# hours — the rows the compliance view reads, aggregated by bare SQL.
_BARE_STATS = r"""
import sys, sqlite3
import sqlalchemy.orm
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
branch, year = 1, (f"{sys.argv[2]}-01-01", f"{int(sys.argv[2]) + 1}-01-01")
con.execute("SELECT * FROM member WHERE branch_id = ?", (branch,)).fetchall()
con.execute("SELECT s.* FROM member_status s JOIN member m ON m.id = s.member_id WHERE m.branch_id = ?",
            (branch,)).fetchall()
con.execute("SELECT substr(held_on, 1, 7), meeting_type, group_id, status, count(*) FROM meeting "
            "WHERE branch_id = ? AND held_on >= ? AND held_on < ? GROUP BY 1, 2, 3, 4", (branch, *year)).fetchall()
con.execute("SELECT a.member_id, a.status, count(*) FROM meeting m JOIN attendance a ON a.meeting_id = m.id "
            "WHERE m.branch_id = ? AND m.held_on >= ? AND m.held_on < ? GROUP BY 1, 2", (branch, *year)).fetchall()
con.execute("SELECT member_id, sum(hours) FROM study_note WHERE branch_id = ? AND studied_on >= ? "
            "AND studied_on < ? GROUP BY 1", (branch, *year)).fetchall()
"""
# `backup --to`: a consistent copy (SQLite's backup API), its quick check, the file written with
# its SHA-256, flushed to the device and read back to compare.
_BARE_BACKUP = r"""
import hashlib, os, sys, sqlite3, tempfile
import sqlalchemy.orm
work = tempfile.mkdtemp()
copy = os.path.join(work, "copy.sqlite3")
source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(copy)
source.backup(target)
target.execute("PRAGMA quick_check").fetchall()
target.close()
source.close()
out = os.path.join(sys.argv[2], "bare.bak")
digest = hashlib.sha256()
with open(copy, "rb") as src, open(out, "wb") as dst:
    for chunk in iter(lambda: src.read(1 << 20), b""):
        digest.update(chunk)
        dst.write(chunk)
    dst.flush()
    os.fsync(dst.fileno())
with open(out, "rb") as back:
    assert hashlib.sha256(back.read()).hexdigest() == digest.hexdigest()
os.remove(out)
os.remove(copy)
os.rmdir(work)
"""
_BARE_PDF = "import sqlalchemy.orm, reportlab.platypus"


def child_env(home: Path) -> dict[str, str]:
    """Children use a scratch user profile: data folder, Qt settings, no real profile touched."""
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", BRANCHBOOK_DATA_DIR=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), PYTHONDONTWRITEBYTECODE="")
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(args: list[str], env: dict[str, str]) -> Elapsed:
    """Wall time (and CPU time) of a whole process, from spawn to exit."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=TIMEOUT_S, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{args[1:3]} exited {done.returncode}: {done.stderr.decode(errors='replace')[-800:]}")
    return Elapsed.of(elapsed, _children_cpu() - cpu)


def time_to_paint(program: str, db: Path, env: dict[str, str]) -> Elapsed:
    """Seconds from spawning ``program`` until its main window's first paint."""
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-c", program, str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    painted = cpu = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("PAINTED "):
            painted, cpu = (float(x) for x in line.split()[1:3])
            break
    _out, err = proc.communicate(timeout=TIMEOUT_S)
    if painted is None:
        raise RuntimeError(f"the window never painted (exit {proc.returncode}): {err[-800:]}")
    return Elapsed.of(painted - start, cpu)


def busiest_month(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT substr(held_on, 1, 7) m, count(*) c FROM meeting WHERE status != 'planned' "
                          "GROUP BY m ORDER BY c DESC, m DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return str(row[0])


def startup_measures(db_path: Path, tmp: Path, year: int) -> list[Measure]:
    """The measures on a copy of ``db_path`` (the window writes its marker and backups)."""
    from models.db import copy_database

    work = tmp / "startup.sqlite3"
    if not work.exists():
        copy_database(db_path, work)
    env = child_env(tmp / "profile")
    py = sys.executable
    out = tmp / "startup-out"
    out.mkdir(exist_ok=True)
    month = busiest_month(work)

    def cmd(*args: str) -> Callable[[], Elapsed]:
        return lambda: run_process([py, "main.py", *args, "--db", str(work)], env)

    def bare(program: str, *args: str) -> Callable[[], Elapsed]:
        return lambda: run_process([py, "-c", program, *args], env)

    def backup() -> Elapsed:
        (out / "backups").mkdir(exist_ok=True)
        elapsed = run_process([py, "main.py", "backup", "--to", str(out / "backups"), "--db", str(work)], env)
        shutil.rmtree(out / "backups", ignore_errors=True)
        return elapsed

    plus = "≤ floor + 0.3 s"
    return [
        Measure("启动: 主窗口显示（整个进程）", lambda: time_to_paint(_OUR_WINDOW, work, env),
                lambda: time_to_paint(_BARE_WINDOW, work, env), "≤ 1.5 × floor", repeat=5),
        Measure("启动: check（整个进程）", cmd("check"), bare(_BARE_CHECK, str(work)), plus, repeat=5),
        Measure("启动: stats（整个进程）", cmd("stats", "--year", str(year)),
                bare(_BARE_STATS, str(work), str(year)), plus, repeat=5),
        Measure("启动: backup（整个进程）", backup, bare(_BARE_BACKUP, str(work), str(out)), plus, repeat=5),
        Measure(f"启动: report monthly {month}（整个进程）",
                cmd("report", "monthly", "--month", month, "--out", str(out / "month.pdf")),
                bare(_BARE_PDF), "< 1 s", repeat=5),
    ]


def measures(ctx: BenchContext) -> list[Measure]:
    return startup_measures(ctx.db_path, ctx.tmp, ctx.busiest_year)


def main() -> int:
    parser = argparse.ArgumentParser(description="Whole-process start-up measures beside their floors")
    parser.add_argument("--db", type=Path, help="database to measure on (default: the cached 10-year demo)")
    parser.add_argument("--repeat", type=int, default=0, help="runs per measure (default: each measure's own)")
    parser.add_argument("--only", help="run only measures whose name contains this")
    args = parser.parse_args()
    from benchmarks.run import busiest_year, demo_database

    db = args.db or demo_database()
    with tempfile.TemporaryDirectory() as tmp:
        for m in startup_measures(db, Path(tmp), busiest_year(db)):
            if args.only and args.only not in m.name:
                continue
            m.ours()  # warm-up: the file and the interpreter's modules in the OS cache
            m.floor()
            ours_runs: list[Elapsed] = []
            floor_runs: list[Elapsed] = []
            for _ in range(args.repeat or m.repeat):  # alternated: a busy moment hits both
                ours_runs.append(m.ours())  # type: ignore[arg-type]
                floor_runs.append(m.floor())  # type: ignore[arg-type]
            ours, floor = statistics.median(ours_runs), statistics.median(floor_runs)
            ours_cpu = statistics.median(r.cpu or 0.0 for r in ours_runs)
            floor_cpu = statistics.median(r.cpu or 0.0 for r in floor_runs)
            print(f"{m.name:<36} wall: ours {ours * 1000:7.0f} ms  floor {floor * 1000:7.0f} ms  "
                  f"×{ours / floor:5.2f}  +{(ours - floor) * 1000:6.0f} ms | cpu: ours {ours_cpu * 1000:6.0f} ms  "
                  f"floor {floor_cpu * 1000:6.0f} ms  ×{ours_cpu / max(floor_cpu, 1e-9):5.2f}  "
                  f"+{(ours_cpu - floor_cpu) * 1000:6.0f} ms | {m.target}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
