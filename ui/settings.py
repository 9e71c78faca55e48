"""Window settings declared once with type and default, behind one QSettings wrapper
(after Picard's options.py). Per-branch rules live in the database (models.settings_store);
this file only remembers how the window looked.

The file is an INI under ``models.paths.data_dir()``, so tests (which redirect the data
folder to tmp) never touch a real profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from models.paths import data_dir

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    """A declared option: its key, its type and its default."""

    key: str
    kind: type
    default: T


_OPTIONS: dict[str, Option[Any]] = {}


def declare(key: str, kind: type, default: T) -> Option[T]:
    option: Option[T] = Option(key, kind, default)
    _OPTIONS[key] = option
    return option


WINDOW_GEOMETRY = declare("window/geometry", QByteArray, QByteArray())
WINDOW_STATE = declare("window/state", QByteArray, QByteArray())
SPLITTER_SIZES = declare("window/splitter_sizes", list, [180, 1000])
LAST_VIEW = declare("window/last_view", str, "meetings")
SHOW_FULL_NUMBERS = declare("roster/show_full_numbers", bool, False)
EDITOR_GEOMETRY = declare("editor/geometry", QByteArray, QByteArray())
LAST_ATTACHMENT_DIR = declare("editor/last_attachment_dir", str, "")
PREVIEW_GEOMETRY = declare("preview/geometry", QByteArray, QByteArray())
MEMBER_GEOMETRY = declare("member_editor/geometry", QByteArray, QByteArray())
IMPORT_GEOMETRY = declare("roster_import/geometry", QByteArray, QByteArray())
#: 界面字号: one of FONT_SIZES' keys, applied to the whole window (older secretaries ask for 大字号).
FONT_SIZE = declare("look/font_size", str, "standard")
FONT_SIZES = {"standard": ("标准", 10), "large": ("大", 12), "xlarge": ("特大", 14)}
#: the server the window was on when it closed ("用户@主机:端口/库名", never a password; "" : a local file)
LAST_SERVER = declare("database/last_server", str, "")
#: the local database file the window last showed (打开本机数据库 goes back to it; "": the default one)
LAST_LOCAL_DB = declare("database/last_local", str, "")
RECENT_SERVER_COUNT = 8


class Settings:
    """Typed access to the declared options."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        if qsettings is None:
            qsettings = QSettings(str(data_dir() / "window.ini"), QSettings.Format.IniFormat)
        self.q = qsettings

    def get(self, option: Option[T]) -> T:
        if option.key not in _OPTIONS:
            raise KeyError(option.key)
        raw = self.q.value(option.key, None)
        if raw is None:
            return option.default
        try:
            return self._convert(option, raw)
        except (TypeError, ValueError):
            return option.default

    def set(self, option: Option[T], value: T) -> None:
        if option.key not in _OPTIONS:
            raise KeyError(option.key)
        self.q.setValue(option.key, value)

    def chosen_branch(self, database: str) -> int | None:
        """The branch last chosen in the database ``database`` (its uuid, or its path)."""
        raw = self.q.value(self._branch_key(database), None)
        try:
            return int(raw) if raw is not None else None
        except (TypeError, ValueError):
            return None

    def set_chosen_branch(self, database: str, branch_id: int) -> None:
        self.q.setValue(self._branch_key(database), branch_id)

    @staticmethod
    def _branch_key(database: str) -> str:
        # QSettings keys must not hold '/' or '\\' (a path): keep letters, digits and '-'
        return "branches/" + "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in database)

    def recent_servers(self) -> list[str]:
        """最近的服务器, newest first (addresses only: a password is never kept here)."""
        raw = self.q.value("database/recent_servers", None)
        items = raw if isinstance(raw, list) else ([raw] if isinstance(raw, str) and raw else [])
        return [str(x) for x in items if str(x)][:RECENT_SERVER_COUNT]

    def add_recent_server(self, label: str) -> None:
        kept = [x for x in self.recent_servers() if x != label]
        self.q.setValue("database/recent_servers", [label, *kept][:RECENT_SERVER_COUNT])

    def sync(self) -> None:
        self.q.sync()

    @staticmethod
    def _convert(option: Option[T], raw: Any) -> T:
        kind = option.kind
        if kind is bool:
            if isinstance(raw, str):
                return raw.lower() in ("true", "1", "yes")  # type: ignore[return-value]
            return bool(raw)  # type: ignore[return-value]
        if kind is list:
            items = raw if isinstance(raw, list) else [raw]
            return [int(x) for x in items]  # type: ignore[return-value]
        if kind is QByteArray:
            return raw if isinstance(raw, QByteArray) else QByteArray(raw)  # type: ignore[return-value]
        return kind(raw)  # type: ignore[no-any-return]
