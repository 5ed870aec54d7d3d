"""The Python API's performance figures (issue: Python API and sweeps).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_api_bench.py [--repeats 5] [--sweep-runs 200] [--json]

Reports, each the median of --repeats measurements:
  run_vs_cli_ratio         packsim.run(deep_discharge) wall time over `packsim run --no-report`'s
                           (both: the simulation's own wall time, RunStatistics.wall_s / the CLI's
                           "s wall"; and end to end: the call vs the whole process)
  run_for_10ms_us          one Simulator.run_for(0.01) from a Python loop, in microseconds
  run_for_rt_factor        simulated over wall time of that loop (target: at least 2,000x)
  sweep_runs_per_min_1w/2w 200 seeded deep_discharge runs on a local Dask cluster of 1 and 2
                           worker processes, and the speed-up of 2 workers (target: 1.8x)
Nothing here is a pass/fail test; ctest runs it with --quick only to keep the script working.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import packsim


def median(values):
    return statistics.median(values)


def cli_binary() -> str:
    path = os.environ.get("PACKSIM_BINARY", os.path.join(os.path.dirname(__file__), "..", "build", "packsim"))
    if not os.path.exists(path):
        sys.exit(f"no packsim CLI at {path}: set PACKSIM_BINARY")
    return path


def run_vs_cli(repeats: int) -> dict:
    scenario_path = packsim.scenario_path("deep_discharge")
    scenario = packsim.load_scenario(scenario_path)
    cli = cli_binary()
    python_sim, python_total, cli_sim, cli_total = [], [], [], []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeats):
            start = time.perf_counter()
            result = packsim.run(scenario)
            _ = result.trace["cell_v"]  # the numpy arrays are part of what a user gets
            python_total.append(time.perf_counter() - start)
            python_sim.append(result.statistics.wall_s)

            start = time.perf_counter()
            done = subprocess.run([cli, "run", scenario_path, "--out", out, "--no-report"], capture_output=True, text=True)
            cli_total.append(time.perf_counter() - start)
            match = re.search(r"simulated in ([0-9.]+) s wall", done.stdout)
            if done.returncode != 0 or match is None:
                sys.exit(f"packsim run failed: {done.stdout}{done.stderr}")
            cli_sim.append(float(match.group(1)))
    return {
        "run_python_sim_s": median(python_sim),
        "run_cli_sim_s": median(cli_sim),
        "run_vs_cli_ratio": median(python_sim) / median(cli_sim),
        "run_python_total_s": median(python_total),
        "run_cli_process_s": median(cli_total),
    }


def run_for_loop(repeats: int, calls: int) -> dict:
    per_call_us = []
    for _ in range(repeats):
        simulator = packsim.Simulator(packsim.scenario_path("deep_discharge"))
        simulator.run_for(10.0)  # booted and configured
        simulator.set_load(current=1.15)  # 0.5C: the firmware, the chip and the plant all busy
        start = time.perf_counter()
        for _ in range(calls):
            simulator.run_for(0.01)
        per_call_us.append((time.perf_counter() - start) / calls * 1e6)
    call_us = median(per_call_us)
    return {"run_for_10ms_us": call_us, "run_for_rt_factor": 0.01 / (call_us * 1e-6)}


def sweep_rate(runs: int) -> dict:
    from dask.distributed import Client, LocalCluster

    scenario = packsim.load_scenario(packsim.scenario_path("deep_discharge"))
    rates = {}
    failed = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
            with Client(cluster) as client:
                # Workers import packsim and load a firmware once before the clock starts.
                packsim.sweep(scenario, seeds=range(workers * 2), executor=client.get_executor(), progress=False)
                start = time.perf_counter()
                table = packsim.sweep(scenario, seeds=range(runs), executor=client.get_executor(), progress=False)
                elapsed = time.perf_counter() - start
        # A failed expectation is a result (some seeds do fail deep_discharge's 3 s
        # deadline: the chip's seeded ADC error shifts where the BMS sees 2.5 V);
        # a run that raised is not.
        errors = table[table["error"] != ""]
        if len(errors):
            sys.exit(f"sweep: {len(errors)} runs raised, e.g. {errors['error'].iloc[0]}")
        rates[workers] = runs / elapsed * 60.0
        failed[workers] = int((~table["passed"]).sum())
    return {
        "sweep_runs": runs,
        "sweep_runs_per_min_1w": rates[1],
        "sweep_runs_per_min_2w": rates[2],
        "sweep_speedup_2w": rates[2] / rates[1],
        "sweep_failed_runs": failed[2],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100_000, help="run_for(0.01) calls per measurement")
    parser.add_argument("--sweep-runs", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the script works, measures nothing")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.calls, args.sweep_runs = 1, 1000, 4
    figures = {}
    figures.update(run_vs_cli(args.repeats))
    figures.update(run_for_loop(args.repeats, args.calls))
    figures.update(sweep_rate(args.sweep_runs))
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:28s} {value:12.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
