"""The one domain error type. Its message is Chinese and meant for the user."""

from __future__ import annotations

import errno


class BranchBookError(Exception):
    """A user-facing error: bad input, a refused operation, an unusable file.

    ``message`` names what is wrong and how to fix it, in Chinese; ``field`` names the
    input field at fault (an attribute name of the input dataclass) when there is one, so
    that the GUI can show the message next to that field.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(BranchBookError):
    """Input that fails a rule; nothing was changed."""


class DatabaseFileError(BranchBookError):
    """A file that cannot be opened as this application's database."""


# The operating system's and SQLite's own error texts are English (“No space left on device”,
# “database disk image is malformed”): users see these Chinese explanations instead.
_OS_ERRORS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EROFS: "磁盘是只读的",
    errno.ENOENT: "找不到该文件或文件夹",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.EIO: "读写出错，U盘或磁盘可能已被拔出或损坏",
    errno.ENODEV: "设备已不存在，U盘可能已被拔出",
    errno.ENXIO: "设备已不存在，U盘可能已被拔出",
    errno.EBUSY: "文件正被其他程序使用",
    errno.EEXIST: "同名文件已存在",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EFBIG: "文件太大，目标磁盘（如 FAT32 格式的U盘）放不下",
}
_SQLITE_ERRORS = (
    ("malformed", "数据库文件已损坏"),
    ("not a database", "不是数据库文件"),
    ("locked", "数据库正被其他程序使用"),
    ("busy", "数据库正被其他程序使用"),
    ("readonly", "数据库文件是只读的"),
    ("disk i/o", "读写磁盘出错"),
    ("full", "磁盘空间不足"),
    ("unable to open", "无法打开数据库文件"),
)


def os_error_text(exc: OSError) -> str:
    """A short Chinese reason for an OSError, e.g. “磁盘空间不足”."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    winerror = getattr(exc, "winerror", None)
    code = winerror if winerror is not None else exc.errno
    return f"系统错误（代码 {code}）" if code is not None else "系统错误"


def sqlite_error_text(exc: Exception) -> str:
    """A short Chinese reason for an sqlite3/SQLAlchemy database error."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needle, reason in _SQLITE_ERRORS:
        if needle in text:
            return reason
    return "数据库出错"


# Full sentences (cause and fix) for the failures a user can do something about. SQLite's
# primary result codes: https://sqlite.org/rescode.html
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26
DISK_FULL_MESSAGE = ("磁盘空间不足，操作未完成，已保存的记录不受影响。"
                     "请删除不用的文件、清空回收站，腾出磁盘空间后再试。")
BUSY_MESSAGE = ("数据库正被另一个程序写入（例如打开着的支部工作记录本窗口或另一个命令），"
                "操作未完成，已保存的记录不受影响。请等它完成或关闭它后再试。")
_EXPLAINED_BY_CODE = {
    _SQLITE_FULL: DISK_FULL_MESSAGE,
    _SQLITE_BUSY: BUSY_MESSAGE,
    _SQLITE_LOCKED: BUSY_MESSAGE,
    _SQLITE_READONLY: "数据库文件是只读的（或所在文件夹不可写），操作未完成。请检查文件属性和文件夹权限后再试。",
    _SQLITE_IOERR: "读写磁盘出错，操作未完成。请检查磁盘空间和磁盘是否正常，然后再试；如反复出现，请运行 check 命令检查数据库。",
    _SQLITE_CORRUPT: "数据库文件已损坏，操作未完成。请运行 check 命令查看，并用 restore 命令从最近的完好备份恢复。",
    _SQLITE_NOTADB: "数据库文件已损坏或不是数据库文件，操作未完成。请检查 --db 的路径，或用 restore 命令从备份恢复。",
    _SQLITE_CANTOPEN: "无法打开数据库文件，操作未完成。请检查路径是否正确、文件夹是否存在并可写。",
}
_EXPLAINED_BY_TEXT = (
    ("database or disk is full", DISK_FULL_MESSAGE),
    ("database is locked", BUSY_MESSAGE),
    ("database table is locked", BUSY_MESSAGE),
    ("database is busy", BUSY_MESSAGE),
    ("disk image is malformed", _EXPLAINED_BY_CODE[_SQLITE_CORRUPT]),
    ("file is not a database", _EXPLAINED_BY_CODE[_SQLITE_NOTADB]),
    ("readonly database", _EXPLAINED_BY_CODE[_SQLITE_READONLY]),
    ("disk i/o error", _EXPLAINED_BY_CODE[_SQLITE_IOERR]),
    ("unable to open database", _EXPLAINED_BY_CODE[_SQLITE_CANTOPEN]),
    # a committee's PostgreSQL server (models.server)
    ("row-level security policy", "当前数据库用户只能修改本党支部的记录（服务器按党支部分配了访问权限），操作未完成。"),
    ("permission denied", "当前数据库用户没有这项操作的权限，操作未完成。请服务器管理员授权（main.py server grant）。"),
    ("deadlock detected", "与其他用户同时保存时发生冲突，操作未完成，已保存的记录不受影响。请再试一次。"),
    ("could not serialize access", "其他用户同时修改了相同的记录，操作未完成，已保存的记录不受影响。请再试一次。"),
    ("server closed the connection", "与数据库服务器的连接中断，操作未完成。请检查网络后再试。"),
    ("connection is closed", "与数据库服务器的连接中断，操作未完成。请检查网络后再试。"),
)


