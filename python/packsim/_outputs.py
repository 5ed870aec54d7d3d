"""Output directories checked before a run, as ``packsim run`` checks --out and --junit."""

from __future__ import annotations

import os
import tempfile
from typing import Optional


def _check_writable(directory: str, what: str) -> None:
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as error:
        raise OSError(f"{what} {directory}: cannot create the directory: {error.strerror}") from None
    if not os.path.isdir(directory):
        raise NotADirectoryError(f"{what} {directory}: not a directory")
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".packsim-write-probe"):
            pass
    except OSError as error:
        raise OSError(f"{what} {directory}: cannot write files there: {error.strerror}") from None


def prepare_output_dir(out: "os.PathLike[str] | str", junit: "Optional[os.PathLike[str] | str]" = None) -> None:
    """Creates OUT and checks that it and the JUnit file's directory take files."""
    _check_writable(os.fspath(out), "out")
    if junit is not None:
        junit_path = os.fspath(junit)
        if os.path.exists(junit_path) and not os.path.isfile(junit_path):
            raise IsADirectoryError(f"junit {junit_path}: exists and is not a regular file")
        _check_writable(os.path.dirname(os.path.abspath(junit_path)), "junit")
