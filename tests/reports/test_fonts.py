"""Every PDF embeds its fonts: with a system CJK TrueType font, and with none (bundled font)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from models.db import Database
from models.settings_store import set_setting
from reports import fonts
from reports.documents import write_document
from tests.reports.conftest import Sample, font_embedding, pdf_text

SYSTEM_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
CFF_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


def _all_documents(db: Database, sample: Sample, folder: Path) -> list[Path]:
    return [
        write_document(db, "minutes", folder / "minutes.pdf", branch_id=sample.branch_id,
                       meeting_id=sample.assembly_id),
        write_document(db, "signin", folder / "signin.pdf", branch_id=sample.branch_id,
                       meeting_id=sample.planned_id),
        write_document(db, "monthly", folder / "monthly.pdf", branch_id=sample.branch_id, month="2025-03"),
        write_document(db, "annual", folder / "annual.pdf", branch_id=sample.branch_id, year=2025),
    ]


def test_bundled_font_is_used_and_embedded_when_the_system_has_none(
    db: Database, sample: Sample, tmp_path: Path
) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    fonts.set_search_dirs([empty])
    chosen = fonts.fonts()
    assert chosen.body.bundled and chosen.title.bundled
    assert "程序自带" in fonts.font_in_use()
    for pdf in _all_documents(db, sample, tmp_path):
        used = font_embedding(pdf)
        assert used, pdf
        assert all(used.values()), (pdf, used)
        assert all("WenQuanYiMicroHei" in name for name in used), used
        assert "讨论接收预备党员" in pdf_text(pdf) or "签到表" in pdf_text(pdf) or "台账" in pdf_text(pdf)


@pytest.mark.skipif(not SYSTEM_FONT.is_file(), reason="needs WenQuanYi Zen Hei installed")
def test_system_font_is_preferred_and_embedded(db: Database, sample: Sample, tmp_path: Path) -> None:
    folder = tmp_path / "system"
    folder.mkdir()
    shutil.copy(SYSTEM_FONT, folder / SYSTEM_FONT.name)
    fonts.set_search_dirs([folder])
    assert fonts.fonts().body.path == folder / SYSTEM_FONT.name
    assert fonts.font_in_use().startswith("正文：文泉驿正黑")
    for pdf in _all_documents(db, sample, tmp_path):
        used = font_embedding(pdf)
        assert used and all(used.values()), (pdf, used)
        assert all("WenQuanYiZenHei" in name for name in used), used


def test_fonts_that_cannot_be_embedded_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "fonts"
    folder.mkdir()
    # a file that is not a font at all, named like the first choice
    (folder / "simfang.ttf").write_bytes(b"not a font")
    if CFF_FONT.is_file():  # CFF outlines (Noto CJK) cannot be embedded by ReportLab
        shutil.copy(CFF_FONT, folder / "wqy-zenhei.ttc")
    fonts.set_search_dirs([folder])
    assert fonts.fonts().body.bundled


@pytest.mark.skipif(not SYSTEM_FONT.is_file(), reason="needs WenQuanYi Zen Hei installed")
def test_user_chosen_font_comes_first(db: Database, sample: Sample, tmp_path: Path) -> None:
    fonts.set_search_dirs([tmp_path])  # nothing there: the bundled font would be used
    chosen = tmp_path / "my-font.ttc"
    shutil.copy(SYSTEM_FONT, chosen)
    with db.transaction() as s:
        set_setting(s, sample.branch_id, fonts.SETTING_KEY, str(chosen))
    assert fonts.font_in_use(chosen) == "正文：自选字体（my-font.ttc）；标题：自选字体（my-font.ttc）"
    pdf = write_document(db, "minutes", tmp_path / "m.pdf", branch_id=sample.branch_id,
                         meeting_id=sample.assembly_id)
    used = font_embedding(pdf)
    assert used and all(used.values())
    assert all("WenQuanYiZenHei" in name for name in used), used


def test_unusable_user_font_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"nope")
    assert fonts.font_in_use(bad).startswith("所选字体文件无法使用")


@pytest.mark.skipif(not SYSTEM_FONT.is_file(), reason="needs WenQuanYi Zen Hei installed")
def test_bundled_font_is_not_read_when_a_system_font_serves(tmp_path: Path) -> None:
    """Each font file read costs a quarter of a second: a process reads only the fonts it uses."""
    import subprocess
    import sys

    folder = tmp_path / "system"
    folder.mkdir()
    shutil.copy(SYSTEM_FONT, folder / SYSTEM_FONT.name)
    program = ("import sys\nfrom pathlib import Path\nfrom reports import fonts\n"
               "fonts.set_search_dirs([Path(sys.argv[1])])\nfs = fonts.fonts()\n"
               "print(fs.body.bundled, sorted(Path(p).name for p, _i in fonts._registered))")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", program, str(folder)], cwd=root, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.stdout.strip() == "False ['wqy-zenhei.ttc']", done.stdout + done.stderr
