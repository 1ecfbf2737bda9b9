"""The figures a team reports for a visit and for a day, computed from committed
enrollments; CSV export and the plain-text day summary for the receipt printer."""

from __future__ import annotations

import csv
import io
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from html import escape
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from station.domain.election import Cutoff
from station.messages import ENROLLMENTS_PER_HOUR
from station.settings_section import Section


class IkdAnswer(StrEnum):
    ACTIVATED_HERE = "activated_here"
    WILL_ACTIVATE = "will_activate"
    DECLINED = "declined"


class ReportSettings(Section):
    timezone: str = Field(
        default="Asia/Jakarta",
        description="Days, hours and ages are counted here (WIB), whatever the OS clock's zone.",
    )
    ikd_target_rate: float = Field(default=0.25, ge=0, le=1, description="IKD activation target.")
    ikd_denominator: Literal["recorded", "fixed"] = Field(
        default="recorded",
        description="'recorded': people recorded in the report's scope; 'fixed': "
        "ikd_denominator_value (e.g. people obliged to hold a KTP-el).",
    )
    ikd_denominator_value: int | None = Field(default=None, ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Jakarta)") from None
        return value

    @model_validator(mode="after")
    def _fixed_needs_value(self) -> ReportSettings:
        if self.ikd_denominator == "fixed" and self.ikd_denominator_value is None:
            raise ValueError("ikd_denominator = 'fixed' needs ikd_denominator_value")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def today(self) -> date:
        """The date where the station works (a Pi's clock often runs in UTC: before 07:00
        WIB that is still yesterday, which would shift ages on birthdays and days' counts)."""
        return datetime.now(self.zone).date()


@dataclass(frozen=True)
class EnrollmentFacts:
    """What the reports need from one committed enrollment (no personal data)."""

    committed_at: datetime  # timezone-aware
    sex: str | None  # "L" / "P"
    class_name: str | None
    first_time_voter: bool
    finger_exceptions: int  # fingers skipped with a reason
    duplicate_warned: bool
    receipt_printed: bool
    ikd: IkdAnswer | None
    kk_checked: bool | None
    card_from: date | None = None  # when the card may be printed (17 or married)


@dataclass
class Report:
    title: str  # "Kunjungan SMAN 1 Bangil 2026-11-28" / "Hari 2026-11-28"
    recorded: int = 0
    first_time_voters: int | None = 0  # None: the election cutoff has passed
    by_sex: dict[str, int] = field(default_factory=dict)
    by_class: dict[str, int] = field(default_factory=dict)
    with_finger_exceptions: int = 0
    finger_exceptions: int = 0
    duplicates_warned: int = 0
    receipts_printed: int = 0
    kk_checked: int = 0
    ikd: dict[str, int] = field(default_factory=dict)
    ikd_denominator: int = 0
    ikd_rate: float | None = None
    ikd_target_rate: float = 0.25
    per_hour: list[tuple[str, int]] = field(default_factory=list)  # ("08:00", n) local time
    cards_now: int = 0  # recorded students whose card may be printed today
    cards_later: list[tuple[date, int]] = field(default_factory=list)  # (from, n), by date
    cutoff: Cutoff | None = None

    @property
    def cards_later_total(self) -> int:
        return sum(n for _, n in self.cards_later)

    @property
    def ikd_target_met(self) -> bool | None:
        return None if self.ikd_rate is None else self.ikd_rate >= self.ikd_target_rate

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "recorded": self.recorded,
            "first_time_voters": self.first_time_voters,
            "by_sex": self.by_sex,
            "by_class": self.by_class,
            "with_finger_exceptions": self.with_finger_exceptions,
            "finger_exceptions": self.finger_exceptions,
            "duplicates_warned": self.duplicates_warned,
            "receipts_printed": self.receipts_printed,
            "kk_checked": self.kk_checked,
            "ikd": {
                **self.ikd,
                "denominator": self.ikd_denominator,
                "rate": self.ikd_rate,
                "target_rate": self.ikd_target_rate,
                "target_met": self.ikd_target_met,
            },
            "per_hour": [{"hour": h, "count": n} for h, n in self.per_hour],
            "cards": {
                "now": self.cards_now,
                "later": self.cards_later_total,
                "later_by_date": [{"from": d.isoformat(), "count": n} for d, n in self.cards_later],
            },
            "cutoff": None if self.cutoff is None else self.cutoff.as_json(),
        }


