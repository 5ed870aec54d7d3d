"""`packsim serve` driven by real tools: pyserial reads the JBD basic info on
the UART link, python-can's slcan interface receives the BMS's 0x351 frames
on the CAN link, and SIGINT stops it cleanly (exit 0, links removed)."""

import os
import signal
import struct
import subprocess
import time

import pytest

serial = pytest.importorskip("serial")
can = pytest.importorskip("can")

BASIC_INFO_REQUEST = bytes([0xDD, 0xA5, 0x03, 0x00, 0xFF, 0xFD, 0x77])


def packsim_binary():
    path = os.environ.get("PACKSIM_BINARY")
    if not path or not os.path.exists(path):
        pytest.skip("PACKSIM_BINARY does not name the built packsim")
    return path


def wait_for(condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)


def read_jbd_response(port, timeout_s):
    """One response frame: DD CMD STATUS LEN data... CHK_HI CHK_LO 77."""
    deadline = time.monotonic() + timeout_s
    data = b""
    while time.monotonic() < deadline:
        data += port.read(64)
        start = data.find(b"\xDD")
        if start >= 0 and len(data) >= start + 4:
            length = data[start + 3]
            end = start + 4 + length + 3
            if len(data) >= end:
                return data[start:end]
    raise AssertionError(f"no complete JBD response within {timeout_s} s, got {data.hex()}")


@pytest.fixture
def served(tmp_path):
    uart_link = tmp_path / "bms-uart"
    can_link = tmp_path / "bms-can"
    process = subprocess.Popen(
        [packsim_binary(), "serve", "--uart", str(uart_link), "--can", f"slcan:{can_link}",
         "--initial-soc", "60%", "--duration", "20 s"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: uart_link.is_symlink() and can_link.is_symlink() or process.poll() is not None,
                 10, "the links")
        assert process.poll() is None, process.communicate()
        yield process, uart_link, can_link
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_serve_answers_pyserial_and_python_can_and_stops_cleanly_on_sigint(served):
    process, uart_link, can_link = served

    with serial.Serial(str(uart_link), baudrate=9600, timeout=0.2) as port:
        # Right after boot the firmware answers before its first measurement
        # (no cells yet): ask again until it has measured.
        deadline = time.monotonic() + 10
        while True:
            port.write(BASIC_INFO_REQUEST)
            frame = read_jbd_response(port, timeout_s=5)
            assert frame[:3] == b"\xDD\x03\x00"
            assert frame[-1] == 0x77
            checksum = (0x10000 - sum(frame[2:-3])) & 0xFFFF
            assert frame[-3:-1] == struct.pack(">H", checksum)
            payload = frame[4:-3]
            if payload[21] != 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    pack_voltage_v = struct.unpack(">H", payload[0:2])[0] / 100.0
    rsoc_percent, cell_count = payload[19], payload[21]
    assert cell_count == 16
    assert 40.0 < pack_voltage_v < 60.0  # 16 LFP cells
    assert 30 <= rsoc_percent <= 90  # started at 60 %, as the firmware estimates it

    bus = can.Bus(interface="slcan", channel=str(can_link), bitrate=500000, sleep_after_open=0.1)
    try:
        deadline = time.monotonic() + 5
        limits = None
        while limits is None and time.monotonic() < deadline:
            message = bus.recv(timeout=0.5)
            if message is not None and message.arbitration_id == 0x351 and not message.is_extended_id:
                limits = message
        assert limits is not None, "no 0x351 frame from the BMS within 5 s"
        assert limits.dlc == 8
    finally:
        bus.shutdown()

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped by SIGINT" in out
    assert not os.path.lexists(uart_link)
    assert not os.path.lexists(can_link)


def test_serve_refuses_a_regular_file_at_the_link_with_exit_2(tmp_path):
    occupied = tmp_path / "occupied"
    occupied.write_text("not a pty")
    result = subprocess.run([packsim_binary(), "serve", "--uart", str(occupied), "--duration", "1 s"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "not a symlink" in result.stderr
    assert occupied.read_text() == "not a pty"
