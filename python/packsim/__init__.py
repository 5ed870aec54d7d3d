"""packsim: a battery-pack simulator for proving BMS firmware, from Python.

Run a scenario as ``packsim run`` does, get numpy traces and verdicts::

    import packsim
    result = packsim.run("scenarios/deep_discharge.yaml")
    print(result.passed, result.trace["min_cell_v"].min())
    result.plot().savefig("deep_discharge.png")

Drive the rig live (:class:`Simulator`), and sweep thousands of seeded runs
on any ``concurrent.futures`` executor, a Dask cluster's included
(:func:`packsim.sweep.sweep`). The API tour is python/README.md.
"""

from __future__ import annotations

import os
from typing import Any, List, Mapping, Optional, Tuple, Union

from . import _packsim
from ._errors import FirmwareError, FirmwareFault, PhysicsError, ScenarioError, ServiceError
from ._outputs import prepare_output_dir
from ._result import ExpectationResult, FirmwareFaultInfo, Result, RunStatistics, Trace
from ._scenario import REMOVE, Scenario, as_scenario, load_scenario
from ._simulator import AfeView, BmsView, CanView, PackView, ServiceView, Simulator
from .sweep import sweep  # the function; the module stays importable as packsim.sweep

__version__ = "0.1.0"

_HERE = os.path.dirname(os.path.abspath(__file__))


def _data_dir(name: str, source_dir: str) -> str:
    installed = os.path.join(_HERE, "data", name)
    return installed if os.path.isdir(installed) else source_dir


#: The scenario library (installed with the package, or the source tree's).
scenarios_dir: str = _data_dir("scenarios", _packsim._source_scenarios_dir)
#: Cell parameter files and packs/*.yaml.
params_dir: str = _data_dir(os.path.join("models", "params"), _packsim._source_params_dir)


def scenario_path(name: str) -> str:
    """The library scenario ``name`` ("deep_discharge" or "deep_discharge.yaml")."""
    path = os.path.join(scenarios_dir, name if name.endswith(".yaml") else name + ".yaml")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no scenario {name!r} in {scenarios_dir}")
    return path


def list_scenarios() -> List[Tuple[str, str]]:
    """(name, description) of every scenario in the library, as ``packsim list``."""
    entries = []
    for file in sorted(os.listdir(scenarios_dir)):
        if file.endswith(".yaml"):
            entries.append((file[:-5], load_scenario(os.path.join(scenarios_dir, file)).description))
    return entries


def run(
    scenario: Union[Scenario, str, "os.PathLike[str]", Mapping[str, Any]],
    seed: Optional[int] = None,
    firmware: Optional[str] = None,
    out: Optional[Union[str, "os.PathLike[str]"]] = None,
    *,
    junit: Optional[Union[str, "os.PathLike[str]"]] = None,
    report: bool = True,
    isolate: Optional[bool] = None,
    until_limit: float = 48 * 3600.0,
    trace_period: float = 1.0,
) -> Result:
    """Runs a scenario as ``packsim run`` does: the same steps, verdicts and trace.

    ``scenario``: a Scenario, a path or a dict. ``seed`` replaces the
    scenario's (``--seed``); ``firmware`` replaces its firmware
    ("reference" or a shared object's path, ``--firmware``). With ``out`` the
    files of ``packsim run --out`` are written: OUT/<scenario>/trace.csv,
    can.log, report.html (unless ``report=False``) and OUT/junit.xml (or
    ``junit``). ``isolate`` runs the firmware in a child process of its own
    (``--isolate``; None: a shared object is isolated, the reference firmware
    runs in this process): a firmware that crashes, exits, hangs or floods a
    bus ends its run with ``result.firmware_fault`` instead of taking Python
    down. ``until_limit`` (s, ``--until-limit``): how long a step's ``until``
    may wait when the step has no ``for``; reaching it fails the step.
    ``trace_period`` (s, ``--trace-period``): the trace's row period (FET
    edges, stimuli and verdicts get rows of their own). The run releases the
    GIL; Ctrl-C stops it with KeyboardInterrupt.
    Bad input raises ScenarioError / FirmwareError; a run that breaks (not an
    expectation) returns with ``result.error`` set.
    """
    loaded = as_scenario(scenario)
    if out is not None:
        prepare_output_dir(out, junit)
    core = _packsim._run(loaded._core, seed, None if firmware is None else os.fspath(firmware), isolate=isolate,
                         until_limit_s=until_limit, trace_period_s=trace_period)
    result = Result(core, loaded)
    if out is not None:
        core.write_outputs(os.fspath(out), None if junit is None else os.fspath(junit), report)
    return result


__all__ = [
    "AfeView",
    "BmsView",
    "CanView",
    "PackView",
    "ServiceView",
    "ExpectationResult",
    "FirmwareError",
    "FirmwareFault",
    "FirmwareFaultInfo",
    "PhysicsError",
    "REMOVE",
    "Result",
    "RunStatistics",
    "Scenario",
    "ScenarioError",
    "ServiceError",
    "Simulator",
    "Trace",
    "list_scenarios",
    "load_scenario",
    "params_dir",
    "run",
    "scenario_path",
    "scenarios_dir",
    "sweep",
]
