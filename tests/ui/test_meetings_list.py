"""The meetings list: the table model alone (no widgets), then the page's filters and search."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import models.meetings
from models.db import Database
from models.enums import MeetingStatus, MeetingType
from models.meetings import AttendanceInput, MeetingRow, list_meetings
from tests.ui import gui_support
from tests.ui.gui_support import SmallBranch, add_meeting, ime_type
from ui.meetings_model import (
    BATCH,
    COL_COUNTS,
    COL_DATE,
    COL_STATUS,
    COL_TITLE,
    COL_TYPE,
    ROW_ROLE,
    SORT_ROLE,
    MeetingsProxyModel,
    MeetingsTableModel,
)
from ui.meetings_page import MeetingsPage

# shared fixtures (see gui_support)
answer = gui_support.answer
branch = gui_support.branch


def _rows(n: int) -> list[MeetingRow]:
    return [MeetingRow(i + 1, date(2020 + i % 5, 1 + i % 12, 1 + i % 28), MeetingType.GROUP, f"会议{i}", "主持人",
                       "第一党小组", 10, i % 11, MeetingStatus.FINAL, 10) for i in range(n)]


def test_model_hands_rows_out_in_batches() -> None:
    model = MeetingsTableModel()
    model.set_rows(_rows(450))
    assert model.rowCount() == BATCH and model.total() == 450 and model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    model.set_rows(_rows(3))
    assert model.rowCount() == 3 and not model.canFetchMore()


def test_model_shows_chinese_and_sorts_on_raw_values() -> None:
    model = MeetingsTableModel()
    model.set_rows(_rows(12))
    first = model.index(0, 0)
    assert model.index(0, COL_TYPE).data() == "党小组会（第一党小组）"
    assert model.index(0, COL_STATUS).data() == "定稿"
    assert model.index(3, COL_COUNTS).data() == "10/3"
    assert model.headerData(COL_DATE, Qt.Orientation.Horizontal) == "日期"
    assert isinstance(first.data(ROW_ROLE), MeetingRow)
    proxy = MeetingsProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(COL_COUNTS, Qt.SortOrder.AscendingOrder)
    rates = [proxy.index(r, COL_COUNTS).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert rates == sorted(rates) and proxy.row_at(0).present == 0
    proxy.sort(COL_DATE, Qt.SortOrder.DescendingOrder)
    days = [proxy.row_at(r).held_on for r in range(proxy.rowCount())]
    assert days == sorted(days, reverse=True)


def test_planned_meeting_shows_no_counts_yet() -> None:
    model = MeetingsTableModel()
    model.set_rows([MeetingRow(1, date(2026, 12, 5), MeetingType.COMMITTEE, "支委会", "书记", "", 0, 0,
                               MeetingStatus.PLANNED)])
    assert model.index(0, COL_COUNTS).data() == "—" and model.index(0, COL_STATUS).data() == "计划"


def test_model_reads_further_pages_only_when_asked() -> None:
    rows = _rows(450)
    asked: list[int] = []

    def load_more(last: MeetingRow) -> list[MeetingRow]:
        asked.append(last.id)
        return rows[last.id:last.id + BATCH]

    model = MeetingsTableModel()
    model.set_rows(rows[:BATCH], total=450, load_more=load_more)
    assert model.rowCount() == BATCH and model.total() == 450 and model.canFetchMore() and asked == []
    model.fetchMore()
    assert asked == [BATCH] and model.rowCount() == 2 * BATCH and model.loaded() == 2 * BATCH
    assert model.row_of(440) == 439 and asked == [BATCH, 2 * BATCH]
    model.fetchMore()
    assert model.rowCount() == 450 and not model.canFetchMore()
    assert model.row_of(9999) is None and len(asked) == 2  # everything is read: nothing more to ask


def test_model_finds_a_meeting_beyond_the_first_batch() -> None:
    model = MeetingsTableModel()
    model.set_rows(_rows(500))
    assert model.row_of(480) == 479 and model.rowCount() >= 480
    assert model.row_of(9999) is None


@pytest.fixture
def page(qtbot: QtBot, db: Database, branch: SmallBranch) -> MeetingsPage:
    b = branch.branch_id
    add_meeting(db, b, MeetingType.COMMITTEE, date(2025, 3, 4), "支委会研究发展党员", minutes="讨论了入党积极分子")
    add_meeting(db, b, MeetingType.COMMITTEE, date(2025, 4, 8), "支委会例会")
    add_meeting(db, b, MeetingType.PARTY_LECTURE, date(2025, 4, 20), "书记讲党课", lecturer_member_id=branch.secretary,
                lecture_topic="学习新党章")
    add_meeting(db, b, MeetingType.GROUP, date(2024, 12, 1), "第一党小组学习", group_id=branch.group_a)
    widget = MeetingsPage(db, b)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _titles(page: MeetingsPage) -> list[str]:
    return [page.proxy.row_at(r).title for r in range(page.proxy.rowCount())]


def test_filters_by_type_year_and_month(page: MeetingsPage) -> None:
    assert _titles(page) == ["书记讲党课", "支委会例会", "支委会研究发展党员", "第一党小组学习"]
    assert page.count_label.text() == "共 4 条"
    assert [page.year_filter.itemText(i) for i in range(page.year_filter.count())] == ["全部年份", "2025年", "2024年"]
    assert not page.month_filter.isEnabled()
    page.type_filter.setCurrentIndex(page.type_filter.findData(str(MeetingType.COMMITTEE)))
    assert _titles(page) == ["支委会例会", "支委会研究发展党员"]
    page.year_filter.setCurrentIndex(page.year_filter.findData(2025))
    assert page.month_filter.isEnabled()
    page.month_filter.setCurrentIndex(page.month_filter.findData(4))
    assert _titles(page) == ["支委会例会"]
    page.type_filter.setCurrentIndex(0)
    assert _titles(page) == ["书记讲党课", "支委会例会"]
    page.year_filter.setCurrentIndex(0)
    assert not page.month_filter.isEnabled() and len(_titles(page)) == 4


def test_search_is_debounced_and_matches_minutes_and_topics(qtbot: QtBot, page: MeetingsPage,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []
    real = models.meetings.list_meetings  # the page looks it up there on each query

    def counting(*args: object, **kwargs: object) -> list[MeetingRow]:
        calls.append(kwargs.get("text"))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(models.meetings, "list_meetings", counting)
    for ch in "积极分子":  # four keystrokes, one query
        ime_type(page.search_box, ch)
    assert calls == [] and page.search_timer.isActive()
    qtbot.waitUntil(lambda: calls == ["积极分子"])
    assert _titles(page) == ["支委会研究发展党员"]
    page.search_box.clear()
    ime_type(page.search_box, "新党章")
    qtbot.waitUntil(lambda: len(calls) == 2)
    assert _titles(page) == ["书记讲党课"]


def test_double_click_asks_to_open_and_selection_survives_reload(qtbot: QtBot, page: MeetingsPage) -> None:
    target = page.proxy.row_at(1)
    page.select_meeting(target.id)
    assert page.selected_id() == target.id
    page.reload()
    assert page.selected_id() == target.id
    index = page.proxy.index(1, 2)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_requested, timeout=1000) as signal:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [target.id]


def test_ten_years_open_in_batches(qtbot: QtBot, db: Database) -> None:
    from models.demo import generate_demo
    from models.roster import default_branch

    generate_demo(db, years=10, members=20, seed=3)
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]
    widget = MeetingsPage(db, branch_id)
    qtbot.addWidget(widget)
    total = widget.model.total()
    assert total > BATCH * 2
    assert widget.proxy.rowCount() < total  # not every row handed to the view at once
    assert widget.model.loaded() == BATCH  # nor read from the database: start-up stays flat
    assert widget.count_label.text() == f"共 {total} 条"
    with db.reading() as s:
        oldest = list_meetings(s, branch_id)[-1]
    assert widget.select_meeting(oldest.id)  # reads on until it reaches the first year
    assert widget.selected_id() == oldest.id and widget.model.loaded() == total
    widget.search_box.setText(oldest.title)
    widget.reload()
    assert oldest.id in [widget.proxy.row_at(r).id for r in range(widget.proxy.rowCount())]


def test_paged_list_equals_the_whole_list(db: Database) -> None:
    from models.demo import generate_demo
    from models.meetings import count_meetings
    from models.roster import default_branch

    generate_demo(db, years=3, members=20, seed=5)
    with db.reading() as s:
        branch_id = default_branch(s).id  # type: ignore[union-attr]
        whole = list_meetings(s, branch_id)
        paged = list_meetings(s, branch_id, limit=50)
        while len(paged) < len(whole):
            page = list_meetings(s, branch_id, limit=50, older_than=(paged[-1].held_on, paged[-1].id))
            assert page
            paged += page
        assert paged == whole and count_meetings(s, branch_id) == len(whole)
        group = list_meetings(s, branch_id, meeting_type=MeetingType.GROUP, year=whole[0].held_on.year)
        assert count_meetings(s, branch_id, meeting_type=MeetingType.GROUP, year=whole[0].held_on.year) == len(group)


def test_pasting_a_whole_document_into_search_is_cut_not_a_crash(page: MeetingsPage) -> None:
    from models.validation import MAX_SEARCH_CHARS

    page.search_box.setText("党" * 100_000)  # a paste
    page.reload()
    assert len(page.search_box.text()) == MAX_SEARCH_CHARS and _titles(page) == []
    page.search_box.setText("例会")
    page.reload()
    assert _titles(page) == ["支委会例会"]


@pytest.mark.parametrize("width", [1366, 800, 784])
def test_the_meeting_name_keeps_its_room_in_a_narrow_window(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                           answer: list, width: int) -> None:
    """At 1366×768 and in a window of 800 px (or 1366×768 at 150 %) the name is read, not “…”;
    the short columns show what they hold and the type column gives way first."""
    from ui.main_window import MainWindow

    title = "学习贯彻党的二十届四中全会精神"
    add_meeting(db, branch.branch_id, MeetingType.GROUP, date(2026, 11, 3), title, group_id=branch.group_a)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.resize(width, 700)
    qtbot.waitUntil(lambda: window.width() == width)
    page = window.meetings_page
    table = page.table
    page.reload()
    qtbot.wait(10)
    metrics = table.fontMetrics()
    char = metrics.horizontalAdvance("汉")
    widths = [table.columnWidth(c) for c in range(table.model().columnCount())]
    assert widths[COL_TITLE] >= 12 * char, widths
    assert sum(widths) <= table.viewport().width(), (widths, table.viewport().width())  # no sideways scroll
    for col in (COL_DATE, COL_STATUS):
        text = table.model().index(0, col).data()
        assert widths[col] >= metrics.horizontalAdvance(text) + 6, (col, text, widths)
    if width == 1366:
        assert widths[COL_TITLE] >= metrics.horizontalAdvance(title) + 6  # the whole name
        assert widths[COL_TYPE] >= metrics.horizontalAdvance("党小组会（第一党小组）") + 6
    else:
        assert widths[COL_TITLE] > widths[COL_TYPE]


def test_the_type_column_follows_the_rows_and_the_font(qtbot: QtBot, db: Database, branch: SmallBranch,
                                                    answer: list) -> None:
    """类型 is measured from the texts it shows (not row by row through the model): a longer
    type among the rows widens it after a reload, and a larger font widens it again."""
    from PySide6.QtGui import QFont

    from ui.main_window import MainWindow

    add_meeting(db, branch.branch_id, MeetingType.COMMITTEE, date(2026, 11, 2), "支委会例会")
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.resize(1366, 700)
    qtbot.waitUntil(lambda: window.width() == 1366)
    page, table = window.meetings_page, window.meetings_page.table
    narrow = table.columnWidth(COL_TYPE)
    add_meeting(db, branch.branch_id, MeetingType.GROUP, date(2026, 11, 3), "党小组学习", group_id=branch.group_a)
    page.reload()
    wide = table.columnWidth(COL_TYPE)
    assert wide >= table.fontMetrics().horizontalAdvance("党小组会（第一党小组）") + 6 > narrow + 6, (narrow, wide)
    font = QFont(table.font())
    font.setPointSize(font.pointSize() + 6)
    table.setFont(font)
    qtbot.waitUntil(lambda: table.columnWidth(COL_TYPE) > wide)
    assert table.columnWidth(COL_TYPE) >= table.fontMetrics().horizontalAdvance("党小组会（第一党小组）") + 6


def test_counts_column_shows_expected_from_the_roll_and_flags_a_short_list(qtbot: QtBot, db: Database,
                                                                          branch: SmallBranch) -> None:
    b = branch.branch_id
    short = add_meeting(db, b, MeetingType.GENERAL_ASSEMBLY, date(2025, 5, 6), "党员大会（只登记了到会的）",
                        attendance=[AttendanceInput(m) for m in branch.committee])
    add_meeting(db, b, MeetingType.COMMITTEE, date(2025, 5, 7), "支委会例会")
    widget = MeetingsPage(db, b)
    qtbot.addWidget(widget)
    cells = {widget.proxy.row_at(r).id: widget.proxy.index(r, COL_COUNTS) for r in range(widget.proxy.rowCount())}
    short_cell = cells[short]
    assert short_cell.data() == "8/3（名单不全）"  # 8 on the roll that day, only 3 entered
    assert "还有 5 名应到党员未登记" in short_cell.data(Qt.ItemDataRole.ToolTipRole)
    assert short_cell.data(Qt.ItemDataRole.ForegroundRole) is not None
    other = next(c for i, c in cells.items() if i != short)
    assert other.data() == "3/3" and other.data(Qt.ItemDataRole.ForegroundRole) is None
