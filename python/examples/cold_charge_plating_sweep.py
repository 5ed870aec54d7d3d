"""Cold charging: where lithium plating starts, over ambient temperature x charge C-rate.

A half-empty 16S1P LFP pack (30 %), soaked at the ambient, is charged for
30 min at a constant C-rate (CC-CV at 3.6 V a cell). Graphite plates lithium
when the charge rate exceeds an onset that falls steeply with temperature
(models/params/lfp_a123_26650.yaml, aging.plating: 3C at 25 degC, Arrhenius,
~0.1C at -10 degC); the plated lithium is read from the plant at the end
(result.pack["plated_lithium_ah"], the worst cell).

The reference BMS refuses to charge below 0 degC (charge_min_temperature), and
the bq76952 backstops it at -5 degC (afe_charge_undertemperature). To see the
physics, the first sweep lowers both to -30/-35 degC; the second runs the
same grid with the defaults of scenarios/cold_charge_lockout.yaml and checks
that the charge FET never closes below 0 degC. Both go through packsim.sweep
(a local process pool); the figures of a run come from a module-level function.

Run (from a build tree)::

    PYTHONPATH=build/python MPLBACKEND=Agg python3 python/examples/cold_charge_plating_sweep.py \\
        --out example-out/plating

Writes OUT/cold_charge_plating.png and OUT/cold_charge_plating.csv; exits 1
if the physics or the lockout is not as described.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import packsim

AMBIENTS_C = (-20, -10, -5, 0, 5, 10, 25)
C_RATES = ("0.1C", "0.2C", "0.5C", "1C")
PLATING_THRESHOLD_AH = 1e-4  # 0.1 mAh, 0.004 % of the cell: "plating has started"
BOOT_S = 10.0  # the rest before the charge, while the BMS boots
LOCKOUT_LOWERED = {"charge_min_temperature": "-30 degC", "afe_charge_undertemperature": "-35 degC"}
C_RATE_KEY = "steps[1].charge.c_rate"
PLATING_COLORS = colormaps["Reds"].with_extremes(bad="0.8")


def scenario_name(ambient_c: int) -> str:
    return f"charge at {ambient_c} degC"  # the sweep's rows tell the ambients apart by name


def soaked_charge(ambient_c: int, firmware_config: dict) -> packsim.Scenario:
    """The library's cold-charge scenario, soaked at ``ambient_c``, with a fixed-time charge;
    ``firmware_config`` overrides fields of its firmware configuration."""
    library = packsim.load_scenario(packsim.scenario_path("cold_charge_lockout"))
    return library.with_overrides(
        {
            "name": scenario_name(ambient_c),
            "pack.initial_soc": "30 %",
            "pack.initial_temp": f"{ambient_c} degC",
            "environment.ambient": f"{ambient_c} degC",
            **{f"firmware.config.{field}": value for field, value in firmware_config.items()},
            "steps": [
                {"rest": f"{BOOT_S} s"},
                {"charge": {"c_rate": C_RATES[0], "voltage_limit": "3.6 V", "for": "30 min"}},
            ],
            # Referencing the CAN charge limit puts it in the trace: what the BMS tells the inverter it may charge.
            "expect": [
                {
                    "name": "no charge limit offered below 0 degC",
                    "always": "can.charge_limit <= 0.1 A while max_cell_temp < 0 degC",
                }
            ],
        }
    )


def charge_figures(result: packsim.Result) -> dict:
    """Per-run figures (computed on the sweep's worker)."""
    trace = result.trace
    charging = trace.t > BOOT_S
    return {
        "plated_lithium_ah": float(np.max(result.pack["plated_lithium_ah"])),
        "charged_ah": float(trace.soc[-1] - trace.soc[0]) * result.scenario.nominal_capacity_ah,
        "chg_fet_closed": bool(np.nanmax(trace["chg_fet"][charging]) > 0.5),
        "charge_current_a": float(-np.min(trace.pack_current[charging])),  # + is discharge
        "can_charge_limit_a": float(np.nanmax(trace["can.charge_limit"][charging])),
    }


def sweep_grid(firmware_config: dict):
    """One run per ambient x C-rate; rows gain ambient_c and c_rate columns."""
    scenarios = [soaked_charge(a, firmware_config) for a in AMBIENTS_C]
    table = packsim.sweep(scenarios, grid={C_RATE_KEY: list(C_RATES)}, figures=charge_figures)
    table["ambient_c"] = table["scenario"].map({scenario_name(a): a for a in AMBIENTS_C})
    return table.rename(columns={C_RATE_KEY: "c_rate"})


def grid_of(table, column: str) -> np.ndarray:
    """A (C-rate x ambient) matrix of a column."""
    matrix = table.pivot(index="c_rate", columns="ambient_c", values=column)
    return matrix.loc[list(C_RATES), list(AMBIENTS_C)].to_numpy(dtype=float)


def draw_heat_maps(unprotected, protected, path: str) -> None:
    figure = Figure(figsize=(13.0, 4.8), layout="constrained")
    panels = figure.subplots(1, 2, sharey=True)
    plated_mah = [1000.0 * grid_of(t, "plated_lithium_ah") for t in (unprotected, protected)]
    vmax = max(float(np.max(p)) for p in plated_mah)
    titles = ("lockouts lowered to -30 degC (chip -35): the physics", "reference BMS defaults: no charge below 0 degC")
    for axes, plated, table, title in zip(panels, plated_mah, (unprotected, protected), titles):
        blocked = ~grid_of(table, "chg_fet_closed").astype(bool)
        # Runs the BMS refused show grey: no charge, so nothing to say about plating.
        image = axes.imshow(
            np.ma.masked_where(blocked, plated), origin="lower", cmap=PLATING_COLORS, vmin=0.0, vmax=vmax, aspect="auto"
        )
        for row, col in np.ndindex(plated.shape):
            label = "blocked" if blocked[row, col] else f"{plated[row, col]:.2g}"
            color = "white" if plated[row, col] > 0.6 * vmax else "black"
            axes.text(col, row, label, ha="center", va="center", fontsize="small", color=color)
            if plated[row, col] > 1000.0 * PLATING_THRESHOLD_AH:  # outline where plating has started
                axes.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.5))
        axes.set_xticks(range(len(AMBIENTS_C)), [f"{a}" for a in AMBIENTS_C])
        axes.set_xlabel("ambient = cell temperature at the start (degC)")
        axes.set_title(title)
    panels[0].set_yticks(range(len(C_RATES)), C_RATES)
    panels[0].set_ylabel("charge rate")
    figure.colorbar(image, ax=list(panels), label="plated lithium, worst cell (mAh)")
    figure.suptitle(f"30 min charge from 30 % SOC, 16S1P LFP; outlined: plating > {1000 * PLATING_THRESHOLD_AH:g} mAh")
    figure.savefig(path, dpi=110)


