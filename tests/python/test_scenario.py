"""packsim.Scenario: dicts checked by the same strict loader as the files, errors
told back as the key path written; overrides; pickles that carry their files."""

import os
import pickle
import shutil

import numpy as np
import pytest

import packsim


@pytest.fixture
def deep_discharge(library_scenario):
    """(the library's deep_discharge as a dict, its directory for relative paths)."""
    path = library_scenario("deep_discharge")
    return packsim.load_scenario(path).to_dict(), os.path.dirname(path)


@pytest.fixture
def fresh_deep_discharge(library_scenario):
    """fresh_deep_discharge() -> another copy of (dict, directory), for a second case in one test."""
    path = library_scenario("deep_discharge")
    return lambda: (packsim.load_scenario(path).to_dict(), os.path.dirname(path))


def scenario_error(document, base_dir):
    with pytest.raises(packsim.ScenarioError) as caught:
        packsim.Scenario.from_dict(document, base_dir=base_dir)
    return caught.value


def test_an_unknown_step_key_is_named_by_its_key_path(deep_discharge):
    document, base = deep_discharge
    document["steps"][1]["discharge"]["bogus"] = "1 s"
    error = scenario_error(document, base)
    assert str(error).startswith("steps[1].discharge.bogus: ")
    assert "unknown key 'bogus'" in str(error)
    assert error.key_path == "steps[1].discharge.bogus"
    assert error.file is None


def test_a_misspelt_signal_in_a_condition_is_named_with_the_right_one(deep_discharge):
    document, base = deep_discharge
    document["steps"][1]["discharge"]["until"] = "dsg_fett off or min_cell_v < 2.0 V"
    error = scenario_error(document, base)
    assert str(error).startswith("steps[1].discharge.until")
    assert error.key_path == "steps[1].discharge.until"
    assert "unknown signal 'dsg_fett'" in str(error)
    assert "did you mean 'dsg_fet'?" in str(error)


def test_a_unit_error_inside_a_value_names_the_character(deep_discharge, fresh_deep_discharge):
    document, base = deep_discharge
    document["steps"][1]["discharge"]["until"] = "min_cell_v < 2.5 Q"
    error = scenario_error(document, base)
    assert error.key_path == "steps[1].discharge.until"
    assert "at 'Q' (character 18 of 'min_cell_v < 2.5 Q')" in str(error)
    assert "unknown unit 'Q'" in str(error)

    document, base = fresh_deep_discharge()
    document["expect"][0]["that"] = "dsg_fet off within 3 q of min_cell_v < 2.5 V"
    error = scenario_error(document, base)
    assert error.key_path == "expect[0].that"
    assert "at 'q' (character 22 of" in str(error)


def test_a_number_without_its_unit_is_refused(deep_discharge):
    document, base = deep_discharge
    document["steps"][1]["discharge"]["c_rate"] = 1
    error = scenario_error(document, base)
    assert error.key_path == "steps[1].discharge.c_rate"
    assert "needs a unit" in str(error)


def test_a_missing_required_field_is_named(deep_discharge, fresh_deep_discharge):
    document, base = deep_discharge
    del document["name"]
    error = scenario_error(document, base)
    assert "missing required field 'name'" in str(error)

    document, base = fresh_deep_discharge()
    document["steps"].append({"connect": {"charger": {"current": "1 A"}}})
    error = scenario_error(document, base)
    assert error.key_path.startswith("steps[4].connect.charger")
    assert "voltage" in str(error)


def test_a_list_where_a_mapping_is_expected_is_named(deep_discharge, fresh_deep_discharge):
    document, base = deep_discharge
    document["pack"] = ["../models/params/packs/lfp_16s1p.yaml"]
    error = scenario_error(document, base)
    assert error.key_path == "pack"
    assert "expected a mapping" in str(error)

    document, base = fresh_deep_discharge()
    document["steps"][1] = ["discharge"]
    error = scenario_error(document, base)
    assert error.key_path == "steps[1]"


