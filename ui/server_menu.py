"""文件 › 连接服务器… / 最近的服务器 / 打开本机数据库: the window asks for another database; the
window's session (ui.window_session) closes this window and opens one on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:  # models.server_connect imports SQLAlchemy: not before the window's first paint
    from models.server_connect import ServerAddress
    from ui.main_window import MainWindow


def install(window: MainWindow, file_menu: QMenu) -> None:
    window.server_action = file_menu.addAction("连接服务器…")
    window.server_action.setToolTip("连接党委（单位）的数据库服务器，在服务器上录入本党支部的记录")
    window.server_action.triggered.connect(lambda: connect_server(window))
    window.recent_servers_menu = file_menu.addMenu("最近的服务器")
    window.recent_servers_menu.aboutToShow.connect(lambda: fill_recent(window))
    window.local_action = file_menu.addAction("打开本机数据库")
    window.local_action.setToolTip("回到本机上的记录本数据库文件")
    window.local_action.triggered.connect(window.local_requested.emit)
    file_menu.addSeparator()
    update(window)


def update(window: MainWindow) -> None:
    """打开本机数据库 only means something on a server; 最近的服务器 only once there are some."""
    window.local_action.setEnabled(window.db.is_server)
    window.recent_servers_menu.setEnabled(bool(window.settings.recent_servers()))


def fill_recent(window: MainWindow) -> None:
    from models.server_connect import ServerAddress

    menu = window.recent_servers_menu
    menu.clear()
    labels = window.settings.recent_servers()
    for label in labels:
        address = ServerAddress.from_label(label)
        if address is not None:
            menu.addAction(label).triggered.connect(lambda _c=False, a=address: connect_server(window, a))
    menu.setEnabled(bool(menu.actions()))


def connect_server(window: MainWindow, address: ServerAddress | None = None) -> None:
    """Ask for the server (filled in from ``address``); once connected, the window's session switches to it."""
    from ui.server_dialog import ask_server

    db = ask_server(window, window.settings, address)
    if db is not None:
        window.database_chosen.emit(db)
