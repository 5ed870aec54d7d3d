"""The errors packsim raises, and the translation of the loader's positions."""

from __future__ import annotations

from typing import Optional

from . import _packsim


class ScenarioError(ValueError):
    """A scenario (file, dict, step or condition) that is not valid input.

    ``str(error)`` reads ``file:line:col: message`` for a file, and
    ``key.path: message`` for a dict (``steps[3].discharge.until: ...``), the
    way ``packsim validate`` reports files. The parts are attributes too.
    """

    def __init__(
        self,
        text: str,
        *,
        file: Optional[str] = None,
        line: int = 0,
        column: int = 0,
        key_path: Optional[str] = None,
        message: Optional[str] = None,
    ) -> None:
        super().__init__(text)
        self.file = file
        self.line = line
        self.column = column
        self.key_path = key_path
        self.message = message if message is not None else text


FirmwareError = _packsim.FirmwareError
#: The firmware under test crashed, exited, hung, flooded a bus or broke its
#: link while a Simulator ran it (``args``: text, kind, detail).
FirmwareFault = _packsim.FirmwareFault
PhysicsError = _packsim.PhysicsError
ServiceError = _packsim.ServiceError


def translate_input_error(error: "_packsim.InputError", document_path: Optional[str] = None, document=None) -> ScenarioError:
    """The loader's error as a ScenarioError; a position in a written dict becomes its key path."""
    text, file, line, column, message = error.args
    if document is not None and file == document_path:
        if line <= 0:
            return ScenarioError(message, key_path="", message=message)
        where = document.locate(line, column)
        return ScenarioError(f"{where}: {message}", key_path=where.split(",", 1)[0], message=message)
    return ScenarioError(text, file=file, line=line, column=column, message=message)
