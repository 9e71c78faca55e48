"""The 签到表 exported as Word (.docx), printed and photographed, read through the no-marks
fallback (issue 16): the Word file breaks its pages at the same rows as the PDF and draws the same
column widths and row heights, so that its page N, once named, is page N of the sheet. Rendered
here by LibreOffice (as a secretary's WPS or Word would print it); skipped where it is missing."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("cv2", reason="the scan reader needs the optional extra: pip install -e .[scan]")

import cv2
import numpy as np

import main
from models.db import Database
from models.meetings import get_meeting
from models.scan import key, unmarked
from models.scan.sheet import sheet_members
from reports.documents import write_document
from tests import scan_support as ss

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(OFFICE is None, reason="LibreOffice is not installed: it renders the .docx "
                                                        "(apt-get install libreoffice-writer-nogui)")]
MEMBERS = 20  # page 1: 11 member rows; page 2: 9 member rows and the 列席 rows


def _word_pages(db: Database, branch_id: int, meeting: int, folder: Path) -> list[np.ndarray]:
    docx = write_document(db, "signin", folder / "签到表.docx", branch_id=branch_id, meeting_id=meeting)
    subprocess.run([str(OFFICE), "--headless", f"-env:UserInstallation=file://{folder / 'lo-profile'}",
                    "--convert-to", "pdf", "--outdir", str(folder / "word"), str(docx)],
                   check=True, capture_output=True, timeout=240)
    return ss.render_pages(folder / "word" / "签到表.pdf")


def _sign_cells(page: np.ndarray, names: list[str], rng: random.Random) -> tuple[np.ndarray, list[bool]]:
    """Sign some of the page's member rows, finding them by the Word table's own rules (the page
    is not where the PDF's key would put it): the last len(names) + 1 rules across 本人签名."""
    from PIL import Image

    sig0, sig1 = (v * ss.PX_MM for v in key.signature_span())
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    dark = (gray[:, int(sig0 + 8):int(sig1 - 8)] < 140).mean(axis=1) > 0.9
    rules = [y for y in np.flatnonzero(dark) if not dark[y - 1]][-(len(names) + 1):]
    image = Image.fromarray(page).convert("RGBA")
    signed = []
    for n, name in enumerate(names):
        signed.append(rng.random() < 0.6)
        if signed[-1]:
            stamp = ss._name_stamp(name, rng, 7.0, (20, 30, 110))
            ss._paste(image, stamp, (sig0 + sig1) / 2, (rules[n] + rules[n + 1]) / 2)
    return np.asarray(image.convert("RGB")).copy(), signed


def test_a_photographed_word_sheet_is_read_once_its_page_is_named(
    db: Database, branch_id: int, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    meeting = ss.make_meeting(db, branch_id, MEMBERS, seed=7)
    with db.reading() as s:
        names = [m.name for m in sheet_members(s, get_meeting(s, meeting))]
    pages = _word_pages(db, branch_id, meeting, tmp_path)
    assert len(pages) == 2
    rng = random.Random(5)
    first, signed = _sign_cells(pages[0], names[:11], rng)
    files = [ss.save_jpeg(ss.photograph(first, rng, long_side=3000), tmp_path / "第1页.jpg"),
             ss.save_jpeg(ss.scan(pages[1], rng, 150), tmp_path / "第2页.jpg")]
    assert main.main(["attendance", "scan", "--db", str(db_path), "--meeting", str(meeting), "--page", "1",
                      "--page", "2", *map(str, files), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    members = sorted(out["members"], key=lambda m: m["number"])
    assert [m["name"] for m in members] == names
    assert all(m["status"] != "出席" for m in members)  # nothing proves the page: never 出席
    for m, was_signed in zip(members, signed + [False] * (MEMBERS - 11), strict=True):
        if was_signed:
            assert m["status"] == "待确认" and unmarked.NO_MARKS in m["reasons"], m
        else:
            assert m["status"] == "未签", m  # an empty cell of the Word sheet reads as empty
    assert sum(signed) >= 4