@pytest.mark.parametrize("root", [["name", "description"], "deep discharge", 42])
def test_a_root_that_is_not_a_dict_is_a_scenario_error(root):
    with pytest.raises(packsim.ScenarioError, match="dict"):
        packsim.Scenario.from_dict(root)


def test_a_key_that_is_not_text_is_named_by_where_it_is(deep_discharge):
    document, base = deep_discharge
    document["environment"][3] = "25 degC"
    error = scenario_error(document, base)
    # The mapping that holds the key, and the key itself (not mistakable for the text key '3').
    assert str(error) == "environment: keys are text, got the int 3"
    assert error.key_path == "environment"


@pytest.mark.parametrize("value, type_name", [({"25 degC"}, "set"), (object(), "object"), (b"25 degC", "bytes")])
def test_a_python_value_a_scenario_cannot_hold_is_named_by_its_key_path(deep_discharge, value, type_name):
    document, base = deep_discharge
    document["environment"]["ambient"] = value
    error = scenario_error(document, base)
    assert str(error).startswith("environment.ambient: ")
    assert f"not {type_name}" in str(error)
    assert error.key_path == "environment.ambient"


def test_errors_in_a_file_keep_file_line_and_column(library_scenario, tmp_path):
    with open(library_scenario("deep_discharge"), encoding="utf-8") as file:
        text = file.read()
    pack_file = os.path.join(packsim.params_dir, "packs", "lfp_16s1p.yaml")
    text = text.replace("file: ../models/params/packs/lfp_16s1p.yaml", f"file: {pack_file}")
    text = text.replace("c_rate: 1C,", "c_rate: 1X,")
    lines = text.splitlines()
    line = next(i for i, l in enumerate(lines) if "c_rate: 1X" in l) + 1
    column = lines[line - 1].index("1X") + 2  # the X
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(packsim.ScenarioError) as caught:
        packsim.load_scenario(bad)
    error = caught.value
    assert str(error).startswith(f"{bad}:{line}:{column}: ")
    assert "unknown unit 'X'" in str(error)
    assert (error.file, error.line, error.column) == (str(bad), line, column)
    with pytest.raises(packsim.ScenarioError, match=f"bad.yaml:{line}:{column}:"):
        packsim.run(bad)


def test_a_dict_from_to_dict_runs_as_the_file_does(library_scenario):
    path = library_scenario("deep_discharge")
    from_file = packsim.load_scenario(path)
    from_dict = packsim.Scenario.from_dict(from_file.to_dict(), base_dir=os.path.dirname(path))
    assert from_dict.name == from_file.name and from_dict.seed == from_file.seed
    assert from_dict.step_kinds == from_file.step_kinds
    assert from_dict.expectation_names == from_file.expectation_names
    assert packsim.run(from_dict).trace_csv() == packsim.run(path).trace_csv()


def test_an_ambient_override_cools_the_cells(library_scenario):
    scenario = packsim.load_scenario(library_scenario("deep_discharge"))
    cold = scenario.with_overrides({"environment.ambient": "-10 degC"})
    assert scenario.to_dict()["environment"]["ambient"] == "25 degC"  # the original is untouched
    assert cold.to_dict()["environment"]["ambient"] == "-10 degC"
    warm_trace = packsim.run(scenario).trace
    cold_trace = packsim.run(cold).trace
    # Cells start at 25 degC (the pack's initial_temp) and cool towards -10 degC under 1C.
    assert warm_trace["min_cell_temp"].min() > 24.9
    assert cold_trace["max_cell_temp"][-1] < 0.0
    assert cold_trace["max_cell_temp"][-1] < warm_trace["min_cell_temp"].min() - 20.0
    mean = cold_trace["cell_temp"].mean(axis=1)
    at_10_min = np.searchsorted(cold_trace.t, 600.0)
    assert mean[0] == pytest.approx(25.0) and mean[-1] < mean[at_10_min] < mean[0] - 5.0


