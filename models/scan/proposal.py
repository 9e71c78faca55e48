"""From photos of a signed 签到表 to a proposal per member, and — once the secretary has
confirmed it row by row — to the meeting's attendance (issue 16).

:func:`propose` reads and checks (this meeting's sheet? printed with today's roster order?) but
writes nothing; :func:`save_confirmed` writes the confirmed statuses, keeps the signature crops
as an attachment only where the branch allows it, and logs the import in the audit log."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models import audit, quorum, roster
from models.attachments import add_attachment
from models.enums import AttendanceStatus, AuditAction, LeaveReason, MeetingStatus
from models.errors import BranchBookError, ValidationError
from models.meeting_data import AttendanceInput, MeetingDetail
from models.meetings import get_meeting, update_meeting
from models.scan import INSTALL_HINT, available
from models.scan.key import NoKey, PageKey
from models.scan.sheet import candidate_orders
from models.settings_store import get_setting, set_setting

PRESENT, UNSURE, UNSIGNED, NOT_READ = "出席", "待确认", "未签", "未拍到"
#: Branch setting: keep the signature crops of a confirmed sheet as an attachment (personal data).
KEEP_SIGNATURES = "scan.keep_signature_images"
CROPS_PER_IMAGE = 20
#: Every page of a meeting's sheet as it prints today: (key, table rows counting 列席 rows).
#: reports.signin.page_layout is the one; models/ does not import reports/, so callers pass it in.
Layout = Callable[[Session, int], list[tuple[PageKey, int]]]


@dataclass
class MemberProposal:
    member_id: int
    name: str
    number: int  # 序号 on the sheet
    status: str  # 出席 / 待确认 / 未签 / 未拍到
    reasons: tuple[str, ...] = ()
    recorded: AttendanceStatus | None = None  # what the record says today
    leave_reason: str = ""  # 请假 known before the meeting
    source: str = ""  # the photo (and page) the row was read from
    crop_jpeg: bytes = b""

    @property
    def needs_look(self) -> bool:
        return self.status == UNSURE


@dataclass
class ScanProposal:
    meeting_id: int
    meeting_title: str
    expected: int  # 应到, from the roll as of the meeting date (models.quorum)
    rows: list[MemberProposal] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the secretary must know (a page read without its key)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def describe(self) -> str:
        lines = [f"会议：{self.meeting_title}（编号 {self.meeting_id}）；已识别 {len(self.pages)} 页：" + "、".join(self.pages)]
        lines += [f"注意：{note}" for note in self.notes]
        for r in self.rows:
            why = f"（{'、'.join(r.reasons)}）" if r.reasons else ""
            lines.append(f"{r.number:>3}  {r.name}\t{r.status}{why}")
        lines.append(f"应到 {self.expected} 人：识别为出席 {self.count(PRESENT)} 人，待确认 {self.count(UNSURE)} 人，"
                     f"未签 {self.count(UNSIGNED)} 人" + (f"，未拍到 {self.count(NOT_READ)} 人" if self.count(NOT_READ) else "")
                     + "。以上仅为建议，尚未写入记录。")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "meeting": self.meeting_id, "title": self.meeting_title, "expected": self.expected,
            "pages": self.pages, "notes": self.notes,
            "members": [{"member_id": r.member_id, "name": r.name, "number": r.number, "status": r.status,
                         "reasons": list(r.reasons), "source": r.source} for r in self.rows],
            "totals": {s: self.count(s) for s in (PRESENT, UNSURE, UNSIGNED, NOT_READ)},
        }


def _reader() -> Any:
    if not available():
        raise BranchBookError(INSTALL_HINT, field="photo")
    # imported by name: a bundle built without the extra does not pull OpenCV in
    return importlib.import_module("models.scan.reader")


def expected_count(session: Session, m: MeetingDetail, attendance: Mapping[int, str]) -> int:
    """应到 on the meeting's date, by the one rule (models.quorum)."""
    members = roster.load_members(session, m.branch_id)
    outcome = quorum.outcome_for(members, m.meeting_type, m.held_on, m.group_id, attendance)
    return outcome.expected_count


