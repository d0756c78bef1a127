"""Every error a user can cause, with a stable code and a one-line message.

    FlashpointError            base: has .code and a one-line str()
    ├── InputError             one input (file, line, stream) cannot be read or coded
    ├── UsageError             a bad command-line value or option combination
    ├── StoreError             the database cannot be opened or is of an unknown version
    └── DataError              a shipped or user-supplied data file (dictionary, rules) is invalid

The CLI prints `error: <message>` for these and never a traceback. InputError does not stop a
batch: the reader reports it and moves on to the next input.
"""

from __future__ import annotations


class FlashpointError(Exception):
    code = "FP000"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputError(FlashpointError):
    """An input that cannot be read: names the input and the reason."""

    code = "FP100"

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class UsageError(FlashpointError):
    code = "FP200"


class StoreError(FlashpointError):
    code = "FP300"


class DataError(FlashpointError):
    code = "FP400"
