"""Build the offline install kit for office PCs that cannot reach a package registry.

    python installer/build_kit.py --target windows|linux [--out DIR] [--python 3.12 ...]
    python installer/build_kit.py --target linux --resolve     # does setup.cfg resolve there?

Run it on a machine with registry access (any OS: every wheel is fetched for the target's
platform tags, never the build machine's). It writes ``DIR/BranchBook-<version>-<target>/``:

    install.sh | install.bat   finds a suitable Python and runs install_branchbook.py
    install_branchbook.py      venv + ``pip --no-index --find-links wheels`` + launchers
    安装说明.txt                what to bring and what to click, in Chinese
    wheels/                    branchbook's own wheel and every dependency for the target
    kit.json, branchbook.svg|.ico

Targets: Windows = win_amd64; Linux = x86_64 wheels that run on glibc 2.28 (UOS 20, Kylin V10),
i.e. manylinux_2_28 or older tags. Pythons: CPython 3.11, 3.12, 3.13 (the project needs 3.11;
3.14 is left out until every binary dependency publishes wheels for it).

The wheel list is installer/requirements-<target>.txt, pinned and complete, downloaded with
``--no-deps``: pip evaluates environment markers against the machine it runs on, so letting it
follow setup.cfg's markers here would fetch Linux's Qt for Windows. After downloading, the kit is
checked with the *target's* markers: every requirement of branchbook, followed through each
wheel's metadata, must be met by a wheel in the kit that installs on the target.
"""

from __future__ import annotations

import argparse
import configparser
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.tags import Tag, compatible_tags, cpython_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # pragma: no cover - pip always vendors it
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.tags import (  # type: ignore[no-redef]
        Tag,
        compatible_tags,
        cpython_tags,
    )
    from pip._vendor.packaging.utils import (  # type: ignore[no-redef]
        canonicalize_name,
        parse_wheel_filename,
    )
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "installer"
PYTHONS = ("3.11", "3.12", "3.13")
# glibc 2.28 runs wheels tagged manylinux_2_28 and every older manylinux tag; pip's --platform
# takes each tag literally (it does not expand manylinux_2_28 to older ones), so list them all.
LINUX_PLATFORMS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)),
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
)


@dataclass(frozen=True)
class Target:
    name: str
    platforms: tuple[str, ...]
    markers: dict[str, str] = field(default_factory=dict)

    def environment(self, python: str) -> dict[str, str]:
        """Marker variables of a PC of this target running CPython ``python``."""
        return {"implementation_name": "cpython", "platform_python_implementation": "CPython",
                "python_version": python, "python_full_version": f"{python}.0",
                "implementation_version": f"{python}.0", "platform_release": "",
                "platform_version": "", "extra": "", **self.markers}

    def tags(self, python: str) -> set[Tag]:
        version = tuple(int(part) for part in python.split("."))
        abi = f"cp{version[0]}{version[1]}"
        return {*cpython_tags(version, abis=[abi], platforms=self.platforms),
                *compatible_tags(version, interpreter=abi, platforms=self.platforms)}


TARGETS = {
    "windows": Target("windows", ("win_amd64",), {
        "os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
        "platform_machine": "AMD64"}),
    "linux": Target("linux", LINUX_PLATFORMS, {
        "os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
        "platform_machine": "x86_64"}),
}


class KitError(Exception):
    pass


#: optional extras of setup.cfg the kit carries too: "postgres" (psycopg), so that 连接服务器 works on
#: an offline PC; "scan" stays out (the 签到表 reader hides itself without it)
KIT_EXTRAS = ("postgres",)


def project_metadata() -> tuple[str, list[Requirement]]:
    """BranchBook's version and what the kit installs: install_requires and the extras KIT_EXTRAS,
    read from setup.cfg."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines()
    for extra in KIT_EXTRAS:
        lines += config["options.extras_require"][extra].splitlines()
    requirements = [Requirement(line) for line in (ln.strip() for ln in lines)
                    if line and not line.startswith("#")]
    return config["metadata"]["version"], requirements


def kit_root(version: str) -> str:
    """What the kit's installer asks pip for (install_branchbook.py reads it from kit.json)."""
    return f"branchbook[{','.join(KIT_EXTRAS)}]=={version}"


def pinned(target: Target) -> list[Requirement]:
    path = HERE / f"requirements-{target.name}.txt"
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [Requirement(line) for line in lines if line]


