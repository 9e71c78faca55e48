"""What hides or confuses the ink of a signed 签到表 (issue 16): a signature sitting on a row line,
whose middle the reader keeps out of its count with the printed rule, and glare that lifts the
ink and the rules towards white. Neither may ever make a row 出席 that is not; both ask (待确认)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

pytest.importorskip("cv2", reason="the scan reader needs the optional extra: pip install -e .[scan]")

import numpy as np

from models.db import Database
from models.scan import key, reader
from tests import scan_support as ss

MEMBERS = 11  # one page


@pytest.fixture
def page(db: Database, branch_id: int, tmp_path: Path) -> tuple[np.ndarray, key.PageKey, list[str]]:
    """The sheet's first page as printed (flat), its key and its members' names."""
    sheet = ss.printed_sheet(db, branch_id, MEMBERS, 7, tmp_path)
    return sheet.flat, sheet.page_key, sheet.names


@pytest.mark.parametrize(("camera", "height_mm"), [("photo", 5.0), ("photo", 6.0), ("scan", 6.0)])
def test_a_signature_sitting_on_a_row_line_is_nobodys_present(
    page: tuple[np.ndarray, key.PageKey, list[str]], camera: str, height_mm: float,
) -> None:
    """Rows 1, 3, 5 … sign on the line above their own row, mostly in the empty row above: read by
    what is left beside the rule, the row above looked signed (false 出席) and the signer 未签."""
    flat, k, names = page
    rng = random.Random(int(height_mm))
    image = flat
    for r in range(1, k.rows, 2):
        image = ss.sign_on_rule(image, k, r, names[r], rng, above_mm=1.5, height_mm=height_mm)
    picture = ss.photograph(image, rng, long_side=2400) if camera == "photo" else ss.scan(image, rng, 150)
    rows = reader.read_page(picture, camera)[0].rows
    seen = [(r.index, r.status, r.reasons) for r in rows]
    assert all(r.status != reader.PRESENT for r in rows if r.index % 2 == 0), seen  # nobody signed there
    assert all(r.status == reader.UNSURE for r in rows if r.index % 2 == 1), seen  # never 未签
    assert any(reader.ACROSS_ROWS in r.reasons for r in rows), seen


def test_glare_over_the_signatures_makes_their_rows_unsure_signed_or_not(
    page: tuple[np.ndarray, key.PageKey, list[str]],
) -> None:
    """A lamp's washed-out patch over the signature cells of rows 3–6: the ink there is gone, so
    a signed row read 未签 and an unsigned one looked known. Both are 待确认 (反光); rows outside
    the patch read as ever."""
    flat, k, names = page
    rng = random.Random(3)
    signed = ss.sign_page(flat, k, names[:k.rows], rng, signed_share=0.6, stray_share=0.0, tiny_share=0.0,
                          note_share=0.0)
    sig0, sig1 = key.signature_span()
    centre = ((sig0 + sig1) / 2 * ss.PX_MM, (k.row_top(3) + 2 * key.ROW_MM) * ss.PX_MM)
    washed = ss.glare(signed.image, rng, centre=centre, peak=0.97)
    rows = reader.read_page(ss.photograph(washed, random.Random(8), long_side=2400), "glare")[0].rows
    seen = [(r.index, signed.truth[r.index], r.status, r.reasons) for r in rows]
    under = [r for r in rows if 4 <= r.index <= 5]  # the patch's middle: ink and rules are white there
    assert under and all(r.status == reader.UNSURE and reader.GLARE in r.reasons for r in under), seen
    assert all(r.status != reader.UNSIGNED for r in rows if signed.truth[r.index] == ss.SIGNED), seen
    assert all(r.status != reader.PRESENT for r in rows if signed.truth[r.index] == ss.EMPTY), seen
    far = [r for r in rows if r.index in (0, k.rows - 1)]
    assert all(reader.GLARE not in r.reasons for r in far), seen



@pytest.mark.parametrize("camera", ["photo", "scan"])
def test_a_neat_signature_that_a_neighbours_stray_runs_into_is_present(
    page: tuple[np.ndarray, key.PageKey, list[str]], camera: str,
) -> None:
    """Rows 0, 3, 6, 9 sign low, their names running over the row line into the neat signatures of
    rows 1, 4, 7, 10 (the two join into one stroke group). Those rows signed in the middle of their
    own cell, clear of the line, and were read 待确认 (签名跨行) for the stray's ink: they are 出席.
    The stray's own row stays a question (待确认, never 未签), the rows between are 未签."""
    flat, k, names = page
    rng = random.Random(0)
    image = flat
    for top in (0, 3, 6, 9):
        image = ss.sign_at(image, k, top, names[top], rng, below_mm=5.5, height_mm=7.0)
        image = ss.sign_at(image, k, top + 1, names[top + 1], rng, height_mm=7.0)
    picture = ss.photograph(image, rng, long_side=2400) if camera == "photo" else ss.scan(image, rng, 150)
    rows = reader.read_page(picture, camera)[0].rows
    seen = [(r.index, r.status, r.reasons) for r in rows]
    assert all(r.status == reader.PRESENT for r in rows if r.index % 3 == 1), seen
    assert all(r.status == reader.UNSURE for r in rows if r.index % 3 == 0), seen
    assert all(r.status == reader.UNSIGNED for r in rows if r.index % 3 == 2), seen


@pytest.mark.parametrize(("camera", "sides"), [("photo", "below"), ("scan", "below"), ("photo", "both")])
def test_a_name_written_mostly_into_an_empty_row_never_makes_it_present(
    page: tuple[np.ndarray, key.PageKey, list[str]], camera: str, sides: str,
) -> None:
    """Tall names whose middle lies 1.5 mm past the row line, in the empty row next door: from the
    row below only (rows 1, 3, 5 … into 0, 2, 4 …), or from both sides into the same empty row (0 and
    2 into 1, 4 and 6 into 5, 8 and 10 into 9). Most of each name is in the empty row, and part of
    it fills that row's half away from the line; the empty row is never 出席, the signers never 未签."""
    flat, k, names = page
    rng = random.Random(5)
    image, signers = flat, set()
    if sides == "below":
        signers = set(range(1, k.rows, 2))
        for r in sorted(signers):
            image = ss.sign_at(image, k, r, names[r], rng, below_mm=-8.5, height_mm=8.5)
    else:
        for empty in range(1, k.rows - 1, 4):
            image = ss.sign_at(image, k, empty - 1, names[empty - 1], rng, below_mm=8.5, height_mm=8.5)
            image = ss.sign_at(image, k, empty + 1, names[empty + 1], rng, below_mm=-8.5, height_mm=8.5)
            signers |= {empty - 1, empty + 1}
    picture = ss.photograph(image, rng, long_side=2400) if camera == "photo" else ss.scan(image, rng, 150)
    rows = reader.read_page(picture, camera)[0].rows
    seen = [(r.index, r.index in signers, r.status, r.reasons) for r in rows]
    assert all(r.status != reader.PRESENT for r in rows if r.index not in signers), seen
    assert all(r.status == reader.UNSURE for r in rows if r.index in signers), seen
