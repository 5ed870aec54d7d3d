"""packsim.sweep: scenarios x grid x seeds on any executor, one row per run in
task order; the same table serially, on a process pool and on a Dask cluster."""

import concurrent.futures
import sys

import numpy as np
import pandas
import pytest

import packsim
from packsim.sweep import FIGURES

SEEDS = range(6)
GRID = {"environment.ambient": ["25 degC", "5 degC"]}


@pytest.fixture(scope="module")
def short_discharge():
    """deep_discharge from 30 % SOC: the BMS opens the discharge FET after about 15 min, ~0.1 s a run."""
    return packsim.load_scenario(packsim.scenario_path("deep_discharge")).with_overrides({"pack.initial_soc": "30 %"})


@pytest.fixture(scope="module")
def serial_table(short_discharge):
    return packsim.sweep(short_discharge, seeds=SEEDS, grid=GRID, max_workers=1)


def final_temperature(result):
    """A figures function: the hottest cell at the end (picklable, module level)."""
    return {"final_max_cell_temp_c": float(result.trace["max_cell_temp"][-1])}


def no_figures_for_seed_3(result):
    if result.seed == 3:
        raise ValueError("no figures for seed 3")
    return {"rows": result.trace.rows}


def without_wall_time(table):
    return table.drop(columns="wall_s")


def test_a_serial_sweep_has_a_row_per_run_in_task_order(serial_table, short_discharge):
    table = serial_table
    assert len(table) == len(SEEDS) * 2
    assert table["scenario"].tolist() == ["deep discharge"] * 12
    assert table["environment.ambient"].tolist() == ["25 degC"] * 6 + ["5 degC"] * 6
    assert table["seed"].tolist() == list(SEEDS) * 2
    expectations = ["expect: " + name for name in short_discharge.expectation_names]
    assert list(table.columns) == (["scenario", "seed", "environment.ambient", "passed", "error", "firmware_fault"]
                                   + expectations
                                   + list(FIGURES))
    assert (table["error"] == "").all()
    assert (table["firmware_fault"] == "").all()
    # Every run cut off at the BMS's 2.5 V threshold, never reaching the cells' 2.0 V limit.
    assert table["expect: discharge FET opens at the undervoltage threshold"].all()
    assert table["expect: no cell below its 2.0 V limit"].all()
    assert ((table["min_cell_v"] > 2.0) & (table["min_cell_v"] < 2.5)).all()
    # 30 % of 2.3 Ah at 1C: the FET opens after 10 to 20 min.
    assert ((table["first_fet_open_s"] > 600) & (table["first_fet_open_s"] < 1200)).all()
    # Seeds change the cells (variation): no two runs alike.
    assert table["first_fet_open_s"].nunique() == 12


def test_rows_follow_scenario_then_grid_point_then_seed_whatever_order_runs_finish(short_discharge):
    surge = packsim.load_scenario(packsim.scenario_path("inverter_surge"))
    grid = {"environment.ambient": ["25 degC", "5 degC"], "pack.initial_temp": ["20 degC", "25 degC"]}
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        table = packsim.sweep([short_discharge, surge], seeds=[8, 9], grid=grid, executor=pool)
    expected = [(scenario, ambient, temp, seed)
                for scenario in ("deep discharge", "inverter surge")
                for ambient in grid["environment.ambient"]
                for temp in grid["pack.initial_temp"]
                for seed in (8, 9)]
    columns = ["scenario", "environment.ambient", "pack.initial_temp", "seed"]
    assert list(table[columns].itertuples(index=False, name=None)) == expected
    # Each scenario's expectations have their column; the other scenario's rows leave them empty.
    surge_rows = table["scenario"] == "inverter surge"
    for name in surge.expectation_names:
        assert table.loc[surge_rows, "expect: " + name].notna().all()
        assert table.loc[~surge_rows, "expect: " + name].isna().all()
    assert table["passed"].all()
    # The pack's initial temperature reached each run: the hottest cell starts there.
    cool = table["pack.initial_temp"] == "20 degC"
    assert (table.loc[cool & (table["environment.ambient"] == "5 degC"), "max_cell_temp_c"] < 20.5).all()


def test_a_sweep_row_is_the_run_of_its_seed_and_grid_point(serial_table, short_discharge):
    row = serial_table.iloc[6 + 2]  # 5 degC, seed 2
    assert (row["environment.ambient"], row["seed"]) == ("5 degC", 2)
    result = packsim.run(short_discharge.with_overrides({"environment.ambient": "5 degC"}), seed=2)
    assert row["passed"] == result.passed
    assert row["simulated_s"] == result.statistics.simulated_s
    assert row["min_cell_v"] == result.trace["min_cell_v"].min()
    assert row["max_cell_temp_c"] == result.trace["max_cell_temp"].max()
    opened = result.trace.t[np.flatnonzero(np.diff(result.trace["dsg_fet"]) < 0)[0] + 1]
    assert row["first_fet_open_s"] == opened
    for expectation in result.expectations:
        assert row["expect: " + expectation.name] == expectation.passed


