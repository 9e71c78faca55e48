"""Reads one photographed or scanned page of our 签到表 (needs the ``scan`` extra: OpenCV, NumPy,
pypdfium2). Steps: find the four corner marks, straighten the page onto the printed geometry,
read the QR code (which names the meeting, the page and where its rows are), find the ruled row
lines near where they should be, then weigh the ink in each row's 本人签名 and 备注 cells.

Ink is grouped into strokes (connected components) before it is counted, and each stroke belongs
to the one row holding most of it: a signature that runs over a row line counts for its own row
only, and the row it runs into is flagged 邻行笔迹伸入 rather than read as signed (unless that row
holds a signature of its own, clear of the line, which the stray ran into). Ink over or on a row
line makes the rows it may belong to 签名跨行, except a row signed clear of that line. What that
count cannot see — a signature sitting on a row line, a washed-out patch of glare —
models/scan/doubts.py weighs, and it only ever makes a row 待确认."""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageOps

from models.errors import BranchBookError
from models.scan import doubts, key
from models.scan.flatten import flatten
from models.scan.key import NAME_THE_PAGE, NoKey

PX = 6.0  # pixels per millimetre of the straightened page
WORK_SIDE = 2000  # a photo's long side is brought to this before the marks are searched

PRESENT, UNSURE, UNSIGNED = "出席", "待确认", "未签"
FEW_STROKES, ACROSS_ROWS, FROM_NEIGHBOUR, NOTE_WRITTEN = "笔迹过少", "签名跨行", "邻行笔迹伸入", "备注栏有字迹"
FAINT, GLARE = "笔迹较淡", "反光"

# Ink thresholds, in mm² of dark pixels (tuned on benchmarks/ synthetic sheets; see bench_scan.py)
INK_RATIO = 0.72  # darker than this share of the paper around it is ink
# A thin line of a light pen, blurred and JPEG-compressed, may stay lighter than that: this much
# faint ink, as wide as a signature, makes an otherwise empty row 待确认 (never 出席).
FAINT_RATIO, FAINT_MM2, FAINT_PIECE_MM2 = 0.82, 3.0, 0.25
# … or less of it drawn right across the cell (a quick thin scribble, broken up by blur and JPEG)
FAINT_LONG_MM2, FAINT_LONG_SPAN_MM = 1.2, 10.0
NOISE_MM2 = 0.35  # a speck of dust or JPEG noise
SIGNED_MM2 = 5.0  # this much of one's own ink in the signature cell is a signature
SIGNED_SPAN_MM = 6.0  # … spread at least this wide
TRACE_MM2 = 1.2  # less than this is nothing at all
NOTE_MM2 = 2.5  # writing in 备注
INTRUDE_MM2 = 2.0  # a neighbour's stroke reaching into the row
# Ink over a rule belongs to one name, but whose is then a question: a stroke group with this
# share (and this much ink) in a second row makes both rows 待确认.
SHARED, SHARED_MM2 = 0.08, 1.0
SPLIT_NEAR_MM, SPLIT_GAP_MM = 1.2, 2.5  # ink within this of a rule, this close to ink across it
ON_RULE_MM2 = 0.5  # handwriting this heavy on a row line makes the rows it may belong to 待确认
# … unless the row has signed clear of that one line: this much of its own ink (and this share of
# it) lies in the half of the row away from the line, and of that no more than this share within
# EDGE_MM of the line across. Then the ink at the line is a neighbour's stray or the row's own
# descender, and the row was signed either way. A neighbour's name written mostly into an empty row
# lies against the line it crossed and leaves the far half nearly bare; another name written into
# the same row from the other side hugs the line across. (Measured on the synthetic sets and on
# strays written 0–4.5 mm past the line, from one side or both: benchmarks/bench_scan.py.)
CLEAR_HALF_MM2, CLEAR_HALF_SHARE = 5.0, 0.3
EDGE_MM, CLEAR_EDGE_SHARE = 3.0, 0.15

Image.MAX_IMAGE_PIXELS = 120_000_000


@dataclass
class RowReading:
    index: int  # 0-based on the page
    number: int  # the printed 序号
    status: str
    reasons: tuple[str, ...]
    ink_mm2: float
    crop_jpeg: bytes = b""


