"""The FastAPI application around one running Station."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from station.runtime import VERSION, Station
from web import errors
from web.openapi import document_errors
from web.routes import (
    auth,
    camera,
    enrollment,
    events,
    fingerprints,
    health,
    receipts,
    registry,
    reports,
    roster,
    simulator,
    technician,
    upload,
    visits,
)


def create_app(station: Station) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await station.start()
        try:
            yield
        finally:
            await station.stop()

    app = FastAPI(
        title="Stasiun Perekaman KTP-el",
        version=VERSION,
        description="JSON API of the mobile e-KTP recording station. Errors are"
        ' `{"error": {"code", "message": {"id", "en"}}}`. Events: websocket `/api/events`.',
        lifespan=lifespan,
    )
    app.state.station = station
    errors.install(app)
    routers = (health, auth, visits, enrollment, events, camera, registry, roster, reports,
               receipts, upload, technician, simulator)
    for module in (*routers, fingerprints):
        document_errors(module.router)
        app.include_router(module.router)
    static = resources.files("web") / "static"
    app.mount("/", StaticFiles(directory=str(static), html=True), name="tablet")
    return app
