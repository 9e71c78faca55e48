"""One line of the meetings list (models.meeting_data re-exports it). A module of its own:
the window's first paint needs this class alone, not the service's other seventeen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.enums import MeetingStatus, MeetingType


@dataclass(frozen=True)
class MeetingRow:
    """One line of the meetings list."""

    id: int
    held_on: date
    meeting_type: MeetingType
    title: str
    host: str
    group_name: str
    expected: int
    present: int
    status: MeetingStatus
