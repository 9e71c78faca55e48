"""Chinese line breaking for ReportLab paragraphs (标点禁则).

ReportLab's CJK wrap (``wordWrap='CJK'``, ``paragraph.cjkFragSplit``) checks
``reportlab.lib.textsplit.ALL_CANNOT_START``, a Japanese-oriented list that misses ，；：！？”’》
and hangs at most one mark, so Chinese text can get lines starting with a comma or a closing
quote. :class:`CJKParagraph` breaks lines itself with the Chinese rules:

- no line starts with a closing mark (，。、；：！？）》」”’… and friends): one mark hangs
  in the right margin; when two or more would be left over, the last character of the line is
  pushed down with them;
- no line ends with an opening mark (（《「“‘);
- runs of Latin letters and digits (years, numbers) are not cut in the middle.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import (
    FragLine,
    Paragraph,
    ParaLines,
    cjkU,
    makeCJKParaLine,
)
from reportlab.rl_config import _FUZZ

from reports.glyphs import resolve

CANNOT_START = frozenset(
    ALL_CANNOT_START
    + "，。、；：！？）》」』】〕〗〉”’…—·%‰℃"
    + "!),.:;?]}"
    + "\uff0e\uff09\uff3d\uff5d"
)
CANNOT_END = frozenset(ALL_CANNOT_END + "（《「『【〔〖〈“‘([{")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _break_point(U: list[Any], start: int, i: int) -> int:
    """Adjust the end ``i`` (exclusive) of the line U[start:i] for the Chinese rules."""
    n = len(U)
    if i >= n:
        return i
    if U[i] in CANNOT_START:
        if i + 1 >= n or U[i + 1] not in CANNOT_START:
            return i + 1  # hang one mark in the margin
        j = i - 1  # push characters down until the next line starts legally
        while j > start + 1 and (U[j] in CANNOT_START or U[j - 1] in CANNOT_END):
            j -= 1
        return j
    if U[i - 1] in CANNOT_END and i - 1 > start:
        return i - 1
    if _is_word_char(U[i]) and _is_word_char(U[i - 1]):
        j = i - 1
        while j > start and _is_word_char(U[j - 1]):
            j -= 1
        if j > start + (i - start) // 2:  # keep the line at least half full
            return j
    return i


class _Char(str):
    """One character with its fragment and width (what ReportLab's cjkU holds), built from
    a width cache instead of measuring every character again."""

    frag: Any
    width: float


_widths: dict[tuple[str, str, float], float] = {}


def _chars(text: str, frag: Any, alt: dict[tuple[int, str], Any]) -> list[Any]:
    """One _Char per printed character; a character the fragment's font lacks is set in the
    fallback font (a clone of the fragment, shared by the run) or printed as the placeholder
    (reports.glyphs)."""
    if hasattr(frag, "cbDefn"):  # images and other inline objects
        return [cjkU(t, frag, "utf8") for t in text]
    font, size = frag.fontName, frag.fontSize
    out = []
    for ch in text:
        use_font, shown = resolve(ch, font)
        if not shown:
            continue  # a variation selector or joiner: nothing to print
        use_frag = frag
        if use_font != font:
            use_frag = alt.get((id(frag), use_font))
            if use_frag is None:
                use_frag = alt[(id(frag), use_font)] = frag.clone(fontName=use_font)
        key = (shown, use_font, size)
        width = _widths.get(key)
        if width is None:
            width = _widths[key] = stringWidth(shown, use_font, size)
        c = str.__new__(_Char, shown)
        c.frag, c.width = use_frag, width
        out.append(c)
    return out


def _make_line(line: list[Any], max_width: float, width: float, hard: bool, calc_bounds: bool) -> Any:
    """ReportLab's makeCJKParaLine for plain text, measuring each fragment once instead of
    every character (the common case: no inline images, no auto leading)."""
    if calc_bounds or any(not isinstance(u, _Char) for u in line):
        return makeCJKParaLine(line, max_width, width, max_width - width, hard, calc_bounds)
    words: list[Any] = []
    size = ascent = descent = 0.0
    start = 0
    for i in range(1, len(line) + 1):
        if i == len(line) or line[i].frag is not line[start].frag:
            frag = line[start].frag
            word = frag.clone()
            word.text = "".join(line[start:i])
            words.append(word)
            a, d = getAscentDescent(frag.fontName, frag.fontSize)
            size, ascent, descent = max(size, frag.fontSize), max(ascent, a), min(descent, d)
            start = i
    return FragLine(kind=1, extraSpace=max_width - width, wordCount=1, words=words, fontSize=size,
                    ascent=ascent, descent=descent, maxWidth=max_width, currentWidth=width, lineBreak=hard)


def cjk_split(frags: list[Any], max_widths: list[float], calc_bounds: bool, encoding: str = "utf8") -> ParaLines:
    """Break ``frags`` into lines (the same output shape as ReportLab's cjkFragSplit)."""
    U: list[Any] = []
    alt: dict[tuple[int, str], Any] = {}
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            U.extend(_chars(text, f, alt))
        else:
            U.append(cjkU(text, f, encoding))
    lines: list[Any] = []
    n = len(U)
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        hard = False
        while i < n:
            w = U[i].width
            if hasattr(w, "normalizedValue"):
                w._normalizer = max_width
                w = w.normalizedValue(max_width)
            if used + w > max_width + _FUZZ and i > start:
                break
            used += w
            i += 1
            if hasattr(U[i - 1].frag, "lineBreak"):
                hard = True
                break
        end = i if hard else _break_point(U, start, i)
        if end <= start:
            end = start + 1
        line = U[start:end]
        # a hard break's own character is the (empty) break marker: keep it, as ReportLab does
        width = sum(float(u.width) for u in line if not hasattr(u.width, "normalizedValue"))
        lines.append(_make_line(line, max_width, width, hard, calc_bounds))
        start = end
    return ParaLines(kind=1, lines=lines)


class CJKParagraph(Paragraph):
    """A Paragraph that wraps Chinese text with :func:`cjk_split` (use wordWrap='CJK')."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        self.height = 0
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        style = self.style
        frags = self.frags
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                             textColor=style.textColor, lines=[], ascent=style.fontSize,
                             descent=-0.2 * style.fontSize)
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return cjk_split(frags, list(maxWidths), auto not in ("", "off"))
