"""What the operator types: the identity and consent forms, validated on the station."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from station.domain.nik import normalize
from station.plain_text import PlainText


class IdentityForm(BaseModel):
    name: PlainText = Field(min_length=1, max_length=120)
    nik: str = Field(max_length=40)
    birth_date: date
    sex: Literal["L", "P"]  # laki-laki / perempuan, as on the KTP
    birth_place: PlainText = Field("", max_length=80)
    marital_status: Literal["belum_kawin", "kawin", "cerai_hidup", "cerai_mati"] = "belum_kawin"
    school_class: PlainText = Field("", max_length=20)
    nisn: PlainText = Field("", max_length=10)
    # The operator confirmed against the KK that the NIK's birth date/sex differ from the form.
    acknowledge_mismatch: bool = False

    @field_validator("name")
    @classmethod
    def _name_trimmed(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("name is empty")
        return value

    @field_validator("nik")
    @classmethod
    def _nik_separators(cls, value: str) -> str:
        # Only separators are dropped here: a letter O or a missing digit is refused by
        # the identity step's NIK check (`nik_invalid`), with the same message as the live
        # check, not buried in a generic "invalid input".
        return normalize(value)


class ConsentForm(BaseModel):
    applicant_agrees: bool
    notice_shown: bool
    guardian_name: PlainText = Field("", max_length=120)
    guardian_relation: PlainText = Field("", max_length=40)
    collective_letter_ref: PlainText = Field("", max_length=80)
