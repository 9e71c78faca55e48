"""党员名册导入 from the Excel sheets offices really keep (SPEC §4.2): the header row may be
anywhere in the first rows, digits may be full-width, dates come in every spelling. Reading
gives a preview listing every row's problem; nothing is written until the preview is clean,
and then everything is written in the caller's one transaction (all or nothing).

Formulas are never evaluated: openpyxl reads the values Excel cached (``data_only``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models import audit, roster
from models.enums import AuditAction, BranchRole, Gender, MemberCategory
from models.errors import BranchBookError, ValidationError, require_file
from models.validation import id_number_problem

HEADER_SCAN_ROWS = 15
#: what a roster sheet may ask us to read: a branch roster is tens or hundreds of rows; a
#: 6 KB file can claim a million (one cell on row 1,048,576) — refused, not read
MAX_ROWS, MAX_COLUMNS = 5000, 50
EXCEL_EPOCH = date(1899, 12, 30)

#: Field → header spellings seen in real 党员名册 (compared after NFKC and without spaces).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "gender": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "出生时间"),
    "ethnicity": ("民族",),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "joined_on": ("入党时间", "入党日期", "入党年月"),
    "full_member_on": ("转正时间", "转正日期", "转正年月"),
    "category": ("党员类别", "人员类别", "党员类型", "类别"),
    "group": ("所在党小组", "党小组", "所属党小组"),
    "role": ("支部职务", "党内职务", "支委职务"),
    "note": ("备注",),
}
FIELD_LABELS = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "ethnicity": "民族", "phone": "联系电话",
    "id_number": "身份证号", "joined_on": "入党时间", "full_member_on": "转正时间", "category": "党员类别",
    "group": "所在党小组", "role": "支部职务", "note": "备注",
}
_DATE = re.compile(r"^(\d{4})[.\-/年](\d{1,2})(?:[.\-/月](\d{1,2})日?|月?)$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def normalize(value: Any) -> str:
    """Text of a cell: NFKC (full-width → ASCII), stray spaces removed at the ends."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ").strip()


def _header_key(value: Any) -> str:
    text = re.sub(r"\s+", "", normalize(value))
    return re.sub(r"[*＊:：]|[(（].*?[)）]", "", text)


_HEADER_LOOKUP = {spelling: name for name, spellings in HEADERS.items() for spelling in spellings}


class DateProblem(ValueError):
    pass


