"""Synthetic signed 签到表 for the scan reader's tests and benchmarks (issue 16): a branch and a
meeting built through the services, its sheet printed by our own PDF code and rendered, then
signed by a simulated hand (names in a CJK font, sheared and rotated, or cursive scribbles, in
black or blue ink; strays over the row lines, tiny marks, names written in 备注), and finally
photographed (perspective, rotation, shadow, blur, JPEG, low resolution) or scanned.

Needs the ``scan`` extra (OpenCV, NumPy, pypdfium2) like the reader."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from models.db import Database
from models.enums import Gender, MeetingStatus, MeetingType
from models.meetings import MeetingInput, create_meeting
from models.roster import MemberInput, create_group, create_member
from models.scan import key

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建华明丽强芳晓平刚伟敏静磊军洋勇艳杰娟涛超霞秀英桂兰玉珍志红海波宁辉鹏飞燕云"
FONT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "wqy-microhei.ttc"
DPI = 200
PX_MM = DPI / 25.4

# What one row of a signed sheet holds (the truth the reader is measured against).
SIGNED, SIGNED_STRAY, EMPTY, TINY, NOTE_ONLY = "signed", "signed_stray", "empty", "tiny", "note_only"


def make_meeting(db: Database, branch_id: int, members: int, seed: int = 1,
                 meeting_type: MeetingType = MeetingType.GENERAL_ASSEMBLY) -> int:
    """``members`` new members in three new 党小组 (none: the branch as it is) and a planned
    meeting for everyone 应到; its id."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < members:
        names.add(rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))))
    with db.transaction() as s:
        groups = [create_group(s, branch_id, f"第{n}党小组") for n in "一二三"] if members else []
        for n, name in enumerate(sorted(names)):
            create_member(s, branch_id, MemberInput(name=name, gender=Gender.MALE, joined_on=date(2010, 7, 1),
                                                    group_id=groups[n % 3]))
        return create_meeting(s, branch_id, MeetingInput(meeting_type, f"扫描测试会议{seed}", date(2025, 3, 20),
                                                         status=MeetingStatus.PLANNED, location="党员活动室",
                                                         host="测试书记"))


def render_pages(pdf: Path, dpi: int = DPI) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    return [np.asarray(doc[n].render(scale=dpi / 72).to_pil().convert("RGB")).copy() for n in range(len(doc))]


@dataclass
class PrintedSheet:
    """A meeting's 签到表 as the program prints it: the PDF, its members' names in printed order,
    its first page rendered flat and that page's key."""

    meeting_id: int
    pdf: Path
    names: list[str]
    flat: np.ndarray
    page_key: key.PageKey


def printed_sheet(db: Database, branch_id: int, members: int, seed: int, folder: Path) -> PrintedSheet:
    """:func:`make_meeting`, its sheet printed to ``folder``, read back (first page)."""
    from models.meetings import get_meeting
    from models.scan import reader
    from models.scan.sheet import sheet_members
    from reports.documents import write_document

    meeting = make_meeting(db, branch_id, members, seed=seed)
    pdf = write_document(db, "signin", folder / f"sheet-{meeting}.pdf", branch_id=branch_id, meeting_id=meeting)
    with db.reading() as s:
        names = [m.name for m in sheet_members(s, get_meeting(s, meeting))]
    flat = render_pages(pdf)[0]
    return PrintedSheet(meeting, pdf, names, flat, reader.read_page(flat, "clean")[0].page_key)


@dataclass
class SignedPage:
    image: np.ndarray  # RGB, the flat signed page at :data:`DPI`
    truth: list[str]  # per member row on the page: SIGNED … NOTE_ONLY
    first_row: int


def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size_px)


def _ink(rng: random.Random) -> tuple[int, int, int]:
    # black and blue pens, a light ballpoint blue, a soft pencil-like grey
    return rng.choice([(20, 20, 25), (15, 30, 110), (30, 45, 150), (50, 50, 60), (10, 20, 80), (70, 95, 175),
                       (95, 95, 105)])


