"""Search over meeting titles, minutes and study notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import Meeting
from models.meetings import _list_conditions
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
    # Only what a hit shows, newest first and limited in SQL: a common word (学习) matches
    # thousands of meetings and notes, of which ``limit`` are kept.
    meetings = session.execute(
        select(Meeting.id, Meeting.held_on, Meeting.title)
        .where(*_list_conditions(branch_id, None, None, None, needle))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit))
    hits = [SearchHit("meeting", mid, on, title, "") for mid, on, title in meetings]
    hits += [SearchHit("note", n.id, n.studied_on, n.title, _snippet(n.content, needle))
             for n in list_notes(session, branch_id, text=needle, limit=limit)]  # limited in SQL
    hits.sort(key=lambda h: h.on, reverse=True)
    return hits[:limit]
