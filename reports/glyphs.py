"""Characters the body font lacks (字库外字符): a fallback chain, and a visible placeholder.

Names are what the records are about, and some are written with characters outside the common
set: CJK Extension B (王𠮷, 𠮷林大学, 𪚥), later extensions (𰻞) and emoji. The document fonts
(仿宋, 文泉驿) lack them, and a TrueType font without a glyph prints nothing. So every piece of
text is split into runs per font (:func:`runs`, :func:`resolve`):

1. the font the text is set in, when it has the character;
2. else the first font of :data:`FALLBACK_CANDIDATES` on this PC that has it — Windows ships
   SimSun-ExtB (simsunb.ttf), Debian/UOS fonts-hanazono (HanaMinA/B); embedded as a subset like
   every other font. A fallback font is read (its cmap only, a few milliseconds) the first time a
   document needs a character the body font lacks, and loaded fully only when it has one;
3. else :data:`PLACEHOLDER` (□) in the text's own font, and the character is recorded in the
   collector of the build (:func:`collect_missing`), so the user is told which characters are
   missing instead of finding them gone on paper.
"""

from __future__ import annotations

import struct
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from reports import fonts as font_choice
from reports.font_cache import tt_font

# Printed for a character no font on the PC has; the first of these the font has is used.
PLACEHOLDERS = "□〓?"
PLACEHOLDER = PLACEHOLDERS[0]


@dataclass(frozen=True)
class Fallback:
    filename: str  # matched case-insensitively among the PC's fonts
    subfont: int = 0


# Tried in order for a character the text's font lacks: full CJK fonts first (same look for a
# rare BMP character), then the Extension B fonts, then fonts with symbols and emoji outlines.
FALLBACK_CANDIDATES = (
    Fallback("simsun.ttc"),  # 宋体 (Windows)
    Fallback("simsunb.ttf"),  # SimSun-ExtB (Windows): CJK Extension B
    Fallback("mingliub.ttc"),  # MingLiU-ExtB (Windows, traditional-Chinese fonts installed)
    Fallback("wqy-zenhei.ttc"),
    Fallback("wqy-microhei.ttc"),
    Fallback("HanaMinA.ttf"),  # 花園明朝 A (fonts-hanazono): BMP and Extension A
    Fallback("HanaMinB.ttf"),  # 花園明朝 B: Extensions B–F
    Fallback("seguiemj.ttf"),  # Segoe UI Emoji (its outlines are TrueType)
    Fallback("seguisym.ttf"),  # Segoe UI Symbol
    Fallback("Symbola.ttf"),
    Fallback("DejaVuSans.ttf"),
)

# Invisible format characters: variation selectors (emoji style, ideographic variants), joiners.
_IGNORABLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)

_missing: ContextVar[set[str] | None] = ContextVar("bb_missing_glyphs", default=None)
_lock = threading.RLock()
_resolved: dict[tuple[str, str], tuple[str, str]] = {}  # (font, char) → (font, char to print)
_coverage: dict[str, frozenset[int] | set[int]] = {}  # registered font name → its code points
_fallbacks: list[tuple[Path, int, frozenset[int]]] | None = None  # cmap of each candidate present
_fallback_names: dict[tuple[str, int], str | None] = {}
_generation_seen = -1


@contextmanager
def collect_missing() -> Iterator[set[str]]:
    """Within the block, characters printed as the placeholder are added to the yielded set."""
    found: set[str] = set()
    token = _missing.set(found)
    try:
        yield found
    finally:
        _missing.reset(token)


def missing_notice(chars: set[str] | list[str]) -> str:
    """The Chinese warning for characters no font had (empty when there are none)."""
    if not chars:
        return ""
    listed = "、".join(f"{c}（U+{ord(c):04X}）" for c in sorted(chars))
    return (f"以下字符在本机的字体中都找不到，已印为“{PLACEHOLDER}”：{listed}。"
            "请安装含这些字符的字体（Windows 的 SimSun-ExtB，统信/麒麟的 fonts-hanazono 花园明朝），"
            "或在“设置”中选择含这些字符的字体后重新生成。")