def _name_stamp(name: str, rng: random.Random, height_mm: float, ink: tuple[int, int, int]) -> Image.Image:
    """A handwritten-looking name: glyphs of random size, baseline jitter, shear and rotation."""
    size = max(8, int(height_mm * PX_MM))
    font = _font(size)
    width = int(size * (len(name) + 1) * 1.1)
    layer = Image.new("L", (width, int(size * 2)), 0)
    draw = ImageDraw.Draw(layer)
    x = size * 0.3
    for ch in name:
        draw.text((x, size * 0.4 + rng.uniform(-0.12, 0.12) * size), ch, font=font, fill=255)
        x += size * rng.uniform(0.8, 1.05)
    layer = layer.crop(layer.getbbox() or (0, 0, 1, 1))
    # thinner or thicker pen
    arr = np.asarray(layer)
    pen = rng.choice(["thin", "normal", "bold"])
    if pen == "thin":
        arr = cv2.erode(arr, np.ones((2, 2), np.uint8))
    elif pen == "bold":
        arr = cv2.dilate(arr, np.ones((2, 2), np.uint8))
    shear = rng.uniform(-0.35, 0.2)
    h, w = arr.shape
    m = np.float32([[1, shear, max(0, -shear * h)], [0, 1, 0]])
    arr = cv2.warpAffine(arr, m, (int(w + abs(shear) * h) + 2, h))
    layer = Image.fromarray(arr).rotate(rng.uniform(-12, 12), expand=True, resample=Image.BILINEAR)
    return _colored(layer, ink)


def _scribble(rng: random.Random, width_mm: float, height_mm: float, ink: tuple[int, int, int]) -> Image.Image:
    """A cursive signature: a smooth random walk of loops."""
    w, h = int(width_mm * PX_MM), int(height_mm * PX_MM)
    layer = Image.new("L", (w + 10, h + 10), 0)
    draw = ImageDraw.Draw(layer)
    points, x, phase = [], 5.0, rng.uniform(0, 6.28)
    while x < w:
        phase += rng.uniform(0.5, 1.2)
        y = 5 + h / 2 + np.sin(phase) * h / 2 * rng.uniform(0.5, 1.0)
        points.append((x, y))
        x += rng.uniform(0.5, 2.0) * PX_MM
    pen = max(1, int(rng.uniform(0.25, 0.7) * PX_MM))
    draw.line(points, fill=255, width=pen, joint="curve")
    return _colored(layer, ink)


def _colored(mask: Image.Image, ink: tuple[int, int, int]) -> Image.Image:
    rgba = Image.new("RGBA", mask.size, (*ink, 0))
    rgba.putalpha(mask)
    return rgba


def _paste(page: Image.Image, stamp: Image.Image, cx: float, cy: float) -> None:
    page.alpha_composite(stamp, (int(cx - stamp.width / 2), int(cy - stamp.height / 2)))


