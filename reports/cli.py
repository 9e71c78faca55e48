"""``python main.py report minutes|signin|monthly|annual …``: build one document and print
where it was written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.branches import branch_for_meeting
from models.cli_stats import branch_id_from_args, open_from_args
from reports.documents import write_document


def run(args: argparse.Namespace) -> int:
    db = open_from_args(args)
    notices: list[str] = []
    try:
        meeting_id = getattr(args, "meeting", None)
        branch_id = None
        if meeting_id is not None:  # the meeting's number names its branch
            with db.reading() as session:
                branch_id = branch_for_meeting(session, meeting_id, getattr(args, "branch", None))
        if branch_id is None:
            branch_id = branch_id_from_args(db, args)
        out = write_document(
            db, args.kind, Path(args.out), branch_id=branch_id,
            meeting_id=meeting_id, month=getattr(args, "month", None),
            year=getattr(args, "year", None), notices=notices,
        )
    finally:
        db.close()
    for notice in notices:
        print(f"注意：{notice}", file=sys.stderr)
    print(out)
    return 0
