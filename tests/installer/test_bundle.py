"""The bundled app for PCs without Python (installer/branchbook.spec, PyInstaller one-folder): built
here, then run as a new user would, with nothing of this checkout or its Python in reach — commands
work (demo, check: migrations and data files found inside the bundle) and the window opens offscreen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.support import ROOT, fresh_account


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=120, check=False)


@pytest.mark.slow
def test_bundle_runs_commands_and_opens_the_window(tmp_path: Path) -> None:
    pytest.importorskip("PyInstaller", reason="the bundle is built with PyInstaller (pip install -e .[bundle])")
    built = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "build"),
         str(ROOT / "installer" / "branchbook.spec")],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200, check=False)
    assert built.returncode == 0, built.stderr[-4000:]
    # Moved away from the build folders, as a copy from a USB stick would be.
    bundle = tmp_path / "U盘" / "BranchBook"
    shutil.move(str(tmp_path / "dist" / "BranchBook"), bundle)
    shutil.rmtree(tmp_path / "build")
    suffix = ".exe" if sys.platform == "win32" else ""
    cli, window = bundle / f"branchbook-cli{suffix}", bundle / f"BranchBook{suffix}"
    assert cli.is_file() and window.is_file()

    home = tmp_path / "新用户"
    env = fresh_account(home)
    db = home / "示例支部.sqlite3"
    demo = run([str(cli), "demo", "--db", str(db)], env, home)
    assert demo.returncode == 0, demo.stderr
    check = run([str(cli), "check", "--db", str(db)], env, home)
    assert check.returncode == 0, check.stderr
    assert "检查结果：正常" in check.stdout and "数据版本" in check.stdout
    # 连接服务器: the bundle carries the PostgreSQL driver (nothing listens on port 1: refused, not missing)
    server = run([str(cli), "check", "--db", "postgresql+psycopg://branch@127.0.0.1:1/records"], env, home)
    assert server.returncode == 1 and "无法连接数据库服务器" in server.stderr, server.stderr

    env["BRANCHBOOK_TEST_WINDOW_PROBE"] = "1"  # ui/window_probe.py: announce each window, then close it
    opened = run([str(window), "--db", str(db)], env, home)
    shown = [line.split("\t")[1:] for line in opened.stdout.splitlines() if line.startswith("WINDOW\t")]
    assert shown and shown[0][0] == "MainWindow", opened.stdout + opened.stderr
    assert opened.returncode == 0 and "Traceback" not in opened.stderr
