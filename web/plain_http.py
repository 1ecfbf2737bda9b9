"""The station's plain-HTTP side: nothing but a redirect to HTTPS and, for a tablet that
does not trust the station yet, the setup page and the CA certificate to install.

No PIN, token or personal data ever crosses it: every other request is answered with a
redirect before its body is read. Redirects go only to the station's own names, so the
page cannot be used to send a tablet elsewhere."""

from __future__ import annotations

import html

import qrcode
import qrcode.image.svg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from peripherals.device import Text
from station.messages import (
    OPEN_THE_STATION_BY_ITS_ADDRESS,
    SETUP_ANDROID_STEPS,
    SETUP_CHECK_FINGERPRINT,
    SETUP_DOWNLOAD,
    SETUP_PAGE_TITLE,
    SETUP_THEN_OPEN,
    SETUP_WHY,
    setup_heading,
)
from station.system.tls_ca import StationTls

CA_MEDIA_TYPE = "application/x-x509-ca-cert"


def _host(request: Request) -> str:
    host = request.headers.get("host", "")
    if host.startswith("["):  # [IPv6]:port
        return host[1 : host.find("]")]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: bytes = image.to_string()
    return svg.decode("utf-8")


def create_plain_app(
    tls: StationTls, *, station_id: str, names: list[str], port: int, tls_port: int
) -> Starlette:
    def secure_url(host: str, path: str = "/") -> str:
        shown = f"[{host}]" if ":" in host else host
        suffix = "" if tls_port == 443 else f":{tls_port}"
        return f"https://{shown}{suffix}{path}"

    def plain_url(host: str, path: str) -> str:
        shown = f"[{host}]" if ":" in host else host
        suffix = "" if port == 80 else f":{port}"
        return f"http://{shown}{suffix}{path}"

    def known(request: Request) -> str | None:
        host = _host(request)
        return host if host in names else None

    async def ca_cert(request: Request) -> Response:
        return Response(
            tls.ca_cert.read_bytes(),
            media_type=CA_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="ektp-{station_id}-ca.crt"'},
        )

    async def setup(request: Request) -> Response:
        host = known(request) or names[0]
        download = plain_url(host, "/ca.crt")
        station = secure_url(host)
        page = SETUP_PAGE.format(
            title=_words(SETUP_PAGE_TITLE),
            heading=_words(setup_heading(station_id)),
            why=_words(SETUP_WHY),
            download_words=_words(SETUP_DOWNLOAD),
            android_steps=_words(SETUP_ANDROID_STEPS),
            check_fingerprint=_words(SETUP_CHECK_FINGERPRINT),
            then_open=_words(SETUP_THEN_OPEN),
            fingerprint=html.escape(tls.fingerprint()),
            download=html.escape(download),
            station=html.escape(station),
            qr=_qr_svg(download),
        )
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def redirect(request: Request) -> Response:
        host = known(request)
        if host is None:
            return PlainTextResponse(
                f"{OPEN_THE_STATION_BY_ITS_ADDRESS.one_line}: "
                + ", ".join(secure_url(n) for n in names),
                status_code=421,
            )
        target = secure_url(host, request.url.path)
        if request.url.query:
            target += "?" + request.url.query
        # 308 keeps the method; a tablet that posts here has its body refused unread.
        return RedirectResponse(target, status_code=308)

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return Starlette(
        routes=[
            Route("/ca.crt", ca_cert, methods=["GET", "HEAD"]),
            Route("/setup", setup, methods=["GET", "HEAD"]),
            Route("/{path:path}", redirect, methods=methods),
        ]
    )


# The page's words come from the catalogue (station/messages.py), each "Bahasa / English".
SETUP_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 18px/1.5 system-ui, sans-serif; margin: 1.5rem; max-width: 46rem; color: #111; }}
code {{ font-size: 15px; word-break: break-all; }}
.qr svg {{ width: 220px; height: 220px; }}
a.button {{ display: inline-block; padding: .8rem 1.4rem; background: #0b3d91; color: #fff;
  border-radius: 6px; text-decoration: none; min-height: 48px; box-sizing: border-box; }}
</style></head><body><main>
<h1>{heading}</h1>
<p>{why}</p>
<ol>
<li>{download_words}:
<a class="button" href="{download}">ca.crt</a>
<div class="qr" role="img" aria-label="QR: {download}">{qr}</div></li>
<li>{android_steps}</li>
<li>{check_fingerprint}:<br><code>{fingerprint}</code></li>
<li>{then_open}: <a href="{station}">{station}</a></li>
</ol>
</main></body></html>
"""


def _words(text: Text) -> str:
    return html.escape(text.one_line)
