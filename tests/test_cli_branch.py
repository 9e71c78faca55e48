"""--branch on every command of a committee's database (several merged branches)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

import main
from models.branches import resolve_branch
from models.db import open_database
from models.entities import Meeting
from models.errors import BranchBookError
from models.roster import create_branch, list_branches
from tests.committee_support import committee_copy

FINANCE, EDUCATION, STREET = "市财政局机关第一党支部", "市教育局机关第二党支部", "城关街道幸福社区党支部"


@pytest.fixture
def committee(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return committee_copy(tmp_path_factory, tmp_path)


def _ids(db_path: Path) -> dict[str, int]:
    db = open_database(db_path)
    try:
        with db.reading() as s:
            return {b.name: b.id for b in list_branches(s)}
    finally:
        db.close()


def test_stats_without_branch_lists_the_branches(committee: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["stats", "--db", str(committee), "--year", "2026"]) == 1
    err = capsys.readouterr().err
    assert "有 3 个党支部" in err and "--branch" in err
    for name, number in _ids(committee).items():
        assert f"{number}  {name}" in err


@pytest.mark.parametrize("choice", ["教育局", EDUCATION, "by-number"])
def test_stats_reaches_a_branch_by_fragment_name_or_number(
        committee: Path, choice: str, capsys: pytest.CaptureFixture[str]) -> None:
    if choice == "by-number":
        choice = str(_ids(committee)[EDUCATION])
    assert main.main(["stats", "--db", str(committee), "--year", "2026", "--json", "--branch", choice]) == 0
    assert json.loads(capsys.readouterr().out)["branch"] == EDUCATION


@pytest.mark.parametrize("choice", ["机关", "第九党支部", "99"])
def test_ambiguous_or_unknown_branch_is_refused(committee: Path, choice: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["stats", "--db", str(committee), "--year", "2026", "--branch", choice]) == 1
    err = capsys.readouterr().err
    assert choice in err and EDUCATION in err and FINANCE in err and "Traceback" not in err


def test_same_name_branches_are_told_apart_by_number(committee: Path) -> None:
    db = open_database(committee)
    try:
        with db.transaction() as s:
            twin = create_branch(s, STREET, "另一台电脑录入", None)
        with db.reading() as s, pytest.raises(BranchBookError) as caught:
            resolve_branch(s, STREET)
        assert "2 个党支部都叫" in caught.value.message and f"{twin}  {STREET}" in caught.value.message
        with db.reading() as s:
            assert resolve_branch(s, str(twin)).id == twin
    finally:
        db.close()


def test_report_annual_and_monthly_for_the_chosen_branch(committee: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "annual.pdf"
    assert main.main(["report", "annual", "--db", str(committee), "--year", "2026", "--out", str(out)]) == 1
    assert "--branch" in capsys.readouterr().err and not out.exists()
    assert main.main(["report", "annual", "--db", str(committee), "--year", "2026", "--out", str(out),
                      "--branch", "幸福社区"]) == 0
    text = "".join(page.extract_text() for page in PdfReader(out).pages[:2])
    assert STREET in text and FINANCE not in text


def test_minutes_take_the_branch_from_the_meeting(committee: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ids = _ids(committee)
    db = open_database(committee)
    with db.reading() as s:
        meeting = s.query(Meeting).filter(Meeting.branch_id == ids[STREET]).first()
        assert meeting is not None
        meeting_id = meeting.id
    db.close()
    out = tmp_path / "m.pdf"
    args = ["report", "minutes", "--db", str(committee), "--meeting", str(meeting_id), "--out", str(out)]
    assert main.main(args) == 0 and out.exists()
    assert main.main([*args, "--branch", "财政局"]) == 1
    assert "不属于党支部“市财政局机关第一党支部”" in capsys.readouterr().err


def test_members_export_and_import_need_the_branch(committee: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "roster.xlsx"
    assert main.main(["members", "export", "--db", str(committee), str(out)]) == 1
    assert "--branch" in capsys.readouterr().err
    assert main.main(["members", "export", "--db", str(committee), str(out), "--branch", "财政局"]) == 0
    assert "已导出 10 名党员" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row >= 11
    assert main.main(["members", "import", "--db", str(committee), str(out), "--dry-run"]) == 1
    assert "--branch" in capsys.readouterr().err


def test_backup_accepts_branch_and_says_it_covers_all(committee: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "usb").mkdir()
    assert main.main(["backup", "--db", str(committee), "--to", str(tmp_path / "usb"), "--branch", "财政局"]) == 0
    assert "全部党支部" in capsys.readouterr().err
