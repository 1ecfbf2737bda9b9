"""A school day's pace: N students through the real HTTP API at real device speed.

Starts `station run --simulate` (delay scale 1: the simulated module paces its bytes at
its baud rate, the camera, printer and applicant take their real times) and takes each
student through the tablet's guided path: start, identity, consent, photo, the ten
fingers walked by the station, signature, commit, next.

The applicant's reaction to the station's prompts is played by the station's simulated
applicant, with the times given here (time to place a finger once asked, to lift it):
these interact with the station, so they run in real time. The people's other times
(typing or checking the identity, reading the consent notice, facing the camera, signing,
reviewing, and each tap) do not involve the station: they are added to the student's
time, not slept; only the station's background work for the last student (printing its
receipt) is let finish first, as it does while the operator types the next identity.

Figures, per student (medians):
  station_wait_s  the station keeps the student waiting: every request's duration, plus
                  the fingers' time minus the time the station waited for a finger
  fingers_s       from the first finger asked for until the tenth image is judged
  taps            the operator's taps on the tablet's guided path (table TAPS)
  seconds         everything: station, fingers and the modelled people
  students_per_hour = 3600 / seconds
Last line: station_wait_s_per_student=… fingers_s_per_student=… taps_per_student=…
seconds_per_student=… students_per_hour=…

Usage: python bench/school_day.py [N] [--place-s 1.5] [--lift-s 0.5] [--face-s 3] ...
At the default N=5 it takes about 4 minutes (most of it the fingers' real time).
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import live_station  # noqa: E402
from enroll_api import log_in  # noqa: E402

from tests.support.enrolling import CLOSING, signature_png  # noqa: E402

# What the operator taps on the tablet for each request of the guided path (typing is
# not a tap; the consent step has two check boxes and its button).
TAPS = {
    "start": 1,
    "identity": 1,
    "consent": 3,
    "photo/capture": 1,
    "photo/approve": 1,
    "fingerprints/guided": 0,  # the fingerprint screen starts the walk by itself
    # ... and goes on to the signature by itself after a clean walk; a warning, a forced
    # capture or an exception waits for the operator's tap (`Tablet.fingers`).
    "fingerprints/done": 0,
    "signature": 1,
    # The KK check box and the IKD answer (no default since issue 16), then the button.
    "commit": 3,
    "next": 1,
}


@dataclass
class People:
    """The modelled applicant and operator (seconds)."""

    place_s: float
    lift_s: float
    face_s: float
    identity_s: float
    consent_s: float
    sign_s: float
    review_s: float
    tap_s: float

    def outside_station_s(self, taps: int) -> float:
        return (
            self.identity_s
            + self.consent_s
            + self.face_s
            + self.sign_s
            + self.review_s
            + taps * self.tap_s
        )


@dataclass
class Student:
    requests_s: float = 0.0
    fingers_s: float = 0.0
    waited_for_finger_s: float = 0.0
    taps: int = 0
    photo_s: float = 0.0
    commit_s: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def station_wait_s(self) -> float:
        return self.requests_s + self.fingers_s - self.waited_for_finger_s


class Tablet:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.student = Student()

    def tap(self, path: str, body: object = None, taps: int | None = None) -> dict[str, Any]:
        started = time.perf_counter()
        response = self.client.post(f"/api/enrollment/{path}", json=body)
        took = time.perf_counter() - started
        if response.is_error:
            raise SystemExit(f"{path}: {response.status_code} {response.text}")
        self.student.requests_s += took
        self.student.taps += TAPS[path] if taps is None else taps
        self.student.steps[path] = took
        result: dict[str, Any] = response.json()
        return result

    def fingers(self) -> int:
        """Start the walk (as the screen does) and wait until the station has judged
        the tenth image. Returns the operator's taps to leave the step: none after a
        clean walk (web/static/js/screens/fingerprints.js), else one."""
        started = time.perf_counter()
        self.tap("fingerprints/guided")
        while True:
            state = self.client.get("/api/enrollment").json()
            guided = state["enrollment"]["fingerprints"]["guided"]
            if guided["state"] != "running":
                break
            time.sleep(0.05)
        if guided["state"] != "finished" or not state["enrollment"]["fingerprints"]["complete"]:
            raise SystemExit(f"the fingers did not finish: {guided}")
        self.student.fingers_s = (
            time.perf_counter() - started - self.student.steps["fingerprints/guided"]
        )
        self.student.waited_for_finger_s = guided["timing"]["waited_for_finger_s"]
        fingers = state["enrollment"]["fingerprints"]["fingers"]
        clean = all(f["status"] == "captured" and not f["warnings"] for f in fingers)
        return 0 if clean else 1


def while_people_work(client: httpx.Client, seconds: float) -> None:
    """The people's modelled time is charged, not slept; but the station's background
    work of the last student (printing the receipt, about 4 s at 9600 baud) does happen
    during it in real life. Wait until the print queue is empty, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get("/api/receipts/printer").json()["queued"] == 0:
            return
        time.sleep(0.1)


