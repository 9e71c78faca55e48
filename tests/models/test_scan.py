"""Reading the signed 签到表 back (issue 16): our own printed PDF, signed by tests/scan_support.py's
simulated hand and photographed or scanned, read through models.scan (the big set is in
benchmarks/bench_scan.py; here a few pages, quickly)."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("cv2", reason="the scan reader needs the optional extra: pip install -e .[scan]")

import numpy as np

import main
from models.db import Database
from models.enums import AttendanceStatus, AuditAction, Gender
from models.errors import BranchBookError
from models.meetings import get_meeting
from models.roster import MemberInput, create_member
from models.scan import proposal as sp
from models.scan import reader
from models.scan.sheet import sheet_members
from reports.documents import write_document
from tests import scan_support as ss

MEMBERS = 20  # two pages


@pytest.fixture
def sheet(db: Database, branch_id: int, tmp_path: Path) -> tuple[int, Path, list[str]]:
    meeting = ss.make_meeting(db, branch_id, MEMBERS, seed=7)
    pdf = write_document(db, "signin", tmp_path / "sheet.pdf", branch_id=branch_id, meeting_id=meeting)
    with db.reading() as s:
        names = [m.name for m in sheet_members(s, get_meeting(s, meeting))]
    return meeting, pdf, names


def _signed(pdf: Path, names: list[str], seed: int) -> list[ss.SignedPage]:
    rng = random.Random(seed)
    out = []
    for flat in ss.render_pages(pdf):
        k = reader.read_page(flat, "clean")[0].page_key
        if k.rows:
            out.append(ss.sign_page(flat, k, names[k.first_row - 1:k.first_row - 1 + k.rows], rng))
    return out


def test_the_printed_sheet_reads_back_page_by_page(sheet: tuple[int, Path, list[str]], db: Database) -> None:
    meeting, pdf, _names = sheet
    pages = [reader.read_page(flat, f"p{n}")[0] for n, flat in enumerate(ss.render_pages(pdf), 1)]
    with db.reading() as s:
        uuid = get_meeting(s, meeting).uuid
    assert {p.page_key.meeting_uuid for p in pages} == {uuid}
    member_pages = [p for p in pages if p.page_key.rows]
    assert len(member_pages) == 2 and member_pages[0].page_key.first_row == 1
    assert sum(p.page_key.rows for p in member_pages) == MEMBERS
    assert member_pages[1].page_key.first_row == member_pages[0].page_key.rows + 1
    assert all(r.status == reader.UNSIGNED for p in pages for r in p.rows)  # nobody signed a fresh sheet


@pytest.mark.parametrize("camera", ["photo", "scan"])
def test_no_unsigned_row_is_read_as_present(sheet: tuple[int, Path, list[str]], camera: str) -> None:
    _meeting, pdf, names = sheet
    rng = random.Random(5)
    present_signed = signed_total = 0
    for page in _signed(pdf, names, seed=11 if camera == "photo" else 12):
        image = ss.photograph(page.image, rng, long_side=2400) if camera == "photo" else ss.scan(page.image, rng, 150)
        reading, _ = reader.read_page(image, camera)
        assert len(reading.rows) == len(page.truth)
        for truth, row in zip(page.truth, reading.rows, strict=True):
            if truth in (ss.SIGNED, ss.SIGNED_STRAY):
                signed_total += 1
                present_signed += row.status == reader.PRESENT
                assert row.status != reader.UNSIGNED, (row.number, truth)  # a signature is never missed
            else:
                assert row.status != reader.PRESENT, (row.number, truth, row.reasons)
            if truth == ss.NOTE_ONLY:
                assert reader.NOTE_WRITTEN in row.reasons
    assert signed_total >= 8 and present_signed >= 0.75 * signed_total


def test_cli_reads_pages_in_any_order_from_photos_and_a_pdf(
    sheet: tuple[int, Path, list[str]], db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    meeting, pdf, names = sheet
    pages = _signed(pdf, names, seed=3)
    rng = random.Random(2)
    # page 2 as a phone photo stored sideways with an EXIF turn; page 1 inside a scanned PDF
    second = ss.save_jpeg(ss.photograph(pages[1].image, rng, long_side=2400), tmp_path / "第二页.jpg", exif_turn=1)
    from PIL import Image

    scanned = tmp_path / "扫描.pdf"
    Image.fromarray(ss.scan(pages[0].image, rng, 150)).save(scanned, "PDF", resolution=150)
    assert main.main(["attendance", "scan", "--db", str(db_path), "--meeting", str(meeting),
                      str(second), str(scanned), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["expected"] == MEMBERS and out["pages"] == ["扫描.pdf", "第二页.jpg"]
    truth = pages[0].truth + pages[1].truth
    by_number = {m["number"]: m for m in out["members"]}
    assert [by_number[n]["name"] for n in range(1, MEMBERS + 1)] == names
    for n, t in enumerate(truth, 1):
        if t not in (ss.SIGNED, ss.SIGNED_STRAY):
            assert by_number[n]["status"] != "出席"
    assert out["totals"]["出席"] >= 0.7 * sum(t in (ss.SIGNED, ss.SIGNED_STRAY) for t in truth)
    with db_path.open("rb"):
        pass
    # the text form, for a person at the command line; nothing was written
    assert main.main(["attendance", "scan", "--db", str(db_path), "--meeting", str(meeting), str(second)]) == 0
    text = capsys.readouterr().out
    assert f"应到 {MEMBERS} 人" in text and "未拍到" in text and "尚未写入记录" in text


def test_a_sheet_of_another_meeting_or_an_older_roster_is_refused(
    db: Database, branch_id: int, sheet: tuple[int, Path, list[str]], db_path: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    meeting, pdf, _names = sheet
    photo = tmp_path / "p.jpg"
    ss.save_jpeg(ss.scan(ss.render_pages(pdf)[0], random.Random(1), 150), photo)
    other = ss.make_meeting(db, branch_id, 0, seed=8)
    assert main.main(["attendance", "scan", "--db", str(db_path), "--meeting", str(other), str(photo)]) == 1
    assert "是另一次会议的签到表" in capsys.readouterr().err
    with db.transaction() as s:  # somebody joins after the sheet was printed
        create_member(s, branch_id, MemberInput(name="新党员", gender=Gender.FEMALE, joined_on=date(2020, 1, 1)))
    assert main.main(["attendance", "scan", "--db", str(db_path), "--meeting", str(meeting), str(photo)]) == 1
    err = capsys.readouterr().err
    assert "应到名单" in err and "重新打印" in err and "Traceback" not in err


def test_a_picture_without_the_sheet_says_what_to_do(db: Database, sheet: tuple[int, Path, list[str]],
                                                     tmp_path: Path) -> None:
    from PIL import Image

    meeting, _pdf, _names = sheet
    blank = tmp_path / "desk.png"
    Image.new("RGB", (800, 600), (120, 100, 80)).save(blank)
    text = tmp_path / "notes.jpg"
    text.write_text("not a picture", encoding="utf-8")
    with db.reading() as s:
        with pytest.raises(BranchBookError, match="定位方块"):
            sp.propose(s, meeting, [blank])
        with pytest.raises(BranchBookError, match="不是可识别的图片"):
            sp.propose(s, meeting, [text])
        with pytest.raises(BranchBookError, match="找不到照片文件"):
            sp.propose(s, meeting, [tmp_path / "missing.jpg"])


def test_confirmed_attendance_is_saved_with_an_audit_entry_and_crops_only_when_allowed(
    db: Database, sheet: tuple[int, Path, list[str]], tmp_path: Path,
) -> None:
    from models.attachments import list_attachments
    from models.audit import list_entries

    meeting, pdf, names = sheet
    page = _signed(pdf, names, seed=4)[0]
    photo = ss.save_jpeg(ss.scan(page.image, random.Random(3), 200), tmp_path / "p1.jpg")
    with db.reading() as s:
        proposal = sp.propose(s, meeting, [photo])
    decisions = {r.member_id: AttendanceStatus.PRESENT if r.status == sp.PRESENT else AttendanceStatus.ABSENT
                 for r in proposal.rows if r.status != sp.NOT_READ}
    crops = {r.member_id: r.crop_jpeg for r in proposal.rows if r.crop_jpeg}
    with db.transaction() as s:
        assert sp.save_confirmed(s, meeting, decisions, crops, ["p1.jpg"]) == []  # not allowed by default
    with db.reading() as s:
        m = get_meeting(s, meeting)
        assert {a.member_id: a.status for a in m.attendance} == decisions
        assert list_attachments(s, meeting) == []
        entry = next(e for e in list_entries(s) if e.action == str(AuditAction.IMPORT))
        assert "从签到表照片登记" in entry.summary
    with db.transaction() as s:
        sp.set_keeps_signatures(s, get_meeting(s, meeting).branch_id, True)
        assert len(sp.save_confirmed(s, meeting, decisions, crops, ["p1.jpg"])) == 1
    with db.reading() as s:
        assert [a.filename for a in list_attachments(s, meeting)] == ["签到表签名截图.jpg"]


def test_a_red_seal_is_not_a_signature_and_a_covered_corner_is_tolerated(
    sheet: tuple[int, Path, list[str]],
) -> None:
    from PIL import Image, ImageDraw

    from models.scan import key

    _meeting, pdf, _names = sheet
    flat = ss.render_pages(pdf)[0]
    k = reader.read_page(flat, "clean")[0].page_key
    page = Image.fromarray(flat)
    draw = ImageDraw.Draw(page)
    mm = ss.PX_MM
    sig0, sig1 = key.signature_span()
    # a 42 mm round seal in red over the signature cells of the first rows, nobody signed
    cx, cy = (sig0 + sig1) / 2 * mm, (k.row_top(0) + 2 * key.ROW_MM) * mm
    draw.ellipse((cx - 21 * mm, cy - 21 * mm, cx + 21 * mm, cy + 21 * mm), outline=(210, 30, 40), width=int(1.2 * mm))
    draw.text((cx - 12 * mm, cy - 3 * mm), "党支部", fill=(210, 30, 40), font=ss._font(int(7 * mm)))
    # a thumb over the top-right corner mark
    x, y = (key.PAGE_W - key.MARK_INSET) * mm, key.MARK_INSET * mm
    draw.ellipse((x - 14 * mm, y - 20 * mm, x + 20 * mm, y + 14 * mm), fill=(205, 160, 130))
    reading, _ = reader.read_page(ss.photograph(np.asarray(page), random.Random(4), long_side=2400),
                                  "seal")
    assert reading.page_key.first_row == 1
    assert all(r.status == reader.UNSIGNED for r in reading.rows), [(r.number, r.status) for r in reading.rows]


def test_a_thin_light_signature_is_never_read_as_unsigned(sheet: tuple[int, Path, list[str]]) -> None:
    """A hairline scribble photographed from afar stays lighter than the ink threshold (the bench's
    7 signed rows read 未签): as wide as a signature, its faint ink makes the row 待确认."""
    from PIL import Image, ImageDraw

    from models.scan import key

    _meeting, pdf, _names = sheet
    flat = ss.render_pages(pdf)[0]
    k = reader.read_page(flat, "clean")[0].page_key
    page = Image.fromarray(flat)
    draw = ImageDraw.Draw(page)
    sig0 = key.signature_span()[0]
    for i in range(k.rows):
        y = (k.row_top(i) + key.ROW_MM / 2) * ss.PX_MM
        draw.line([((sig0 + 6 + t * 0.8) * ss.PX_MM, y + np.sin(t * 0.9 + i) * 2.5 * ss.PX_MM) for t in range(30)],
                  fill=(50, 50, 60), width=1)
    reading, _ = reader.read_page(ss.photograph(np.asarray(page), random.Random(3), long_side=1600), "hairline")
    assert [r.status for r in reading.rows] == [reader.UNSURE] * k.rows
    assert all(reader.FAINT in r.reasons for r in reading.rows)


def test_folds_a_seal_and_glare_never_make_an_unsigned_row_present(sheet: tuple[int, Path, list[str]]) -> None:
    """Creases across the rows and down the signature column, a dull photographed seal over the
    cells, a washed-out patch: nobody signed, so no row may be read 出席 (they may be 待确认)."""
    from models.scan import key

    _meeting, pdf, names = sheet
    flat = ss.render_pages(pdf)[0]
    k = reader.read_page(flat, "clean")[0].page_key
    rng = random.Random(5)
    page = ss.sign_page(flat, k, names[:k.rows], rng, signed_share=0.0, tiny_share=0.4, note_share=0.1)
    sig0, sig1 = key.signature_span()
    image = ss.fold(page.image, rng, across=True, at_mm=k.row_top(3) + 5)
    image = ss.fold(image, rng, across=False, at_mm=(sig0 + sig1) / 2)
    image = ss.seal(image, rng, ((sig0 + sig1) / 2, k.row_top(6) + 7))
    photo = ss.glare(ss.photograph(image, rng, long_side=2400), rng)
    reading, _ = reader.read_page(photo, "blemished")
    assert [r.status for r in reading.rows if r.status == reader.PRESENT] == [], \
        [(r.number, r.status, r.reasons, r.ink_mm2) for r in reading.rows]


@pytest.mark.parametrize("amp_mm", [4.0, 8.0])
def test_a_page_that_is_not_flat_is_read_row_by_row(sheet: tuple[int, Path, list[str]], amp_mm: float) -> None:
    """A bowed page (folded before, or curling on the desk): straightened by its corner marks only,
    its middle rows sit millimetres off, and a signature was given to the row above or below (a
    tiny mark read 出席, signed rows read 未签). Its rules are found where they lie and the page
    flattened first."""
    _meeting, pdf, names = sheet
    rng = random.Random(21)
    confident = signed = 0
    for page in _signed(pdf, names, seed=31):
        photo = ss.photograph(ss.bow(page.image, amp_mm), rng, long_side=3000)
        reading, _ = reader.read_page(photo, f"bowed {amp_mm} mm")
        for truth, row in zip(page.truth, reading.rows, strict=True):
            if truth in (ss.SIGNED, ss.SIGNED_STRAY):
                signed += 1
                confident += row.status == reader.PRESENT
                assert row.status != reader.UNSIGNED, (row.number, truth, row.reasons)
            else:
                assert row.status != reader.PRESENT, (row.number, truth, row.reasons)
    assert confident >= 0.75 * signed, (confident, signed)


def test_a_page_photographed_at_a_slant_is_found(sheet: tuple[int, Path, list[str]]) -> None:
    """Photographed standing at the desk: the far corner marks come out about half the size of the
    near ones (the reader used to drop them as too small) — all four are still the page's corners,
    and the QR code's finder squares are not."""
    _meeting, pdf, names = sheet
    page = _signed(pdf, names, seed=41)[0]
    photo = ss.photograph(ss.slant(page.image, 0.2), random.Random(2), long_side=2400)
    reading, _ = reader.read_page(photo, "slanted")
    assert reading.page_key.first_row == 1
    assert [r.status for r in reading.rows if r.status == reader.PRESENT]
    for truth, row in zip(page.truth, reading.rows, strict=True):
        if truth not in (ss.SIGNED, ss.SIGNED_STRAY):
            assert row.status != reader.PRESENT, (row.number, truth)


