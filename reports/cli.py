"""``python main.py report minutes|signin|monthly|annual …``: build one document and print
where it was written."""

from __future__ import annotations

import argparse
from pathlib import Path

from models.cli_stats import default_branch_id, open_from_args
from reports.documents import write_document


def run(args: argparse.Namespace) -> int:
    db = open_from_args(args)
    try:
        out = write_document(
            db, args.kind, Path(args.out), branch_id=default_branch_id(db),
            meeting_id=getattr(args, "meeting", None), month=getattr(args, "month", None),
            year=getattr(args, "year", None),
        )
    finally:
        db.close()
    print(out)
    return 0
