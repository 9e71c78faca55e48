"""Flattening a straightened page whose paper was not flat (needs the ``scan`` extra).

The corner marks straighten the page as a plane; a sheet that was folded, or bows as it lies on
a desk, still has its middle millimetres away from where the plane puts it. The table's rows are
14 mm: a bulge of 3–5 mm moves a signature towards the neighbouring row's line, so that the
row-by-row reading gives a stroke to the wrong member (measured on synthetic bowed photos: a
tiny mark read as 出席 and signed rows read as 未签). Here every printed rule of the table is
found where it really lies, strip by strip, and the page is remapped so that the rules lie where
the key says they are; the reading then works on a flat table.

The rules are told from the ink by their long straight runs (a signature has none as long). A
rule found too far from its neighbours' offsets is not trusted; where no rule is found the
offsets of the rules around it are used. A page that is flat within a millimetre is left as it
is."""

from __future__ import annotations

import warnings

import cv2
import numpy as np

from models.scan import key

PX = 6.0  # pixels per millimetre of the straightened page (models.scan.reader.PX)
REACH_MM = 5.0  # how far a rule is looked for at first: under half the narrowest row or column
TRACK_MM = 2.5  # … and from one strip to the next
RUN_MM = 5.0  # a straight run this long is a rule, not handwriting
STRIP_MM = 8.0  # the table is measured in strips this wide
SMOOTH_MM = 1.5  # a rule's offset may differ this much from its neighbours' before it is doubted
FLAT_MM = 0.8  # below this everywhere the page is left alone
FOUND = 0.3  # share of a strip a rule covers to count as found


def _ink(gray: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _offsets(rules: np.ndarray, expected: list[float], span: tuple[float, float]) -> np.ndarray | None:
    """Offsets (px) of the rules along axis 0 of ``rules`` (a mask of long runs along axis 1),
    expected at ``expected`` (px), measured in strips across ``span`` (px along axis 1): an
    array rules × strips, or None when too few rules are found to tell. Each strip looks for a
    rule near where the strip before found it (a bow moves the rules by more than half a row
    across the page, but little from one strip to the next); the first looks near the key's
    place, next to the corner marks, where the page is held flat."""
    lo, hi = span
    strips = max(1, round((hi - lo) / (STRIP_MM * PX)))
    edges = np.linspace(lo, hi, strips + 1).astype(int)
    found = np.full((len(expected), strips), np.nan)
    guess = np.zeros(len(expected))
    for j in range(strips):
        profile = rules[:, edges[j]:edges[j + 1]].mean(axis=1)
        profile = np.convolve(profile, np.ones(3) / 3, mode="same")
        reach = int((REACH_MM if j == 0 else TRACK_MM) * PX)
        for i, y in enumerate(expected):
            centre = round(float(y + guess[i]))
            a, b = max(0, centre - reach), min(len(profile), centre + reach + 1)
            if b <= a:
                continue
            best = int(profile[a:b].argmax())
            if profile[a + best] >= FOUND:
                found[i, j] = a + best - y
        if not np.isnan(found[:, j]).all():
            column = found[:, j]
            # a rule missing in this strip: the rules around it say where to look next
            guess = np.where(np.isnan(column), np.interp(np.arange(len(expected)),
                                                         np.flatnonzero(~np.isnan(column)),
                                                         column[~np.isnan(column)]), column)
    if np.isnan(found).mean() > 0.5:
        return None
    return _smoothed(found)


def _smoothed(found: np.ndarray) -> np.ndarray:
    """Doubtful offsets (far from the median of their neighbours) and missing ones replaced by
    that median; whatever stays missing takes the page's median."""
    limit = SMOOTH_MM * PX
    rows, cols = found.shape
    out = found.copy()
    for _ in range(2):
        padded = np.pad(out, 1, constant_values=np.nan)
        windows = np.stack([padded[di:di + rows, dj:dj + cols] for di in range(3) for dj in range(3)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing neighbourhood: nan
            median = np.nanmedian(windows, axis=0)
        doubt = np.isnan(out) | (np.abs(out - median) > limit)
        out = np.where(doubt, median, out)
    if np.isnan(out).any():
        out = np.where(np.isnan(out), float(np.nanmedian(out)), out)
    return out


def _field(offsets: np.ndarray, expected: list[float], span: tuple[float, float], length: int,
           across: int) -> np.ndarray:
    """The offset at every pixel (length × across), bilinear between the measured rules and strip
    centres, constant beyond them."""
    lo, hi = span
    strips = offsets.shape[1]
    centres = lo + (np.arange(strips) + 0.5) * (hi - lo) / strips
    ys = np.arange(length, dtype=np.float64)
    xs = np.arange(across, dtype=np.float64)
    # along axis 0: between rules; along axis 1: between strip centres
    per_row = np.stack([np.interp(ys, expected, offsets[:, j]) for j in range(strips)], axis=1)
    if strips == 1:
        return np.repeat(per_row, across, axis=1).astype(np.float32)
    out = np.empty((length, across), dtype=np.float32)
    for y in range(length):
        out[y] = np.interp(xs, centres, per_row[y])
    return out


def flatten(page: np.ndarray, page_key: key.PageKey) -> np.ndarray:
    """``page`` (straightened, RGB or grey, :data:`PX` px/mm) with its table's rules moved to where
    the key puts them."""
    if page_key.rows == 0:
        return page
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) if page.ndim == 3 else page
    ink = _ink(gray)
    run = int(RUN_MM * PX)
    across = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, run), np.uint8))
    down = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((run, 1), np.uint8))
    edges = key.column_edges()
    rows_y = [page_key.row_top(i) * PX for i in range(page_key.rows + 1)]
    cols_x = [x * PX for x in edges]
    head = (page_key.table_top_mm - key.HEAD_MM) * PX
    dy = _offsets(across, rows_y, (edges[0] * PX, edges[-1] * PX))
    dx = _offsets(down.T, cols_x, (head, rows_y[-1]))
    if dy is None and dx is None:
        return page
    limit = FLAT_MM * PX
    if max(float(np.abs(d).max()) if d is not None else 0.0 for d in (dy, dx)) < limit:
        return page
    h, w = gray.shape
    step = int(PX)  # the offsets vary slowly: computed every millimetre, then scaled up
    small_h, small_w = (h + step - 1) // step, (w + step - 1) // step
    scale_rows = [y / step for y in rows_y]
    scale_cols = [x / step for x in cols_x]
    map_y = np.zeros((small_h, small_w), np.float32)
    map_x = np.zeros((small_h, small_w), np.float32)
    if dy is not None:
        map_y = _field(dy / step, scale_rows, (edges[0] * PX / step, edges[-1] * PX / step), small_h, small_w)
    if dx is not None:
        map_x = _field(dx / step, scale_cols, (head / step, rows_y[-1] / step), small_w, small_h).T
    grid_y, grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
    map_y = grid_y + cv2.resize(map_y, (w, h), interpolation=cv2.INTER_LINEAR) * step
    map_x = grid_x + cv2.resize(np.ascontiguousarray(map_x), (w, h), interpolation=cv2.INTER_LINEAR) * step
    white = (255, 255, 255) if page.ndim == 3 else 255
    return cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=white)
