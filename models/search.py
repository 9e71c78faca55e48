"""Search over meeting titles, minutes and study notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from models.meetings import list_meetings
from models.notes import list_notes


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "meeting" | "note"
    id: int
    on: date
    title: str
    snippet: str


def _snippet(text: str, needle: str, width: int = 40) -> str:
    at = text.find(needle)
    if at < 0:
        return text[:width * 2].replace("\n", " ")
    start = max(0, at - width)
    return ("…" if start else "") + text[start:at + len(needle) + width].replace("\n", " ")


def search(session: Session, branch_id: int, text: str, *, limit: int = 200) -> list[SearchHit]:
    """Meetings and notes whose title or body contains ``text``, newest first."""
    needle = text.strip()
    if not needle:
        return []
    hits = [SearchHit("meeting", m.id, m.held_on, m.title, "") for m in
            list_meetings(session, branch_id, text=needle, limit=limit)]
    hits += [SearchHit("note", n.id, n.studied_on, n.title, _snippet(n.content, needle))
             for n in list_notes(session, branch_id, text=needle)[:limit]]
    hits.sort(key=lambda h: h.on, reverse=True)
    return hits[:limit]
