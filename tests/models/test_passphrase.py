"""models.passphrase: the one rule for passphrases typed in the window and read from a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import passphrase
from models.errors import BranchBookError


@pytest.mark.parametrize(("content", "expected"), [
    (b"  two spaces  \n", "  two spaces  "),
    (b"\xef\xbb\xbfnotepad\r\n", "notepad"),
    ("e\u0301t\u00e9 pass".encode(), "\u00e9t\u00e9 pass"),  # NFC: typed either way, the same key
    (b"no newline", "no newline"),
])
def test_file_holds_exactly_what_was_typed(tmp_path: Path, content: bytes, expected: str) -> None:
    file = tmp_path / "pw.txt"
    file.write_bytes(content)
    assert passphrase.from_file(file) == expected == passphrase.normalise(expected)


@pytest.mark.parametrize(("content", "words"), [
    (b"", "是空的"), (b"\r\n\n", "是空的"), (b"first\nsecond\n", "有多行"), (b"\xff\xfe", "UTF-8"),
])
def test_unusable_files_are_explained(tmp_path: Path, content: bytes, words: str) -> None:
    file = tmp_path / "pw.txt"
    file.write_bytes(content)
    with pytest.raises(BranchBookError, match=words):
        passphrase.from_file(file)


def test_new_passphrase_rules(tmp_path: Path) -> None:
    file = tmp_path / "pw.txt"
    file.write_text("12345\n", encoding="utf-8")
    assert passphrase.from_file(file) == "12345"  # opening an older backup: any length
    with pytest.raises(BranchBookError, match="至少要 6 个字符"):
        passphrase.from_file(file, new=True)
    with pytest.raises(BranchBookError, match="只有空格"):
        passphrase.check_new("        ")
    assert passphrase.check_new("六个字的密码") == "六个字的密码"
