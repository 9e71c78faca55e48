"""The checks of ``check`` that look for changes made behind the application's back.

* every 定稿 meeting's content hash is recomputed (an edit with an SQLite tool shows);
* the triggers that keep the audit log append-only must exist;
* the audit chain must be sound and must still hold the newest anchor known outside the
  file (backup manifests and the backup history, per ``database_uuid``): a cut tail or a
  chain recomputed after an edit shows;
* members of one branch sharing an ID number (two PCs' rosters merged) are listed, masked;
* merge conflicts not yet resolved are counted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.content_hash import stored_hashes
from models.db import readonly_uri
from models.validation import format_date, mask_id_number

AUDIT_TRIGGERS = ("audit_entry_no_update", "audit_entry_no_delete")


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def finalized_hash_problems(con: sqlite3.Connection) -> list[str]:
    """One line per 定稿 meeting whose content no longer matches the hash taken at 定稿."""
    bad = [m for m in stored_hashes(con) if not m.matches]
    lines = [f"已定稿的会议“{m.title}”（{format_date(m.held_on)}，编号 {m.id}）的内容与定稿时的校验值不符，"
             "定稿后被改动过（可能是用其他工具直接修改了数据库）。请核对原始记录，必要时从备份恢复。"
             for m in bad[:20]]
    if len(bad) > 20:
        lines.append(f"另有 {len(bad) - 20} 次已定稿会议的内容与校验值不符。")
    return lines


def trigger_problems(con: sqlite3.Connection) -> list[str]:
    present = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    missing = [t for t in AUDIT_TRIGGERS if t not in present]
    if not missing:
        return []
    return [(f"操作日志的防改动保护（触发器 {'、'.join(missing)}）已被删除，日志可能被改动过。"
            "请从备份恢复，或联系维护人员。")]


def anchor_problems(con: sqlite3.Connection, anchor: dict[str, Any] | None) -> list[str]:
    """Compare the chain with the newest anchor known for this database."""
    if not anchor or not anchor.get("hash"):
        return []
    try:
        anchor_id = int(anchor["id"])
    except (KeyError, TypeError, ValueError):
        return []
    where, at = anchor.get("where", "备份记录"), str(anchor.get("at", "")).replace("T", " ")
    row = con.execute("SELECT hash FROM audit_entry WHERE id = ?", (anchor_id,)).fetchone()
    if row is None:
        last = con.execute("SELECT max(id) FROM audit_entry").fetchone()[0] or 0
        return [(f"操作日志比{at}的{where}所记录的短：当时已有第 {anchor_id} 条，现在只到第 {last} 条，"
                "日志末尾被删除过。请从备份恢复，或联系维护人员。")]
    if row[0] != anchor["hash"]:
        return [(f"操作日志第 {anchor_id} 条与{at}的{where}所记录的不一致，日志被改动后重新计算过。"
                "请从备份恢复，或联系维护人员。")]
    return []


def _id_groups(con: sqlite3.Connection, key: str) -> list[tuple[str, str, int]]:
    return con.execute(
        f"SELECT {key}, m.id_number, count(*) FROM member m JOIN branch b ON b.id = m.branch_id "
        f"WHERE m.id_number <> '' GROUP BY {key}, m.id_number HAVING count(*) > 1 "
        f"ORDER BY 1, 2").fetchall()


def _id_list(rows: list[tuple[str, str, int]]) -> str:
    shown = "；".join(f"{branch} {mask_id_number(number)}（{n} 人）" for branch, number, n in rows[:10])
    return shown + (f" 等 {len(rows)} 个" if len(rows) > 10 else "")


def duplicate_id_problems(con: sqlite3.Connection) -> list[str]:
    """Members of one branch (or of same-name branches) sharing an ID number, masked: one
    roster merged from two PCs, or one person entered twice."""
    rows = _id_groups(con, "b.name")
    if not rows:
        return []
    extra = sum(n - 1 for _b, _i, n in rows)
    return [(f"有 {len(rows)} 个身份证号在同一党支部（或同名党支部）中重复出现，多出 {extra} 名党员"
            f"（可能是同一名册在两台电脑上录入后合并）：{_id_list(rows)}。请在党员名册中核对并删除重复的党员。")]


def duplicate_id_notes(con: sqlite3.Connection) -> list[str]:
    """The same ID number in differently named branches (possibly a transfer): worth a look."""
    rows = [r for r in con.execute(
        "SELECT group_concat(DISTINCT b.name), m.id_number, count(DISTINCT b.name) FROM member m "
        "JOIN branch b ON b.id = m.branch_id WHERE m.id_number <> '' GROUP BY m.id_number "
        "HAVING count(DISTINCT b.name) > 1 ORDER BY 1, 2").fetchall()]
    if not rows:
        return []
    return [f"有 {len(rows)} 个身份证号同时出现在不同党支部中（可能是组织关系转接）：{_id_list(rows)}。"]


def duplicate_branch_notes(con: sqlite3.Connection) -> list[str]:
    rows = con.execute("SELECT name, count(*) FROM branch GROUP BY name HAVING count(*) > 1").fetchall()
    return [f"数据库中有 {n} 个同名党支部“{name}”（可能是两台电脑上各建了一次后合并），"
            "统计和名册会分开计算。请核对。" for name, n in rows]


def open_conflict_notes(con: sqlite3.Connection) -> list[str]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "merge_conflict" not in tables:
        return []
    n = con.execute("SELECT count(*) FROM merge_conflict WHERE resolved_at IS NULL").fetchone()[0]
    return [f"有 {n} 条合并冲突尚未处理（已定稿会议的另一版本另存待查），请在“备份与恢复”页查看。"] if n else []


def inspect(path: Path, anchor: dict[str, Any] | None) -> Findings:
    """Run every check above on the (sound) database file at ``path``, read-only."""
    found = Findings()
    con = sqlite3.connect(readonly_uri(path), uri=True)
    try:
        found.problems += trigger_problems(con)
        found.problems += anchor_problems(con, anchor)
        found.problems += duplicate_id_problems(con)
        found.notes += duplicate_branch_notes(con)
        found.notes += duplicate_id_notes(con)
        found.notes += open_conflict_notes(con)
        try:
            found.problems += finalized_hash_problems(con)
        except sqlite3.OperationalError:  # an older schema than the hash covers: checked after its upgrade
            found.notes.append("数据版本较旧，已定稿会议的校验值将在用本软件打开（自动升级）后再检查。")
    finally:
        con.close()
    return found
