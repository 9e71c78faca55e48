"""Small checks shared by the services and the roster import."""

from __future__ import annotations

import re
from datetime import date, datetime

from models.errors import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


def id_number_problem(value: str) -> str | None:
    """Why a 18-digit 居民身份证号码 is invalid (GB 11643 check digit), or None if valid."""
    v = value.strip().upper()
    if len(v) != 18:
        return f"身份证号应为 18 位，现为 {len(v)} 位"
    if not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return "身份证号前 17 位须为数字，最后一位为数字或 X"
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号中的出生日期不正确"
    total = sum(int(d) * w for d, w in zip(v[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != v[17]:
        return "身份证号校验位不正确，请核对是否输错"
    return None


def phone_problem(value: str) -> str | None:
    if value and not _PHONE.match(value.strip()):
        return "联系电话只能包含数字、空格和“-”"
    return None


def mask_id_number(value: str) -> str:
    """110101********1234 — masked for every export and print unless asked."""
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str) -> str:
    v = value.strip()
    if len(v) < 7:
        return "*" * len(v)
    return v[:3] + "*" * (len(v) - 7) + v[-4:]


# Two date styles, one per kind of place (docs/dates.md): a date read in a sentence, a form field
# or on paper is written as in the record book, 2026年3月5日; a date standing in a column (tables,
# lists, drop-down lists of records, spreadsheets) as 2026-03-05, which lines up and sorts.


def format_date(d: date | None) -> str:
    """2026年3月5日 — the way dates are written in the record book, forms and sentences."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def table_date(d: date | None) -> str:
    """2026-03-05 — a date in a table, list or spreadsheet column."""
    return d.isoformat() if d else ""


def table_when(when: datetime | None) -> str:
    """2026-03-05 18:02 — a moment in a table or list column."""
    return f"{when:%Y-%m-%d %H:%M}" if when else ""


#: The longest search text accepted (SQLite refuses LIKE patterns over 50,000 bytes; nobody
#: searches for a whole page).
MAX_SEARCH_CHARS = 200


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` literally anywhere (use with escape='\\').

    Raises ValidationError (field ``text``) for a text longer than MAX_SEARCH_CHARS."""
    if len(text) > MAX_SEARCH_CHARS:
        raise ValidationError(f"搜索内容太长（{len(text)} 个字）。请只输入要找的关键词，"
                              f"不超过 {MAX_SEARCH_CHARS} 个字。", field="text")
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
