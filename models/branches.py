"""Which branch a command or the window works on, when a committee's database holds several
(merged from the branches' backups, SPEC §1).

``resolve_branch`` is the one resolver: by number (the branch's id), by exact name, or by a
unique part of the name. With several branches and no choice, or a choice that fits more
than one, it refuses with a Chinese message that lists every branch with its number.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.errors import BranchBookError
from models.roster import BranchInfo, list_branches


def branch_list_text(branches: list[BranchInfo]) -> str:
    """The branches as the user types them: "  3  中共某某第一党支部", one a line."""
    return "\n".join(f"  {b.id:>3}  {b.name}" for b in branches)


def resolve_branch(session: Session, choice: str | None) -> BranchInfo:
    """The branch named by ``choice`` (编号, 全称 or a unique part of the name); ``None`` is
    allowed only when the database holds one branch."""
    branches = list_branches(session)
    if not branches:
        raise BranchBookError("数据库中还没有党支部，请先在程序中建立党支部或导入数据。", field="branch")
    text = (choice or "").strip()
    if not text:
        if len(branches) == 1:
            return branches[0]
        raise BranchBookError(
            f"数据库中有 {len(branches)} 个党支部，请用 --branch 指定名称或编号：\n"
            + branch_list_text(branches), field="branch")
    if text.isdigit():
        for b in branches:
            if b.id == int(text):
                return b
    exact = [b for b in branches if b.name == text]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise BranchBookError(
            f"有 {len(exact)} 个党支部都叫“{text}”，请用 --branch 指定编号：\n" + branch_list_text(exact),
            field="branch")
    partial = [b for b in branches if text in b.name]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise BranchBookError(
            f"“{text}”对应多个党支部，请写出全称或用编号指定：\n" + branch_list_text(partial), field="branch")
    raise BranchBookError(
        f"找不到党支部“{text}”，请用 --branch 指定下列名称或编号之一：\n" + branch_list_text(branches),
        field="branch")


def branch_for_meeting(session: Session, meeting_id: int, choice: str | None) -> int | None:
    """The branch whose meeting ``meeting_id`` is (a meeting's number already names its
    branch, so ``--branch`` may be left out); None when there is no such meeting (the
    document's own check says so). A ``choice`` that names another branch is refused."""
    from models.entities import Meeting

    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    if choice is not None and choice.strip():
        chosen = resolve_branch(session, choice)
        if chosen.id != meeting.branch_id:
            raise BranchBookError(
                f"编号为 {meeting_id} 的会议不属于党支部“{chosen.name}”，请检查 --meeting 或 --branch。",
                field="meeting")
    return meeting.branch_id


def database_identity(session: Session) -> str:
    """The database's own uuid (stamped at creation, kept across restore); "" when missing.
    The window remembers the chosen branch per database under it."""
    from models.entities import StoreInfo

    row = session.get(StoreInfo, "database_uuid")
    return row.value if row is not None else ""


def branch_exists(session: Session, branch_id: int) -> bool:
    return any(b.id == branch_id for b in list_branches(session))


def same_name_branches(session: Session) -> dict[str, list[int]]:
    """同名党支部: names held by more than one branch record (different uuids), with their numbers."""
    found: dict[str, list[int]] = {}
    for b in list_branches(session):
        found.setdefault(b.name, []).append(b.id)
    return {name: ids for name, ids in found.items() if len(ids) > 1}


def same_name_text(twins: dict[str, list[int]]) -> str:
    parts = [f"“{name}”（编号 {'、'.join(map(str, ids))}）" for name, ids in twins.items()]
    return ("注意：数据库中有同名党支部 " + "，".join(parts) + "，可能是同一支部在两台电脑上各建了一次。"
            "核对无误后，可在窗口的“党委工作台”点“合并同名党支部…”，或用命令 branches join 保留编号 并入编号 合并。")