def test_the_blurred_rim_of_a_seals_text_is_not_a_signature(sheet: tuple[int, Path, list[str]]) -> None:
    """Red seals over three unsigned cells: their blurred, JPEG-smeared rims are only a little red,
    and left in, the rim of 中共党支部 weighed as much as a short signature (a false 出席)."""
    from models.scan import key

    _meeting, pdf, _names = sheet
    flat = ss.render_pages(pdf)[0]
    k = reader.read_page(flat, "clean")[0].page_key
    sig0, sig1 = key.signature_span()
    rng = random.Random(1)
    image = flat
    for r in (1, 5, 9):
        image = ss.seal(image, rng, ((sig0 + sig1) / 2 + rng.uniform(-8, 8), k.row_top(r) + 7))
    rows = reader.read_page(ss.photograph(image, rng), "seals")[0].rows
    assert [r.index for r in rows if r.status == reader.PRESENT] == [], [(r.index, r.status, r.ink_mm2) for r in rows]


def _lit(photo: np.ndarray, light: tuple[float, float, float]) -> np.ndarray:
    """The photo as the room's light coloured it (a warm lamp, a dim office)."""
    return np.clip(photo.astype(np.float32) * np.array(light, np.float32), 0, 255).astype(np.uint8)


def test_signatures_photographed_under_a_warm_lamp_are_read(sheet: tuple[int, Path, list[str]]) -> None:
    """Under a warm lamp the paper is orange and black ink is redder than it is green: judged
    against the unbalanced colours, signed cells were masked out as a seal and read 未签 (a
    fifth of the signed rows on the measured set). Judged against the paper's own colour, they read."""
    _meeting, pdf, names = sheet
    rng = random.Random(3)
    for page in _signed(pdf, names, seed=21):
        reading, _ = reader.read_page(_lit(ss.photograph(page.image, rng, long_side=2400), (0.6, 0.45, 0.3)), "lamp")
        for truth, row in zip(page.truth, reading.rows, strict=True):
            if truth in (ss.SIGNED, ss.SIGNED_STRAY):
                assert row.status != reader.UNSIGNED, (row.number, truth, row.ink_mm2)
            else:
                assert row.status != reader.PRESENT, (row.number, truth)


