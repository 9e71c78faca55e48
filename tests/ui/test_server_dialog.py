"""文件 › 连接服务器… and the first-run dialog's 连接单位的服务器 (issue 15): the dialog checks each field,
tries a real PostgreSQL server, explains every failure under the field to correct, remembers the
server (never the password, unless asked, and then only in an owner-only password file), and the
window switches to the server and back to the local file."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, make_url

import main
from models import paths
from models.db import Database, open_database
from models.server_connect import ServerAddress, password_file
from tests import pg_cluster
from tests.ui import gui_support
from tests.ui.gui_support import ime_type
from ui.branch_dialog import BranchDialog
from ui.server_dialog import ServerDialog
from ui.settings import LAST_SERVER, Settings
from ui.startup_checks import open_for_gui
from ui.window_session import WindowSession

_n = itertools.count()


# every message box answers Yes (tests.ui.gui_support.answer)
answer = gui_support.answer
pytestmark = pytest.mark.usefixtures("answer")


@pytest.fixture
def role(pg_url: str) -> Iterator[str]:
    """A login role unique to this test, dropped afterwards (roles belong to the whole cluster)."""
    name = f"bb_dialog_{os.getpid()}_{next(_n)}"
    yield name
    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).scalar():
            conn.exec_driver_sql(f'DROP OWNED BY "{name}"')
            conn.exec_driver_sql(f'DROP ROLE "{name}"')
    engine.dispose()


def _fill(dialog: ServerDialog, url: str, *, database: str | None = None, user: str | None = None,
          port: int | None = None, password: str = "") -> None:
    u = make_url(url)
    for edit, value in ((dialog.host_edit, u.host), (dialog.port_edit, str(port or u.port)),
                        (dialog.database_edit, database or u.database), (dialog.username_edit, user or u.username),
                        (dialog.password_edit, password)):
        edit.clear()
        if value:
            ime_type(edit, str(value))


def _try(qtbot: QtBot, dialog: ServerDialog) -> None:
    """Press 连接 and wait for the answer (connected, or an error under a field)."""
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.connecting, timeout=20_000)


def _shown_errors(dialog: ServerDialog) -> dict[str, str]:
    found = {name: label.text() for name, label in dialog.errors.items() if not label.isHidden()}
    if not dialog.general_error.isHidden():
        found[""] = dialog.general_error.text()
    return found


def test_empty_and_malformed_fields_are_named_before_any_connection(qtbot: QtBot) -> None:
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.connect_button.click()
    assert list(_shown_errors(dialog)) == ["host"] and "服务器地址" in _shown_errors(dialog)["host"]
    ime_type(dialog.host_edit, "192.168.1.20")
    dialog.port_edit.clear()
    ime_type(dialog.port_edit, "54３2x")
    dialog.connect_button.click()
    assert list(_shown_errors(dialog)) == ["port"] and "1–65535" in _shown_errors(dialog)["port"]
    assert not dialog.connecting and dialog.db is None


def test_each_failure_is_explained_under_its_field(qtbot: QtBot, pg_url: str, role: str) -> None:
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, pg_url, database="no_such_records")
    _try(qtbot, dialog)
    errors = _shown_errors(dialog)
    assert list(errors) == ["database"] and "no_such_records" in errors["database"], errors

    _fill(dialog, pg_url, port=1)  # nothing listens there
    _try(qtbot, dialog)
    errors = _shown_errors(dialog)
    assert list(errors) == ["host"] and "无法连接数据库服务器" in errors["host"], errors

    _fill(dialog, pg_url, user="no_such_secretary")
    _try(qtbot, dialog)
    errors = _shown_errors(dialog)
    assert list(errors) == ["username"] and "no_such_secretary" in errors["username"], errors

    # a role that exists but was granted no branch: told to ask the committee for `server grant`
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
    admin.dispose()
    _fill(dialog, pg_url, user=role)
    _try(qtbot, dialog)
    errors = _shown_errors(dialog)
    assert list(errors) == ["username"] and "server grant" in errors["username"] and role in errors["username"]
    assert dialog.db is None and dialog.isVisible()


def test_a_wrong_password_is_refused_under_the_password(qtbot: QtBot, pg_url: str, role: str) -> None:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (pg_cluster.PASSWORD_GROUP,)).scalar():
            conn.exec_driver_sql(f"CREATE ROLE {pg_cluster.PASSWORD_GROUP} NOLOGIN")
        conn.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '正确的密码' IN ROLE {pg_cluster.PASSWORD_GROUP}")
    admin.dispose()
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, pg_url, user=role, password="wrong")
    _try(qtbot, dialog)
    errors = _shown_errors(dialog)
    if not errors:
        pytest.skip("this PostgreSQL server trusts every login (no password rule for the test group)")
    assert list(errors) == ["password"] and "密码不对" in errors["password"], errors
    assert "wrong" not in errors["password"]


def test_connecting_remembers_the_server_not_the_password(qtbot: QtBot, pg_url: str) -> None:
    settings = Settings()
    dialog = ServerDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(dialog, pg_url, password="secret-typed-here")  # the trusted superuser: any password does
    _try(qtbot, dialog)
    assert dialog.db is not None and dialog.db.is_server and not dialog.isVisible()
    dialog.db.close()
    u = make_url(pg_url)
    label = f"{u.username}@{u.host}:{u.port}/{u.database}"
    assert settings.recent_servers() == [label]
    settings.sync()
    saved = "".join(p.read_text(encoding="utf-8") for p in paths.data_dir().rglob("*") if p.is_file())
    assert label in saved and "secret-typed-here" not in saved  # unticked: no password file either
    assert not password_file().exists()

    again = ServerDialog(settings=settings, address=ServerAddress.from_label(label))
    qtbot.addWidget(again)
    again.show()
    ime_type(again.password_edit, "secret:with\\colon")
    again.remember_box.setChecked(True)
    _try(qtbot, again)
    assert again.db is not None
    again.db.close()
    kept = password_file()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text(encoding="utf-8").strip().endswith("secret\\:with\\\\colon")
    assert "secret" not in "".join(p.read_text(encoding="utf-8") for p in paths.data_dir().rglob("*.ini"))
    third = ServerDialog(settings=settings, address=ServerAddress.from_label(label))
    qtbot.addWidget(third)
    assert third.remember_box.isChecked() and "记住" in third.password_edit.placeholderText()
    third.remember_box.setChecked(False)  # unticked on a later connection: the password is forgotten
    third.show()
    _try(qtbot, third)
    assert third.db is not None
    third.db.close()
    assert "secret" not in kept.read_text(encoding="utf-8")


def _local_window(qtbot: QtBot, tmp_path: Path, session: WindowSession) -> Database:
    path = tmp_path / "本机.sqlite3"
    assert main.main(["init", "--db", str(path), "--name", "本机第一党支部"]) == 0
    db = open_for_gui(None, path)
    assert db is not None
    from ui.first_run import start_on

    chosen = start_on(db)
    assert chosen is not None
    window = session.show(*chosen)
    qtbot.addWidget(window)
    return db


def test_window_switches_to_the_server_and_back(qtbot: QtBot, tmp_path: Path, pg_url: str) -> None:
    assert main.main(["init", "--db", pg_url, "--name", "服务器上的第二党支部"]) == 0
    session = WindowSession(Settings())
    local = _local_window(qtbot, tmp_path, session)
    first = session.window
    assert first is not None and not first.local_action.isEnabled()
    session.settings.add_recent_server("dierzhibu@192.168.1.20:5432/branchbook")
    from ui import server_menu

    server_menu.update(first)
    server_menu.fill_recent(first)
    assert first.recent_servers_menu.isEnabled()
    assert [a.text() for a in first.recent_servers_menu.actions()] == ["dierzhibu@192.168.1.20:5432/branchbook"]
    assert first.server_action.text() == "连接服务器…"
    server = open_database(pg_url)
    first.database_chosen.emit(server)  # what 连接服务器… does once the dialog connected
    window = session.window
    assert window is not None and window is not first and session.db is server
    qtbot.addWidget(window)
    assert window.windowTitle().startswith("服务器上的第二党支部") and window.db_label.text().startswith("服务器：")
    assert window.local_action.isEnabled()
    assert session.settings.get(LAST_SERVER).endswith(make_url(pg_url).database or "")
    # the local file was released as on exit: another window may take it now
    again = open_for_gui(None, local.path)
    assert again is not None
    from ui.startup_checks import on_exit

    on_exit(again, backup=False)
    again.close()

    window.local_action.trigger()  # 打开本机数据库
    back = session.window
    assert back is not None and back is not window and not back.db.is_server
    qtbot.addWidget(back)
    assert back.windowTitle().startswith("本机第一党支部") and session.settings.get(LAST_SERVER) == ""
    session.finish()


def test_first_run_offers_the_units_server(qtbot: QtBot, tmp_path: Path, pg_url: str) -> None:
    assert main.main(["init", "--db", pg_url, "--name", "服务器上的第三党支部"]) == 0
    empty = open_for_gui(None, tmp_path / "新电脑.sqlite3")
    assert empty is not None

    def answer() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ServerDialog) and w.isVisible())
        _fill(dialog, pg_url)
        dialog.connect_button.click()

    def press_server_button() -> None:
        first = next(w for w in QApplication.topLevelWidgets() if isinstance(w, BranchDialog) and w.isVisible())
        assert first.server_button.isVisible() and first.server_button.text() == "连接单位的服务器…"
        QTimer.singleShot(50, answer)
        first.server_button.click()

    QTimer.singleShot(50, press_server_button)
    from ui.first_run import start_on

    chosen = start_on(empty)
    assert chosen is not None
    server, branch_id = chosen
    try:
        assert server is not empty and server.is_server
        from models.branches import list_branches

        with server.reading() as s:
            assert [b.name for b in list_branches(s) if b.id == branch_id] == ["服务器上的第三党支部"]
    finally:
        server.close()
        from ui.startup_checks import on_exit

        on_exit(empty, backup=False)
        empty.close()


def test_the_next_start_goes_back_to_the_server(tmp_path: Path, pg_url: str) -> None:
    """The window closed on a server: the next start (no --db) connects to it again — at once with a
    remembered password, else through the 连接服务器 dialog, whose other button opens the local file."""
    from tests.test_first_launch import run as launch
    from tests.test_first_launch import windows

    assert main.main(["init", "--db", pg_url, "--name", "服务器上的第四党支部"]) == 0
    home = tmp_path / "秘书"
    home.mkdir()
    data = home / "数据"
    u = make_url(pg_url)
    address = ServerAddress.from_label(f"{u.username}@{u.host}:{u.port}/{u.database}")
    assert address is not None
    paths.set_base_dir(data)  # this test's data folder is the program's (BRANCHBOOK_DATA_DIR below)
    settings = Settings()
    settings.set(LAST_SERVER, address.label())
    settings.sync()
    asked = launch(home, env={"BRANCHBOOK_DATA_DIR": str(data)})
    shown = windows(asked)
    assert [w[0] for w in shown][:2] == ["ServerDialog", "BranchDialog"], asked.stdout + asked.stderr
    # (the probe closed the dialog: that is 打开本机数据库, and the new local file's first-run dialog)

    from models.server_connect import remember_password

    remember_password(address, "任意")  # this test server trusts its superuser: any password does
    direct = launch(home, env={"BRANCHBOOK_DATA_DIR": str(data)})
    shown = windows(direct)
    assert shown and shown[0][:2] == ["MainWindow", "服务器上的第四党支部 — 支部工作记录本"], direct.stdout + direct.stderr
    assert direct.returncode == 0 and "Traceback" not in direct.stderr
