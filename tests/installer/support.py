"""Shared helpers for the installer tests: installer/build_kit.py loaded from its file (installer/
is a folder of tools, not a package), and an environment for a brand-new account."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent


def load_build_kit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_kit", ROOT / "installer" / "build_kit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_kit"] = module
    spec.loader.exec_module(module)
    return module


def fresh_account(home: Path) -> dict[str, str]:
    """A minimal environment: a new user's HOME, no XDG or BranchBook variables, offscreen Qt."""
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}


def network_namespace_available() -> bool:
    """Whether this machine lets us run a command with no network at all (``unshare -n``)."""
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30,
                              check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


REGISTRY_UNREACHABLE = ("NewConnectionError", "Failed to establish a new connection",
                        "Temporary failure in name resolution", "Network is unreachable",
                        "ConnectTimeoutError", "Could not fetch URL")


def registry_unreachable(output: str) -> bool:
    return any(text in output for text in REGISTRY_UNREACHABLE) and os.environ.get("CI") != "true"
