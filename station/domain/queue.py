"""The roster queue of a school visit, and the answers recorded at the end of each
enrollment (KK checked, IKD activation)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from peripherals.device import Text
from station.domain.eligibility import EligibilitySettings, assess
from station.domain.findings import Finding
from station.domain.reports import IkdAnswer
from station.domain.roster import Student
from station.messages import student_cannot_move


class QueueStatus(StrEnum):
    WAITING = "waiting"  # "next" on the tablet: not yet called
    IN_PROGRESS = "in_progress"  # picked; an enrollment draft is open for this student
    DONE = "done"
    ABSENT = "absent"
    INELIGIBLE = "ineligible"
    FOLLOW_UP = "follow_up"  # needs something (KK missing, NIK mismatch...): see the note


# Which moves the operator may make; DONE comes only from a committed enrollment and
# IN_PROGRESS only from picking, both done by the station, not by a status change.
_OPERATOR_MOVES: dict[QueueStatus, frozenset[QueueStatus]] = {
    QueueStatus.WAITING: frozenset(
        {QueueStatus.ABSENT, QueueStatus.INELIGIBLE, QueueStatus.FOLLOW_UP}
    ),
    QueueStatus.ABSENT: frozenset({QueueStatus.WAITING, QueueStatus.FOLLOW_UP}),
    QueueStatus.INELIGIBLE: frozenset({QueueStatus.WAITING, QueueStatus.FOLLOW_UP}),
    QueueStatus.FOLLOW_UP: frozenset(
        {QueueStatus.WAITING, QueueStatus.ABSENT, QueueStatus.INELIGIBLE}
    ),
    QueueStatus.IN_PROGRESS: frozenset({QueueStatus.FOLLOW_UP}),
    QueueStatus.DONE: frozenset(),
}
PICKABLE = frozenset({QueueStatus.WAITING, QueueStatus.FOLLOW_UP, QueueStatus.ABSENT})


def check_move(current: QueueStatus, new: QueueStatus) -> Finding | None:
    """None when the operator may move a student from `current` to `new`."""
    if new in _OPERATOR_MOVES[current]:
        return None
    return Finding(
        "queue_move",
        student_cannot_move(current.value, new.value),
    )


def initial_status(
    student: Student, *, today: dt.date, settings: EligibilitySettings | None = None
) -> tuple[QueueStatus, Text | None]:
    """Status right after import: students too young by the roster's birth date are marked
    ineligible with the reason (the operator can put them back: the list may be wrong)."""
    if student.birth_date is None:
        return QueueStatus.WAITING, None
    verdict = assess(student.birth_date, today=today, settings=settings)
    if verdict.may_record:
        return QueueStatus.WAITING, None
    return QueueStatus.INELIGIBLE, verdict.reason


def identity_prefill(student: Student) -> dict[str, object]:
    """What picking a student puts into the identity step (the operator still checks it
    against the KK)."""
    return {
        "name": student.name,
        "nik": student.nik,
        "birth_date": student.birth_date.isoformat() if student.birth_date else None,
        "sex": student.sex,
        "school_class": student.class_name,
        "nisn": student.nisn,
        "birth_place": student.birth_place or "",
    }


class Closing(BaseModel):
    """The answers at the end of the flow, sent with the commit. Both are required:
    "unanswered" is a choice the operator makes, never a default, so the IKD figures
    count only what was asked."""

    kk_checked: bool
    ikd: IkdAnswer | Literal["unanswered"]

    @property
    def ikd_answer(self) -> IkdAnswer | None:
        return None if self.ikd == "unanswered" else IkdAnswer(self.ikd)
