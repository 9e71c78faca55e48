"""Text search that matches the same rows on both engines: ``col`` contains a LIKE pattern (made by
models.validation.like_pattern), ignoring the case of Latin letters — as SQLite's LIKE does on its
own, and as PostgreSQL's LIKE does not (there it is ILIKE). One SQL function compiled per dialect,
so SQLite keeps its plain LIKE (no lower() of every minutes text on each search)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class contains_text(GenericFunction[bool]):
    """``contains_text(column, pattern)``: the column contains the pattern, Latin case ignored."""

    type = Boolean()
    inherit_cache = True
    name = "branchbook_contains_text"


def _render(element: Any, compiler: Any, operator: str, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    # parenthesised: SQLite has no boolean type, and SQLAlchemy compares a boolean function with 1 there
    return f"({compiler.process(column, **kw)} {operator} {compiler.process(pattern, **kw)} ESCAPE '\\')"


@compiles(contains_text)
def _like(element: Any, compiler: Any, **kw: Any) -> str:
    return _render(element, compiler, "LIKE", **kw)  # SQLite: ASCII letters match either case


@compiles(contains_text, "postgresql")
def _ilike(element: Any, compiler: Any, **kw: Any) -> str:
    return _render(element, compiler, "ILIKE", **kw)


def contains(column: Any, pattern: str) -> Any:
    """The condition ``column`` contains ``pattern`` (a like_pattern, escaped with a backslash)."""
    return contains_text(column, literal(pattern))