def propose(session: Session, meeting_id: int, photos: Sequence[Path], pages: Sequence[int] = (),
            layout: Layout | None = None) -> ScanProposal:
    """Read every page of ``photos`` (any order) and propose a status per member; writes nothing.

    A page whose corner marks or QR code cannot be read is refused, unless the secretary has named
    its page: ``pages`` holds the page numbers of such pages in the order they come, and ``layout``
    tells where the members are on the sheet as it prints today (models/scan/unmarked.py)."""
    if not photos:
        raise ValidationError("请至少选择一张签到表照片或扫描件。", field="photo")
    reader = _reader()
    m = get_meeting(session, meeting_id)
    orders = candidate_orders(session, m)
    order: list[roster.MemberRow] | None = None
    named = list(pages)
    notes: list[str] = []
    sheet: list[tuple[PageKey, int]] | None = None  # the sheet's pages as printed today, once needed
    seen: dict[int, str] = {}  # first 序号 of a page → its label
    readings: dict[int, tuple[str, Any]] = {}  # 序号 → (page label, row reading)
    for photo in photos:
        for label, rgb in reader.load_pages(Path(photo)):
            try:
                page, _straight = reader.read_page(rgb, label)
            except NoKey:
                if not named or layout is None:
                    raise
                sheet = sheet if sheet is not None else layout(session, m.id)
                page = _read_named(label, rgb, named.pop(0), sheet)
                notes.append(f"“{label}”没有可读的定位方块或二维码，已按指定的第 {page.page_key.page} 页、"
                             "现在的应到名单逐行对应，无法核验会议、名单和页码：识别为签名的行都列为待确认，"
                             "请对照截图中印的姓名逐行核对。")
            k = page.page_key
            if k.meeting_uuid != m.uuid:
                raise ValidationError(f"“{label}”是另一次会议的签到表，不是“{m.title}”（编号 {m.id}）的。"
                                      "请换成本次会议的签到表，或在命令中指定对应的会议编号。", field="photo")
            if k.roster_crc not in orders:
                raise ValidationError(f"“{label}”打印之后，本次会议的应到名单（人员或顺序）已经改变，"
                                      "无法按行对应到党员。请手工登记出席情况，或按现在的名单重新打印签到表后重新签到。",
                                      field="photo")
            order = orders[k.roster_crc]
            if k.first_row in seen and k.rows:
                raise ValidationError(f"“{label}”与“{seen[k.first_row]}”是同一页签到表（第 {k.page} 页），"
                                      "请只保留其中一张。", field="photo")
            seen[k.first_row if k.rows else 10_000 + k.page] = label
            for row in page.rows:
                readings[row.number] = (label, row)
    if named:
        notes.append(f"指定的页码 {'、'.join(map(str, named))} 没有用到：其余照片都有可读的定位方块和二维码。")
    assert order is not None
    recorded = {a.member_id: a for a in m.attendance}
    rows = []
    for number, member in enumerate(order, 1):
        before = recorded.get(member.id)
        leave = (before.leave_reason.label if before.leave_reason else "其他") \
            if before and before.status == AttendanceStatus.LEAVE else ""
        proposal = MemberProposal(member.id, member.name, number, NOT_READ,
                                  recorded=before.status if before else None, leave_reason=leave)
        if number in readings:
            label, row = readings[number]
            proposal.status, proposal.reasons = row.status, tuple(row.reasons)
            proposal.source, proposal.crop_jpeg = label, row.crop_jpeg
        rows.append(proposal)
    present = {r.member_id: str(AttendanceStatus.PRESENT) for r in rows if r.status == PRESENT}
    return ScanProposal(m.id, m.title, expected_count(session, m, present), rows,
                        [seen[first] for first in sorted(seen)], notes)