@dataclass
class PageReading:
    label: str  # “照片1.jpg” or “扫描.pdf 第2页”
    page_key: key.PageKey
    rows: list[RowReading] = field(default_factory=list)


def _error(label: str, text: str) -> BranchBookError:
    return BranchBookError(f"“{label}”：{text}", field="photo")


# --- loading ---------------------------------------------------------------------------------------


def load_pages(path: Path) -> Iterator[tuple[str, np.ndarray]]:
    """(label, RGB image) for every page of a JPEG/PNG (EXIF orientation honoured) or PDF."""
    name = path.name
    if not path.is_file():
        raise BranchBookError(f"找不到照片文件“{path}”，请检查文件名和位置。", field="photo")
    data = path.read_bytes()
    if data[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            raise _error(name, "PDF 文件已损坏或加密，无法打开。请重新扫描保存。") from None
        for n in range(len(pdf)):
            page = pdf[n]
            scale = 200 / 72  # 200 dpi is plenty for the marks, the QR code and the ink
            yield (f"{name} 第{n + 1}页" if len(pdf) > 1 else name), np.asarray(
                page.render(scale=scale).to_pil().convert("RGB"))
        return
    try:
        with Image.open(io.BytesIO(data)) as img:
            upright = ImageOps.exif_transpose(img)
            yield name, np.asarray(upright.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError):
        raise _error(name, "不是可识别的图片（支持 JPEG、PNG 和 PDF）。请换用手机照片或扫描件。") from None


# --- marks and straightening -------------------------------------------------------------------------


def _marks(gray: np.ndarray) -> list[tuple[float, float, float]]:
    """(x, y, size) of every nested-square mark candidate."""
    block = max(31, (max(gray.shape) // 40) | 1)
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    contours, hierarchy = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    tree = hierarchy[0]
    found = []
    min_area = (max(gray.shape) / 300) ** 2 * 4  # a mark is ≥ ~2 mm across even on a far photo
    for i, c in enumerate(contours):
        area = cv2.contourArea(c)
        child = tree[i][2]
        if area < min_area or child < 0:
            continue
        grandchild = tree[child][2]
        if grandchild < 0:
            continue
        a1, a2 = cv2.contourArea(contours[child]), cv2.contourArea(contours[grandchild])
        if not (0.25 < a1 / area < 0.8 and 0.06 < a2 / area < 0.4):
            continue
        _x, _y, w, h = cv2.boundingRect(c)
        if not 0.5 < w / h < 2 or area < 0.55 * w * h:
            continue
        m = cv2.moments(contours[grandchild])
        if m["m00"] <= 0:
            continue
        found.append((m["m10"] / m["m00"], m["m01"] / m["m00"], float(np.sqrt(area))))
    return found


def _without_qr_finders(cands: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """The candidates less the QR code's three finder squares, which are nested squares too:
    each lies within a few of its own sizes of two others of its size, while the page's corner
    marks are some 18 mark sizes apart however the page is photographed."""
    keep = []
    for i, (x, y, size) in enumerate(cands):
        near = sum(1 for j, (x2, y2, size2) in enumerate(cands)
                   if j != i and 0.6 < size2 / size < 1.6 and np.hypot(x - x2, y - y2) < 5 * size)
        if near < 2:
            keep.append((x, y, size))
    return keep


def _corners(cands: list[tuple[float, float, float]]) -> np.ndarray | None:
    """The four page corners among the candidates (tl, tr, br, bl in the image), or None."""
    cands = _without_qr_finders(cands)
    if len(cands) < 3:
        return None
    big = max(c[2] for c in cands)
    # a photo taken at a slant shows the far marks smaller (measured: 0.6 of the near ones at a
    # keystone of 18 %); what is smaller still is no mark of ours
    cands = [c for c in cands if c[2] > 0.4 * big]
    if len(cands) < 3:
        return None
    pts = np.array([(c[0], c[1]) for c in cands], dtype=np.float32)
    if len(pts) == 3:  # one corner covered (a thumb): the page is nearly a parallelogram
        pairs = [(0, 1, 2), (0, 2, 1), (1, 2, 0)]
        a, c, b = max(pairs, key=lambda p: float(np.linalg.norm(pts[p[0]] - pts[p[1]])))
        pts = np.vstack([pts, pts[a] + pts[c] - pts[b]])
    s, d = pts.sum(axis=1), pts[:, 0] - pts[:, 1]
    quad = np.array([pts[s.argmin()], pts[d.argmax()], pts[s.argmax()], pts[d.argmin()]], dtype=np.float32)
    if len({tuple(p) for p in quad.tolist()}) < 4:
        return None
    if abs(cv2.contourArea(quad)) < 0.1 * big * big * 100:
        return None
    return quad


def _homography(quad: np.ndarray, scale: float) -> np.ndarray:
    """Image → page pixels at ``scale`` px/mm, for marks given in page order tl, tr, br, bl."""
    target = np.array(key.MARK_CENTRES, dtype=np.float32) * scale
    return cv2.getPerspectiveTransform(quad, target)


def _decode_qr(img: np.ndarray) -> str:
    """The QR code's text, or "". zxing-cpp reads every code we print; OpenCV's own detectors
    miss some (measured: 1 page in 8 of a clean 100-member sheet), so they are only the fallback."""
    if importlib.util.find_spec("zxingcpp") is not None:
        import zxingcpp

        for candidate in (img, cv2.resize(img, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)):
            found = zxingcpp.read_barcodes(candidate)
            texts = sorted((str(f.text) for f in found if f.text), key=lambda s: not s.startswith("BB"))
            text = texts[0] if texts else ""
            if text:
                return text
    _ok, binary = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
        for candidate in (binary, img, cv2.resize(img, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)):
            try:
                text = detector.detectAndDecode(candidate)[0]
            except cv2.error:
                text = ""
            if text:
                return str(text)
    return ""


def _qr_region(image: np.ndarray, quad: np.ndarray, flipped: bool) -> np.ndarray:
    """The QR code's area of the page, straightened at 12 px/mm (``flipped``: page upside down)."""
    scale, pad = 9.0, 12.0  # room for a page that is not flat (a curl moves the code by millimetres)
    order = quad[[2, 3, 0, 1]] if flipped else quad
    h = _homography(order, scale)
    shift = np.array([[1, 0, -(key.QR_X - pad) * scale], [0, 1, -(key.QR_Y - pad) * scale], [0, 0, 1]])
    size = int((key.QR_MM + 2 * pad) * scale)
    region = cv2.warpPerspective(image, shift @ h, (size, size), flags=cv2.INTER_LINEAR,
                                 borderValue=(255, 255, 255))
    return cv2.cvtColor(region, cv2.COLOR_RGB2GRAY) if region.ndim == 3 else region


# --- the page ------------------------------------------------------------------------------------------


def working_size(rgb: np.ndarray) -> np.ndarray:
    """The picture with its long side brought down to about :data:`WORK_SIDE`."""
    while max(rgb.shape[:2]) > 2 * WORK_SIDE:
        rgb = cv2.pyrDown(rgb)  # halving is cheap; the rest by area
    factor = WORK_SIDE / max(rgb.shape[:2])
    if factor < 1:
        rgb = cv2.resize(rgb, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return rgb


def read_page(rgb: np.ndarray, label: str) -> tuple[PageReading, np.ndarray]:
    """The key and the row readings of one page, and the straightened page (RGB, :data:`PX` px/mm)."""
    full = rgb
    rgb = working_size(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    quad = _corners(_marks(gray))
    if quad is None:
        raise NoKey(label, "没有找到签到表四角的黑色定位方块。请把整张签到表（含四角方块）拍入画面，"
                           "光线均匀、不要遮挡后重拍；" + NAME_THE_PAGE)
    # a page photographed sideways: its long side runs across the picture
    if np.linalg.norm(quad[1] - quad[0]) > np.linalg.norm(quad[3] - quad[0]):
        quad = quad[[3, 0, 1, 2]]
    # the QR code is at the foot: try first the end of the page that looks like it. It is read
    # from the picture as taken (its modules are small on a photo of the whole page).
    scale = full.shape[0] / rgb.shape[0]
    regions = {flipped: _qr_region(full, quad * scale, flipped) for flipped in (False, True)}
    text, flipped = "", False
    for flipped in sorted(regions, key=lambda f: -float(regions[f].std())):
        text = _decode_qr(regions[flipped])
        if text:
            break
    if not text:
        raise NoKey(label, "找到了签到表，但页脚的二维码无法识别。请靠近一些、对准焦点、避免反光后重拍；" + NAME_THE_PAGE)
    page_key = key.decode(text)
    if flipped:
        quad = quad[[2, 3, 0, 1]]
    h = _homography(quad, PX)
    size = (int(key.PAGE_W * PX), int(key.PAGE_H * PX))
    page = flatten(cv2.warpPerspective(rgb, h, size, flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)), page_key)
    reading = PageReading(label, page_key)
    reading.rows = read_rows(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY), page_key, page)
    return reading, page


def _paper(image: np.ndarray, reach_mm: float) -> np.ndarray:
    """The paper's own brightness (per channel, for a colour image) around each pixel of the
    straightened page: the brightest within ``reach_mm``, smoothed (shadows and uneven light)."""
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)  # 1.5 px/mm
    side = max(3, round(reach_mm * PX / 4)) | 1
    paper = cv2.GaussianBlur(cv2.dilate(small, np.ones((side, side), np.uint8)), (0, 0), 3)
    return cv2.resize(paper, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)


def _darkness(gray: np.ndarray) -> np.ndarray:
    """Each pixel's brightness over the local paper's (shadows and uneven light); 1 where the
    paper itself is too dark to tell."""
    paper = _paper(gray, 6.0)
    ratio = gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 1)
    ratio[paper <= 40] = 1.0
    return ratio


def _refine(profile: np.ndarray, guess: float, reach: float) -> float:
    lo, hi = max(0, int(guess - reach)), min(len(profile), int(guess + reach) + 1)
    if hi <= lo:
        return guess
    window = profile[lo:hi]
    best = int(window.argmax())
    return float(lo + best) if window[best] > 0.45 else guess


def row_lines(ink: np.ndarray, page_key: key.PageKey) -> list[float]:
    """y (px) of the printed lines between and around the page's member rows, each found near
    where the key says it is (the paper may bow a little)."""
    edges = key.column_edges()
    x0, x1 = int(edges[0] * PX), int(edges[4] * PX)  # 序号 … 类别: printed, never signed over much
    profile = ink[:, x0:x1].mean(axis=1)
    lines = []
    for i in range(page_key.rows + 1):
        guess = page_key.row_top(i) * PX
        lines.append(_refine(profile, guess, 2.0 * PX))
    return lines


def _white_balanced(rgb: np.ndarray) -> np.ndarray:
    """The page with its paper made white: each channel divided by the paper's own colour around
    the pixel (the brightest within 15 mm — paper shows between any ink's strokes). A dim photo
    mutes a seal's red and a warm lamp tints the paper and black ink alike; against the paper's
    colour, red ink is red again and black ink is grey (measured: a seal on a dim page was only
    9–27 levels redder than it was green, and under a warm lamp black strokes were redder than that)."""
    paper = np.maximum(_paper(rgb, 15.0), 40)
    return cv2.divide(np.ascontiguousarray(rgb), paper, scale=255.0)  # uint8: saturates at white


def _seal(balanced: np.ndarray) -> np.ndarray:
    """Red ink (a seal, a red stamp): never a signature, which is written in black or blue. A
    photographed seal is dull (shadow, blur, JPEG's coarse colour), so red is judged on the
    white-balanced page (:func:`_white_balanced`) against the pixel's own brightness, and the mask
    reaches a little past it (JPEG smears colour edges)."""
    r, g, b = (balanced[..., i].astype(np.int16) for i in range(3))
    red = r - np.maximum(g, b)
    mask = ((red > 30) & (red * 100 > 22 * r)).astype(np.uint8)
    # the blurred rim of a seal's strokes is only a little red: near a seal, that is enough
    # (left in, the rim of a seal's text weighed as much as a short signature)
    near = cv2.dilate(mask, np.ones((11, 11), np.uint8))
    rim = (near > 0) & (red > 10)
    return cv2.dilate(np.maximum(mask, rim.astype(np.uint8)), np.ones((5, 5), np.uint8))


def read_rows(gray: np.ndarray, page_key: key.PageKey, page_rgb: np.ndarray | None = None,
              crop_names: bool = False) -> list[RowReading]:
    if page_key.rows == 0:
        return []
    ratio = _darkness(gray)
    ink: np.ndarray = (ratio < INK_RATIO).astype(np.uint8)
    lines = row_lines(ink, page_key)
    # the printed rules out of the ink: long straight runs, and a thin band along every rule
    run = int(6 * PX)
    vertical = cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8)), np.ones((3, 3), np.uint8))
    rules = np.maximum(cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8)),
                                  np.ones((3, 3), np.uint8)), vertical)
    band = round(0.6 * PX)
    for y in lines:
        rules[max(0, int(y) - band):int(y) + band + 1, :] = 1
    for x_mm in key.column_edges()[4:]:
        x = round(x_mm * PX)
        rules[:, max(0, x - band - 1):x + band + 2] = 1
    strokes = ink & (1 - rules)
    balanced = _white_balanced(page_rgb) if page_rgb is not None else None
    # a thin line of a blue pen fades in grey sooner than in its darkest colour channel
    if balanced is None:
        faint_ratio = ratio
    else:  # (per channel, not a reduction along the colour axis: that one is slow)
        darkest = cv2.min(cv2.min(balanced[..., 0], balanced[..., 1]), balanced[..., 2])
        faint_ratio = np.minimum(ratio, darkest * np.float32(1 / 255))
    faint: np.ndarray = (faint_ratio < FAINT_RATIO).astype(np.uint8)
    # a fold's crease is a faint straight line too: out with the long runs, like the rules
    faint &= 1 - np.maximum(rules, np.maximum(cv2.morphologyEx(faint, cv2.MORPH_OPEN, np.ones((1, run), np.uint8)),
                                              cv2.morphologyEx(faint, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))))
    red = _seal(balanced) if balanced is not None else np.zeros_like(ink)
    strokes &= 1 - red
    faint &= 1 - red
    sig0 = key.signature_span()[0] * PX
    note0, note1 = (v * PX for v in key.note_span())
    # handwriting on the row lines, which the band above keeps out of the count
    on_rule, on_rule_x = doubts.ink_on_rules(ink, vertical, red, lines, (int(sig0) + band + 2, int(note0) - band - 1),
                                             band, PX)
    glare = doubts.washed_out(ratio, lines, (int(sig0), int(note0)), PX)
    top, bottom = max(int(lines[0] - 4 * PX), 0), min(int(lines[-1] + 4 * PX), gray.shape[0])
    # a little of 类别 on the left (its printed text ends ~3 mm before the rule) for strays
    x0, x1 = int(sig0 - 1.5 * PX), int(note1 + 2 * PX)
    area = strokes[top:bottom, x0:x1]
    # the characters of one signature, and a stroke cut by a rule, are grouped as one: a signature
    # is as wide as it likes, but only reaches across a rule where its ink does
    joined = cv2.dilate(area, cv2.getStructuringElement(cv2.MORPH_RECT, (int(3.5 * PX), int(2 * PX))))
    count, labels = cv2.connectedComponents(joined, connectivity=8)
    ys, xs = np.nonzero(area)
    comp = np.asarray(labels[ys, xs], dtype=np.intp)
    ys, xs = ys + top, xs + x0
    n = page_key.rows
    row = (np.clip(np.searchsorted(np.array(lines), ys) - 1, -1, n) + 1).astype(np.intp)  # 0: above … n+1: below
    # 0: outside, 1: 本人签名, 2: 备注
    zone = np.where((xs >= sig0) & (xs < note0), 1, np.where((xs >= note0) & (xs <= note1), 2, 0)).astype(np.intp)
    mass = np.zeros((count, n + 2, 3))
    np.add.at(mass, (comp, row, zone), 1.0)
    mass /= PX * PX  # mm²
    # the same, in the signature cell only, by part of the row: 0 along its upper line, 1 the rest
    # of its upper half, 2 the rest of its lower half, 3 along its lower line
    sig = zone == 1
    parts = np.zeros((count, n + 2, 4))
    np.add.at(parts, (comp[sig], row[sig], _part(ys[sig], row[sig], lines)), 1.0 / (PX * PX))
    own_sig, own_note, foreign = np.zeros(n), np.zeros(n), np.zeros(n)
    across = np.zeros(n, dtype=bool)
    split = np.zeros(n, dtype=bool)  # ink of one signature may lie on both sides of the row's rule
    doubted: list[set[int]] = [set() for _ in range(n)]  # per row: the lines (index in ``lines``) in question
    own_parts = np.zeros((n, 4))  # per row: mm² of its own signature ink in each part (see ``parts``)
    left, right = np.full(n, np.inf), np.full(n, -np.inf)
    extent = _extents(count, comp[sig], ys[sig], xs[sig])
    homes: dict[int, int] = {}
    for c in range(1, count):
        by_row = mass[c].sum(axis=1)
        total = by_row.sum()
        if total < NOISE_MM2:
            continue
        home = int(by_row.argmax())  # 1 … n are member rows
        in_sig, in_note = mass[c, :, 1].sum(), mass[c, :, 2].sum()
        given = _given(mass[c], parts[c], home) if 1 <= home <= n and in_sig >= in_note else 0
        for other in range(1, n + 1):
            if other != home and other != given and by_row[other] >= INTRUDE_MM2 * 0.5:
                foreign[other - 1] += by_row[other]
        homes[c] = home
        if not 1 <= home <= n:
            continue
        r = home - 1
        if given:  # the neighbour's signature, run into by this row's stray: theirs, but in question
            g = given - 1
            own_sig[g] += mass[c, given, 1]
            own_parts[g] += parts[c, given]
            sel = (comp == c) & (row == given) & sig
            left[g], right[g] = min(left[g], xs[sel].min()), max(right[g], xs[sel].max())
            across[g] = True
            doubted[g].add(max(g, r))
        second = np.sort(by_row[1:n + 1])[-2] if n > 1 else 0.0  # the most in another member row
        if second / total >= SHARED and second >= SHARED_MM2 and total >= TRACE_MM2:
            across[r] = True
            q = int(np.argsort(by_row[1:n + 1])[-2])  # 0-based like r
            doubted[r].add(max(q, r) if abs(q - r) == 1 else -1)  # -1: not a neighbour, never clear
        if in_note > in_sig:
            own_note[r] += in_note
        elif in_sig > 0:
            own_sig[r] += mass[c, home, 1]
            own_parts[r] += parts[c, home]
            sel = (comp == c) & (row == home) & sig
            if sel.any():
                left[r], right[r] = min(left[r], xs[sel].min()), max(right[r], xs[sel].max())
    _split_at_rules(lines, homes, extent, split, doubted)
    # a signature on a row line: the rows whose counted ink reaches it may hold another's ink
    # (or their own, cut by the rule); a row without ink of its own may be whose it is
    on_line, foreign_line = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    near = band + int(1.2 * PX)
    for j in (int(v) for v in np.flatnonzero(on_rule >= ON_RULE_MM2)):
        lo, hi = on_rule_x[j]
        touching = {int(c) for c in np.unique(comp[(np.abs(ys - lines[j]) <= near) & (xs >= lo - PX) & (xs <= hi + PX)])}
        for side in (j - 1, j):  # the rows just above and below line j (0-based)
            if not 0 <= side < n:
                continue
            other = 2 * j - 1 - side
            # … unless the row across has signed clear of the line: then the ink on it is not theirs
            clear = sum(mass[c, other + 1, 1] for c, h in homes.items() if h == other + 1 and c not in touching)
            if any(homes.get(c) == side + 1 for c in touching) and not clear >= SIGNED_MM2:
                on_line[side] = True
                doubted[side].add(j)
            if own_sig[side] < TRACE_MM2:
                foreign_line[side] = True
    faint_mm2, faint_span = _faint(faint, lines, int(sig0), int(note0))
    out = []
    for r in range(n):
        span = (right[r] - left[r]) / PX if right[r] >= left[r] else 0.0
        reasons: list[str] = []
        if own_sig[r] >= SIGNED_MM2 and span >= SIGNED_SPAN_MM:
            status = PRESENT
        elif own_sig[r] >= TRACE_MM2:
            status, reasons = UNSURE, [FEW_STROKES]
        elif (faint_mm2[r] >= FAINT_MM2 and faint_span[r] >= SIGNED_SPAN_MM) or (
                faint_mm2[r] >= FAINT_LONG_MM2 and faint_span[r] >= FAINT_LONG_SPAN_MM):
            status, reasons = UNSURE, [FAINT]  # a thin light line as long as a signature: never 未签
        else:
            status = UNSIGNED
        clear = _clear_of_line(doubted[r], r, own_parts[r], own_sig[r])
        if (across[r] or split[r]) and own_sig[r] >= TRACE_MM2 and not clear:
            reasons.append(ACROSS_ROWS)
        # a neighbour's stroke reaching in: a question, unless it is small beside a full signature
        if foreign[r] >= INTRUDE_MM2 and (status == UNSURE or foreign[r] >= 2 * INTRUDE_MM2) \
                and not (status == PRESENT and foreign[r] < 0.25 * own_sig[r]):
            reasons.append(FROM_NEIGHBOUR)
        if on_line[r] and ACROSS_ROWS not in reasons and not clear:
            reasons.append(ACROSS_ROWS)  # a signature on the row line above or below: whose?
        if foreign_line[r] and FROM_NEIGHBOUR not in reasons:
            reasons.append(FROM_NEIGHBOUR)
        if own_note[r] >= NOTE_MM2:
            reasons.append(NOTE_WRITTEN)
        if glare[r]:
            reasons.append(GLARE)  # signed or not, ink under glare cannot be seen
        if reasons:
            status = UNSURE
        out.append(RowReading(r, page_key.first_row + r, status, tuple(reasons), round(float(own_sig[r]), 1),
                              _crop(page_rgb, lines[r], lines[r + 1], crop_names) if page_rgb is not None else b""))
    return out


