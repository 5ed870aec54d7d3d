"""packsim: a battery-pack simulator for proving BMS firmware, from Python.

Run a scenario as ``packsim run`` does (:func:`run`), drive the rig live
(:class:`Simulator`), sweep seeded runs on any executor (:func:`sweep`).
"""

import os
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any, Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
import pandas
from matplotlib.figure import Figure

from . import plots as plots
from ._packsim import ExpectationResult as ExpectationResult
from ._packsim import FirmwareError as FirmwareError
from ._packsim import FirmwareFault as FirmwareFault
from ._packsim import PhysicsError as PhysicsError
from ._packsim import RunStatistics as RunStatistics
from ._packsim import ServiceError as ServiceError

__version__: str
#: An override value that removes the key: ``with_overrides({"expect": REMOVE})``.
REMOVE: object
#: The scenario library (installed with the package, or the source tree's).
scenarios_dir: str
#: Cell parameter files and packs/*.yaml.
params_dir: str

PathLike = Union[str, "os.PathLike[str]"]
Quantity = Union[float, int, str]
ScenarioLike = Union["Scenario", PathLike, Mapping[str, Any]]

class ScenarioError(ValueError):
    """A scenario (file, dict, step or condition) that is not valid input.

    ``str(error)`` reads ``file:line:col: message`` for a file and
    ``key.path: message`` for a dict (``steps[3].discharge.until: ...``).
    """

    file: Optional[str]
    line: int
    column: int
    key_path: Optional[str]
    message: str

class Scenario:
    """A scenario parsed and checked with the strict schema of ``packsim validate``.

    Self-contained: it keeps the texts of its file and of the pack and cell
    files it names, so it pickles and runs where those files are not.
    """

    @classmethod
    def load(cls, path: PathLike) -> Scenario:
        """The scenario in a YAML file; ScenarioError with ``file:line:col`` if it is bad."""
    @classmethod
    def from_dict(cls, document: Mapping[str, Any], base_dir: Optional[PathLike] = None) -> Scenario:
        """A scenario from a dict with a scenario file's keys; values as in YAML ("2.5 V").
        Relative paths are relative to ``base_dir`` (default: the current directory).
        Errors raise ScenarioError naming the key path."""
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def seed(self) -> int:
        """Every random draw of a run derives from it."""
    @property
    def path(self) -> str:
        """The file it was read from (for a dict: ``<dict>`` in its base directory)."""
    @property
    def series(self) -> int: ...
    @property
    def parallel(self) -> int: ...
    @property
    def nominal_capacity_ah(self) -> float:
        """What 1C means: the cell's capacity times the parallel count."""
    @property
    def firmware(self) -> str:
        """``"reference"`` or the firmware shared object's path."""
    @property
    def step_kinds(self) -> List[str]: ...
    @property
    def expectation_names(self) -> List[str]: ...
    @property
    def source_texts(self) -> Dict[str, str]:
        """Every file the scenario was built from, by path."""
    def to_dict(self) -> Dict[str, Any]:
        """The document as Python values (text stays text: ``"25 degC"``)."""
    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A new scenario with values replaced by key path, e.g.
        ``{"environment.ambient": "-10 degC", "steps[1].discharge.c_rate": "2C"}``."""

def load_scenario(path: PathLike) -> Scenario:
    """Reads and validates a scenario file."""

def scenario_path(name: str) -> str:
    """The library scenario ``name`` ("deep_discharge")."""

def list_scenarios() -> List[Tuple[str, str]]:
    """(name, description) of every library scenario."""

class Trace(Mapping[str, np.ndarray]):
    """The run's signals as read-only numpy arrays.

    ``t`` (s), every trace.csv column by its name (SI units, fractions for %;
    switches 0.0/1.0, NaN while unknown; states as text), and ``cell_v``
    (rows x series groups), ``cell_temp`` and ``cell_soc`` (rows x cells).
    """

    def __getitem__(self, name: str) -> np.ndarray: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def __getattr__(self, name: str) -> np.ndarray: ...
    @property
    def t(self) -> np.ndarray: ...
    @property
    def columns(self) -> List[str]:
        """The trace.csv columns in order (without t and the 2-D arrays)."""
    @property
    def rows(self) -> int: ...
    def to_pandas(self) -> pandas.DataFrame:
        """Indexed by t: the trace.csv columns, then cell_v[k], cell_temp[k], cell_soc[k]."""

class FirmwareFaultInfo(NamedTuple):
    """How the firmware under test stopped being one, and when: its run ended there."""

    kind: str
    detail: str
    at_s: float
    text: str

class Result:
    """What :func:`run` produced: the same verdicts as ``packsim run``."""

    scenario: Scenario
    @property
    def passed(self) -> bool:
        """Every expectation held and the run did not break."""
    @property
    def error(self) -> str:
        """Why the run broke (not an expectation), or ""."""
    @property
    def firmware_fault(self) -> Optional[FirmwareFaultInfo]:
        """The crash, exit, hang, bus flood or broken link that ended the run early, or None."""
    @property
    def seed(self) -> int: ...
    @property
    def expectations(self) -> List[ExpectationResult]: ...
    @property
    def statistics(self) -> RunStatistics: ...
    @property
    def trace(self) -> Trace: ...
    @property
    def can(self) -> np.ndarray:
        """Every CAN frame (structured: t, id, extended, dlc, data[8], sender)."""
    @property
    def pack(self) -> Optional[Dict[str, Any]]:
        """The plant's state at the end: per-cell arrays and terminal values."""
    def trace_csv(self) -> str: ...
    def can_log(self) -> str: ...
    def write(self, out: PathLike, junit: Optional[PathLike] = None, report: bool = True) -> None:
        """The files of ``packsim run --out``."""
    def to_pandas(self) -> pandas.DataFrame: ...
    def plot(self, **options: Any) -> Figure:
        """Cells, current, temperatures, SOC, FETs and protections on one time axis."""

