"""Which fonts the printed documents use — the one place that decides.

Every PDF embeds a TrueType CJK font so that it prints the same on any PC. The choice, per
role (body 正文, title 标题, kai 楷体), in order:

1. a font file the user chose in the settings (body and titles);
2. the Windows fonts of official documents (GB/T 9704): 仿宋 simfang.ttf for the body,
   方正小标宋 / 黑体 simhei.ttf for titles, 楷体 simkai.ttf;
3. common Linux TrueType CJK fonts (文泉驿正黑/微米黑, AR PL UMing); fonts with CFF/OTF
   outlines (Noto CJK) cannot be embedded by ReportLab and are skipped, and so is any font that
   lacks digits or Chinese punctuation (DroidSansFallbackFull.ttf has no ASCII at all);
4. always: WenQuanYi Micro Hei shipped in ``resources/fonts`` (Apache-2.0).

ReportLab's built-in CID font STSong-Light is never used: it is not embedded.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from models.paths import resource
from reports.font_cache import tt_font

# The settings key (models.settings_store) holding the path of a user-chosen font file.
SETTING_KEY = "report_font_path"

BUNDLED_FILE = "wqy-microhei.ttc"
BUNDLED_DESCRIPTION = "文泉驿微米黑（程序自带）"

# Characters a font must have to print our documents: digits, Latin, Chinese punctuation.
REQUIRED_TEXT = "0123456789AZaz:-()（）：，。；、“”《》出假缺党支部会议记录"


@dataclass(frozen=True)
class Candidate:
    filename: str  # matched case-insensitively
    description: str  # Chinese, for the settings dialog
    subfont: int = 0


# Search order per role.
BODY_CANDIDATES = (
    Candidate("simfang.ttf", "仿宋"),
    Candidate("fangsong.ttf", "仿宋"),
    Candidate("simsun.ttc", "宋体"),
    Candidate("wqy-zenhei.ttc", "文泉驿正黑"),
    Candidate("wqy-microhei.ttc", "文泉驿微米黑"),
    Candidate("uming.ttc", "AR PL UMing 明体"),
    Candidate("DroidSansFallbackFull.ttf", "Droid Sans Fallback"),
)
TITLE_CANDIDATES = (
    Candidate("FZXBSJW.TTF", "方正小标宋简体"),
    Candidate("simhei.ttf", "黑体"),
    Candidate("wqy-zenhei.ttc", "文泉驿正黑"),
    Candidate("wqy-microhei.ttc", "文泉驿微米黑"),
)
KAI_CANDIDATES = (
    Candidate("simkai.ttf", "楷体"),
    Candidate("ukai.ttc", "AR PL UKai 楷体"),
)


@dataclass(frozen=True)
class FontFace:
    """A registered font: ``name`` is what ReportLab styles use."""

    name: str
    path: Path
    description: str
    bundled: bool = False


@dataclass(frozen=True)
class FontSet:
    body: FontFace
    title: FontFace
    kai: FontFace


def default_search_dirs() -> list[Path]:
    dirs: list[Path] = []
    if sys.platform.startswith("win"):
        dirs.append(Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts",
                 Path.home() / ".local" / "share" / "fonts"]
    return dirs


_lock = threading.RLock()
_search_dirs: list[Path] | None = None
_index: dict[str, Path] | None = None
_registered: dict[tuple[str, int], FontFace | None] = {}
_sets: dict[str | None, FontSet] = {}
search_generation = 0  # bumped whenever the font folders change


def set_search_dirs(dirs: list[Path] | None) -> None:
    """Where to look for system fonts (None: the platform's usual folders). Tests point this
    at an empty folder to check the bundled font is used."""
    global _search_dirs, _index, search_generation
    with _lock:
        search_generation += 1  # reports.glyphs forgets the fallback fonts it found
        _search_dirs = list(dirs) if dirs is not None else None
        _index = None
        _sets.clear()


def _font_index() -> dict[str, Path]:
    """Lower-case file name → path of every font file in the search folders (3 levels deep)."""
    global _index
    if _index is None:
        found: dict[str, Path] = {}
        for base in _search_dirs if _search_dirs is not None else default_search_dirs():
            if not base.is_dir():
                continue
            base_depth = len(base.parts)
            for root, dirnames, files in os.walk(base):
                if len(Path(root).parts) - base_depth >= 3:
                    dirnames[:] = []
                for name in files:
                    if name.lower().endswith((".ttf", ".ttc")):
                        found.setdefault(name.lower(), Path(root) / name)
        _index = found
    return _index


def _register(path: Path, subfont: int, description: str, bundled: bool = False) -> FontFace | None:
    """Register ``path`` with ReportLab (once), or None when it cannot be embedded or lacks
    the characters our documents need."""
    key = (str(path), subfont)
    if key not in _registered:
        name = f"BB{len(_registered)}-{path.stem}"
        try:
            font = tt_font(name, path, subfont)
            glyphs = font.face.charToGlyph
            ok = all(ord(ch) in glyphs for ch in REQUIRED_TEXT)
        except Exception:  # noqa: BLE001 - CFF outlines, broken or unreadable files
            ok = False
        if ok:
            pdfmetrics.registerFont(font)
            _registered[key] = FontFace(name, path, description, bundled)
        else:
            _registered[key] = None
    return _registered[key]


def bundled_font() -> FontFace:
    face = _register(resource("fonts", BUNDLED_FILE), 0, BUNDLED_DESCRIPTION, bundled=True)
    if face is None:  # pragma: no cover - the shipped file is part of the program
        raise RuntimeError("bundled font missing")
    return face


def _first(candidates: tuple[Candidate, ...]) -> FontFace | None:
    index = _font_index()
    for cand in candidates:
        path = index.get(cand.filename.lower())
        if path is not None:
            face = _register(path, cand.subfont, cand.description)
            if face is not None:
                return face
    return None


def user_font(path: str | Path | None) -> FontFace | None:
    """The user's chosen font file, if it can be embedded."""
    if not path:
        return None
    p = Path(path)
    if not p.is_file():
        return None
    return _register(p, 0, f"自选字体（{p.name}）")


def fonts(user_font_path: str | Path | None = None) -> FontSet:
    """The fonts for body, titles and 楷体, registered with ReportLab — only the faces chosen
    (each file is parsed once per process; called when a document is built, never at start-up)."""
    key = str(user_font_path) if user_font_path else None
    with _lock:
        if key in _sets:
            return _sets[key]
        chosen = user_font(user_font_path)
        # The bundled font is read (≈ 0.25 s) only when no better one is found.
        body = chosen or _first(BODY_CANDIDATES) or bundled_font()
        title = chosen or _first(TITLE_CANDIDATES) or body
        kai = _first(KAI_CANDIDATES) or body
        result = FontSet(body, title, kai)
        _sets[key] = result
        return result


def font_in_use(user_font_path: str | Path | None = None) -> str:
    """Chinese description of the fonts documents will use, for the settings dialog."""
    fs = fonts(user_font_path)
    text = f"正文：{fs.body.description}；标题：{fs.title.description}"
    if user_font_path and user_font(user_font_path) is None:
        text = f"所选字体文件无法使用（须为含中文的 TrueType 字体），已改用默认字体。{text}"
    return text


# --- used by reports.glyphs (the fallback chain for characters the chosen fonts lack) -------


def font_index() -> dict[str, Path]:
    """Lower-case file name → path of every font file in the search folders (a new dict
    after :func:`set_search_dirs`)."""
    with _lock:
        return _font_index()


def bundled_path() -> Path:
    """The font file shipped with the program."""
    return resource("fonts", BUNDLED_FILE)
