"""The main window: navigation, toolbar, the signals of the embedded pages, remembered
settings, Qt's Chinese buttons, the exception hook and the first-run dialog."""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QCoreApplication, QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from models import paths
from models.db import Database
from models.enums import MeetingStatus, MeetingType
from models.meetings import list_meetings
from models.roster import list_branches
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting, ime_type
from ui import look, msgbox
from ui.first_run import BranchDialog
from ui.look import apply_look, install_excepthook
from ui.main_window import VIEWS, MainWindow
from ui.meeting_editor import MeetingEditor
from ui.settings import LAST_VIEW, SPLITTER_SIZES, WINDOW_GEOMETRY, Settings
from ui.window_start import due_text

# shared fixtures (see gui_support)
answer = gui_support.answer
branch = gui_support.branch

DAY = date.today() - timedelta(days=1)


@pytest.fixture
def window(qtbot: QtBot, db: Database, branch: SmallBranch, answer: list) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    return win


def _editors(window: MainWindow) -> list[MeetingEditor]:
    return [e for e in window.findChildren(MeetingEditor) if e.isVisible()]


def test_title_navigation_and_pages(window: MainWindow) -> None:
    assert window.windowTitle() == "测试第一党支部 — 支部工作记录本"
    assert [window.nav.item(i).text().split("（")[0] for i in range(window.nav.count())] == [v[1] for v in VIEWS]
    window.nav.setCurrentRow(1)
    assert window.stack.currentWidget() is window.roster_page
    window.show_view("backup")
    assert window.stack.currentWidget() is window.backup_page and window.current_view() == "backup"
    assert str(window.db.path) in window.db_label.text()
    assert window.backup_label.text() == window.backup_page.last_backup_text()


def test_ctrl_n_opens_a_new_meeting_and_saving_updates_the_list(qtbot: QtBot, window: MainWindow,
                                                                db: Database, branch: SmallBranch) -> None:
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editors = _editors(window)
    assert len(editors) == 1 and editors[0].meeting_id is None
    editor = editors[0]
    editor.form.date_edit.setDate(editor.form.date_edit.date().addDays(-1))
    assert editor.save()
    assert window.meetings_page.model.total() == 1
    assert window.meetings_page.selected_id() == editor.meeting_id
    assert window.editors[editor.meeting_id] is editor
    assert window.open_meeting(editor.meeting_id) is editor  # not opened twice


def test_stats_page_requests_a_preset_meeting_and_sets_the_badge(window: MainWindow, branch: SmallBranch) -> None:
    window.stats_page.new_meeting_requested.emit(str(MeetingType.GROUP), date(2026, 3, 1), branch.group_b)
    editor = _editors(window)[-1]
    assert editor.form.meeting_type() == MeetingType.GROUP
    assert editor.form.held_on() == date(2026, 3, 1) and editor.form.group_id() == branch.group_b
    assert {e.name for e in editor.attendance.entries()} == {"张宣传", "孙三", "周四", "吴预备"}
    window.stats_page.alerts_changed.emit(3)
    assert window.nav.item(3).text() == "统计与提醒（3）"
    window.stats_page.alerts_changed.emit(0)
    assert window.nav.item(3).text() == "统计与提醒"


def test_start_up_shows_badge_and_due_notice_from_one_computation(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                                   answer: list,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from models import compliance
    from ui import stats_page

    calls: list[int] = []
    real = compliance.compliance_for_year

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compliance, "compliance_for_year", counted)
    monkeypatch.setattr(stats_page, "compliance_for_year", counted)
    win = MainWindow(db)
    qtbot.addWidget(win)
    assert calls == []  # nothing but the meetings list is read before the window is on screen
    with qtbot.waitSignal(win.started, timeout=20000):
        win.show()
    assert len(calls) == 1  # the year is computed once, for the page, the badge and the notice
    with db.reading() as s:
        due = compliance.due_this_month(s, branch.branch_id)
        alerts = real(s, branch.branch_id, date.today().year).alerts
    assert alerts and win.nav.item(3).text() == f"统计与提醒（{len(alerts)}）"
    assert due and f"本月尚需召开：{due_text(due)}。" in win.notice.text()


