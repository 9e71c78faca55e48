"""--db as a PostgreSQL server's address (issue 15): the address is never taken as a file path, the
password never travels on the command line, and the committee's everyday commands run on a real server."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

import main


def test_a_server_address_is_not_made_into_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Before: demo took the address as a path and made a folder 'postgresql+psycopg:' holding an SQLite file."""
    monkeypatch.chdir(tmp_path)
    # port 1 on the loopback: nothing listens, the connection is refused at once
    assert main.main(["demo", "--db", "postgresql+psycopg://branchbook@127.0.0.1:1/records", "--years", "1"]) == 1
    err = capsys.readouterr().err
    assert "无法连接数据库服务器" in err and "127.0.0.1:1" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [tmp_path / "userdata"] or not any(
        p.name.startswith("postgresql") for p in tmp_path.iterdir())


def test_a_password_in_the_address_is_refused_without_echoing_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main.main(["stats", "--year", "2026", "--db", "postgresql+psycopg://clerk:s3cret-Pw@127.0.0.1:1/records"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "密码不能写在地址中" in err and ".pgpass" in err
    assert "s3cret-Pw" not in err


@pytest.mark.parametrize("address", ["mysql://a@h/db", "postgresql+psycopg://a@127.0.0.1:5432"])
def test_an_unusable_address_is_a_usage_error(address: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main.main(["stats", "--year", "2026", "--db", address])
    assert exc.value.code == 2
    assert "postgresql+psycopg://用户名@主机:端口/数据库名" in capsys.readouterr().err


def test_committee_commands_on_a_server(pg_empty_url: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """demo, a monthly PDF and check on a fresh server database, through the command line."""
    assert main.main(["demo", "--db", pg_empty_url, "--years", "1", "--members", "12", "--seed", "3"]) == 0
    assert "已生成演示党支部" in capsys.readouterr().out
    last_month = date.today().replace(day=1) - timedelta(days=1)  # this month may have held nothing yet
    pdf = tmp_path / "月度.pdf"
    month = f"{last_month.year}-{last_month.month:02d}"
    assert main.main(["report", "monthly", "--db", pg_empty_url, "--month", month, "--out", str(pdf)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "会议记录" in text or "目录" in text
    assert main.main(["check", "--db", pg_empty_url]) == 0
    out = capsys.readouterr().out
    assert "党员 12" in out and "检查结果：正常" in out and "服务器" in out


def test_the_window_opens_on_a_server(pg_empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`main.py --db postgresql+psycopg://…` opens the main window on the server's branch (no lock
    file, no file check), observed from outside as a person would see it."""
    from tests.test_first_launch import run, windows

    assert main.main(["demo", "--db", pg_empty_url, "--years", "1", "--members", "10"]) == 0
    branch = capsys.readouterr().out.split("“", 1)[1].split("”", 1)[0]
    home = tmp_path / "秘书"
    home.mkdir()
    result = run(home, "--db", pg_empty_url)
    shown = windows(result)
    assert result.returncode == 0, result.stderr
    assert shown and shown[0][0] == "MainWindow" and branch in shown[0][1], shown
    assert not any(p.name.startswith("postgresql") for p in home.rglob("*"))


def test_stats_on_a_server_match_a_file(pg_empty_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same demo branch on a file and on a server: stats (JSON), the committee overview and the
    annual ledger come out the same."""
    file = tmp_path / "same.sqlite3"
    for db in (str(file), pg_empty_url):
        assert main.main(["demo", "--db", db, "--years", "2", "--members", "12", "--seed", "5"]) == 0
    capsys.readouterr()
    year = str(date.today().year - 1)
    outputs = []
    for db in (str(file), pg_empty_url):
        assert main.main(["stats", "--db", db, "--year", year, "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert '"obligations"' in outputs[0] and outputs[0] == outputs[1]
    for db in (str(file), pg_empty_url):
        assert main.main(["stats", "--db", db, "--year", year, "--all-branches", "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[2] == outputs[3]
    pdf = tmp_path / "台账.pdf"
    assert main.main(["report", "annual", "--db", pg_empty_url, "--year", year, "--out", str(pdf)]) == 0
    assert "台账" in "".join(page.extract_text() for page in PdfReader(pdf).pages)
