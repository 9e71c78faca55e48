"""支部工作记录本 offline installer, shipped inside the install kit (see installer/build_kit.py).

Run by install.sh / install.bat with a Python the kit has wheels for. Standard library only:
it makes a virtual environment, installs BranchBook from the kit's wheels/ folder with
``pip --no-index`` (no network at all) and creates the launchers:

- Linux: ``~/.local/bin/branchbook`` and ``<prefix>/branchbook`` (shell scripts), a .desktop entry
  in the applications menu and, when a desktop folder exists, on the desktop.
- Windows: a Start-menu shortcut and a desktop shortcut, and ``<prefix>\\branchbook.bat`` for
  the command line.

The user's records are not in the install folder (they live in the user data folder), so
installing again replaces the program and keeps every record.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
APP_TITLE = "支部工作记录本"


class InstallError(Exception):
    """A problem the user can fix; the message is Chinese and says how."""


def kit_info() -> dict[str, object]:
    return json.loads((HERE / "kit.json").read_text(encoding="utf-8"))


def default_prefix() -> Path:
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "Programs" / "BranchBook"
    return Path.home() / ".local" / "opt" / "branchbook"


def check_python(info: dict[str, object]) -> None:
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    pythons = [str(v) for v in info["pythons"]]  # type: ignore[attr-defined]
    if here not in pythons:
        raise InstallError(
            f"当前的 Python 是 {here} 版，本安装包只带有 Python {'、'.join(pythons)} 所需的文件。"
            f"请安装 Python {pythons[-1]}（见“安装说明.txt”）后重新运行。")
    target = info["target"]
    running = "windows" if sys.platform == "win32" else "linux"
    if target != running:
        names = {"windows": "Windows", "linux": "Linux（统信 UOS、麒麟等）"}
        raise InstallError(f"这是 {names[str(target)]} 的安装包，不能在 {names[running]} 上安装，"
                           f"请使用 {names[running]} 的安装包。")


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace")
    if result.returncode != 0:
        (HERE / "安装日志.txt").write_text(result.stdout, encoding="utf-8")
        raise InstallError(f"{what}失败。详细信息已写入安装包文件夹中的“安装日志.txt”，"
                           f"请把它交给技术人员。")


def venv_python(venv: Path) -> Path:
    if sys.platform == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def make_venv(prefix: Path) -> Path:
    venv = prefix / "venv"
    if venv.exists():
        if not (venv / "pyvenv.cfg").exists():
            raise InstallError(f"安装位置“{venv}”已有其他文件，请换一个位置（--prefix 文件夹）。")
        shutil.rmtree(venv)  # the old program only: records live in the user data folder
    prefix.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except subprocess.CalledProcessError as exc:
        hint = ("（统信 UOS、麒麟等系统需要先安装 python3-venv 软件包）"
                if sys.platform != "win32" else "")
        raise InstallError(f"无法创建程序环境{hint}：{exc.output.decode(errors='replace').strip()}")
    return venv


def install_wheels(venv: Path, version: str, requirement: str | None = None) -> None:
    # --isolated: no pip configuration of this PC (an index address, proxies) is consulted;
    # --no-index: nothing is fetched from a network, everything comes from the kit.
    # ``requirement`` (kit.json's "install"): the program with the extras the kit carries (postgres).
    _run([str(venv_python(venv)), "-m", "pip", "--isolated", "--disable-pip-version-check",
          "install", "--no-index", "--find-links", str(HERE / "wheels"),
          requirement or f"branchbook=={version}"], "安装程序文件")


def _desktop_dir() -> Path | None:
    try:
        out = subprocess.run(["xdg-user-dir", "DESKTOP"], capture_output=True, text=True,
                             check=False).stdout.strip()
    except OSError:
        out = ""
    for candidate in (out, str(Path.home() / "Desktop"), str(Path.home() / "桌面")):
        if candidate and Path(candidate).is_dir() and Path(candidate) != Path.home():
            return Path(candidate)
    return None


def linux_launchers(prefix: Path, venv: Path, desktop: bool) -> list[Path]:
    program = venv / "bin" / "branchbook"
    script = f'#!/bin/sh\n# {APP_TITLE}\nexec "{program}" "$@"\n'
    made = []
    bin_dir = Path.home() / ".local" / "bin"
    for path in (prefix / "branchbook", bin_dir / "branchbook"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)
        made.append(path)
    icon = prefix / "branchbook.svg"
    shutil.copyfile(HERE / "branchbook.svg", icon)
    entry = ("[Desktop Entry]\nType=Application\n"
             f"Name={APP_TITLE}\nGenericName=三会一课记录\n"
             f"Comment=记录支部会议、出席和学习，打印会议记录和台账\n"
             f'Exec="{program}"\nIcon={icon}\nTerminal=false\nCategories=Office;\n')
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    targets = [data_home / "applications" / "branchbook.desktop"]
    folder = _desktop_dir() if desktop else None
    if folder is not None:
        targets.append(folder / "branchbook.desktop")
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry, encoding="utf-8")
        path.chmod(0o755)  # desktops run only entries marked executable
        made.append(path)
    return made


def _ps_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def windows_launchers(prefix: Path, venv: Path, desktop: bool) -> list[Path]:
    program = venv / "Scripts" / "branchbook.exe"
    icon = prefix / "branchbook.ico"
    shutil.copyfile(HERE / "branchbook.ico", icon)
    cli = prefix / "branchbook.bat"
    cli.write_text('@"%~dp0venv\\Scripts\\python.exe" -c "import sys, main; sys.exit(main.main())" %*\r\n',
                   encoding="ascii")
    start_menu = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    links = [start_menu / "Microsoft" / "Windows" / "Start Menu" / "Programs" / f"{APP_TITLE}.lnk"]
    script = ["$ws = New-Object -ComObject WScript.Shell"]
    folders = [_ps_quote(str(links[0].parent))]
    if desktop:
        folders.append("[Environment]::GetFolderPath('Desktop')")
    for folder in folders:
        script.append(
            f"$s = $ws.CreateShortcut((Join-Path ({folder}) {_ps_quote(APP_TITLE + '.lnk')})); "
            f"$s.TargetPath = {_ps_quote(str(program))}; "
            f"$s.WorkingDirectory = [Environment]::GetFolderPath('MyDocuments'); "
            f"$s.IconLocation = {_ps_quote(str(icon))}; $s.Save()")
    links[0].parent.mkdir(parents=True, exist_ok=True)
    _run(["powershell", "-NoProfile", "-ExecutionPolicy", "Bypass", "-Command", "; ".join(script)],
         "创建开始菜单快捷方式")
    return [*links, cli]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"{APP_TITLE} 离线安装（不需要联网）")
    parser.add_argument("--prefix", type=Path, help="安装位置（默认：当前用户的程序文件夹）")
    parser.add_argument("--no-desktop", action="store_true", help="不在桌面上放快捷方式")
    args = parser.parse_args(argv)
    try:
        info = kit_info()
        check_python(info)
        prefix = (args.prefix or default_prefix()).expanduser().resolve()
        print(f"正在安装{APP_TITLE} {info['version']} 到：{prefix}")
        print("第 1 步，共 3 步：创建程序环境……", flush=True)
        venv = make_venv(prefix)
        print("第 2 步，共 3 步：安装程序文件（约需一两分钟，不需要联网）……", flush=True)
        install_wheels(venv, str(info["version"]), str(info["install"]) if info.get("install") else None)
        print("第 3 步，共 3 步：创建快捷方式……", flush=True)
        if sys.platform == "win32":
            made = windows_launchers(prefix, venv, not args.no_desktop)
        else:
            made = linux_launchers(prefix, venv, not args.no_desktop)
    except InstallError as exc:
        print(f"安装未完成：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"安装未完成：无法写入文件（{exc.strerror}：{exc.filename}）。"
              f"请检查磁盘空间和文件夹权限后重新运行。", file=sys.stderr)
        return 1
    print("安装完成。已创建：")
    for path in made:
        print(f"  {path}")
    print(f"在开始菜单（或应用程序菜单）中点击“{APP_TITLE}”即可打开。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
