"""Ctrl-C stops a long run at once and leaves the rig usable; long calls release
the GIL so that other Python threads run meanwhile."""

import json
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import packsim

MAX_DELAY_S = 0.1

# Run in a child process, so that the SIGINTs it sends itself never reach the test runner.
SCRIPT = textwrap.dedent(r"""
    import json, os, signal, sys, threading, time
    import packsim

    def interrupted(call, after_s=0.5):
        # Calls call() with a SIGINT to this process after after_s: the delay (s) from the signal to the
        # KeyboardInterrupt, and how long the call had run (s).
        sent = {}

        def fire():
            sent["at"] = time.monotonic()
            os.kill(os.getpid(), signal.SIGINT)

        timer = threading.Timer(after_s, fire)
        began = time.monotonic()
        timer.start()
        try:
            call()
        except KeyboardInterrupt:
            caught = time.monotonic()
            return caught - sent["at"], caught - began
        finally:
            timer.join()
        raise SystemExit("the call ended before the SIGINT: " + repr(call))

    report = {}
    # No service expectation in reflash_mid_run: the rig's time moves only when asked.
    scenario = packsim.load_scenario(packsim.scenario_path("reflash_mid_run"))

    # 1. Simulator.run_for of 10^7 s (four months).
    sim = packsim.Simulator(scenario)
    sim.run_for(5)
    sim.set_load(2.3)
    report["run_for"] = interrupted(lambda: sim.run_for(1e7))
    stopped_at = sim.time_s
    rows = sim.trace.rows
    report["run_for_stopped_at_s"] = stopped_at
    assert 5.0 < stopped_at < 1e7, stopped_at
    assert sim.trace.t[-1] <= stopped_at
    sim.run_for(1)
    report["run_for_then_1_s"] = sim.time_s - stopped_at
    assert sim.time_s == stopped_at + 1.0 or abs(sim.time_s - stopped_at - 1.0) < 1e-9, sim.time_s - stopped_at
    sim.run_for(5)
    assert sim.trace.rows > rows, (rows, sim.trace.rows)
    assert sim.pack.current_a == 0.0 or sim.pack.current_a == 2.3  # the load stays, unless the BMS opened
    assert sim.run_until("2 s", 10) is not None

    # 2. run_until with a callable that never holds: the signal may land in the callable or between checks.
    sim2 = packsim.Simulator(scenario)
    report["run_until"] = interrupted(lambda: sim2.run_until(lambda s: False, 1e7))
    stopped_at = sim2.time_s
    sim2.run_for(1)
    assert abs(sim2.time_s - stopped_at - 1.0) < 1e-9, sim2.time_s - stopped_at

    # 3. packsim.run of six simulated hours, seed after seed.
    balancing = packsim.load_scenario(packsim.scenario_path("balancing_recovery"))

    def seeds():
        for seed in range(1000):
            packsim.run(balancing, seed=seed)

    report["run"] = interrupted(seeds)
    # The next run is unaffected.
    result = packsim.run(packsim.scenario_path("inverter_surge"))
    assert result.passed, result.expectations
    print("REPORT " + json.dumps(report))
""")


def test_ctrl_c_stops_long_runs_at_once_and_leaves_the_rig_usable(tmp_path):
    script = tmp_path / "interrupt.py"
    script.write_text(SCRIPT)
    completed = subprocess.run([sys.executable, "-W", "error", str(script)], capture_output=True, text=True,
                               timeout=120, env=dict(os.environ))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    line = next(l for l in completed.stdout.splitlines() if l.startswith("REPORT "))
    report = json.loads(line[len("REPORT "):])
    print(report)  # the measured delays, shown with pytest -s
    assert report["run_for_then_1_s"] == pytest.approx(1.0, abs=1e-9)
    for call in ("run_for", "run_until", "run"):
        delay_s, ran_s = report[call]
        assert ran_s >= 0.5, call
        assert 0.0 <= delay_s < MAX_DELAY_S, f"{call}: KeyboardInterrupt {delay_s * 1000:.1f} ms after SIGINT"


def count_while(thread):
    """Increments a counter in this thread while `thread` runs: how far it got."""
    counter = 0
    thread.start()
    while thread.is_alive():
        counter += 1
    thread.join()
    return counter


def test_other_python_threads_run_while_a_simulator_runs(library_scenario):
    sim = packsim.Simulator(packsim.load_scenario(library_scenario("deep_discharge")))
    sim.run_for(10)
    sim.set_load(2.3)
    began = time.monotonic()
    counter = count_while(threading.Thread(target=sim.run_for, args=(3300.0,)))
    wall_s = time.monotonic() - began
    assert sim.time_s == pytest.approx(3310.0)
    assert wall_s > 0.05, "the run is too short to tell"
    # A thread that held the GIL for the whole run would let this thread count only at its ~20 ms signal checks.
    assert counter > 100_000 * wall_s, (counter, wall_s)


def test_other_python_threads_run_while_packsim_run_runs(library_scenario):
    scenario = packsim.load_scenario(library_scenario("deep_discharge"))
    results = []
    began = time.monotonic()
    counter = count_while(threading.Thread(target=lambda: results.append(packsim.run(scenario))))
    wall_s = time.monotonic() - began
    assert results and results[0].passed
    assert wall_s > 0.05, "the run is too short to tell"
    assert counter > 100_000 * wall_s, (counter, wall_s)
