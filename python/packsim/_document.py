"""Python values as a scenario document, and errors in it as key paths.

A scenario given as a dict is written as YAML (JSON-like flow style: every
node on its own line, ASCII only) for the same strict loader the files go
through. The writer records where each node landed, so that an error the
loader reports at a line and column is told back as the key path the user
wrote (``steps[3].discharge.until``), with the character inside a text value
when the loader points into one.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

PathPart = Union[str, int]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def format_path(parts: Sequence[PathPart]) -> str:
    """``["steps", 3, "discharge", "until"]`` -> ``steps[3].discharge.until``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += ("." if text else "") + part
        else:
            text += "[" + repr(part) + "]"
    return text or "(the scenario)"


_PATH_TOKEN = re.compile(r"""\.?([A-Za-z_][A-Za-z0-9_]*)|\[(-?\d+)\]|\[('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\]""")


def parse_path(path: str) -> List[PathPart]:
    """The inverse of format_path; ValueError naming the character it stopped at."""
    parts: List[PathPart] = []
    position = 0
    while position < len(path):
        match = _PATH_TOKEN.match(path, position)
        if match is None or (position == 0 and path.startswith(".")):
            raise ValueError(f"bad key path {path!r} at character {position + 1}: expected a key, [index] or ['key']")
        name, index, quoted = match.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(quoted[1:-1].encode().decode("unicode_escape"))
        position = match.end()
    if not parts:
        raise ValueError("an empty key path")
    return parts


@dataclass
class _Node:
    line: int  # 1-based, as the loader reports
    column: int  # 1-based
    path: Tuple[PathPart, ...]
    text: Optional[str] = None  # a text value, to point at its characters
    columns: Optional[List[int]] = None  # column of each character of text, 1-based


class Document:
    """The YAML text of a Python value and where each of its nodes is."""

    def __init__(self, value: Any, root_name: str = "scenario") -> None:
        self._lines: List[str] = []
        self._line = ""
        self._nodes: List[_Node] = []
        if not isinstance(value, dict):
            raise TypeError(f"a {root_name} is a dict of keys to values, got {type(value).__name__}")
        self._value(value, (), 0)
        self._lines.append(self._line)
        self.text = "\n".join(self._lines) + "\n"

    # ---- writing ----

    def _newline(self, indent: int) -> None:
        self._lines.append(self._line)
        self._line = " " * indent

    def _here(self, path: Tuple[PathPart, ...]) -> _Node:
        node = _Node(len(self._lines) + 1, len(self._line) + 1, path)
        self._nodes.append(node)
        return node

    def _value(self, value: Any, path: Tuple[PathPart, ...], indent: int) -> None:
        if isinstance(value, dict):
            self._here(path)
            if not value:
                self._line += "{}"
                return
            self._line += "{"
            for i, (key, item) in enumerate(value.items()):
                if not isinstance(key, str):
                    raise TypeError(f"{format_path(path)}: keys are text, got the {type(key).__name__} {key!r}")
                self._newline(indent + 2)
                self._string(key, path + (key,))
                self._line += ": "
                self._value(item, path + (key,), indent + 2)
                if i + 1 < len(value):
                    self._line += ","
            self._newline(indent)
            self._line += "}"
        elif isinstance(value, (list, tuple)):
            self._here(path)
            if not value:
                self._line += "[]"
                return
            self._line += "["
            for i, item in enumerate(value):
                self._newline(indent + 2)
                self._value(item, path + (i,), indent + 2)
                if i + 1 < len(value):
                    self._line += ","
            self._newline(indent)
            self._line += "]"
        elif isinstance(value, str):
            self._string(value, path)
        elif value is None:
            self._here(path)
            self._line += "null"
        elif isinstance(value, bool) or type(value).__name__ == "bool_":
            self._here(path)
            self._line += "true" if value else "false"
        elif isinstance(value, numbers.Integral):
            self._here(path)
            self._line += str(int(value))
        elif isinstance(value, numbers.Real):
            number = float(value)
            self._here(path)
            if math.isnan(number):
                self._line += ".nan"
            elif math.isinf(number):
                self._line += ".inf" if number > 0 else "-.inf"
            else:
                self._line += repr(number)
        else:
            raise TypeError(
                f"{format_path(path)}: a scenario holds dicts, lists, text, numbers, booleans and None, "
                f"not {type(value).__name__}"
            )

    def _string(self, text: str, path: Tuple[PathPart, ...]) -> None:
        node = self._here(path)
        node.text = text
        node.columns = []
        self._line += '"'
        for char in text:
            node.columns.append(len(self._line) + 1)
            code = ord(char)
            if char in '"\\':
                self._line += "\\" + char
            elif 0x20 <= code < 0x7F:
                self._line += char
            elif code <= 0xFFFF:
                self._line += f"\\u{code:04x}"
            else:
                self._line += f"\\U{code:08x}"
        self._line += '"'

    # ---- reading errors back ----

    def locate(self, line: int, column: int) -> str:
        """The key path (and character) of what the loader pointed at."""
        on_line = [n for n in self._nodes if n.line == line]
        for node in on_line:
            if node.column == column:
                return format_path(node.path)
        for node in on_line:
            if node.text is not None and node.columns and node.columns[0] <= column <= node.columns[-1] + 1:
                index = next((i for i, c in enumerate(node.columns) if c >= column), len(node.text))
                if index >= len(node.text):
                    return f"{format_path(node.path)}, at the end of {node.text!r}"
                return f"{format_path(node.path)}, at {node.text[index]!r} (character {index + 1} of {node.text!r})"
        before = [n for n in self._nodes if (n.line, n.column) <= (line, column)]
        return format_path(before[-1].path) if before else format_path(())


class _Remove:
    """The override value that removes a key (or list entry) instead of setting it."""

    def __repr__(self) -> str:
        return "packsim.REMOVE"

    def __reduce__(self) -> str:
        return "REMOVE"  # the one instance, also after pickling


REMOVE = _Remove()


def set_path(document: Dict[str, Any], path: Union[str, Sequence[PathPart]], value: Any) -> None:
    """Sets document[path] = value (removes it for REMOVE), making the dicts on the way;
    KeyError naming the path when it cannot."""
    parts = parse_path(path) if isinstance(path, str) else list(path)
    node: Any = document
    for depth, part in enumerate(parts):
        last = depth + 1 == len(parts)
        where = format_path(parts[: depth + 1])
        if isinstance(part, int):
            if not isinstance(node, list):
                raise KeyError(f"{where}: {format_path(parts[:depth])} is not a list")
            if not -len(node) <= part < len(node):
                raise KeyError(f"{where}: the list has {len(node)} entries")
            if last and value is REMOVE:
                del node[part]
            elif last:
                node[part] = value
            else:
                node = node[part]
        else:
            if not isinstance(node, dict):
                raise KeyError(f"{where}: {format_path(parts[:depth])} is not a mapping")
            if last and value is REMOVE:
                if part not in node:
                    raise KeyError(f"{where}: there is no such key to remove")
                del node[part]
            elif last:
                node[part] = value
            else:
                if node.get(part) is None or isinstance(node.get(part), str):
                    # `ambient: 25 degC` overridden by `environment.ambient` needs no dict; a key
                    # below a text (e.g. `firmware: reference` then `firmware.config.x`) replaces it.
                    node[part] = {}
                node = node[part]