def build_report(
    title: str,
    enrollments: Iterable[EnrollmentFacts],
    settings: ReportSettings | None = None,
    cutoff: Cutoff | None = None,
) -> Report:
    s = settings or ReportSettings()
    facts = list(enrollments)
    report = Report(
        title=title, recorded=len(facts), ikd_target_rate=s.ikd_target_rate, cutoff=cutoff
    )
    today = s.today()
    later: Counter[date] = Counter()
    voters = 0
    sex: Counter[str] = Counter({"L": 0, "P": 0})
    classes: Counter[str] = Counter()
    ikd: Counter[str] = Counter({a.value: 0 for a in IkdAnswer} | {"unanswered": 0})
    hours: Counter[int] = Counter()
    for f in facts:
        voters += f.first_time_voter
        sex[f.sex or "unknown"] += 1
        classes[f.class_name or "-"] += 1
        report.with_finger_exceptions += f.finger_exceptions > 0
        report.finger_exceptions += f.finger_exceptions
        report.duplicates_warned += f.duplicate_warned
        report.receipts_printed += f.receipt_printed
        report.kk_checked += bool(f.kk_checked)
        ikd[f.ikd.value if f.ikd else "unanswered"] += 1
        hours[f.committed_at.astimezone(s.zone).hour] += 1
        if f.card_from is None or f.card_from <= today:
            report.cards_now += 1
        else:
            later[f.card_from] += 1
    report.cards_later = sorted(later.items())
    report.first_time_voters = None if cutoff is not None and cutoff.stale else voters
    report.by_sex = dict(sex)
    report.by_class = dict(sorted(classes.items()))
    report.ikd = dict(ikd)
    report.ikd_denominator = (
        report.recorded if s.ikd_denominator == "recorded" else s.ikd_denominator_value or 0
    )
    if report.ikd_denominator:
        report.ikd_rate = round(ikd[IkdAnswer.ACTIVATED_HERE.value] / report.ikd_denominator, 4)
    if hours:
        # Every hour from the first to the last, zeros included: the chart shows the gaps.
        report.per_hour = [(f"{h:02d}:00", hours[h]) for h in range(min(hours), max(hours) + 1)]
    return report


# A cell a spreadsheet would run as a formula (a school named "=HYPERLINK(...)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """Text that a spreadsheet would take for a formula, prefixed with ' (shown as text)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])


def report_csv(report: Report) -> str:
    """One `figure,value` line per figure: opens in any spreadsheet."""
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(["figure", "value"])
    writer.writerow(["title", report.title])
    for key in (
        "recorded",
        "first_time_voters",
        "with_finger_exceptions",
        "finger_exceptions",
        "duplicates_warned",
        "receipts_printed",
        "kk_checked",
        "cards_now",
        "cards_later_total",
    ):
        value = getattr(report, key)
        writer.writerow([key, "" if value is None else value])
    for day, n in report.cards_later:
        writer.writerow([f"cards_later.{day.isoformat()}", n])
    if report.cutoff is not None:
        writer.writerow(["cutoff.date", report.cutoff.day.isoformat()])
        writer.writerow(["cutoff.official", report.cutoff.official])
        writer.writerow(["cutoff.source", report.cutoff.source])
        warning = report.cutoff.warning
        writer.writerow(["cutoff.warning", "" if warning is None else warning.en])
    for sex, n in report.by_sex.items():
        writer.writerow([f"sex.{sex}", n])
    for cls, n in report.by_class.items():
        writer.writerow([f"class.{cls}", n])
    for answer, n in report.ikd.items():
        writer.writerow([f"ikd.{answer}", n])
    writer.writerow(["ikd.denominator", report.ikd_denominator])
    writer.writerow(["ikd.rate", "" if report.ikd_rate is None else report.ikd_rate])
    writer.writerow(["ikd.target_rate", report.ikd_target_rate])
    for hour, n in report.per_hour:
        writer.writerow([f"hour.{hour}", n])
    return out.getvalue()


