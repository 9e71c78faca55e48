"""Half-width , ; : ! ? between Chinese characters become full-width; numbers and Latin text keep theirs."""

from __future__ import annotations

import pytest

from models.typography import count_half_width_punctuation, full_width_punctuation


@pytest.mark.parametrize(("typed", "printed"), [
    ("会议指出,要加强学习;同时: 要抓落实!", "会议指出，要加强学习；同时：要抓落实！"),
    ("大家有没有意见?", "大家有没有意见？"),
    ("树牢“四个意识”,坚定“四个自信”", "树牢“四个意识”，坚定“四个自信”"),
    ("时间10:30,地点三楼", "时间10:30，地点三楼"),
    ("共3,000字;比例12.5%", "共3,000字；比例12.5%"),
    ("Hello, world: ok!", "Hello, world: ok!"),
])
def test_full_width_between_chinese_characters(typed: str, printed: str) -> None:
    assert full_width_punctuation(typed) == printed
    changed = sum(typed.count(c) - printed.count(c) for c in ",;:!?")
    assert count_half_width_punctuation(typed) == changed
