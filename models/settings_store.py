"""Per-branch settings kept in the database (they travel with backups), e.g. rule frequencies."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.entities import BranchSetting


def get_setting(session: Session, branch_id: int, key: str, default: Any = None) -> Any:
    value = session.scalar(
        select(BranchSetting.value).where(BranchSetting.branch_id == branch_id, BranchSetting.key == key)
    )
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
