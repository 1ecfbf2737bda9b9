"""PINs and tokens never cross the Wi-Fi in clear (issue 14 item 11): the tablet page and
the API are served over TLS by the station's own CA, which a tablet trusts once from the
setup page; plain HTTP only redirects and serves that CA certificate. Real Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import require_tool
from tests.support.station_process import LiveStation
from tests.ui.conftest import CHROMIUM_ARGS, shot
from tests.ui.test_tablet import check_accessibility, log_in


def test_the_trusted_station_loads_over_https_and_logs_in(
    page: Any, live_station: LiveStation
) -> None:
    log_in(page, live_station)  # PIN pad, login, websocket: all over TLS
    assert page.evaluate("location.protocol") == "https:"
    assert page.evaluate("window.isSecureContext") is True


def test_plain_http_redirects_to_https_in_the_browser(page: Any, live_station: LiveStation) -> None:
    page.goto(live_station.plain_url + "/?lang=en")
    assert page.url == live_station.url + "/?lang=en"
    page.wait_for_selector("#login-operator")


def test_plain_http_takes_no_pin(live_station: LiveStation) -> None:
    login = {"operator": "operator1", "pin": "123456"}
    answer = httpx.post(live_station.plain_url + "/api/auth/login", json=login)
    assert answer.status_code == 308
    assert answer.headers["location"] == live_station.url + "/api/auth/login"
    assert "token" not in answer.text
    elsewhere = httpx.get(live_station.plain_url + "/", headers={"Host": "evil.example"})
    assert elsewhere.status_code == 421  # never a redirect to a host that is not the station


def test_setup_page_serves_the_ca_with_its_fingerprint(
    page: Any, live_station: LiveStation
) -> None:
    ca = Path(os.environ["SSL_CERT_FILE"]).read_bytes()
    download = httpx.get(live_station.plain_url + "/ca.crt")
    assert download.status_code == 200 and download.content == ca
    assert download.headers["content-type"] == "application/x-x509-ca-cert"
    page.goto(live_station.plain_url + "/setup")
    assert page.url == live_station.plain_url + "/setup"  # reachable before any trust
    assert page.locator(".qr svg").count() == 1
    # The words come from the catalogue, each in both languages, escaped into the page.
    assert page.title() == "Pasang sertifikat stasiun / Install the station certificate"
    assert page.locator("h1").inner_text().endswith(": install the certificate")
    assert "Enkripsi & kredensial" in page.locator("li").nth(1).inner_text()
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    digest = x509.load_pem_x509_certificate(ca).fingerprint(hashes.SHA256()).hex().upper()
    assert ":".join(digest[i : i + 2] for i in range(0, 64, 2)) in page.content()
    shot(page, "00-setup-certificate")
    check_accessibility(page, "certificate setup")


@pytest.fixture
def untrusting_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A tablet that has not installed the station's CA yet: its own empty trust store."""
    other = browser.browser_type.launch(
        executable_path=require_tool("chromium"), args=CHROMIUM_ARGS,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    yield other.new_page()
    other.close()


def test_a_tablet_without_the_ca_is_stopped(
    untrusting_page: Any, live_station: LiveStation
) -> None:
    with pytest.raises(Exception, match="ERR_CERT_AUTHORITY_INVALID"):
        untrusting_page.goto(live_station.url + "/")
