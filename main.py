"""支部工作记录本 — entry point.

``python main.py [--db PATH]`` opens the window; a subcommand runs one job and exits
(0 success, 1 a user error with a Chinese message on stderr, 2 a usage error). Commands
never stop to ask a question: scheduled tasks run them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.errors import BranchBookError


@dataclass(frozen=True)
class Writes:
    """Marks a command that writes to --db: it runs under models.writing.writing (the one
    writer lock, shared with the window, and a quick check first)."""

    name: str
    creates: bool = False  # may make a new database (demo, init, restore)
    check: bool = True  # refuse a damaged database

    def applies(self, args: argparse.Namespace) -> bool:
        return not getattr(args, "dry_run", False)

# argparse's own words, in Chinese (it looks `_` up at call time).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
}
argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]


def _month(text: str) -> str:
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise argparse.ArgumentTypeError(f"月份“{text}”格式不对，应为 YYYY-MM，例如 2026-03")
    return f"{int(parts[0]):04d}-{int(parts[1]):02d}"


def _since(text: str) -> date:
    """--since YYYY-MM: the start of records is the first day of that month."""
    parts = text.split("-")
    if (len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1949 <= int(parts[0]) <= 2100
            or not 1 <= int(parts[1]) <= 12):
        raise argparse.ArgumentTypeError(f"建账月份“{text}”不对，应为 YYYY-MM（1949–2100 年），例如 2026-11")
    return date(int(parts[0]), int(parts[1]), 1)


def _year(text: str) -> int:
    if not text.isdigit() or not 1949 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"年份“{text}”不对，应为四位数字，例如 2026")
    return int(text)


def _db(text: str) -> Path | str:
    """--db: a file path (SQLite), or a server's address postgresql+psycopg://… kept as text
    (a Path would fold its "//" and the address would become a folder name)."""
    from models.db import is_server_url  # no SQLAlchemy import for a file path

    if is_server_url(text):
        from models.server import parse_server_url

        try:
            parse_server_url(text)
        except BranchBookError as exc:
            raise argparse.ArgumentTypeError(exc.message) from exc
        return text
    return Path(text)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}”应为正整数")
    return int(text)


BRANCH_HELP = "党支部名称或编号（数据库中有多个党支部时必填；名称可只写其中能区分的一部分）"
WHOLE_DB_HELP = "（备份/检查针对整个数据库的全部党支部，指定党支部不影响结果）"


def _branch_arg(p: argparse.ArgumentParser, help_text: str = BRANCH_HELP) -> None:
    p.add_argument("--branch", metavar="名称或编号", help=help_text)


def build_parser() -> argparse.ArgumentParser:
    db_help = ("数据库文件路径（默认：用户数据文件夹中的记录本），或党委的数据库服务器地址 "
               "postgresql+psycopg://用户名@主机:端口/数据库名（密码写在 ~/.pgpass 或 PGPASSFILE 指定的文件中）")
    parser = argparse.ArgumentParser(prog="main.py", description="支部工作记录本")
    parser.add_argument("--db", type=_db, metavar="数据库文件", help=db_help)
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(title="命令", metavar="命令")

    def command(name: str, help_text: str, handler: object, writes: Writes | None = None) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
        p.set_defaults(handler=handler, writes=writes)
        return p

    p = command("init", "建立一个新党支部的数据库", cmd_init, Writes("init", creates=True))
    p.add_argument("--name", required=True, metavar="支部全称", help="党支部全称，如：中共某某局机关第一党支部")
    p.add_argument("--superior", default="", metavar="上级党组织", help="上级党组织，如：中共某某局机关委员会")
    p.add_argument("--since", type=_since, metavar="年-月",
                   help="建账月份（此前不计应开会议），如 2026-11；默认为本月")

    p = command("demo", "生成一个示例党支部的演示数据", cmd_demo, Writes("demo", creates=True))
    p.add_argument("--years", type=_positive, default=2, metavar="年数", help="年数（默认 2）")
    p.add_argument("--members", type=_positive, default=30, metavar="人数", help="党员人数（默认 30）")
    p.add_argument("--seed", type=int, default=1, metavar="种子", help="随机种子（默认 1）")

    p = command("report", "生成 PDF 文档", cmd_report)
    kinds = p.add_subparsers(title="文档", metavar="文档", dest="kind", required=True)
    for kind, text in (("minutes", "会议记录"), ("signin", "签到表")):
        k = kinds.add_parser(kind, help=text, description=text)
        k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
        k.add_argument("--meeting", type=_positive, required=True, metavar="编号", help="会议编号")
        k.add_argument("--out", type=Path, required=True, metavar="PDF文件", help="输出 PDF 文件")
        _branch_arg(k)
    k = kinds.add_parser("monthly", help="月度汇编", description="月度汇编")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("--month", type=_month, required=True, metavar="年-月", help="月份，如 2026-03")
    k.add_argument("--out", type=Path, required=True, metavar="PDF文件", help="输出 PDF 文件")
    _branch_arg(k)
    k = kinds.add_parser("annual", help="年度台账", description="年度台账")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("--year", type=_year, required=True, metavar="年份", help="年份，如 2026")
    k.add_argument("--out", type=Path, required=True, metavar="PDF文件", help="输出 PDF 文件")
    _branch_arg(k)
    k = kinds.add_parser("committee", help="党委汇总（各党支部并列对比）", description="党委汇总（各党支部并列对比）")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("--year", type=_year, required=True, metavar="年份", help="年份，如 2026")
    k.add_argument("--out", type=Path, required=True, metavar="PDF文件",
                   help="输出文件：.pdf 为党委汇总 PDF，.xlsx 为 Excel")

    p = command("stats", "统计：应开会议、提醒、出勤率", cmd_stats)
    p.add_argument("--year", type=_year, required=True, metavar="年份", help="年份，如 2026")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--branch", metavar="名称或编号", help=BRANCH_HELP)
    which.add_argument("--all-branches", action="store_true", help="党委工作台：各党支部并列对比")

    p = command("backup", "备份数据库到指定文件夹（如U盘）", cmd_backup)
    p.add_argument("--to", type=Path, required=True, metavar="文件夹", help="目标文件夹")
    p.add_argument("--passphrase-file", type=Path, metavar="密码文件", help="存放备份密码的文件（加密备份）")
    _branch_arg(p, "党支部名称或编号" + WHOLE_DB_HELP)

    for name, text, handler, writes in (
        ("verify", "检查备份文件是否完好（不改动任何数据库）", cmd_verify, None),
        # restore is the cure for a damaged database: no quick check before it
        ("restore", "从备份恢复数据库（保留当前数据库的安全副本）", cmd_restore,
         Writes("restore", creates=True, check=False)),
        # a committee may start from nothing: merge makes the database when it is missing
        ("merge", "合并其他支部的备份", cmd_merge, Writes("merge", creates=True)),
    ):
        p = command(name, text, handler, writes)
        if name == "merge":  # a committee merges its branches' backups at once
            p.add_argument("file", type=Path, nargs="+", metavar="备份文件",
                           help="备份文件或存放备份（.bbk）的文件夹，可写多个；每个备份单独校验、单独合并")
        else:
            p.add_argument("file", type=Path, metavar="备份文件", help="备份文件")
        p.add_argument("--passphrase-file", type=Path, metavar="密码文件", help="存放备份密码的文件")

    p = command("members", "党员名册导入/导出（Excel）", cmd_members)
    actions = p.add_subparsers(title="操作", metavar="操作", dest="action", required=True)
    k = actions.add_parser("import", help="从 Excel 导入党员名册", description="从 Excel 导入党员名册")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("file", type=Path, metavar="Excel文件", help="Excel 文件（.xlsx）")
    k.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入")
    _branch_arg(k)
    k.set_defaults(writes=Writes("members import"))
    k = actions.add_parser("export", help="导出党员名册到 Excel", description="导出党员名册到 Excel")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("file", type=Path, metavar="Excel文件", help="Excel 文件（.xlsx）")
    _branch_arg(k)

    p = command("branches", "党委：查看党支部编号、合并同名党支部", cmd_branches)
    actions = p.add_subparsers(title="操作", metavar="操作", dest="action", required=True)
    k = actions.add_parser("list", help="列出数据库中的党支部及编号", description="列出数据库中的党支部及编号")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k = actions.add_parser("join", help="把一个党支部（如同名党支部）并入另一个",
                           description="把一个党支部（如同名党支部）并入另一个：党员按身份证号或姓名+出生日期对应")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("keep", type=_positive, metavar="保留编号", help="保留的党支部编号")
    k.add_argument("other", type=_positive, metavar="并入编号", help="并入（随后删除）的党支部编号")
    k.set_defaults(writes=Writes("branches join"))

    p = command("attendance", "出席情况：从签到表照片识别", cmd_attendance)
    actions = p.add_subparsers(title="操作", metavar="操作", dest="action", required=True)
    k = actions.add_parser("scan", help="识别签名后的签到表照片或扫描件，列出每名党员的建议出席情况（不写入）",
                           description="识别签名后的签到表照片或扫描件（JPEG/PNG/PDF，可多页、任意顺序），"
                                       "列出每名党员的建议出席情况；只读，不写入记录")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="数据库文件", help=db_help)
    k.add_argument("--meeting", type=_positive, required=True, metavar="编号", help="会议编号")
    k.add_argument("photo", type=Path, nargs="+", metavar="照片", help="签到表照片或扫描件，可写多个")
    k.add_argument("--page", type=_positive, action="append", metavar="页码",
                   help="四角定位方块或二维码无法识别的签到表（如 Word 导出的）是第几页；"
                        "这样的照片有几张就按顺序写几个 --page")
    k.add_argument("--json", action="store_true", help="以 JSON 输出")
    _branch_arg(k)

    p = command("server", "党委数据库服务器：按党支部分配访问权限（行级安全）", cmd_server)
    actions = p.add_subparsers(title="操作", metavar="操作", dest="action", required=True)
    for action, text in (("grant", "让一个数据库角色只能查看和修改指定党支部的记录（党委角色可看全部）"),
                         ("revoke", "收回一个数据库角色对党支部的访问权限")):
        k = actions.add_parser(action, help=text, description=text)
        k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="服务器地址", help=db_help)
        k.add_argument("--role", required=True, metavar="角色名", help="数据库角色（登录用户）名，如 dierzhibu")
        which = k.add_mutually_exclusive_group(required=True)
        which.add_argument("--branch", metavar="名称或编号", help="党支部名称或编号")
        which.add_argument("--all-branches", action="store_true", help="全部党支部（党委的角色）")
        k.set_defaults(writes=Writes(f"server {action}"))
    k = actions.add_parser("roles", help="列出各数据库角色可访问的党支部", description="列出各数据库角色可访问的党支部")
    k.add_argument("--db", type=_db, default=argparse.SUPPRESS, metavar="服务器地址", help=db_help)

    p = command("check", "检查数据库的完整性和数据版本", cmd_check)
    _branch_arg(p, "党支部名称或编号" + WHOLE_DB_HELP)
    return parser


# --- handlers: thin, each calls into models/ or reports/ --------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from ui.app import run_gui

    return run_gui(args.db)


def cmd_init(args: argparse.Namespace) -> int:
    from models.branch_setup import init_database
    from models.paths import default_db_path

    if isinstance(args.db, str):  # a server: the branch is added beside the others there
        from models.server_ops import init_server_branch

        made = init_server_branch(args.db, args.name, args.superior, args.since)
    else:
        made = init_database(args.db or default_db_path(), args.name, args.superior, args.since)
    print(made.describe())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from models.db import open_database
    from models.demo import generate_demo

    if args.db is None:
        raise BranchBookError("请用 --db 指定演示数据库的文件路径，例如 --db demo.sqlite3。")
    db = open_database(args.db)
    try:
        summary = generate_demo(db, years=args.years, members=args.members, seed=args.seed)
    finally:
        db.close()
    print(summary.describe())
    return 0


def _whole_database_note(args: argparse.Namespace, what: str) -> None:
    if getattr(args, "branch", None):
        print(f"注意：{what}针对整个数据库（全部党支部），--branch 不影响结果。", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from models.check import check_database
    from models.paths import default_db_path

    _whole_database_note(args, "检查")
    if isinstance(args.db, str):
        from models.server_ops import check_server

        report = check_server(args.db)
    else:
        report = check_database(args.db or default_db_path())
    print(report.describe())
    return 0 if report.ok else 1


def cmd_report(args: argparse.Namespace) -> int:
    from reports.cli import run

    return run(args)


def cmd_attendance(args: argparse.Namespace) -> int:
    from models.scan.cli import run_scan
    from reports.signin import page_layout

    return run_scan(args, page_layout)


def cmd_stats(args: argparse.Namespace) -> int:
    from models.cli_stats import run_stats

    return run_stats(args)


def cmd_members(args: argparse.Namespace) -> int:
    from models.cli_stats import run_members

    return run_members(args)


def cmd_branches(args: argparse.Namespace) -> int:
    from models.cli_stats import run_branches

    return run_branches(args)


def cmd_server(args: argparse.Namespace) -> int:
    from models.cli_server import run_server

    return run_server(args)


def cmd_backup(args: argparse.Namespace) -> int:
    from models.cli_backup import run_backup

    if not isinstance(args.db, str):  # on a server, --branch picks the branch to back up
        _whole_database_note(args, "备份")
    return run_backup(args)


def cmd_verify(args: argparse.Namespace) -> int:
    from models.cli_backup import run_verify

    return run_verify(args)


def cmd_restore(args: argparse.Namespace) -> int:
    from models.cli_backup import run_restore

    return run_restore(args)


def cmd_merge(args: argparse.Namespace) -> int:
    from models.cli_backup import run_merge

    return run_merge(args)


def _window_only(argv: Sequence[str]) -> argparse.Namespace | None:
    """``main.py`` or ``main.py --db PATH``: the window, read without building every command's
    parser (part of a fast start); anything else (or a value --db refuses) goes to the parser."""
    if not argv:
        text = None
    elif len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        text = argv[1]
    elif len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > 5:
        text = argv[0][5:]
    else:
        return None
    try:
        db = _db(text) if text is not None else None
    except argparse.ArgumentTypeError:
        return None  # the parser says what is wrong, in its words
    return argparse.Namespace(db=db, handler=cmd_gui)


def main(argv: Sequence[str] | None = None) -> int:
    args = _window_only(sys.argv[1:] if argv is None else argv) or build_parser().parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    # databases, backups, logs and exports hold personal data: owner only, where modes exist
    old_umask = os.umask(0o077) if os.name != "nt" else None
    try:
        return _run_reporting(args)
    finally:
        if old_umask is not None:
            os.umask(old_umask)


def _run_reporting(args: argparse.Namespace) -> int:
    """Run the command; every failure becomes a Chinese message (and a scrubbed log)."""
    try:
        return _run(args)
    except BranchBookError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` or a closed pager: the reader stopped, not us
        _silence_stdout()
        return 0
    except Exception as exc:  # noqa: BLE001 - no traceback ever reaches a user
        from models.errors import explain

        near = args.db if isinstance(args.db, Path) else None
        known = explain(exc, near=near)  # a full disk, a database another program writes, a read-only file…
        if known is not None:
            print(known, file=sys.stderr)
            return 1
        log = _write_crash_log(exc)
        print(f"发生意外错误（{type(exc).__name__}），操作未完成，已保存的记录不受影响。"
              f"详细信息已写入：{log}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    """Run the command's handler; a writing command holds the database's writer lock.
    First, what a crashed backup/restore left behind is cleaned (models.leftovers)."""
    if args.handler is not cmd_gui:  # the window cleans once it has its lock (ui/startup_checks)
        _clean_leftovers(args)
    writes: Writes | None = getattr(args, "writes", None)
    if writes is None or not writes.applies(args) or isinstance(args.db, str):
        return int(args.handler(args))  # reading, or a server database (it has its own locking)
    from models.paths import default_db_path
    from models.writing import writing

    with writing(Path(args.db or default_db_path()), f"命令“{writes.name}”",
                 creates=writes.creates, check=writes.check):
        return int(args.handler(args))


def _clean_leftovers(args: argparse.Namespace) -> None:
    from models import paths
    from models.leftovers import clean_leftovers

    db = args.db if isinstance(args.db, Path) else paths.default_db_path()
    clean_leftovers([Path(db).parent, paths.backups_dir(), getattr(args, "to", None)])


def _silence_stdout() -> None:
    """Point stdout at devnull so that Python's flush at exit does not raise again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _write_crash_log(exc: BaseException) -> Path:
    """The traceback, without statement parameters and with ID numbers and phones masked,
    readable by the owner only (models.privacy)."""
    import traceback

    from models.privacy import write_log

    return write_log("".join(traceback.format_exception(exc)))


if __name__ == "__main__":
    code = main()
    # Every command has closed its files and databases by now; what is left is tearing down the
    # loaded modules, where the collector's final passes over SQLAlchemy's objects took ~0.15 s
    # of every command (of a 6 s merge, for one). Frozen objects are skipped by those passes.
    import gc

    gc.freeze()
    sys.exit(code)
