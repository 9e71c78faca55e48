"""The one domain error type. Its message is Chinese and meant for the user."""

from __future__ import annotations


class BranchBookError(Exception):
    """A user-facing error: bad input, a refused operation, an unusable file.

    ``message`` names what is wrong and how to fix it, in Chinese; ``field`` names the
    input field at fault (an attribute name of the input dataclass) when there is one, so
    that the GUI can show the message next to that field.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(BranchBookError):
    """Input that fails a rule; nothing was changed."""


class DatabaseFileError(BranchBookError):
    """A file that cannot be opened as this application's database."""
