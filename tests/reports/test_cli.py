"""``python main.py report …`` end to end through main.main."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
from models.db import Database
from tests.reports.conftest import Sample, pdf_text


def test_monthly_report_from_the_command_line(
    db: Database, db_path: Path, sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.pdf"
    code = main.main(["report", "monthly", "--db", str(db_path), "--month", "2025-03", "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out)
    text = pdf_text(out)
    for expected in ("测试第一党支部", "研究发展党员工作", "书记讲党课", "讨论接收预备党员", "周平", "吴刚"):
        assert expected in text


@pytest.mark.parametrize("kind", ["minutes", "signin"])
def test_meeting_documents(
    db: Database, db_path: Path, sample: Sample, tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"{kind}.pdf"
    code = main.main(["report", kind, "--db", str(db_path), "--meeting", str(sample.assembly_id), "--out", str(out)])
    assert code == 0
    assert "讨论接收预备党员" in pdf_text(out)


def test_annual_report(db: Database, db_path: Path, sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "y.pdf"
    assert main.main(["report", "annual", "--db", str(db_path), "--year", "2025", "--out", str(out)]) == 0
    assert "2025年度" in pdf_text(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["minutes", "--meeting", "999"], "找不到编号为 999 的会议"),
        (["monthly", "--month", "2024-02"], "2024年2月没有已召开的会议记录"),
    ],
)
def test_user_errors_exit_1_with_chinese_message_and_no_file(
    db: Database, db_path: Path, sample: Sample, tmp_path: Path, args: list[str], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "x.pdf"
    code = main.main(["report", *args, "--db", str(db_path), "--out", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert list(tmp_path.glob("*.pdf*")) == []


def test_unwritable_output(db: Database, db_path: Path, sample: Sample, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing-folder" / "m.pdf"
    code = main.main(["report", "monthly", "--db", str(db_path), "--month", "2025-03", "--out", str(out)])
    assert code == 1
    assert "输出文件夹" in capsys.readouterr().err
    # a folder in the way of the output file: the build fails at the rename, nothing is left
    blocker = tmp_path / "m.pdf"
    blocker.mkdir()
    code = main.main(["report", "monthly", "--db", str(db_path), "--month", "2025-03", "--out", str(blocker)])
    assert code == 1
    assert "无法写入" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_existing_file_is_only_replaced_by_a_complete_build(
    db: Database, db_path: Path, sample: Sample, tmp_path: Path
) -> None:
    out = tmp_path / "m.pdf"
    out.write_bytes(b"previous")
    assert main.main(["report", "monthly", "--db", str(db_path), "--month", "2025-04", "--out", str(out)]) == 1
    assert out.read_bytes() == b"previous"


def test_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["report", "annual", "--db", str(tmp_path / "nope.sqlite3"), "--year", "2025",
                      "--out", str(tmp_path / "y.pdf")])
    assert code == 1
    assert "找不到数据库文件" in capsys.readouterr().err
