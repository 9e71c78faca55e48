"""``python main.py report minutes|signin|monthly|annual …``: build one document and print
where it was written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.cli_stats import default_branch_id, open_from_args
from reports.documents import write_document


def run(args: argparse.Namespace) -> int:
    db = open_from_args(args)
    notices: list[str] = []
    try:
        out = write_document(
            db, args.kind, Path(args.out), branch_id=default_branch_id(db),
            meeting_id=getattr(args, "meeting", None), month=getattr(args, "month", None),
            year=getattr(args, "year", None), notices=notices,
        )
    finally:
        db.close()
    for notice in notices:
        print(f"注意：{notice}", file=sys.stderr)
    print(out)
    return 0
