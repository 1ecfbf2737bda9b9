"""Report figures from a seeded set of enrollments (pure computation; the HTTP path is
tested with the station)."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from pydantic import ValidationError

from station.domain.reports import (
    EnrollmentFacts,
    IkdAnswer,
    ReportSettings,
    build_report,
    day_summary_text,
    per_hour_svg,
    report_csv,
)


def facts(hour_utc: int, minute: int = 0, **kw: object) -> EnrollmentFacts:
    base: dict[str, object] = dict(
        committed_at=datetime(2026, 11, 28, hour_utc, minute, tzinfo=UTC),
        sex="L", class_name="XII-1", first_time_voter=False, finger_exceptions=0,
        duplicate_warned=False, receipt_printed=True, ikd=None, kk_checked=True,
    )
    base.update(kw)
    return EnrollmentFacts(**base)  # type: ignore[arg-type]


SEEDED = [
    facts(1, 5, first_time_voter=True, ikd=IkdAnswer.ACTIVATED_HERE),  # 08:05 WIB
    facts(1, 40, sex="P", first_time_voter=True, ikd=IkdAnswer.DECLINED),
    facts(3, 10, sex="P", class_name="XII-2", finger_exceptions=2, duplicate_warned=True,
          receipt_printed=False, ikd=IkdAnswer.WILL_ACTIVATE, kk_checked=False),  # 10:10 WIB
    facts(3, 50, sex="P", class_name="XII-2", first_time_voter=True,
          ikd=IkdAnswer.ACTIVATED_HERE),
]


def test_figures_from_a_seeded_visit() -> None:
    r = build_report("SMAN 1 Bangil", SEEDED)
    assert r.recorded == 4 and r.first_time_voters == 3
    assert r.by_sex == {"L": 1, "P": 3}
    assert r.by_class == {"XII-1": 2, "XII-2": 2}
    assert (r.with_finger_exceptions, r.finger_exceptions) == (1, 2)
    assert r.duplicates_warned == 1 and r.receipts_printed == 3 and r.kk_checked == 3
    assert r.ikd == {"activated_here": 2, "will_activate": 1, "declined": 1, "unanswered": 0}
    assert r.ikd_denominator == 4 and r.ikd_rate == 0.5 and r.ikd_target_met is True
    # Local time (WIB, UTC+7), the empty 09:00 hour included for the chart.
    assert r.per_hour == [("08:00", 2), ("09:00", 0), ("10:00", 2)]


def test_fixed_denominator_and_target() -> None:
    settings = ReportSettings(ikd_denominator="fixed", ikd_denominator_value=40,
                              ikd_target_rate=0.3)
    r = build_report("Hari 2026-11-28", SEEDED, settings)
    assert r.ikd_denominator == 40 and r.ikd_rate == 0.05 and r.ikd_target_met is False
    assert r.as_json()["ikd"]["target_rate"] == 0.3  # type: ignore[index]


def test_fixed_denominator_needs_its_value() -> None:
    with pytest.raises(ValidationError):
        ReportSettings(ikd_denominator="fixed")


def test_empty_report_has_no_rate() -> None:
    r = build_report("kosong", [])
    assert r.recorded == 0 and r.ikd_rate is None and r.ikd_target_met is None
    assert r.per_hour == [] and r.by_sex == {"L": 0, "P": 0}


def test_csv_export_lists_every_figure() -> None:
    text = report_csv(build_report("SMAN 1 Bangil", SEEDED))
    rows = dict(line.split(",", 1) for line in text.strip().splitlines())
    assert rows["recorded"] == "4" and rows["first_time_voters"] == "3"
    assert rows["sex.P"] == "3" and rows["class.XII-2"] == "2"
    assert rows["ikd.activated_here"] == "2" and rows["ikd.rate"] == "0.5"
    assert rows["hour.09:00"] == "0"


@pytest.mark.parametrize("width", [32, 48])
def test_day_summary_fits_the_paper(width: int) -> None:
    text = day_summary_text(build_report("Hari 2026-11-28", SEEDED), width=width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines)
    assert any(line.startswith("Direkam") and line.endswith("4") for line in lines)
    assert any(line.endswith("50%") for line in lines)
    assert "Bukan Surat Keterangan" in text


def test_per_hour_chart_is_an_svg_with_one_bar_per_hour() -> None:
    svg = per_hour_svg(build_report("SMAN 1 <Bangil>", SEEDED))
    root = ElementTree.fromstring(svg)  # well-formed, title escaped
    bars = root.findall("{http://www.w3.org/2000/svg}rect")
    assert [b.findtext("{http://www.w3.org/2000/svg}title") for b in bars] == [
        "08:00 2", "09:00 0", "10:00 2",
    ]
    assert float(bars[1].get("height", "-1")) == 0 < float(bars[0].get("height", "0"))
