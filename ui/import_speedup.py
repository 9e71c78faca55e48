"""A faster form of one PySide6 import-time check (it changes no result).

Once PySide6 is imported, it looks at every module imported after it to learn whether the
module uses PySide6 (for its ``__feature__`` switches): it asks ``inspect.getsource`` for the
module's whole text — tokenizing for the encoding cookie, splitting into lines, joining them
again — and searches it for "PySide6". Hundreds of modules (ours, SQLAlchemy's, ReportLab's)
pay that on the way to the window. Here the same question is answered by reading the file's
bytes once; anything that is not a plain ``.py`` file still goes to PySide6's own check."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any


def install() -> None:
    """Replace the check, once, where this PySide6 has it (a no-op where it does not)."""
    feature = sys.modules.get("shibokensupport.feature")
    original: Any = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None or getattr(original, "quick", False):
        return

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(original(module))

    uses_pyside.quick = True  # type: ignore[attr-defined]
    uses_pyside.original = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
