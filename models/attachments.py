"""附件: photos of the signed sign-in sheet, slides and other files kept inside the database.

Images are downscaled on import (longest side at most :data:`MAX_IMAGE_SIDE` pixels) so that
the database — the one file that is backed up — stays small; files over
:data:`MAX_FILE_BYTES` are refused."""

from __future__ import annotations

import hashlib
import io
import mimetypes
import warnings
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import audit
from models.entities import Attachment, Meeting
from models.enums import AuditAction, MeetingStatus
from models.errors import ValidationError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_SIDE = 2000
#: Pixels an image may declare (a 16-megapixel phone photo has 16 million); a small file that
#: claims more is a “decompression bomb” that would take gigabytes to decode.
MAX_IMAGE_PIXELS = 100_000_000
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/bmp", "image/gif", "image/tiff", "image/webp"}


@dataclass(frozen=True)
class AttachmentData:
    id: int
    meeting_id: int
    filename: str
    mime_type: str
    caption: str
    size: int
    sha256: str
    data: bytes


def _guess_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _downscale(data: bytes, filename: str) -> tuple[bytes, str, str]:
    """Return (data, filename, mime type): images larger than MAX_IMAGE_SIDE are shrunk; an
    image declaring more than MAX_IMAGE_PIXELS is refused before it is decoded."""
    try:
        with warnings.catch_warnings():
            # bounded below by our own limit, so Pillow's bomb warning is not needed
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return _shrink(data, filename)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(filename) from exc


def _too_many_pixels(filename: str, size: tuple[int, int] | None = None) -> ValidationError:
    what = f"有 {size[0]}×{size[1]} 像素，" if size else "像素太多，"
    return ValidationError(
        f"图片“{filename}”{what}超过了 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素的上限（可能是损坏或恶意构造的文件）。"
        "请用手机或电脑重新拍摄、导出较小的图片后再添加。", field="attachment")


def _shrink(data: bytes, filename: str) -> tuple[bytes, str, str]:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.size[0] * opened.size[1] > MAX_IMAGE_PIXELS:  # before decoding a single pixel
                raise _too_many_pixels(filename, opened.size)
            opened.load()
            fmt = opened.format or ""
            if max(opened.size) <= MAX_IMAGE_SIDE:
                return data, filename, Image.MIME.get(fmt, _guess_type(filename))
            image = ImageOps.exif_transpose(opened)  # photos from phones: upright before shrinking
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if image.mode in ("RGBA", "LA", "P") and fmt != "JPEG":
                image.save(out, format="PNG", optimize=True)
                suffix, mime = ".png", "image/png"
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                suffix, mime = ".jpg", "image/jpeg"
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(f"图片“{filename}”无法读取，可能已损坏。请换一个文件。", field="attachment") from exc
    stem = PurePath(filename).stem or "图片"
    return out.getvalue(), stem + suffix, mime


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ValidationError("找不到该会议记录，可能已被删除。请刷新列表。")
    if meeting.status == MeetingStatus.FINAL:
        raise ValidationError("该会议已定稿，不能修改附件。如确需修改，请先“解除定稿”并填写原因。",
                              field="attachment")
    return meeting


def add_attachment(session: Session, meeting_id: int, filename: str, data: bytes, caption: str = "") -> int:
    """Store a file with the meeting; images are downscaled. Returns the attachment's id."""
    name = PureWindowsPath(filename).name.strip()  # a Windows path too
    if not name:
        raise ValidationError("附件文件名不能为空。", field="attachment")
    if not data:
        raise ValidationError(f"文件“{name}”是空的，请换一个文件。", field="attachment")
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(
            f"文件“{name}”有 {len(data) / 1024 / 1024:.1f} MB，超过了 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限。"
            "请压缩或拍摄较小的照片后再添加。",
            field="attachment",
        )
    meeting = _meeting(session, meeting_id)
    mime = _guess_type(name)
    if mime in _IMAGE_TYPES:
        data, name, mime = _downscale(data, name)
    row = Attachment(meeting_id=meeting_id, filename=name, mime_type=mime, caption=caption.strip(),
                     size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
    session.add(row)
    session.flush()
    audit.record(session, AuditAction.CREATE, "attachment", entity_uuid=row.uuid,
                 summary=f"为“{meeting.title}”添加附件“{name}”", branch_id=meeting.branch_id)
    return row.id


def list_attachments(session: Session, meeting_id: int) -> list[AttachmentData]:
    """The meeting's attachments without their bytes (``data`` is empty)."""
    stmt = (
        select(Attachment.id, Attachment.meeting_id, Attachment.filename, Attachment.mime_type,
               Attachment.caption, Attachment.size, Attachment.sha256)
        .where(Attachment.meeting_id == meeting_id)
        .order_by(Attachment.id)
    )
    return [AttachmentData(*row, data=b"") for row in session.execute(stmt)]


def get_attachment(session: Session, attachment_id: int) -> AttachmentData:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise ValidationError("找不到该附件，可能已被删除。")
    return AttachmentData(row.id, row.meeting_id, row.filename, row.mime_type, row.caption, row.size,
                          row.sha256, row.data)


def delete_attachment(session: Session, attachment_id: int) -> None:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise ValidationError("找不到该附件，可能已被删除。")
    meeting = _meeting(session, row.meeting_id)
    audit.record(session, AuditAction.DELETE, "attachment", entity_uuid=row.uuid,
                 summary=f"删除“{meeting.title}”的附件“{row.filename}”", branch_id=meeting.branch_id)
    session.delete(row)
    session.flush()
