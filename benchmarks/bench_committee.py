"""A committee merging its branches' backups in one command (issue 14): ``main.py merge`` of
BENCH_BRANCHES (default 5) ten-year branches into a new database, in a child process whose
peak memory (max RSS) is printed too. Goal: 5 branches < 8 s, 50 < 1 min, < 500 MB.

The floor is the bare SQLite work of the same rows: ATTACH each branch's plain database file
and ``INSERT INTO main.t SELECT * FROM b.t`` for every table, one transaction per branch,
with the same page cache our merge sets (a smaller cache would make the floor slower and
flatter the ratio). It is a strict floor: it reads plain files, where our merge first
extracts and verifies each backup (SHA-256, integrity_check), and it runs without foreign
keys, process start-up or any matching. The branches are copies of the cached demo database
with every uuid retyped (the same branch typed in on another PC), so that none of their rows
match. CPU seconds are printed too: on a busy machine they are the steadier figure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import BenchContext, Elapsed, Measure
from models.backup import create_backup
from models.db import open_database
from models.merge import MERGE_CACHE_KIB

ROOT = Path(__file__).resolve().parent.parent
BRANCHES = int(os.environ.get("BENCH_BRANCHES", "5"))
SKIP = ("audit_entry", "store_info", "alembic_version", "sqlite_sequence")


def _retype(path: Path) -> None:
    con = sqlite3.connect(path)
    with con:
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            cols = [c[1] for c in con.execute(f"PRAGMA table_info({table})")]
            if "uuid" in cols and table not in ("tombstone", "audit_entry"):
                con.execute(f"UPDATE {table} SET uuid = lower(hex(randomblob(16)))")
    con.close()


def _tables(con: sqlite3.Connection) -> list[str]:
    names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [n for n in names if n not in SKIP]


def measures(ctx: BenchContext) -> list[Measure]:
    folder = ctx.tmp / "committee"
    folder.mkdir()
    plain: list[Path] = []
    backups: list[Path] = []
    for n in range(BRANCHES):
        path = folder / f"branch{n}.sqlite3"
        src, dst = sqlite3.connect(ctx.db_path), sqlite3.connect(path)
        src.backup(dst)
        src.close()
        dst.close()
        _retype(path)
        plain.append(path)
        backups.append(create_backup(path, folder).path)
    empty = folder / "empty.sqlite3"
    open_database(empty).close()  # our schema, no rows
    target = folder / "target.sqlite3"

    def fresh_target() -> None:
        for f in folder.glob("target.sqlite3*"):
            f.unlink()
        shutil.copyfile(empty, target)

    def ours() -> Elapsed:
        fresh_target()
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "merge", "--db", str(target),
                                 *map(str, backups)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if status != 0:
            raise RuntimeError(f"merge failed: {proc.stderr.read().decode() if proc.stderr else ''}")
        cpu = usage.ru_utime + usage.ru_stime
        print(f"    merge of {BRANCHES} branches: {elapsed:.2f} s (CPU {cpu:.2f} s), "
              f"peak memory {usage.ru_maxrss / 1024:.0f} MB", flush=True)
        return Elapsed.of(elapsed, cpu)

    def floor() -> Elapsed:
        fresh_target()
        start, cpu = time.perf_counter(), time.process_time()
        con = sqlite3.connect(target, isolation_level=None)
        try:
            con.execute("PRAGMA foreign_keys=OFF")
            con.execute(f"PRAGMA cache_size=-{MERGE_CACHE_KIB}")
            for n, path in enumerate(plain):
                con.execute("ATTACH DATABASE ? AS b", (str(path),))
                con.execute("BEGIN")
                offset = (n + 1) * 10_000_000  # every branch's ids moved clear of the others'
                for table in _tables(con):
                    cols = [c[1] for c in con.execute(f"PRAGMA b.table_info({table})")]
                    keys = {"id"} | {fk[3] for fk in con.execute(f"PRAGMA b.foreign_key_list({table})")}
                    picked = ", ".join(f"{c} + {offset}" if c in keys else c for c in cols)
                    con.execute(f"INSERT INTO main.{table} ({', '.join(cols)}) SELECT {picked} FROM b.{table}")
                con.execute("COMMIT")
                con.execute("DETACH DATABASE b")
        finally:
            con.close()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"    floor for {BRANCHES} branches: {elapsed:.2f} s (CPU {cpu:.2f} s)", flush=True)
        return Elapsed.of(elapsed, cpu)

    return [Measure(f"merge {BRANCHES} ten-year branches (one command) vs ATTACH + INSERT…SELECT", ours, floor,
                    "5 < 8 s, 50 < 60 s, < 500 MB", repeat=1)]
