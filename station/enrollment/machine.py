"""The order of an enrollment, enforced on the station.

The tablet only asks; this machine decides. An event that is not allowed in the current
state raises `TransitionNotAllowed`, which the controller turns into a 409 that changes
nothing."""

from __future__ import annotations

from typing import Any

from statemachine import State, StateMachine

CAPTURE_STEPS = ("photo", "fingerprints", "signature")


class EnrollmentMachine(StateMachine):
    idle = State("Idle", initial=True)
    identity = State("Identity")
    consent = State("Consent")
    photo = State("Photo")
    fingerprints = State("Fingerprints")
    signature = State("Signature")
    review = State("Review")
    committed = State("Committed (receipt printing)")
    fault = State("Fault")

    start = idle.to(identity)
    identity_done = identity.to(consent)
    consent_given = consent.to(photo)
    photo_done = photo.to(fingerprints)
    fingerprints_done = fingerprints.to(signature)
    signature_done = signature.to(review)
    commit = review.to(committed)
    next_student = committed.to(idle)
    device_failed = photo.to(fault) | fingerprints.to(fault) | signature.to(fault)
    # A fault returns to the capture step it interrupted; `step` names it.
    resume = (
        fault.to(photo, cond="resumes_photo")
        | fault.to(fingerprints, cond="resumes_fingerprints")
        | fault.to(signature, cond="resumes_signature")
    )
    cancel = (
        identity.to(idle)
        | consent.to(idle)
        | photo.to(idle)
        | fingerprints.to(idle)
        | signature.to(idle)
        | review.to(idle)
        | fault.to(idle)
    )

    def __init__(self, start_value: str | None = None, **kwargs: Any) -> None:
        self.interrupted_step: str | None = None
        super().__init__(start_value=start_value, **kwargs)

    def before_device_failed(self, source: State) -> None:
        self.interrupted_step = source.id

    def resumes_photo(self) -> bool:
        return self.interrupted_step == "photo"

    def resumes_fingerprints(self) -> bool:
        return self.interrupted_step == "fingerprints"

    def resumes_signature(self) -> bool:
        return self.interrupted_step == "signature"

    @property
    def step(self) -> str:
        return str(self.current_state_value)