def run(
    scenario: ScenarioLike,
    seed: Optional[int] = None,
    firmware: Optional[str] = None,
    out: Optional[PathLike] = None,
    *,
    junit: Optional[PathLike] = None,
    report: bool = True,
    isolate: Optional[bool] = None,
    until_limit: float = ...,
    trace_period: float = ...,
) -> Result:
    """Runs a scenario as ``packsim run`` does (same steps, verdicts and trace).
    ``isolate``: the firmware in a child process (None: a shared object is, the
    reference firmware is not). Releases the GIL; Ctrl-C raises KeyboardInterrupt."""

class PackView:
    """The plant now: true values, cells in pack order, read-only copies."""

    def state(self) -> Dict[str, Any]: ...
    @property
    def series(self) -> int: ...
    @property
    def parallel(self) -> int: ...
    @property
    def cell_v(self) -> np.ndarray:
        """Series-group voltages (V)."""
    @property
    def soc(self) -> np.ndarray: ...
    @property
    def temp_c(self) -> np.ndarray: ...
    @property
    def capacity_ah(self) -> np.ndarray: ...
    @property
    def current_a(self) -> float:
        """+ discharge."""
    @property
    def pack_v(self) -> float: ...
    @property
    def load_v(self) -> float: ...
    @property
    def ambient_c(self) -> float: ...

class AfeView:
    """The bq76952 as the firmware would read it."""

    def read(self, register: Union[str, int]) -> int:
        """A direct command by name ("Cell 1 Voltage") or address (0x14)."""
    def register_names(self) -> List[str]: ...
    def registers(self) -> Dict[str, int]: ...
    def status(self) -> Dict[str, Any]:
        """power_mode, powered, FETs, alert, balancing_cells, protections."""
    @property
    def protections(self) -> Dict[str, bool]: ...
    @property
    def fets(self) -> Dict[str, bool]: ...
    @property
    def power_mode(self) -> str: ...

class BmsView(Mapping[str, Any]):
    """The firmware's observable variables (bms_observables_get), read now; empty when it exports none."""

    def __getitem__(self, name: str) -> Any: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def info(self) -> List[Tuple[str, str, str]]:
        """(name, unit, description) of each observable."""
    @property
    def firmware_name(self) -> str: ...

