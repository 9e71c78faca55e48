"""``python main.py report minutes|signin|monthly|annual …``: build one document and print
where it was written."""

from __future__ import annotations

import argparse
from pathlib import Path

from models.db import open_database
from models.errors import BranchBookError
from models.paths import default_db_path
from models.roster import default_branch
from reports.documents import write_document


def run(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_db_path()
    if not db_path.is_file():
        raise BranchBookError(f"找不到数据库文件“{db_path}”，请用 --db 指定正确的路径。", field="db")
    db = open_database(db_path)
    try:
        with db.reading() as session:
            branch = default_branch(session)
        if branch is None:
            raise BranchBookError("数据库中还没有党支部信息，请先在程序中填写党支部信息。")
        out = write_document(
            db, args.kind, Path(args.out), branch_id=branch.id,
            meeting_id=getattr(args, "meeting", None), month=getattr(args, "month", None),
            year=getattr(args, "year", None),
        )
    finally:
        db.close()
    print(out)
    return 0
