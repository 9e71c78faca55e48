"""One entry point for every printed document, used by the command line and the preview:
opens its own session, reads the font setting, and writes the PDF to a temporary name
first so that a failed build never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from models.db import Database
from models.entities import Meeting
from models.errors import BranchBookError
from models.settings_store import get_setting
from reports import fonts
from reports.glyphs import collect_missing, missing_notice
from reports.layout import make_styles

KINDS = {"minutes": "会议记录", "signin": "签到表", "monthly": "月度汇编", "annual": "年度台账"}
WORD_KINDS = ("minutes", "signin", "monthly")  # also written as .docx
WORD_SUFFIX = ".docx"


def font_setting(db: Database, branch_id: int) -> str | None:
    with db.reading() as session:
        value = get_setting(session, branch_id, fonts.SETTING_KEY)
    return str(value) if value else None


def write_document(
    db: Database,
    kind: str,
    out: Path,
    *,
    branch_id: int,
    meeting_id: int | None = None,
    month: str | None = None,
    year: int | None = None,
    notices: list[str] | None = None,
) -> Path:
    """Build document ``kind`` (minutes | signin | monthly | annual) into ``out``; returns ``out``.
    The format follows the extension: .docx writes a Word file (not for the annual ledger),
    anything else a PDF. Warnings for the user (characters no font on the PC has, printed as □;
    a meeting printed as plain text) are appended to ``notices``."""
    if kind not in KINDS:
        raise BranchBookError(f"未知的文档类型“{kind}”，可选：minutes、signin、monthly、annual。", field="kind")
    out = Path(out)
    word = out.suffix.lower() == WORD_SUFFIX
    if word and kind not in WORD_KINDS:
        raise BranchBookError(f"{KINDS[kind]}只能生成 PDF，请把输出文件的扩展名改为 .pdf。", field="out")
    styles = None if word else make_styles(font_setting(db, branch_id))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BranchBookError(f"输出文件夹“{folder}”不存在，请先创建该文件夹或换一个位置。", field="out")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~", suffix=f"{out.suffix or '.pdf'}.part", dir=folder)
    except OSError:
        raise BranchBookError(f"无法在“{folder}”中写入文件，请检查是否有写入权限或换一个位置。", field="out") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle, db.reading() as session, collect_missing() as missing:
            if kind in ("minutes", "signin") and meeting_id is not None:
                _check_meeting(session, meeting_id)
            if styles is None:
                _write_word(session, kind, handle, branch_id=branch_id, meeting_id=meeting_id, month=month)
            elif kind in ("minutes", "signin"):
                if meeting_id is None:
                    raise BranchBookError("请指定会议编号（--meeting）。", field="meeting")
                if kind == "minutes":
                    from reports.minutes import write_minutes

                    write_minutes(session, meeting_id, handle, styles, notices)
                else:
                    from reports.signin import write_signin

                    write_signin(session, meeting_id, handle, styles)
            elif kind == "monthly":
                from reports.monthly import write_month

                if not month:
                    raise BranchBookError("请指定月份（--month，例如 2026-03）。", field="month")
                write_month(session, branch_id, month, handle, styles, notices)
            else:
                from reports.annual import write_annual

                if year is None:
                    raise BranchBookError("请指定年份（--year，例如 2026）。", field="year")
                write_annual(session, branch_id, year, handle, styles)
        os.replace(tmp, out)
        if missing and notices is not None:
            notices.append(missing_notice(missing))
    except OSError:
        tmp.unlink(missing_ok=True)
        raise BranchBookError(f"无法写入“{out}”：文件可能正被其他程序打开，或没有写入权限。"
                              "请关闭该文件或换一个位置。", field="out") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def _write_word(session: Session, kind: str, handle: BinaryIO, *, branch_id: int, meeting_id: int | None,
                month: str | None) -> None:
    """The same content as the PDF, as a .docx (reports.docx_render draws the same description)."""
    from reports.docx_render import write_docx

    if kind == "monthly":
        from reports.monthly import month_document

        if not month:
            raise BranchBookError("请指定月份（--month，例如 2026-03）。", field="month")
        doc = month_document(session, branch_id, month)
    elif meeting_id is None:
        raise BranchBookError("请指定会议编号（--meeting）。", field="meeting")
    elif kind == "minutes":
        from reports.minutes import minutes_document

        doc = minutes_document(session, meeting_id)[1]
    else:
        from reports.signin import signin_document

        doc = signin_document(session, meeting_id)
    write_docx(doc, handle)


def _check_meeting(session: Session, meeting_id: int) -> None:
    if session.get(Meeting, meeting_id) is None:
        raise BranchBookError(f"找不到编号为 {meeting_id} 的会议，请核对会议编号。", field="meeting")