def for_target(requirements: list[Requirement], target: Target, python: str,
               extras: frozenset[str] = frozenset()) -> list[Requirement]:
    """The requirements that apply on the target (markers evaluated for it, not for this host)."""
    chosen = []
    for req in requirements:
        if req.marker is not None:
            envs = [{**target.environment(python), "extra": extra} for extra in extras or {""}]
            if not any(req.marker.evaluate(env) for env in envs):
                continue
        chosen.append(req)
    return chosen


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise KitError(f"pip failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return result


def platform_args(target: Target, python: str) -> list[str]:
    args = ["--only-binary=:all:", "--implementation", "cp", "--python-version", python]
    for platform in target.platforms:
        args += ["--platform", platform]
    return args


def resolve(target: Target, python: str) -> dict[str, str]:
    """What setup.cfg's requirements resolve to on the target, by asking the registry
    (``pip install --dry-run`` with the target's tags): {name: wheel file name}."""
    _, requirements = project_metadata()
    plain = [str(Requirement(f"{r.name}{'[' + ','.join(sorted(r.extras)) + ']' if r.extras else ''}{r.specifier}"))
             for r in for_target(requirements, target, python)]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        pip("install", "--dry-run", "--ignore-installed", "--quiet", "--target", str(Path(tmp) / "t"),
            "--report", str(report), *platform_args(target, python), *plain)
        data = json.loads(report.read_text(encoding="utf-8"))
    return {canonicalize_name(item["metadata"]["name"]):
            item["download_info"]["url"].rsplit("/", 1)[1] for item in data["install"]}


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(name).decode("utf-8"))
    return [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]


def check_closure(wheels: Path, target: Target, python: str, root: str) -> list[str]:
    """Problems that would stop ``pip install --no-index`` of ``root`` on the target."""
    tags = target.tags(python)
    available: dict[str, list[tuple[Version, Path]]] = {}
    for wheel in wheels.glob("*.whl"):
        name, version, _, wheel_tags = parse_wheel_filename(wheel.name)
        if tags & set(wheel_tags):
            available.setdefault(name, []).append((version, wheel))
    problems: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [(Requirement(root), "(kit)")]
    while queue:
        req, wanted_by = queue.pop()
        name = canonicalize_name(req.name)
        matches = [(v, w) for v, w in available.get(name, []) if req.specifier.contains(v, prereleases=True)]
        if not matches:
            problems.append(f"Python {python}: no wheel for {req} (needed by {wanted_by})")
            continue
        _, wheel = max(matches)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        for dep in for_target(wheel_requirements(wheel), target, python, frozenset(req.extras)):
            queue.append((dep, wheel.name))
    return problems


def copy_icons(kit: Path, target: Target) -> None:
    """The window's icon (ui/app.py); installer/branchbook.ico is the same drawing for Windows
    shortcuts and the bundle's .exe (rendered from the SVG at 16–256 px)."""
    shutil.copyfile(ROOT / "resources" / "icons" / "meetings.svg", kit / "branchbook.svg")
    if target.name == "windows":
        shutil.copyfile(HERE / "branchbook.ico", kit / "branchbook.ico")


def write_scripts(kit: Path, target: Target, version: str, pythons: list[str]) -> None:
    shutil.copyfile(HERE / "install_branchbook.py", kit / "install_branchbook.py")
    (kit / "kit.json").write_text(json.dumps(
        {"version": version, "target": target.name, "pythons": pythons, "install": kit_root(version)},
        ensure_ascii=False, indent=1),
        encoding="utf-8")
    low, high = pythons[0], pythons[-1]
    listed = "、".join(pythons)
    if target.name == "linux":
        candidates = " ".join(f"python{v}" for v in reversed(pythons))
        script = f"""#!/bin/sh
# 支部工作记录本 {version}: offline install (no network). Finds Python {low}-{high}, then runs
# install_branchbook.py, which makes a venv and installs from wheels/ with pip --no-index.
cd "$(dirname "$0")" || exit 1
for py in "${{BRANCHBOOK_PYTHON:-}}" {candidates} python3; do
  [ -n "$py" ] || continue
  command -v "$py" >/dev/null 2>&1 || continue
  if "$py" -c 'import sys; sys.exit(0 if ({low.replace(".", ",")}) <= sys.version_info[:2] <= ({high.replace(".", ",")}) else 1)' 2>/dev/null; then
    exec "$py" install_branchbook.py "$@"
  fi
done
echo "没有找到 Python {listed}。请先安装其中之一（见“安装说明.txt”），再运行 sh install.sh。" >&2
exit 1
"""
        (kit / "install.sh").write_text(script, encoding="utf-8", newline="\n")
        (kit / "install.sh").chmod(0o755)
    else:
        tries = " ".join(reversed(pythons))
        script = f"""@echo off
rem 支部工作记录本 {version}: offline install (no network). Finds Python {low}-{high}, then runs
rem install_branchbook.py, which makes a venv and installs from wheels\\ with pip --no-index.
setlocal
cd /d "%~dp0"
set "PYEXE="
for %%v in ({tries}) do if not defined PYEXE (
  py -%%v -c "import sys" >nul 2>nul && set "PYEXE=py -%%v"
)
if not defined PYEXE (
  python -c "import sys; sys.exit(0 if ({low.replace(".", ",")}) <= sys.version_info[:2] <= ({high.replace(".", ",")}) else 1)" >nul 2>nul && set "PYEXE=python"
)
if not defined PYEXE (
  echo 没有找到 Python {listed}。请先安装 Python（见“安装说明.txt”），再双击 install.bat。
  if not "%BRANCHBOOK_NO_PAUSE%"=="1" pause
  exit /b 1
)
%PYEXE% install_branchbook.py %*
set "RC=%ERRORLEVEL%"
if not "%BRANCHBOOK_NO_PAUSE%"=="1" pause
exit /b %RC%
"""
        # cmd.exe reads a .bat in the console's code page: GBK (936) on Chinese Windows.
        (kit / "install.bat").write_bytes(script.replace("\n", "\r\n").encode("gbk"))
    notes = (HERE / f"install-notes-{target.name}.txt").read_text(encoding="utf-8")
    notes = notes.replace("{version}", version).replace("{pythons}", listed).replace("{python}", high)
    if target.name == "windows":  # Notepad: a BOM and CRLF make sure it reads as Chinese
        (kit / "安装说明.txt").write_bytes(b"\xef\xbb\xbf" + notes.replace("\n", "\r\n").encode("utf-8"))
    else:
        (kit / "安装说明.txt").write_text(notes, encoding="utf-8", newline="\n")


