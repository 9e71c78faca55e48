"""党委工作台: all branches of a committee's database side by side (stats --all-branches)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete

import main
from models.db import open_database
from models.entities import Meeting
from models.overview import backup_dates, committee_overview, note_backup_date
from models.roster import create_branch, list_branches
from tests.committee_support import committee_copy

FINANCE, EDUCATION, STREET = "市财政局机关第一党支部", "市教育局机关第二党支部", "城关街道幸福社区党支部"
TODAY = date.today()


@pytest.fixture
def committee(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return committee_copy(tmp_path_factory, tmp_path)


def _silence(path: Path, name: str, days: int) -> None:
    """Remove the branch's meetings of the last ``days`` days (as if nothing was recorded)."""
    db = open_database(path)
    try:
        with db.transaction() as s:
            branch = next(b.id for b in list_branches(s) if b.name == name)
            s.execute(delete(Meeting).where(Meeting.branch_id == branch,
                                            Meeting.held_on >= TODAY - timedelta(days=days)))
    finally:
        db.close()


def test_overview_ranks_flags_silent_branch_and_backup_dates(committee: Path) -> None:
    _silence(committee, STREET, 80)
    db = open_database(committee)
    try:
        with db.reading() as s:
            data = committee_overview(s, TODAY.year, TODAY)
    finally:
        db.close()
    rows = {b.name: b for b in data.branches}
    assert set(rows) == {FINANCE, EDUCATION, STREET}
    street = rows[STREET]
    assert street.silent and [b.name for b in data.silent] == [STREET]
    assert street.last_meeting is not None and (TODAY - street.last_meeting).days >= 80
    assert street.missing > rows[FINANCE].missing
    assert street.rate is not None and street.rate < min(rows[FINANCE].rate or 0, rows[EDUCATION].rate or 0)
    assert street.rank == 3 and data.branches[-1].name == STREET
    for b in data.branches:
        assert b.due == b.done + b.missing + b.failed_quorum
        assert b.members == 10 and b.study_hours > 0
        assert b.backup_at is not None and b.backup_at.date() == TODAY and not b.stale


def test_stale_data_and_local_branch(committee: Path) -> None:
    db = open_database(committee)
    try:
        with db.transaction() as s:
            create_branch(s, "新建党支部", "", None)
        with db.reading() as s:
            later = committee_overview(s, TODAY.year, TODAY + timedelta(days=40))
    finally:
        db.close()
    rows = {b.name: b for b in later.branches}
    assert rows[FINANCE].stale and "数据陈旧" in rows[FINANCE].backup_text()
    assert rows["新建党支部"].backup_at is None and rows["新建党支部"].backup_text() == "本机录入"
    assert rows["新建党支部"].rate is None and rows["新建党支部"].rank == 4


def test_an_older_backup_does_not_move_the_date_back(committee: Path) -> None:
    db = open_database(committee)
    try:
        with db.transaction() as s:
            uuid, before = next(iter(backup_dates(s).items()))
            note_backup_date(s, [uuid], (before - timedelta(days=90)).isoformat())
            note_backup_date(s, ["new-uuid"], "2026-01-02T03:04:05")
        with db.reading() as s:
            dates = backup_dates(s)
        assert dates[uuid] == before and dates["new-uuid"] == datetime(2026, 1, 2, 3, 4, 5)
    finally:
        db.close()


def test_cli_all_branches_json_and_same_name(committee: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(committee)
    with db.transaction() as s:
        create_branch(s, STREET, "另一台电脑录入", None)
    db.close()
    assert main.main(["stats", "--db", str(committee), "--year", str(TODAY.year), "--all-branches", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [b["branch"] for b in data["branches"]]
    assert sorted(names) == sorted([FINANCE, EDUCATION, STREET, STREET])
    assert data["same_name_branches"] == [STREET]
    assert [b["rank"] for b in data["branches"]] == sorted(b["rank"] for b in data["branches"])
    assert main.main(["stats", "--db", str(committee), "--year", str(TODAY.year), "--all-branches"]) == 0
    text = capsys.readouterr().out
    assert "党委工作台" in text and "同名党支部" in text and "完成率" in text


def test_all_branches_and_branch_are_exclusive(committee: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main.main(["stats", "--db", str(committee), "--year", "2026", "--all-branches", "--branch", "1"])
    assert exited.value.code == 2


def test_report_committee_writes_the_summary_pdf_and_workbook(
        committee: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _silence(committee, STREET, 80)
    pdf, xlsx = tmp_path / "汇总.pdf", tmp_path / "汇总.xlsx"
    for out in (pdf, xlsx):
        assert main.main(["report", "committee", "--db", str(committee), "--year", str(TODAY.year),
                          "--out", str(out)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "党委汇总" in text and "静默支部" in text and STREET in text and FINANCE in text
    sheet = load_workbook(xlsx)["完成情况排名"]
    rows = {sheet.cell(row=r, column=2).value: sheet.cell(row=r, column=8).value for r in range(3, 6)}
    assert rows[STREET] == "静默支部" and not rows[FINANCE]
    assert main.main(["report", "committee", "--db", str(committee), "--year", "2026",
                      "--out", str(tmp_path / "nowhere" / "x.pdf")]) == 1
    assert "不存在" in capsys.readouterr().err
