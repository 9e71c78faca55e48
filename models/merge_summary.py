"""What a merge (合并) did, in words: the per-table counts, the 定稿 conflicts set aside and
the notes (same-name branches, repeated ID numbers) — shown by the command line and the window."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.validation import mask_id_number

LABELS = {
    "branch": "党支部", "party_group": "党小组", "member": "党员", "member_status": "党籍状态记录",
    "member_exemption": "免于参加组织生活记录", "meeting": "会议", "agenda_item": "议题",
    "attendance": "出席记录", "guest": "列席人员", "study_note": "学习笔记", "attachment": "附件",
    "action_item": "落实事项", "branch_setting": "支部设置", "office_term": "任职记录",
    "group_membership": "党小组成员记录",
}


@dataclass
class MergeSummary:
    source: str
    branches: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)  # theirs was newer
    kept: dict[str, int] = field(default_factory=dict)  # ours was newer; theirs logged
    deleted: dict[str, int] = field(default_factory=dict)  # deleted on the other side
    conflicts: list[str] = field(default_factory=list)  # 定稿 meetings kept; their version set aside
    notes: list[str] = field(default_factory=list)  # same-name branches, repeated ID numbers

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.conflicts)

    def count(self, counts: dict[str, int], table: str, n: int = 1) -> None:
        if n:
            counts[table] = counts.get(table, 0) + n

    def describe(self) -> str:
        def part(counts: dict[str, int]) -> str:
            return "，".join(f"{LABELS.get(t, t)} {n} 条" for t, n in counts.items()) or "无"

        lines = [f"合并备份“{self.source}”（党支部：{'、'.join(self.branches) or '无'}）"]
        if not self.changed and not self.kept:
            lines.append("没有新的或更新的记录，数据库未改动。")
        else:
            lines.append(f"新增：{part(self.added)}")
            lines.append(f"更新（对方版本较新）：{part(self.updated)}")
            if self.deleted:
                lines.append(f"删除（对方已删除）：{part(self.deleted)}")
            if self.kept:
                lines.append(f"保留本机版本（本机较新，对方版本已记入操作日志）：{part(self.kept)}")
        if self.conflicts:
            lines.append(f"有 {len(self.conflicts)} 条合并冲突：已定稿的会议"
                         f"{'、'.join(f'“{t}”' for t in self.conflicts[:5])}{'等' if len(self.conflicts) > 5 else ''}"
                         "在对方备份中是另一版本。本机的定稿未被改动，对方版本已另存，"
                         "请在“备份与恢复”页的“合并冲突”中查看并处理。")
        lines += [f"请注意：{n}" for n in self.notes]
        return "\n".join(lines)


def duplicate_notes(conn: Connection) -> list[str]:
    """Same-name branches and members of them sharing an ID number, after the merge."""
    notes = [f"数据库中现有 {n} 个同名党支部“{name}”（可能是同一支部在两台电脑上各建了一次），"
             "统计会分开计算，请核对。"
             for name, n in conn.execute(text(
                 "SELECT name, count(*) FROM branch GROUP BY name HAVING count(*) > 1 ORDER BY name"))]
    rows = conn.execute(text(
        "SELECT b.name, m.id_number, count(*) FROM member m JOIN branch b ON b.id = m.branch_id "
        "WHERE m.id_number <> '' GROUP BY b.name, m.id_number HAVING count(*) > 1 ORDER BY 1, 2")).all()
    if rows:
        shown = "；".join(f"{mask_id_number(number)}（{n} 人）" for _b, number, n in rows[:5])
        notes.append(f"有 {len(rows)} 个身份证号在同一（同名）党支部中重复出现，多出 "
                     f"{sum(n - 1 for _b, _i, n in rows)} 名党员：{shown}{'等' if len(rows) > 5 else ''}。"
                     "请在党员名册中核对并删除重复的党员。")
    return notes