def parse_date(value: Any) -> date | None:
    """date/datetime cells, Excel serials, 20190701, 2019.07.01, 2019-7-1, 2019/07/01, 2019年7月1日,
    2019.07 (first of the month). None for an empty cell; DateProblem when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 21001231:
            return parse_date(str(number))
        if 1 <= number <= 80000:
            return EXCEL_EPOCH + timedelta(days=number)
        raise DateProblem(str(value))
    text = re.sub(r"\s+", "", normalize(value))
    match = _DATE.match(text) or _COMPACT.match(text)
    if not match:
        raise DateProblem(text)
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateProblem(text) from None


@dataclass
class ImportRow:
    """One data row of the sheet; ``row_no`` is the row number Excel shows."""

    row_no: int
    member: roster.MemberInput | None
    group_name: str | None
    problems: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class RosterPreview:
    file: Path
    sheet: str
    header_row: int
    columns: list[str]  # fields found, in sheet order
    rows: list[ImportRow]

    @property
    def problems(self) -> list[str]:
        return [p for row in self.rows for p in row.problems]


def _find_header(ws: Any) -> tuple[int, dict[str, int]] | None:
    best: tuple[int, dict[str, int]] | None = None
    for r, cells in enumerate(ws.iter_rows(max_row=HEADER_SCAN_ROWS, max_col=MAX_COLUMNS, values_only=True),
                              start=1):
        found: dict[str, int] = {}
        for c, value in enumerate(cells):
            name = _HEADER_LOOKUP.get(_header_key(value))
            if name and name not in found:
                found[name] = c
        if "name" in found and len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (r, found)
    return best


def _load_sheet(path: Path) -> tuple[str, int, dict[str, int], list[tuple[int, tuple[Any, ...]]]]:
    import openpyxl  # local: only the import needs it

    require_file(path, "Excel 文件", "请检查路径。")
    try:  # read-only: streamed, never the whole grid in memory
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:
        raise BranchBookError(f"无法读取“{path.name}”：请确认它是 Excel 2007 及以上版本的 .xlsx 文件。") from exc
    try:
        for ws in wb.worksheets:
            header = _find_header(ws)
            if header is not None:
                r, columns = header
                last = r + MAX_ROWS
                _refuse_huge(path, ws.title, ws.max_row, last)  # the size the sheet claims
                rows = [(i, tuple(cells)) for i, cells in
                        enumerate(ws.iter_rows(min_row=r + 1, max_row=last + 1, max_col=MAX_COLUMNS,
                                               values_only=True), start=r + 1)]
                while rows and not any(v not in (None, "") for v in rows[-1][1]):
                    rows.pop()  # trailing empty rows (and the fill below a far-away cell)
                if rows and rows[-1][0] > last:  # more rows than the sheet claimed
                    _refuse_huge(path, ws.title, rows[-1][0], last)
                return ws.title, r, columns, rows
    except BranchBookError:
        raise
    except Exception as exc:
        raise BranchBookError(f"无法读取“{path.name}”：文件内容已损坏或不是有效的 .xlsx 文件。") from exc
    finally:
        wb.close()
    raise BranchBookError(
        f"在“{path.name}”的前 {HEADER_SCAN_ROWS} 行中没有找到表头，请确认表格有“姓名”“入党时间”等列名。")


def _refuse_huge(path: Path, sheet: str, rows: int | None, last: int) -> None:
    """Refuse a sheet whose used range reaches past ``last`` (the header row + MAX_ROWS)."""
    if rows is not None and rows > last:
        raise BranchBookError(
            f"“{path.name}”的工作表“{sheet}”用到了第 {rows} 行，党员名册最多 {MAX_ROWS} 行，未导入任何内容。"
            "请删除表格末尾的空行或无关内容（或把名册复制到一个新的工作表），再导入。")


def _category(text: str, full_member_on: date | None, today: date) -> MemberCategory | None:
    if text.startswith("正式"):
        return MemberCategory.FULL
    if text.startswith("预备"):
        return MemberCategory.PROBATIONARY
    if not text and full_member_on is not None and full_member_on <= today:
        return MemberCategory.FULL
    return None


def _parse_row(row_no: int, values: dict[str, Any], today: date) -> ImportRow:
    text = {k: normalize(v) for k, v in values.items()}
    problems: list[str] = []
    where = f"第 {row_no} 行："

    def day(key: str) -> date | None:
        try:
            return parse_date(values.get(key))
        except DateProblem as exc:
            problems.append(f"{where}{FIELD_LABELS[key]}“{exc}”不是有效日期，请改为 2019.12.01 这样的格式")
            return None

    birth, joined, full = day("birth_date"), day("joined_on"), day("full_member_on")
    id_raw = values.get("id_number")
    id_number = re.sub(r"\s+", "", text.get("id_number", "")).upper()
    if isinstance(id_raw, (int, float)) and not isinstance(id_raw, bool):
        problems.append(f"{where}身份证号被 Excel 存成了数字，末几位可能已丢失，请把该列设为“文本”后重新填写")
        id_number = ""
    elif "*" in id_number:
        id_number = ""  # a masked export: keep nothing rather than a wrong number
    elif id_number and (problem := id_number_problem(id_number)):
        problems.append(f"{where}{problem}")
    id_ok = bool(id_number) and id_number_problem(id_number) is None
    gender_text = text.get("gender", "")
    gender = Gender.MALE if gender_text.startswith("男") else Gender.FEMALE if gender_text.startswith("女") else None
    if gender is None and id_ok:
        gender = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
    if gender is None:
        problems.append(f"{where}性别“{gender_text}”无法识别，请填写“男”或“女”")
    if birth is None and id_ok and not text.get("birth_date"):
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    category = _category(text.get("category", ""), full, today)
    if category is None:
        problems.append(f"{where}党员类别“{text.get('category', '')}”无法识别，请填写“正式党员”或“预备党员”")
    role = BranchRole.NONE
    role_text = text.get("role", "").removeprefix("支部").removeprefix("党支部")
    if role_text and role_text not in ("无", "党员", "-", "/"):
        try:
            role = BranchRole(BranchRole.from_label(role_text))
        except ValueError:
            problems.append(f"{where}支部职务“{role_text}”无法识别，请填写书记、副书记、组织委员、宣传委员、"
                            "纪检委员、青年委员、其他委员之一，或留空")
    phone = text.get("phone", "")
    member = None
    if not problems and gender is not None and category is not None:
        data = roster.MemberInput(
            name=re.sub(r"\s+", "", text.get("name", "")), gender=gender, joined_on=joined, category=category,
            birth_date=birth, ethnicity=text.get("ethnicity", "") or "汉族",
            phone="" if "*" in phone else phone, id_number=id_number, full_member_on=full,
            branch_role=role, note=text.get("note", ""),
        )
        try:
            member = roster.validate_member(data, today)
        except ValidationError as exc:
            problems.append(where + exc.message.rstrip("。"))
    group = re.sub(r"\s+", "", text.get("group", "")) or None
    return ImportRow(row_no, member, group, problems, text)


def _check_duplicates(rows: list[ImportRow], existing: list[Any]) -> None:
    by_key: dict[tuple[str, date], int] = {}
    by_id: dict[str, int] = {}
    known_key = {(m.name, m.birth_date): m.name for m in existing if m.birth_date}
    known_id = {m.id_number: m.name for m in existing if m.id_number}
    for row in rows:
        m = row.member
        if m is None:
            continue
        where = f"第 {row.row_no} 行："
        key = (m.name, m.birth_date) if m.birth_date else None
        if key and key in by_key:
            row.problems.append(f"{where}与第 {by_key[key]} 行重复（姓名和出生日期相同），请删除其中一行")
        elif m.id_number and m.id_number in by_id:
            row.problems.append(f"{where}与第 {by_id[m.id_number]} 行重复（身份证号相同），请删除其中一行")
        elif key and key in known_key:
            row.problems.append(f"{where}名册中已有党员“{m.name}”（姓名和出生日期相同），请勿重复导入")
        elif m.id_number and m.id_number in known_id:
            row.problems.append(f"{where}名册中已有党员“{known_id[m.id_number]}”使用此身份证号，请核对")
        if key:
            by_key.setdefault(key, row.row_no)
        if m.id_number:
            by_id.setdefault(m.id_number, row.row_no)


def read_roster(session: Session, branch_id: int, path: Path, today: date | None = None) -> RosterPreview:
    """Read and check ``path``; writes nothing. Every problem names its Excel row."""
    today = today or date.today()
    sheet, header_row, columns, raw_rows = _load_sheet(Path(path))
    rows: list[ImportRow] = []
    for row_no, cells in raw_rows:
        values = {k: cells[c] if c < len(cells) else None for k, c in columns.items()}
        filled = [k for k, v in values.items() if normalize(v)]
        if not filled or (len(filled) < 2 and "name" not in filled):
            continue  # blank rows, footers such as “填表人：……”
        rows.append(_parse_row(row_no, values, today))
    _check_duplicates(rows, roster.load_members(session, branch_id))
    if not rows:
        raise BranchBookError(f"“{Path(path).name}”的表头下面没有党员数据，请检查表格。")
    order = sorted(columns, key=lambda k: columns[k])
    return RosterPreview(Path(path), sheet, header_row, order, rows)


def import_roster(session: Session, branch_id: int, preview: RosterPreview) -> int:
    """Write every row of a clean preview in the caller's transaction; unknown 党小组 are created."""
    if preview.problems:
        raise BranchBookError(f"名册中还有 {len(preview.problems)} 处问题，请先改正后再导入：\n"
                              + "\n".join(preview.problems))
    groups = {g.name: g.id for g in roster.list_groups(session, branch_id)}
    count = 0
    for row in preview.rows:
        assert row.member is not None
        if row.group_name and row.group_name not in groups:
            groups[row.group_name] = roster.create_group(session, branch_id, row.group_name)
        row.member.group_id = groups.get(row.group_name) if row.group_name else None
        try:
            roster.create_member(session, branch_id, row.member)
        except ValidationError as exc:
            raise BranchBookError(f"第 {row.row_no} 行：{exc.message}") from exc
        count += 1
    audit.record(session, AuditAction.IMPORT, "member", summary=f"从“{preview.file.name}”导入党员 {count} 名",
                 branch_id=branch_id)
    return count
