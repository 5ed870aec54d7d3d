"""Monte Carlo of aging imbalance: how much of an aged 16S LFP pack a series string strands.

The pack of scenarios/aging_imbalance.yaml (16S1P A123-class LFP, a wide
manufacturing spread of capacity, resistance, self-discharge and state of
charge, two years of storage and 600 cycles behind it) is drawn 200 times,
one seed per draw. Each draw is charged at C/2 from 80 % until its first cell
reaches the 3.6 V charge limit, where a charger without balancing must stop.
In a series string every cell carries the same current, so a discharge from
there can deliver only what the cell holding the fewest ampere-hours holds,
min(soc_k * capacity_k); the rest of the average cell's capacity is stranded
by the imbalance. The example histograms the cell-capacity spread and the
stranded share over the seeds, and prints their percentiles.

The 200 runs go through packsim.sweep on a local process pool; the figures of
a run are computed on the worker by a module-level function (it must pickle).

Run (from a build tree)::

    PYTHONPATH=build/python MPLBACKEND=Agg python3 python/examples/aging_imbalance_monte_carlo.py \\
        --out example-out/aging

Writes OUT/aging_imbalance_histogram.png and OUT/aging_imbalance_seeds.csv;
exits 1 if a run failed or the spread does not vary with the seed.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

import packsim

SEEDS = range(200)
CHARGE_LIMIT_V = 3.6  # the A123 datasheet's charge voltage (models/params/lfp_a123_26650.yaml)
PERCENTILES = (5, 50, 95)


def charge_to_first_full_cell() -> packsim.Scenario:
    """The aged, varied pack of the library scenario, charged until its first cell is full."""
    library = packsim.load_scenario(packsim.scenario_path("aging_imbalance"))
    return library.with_overrides(
        {
            # 80 % keeps a run at ~0.1 s. Pre-aging fades the capacities but
            # leaves the SOCs as the scenario sets them: their 3 % spread stands
            # for the drift that the self-discharge spread caused in storage.
            "pack.initial_soc": "80 %",
            "steps": [
                {"rest": "10 s"},  # the BMS boots and configures the AFE
                {"charge": {"c_rate": "C/2", "until": f"max_cell_v > {CHARGE_LIMIT_V} V or chg_fet off", "for": "2 h"}},
            ],
            # A run where the BMS stopped the charge first would measure something else: make it fail.
            "expect": [
                {"name": "the first cell reaches the charge limit", "eventually": f"max_cell_v > {CHARGE_LIMIT_V} V"}
            ],
        }
    )


def end_of_charge_figures(result: packsim.Result) -> dict:
    """Per-seed figures of the pack at the end of the charge (runs on the sweep's worker)."""
    pack = result.pack
    soc = pack["soc"]
    capacity_ah = pack["capacity_ah"]
    # What a discharge from here to the first empty cell can deliver: the cell with the fewest Ah left.
    deliverable_ah = float(np.min(soc * capacity_ah))
    return {
        "capacity_spread_ah": float(capacity_ah.max() - capacity_ah.min()),
        "mean_capacity_ah": float(capacity_ah.mean()),
        "lowest_cell_soc": float(soc.min()),
        "end_of_charge_spread_v": float(pack["cell_v"].max() - pack["cell_v"].min()),
        "deliverable_ah": deliverable_ah,
        "stranded_fraction": 1.0 - deliverable_ah / float(capacity_ah.mean()),
    }


def draw_histograms(table, path: str) -> None:
    figure = Figure(figsize=(10.0, 4.2), layout="constrained")
    spread_axes, stranded_axes = figure.subplots(1, 2)
    spread_axes.hist(1000.0 * table["capacity_spread_ah"], bins=25, color="tab:blue", edgecolor="white")
    spread_axes.set_xlabel("cell capacity spread, max - min (mAh)")
    spread_axes.set_ylabel("seeds")
    stranded_axes.hist(100.0 * table["stranded_fraction"], bins=25, color="tab:orange", edgecolor="white")
    stranded_axes.set_xlabel("capacity stranded by imbalance (% of the mean cell)")
    panels = ((spread_axes, "capacity_spread_ah", 1000.0), (stranded_axes, "stranded_fraction", 100.0))
    for axes, column, scale in panels:
        for percentile in PERCENTILES:
            axes.axvline(scale * np.percentile(table[column], percentile), color="black", linestyle=":", linewidth=1.0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # seeds are counted whole
        axes.grid(True, linewidth=0.3)
    figure.suptitle(
        f"Aged 16S1P LFP pack, {len(table)} seeds: C/2 charge until the first cell reaches {CHARGE_LIMIT_V} V "
        f"(dotted: P{'/P'.join(str(p) for p in PERCENTILES)})"
    )
    figure.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default=os.path.join("example-out", "aging_imbalance_monte_carlo"), help="output dir")
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)

    table = packsim.sweep(charge_to_first_full_cell(), seeds=SEEDS, figures=end_of_charge_figures)
    table.to_csv(os.path.join(out, "aging_imbalance_seeds.csv"), index=False)

    broken = table[(table["error"] != "") | ~table["passed"]]
    if len(table) != len(SEEDS) or len(broken):
        examples = broken[["seed", "error"]].head()
        print(f"FAIL: {len(broken)} of {len(table)} runs failed, e.g.:\n{examples}", file=sys.stderr)
        return 1

    print(f"{len(table)} seeds, C/2 charge until the first cell reaches {CHARGE_LIMIT_V} V:")
    for column, scale, unit in (
        ("mean_capacity_ah", 1000.0, "mAh"),  # 2300 mAh new: the fade of the pre-aging
        ("capacity_spread_ah", 1000.0, "mAh"),
        ("end_of_charge_spread_v", 1000.0, "mV"),
        ("lowest_cell_soc", 100.0, "%"),
        ("stranded_fraction", 100.0, "%"),
    ):
        values = scale * np.percentile(table[column], PERCENTILES)
        print(f"  {column:24s} " + "  ".join(f"P{p} {v:7.1f} {unit}" for p, v in zip(PERCENTILES, values)))

    histogram_path = os.path.join(out, "aging_imbalance_histogram.png")
    draw_histograms(table, histogram_path)
    print(f"wrote {histogram_path}")

    # The Monte Carlo is only worth its 200 runs if the seed changes the answer.
    if not (table["capacity_spread_ah"].std() > 0.0 and table["stranded_fraction"].std() > 0.0):
        print("FAIL: the spread does not vary across seeds (is pack variation applied?)", file=sys.stderr)
        return 1
    if not (table["stranded_fraction"] > 0.0).all():
        print("FAIL: a seed strands no capacity, though its cells differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
