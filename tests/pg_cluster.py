"""A throw-away PostgreSQL cluster for the tests marked ``postgres``: initdb + pg_ctl in a temporary
folder, listening on a free port of 127.0.0.1 only, trust authentication (nobody else can reach it),
durability switched off (nothing in it outlives the run).

Run as root (CI), the cluster belongs to an unprivileged system user (``postgres`` where Debian's
package made it, else ``nobody``): PostgreSQL refuses to run as root.

Standard library only: ``.ci/run`` calls it with the system Python before any venv exists::

    python3 tests/pg_cluster.py start FOLDER   # prints the cluster's URL
    python3 tests/pg_cluster.py stop FOLDER
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

SUPERUSER = "bbtest"
URL_ENV = "BRANCHBOOK_TEST_PG_URL"
#: members of this role log in with a password (scram-sha-256); everyone else is trusted. The tests of
#: the window's 连接服务器 dialog make such a role to see a wrong password refused.
PASSWORD_GROUP = "bb_password_required"


def bin_dir() -> Path | None:
    """The folder of initdb/pg_ctl/postgres (Debian keeps them off PATH), or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> str | None:
    """The unprivileged user that owns the cluster when we are root (None: we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("no unprivileged user to run PostgreSQL as")


def _cmd(user: str | None, *args: str) -> list[str]:
    return ["runuser", "-u", user, "--", *args] if user else list(args)


def start(folder: Path) -> str:
    """Start a cluster in ``folder`` (made if missing; its parent must be open to the cluster's user,
    as the system temp folder is); return its SQLAlchemy URL."""
    bindir = bin_dir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server programs (initdb, pg_ctl) not found")
    folder.mkdir(parents=True, exist_ok=True)
    user = _run_as()
    data, sock = folder / "data", folder / "sock"
    sock.mkdir(exist_ok=True)
    if user:
        entry = pwd.getpwnam(user)
        for p in (folder, sock):
            os.chown(p, entry.pw_uid, entry.pw_gid)
        os.chmod(folder, 0o700)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    made = subprocess.run(_cmd(user, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                               "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
                          capture_output=True, text=True, env=env, cwd=folder, check=False)
    if made.returncode != 0:
        raise RuntimeError(f"initdb failed: {made.stderr.strip()}")
    hba = data / "pg_hba.conf"  # the first matching line wins: the password rule goes before trust
    hba.write_text(f"host all +{PASSWORD_GROUP} 127.0.0.1/32 scram-sha-256\n"
                   + hba.read_text(encoding="utf-8"), encoding="utf-8")
    last: subprocess.CalledProcessError | None = None
    for _ in range(3):  # the free port may be taken between the look and the start
        port = _free_port()
        options = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        try:
            subprocess.run(_cmd(user, str(bindir / "pg_ctl"), "-D", str(data), "-o", options,
                                "-l", str(folder / "server.log"), "-w", "-t", "60", "start"),
                           check=True, capture_output=True, env=env, cwd=folder)
        except subprocess.CalledProcessError as exc:
            last = exc
            time.sleep(0.2)
            continue
        url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/postgres"
        (folder / "url").write_text(url, encoding="utf-8")
        return url
    log = (folder / "server.log").read_text(encoding="utf-8", errors="replace") if (folder / "server.log").exists() else ""
    raise RuntimeError(f"pg_ctl start failed: {last and last.stderr!r}\n{log[-2000:]}")


def stop(folder: Path) -> None:
    """Stop the cluster in ``folder`` (if running) and remove the folder."""
    bindir = bin_dir()
    data = folder / "data"
    if bindir is not None and (data / "postmaster.pid").exists():
        subprocess.run(_cmd(_run_as(), str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"),
                       capture_output=True, check=False, cwd=folder.parent)
    shutil.rmtree(folder, ignore_errors=True)


def watch(owner: int, folder: Path) -> None:
    """Stop the cluster in ``folder`` once process ``owner`` is gone (a test run killed by a timeout
    would otherwise leave its server running); returns early when the folder was removed."""
    while folder.exists():
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            stop(folder)
            return
        except PermissionError:
            pass
        time.sleep(2)


def start_watched(folder: Path) -> str:
    """:func:`start`, plus a detached watcher that stops the cluster if this process dies first."""
    url = start(folder)
    # through a shell that puts it in the background and returns: nothing of ours to reap later
    subprocess.run(["sh", "-c", '"$0" "$@" >/dev/null 2>&1 </dev/null &', sys.executable, __file__, "watch",
                    str(folder), str(os.getpid())], check=True, start_new_session=True)
    return url


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("start", "stop", "watch"):
        print("usage: pg_cluster.py start|stop FOLDER", file=sys.stderr)
        sys.exit(2)
    where = Path(sys.argv[2])
    if sys.argv[1] == "start":
        print(start(where))
    elif sys.argv[1] == "watch":
        watch(int(sys.argv[3]), where)
    else:
        stop(where)
