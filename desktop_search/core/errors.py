"""Errors a user can read and act on, kept apart from bugs.

Raise a :class:`UserError` subclass when the cause is outside the program (a missing model,
an unreadable folder, a full disk) and the message tells the user what to do. Anything else is a
bug: the GUI logs it and shows it once with details to copy.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; ``str(err)`` is the message, ``hint`` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ModelUnavailableError(UserError):
    """The embedding model could not be found locally nor downloaded."""


class FolderUnreadableError(UserError):
    """A folder the user picked does not exist or cannot be read."""


class IndexModelMismatchError(UserError):
    """The index on disk was built by another model than the one configured."""


class StoreUnavailableError(UserError):
    """The index store cannot be opened or written (disk full, read-only, locked)."""


class SettingsError(UserError):
    """The settings file is invalid."""


class Cancelled(Exception):
    """Raised inside long jobs at a safe point when the user cancels."""
