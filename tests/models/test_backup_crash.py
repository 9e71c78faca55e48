"""kill -9 of a process saving meetings in a loop loses nothing whose save returned."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import Database, open_database
from models.integrity import run_checks
from models.meetings import get_meeting
from tests.models.backup_support import populate

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import sys
from models.db import open_database
from tests.models.backup_support import add_meeting
db = open_database(sys.argv[1])
n = 0
while True:
    meeting_id = add_meeting(db, int(sys.argv[2]), f"循环保存的会议{n}", "记录" * 2000)
    print(meeting_id, flush=True)  # only after the commit returned
    n += 1
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_kill_minus_nine_while_saving_loses_no_committed_meeting(db: Database) -> None:
    branch_id = populate(db, meetings=1)
    db.close()
    committed: list[int] = []
    for round_no in range(3):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(db.path), str(branch_id)],
                                 cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        for _ in range(5 + 4 * round_no):
            line = child.stdout.readline()
            assert line, "the child stopped before saving"
            committed.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        # anything printed after we stopped reading had also been committed
        committed += [int(x) for x in child.stdout.read().split()]
        child.stdout.close()
    assert len(set(committed)) == len(committed) >= 27
    assert run_checks(db.path, full=True) == []
    again = open_database(db.path)
    try:
        with again.reading() as s:
            for meeting_id in committed:
                assert get_meeting(s, meeting_id).title.startswith("循环保存的会议")
    finally:
        again.close()
    con = sqlite3.connect(db.path)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
@pytest.mark.parametrize("keep_safety_copy", [True, False])
def test_restore_over_a_crashed_database_never_replays_its_wal(db: Database, tmp_path: Path,
                                                               keep_safety_copy: bool) -> None:
    """A crash leaves committed meetings in the -wal file: the safety copy keeps them, and
    the stale WAL is never replayed onto the restored file."""
    from models.backup import create_backup, read_manifest
    from models.restore import restore_file

    branch_id = populate(db, meetings=1)
    db.close()
    backup = create_backup(db.path, tmp_path).path
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db.path), str(branch_id)],
                             cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    saved = [int(child.stdout.readline()) for _ in range(3)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0
    result = restore_file(db.path, backup, keep_safety_copy=keep_safety_copy)
    assert not wal.exists()
    assert run_checks(db.path, full=True) == []
    con = sqlite3.connect(db.path)
    assert con.execute("SELECT count(*) FROM meeting").fetchone()[0] == 1
    con.close()
    if not keep_safety_copy:
        return
    assert result.safety_copy is not None
    manifest = read_manifest(result.safety_copy)
    assert manifest is not None and manifest.counts["meeting"] >= 1 + len(saved)
