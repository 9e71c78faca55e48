"""What an encrypted backup may ask for is bounded, and no unauthenticated plaintext reaches disk."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

import main
from models import backup_format as fmt
from models.backup import create_backup
from models.db import open_database
from tests.models.backup_support import populate

PASSPHRASE = "正确的密码123"


def _plain_backup(tmp_path: Path) -> Path:
    db = open_database(tmp_path / "branchbook.sqlite3")
    populate(db, members=3, meetings=2)
    db.close()
    out = tmp_path / "plain"
    out.mkdir()
    return create_backup(db.path, out).path


def _version1(plain: Path, target: Path, n: int = 2**15, r: int = 8, p: int = 1) -> Path:
    """An encrypted backup as the previous release wrote it: one GCM stream, tag at the end."""
    salt, nonce = os.urandom(16), os.urandom(12)
    meta = {"cipher": "AES-256-GCM", "kdf": "scrypt", "n": n, "r": r, "p": p,
            "salt": base64.b64encode(salt).decode(), "nonce": base64.b64encode(nonce).decode()}
    raw = json.dumps(meta, sort_keys=True).encode()
    prefix = fmt._PREFIX.pack(fmt.MAGIC, 1, fmt.KIND_ENCRYPTED, len(raw)) + raw
    key = Scrypt(salt=salt, length=32, n=min(n, 2**15), r=min(r, 8), p=1).derive(PASSPHRASE.encode())
    enc = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(prefix)
    body = enc.update(plain.read_bytes()) + enc.finalize()
    target.write_bytes(prefix + body + enc.tag)
    return target


def _pass_file(tmp_path: Path) -> Path:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    return secret


def test_header_asking_for_huge_scrypt_is_refused_at_once(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    bomb = _version1(_plain_backup(tmp_path), tmp_path / "bomb.bbk", n=2**20, r=32, p=16)
    started = time.monotonic()
    assert main.main(["verify", str(bomb), "--passphrase-file", str(_pass_file(tmp_path))]) == 1
    assert time.monotonic() - started < 20  # a guard against hanging, not a speed target
    err = capsys.readouterr().err
    assert "加密参数超出允许范围" in err and "Traceback" not in err


def test_previous_format_still_opens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _version1(_plain_backup(tmp_path), tmp_path / "old.bbk")
    assert main.main(["verify", str(old), "--passphrase-file", str(_pass_file(tmp_path))]) == 0
    assert "备份完好" in capsys.readouterr().out


def test_new_backups_use_stronger_scrypt_and_authenticated_pieces(tmp_path: Path) -> None:
    plain = _plain_backup(tmp_path)
    target = tmp_path / "new.bbk"
    with target.open("wb") as out:
        fmt.write_encrypted(out, plain, PASSPHRASE)
    with target.open("rb") as fh:
        header = fmt.read_header(fh, target.name)
    assert header.version == 2 and header.meta["n"] >= 2**17 and header.meta["cipher"] == "AES-256-GCM-STREAM"


@pytest.mark.parametrize("version", [1, 2])
def test_tampered_ciphertext_writes_no_plaintext(tmp_path: Path, version: int) -> None:
    plain = _plain_backup(tmp_path)
    target = tmp_path / f"v{version}.bbk"
    if version == 1:
        _version1(plain, target)
    else:
        with target.open("wb") as out:
            fmt.write_encrypted(out, plain, PASSPHRASE)
    data = bytearray(target.read_bytes())
    data[-3] ^= 0x01  # the last piece (v2) or the tag region (v1) no longer authenticates
    target.write_bytes(bytes(data))
    dest = tmp_path / "extracted.sqlite3"
    seen: list[int] = []
    with target.open("rb") as fh:
        header = fmt.read_header(fh, target.name)
        with pytest.raises(fmt.BackupFileError):
            fmt.decrypt_to(target, header, fh, PASSPHRASE, lambda data: seen.append(len(data)))
    if version == 1:
        assert seen == []  # nothing handed out before the tag was checked
    with target.open("rb") as fh:
        header = fmt.read_header(fh, target.name)
        with pytest.raises(fmt.BackupFileError):
            fmt.extract_encrypted(target, header, fh, PASSPHRASE, dest)
    assert not dest.exists()


def _plaintext_databases(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                if fh.read(16) == b"SQLite format 3\x00":
                    found.append(path)
    return found


def test_kill_during_encrypted_backup_leaves_no_plaintext_snapshot(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    source = tmp_path / "data" / "branchbook.sqlite3"
    db = open_database(source)
    populate(db, members=5, meetings=5)
    db.close()
    usb, temp = tmp_path / "usb", tmp_path / "temp"
    usb.mkdir(), temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "BRANCHBOOK_DATA_DIR": str(tmp_path / "userdata")}
    proc = subprocess.Popen([sys.executable, str(root / "main.py"), "backup", "--db", str(source), "--to",
                             str(usb), "--passphrase-file", str(_pass_file(tmp_path))], env=env, cwd=root)
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".partial") for p in usb.iterdir()) and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _plaintext_databases(temp) == [] and _plaintext_databases(usb) == []
    assert _plaintext_databases(source.parent) == [source]