def test_a_member_added_in_the_roster_can_be_chosen_for_a_study_note(window: MainWindow, db: Database,
                                                                     branch: SmallBranch) -> None:
    from models import roster
    from models.enums import Gender

    combo = window.notes_page.member_combo
    combo.setCurrentIndex(combo.findText("赵一"))
    with db.transaction() as s:
        roster.create_member(s, branch.branch_id, roster.MemberInput(
            name="郑新", gender=Gender.FEMALE, joined_on=date(2020, 7, 1)))
    window.roster_page.changed.emit()  # as the member editor's save does
    assert combo.findText("郑新") > 0
    assert combo.currentText() == "赵一"  # what was chosen stays chosen


def _status_bar_texts(window: MainWindow) -> list[str]:
    """Every text a person sees in the status bar: the temporary message and the visible labels."""
    labels = [w.text() for w in window.statusBar().findChildren(QLabel) if w.isVisible() and w.text()]
    return [window.statusBar().currentMessage(), *labels]


def test_a_backup_shows_its_date_once_in_the_status_bar(qtbot: QtBot, window: MainWindow, db: Database,
                                                        tmp_path: Path) -> None:
    page = window.backup_page
    page.set_target(tmp_path)
    with qtbot.waitSignal(page.backup_done, timeout=20000):
        qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    texts = _status_bar_texts(window)
    assert sum("最近备份" in t for t in texts) == 1, texts
    assert window.backup_label.text() == page.last_backup_text()
    assert window.backup_label.text().startswith("最近备份：")


def test_backup_signals_reach_the_status_bar_and_a_restore_reloads(window: MainWindow, db: Database,
                                                                   branch: SmallBranch,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window.backup_page.backup_done.emit("最近备份：2026年11月20日 18:02")
    assert window.backup_label.text() == "最近备份：2026年11月20日 18:02"
    calls: list[bool] = []
    monkeypatch.setattr(window.backup_page, "backup_to_removable", lambda: calls.append(True))
    window.backup_action.trigger()
    assert calls == [True]
    add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, DAY, "恢复后出现的会议")
    window.show_view("roster")
    window.backup_page.database_replaced.emit()
    assert window.meetings_page.model.total() == 1 and window.current_view() == "roster"
    assert window.stack.count() == len(VIEWS)


def test_print_menu_sends_the_right_document(window: MainWindow, db: Database, branch: SmallBranch,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("ui.preview.preview_report",
                        lambda parent, db, kind, **kw: calls.append((kind, kw)))
    window.print_action.trigger()
    assert calls == [] and "请先在“会议记录”列表中选择一次会议" in msgbox.ASKED[-1]
    mid = add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, date(2025, 6, 3), "六月支委会")
    window.meetings_page.reload()
    window.meetings_page.select_meeting(mid)
    window.print_action.trigger()
    window.print_actions["signin"].trigger()
    bid = branch.branch_id
    assert calls == [("minutes", {"branch_id": bid, "meeting_id": mid}),
                     ("signin", {"branch_id": bid, "meeting_id": mid})]


def _ok(dialog: QWidget) -> None:
    box = dialog.findChild(QDialogButtonBox)
    QTest.mouseClick(box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_month_and_year_are_asked_for_not_taken_from_the_selection(
        window: MainWindow, db: Database, branch: SmallBranch, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr("ui.preview.preview_report",
                        lambda parent, db, kind, **kw: calls.append((kind, kw)))
    add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, date(2025, 6, 3), "六月支委会")
    add_meeting(db, branch.branch_id, MeetingType.THEME_DAY, date(2025, 9, 20), "九月主题党日")
    later = date.today() + timedelta(days=40)
    plan = add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, later, "计划中的支委会",
                       status=MeetingStatus.PLANNED)
    window.meetings_page.refresh_years()
    window.meetings_page.reload()
    window.meetings_page.select_meeting(plan)  # a plan months ahead is selected: not what is printed
    window.print_actions["monthly"].trigger()
    dialog = window.period_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "打印本月汇编"
    assert (dialog.year(), dialog.month()) == (2025, "2025-09")  # the last month with held meetings
    assert calls == []
    dialog.month_combo.setCurrentIndex(dialog.month_combo.findText("6月"))
    _ok(dialog)
    assert calls == [("monthly", {"branch_id": branch.branch_id, "month": "2025-06"})]

    window.print_actions["annual"].trigger()
    dialog = window.period_dialog
    assert dialog.windowTitle() == "打印年度台账" and dialog.year() == 2025
    assert dialog.month_combo.isHidden()
    dialog.year_spin.setValue(2024)
    _ok(dialog)
    assert calls[-1] == ("annual", {"branch_id": branch.branch_id, "year": 2024})
    window.print_actions["annual"].trigger()
    window.period_dialog.reject()  # 取消: nothing is built
    assert len(calls) == 2


