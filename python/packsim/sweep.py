"""Sweeps: scenarios x seeds x a grid of overrides, on any concurrent.futures executor.

One row per run, in task order whatever order the runs finish in::

    import packsim
    from dask.distributed import Client

    table = packsim.sweep(
        [packsim.scenario_path("cold_charge_lockout")],
        seeds=range(20),
        grid={"environment.ambient": ["-10 degC", "0 degC", "10 degC"]},
        executor=Client("scheduler:8786").get_executor(),   # or None: a local process pool
    )

A run that fails its expectations or raises is a row like the others (its
``error`` column says what was raised); the sweep goes on. Scenarios travel
to the workers with their pack and cell files (packsim.Scenario pickles
self-contained), so a worker needs packsim installed but not the user's files.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import math
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, TextIO, Union

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from ._result import Result
    from ._scenario import Scenario

ScenarioLike = Union["Scenario", str, "os.PathLike[str]", Mapping[str, Any]]

#: The figures every row carries, besides the verdicts.
FIGURES = ("simulated_s", "wall_s", "min_cell_v", "max_cell_v", "max_cell_temp_c", "first_fet_open_s")


class SerialExecutor(concurrent.futures.Executor):
    """Runs each task in this process when it is submitted (for comparisons and debugging)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> concurrent.futures.Future:
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: B902 - the future carries it, as a pool's would
            future.set_exception(error)
        return future


def key_figures(result: "Result") -> Dict[str, float]:
    """The figures of a run that a sweep's row carries (NaN where the trace has nothing)."""
    trace = result.trace
    figures: Dict[str, float] = {
        "simulated_s": result.statistics.simulated_s,
        "wall_s": result.statistics.wall_s,
        "min_cell_v": math.nan,
        "max_cell_v": math.nan,
        "max_cell_temp_c": math.nan,
        "first_fet_open_s": math.nan,
    }
    if trace.rows == 0:
        return figures
    figures["min_cell_v"] = float(np.nanmin(trace["min_cell_v"]))
    figures["max_cell_v"] = float(np.nanmax(trace["max_cell_v"]))
    figures["max_cell_temp_c"] = float(np.nanmax(trace["max_cell_temp"]))
    # The first instant a FET that conducted stopped conducting.
    chg, dsg = trace["chg_fet"], trace["dsg_fet"]
    opened = np.flatnonzero((chg[1:] < chg[:-1]) | (dsg[1:] < dsg[:-1]))
    if opened.size:
        figures["first_fet_open_s"] = float(trace.t[opened[0] + 1])
    return figures


def _run_task(task: Dict[str, Any]) -> Dict[str, Any]:
    """One run on a worker: a row of figures, never a trace unless asked."""
    from . import run  # on the worker

    row: Dict[str, Any] = {"passed": False, "error": "", "firmware_fault": ""}
    try:
        scenario = task["scenario"].with_overrides(task["overrides"])
        result = run(scenario, seed=task["seed"], firmware=task["firmware"], isolate=task["isolate"])
        row["passed"] = result.passed
        row["error"] = result.error
        if result.firmware_fault is not None:
            row["firmware_fault"] = result.firmware_fault.text
        for expectation in result.expectations:
            row["expect: " + expectation.name] = expectation.passed
        row.update(key_figures(result))
        if task["figures"] is not None:
            row.update(task["figures"](result))
        if task["keep_traces"]:
            row["trace"] = result.trace
    except Exception as error:  # noqa: BLE001 - a sweep's row says what went wrong and the sweep goes on
        row["passed"] = False
        row["error"] = f"{type(error).__name__}: {error}"
    return row


