"""One writer per database, and where a database may live.

The lock is an operating-system lock (``flock`` on POSIX, ``LockFileEx`` through
``msvcrt.locking`` on Windows) on ``<db>.lock``. The system drops it when its process ends,
however it ends — a crash, ``kill -9``, a full disk — so a leftover lock file never locks
anyone out: only a lock that some live process holds refuses. The file's text (pid,
program, host, time) is only there to name the holder in the message; an empty,
unreadable or garbage file is simply taken over.

The window (ui/startup_checks.py) holds the lock while it is open, and every command that
writes (main.py marks them) takes it for its run, so they exclude each other; reading
commands (backup, verify, report, stats, members export, check) never take it.

We use our own few lines instead of ``filelock``/``portalocker``: on Windows the lock sits on
a byte far past the text so that another process can still read who holds it, and on POSIX
the file is removed on release without the unlink race (the path is re-checked after
locking).

:func:`drive_kind` tells a local disk from a removable or network drive: the live database
must sit on a local disk (a pulled USB stick in the middle of a write damages it).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from models.errors import BranchBookError, os_error_text
from models.validation import format_date

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "afs", "9p",
              "davfs", "fuse.davfs2", "ncpfs", "glusterfs", "ceph", "fuse.rclone"}
REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")
#: Windows locks this byte (past any text we write) so that the owner text stays readable.
_WINDOWS_LOCK_OFFSET = 0x7FFF0000
#: The owner text is short; anything longer is not ours and is not read further.
_OWNER_MAX_BYTES = 1024
WINDOW_HOLDER = "支部工作记录本窗口"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@dataclass(frozen=True)
class Owner:
    """Who holds a lock, as its holder wrote it (only for the message)."""

    pid: int
    program: str
    host: str
    since: str = ""


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_owner(path: Path) -> Owner | None:
    """The holder a lock file names, or None when it is missing, empty, unreadable or garbage."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(_OWNER_MAX_BYTES)
        lines = raw.decode("utf-8", errors="replace").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    fields = [line.strip()[:80] for line in lines[1:4]] + ["", "", ""]
    return Owner(pid, fields[0], fields[1], fields[2])


def _sentence_time(stamp: str) -> str:
    """The lock file's 2026-11-30 20:40 as a sentence writes it (2026年11月30日 20:40); a
    stamp of another shape is shown as it is."""
    try:
        when = datetime.strptime(stamp, "%Y-%m-%d %H:%M")
    except ValueError:
        return f" {stamp} "
    return f"{format_date(when)} {when:%H:%M}"


def busy_message(db_path: Path, owner: Owner | None) -> str:
    if owner is None:
        who = "另一个程序"
    else:
        since = f"，自{_sentence_time(owner.since)}起" if owner.since else ""
        who = f"计算机“{owner.host or '未知'}”上的{owner.program or '程序'}（进程号 {owner.pid}{since}）"
    return (f"数据库“{db_path.name}”正在被{who}使用，同一时间只能有一个程序修改它。"
            "请先关闭那个程序（或等它完成）再试；备份、校验、统计和打印不受影响。")


def _lock_fd(fd: int) -> bool:
    """Try to lock ``fd`` without waiting; False when another process holds it."""
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise
    return True


def _unlock_fd(fd: int) -> None:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass  # closing the descriptor releases it anyway


def _open_lock_file(path: Path) -> int:
    """A descriptor on the lock file, creating it; a file we cannot open for writing (made
    read-only, or by another account) is opened for reading, which is enough to lock it."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except PermissionError:
        try:
            if path.stat().st_uid == getattr(os, "geteuid", lambda: -1)():
                path.chmod(0o600)
                return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            pass
        return os.open(path, os.O_RDONLY)


class InstanceLock:
    """``with InstanceLock(db_path, holder="命令 merge"): ...`` — the one writer lock of a
    database; refuses with BranchBookError, naming the holder, while another process has it."""

    def __init__(self, db_path: Path, holder: str = "支部工作记录本") -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.holder = holder
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _cannot(self, exc: OSError) -> BranchBookError:
        fix = ("请腾出磁盘空间后再试。" if exc.errno == errno.ENOSPC
               else "请检查该文件夹是否可写；如没有其他程序在使用该数据库，可以删除这个锁文件后再试。")
        return BranchBookError(f"无法在“{self.path.parent}”使用锁文件“{self.path.name}”"
                               f"（{os_error_text(exc)}）。{fix}")

    def acquire(self) -> None:
        if self._fd is not None:
            return
        for _attempt in range(10):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = _open_lock_file(self.path)
            except OSError as exc:
                raise self._cannot(exc) from exc
            try:
                locked = _lock_fd(fd)
            except OSError as exc:
                os.close(fd)
                raise self._cannot(exc) from exc
            if not locked:
                os.close(fd)
                raise BranchBookError(busy_message(self.db_path, read_owner(self.path)))
            if os.name != "nt" and not self._still_named(fd):
                _unlock_fd(fd)  # its holder removed it while we waited: lock the new one
                os.close(fd)
                continue
            self._fd = fd
            self._write_owner(fd)
            return
        raise BranchBookError(busy_message(self.db_path, read_owner(self.path)))

    def _still_named(self, fd: int) -> bool:
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def _write_owner(self, fd: int) -> None:
        """Best effort: on a full disk the text is missing, and the lock holds all the same."""
        when = datetime.now().strftime("%Y-%m-%d %H:%M")
        import socket  # imported here: the window's start does not wait for it

        text = f"{os.getpid()}\n{self.holder}\n{socket.gethostname()}\n{when}\n".encode()
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, text)
            os.ftruncate(fd, len(text))
        except OSError:
            pass

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if os.name != "nt" and self._still_named(fd):
            try:
                self.path.unlink()  # while still locked: nobody can be holding this file
            except OSError:
                pass
        _unlock_fd(fd)
        os.close(fd)
        if os.name == "nt":
            try:
                self.path.unlink()  # refused while another process has it open: fine
            except OSError:
                pass

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


# --- where the database lives ------------------------------------------------------------


def _linux_kind(path: Path, mounts_text: str) -> str:
    text = str(path)
    best, fstype = "", ""
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (text == point or text.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
            best, fstype = point, parts[2]
    if fstype in NETWORK_FS or fstype.startswith("fuse.sshfs"):
        return "network"
    if any(text.startswith(root) for root in REMOVABLE_ROOTS):
        return "removable"
    return "local"


def _windows_kind(path: Path) -> str:
    import ctypes

    root = path.anchor or str(path)[:3]
    kind = ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root))  # type: ignore[attr-defined]
    return {2: "removable", 4: "network"}.get(kind, "local")


def drive_kind(path: Path, mounts_text: str | None = None) -> str:
    """"local", "removable" or "network" for the drive holding ``path``."""
    resolved = Path(os.path.abspath(path))
    if os.name == "nt":
        if str(resolved).startswith("\\\\"):
            return "network"
        return _windows_kind(resolved)
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            mounts_text = ""
    return _linux_kind(resolved, mounts_text)


def ensure_local(db_path: Path, mounts_text: str | None = None) -> None:
    """Refuse a live database on a removable or network drive (the command line's answer)."""
    kind = drive_kind(db_path, mounts_text)
    if kind != "local":
        where = "U盘或移动硬盘" if kind == "removable" else "网络驱动器"
        raise BranchBookError(
            f"数据库“{db_path}”位于{where}上。直接在{where}上使用数据库，拔出或断网时可能损坏记录。"
            "请先把它复制到本机硬盘（或用 restore 命令从备份恢复到本机），再打开本机上的副本。")
