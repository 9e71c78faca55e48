"""``main.py server grant|revoke|roles``: access by branch on a committee's server (models.server_access)."""

from __future__ import annotations

import argparse

from models.branches import resolve_branch
from models.db import open_database
from models.errors import BranchBookError
from models.server_access import ALL_BRANCHES, grant, revoke, roles


def run_server(args: argparse.Namespace) -> int:
    if not isinstance(args.db, str):
        raise BranchBookError("server 命令只适用于数据库服务器：请用 --db 指定服务器地址 "
                              "postgresql+psycopg://用户名@主机:端口/数据库名。", field="db")
    db = open_database(args.db)
    try:
        if args.action == "roles":
            found = roles(db)
            print("\n".join(r.describe() for r in found) if found else "还没有为任何数据库角色分配党支部。")
            return 0
        branch_id, label = None, ALL_BRANCHES
        if not args.all_branches:
            with db.reading() as session:
                info = resolve_branch(session, args.branch)
            branch_id, label = info.id, f"党支部“{info.name}”"
        if args.action == "grant":
            notes = grant(db, args.role, branch_id)
            print(f"已授权：数据库角色“{args.role.strip()}”可以查看和修改{label}的记录。")
            for note in notes:
                print(note)
        else:
            removed = revoke(db, args.role, branch_id, every=args.all_branches)
            print(f"已收回数据库角色“{args.role.strip()}”对{label}的访问权限。" if removed
                  else f"数据库角色“{args.role.strip()}”原本没有{label}的访问权限，未作改动。")
    finally:
        db.close()
    return 0
