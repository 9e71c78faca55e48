"""A small branch with one month of meetings, built through the services, and helpers that
read generated PDFs back with pypdf."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

import pytest
from pypdf import PdfReader

from models.db import Database
from models.enums import (
    AttendanceStatus,
    BranchRole,
    Gender,
    LeaveReason,
    MeetingStatus,
    MeetingType,
    MemberCategory,
)
from models.meetings import (
    ActionInput,
    AgendaInput,
    AttendanceInput,
    GuestInput,
    MeetingInput,
    create_meeting,
    finalize_meeting,
)
from models.roster import MemberInput, create_group, create_member
from reports import fonts

MINUTES_TEXT = (
    "会议首先传达学习了上级党组织关于加强基层党支部建设的文件精神，全体党员认真听取并做好记录。"
    "书记王建华同志结合本支部实际，就如何把学习成果转化为推动工作的实际成效作了部署。\n"
    "会议要求，各党小组要抓好学习的督促落实，确保每名党员都学深悟透；要把学习同岗位工作结合起来，"
    "在服务群众中发挥先锋模范作用。"
)


@dataclass
class Sample:
    branch_id: int
    members: dict[str, int]
    assembly_id: int
    committee_id: int
    lecture_id: int
    planned_id: int
    group_ids: list[int]

    @property
    def held_ids(self) -> list[int]:
        return [self.committee_id, self.lecture_id, self.assembly_id]


@pytest.fixture(autouse=True)
def _system_fonts() -> Iterator[None]:
    """Each test starts from the platform's font folders (some tests point them elsewhere)."""
    fonts.set_search_dirs(None)
    yield
    fonts.set_search_dirs(None)


def _member(s: object, branch_id: int, name: str, group: int, **kw: object) -> int:
    data = MemberInput(name=name, gender=Gender.MALE, joined_on=kw.pop("joined_on", date(2010, 7, 1)),  # type: ignore[arg-type]
                       group_id=group, **kw)  # type: ignore[arg-type]
    return create_member(s, branch_id, data)  # type: ignore[arg-type]


@pytest.fixture
def sample(db: Database, branch_id: int) -> Sample:
    with db.transaction() as s:
        g1 = create_group(s, branch_id, "第一党小组")
        g2 = create_group(s, branch_id, "第二党小组")
        m = {
            "王建华": _member(s, branch_id, "王建华", g1, branch_role=BranchRole.SECRETARY, phone="13812345678",
                             id_number="11010519491231002X"),
            "李明": _member(s, branch_id, "李明", g1, branch_role=BranchRole.ORGANIZATION),
            "张丽": _member(s, branch_id, "张丽", g2, branch_role=BranchRole.PROPAGANDA),
            "赵强": _member(s, branch_id, "赵强", g1),
            "钱芳": _member(s, branch_id, "钱芳", g2),
            "孙晓": _member(s, branch_id, "孙晓", g2, category=MemberCategory.PROBATIONARY,
                           joined_on=date(2024, 6, 1)),
            "周平": _member(s, branch_id, "周平", g1),
            "吴刚": _member(s, branch_id, "吴刚", g2),
        }
        everyone = [AttendanceInput(mid) for mid in m.values()]
        for a in everyone:
            if a.member_id == m["周平"]:
                a.status, a.leave_reason, a.reason_note = AttendanceStatus.LEAVE, LeaveReason.SICK, "住院治疗"
            if a.member_id == m["吴刚"]:
                a.status = AttendanceStatus.ABSENT
        committee = create_meeting(s, branch_id, MeetingInput(
            MeetingType.COMMITTEE, "研究发展党员工作", date(2025, 3, 5), start_time=time(9, 0),
            end_time=time(10, 30), location="三楼会议室", host="王建华", recorder="李明",
            minutes="会议研究了本年度发展党员计划。",
            attendance=[AttendanceInput(m[n]) for n in ("王建华", "李明", "张丽")],
        ))
        lecture = create_meeting(s, branch_id, MeetingInput(
            MeetingType.PARTY_LECTURE, "书记讲党课", date(2025, 3, 12), location="党员活动室",
            host="李明", recorder="张丽", lecturer_member_id=m["王建华"], lecture_topic="深入学习贯彻党章",
            minutes="王建华同志以深入学习贯彻党章为题讲授专题党课。", attendance=list(everyone),
        ))
        assembly = create_meeting(s, branch_id, MeetingInput(
            MeetingType.GENERAL_ASSEMBLY, "讨论接收预备党员", date(2025, 3, 20), start_time=time(14, 30),
            end_time=time(16, 0), location="党员活动室", host="王建华", recorder="李明",
            theme="严格程序发展党员", minutes=MINUTES_TEXT, attendance=list(everyone),
            guests=[GuestInput("刘敏", "街道党工委", "组织员")],
            agenda=[
                AgendaInput("讨论接收孙晓为预备党员", resolution="同意接收孙晓同志为中共预备党员。",
                            votes_for=5, votes_against=0, votes_abstain=0),
                AgendaInput("审议年度党费使用方案", discussion="与会党员对方案提出了修改意见。",
                            votes_for=3, votes_against=1, votes_abstain=1),
            ],
            actions=[ActionInput("上报接收预备党员材料", owner="李明", due_on=date(2025, 3, 31))],
        ))
        finalize_meeting(s, assembly, today=date(2025, 4, 1))
        planned = create_meeting(s, branch_id, MeetingInput(
            MeetingType.THEME_DAY, "重温入党誓词", date(2025, 3, 28), status=MeetingStatus.PLANNED,
            location="革命纪念馆", host="张丽",
        ))
    return Sample(branch_id, m, assembly, committee, lecture, planned, [g1, g2])


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def font_embedding(path: Path) -> dict[str, bool]:
    """BaseFont name → embedded? for every font any page uses."""
    result: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font", {}) if resources else {}
        for ref in font_dict.values():
            font = ref.get_object()
            descriptor = None
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            else:
                descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            result[str(font.get("/BaseFont"))] = embedded
    return result


def pdf_rows(path: Path) -> list[list[str]]:
    """Per page, the text grouped by baseline (cells of one table row end up on one line,
    cells joined by a space), top to bottom."""
    pages = []
    for page in PdfReader(path).pages:
        chunks: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: object,
                  chunks: list[tuple[float, float, str]] = chunks) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                chunks.append((round(y), x, text.strip()))

        page.extract_text(visitor_text=visit)
        # keep drawing order (ReportLab draws a row's cells left to right); a chunk at the
        # same x as the one before continues it (a font-subset switch inside one string)
        by_y: dict[float, list[tuple[float, str]]] = {}
        for y, x, text in chunks:
            by_y.setdefault(y, []).append((x, text))
        lines = []
        for _, parts in sorted(by_y.items(), reverse=True):
            line, last_x = "", None
            for x, text in parts:
                line += text if last_x is not None and abs(x - last_x) < 0.5 else (" " if line else "") + text
                last_x = x
            lines.append(line)
        pages.append(lines)
    return pages
