"""Serving the station: the API and tablet page over TLS, and beside it a plain-HTTP
server that only redirects (and offers the CA certificate to install), in one process
and one event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn

from station.config import StationConfig
from station.runtime import Station
from station.system.tls_ca import StationTls
from web.app import create_app
from web.plain_http import create_plain_app


class _Companion(uvicorn.Server):
    """The redirect server: stops when the main server stops, so it leaves the signals
    to the main one (uvicorn lets only one server own SIGINT/SIGTERM)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_both(main: uvicorn.Server, plain: _Companion) -> None:
    companion = asyncio.create_task(plain.serve())
    try:
        await main.serve()
    finally:
        plain.should_exit = True
        await companion


def serve(station: Station, config: StationConfig, tls: StationTls) -> None:
    server = config.server
    # Live preview streams never end by themselves: on stop, give requests a moment to
    # finish, then close what is left (a watching tablet must not hold up a restart).
    main = uvicorn.Server(
        uvicorn.Config(
            create_app(station),
            host=server.host,
            port=server.tls_port,
            log_level=config.log_level,
            timeout_graceful_shutdown=3,
            ssl_certfile=str(tls.cert),
            ssl_keyfile=str(tls.key),
        )
    )
    plain = _Companion(
        uvicorn.Config(
            create_plain_app(
                tls,
                station_id=config.station.id,
                names=list(server.tls_names),
                port=server.port,
                tls_port=server.tls_port,
            ),
            host=server.host,
            port=server.port,
            log_level=config.log_level,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
    )
    # uvicorn re-raises the signal that stopped it once it is done; a stop asked for
    # with Ctrl-C is a clean exit, as with `uvicorn.run`.
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_both(main, plain))
