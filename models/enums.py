"""Domain enumerations. Values are stable English codes stored in the database;
``label`` gives the Chinese term a person sees."""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese label."""

    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][self.value]

    @classmethod
    def from_label(cls, label: str) -> _Labelled:
        for code, text in _LABELS[cls.__name__].items():
            if text == label:
                return cls(code)
        raise ValueError(label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs in declaration order, for combo boxes."""
        return [(m.value, m.label) for m in cls]


class MeetingType(_Labelled):
    """会议类型."""

    GENERAL_ASSEMBLY = "general_assembly"  # 支部党员大会
    COMMITTEE = "committee"  # 支部委员会
    GROUP = "group"  # 党小组会
    PARTY_LECTURE = "party_lecture"  # 党课
    THEME_DAY = "theme_day"  # 主题党日
    LIFE_MEETING = "life_meeting"  # 组织生活会
    APPRAISAL = "appraisal"  # 民主评议党员
    OTHER = "other"  # 其他


class MeetingStatus(_Labelled):
    """会议状态: 计划 → 草稿 → 定稿."""

    PLANNED = "planned"
    DRAFT = "draft"
    FINAL = "final"


class AttendanceStatus(_Labelled):
    """出席情况."""

    PRESENT = "present"
    LEAVE = "leave"
    ABSENT = "absent"


class LeaveReason(_Labelled):
    """请假原因."""

    SICK = "sick"
    PERSONAL = "personal"
    OFFICIAL = "official"
    OTHER = "other"


class MemberCategory(_Labelled):
    """党员类别."""

    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员


class MembershipState(_Labelled):
    """党籍状态 (dated history)."""

    ACTIVE = "active"  # 在册
    TRANSFERRED_OUT = "transferred_out"  # 转出
    SUSPENDED = "suspended"  # 停止党籍
    PROBATION = "probation"  # 留党察看 (still on the roll, no vote)
    EXPELLED = "expelled"  # 除名/出党
    DECEASED = "deceased"  # 去世


class BranchRole(_Labelled):
    """支部职务."""

    SECRETARY = "secretary"
    DEPUTY_SECRETARY = "deputy_secretary"
    ORGANIZATION = "organization"
    PROPAGANDA = "propaganda"
    DISCIPLINE = "discipline"
    YOUTH = "youth"
    OTHER_COMMITTEE = "other_committee"
    NONE = "none"


class Gender(_Labelled):
    MALE = "male"
    FEMALE = "female"


class ActionStatus(_Labelled):
    """整改/落实事项状态."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class AuditAction(_Labelled):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    FINALIZE = "finalize"
    UNLOCK = "unlock"
    IMPORT = "import"
    EXPORT = "export"
    BACKUP = "backup"
    RESTORE = "restore"
    MERGE = "merge"
    VIEW = "view"  # a full ID number shown on request


_LABELS: dict[str, dict[str, str]] = {
    "MeetingType": {
        "general_assembly": "支部党员大会",
        "committee": "支部委员会",
        "group": "党小组会",
        "party_lecture": "党课",
        "theme_day": "主题党日",
        "life_meeting": "组织生活会",
        "appraisal": "民主评议党员",
        "other": "其他",
    },
    "MeetingStatus": {"planned": "计划", "draft": "草稿", "final": "定稿"},
    "AttendanceStatus": {"present": "出席", "leave": "请假", "absent": "缺席"},
    "LeaveReason": {"sick": "病假", "personal": "事假", "official": "公差", "other": "其他"},
    "MemberCategory": {"full": "正式党员", "probationary": "预备党员"},
    "MembershipState": {
        "active": "在册",
        "transferred_out": "转出",
        "suspended": "停止党籍",
        "probation": "留党察看",
        "expelled": "除名/出党",
        "deceased": "去世",
    },
    "BranchRole": {
        "secretary": "书记",
        "deputy_secretary": "副书记",
        "organization": "组织委员",
        "propaganda": "宣传委员",
        "discipline": "纪检委员",
        "youth": "青年委员",
        "other_committee": "其他委员",
        "none": "无",
    },
    "Gender": {"male": "男", "female": "女"},
    "ActionStatus": {"open": "未完成", "done": "已完成", "cancelled": "已取消"},
    "AuditAction": {
        "create": "新建",
        "update": "修改",
        "delete": "删除",
        "finalize": "定稿",
        "unlock": "解除定稿",
        "import": "导入",
        "export": "导出",
        "backup": "备份",
        "restore": "恢复",
        "merge": "合并",
        "view": "查看",
    },
}

#: States in which a member is on the branch's roll (在册) and expected at meetings.
ON_ROLL_STATES = frozenset({MembershipState.ACTIVE, MembershipState.PROBATION})
