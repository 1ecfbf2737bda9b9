"""The civil-registry rules at the enrollment's identity and consent steps.

The controller calls these before it moves the state machine: an error raises a
StationError (nothing changes), otherwise they return what to store with the step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import sqlite_utils

from peripherals.device import Text
from station.domain.consent import ConsentAnswers, consent_problems, is_minor
from station.domain.eligibility import Eligibility, MaritalStatus, assess
from station.domain.enrollment_facts import save_identity_facts
from station.domain.findings import Finding
from station.domain.nik import MISMATCH_CODES, NikResult, Sex, parse_nik
from station.domain.settings import DomainSettings
from station.errors import Conflict, Invalid, NotAllowed, StationError
from station.messages import CLOSING_AT_REVIEW, enrollment_driven_by, sentences
from station.store import audit
from station.store.db import Store


class IdentityAnswers(Protocol):
    """What the identity step submits (station.enrollment.forms.IdentityForm)."""

    @property
    def nik(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def sex(self) -> Sex: ...
    @property
    def marital_status(self) -> str: ...
    @property
    def school_class(self) -> str: ...
    @property
    def acknowledge_mismatch(self) -> bool: ...


def _joined(findings: list[Finding]) -> Text:
    return sentences(f.text for f in findings)


def _refuse(code: str, findings: list[Finding], kind: type[StationError]) -> StationError:
    return kind(code, _joined(findings))


def not_holder(operator_name: str) -> StationError:
    return NotAllowed(
        "not_holder",
        enrollment_driven_by(operator_name),
    )


@dataclass(frozen=True)
class IdentityCheck:
    nik: NikResult
    eligibility: Eligibility

    def as_json(self) -> dict[str, Any]:
        """Stored with the draft's identity and shown on the identity step."""
        nik = self.nik.as_json()
        return {
            "nik_check": {
                "warnings": nik["warnings"],
                "region_name": nik["region_name"],
                "province": nik["province"],
                "regency": nik["regency"],
                "district": nik["district"],
            },
            "eligibility": self.eligibility.as_json(),
        }


class RegistryFlow:
    def __init__(self, store: Store, settings: DomainSettings) -> None:
        self.store = store
        self.settings = settings

    def today(self) -> date:
        return self.settings.reports.today()

    def check_identity(self, form: IdentityAnswers, today: date) -> IdentityCheck:
        nik = parse_nik(form.nik, today=today, form_birth_date=form.birth_date, form_sex=form.sex)
        if nik.errors:
            raise _refuse("nik_invalid", nik.errors, Invalid)
        mismatches = [w for w in nik.warnings if w.code in MISMATCH_CODES]
        if mismatches and not form.acknowledge_mismatch:
            # Flagged for the operator to resolve: fix the form, or confirm against the KK
            # that the NIK really carries other data (a NIK is never reissued).
            raise _refuse("nik_mismatch", mismatches, Conflict)
        eligibility = assess(
            form.birth_date,
            today=today,
            marital_status=MaritalStatus(form.marital_status),
            settings=self.settings.eligibility,
        )
        if not eligibility.may_record:
            raise Invalid("not_eligible", eligibility.reason)
        return IdentityCheck(nik, eligibility)

    def save_identity(
        self,
        db: sqlite_utils.Database,
        enrollment_id: int,
        form: IdentityAnswers,
        check: IdentityCheck,
    ) -> None:
        """Inside the identity step's transaction. The school list's copy of the NIK is
        dropped now that the draft holds the one checked against the KK: a full NIK stays on
        the station only as long as an enrollment needs it."""
        db.execute(
            "UPDATE roster_students SET nik_sealed = NULL WHERE enrollment_id = ?", [enrollment_id]
        )
        save_identity_facts(
            db,
            enrollment_id,
            sex=form.sex,
            class_name=form.school_class,
            eligibility=check.eligibility,
            warnings=check.nik.warnings,
        )

    def check_consent(
        self, visit_id: int, birth_date: date, form: ConsentAnswers, today: date
    ) -> dict[str, Any]:
        """Raise when biometrics may not start; else what to store with the consent."""
        letter = self.letter(visit_id)
        problems = consent_problems(form, born=birth_date, today=today, visit_letter_ref=letter)
        if problems:
            raise _refuse(problems[0].code, problems, Invalid)
        minor = is_minor(birth_date, today)
        return {
            "minor": minor,
            "collective_letter_ref": letter if minor and form.collective_letter_ref else "",
        }

    def closing_target(
        self, step: str, draft: Any, last_committed: dict[str, Any] | None, operator_id: int
    ) -> int:
        """The enrollment the end-of-flow answers belong to: the draft under review (its
        operator only) or the one just committed, until the next student is started."""
        if step == "review" and draft is not None:
            if draft.operator_id != operator_id:
                raise not_holder(draft.operator_name)
            return int(draft.id)
        if step == "committed" and last_committed is not None:
            holder = last_committed.get("operator") or {}
            if holder and holder["id"] != operator_id:
                raise not_holder(holder["name"])
            return int(last_committed["enrollment_id"])
        raise Conflict("out_of_order", CLOSING_AT_REVIEW)

    # -- the visit's collective consent letter -------------------------------------------

    def letter(self, visit_id: int) -> str | None:
        with self.store.lock:
            row = self.store.db.execute(
                "SELECT reference FROM visit_consent_letters WHERE visit_id = ?", [visit_id]
            ).fetchone()
        return str(row[0]) if row else None

    def set_letter(self, visit_id: int, reference: str, operator_id: int) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO visit_consent_letters (visit_id, reference, recorded_by,"
                " recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (visit_id) DO UPDATE SET"
                " reference = excluded.reference, recorded_by = excluded.recorded_by,"
                " recorded_at = excluded.recorded_at",
                [visit_id, " ".join(reference.split()), operator_id, audit.now_iso()],
            )
            audit.record(
                db,
                "consent_letter_recorded",
                operator_id=operator_id,
                detail={"visit_id": visit_id, "reference": reference},
            )
