"""Plots of a run or a live rig: a plain matplotlib Figure (no pyplot, renders
headless): every cell's voltage, current, temperatures, SOC and switches on one
time axis, failed expectations and FET edges marked."""

import io
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

import packsim
from packsim.plots import fet_edges

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def failing_result():
    """deep_discharge with an expectation that fails mid-discharge (cells stay above 3.0 V)."""
    document = packsim.load_scenario(packsim.scenario_path("deep_discharge")).to_dict()
    document["expect"].append({"name": "cells stay above 3.0 V", "never": "min_cell_v < 3.0 V"})
    return packsim.run(packsim.Scenario.from_dict(document, base_dir=packsim.scenarios_dir))


def png_bytes(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def data_lines(axes, rows):
    """The lines of an axes that draw the trace (one point per row), not the vertical markers."""
    return [line for line in axes.get_lines() if len(line.get_xdata()) == rows]


def vertical_lines(axes, color, linestyle):
    """x of the vertical lines of a colour and style (axvline: two points, one x)."""
    found = []
    for line in axes.get_lines():
        x = np.asarray(line.get_xdata(), dtype=float)
        if (len(x) == 2 and x[0] == x[1] and to_rgba(line.get_color()) == to_rgba(color)
                and line.get_linestyle() == linestyle):
            found.append(float(x[0]))
    return sorted(found)


def test_a_result_plots_to_a_png_with_five_panels_and_a_line_per_cell(failing_result):
    figure = failing_result.plot()
    assert isinstance(figure, Figure)
    data = png_bytes(figure)
    assert data.startswith(PNG_MAGIC)
    assert len(data) > 10_000
    assert len(figure.axes) == 5
    voltage, current, temperature, soc, switches = figure.axes
    rows = failing_result.trace.rows
    cells = data_lines(voltage, rows)
    assert len(cells) == 16
    # The lines are the cells' voltages (time in minutes for an hour-long run).
    assert switches.get_xlabel() == "time (min)"
    np.testing.assert_allclose(cells[0].get_xdata(), failing_result.trace.t / 60.0)
    for k, line in enumerate(cells):
        np.testing.assert_array_equal(line.get_ydata(), failing_result.trace["cell_v"][:, k])
    # The cells (and the ambient, when the trace has it).
    assert len(data_lines(temperature, rows)) == 16 + ("ambient" in failing_result.trace)
    assert len(data_lines(soc, rows)) == 16
    np.testing.assert_array_equal(data_lines(current, rows)[0].get_ydata(), failing_result.trace["pack_current"])
    assert "FAILED" in figure._suptitle.get_text()
    labels = [tick.get_text() for tick in switches.get_yticklabels()]
    assert labels[:2] == ["chg_fet", "dsg_fet"]


def test_the_plot_marks_the_failed_expectation_and_the_fet_edges_on_every_panel(failing_result):
    failed = [e for e in failing_result.expectations if not e.passed]
    assert [e.name for e in failed] == ["cells stay above 3.0 V"]
    failed_at_min = failed[0].failed_at_s / 60.0
    edges = fet_edges(failing_result.trace)
    # The FETs close at boot; the discharge FET opens at the cut-off, then the charge FET when the BMS sleeps.
    assert [(name, on) for _, name, on in edges] == [("chg_fet", True), ("dsg_fet", True), ("dsg_fet", False),
                                                      ("chg_fet", False)]
    edge_min = sorted(t / 60.0 for t, _, _ in edges)
    figure = failing_result.plot()
    for axes in figure.axes:
        assert vertical_lines(axes, "tab:red", "-") == pytest.approx([failed_at_min])
        assert vertical_lines(axes, "grey", "--") == pytest.approx(edge_min)
    assert [text.get_text() for text in figure.axes[0].texts] == ["cells stay above 3.0 V"]


def test_the_cells_of_a_16s_pack_are_drawn_in_16_colours(failing_result):
    figure = failing_result.plot()
    colours = {to_rgba(line.get_color()) for line in data_lines(figure.axes[0], failing_result.trace.rows)}
    assert len(colours) == 16, "cells sharing a colour cannot be told apart in the legend"


def test_a_passing_result_has_no_red_line():
    result = packsim.run(packsim.scenario_path("inverter_surge"))
    assert result.passed
    figure = result.plot(cells=[1, 2])
    assert all(vertical_lines(axes, "tab:red", "-") == [] for axes in figure.axes)
    assert len(data_lines(figure.axes[0], result.trace.rows)) == 2
    assert figure.axes[-1].get_xlabel() == "time (s)"
    assert png_bytes(figure).startswith(PNG_MAGIC)


def test_a_simulator_plots_its_trace_mid_run(library_scenario):
    sim = packsim.Simulator(packsim.load_scenario(library_scenario("deep_discharge")))
    sim.run_for(10)
    sim.set_load(2.3)
    sim.run_for(90)
    figure = sim.plot()
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 5
    rows = sim.trace.rows
    assert len(data_lines(figure.axes[0], rows)) == 16
    assert sim.time_s == pytest.approx(100.0, abs=0.05)
    np.testing.assert_array_equal(data_lines(figure.axes[0], rows)[0].get_xdata(), sim.trace.t)
    assert sim.trace.t[-1] == pytest.approx(sim.time_s, abs=0.05)
    assert f"at t = {sim.time_s:.1f} s" in figure._suptitle.get_text()
    data = png_bytes(figure)
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    # The rig goes on after plotting, and plots again further on.
    sim.run_for(60)
    later = sim.plot()
    assert later.axes[-1].get_xlabel() == "time (min)"  # past two minutes
    np.testing.assert_allclose(data_lines(later.axes[0], sim.trace.rows)[0].get_xdata(), sim.trace.t / 60.0)
    assert sim.time_s > 159.9


def test_plotting_needs_no_display_and_no_pyplot(tmp_path):
    script = textwrap.dedent("""
        import sys
        import packsim
        figure = packsim.run(packsim.scenario_path("inverter_surge")).plot()
        figure.savefig(sys.argv[1])
        assert "matplotlib.pyplot" not in sys.modules, "plots went through pyplot"
        import matplotlib
        print(matplotlib.get_backend())
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["MPLBACKEND"] = "Agg"
    out = tmp_path / "surge.png"
    completed = subprocess.run([sys.executable, "-W", "error", "-c", script, str(out)], env=env,
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().lower() == "agg"
    assert out.read_bytes().startswith(PNG_MAGIC)
    assert out.stat().st_size > 10_000