def _font_codes(font_name: str) -> frozenset[int] | set[int] | None:
    codes = _coverage.get(font_name)
    if codes is None:
        font = pdfmetrics.getFont(font_name)
        face = getattr(font, "face", None)
        if not isinstance(font, TTFont) or face is None:
            return None  # a standard PDF font: not ours to second-guess
        codes = _coverage[font_name] = set(face.charToGlyph)
    return codes


def _reset_if_fonts_moved() -> None:
    """Forget the fallback fonts when the font folders changed (fonts.set_search_dirs)."""
    global _fallbacks, _generation_seen
    if font_choice.search_generation != _generation_seen:
        _generation_seen = font_choice.search_generation
        _fallbacks = None
        _resolved.clear()


def _candidates() -> list[tuple[Path, int, frozenset[int]]]:
    global _fallbacks
    if _fallbacks is None:
        index = font_choice.font_index()
        found = []
        for cand in FALLBACK_CANDIDATES:
            path = index.get(cand.filename.lower())
            if path is not None:
                codes = read_cmap(path, cand.subfont)
                if codes:
                    found.append((path, cand.subfont, codes))
        bundled = font_choice.bundled_path()
        found.append((bundled, 0, read_cmap(bundled, 0)))
        _fallbacks = found
    return _fallbacks


def _fallback_font(path: Path, subfont: int) -> str | None:
    """Register a fallback font with ReportLab (once); its name, or None if it cannot be embedded."""
    key = (str(path), subfont)
    if key not in _fallback_names:
        name = f"BBX{len(_fallback_names)}-{path.stem}"
        try:
            font = tt_font(name, path, subfont)
        except Exception:  # noqa: BLE001 - CFF outlines, no embedding permission, broken file
            _fallback_names[key] = None
        else:
            pdfmetrics.registerFont(font)
            _coverage[name] = set(font.face.charToGlyph)
            _fallback_names[key] = name
    return _fallback_names[key]


def resolve(ch: str, font_name: str) -> tuple[str, str]:
    """(font, text) to print the character ``ch`` set in ``font_name``: the font itself, a
    fallback font, or the placeholder in ``font_name`` (recorded as missing); ("", "") for an
    invisible format character (variation selector, zero-width joiner) that no font draws."""
    key = (font_name, ch)
    hit = _resolved.get(key) if font_choice.search_generation == _generation_seen else None
    if hit is None:
        with _lock:
            _reset_if_fonts_moved()
            hit = _resolved[key] = _resolve(ch, font_name)
    if hit[1] != ch and hit[1] and hit[1] in PLACEHOLDERS:  # printed as the placeholder
        found = _missing.get()
        if found is not None:
            found.add(ch)
    return hit


def _resolve(ch: str, font_name: str) -> tuple[str, str]:
    code = ord(ch)
    own = _font_codes(font_name)
    if own is None or ch in "\n\r\t " or code < 0x20:
        return font_name, ch
    if code in _IGNORABLE or unicodedata.category(ch) in ("Cf", "Cc"):
        return "", ""  # format and control characters (soft hyphen, joiners) print nothing
    if code in own:
        return font_name, ch
    if ch.isspace():
        return font_name, " "  # no-break, ideographic or thin space pasted from a web page
    for path, subfont, codes in _candidates():
        if code in codes:
            name = _fallback_font(path, subfont)
            if name is not None and code in _coverage[name]:
                return name, ch
    for mark in PLACEHOLDERS:
        if ord(mark) in own:
            return font_name, mark
    return font_name, "?"


