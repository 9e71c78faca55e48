"""``main.py init``: a new branch's database from the command line, with its start of records."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

import main
from models import paths
from models.db import open_database
from models.roster import list_branches
from tests.models.factories import member


def branches(db_path: Path) -> list[tuple[str, str, date | None]]:
    db = open_database(db_path)
    try:
        with db.reading() as s:
            return [(b.name, b.superior_org, b.records_since) for b in list_branches(s)]
    finally:
        db.close()


def test_init_makes_a_branch_with_its_start_of_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "各支部" / "新支部.sqlite3"  # the folder does not exist yet
    assert main.main(["init", "--db", str(db), "--name", " 中共测试局第一党支部 ", "--superior", "中共测试局委员会",
                      "--since", "2026-11"]) == 0
    out = capsys.readouterr().out
    assert "中共测试局第一党支部" in out and "2026年11月1日" in out
    assert branches(db) == [("中共测试局第一党支部", "中共测试局委员会", date(2026, 11, 1))]
    assert main.main(["check", "--db", str(db)]) == 0


def test_since_defaults_to_the_first_day_of_this_month(tmp_path: Path) -> None:
    db = tmp_path / "b.sqlite3"
    assert main.main(["init", "--db", str(db), "--name", "第二党支部"]) == 0
    assert branches(db) == [("第二党支部", "", date.today().replace(day=1))]


def test_without_db_the_default_database_is_made(capsys: pytest.CaptureFixture[str]) -> None:
    assert not paths.data_dir().exists()  # a fresh account: no user data folder yet
    assert main.main(["init", "--name", "第三党支部", "--since", "2025-03"]) == 0
    assert branches(paths.default_db_path()) == [("第三党支部", "", date(2025, 3, 1))]


def test_an_existing_database_is_refused_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "b.sqlite3"
    assert main.main(["init", "--db", str(db), "--name", "第一党支部"]) == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    capsys.readouterr()
    assert main.main(["init", "--db", str(db), "--name", "另一个支部", "--since", "2020-01"]) == 1
    err = capsys.readouterr().err
    assert "已存在" in err and "Traceback" not in err
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert branches(db)[0][0] == "第一党支部"
    other = tmp_path / "随便.txt"
    other.write_text("不是数据库", encoding="utf-8")
    assert main.main(["init", "--db", str(other), "--name", "第一党支部"]) == 1
    assert other.read_text(encoding="utf-8") == "不是数据库"
    assert main.main(["init", "--db", str(tmp_path), "--name", "第一党支部"]) == 1
    assert "文件夹" in capsys.readouterr().err


@pytest.mark.parametrize("since", ["2026-13", "2026/11", "十一月", "2026", "1800-01"])
def test_bad_since_is_a_usage_error_in_chinese(tmp_path: Path, since: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "b.sqlite3"
    with pytest.raises(SystemExit) as exit_info:
        main.main(["init", "--db", str(db), "--name", "第一党支部", "--since", since])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--since" in err and "建账月份" in err and "YYYY-MM" in err
    assert not db.exists()


@pytest.mark.parametrize(("argv", "words"), [
    (["--name", "   "], "支部名称不能为空"),
    (["--name", "支" * 101], "支部名称过长"),
    (["--name", "第一党支部", "--since", f"{date.today().year + 3}-01"], "建账日期"),
])
def test_bad_input_is_refused_and_leaves_no_file(tmp_path: Path, argv: list[str], words: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "b.sqlite3"
    assert main.main(["init", "--db", str(db), *argv]) == 1
    assert words in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_nothing_is_due_before_the_start_of_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A branch set up this month, with members and no meeting yet: nothing missing, no alert of it."""
    today = date.today()
    for name, since in (("new", f"{today:%Y-%m}"), ("old", f"{today.year - 1}-01")):
        db = tmp_path / f"{name}.sqlite3"
        assert main.main(["init", "--db", str(db), "--name", "第一党支部", "--since", since]) == 0
        database = open_database(db)
        with database.transaction() as s:
            for i in range(6):
                member(s, 1, f"党员{i}", committee=i < 3)
        database.close()
    capsys.readouterr()
    assert main.main(["stats", "--db", str(tmp_path / "new.sqlite3"), "--year", str(today.year), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # (in the last quarter a reminder that the 书记 has yet to lecture this year is due, rightly)
    assert [a for a in data["alerts"] if a["kind"] in ("missing", "failed_quorum", "absence_warning",
                                                        "absence_alert", "study_hours")] == []
    assert data["obligations"] and {ob["status"] for ob in data["obligations"]} == {"upcoming"}
    assert main.main(["stats", "--db", str(tmp_path / "new.sqlite3"), "--year", str(today.year - 1)]) == 0
    out = capsys.readouterr().out
    assert "应开会议 0 项" in out and "建账日期为" in out and "缺开" not in out
    # the same branch with records since January of last year has last year's months missing
    assert main.main(["stats", "--db", str(tmp_path / "old.sqlite3"), "--year", str(today.year - 1)]) == 0
    assert f"{today.year - 1}年1月" in capsys.readouterr().out