def sign_page(flat: np.ndarray, page_key: key.PageKey, names: list[str], rng: random.Random,
              signed_share: float = 0.7, stray_share: float = 0.08, tiny_share: float = 0.12,
              note_share: float = 0.04) -> SignedPage:
    """Sign ``flat`` (a rendered page of our sheet); ``names`` are the page's member rows in order."""
    page = Image.fromarray(flat).convert("RGBA")
    sig0, sig1 = key.signature_span()
    note0, note1 = key.note_span()
    truth = []
    for i, name in enumerate(names):
        top = page_key.row_top(i)
        mid_y = (top + key.ROW_MM / 2) * PX_MM
        roll = rng.random()
        ink = _ink(rng)
        if roll < signed_share:
            stray = rng.random() < stray_share / signed_share
            if rng.random() < 0.75:
                stamp = _name_stamp(name, rng, rng.uniform(5.0, 9.5), ink)
            else:
                stamp = _scribble(rng, rng.uniform(14, 32), rng.uniform(4, 9), ink)
            cx = rng.uniform(sig0 + 4 + stamp.width / PX_MM / 2, sig1 - 2 - stamp.width / PX_MM / 2) * PX_MM \
                if stamp.width / PX_MM < (sig1 - sig0 - 6) else (sig0 + sig1) / 2 * PX_MM
            cy = mid_y + rng.uniform(-1.5, 1.5) * PX_MM
            if stray:  # over a row line, or out into the next column
                choice = rng.random()
                if choice < 0.6:
                    cy += rng.choice((-1, 1)) * (key.ROW_MM / 2 - rng.uniform(0.5, 2.5)) * PX_MM
                elif choice < 0.8:
                    cx += rng.uniform(4, 10) * PX_MM
                else:
                    cx -= rng.uniform(4, 10) * PX_MM
            _paste(page, stamp, cx, cy)
            truth.append(SIGNED_STRAY if stray else SIGNED)
        elif roll < signed_share + tiny_share:
            # a dot, a short tick or a pen touch: never a signature
            draw = ImageDraw.Draw(page)
            x = rng.uniform(sig0 + 3, sig1 - 3) * PX_MM
            y = mid_y + rng.uniform(-4, 4) * PX_MM
            r = rng.uniform(0.2, 0.6) * PX_MM
            if rng.random() < 0.5:
                draw.ellipse((x - r, y - r, x + r, y + r), fill=(*ink, 255))
            else:
                draw.line((x, y, x + rng.uniform(1, 2.2) * PX_MM, y + rng.uniform(-1, 1) * PX_MM),
                          fill=(*ink, 255), width=max(1, int(0.3 * PX_MM)))
            truth.append(TINY)
        elif roll < signed_share + tiny_share + note_share:
            stamp = _name_stamp(rng.choice(["代签", "请假", name, "迟到"]), rng, rng.uniform(4.0, 5.5), ink)
            _paste(page, stamp, (note0 + note1) / 2 * PX_MM, mid_y)
            truth.append(NOTE_ONLY)
        else:
            truth.append(EMPTY)
    return SignedPage(np.asarray(page.convert("RGB")).copy(), truth, page_key.first_row)


def sign_on_rule(flat: np.ndarray, page_key: key.PageKey, row: int, name: str, rng: random.Random,
                 above_mm: float = 1.5, height_mm: float = 6.0) -> np.ndarray:
    """Row ``row``'s member signs sitting on the row line above their own row, the signature's
    middle ``above_mm`` over that line — mostly in the row above, as if it were that row's."""
    page = Image.fromarray(flat).convert("RGBA")
    sig0, sig1 = key.signature_span()
    stamp = _name_stamp(name, rng, height_mm, (20, 20, 25))
    _paste(page, stamp, (sig0 + sig1) / 2 * PX_MM, (page_key.row_top(row) - above_mm) * PX_MM)
    return np.asarray(page.convert("RGB")).copy()


def sign_at(flat: np.ndarray, page_key: key.PageKey, row: int, name: str, rng: random.Random,
            below_mm: float = 0.0, height_mm: float = 6.0) -> np.ndarray:
    """Row ``row``'s member signs in black in the middle of the signature cell, the signature's
    middle ``below_mm`` below the middle of the row (negative: above it); 0 is a neat signature,
    ± 5 a stray reaching over the row line into the next row."""
    page = Image.fromarray(flat).convert("RGBA")
    sig0, sig1 = key.signature_span()
    stamp = _name_stamp(name, rng, height_mm, (20, 20, 25))
    _paste(page, stamp, (sig0 + sig1) / 2 * PX_MM, (page_key.row_top(row) + key.ROW_MM / 2 + below_mm) * PX_MM)
    return np.asarray(page.convert("RGB")).copy()


def strip_key(flat: np.ndarray, marks: tuple[int, ...] = (0, 1, 2, 3), qr: bool = True) -> np.ndarray:
    """The rendered page without its corner marks (``marks``: which, tl tr br bl) and QR code — a
    sheet printed from the Word file, or one with its corners cut off and the code torn away."""
    img = flat.copy()
    pad = 1.0
    boxes = [(cx - key.MARK_MM / 2, cy - key.MARK_MM / 2, key.MARK_MM) for n, (cx, cy) in enumerate(key.MARK_CENTRES)
             if n in marks]
    if qr:
        boxes.append((key.QR_X, key.QR_Y, key.QR_MM))
    for x, y, size in boxes:
        img[int((y - pad) * PX_MM):int((y + size + pad) * PX_MM), int((x - pad) * PX_MM):int((x + size + pad) * PX_MM)] = 255
    return img


