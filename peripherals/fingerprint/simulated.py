"""The station's simulated fingerprint reader: the real serial driver talking to the
simulated module on a pty, so everything above the port runs the same code as on the Pi.

`present(person, finger)` says whose finger is on the glass (as an applicant would put it
there), `withdraw()` lifts it; `simulator` gives access to fault injection and
unplug/replug for demos, training and tests."""

from __future__ import annotations

from pathlib import Path

from peripherals.fingerprint.driver import SerialFingerprintReader
from peripherals.fingerprint.models import MODELS
from peripherals.fingerprint.module_sim import Fault
from peripherals.fingerprint.simulator import FingerprintSimulator


def _model_for(image_size: tuple[int, int]) -> str:
    for model in MODELS.values():
        if model.image_size == image_size:
            return model.name
    raise ValueError(f"no simulated module has a {image_size[0]}x{image_size[1]} sensor")


class SimulatedFingerprintReader(SerialFingerprintReader):
    def __init__(
        self,
        image_size: tuple[int, int] = (256, 288),
        capture_s: float = 0.5,
        *,
        model: str | None = None,
        baud: int = 57600,
        pace: float | None = None,
        raise_baud_to: int | None = None,
        baud_memory: Path | None = None,
        packet_size: int | None = None,
    ) -> None:
        """`pace` scales the simulator's timing (1 = a real module at `baud`, 0 = instant);
        when omitted, `capture_s=0` means instant (the station's tests) and anything else
        real time."""
        name = model or _model_for(image_size)
        if pace is None:
            pace = 0.0 if capture_s <= 0 else 1.0
        # The station's own simulator shares a possibly busy machine with everything
        # else (tests, a browser, image work): it waits longer for a slow reader than a
        # real module would, so load never looks like a broken cable.
        self.simulator = FingerprintSimulator(name, baud=baud, pace=pace, write_stall_s=10.0)
        self.simulator.present("demo", 1)
        super().__init__(
            self.simulator.path,
            model=name,
            baud=baud,
            raise_baud_to=raise_baud_to,
            baud_memory=baud_memory,
            packet_size=packet_size,
            # Even at pace 0 the simulator is another thread on a possibly busy machine.
            reply_timeout_s=3.0,
            poll_interval_s=0.05 if pace else 0.005,
        )
        self._started = False

    def open(self) -> None:
        if not self._started:
            self.simulator.start()
            self._started = True
        super().open()

    def close(self) -> None:
        super().close()
        if self._started:
            self.simulator.stop()
            self._started = False

    def present(self, person: str, finger: int) -> None:
        self.simulator.present(person, finger)

    def withdraw(self) -> None:
        self.simulator.withdraw()

    def inject(self, fault: Fault, times: int = 1) -> None:
        self.simulator.inject(fault, times)

    @property
    def unplugged(self) -> bool:
        return not self.simulator.plugged

    @unplugged.setter
    def unplugged(self, value: bool) -> None:
        if value:
            self.simulator.unplug()
        else:
            self.simulator.replug()


__all__ = ["Fault", "SimulatedFingerprintReader"]
