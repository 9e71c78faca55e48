"""One running instance per database, and where a database may live.

The lock is ``<db>.lock``, created with O_EXCL and holding ``pid\\nprocess name\\nhost``
— the same layout QLockFile writes, so the window (QLockFile, in ui/startup_checks.py) and
the command line (:class:`InstanceLock`) exclude each other. A lock left by a crashed
process (same host, pid no longer alive) is released; a live one is refused with a
message naming the computer and the process.

:func:`drive_kind` tells a local disk from a removable or network drive: the live database
must sit on a local disk (a pulled USB stick in the middle of a write damages it).
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from types import TracebackType
from typing import Self

from models.errors import BranchBookError, os_error_text

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "afs", "9p",
              "davfs", "fuse.davfs2", "ncpfs", "glusterfs", "ceph", "fuse.rclone"}
REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def _process_name() -> str:
    try:
        return os.path.basename(os.readlink("/proc/self/exe"))
    except OSError:
        return Path(sys.executable).name


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


def read_owner(path: Path) -> tuple[int, str, str] | None:
    """(pid, process name, host) from a lock file, or None if unreadable."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return int(lines[0]), lines[1] if len(lines) > 1 else "", lines[2] if len(lines) > 2 else ""
    except (OSError, ValueError, IndexError):
        return None


def busy_message(db_path: Path, owner: tuple[int, str, str] | None) -> str:
    if owner is None:
        who = "另一个程序"
    else:
        pid, name, host = owner
        who = f"计算机“{host or '未知'}”上的程序 {name or '未知'}（进程号 {pid}）"
    return (f"数据库“{db_path.name}”正在被{who}使用。同一个数据库同时只能由一个程序打开，"
            "请先关闭那个程序再试。")


class InstanceLock:
    """``with InstanceLock(db_path): ...`` — refuses with BranchBookError if held elsewhere."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.held = False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = read_owner(self.path)
                if owner is not None and owner[2] == socket.gethostname() and not pid_alive(owner[0]):
                    self.path.unlink(missing_ok=True)  # left by a crashed process on this PC
                    continue
                raise BranchBookError(busy_message(self.db_path, owner)) from None
            except OSError as exc:
                raise BranchBookError(
                    f"无法在“{self.path.parent}”创建锁文件（{os_error_text(exc)}）。请检查文件夹是否可写。"
                ) from exc
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()}\n{_process_name()}\n{socket.gethostname()}\n")
            self.held = True
            return
        raise BranchBookError(busy_message(self.db_path, read_owner(self.path)))

    def release(self) -> None:
        if self.held:
            owner = read_owner(self.path)
            if owner is not None and owner[0] == os.getpid():
                self.path.unlink(missing_ok=True)
            self.held = False

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
