"""党委汇总: the committee overview (models.overview) as a PDF in the look of the other
documents (reports.layout) and as an .xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from models.errors import BranchBookError
from models.overview import SILENT_MONTHS, BranchOverview, CommitteeOverview
from models.validation import format_date
from reports.layout import BODY_WIDTH, Styles, build_pdf, grid, heading, para, spacer
from reports.xlsx_common import write_table

RANK_HEADERS = ("名次", "党支部", "应开会议", "已完成", "缺开", "未达法定人数", "完成率")
LIFE_HEADERS = ("党支部", "党员", "学时合计", "人均学时", "最近一次组织生活", "最新备份")


def _flags(b: BranchOverview) -> str:
    return "、".join(x for x in ("静默支部" if b.silent else "", "数据陈旧" if b.stale else "",
                                "同名党支部" if b.same_name else "") if x)


def _name(b: BranchOverview) -> str:
    return f"{b.name}（编号 {b.branch_id}）" if b.same_name else b.name


def rank_rows(data: CommitteeOverview) -> list[list[Any]]:
    return [[b.rank, _name(b), b.due, b.done, b.missing, b.failed_quorum, b.rate_text()] for b in data.branches]


def life_rows(data: CommitteeOverview) -> list[list[Any]]:
    return [[_name(b), b.members, f"{b.study_hours:g}", f"{b.average_hours:.1f}",
             format_date(b.last_meeting) if b.last_meeting else "无", b.backup_text()] for b in data.branches]


def _table(s: Styles, headers: tuple[str, ...], rows: list[list[Any]], widths: list[float]) -> Flowable:
    head = [para(h, s.small_label) for h in headers]
    body = [[para(str(c), s.small) if i == headers.index("党支部") else c for i, c in enumerate(r)] for r in rows]
    extra = [("FONT", (0, 1), (-1, -1), s.fonts.body.name, 9.5, 12), ("ALIGN", (0, 1), (-1, -1), "CENTER")]
    return grid(s, [head, *body], widths, extra=extra, padding=3)


def committee_story(data: CommitteeOverview, s: Styles) -> list[Flowable]:
    story: list[Flowable] = [
        para("党委汇总", s.title), spacer(2),
        para(f"{data.year}年度各党支部组织生活情况（截至{format_date(data.today)}，共 {len(data.branches)} 个党支部）",
             s.subtitle), spacer(4),
        heading("一、“三会一课”完成情况及排名", s),
        _table(s, RANK_HEADERS, rank_rows(data), [12 * mm, BODY_WIDTH - 112 * mm] + [20 * mm] * 5),
        para("说明：应开会议只计已到期的；完成率 = 已完成 ÷ 应开会议，完成率相同的名次相同。", s.small),
        spacer(4), heading("二、组织生活、学习学时与数据时效", s),
        _table(s, LIFE_HEADERS, life_rows(data),
               [BODY_WIDTH - 116 * mm, 14 * mm, 20 * mm, 20 * mm, 30 * mm, 32 * mm]),
        para("说明：“最新备份”为合并进本数据库的该支部最新备份的生成日期，一个月以前的标注“数据陈旧”；"
             "“本机录入”为在本机直接记录的党支部。", s.small),
        spacer(4), heading("三、需要关注的党支部和党员", s),
    ]
    notes: list[str] = []
    if data.silent:
        notes.append(f"静默支部（{SILENT_MONTHS} 个月以上没有组织生活记录）："
                     + "、".join(_name(b) for b in data.silent) + "。")
    for b in data.branches:
        if b.absence_members:
            notes.append(f"{_name(b)}连续缺席预警党员：{'、'.join(b.absence_members)}。")
        if b.stale:
            notes.append(f"{_name(b)}的数据来自 {b.backup_text()[:10]} 的备份，已超过一个月，请督促报送新的备份。")
    twins = sorted({b.name for b in data.branches if b.same_name})
    if twins:
        notes.append(f"同名党支部：{'、'.join(twins)}（可能是同一支部在两台电脑上各建了一次，请核对后合并）。")
    story += [para(n, s.body) for n in notes] or [para("无。", s.body)]
    return story


def write_committee_pdf(data: CommitteeOverview, out: str | Path | BinaryIO, styles: Styles) -> None:
    title = f"{data.year}年度党委汇总"
    build_pdf(out, committee_story(data, styles), styles, title=title, header=title,
              names=[b.name for b in data.branches])


def export_overview(data: CommitteeOverview, path: Path) -> None:
    """The overview as an .xlsx workbook: ranking, organisational life, and who needs attention."""
    wb = Workbook()
    ranking = wb.active
    assert ranking is not None
    ranking.title = "完成情况排名"
    write_table(ranking, [*RANK_HEADERS, "标注"],
                [[*row, _flags(b)] for row, b in zip(rank_rows(data), data.branches, strict=True)],
                title=f"{data.year}年度党委汇总（截至{format_date(data.today)}）")
    life = wb.create_sheet("组织生活与数据时效")
    write_table(life, LIFE_HEADERS, life_rows(data))
    watch = wb.create_sheet("连续缺席预警")
    write_table(watch, ["党支部", "党员"], [[_name(b), m] for b in data.branches for m in b.absence_members])
    try:
        wb.save(Path(path))
    except OSError as exc:
        raise BranchBookError(f"无法保存“{path}”：文件可能正被 Excel 打开或没有写入权限，"
                              "请关闭同名文件或换一个位置后再试。") from exc
