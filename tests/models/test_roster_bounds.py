"""A small workbook may not ask for unbounded work: a cell on row 1,048,576 is refused with a
Chinese message before the rows are read, through the command line."""

from __future__ import annotations

import re
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import main
from models.db import open_database
from models.roster import create_branch


def _database(tmp_path: Path) -> Path:
    path = tmp_path / "branchbook.sqlite3"
    db = open_database(path)
    with db.transaction() as s:
        create_branch(s, "第一党支部", "", date(2001, 7, 1))
    db.close()
    return path



def _roster(path: Path, far_cell: str | None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "入党时间", "党员类别"])
    ws.append(["张三", "男", "2001.07.01", "正式党员"])
    ws.append(["李四", "女", "2010年7月1日", "正式党员"])
    if far_cell:
        ws[far_cell] = "x"
    wb.save(path)
    return path


def _count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM member").fetchone()[0])
    finally:
        con.close()


def test_sheet_claiming_a_million_rows_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _database(tmp_path)
    bomb = _roster(tmp_path / "名册.xlsx", "A1048576")
    assert bomb.stat().st_size < 10_000
    assert main.main(["members", "import", "--db", str(db), str(bomb)]) == 1
    err = capsys.readouterr().err
    assert "1048576" in err and "5000" in err and "未导入" in err and "Traceback" not in err
    assert _count(db) == 0
    wide = _roster(tmp_path / "宽表.xlsx", "XFD2")  # a far column is not read either
    assert main.main(["members", "import", "--db", str(db), str(wide)]) == 0
    assert _count(db) == 2


def test_sheet_lying_about_its_size_is_read_only_up_to_the_bound(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = _database(tmp_path)
    path = _roster(tmp_path / "名册.xlsx", "A1048576")
    liar = tmp_path / "说谎.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:D3"/>', data)
            dst.writestr(item, data)
    assert main.main(["members", "import", "--db", str(db), str(liar)]) == 0
    assert _count(db) == 2
