"""packsim.Simulator: the rig live. Several at once in one process (each its own
firmware copy), driven step by step as packsim.run drives a scenario, run_until,
faults, the views of the pack, chip, firmware, CAN bus and service tool."""

import os
import threading

import numpy as np
import pytest

import packsim

CHECK_PERIOD_S = 0.01


@pytest.fixture
def deep_discharge(library_scenario):
    return packsim.load_scenario(library_scenario("deep_discharge"))


@pytest.fixture
def nearly_empty(deep_discharge):
    """deep_discharge from 10 % SOC: 1C takes a cell below 2.8 V after about 100 s."""
    return deep_discharge.with_overrides({"pack.initial_soc": "10 %"})


def drive(sim, calls):
    for name, *arguments in calls:
        if name == "power":
            sim.set_load(power=arguments[0])
        else:
            getattr(sim, name)(*arguments)


# A discharge at 1C, then at 100 W, then rest: a few thousand trace rows.
CALLS = [("run_for", 10), ("set_load", 2.3), ("run_for", 1200.0), ("power", 100.0), ("run_for", "10 min"),
         ("disconnect",), ("run_for", 30)]


def assert_same_traces(a, b):
    assert a._core.trace_csv() == b._core.trace_csv()
    ta, tb = a.trace, b.trace
    assert list(ta) == list(tb)
    for name in ta:
        np.testing.assert_array_equal(ta[name], tb[name], err_msg=name)


def test_several_simulators_at_once_give_the_traces_of_one_at_a_time(deep_discharge):
    alone = packsim.Simulator(deep_discharge)
    drive(alone, CALLS)
    assert alone.time_s == pytest.approx(10 + 1200 + 600 + 30)
    # The run did something: 1C for 20 min then 100 W (about 2 A at 50 V) for 10 min.
    assert alone.trace["soc"][-1] < 0.75

    first, second = packsim.Simulator(deep_discharge), packsim.Simulator(deep_discharge)
    for call in CALLS:  # interleaved, call by call
        drive(first, [call])
        drive(second, [call])
    assert_same_traces(first, alone)
    assert_same_traces(second, alone)
    assert first.bms["remaining_uah"] == alone.bms["remaining_uah"]


def test_simulators_in_two_threads_give_the_traces_of_one_at_a_time(deep_discharge):
    alone = packsim.Simulator(deep_discharge)
    drive(alone, CALLS)
    sims = [packsim.Simulator(deep_discharge) for _ in range(2)]
    start = threading.Barrier(2)
    errors = []

    def worker(sim):
        try:
            start.wait()
            drive(sim, CALLS)
        except BaseException as error:  # noqa: B902 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(sim,)) for sim in sims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    for sim in sims:
        assert_same_traces(sim, alone)


@pytest.mark.parametrize("name", ["deep_discharge", "inverter_surge", "service_reset", "reflash_mid_run",
                                  "cold_charge_lockout"])
def test_a_simulator_driven_with_the_steps_of_a_scenario_gives_its_verdicts_and_trace(name, library_scenario):
    scenario = packsim.load_scenario(library_scenario(name))
    result = packsim.run(scenario)
    sim = packsim.Simulator(scenario)
    for step in scenario.to_dict()["steps"]:
        assert sim.step(step) is True, step
    assert sim.time_s == pytest.approx(result.statistics.simulated_s, abs=1e-9)
    assert [(e.name, e.passed) for e in sim.expectations()] == [(e.name, e.passed) for e in result.expectations]
    assert [e.detail for e in sim.expectations()] == [e.detail for e in result.expectations]
    trace = sim.trace
    assert list(trace) == list(result.trace)
    for column in result.trace:
        np.testing.assert_array_equal(trace[column], result.trace[column], err_msg=column)


