"""The offline install kit (installer/build_kit.py): the pinned wheel lists meet setup.cfg on each
target, a kit missing a dependency for the target is refused, and — slow, needs the registry to
build — the Linux kit installs with no network at all and its launcher runs demo and check."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.installer.support import (
    ROOT,
    fresh_account,
    load_build_kit,
    network_namespace_available,
    registry_unreachable,
)

bk = load_build_kit()
HOST_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.mark.parametrize("target", ["windows", "linux"])
@pytest.mark.parametrize("python", ["3.11", "3.13"])
def test_pinned_wheels_meet_setup_cfg_on_the_target(target: str, python: str) -> None:
    assert bk.pin_problems(bk.TARGETS[target], python) == []


@pytest.mark.parametrize("target", ["windows", "linux"])
def test_the_kit_carries_the_postgres_driver(target: str) -> None:
    """连接服务器 on an offline PC: psycopg and its compiled libpq (the "binary" extra, pinned to the same
    release, as psycopg requires) are in the kit, and the installer asks for the postgres extra."""
    pins = {r.name.lower(): str(r.specifier) for r in bk.pinned(bk.TARGETS[target])}
    assert pins["psycopg"].startswith("==") and pins["psycopg-binary"] == pins["psycopg"]
    if target == "windows":  # psycopg needs the time-zone database there
        assert "tzdata" in pins
    assert bk.kit_root("1.2.3") == "branchbook[postgres]==1.2.3"


def test_qt_is_chosen_by_platform() -> None:
    _, requirements = bk.project_metadata()

    def qt(target: str) -> set[str]:
        return {r.name for r in bk.for_target(requirements, bk.TARGETS[target], "3.12")
                if r.name.startswith("PySide6")}

    assert qt("windows") == {"PySide6-Essentials", "PySide6-Pdf"}
    assert qt("linux") == {"PySide6-Essentials", "PySide6-Addons"}
    linux_pins = {r.name: str(r.specifier) for r in bk.pinned(bk.TARGETS["linux"])}
    assert linux_pins["PySide6-Addons"].startswith("==6.9")  # the newest Qt whose wheels run on glibc 2.28


def make_wheel(folder: Path, name: str, version: str, tag: str, requires: list[str]) -> None:
    dist = f"{name}-{version}"
    metadata = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}".format(
        name, version, "".join(f"Requires-Dist: {r}\n" for r in requires))
    with zipfile.ZipFile(folder / f"{dist}-{tag}.whl", "w") as archive:
        archive.writestr(f"{dist}.dist-info/METADATA", metadata)


def test_a_dependency_missing_for_the_target_is_found_with_the_targets_markers(tmp_path: Path) -> None:
    make_wheel(tmp_path, "app", "1.0", "py3-none-any", ["lib>=2", 'winonly; sys_platform == "win32"'])
    make_wheel(tmp_path, "lib", "2.1", "cp312-cp312-win_amd64", [])
    make_wheel(tmp_path, "lib", "2.0", "cp312-cp312-manylinux_2_34_x86_64", [])  # too new a glibc

    windows = bk.check_closure(tmp_path, bk.TARGETS["windows"], "3.12", "app==1.0")
    assert len(windows) == 1 and "winonly" in windows[0]  # the host here is Linux: markers are Windows'
    linux = bk.check_closure(tmp_path, bk.TARGETS["linux"], "3.12", "app==1.0")
    assert len(linux) == 1 and "lib>=2" in linux[0]  # manylinux_2_34 does not run on glibc 2.28
    assert "no wheel" in bk.check_closure(tmp_path, bk.TARGETS["windows"], "3.13", "app==1.0")[0]

    make_wheel(tmp_path, "winonly", "1.0", "py3-none-any", [])
    make_wheel(tmp_path, "lib", "2.0", "cp312-cp312-manylinux_2_17_x86_64", [])
    assert bk.check_closure(tmp_path, bk.TARGETS["windows"], "3.12", "app==1.0") == []
    assert bk.check_closure(tmp_path, bk.TARGETS["linux"], "3.12", "app==1.0") == []


def run(command: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, check=False)


@pytest.mark.slow
def test_linux_kit_installs_and_runs_with_no_network(tmp_path: Path) -> None:
    if sys.platform != "linux":
        pytest.skip("the Linux kit is tested on Linux")
    if HOST_PYTHON not in bk.PYTHONS:
        pytest.skip(f"the kit carries wheels for CPython {', '.join(bk.PYTHONS)}, not {HOST_PYTHON}")
    if not network_namespace_available():
        pytest.skip("this machine does not allow a network namespace (unshare -n)")
    built = subprocess.run([sys.executable, str(ROOT / "installer" / "build_kit.py"), "--target", "linux",
                            "--out", str(tmp_path / "out"), "--python", HOST_PYTHON],
                           capture_output=True, text=True, timeout=900, check=False)
    if built.returncode != 0 and registry_unreachable(built.stderr):
        pytest.skip("building the kit needs the package registry, which cannot be reached here")
    assert built.returncode == 0, built.stderr
    kits = list((tmp_path / "out").glob("BranchBook-*-linux"))
    assert len(kits) == 1
    kit = kits[0]
    assert (kit / "安装说明.txt").read_text(encoding="utf-8").startswith("支部工作记录本")
    assert not list((kit / "wheels").glob("*manylinux_2_3[0-9]*")), "a wheel needs a newer glibc than 2.28"

    home = tmp_path / "新用户"
    env = fresh_account(home)
    env["BRANCHBOOK_PYTHON"] = sys.executable
    offline = ["unshare", "-n"]
    installed = run([*offline, "sh", str(kit / "install.sh")], env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "安装完成" in installed.stdout

    launcher = home / ".local" / "bin" / "branchbook"
    entry = (home / ".local" / "share" / "applications" / "branchbook.desktop").read_text(encoding="utf-8")
    assert "Name=支部工作记录本" in entry
    program = entry.split('Exec="', 1)[1].split('"', 1)[0]
    assert Path(program).is_file()

    db = home / "示例支部.sqlite3"
    demo = run([*offline, str(launcher), "demo", "--db", str(db)], env)
    assert demo.returncode == 0, demo.stderr
    check = run([*offline, str(launcher), "check", "--db", str(db)], env)
    assert check.returncode == 0, check.stderr
    assert "检查结果：正常" in check.stdout and "党员 30" in check.stdout

    # 连接服务器 from the kit: the driver is installed (nothing listens on port 1: refused, not missing)
    server = run([*offline, str(launcher), "check", "--db", "postgresql+psycopg://branch@127.0.0.1:1/records"], env)
    assert server.returncode == 1 and "无法连接数据库服务器" in server.stderr, server.stderr

    again = run([*offline, "sh", str(kit / "install.sh"), "--no-desktop"], env)  # an upgrade keeps records
    assert again.returncode == 0, again.stderr
    assert "检查结果：正常" in run([*offline, str(launcher), "check", "--db", str(db)], env).stdout
