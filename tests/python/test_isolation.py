"""A firmware in a child process of its own: the same run as in this process,
and a crash or a hang is a verdict (Result.firmware_fault, FirmwareFault from
a Simulator, a sweep row), never the end of the Python process."""

import packsim


def resting_with(firmware_so, seconds="10 s"):
    """Ten seconds at rest with a firmware that misbehaves after 2 s."""
    return packsim.Scenario.from_dict(
        {
            "name": "misbehaving",
            "description": "a firmware that misbehaves after 2 s",
            "seed": 1,
            "pack": {"file": packsim.params_dir + "/packs/lfp_16s1p.yaml", "initial_soc": "60 %",
                     "initial_temp": "25 degC"},
            "firmware": {"path": firmware_so},
            "steps": [{"rest": seconds}],
        }
    )


def test_an_isolated_reference_firmware_gives_the_run_of_the_linked_one(library_scenario):
    here = packsim.run(library_scenario("deep_discharge"))
    isolated = packsim.run(library_scenario("deep_discharge"), isolate=True)
    assert here.passed and isolated.passed
    assert isolated.trace_csv() == here.trace_csv()
    assert isolated.can_log() == here.can_log()
    assert here.statistics.firmware_link is None
    link = isolated.statistics.firmware_link
    assert "shared memory" in link["transport"]
    assert link["runs"] > 400_000  # bms_init and a tick every 10 ms of 4009 s
    assert 0 < link["run_wall_mean_us"] <= link["run_wall_max_us"]


def test_a_crashing_firmware_ends_its_run_with_the_fault_and_python_goes_on(crash_firmware_so):
    result = packsim.run(resting_with(crash_firmware_so))
    assert not result.passed
    fault = result.firmware_fault
    assert fault is not None and fault.kind == "crashed"
    assert fault.at_s == 2.0
    assert "SIGSEGV" in fault.detail or "AddressSanitizer" in fault.detail
    assert fault.text.startswith("firmware crashed at t=2.00 s")
    assert result.trace.t[-1] == 2.0  # recorded up to the fault, not beyond
    assert result.trace_csv().endswith("\n# " + fault.text + "\n")
    assert packsim.run(packsim.scenario_path("short_circuit")).passed  # and the next run is fine


def test_a_simulator_raises_the_fault_from_the_call_that_met_it(crash_firmware_so):
    sim = packsim.Simulator(resting_with(crash_firmware_so), isolate=True)
    sim.run_for(1.5)
    assert sim.bms["state"] == "normal"  # the firmware's observables, read over the link
    try:
        sim.run_for(2.0)
        raise AssertionError("no FirmwareFault")
    except packsim.FirmwareFault as fault:
        text, kind, detail = fault.args
        assert kind == "crashed"
        assert "killed by" in detail
        assert text.startswith("firmware crashed: ")
    assert abs(sim.time_s - 2.0) < 1e-9  # stopped at the tick that crashed


def test_a_hung_firmware_is_a_fault_not_a_hung_python(hang_firmware_so):
    result = packsim.run(resting_with(hang_firmware_so))  # the default deadline: 10 s of wall time
    assert result.firmware_fault.kind == "hung"
    assert "no RUN_DONE within 10000 ms" in result.firmware_fault.detail


def test_a_sweep_row_carries_the_fault_and_the_other_rows_run(crash_firmware_so, library_scenario):
    table = packsim.sweep(
        [resting_with(crash_firmware_so), packsim.load_scenario(library_scenario("short_circuit"))],
        max_workers=1,
        progress=False,
    )
    assert table["firmware_fault"].iloc[0].startswith("firmware crashed at t=2.00 s")
    assert not table["passed"].iloc[0]
    assert table["firmware_fault"].iloc[1] == ""
    assert table["passed"].iloc[1]
