"""One writer per database (an OS lock that dies with its process); a live database only on a
local disk."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import Database
from models.errors import BranchBookError
from models.lock import WINDOW_HOLDER, InstanceLock, drive_kind, ensure_local, lock_path

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys
from pathlib import Path
from models.lock import InstanceLock
with InstanceLock(Path(sys.argv[1]), sys.argv[2]):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def hold_lock(db_path: Path, holder: str = WINDOW_HOLDER) -> subprocess.Popen[str]:
    """Another process holding the writer lock of ``db_path`` (as the open window does)."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path), holder], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def let_go(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("\n")
    child.stdin.close()
    child.wait(timeout=10)
    child.stdout.close()


def test_second_writer_is_refused_naming_the_holder(db: Database) -> None:
    db.close()
    child = hold_lock(db.path)
    try:
        with pytest.raises(BranchBookError) as caught:
            InstanceLock(db.path).acquire()
        text = caught.value.message
        assert socket.gethostname() in text and str(child.pid) in text and WINDOW_HOLDER in text
    finally:
        let_go(child)
    assert not lock_path(db.path).exists()  # removed by its holder on release
    with InstanceLock(db.path):
        assert lock_path(db.path).exists()
    assert not lock_path(db.path).exists()


def test_two_locks_in_one_process_exclude_each_other(db_path: Path) -> None:
    with InstanceLock(db_path), pytest.raises(BranchBookError, match="正在被"):
        InstanceLock(db_path).acquire()


def test_lock_of_a_killed_process_dies_with_it(db_path: Path) -> None:
    child = hold_lock(db_path, "命令“merge”")
    assert lock_path(db_path).read_text(encoding="utf-8").startswith(f"{child.pid}\n")
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    assert child.stdout is not None and child.stdin is not None
    child.stdout.close()
    child.stdin.close()
    assert lock_path(db_path).exists()  # left behind, still naming the dead process
    with InstanceLock(db_path):
        assert lock_path(db_path).read_text(encoding="utf-8").startswith(f"{os.getpid()}\n")


@pytest.mark.parametrize("leftover", [
    b"",  # a full disk: created, never written
    b"\x00\xff\xfe garbage \x89PNG",
    b"1\nsystemd\nsomewhere\n",  # names a live process that is not BranchBook
    f"{os.getppid()}\npython3\n{socket.gethostname()}\n".encode(),  # a live process on this PC
    b"99999999\n" + b"x" * 100_000,
])
def test_leftover_lock_file_is_never_a_dead_end(db_path: Path, leftover: bytes) -> None:
    lock_path(db_path).write_bytes(leftover)
    with InstanceLock(db_path):
        assert lock_path(db_path).read_text(encoding="utf-8").startswith(f"{os.getpid()}\n")


def test_read_only_lock_file_is_taken_over(db_path: Path) -> None:
    lock_path(db_path).write_bytes(b"")
    lock_path(db_path).chmod(0o000)
    with InstanceLock(db_path):
        pass
    assert not lock_path(db_path).exists()


MOUNTS = """/dev/sda1 / ext4 rw 0 0
/dev/sdb1 /media/zhang/KINGSTON vfat rw 0 0
//server/share /srv/share cifs rw 0 0
server:/export /home/nfs nfs4 rw 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/home/zhang/records.sqlite3", "local"),
    ("/media/zhang/KINGSTON/records.sqlite3", "removable"),
    ("/run/media/li/U盘/a.sqlite3", "removable"),
    ("/mnt/usb/a.sqlite3", "removable"),
    ("/srv/share/a.sqlite3", "network"),
    ("/home/nfs/a.sqlite3", "network"),
])
def test_drive_kind_from_mounts(path: str, kind: str) -> None:
    assert drive_kind(Path(path), MOUNTS) == kind


def test_live_database_on_a_stick_is_refused() -> None:
    with pytest.raises(BranchBookError, match="U盘或移动硬盘"):
        ensure_local(Path("/media/zhang/KINGSTON/records.sqlite3"), MOUNTS)
    with pytest.raises(BranchBookError, match="网络驱动器"):
        ensure_local(Path("/srv/share/records.sqlite3"), MOUNTS)
    ensure_local(Path("/home/zhang/records.sqlite3"), MOUNTS)
