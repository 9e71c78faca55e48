"""Verified single-file backups (备份) and reading them back (校验).

A backup is made with SQLite's backup API into a temporary snapshot (switched to
journal_mode=DELETE so it opens from read-only media), checked (integrity, application id,
schema revision, record counts), wrapped in the .bbk container (optionally encrypted),
written under a temporary name in the target folder, flushed to the device, read back and
compared, and only then renamed to its final name. A failed backup leaves no file at the
final name and says why in Chinese.

Do not call :func:`create_backup` inside an open write transaction of the same process:
SQLite's backup step would wait for that transaction for ever.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from models import backup_format as fmt
from models.backup_format import BackupFileError, Manifest
from models.check import COUNTED_TABLES
from models.db import APPLICATION_ID, copy_database, known_revisions, readonly_uri
from models.errors import os_error_text, require_file, sqlite_error_text
from models.identity import audit_head_in, uuid_in
from models.leftovers import partial_path, temp_prefix, work_prefix
from models.privacy import make_private
from models.validation import format_date

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def format_when(when: datetime) -> str:
    """2026年11月20日 18:02 — when a backup was made."""
    return f"{format_date(when)} {when:%H:%M}"


@dataclass
class BackupInfo:
    """A checked backup: where it is and what it holds."""

    path: Path
    manifest: Manifest
    encrypted: bool

    def describe(self) -> str:
        m = self.manifest
        created = datetime.fromisoformat(m.created_at)
        counts = "，".join(f"{label} {m.counts[t]}" for t, label in COUNTED_TABLES if t in m.counts)
        lines = [
            f"备份文件：{self.path}",
            f"党支部：{'、'.join(m.branches) or '（无）'}",
            f"备份时间：{format_when(created)}",
            f"记录数：{counts}",
            "加密：是" if self.encrypted else "加密：否",
        ]
        return "\n".join(lines)


def _io_message(exc: OSError, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"目标磁盘“{target}”空间不足，备份未完成，没有留下不完整的文件。请腾出空间或换一个U盘。"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"目标文件夹“{target}”是只读的或没有写入权限，备份未完成。请检查U盘的写保护开关或换一个文件夹。"
    if exc.errno in (errno.ENOENT, errno.EIO, errno.ENODEV, errno.ENXIO):
        return f"无法写入“{target}”，U盘可能已被拔出，备份未完成。请重新插入U盘后再备份。"
    return f"写入“{target}”失败（{os_error_text(exc)}），备份未完成。"


def _flush_to_device(fd: int) -> None:
    """fsync, then (Linux) drop the cached pages so that the read-back reads the device itself
    — a stick that lies about its capacity or loses writes is caught before the file counts."""
    os.fsync(fd)
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_name(branch: str, when: datetime, kind: str = "manual") -> str:
    safe = _UNSAFE.sub("_", branch).strip("_.") or "支部"
    middle = "_恢复前" if kind == "safety" else ""
    return f"{safe}{middle}_{when:%Y%m%d-%H%M%S}{fmt.EXTENSION}"


def _connect_ro(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    con.execute("PRAGMA mmap_size=268435456")  # reads through the page cache: faster checks
    return con


def check_integrity(path: Path, name: str, *, full: bool = True) -> None:
    """Raise unless the SQLite file passes the check.

    ``full``: PRAGMA integrity_check (also index against table content); otherwise
    quick_check (every page and B-tree structure, O(N)) — used when making a backup of
    the live file, which is itself checked on every open."""
    try:
        con = _connect_ro(path)
    except sqlite3.DatabaseError as exc:
        raise BackupFileError(f"备份“{name}”中的数据库已损坏（{sqlite_error_text(exc)}），不能使用。") from exc
    try:
        _check_connection(con, name, full=full)
    finally:
        con.close()


def _check_connection(con: sqlite3.Connection, name: str, *, full: bool) -> None:
    try:
        result = [r[0] for r in con.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}")]
    except sqlite3.DatabaseError as exc:
        raise BackupFileError(f"备份“{name}”中的数据库已损坏（{sqlite_error_text(exc)}），不能使用。") from exc
    if result != ["ok"]:
        raise BackupFileError(f"备份“{name}”中的数据库已损坏（检查发现 {len(result)} 处问题），不能使用。")


@dataclass
class SnapshotFacts:
    """What a BranchBook SQLite file says about itself."""

    revision: str
    branches: list[str]
    counts: dict[str, int]
    database_uuid: str = ""
    audit_head: dict[str, Any] = field(default_factory=dict)


def _describe_snapshot(path: Path, name: str) -> SnapshotFacts:
    """Revision, branch names, counts, identity and audit head of a BranchBook SQLite file, or raise."""
    try:
        con = _connect_ro(path)
    except sqlite3.DatabaseError as exc:
        raise BackupFileError(f"备份“{name}”中的数据库已损坏（{sqlite_error_text(exc)}），不能使用。") from exc
    try:
        return _describe(con, name)
    finally:
        con.close()


def _describe(con: sqlite3.Connection, name: str) -> SnapshotFacts:
    try:
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            raise BackupFileError(f"备份“{name}”中不是支部工作记录本的数据库，不能使用。")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        row = con.execute("SELECT version_num FROM alembic_version").fetchone() \
            if "alembic_version" in tables else None
        if row is None:
            raise BackupFileError(f"备份“{name}”中的数据库缺少版本信息，可能已损坏。")
        branches = [r[0] for r in con.execute("SELECT name FROM branch ORDER BY id")]
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t, _ in COUNTED_TABLES if t in tables}
        head = audit_head_in(con)
        facts = SnapshotFacts(row[0], branches, counts, uuid_in(con) if "store_info" in tables else "",
                              head.as_dict() if head else {})
    except sqlite3.DatabaseError as exc:
        raise BackupFileError(f"备份“{name}”中的数据库已损坏（{sqlite_error_text(exc)}），不能使用。") from exc
    if facts.revision not in known_revisions():
        raise BackupFileError(
            f"备份“{name}”由更新版本的支部工作记录本创建（数据版本 {facts.revision}），本软件无法使用。"
            "请先升级支部工作记录本。")
    return facts


def snapshot(db_path: Path, dest: Path, busy_timeout_ms: int = 30_000) -> None:
    """A consistent copy of the live database (:func:`models.db.copy_database`), waiting at
    most ``busy_timeout_ms`` for a writer elsewhere; every failure is a Chinese message."""
    try:
        copy_database(db_path, dest, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise BackupFileError("数据库正被占用（有未完成的保存），暂时无法备份。请稍后再试。") from exc
        raise BackupFileError(
            f"复制数据库时出错（{sqlite_error_text(exc)}），备份未完成。请检查本机磁盘空间；"
            "如仍失败，数据库可能已损坏：请关闭本软件再重新打开，打开时会自动检查数据库。") from exc


#: an encrypted backup's snapshot is taken in memory up to this size: no plaintext copy of
#: the database is ever written to a temporary file (a kill -9 would leave it behind)
MEMORY_SNAPSHOT_LIMIT = 512 << 20


class _Snapshot:
    """A consistent copy of the live database: a temporary file, or (for an encrypted
    backup) an in-memory database and its serialized bytes."""

    def __init__(self, db_path: Path, work: Path, in_memory: bool) -> None:
        self.memory: sqlite3.Connection | None = None
        self.path = work / "snapshot.sqlite3"
        self.image = b""
        if in_memory:
            self.memory = _memory_copy(db_path)
            image = bytearray(self.memory.serialize())
            image[18:20] = b"\x01\x01"  # rollback-journal mode, as copy_database leaves a file
            self.image = bytes(image)
        else:
            snapshot(db_path, self.path)

    @property
    def size(self) -> int:
        return len(self.image) if self.memory is not None else self.path.stat().st_size

    def describe(self, name: str) -> SnapshotFacts:
        return _describe(self.memory, name) if self.memory is not None else _describe_snapshot(self.path, name)

    def check(self, name: str) -> None:
        if self.memory is not None:
            _check_connection(self.memory, name, full=False)
        else:
            check_integrity(self.path, name, full=False)

    def plain_chunks(self, manifest: Manifest) -> Iterator[bytes]:
        return fmt.plain_chunks(manifest, self.image if self.memory is not None else self.path)

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()


def _memory_copy(db_path: Path, busy_timeout_ms: int = 30_000) -> sqlite3.Connection:
    """The live database copied into memory with the backup API (inside a read transaction,
    waiting at most ``busy_timeout_ms`` for a writer elsewhere)."""
    try:
        source = sqlite3.connect(readonly_uri(db_path), uri=True,
                                 timeout=busy_timeout_ms / 1000, isolation_level=None)
        try:
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
            memory = sqlite3.connect(":memory:", check_same_thread=False)
            source.backup(memory)
            source.execute("COMMIT")
        finally:
            source.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise BackupFileError("数据库正被占用（有未完成的保存），暂时无法备份。请稍后再试。") from exc
        raise BackupFileError(
            f"复制数据库时出错（{sqlite_error_text(exc)}），备份未完成。"
            "如仍失败，数据库可能已损坏：请关闭本软件再重新打开，打开时会自动检查数据库。") from exc
    return memory


def _unique(target: Path) -> Path:
    n = 2
    candidate = target
    while candidate.exists():
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    return candidate


def create_backup(
    db_path: Path,
    target_dir: Path,
    *,
    passphrase: str | None = None,
    kind: str = "manual",
    now: datetime | None = None,
) -> BackupInfo:
    """Back up ``db_path`` into ``target_dir``; return the verified backup."""
    if not target_dir.is_dir():
        raise BackupFileError(f"目标文件夹“{target_dir}”不存在或无法访问。请检查U盘是否已插好。")
    require_file(db_path, "数据库文件", "无法备份，请检查路径。", BackupFileError)
    when = now or datetime.now()
    try:
        work_dir = tempfile.TemporaryDirectory(prefix=temp_prefix())
    except OSError as exc:
        raise BackupFileError(f"无法创建临时文件（{os_error_text(exc)}），备份未完成。请检查本机磁盘空间。") from exc
    in_memory = bool(passphrase) and db_path.stat().st_size <= MEMORY_SNAPSHOT_LIMIT
    with work_dir as work:
        snap = _Snapshot(db_path, Path(work), in_memory)
        try:
            return _write_backup(db_path, target_dir, snap, passphrase, kind, when)
        finally:
            snap.close()


def _write_backup(db_path: Path, target_dir: Path, snap: _Snapshot, passphrase: str | None,
                  kind: str, when: datetime) -> BackupInfo:
    facts = snap.describe(db_path.name)
    manifest = Manifest(
        created_at=when.isoformat(timespec="seconds"), revision=facts.revision,
        application_id=APPLICATION_ID, sqlite_size=snap.size,
        sha256="", branches=facts.branches, counts=facts.counts, kind=kind,
        source=db_path.name, database_uuid=facts.database_uuid, audit_head=facts.audit_head)
    branches = facts.branches
    final = _unique(target_dir / backup_name(branches[0] if branches else "支部", when, kind))
    partial = partial_path(final)  # named by pid: models.leftovers cleans it after a crash
    # the quick check runs while the container is written (SQLite and hashing release the GIL)
    checking = ThreadPoolExecutor(max_workers=1)
    checked = checking.submit(snap.check, db_path.name)
    checking.shutdown(wait=False)
    try:
        key: bytes | None = None
        with partial.open("wb") as out:
            make_private(partial)
            if passphrase:  # streamed from the snapshot: no plain container is written first
                key = fmt.write_encrypted(out, snap.plain_chunks(manifest), passphrase,
                                          database_uuid=facts.database_uuid)
            else:
                fmt.write_plain(out, manifest, snap.path)
            out.flush()
            _flush_to_device(out.fileno())
        checked.result()
        _check_written(partial, manifest, key)
        os.replace(partial, final)
        _fsync_dir(target_dir)
    except OSError as exc:
        _remove(partial)
        raise BackupFileError(_io_message(exc, target_dir)) from exc
    except BaseException:
        _remove(partial)
        raise
    finally:
        if not checked.cancel():
            checked.exception()  # wait: the check must not outlive the temporary snapshot
    return BackupInfo(final, manifest, encrypted=bool(passphrase))


def _check_written(path: Path, manifest: Manifest, key: bytes | None) -> None:
    """Read back what reached the device and compare it with what was meant to be written
    (``key``: an encrypted backup, whose GCM tag proves every byte read back)."""
    with path.open("rb") as fh:
        try:
            header = fmt.read_header(fh, path.name)
            if key is not None:
                fmt.decrypt_to(path, header, fh, None, None, key=key)
            elif header.meta != manifest.__dict__:
                raise BackupFileError("manifest differs")
            else:
                fmt.extract_plain(fh, manifest, None, path.name)
        except BackupFileError as exc:
            raise BackupFileError("写入后读回的备份与写入的内容不一致，备份未完成。请换一个U盘重试。") from exc


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def is_encrypted(path: Path) -> bool:
    """True for an encrypted backup (so the GUI knows to ask for the passphrase)."""
    try:
        with path.open("rb") as fh:
            return fmt.read_header(fh, path.name).kind == fmt.KIND_ENCRYPTED
    except OSError as exc:
        raise BackupFileError(f"无法读取备份文件“{path}”：{os_error_text(exc)}。") from exc


def read_manifest(path: Path) -> Manifest | None:
    """The manifest of a plain backup without checking its data (None for encrypted)."""
    with path.open("rb") as fh:
        header = fmt.read_header(fh, path.name)
    return Manifest(**header.meta) if header.kind == fmt.KIND_PLAIN else None


@contextmanager
def opened_backup(path: Path, passphrase: str | None = None, work_dir: Path | None = None,
                  *, full: bool = True) -> Iterator[tuple[Path, BackupInfo]]:
    """Extract and fully check a backup into a temporary SQLite file; deleted on exit.

    ``work_dir`` puts the temporary folder there (beside the live database for an atomic
    rename); by default the system's temp folder is used."""
    with extracted_backup(path, passphrase, work_dir) as (sqlite_path, info):
        check_extracted(sqlite_path, info, full=full)
        yield sqlite_path, info


