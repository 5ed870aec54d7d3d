"""packsim.run: the same verdicts, trace.csv and can.log as `packsim run`, and
the numpy views of them (trace arrays, the CAN structured array, pandas)."""

import csv
import glob
import io
import math
import os
import pickle
import subprocess
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest

import packsim

CLI_SCENARIOS = ["deep_discharge", "cold_charge_lockout", "inverter_surge", "reflash_mid_run"]


def run_cli(binary, scenario_path, out, *options):
    """`packsim run SCENARIO --out OUT --no-report [options]`: (exit code, the run's directory)."""
    completed = subprocess.run(
        [binary, "run", str(scenario_path), "--out", str(out), "--no-report", *options],
        capture_output=True, text=True, timeout=120)
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, only_run_dir(out)


def only_run_dir(out):
    """OUT/<scenario>/ (the one directory holding trace.csv)."""
    found = glob.glob(os.path.join(str(out), "*", "trace.csv"))
    assert len(found) == 1, found
    return os.path.dirname(found[0])


def junit_verdicts(path):
    """[(expectation name, passed)] from a JUnit file of one scenario."""
    verdicts = []
    for case in ElementTree.parse(path).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        verdicts.append((case.get("name"), not failed))
    return verdicts


def read_text(path):
    with open(path, encoding="utf-8", newline="") as file:
        return file.read()


def assert_same_as_cli(result, exit_code, cli_dir, python_out):
    """Verdicts, trace.csv and can.log of packsim.run equal the CLI's."""
    assert result.passed == (exit_code == 0)
    assert [(e.name, e.passed) for e in result.expectations] == junit_verdicts(
        os.path.join(os.path.dirname(cli_dir), "junit.xml"))
    cli_csv = read_text(os.path.join(cli_dir, "trace.csv"))
    assert result.trace_csv() == cli_csv
    python_dir = only_run_dir(python_out)
    assert os.path.basename(python_dir) == os.path.basename(cli_dir)
    assert read_text(os.path.join(python_dir, "trace.csv")) == cli_csv
    assert result.can_log() == read_text(os.path.join(cli_dir, "can.log"))
    assert read_text(os.path.join(python_dir, "can.log")) == read_text(os.path.join(cli_dir, "can.log"))
    assert not os.path.exists(os.path.join(python_dir, "report.html"))  # report=False, as --no-report
    assert junit_verdicts(os.path.join(str(python_out), "junit.xml")) == junit_verdicts(
        os.path.join(os.path.dirname(cli_dir), "junit.xml"))


