"""packsim's C++ core (pybind11). Use the packsim package; names starting with _ are not API."""

from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np

_source_scenarios_dir: str
_source_params_dir: str

class InputError(ValueError):
    """Bad input; args are (text, file, line, column, message)."""

class FirmwareError(ValueError):
    """A firmware that cannot be loaded: missing, not a firmware, another HAL major version."""

class FirmwareFault(RuntimeError):
    """The firmware under test crashed, exited, hung, flooded a bus or broke its link; args are (text, kind, detail)."""

class PhysicsError(RuntimeError):
    """The plant stopped: a non-finite or impossible state, named by cell and state."""

class ServiceError(RuntimeError):
    """The JBD service tool got no usable answer (timeout, malformed, queue full)."""

class _Scenario:
    path: str
    texts: Dict[str, str]
    name: str
    description: str
    seed: int
    series: int
    parallel: int
    nominal_capacity_ah: float
    cell_name: str
    pack_file: str
    firmware: str
    step_kinds: List[str]
    expectation_names: List[str]

def _load_scenario(path: str, texts: Optional[Dict[str, str]] = None, fallback_to_disk: bool = False) -> _Scenario: ...
def _yaml_to_python(text: str) -> Any: ...

class ExpectationResult:
    """One expectation's verdict."""

    @property
    def name(self) -> str: ...
    @property
    def text(self) -> str:
        """The expectation as written."""
    @property
    def passed(self) -> bool: ...
    @property
    def detail(self) -> str:
        """Why it failed (or how it passed), with times and values."""
    @property
    def failed_at_s(self) -> Optional[float]:
        """The simulated time of the check that decided a failure (None when it passed)."""

class RunStatistics:
    """How long the run was, simulated and on the wall clock."""

    @property
    def simulated_s(self) -> float: ...
    @property
    def wall_s(self) -> float: ...
    @property
    def speed_up(self) -> float:
        """Simulated seconds per wall second."""
    @property
    def firmware_link(self) -> Optional[Dict[str, Any]]:
        """An isolated or linked firmware's link: transport, runs, calls, bytes, run wall time (us); else None."""

class _RunOutput:
    passed: bool
    error: str
    firmware_fault: Optional[Tuple[str, str, float, str]]
    scenario_name: str
    seed: int
    expectations: List[ExpectationResult]
    statistics: RunStatistics
    def trace_arrays(self) -> Dict[str, np.ndarray]: ...
    def trace_csv(self) -> str: ...
    def can_columns(self) -> Dict[str, np.ndarray]: ...
    def can_log(self) -> str: ...
    def final_pack(self) -> Optional[Dict[str, Any]]: ...
    def write_outputs(self, out: str, junit: Optional[str] = None, report: bool = True) -> None: ...

def _run(
    scenario: _Scenario,
    seed: Optional[int] = None,
    firmware: Optional[str] = None,
    record_cells: bool = True,
    isolate: Optional[bool] = None,
    until_limit_s: float = ...,
    trace_period_s: float = ...,
) -> _RunOutput: ...

class _Simulator:
    now_s: float
    seed: int
    scenario_name: str
    series: int
    parallel: int
    cells: int
    cell_name: str
    ambient_c: float
    firmware_name: str
    def __init__(
        self,
        scenario: _Scenario,
        firmware: Optional[str] = None,
        seed: Optional[int] = None,
        isolate: Optional[bool] = None,
    ) -> None: ...
    def run_for(self, seconds: float) -> None: ...
    def run_until_condition(self, condition: str, timeout_s: float) -> Optional[float]: ...
    def run_until_callable(self, predicate: Callable[[], Any], timeout_s: float) -> Optional[float]: ...
    def execute_step(self, yaml: str, path: str) -> bool: ...
    def verdicts(self) -> List[ExpectationResult]: ...
    def trace_arrays(self) -> Dict[str, np.ndarray]: ...
    def trace_csv(self) -> str: ...
    def log(self, last_lines: int = 200) -> List[Tuple[float, str]]: ...
    def pack_state(self) -> Dict[str, Any]: ...
    def afe_register_names(self) -> List[str]: ...
    def afe_read(self, register: Union[int, str]) -> int: ...
    def afe_status(self) -> Dict[str, Any]: ...
    def can_send(self, id: int, data: List[int], extended: bool = False) -> None: ...
    def can_columns(self, first: int = 0) -> Dict[str, np.ndarray]: ...
    def service_basic_info(self) -> Dict[str, Any]: ...
    def service_cell_voltages(self) -> np.ndarray: ...
    def service_hardware_version(self) -> str: ...
    def service_mos_control(self, charge_off: bool, discharge_off: bool) -> bool: ...
    def service_status(self) -> Dict[str, Any]: ...
    def service_fault_log(self) -> List[Dict[str, Any]]: ...
    def bms_observables(self) -> Dict[str, Union[int, float, str]]: ...
    def bms_observable_info(self) -> List[Tuple[str, str, str]]: ...
