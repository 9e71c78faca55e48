"""`stats` and `members` through main.main, as a scheduled task or the committee would run them."""

from __future__ import annotations

import json
from datetime import date

import openpyxl

import main
from models import roster
from models.enums import AttendanceStatus, MeetingType, MemberCategory
from models.meetings import AttendanceInput, MeetingInput, create_meeting
from tests.models.factories import member
from tests.models.test_roster_import import ROWS, messy_workbook


def build(db, branch_id) -> None:
    with db.transaction() as s:
        a = member(s, branch_id, "甲")
        b = member(s, branch_id, "乙")
        for month in (1, 2, 3):
            create_meeting(s, branch_id, MeetingInput(
                MeetingType.THEME_DAY, f"{month}月主题党日", date(2025, month, 9),
                attendance=[AttendanceInput(a), AttendanceInput(b, AttendanceStatus.ABSENT)]))


def test_stats_json_has_the_promised_shape(db, db_path, branch_id, capsys):
    build(db, branch_id)
    assert main.main(["stats", "--db", str(db_path), "--year", "2025", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"year", "branch", "obligations", "alerts", "attendance"}
    assert out["year"] == 2025 and out["branch"] == "测试第一党支部"
    theme = [o for o in out["obligations"] if o["type"] == "主题党日"]
    assert [o["period"] for o in theme][:3] == ["2025-01", "2025-02", "2025-03"]
    assert theme[0] == {"type": "主题党日", "group": None, "period": "2025-01", "required": 1, "held": 1,
                        "status": "done"}
    assert theme[3]["status"] == "missing"  # the year is over
    assert {o["type"] for o in out["obligations"]} >= {"支部党员大会", "党课", "书记讲党课", "组织生活会"}
    kinds = {a["kind"] for a in out["alerts"]}
    assert kinds <= {"missing", "failed_quorum", "absence_warning", "absence_alert", "secretary_lecture",
                     "study_hours"} and "missing" in kinds
    rows = {r["member"]: r for r in out["attendance"]}
    assert rows["乙"] == {"member": "乙", "expected": 3, "present": 0, "leave": 0, "absent": 3, "rate": 0.0,
                         "study_hours": 0.0, "unrecorded": 0}
    assert rows["甲"]["rate"] == 1.0


def test_stats_text_and_missing_database(db, db_path, branch_id, capsys, tmp_path):
    build(db, branch_id)
    with db.transaction() as s:
        member(s, branch_id, "丙", joined=date(2025, 6, 1), full_on=None,  # joined after the year's meetings
               category=MemberCategory.PROBATIONARY)
        member(s, branch_id, "丁")  # on the roll all along, but left off every list
    assert main.main(["stats", "--db", str(db_path), "--year", "2025"]) == 0
    text = capsys.readouterr().out
    assert "测试第一党支部 2025年" in text and "缺开" in text
    assert "2025年第1季度  支部党员大会" in text and "2025-Q1" not in text  # periods in words
    assert "2025年4月  主题党日" in text
    assert "应到  出席  请假  缺席  未记  出勤率" in text

    def cells(name: str) -> list[str]:
        return next(line for line in text.splitlines() if line.strip().startswith(name)).split()[1:]

    assert cells("丙") == ["0", "0", "0", "0", "0", "—", "0"]  # not expected: no rate rather than 0.0%
    assert cells("丁") == ["3", "0", "0", "0", "3", "0.0%", "0"]  # 应到 from the roll, 未记 not 缺席
    assert cells("乙") == ["3", "0", "0", "3", "0", "0.0%", "0"]
    assert main.main(["stats", "--db", str(tmp_path / "nope.sqlite3"), "--year", "2025"]) == 1
    assert "找不到数据库文件" in capsys.readouterr().err


def test_members_import_dry_run_lists_problems_and_writes_nothing(db, db_path, branch_id, capsys, tmp_path):
    bad = messy_workbook(tmp_path / "bad.xlsx")
    assert main.main(["members", "import", str(bad), "--dry-run", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "第 8 行" in err and "第 9 行" in err and "第 10 行" in err and "第 4 行：" not in err
    assert main.main(["members", "import", str(bad), "--db", str(db_path)]) == 1
    with db.reading() as s:
        assert roster.list_members(s, branch_id) == []

    good = messy_workbook(tmp_path / "good.xlsx", ROWS[:4])
    assert main.main(["members", "import", str(good), "--dry-run", "--db", str(db_path)]) == 0
    with db.reading() as s:
        assert roster.list_members(s, branch_id) == []
    assert main.main(["members", "import", str(good), "--db", str(db_path)]) == 0
    assert "已导入 4 名党员" in capsys.readouterr().out
    with db.reading() as s:
        assert len(roster.list_members(s, branch_id)) == 4

    out = tmp_path / "export.xlsx"
    assert main.main(["members", "export", str(out), "--db", str(db_path)]) == 0
    names = [r[1] for r in openpyxl.load_workbook(out).active.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(["张三", "李四", "王五", "赵六"])