def test_run_until_a_condition_returns_the_check_where_it_first_held(nearly_empty):
    sim = packsim.Simulator(nearly_empty)
    sim.run_for(10)
    sim.set_load(2.3)
    held = sim.run_until("min_cell_v < 2.8 V", "1 h")
    assert held is not None and 60.0 < held < 600.0
    assert sim.time_s == held
    # The plant sample that crossed lies within the check period before the instant returned.
    state = sim.pack.state()
    assert held - CHECK_PERIOD_S < state["time_s"] <= held + 1e-9
    assert 2.7 < state["cell_v"].min() < 2.8

    # The same run asked through a callable stops at the same check; the check before saw 2.8 V or more.
    twin = packsim.Simulator(nearly_empty)
    twin.run_for(10)
    twin.set_load(2.3)
    start = twin.time_s
    checks = []

    def below(s):
        checks.append((s.time_s, s.pack.cell_v.min()))
        return s.pack.cell_v.min() < 2.8

    assert twin.run_until(below, 3600.0) == held
    assert checks[0][0] == start  # asked before any time passed
    assert checks[-1] == (held, state["cell_v"].min())
    assert checks[-2][1] >= 2.8
    assert checks[-2][0] >= held - 2 * CHECK_PERIOD_S
    assert twin._core.trace_csv() == sim._core.trace_csv()


def test_run_until_asks_a_callable_at_every_check(nearly_empty):
    sim = packsim.Simulator(nearly_empty)
    sim.run_for(10)
    sim.set_load(2.3)
    times = []
    assert sim.run_until(lambda s: times.append(s.time_s) and False, 30.0) is None
    steps = np.round(np.diff(times), 9)
    irregular = [(round(times[i], 3), steps[i]) for i in np.flatnonzero(steps != CHECK_PERIOD_S)]
    assert irregular == [], "(check time s, time to the next check s) not 10 ms apart"
    assert len(times) == 3001