def _part(ys: np.ndarray, rows: np.ndarray, lines: list[float]) -> np.ndarray:
    """Per pixel (y and row 0 … n + 1 as in read_rows): 0 within :data:`EDGE_MM` of its row's
    upper line, 3 within that of its lower line, else 1 in the upper half and 2 in the lower."""
    ln = np.asarray(lines, dtype=np.float64)
    top = np.concatenate([[-np.inf], ln])[rows]
    bottom = np.concatenate([ln, [np.inf]])[rows]
    edge = EDGE_MM * PX
    return np.where(ys - top < edge, 0, np.where(bottom - ys < edge, 3,
                                                  np.where(ys < (top + bottom) / 2, 1, 2))).astype(np.intp)


def _given(mass: np.ndarray, parts: np.ndarray, home: int) -> int:
    """The neighbour row (1-based like ``home``) whose part of this stroke group is that row's
    own signature, or 0. A stray that runs into a neighbour's signature joins it into one group,
    which then belongs to the row holding most of it; when the part next door is signed clear of
    the line between them (:func:`_clear`), it was signed there and counts for that row. Only for
    a group lying in these two rows alone. ``mass``: the group's mm² per row and zone;
    ``parts``: its signature cell's mm² per row and part of the row (:func:`_part`)."""
    by_row = mass.sum(axis=1)
    for other in (home - 1, home + 1):
        if not 1 <= other < len(by_row) - 1 or mass[other, 1] < SHARED_MM2:
            continue
        if by_row.sum() - by_row[home] - by_row[other] >= NOISE_MM2:
            return 0
        if _clear(parts[other], other > home, float(mass[other, 1])):
            return other
    return 0