def _run_tasks(tasks: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Several runs in one task: an executor's per-task cost (scheduling,
    pickling, a round trip) is paid once for all of them."""
    return [_run_task(task) for task in tasks]


def _worker_count(executor: concurrent.futures.Executor) -> int:
    client = getattr(executor, "_client", None)  # dask.distributed's ClientExecutor
    if client is not None:
        try:
            return max(1, len(client.scheduler_info().get("workers", {})))
        except Exception:  # noqa: BLE001 - a client that cannot say: assume one
            return 1
    return int(getattr(executor, "_max_workers", 1) or 1)


def _automatic_chunk_size(runs: int, executor: concurrent.futures.Executor) -> int:
    """About eight tasks per worker: few enough that per-task costs vanish,
    enough that the last ones leave no worker idle for long."""
    return max(1, -(-runs // (8 * _worker_count(executor))))


class _Progress:
    """A one-line progress bar on a terminal, redrawn at most five times a second."""

    def __init__(self, total: int, stream: Optional[TextIO]) -> None:
        self.total = total
        self.stream = stream
        self.done = 0
        self.failed = 0
        self.errors = 0
        self.start = time.monotonic()
        self.last_draw = 0.0

    def update(self, row: Dict[str, Any]) -> None:
        self.done += 1
        self.failed += 0 if row.get("passed") else 1
        self.errors += 1 if row.get("error") else 0
        now = time.monotonic()
        if self.stream is not None and (now - self.last_draw > 0.2 or self.done == self.total):
            self.last_draw = now
            minutes = max(now - self.start, 1e-9) / 60.0
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            self.stream.write(
                f"\r  sweep [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} runs, "
                f"{self.failed} failed ({self.errors} errors), {self.done / minutes:.1f} runs/min "
            )
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()


def _as_list(scenarios: Union[ScenarioLike, Sequence[ScenarioLike]]) -> List[ScenarioLike]:
    if isinstance(scenarios, (str, os.PathLike, Mapping)) or type(scenarios).__name__ == "Scenario":
        return [scenarios]  # type: ignore[list-item]
    return list(scenarios)  # type: ignore[arg-type]


def sweep(
    scenarios: Union[ScenarioLike, Sequence[ScenarioLike]],
    seeds: Optional[Union[int, Iterable[int]]] = None,
    grid: Optional[Mapping[str, Sequence[Any]]] = None,
    executor: Optional[concurrent.futures.Executor] = None,
    *,
    max_workers: Optional[int] = None,
    firmware: Optional[str] = None,
    isolate: Optional[bool] = None,
    figures: Optional[Callable[["Result"], Mapping[str, Any]]] = None,
    keep_traces: bool = False,
    progress: Optional[bool] = None,
    chunk_size: Optional[int] = None,
) -> "pandas.DataFrame":
    """Runs every scenario x seed x grid point and returns one row per run.

    ``seeds``: an iterable of seeds, a count n (seeds 0..n-1), or None (each
    scenario's own seed). ``grid``: key path -> values, e.g.
    ``{"environment.ambient": ["-10 degC", "0 degC"], "pack.initial_soc": ["20 %", "80 %"]}``;
    its product is swept (see :meth:`packsim.Scenario.with_overrides`).
    ``executor``: any ``concurrent.futures.Executor``; None makes a local
    process pool of ``max_workers`` (the machine's cores; 1 runs in this
    process). ``dask.distributed.Client(...).get_executor()`` runs the sweep
    on a Dask cluster (its workers need packsim installed). ``figures``: a
    picklable function of the Result giving extra columns, computed on the
    worker. ``firmware`` and ``isolate`` are :func:`packsim.run`'s: a firmware
    that crashes or hangs in one run is that row's ``firmware_fault``. ``keep_traces`` brings each run's Trace back in a ``trace`` column.
    Runs travel to the executor ``chunk_size`` at a time (default: about
    eight tasks per worker), so an executor's per-task cost stays small.

    Columns: scenario, seed, one per grid key, passed, error, firmware_fault, ``expect: <name>``
    per expectation, simulated_s, wall_s, min_cell_v, max_cell_v,
    max_cell_temp_c, first_fet_open_s (NaN if no FET opened), then the
    ``figures``. Bad scenarios or grid keys raise ScenarioError before any run.
    """
    import pandas

    from ._scenario import as_scenario

    loaded = [as_scenario(s) for s in _as_list(scenarios)]
    if seeds is None:
        seed_list: List[Optional[int]] = [None]
    elif isinstance(seeds, int):
        seed_list = list(range(seeds))
    else:
        seed_list = [int(s) for s in seeds]
    grid = dict(grid or {})
    keys = list(grid)
    points = [dict(zip(keys, values)) for values in itertools.product(*(list(grid[k]) for k in keys))]
    # Every grid point is checked on each scenario before anything runs: a
    # typo in a key path is bad input, not 200 failed rows.
    for scenario in loaded:
        for point in points:
            scenario.with_overrides(point)

    tasks = []
    for scenario in loaded:
        for point in points:
            for seed in seed_list:
                tasks.append(
                    {
                        "scenario": scenario,
                        "seed": seed,
                        "overrides": point,
                        "firmware": firmware,
                        "isolate": isolate,
                        "figures": figures,
                        "keep_traces": keep_traces,
                    }
                )

    owned = executor is None
    if owned:
        workers = max_workers or os.cpu_count() or 1
        executor = SerialExecutor() if workers == 1 else concurrent.futures.ProcessPoolExecutor(max_workers=workers)
    stream = sys.stderr if (progress or (progress is None and sys.stderr.isatty())) else None
    client = getattr(executor, "_client", None)
    if stream is not None and client is not None and getattr(client, "dashboard_link", None):
        stream.write(f"  sweep on Dask: progress at {client.dashboard_link}\n")

    rows: List[Optional[Dict[str, Any]]] = [None] * len(tasks)
    bar = _Progress(len(tasks), stream)
    size = chunk_size or _automatic_chunk_size(len(tasks), executor)
    chunks = [list(range(first, min(first + size, len(tasks)))) for first in range(0, len(tasks), size)]
    try:
        futures = {executor.submit(_run_tasks, [tasks[i] for i in chunk]): chunk for chunk in chunks}
        for future in concurrent.futures.as_completed(futures):
            chunk = futures[future]
            try:
                chunk_rows = future.result()
            except Exception as error:  # noqa: BLE001 - a worker that died: each of its runs is a row saying so
                chunk_rows = [{"passed": False, "error": f"{type(error).__name__}: {error}"}] * len(chunk)
            for index, row in zip(chunk, chunk_rows):
                rows[index] = row
                bar.update(row)
    finally:
        if owned:
            executor.shutdown(wait=True, cancel_futures=True)

    records = []
    for task, row in zip(tasks, rows):
        scenario = task["scenario"]
        record: Dict[str, Any] = {
            "scenario": scenario.name,
            "seed": scenario.seed if task["seed"] is None else task["seed"],
        }
        record.update(task["overrides"])
        record.update(row or {"passed": False, "error": "no result"})
        records.append(record)
    frame = pandas.DataFrame.from_records(records)
    if "firmware_fault" not in frame.columns:
        frame["firmware_fault"] = ""
    frame["firmware_fault"] = frame["firmware_fault"].fillna("")
    leading = ["scenario", "seed", *keys, "passed", "error", "firmware_fault"]
    expectations = [c for c in frame.columns if c.startswith("expect: ")]
    rest = [c for c in frame.columns if c not in leading and c not in expectations]
    figure_order = [c for c in FIGURES if c in rest] + [c for c in rest if c not in FIGURES]
    return frame[leading + expectations + figure_order]


__all__ = ["FIGURES", "SerialExecutor", "key_figures", "sweep"]
