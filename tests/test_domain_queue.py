"""Queue moves, roster status at import and the identity prefill."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from station.domain.queue import (
    Closing,
    QueueStatus,
    check_move,
    identity_prefill,
    initial_status,
)
from station.domain.roster import Student

TODAY = date(2026, 11, 28)


def test_queue_moves() -> None:
    assert check_move(QueueStatus.WAITING, QueueStatus.ABSENT) is None
    assert check_move(QueueStatus.ABSENT, QueueStatus.WAITING) is None
    assert check_move(QueueStatus.IN_PROGRESS, QueueStatus.FOLLOW_UP) is None
    refused = check_move(QueueStatus.DONE, QueueStatus.WAITING)
    assert refused is not None and refused.code == "queue_move"
    # DONE only comes from a committed enrollment.
    assert check_move(QueueStatus.WAITING, QueueStatus.DONE) is not None


def test_too_young_students_are_marked_ineligible_at_import() -> None:
    young = Student(line=2, name="Ani", birth_date=date(2011, 1, 1))
    status, reason = initial_status(young, today=TODAY)
    assert status is QueueStatus.INELIGIBLE and reason is not None and "16" in reason.en
    ok = Student(line=3, name="Budi", birth_date=date(2009, 1, 1))
    assert initial_status(ok, today=TODAY) == (QueueStatus.WAITING, None)
    unknown = Student(line=4, name="Citra")
    assert initial_status(unknown, today=TODAY) == (QueueStatus.WAITING, None)


def test_identity_prefill_from_a_roster_row() -> None:
    s = Student(line=2, name="Ani", class_name="XII-1", birth_date=date(2008, 3, 1), sex="P",
                nisn="0081234567", nik="3514144103080001", birth_place="Pasuruan")
    assert identity_prefill(s) == {
        "name": "Ani", "nik": "3514144103080001", "birth_date": "2008-03-01", "sex": "P",
        "school_class": "XII-1", "nisn": "0081234567", "birth_place": "Pasuruan",
    }


def test_closing_answers() -> None:
    assert Closing.model_validate({"kk_checked": True, "ikd": "declined"}).ikd.value == "declined"
    with pytest.raises(ValidationError):
        Closing.model_validate({"kk_checked": True, "ikd": "maybe"})