# --- what real sheets go through: folds, seals, glare ------------------------------------------------


def fold(flat: np.ndarray, rng: random.Random, across: bool = True, at_mm: float | None = None) -> np.ndarray:
    """A crease where the sheet was folded: a dark hairline right across the page (``across``: from
    side to side, through every column; else top to bottom, through every row), slightly slanted,
    with the soft shadow of the bent paper on one side."""
    h, w = flat.shape[:2]
    length = w if across else h
    pos = (at_mm if at_mm is not None else rng.uniform(0.35, 0.65) * length / PX_MM) * PX_MM
    slope = rng.uniform(-0.02, 0.02)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dist = (yy - pos - slope * (xx - w / 2)) if across else (xx - pos - slope * (yy - h / 2))
    width = rng.uniform(0.6, 1.4)  # px at 200 dpi: a 0.08–0.18 mm line
    depth = rng.uniform(0.35, 0.6)
    shade = 1 - depth * np.exp(-(dist / width) ** 2)
    side = rng.choice((-1, 1))
    band = rng.uniform(2, 6) * PX_MM
    shade *= 1 - rng.uniform(0.05, 0.15) * np.exp(-np.maximum(side * dist, 0) / band) * (side * dist > 0)
    return np.clip(flat.astype(np.float32) * shade[..., None], 0, 255).astype(np.uint8)


def seal(flat: np.ndarray, rng: random.Random, centre_mm: tuple[float, float]) -> np.ndarray:
    """A round red seal (公章: ring, star, text) stamped at ``centre_mm``, as translucent as stamp ink."""
    page = Image.fromarray(flat).convert("RGBA")
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    red = (rng.randint(190, 230), rng.randint(20, 70), rng.randint(30, 70), rng.randint(170, 230))
    cx, cy = (v * PX_MM for v in centre_mm)
    r = rng.uniform(19, 21) * PX_MM
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=int(1.1 * PX_MM))
    star = [(cx + 6 * PX_MM * np.cos(a) * (1 if k % 2 == 0 else 0.4), cy + 6 * PX_MM * np.sin(a) * (1 if k % 2 == 0 else 0.4))
            for k, a in enumerate(np.linspace(-np.pi / 2, 1.5 * np.pi, 10, endpoint=False))]
    draw.polygon(star, fill=red)
    draw.text((cx - 13 * PX_MM, cy + 7 * PX_MM), "中共党支部", fill=red, font=_font(int(5 * PX_MM)))
    layer = layer.rotate(rng.uniform(-30, 30), center=(cx, cy))
    page.alpha_composite(layer)
    return np.asarray(page.convert("RGB")).copy()