def test_a_sweep_on_a_process_pool_gives_the_serial_table(serial_table, short_discharge):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        table = packsim.sweep(short_discharge, seeds=SEEDS, grid=GRID, executor=pool)
    pandas.testing.assert_frame_equal(without_wall_time(table), without_wall_time(serial_table))


def test_a_sweep_on_the_default_executor_gives_the_serial_table(serial_table, short_discharge):
    table = packsim.sweep(short_discharge, seeds=SEEDS, grid=GRID)
    pandas.testing.assert_frame_equal(without_wall_time(table), without_wall_time(serial_table))


# tornado's IOLoop, made by distributed 2022.12 when the cluster starts, warns with Python 3.11's
# asyncio: "make_current is deprecated; start the event loop first" (DeprecationWarning).
@pytest.mark.parametrize("chunk_size", [1, 5, 100])
def test_runs_sent_in_chunks_give_the_serial_table(serial_table, short_discharge, chunk_size):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        table = packsim.sweep(short_discharge, seeds=SEEDS, grid=GRID, executor=pool, chunk_size=chunk_size)
    pandas.testing.assert_frame_equal(without_wall_time(table), without_wall_time(serial_table))


@pytest.mark.filterwarnings("ignore:make_current is deprecated; start the event loop first:DeprecationWarning")
def test_a_sweep_on_a_dask_cluster_gives_the_serial_table(serial_table, short_discharge):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            table = packsim.sweep(short_discharge, seeds=SEEDS, grid=GRID, executor=client.get_executor())
    pandas.testing.assert_frame_equal(without_wall_time(table), without_wall_time(serial_table))


def test_a_run_that_raises_is_a_row_with_its_error_and_the_others_go_on(short_discharge):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        table = packsim.sweep(short_discharge, seeds=SEEDS, executor=pool, figures=no_figures_for_seed_3)
    assert table["seed"].tolist() == list(SEEDS)
    failed = table[table["seed"] == 3].iloc[0]
    assert failed["error"] == "ValueError: no figures for seed 3"
    assert failed["passed"] is False or failed["passed"] == False  # noqa: E712 - numpy or Python bool
    others = table[table["seed"] != 3]
    assert (others["error"] == "").all()
    assert others["passed"].all()
    assert (others["rows"] > 500).all()


def test_figures_add_columns_computed_on_the_worker(short_discharge):
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        table = packsim.sweep(short_discharge, seeds=2, grid=GRID, executor=pool, figures=final_temperature)
    assert list(table.columns)[-1] == "final_max_cell_temp_c"
    warm = table[table["environment.ambient"] == "25 degC"]["final_max_cell_temp_c"].to_numpy()
    cold = table[table["environment.ambient"] == "5 degC"]["final_max_cell_temp_c"].to_numpy()
    # The pack starts at 25 degC: at 5 degC ambient it ends colder, at 25 degC it stays near 25 degC.
    assert np.all(warm > 24.5)
    assert np.all(cold < warm - 5.0)


def test_a_bad_grid_key_raises_before_any_run(short_discharge):
    class Recording(concurrent.futures.Executor):
        submitted = 0

        def submit(self, fn, /, *args, **kwargs):
            Recording.submitted += 1
            raise AssertionError("a run was submitted")

    with pytest.raises(packsim.ScenarioError, match="environment.ambiant"):
        packsim.sweep(short_discharge, seeds=SEEDS, grid={"environment.ambiant": ["5 degC"]}, executor=Recording())
    with pytest.raises(packsim.ScenarioError, match="unknown unit"):
        packsim.sweep(short_discharge, seeds=SEEDS, grid={"environment.ambient": ["25 degC", "5 degQ"]},
                      executor=Recording())
    assert Recording.submitted == 0


def test_keep_traces_brings_the_traces_back(short_discharge):
    table = packsim.sweep(short_discharge, seeds=[4, 5], max_workers=1, keep_traces=True)
    assert list(table.columns)[-1] == "trace"
    for _, row in table.iterrows():
        trace = row["trace"]
        assert isinstance(trace, packsim.Trace)
        assert trace["min_cell_v"].min() == row["min_cell_v"]
        direct = packsim.run(short_discharge, seed=int(row["seed"])).trace
        np.testing.assert_array_equal(trace["cell_v"], direct["cell_v"])
    with concurrent.futures.ProcessPoolExecutor(2) as pool:  # through pickling
        pooled = packsim.sweep(short_discharge, seeds=[4, 5], executor=pool, keep_traces=True)
    for kept, brought in zip(table["trace"], pooled["trace"]):
        assert list(kept) == list(brought)
        np.testing.assert_array_equal(kept["cell_soc"], brought["cell_soc"])


def test_the_sweep_module_stays_importable_beside_the_function():
    module = sys.modules["packsim.sweep"]
    assert packsim.sweep is module.sweep
    assert module.FIGURES is FIGURES and "first_fet_open_s" in FIGURES
