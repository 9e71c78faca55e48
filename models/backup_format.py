"""The .bbk backup container: a small versioned header, then the bytes of one SQLite file.

Layout of a plain backup::

    MAGIC (8 bytes) | version u16 | kind u16 (0 plain) | header length u32 | manifest JSON | SQLite bytes

The manifest names the branches, the record counts, the schema revision, the size and the
SHA-256 of the SQLite bytes that follow, so a copy that lost or changed a byte is caught.

An encrypted backup (kind 1) wraps a whole plain backup::

    MAGIC | version | kind 1 | header length | crypto JSON (kdf, salt, nonce) | ciphertext | tag (16)

AES-256-GCM with a key derived by scrypt from the passphrase; the prefix up to the end of
the crypto JSON is authenticated as associated data, so a changed header fails like a
changed byte of data. Every file gets a fresh salt and nonce.
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
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from models.errors import BranchBookError

MAGIC = b"\x89BBKBAK\n"
FORMAT_VERSION = 1
KIND_PLAIN = 0
KIND_ENCRYPTED = 1
EXTENSION = ".bbk"
CHUNK = 1 << 20
TAG_SIZE = 16
MAX_HEADER = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
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


def _prefix(kind: int, meta: bytes) -> bytes:
    return _PREFIX.pack(MAGIC, FORMAT_VERSION, kind, len(meta)) + meta


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


def plain_chunks(manifest: Manifest, sqlite_path: Path) -> Iterator[bytes]:
    """The bytes of a plain backup, streamed (no temporary file): fills in ``sqlite_size``
    and ``sha256`` first, which costs one read of the SQLite file (the manifest comes first)."""
    manifest.sqlite_size = sqlite_path.stat().st_size
    manifest.sha256 = file_sha256(sqlite_path)
    yield _prefix(KIND_PLAIN, manifest.to_json())
    yield from _file_chunks(sqlite_path)


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise BackupFileError("备份密码不能为空。请输入密码。")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def write_encrypted(out: BinaryIO, plain: Path | Iterable[bytes], passphrase: str) -> bytes:
    """Encrypt a plain backup (a file, or its bytes from :func:`plain_chunks`) into ``out``.

    Returns the derived key, so the caller can authenticate the written file on read-back
    without deriving it a second time."""
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    meta = {
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": base64.b64encode(salt).decode(),
        "nonce": base64.b64encode(nonce).decode(),
    }
    prefix = _prefix(KIND_ENCRYPTED, json.dumps(meta, sort_keys=True).encode())
    enc = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(prefix)
    out.write(prefix)
    chunks = _file_chunks(plain) if isinstance(plain, Path) else plain
    out.writelines(enc.update(chunk) for chunk in chunks)
    out.write(enc.finalize())
    out.write(enc.tag)
    return key


def _chunks(fh: BinaryIO, length: int) -> Iterator[bytes]:
    left = length
    while left > 0:
        chunk = fh.read(min(CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)
        yield chunk


def decrypt_to(path: Path, header: Header, fh: BinaryIO, passphrase: str | None,
               sink: Callable[[bytes], object] | None, *, key: bytes | None = None) -> None:
    """Decrypt the body of ``path`` (positioned after the header), handing the plaintext to
    ``sink`` chunk by chunk (None: only authenticate it — GCM's tag proves every byte).

    ``sink`` receives unauthenticated bytes before this raises: the caller discards them."""
    if passphrase is None and key is None:
        raise BackupFileError(f"备份文件“{path.name}”已加密，请提供备份密码。")
    meta = header.meta
    try:
        nonce = base64.b64decode(meta["nonce"])
        if meta.get("cipher") != "AES-256-GCM" or meta.get("kdf") != "scrypt" or len(nonce) != 12:
            raise ValueError(meta)
        if key is None:
            n, r, p = int(meta["n"]), int(meta["r"]), int(meta["p"])
            if n > 2**20 or r > 32 or p > 16:
                raise ValueError(meta)
            key = _derive(passphrase or "", base64.b64decode(meta["salt"]), n, r, p)
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupFileError(BAD_PASSPHRASE) from exc
    body = path.stat().st_size - len(header.prefix) - TAG_SIZE
    if body < 0:
        raise BackupFileError(BAD_PASSPHRASE)
    dec = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
    dec.authenticate_additional_data(header.prefix)
    for chunk in _chunks(fh, body):
        plain = dec.update(chunk)
        if sink is not None:
            sink(plain)
    try:
        plain = dec.finalize_with_tag(fh.read(TAG_SIZE))
    except (InvalidTag, ValueError) as exc:
        raise BackupFileError(BAD_PASSPHRASE) from exc
    if sink is not None:
        sink(plain)


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
        decrypt_to(path, header, fh, passphrase, sink)
    finally:
        body.close()
    if problem is not None:
        raise problem
    if inner is None:
        raise BackupFileError(BAD_PASSPHRASE)
    manifest = Manifest(**inner.meta)
    body.check(manifest, path.name)
    return manifest
