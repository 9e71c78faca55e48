"""models.attachments on a real database file: images downscaled, big files refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from models import attachments, audit, roster
from models.attachments import MAX_FILE_BYTES, MAX_IMAGE_SIDE
from models.db import Database
from models.enums import AuditAction, Gender, MeetingType
from models.errors import BranchBookError
from models.meetings import (
    AttendanceInput,
    MeetingInput,
    create_meeting,
    finalize_meeting,
    get_meeting,
)


def _meeting(db: Database, branch_id: int, **extra: object) -> int:
    with db.transaction() as s:
        return create_meeting(s, branch_id, MeetingInput(MeetingType.OTHER, "谈心谈话", date(2026, 3, 5), **extra))  # type: ignore[arg-type]


def _image(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, format=fmt)
    return out.getvalue()


def test_large_photo_is_downscaled_to_2000_pixels(db: Database, branch_id: int) -> None:
    mid = _meeting(db, branch_id)
    with db.transaction() as s:
        aid = attachments.add_attachment(s, mid, "C:\\照片\\签到表.JPG", _image((4000, 3000), "JPEG"))
    with db.reading() as s:
        att = attachments.get_attachment(s, aid)
        listed = attachments.list_attachments(s, mid)
        detail = get_meeting(s, mid)
    image = Image.open(io.BytesIO(att.data))
    assert image.size == (MAX_IMAGE_SIDE, 1500) and image.format == "JPEG"
    assert att.filename == "签到表.jpg" and att.size == len(att.data)
    assert [a.id for a in listed] == [aid] and listed[0].data == b""
    assert detail.attachments[0].filename == "签到表.jpg"


def test_small_image_and_other_files_are_kept_as_they_are(db: Database, branch_id: int) -> None:
    mid = _meeting(db, branch_id)
    png = _image((800, 600), "PNG", "RGBA")
    with db.transaction() as s:
        a = attachments.add_attachment(s, mid, "课件截图.png", png)
        b = attachments.add_attachment(s, mid, "讲稿.pdf", b"%PDF-1.4 text")
    with db.reading() as s:
        assert attachments.get_attachment(s, a).data == png
        doc = attachments.get_attachment(s, b)
    assert (doc.mime_type, doc.data) == ("application/pdf", b"%PDF-1.4 text")


def test_large_transparent_png_stays_png(db: Database, branch_id: int) -> None:
    mid = _meeting(db, branch_id)
    with db.transaction() as s:
        aid = attachments.add_attachment(s, mid, "图示.png", _image((2500, 500), "PNG", "RGBA"))
    with db.reading() as s:
        att = attachments.get_attachment(s, aid)
    assert att.mime_type == "image/png" and Image.open(io.BytesIO(att.data)).size == (2000, 400)


def test_too_big_empty_or_broken_files_are_refused_in_chinese(db: Database, branch_id: int) -> None:
    mid = _meeting(db, branch_id)
    with db.transaction() as s, pytest.raises(BranchBookError, match="超过了 20 MB 的上限") as err:
        attachments.add_attachment(s, mid, "录像.mp4", b"0" * (MAX_FILE_BYTES + 1))
    assert err.value.field == "attachment"
    with db.transaction() as s, pytest.raises(BranchBookError, match="是空的"):
        attachments.add_attachment(s, mid, "空.jpg", b"")
    with db.transaction() as s, pytest.raises(BranchBookError, match="无法读取"):
        attachments.add_attachment(s, mid, "坏图.jpg", b"not really a jpeg")
    with db.reading() as s:
        assert attachments.list_attachments(s, mid) == []


def test_delete_is_logged_and_finalized_meetings_refuse_changes(db: Database, branch_id: int) -> None:
    with db.transaction() as s:
        member = roster.create_member(s, branch_id, roster.MemberInput("甲", Gender.MALE, date(2000, 1, 1)))
    mid = _meeting(db, branch_id, host="甲", recorder="乙", minutes="内容", attendance=[AttendanceInput(member)])
    with db.transaction() as s:
        keep = attachments.add_attachment(s, mid, "a.txt", b"a")
        gone = attachments.add_attachment(s, mid, "b.txt", b"b")
    with db.transaction() as s:
        attachments.delete_attachment(s, gone)
    with db.reading() as s:
        assert [a.id for a in attachments.list_attachments(s, mid)] == [keep]
        assert audit.list_entries(s, limit=1)[0].action == AuditAction.DELETE
    with db.transaction() as s:
        finalize_meeting(s, mid)
    with db.transaction() as s, pytest.raises(BranchBookError, match="已定稿"):
        attachments.add_attachment(s, mid, "c.txt", b"c")
    with db.transaction() as s, pytest.raises(BranchBookError, match="已定稿"):
        attachments.delete_attachment(s, keep)
    with db.reading() as s:
        assert [a.id for a in attachments.list_attachments(s, mid)] == [keep]


def _png_claiming(width: int, height: int) -> bytes:
    """A 70-byte PNG whose header claims ``width``×``height`` pixels (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("size", [(20_000, 20_000), (100_000, 100_000)])
def test_pixel_bomb_is_refused_in_chinese_before_decoding(db: Database, branch_id: int,
                                                          size: tuple[int, int]) -> None:
    mid = _meeting(db, branch_id)
    with db.transaction() as s, pytest.raises(BranchBookError) as caught:
        attachments.add_attachment(s, mid, "签到表.png", _png_claiming(*size))
    assert "百万像素" in caught.value.message and caught.value.field == "attachment"
    with db.reading() as s:
        assert attachments.list_attachments(s, mid) == []