def glare(photo: np.ndarray, rng: random.Random, centre: tuple[float, float] | None = None,
          peak: float | None = None) -> np.ndarray:
    """A washed-out patch where a lamp or a window shines on glossy paper (toner shines too);
    ``peak``: how far its middle is lifted towards white (0–1, default 0.6–0.95)."""
    h, w = photo.shape[:2]
    cx, cy = centre if centre is not None else (rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h)
    rx, ry = rng.uniform(0.06, 0.16) * w, rng.uniform(0.04, 0.1) * h
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    strength = (peak if peak is not None else rng.uniform(0.6, 0.95)) * np.exp(-(((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2) ** 1.5)
    out = photo.astype(np.float32) + (255 - photo.astype(np.float32)) * strength[..., None]
    return out.astype(np.uint8)


# --- the camera ------------------------------------------------------------------------------------


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def photograph(flat: np.ndarray, rng: random.Random, *, long_side: int | None = None) -> np.ndarray:
    """A phone photo of the page lying on a desk: perspective, any rotation, uneven light and a
    shadow, blur, JPEG; the picture's long side ``long_side`` px (default 1600–4000)."""
    h, w = flat.shape[:2]
    long_side = long_side or rng.choice((1600, 2400, 3000, 4000))
    canvas_w, canvas_h = int(w * 1.35), int(h * 1.25)
    desk = np.full((canvas_h, canvas_w, 3), rng.choice([(120, 100, 80), (60, 60, 65), (170, 160, 150)]), np.uint8)
    noise = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 25, (canvas_h, canvas_w, 1), dtype=np.uint8)
    desk = cv2.add(desk, np.repeat(noise, 3, axis=2))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    ox, oy = (canvas_w - w) / 2, (canvas_h - h) / 2
    jitter = 0.06 * w
    dst = np.float32([[ox + rng.uniform(-jitter, jitter), oy + rng.uniform(-jitter, jitter)] for _ in range(4)])
    dst += src
    m = cv2.getPerspectiveTransform(src, dst)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (canvas_w, canvas_h))
    warped = cv2.warpPerspective(flat, m, (canvas_w, canvas_h))
    photo = np.where(mask[..., None] > 0, warped, desk)
    # light: a gradient across the page and a soft shadow (a hand or a phone)
    yy, xx = np.mgrid[0:canvas_h, 0:canvas_w].astype(np.float32)
    angle = rng.uniform(0, 6.28)
    gradient = 1 - rng.uniform(0.05, 0.3) * ((np.cos(angle) * xx / canvas_w + np.sin(angle) * yy / canvas_h + 1) / 2)
    light = gradient
    if rng.random() < 0.6:
        cx, cy = rng.uniform(0, canvas_w), rng.uniform(0, canvas_h)
        radius = rng.uniform(0.2, 0.5) * canvas_w
        shadow = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * radius ** 2)))
        light = light * (1 - rng.uniform(0.2, 0.45) * shadow)
    photo = np.clip(photo.astype(np.float32) * light[..., None] * rng.uniform(0.85, 1.0), 0, 255).astype(np.uint8)
    sigma = rng.choice((0, 0.6, 1.0, 1.5))
    if sigma:
        photo = cv2.GaussianBlur(photo, (0, 0), sigma)
    turns = rng.choice((0, 0, 0, 1, 2, 3))
    photo = np.ascontiguousarray(np.rot90(photo, turns))
    factor = long_side / max(photo.shape[:2])
    photo = cv2.resize(photo, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return _jpeg(photo, rng.randint(45, 90))


def bow(flat: np.ndarray, amp_mm: float) -> np.ndarray:
    """The page not lying flat (it was folded, or curls on the desk): its middle ``amp_mm`` out of
    place — down the page, most in the middle of its width, and a third of that across."""
    h, w = flat.shape[:2]
    amp = amp_mm * PX_MM
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    map_y = yy + amp * np.sin(np.pi * xx / w)
    map_x = xx + amp / 3 * np.sin(np.pi * yy / h)
    return cv2.remap(flat, map_x, map_y, cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def slant(flat: np.ndarray, keystone: float) -> np.ndarray:
    """The page photographed at a slant from its foot: its top edge ``keystone`` of the width
    narrower on each side (0.2: the far corner marks come out about half the size of the near)."""
    h, w = flat.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[keystone * w, 0], [w - keystone * w, 0], [w, h], [0, h]])
    return cv2.warpPerspective(flat, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=(110, 100, 90))


def scan(flat: np.ndarray, rng: random.Random, dpi: int | None = None) -> np.ndarray:
    """A flatbed scan: a slight skew, the scanner's resolution (100–300 dpi), JPEG."""
    dpi = dpi or rng.choice((100, 150, 200, 300))
    h, w = flat.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-2.5, 2.5), 1.0)
    skewed = cv2.warpAffine(flat, m, (w, h), borderValue=(255, 255, 255))
    factor = dpi / DPI
    out = cv2.resize(skewed, None, fx=factor, fy=factor,
                     interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
    return _jpeg(out, rng.randint(60, 92))


def save_jpeg(img: np.ndarray, path: Path, exif_turn: int = 0) -> Path:
    """Write a JPEG; ``exif_turn`` 1..3 stores the picture turned and says so in EXIF (as phones do)."""
    pil = Image.fromarray(img)
    exif = Image.Exif()
    if exif_turn:
        orientation = {1: 6, 2: 3, 3: 8}[exif_turn]  # the stored picture is turned back by the reader
        pil = pil.transpose({6: Image.ROTATE_90, 3: Image.ROTATE_180, 8: Image.ROTATE_270}[orientation])
        exif[0x0112] = orientation
    pil.save(path, "JPEG", quality=90, exif=exif)
    return path
