"""packsim.Simulator: the rig live, for co-simulation and interactive work."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

import numpy as np

from . import _packsim
from ._document import Document
from ._errors import ScenarioError, translate_input_error
from ._result import ExpectationResult, Trace, can_array
from ._scenario import Scenario, as_scenario

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

Quantity = Union[float, int, str]

_DURATION = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ns|us|ms|s|min|h|d)\s*\Z")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def seconds(value: Union[float, int, str], what: str = "duration") -> float:
    """Seconds from a number (seconds) or a duration text ("100 ms", "2 h")."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(f"{what}: expected seconds or a duration such as '100 ms' or '2 h', got {value!r}")
        return float(match.group(1)) * _SECONDS[match.group(2)]
    return float(value)


def _with_unit(value: Quantity, unit: str) -> str:
    """A number in the key's SI unit becomes "value unit"; text passes as written."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"expected a number ({unit}) or a text with its unit, got {type(value).__name__}")
    return f"{float(value)!r} {unit}"


def _pack_file_scenario(path: str) -> Scenario:
    """A pack file on its own: the reference firmware on that pack, nothing else."""
    document = {
        "name": os.path.splitext(os.path.basename(path))[0],
        "description": f"live rig on {path}",
        "seed": 0,
        "pack": {"file": os.path.abspath(path)},
        "steps": [{"wait": "1 s"}],
    }
    return Scenario.from_dict(document)


def _is_pack_file(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as file:
            document = _packsim._yaml_to_python(file.read())
    except (OSError, UnicodeDecodeError, _packsim.InputError):
        return False
    return isinstance(document, dict) and "cell" in document and "steps" not in document


class Simulator:
    """The rig live: pack, bq76952, firmware, CAN bus with an inverter and a service tool on one virtual clock.

    ``Simulator(scenario_or_pack, firmware=None, seed=None)`` builds the
    bench a scenario describes (its pack, environment, firmware and
    configuration, seed; its expectations are checked online) without running
    its steps: you drive it. A pack file on its own gives the reference
    firmware on that pack. ``firmware`` replaces the scenario's ("reference"
    or a shared object's path). Each Simulator loads its own copy of the
    firmware, so several live at once in one process; ``isolate=True`` runs
    it in a child process instead (the default for a shared object), where a
    crash, an exit, a hang or a bus flood raises :class:`packsim.FirmwareFault`
    from the call that met it, and the rig goes on with the firmware stopped.

    Time passes only in :meth:`run_for`, :meth:`run_until`, :meth:`step` and
    service requests; those release the GIL and stop on Ctrl-C
    (KeyboardInterrupt) at a check instant, the rig left usable.
    """

    def __init__(
        self,
        scenario_or_pack: Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]],
        firmware: Optional[str] = None,
        seed: Optional[int] = None,
        *,
        isolate: Optional[bool] = None,
    ) -> None:
        if isinstance(scenario_or_pack, (str, os.PathLike)) and _is_pack_file(os.fspath(scenario_or_pack)):
            scenario = _pack_file_scenario(os.fspath(scenario_or_pack))
        else:
            scenario = as_scenario(scenario_or_pack)
        self.scenario = scenario
        self._core = _packsim._Simulator(
            scenario._core, None if firmware is None else os.fspath(firmware), seed, isolate=isolate
        )
        self._connected: Optional[str] = None
        self._live_steps = 0
        self.pack = PackView(self._core)
        self.afe = AfeView(self._core)
        self.bms = BmsView(self._core)
        self.can = CanView(self._core)
        self.service = ServiceView(self._core)

    # ---- time ----

    @property
    def time_s(self) -> float:
        """Simulated seconds since the rig was built."""
        return self._core.now_s

    def run_for(self, duration: Union[float, str]) -> None:
        """Lets ``duration`` (seconds, or "100 ms", "2 h") of simulated time pass."""
        self._core.run_for(seconds(duration, "run_for"))

    def run_until(
        self, condition: Union[str, Callable[["Simulator"], Any]], timeout: Union[float, str]
    ) -> Optional[float]:
        """Runs until ``condition`` holds at a check (every 10 ms), at most ``timeout``.

        ``condition`` is a scenario condition ("min_cell_v < 2.5 V or dsg_fet off")
        or a callable taking the Simulator and returning a truth value. Returns
        the simulated time (s) it held, or None when the timeout passed first.
        The condition is checked before any time passes too.
        """
        limit = seconds(timeout, "timeout")
        if callable(condition):
            return self._core.run_until_callable(lambda: condition(self), limit)
        if not isinstance(condition, str):
            raise TypeError(f"run_until: expected a condition text or a callable, got {type(condition).__name__}")
        try:
            return self._core.run_until_condition(condition, limit)
        except _packsim.InputError as error:
            _, _, _, column, message = error.args
            raise ScenarioError(
                f"run_until condition, at character {column}: {message}", key_path="condition", message=message
            ) from None

    # ---- stimuli: steps as a scenario writes them ----

    def step(self, step: Mapping[str, Any]) -> bool:
        """Executes one scenario step given as a dict, e.g.
        ``{"discharge": {"c_rate": "1C", "until": "dsg_fet off", "for": "2 h"}}``:
        the action now, then time passes until its ``for`` / ``until``.
        Returns False when the step itself failed (a refused service request);
        the failure is among :meth:`expectations`. Bad steps raise ScenarioError
        with the key path."""
        if not isinstance(step, Mapping):
            raise ScenarioError(f"a step is a dict such as {{'rest': '10 s'}}, got {type(step).__name__}", key_path="")
        self._live_steps += 1
        path = os.path.join(os.path.dirname(self.scenario.path), f"<step {self._live_steps}>")
        try:
            written = Document(dict(step), root_name="step")
        except TypeError as error:
            raise ScenarioError(str(error), key_path=str(error).split(":", 1)[0]) from None
        try:
            ok = self._core.execute_step(written.text, path)
        except _packsim.InputError as error:
            raise translate_input_error(error, path, written) from None
        kind = next((k for k in step if k != "label"), "")
        if kind in ("discharge", "charge", "rest"):
            self._connected = None
        elif kind == "connect":
            self._connected = next(iter(step["connect"]))
        elif kind == "disconnect":
            self._connected = None
        return bool(ok)

    def _connect(self, device: str, settings: Dict[str, Any]) -> None:
        if self._connected is not None:
            self.step({"disconnect": "all"})
        self.step({"connect": {device: settings}})

    def set_load(
        self,
        current: Optional[Quantity] = None,
        *,
        power: Optional[Quantity] = None,
        resistance: Optional[Quantity] = None,
    ) -> None:
        """Connects a load now (replacing whatever is on the terminals): constant
        current (A), constant power (W) or a resistance (ohm). Numbers are in
        those units; text carries its own ("500 mA"). No argument: disconnect."""
        given = {k: v for k, v in (("current", current), ("power", power), ("resistance", resistance)) if v is not None}
        if not given:
            self.disconnect()
            return
        if len(given) > 1:
            raise ValueError(f"set_load: one of current, power or resistance, got {', '.join(given)}")
        key, value = next(iter(given.items()))
        self._connect("load", {key: _with_unit(value, {"current": "A", "power": "W", "resistance": "ohm"}[key])})

    def connect_charger(self, current: Quantity, voltage: Quantity) -> None:
        """A CC-CV charger on the terminals: ``current`` (A) until they reach ``voltage`` (V)."""
        self._connect("charger", {"current": _with_unit(current, "A"), "voltage": _with_unit(voltage, "V")})

    def connect_lab_supply(self, voltage: Quantity, current_limit: Quantity, resistance: Quantity = 0.0) -> None:
        """A bench supply: ``voltage`` up to ``current_limit``, behind its leads' ``resistance``."""
        self._connect(
            "lab_supply",
            {
                "voltage": _with_unit(voltage, "V"),
                "current_limit": _with_unit(current_limit, "A"),
                "resistance": _with_unit(resistance, "ohm"),
            },
        )

    def disconnect(self) -> None:
        """Opens the terminals (whatever was connected)."""
        self.step({"disconnect": "all"})

    def set_ambient(self, ambient: Quantity) -> None:
        """The ambient temperature from now on (degC, or text with its unit)."""
        self.step({"set_ambient": _with_unit(ambient, "degC")})

    def inject(self, fault: Union[str, Mapping[str, Any]], **parameters: Any) -> None:
        """Injects a plant or AFE fault now, as a scenario's ``inject`` step:
        ``inject("open_wire", cell=5)``, ``inject("internal_short", cell=3, resistance="10 ohm")``,
        ``inject("ntc_open", pin="TS1")``, ``inject("i2c_errors", nack="1 %")`` or
        ``inject({"weak_cell": {"cell": 2, "capacity": "80 %"}})``."""
        self.step({"inject": self._fault(fault, parameters)})

    def clear(self, fault: str, **parameters: Any) -> None:
        """Clears an injected fault: ``clear("open_wire")``, ``clear("internal_short", cell=3)``."""
        self.step({"clear": {fault: parameters} if parameters else fault})

    @staticmethod
    def _fault(fault: Union[str, Mapping[str, Any]], parameters: Dict[str, Any]) -> Dict[str, Any]:
        if isinstance(fault, Mapping):
            if parameters:
                raise TypeError("inject: give the fault as a dict or as a name with keywords, not both")
            return dict(fault)
        return {fault: dict(parameters)}

    # ---- what happened ----

    @property
    def trace(self) -> Trace:
        """The trace so far (as :attr:`packsim.Result.trace`)."""
        return Trace(self._core.trace_arrays())

    def expectations(self) -> List[ExpectationResult]:
        """The scenario's expectations judged as if the run ended now, then failed steps."""
        return list(self._core.verdicts())

    def log(self, last_lines: int = 200) -> List[Tuple[float, str]]:
        """The firmware's log lines (simulated time, text)."""
        return list(self._core.log(last_lines))

    def plot(self, **options: Any) -> "Figure":
        """The trace so far, plotted as :meth:`packsim.Result.plot` does."""
        from .plots import plot_trace

        options.setdefault("title", f"{self._core.scenario_name} at t = {self.time_s:.1f} s")
        return plot_trace(self.trace, self.expectations(), **options)

    def __repr__(self) -> str:
        return f"<Simulator {self._core.scenario_name!r} at t = {self.time_s:.3f} s, firmware {self._core.firmware_name!r}>"