def day_summary_text(report: Report, width: int = 32) -> str:
    """The summary for the thermal printer: plain ASCII, `width` characters a line
    (32 on 58 mm paper, 48 on 80 mm), labels in Bahasa Indonesia as the team reads them."""

    def row(label: str, value: object) -> str:
        value_text = str(value)
        return f"{label[: width - len(value_text) - 1]:<{width - len(value_text)}}{value_text}"

    rate = "-" if report.ikd_rate is None else f"{report.ikd_rate:.0%}"
    voters = "-" if report.first_time_voters is None else report.first_time_voters
    lines = [
        "REKAP PEREKAMAN KTP-el".center(width),
        report.title[:width].center(width),
        "-" * width,
        row("Direkam", report.recorded),
        *_cutoff_lines(report.cutoff, width, row),
        row("Pemilih pemula", voters),
        row("Laki-laki", report.by_sex.get("L", 0)),
        row("Perempuan", report.by_sex.get("P", 0)),
        *(row(f" Kelas {c}", n) for c, n in report.by_class.items()),
        row("Pengecualian jari (org)", report.with_finger_exceptions),
        row("Peringatan duplikat", report.duplicates_warned),
        row("Tanda terima dicetak", report.receipts_printed),
        row("KTP-el bisa dicetak kini", report.cards_now),
        row("KTP-el dicetak nanti", report.cards_later_total),
        *(row(f" mulai {d:%d-%m-%Y}", n) for d, n in report.cards_later),
        row("KK diperiksa", report.kk_checked),
        row("IKD aktif di sini", report.ikd.get(IkdAnswer.ACTIVATED_HERE.value, 0)),
        row("IKD akan aktivasi", report.ikd.get(IkdAnswer.WILL_ACTIVATE.value, 0)),
        row("IKD menolak", report.ikd.get(IkdAnswer.DECLINED.value, 0)),
        row(f"IKD capaian/target {report.ikd_target_rate:.0%}", rate),
        "-" * width,
        *(row(f"Jam {h}", n) for h, n in report.per_hour),
        "-" * width,
        "Bukan Surat Keterangan (Suket)".center(width),
    ]
    return "\n".join(lines) + "\n"


def _cutoff_lines(
    cutoff: Cutoff | None, width: int, row: Callable[[str, object], str]
) -> list[str]:
    if cutoff is None:
        return []
    estimate = "" if cutoff.official else " (perkiraan)"
    lines = [row("Pemilu" + estimate, f"{cutoff.day:%d-%m-%Y}")]
    if cutoff.stale:
        lines += textwrap.wrap("! " + cutoff.warning_short, width)
    return lines


def per_hour_svg(report: Report, width: int = 480, height: int = 200) -> str:
    """Enrollments per hour as a bar chart the tablet can show as an <img> (no JS)."""
    top, bottom, left = 20, 24, 8
    bars = report.per_hour or [("--:--", 0)]
    most = max(n for _, n in bars) or 1
    slot = (width - 2 * left) / len(bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f"<title>{ENROLLMENTS_PER_HOUR.one_line}: {escape(report.title)}</title>",
    ]
    for i, (hour, n) in enumerate(bars):
        h = (height - top - bottom) * n / most
        x = left + i * slot
        y = height - bottom - h
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="#2b6cb0"><title>{hour} {n}</title></rect>'
        )
        cx = x + slot / 2
        parts.append(f'<text x="{cx:.1f}" y="{y - 4:.1f}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{height - 8}" text-anchor="middle">{hour[:2]}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
