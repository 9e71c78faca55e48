"""Per-branch settings kept in the database (they travel with backups), e.g. rule frequencies."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models.db import core_rows
from models.entities import BranchSetting

_setting = BranchSetting.__table__.c
# Built once (Core, bound parameters): the year's statistics read the rule settings on every refresh.
_VALUE = select(_setting.value).where(_setting.branch_id == bindparam("branch_id"), _setting.key == bindparam("key"))


def get_setting(session: Session, branch_id: int, key: str, default: Any = None) -> Any:
    rows = core_rows(session, _VALUE, {"branch_id": branch_id, "key": key})
    value = rows[0][0] if rows else None
    return default if value is None else json.loads(value)


def set_setting(session: Session, branch_id: int, key: str, value: Any) -> None:
    row = session.scalar(
        select(BranchSetting).where(BranchSetting.branch_id == branch_id, BranchSetting.key == key)
    )
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(BranchSetting(branch_id=branch_id, key=key, value=text))
    else:
        row.value = text
    session.flush()
