"""Alembic environment. BranchBook runs migrations in code (see models/db.py), passing an
open connection whose transaction wraps the whole upgrade, so a failing migration leaves
the file exactly as it was."""

from __future__ import annotations

from alembic import context

from models.entities import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for developers running `alembic` by hand
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    transactional_ddl=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
