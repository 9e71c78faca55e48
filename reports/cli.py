"""``python main.py report minutes|signin|monthly|annual …``: build one document and print
where it was written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.branches import branch_for_meeting
from models.cli_stats import branch_id_from_args, load_overview, open_from_args
from models.errors import BranchBookError
from reports.documents import write_document


def run(args: argparse.Namespace) -> int:
    if args.kind == "committee":
        return _committee(args)
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


def _committee(args: argparse.Namespace) -> int:
    """党委汇总: every branch side by side, as a PDF or (.xlsx) a workbook."""
    from reports.committee import export_overview, write_committee_pdf
    from reports.layout import make_styles

    out = Path(args.out)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BranchBookError(f"输出文件夹“{folder}”不存在，请先创建该文件夹或换一个位置。", field="out")
    data = load_overview(args)
    if out.suffix.lower() == ".xlsx":
        export_overview(data, out)
    else:
        try:
            write_committee_pdf(data, out, make_styles(None))
        except OSError as exc:
            raise BranchBookError(f"无法写入“{out}”，请检查是否有写入权限或换一个位置。", field="out") from exc
    print(out)
    return 0
