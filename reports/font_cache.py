"""The metrics ReportLab reads from a TrueType font, kept in the user's cache folder.

Reading a CJK font's character map, widths and glyph locations (tens of thousands of entries)
costs ReportLab ~0.1–0.25 s each time a document is printed. :func:`tt_font` reads them once and
keeps them in ``<cache>/fonts``; the next print loads them in a few milliseconds. The font file
itself is still read whole, when ReportLab embeds the glyphs a document uses.

A kept entry is used only when it was made from the same file (path, size and modification
time), the same sub-font and the same ReportLab version; anything else — a stale, damaged or
foreign file, a cache folder that cannot be read or written — means the font is parsed as
before (and the entry rewritten when possible). The cache never changes what is printed.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from array import array
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont, TTFontFace

from models.paths import cache_dir

FORMAT = 3  # bump when what is stored changes
# Face attributes not stored: the file's bytes (read again when a document embeds glyphs) and
# the unit scaler (a lambda, rebuilt from unitsPerEm).
_NOT_STORED = frozenset({"_ttf_data", "_pdfScale"})
# What a document needs of a face while it is laid out (decoded, and so checked, at load).
_NEEDED = ("charToGlyph", "charWidths", "defaultWidth", "ascent", "descent", "unitsPerEm")


class _CachedFace(TTFontFace):
    """A face restored from the cache. Its big tables are decoded on first use (the glyph
    locations and metrics only when a subset is embedded), and the font file is read then too."""

    _bb_packed: dict[str, tuple[Any, ...]]

    def __getattr__(self, name: str) -> Any:
        packed = self.__dict__.get("_bb_packed")
        if packed is not None and name in packed:
            value = _unpack(packed[name])
            setattr(self, name, value)
            return value
        if name == "_ttf_data":  # only ReportLab's subsetting reads the glyph data
            with open(self.filename, "rb") as fh:
                data = fh.read()
            self._ttf_data = data  # (the read position is the parser's own: left as it is)
            return data
        raise AttributeError(name)


# --- the big tables as typed columns: decoding 40,000 entries from arrays takes milliseconds,
# where unmarshalling them as Python objects takes as long as parsing the font again ----------


def _column(values: list[Any]) -> tuple[str, bytes] | None:
    """Numbers all int (64-bit) or all float as one array; None for anything else."""
    kinds = {type(v) for v in values}
    code = "q" if kinds <= {int} else "d" if kinds == {float} else None
    if code is None:
        return None
    try:
        return code, array(code, values).tobytes()
    except OverflowError:
        return None


def _pack(value: Any) -> tuple[Any, ...] | None:
    """A table as typed columns, or None when it has any other shape (it is stored as it is)."""
    if isinstance(value, list):
        if value and all(type(v) is tuple and len(v) == 2 for v in value):  # hmetrics: (advance, lsb)
            first, second = _column([v[0] for v in value]), _column([v[1] for v in value])
            return ("pairs", first, second) if first and second else None
        col = _column(value)
        return ("list", col) if col else None
    if isinstance(value, dict) and value:
        keys = _column(list(value))
        values = list(value.values())
        if keys is None:
            return None
        if all(type(v) is list for v in values):  # glyphToChar: glyph → characters
            counts, flat = _column([len(v) for v in values]), _column([x for v in values for x in v])
            return ("lists", keys, counts, flat) if counts and flat else None
        col = _column(values)
        return ("dict", keys, col) if col else None
    return None


def _numbers(col: tuple[str, bytes]) -> list[Any]:
    out = array(col[0])
    out.frombytes(col[1])
    return out.tolist()


def _unpack(packed: tuple[Any, ...]) -> Any:
    kind = packed[0]
    if kind == "list":
        return _numbers(packed[1])
    if kind == "pairs":
        return list(zip(_numbers(packed[1]), _numbers(packed[2]), strict=True))
    if kind == "dict":
        return dict(zip(_numbers(packed[1]), _numbers(packed[2]), strict=True))
    if kind == "lists":
        keys, counts, flat = _numbers(packed[1]), _numbers(packed[2]), _numbers(packed[3])
        out: dict[int, list[int]] = {}
        at = 0
        for key, count in zip(keys, counts, strict=True):
            out[key] = flat[at:at + count]
            at += count
        return out
    raise ValueError(f"unknown packing {kind!r}")


def folder() -> Path:
    return cache_dir() / "fonts"


def _entry(path: Path, subfont: int) -> Path:
    key = hashlib.sha256(f"{os.path.abspath(path)}\0{subfont}".encode()).hexdigest()[:24]
    return folder() / f"{key}.metrics"


def _header(path: Path, subfont: int) -> tuple[Any, ...]:
    st = os.stat(path)
    return (FORMAT, reportlab.Version, os.path.abspath(path), subfont, st.st_size, st.st_mtime_ns)


def _scale(units_per_em: int) -> Any:
    """ReportLab's font-unit → 1/1000 em scaler (as TTFontFile.extractInfo builds it)."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _load(path: Path, subfont: int) -> TTFontFace | None:
    """The face kept for ``path``, or None when there is none that matches the file."""
    try:
        header = _header(path, subfont)
        data = _entry(path, subfont).read_bytes()
        stored_header, state, names, packed = marshal.loads(data)
        if stored_header != header:
            return None
        face = _CachedFace.__new__(_CachedFace)
        face.__dict__.update(state)
        for key, text in names.items():
            face.__dict__[key] = TTFNameBytes(text.encode("utf8"))
        face._pdfScale = _scale(face.unitsPerEm)
        face._bb_packed = packed
        for key in _NEEDED:  # a damaged entry fails here, not in the middle of a document
            getattr(face, key)
        return face
    except Exception:  # noqa: BLE001 - missing, stale, damaged or unreadable: parse the font instead
        return None


def _store(path: Path, subfont: int, face: TTFontFace) -> None:
    """Keep ``face``'s metrics for next time; silently skipped when that is not possible."""
    try:
        header = _header(path, subfont)
        state: dict[str, Any] = {}
        names: dict[str, str] = {}
        packed: dict[str, tuple[Any, ...]] = {}
        for key, value in face.__dict__.items():
            if key in _NOT_STORED:
                continue
            if isinstance(value, TTFNameBytes):
                names[key] = value.ustr
            elif (columns := _pack(value)) is not None:
                packed[key] = columns
            else:
                state[key] = value
        if not all(key in packed or key in state for key in _NEEDED):
            return
        data = marshal.dumps((header, state, names, packed))
        target = _entry(path, subfont)
        _make_folder(target.parent)
        fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)  # readers see the old entry or the new one, never half
        except BaseException:
            os.unlink(tmp)
            raise
    except Exception:  # noqa: BLE001 - read-only or full disk, unusual values: just not cached
        return


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents readable by the user only (the cache may sit
    in the user data folder, which is kept private)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def _font_from_face(name: str, face: TTFontFace) -> TTFont:
    """What ``TTFont(name, file)`` builds, around a face that is already read."""
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = ttfonts.TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)
    return font


def tt_font(name: str, path: Path, subfont: int = 0) -> TTFont:
    """``TTFont(name, path, subfontIndex=subfont)``, its metrics from the cache when they are
    there and still match the file. Raises what ReportLab raises for a font it cannot use."""
    face = _load(path, subfont)
    if face is not None:
        return _font_from_face(name, face)
    font = TTFont(name, str(path), subfontIndex=subfont)
    _store(path, subfont, font.face)
    return font
