"""packsim.run's result: verdicts, statistics, the trace and the CAN log as numpy arrays."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, NamedTuple, Optional

import numpy as np

from . import _packsim

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    from matplotlib.figure import Figure

    from ._scenario import Scenario

ExpectationResult = _packsim.ExpectationResult
RunStatistics = _packsim.RunStatistics

CAN_DTYPE = np.dtype(
    [("t", "f8"), ("id", "u4"), ("extended", "?"), ("dlc", "u1"), ("data", "u1", (8,)), ("sender", "U16")]
)

# The 2-D arrays; the rest are columns named as in trace.csv.
CELL_MATRICES = ("cell_v", "cell_temp", "cell_soc")


def _read_only(array: np.ndarray) -> np.ndarray:
    """The array, frozen; a view is copied first (freezing a view leaves its owner writable)."""
    if array.base is not None:
        array = array.copy()
    array.flags.writeable = False
    return array


class Trace(Mapping[str, np.ndarray]):
    """The run's signals, sampled as trace.csv samples them, as numpy arrays.

    ``trace["t"]`` is the time in seconds; every trace.csv column is there by
    its name (``pack_v``, ``min_cell_v``, ``dsg_fet``, ``afe.cuv``...), in SI
    units (fractions for %), switches as 0.0/1.0 (NaN while unknown, e.g. a
    CAN value not yet received) and states as text. ``cell_v`` (rows x series
    groups), ``cell_temp`` and ``cell_soc`` (rows x cells) hold every cell.
    Attribute access works for names without dots: ``trace.pack_v``.
    """

    def __init__(self, arrays: Dict[str, np.ndarray]) -> None:
        self._arrays = {name: _read_only(array) for name, array in arrays.items()}

    def __getitem__(self, name: str) -> np.ndarray:
        return self._arrays[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays)

    def __len__(self) -> int:
        return len(self._arrays)

    def __reduce__(self):
        return (Trace, (dict(self._arrays),))  # read-only again where it is unpickled

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_"):  # pickling and copying look for dunders before __init__ ran
            raise AttributeError(name)
        try:
            return self._arrays[name]
        except KeyError:
            raise AttributeError(f"the trace has no column {name!r}") from None

    @property
    def t(self) -> np.ndarray:
        return self._arrays["t"]

    @property
    def columns(self) -> List[str]:
        """The trace.csv columns, in its order (without t and the 2-D arrays)."""
        return [k for k in self._arrays if k != "t" and k not in CELL_MATRICES]

    @property
    def rows(self) -> int:
        return int(self._arrays["t"].shape[0])

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per sample, indexed by t (s): the trace.csv columns, then
        ``cell_v[k]``, ``cell_temp[k]`` and ``cell_soc[k]`` for every cell (1-based)."""
        import pandas

        data: Dict[str, Any] = {name: self._arrays[name] for name in self.columns}
        for matrix in CELL_MATRICES:
            if matrix in self._arrays:
                values = self._arrays[matrix]
                for k in range(values.shape[1]):
                    data.setdefault(f"{matrix}[{k + 1}]", values[:, k])
        frame = pandas.DataFrame(data, index=pandas.Index(self._arrays["t"], name="t"))
        return frame

    def __repr__(self) -> str:
        return f"<Trace {self.rows} rows: {', '.join(self.columns)}>"


def can_array(columns: Mapping[str, np.ndarray]) -> np.ndarray:
    """CAN frames as a structured array (t, id, extended, dlc, data[8], sender)."""
    frames = np.zeros(len(columns["t"]), dtype=CAN_DTYPE)
    for name in CAN_DTYPE.names:
        frames[name] = columns[name]
    frames.flags.writeable = False
    return frames


class FirmwareFaultInfo(NamedTuple):
    """How the firmware under test stopped being one, and when: its run ended there."""

    kind: str  #: "crashed", "exited", "hung", "flooded a bus", "broke the link", "lost the link"
    detail: str  #: the signal or exit status, the deadline, the bus, the field; its last stderr lines
    at_s: float  #: the simulated time it happened
    text: str  #: "firmware crashed at t=2.00 s: ..."


class Result:
    """What :func:`packsim.run` produced: the same verdicts as ``packsim run``."""

    def __init__(self, core: "_packsim._RunOutput", scenario: "Scenario") -> None:
        self._core = core
        self.scenario = scenario
        self._trace: Optional[Trace] = None
        self._can: Optional[np.ndarray] = None

    @property
    def passed(self) -> bool:
        """Every expectation held and the run did not break."""
        return bool(self._core.passed)

    @property
    def error(self) -> str:
        """Why the run broke (not an expectation), or ""."""
        return self._core.error

    @property
    def firmware_fault(self) -> Optional[FirmwareFaultInfo]:
        """The fault that ended the run early (a crash, exit, hang, flood or broken link), or None."""
        fault = self._core.firmware_fault
        return None if fault is None else FirmwareFaultInfo(*fault)

    @property
    def seed(self) -> int:
        return self._core.seed

    @property
    def expectations(self) -> List[ExpectationResult]:
        """Each expectation's verdict (name, text, passed, detail, failed_at_s), then failed steps."""
        return list(self._core.expectations)

    @property
    def statistics(self) -> RunStatistics:
        """simulated_s, wall_s, speed_up, and firmware_link (a dict for an isolated or linked firmware)."""
        return self._core.statistics

    @property
    def trace(self) -> Trace:
        if self._trace is None:
            self._trace = Trace(self._core.trace_arrays())
        return self._trace

    @property
    def can(self) -> np.ndarray:
        """Every CAN frame of the run (structured: t, id, extended, dlc, data, sender)."""
        if self._can is None:
            self._can = can_array(self._core.can_columns())
        return self._can

    @property
    def pack(self) -> Optional[Dict[str, Any]]:
        """The plant's state at the end: per-cell arrays (soc, temp_c, capacity_ah,
        plated_lithium_ah, calendar/cycle/plating loss...) and terminal values."""
        return self._core.final_pack()

    def trace_csv(self) -> str:
        """trace.csv as ``packsim run`` writes it."""
        return self._core.trace_csv()

    def can_log(self) -> str:
        """can.log (candump format) as ``packsim run`` writes it."""
        return self._core.can_log()

    def write(self, out: str, junit: Optional[str] = None, report: bool = True) -> None:
        """Writes OUT/<scenario>/trace.csv, can.log, report.html and OUT/junit.xml, as ``packsim run --out``."""
        from ._outputs import prepare_output_dir

        prepare_output_dir(out, junit)
        self._core.write_outputs(str(out), None if junit is None else str(junit), report)

    def to_pandas(self) -> "pandas.DataFrame":
        """The trace as a DataFrame (see :meth:`Trace.to_pandas`)."""
        return self.trace.to_pandas()

    def plot(self, **options: Any) -> "Figure":
        """Cell voltages, current, temperatures, SOC, FET and protection states on one time axis,
        with expectation failures and FET edges marked (see :func:`packsim.plots.plot_trace`)."""
        from .plots import plot_trace

        options.setdefault("title", f"{self._core.scenario_name}: {'passed' if self.passed else 'FAILED'}")
        return plot_trace(self.trace, self.expectations, **options)

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else ("broke: " + self.error if self.error else "FAILED")
        if self.firmware_fault is not None:
            verdict = self.firmware_fault.text
        stats = self.statistics
        return (
            f"<Result {self._core.scenario_name!r} {verdict}, {stats.simulated_s:.1f} s simulated "
            f"in {stats.wall_s:.2f} s>"
        )
