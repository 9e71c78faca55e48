"""Access by branch on a committee's server (issue 15): a branch secretary's database role sees and
changes only that branch's rows through our services and commands; a committee role sees all."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, select
from sqlalchemy.exc import DBAPIError

import main
from models.branches import list_branches
from models.db import open_database
from models.entities import Meeting
from models.enums import MeetingType
from models.errors import explain
from models.meetings import MeetingInput, create_meeting, list_meetings
from models.search import search

_n = itertools.count()


@pytest.fixture
def roles(pg_url: str) -> Iterator[list[str]]:
    """Role names unique to this test (roles belong to the whole cluster); dropped afterwards."""
    made = [f"bb_role_{os.getpid()}_{next(_n)}" for _ in range(2)]
    yield made
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for role in made:
            if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).scalar():
                conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
                conn.exec_driver_sql(f'DROP ROLE "{role}"')
    engine.dispose()


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def _two_branches(pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[int, str]]:
    """A demo branch and a branch merged from a PC's backup: (id, name) of each."""
    assert main.main(["demo", "--db", pg_url, "--years", "1", "--members", "10", "--seed", "3"]) == 0
    pc = tmp_path / "pc.sqlite3"
    assert main.main(["demo", "--db", str(pc), "--years", "1", "--members", "10", "--seed", "9"]) == 0
    assert main.main(["backup", "--db", str(pc), "--to", str(tmp_path)]) == 0
    bbk = capsys.readouterr().out.strip().splitlines()[-1]
    assert main.main(["merge", "--db", pg_url, bbk]) == 0
    capsys.readouterr()
    db = open_database(pg_url)
    try:
        with db.reading() as s:
            found = [(b.id, b.name) for b in list_branches(s)]
            assert all(list_meetings(s, b) and search(s, b, "会") for b, _ in found)
    finally:
        db.close()
    return found


def test_a_branch_role_sees_only_its_branch(pg_url: str, roles: list[str], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (other, first), (own, second) = _two_branches(pg_url, tmp_path, capsys)
    secretary, committee = roles
    assert main.main(["server", "grant", "--db", pg_url, "--branch", second, "--role", secretary]) == 0
    out = capsys.readouterr().out
    assert "已授权" in out and "\\password" in out  # a new login role, its password still to be set
    assert main.main(["server", "grant", "--db", pg_url, "--all-branches", "--role", committee]) == 0
    assert main.main(["server", "roles", "--db", pg_url]) == 0
    listed = capsys.readouterr().out
    assert f"{secretary}：{second}" in listed and f"{committee}：全部党支部" in listed

    mine = open_database(_as(pg_url, secretary))
    try:
        with mine.reading() as s:
            assert [(b.id, b.name) for b in list_branches(s)] == [(own, second)]
            assert list_meetings(s, own) and search(s, own, "会")
            assert list_meetings(s, other) == [] and search(s, other, "会") == []
            assert set(s.scalars(select(Meeting.branch_id).distinct())) == {own}
        with mine.transaction() as s:  # its own branch: allowed, and logged in the one chain
            create_meeting(s, own, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 5)))
        with pytest.raises(DBAPIError) as refused, mine.transaction() as s:
            create_meeting(s, other, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 6)))
        assert "只能修改本党支部的记录" in (explain(refused.value) or "")
    finally:
        mine.close()
    # through the command line: the role sees one branch, so --branch is not needed
    assert main.main(["report", "monthly", "--db", _as(pg_url, secretary), "--month", "2026-03",
                      "--out", str(tmp_path / "m.pdf")]) == 0
    assert main.main(["branches", "list", "--db", _as(pg_url, committee)]) == 0
    both = capsys.readouterr().out
    assert first in both and second in both
    assert main.main(["check", "--db", pg_url]) == 0  # the audit chain holds with a branch role writing
    assert "检查结果：正常" in capsys.readouterr().out
    # revoked: nothing left to see
    assert main.main(["server", "revoke", "--db", pg_url, "--branch", second, "--role", secretary]) == 0
    assert main.main(["branches", "list", "--db", _as(pg_url, secretary)]) == 1
    assert "权限" in capsys.readouterr().err


def test_server_commands_refuse_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["server", "roles", "--db", str(tmp_path / "a.sqlite3")]) == 1
    assert "只适用于数据库服务器" in capsys.readouterr().err
