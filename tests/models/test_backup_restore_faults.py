"""Restore refuses every bad file with its own message; the live database stays byte-for-byte
the same and no temporary file is left behind (also through ``main.main``)."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import main
from models import backup_format as fmt
from models.backup import create_backup
from models.backup_format import Manifest
from models.db import APPLICATION_ID, Database
from models.meetings import list_meetings
from models.restore import restore_database
from tests.models.backup_support import file_sha, listing, populate


@pytest.fixture
def live(db: Database) -> Path:
    populate(db)
    db.close()
    return db.path


@pytest.fixture
def good(live: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return create_backup(live, folder).path


@pytest.fixture(autouse=True)
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The system temp folder, redirected so that leftovers can be seen."""
    folder = tmp_path / "systemp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _empty(good: Path, bad: Path) -> Path:
    return _write(bad, b"")


def _half(good: Path, bad: Path) -> Path:
    data = good.read_bytes()
    return _write(bad, data[: len(data) // 2])


def _one_short(good: Path, bad: Path) -> Path:
    return _write(bad, good.read_bytes()[:-1])


def _random(good: Path, bad: Path) -> Path:
    return _write(bad, os.urandom(50_000))


def _flipped(good: Path, bad: Path) -> Path:
    data = bytearray(good.read_bytes())
    data[-500] ^= 0x01
    return _write(bad, bytes(data))


def _foreign_sqlite(good: Path, bad: Path) -> Path:
    con = sqlite3.connect(bad)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    return bad


def _wrapped(bad: Path, sqlite_path: Path, revision: str, app_id: int) -> Path:
    manifest = Manifest(created_at="2026-11-22T18:02:00", revision=revision, application_id=app_id,
                        sqlite_size=sqlite_path.stat().st_size, sha256=fmt.file_sha256(sqlite_path),
                        branches=["某支部"], counts={})
    with bad.open("wb") as out:
        fmt.write_plain(out, manifest, sqlite_path)
    return bad


def _foreign_inside(good: Path, bad: Path) -> Path:
    inner = bad.with_suffix(".inner")
    con = sqlite3.connect(inner)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    return _wrapped(bad, inner, "0002", 0)


def _newer_schema(good: Path, bad: Path) -> Path:
    inner = bad.with_suffix(".inner")
    with good.open("rb") as fh:
        header = fmt.read_header(fh, good.name)
        inner.write_bytes(fh.read())
    con = sqlite3.connect(inner)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    manifest = Manifest(**header.meta)
    return _wrapped(bad, inner, "9999_future", manifest.application_id)


def _tampered_encrypted(good: Path, bad: Path) -> Path:
    plain_dir = bad.parent / "enc"
    plain_dir.mkdir(exist_ok=True)
    with bad.open("wb") as out:
        fmt.write_encrypted(out, good, "secret")
    data = bytearray(bad.read_bytes())
    data[len(data) // 2] ^= 0x40
    return _write(bad, bytes(data))


def _tampered_header(good: Path, bad: Path) -> Path:
    with bad.open("wb") as out:
        fmt.write_encrypted(out, good, "secret")
    data = bad.read_bytes()
    with bad.open("rb") as fh:
        header = fmt.read_header(fh, bad.name)
    meta = dict(header.meta, n=2**14)
    raw = json.dumps(meta, sort_keys=True).encode()
    prefix = fmt._PREFIX.pack(fmt.MAGIC, 1, 1, len(raw)) + raw
    return _write(bad, prefix + data[len(header.prefix):])


BAD_FILES: list[tuple[str, Callable[[Path, Path], Path], str]] = [
    ("empty", _empty, "空文件"),
    ("half", _half, "不完整"),
    ("one_byte_short", _one_short, "少了 1 字节"),
    ("random_bytes", _random, "不是支部工作记录本的备份文件"),
    ("flipped_bit", _flipped, "校验码不符"),
    ("foreign_sqlite", _foreign_sqlite, "是一个数据库文件，不是支部工作记录本的备份文件"),
    ("foreign_inside", _foreign_inside, "不是支部工作记录本的数据库"),
    ("newer_schema", _newer_schema, "更新版本"),
    ("tampered_encrypted", _tampered_encrypted, "密码错误或文件已损坏"),
    ("tampered_header", _tampered_header, "密码错误或文件已损坏"),
]


@pytest.mark.parametrize(("case", "make", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_backup_is_refused_and_live_file_unchanged(
    case: str, make: Callable[[Path, Path], Path], message: str, live: Path, good: Path,
    tmp_path: Path, system_temp: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    bad = make(good, tmp_path / f"{case}.bbk")
    secret = tmp_path / "pw.txt"
    secret.write_text("secret", encoding="utf-8")
    before, files_before = file_sha(live), listing(live.parent)
    args = ["restore", str(bad), "--db", str(live)]
    if "encrypted" in case or "header" in case:
        args += ["--passphrase-file", str(secret)]
    assert main.main(args) == 1
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err
    assert file_sha(live) == before
    assert listing(live.parent) == files_before
    assert listing(system_temp) == set()
    assert main.main(["verify", str(bad)] + args[4:]) == 1
    assert message in capsys.readouterr().err
    assert listing(system_temp) == set()


def test_refused_restore_keeps_the_open_database_working(db: Database, tmp_path: Path) -> None:
    branch_id = populate(db)
    bad = _write(tmp_path / "bad.bbk", b"not a backup at all")
    db.close()  # the engine reconnects on next use; this folds the WAL into the file
    before = file_sha(db.path)
    with pytest.raises(fmt.BackupFileError):
        restore_database(db, bad)
    with db.reading() as s:
        assert len(list_meetings(s, branch_id)) == 2
    db.close()
    assert file_sha(db.path) == before


def test_good_backup_restores_into_missing_database(good: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "newpc" / "records.sqlite3"
    assert main.main(["restore", str(good), "--db", str(target)]) == 0
    assert "已从备份恢复" in capsys.readouterr().out
    con = sqlite3.connect(target)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("SELECT count(*) FROM meeting").fetchone()[0] == 2
    con.close()
    assert {p.name for p in target.parent.iterdir()} == {"records.sqlite3"}
