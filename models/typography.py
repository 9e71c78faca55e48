"""Chinese typesetting of typed text: half-width , ; : ! ? between Chinese characters
(minutes pasted from web pages and WeChat articles) turned into their full-width forms, so
the printed page follows Chinese punctuation use (GB/T 15834)."""

from __future__ import annotations

import re

FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CLOSE = "”’）》」』】"
# a mark after a Chinese character (or closing mark), followed by a Chinese character, an
# opening mark, the end of the line or blanks; blanks after the mark go (a full-width mark
# carries its own space). 10:30, 3,000 and a.b?c stay as they are.
_OPEN = "“‘（《「『【"
_HALF = re.compile(
    rf"(?<=[{_CJK}{_CLOSE}])([,;:!?])[ \t]*(?=[{_CJK}{_OPEN}]|[ \t]*$)"  # 学习,要 / 学习!
    rf"|(?<=[0-9A-Za-z%])([,;:!?])[ \t]*(?=[{_CJK}{_OPEN}])",  # 10:30,地点
    re.MULTILINE,
)


def count_half_width_punctuation(text: str) -> int:
    """How many marks :func:`full_width_punctuation` would change."""
    return sum(1 for _ in _HALF.finditer(text))


def full_width_punctuation(text: str) -> str:
    """``text`` with half-width , ; : ! ? between Chinese characters made full-width."""
    return _HALF.sub(lambda m: FULL_WIDTH[m.group(1) or m.group(2)], text)