def _clear_of_line(doubted: set[int], r: int, parts: np.ndarray, own: float) -> bool:
    """Whether row ``r`` (0-based) signed clear of the one row line in question (``doubted``: the
    indexes of the lines, r above and r + 1 below it)."""
    if len(doubted) != 1:
        return False  # both lines, or a row further off: whose ink is whose, only a person can tell
    return _clear(parts, next(iter(doubted)) == r, own)


def _clear(parts: np.ndarray, line_above: bool, own: float) -> bool:
    """A row's ink ``parts`` (mm² by part of the row, :func:`_part`; ``own`` mm² in all) is signed
    clear of its upper line (``line_above``) or lower line: the half of the row away from that
    line holds a signature by itself and no small share of the ink, and little of it lies along
    the line across (a neighbour's name written mostly into an empty row hugs the line it crossed;
    two of them, from above and below, hug both)."""
    far, edge = (parts[2] + parts[3], parts[3]) if line_above else (parts[0] + parts[1], parts[0])
    return bool(far >= CLEAR_HALF_MM2 and far >= CLEAR_HALF_SHARE * own and edge <= CLEAR_EDGE_SHARE * far)


def _faint(faint: np.ndarray, lines: list[float], x0: int, x1: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: mm² and width (mm) of faint ink in its 本人签名 cell, counting only pieces that are
    more than a speck (JPEG noise and grain stay out)."""
    n = len(lines) - 1
    mass, left, right = np.zeros(n), np.full(n, np.inf), np.full(n, -np.inf)
    top, bottom = int(lines[0]), int(lines[-1]) + 1
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(faint[top:bottom, x0:x1], connectivity=8)
    for c in range(1, count):
        x, _y, w, _h, area = stats[c]
        if area < FAINT_PIECE_MM2 * PX * PX:
            continue
        r = int(np.searchsorted(np.array(lines), centroids[c][1] + top)) - 1
        if 0 <= r < n:
            mass[r] += area / (PX * PX)
            left[r], right[r] = min(left[r], x), max(right[r], x + w)
    return mass, np.where(right > left, (right - left) / PX, 0.0)


def _extents(count: int, comp: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Per group: top, bottom, left, right (px) of its ink in the signature column."""
    ext = np.empty((count, 4))
    ext[:, 0], ext[:, 1], ext[:, 2], ext[:, 3] = np.inf, -np.inf, np.inf, -np.inf
    np.minimum.at(ext[:, 0], comp, ys)
    np.maximum.at(ext[:, 1], comp, ys)
    np.minimum.at(ext[:, 2], comp, xs)
    np.maximum.at(ext[:, 3], comp, xs)
    return ext


def _split_at_rules(lines: list[float], homes: dict[int, int], ext: np.ndarray, split: np.ndarray,
                    doubted: list[set[int]]) -> None:
    """Mark rows where ink ends right at a rule and other ink starts right across it, over the
    same stretch: one signature cut apart where its strokes happen to leave a gap at the rule,
    or two signatures so close that nobody can tell whose is whose."""
    near, gap, overlap = SPLIT_NEAR_MM * PX, SPLIT_GAP_MM * PX, 1.0 * PX
    n = len(split)
    for j in range(1, n + 2):  # the rule under row j - 1 (1-based rows as in ``homes``)
        rule = lines[j - 1]
        above = [c for c, h in homes.items() if h == j - 1 and ext[c, 1] >= rule - near]
        below = [c for c, h in homes.items() if h == j and ext[c, 0] <= rule + near]
        for a in above:
            for b in below:
                if ext[b, 0] - ext[a, 1] <= gap and \
                        min(ext[a, 3], ext[b, 3]) - max(ext[a, 2], ext[b, 2]) >= overlap:
                    for h in (j - 1, j):
                        if 1 <= h <= n:
                            split[h - 1] = True
                            doubted[h - 1].add(j - 1)


def _crop(page: np.ndarray, y0: float, y1: float, names: bool = False) -> bytes:
    """The row's 本人签名 and 备注 cells with a margin all round, as a JPEG (quick to make);
    ``names``: with the printed 序号 and 姓名 in front, for a page mapped to members without a key."""
    sig0, _ = key.signature_span()
    _, note1 = key.note_span()
    margin = 5 * PX
    a, b = max(0, int(y0 - margin)), min(page.shape[0], int(y1 + margin))
    c, d = max(0, int((sig0 - 8) * PX)), min(page.shape[1], int((note1 + 3) * PX))
    piece = page[a:b, c:d]
    if names:
        e, f = max(0, int((key.TABLE_LEFT - 1) * PX)), int((key.column_edges()[2] + 1) * PX)
        gap = np.full((b - a, int(3 * PX), 3), 200, np.uint8)
        piece = np.hstack([page[a:b, e:f], gap, piece])
    ok, png = cv2.imencode(".jpg", cv2.cvtColor(piece, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
    return png.tobytes() if ok else b""


def read_file(path: Path) -> list[PageReading]:
    return [read_page(rgb, label)[0] for label, rgb in load_pages(path)]


def describe(reading: PageReading) -> dict[str, Any]:
    return {"label": reading.label, "page": reading.page_key.page, "first": reading.page_key.first_row,
            "rows": [(r.number, r.status, r.reasons) for r in reading.rows]}
