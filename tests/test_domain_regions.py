"""The packaged Kemendagri lists: counts from the reference, names, retired codes."""

from __future__ import annotations

from importlib import resources

from station.domain.regions import Level, load_regions


def test_packaged_lists_have_the_reference_counts() -> None:
    current = [r for r in load_regions() if not r.retired]
    by_level = {lvl: sum(r.level is lvl for r in current) for lvl in Level}
    assert by_level == {Level.PROVINCE: 38, Level.REGENCY: 514, Level.DISTRICT: 7285}


def test_licence_ships_beside_the_data() -> None:
    licence = resources.files("station.domain").joinpath("data", "kode_wilayah_LICENSE.txt")
    assert "MIT License" in licence.read_text("utf-8")


def test_pasuruan_has_24_districts_purwodadi_to_tosari() -> None:
    regions = load_regions()
    districts = sorted(
        (r for r in regions if r.level is Level.DISTRICT and r.code.startswith("35.14.")),
        key=lambda r: r.code,
    )
    assert len(districts) == 24
    assert (districts[0].code, districts[0].name) == ("35.14.01", "Purwodadi")
    assert (districts[-1].code, districts[-1].name) == ("35.14.24", "Tosari")


def test_path_names_as_the_operator_types() -> None:
    regions = load_regions()
    assert regions.path_name("35") == "Jawa Timur"
    assert regions.path_name("3514") == "Jawa Timur / Kabupaten Pasuruan"
    assert regions.path_name("351414") == "Jawa Timur / Kabupaten Pasuruan / Bangil"
    assert regions.path_name("35.14.14") == regions.path_name("3514141402070001")
    assert regions.path_name("351499") == "Jawa Timur / Kabupaten Pasuruan / ?"


def test_retired_names_are_shown_like_current_ones() -> None:
    regions = load_regions()
    sorong = regions.get("9271")
    assert sorong is not None and sorong.retired and sorong.name == "Kota Sorong"
    assert regions.get("9112").name == "Kabupaten Pegunungan Bintang"  # type: ignore[union-attr]
    # The current code for the same regency is a different one.
    assert regions.get("9671").name == "Kota Sorong"  # type: ignore[union-attr]
    assert not regions.get("9671").retired  # type: ignore[union-attr]


def test_search_by_name_prefers_prefix_matches() -> None:
    hits = load_regions().search("pasuruan")
    assert {h.code for h in hits[:2]} == {"35.14", "35.75"}  # Kabupaten and Kota
    assert load_regions().search("bangil", level=Level.DISTRICT)[0].code == "35.14.14"
    assert all(not h.retired for h in load_regions().search("merauke"))
    assert load_regions().search("   ") == []
