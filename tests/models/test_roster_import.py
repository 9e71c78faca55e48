"""Roster import from a messy office workbook built here: the preview names exactly the bad
rows, a failed import writes nothing, a clean one writes everything in one go."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from models import roster
from models.errors import BranchBookError
from models.roster_import import DateProblem, import_roster, parse_date, read_roster

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(birth: str, seq: str) -> str:
    body = "110101" + birth + seq
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


GOOD_ID = id_number("19850315", "123")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")

HEADER = ["序号", "姓 名", "性别", "出生日期", "民族", "身份证号", "入党时间", "转正时间", "党员类别", "所在党小组", "联系电话"]
ROWS = [  # Excel rows 4 … 12
    [1, " 张　三 ", "男", "１９８５.０３.１５", "汉族", GOOD_ID, "２０１９.０７.０１", "2020.07.01", "正式", "第一党小组", "１３９１２３４５６７８"],
    [2, "李四", "女", "1990年1月2日", "回族", "", "2019年7月1日", "2020年7月1日", "正式党员", "第二党小组", ""],
    [3, "王五", "男", datetime(1978, 5, 6), "汉族", "", 43647, "2020/7/1", "正式党员", "第一党小组", ""],
    [4, "赵六", "女", "1992-3-4", "", "", 20190701, "", "预备党员", "第三党小组", ""],
    [5, "张三", "男", "1985.3.15", "汉族", "", "2018.07.01", "2019.07.01", "正式", "", ""],  # duplicate of row 4
    [6, "钱七", "男", "1980.01.01", "汉族", BAD_ID, "2010.07.01", "2011.07.01", "正式", "", ""],
    [7, "孙八", "男", "1981.01.01", "汉族", "", "2019.13.01", "", "正式", "", ""],
    [None] * 11,
    ["制表人：周九", None, None, None, None, None, None, None, None, None, None],
]


def messy_workbook(path: Path, rows: list[list[object]] = ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名册"
    ws["A1"] = "某某党支部党员名册"
    ws.merge_cells("A1:K1")
    ws["A2"] = "填报日期：2024年12月"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def count_members(db, branch_id) -> int:
    with db.reading() as s:
        return len(roster.list_members(s, branch_id))


def test_preview_names_exactly_the_bad_rows(db, branch_id, tmp_path):
    path = messy_workbook(tmp_path / "名册.xlsx")
    with db.reading() as s:
        preview = read_roster(s, branch_id, path, today=date(2025, 1, 1))
    assert preview.header_row == 3
    bad = {row.row_no for row in preview.rows if row.problems}
    assert bad == {8, 9, 10}
    problems = "\n".join(preview.problems)
    assert "第 8 行：与第 4 行重复（姓名和出生日期相同）" in problems
    assert "第 9 行：身份证号校验位不正确" in problems
    assert "第 10 行：入党时间“2019.13.01”不是有效日期，请改为 2019.12.01 这样的格式" in problems
    assert len(preview.rows) == 7  # blank row and the footer are skipped
    good = {row.row_no: row.member for row in preview.rows if not row.problems}
    assert good[4].name == "张三" and good[4].birth_date == date(1985, 3, 15)
    assert good[4].joined_on == date(2019, 7, 1) and good[4].phone == "13912345678"
    assert good[5].joined_on == date(2019, 7, 1) and good[6].joined_on == date(2019, 7, 1)
    assert good[6].birth_date == date(1978, 5, 6) and good[7].joined_on == date(2019, 7, 1)
    assert str(good[7].category) == "probationary"

    with db.transaction() as s, pytest.raises(BranchBookError, match="3 处问题"):
        import_roster(s, branch_id, preview)
    assert count_members(db, branch_id) == 0


def test_clean_sheet_imports_everything_and_creates_groups(db, branch_id, tmp_path):
    path = messy_workbook(tmp_path / "名册.xlsx", ROWS[:4] + ROWS[7:])
    with db.reading() as s:
        preview = read_roster(s, branch_id, path, today=date(2025, 1, 1))
    assert preview.problems == []
    with db.transaction() as s:
        assert import_roster(s, branch_id, preview) == 4
    with db.reading() as s:
        rows = {m.name: m for m in roster.list_members(s, branch_id, on=date(2025, 1, 1))}
        groups = {g.name for g in roster.list_groups(s, branch_id)}
    assert groups == {"第一党小组", "第二党小组", "第三党小组"}
    assert rows["张三"].group_name == "第一党小组" and rows["张三"].id_number == GOOD_ID
    assert rows["李四"].ethnicity == "回族" and rows["赵六"].category.label == "预备党员"
    # the same sheet again: every row is now a duplicate of the roster
    with db.reading() as s:
        again = read_roster(s, branch_id, path, today=date(2025, 1, 1))
    assert len(again.problems) == 4 and "名册中已有党员“张三”" in again.problems[0]


def test_failing_row_during_commit_rolls_everything_back(db, branch_id, tmp_path):
    path = messy_workbook(tmp_path / "名册.xlsx", ROWS[:2])
    with db.reading() as s:
        preview = read_roster(s, branch_id, path, today=date(2025, 1, 1))
    preview.rows[1].member.name = ""  # a row that the service refuses at write time
    with pytest.raises(BranchBookError, match="第 5 行"), db.transaction() as s:
        import_roster(s, branch_id, preview)
    assert count_members(db, branch_id) == 0
    with db.reading() as s:
        assert roster.list_groups(s, branch_id) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("2019.07.01", date(2019, 7, 1)), ("2019-7-1", date(2019, 7, 1)), ("2019/07/01", date(2019, 7, 1)),
    ("2019年7月1日", date(2019, 7, 1)), ("20190701", date(2019, 7, 1)), (20190701, date(2019, 7, 1)),
    (43647, date(2019, 7, 1)), (43647.0, date(2019, 7, 1)), ("２０１９．０７．０１", date(2019, 7, 1)),
    (" 2019 . 7 . 1 ", date(2019, 7, 1)), ("2019.07", date(2019, 7, 1)), (None, None), ("  ", None),
    (datetime(2019, 7, 1, 8, 0), date(2019, 7, 1)),
])
def test_date_spellings(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2019.13.01", "2019.02.30", "七月一日", "19-7-1"])
def test_bad_dates(value):
    with pytest.raises(DateProblem):
        parse_date(value)


def test_sheet_without_header_is_refused(db, branch_id, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["这", "不是", "名册"])
    wb.save(tmp_path / "x.xlsx")
    with db.reading() as s, pytest.raises(BranchBookError, match="没有找到表头"):
        read_roster(s, branch_id, tmp_path / "x.xlsx")
    (tmp_path / "y.xlsx").write_text("not excel")
    with db.reading() as s, pytest.raises(BranchBookError, match="无法读取"):
        read_roster(s, branch_id, tmp_path / "y.xlsx")


def test_party_role_column(db, branch_id, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "入党时间", "转正时间", "支部职务"])
    ws.append(["甲", "男", "2010.07.01", "2011.07.01", "支部书记"])
    ws.append(["乙", "女", "2010.07.01", "2011.07.01", "无"])
    ws.append(["丙", "男", "2010.07.01", "2011.07.01", "科长"])
    wb.save(tmp_path / "roles.xlsx")
    with db.reading() as s:
        preview = read_roster(s, branch_id, tmp_path / "roles.xlsx")
    roles = {r.row_no: r.member.branch_role.label if r.member else None for r in preview.rows}
    assert roles == {2: "书记", 3: "无", 4: None}
    assert preview.problems == [("第 4 行：支部职务“科长”无法识别，请填写书记、副书记、组织委员、宣传委员、纪检委员、"
                                 "青年委员、其他委员之一，或留空")]
    assert preview.rows[0].member.is_committee  # a 书记 sits on the committee
