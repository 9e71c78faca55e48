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