def runs(text: str, font_name: str) -> list[tuple[str, str]]:
    """``text`` as (font, text) runs: each character in the first font that has it."""
    out: list[tuple[str, str]] = []
    for ch in text:
        font, shown = resolve(ch, font_name)
        if not shown:
            continue
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + shown)
        else:
            out.append((font, shown))
    return out


def needs_runs(text: str, font_name: str) -> bool:
    """Whether ``text`` has any character ``font_name`` lacks (the fast path says no)."""
    own = _font_codes(font_name)
    if own is None:
        return False
    return any(ord(ch) not in own for ch in text)


# --- reading a font's character map without loading the whole font ----------------------


def read_cmap(path: Path, subfont: int = 0) -> frozenset[int]:
    """The code points a TrueType/OpenType font (or one font of a .ttc) maps, read from its
    cmap table alone (format 4 and 12 subtables); empty when the file cannot be read."""
    try:
        with open(path, "rb") as fh:
            return frozenset(_cmap_codes(fh, subfont))
    except (OSError, struct.error, ValueError):
        return frozenset()


def _cmap_codes(fh: object, subfont: int) -> set[int]:
    import io

    assert isinstance(fh, io.BufferedReader)

    def read(offset: int, size: int) -> bytes:
        fh.seek(offset)
        data = fh.read(size)
        if len(data) != size:
            raise ValueError("short read")
        return data

    start = 0
    if read(0, 4) == b"ttcf":
        count = struct.unpack(">I", read(8, 4))[0]
        if subfont >= count:
            raise ValueError("no such subfont")
        start = struct.unpack(">I", read(12 + 4 * subfont, 4))[0]
    num_tables = struct.unpack(">H", read(start + 4, 2))[0]
    cmap_offset = None
    directory = read(start + 12, 16 * num_tables)
    for i in range(num_tables):
        tag, _check, offset, _length = struct.unpack(">4sIII", directory[16 * i:16 * i + 16])
        if tag == b"cmap":
            cmap_offset = offset
    if cmap_offset is None:
        raise ValueError("no cmap")
    _version, count = struct.unpack(">HH", read(cmap_offset, 4))
    records = read(cmap_offset + 4, 8 * count)
    chosen: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack(">HHI", records[8 * i:8 * i + 8])
        if (platform, encoding) in ((3, 10), (0, 4), (0, 6)):
            chosen.setdefault(12, cmap_offset + offset)
        elif (platform, encoding) in ((3, 1), (0, 3), (0, 1), (0, 0)):
            chosen.setdefault(4, cmap_offset + offset)
    codes: set[int] = set()
    for offset in chosen.values():
        fmt = struct.unpack(">H", read(offset, 2))[0]
        if fmt == 12:
            _reserved, length, _lang, groups = struct.unpack(">HIII", read(offset + 2, 14))
            data = read(offset + 16, 12 * groups)
            for g in range(groups):
                first, last, glyph = struct.unpack(">III", data[12 * g:12 * g + 12])
                if glyph or last > first:
                    codes.update(range(first, last + 1))
        elif fmt == 4:
            length = struct.unpack(">H", read(offset + 2, 2))[0]
            data = read(offset, length)
            segs = struct.unpack(">H", data[6:8])[0] // 2
            ends = struct.unpack(f">{segs}H", data[14:14 + 2 * segs])
            starts = struct.unpack(f">{segs}H", data[16 + 2 * segs:16 + 4 * segs])
            for first, last in zip(starts, ends):
                if first != 0xFFFF:
                    codes.update(range(first, last + 1))
    return codes


# --- ToUnicode for characters beyond the BMP ---------------------------------------------


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap writes U+20BB7 as <20BB7>, which no PDF reader decodes (text
    extraction, search and copy lose the character); a CMap destination is UTF-16BE, so a
    character beyond the BMP is written as its surrogate pair <D842DFB7>."""

    def utf16(code: int) -> str:
        return ch.encode("utf-16-be").hex().upper() if (ch := chr(code)) else ""

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up at PDF-writing time
