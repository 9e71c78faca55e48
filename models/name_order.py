"""One order for people and party groups everywhere (签到表, 台账, 出勤表): party groups in
their own order (第一、第二 … 第十, not by code point), people by 姓氏笔画 — the stroke count
of the surname, then of the following characters, the order of party documents — with ties
broken by pinyin; pinyin order is the option.

The stroke counts and readings come from Unicode's Unihan database (kTotalStrokes, kMandarin),
built once into resources/name_order/unihan_order.txt (licence beside it)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache

from models.paths import resource

STROKES, PINYIN = "strokes", "pinyin"

_lock = threading.Lock()
_ranges: list[tuple[int, int, str, list[str]]] | None = None  # (first, last, strokes, readings)
_UNKNOWN = 999  # a character the table lacks (Latin letters, digits) sorts after every 汉字


def _load() -> list[tuple[int, int, str, list[str]]]:
    """The table, read once (a few milliseconds: three lines per Unicode range)."""
    global _ranges
    with _lock:
        if _ranges is None:
            ranges = []
            with open(resource("name_order", "unihan_order.txt"), encoding="utf-8") as fh:
                lines = fh.read().split("\n")
            while lines and lines[0].startswith("# "):  # the header (a data line may start with "#")
                lines.pop(0)
            for i in range(0, len(lines) - 2, 3):
                first, last = (int(x, 16) for x in lines[i].split())
                ranges.append((first, last, lines[i + 1], lines[i + 2].split("|")))
            _ranges = ranges
    return _ranges


def _lookup(ch: str) -> tuple[int, str]:
    code = ord(ch)
    for first, last, counts, readings in _load():
        if first <= code <= last:
            count = ord(counts[code - first]) - 0x21
            return (count if count > 0 else _UNKNOWN), readings[code - first]
    return _UNKNOWN, ""


def strokes(ch: str) -> int:
    """Total strokes of a character (999 when it is not a 汉字 in the table)."""
    return _lookup(ch)[0]


@lru_cache(maxsize=4096)
def name_key(name: str, order: str = STROKES) -> tuple[tuple[object, ...], ...]:
    """Sort key of a person's name: by strokes (then pinyin) character by character, or by
    pinyin (then strokes)."""
    key = []
    for ch in name.strip():
        count, reading = _lookup(ch)
        reading = reading or ch.lower()
        key.append((count, reading, ord(ch)) if order != PINYIN else (reading or "~", count, ord(ch)))
    return tuple(key)


_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_NUMBER = re.compile(r"[0-9０-９]+|[零〇一二两三四五六七八九十百]+")


def chinese_number_value(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十一 → 21, 一百零三 → 103; digits as they are."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _NUMERALS[ch]
    return total + current


def group_key(name: str) -> tuple[object, ...]:
    """Sort key of a party group: by the number in its name (第一 … 第十二 党小组, 1组), then
    groups without a number by strokes; an empty name (no group) last."""
    if not name:
        return (2,)
    match = _NUMBER.search(name)
    if match:
        return (0, chinese_number_value(match.group()), name_key(name))
    return (1, name_key(name))


def member_sort_key(order: str = STROKES) -> Callable[[str, str], tuple[object, ...]]:
    """Key over (group name, person name): groups in their order, people by ``order``."""
    return lambda group, person: (group_key(group), name_key(person, order))