def print_table(title: str, table) -> None:
    plated_mah = 1000.0 * grid_of(table, "plated_lithium_ah")
    print(f"{title} plated lithium (mAh), worst cell")
    print("  rate \\ degC" + "".join(f"{a:>9d}" for a in AMBIENTS_C))
    for rate, row in zip(C_RATES, plated_mah):
        print(f"  {rate:>11s}" + "".join(f"{v:9.3f}" for v in row))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", default=os.path.join("example-out", "cold_charge_plating_sweep"), help="output dir")
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)

    unprotected = sweep_grid(LOCKOUT_LOWERED)
    protected = sweep_grid({})  # the library scenario's configuration: the defaults, charge_min_temperature 0 degC
    for table in (unprotected, protected):
        if (table["error"] != "").any():
            broken = table.loc[table["error"] != "", ["scenario", "c_rate", "error"]]
            print(f"FAIL: runs broke:\n{broken}", file=sys.stderr)
            return 1
    both = pandas.concat([unprotected.assign(lockout="lowered"), protected.assign(lockout="default")])
    both.to_csv(os.path.join(out, "cold_charge_plating.csv"), index=False)

    print_table("Lockout lowered (the physics):", unprotected)
    print_table("Reference BMS defaults:", protected)
    draw_heat_maps(unprotected, protected, os.path.join(out, "cold_charge_plating.png"))

    failures = []
    plated = grid_of(unprotected, "plated_lithium_ah")
    if plated[C_RATES.index("0.1C"), AMBIENTS_C.index(25)] != 0.0:
        failures.append("lithium plated at 25 degC and 0.1C")
    if not plated[C_RATES.index("1C"), AMBIENTS_C.index(-20)] > PLATING_THRESHOLD_AH:
        failures.append("no plating at -20 degC and 1C")
    # Plating grows with the charge rate and with the cold (columns run from cold to warm).
    if np.any(np.diff(plated, axis=0) < 0.0) or np.any(np.diff(plated, axis=1) > 0.0):
        failures.append("plating is not monotonic in C-rate and temperature")
    cold = protected[protected["ambient_c"] < 0]
    if cold["chg_fet_closed"].any() or (cold["charged_ah"] > 1e-3).any() or (cold["plated_lithium_ah"] > 0.0).any():
        failures.append("the default BMS let a charge through below 0 degC")
    if not (protected.loc[protected["ambient_c"] >= 5, "charged_ah"] > 0.0).all():
        failures.append("the default BMS refused a charge at 5 degC or warmer")

    print(f"plating (> {1000 * PLATING_THRESHOLD_AH:g} mAh) starts at:")
    for col, ambient_c in enumerate(AMBIENTS_C):
        plating_rates = [rate for row, rate in enumerate(C_RATES) if plated[row, col] > PLATING_THRESHOLD_AH]
        print(f"  {ambient_c:4d} degC: " + (plating_rates[0] if plating_rates else f"not up to {C_RATES[-1]}"))
    closed = protected.groupby("ambient_c")["chg_fet_closed"].any()
    print("default BMS, charge FET: " + ", ".join(f"{a} degC {'closed' if closed[a] else 'open'}" for a in AMBIENTS_C))
    # What the 0 degC lockout leaves: plating just above it, some of it within the charge limit the BMS offers on CAN.
    for r in protected[protected["plated_lithium_ah"] > PLATING_THRESHOLD_AH].itertuples():
        within = ", within it" if r.can_charge_limit_a >= r.charge_current_a - 1e-3 else ""
        print(
            f"  the default BMS still lets {1000 * r.plated_lithium_ah:.1f} mAh plate at {r.ambient_c} degC {r.c_rate}"
            f" (its CAN charge limit: up to {r.can_charge_limit_a:.2f} A{within})"
        )
    print(f"wrote {os.path.join(out, 'cold_charge_plating.png')}")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
