"""One instance per database; a live database only on a local disk."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile

import main
from models.db import Database
from models.errors import BranchBookError
from models.lock import InstanceLock, drive_kind, ensure_local, lock_path

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys
from pathlib import Path
from models.lock import InstanceLock
with InstanceLock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def _holder(db_path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def _release(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("\n")
    child.stdin.close()
    child.wait(timeout=10)
    assert child.stdout is not None
    child.stdout.close()


def test_second_instance_is_refused_naming_host_and_process(db: Database, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db.close()
    child = _holder(db.path)
    try:
        with pytest.raises(BranchBookError) as caught:
            InstanceLock(db.path).acquire()
        assert socket.gethostname() in caught.value.message
        assert str(child.pid) in caught.value.message
        assert main.main(["backup", "--db", str(db.path), "--to", str(tmp_path)]) == 1
        assert "正在被" in capsys.readouterr().err
        qt_lock = QLockFile(str(lock_path(db.path)))
        qt_lock.setStaleLockTime(0)
        assert not qt_lock.tryLock(100)  # the window's QLockFile respects the command's lock
    finally:
        _release(child)
    assert not lock_path(db.path).exists()
    with InstanceLock(db.path):
        assert lock_path(db.path).exists()
    assert not lock_path(db.path).exists()


def test_qlockfile_of_the_window_blocks_a_command(db_path: Path) -> None:
    qt_lock = QLockFile(str(lock_path(db_path)))
    qt_lock.setStaleLockTime(0)
    assert qt_lock.tryLock(0)
    try:
        with pytest.raises(BranchBookError, match="正在被"):
            InstanceLock(db_path).acquire()
    finally:
        qt_lock.unlock()
    InstanceLock(db_path).acquire()


def test_stale_lock_of_a_crashed_process_is_released(db_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock_path(db_path).write_text(f"{dead.pid}\npython3\n{socket.gethostname()}\n", encoding="utf-8")
    lock = InstanceLock(db_path)
    lock.acquire()
    assert lock_path(db_path).read_text(encoding="utf-8").startswith(f"{__import__('os').getpid()}\n")
    lock.release()
    # a lock from another computer cannot be judged: refused
    lock_path(db_path).write_text(f"{dead.pid}\npython3\n另一台电脑\n", encoding="utf-8")
    with pytest.raises(BranchBookError, match="另一台电脑"):
        InstanceLock(db_path).acquire()


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


def test_window_takes_over_a_stale_command_lock(db_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    from models.lock import _process_name

    lock_path(db_path).write_text(f"{dead.pid}\n{_process_name()}\n{socket.gethostname()}\n", encoding="utf-8")
    qt_lock = QLockFile(str(lock_path(db_path)))
    qt_lock.setStaleLockTime(0)
    assert qt_lock.tryLock(0)
    qt_lock.unlock()
