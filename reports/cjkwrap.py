"""Chinese line breaking for ReportLab paragraphs (标点禁则).

ReportLab's CJK wrap (``wordWrap='CJK'``, ``paragraph.cjkFragSplit``) checks
``reportlab.lib.textsplit.ALL_CANNOT_START``, a Japanese-oriented list that misses ，；：！？”’》
and hangs at most one mark, so Chinese text can get lines starting with a comma or a closing
quote. :class:`CJKParagraph` breaks lines itself with the Chinese rules:

- no line starts with a closing mark (，。、；：！？）》」”’… and friends): the character
  before it goes down with it, so nothing hangs past the measure or a table cell's border;
- no line ends with an opening mark (（《「“‘);
- numbers (2025, 12.5%, 10:30) and people's names (:func:`keeping_names`) are not cut;
- a wrapped line never starts with a blank;
- justified paragraphs (body text) are set to the full measure: a line may be set 1.5 %
  tighter to take its 28th character, and each line's characters are spaced to fill it.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import (
    FragLine,
    Paragraph,
    ParaLines,
    cjkU,
    cleanBlockQuotedText,
    makeCJKParaLine,
    textTransformFrags,
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
SHRINK = 0.015  # how much tighter than its natural width a justified line may be set
MAX_SPREAD = 0.5  # at most this share of the font size between characters when spreading


# --- keeping numbers and names whole ----------------------------------------------------

# 2025, 12.5%, 10:30, 3/4, A-1: no line break inside
_NUMBER = re.compile(r"[A-Za-z0-9]+(?:[.,:/\-][A-Za-z0-9]+)*[%‰℃]?")
_names: ContextVar[re.Pattern[str] | None] = ContextVar("bb_names", default=None)
_name_patterns: dict[frozenset[str], re.Pattern[str] | None] = {}


@contextmanager
def keeping_names(names: Iterable[str]) -> Iterator[None]:
    """Within the block, no line breaks inside any of ``names`` (people's names: 李/堃喆 never)."""
    key = frozenset(n.strip() for n in names if len(n.strip()) >= 2)
    if key not in _name_patterns:
        _name_patterns[key] = (re.compile("|".join(re.escape(n) for n in sorted(key, key=len, reverse=True)))
                               if key else None)
    token = _names.set(_name_patterns[key])
    try:
        yield
    finally:
        _names.reset(token)


def _no_break_flags(U: list[Any]) -> bytearray:
    """flags[i] = 1 where a break between U[i-1] and U[i] would split a number or a name."""
    try:
        text = "".join(U)  # every item is one character, but for an empty fragment's marker
    except TypeError:
        text = ""
    if len(text) != len(U):
        text = "".join(u if isinstance(u, str) and len(u) == 1 else "\0" for u in U)
    flags = bytearray(len(U) + 1)
    patterns = [_NUMBER]
    names = _names.get()
    if names is not None:
        patterns.append(names)
    for pattern in patterns:
        for m in pattern.finditer(text):
            flags[m.start() + 1:m.end()] = b"\1" * (m.end() - m.start() - 1)
    return flags


def _can_break(U: list[Any], flags: bytearray, j: int, strict: bool) -> bool:
    """Whether a line may end before U[j] (``strict``: numbers and names kept whole too)."""
    if U[j] in CANNOT_START or U[j - 1] in CANNOT_END:
        return False
    return not (strict and flags[j])


def _break_point(U: list[Any], flags: bytearray, start: int, i: int) -> int:
    """Move the end ``i`` (exclusive) of the line U[start:i] back to where the Chinese rules
    allow a break: no closing mark starts the next line and no opening mark ends this one
    (the character before the mark goes down with it: nothing hangs past the measure or a
    cell border), and no number or name is cut — unless keeping it whole would leave the
    line less than half full (a name longer than a narrow cell)."""
    if i >= len(U) or i <= start + 1:
        return i
    for strict in (True, False):
        j = i
        while j > start + 1 and not _can_break(U, flags, j, strict):
            j -= 1
        if _can_break(U, flags, j, strict) and (not strict or 2 * (j - start) >= i - start):
            return j
    return i


class _Char(str):
    """One character with its fragment and width (what ReportLab's cjkU holds), built from
    a width cache instead of measuring every character again."""

    frag: Any
    width: float


_widths: dict[tuple[str, str, float], float] = {}
# (font, size) → width of each character printed as itself in that font: nearly every character
# of a document, found here without asking reports.glyphs again (a registered font's name and
# its glyphs never change, so neither do these)
_own_widths: dict[tuple[str, float], dict[str, float]] = {}


def _chars(text: str, frag: Any, alt: dict[tuple[int, str], Any]) -> list[Any]:
    """One _Char per printed character; a character the fragment's font lacks is set in the
    fallback font (a clone of the fragment, shared by the run) or printed as the placeholder
    (reports.glyphs)."""
    if hasattr(frag, "cbDefn"):  # images and other inline objects
        return [cjkU(t, frag, "utf8") for t in text]
    font, size = frag.fontName, frag.fontSize
    own = _own_widths.get((font, size))
    if own is None:
        own = _own_widths.setdefault((font, size), {})
    new = str.__new__
    out = []
    for ch in text:
        width = own.get(ch)
        if width is not None:
            c = new(_Char, ch)
            c.frag, c.width = frag, width
            out.append(c)
            continue
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
        if use_font == font and shown == ch:
            own[ch] = width
        c = new(_Char, shown)
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


def cjk_split(frags: list[Any], max_widths: list[float], calc_bounds: bool, encoding: str = "utf8",
              justify: bool = False) -> ParaLines:
    """Break ``frags`` into lines (the same output shape as ReportLab's cjkFragSplit). With
    ``justify`` a line may be set up to SHRINK tighter to take one more character (28 to the
    line at 三号, as the record book has it), and every full line is spread or tightened to
    the measure through its character spacing."""
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
    flags = _no_break_flags(U)
    lines: list[Any] = []
    n = len(U)
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        limit = max_width * (1 + SHRINK) if justify else max_width
        used = 0.0
        i = start
        hard = False
        while i < n:
            w = U[i].width
            if hasattr(w, "normalizedValue"):
                w._normalizer = max_width
                w = w.normalizedValue(max_width)
            if used + w > limit + _FUZZ and i > start:
                break
            used += w
            i += 1
            if hasattr(U[i - 1].frag, "lineBreak"):
                hard = True
                break
        end = i if hard else _break_point(U, flags, start, i)
        if end <= start:
            end = start + 1
        line = U[start:end]
        # a hard break's own character is the (empty) break marker: keep it, as ReportLab does
        width = sum(float(u.width) for u in line if not hasattr(u.width, "normalizedValue"))
        made = _make_line(line, max_width, width, hard, calc_bounds)
        if justify and not hard and end < n and len(line) > 1:
            space = (max_width - width) / (len(line) - 1)
            if space <= MAX_SPREAD * line[0].frag.fontSize:
                made.cjkCharSpace, made.extraSpace = space, 0.0
        lines.append(made)
        start = end
        while start < n and U[start] in (" ", "\u3000"):  # no blank at the start of a wrapped line
            start += 1
    return ParaLines(kind=1, lines=lines)


def _justify_draw(tx: Any, offset: float, line: Any, last: int = 0) -> Any:
    """ReportLab's justified line, with the character spacing cjk_split chose for the line."""
    space = getattr(line, "cjkCharSpace", None)
    if space is None:
        return _reportlab_justify(tx, offset, line, last)
    tx.setCharSpace(space)
    try:
        return _reportlab_justify(tx, offset, line, last)
    finally:
        tx.setCharSpace(0)


# ReportLab spreads justified lines at spaces only, which Chinese text has none of; the line
# drawer is looked up at drawing time, and only lines carrying cjkCharSpace are treated apart.
_reportlab_justify = rl_paragraph._justifyDrawParaLineX
rl_paragraph._justifyDrawParaLineX = _justify_draw


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
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off")
        # A table wraps each cell to size its rows and again to draw it, and a frame wraps a
        # paragraph before it splits it: the same widths give the same lines (ReportLab never
        # changes them once made), so they are made once.
        key = (tuple(maxWidths), _names.get(), auto)
        kept = self.__dict__.get("_bb_lines")
        if kept is not None and kept[0] == key:
            return kept[1]
        lines = cjk_split(frags, list(maxWidths), auto, justify=style.alignment == TA_JUSTIFY)
        self._bb_lines = (key, lines)
        return lines


# --- plain text without ReportLab's markup parser -------------------------------------------

_MARKUP = frozenset("&<>\n")  # entities, tags, line breaks (<br/>): these go through the parser
_templates: dict[int, tuple[Any, Any]] = {}  # id(style) → (style, the fragment it parses "x" to)
_templates_lock = threading.Lock()


def _template(style: Any) -> Any:
    hit = _templates.get(id(style))
    if hit is None or hit[0] is not style:
        with _templates_lock:
            hit = _templates[id(style)] = (style, Paragraph("x", style).frags[0])
    return hit[1]


def plain_paragraph(text: str, style: Any) -> CJKParagraph:
    """``CJKParagraph(escape(text) with <br/> for line breaks, style)``. A month's compilation
    has some 2,000 paragraphs, nearly all one line of plain text: for those the fragment
    ReportLab's markup parser would make (the style's font, size and colour, and the text with
    its blanks collapsed) is cloned from one it made for the style, instead of parsing each."""
    if not _MARKUP.isdisjoint(text):
        # html.escape, not xml.sax.saxutils.escape: the same &, <, > for this text, without
        # importing urllib and http.client into every printing command
        return CJKParagraph(html.escape(text, quote=False).replace("\n", "<br/>"), style)
    cleaned = cleanBlockQuotedText(text)
    frags = [_template(style).clone(text=cleaned, link=[], us_lines=[])] if cleaned else []
    textTransformFrags(frags, style)
    return CJKParagraph(cleaned, style, frags=frags)
