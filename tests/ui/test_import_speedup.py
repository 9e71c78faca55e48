"""PySide6's check of each imported module, answered from the file's bytes, gives the answer
PySide6's own check gives for every module loaded in a test run (ui.import_speedup)."""

from __future__ import annotations

import sys

import pytest

from ui import import_speedup


def test_quick_check_agrees_with_pysides_own() -> None:
    import models.paths  # noqa: F401 - one module that does not use PySide6 …
    import ui.look  # noqa: F401 - … and one that does

    import_speedup.install()
    feature = sys.modules.get("shibokensupport.feature")
    quick = getattr(feature, "_mod_uses_pyside", None)
    if quick is None:
        pytest.skip("this PySide6 has no such check")
    assert quick.quick
    modules = [m for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)]
    answers = {m.__name__: (quick(m), quick.original(m)) for m in modules}
    assert len(answers) > 100
    assert answers["ui.look"] == (True, True) and answers["models.paths"] == (False, False)
    assert all(q == o for q, o in answers.values()), [n for n, (q, o) in answers.items() if q != o]
