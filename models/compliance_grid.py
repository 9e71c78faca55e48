"""The calendar grid of a year's obligations (rows: meeting types and party groups; columns:
the 12 months; a quarterly or yearly obligation spans its months). Used by the 统计与提醒 page
and the Excel export alike."""

from __future__ import annotations

from dataclasses import dataclass, replace

from models.compliance import Obligation, YearCompliance
from models.records_start import UNRECORDED_LABEL, unrecorded_months


@dataclass(frozen=True)
class GridRow:
    label: str
    rule: str
    group_id: int | None
    cells: list[Obligation | None]  # index 0 = January
    #: leading months before the start of records that no obligation covers (shown 未建账)
    unrecorded: int = 0

    def spans(self, month: int) -> tuple[int, int]:
        """(first, last) month (1-12) of the obligation covering ``month`` (or of the 未建账 span)."""
        if month <= self.unrecorded:
            return 1, self.unrecorded
        ob = self.cells[month - 1]
        if ob is None:
            return month, month
        return ob.start.month, ob.end.month


def grid_rows(data: YearCompliance) -> list[GridRow]:
    rows: dict[tuple[str, int | None], GridRow] = {}
    for ob in data.obligations:
        key = (ob.rule, ob.group_id)
        if key not in rows:
            rows[key] = GridRow(ob.label, ob.rule, ob.group_id, [None] * 12)
        for month in range(ob.start.month, ob.end.month + 1):
            rows[key].cells[month - 1] = ob
    before = unrecorded_months(data.year, data.records_since)
    return [replace(row, unrecorded=next((m for m in range(before) if row.cells[m] is not None), before))
            for row in rows.values()]


def cell_text(ob: Obligation | None) -> str:
    return "" if ob is None else f"{ob.held}/{ob.required}"


def month_text(row: GridRow, month: int) -> str:
    """What the grid says for ``month`` (1-12): held/required, 未建账, or nothing."""
    return UNRECORDED_LABEL if month <= row.unrecorded else cell_text(row.cells[month - 1])


#: Colours of the statuses (background, as hex RGB) shared by the page and the export.
STATUS_COLOURS = {"done": "C6EFCE", "missing": "FFC7CE", "upcoming": "FFEB9C", "failed_quorum": "FFD591"}
