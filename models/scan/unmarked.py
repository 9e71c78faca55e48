"""Reading a page of the 签到表 that carries no readable key — a sheet printed from the Word file
(no corner marks, no QR code), or a photo with a corner cut off and the QR code torn or covered —
once the secretary has named its page (issue 16). Needs the ``scan`` extra like reader.py.

The table is found by its ruled lines: the largest four-sided outline in the picture holding many
ruled cells. Its corners are matched to the table of the named page as the sheet prints today
(which corner is which: by where the column rules fall), the rules between rows are counted and
must match that page's rows, then the rows are read exactly as on a marked page.

Nothing proves that the picture is this meeting's sheet, printed with today's member order, nor
that the page number is right when two pages have as many rows: so no row is proposed 出席. A
signed row is 待确认 with the reason :data:`NO_MARKS`, and its crop shows the printed 序号 and
姓名 beside the signature so that the secretary can check each row at a glance."""

from __future__ import annotations

import cv2
import numpy as np

from models.errors import BranchBookError
from models.scan import key
from models.scan.reader import (
    PRESENT,
    PX,
    UNSIGNED,
    UNSURE,
    PageReading,
    read_rows,
    working_size,
)

NO_MARKS = "无定位标记，请逐行核对"
SCORE_PX = 3.0  # px/mm of the trial straightenings
MIN_CELLS = 12  # ruled cells inside the outline: a table, not the paper's edge or a picture frame


def _error(label: str, text: str, field: str = "photo") -> BranchBookError:
    return BranchBookError(f"“{label}”：{text}", field=field)