def enroll(client: httpx.Client, visit_id: int, n: int, sig: str, people: People) -> Student:
    while_people_work(client, people.identity_s + people.consent_s)
    tablet = Tablet(client)
    tablet.tap("start", {"visit_id": visit_id})
    tablet.tap(
        "identity",
        {
            "name": f"Siswa {n}",
            "nik": f"351409410107{n + 1:04d}",  # Pasuruan / Sukorejo, born 1 Jan 2007
            "birth_date": "2007-01-01",
            "sex": "P",
        },
    )
    tablet.tap("consent", {"applicant_agrees": True, "notice_shown": True})
    tablet.tap("photo/capture")
    tablet.tap("photo/approve")
    leave_fingers = tablet.fingers()
    tablet.tap("fingerprints/done", taps=leave_fingers)
    tablet.tap("signature", {"png_base64": sig})
    tablet.tap("commit", CLOSING)
    tablet.tap("next")
    student = tablet.student
    student.photo_s = student.steps["photo/capture"]
    student.commit_s = student.steps["commit"]
    return student


def start_station(data: str, people: People) -> tuple[subprocess.Popen[bytes], str, str]:
    return live_station.start(
        data,
        {
            "STATION__DEVICES__SIMULATION__DELAY_SCALE": "1",
            "STATION__DEVICES__SIMULATION__APPLICANT_PLACE_S": str(people.place_s),
            "STATION__DEVICES__SIMULATION__APPLICANT_LIFT_S": str(people.lift_s),
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("students", nargs="?", type=int, default=5)
    parser.add_argument("--place-s", type=float, default=1.5, help="finger placed, once asked")
    parser.add_argument("--lift-s", type=float, default=0.5, help="finger lifted, once asked")
    parser.add_argument("--face-s", type=float, default=3.0, help="to face the camera")
    parser.add_argument(
        "--identity-s",
        type=float,
        default=20.0,
        help="operator checks/types the identity (roster pre-filled)",
    )
    parser.add_argument("--consent-s", type=float, default=15.0, help="notice shown, consent")
    parser.add_argument("--sign-s", type=float, default=6.0, help="the applicant signs")
    parser.add_argument("--review-s", type=float, default=8.0, help="operator reviews")
    parser.add_argument("--tap-s", type=float, default=0.5, help="each tap")
    args = parser.parse_args()
    people = People(
        args.place_s,
        args.lift_s,
        args.face_s,
        args.identity_s,
        args.consent_s,
        args.sign_s,
        args.review_s,
        args.tap_s,
    )
    data = tempfile.mkdtemp(prefix="bench-school-day-")
    server, base, ca = start_station(data, people)
    students: list[Student] = []
    try:
        with httpx.Client(base_url=base, timeout=120, verify=ca) as client:
            visit_id = log_in(client)
            sig = signature_png()
            for n in range(args.students):
                students.append(enroll(client, visit_id, n, sig, people))
                s = students[-1]
                print(
                    f"student {n + 1}: station {s.station_wait_s:.1f} s, fingers "
                    f"{s.fingers_s:.1f} s (waited for a finger {s.waited_for_finger_s:.1f} s),"
                    f" photo {s.photo_s:.2f} s, commit {s.commit_s:.2f} s, {s.taps} taps",
                    flush=True,
                )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)

    def median(values: list[float]) -> float:
        return statistics.median(values)

    wait = median([s.station_wait_s for s in students])
    fingers = median([s.fingers_s for s in students])
    taps = median([float(s.taps) for s in students])
    seconds = median(
        [s.requests_s + s.fingers_s + people.outside_station_s(s.taps) for s in students]
    )
    print(
        f"{len(students)} students, data in {data}; people modelled: {people}; "
        f"photo_s={median([s.photo_s for s in students]):.2f} "
        f"commit_s={median([s.commit_s for s in students]):.2f}"
    )
    print(
        f"station_wait_s_per_student={wait:.1f} fingers_s_per_student={fingers:.1f} "
        f"taps_per_student={taps:.0f} seconds_per_student={seconds:.1f} "
        f"students_per_hour={3600 / seconds:.1f}"
    )


if __name__ == "__main__":
    main()