def disk_nearly_full(path: object) -> bool:
    """True when the disk holding ``path`` (a file or folder) has less than 1 MB free — what
    SQLite reports as a “disk I/O error” when it cannot grow its -shm or journal file."""
    import os
    import shutil

    folder = os.fspath(path)  # type: ignore[call-overload]
    while folder and not os.path.isdir(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    try:
        return shutil.disk_usage(folder or ".").free < 1024 * 1024
    except OSError:
        return False


def is_damage(exc: BaseException) -> bool:
    """True when an SQLite error means the file itself is damaged (or not a database) — not
    a full disk, a busy database or a permission, where restoring a backup would not help."""
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(orig).lower()
    return "malformed" in text or "not a database" in text


def explain(exc: BaseException, near: object = None) -> str | None:
    """A Chinese sentence naming the cause and the fix for a full disk, a database another
    program is writing, a read-only, unreadable or damaged file — or None for a real bug.

    Takes sqlite3 errors, SQLAlchemy's wrappers of them (``.orig``) and OSErrors. ``near``: the
    database's path, so that an I/O error on a full disk is called a full disk."""
    if near is not None and not is_damage(exc) and disk_nearly_full(near) and _is_io_failure(exc):
        return DISK_FULL_MESSAGE
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # look through wrappers and causes
        seen.add(id(current))
        if isinstance(current, BranchBookError):
            return current.message
        if isinstance(current, OSError) and current.errno is not None:
            if current.errno in (errno.ENOSPC, errno.EDQUOT):
                return DISK_FULL_MESSAGE
            if current.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                where = f"“{current.filename}”" if current.filename else "文件"
                return f"没有权限写入{where}（{os_error_text(current)}），操作未完成。请检查文件和文件夹的权限，或换一个位置。"
            if current.errno in _OS_ERRORS:
                where = f"“{current.filename}”" if current.filename else "文件"
                return f"读写{where}时出错（{os_error_text(current)}），操作未完成，已保存的记录不受影响。"
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _EXPLAINED_BY_CODE:
            return _EXPLAINED_BY_CODE[code & 0xFF]
        text = str(current).lower()
        if type(current).__module__.startswith(("sqlite3", "sqlalchemy")):
            for needle, message in _EXPLAINED_BY_TEXT:
                if needle in text:
                    return message
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def require_file(path: object, what: str, fix: str, error: type[BranchBookError] = BranchBookError) -> None:
    """Raise ``error`` unless ``path`` is an existing file: a folder is called a folder (not
    “找不到”), a missing file is called missing. ``what``: 备份文件, 数据库文件 …"""
    import os

    text = os.fspath(path)  # type: ignore[call-overload]
    if os.path.isdir(text):
        raise error(f"“{text}”是一个文件夹，不是{what}。请选择文件夹里的{what}本身。")
    if not os.path.isfile(text):
        raise error(f"找不到{what}“{text}”。{fix}")


def _is_io_failure(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN)
    return isinstance(orig, OSError) or any(
        needle in str(orig).lower() for needle in ("disk i/o", "full", "unable to open"))