def test_a_seal_on_a_dim_photo_is_not_a_signature(sheet: tuple[int, Path, list[str]]) -> None:
    """A seal over unsigned cells, photographed in a dim room: its red is muted to a few levels
    above its green, yet it is still a seal, never a signature."""
    from models.scan import key

    _meeting, pdf, _names = sheet
    flat = ss.render_pages(pdf)[0]
    k = reader.read_page(flat, "clean")[0].page_key
    sig0, sig1 = key.signature_span()
    present = []
    for seed in range(4):
        rng = random.Random(seed)
        image = flat
        for r in (1, 5, 9):
            image = ss.seal(image, rng, ((sig0 + sig1) / 2 + rng.uniform(-8, 8), k.row_top(r) + 7))
        rows = reader.read_page(_lit(ss.photograph(image, rng), (0.45, 0.45, 0.45)), "dim")[0].rows
        present += [(seed, r.index) for r in rows if r.status == reader.PRESENT]
    assert present == []


def test_a_quick_thin_scribble_is_never_read_unsigned(sheet: tuple[int, Path, list[str]]) -> None:
    """A quick scribble of a thin ballpoint, light blue or grey, as long as a name: blur and JPEG
    break it into a few faint pieces, too few for the faint-ink rule of a signature's size, yet
    drawn right across the cell it is somebody's mark — 待确认, never 未签."""
    from PIL import Image

    from models.scan import key

    _meeting, pdf, _names = sheet
    flat = ss.render_pages(pdf)[0]
    k = reader.read_page(flat, "clean")[0].page_key
    sig0 = key.signature_span()[0]
    unsigned = []
    for seed in range(5):  # (the reader before read one of these marks 未签)
        rng = random.Random(seed)
        page = Image.fromarray(flat).convert("RGBA")
        marked = list(range(0, k.rows, 2))
        for r in marked:
            ink = rng.choice([(70, 95, 175), (95, 95, 105), (120, 140, 200)])
            mark = ss._scribble(rng, rng.uniform(16, 24), rng.uniform(3, 5), ink)
            ss._paste(page, mark, (sig0 + rng.uniform(2, 8)) * ss.PX_MM + mark.width / 2, (k.row_top(r) + 7) * ss.PX_MM)
        photo = ss.photograph(np.asarray(page.convert("RGB")), rng, long_side=rng.choice((2400, 3000)))
        rows = reader.read_page(photo, "scribbles")[0].rows
        unsigned += [(seed, r) for r in marked if rows[r].status == reader.UNSIGNED]
    assert unsigned == []
