"""A guard against a PySide6 (shiboken 6.12) reference-count bug on Python 3.11.

There, every call of a Qt method that returns nothing gives back one reference to ``None`` too
many, and some signal emissions do the same to ``True``/``False``. From Python 3.12 on these
objects are immortal and the extra releases do nothing; on 3.11 a long session (or a long test
run) eventually frees ``None`` or ``False`` and the interpreter aborts ("Fatal Python error:
none_dealloc" / "bool_dealloc"), possibly while a record is being typed. The guard gives the
three singletons a reference count no session can use up. It changes nothing else."""

from __future__ import annotations

import ctypes
import sys

#: 2**40 references: a billion void calls a second would take twelve days to use them up.
EXTRA_REFERENCES = 1 << 40
_done = False


def pin_singletons() -> None:
    """Raise the reference counts of None, True and False once per process (CPython < 3.12)."""
    global _done
    if _done or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += EXTRA_REFERENCES
    _done = True
