"""名册模板: an empty 党员名册 (.xlsx) in the columns the roster import reads, with one example row
and a sheet of filling notes, for a branch that keeps no Excel roster yet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from models.errors import BranchBookError
from reports.xlsx_common import write_table

HEADERS = ("姓名", "性别", "出生日期", "民族", "联系电话", "身份证号", "入党时间", "转正时间", "党员类别",
           "所在党小组", "支部职务", "备注")
EXAMPLE = ("张示例", "男", date(1985, 3, 12), "汉族", "13800000000", "", date(2010, 7, 1), date(2011, 7, 1),
           "正式党员", "第一党小组", "", "示例行：请改为真实党员或删除本行后再导入")
NOTES = (
    "每行填写一名党员，第一行标题和列名请勿修改；列的先后顺序可以调整。",
    "姓名、入党时间必填；日期可写成 2010-07-01、2010.07.01 或 2010年7月1日。",
    "党员类别填“正式党员”或“预备党员”；预备党员的转正时间留空。",
    "所在党小组填写党小组名称（如“第一党小组”），导入时没有的党小组会提示先建立。",
    "支部职务填书记、副书记、组织委员、宣传委员、纪检委员等，没有职务留空。",
    "身份证号可不填；填写后在导出和打印中默认隐藏中间位数。",
    "导入前软件会逐行列出问题，确认无误后才写入，不会只导入一部分。",
)


def write_roster_template(path: Path) -> Path:
    """Write the template to ``path``; BranchBookError in Chinese when it cannot be saved."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "党员名册"
    write_table(ws, HEADERS, [EXAMPLE], title="党员名册")
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 90
    for row, text in enumerate(NOTES, start=1):
        notes.cell(row=row, column=1, value=f"{row}. {text}")
    try:
        wb.save(Path(path))
    except OSError as exc:
        raise BranchBookError(f"无法保存“{path}”：文件可能正被打开，或该位置没有写入权限。"
                              "请关闭已打开的同名文件或换一个位置。", field="path") from exc
    return Path(path)
