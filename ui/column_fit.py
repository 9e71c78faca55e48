"""Column widths for a table that must stay readable in a narrow window (800 px, or 1366×768 at
150 %): the main column (a meeting's name) gets the room that is left and never less than a
minimum; short columns are as wide as what they can hold; one wide secondary column (类型) gives
way before the main one does. Widths follow the font, so 大字号 and scaling keep them right."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView


class ColumnFitter(QObject):
    """Keeps ``table``'s columns fitted whenever the table is resized or its rows change.

    ``samples``: for each short column, the widest texts it can show (its header counts too);
    ``main``: the column that takes the rest, at least ``main_min_chars`` characters wide;
    ``yielding``: a column sized to the rows it shows, narrowed down to ``yielding_min_chars``
    before the main column drops below its minimum. Past that the table scrolls sideways.
    ``yielding_texts``: the texts the yielding column shows now, when the model can list them
    cheaply (a few distinct values); otherwise the view measures up to 200 rows, through the
    model's data() for each — the slowest part of the window's first paint. The width is
    measured again only when the rows change, not at every resize."""

    def __init__(self, table: QTableView, samples: dict[int, Sequence[str]], main: int, main_min_chars: int,
                 yielding: int, yielding_min_chars: int,
                 yielding_texts: Callable[[], Iterable[str]] | None = None) -> None:
        super().__init__(table)
        self.table, self.samples, self.main, self.yielding = table, samples, main, yielding
        self.main_min_chars, self.yielding_min_chars = main_min_chars, yielding_min_chars
        self.yielding_texts = yielding_texts
        self._wanted: int | None = None  # the yielding column's natural width, until the rows change
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(200)  # the yielding column reads at most 200 rows
        table.viewport().installEventFilter(self)
        self._watch(table)

    def _watch(self, table: QTableView) -> None:
        model = table.model()
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(self.refit)

    def refit(self) -> None:
        """The rows changed: measure the yielding column again, then fit."""
        self._wanted = None
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Resize:
            self.fit()
        elif kind == QEvent.Type.FontChange:  # 界面字号 changed: the texts measure differently
            self.refit()
        return False

    def _char(self) -> int:
        return self.table.fontMetrics().horizontalAdvance("汉")

    def short_width(self, column: int) -> int:
        """What the column can show, header included, with the cell's padding."""
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        widest = max((metrics.horizontalAdvance(text) for text in self.samples[column]), default=0)
        return max(widest + self._char(), header.sectionSizeHint(column))

    def yielding_width(self) -> int:
        """The yielding column's natural width: its widest text (or the view's measure), or its header."""
        if self._wanted is None:
            header = self.table.horizontalHeader()
            if self.yielding_texts is not None:
                metrics = self.table.fontMetrics()
                widest = max((metrics.horizontalAdvance(text) for text in set(self.yielding_texts())), default=0)
                content = widest + self._char() if widest else 0
            else:
                content = self.table.sizeHintForColumn(self.yielding)
            self._wanted = max(content, header.sectionSizeHint(self.yielding))
        return self._wanted

    def fit(self) -> None:
        table = self.table
        char = self._char()
        short = 0
        for column in self.samples:
            width = self.short_width(column)
            table.setColumnWidth(column, width)
            short += width
        wanted = self.yielding_width()
        main_min = self.main_min_chars * char
        room = table.viewport().width() - short
        floor = min(wanted, self.yielding_min_chars * char + char)
        yielding = max(floor, min(wanted, room - main_min))
        table.setColumnWidth(self.yielding, yielding)
        table.setColumnWidth(self.main, max(main_min, room - yielding))
