"""The .bbk backup container: a small versioned header, then the bytes of one SQLite file.

Layout of a plain backup::

    MAGIC (8 bytes) | version u16 | kind u16 (0 plain) | header length u32 | manifest JSON | SQLite bytes

The manifest names the branches, the record counts, the schema revision, the size and the
SHA-256 of the SQLite bytes that follow, so a copy that lost or changed a byte is caught.

An encrypted backup (kind 1) wraps a whole plain backup. Version 2 (written today)::

    MAGIC | 2 | kind 1 | header length | crypto JSON (kdf, salt, nonce prefix) | chunks

The plain backup is cut into 1 MiB pieces, each sealed with AES-256-GCM on its own (nonce =
7-byte random prefix | 4-byte counter | 1-byte "last piece" flag, the STREAM construction),
so every piece is authenticated before a byte of its plaintext is written anywhere, and a
file cut at a piece boundary fails on its (then missing) last piece. The key comes from
scrypt; the prefix up to the end of the crypto JSON is associated data of every piece, so a
changed header fails like a changed byte of data. Every file gets a fresh salt and prefix.

Version 1 (older backups) is one GCM stream with the tag at the end: it is read twice —
first only authenticated, then decrypted — so unauthenticated plaintext never reaches disk.

Everything a file can ask for is bounded: the header size, and the scrypt cost (n ≤ 2¹⁸,
r ≤ 8, p ≤ 2 — a header asking for more is refused before any work is done).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from models.errors import BranchBookError

MAGIC = b"\x89BBKBAK\n"
FORMAT_VERSION = 2  # 2: encrypted backups in authenticated pieces; plain backups unchanged
PLAIN_VERSION = 1
KIND_PLAIN = 0
KIND_ENCRYPTED = 1
EXTENSION = ".bbk"
CHUNK = 1 << 20
TAG_SIZE = 16
MAX_HEADER = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: the most a backup header may ask of scrypt (2¹⁸ × 8 × 128 bytes = 256 MiB, about a second)
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**18, 8, 2
NONCE_PREFIX = 7
_PREFIX = struct.Struct(">8sHHI")

BAD_PASSPHRASE = "密码错误或文件已损坏，未做任何改动。请检查密码，或换一个备份文件。"


class BackupFileError(BranchBookError):
    """A backup file that cannot be used (damaged, foreign, wrong passphrase)."""


@dataclass
class Manifest:
    """What a backup holds, read before anything is restored."""

    created_at: str  # local time, ISO format
    revision: str
    application_id: int
    sqlite_size: int
    sha256: str
    branches: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    kind: str = "manual"  # manual | auto | safety
    source: str = ""  # file name of the database it was taken from
    database_uuid: str = ""  # identity of that database ('' in backups made before 0003)
    audit_head: dict[str, Any] = field(default_factory=dict)  # {"id", "hash"}: the chain's anchor

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, name: str) -> Manifest:
        try:
            data = json.loads(raw.decode("utf-8"))
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupFileError(f"备份文件“{name}”的说明信息已损坏，无法使用。") from exc


@dataclass
class Header:
    kind: int
    version: int
    meta: dict[str, Any]
    prefix: bytes  # every byte before the body (the AAD of an encrypted file)


def _prefix(kind: int, meta: bytes, version: int = PLAIN_VERSION) -> bytes:
    return _PREFIX.pack(MAGIC, version, kind, len(meta)) + meta


def read_header(fh: BinaryIO, name: str) -> Header:
    """Read and check the prefix; the file position is left at the start of the body."""
    raw = fh.read(_PREFIX.size)
    if len(raw) == 0:
        raise BackupFileError(f"备份文件“{name}”是空文件（0 字节），可能复制时中断了。请换一个备份文件。")
    if len(raw) < _PREFIX.size or raw[:8] != MAGIC:
        if raw.startswith(b"SQLite format 3"):
            raise BackupFileError(f"文件“{name}”是一个数据库文件，不是支部工作记录本的备份文件（.bbk）。")
        raise BackupFileError(f"文件“{name}”不是支部工作记录本的备份文件（.bbk），未做任何改动。")
    _magic, version, kind, length = _PREFIX.unpack(raw)
    if version > FORMAT_VERSION or kind not in (KIND_PLAIN, KIND_ENCRYPTED):
        raise BackupFileError(f"备份文件“{name}”由更新版本的支部工作记录本创建，请先升级本软件。")
    if length > MAX_HEADER:
        raise BackupFileError(f"备份文件“{name}”的文件头已损坏，无法使用。")
    meta_raw = fh.read(length)
    if len(meta_raw) != length:
        raise BackupFileError(f"备份文件“{name}”不完整（文件被截断），可能复制时中断了。请换一个备份文件。")
    if kind == KIND_PLAIN:
        meta = Manifest.from_json(meta_raw, name).__dict__
    else:
        try:
            meta = json.loads(meta_raw.decode("utf-8"))
        except ValueError as exc:
            raise BackupFileError(BAD_PASSPHRASE) from exc
    return Header(kind, version, meta, raw + meta_raw)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as fh:
        yield from iter(lambda: fh.read(CHUNK), b"")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for chunk in _file_chunks(path):
        digest.update(chunk)
    return digest.hexdigest()


def write_plain(out: BinaryIO, manifest: Manifest, sqlite_path: Path) -> None:
    """Write a plain backup; fills in ``manifest.sha256`` and ``sqlite_size``.

    One pass over the SQLite bytes: the header is written with a placeholder checksum of
    the same length, then rewritten in place once the bytes are hashed (``out`` must be
    seekable)."""
    manifest.sha256 = "0" * 64
    manifest.sqlite_size = sqlite_path.stat().st_size
    start = out.tell()
    placeholder = _prefix(KIND_PLAIN, manifest.to_json())
    out.write(placeholder)
    digest = hashlib.sha256()
    for chunk in _file_chunks(sqlite_path):
        digest.update(chunk)
        out.write(chunk)
    manifest.sha256 = digest.hexdigest()
    final = _prefix(KIND_PLAIN, manifest.to_json())
    if len(final) != len(placeholder):
        raise AssertionError("manifest length changed")
    end = out.tell()
    out.seek(start)
    out.write(final)
    out.seek(end)


def plain_chunks(manifest: Manifest, sqlite: Path | bytes) -> Iterator[bytes]:
    """The bytes of a plain backup, streamed (no temporary file): fills in ``sqlite_size``
    and ``sha256`` first, which costs one read of the SQLite file (the manifest comes first).
    ``sqlite``: the SQLite file, or its bytes (an in-memory snapshot)."""
    if isinstance(sqlite, bytes):
        manifest.sqlite_size = len(sqlite)
        manifest.sha256 = hashlib.sha256(sqlite).hexdigest()
        yield _prefix(KIND_PLAIN, manifest.to_json())
        view = memoryview(sqlite)
        for start in range(0, len(sqlite), CHUNK):
            yield bytes(view[start:start + CHUNK])
        return
    manifest.sqlite_size = sqlite.stat().st_size
    manifest.sha256 = file_sha256(sqlite)
    yield _prefix(KIND_PLAIN, manifest.to_json())
    yield from _file_chunks(sqlite)


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise BackupFileError("备份密码不能为空。请输入密码。")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _piece_nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


def _pieces(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, bool]]:
    """The stream cut into CHUNK-sized pieces, each with a "last" flag (the last may be empty)."""
    buffer = bytearray()
    for chunk in chunks:
        buffer.extend(chunk)
        while len(buffer) > CHUNK:
            yield bytes(buffer[:CHUNK]), False
            del buffer[:CHUNK]
    yield bytes(buffer), True


def write_encrypted(out: BinaryIO, plain: Path | Iterable[bytes], passphrase: str,
                    *, database_uuid: str = "") -> bytes:
    """Encrypt a plain backup (a file, or its bytes from :func:`plain_chunks`) into ``out``.

    ``database_uuid`` is also written in the (authenticated, unencrypted) header, so that
    the backup list and retention know whose backup it is without the passphrase.

    Returns the derived key, so the caller can authenticate the written file on read-back
    without deriving it a second time."""
    salt, prefix = os.urandom(16), os.urandom(NONCE_PREFIX)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    meta = {
        "cipher": "AES-256-GCM-STREAM",
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "chunk": CHUNK,
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(prefix).decode(),
    }
    if database_uuid:
        meta["database_uuid"] = database_uuid
    aad = _prefix(KIND_ENCRYPTED, json.dumps(meta, sort_keys=True).encode(), FORMAT_VERSION)
    out.write(aad)
    sealer = AESGCM(key)
    chunks = _file_chunks(plain) if isinstance(plain, Path) else plain
    out.writelines(sealer.encrypt(_piece_nonce(prefix, counter, last), piece, aad) for counter, (piece, last) in enumerate(_pieces(chunks)))
    return key


def _chunks(fh: BinaryIO, length: int) -> Iterator[bytes]:
    left = length
    while left > 0:
        chunk = fh.read(min(CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)
        yield chunk


def _key_for(path: Path, header: Header, passphrase: str | None) -> bytes:
    """Derive the key, refusing a header that asks scrypt for more than we ever use."""
    if passphrase is None:
        raise BackupFileError(f"备份文件“{path.name}”已加密，请提供备份密码。")
    meta = header.meta
    try:
        n, r, p = int(meta["n"]), int(meta["r"]), int(meta["p"])
        salt = base64.b64decode(meta["salt"])
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupFileError(BAD_PASSPHRASE) from exc
    if not (2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0 and 1 <= r <= MAX_SCRYPT_R
            and 1 <= p <= MAX_SCRYPT_P and 8 <= len(salt) <= 64):
        raise BackupFileError(
            f"备份文件“{path.name}”的加密参数超出允许范围（要求的计算量过大），文件已损坏或被改动，"
            "未做任何改动。请换一个备份文件。")
    try:
        return _derive(passphrase, salt, n, r, p)
    except (ValueError, MemoryError) as exc:
        raise BackupFileError(BAD_PASSPHRASE) from exc


def _decrypt_stream(path: Path, header: Header, fh: BinaryIO, key: bytes,
                    sink: Callable[[bytes], object] | None) -> None:
    """Version 2: every piece is authenticated before it is handed to ``sink``."""
    try:
        prefix = base64.b64decode(header.meta["nonce"])
        chunk = int(header.meta.get("chunk", CHUNK))
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupFileError(BAD_PASSPHRASE) from exc
    if len(prefix) != NONCE_PREFIX or chunk != CHUNK:
        raise BackupFileError(BAD_PASSPHRASE)
    left = path.stat().st_size - len(header.prefix)
    opener = AESGCM(key)
    counter = 0
    while True:
        size = min(CHUNK + TAG_SIZE, left)
        last = size == left
        sealed = fh.read(size)
        if size < TAG_SIZE or len(sealed) != size:
            raise BackupFileError(BAD_PASSPHRASE)
        try:
            piece = opener.decrypt(_piece_nonce(prefix, counter, last), sealed, header.prefix)
        except InvalidTag as exc:
            raise BackupFileError(BAD_PASSPHRASE) from exc
        if sink is not None:
            sink(piece)
        left -= size
        counter += 1
        if last:
            return


def _decrypt_single(path: Path, header: Header, fh: BinaryIO, key: bytes,
                    sink: Callable[[bytes], object] | None) -> None:
    """Version 1 (one GCM stream, tag at the end): authenticate the whole body first, then
    decrypt it again for ``sink`` — no unauthenticated byte is ever handed out."""
    try:
        nonce = base64.b64decode(header.meta["nonce"])
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupFileError(BAD_PASSPHRASE) from exc
    if len(nonce) != 12:
        raise BackupFileError(BAD_PASSPHRASE)
    start = fh.tell()
    body = path.stat().st_size - len(header.prefix) - TAG_SIZE
    if body < 0:
        raise BackupFileError(BAD_PASSPHRASE)
    for output in ((lambda _data: None), sink) if sink is not None else ((lambda _data: None),):
        fh.seek(start)
        dec = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
        dec.authenticate_additional_data(header.prefix)
        for chunk in _chunks(fh, body):
            output(dec.update(chunk))
        try:
            output(dec.finalize_with_tag(fh.read(TAG_SIZE)))
        except (InvalidTag, ValueError) as exc:
            raise BackupFileError(BAD_PASSPHRASE) from exc


def decrypt_to(path: Path, header: Header, fh: BinaryIO, passphrase: str | None,
               sink: Callable[[bytes], object] | None, *, key: bytes | None = None) -> None:
    """Decrypt the body of ``path`` (positioned after the header), handing the plaintext to
    ``sink`` (None: only authenticate it) — only bytes already authenticated."""
    cipher = header.meta.get("cipher")
    if header.meta.get("kdf") != "scrypt" or cipher not in ("AES-256-GCM", "AES-256-GCM-STREAM"):
        raise BackupFileError(BAD_PASSPHRASE)
    if key is None:
        key = _key_for(path, header, passphrase)
    if cipher == "AES-256-GCM-STREAM" and header.version >= 2:
        _decrypt_stream(path, header, fh, key, sink)
    elif cipher == "AES-256-GCM" and header.version == 1:
        _decrypt_single(path, header, fh, key, sink)
    else:
        raise BackupFileError(BAD_PASSPHRASE)


class _Body:
    """Copies the SQLite bytes of a backup to ``dest`` (None: only checks them), counting
    and hashing them on the way; :meth:`check` compares them with the manifest."""

    def __init__(self, dest: Path | None) -> None:
        self.digest = hashlib.sha256()
        self.size = 0
        self.out = dest.open("wb") if dest is not None else None

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        if self.out is not None:
            self.out.write(data)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()

    def check(self, manifest: Manifest, name: str, *, extra: bool = False) -> None:
        if self.size < manifest.sqlite_size:
            raise BackupFileError(
                f"备份文件“{name}”不完整（少了 {manifest.sqlite_size - self.size} 字节），可能复制时中断了。"
                "请换一个备份文件。")
        if extra or self.size != manifest.sqlite_size or self.digest.hexdigest() != manifest.sha256:
            raise BackupFileError(f"备份文件“{name}”的内容与校验码不符，文件已损坏或被改动。请换一个备份文件。")


def extract_plain(fh: BinaryIO, manifest: Manifest, dest: Path | None, name: str) -> None:
    """Copy the SQLite bytes that follow the manifest into ``dest`` (None: only check them),
    checking size and SHA-256."""
    body = _Body(dest)
    try:
        for chunk in _chunks(fh, manifest.sqlite_size):
            body.write(chunk)
        extra = bool(fh.read(1))
    finally:
        body.close()
    body.check(manifest, name, extra=extra)


def extract_encrypted(path: Path, header: Header, fh: BinaryIO, passphrase: str | None,
                      dest: Path) -> Manifest:
    """Decrypt an encrypted backup straight into ``dest`` (the SQLite file): the plain
    backup inside is parsed as it streams by — no decrypted copy of the container is kept."""
    head = bytearray()
    inner: Header | None = None
    problem: BackupFileError | None = None
    body = _Body(dest)

    def sink(data: bytes) -> None:
        nonlocal inner, problem
        if problem is not None:
            return
        if inner is None:
            head.extend(data)
            if len(head) < _PREFIX.size:
                return
            length = _PREFIX.unpack_from(head)[3]
            if len(head) < _PREFIX.size + length and length <= MAX_HEADER:
                return
            stream = io.BytesIO(bytes(head))
            try:
                inner = read_header(stream, path.name)
            except BackupFileError as exc:
                problem = exc
                return
            if inner.kind != KIND_PLAIN:
                problem = BackupFileError(BAD_PASSPHRASE)
                return
            data = stream.read()
        body.write(data)

    try:
        try:
            decrypt_to(path, header, fh, passphrase, sink)
        finally:
            body.close()
        if problem is not None:
            raise problem
        if inner is None:
            raise BackupFileError(BAD_PASSPHRASE)
        manifest = Manifest(**inner.meta)
        body.check(manifest, path.name)
    except BaseException:
        dest.unlink(missing_ok=True)  # no decrypted piece outlives a failed read
        raise
    return manifest