def test_an_override_path_that_does_not_exist_is_named(library_scenario):
    scenario = packsim.load_scenario(library_scenario("deep_discharge"))
    with pytest.raises(packsim.ScenarioError, match="environment.ambiant") as caught:
        scenario.with_overrides({"environment.ambiant": "-10 degC"})
    assert "did you mean 'ambient'" in str(caught.value)
    with pytest.raises(packsim.ScenarioError, match=r"steps\[9\].*the list has 4 entries"):
        scenario.with_overrides({"steps[9].rest": "1 s"})
    with pytest.raises(packsim.ScenarioError, match=r"'steps\.x'.*not a mapping"):
        scenario.with_overrides({"steps.x": "1 s"})
    with pytest.raises(packsim.ScenarioError, match="at character 4"):
        scenario.with_overrides({"bad path!": 1})


def test_an_override_of_a_step_changes_that_step(library_scenario):
    scenario = packsim.load_scenario(library_scenario("deep_discharge"))
    faster = scenario.with_overrides({"steps[1].discharge.c_rate": "2C"})
    trace = packsim.run(faster).trace
    np.testing.assert_allclose(trace["pack_current"][trace["pack_current"] > 0], 4.6, rtol=1e-9)


def test_a_pickled_scenario_runs_as_the_original(library_scenario):
    scenario = packsim.load_scenario(library_scenario("reflash_mid_run"))
    restored = pickle.loads(pickle.dumps(scenario))
    assert restored.path == scenario.path
    assert restored.source_texts == scenario.source_texts
    assert packsim.run(restored).trace_csv() == packsim.run(scenario).trace_csv()


def test_a_pickled_scenario_carries_its_pack_and_cell_files(library_scenario, tmp_path):
    source = library_scenario("deep_discharge")
    copied = tmp_path / "tree"
    (copied / "scenarios").mkdir(parents=True)
    (copied / "models" / "params" / "packs").mkdir(parents=True)
    shutil.copy(source, copied / "scenarios" / "deep_discharge.yaml")
    shutil.copy(os.path.join(packsim.params_dir, "packs", "lfp_16s1p.yaml"),
                copied / "models" / "params" / "packs" / "lfp_16s1p.yaml")
    shutil.copy(os.path.join(packsim.params_dir, "lfp_a123_26650.yaml"),
                copied / "models" / "params" / "lfp_a123_26650.yaml")
    scenario = packsim.load_scenario(copied / "scenarios" / "deep_discharge.yaml")
    assert len(scenario.source_texts) == 3
    before = packsim.run(scenario).trace_csv()
    data = pickle.dumps(scenario)
    shutil.rmtree(copied)
    with pytest.raises(packsim.ScenarioError):
        packsim.load_scenario(copied / "scenarios" / "deep_discharge.yaml")
    restored = pickle.loads(data)
    assert packsim.run(restored).trace_csv() == before
    assert before == packsim.run(source).trace_csv()
    # An override on the restored scenario still finds the pack and cell texts.
    cooler = restored.with_overrides({"environment.ambient": "15 degC"})
    assert packsim.run(cooler).trace["min_cell_temp"].min() < 20.0


def test_numbers_and_booleans_are_taken_where_the_file_takes_them(deep_discharge, library_scenario):
    document, base = deep_discharge
    document["seed"] = 3
    document["firmware"] = {"config": {"cell_count": 16, "overcurrent_trips_before_latch": 3,
                                       "balancing_allow_adjacent_cells": False}}
    scenario = packsim.Scenario.from_dict(document, base_dir=base)
    assert scenario.seed == 3
    result = packsim.run(scenario)
    assert result.seed == 3
    assert result.passed
    assert result.trace_csv() == packsim.run(library_scenario("deep_discharge"), seed=3).trace_csv()

    document["seed"] = True
    error = scenario_error(document, base)
    assert error.key_path == "seed"
    assert "whole number" in str(error)
