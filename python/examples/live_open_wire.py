"""Live co-simulation: an open cell sense wire, and what the BMS makes of it.

A packsim.Simulator runs the 16S1P LFP pack at 60 % with the reference
firmware. After boot a 1C load is connected; then the sense wire at the top of
cell 5 breaks (``sim.inject("open_wire", cell=5)``). The bq76952's input pin
floats on its filter capacitor and droops (~20 mV/s, bms_under_test/afe/afe_fault.h):
the chip reads cell 5 low and cell 6 high by the same amount, while the cells
themselves are fine. The reference firmware has no open-wire check of its
own: it sees a phantom over-voltage on cell 6 (charge FET off, 3.65 V for 1 s),
then a phantom under-voltage on cell 5 (discharge FET off, 2.5 V for 2 s), and
the chip's COV/CUV backstops follow. The script polls the BMS over its service
port (JBD 0x03/0x04), its observables and the chip, prints a timeline of what
it reported and when, then repairs the wire. None of these protections latch,
so the service reset is accepted at once (there is nothing to reset, and it
closes no FET while the cause is there); after the repair the firmware holds
a recovery charge (cell 5 read below 2.4 V) until every cell reads 2.8 V for 10 s.

Run (from a build tree)::

    PYTHONPATH=build/python MPLBACKEND=Agg python3 python/examples/live_open_wire.py --out example-out/open_wire

Writes OUT/live_open_wire.png (sim.plot(), with the BMS's readings of cells
5 and 6 over the true voltages); exits 1 if the BMS never reacts or does not recover.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

import packsim

OPEN_WIRE_CELL = 5  # the wire at the top of cell 5: cell 5 reads low, cell 6 high
LOAD_A = 2.3  # 1C
REACTION_TIMEOUT_S = 90.0  # the droop reaches both firmware thresholds within ~40 s
POLL_S = 0.5


def live_bench() -> packsim.Scenario:
    """The demo pack at 60 %, with expectations the rig checks online while we drive it."""
    return packsim.Scenario.from_dict(
        {
            "name": "open sense wire",
            "description": f"an open sense wire on cell {OPEN_WIRE_CELL} under a 1C load",
            "seed": 5,
            "pack": {
                "file": os.path.join(packsim.params_dir, "packs", "lfp_16s1p.yaml"),
                "initial_soc": "60 %",
                "initial_temp": "25 degC",
            },
            "steps": [{"wait": "1 s"}],  # a live session drives its own steps
            # No service.* signal here: it makes the rig poll the service port itself, and our own
            # requests then time out. What the service tool is told is checked from our polls.
            "expect": [
                {"name": "the charge FET opens", "that": "chg_fet off within 60 s of fault_injected[open_wire]"},
                {"name": "the discharge FET opens", "that": "dsg_fet off within 90 s of fault_injected[open_wire]"},
                {"name": f"the chip's COV trips (cell {OPEN_WIRE_CELL + 1} reads high)", "eventually": "afe.cov on"},
                {"name": f"the chip's CUV trips (cell {OPEN_WIRE_CELL} reads low)", "eventually": "afe.cuv on"},
                {"name": "the cells themselves stay healthy", "always": "min_cell_v > 3.0 V and max_cell_v < 3.4 V"},
            ],
        }
    )


class BmsWatch:
    """Polls the BMS; keeps its readings of the two cells at the broken wire, prints a row when its answer changes."""

    def __init__(self, sim: packsim.Simulator) -> None:
        self.sim = sim
        self.readings = []  # (t s, the two cells as read, V)
        self.reported = set()  # every protection the service tool was told of
        self.last_row = None
        header = f"{'BMS state':17s} {'FETs (0x03)':16s} {'protections (0x03)':35s} {'AFE':9s} readings (0x04)"
        print(f"  {'t (s)':>7s}  {header}")

    def poll(self) -> dict:
        sim, k = self.sim, OPEN_WIRE_CELL - 1  # arrays are 0-based, cells 1-based
        info = sim.service.basic_info()
        read_v, true_v = sim.service.cell_voltages(), sim.pack.cell_v
        now = {
            "state": sim.bms["state"],
            "fets": f"CHG {'on' if info['chg_fet'] else 'off'}, DSG {'on' if info['dsg_fet'] else 'off'}",
            "reported": ", ".join(name for name, on in info["protections"].items() if on) or "-",
            "afe": ", ".join(name for name, on in sim.afe.protections.items() if on) or "-",
        }
        self.readings.append((sim.time_s, read_v[k], read_v[k + 1]))
        self.reported.update(name for name, on in info["protections"].items() if on)
        if now != self.last_row:
            self.last_row = dict(now)
            readings = ", ".join(f"cell {j + 1} {read_v[j]:.3f} V (true {true_v[j]:.3f})" for j in (k, k + 1))
            answer = f"{now['state']:17s} {now['fets']:16s} {now['reported']:35s} {now['afe']:9s}"
            print(f"  {sim.time_s:7.2f}  {answer} {readings}")
        now.update(chg_fet=info["chg_fet"], dsg_fet=info["dsg_fet"])
        now["error_v"] = (read_v[k] - true_v[k], read_v[k + 1] - true_v[k + 1])
        return now

    def run(self, duration_s: float, until=None) -> dict:
        """Polls every POLL_S for up to ``duration_s`` or until ``until(answer)`` holds; the last answer."""
        end = self.sim.time_s + duration_s
        while True:
            now = self.poll()
            if (until is not None and until(now)) or self.sim.time_s >= end:
                return now
            self.sim.run_for(POLL_S)


def both_fets_open(answer: dict) -> bool:
    return not answer["chg_fet"] and not answer["dsg_fet"]


def back_to_normal(answer: dict) -> bool:
    return answer["state"] == "normal" and answer["chg_fet"] and answer["dsg_fet"]


def save_plot(sim: packsim.Simulator, watch: BmsWatch, events: dict, path: str) -> None:
    """sim.plot(), with what the BMS read of the two cells drawn over their true voltages."""
    figure = sim.plot(
        title=f"open sense wire at the top of cell {OPEN_WIRE_CELL}: true cell voltages (colours), "
        f"the BMS's readings of cells {OPEN_WIRE_CELL} and {OPEN_WIRE_CELL + 1} (black)"
    )
    voltage_axes, current_axes = figure.axes[:2]
    unit = re.search(r"\((\w+)\)", figure.axes[-1].get_xlabel()).group(1)  # plot() picks s, min, h or d
    scale = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}[unit]
    t_s, low_v, high_v = zip(*watch.readings)
    voltage_axes.plot([t / scale for t in t_s], low_v, "k--", linewidth=1.2, label=f"{OPEN_WIRE_CELL} read")
    voltage_axes.plot([t / scale for t in t_s], high_v, "k:", linewidth=1.2, label=f"{OPEN_WIRE_CELL + 1} read")
    voltage_axes.legend(loc="lower left", fontsize="x-small", ncol=9, title="cell")
    for label, when_s in events.items():
        for axes in figure.axes:
            axes.axvline(when_s / scale, color="tab:purple", linewidth=1.2)
        current_axes.annotate(
            label, xy=(when_s / scale, 0.5), xycoords=("data", "axes fraction"), ha="right", va="center",
            fontsize="small", color="tab:purple",
        )
    figure.savefig(path, dpi=100)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default=os.path.join("example-out", "live_open_wire"), help="output directory")
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)

    sim = packsim.Simulator(live_bench())  # a Scenario, not a path: Simulator(path) leaves the file open
    sim.run_for(10.0)  # boot: the firmware configures the AFE and closes the FETs
    sim.set_load(current=LOAD_A)
    sim.run_for(10.0)
    watch = BmsWatch(sim)
    watch.poll()
    failures = []

    injected_s = sim.time_s
    sim.inject("open_wire", cell=OPEN_WIRE_CELL)
    print(f"  {injected_s:7.2f}  -- the sense wire at the top of cell {OPEN_WIRE_CELL} breaks --")
    reacted = watch.run(REACTION_TIMEOUT_S, until=both_fets_open)
    if not both_fets_open(reacted):
        print(f"FAIL: {REACTION_TIMEOUT_S:.0f} s after the wire broke, still {reacted['fets']}", file=sys.stderr)
        return 1
    print(f"  both FETs open {sim.time_s - injected_s:.1f} s after the wire broke; it stays open 25 s more")
    watch.run(25.0)  # the droop goes on: the chip's own CUV follows
    low_v, high_v = reacted["error_v"]
    if not (low_v < -0.3 and high_v > 0.3):  # the open wire's signature: the droop, shared by the two neighbours
        failures.append(f"cells {OPEN_WIRE_CELL}, {OPEN_WIRE_CELL + 1} were read {low_v:+.3f}, {high_v:+.3f} V off")
    if not {"cell_overvoltage", "cell_undervoltage"} <= watch.reported:
        failures.append(f"the service tool was not told of both phantom faults (it saw: {sorted(watch.reported)})")

    # 0xE1 00 00 resets latched faults once their causes are gone; with nothing latched it is simply accepted.
    accepted, latched = sim.service.reset(), sim.bms["latched_flags"]
    answer = "accepted" if accepted else "refused"
    print(f"  {sim.time_s:7.2f}  service reset with the wire still open: {answer} (latched flags 0x{latched:x})")
    if accepted != (latched == 0) or watch.poll()["dsg_fet"]:
        failures.append("the reset went against the firmware's rule, or closed a FET while the wire is open")

    repaired_s = sim.time_s
    sim.clear("open_wire")
    print(f"  {repaired_s:7.2f}  -- the wire is repaired --")
    recovered = watch.run(60.0, until=back_to_normal)
    if back_to_normal(recovered):
        answer = "accepted" if sim.service.reset() else "refused"
        print(f"  back to normal {sim.time_s - repaired_s:.1f} s after the repair; a service reset now: {answer}")
    else:
        failures.append(f"no recovery within 60 s of the repair (state {recovered['state']}, {recovered['fets']})")
    watch.run(10.0)  # the load runs again

    for verdict in sim.expectations():
        print(f"  expectation {'passed' if verdict.passed else 'FAILED'}: {verdict.name}")
        if not verdict.passed:
            failures.append(f"expectation failed: {verdict.name} ({verdict.detail})")
    path = os.path.join(out, "live_open_wire.png")
    save_plot(sim, watch, {"wire breaks": injected_s, "wire repaired": repaired_s}, path)
    print(f"wrote {path}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