def _line_mask(gray: np.ndarray) -> np.ndarray:
    """Thin dark lines and ink, relative to the paper around them (1 = dark)."""
    block = max(15, (max(gray.shape) // 80) | 1)
    return cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 7)


def _quad(hull: np.ndarray) -> np.ndarray | None:
    """Four corners of a convex outline (the fewest-sided polygon that still hugs it)."""
    perimeter = cv2.arcLength(hull, True)
    for share in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, share * perimeter, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
        if len(approx) < 4:
            return None
    return None


def ruled_lines(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The picture's long straight lines: (across, down) masks. A rule survives a long opening
    along its direction (a little slant allowed by a dilation first); writing does not."""
    run = max(15, max(gray.shape) // 60)
    thick = cv2.dilate(_line_mask(gray), np.ones((3, 3), np.uint8))
    return (cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((1, run), np.uint8)),
            cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8)))


def find_table(gray: np.ndarray, across: np.ndarray, down: np.ndarray) -> np.ndarray | None:
    """Corners (clockwise from the image's top-left-most) of the largest ruled table, or None."""
    rules = np.maximum(across, down)
    contours, hierarchy = cv2.findContours(rules, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return None
    tree = hierarchy[0]
    min_cell = (max(gray.shape) / 150) ** 2  # a cell is ≥ ~9 × 12 mm even on a far photo
    best, best_area = None, 0.05 * gray.shape[0] * gray.shape[1]
    for i, contour in enumerate(contours):
        if tree[i][3] >= 0:  # a hole, not an outline
            continue
        area = cv2.contourArea(contour)
        if area <= best_area:
            continue
        cells, child = 0, tree[i][2]
        while child >= 0:
            cells += cv2.contourArea(contours[child]) >= min_cell
            child = tree[child][0]
        if cells < MIN_CELLS:
            continue
        quad = _quad(cv2.convexHull(contour))
        if quad is not None and cv2.contourArea(quad) > 0.85 * area:
            best, best_area = quad, area
    if best is None:
        return None
    start = int(best.sum(axis=1).argmin())
    # clockwise in image coordinates (y down): the cross product of the first two sides is positive
    ordered = np.roll(best, -start, axis=0)
    a, b = ordered[1] - ordered[0], ordered[3] - ordered[0]
    if a[0] * b[1] - a[1] * b[0] < 0:
        ordered = ordered[[0, 3, 2, 1]]
    return ordered


PAD_MM = 3.0  # round the table in the trial straightenings: its outer rules stay inside


def _straighten(img: np.ndarray, quad: np.ndarray, width: float, height: float, scale: float) -> np.ndarray:
    target = (np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float32) + PAD_MM) * scale
    h = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(img, h, (int((width + 2 * PAD_MM) * scale), int((height + 2 * PAD_MM) * scale)),
                               flags=cv2.INTER_LINEAR)


def _peaks(profile: np.ndarray, positions_mm: list[float], reach_mm: float = 1.5) -> float:
    values = []
    for p in positions_mm:
        lo = max(0, int((p + PAD_MM - reach_mm) * SCORE_PX))
        hi = min(len(profile), int((p + PAD_MM + reach_mm) * SCORE_PX) + 1)
        values.append(float(profile[lo:hi].max()) if hi > lo else 0.0)
    return float(np.mean(values))


def _flat_rules(mask: np.ndarray, quad: np.ndarray, height_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """The table straightened at :data:`SCORE_PX` (``mask``: dark lines and writing), then its rules
    across and down: straight now, they outlast an opening 12 mm long, which writing does not."""
    flat = _straighten(mask.astype(np.float32), quad, sum(key.COLUMN_MM), height_mm, SCORE_PX)
    binary = (flat > 0.25).astype(np.uint8)
    run = int(12 * SCORE_PX)
    across = cv2.morphologyEx(cv2.dilate(binary, np.ones((3, 1), np.uint8)), cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    down = cv2.morphologyEx(cv2.dilate(binary, np.ones((1, 3), np.uint8)), cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    return across, down


def _orient(mask: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, float]:
    """The corners in the table's own order (top-left, top-right, bottom-right, bottom-left) and the
    table's height in mm as the picture shows it: of the four turns, the one whose vertical rules fall
    where the printed columns are."""
    width = sum(key.COLUMN_MM)
    edges = [e - key.TABLE_LEFT for e in key.column_edges()[1:-1]]
    middles = [(a + b) / 2 for a, b in zip([0.0, *edges], [*edges, width], strict=True)]
    best: tuple[float, np.ndarray, float] | None = None
    for turn in range(4):
        q = np.roll(quad, -turn, axis=0)
        across = float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        down = float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        height = width * down / max(across, 1.0)
        profile = _flat_rules(mask, q, height)[1].mean(axis=0)
        score = _peaks(profile, edges) - _peaks(profile, middles, 0.5)
        if best is None or score > best[0]:
            best = (score, q, height)
    assert best is not None
    return best[1], best[2]


def count_rows(mask: np.ndarray, quad: np.ndarray, height_mm: float) -> list[float]:
    """y (mm from the table's top, as straightened) of every rule across the 序号 … 类别 columns."""
    across = _flat_rules(mask, quad, height_mm)[0]
    x0, x1 = (int((PAD_MM + 1.5 + x) * SCORE_PX) for x in (0, key.column_edges()[4] - key.TABLE_LEFT - 3))
    profile = across[:, x0:x1].mean(axis=1)  # a rule runs nearly all the way across
    found: list[float] = []
    for y in np.nonzero(profile > 0.55)[0]:
        mm = y / SCORE_PX - PAD_MM
        if not -1.5 <= mm <= height_mm + 1.5:
            continue  # a rule of the text around the table (the 会议名称 box above it)
        if found and mm - found[-1] < 4.0:
            continue  # the same rule (a thick one, or the shaded head's edge)
        found.append(mm)
    return found


def read_page_as(rgb: np.ndarray, label: str, page_key: key.PageKey, table_rows: int,
                 pages: list[tuple[key.PageKey, int]]) -> tuple[PageReading, np.ndarray]:
    """Read a page without a readable key as page ``page_key.page`` of the sheet printed today
    (``table_rows`` rows under its head, counting 列席 rows; ``pages``: every page, for the message
    when the rows do not match)."""
    rgb = working_size(rgb)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    across, down = ruled_lines(gray)
    quad = find_table(gray, across, down)
    if quad is None:
        raise _error(label, "没有找到签到表的表格（四边框线）。请把整张表格拍入画面，光线均匀、不要遮挡后重拍。")
    mask = _line_mask(gray)
    quad, height = _orient(mask, quad)
    rules = count_rows(mask, quad, height)
    found = len(rules) - 2  # rows under the head: the rules less the top edge and the head's
    if found != table_rows:
        same = [str(k.page) for k, n in pages if n == found]
        hint = f"与第 {'、'.join(same)} 页的行数相同，" if same else ""
        raise _error(label, f"按第 {page_key.page} 页对应，表格应有 {table_rows} 行（不含表头），照片中找到 {found} 行；"
                            f"{hint}请核对页码后重新指定第几页。如果签到表是在名单变动之前打印的，无法按行对应，"
                            "请手工登记出席情况。", "page")
    top = page_key.table_top_mm - key.HEAD_MM
    bottom = page_key.table_top_mm + table_rows * key.ROW_MM
    left, right = key.TABLE_LEFT, key.TABLE_LEFT + sum(key.COLUMN_MM)
    target = np.array([(left, top), (right, top), (right, bottom), (left, bottom)], dtype=np.float32) * PX
    h = cv2.getPerspectiveTransform(quad, target)
    size = (int(key.PAGE_W * PX), int(key.PAGE_H * PX))
    page = cv2.warpPerspective(rgb, h, size, flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    reading = PageReading(label, page_key)
    reading.rows = read_rows(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY), page_key, page, crop_names=True)
    for row in reading.rows:
        if row.status != UNSIGNED:
            reasons = tuple(r for r in row.reasons if r != NO_MARKS) + (NO_MARKS,)
            row.status, row.reasons = UNSURE, reasons
    assert all(r.status != PRESENT for r in reading.rows)
    return reading, page