def test_view_and_geometry_are_remembered(qtbot: QtBot, window: MainWindow, db: Database) -> None:
    window.show_view("notes")
    window.splitter.setSizes([230, 900])
    window.close()
    assert (paths.data_dir() / "window.ini").exists()
    settings = Settings()
    assert settings.get(LAST_VIEW) == "notes" and settings.get(SPLITTER_SIZES) == window.splitter.sizes()
    assert settings.get(SPLITTER_SIZES)[0] == 230 and not settings.get(WINDOW_GEOMETRY).isEmpty()
    # the offscreen test screen is 800 px wide: restore the splitter in a window of the usual size
    settings.set(WINDOW_GEOMETRY, QByteArray())
    again = MainWindow(db)
    qtbot.addWidget(again)
    again.show()
    assert again.current_view() == "notes"
    assert again.splitter.sizes()[0] == 230


def test_close_with_unsaved_editor_can_be_cancelled(qtbot: QtBot, window: MainWindow) -> None:
    editor = window.new_meeting(MeetingType.COMMITTEE, DAY)
    ime_type(editor.minutes_edit, "还没保存的内容")
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert window.isVisible() and editor.isVisible()
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Discard
    assert window.close()


def test_qt_standard_buttons_speak_chinese(qapp: QApplication) -> None:
    font, locale = qapp.font(), QLocale()
    try:
        apply_look(qapp)
        assert QCoreApplication.translate("QPlatformTheme", "&Yes").startswith("是")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert qapp.font().family() in look.UI_FONTS
    finally:  # leave the shared test application as other tests expect it
        for translator in look._translators:
            qapp.removeTranslator(translator)
        look._translators.clear()
        qapp.setFont(font)
        QLocale.setDefault(locale)


def _english_words(texts: list[str]) -> list[str]:
    return [t for t in texts if re.search("[A-Za-z]{2,}", t.replace("PDF", ""))]


