"""The year's statistics as an .xlsx workbook: the compliance grid, the alerts, attendance per
member and study hours — Chinese headers, fitted columns, frozen header rows."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill

from models.compliance import STATUS_LABELS, YearCompliance
from models.compliance_alerts import ALERT_LABELS
from models.compliance_grid import STATUS_COLOURS, grid_rows, month_text
from models.errors import BranchBookError
from models.member_attendance import UNRECORDED_NOTE
from models.notes import YEARLY_STUDY_HOURS
from models.records_start import UNRECORDED_COLOUR, UNRECORDED_LABEL
from models.validation import format_date
from reports.xlsx_common import write_table


def export_stats(data: YearCompliance, path: Path) -> None:
    wb = Workbook()
    grid = wb.active
    assert grid is not None
    grid.title = "会议完成情况"
    rows = grid_rows(data)
    headers = ["会议类型"] + [f"{m}月" for m in range(1, 13)]
    table = [[row.label] + [month_text(row, m) for m in range(1, 13)] for row in rows]
    next_row = write_table(grid, headers, table, title=f"{data.branch_name}{data.year}年组织生活完成情况")
    first = next_row - len(rows)
    for r, row in enumerate(rows, start=first):
        for m, ob in enumerate(row.cells, start=2):
            cell = grid.cell(row=r, column=m)
            cell.alignment = Alignment(horizontal="center")
            if ob is not None:
                cell.fill = PatternFill("solid", fgColor=STATUS_COLOURS[ob.status])
            elif m - 1 <= row.unrecorded:  # before the start of records: neutral grey
                cell.fill = PatternFill("solid", fgColor=UNRECORDED_COLOUR)
        month = 1
        while month <= 12:  # a quarterly or yearly obligation spans its months, as on screen
            start, end = row.spans(month)
            if end > start:
                grid.merge_cells(start_row=r, start_column=start + 1, end_row=r, end_column=end + 1)
            month = end + 1
    chips = [(label, STATUS_COLOURS[status]) for status, label in STATUS_LABELS.items()]
    if any(row.unrecorded for row in rows):
        chips.append((UNRECORDED_LABEL, UNRECORDED_COLOUR))
    legend = "图例：" + "，".join(label for label, _colour in chips) + "（单元格为 已开/应开 次数）"
    if data.records_since is not None and any(row.unrecorded for row in rows):
        legend += f"；{UNRECORDED_LABEL}：建账日期（{format_date(data.records_since)}）之前，不计应开会议"
    grid.cell(row=next_row + 1, column=1, value=legend)
    for i, (label, colour) in enumerate(chips):
        cell = grid.cell(row=next_row + 2, column=2 + i, value=label)
        cell.fill = PatternFill("solid", fgColor=colour)

    alerts = wb.create_sheet("提醒")
    write_table(alerts, ["类别", "党员", "说明"],
                [[ALERT_LABELS.get(a.kind, "提醒"), a.member or "", a.message] for a in data.alerts])

    attendance = wb.create_sheet("出勤统计")
    end = write_table(attendance, ["党小组", "姓名", "应到（次）", "出席", "请假", "缺席", "未记", "出勤率"],
                      [[m.group_name, m.member, m.expected, m.present, m.leave, m.absent, m.unrecorded,
                        round(m.rate, 4) if m.expected else ""] for m in data.attendance])
    for r in range(2, len(data.attendance) + 2):
        attendance.cell(row=r, column=8).number_format = "0.0%"
    if any(m.unrecorded for m in data.attendance):  # 应到 = 出席 + 请假 + 缺席 + 未记
        attendance.cell(row=end + 1, column=1, value=UNRECORDED_NOTE)

    study = wb.create_sheet("学习学时")
    write_table(study, ["党小组", "姓名", "学时", f"是否达到 {YEARLY_STUDY_HOURS:g} 学时"],
                [[m.group_name, m.member, m.study_hours, "是" if m.study_hours >= YEARLY_STUDY_HOURS else "否"]
                 for m in data.attendance])
    try:
        wb.save(Path(path))
    except OSError as exc:
        raise BranchBookError(f"无法保存“{path}”：文件可能正被 Excel 打开或没有写入权限，"
                              "请关闭同名文件或换一个位置后再试。") from exc
