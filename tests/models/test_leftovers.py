"""What a killed backup or restore leaves behind is cleaned by the next command — only our own
names, only when their process is gone (or, for names without a pid, when they are old)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from models import paths
from models.backup import create_backup
from models.db import Database
from tests.models.backup_support import populate

ROOT = Path(__file__).resolve().parents[2]
# A process caught in the middle of a backup and a restore: it makes exactly what they make
# (the real name functions and the real unpacking of a backup), then waits to be killed.
WORKER = """
import sys, tempfile
from pathlib import Path
from models.backup import opened_backup
from models.leftovers import partial_path, temp_prefix
db, backup, usb = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
snapshot_dir = Path(tempfile.mkdtemp(prefix=temp_prefix()))
(snapshot_dir / "snapshot.sqlite3").write_bytes(b"x" * 100000)
partial_path(usb / "支部_20261130-120000.bbk").write_bytes(b"y" * 100000)
with opened_backup(backup, work_dir=db.parent):
    print("working", flush=True)
    sys.stdin.readline()
"""


def _worker(db: Path, backup: Path, usb: Path, tmp: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TMPDIR": str(tmp)}
    child = subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(backup), str(usb)], cwd=ROOT, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "working"
    return child


def _names(*folders: Path) -> set[str]:
    return {p.name for folder in folders for p in folder.iterdir()}


def test_next_command_cleans_what_a_killed_process_left_and_nothing_else(db: Database, tmp_path: Path) -> None:
    populate(db)
    db.close()
    usb, tmp = tmp_path / "usb", tmp_path / "tmp"
    usb.mkdir()
    tmp.mkdir()
    backup = create_backup(db.path, usb).path
    killed = _worker(db.path, backup, usb, tmp)
    alive = _worker(db.path, backup, usb, tmp)
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)
    ours_dead = {n for n in _names(db.path.parent, usb, tmp) if f"-{killed.pid}-" in n or f".{killed.pid}." in n}
    ours_alive = {n for n in _names(db.path.parent, usb, tmp) if f"-{alive.pid}-" in n or f".{alive.pid}." in n}
    assert len(ours_dead) == 3 and len(ours_alive) == 3  # snapshot folder, partial file, work folder
    # an old leftover of an older version (no pid), a fresh one, and things that only look alike
    old_legacy = usb / ".支部_20250101-080000.bbk.partial"
    old_legacy.write_bytes(b"z")
    hour_ago = time.time() - 2 * 3600
    os.utime(old_legacy, (hour_ago, hour_ago))
    (usb / ".支部_20261130-090000.bbk.partial").write_bytes(b"z")  # young: maybe being written
    (tmp / "bbk-notes.txt").write_text("not ours", encoding="utf-8")
    keep_dir = tmp / "precious"
    keep_dir.mkdir()
    (keep_dir / "file").write_text("keep", encoding="utf-8")
    (tmp / f"bbk-{killed.pid}-symlink1").symlink_to(keep_dir)
    before = _names(db.path.parent, usb, tmp)

    env = {**os.environ, "TMPDIR": str(tmp), "BRANCHBOOK_DATA_DIR": str(paths.data_dir())}
    done = subprocess.run([sys.executable, "main.py", "backup", "--db", str(db.path), "--to", str(usb)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    after = _names(db.path.parent, usb, tmp)
    removed = before - after
    assert removed == ours_dead | {old_legacy.name}
    assert ours_alive <= after  # the running process's work is untouched
    assert (keep_dir / "file").exists()
    assert alive.stdin is not None and alive.stdout is not None
    alive.stdin.write("\n")
    alive.stdin.close()
    alive.wait(timeout=10)
    alive.stdout.close()
    assert killed.stdin is not None and killed.stdout is not None
    killed.stdin.close()
    killed.stdout.close()
