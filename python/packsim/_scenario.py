"""packsim.Scenario: a validated scenario that carries the texts it was read from."""

from __future__ import annotations

import copy
import os
from typing import Any, Dict, List, Mapping, Optional, Union

from . import _packsim
from ._document import REMOVE, Document, format_path, set_path
from ._errors import ScenarioError, translate_input_error

PathLike = Union[str, "os.PathLike[str]"]


class Scenario:
    """A scenario, parsed and checked with the same strict schema as ``packsim validate``.

    Make one with :func:`packsim.load_scenario` (a YAML file) or
    :meth:`Scenario.from_dict`. It is self-contained: it keeps the text of
    its file and of the pack and cell parameter files it names, so it pickles
    and runs on a machine (a Dask worker) that has packsim but not those files.
    A firmware shared object other than the reference one is named by path and
    must exist where the scenario runs.
    """

    __slots__ = ("_core",)

    def __init__(self, core: "_packsim._Scenario") -> None:
        self._core = core

    # ---- making one ----

    @classmethod
    def load(cls, path: PathLike) -> "Scenario":
        """The scenario in a YAML file; ScenarioError with ``file:line:col`` if it is bad."""
        path = os.fspath(path)
        try:
            return cls(_packsim._load_scenario(path))
        except _packsim.InputError as error:
            raise translate_input_error(error) from None

    @classmethod
    def from_dict(cls, document: Mapping[str, Any], base_dir: Optional[PathLike] = None) -> "Scenario":
        """A scenario from a dict with the keys of a scenario file.

        Values are written as in YAML (``"2.5 V"``, ``"100 ms"``, ``"1C"``);
        numbers, booleans and None are allowed where the file allows them.
        Relative paths (the pack file) are relative to ``base_dir`` (the
        current directory by default). Errors raise ScenarioError naming the
        key path, e.g. ``steps[3].discharge.until``; nothing is returned half
        built.
        """
        if not isinstance(document, Mapping):
            raise ScenarioError(
                f"a scenario is a dict of keys to values, got {type(document).__name__}", key_path=""
            )
        base = os.path.abspath(os.fspath(base_dir) if base_dir is not None else os.getcwd())
        return cls._from_document(dict(document), os.path.join(base, "<dict>"), {})

    @classmethod
    def _from_document(cls, document: Dict[str, Any], pseudo_path: str, texts: Mapping[str, str]) -> "Scenario":
        try:
            written = Document(document)
        except TypeError as error:
            raise ScenarioError(str(error), key_path=str(error).split(":", 1)[0]) from None
        bundle = dict(texts)
        bundle[pseudo_path] = written.text
        try:
            return cls(_packsim._load_scenario(pseudo_path, bundle, True))
        except _packsim.InputError as error:
            raise translate_input_error(error, pseudo_path, written) from None

    # ---- what it is ----

    @property
    def name(self) -> str:
        return self._core.name

    @property
    def description(self) -> str:
        return self._core.description

    @property
    def seed(self) -> int:
        """The scenario's seed (every random draw of a run derives from it)."""
        return self._core.seed

    @property
    def path(self) -> str:
        """The file it was read from (for a dict: ``<dict>`` in its base directory)."""
        return self._core.path

    @property
    def series(self) -> int:
        return self._core.series

    @property
    def parallel(self) -> int:
        return self._core.parallel

    @property
    def nominal_capacity_ah(self) -> float:
        """What 1C means for this pack: the cell's capacity times the parallel count."""
        return self._core.nominal_capacity_ah

    @property
    def firmware(self) -> str:
        """``"reference"`` or the path of the firmware shared object."""
        return self._core.firmware

    @property
    def step_kinds(self) -> List[str]:
        return list(self._core.step_kinds)

    @property
    def expectation_names(self) -> List[str]:
        return list(self._core.expectation_names)

    @property
    def source_texts(self) -> Dict[str, str]:
        """Every file the scenario was built from, by path (what pickling carries)."""
        return dict(self._core.texts)

    def to_dict(self) -> Dict[str, Any]:
        """The scenario document as Python values (text stays text: ``"25 degC"``)."""
        return _packsim._yaml_to_python(self._core.texts[self._core.path])

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Scenario":
        """A new scenario with values replaced by key path.

        ``{"environment.ambient": "-10 degC", "pack.initial_soc": "50 %",
        "firmware.config.cell_undervoltage": "2.6 V", "steps[1].discharge.c_rate": "2C"}``.
        Dicts on the way are made; a path through a list or past its end is an
        error. ``packsim.REMOVE`` as a value removes the key (e.g. ``{"expect": packsim.REMOVE}``). The result is validated like any scenario (ScenarioError with
        the key path).
        """
        if not overrides:
            return self
        document = copy.deepcopy(self.to_dict())
        for path, value in overrides.items():
            try:
                set_path(document, path, value)
            except (KeyError, ValueError) as error:
                message = error.args[0] if error.args else str(error)
                raise ScenarioError(f"override {path!r}: {message}", key_path=str(path)) from None
        directory, base = os.path.split(self.path)
        texts = {p: t for p, t in self._core.texts.items() if p != self.path}
        pseudo = os.path.join(directory, f"<{base.strip('<>')} with overrides>")
        return Scenario._from_document(document, pseudo, texts)

    # ---- pickling: the texts travel, the files need not ----

    def __reduce__(self):
        return (_restore, (self._core.path, dict(self._core.texts)))

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r} ({self.series}S{self.parallel}P, {len(self.step_kinds)} steps) from {self.path}>"


def _restore(path: str, texts: Dict[str, str]) -> Scenario:
    try:
        return Scenario(_packsim._load_scenario(path, texts, True))
    except _packsim.InputError as error:
        raise translate_input_error(error) from None


def load_scenario(path: PathLike) -> Scenario:
    """Reads and validates a scenario file (the format of ``packsim validate``)."""
    return Scenario.load(path)


def as_scenario(scenario: Union[Scenario, PathLike, Mapping[str, Any]]) -> Scenario:
    """A Scenario from a Scenario, a path or a dict."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return Scenario.from_dict(scenario)
    if isinstance(scenario, (str, os.PathLike)):
        return Scenario.load(scenario)
    raise TypeError(f"expected a Scenario, a path or a dict, got {type(scenario).__name__}")


__all__ = ["REMOVE", "Scenario", "load_scenario", "as_scenario", "format_path"]
