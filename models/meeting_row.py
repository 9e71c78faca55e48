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
    expected: int  # 应到, from the dated roll as of ``held_on`` (not from the attendance rows)
    present: int  # 出席 rows
    status: MeetingStatus
    recorded: int = 0  # attendance rows entered

    @property
    def needs_people(self) -> bool:
        return self.meeting_type != MeetingType.OTHER

    @property
    def attendance_problem(self) -> str:
        """名单不全 (fewer rows than 应到), 无应到人员, or "" — for a held (not 计划) meeting."""
        if self.status == MeetingStatus.PLANNED or not self.needs_people:
            return ""
        if self.expected == 0:
            return "无应到人员"
        if self.recorded < self.expected:
            return "名单不全"
        return ""

    @property
    def counts_text(self) -> str:
        """应到/实到 as lists and ledgers print it: 16/8, 16/8（名单不全）, 16/— for a plan."""
        if self.status == MeetingStatus.PLANNED:
            return f"{self.expected}/—" if self.expected else "—"
        problem = self.attendance_problem
        return f"{self.expected}/{self.present}" + (f"（{problem}）" if problem else "")
