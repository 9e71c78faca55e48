"""``python main.py attendance scan --meeting ID PHOTO… [--json]``: the proposal per member from
photos or scans of the signed 签到表, printed only (nothing is written)."""

from __future__ import annotations

import argparse
import json

from models.branches import branch_for_meeting
from models.cli_stats import open_from_args
from models.errors import BranchBookError
from models.scan.proposal import Layout, propose


def run_scan(args: argparse.Namespace, layout: Layout | None = None) -> int:
    """``layout``: the sheet's pages as they print today (reports.signin.page_layout), for pages
    named with ``--page``."""
    db = open_from_args(args)
    try:
        with db.reading() as session:
            if branch_for_meeting(session, args.meeting, getattr(args, "branch", None)) is None:
                raise BranchBookError(f"没有编号为 {args.meeting} 的会议，请检查 --meeting。", field="meeting")
            proposal = propose(session, args.meeting, args.photo, args.page or (), layout)
    finally:
        db.close()
    if args.json:
        print(json.dumps(proposal.as_json(), ensure_ascii=False, indent=2))
    else:
        print(proposal.describe())
    return 0