class PackView:
    """The plant's true values (no sensor error), cells in pack order, read-only copies.

    As the scenario signals see it: the plant as last sampled, which the loop
    does at each of the chip's measurements (every ~60 ms), at every change
    of load, FETs, balancing, faults or ambient, and at least once a second.
    """

    def __init__(self, core: "_packsim._Simulator") -> None:
        self._core = core

    def state(self) -> Dict[str, Any]:
        """Everything at once: per-cell arrays and terminal values."""
        return self._core.pack_state()

    @property
    def series(self) -> int:
        return self._core.series

    @property
    def parallel(self) -> int:
        return self._core.parallel

    @property
    def cell_v(self) -> np.ndarray:
        """Series-group voltages (V), what the AFE measures."""
        return self.state()["cell_v"]

    @property
    def soc(self) -> np.ndarray:
        return self.state()["soc"]

    @property
    def temp_c(self) -> np.ndarray:
        return self.state()["temp_c"]

    @property
    def capacity_ah(self) -> np.ndarray:
        """Each cell's present capacity (variation, weak-cell faults and fade included)."""
        return self.state()["capacity_ah"]

    @property
    def current_a(self) -> float:
        """Pack current, + discharge."""
        return self.state()["current_a"]

    @property
    def pack_v(self) -> float:
        return self.state()["pack_v"]

    @property
    def load_v(self) -> float:
        """At the PACK pins, beyond the FETs."""
        return self.state()["load_v"]

    @property
    def ambient_c(self) -> float:
        return self._core.ambient_c

    def __repr__(self) -> str:
        state = self.state()
        return (
            f"<Pack {self.series}S{self.parallel}P {state['pack_v']:.3f} V {state['current_a']:+.3f} A, "
            f"cells {state['cell_v'].min():.4f}..{state['cell_v'].max():.4f} V>"
        )


