"""The meeting editors open over the main window: one per saved meeting (opening it again raises
it), as many new ones as asked for. A save or a deletion refreshes the window's lists; before the
records are read again (a restore, a merge, another branch) or the window closes, each open editor
asks 保存 / 不保存 / 取消 where typing would be lost."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from models.enums import MeetingType

if TYPE_CHECKING:  # imported when the first editor opens: the window paints sooner
    from ui.main_window import MainWindow
    from ui.meeting_editor import MeetingEditor


class MeetingEditors:
    def __init__(self, window: MainWindow) -> None:
        self._window = window
        #: the editor of each saved meeting (``window.editors``)
        self.by_meeting: dict[int | None, MeetingEditor] = {}

    def _editor(self, meeting_id: int | None, **preset: object) -> MeetingEditor:
        from ui.meeting_editor import MeetingEditor

        window = self._window
        editor = MeetingEditor(window.db, window.branch_id, meeting_id, parent=window, **preset)  # type: ignore[arg-type]
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.saved.connect(lambda saved_id, e=editor: self._saved(e, saved_id))
        editor.deleted.connect(lambda _id: window.records_changed())
        editor.destroyed.connect(lambda *_a, e=editor: self._forget(e))
        return editor

    def _forget(self, editor: MeetingEditor) -> None:
        for key, value in list(self.by_meeting.items()):
            if value is editor:
                del self.by_meeting[key]

    def open(self, meeting_id: int) -> MeetingEditor:
        """The editor of ``meeting_id``, opened or raised."""
        editor = self.by_meeting.get(meeting_id)
        if editor is None:
            editor = self._editor(meeting_id)
            self.by_meeting[meeting_id] = editor
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def new(self, meeting_type: MeetingType | None = None, day: date | None = None,
            group_id: int | None = None) -> MeetingEditor:
        """An editor for a new meeting, with what is known of it filled in."""
        editor = self._editor(None, meeting_type=meeting_type, held_on=day, group_id=group_id)
        editor.show()
        return editor

    def _saved(self, editor: MeetingEditor, meeting_id: int) -> None:
        self._forget(editor)
        self.by_meeting[meeting_id] = editor
        self._window.records_changed()
        self._window.meetings_page.select_meeting(meeting_id)

    def close_all(self, *, raise_kept: bool) -> bool:
        """Close every open editor, each asking first where typing would be lost; False (and the
        rest left open) when the person keeps one, raised above the others when ``raise_kept``."""
        from ui.meeting_editor import MeetingEditor

        found = self._window.findChildren(MeetingEditor)
        for editor in dict.fromkeys([*self.by_meeting.values(), *found]):
            if editor.isVisible() and not editor.close():
                if raise_kept:
                    editor.raise_()
                return False
        return True

    def drop_all(self) -> None:
        """The records under the editors changed: close them without asking, typing dropped."""
        for editor in list(self.by_meeting.values()):
            editor.snapshot = editor.collect()
            editor.close()
