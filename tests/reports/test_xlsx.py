"""Excel exports read back with openpyxl: statistics workbook, roster export (masked IDs,
text that looks like a formula stays text) and the roster round trip through the import."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl

from models import roster
from models.compliance import compliance_for_year
from models.enums import AttendanceStatus, BranchRole, Gender, MeetingType
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from models.roster_import import read_roster
from reports.xlsx_roster import export_roster
from reports.xlsx_stats import export_stats
from tests.models.test_roster_import import GOOD_ID


def add_people(db, branch_id) -> list[int]:
    with db.transaction() as s:
        group = roster.create_group(s, branch_id, "第一党小组")
        ids = [
            roster.create_member(s, branch_id, roster.MemberInput(
                name="张三", gender=Gender.MALE, joined_on=date(2019, 7, 1), birth_date=date(1985, 3, 15),
                full_member_on=date(2020, 7, 1), id_number=GOOD_ID, phone="13912345678", group_id=group,
                branch_role=BranchRole.SECRETARY, note="=HYPERLINK(\"http://x\",\"点我\")")),
            roster.create_member(s, branch_id, roster.MemberInput(
                name="李四", gender=Gender.FEMALE, joined_on=date(2015, 7, 1), birth_date=date(1990, 1, 2),
                full_member_on=date(2016, 7, 1), group_id=group, note="+86 备注")),
        ]
        create_meeting(s, branch_id, MeetingInput(
            MeetingType.COMMITTEE, "1月支委会", date(2025, 1, 6),
            attendance=[AttendanceInput(ids[0])]))
        create_meeting(s, branch_id, MeetingInput(
            MeetingType.THEME_DAY, "1月主题党日", date(2025, 1, 9),
            attendance=[AttendanceInput(ids[0]), AttendanceInput(ids[1], AttendanceStatus.ABSENT)]))
    return ids


def test_stats_workbook(db, branch_id, tmp_path):
    add_people(db, branch_id)
    with db.reading() as s:
        data = compliance_for_year(s, branch_id, 2025, date(2026, 2, 1))
    path = tmp_path / "统计.xlsx"
    export_stats(data, path)
    wb = openpyxl.load_workbook(path)
    grid = wb["会议完成情况"]
    assert grid["A1"].value == "测试第一党支部2025年组织生活完成情况"
    assert [c.value for c in grid[2]][:3] == ["会议类型", "1月", "2月"]
    assert grid.freeze_panes == "A3"
    labels = [grid.cell(row=r, column=1).value for r in range(3, 3 + 10)]
    committee = labels.index("支部委员会") + 3
    assert grid.cell(row=committee, column=2).value == "1/1"
    assert grid.cell(row=committee, column=2).fill.fgColor.rgb.endswith("C6EFCE")
    assert grid.cell(row=committee, column=3).value == "0/1"
    assert grid.cell(row=committee, column=3).fill.fgColor.rgb.endswith("FFC7CE")
    assert grid.column_dimensions["A"].width >= 10
    assembly = labels.index("支部党员大会") + 3
    assert f"B{assembly}:D{assembly}" in {str(rng) for rng in grid.merged_cells.ranges}
    attendance = wb["出勤统计"]
    rows = {r[1]: r for r in attendance.iter_rows(min_row=2, values_only=True)}
    assert rows["张三"][2:6] == (2, 2, 0, 0) and rows["李四"][2:7] == (1, 0, 0, 1, 0)
    alerts = [r[2] for r in wb["提醒"].iter_rows(min_row=2, values_only=True)]
    assert any("2025年2月支部委员会" in text for text in alerts)
    study = {r[1]: r[3] for r in wb["学习学时"].iter_rows(min_row=2, values_only=True)}
    assert study == {"张三": "否", "李四": "否"}


def test_roster_export_masks_ids_and_never_writes_formulas(db, branch_id, tmp_path):
    add_people(db, branch_id)
    path = tmp_path / "名册.xlsx"
    with db.transaction() as s:
        assert export_roster(s, branch_id, path) == 2
    ws = openpyxl.load_workbook(path)["党员名册"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["序号", "姓名", "性别", "出生日期"] and ws.freeze_panes == "A3"
    by_name = {r[1].value: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3)}
    row = by_name["张三"]
    assert row["身份证号"].value == GOOD_ID[:6] + "********" + GOOD_ID[-4:]
    assert row["联系电话"].value == "139****5678"
    assert row["备注"].data_type == "s" and row["备注"].quotePrefix
    assert row["备注"].value.startswith("=HYPERLINK")
    assert row["入党时间"].is_date and row["支部职务"].value == "书记"
    # a spreadsheet column shows dates in the table style, 2019-07-01 (docs/dates.md)
    assert row["入党时间"].number_format == row["出生日期"].number_format == "yyyy-mm-dd"
    plus = by_name["李四"]["备注"]
    assert plus.data_type == "s" and plus.quotePrefix

    with db.transaction() as s:
        export_roster(s, branch_id, tmp_path / "full.xlsx", unmasked=True)
    full = openpyxl.load_workbook(tmp_path / "full.xlsx")["党员名册"]
    assert GOOD_ID in [c.value for row in full.iter_rows(min_row=3) for c in row]


def test_exported_roster_reads_back_into_a_fresh_branch(db, branch_id, tmp_path):
    add_people(db, branch_id)
    path = tmp_path / "名册.xlsx"
    with db.transaction() as s:
        export_roster(s, branch_id, path)
        other = roster.create_branch(s, "另一个支部")
    with db.reading() as s:
        preview = read_roster(s, other, path)
    assert preview.problems == []
    members = {r.member.name: r for r in preview.rows if r.member}
    assert members["张三"].member.id_number == ""  # a masked number is not imported
    assert members["张三"].member.joined_on == date(2019, 7, 1)
    assert members["张三"].member.note.startswith("=HYPERLINK")
    assert members["李四"].group_name == "第一党小组"
    # against its own roster every row is a duplicate
    with db.reading() as s:
        assert len(read_roster(s, branch_id, path).problems) == 2


def test_stats_workbook_shows_months_before_the_start_of_records_as_unrecorded(db, branch_id, tmp_path):
    add_people(db, branch_id)
    with db.transaction() as s:
        roster.update_branch(s, branch_id, "测试第一党支部", "", None, records_since=date(2025, 5, 1))
    with db.reading() as s:
        data = compliance_for_year(s, branch_id, 2025, date(2026, 2, 1))
    path = tmp_path / "统计.xlsx"
    export_stats(data, path)
    grid = openpyxl.load_workbook(path)["会议完成情况"]
    labels = [grid.cell(row=r, column=1).value for r in range(3, 3 + 10)]
    committee = labels.index("支部委员会") + 3
    assert grid.cell(row=committee, column=2).value == "未建账"
    assert grid.cell(row=committee, column=2).fill.fgColor.rgb.endswith("E7E6E6")  # neutral, not red
    assert f"B{committee}:E{committee}" in {str(rng) for rng in grid.merged_cells.ranges}  # January–April
    assert grid.cell(row=committee, column=6).value == "0/1"  # May is due and missing
    assembly = labels.index("支部党员大会") + 3
    assert grid.cell(row=assembly, column=2).value == "未建账"  # Q1 ended before May
    assert f"B{assembly}:D{assembly}" in {str(rng) for rng in grid.merged_cells.ranges}
    assert grid.cell(row=assembly, column=5).value == "0/1"  # Q2 ends after the start
    legend = " ".join(str(c.value) for row in grid.iter_rows() for c in row if c.value)
    assert "建账日期（2025年5月1日）之前" in legend
    alerts = [r[2] for r in openpyxl.load_workbook(path)["提醒"].iter_rows(min_row=2, values_only=True)]
    assert not any("2025年2月" in text for text in alerts) and any("2025年5月支部委员会" in text for text in alerts)


def test_roster_export_has_a_second_sheet_of_dated_terms(db, branch_id, tmp_path):
    ids = add_people(db, branch_id)
    with db.transaction() as s:
        second = roster.create_group(s, branch_id, "第二党小组")
        roster.change_committee(s, branch_id, date(2024, 1, 10), {ids[1]: BranchRole.SECRETARY})
        roster.start_term(s, ids[0], BranchRole.OTHER_COMMITTEE, date(2024, 1, 10))
        roster.move_to_group(s, ids[1], second, date(2024, 3, 1))
        export_roster(s, branch_id, tmp_path / "名册.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "名册.xlsx")
    assert wb.sheetnames == ["党员名册", "任职记录"]
    ws = wb["任职记录"]
    assert ws["A1"].value == "测试第一党支部任职记录"
    assert [c.value for c in ws[2]] == ["序号", "姓名", "类别", "职务或党小组", "起", "止", "备注"]
    rows = [tuple(r[1:6]) for r in ws.iter_rows(min_row=3, values_only=True)]
    at = datetime(2024, 1, 10)  # openpyxl reads a date cell back as a datetime
    assert rows == [
        ("张三", "党小组", "第一党小组", "建账前", "至今"),
        ("张三", "职务", "书记", "建账前", at),  # ended by the 换届
        ("张三", "支委", "支部委员会委员", at, "至今"),
        ("李四", "党小组", "第一党小组", "建账前", datetime(2024, 3, 1)),
        ("李四", "职务", "书记", at, "至今"),
        ("李四", "党小组", "第二党小组", datetime(2024, 3, 1), "至今"),
    ]
    assert ws.cell(row=4, column=6).is_date