def test_run_until_a_callable_stops_when_it_returns_true(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    sim.run_for(1)
    start = sim.time_s
    held = sim.run_until(lambda s: s.time_s >= start + 2.5, 10)
    assert held == pytest.approx(start + 2.5, abs=1e-9)
    assert sim.time_s == held
    # A condition that already holds returns at once.
    assert sim.run_until(lambda s: True, 10) == held
    assert sim.run_until("dsg_fet on", 10) == held
    assert sim.time_s == held
    # A bare duration is time since run_until began.
    assert sim.run_until("2 s", 10) == pytest.approx(held + 2.0, abs=1e-9)


def test_run_until_gives_none_after_exactly_the_timeout(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    sim.run_for(10)
    for timeout in (5.0, "1.5 s", 0.37, 12.0):
        start = sim.time_s
        assert sim.run_until("min_cell_v < 2.0 V", timeout) is None
        assert sim.time_s == pytest.approx(start + packsim._simulator.seconds(timeout), abs=1e-9)
        calls = []
        start = sim.time_s
        assert sim.run_until(lambda s: calls.append(s.time_s) and False, timeout) is None
        assert sim.time_s == pytest.approx(start + packsim._simulator.seconds(timeout), abs=1e-9)


def test_run_for_advances_time_by_exactly_the_duration(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    wrong = []
    for _ in range(300):
        start = sim.time_s
        sim.run_for(0.37)
        if abs(sim.time_s - start - 0.37) > 1e-9:
            wrong.append((round(start, 3), round(sim.time_s - start, 6)))
    assert wrong == [], "run_for(0.37) from t (s) advanced by (s)"


def test_run_for_advances_time_by_exactly_the_duration_while_the_bms_sleeps(deep_discharge):
    # An open sense wire drives a cell reading below its under-voltage and one above its over-voltage:
    # both directions blocked, the idle BMS shuts the AFE down and its service port goes silent.
    sim = packsim.Simulator(deep_discharge)
    sim.run_for(10)
    sim.inject("open_wire", cell=5)
    assert sim.run_until("firmware_state == sleep", 120) is not None
    sim.run_for(5)
    for _ in range(5):
        start = sim.time_s
        sim.run_for(1.0)
        assert sim.time_s - start == pytest.approx(1.0, abs=1e-9)


def test_an_exception_in_a_run_until_callable_propagates_and_leaves_the_rig_usable(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    sim.run_for(5)
    seen = []

    def fails_after_a_second(s):
        seen.append(s.time_s)
        if s.time_s >= 6.0:
            raise LookupError("the condition broke")
        return False

    with pytest.raises(LookupError, match="the condition broke"):
        sim.run_until(fails_after_a_second, 100)
    assert seen[-1] == pytest.approx(6.0, abs=1e-9)
    assert sim.time_s == seen[-1]  # stopped at the check that raised
    rows = sim.trace.rows
    sim.run_for(3)
    assert sim.time_s == pytest.approx(9.0, abs=1e-9)
    assert sim.trace.rows > rows
    assert sim.trace.t[-1] == pytest.approx(9.0, abs=1e-9)
    assert sim.run_until("2 s", 5) == pytest.approx(11.0, abs=1e-9)
    assert sim.bms["state"] == "normal"


def test_an_open_sense_wire_moves_two_readings_and_the_bms_inhibits_charge_until_cleared(deep_discharge):
    sim = packsim.Simulator(deep_discharge.with_overrides({"pack.initial_soc": "50 %"}))
    sim.run_for(10)
    assert sim.bms["state"] == "normal"
    true_mv = sim.pack.cell_v * 1000.0
    sim.inject("open_wire", cell=5)
    sim.run_for(30)
    # The floating tap droops (~20 mV/s): cell 5 reads low, cell 6 high by as much; the sum is kept.
    low, high = sim.afe.read("Cell 5 Voltage"), sim.afe.read("Cell 6 Voltage")
    assert low < true_mv[4] - 400 and high > true_mv[5] + 400
    assert low + high == pytest.approx(true_mv[4] + true_mv[5], abs=10)
    np.testing.assert_allclose(sim.pack.cell_v[4:6] * 1000.0, true_mv[4:6], atol=2)  # the cells did not change
    # Cell 6 reads above the 3.65 V over-voltage: the BMS opens the charge FET and tells the service tool.
    assert sim.bms["state"] == "charge_inhibit"
    assert sim.afe.fets["chg_fet"] is False and sim.afe.fets["dsg_fet"] is True
    info = sim.service.basic_info()
    assert info["protections"]["cell_overvoltage"] is True
    assert info["chg_fet"] is False and info["dsg_fet"] is True
    assert sim.service.cell_voltages()[5] > 3.65
    sim.clear("open_wire")
    assert sim.run_until("firmware_state == normal and chg_fet on", 30) is not None
    np.testing.assert_allclose(sim.service.cell_voltages(), sim.pack.cell_v, atol=0.005)
    assert sim.service.basic_info()["protections"]["cell_overvoltage"] is False


def test_the_service_reset_is_refused_while_a_short_persists_and_accepted_after(deep_discharge):
    sim = packsim.Simulator(deep_discharge.with_overrides({"pack.initial_soc": "50 %"}))
    sim.run_for(2)
    sim.set_load(resistance="50 mohm")
    sim.run_for(0.3)
    assert sim.bms["state"] == "fault_latched"
    assert sim.afe.protections["scd"] is True
    assert sim.afe.fets == {"chg_fet": False, "dsg_fet": False, "pchg_fet": False, "pdsg_fet": False}
    assert sim.pack.current_a == 0.0
    assert sim.service.basic_info()["protections"]["short_circuit"] is True
    assert sim.service.reset() is False
    sim.run_for(1)
    assert sim.bms["state"] == "fault_latched"
    sim.disconnect()
    sim.run_for(8)
    assert sim.bms["state"] == "fault_latched"  # latched: the short is gone, the fault stays
    assert sim.service.reset() is True
    sim.run_for(1)
    assert sim.bms["state"] == "normal"
    assert sim.afe.fets["chg_fet"] and sim.afe.fets["dsg_fet"]
    assert any(entry["raised"] for entry in sim.service.fault_log())


def test_the_views_read_the_chip_firmware_bus_and_service_tool(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    sim.run_for(10)
    assert sim.bms["state"] == "normal"
    assert sim.bms.firmware_name == "packsim reference BMS"
    assert "state" in [name for name, _, _ in sim.bms.info()]
    # The AFE's reading is the cell's true voltage within its ADC error.
    cell_v = sim.pack.cell_v
    assert cell_v.shape == (16,)
    for k in (1, 7, 16):
        assert sim.afe.read(f"Cell {k} Voltage") == pytest.approx(cell_v[k - 1] * 1000.0, abs=5)
    assert sim.afe.read(0x14) == sim.afe.read("Cell 1 Voltage")
    assert "Cell 1 Voltage" in sim.afe.register_names()
    assert sim.afe.read("Stack Voltage") * 10 == pytest.approx(sim.pack.pack_v * 1000.0, rel=0.005)  # userV = 10 mV
    with pytest.raises(KeyError, match="Cell 99"):
        sim.afe.read("Cell 99 Voltage")
    with pytest.raises(KeyError):
        sim.afe.read(0x999)
    assert sim.afe.power_mode == "normal"
    assert sim.bms["min_cell_mv"] == pytest.approx(cell_v.min() * 1000.0, abs=5)
    assert sim.bms["max_cell_mv"] == pytest.approx(cell_v.max() * 1000.0, abs=5)
    # The service tool reads what the BMS measured.
    np.testing.assert_allclose(sim.service.cell_voltages(), sim.pack.cell_v, atol=0.005)
    info = sim.service.basic_info()
    assert info["cell_count"] == 16
    assert info["pack_v"] == pytest.approx(sim.pack.pack_v, abs=0.05)
    assert info["chg_fet"] and info["dsg_fet"]
    assert sim.service.status()["soc"] == pytest.approx(1.0, abs=0.01)
    # A frame put on the bus is there, sent by the inverter's node.
    before = len(sim.can.frames())
    assert before > 0
    sim.can.send(0x305, [0] * 8)
    sent = sim.can.frames(since=before)
    assert len(sent) == 1
    assert (sent["id"][0], sent["sender"][0], sent["dlc"][0], sent["extended"][0]) == (0x305, "inverter", 8, False)
    assert sent["t"][0] == pytest.approx(sim.time_s)
    assert not sent["data"][0].any()
    with pytest.raises(ValueError):
        sim.can.send(0x800, [0])  # does not fit 11 bits
    sim.run_for(2)
    assert {0x351, 0x355} <= set(sim.can.frames(since=before)["id"].tolist())


def test_a_firmware_without_observables_leaves_the_bms_view_empty(deep_discharge, minimal_firmware_so):
    sim = packsim.Simulator(deep_discharge, firmware=minimal_firmware_so)
    sim.run_for(10)
    assert len(sim.bms) == 0
    assert dict(sim.bms) == {}
    with pytest.raises(KeyError, match="exposes: nothing"):
        sim.bms["state"]
    assert sim.bms.firmware_name == "packsim minimal firmware"
    # It reads the cells once a second and says so in its log.
    lines = [text for _, text in sim.log()]
    assert any("cells mV" in line for line in lines)
    assert sim.afe.fets["dsg_fet"] is False


def test_a_simulator_from_a_scenario_path_runs_it(library_scenario):
    sim = packsim.Simulator(library_scenario("deep_discharge"))
    assert sim.scenario.name == "deep discharge"
    sim.run_for(10)
    assert sim.bms["state"] == "normal"


def test_a_simulator_from_a_pack_file_runs_the_reference_firmware_on_that_pack():
    sim = packsim.Simulator(os.path.join(packsim.params_dir, "packs", "lfp_16s1p.yaml"))
    assert (sim.pack.series, sim.pack.parallel) == (16, 1)
    sim.run_for(10)
    assert sim.bms["state"] == "normal"
    np.testing.assert_allclose(sim.pack.soc, 1.0, atol=0.02)  # the pack file's initial SOC
    sim.set_load(2.3)
    sim.run_for(60)
    assert sim.pack.current_a == pytest.approx(2.3)
    assert sim.trace["soc"][-1] < sim.trace["soc"][0] - 0.01


def test_a_bad_step_raises_a_scenario_error_with_its_key_path(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    cases = [
        ({"discharge": {"c_rate": "1C", "bogus": "1 s"}}, "discharge.bogus", "unknown key 'bogus'"),
        ({"discharge": {"c_rate": "1C", "until": "min_cell_v < 2.5 Q"}}, "discharge.until", "at 'Q' (character 18"),
        ({"rest": "1 Q"}, "rest", "unknown unit 'Q'"),
        ({"bogus": "1 s"}, "bogus", "unknown step 'bogus'"),
        ({"inject": {"open_wire": {"cell": 17}}}, "inject.open_wire.cell", "not 17"),
        ({"connect": {"charger": {"current": "1 A"}}}, "connect.charger", "missing required field 'voltage'"),
        ({"clear": "open_wire"}, "clear", "no 'open_wire' was injected"),
    ]
    for step, key_path, words in cases:
        with pytest.raises(packsim.ScenarioError) as caught:
            sim.step(step)
        assert caught.value.key_path == key_path, step
        assert str(caught.value).startswith(key_path), step
        assert words in str(caught.value), step
    assert sim.time_s == 0.0  # nothing ran
    assert sim.step({"rest": "1 s"}) is True
    assert sim.time_s == pytest.approx(1.0)


def test_a_step_value_python_cannot_write_is_a_scenario_error_with_its_key_path(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    with pytest.raises(packsim.ScenarioError, match="not set") as caught:
        sim.step({"rest": {"1 s"}})
    assert caught.value.key_path == "rest"
    with pytest.raises(packsim.ScenarioError, match="dict"):
        sim.step(["rest", "1 s"])


def test_a_bad_run_until_condition_names_the_character(deep_discharge):
    sim = packsim.Simulator(deep_discharge)
    with pytest.raises(packsim.ScenarioError, match="at character 18: 'min_cell_v': unknown unit 'Q'") as caught:
        sim.run_until("min_cell_v < 2.5 Q", 1)
    assert caught.value.key_path == "condition"
    with pytest.raises(packsim.ScenarioError, match="at character 1: unknown signal 'dsg_fett'; did you mean 'dsg_fet'"):
        sim.run_until("dsg_fett off", 1)
    with pytest.raises(TypeError):
        sim.run_until(42, 1)
    with pytest.raises(ValueError):
        sim.run_for(-1)
    assert sim.time_s == 0.0


def busy_simulator(deep_discharge):
    """A Simulator busy in another thread (inside a run_until whose condition waits
    for `release`): (sim, thread, release)."""
    sim = packsim.Simulator(deep_discharge)
    sim.run_for(10)
    sim.set_load(2.3)
    inside, release = threading.Event(), threading.Event()

    def hold(s):
        if s.time_s >= 12.0:
            inside.set()
            return release.wait(30)
        return False

    thread = threading.Thread(target=sim.run_until, args=(hold, 60))
    thread.start()
    assert inside.wait(30)
    return sim, thread, release


def test_a_simulator_busy_in_another_thread_refuses_calls(deep_discharge):
    sim, thread, release = busy_simulator(deep_discharge)
    try:
        for call in (lambda: sim.run_for(1), lambda: sim.step({"rest": "1 s"}), lambda: sim.run_until("2 s", 5),
                     lambda: sim.can.send(0x305, [0] * 8), lambda: sim.service.basic_info()):
            with pytest.raises(RuntimeError, match="busy"):
                call()
            assert thread.is_alive()
    finally:
        release.set()
        thread.join()
    assert sim.time_s == pytest.approx(12.0)  # nothing the refused calls asked for happened
    sim.run_for(1)  # free again
    assert sim.time_s == pytest.approx(13.0)


def test_a_simulator_busy_in_another_thread_refuses_reads_too(deep_discharge):
    # The views read the rig's state (vectors the run appends to): without the one-call lock that is a data race.
    sim, thread, release = busy_simulator(deep_discharge)
    unguarded = []
    try:
        for name, call in (("trace", lambda: sim.trace), ("pack.state", lambda: sim.pack.state()),
                           ("afe.read", lambda: sim.afe.read("Cell 1 Voltage")), ("bms", lambda: dict(sim.bms)),
                           ("expectations", lambda: sim.expectations()), ("can.frames", lambda: sim.can.frames()),
                           ("log", lambda: sim.log())):
            try:
                call()
                unguarded.append(name)
            except RuntimeError:
                pass
    finally:
        release.set()
        thread.join()
    assert unguarded == []