class AfeView:
    """The bq76952 as the firmware would read it."""

    def __init__(self, core: "_packsim._Simulator") -> None:
        self._core = core

    def read(self, register: Union[str, int]) -> int:
        """A direct command by name ("Cell 1 Voltage", "Safety Status A") or address (0x14):
        the value the firmware would read now (mV, userV, userA, 0.1 K, or bits)."""
        return self._core.afe_read(register)

    def register_names(self) -> List[str]:
        return list(self._core.afe_register_names())

    def registers(self) -> Dict[str, int]:
        """Every readable direct command by name."""
        return {name: self._core.afe_read(name) for name in self._core.afe_register_names()}

    def status(self) -> Dict[str, Any]:
        """power_mode, powered, chg/dsg/pchg/pdsg FETs, alert, balancing_cells (1-based) and protections."""
        return self._core.afe_status()

    @property
    def protections(self) -> Dict[str, bool]:
        """Safety Status bits by the scenario's names (cuv, cov, occ, ocd1, scd, otc...)."""
        return self.status()["protections"]

    @property
    def fets(self) -> Dict[str, bool]:
        status = self.status()
        return {k: status[k] for k in ("chg_fet", "dsg_fet", "pchg_fet", "pdsg_fet")}

    @property
    def power_mode(self) -> str:
        return self.status()["power_mode"]


