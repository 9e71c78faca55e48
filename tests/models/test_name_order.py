"""One order: party groups by their number (第一 … 第十二), people by 姓氏笔画 then pinyin."""

from __future__ import annotations

from models.name_order import PINYIN, chinese_number_value, group_key, name_key, strokes


def test_groups_in_their_own_order() -> None:
    groups = ["第一党小组", "第七党小组", "第三党小组", "第九党小组", "第二党小组", "第十党小组", "第十二党小组",
              "机关党小组", ""]
    assert sorted(groups, key=group_key) == ["第一党小组", "第二党小组", "第三党小组", "第七党小组", "第九党小组",
                                             "第十党小组", "第十二党小组", "机关党小组", ""]
    assert [chinese_number_value(t) for t in ("一", "十", "十二", "二十一", "一百零三", "7")] == [1, 10, 12, 21, 103, 7]


def test_people_by_surname_strokes_then_pinyin() -> None:
    assert (strokes("丁"), strokes("王"), strokes("李"), strokes("张"), strokes("𠮷")) == (2, 4, 7, 7, 6)
    names = ["张丽", "王建华", "李明", "丁一", "吕布", "万里", "王𠮷"]
    assert sorted(names, key=name_key) == ["丁一", "万里", "王𠮷", "王建华", "吕布", "李明", "张丽"]
    assert sorted(names[:6], key=lambda n: name_key(n, PINYIN)) == ["丁一", "李明", "吕布", "万里", "王建华", "张丽"]
