"""Shared fixtures: where the built binaries and the source tree are."""

import os

import pytest

import packsim


def _env_path(name):
    path = os.environ.get(name)
    if not path or not os.path.exists(path):
        pytest.skip(f"{name} does not name a built file (run through ctest)")
    return path


@pytest.fixture
def packsim_binary():
    """The built `packsim` CLI."""
    return _env_path("PACKSIM_BINARY")


@pytest.fixture
def reference_firmware_so():
    """The reference firmware as a shared object (what --firmware takes)."""
    return _env_path("PACKSIM_REFERENCE_FIRMWARE_SO")


@pytest.fixture
def minimal_firmware_so():
    """bms_under_test/examples/minimal_firmware: reads the cells, exposes no observables."""
    return _env_path("PACKSIM_MINIMAL_FIRMWARE_SO")


@pytest.fixture
def library_scenario():
    """library_scenario("deep_discharge") -> the path of a scenario of the library."""
    return packsim.scenario_path


@pytest.fixture
def crash_firmware_so():
    """tests/sim/runner/misbehaving_firmware.c built to segfault 2 s after it boots."""
    return _env_path("PACKSIM_CRASH_FIRMWARE_SO")


@pytest.fixture
def hang_firmware_so():
    """tests/sim/runner/misbehaving_firmware.c built to hang in its tick 2 s after it boots."""
    return _env_path("PACKSIM_HANG_FIRMWARE_SO")
