"""What the ink count of reader.py cannot see by itself (issue 16): ink lying on a printed row
line, and a washed-out patch of glare. Both only ever turn a row 待确认, never 出席.

Ink within a hair of a printed rule is kept out of the count (so that the rules are not ink), and
with it any stroke that sits on the rule: a signature written along a row line loses its middle,
and what is left above and below may each look like somebody's signature. :func:`ink_on_rules`
weighs that band by itself, column by column against the rule's own thickness: a stroke across
the rule fills the band, a stroke lying along it makes the rule thicker.

Glare (a lamp or a window on glossy paper) lifts everything under it towards white: the ink and
the printed rules fade together. Where the rules that frame a signature cell are no longer dark,
nobody can tell whether it was signed: :func:`washed_out` finds those cells."""

from __future__ import annotations

import cv2
import numpy as np

#: A printed rule at least this much darker than its paper is seen; glare lifts it above this.
RULE_SEEN_RATIO = 0.70
#: Share of a signature cell's frame (its two row lines and two column rules) that may fade
#: before the cell is called washed out (a blurred thin rule fades here and there by itself).
FADED_SHARE = 0.12


def ink_on_rules(ink: np.ndarray, vertical: np.ndarray, not_ink: np.ndarray, lines: list[float],
                 span: tuple[int, int], band: int, px: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """mm² of handwriting in the band of each row line (index: the line), between the x of
    ``span`` (the signature cell, its column rules left out), and the x (px) from where to where it
    lies. ``ink``: the ink mask; ``vertical``: its long vertical straight runs (a crease down the
    column); ``not_ink``: masked out anyway (a seal).

    Column by column, the ink within ``band`` of the rule is weighed against the rule's own
    thickness there (what most columns show): a stroke across the rule fills the band, a stroke
    lying along it makes it thicker, a broken or faint rule shows less and counts for nothing."""
    out = np.zeros(len(lines))
    where = [(0, -1)] * len(lines)
    x0, x1 = span
    usable = ink & (1 - not_ink) & (1 - vertical)
    offsets = np.arange(-band, band + 1)
    cols = np.arange(x0, x1)
    for j, y in enumerate(lines):
        path = _rule_path(usable, round(y), x0, x1, band + int(2 * px), px)
        if path is None:
            continue
        rows = np.clip(np.rint(path)[None, :].astype(np.intp) + offsets[:, None], 0, ink.shape[0] - 1)
        count = usable[rows, cols[None, :]].sum(axis=0).astype(np.float32)
        # the rule by itself: what most of the cell's width shows (a rule is 1–3 px thick)
        alone = max(float(np.percentile(count, 30)), 2.0)
        per_x = np.clip(count - alone - 1, 0, None)
        out[j] = float(per_x.sum()) / (px * px)
        inked = np.flatnonzero(per_x)
        if inked.size:
            where[j] = (x0 + int(inked[0]), x0 + int(inked[-1]))
    return out, where


def _rule_path(ink: np.ndarray, y: int, x0: int, x1: int, reach: int, px: float) -> np.ndarray | None:
    """y of the printed rule expected near ``y`` at every x in x0..x1: a straight line fitted to
    its flat runs (a page straightened a little askew tilts the rules by a few pixels across the
    cell); None where no rule is seen."""
    a = max(0, y - reach)
    window = ink[a:y + reach + 1, x0:x1]
    flat = cv2.morphologyEx(window, cv2.MORPH_OPEN, np.ones((1, max(3, int(1.5 * px))), np.uint8))
    weight = flat.sum(axis=0)
    xs = np.flatnonzero(weight)
    if xs.size < 0.3 * (x1 - x0):
        return None
    ys = (flat * np.arange(flat.shape[0])[:, None]).sum(axis=0)[xs] / weight[xs]
    fit = np.polyfit(xs, ys, 1)
    keep = np.abs(np.polyval(fit, xs) - ys) < 3  # strokes lying near the rule pull a column off
    if keep.sum() >= 0.3 * (x1 - x0):
        fit = np.polyfit(xs[keep], ys[keep], 1)
    return np.asarray(a + np.polyval(fit, np.arange(x1 - x0)))


def washed_out(ratio: np.ndarray, lines: list[float], cell: tuple[int, int], px: float) -> np.ndarray:
    """Per row: True where glare has faded the frame of its signature cell. ``ratio``: each pixel's
    darkness against its paper (reader._darkness); ``cell``: the x (px) of the signature cell's
    left and right rules."""
    return faded_shares(ratio, lines, cell, int(2 * px)) > FADED_SHARE


def faded_shares(ratio: np.ndarray, lines: list[float], cell: tuple[int, int], reach: int) -> np.ndarray:
    """Per row: the share of its signature cell's frame that is not dark enough to be a rule.
    Each rule is looked for within ``reach`` px of where it should be (a page straightened a
    little askew: the rules may lie a millimetre or two off)."""
    n = len(lines) - 1
    sig0, sig1 = cell
    inner = slice(sig0 + reach + 1, sig1 - reach)
    # each row line, column by column across the signature cell: the darkest pixel near it
    line_dark = []
    for y in lines:
        yc = round(y)
        a, b = max(0, yc - reach), min(ratio.shape[0], yc + reach + 1)
        line_dark.append(ratio[a:b, inner].min(axis=0) if b > a else np.ones(inner.stop - inner.start))
    out = np.zeros(n)
    for r in range(n):
        top, bottom = int(lines[r]) + reach + 1, int(lines[r + 1]) - reach
        sides = [ratio[top:bottom, max(0, x - reach):x + reach + 1].min(axis=1) for x in (sig0, sig1)]
        frame = np.concatenate([line_dark[r], line_dark[r + 1], *sides])
        out[r] = float((frame > RULE_SEEN_RATIO).mean()) if frame.size else 0.0
    return out
