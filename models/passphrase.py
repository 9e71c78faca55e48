"""备份密码: one rule for the window and the command line.

A passphrase is exactly what the person typed — spaces included, anywhere — in Unicode NFC
(the same characters typed through different input methods compare equal). From a file
(``--passphrase-file``) only what an editor adds is removed: a UTF-8 BOM (Windows Notepad) and
the line ending(s) at the end; the file holds one line. A new backup's passphrase has at least
:data:`MIN_LENGTH` characters and is not only spaces; opening a backup accepts any passphrase
(older backups may have shorter ones).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from models.errors import BranchBookError, ValidationError, require_file

MIN_LENGTH = 6
MAX_LENGTH = 1024


def normalise(text: str) -> str:
    """The passphrase as compared and used for the key: NFC, nothing stripped."""
    return unicodedata.normalize("NFC", text)


def check_new(text: str, field: str = "passphrase") -> str:
    """The normalised passphrase for a new encrypted backup, or ValidationError."""
    passphrase = normalise(text)
    if not passphrase.strip():
        raise ValidationError("备份密码不能为空，也不能只有空格。请输入备份密码。", field=field)
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError(f"备份密码至少要 {MIN_LENGTH} 个字符（现在只有 {len(passphrase)} 个），请重新输入。",
                              field=field)
    if len(passphrase) > MAX_LENGTH:
        raise ValidationError(f"备份密码太长（超过 {MAX_LENGTH} 个字符），请换一个短一些的密码。", field=field)
    return passphrase


def from_file(file: Path, *, new: bool = False) -> str:
    """The passphrase in ``file`` (``--passphrase-file``); ``new``: for a backup being made."""
    require_file(file, "密码文件", "请检查 --passphrase-file 的路径。")
    try:
        raw = file.read_bytes()[: MAX_LENGTH * 4 + 16]
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BranchBookError(f"无法读取密码文件“{file}”。请确认它是 UTF-8 文本文件。") from exc
    text = text.rstrip("\r\n")
    if "\n" in text or "\r" in text:
        raise BranchBookError(f"密码文件“{file}”有多行。请只在第一行写备份密码，其余行删除。")
    if not text:
        raise BranchBookError(f"密码文件“{file}”是空的。请在第一行写入备份密码。")
    if new:
        try:
            return check_new(text)
        except ValidationError as exc:
            raise BranchBookError(f"密码文件“{file}”中的{exc.message}") from exc
    return normalise(text)