class BmsView(Mapping):
    """The firmware's observable variables (``bms_observables_get``, bms_hal.h), read now.

    The reference firmware exposes its ``state``, flags, SOC counter,
    balancing cells, last measurements and limits; a firmware that exports
    none keeps its state private (the view is empty).
    """

    def __init__(self, core: "_packsim._Simulator") -> None:
        self._core = core

    def _values(self) -> Dict[str, Any]:
        return self._core.bms_observables()

    def __getitem__(self, name: str) -> Any:
        values = self._values()
        if name not in values:
            raise KeyError(f"the firmware exposes no {name!r} (it exposes: {', '.join(values) or 'nothing'})")
        return values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())

    def info(self) -> List[Tuple[str, str, str]]:
        """(name, unit, description) of each observable."""
        return list(self._core.bms_observable_info())

    @property
    def firmware_name(self) -> str:
        return self._core.firmware_name

    def __repr__(self) -> str:
        return f"<BMS {self.firmware_name!r} {dict(self._values())}>"


class CanView:
    """The rig's CAN bus: frames sent by anyone, and frames you put on it (as the inverter's node)."""

    def __init__(self, core: "_packsim._Simulator") -> None:
        self._core = core

    def send(self, id: int, data: Union[bytes, List[int]], extended: bool = False) -> None:  # noqa: A002
        """Puts a classic CAN frame on the bus now."""
        self._core.can_send(int(id), list(bytes(data)), bool(extended))

    def frames(self, since: int = 0) -> np.ndarray:
        """Frames from index ``since`` on (structured: t, id, extended, dlc, data, sender)."""
        return can_array(self._core.can_columns(since))


class ServiceView:
    """The JBD service tool on the BMS's UART. Each request lets simulated
    time pass until the answer (a few firmware ticks), like a real tool;
    no usable answer raises packsim.ServiceError."""

    def __init__(self, core: "_packsim._Simulator") -> None:
        self._core = core

    def basic_info(self) -> Dict[str, Any]:
        """0x03: pack_v, current_a (+ discharge), capacities, soc, FETs, protections, balancing, NTCs."""
        return self._core.service_basic_info()

    def cell_voltages(self) -> np.ndarray:
        """0x04: cell voltages (V) as the BMS measures them."""
        return self._core.service_cell_voltages()

    def hardware_version(self) -> str:
        return self._core.service_hardware_version()

    def reset(self) -> bool:
        """0xE1 00 00, the reset of latched faults: True when accepted, False when the BMS refused
        (the cause persists)."""
        return self._core.service_mos_control(False, False)

    def mos_control(self, charge_off: bool, discharge_off: bool) -> bool:
        """0xE1: turn FETs off (or both back on); True when accepted."""
        return self._core.service_mos_control(bool(charge_off), bool(discharge_off))

    def status(self) -> Dict[str, Any]:
        """0xF2 (the reference firmware's extension): state, flags, SOC, SOH, limits."""
        return self._core.service_status()

    def fault_log(self) -> List[Dict[str, Any]]:
        """0xF1 (the reference firmware's extension): every entry of the fault log."""
        return self._core.service_fault_log()