def test_qt_file_and_print_dialogs_speak_chinese(qapp: QApplication) -> None:
    """Qt's own file dialog (what Linux shows: no native one) and print dialog: every label,
    button and tooltip in Chinese, including the words Qt's zh_CN catalogue lacks."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel

    font, locale = qapp.font(), QLocale()
    try:
        apply_look(qapp)
        for mode in (QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave):
            dialog = QFileDialog(None, "选择备份文件")
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            dialog.setAcceptMode(mode)
            dialog.setNameFilters(["支部工作记录本备份 (*.bbk)", "所有文件 (*)"])
            dialog.show()
            labels = [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()]
            buttons = [w.text() for w in dialog.findChildren(QAbstractButton) if w.isVisible() and w.text()]
            tips = [w.toolTip() for w in dialog.findChildren(QAbstractButton) if w.isVisible() and w.toolTip()]
            plain = [re.sub(r"\(&\w\)", "", t) for t in labels]  # Qt 6.9's source has no mnemonic here
            assert "查找范围：" in plain and "文件类型：" in plain, labels
            assert len(tips) >= 5 and not _english_words(labels + buttons + tips), labels + buttons + tips
            dialog.close()
        printer = QPrinter()  # kept alive: the dialog only points at it
        printing = QPrintDialog(printer)
        printing.show()
        texts = [w.text() for w in printing.findChildren(QLabel) if w.text()]
        assert texts and not _english_words(texts), texts
        printing.close()
    finally:  # leave the shared test application as other tests expect it
        for translator in look._translators:
            qapp.removeTranslator(translator)
        look._translators.clear()
        qapp.setFont(font)
        QLocale.setDefault(locale)


def test_extra_qt_translations_are_compiled_from_their_source(tmp_path: Path) -> None:
    """The .qm the program loads is what pyside6-lrelease makes of the .ts beside it."""
    import shutil
    import subprocess

    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    if not Path(lrelease).exists():
        pytest.skip("pyside6-lrelease not installed")
    folder = paths.resource("translations")
    made = tmp_path / "made.qm"
    subprocess.run([lrelease, str(folder / f"{look.QT_EXTRA_TRANSLATIONS}.ts"), "-qm", str(made)],
                   check=True, capture_output=True, timeout=60)
    assert made.read_bytes() == (folder / f"{look.QT_EXTRA_TRANSLATIONS}.qm").read_bytes()


def test_uncaught_error_shows_a_chinese_report_and_is_logged(window: MainWindow,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook(lambda: window)
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    assert msgbox.ASKED[-1].startswith("意外错误")
    logs = list(paths.logs_dir().glob("error-*.txt"))
    assert len(logs) == 1 and "ZeroDivisionError" in logs[0].read_text(encoding="utf-8")
    assert window.isVisible()


def test_first_run_asks_for_the_branch(qtbot: QtBot, db: Database) -> None:
    dialog = BranchDialog(db)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.name_error.text() == "支部名称不能为空，请填写党支部全称。" and dialog.branch_id is None
    ime_type(dialog.name_edit, "中共某某局机关第一党支部")
    ime_type(dialog.superior_edit, "中共某某局机关委员会")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.result() == BranchDialog.DialogCode.Accepted
    with db.reading() as s:
        [info] = list_branches(s)
        assert list_meetings(s, info.id) == []
    assert (info.id, info.name, info.superior_org) == (dialog.branch_id, "中共某某局机关第一党支部", "中共某某局机关委员会")


def test_ctrl_f_goes_to_search_and_ctrl_p_prints(qtbot: QtBot, window: MainWindow,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr("ui.preview.preview_report", lambda parent, db, kind, **kw: calls.append(kind))
    window.show_view("notes")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view() == "meetings" and window.meetings_page.search_box.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert calls == [] and "请先在“会议记录”列表中选择一次会议" in msgbox.ASKED[-1]


def test_close_with_an_unsaved_study_note_asks_first(qtbot: QtBot, window: MainWindow, db: Database,
                                                     branch: SmallBranch) -> None:
    from models import notes

    window.show_view("meetings")
    page = window.notes_page
    ime_type(page.title_edit, "关窗前写的心得")
    msgbox.ASKED.clear()
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert window.isVisible() and window.current_view() == "notes" and len(msgbox.ASKED) == 1
    msgbox.AUTO_ANSWER = QMessageBox.StandardButton.Save
    assert window.close()
    with db.reading() as s:
        assert [n.title for n in notes.list_notes(s, branch.branch_id)] == ["关窗前写的心得"]


def test_a_page_asked_for_before_start_up_ends_is_built_on_the_spot(qtbot: QtBot, db: Database,
                                                                    branch: SmallBranch, answer: list) -> None:
    from ui.roster_page import RosterPage

    win = MainWindow(db)
    qtbot.addWidget(win)
    win.nav.setCurrentRow(1)  # 党员名册, clicked before the window has even painted
    assert isinstance(win.stack.currentWidget(), RosterPage) and win.current_view() == "roster"
    with qtbot.waitSignal(win.started, timeout=20000):
        win.show()
    assert win.stack.currentWidget() is win.roster_page  # built once, not replaced by start-up
    assert win.nav.item(3).text().startswith("统计与提醒") and win.backup_label.text()


def test_the_band_counts_many_groups_due_instead_of_naming_them() -> None:
    """December in a branch of eleven groups: the band says what kinds are due in one line."""
    groups = [f"第{n}党小组会" for n in "一二三四五六七八九十"] + ["青年 党小组会"]
    due = ["党员大会", *groups, "党课", "主题党日", "组织生活会"]
    assert due_text(due) == "党员大会、11 个党小组的党小组会、党课、主题党日、组织生活会"
    assert due_text(["支委会", "第一党小组会", "第二党小组会"]) == "支委会、第一党小组会、第二党小组会"
