"""Plots of a trace: every cell's voltage, current, temperatures, SOC, FET and
protection states on one time axis, expectation failures and FET edges marked.

The figure is a plain ``matplotlib.figure.Figure`` (no pyplot state), so it
renders headless (Agg) and shows in Jupyter as it is::

    fig = packsim.run("scenarios/deep_discharge.yaml").plot()
    fig.savefig("deep_discharge.png", dpi=120)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, List, Optional, Sequence, Tuple

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ._result import ExpectationResult, Trace

_SWITCH_PREFIXES = ("afe.", "service.", "can.")


def _time_axis(t: np.ndarray) -> Tuple[np.ndarray, str]:
    """Seconds, minutes, hours or days, whichever reads best for the span."""
    span = float(t[-1] - t[0]) if t.size else 0.0
    for limit, scale, unit in ((120.0, 1.0, "s"), (7200.0, 60.0, "min"), (172800.0, 3600.0, "h")):
        if span <= limit:
            return t / scale, unit
    return t / 86400.0, "d"


def _cell_colours(count: int) -> List[Tuple[float, float, float, float]]:
    """One colour per cell that no other cell shares: tab20 up to 20 cells, a gradient beyond."""
    from matplotlib import colormaps

    if count <= 20:
        return [colormaps["tab20"](k) for k in range(count)]
    gradient = colormaps["viridis"]
    return [gradient(k / max(count - 1, 1)) for k in range(count)]


def fet_edges(trace: "Trace") -> List[Tuple[float, str, bool]]:
    """(time s, "chg_fet"/"dsg_fet", turned on) for every FET switching in the trace."""
    edges = []
    for name in ("chg_fet", "dsg_fet"):
        values = trace[name]
        changed = np.flatnonzero(values[1:] != values[:-1]) + 1
        edges.extend((float(trace.t[i]), name, bool(values[i] > 0.5)) for i in changed)
    return sorted(edges)


def _switch_columns(trace: "Trace") -> List[str]:
    """The FETs, then every on/off column the trace has (afe.*, service.*, can.* flags)."""
    names = ["chg_fet", "dsg_fet"]
    for name in trace.columns:
        values = trace[name]
        if name in names or not name.startswith(_SWITCH_PREFIXES) or values.dtype.kind != "f":
            continue
        finite = values[np.isfinite(values)]
        if finite.size and np.all((finite == 0.0) | (finite == 1.0)):
            names.append(name)
    return names


def plot_trace(
    trace: "Trace",
    expectations: Optional[Iterable["ExpectationResult"]] = None,
    *,
    title: Optional[str] = None,
    figsize: Tuple[float, float] = (11.0, 12.0),
    cells: Optional[Sequence[int]] = None,
) -> "Figure":
    """The figure of a trace (and the verdicts, to mark failures).

    ``cells``: which series groups / cells to draw (1-based); all by default.
    Failed expectations are red vertical lines at the instant they failed,
    FET edges grey dashed lines (on every panel).
    """
    from matplotlib.figure import Figure

    t, unit = _time_axis(trace.t)
    figure = Figure(figsize=figsize, layout="constrained")
    axes: List["Axes"] = list(figure.subplots(5, 1, sharex=True, height_ratios=[3, 1.5, 1.5, 1.5, 2]))
    voltage, current, temperature, soc, switches = axes

    def columns(matrix: str, fallback: Sequence[str]) -> List[Tuple[str, np.ndarray]]:
        if matrix in trace:
            values = trace[matrix]
            chosen = cells if cells is not None else range(1, values.shape[1] + 1)
            return [(f"{k}", values[:, k - 1]) for k in chosen if 1 <= k <= values.shape[1]]
        return [(name, trace[name]) for name in fallback if name in trace]

    cell_lines = columns("cell_v", ["min_cell_v", "max_cell_v"])
    colours = _cell_colours(len(cell_lines))
    for (label, values), colour in zip(cell_lines, colours):
        voltage.plot(t, values, linewidth=0.8, label=label, color=colour)
    voltage.set_ylabel("cell voltage (V)")
    if len(cell_lines) <= 16:
        voltage.legend(loc="upper right", fontsize="x-small", ncol=8, title="cell" if "cell_v" in trace else None)

    current.plot(t, trace["pack_current"], color="tab:blue", linewidth=0.9)
    current.axhline(0.0, color="black", linewidth=0.5)
    current.set_ylabel("current (A)\n+ discharge")

    temperature_lines = columns("cell_temp", ["min_cell_temp", "max_cell_temp"])
    for (label, values), colour in zip(temperature_lines, _cell_colours(len(temperature_lines))):
        temperature.plot(t, values, linewidth=0.8, color=colour)
    if "ambient" in trace:
        temperature.plot(t, trace["ambient"], color="black", linestyle=":", linewidth=1.0, label="ambient")
        temperature.legend(loc="upper right", fontsize="x-small")
    temperature.set_ylabel("temperature (degC)")

    soc_lines = columns("cell_soc", ["soc"])
    for (label, values), colour in zip(soc_lines, _cell_colours(len(soc_lines))):
        soc.plot(t, 100.0 * values, linewidth=0.8, color=colour)
    soc.set_ylabel("SOC (%)")

    names = _switch_columns(trace)
    for row, name in enumerate(names):
        values = trace[name]
        base = len(names) - 1 - row
        switches.fill_between(t, base, base + 0.8 * np.nan_to_num(values), step="post", alpha=0.6)
        switches.step(t, base + 0.8 * values, where="post", linewidth=0.8, color="black")
    switches.set_yticks([len(names) - 1 - row + 0.4 for row in range(len(names))], names, fontsize="x-small")
    switches.set_ylim(-0.2, len(names))
    switches.set_xlabel(f"time ({unit})")

    scale = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}[unit]
    for when, _name, _on in fet_edges(trace):
        for ax in axes:
            ax.axvline(when / scale, color="grey", linestyle="--", linewidth=0.6, alpha=0.7)
    for expectation in expectations or []:
        failed_at = getattr(expectation, "failed_at_s", None)
        if failed_at is None:
            continue
        for ax in axes:
            ax.axvline(failed_at / scale, color="tab:red", linewidth=1.2)
        voltage.annotate(
            expectation.name,
            xy=(failed_at / scale, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize="x-small",
            color="tab:red",
        )
    for ax in axes:
        ax.grid(True, linewidth=0.3)
    if title:
        figure.suptitle(title)
    return figure


__all__ = ["fet_edges", "plot_trace"]