@contextmanager
def extracted_backup(path: Path, passphrase: str | None = None,
                     work_dir: Path | None = None) -> Iterator[tuple[Path, BackupInfo]]:
    """The first half of :func:`opened_backup`: every byte of the backup proven (by the
    manifest's SHA-256, or the GCM tags) and extracted into a temporary SQLite file, deleted on
    exit — not yet checked by SQLite: call :func:`check_extracted` before the data counts (a
    merge reads it inside its transaction while the check runs, and commits only after)."""
    require_file(path, "备份文件", "请检查路径。", BackupFileError)
    try:
        work = Path(tempfile.mkdtemp(prefix=work_prefix(), dir=work_dir))
    except OSError as exc:
        raise BackupFileError(
            f"无法在“{work_dir or tempfile.gettempdir()}”创建临时文件（{os_error_text(exc)}），未做任何改动。"
            "请检查磁盘空间和写入权限。") from exc
    try:
        sqlite_path = work / "restored.sqlite3"
        try:
            with path.open("rb") as fh:
                header = fmt.read_header(fh, path.name)
                encrypted = header.kind == fmt.KIND_ENCRYPTED
                if encrypted:
                    manifest = fmt.extract_encrypted(path, header, fh, passphrase, sqlite_path)
                else:
                    manifest = Manifest(**header.meta)
                    fmt.extract_plain(fh, manifest, sqlite_path, path.name)
        except OSError as exc:
            raise BackupFileError(f"读取备份文件“{path.name}”失败（{os_error_text(exc)}）。") from exc
        if manifest.application_id != APPLICATION_ID:
            raise BackupFileError(f"备份“{path.name}”中不是支部工作记录本的数据库，不能使用。")
        yield sqlite_path, BackupInfo(path, manifest, encrypted)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_extracted(sqlite_path: Path, info: BackupInfo, *, full: bool = True) -> None:
    """The second half of :func:`opened_backup`: SQLite's own check of the extracted file
    (``full``: PRAGMA integrity_check, else quick_check), and its revision, counts and
    identity against the manifest. Raises :class:`BackupFileError`."""
    name, manifest = info.path.name, info.manifest
    check_integrity(sqlite_path, name, full=full)
    facts = _describe_snapshot(sqlite_path, name)
    if (facts.revision != manifest.revision or facts.counts != manifest.counts
            or (manifest.database_uuid and facts.database_uuid != manifest.database_uuid)):
        raise BackupFileError(f"备份“{name}”的内容与其说明不符，文件已损坏或被改动。")


def verify_backup(path: Path, passphrase: str | None = None, *, full: bool = False) -> BackupInfo:
    """Check a backup without touching any database (temp files are removed).

    Every byte is proven by the manifest's SHA-256 (or the GCM tags) to be the snapshot that
    passed SQLite's quick_check when the backup was made, and the extracted file passes
    quick_check again with its counts matching the manifest. ``full`` adds PRAGMA
    integrity_check (indexes against table content, ~3× the cost): restore and merge, which
    put the data to use, always run it (:func:`opened_backup`'s default)."""
    with opened_backup(path, passphrase, full=full) as (_sqlite, info):
        return info