def _read_named(label: str, rgb: Any, number: int, sheet: list[tuple[PageKey, int]]) -> Any:
    """A page without a readable key, read as page ``number`` of the sheet as it prints today."""
    if not 1 <= number <= len(sheet):
        raise ValidationError(f"“{label}”：本次会议的签到表共 {len(sheet)} 页，没有第 {number} 页。请核对页码。",
                              field="page")
    page_key, table_rows = sheet[number - 1]
    if not page_key.rows:
        raise ValidationError(f"“{label}”：签到表第 {number} 页只有列席人员，没有党员需要识别。请核对页码。",
                              field="page")
    unmarked = importlib.import_module("models.scan.unmarked")
    return unmarked.read_page_as(rgb, label, page_key, table_rows, sheet)[0]


def keeps_signatures(session: Session, branch_id: int) -> bool:
    return bool(get_setting(session, branch_id, KEEP_SIGNATURES, False))


def set_keeps_signatures(session: Session, branch_id: int, keep: bool) -> None:
    set_setting(session, branch_id, KEEP_SIGNATURES, bool(keep))


def save_confirmed(
    session: Session, meeting_id: int, decisions: Mapping[int, AttendanceStatus],
    crops: Mapping[int, bytes] | None = None, sources: Sequence[str] = (),
    leave_reasons: Mapping[int, LeaveReason] | None = None,
) -> list[int]:
    """Write the confirmed statuses (member id → 出席/请假/缺席) into the meeting's attendance;
    members not named keep what they had. 请假 takes its reason from ``leave_reasons``, else the
    one recorded, else 其他. Returns the attachment ids of the kept signature
    crops (kept only when the branch's setting allows it: they are personal data)."""
    m = get_meeting(session, meeting_id)
    if m.status == MeetingStatus.FINAL:
        raise ValidationError("该会议记录已定稿，不能再登记出席情况。如需修改，请先解锁。", field="attendance")
    if not decisions:
        raise ValidationError("没有需要保存的出席情况：请先逐行确认。", field="attendance")
    data = m.to_input()
    rows = {a.member_id: a for a in data.attendance}
    for member_id, status in decisions.items():
        status = AttendanceStatus(status)
        row = rows.get(member_id)
        if row is None:
            row = rows[member_id] = AttendanceInput(member_id)
            data.attendance.append(row)
        if row.status != status:
            row.status = status
            if status != AttendanceStatus.LEAVE:
                row.leave_reason, row.reason_note = None, ""
        if status == AttendanceStatus.LEAVE:
            row.leave_reason = (leave_reasons or {}).get(member_id) or row.leave_reason or LeaveReason.OTHER
    update_meeting(session, meeting_id, data)
    counts = {str(s.label): sum(1 for v in decisions.values() if AttendanceStatus(v) == s) for s in AttendanceStatus}
    kept = []
    if crops and keeps_signatures(session, m.branch_id):
        images = [c for c in crops.values() if c]
        for n in range(0, len(images), CROPS_PER_IMAGE):
            part = f"（{n // CROPS_PER_IMAGE + 1}）" if len(images) > CROPS_PER_IMAGE else ""
            kept.append(add_attachment(session, meeting_id, f"签到表签名截图{part}.jpg",
                                       _stack(images[n:n + CROPS_PER_IMAGE]), caption="签到表照片识别时各行签名截图"))
    audit.record(session, AuditAction.IMPORT, "meeting", entity_uuid=m.uuid, branch_id=m.branch_id,
                 summary=f"从签到表照片登记“{m.title}”的出席情况（" +
                         "，".join(f"{k} {v} 人" for k, v in counts.items() if v) + "）",
                 detail={"sources": list(sources), "counts": counts, "kept_signatures": len(kept)})
    return kept


def _stack(jpegs: list[bytes]) -> bytes:
    """The crops one under another, as one JPEG."""
    from PIL import Image

    images = [Image.open(io.BytesIO(j)).convert("RGB") for j in jpegs if j]
    width = max(i.width for i in images)
    sheet = Image.new("RGB", (width, sum(i.height for i in images)), "white")
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=85)
    return out.getvalue()