class CanView:
    """The rig's CAN bus."""

    def send(self, id: int, data: Union[bytes, List[int]], extended: bool = False) -> None:
        """A classic frame on the bus now, from the inverter's node."""
    def frames(self, since: int = 0) -> np.ndarray:
        """Frames from index ``since`` on (structured: t, id, extended, dlc, data, sender)."""

class ServiceView:
    """The JBD service tool on the BMS's UART; each request lets simulated time pass until the answer."""

    def basic_info(self) -> Dict[str, Any]: ...
    def cell_voltages(self) -> np.ndarray: ...
    def hardware_version(self) -> str: ...
    def reset(self) -> bool:
        """The reset of latched faults: True when accepted, False when refused."""
    def mos_control(self, charge_off: bool, discharge_off: bool) -> bool: ...
    def status(self) -> Dict[str, Any]: ...
    def fault_log(self) -> List[Dict[str, Any]]: ...

class Simulator:
    """The rig live: pack, bq76952, firmware, CAN bus with an inverter and a service tool on one virtual clock.

    Built from a scenario's setup (its steps are not run: you drive it) or
    from a pack file. Each Simulator loads its own firmware copy, so several
    live at once. Long calls release the GIL and stop on Ctrl-C at a check
    instant, the rig left usable.
    """

    scenario: Scenario
    pack: PackView
    afe: AfeView
    bms: BmsView
    can: CanView
    service: ServiceView
    def __init__(
        self,
        scenario_or_pack: ScenarioLike,
        firmware: Optional[str] = None,
        seed: Optional[int] = None,
        *,
        isolate: Optional[bool] = None,
    ) -> None:
        """``isolate``: the firmware in a child process, where a crash or hang raises FirmwareFault."""
    @property
    def time_s(self) -> float:
        """Simulated seconds since the rig was built."""
    def run_for(self, duration: Union[float, str]) -> None:
        """Lets seconds (or "100 ms", "2 h") of simulated time pass."""
    def run_until(self, condition: Union[str, Callable[[Simulator], Any]], timeout: Union[float, str]) -> Optional[float]:
        """Until a scenario condition ("min_cell_v < 2.5 V") or a callable of the
        Simulator holds at a check (every 10 ms), at most ``timeout``: the time it held, or None."""
    def step(self, step: Mapping[str, Any]) -> bool:
        """Executes one scenario step given as a dict; False when the step itself failed."""
    def set_load(
        self, current: Optional[Quantity] = None, *, power: Optional[Quantity] = None, resistance: Optional[Quantity] = None
    ) -> None:
        """A load (A, W or ohm) replacing whatever is connected; no argument disconnects."""
    def connect_charger(self, current: Quantity, voltage: Quantity) -> None: ...
    def connect_lab_supply(self, voltage: Quantity, current_limit: Quantity, resistance: Quantity = 0.0) -> None: ...
    def disconnect(self) -> None: ...
    def set_ambient(self, ambient: Quantity) -> None: ...
    def inject(self, fault: Union[str, Mapping[str, Any]], **parameters: Any) -> None:
        """``inject("open_wire", cell=5)``, ``inject("internal_short", cell=3, resistance="10 ohm")``."""
    def clear(self, fault: str, **parameters: Any) -> None: ...
    @property
    def trace(self) -> Trace:
        """The trace so far."""
    def expectations(self) -> List[ExpectationResult]:
        """The scenario's expectations judged as if the run ended now."""
    def log(self, last_lines: int = 200) -> List[Tuple[float, str]]: ...
    def plot(self, **options: Any) -> Figure: ...

def sweep(
    scenarios: Union[ScenarioLike, Sequence[ScenarioLike]],
    seeds: Optional[Union[int, Iterable[int]]] = None,
    grid: Optional[Mapping[str, Sequence[Any]]] = None,
    executor: Optional[Executor] = None,
    *,
    max_workers: Optional[int] = None,
    firmware: Optional[str] = None,
    isolate: Optional[bool] = None,
    figures: Optional[Callable[[Result], Mapping[str, Any]]] = None,
    keep_traces: bool = False,
    progress: Optional[bool] = None,
    chunk_size: Optional[int] = None,
) -> pandas.DataFrame:
    """Every scenario x seed x grid point on an executor (default: a local process pool;
    ``dask.distributed.Client(...).get_executor()`` for a cluster); one row per run."""