def pin_problems(target: Target, python: str) -> list[str]:
    """Requirements of setup.cfg (with the target's markers) that the pinned list does not meet."""
    _, requirements = project_metadata()
    pins = {canonicalize_name(r.name): r for r in pinned(target)}
    problems = []
    for req in for_target(requirements, target, python):
        pin = pins.get(canonicalize_name(req.name))
        exact = [s.version for s in pin.specifier if s.operator == "=="] if pin else []
        if len(exact) != 1 or not req.specifier.contains(exact[0], prereleases=True):
            problems.append(f"installer/requirements-{target.name}.txt: {req.name} is not pinned "
                            f"(==) within setup.cfg's '{req}' for CPython {python}")
    return problems


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def build(target: Target, out: Path, pythons: list[str]) -> Path:
    version, _ = project_metadata()
    problems = [p for python in pythons for p in pin_problems(target, python)]
    if problems:
        raise KitError("\n".join(problems))
    kit = out / f"BranchBook-{version}-{target.name}"
    if kit.exists():
        shutil.rmtree(kit)
    wheels = kit / "wheels"
    wheels.mkdir(parents=True)
    print(f"building branchbook {version} wheel", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        pip("wheel", "--no-deps", "--quiet", "--wheel-dir", tmp, str(ROOT))
        for wheel in Path(tmp).glob("branchbook-*.whl"):
            shutil.copy2(wheel, wheels / wheel.name)
    requirements_file = str(HERE / f"requirements-{target.name}.txt")
    for python in pythons:
        print(f"downloading {target.name} wheels for CPython {python}", flush=True)
        pip("download", "--no-deps", "--quiet", "--dest", str(wheels), *platform_args(target, python),
            "-r", requirements_file)
    problems = [p for python in pythons
                for p in check_closure(wheels, target, python, kit_root(version))]
    if problems:
        raise KitError("the kit would not install offline:\n  " + "\n  ".join(problems))
    copy_icons(kit, target)
    write_scripts(kit, target, version, pythons)
    size = folder_size(kit)
    print(f"kit: {kit} ({len(list(wheels.glob('*.whl')))} wheels, {size / 2**20:.0f} MiB)")
    return kit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build BranchBook's offline install kit.")
    parser.add_argument("--target", required=True, choices=sorted(TARGETS))
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the kit (default dist/)")
    parser.add_argument("--python", action="append", choices=PYTHONS,
                        help="CPython version(s) to carry wheels for (default: all of %(choices)s)")
    parser.add_argument("--resolve", action="store_true",
                        help="only ask the registry what setup.cfg resolves to on the target, "
                             "and compare it with the pinned list")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
    pythons = sorted(set(args.python or PYTHONS), key=Version)
    try:
        if args.resolve:
            pins = {canonicalize_name(r.name): str(next(iter(r.specifier)).version) for r in pinned(target)}
            differ = False
            for python in pythons:
                print(f"{target.name}, CPython {python}: setup.cfg resolves to")
                for name, wheel in sorted(resolve(target, python).items()):
                    version = parse_wheel_filename(wheel)[1]
                    note = "" if pins.get(name) == str(version) else f"   (pinned: {pins.get(name)})"
                    differ |= bool(note)
                    print(f"  {wheel}{note}")
            print("pins differ from the newest resolution" if differ else "pins match")
            return 0
        build(target, args.out, pythons)
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
