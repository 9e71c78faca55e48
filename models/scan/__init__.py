"""Reading a photographed or scanned 签到表 back into attendance (issue 16).

:mod:`models.scan.key` (the printed sheet's geometry and QR payload) is plain Python and used by
reports/signin.py. The reader itself needs the optional ``scan`` extra (OpenCV, NumPy, pypdfium2, zxing-cpp):
:func:`available` tells whether it is installed, so the window and the command line can hide the
feature, and nothing here imports those libraries at start-up."""

from __future__ import annotations

import importlib.util

#: What to install when the extra is missing (shown to the user).
INSTALL_HINT = "扫描识别签到表需要安装可选组件：pip install \"branchbook[scan]\"（含 opencv-python-headless、numpy、pypdfium2、zxing-cpp）。"


def available() -> bool:
    """True when the libraries of the ``scan`` extra can be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ("cv2", "numpy", "pypdfium2"))
