"""As a new user: the real program started in its own process on a fresh account — HOME, XDG
folders and APPDATA point at an empty folder, no BRANCHBOOK_DATA_DIR, no user data folder.

The window is observed from outside: with BRANCHBOOK_TEST_WINDOW_PROBE=1 the program prints
each top-level window it shows (class, title, message text) and closes it (ui/window_probe.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "新用户"
    folder.mkdir()
    return folder


def fresh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRANCHBOOK_", "XDG_"))}
    env.update(
        HOME=str(home), USERPROFILE=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"), XDG_STATE_HOME=str(home / ".local" / "state"),
        APPDATA=str(home / "AppData" / "Roaming"), LOCALAPPDATA=str(home / "AppData" / "Local"),
        QT_QPA_PLATFORM="offscreen", BRANCHBOOK_TEST_WINDOW_PROBE="1", PYTHONIOENCODING="utf-8",
    )
    return env


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=home,
                          env={**fresh_env(home), **(env or {})},
                          capture_output=True, text=True, encoding="utf-8", timeout=120, check=False)


def windows(result: subprocess.CompletedProcess[str]) -> list[list[str]]:
    return [line.split("\t")[1:] for line in result.stdout.splitlines() if line.startswith("WINDOW\t")]


def test_first_launch_shows_the_first_run_dialog(home: Path, tmp_path: Path) -> None:
    shots = tmp_path / "截图"
    result = run(home, env={"BRANCHBOOK_TEST_WINDOW_SHOTS": str(shots)})
    shown = windows(result)
    assert shown, f"no window was shown: {result.stdout!r} {result.stderr!r}"
    assert shown[0][:2] == ["BranchDialog", "欢迎使用支部工作记录本"], shown
    assert not any(kind == "QMessageBox" for kind, *_rest in shown), shown
    assert result.returncode == 0 and "Traceback" not in result.stderr
    made = list(home.rglob("branchbook.sqlite3"))
    assert len(made) == 1 and made[0].parent.name == "BranchBook"  # the user data folder was created
    assert not list(home.rglob("*.lock"))  # released on the way out
    assert not list(home.rglob("*.bbk"))  # cancelled: no automatic backup of an empty database
    assert [p.name for p in sorted(shots.iterdir())][:1] == ["01-BranchDialog.png"]
    assert (shots / "01-BranchDialog.png").stat().st_size > 5_000  # a drawn dialog, not a blank


def test_a_database_made_by_init_opens_the_main_window(home: Path) -> None:
    made = run(home, "init", "--name", "中共测试局第一党支部", "--since", "2026-01")
    assert made.returncode == 0, made.stderr
    result = run(home)
    shown = windows(result)
    assert shown and shown[0][0] == "MainWindow" and "中共测试局第一党支部" in shown[0][1], shown
    assert result.returncode == 0 and "Traceback" not in result.stderr


def test_commands_on_a_fresh_account_explain_instead_of_failing(home: Path) -> None:
    result = run(home, "check")
    assert result.returncode == 1 and "找不到数据库文件" in result.stderr and "Traceback" not in result.stderr