def assert_trace_matches_csv(trace, csv_text):
    """Every trace.csv column equals its numpy array: numbers as %.6g (NaN empty),
    states as text, time_s as t with the precision its row needs (ms, us or ns:
    a streamed row is final when written)."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    header, body = rows[0], rows[1:]
    assert header == ["time_s"] + trace.columns
    assert len(body) == trace.rows
    columns = list(zip(*body))
    for text, t in zip(columns[0], trace.t):
        ns = round(t * 1e9)
        places = 3 if ns % 1_000_000 == 0 else 6 if ns % 1_000 == 0 else 9
        assert text == f"{t:.{places}f}"
    for name, texts in zip(trace.columns, columns[1:]):
        values = trace[name]
        if values.dtype.kind == "U":
            assert list(texts) == values.tolist(), name
        else:
            assert values.dtype == np.float64, name
            expected = ["" if math.isnan(v) else "%.6g" % v for v in values.tolist()]
            assert list(texts) == expected, name


@pytest.mark.parametrize("name", CLI_SCENARIOS)
def test_run_gives_the_same_verdicts_and_trace_as_the_cli(name, packsim_binary, library_scenario, tmp_path):
    path = library_scenario(name)
    exit_code, cli_dir = run_cli(packsim_binary, path, tmp_path / "cli")
    result = packsim.run(path, out=tmp_path / "python", report=False)
    assert_same_as_cli(result, exit_code, cli_dir, tmp_path / "python")
    assert_trace_matches_csv(result.trace, result.trace_csv())


def test_run_with_a_seed_equals_the_cli_with_that_seed(packsim_binary, library_scenario, tmp_path):
    path = library_scenario("deep_discharge")
    exit_code, cli_dir = run_cli(packsim_binary, path, tmp_path / "cli", "--seed", "7")
    result = packsim.run(path, seed=7, out=tmp_path / "python", report=False)
    assert result.seed == 7
    assert_same_as_cli(result, exit_code, cli_dir, tmp_path / "python")
    # The seed reached the plant: the cells' spread (variation) differs from the scenario's own seed 1.
    default = packsim.run(path)
    assert default.seed == 1
    assert not np.array_equal(default.trace["cell_v"][0], result.trace["cell_v"][0])


def test_run_with_a_firmware_file_equals_the_cli_with_that_firmware(
        packsim_binary, library_scenario, reference_firmware_so, tmp_path):
    path = library_scenario("inverter_surge")
    exit_code, cli_dir = run_cli(packsim_binary, path, tmp_path / "cli", "--firmware", reference_firmware_so)
    result = packsim.run(path, firmware=reference_firmware_so, out=tmp_path / "python", report=False)
    assert_same_as_cli(result, exit_code, cli_dir, tmp_path / "python")
    # The reference firmware as a shared object is the built-in reference: the same run.
    assert result.trace_csv() == packsim.run(path).trace_csv()


def test_trace_period_and_until_limit_equal_the_clis_options(packsim_binary, library_scenario, tmp_path):
    path = library_scenario("deep_discharge")
    exit_code, cli_dir = run_cli(packsim_binary, path, tmp_path / "cli", "--trace-period", "10s", "--until-limit", "20min")
    result = packsim.run(path, out=tmp_path / "python", report=False, trace_period=10.0, until_limit=1200.0)
    assert_same_as_cli(result, exit_code, cli_dir, tmp_path / "python")
    assert result.trace.rows < packsim.run(path).trace.rows
    with pytest.raises(ValueError, match="until_limit"):
        packsim.run(path, until_limit=0.0)
    with pytest.raises(ValueError, match="trace_period"):
        packsim.run(path, trace_period=float("nan"))


def test_trace_arrays_have_one_row_per_sample_and_one_column_per_cell(library_scenario):
    scenario = packsim.load_scenario(library_scenario("deep_discharge"))
    trace = packsim.run(scenario).trace
    rows = trace.rows
    assert rows > 3000  # a row a second for over an hour
    assert trace["t"].shape == (rows,)
    assert trace["cell_v"].shape == (rows, scenario.series)
    assert trace["cell_temp"].shape == (rows, scenario.series * scenario.parallel)
    assert trace["cell_soc"].shape == (rows, scenario.series * scenario.parallel)
    assert np.all(np.diff(trace.t) > 0)
    np.testing.assert_array_equal(trace["min_cell_v"], trace["cell_v"].min(axis=1))
    np.testing.assert_array_equal(trace["max_cell_v"], trace["cell_v"].max(axis=1))
    np.testing.assert_allclose(trace["soc"], trace["cell_soc"].mean(axis=1), rtol=0, atol=1e-12)
    assert trace.pack_v is trace["pack_v"]
    for name, values in trace.items():
        assert isinstance(values, np.ndarray), name
        assert values.dtype != object, name
        assert values.dtype.kind in "fU", name
        assert not values.flags.writeable, name
        with pytest.raises(ValueError):
            values[0] = values[1]


def test_a_pickled_trace_keeps_its_values_and_stays_read_only(library_scenario):
    trace = packsim.run(library_scenario("inverter_surge")).trace
    restored = pickle.loads(pickle.dumps(trace))
    assert list(restored) == list(trace)
    for name in trace:
        np.testing.assert_array_equal(restored[name], trace[name], err_msg=name)
    writeable = [name for name, values in restored.items() if values.flags.writeable]
    assert writeable == []


def test_run_trace_holds_the_physics_of_a_1c_discharge(library_scenario):
    result = packsim.run(library_scenario("deep_discharge"))
    trace = result.trace
    # 1C of the 2.3 Ah pack while discharging, nothing at rest.
    discharging = trace["pack_current"] > 0
    np.testing.assert_allclose(trace["pack_current"][discharging], 2.3, rtol=1e-9)
    # The charge counted by the plant is the trace's current integrated over time (rows a second apart).
    moved_ah = np.trapz(trace["pack_current"], trace.t) / 3600.0
    np.testing.assert_allclose(result.pack["charge_moved_ah"], moved_ah, rtol=0.01)
    assert 2.0 < moved_ah < 2.3
    # The SOC fell by that charge over each cell's capacity.
    soc_drop = trace["cell_soc"][0] - trace["cell_soc"][-1]
    np.testing.assert_allclose(soc_drop * result.pack["capacity_ah"], moved_ah, rtol=0.02)
    # The final plant state is the trace's last row.
    np.testing.assert_array_equal(result.pack["soc"], trace["cell_soc"][-1])
    np.testing.assert_array_equal(result.pack["cell_v"], trace["cell_v"][-1])
    assert result.statistics.simulated_s == pytest.approx(trace.t[-1])
    assert result.statistics.speed_up > 100


def parse_can_log(text):
    """[(t, id, extended, data bytes)] from candump lines `(t) can0 ID#DATA`."""
    frames = []
    for line in text.splitlines():
        stamp, interface, frame = line.split()
        assert interface == "can0"
        identifier, data = frame.split("#")
        frames.append((float(stamp.strip("()")), int(identifier, 16), len(identifier) == 8, bytes.fromhex(data)))
    return frames


def test_can_is_a_structured_array_of_the_frames_of_can_log(library_scenario):
    result = packsim.run(library_scenario("inverter_surge"))
    can = result.can
    assert can.dtype.names == ("t", "id", "extended", "dlc", "data", "sender")
    assert can["data"].shape == (len(can), 8)
    assert not can.flags.writeable
    logged = parse_can_log(result.can_log())
    assert len(can) == len(logged) > 50
    for frame, (t, identifier, extended, data) in zip(can, logged):
        assert frame["t"] == pytest.approx(t, abs=1e-6)
        assert frame["id"] == identifier
        assert frame["extended"] == extended
        assert frame["dlc"] == len(data)
        assert bytes(frame["data"][: frame["dlc"]]) == data
        assert not frame["data"][frame["dlc"]:].any()
    # The BMS talks Pylontech (0x351 limits...), the inverter sends its 0x305 heartbeat.
    assert set(can["sender"]) == {"bms", "inverter"}
    assert {0x351, 0x355, 0x359} <= set(can["id"][can["sender"] == "bms"].tolist())
    assert set(can["id"][can["sender"] == "inverter"].tolist()) == {0x305}
    assert np.all(np.diff(can["t"]) >= 0)


def test_to_pandas_has_every_trace_csv_column_and_each_cell_indexed_by_t(library_scenario):
    result = packsim.run(library_scenario("deep_discharge"))
    frame = result.to_pandas()
    header = result.trace_csv().splitlines()[0].split(",")
    assert frame.index.name == "t"
    np.testing.assert_array_equal(frame.index.to_numpy(), result.trace.t)
    assert set(header[1:]) <= set(frame.columns)
    assert list(frame.columns[: len(header) - 1]) == header[1:]
    for k in range(1, 17):
        np.testing.assert_array_equal(frame[f"cell_v[{k}]"].to_numpy(), result.trace["cell_v"][:, k - 1])
        assert f"cell_temp[{k}]" in frame.columns and f"cell_soc[{k}]" in frame.columns
    assert "cell_v[17]" not in frame.columns
    np.testing.assert_array_equal(frame["min_cell_v"].to_numpy(), result.trace["min_cell_v"])
    assert frame["firmware_state"].tolist() == result.trace["firmware_state"].tolist()
    assert "discharge_inhibit" in set(frame["firmware_state"])


def test_a_failing_expectation_fails_the_run_at_its_first_check(library_scenario):
    document = packsim.load_scenario(library_scenario("deep_discharge")).to_dict()
    document["expect"].append({"name": "the pack is never live", "never": "pack_v > 0 V"})
    scenario = packsim.Scenario.from_dict(document, base_dir=packsim.scenarios_dir)
    result = packsim.run(scenario)
    assert not result.passed
    assert result.error == ""
    verdicts = {e.name: e for e in result.expectations}
    failed = verdicts["the pack is never live"]
    assert not failed.passed
    assert failed.failed_at_s is not None and 0.0 <= failed.failed_at_s <= 0.02
    # The detail names the value that broke it, as the trace holds it.
    first_pack_v = result.trace["pack_v"][0]
    assert first_pack_v > 50.0
    assert f"pack_v = {first_pack_v:.6g} V" in failed.detail
    # The other expectations are judged as without it.
    others = [e for e in result.expectations if e.name != "the pack is never live"]
    assert all(e.passed and e.failed_at_s is None for e in others)


def test_a_firmware_without_protection_or_observables_fails_the_deep_discharge(
        library_scenario, minimal_firmware_so):
    result = packsim.run(library_scenario("deep_discharge"), firmware=minimal_firmware_so)
    assert result.error == ""
    assert not result.passed
    verdicts = {e.name: e.passed for e in result.expectations}
    assert verdicts["discharge FET opens at the undervoltage threshold"] is False
    assert verdicts["the BMS inhibits discharge"] is False
    trace = result.trace
    # No observables: the firmware state is unknown ("") throughout; the FETs are never closed,
    # so no current flows and the cells keep their charge.
    assert trace["firmware_state"].dtype.kind == "U"
    assert set(trace["firmware_state"].tolist()) == {""}
    assert np.all(trace["dsg_fet"] == 0.0)
    assert np.all(trace["pack_current"] == 0.0)
    assert trace["min_cell_v"].min() > 3.3


def test_run_refuses_a_firmware_that_is_not_a_firmware(library_scenario, tmp_path):
    with pytest.raises(packsim.FirmwareError, match="no such firmware file"):
        packsim.run(library_scenario("inverter_surge"), firmware=str(tmp_path / "missing.so"))
    not_elf = tmp_path / "not_a_library.so"
    not_elf.write_text("not an ELF file\n")
    with pytest.raises(packsim.FirmwareError):
        packsim.run(library_scenario("inverter_surge"), firmware=str(not_elf))


def test_run_refuses_an_out_directory_that_is_a_file_before_running(library_scenario, tmp_path, monkeypatch):
    regular = tmp_path / "taken"
    regular.write_text("a file, not a directory\n")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the run started although --out was unusable")

    monkeypatch.setattr(packsim._packsim, "_run", must_not_run)
    with pytest.raises(OSError, match="taken"):
        packsim.run(library_scenario("inverter_surge"), out=regular)
    assert regular.read_text() == "a file, not a directory\n"
