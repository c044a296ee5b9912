"""The application factory: the versioned API, its middleware and the static PWA."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from api.accounts.router import users_router
from api.agenda.router import page_router as dialogue_page_router
from api.agenda.router import router as agenda_router
from api.ballots.router import assisted_router as assisted_ballots_router
from api.ballots.router import dialogue_router as dialogue_changes_router
from api.ballots.router import router as ballots_router
from api.context.router import router as context_router
from api.core.config import API_BASE_PATH, API_VERSION, Settings, get_settings
from api.core.db import Writer, create_db_engine
from api.core.events import live_events_for
from api.core.middleware import BodySizeLimitMiddleware, ResponseHeadersMiddleware
from api.core.openapi import adr_openapi, operation_id
from api.core.problems import install_problem_handlers
from api.core.ratelimit import rate_limiter_for
from api.core.static import PwaStaticFiles
from api.dialogues.router import router as dialogues_router
from api.follow_up.router import router as follow_up_router
from api.ideas.router import router as ideas_router
from api.integrity.router import router as integrity_router
from api.municipalities.models import MAX_LOGO_BYTES
from api.municipalities.router import router as municipalities_router
from api.ops.metrics import Metrics, MetricsMiddleware
from api.ops.router import router as ops_router
from api.ops.service import migration_heads
from api.pledges.router import router as pledges_router
from api.regions.router import router as regions_router
from api.reports.router import router as reports_router
from api.results.refresher import ResultsRefresher
from api.results.router import router as results_router
from api.sessions.limits import RefusedCheckIns
from api.sessions.router import check_ins_router
from api.sessions.router import router as sessions_router
from api.staff.router import auth_router
from api.themes.router import router as themes_router
from api.venues.router import router as venues_router
from api.venues.router import venues_router as venue_objects_router

DESCRIPTION = """
Welvaartgesprek lets Dutch municipalities hold *brede welvaart* (broad wellbeing) dialogues
with residents at libraries, youth centres and community centres. Residents scan a QR code,
rank the dialogue's priorities and pledge what they will contribute; the municipality gets
the results per neighbourhood, with small groups always suppressed.

Errors are `application/problem+json` (RFC 9457); invalid input is a 400 that names each
field. Staff sign in with the OAuth2 password flow at `POST /auth/token`.
"""

OPENAPI_TAGS = [
    {"name": "Themes", "description": "The brede welvaart theme taxonomy."},
    {"name": "Staff sign-in", "description": "OAuth2 password flow for staff."},
    {"name": "Staff accounts", "description": "Admins, facilitators and analysts."},
    {"name": "Municipalities and neighbourhoods", "description": "Gemeenten, wijken, buurten."},
    {"name": "Venues", "description": "Libraries, youth centres, community centres."},
    {"name": "Dialogues", "description": "Rounds of the dialogue and their priorities."},
    {"name": "Sessions", "description": "A dialogue held at a venue: join code, QR, poster."},
    {"name": "Resident participation", "description": "Check-in, ballot and pledges."},
    {"name": "Results", "description": "Aggregates per group; small groups suppressed."},
    {
        "name": "Brede welvaart in context",
        "description": "The municipality's CBS photo and who took part.",
    },
    {"name": "Pledge follow-up", "description": "Coordinators reach residents who pledged."},
    {
        "name": "Agenda and report back",
        "description": "What the municipality does with the priorities, and tells residents.",
    },
]


def _telemetry(settings: Settings) -> TelemetryConfig:
    """FastAPI's OpenTelemetry, as the settings ask (exporters come from OTEL_* variables)."""
    if settings.opentelemetry:
        return {}
    return {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def _api_app(settings: Settings, metrics: Metrics) -> FastAPI:
    api = FastAPIOffline(
        telemetry=_telemetry(settings),
        title="Welvaartgesprek API",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        redirect_slashes=False,
        root_path_in_servers=False,
        generate_unique_id_function=operation_id,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    install_problem_handlers(api)
    api.add_middleware(MetricsMiddleware, metrics=metrics)
    documented = (
        themes_router,
        auth_router,
        users_router,
        municipalities_router,
        venues_router,
        venue_objects_router,
        dialogues_router,
        dialogue_changes_router,
        sessions_router,
        integrity_router,
        check_ins_router,
        ballots_router,
        assisted_ballots_router,
        pledges_router,
        follow_up_router,
        ideas_router,
        results_router,
        dialogue_page_router,
        context_router,
        regions_router,
        agenda_router,
        reports_router,
    )
    # Matched first: the residents' busiest routes (every router tried before costs each
    # request a match). None of them matches a path of a router that would have come first.
    matched_first = (ballots_router, pledges_router, check_ins_router)
    for router in (*matched_first, *(r for r in documented if r not in matched_first)):
        api.include_router(router)
    place = {id(router): index for index, router in enumerate(documented)}
    # The OpenAPI document keeps the order above (FastAPI keeps an included router as one
    # route, `original_router`; a route of the app itself sorts first, as it came first).
    documented_routes = sorted(
        api.router.routes,
        key=lambda route: place.get(id(getattr(route, "original_router", None)), -1),
    )

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = adr_openapi(
                api,
                routes=documented_routes,
                servers=[{"url": f"{settings.public_base_url or ''}{API_BASE_PATH}"}],
                contact={
                    "name": "Welvaartgesprek",
                    "url": "https://welvaartgesprek.nl",
                    "email": "api@welvaartgesprek.nl",
                },
                license_info={
                    "name": "EUPL-1.2",
                    "url": "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
                },
            )
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to replace the OpenAPI document
    return api


def _api_root() -> JSONResponse:
    return JSONResponse(
        {
            "name": "Welvaartgesprek API",
            "version": API_VERSION,
            "openapi": f"{API_BASE_PATH}/openapi.json",
            "docs": f"{API_BASE_PATH}/docs",
        }
    )


# The staff pages: one page (pwa/js/staff/page.html) whose address names the area it shows.
STAFF_AREAS = ("console", "dashboard", "workspace")


def _mount_pwa(app: FastAPI, pwa_dir: Path, *, minify: bool) -> None:
    index = pwa_dir / "index.html"

    def resident_app() -> FileResponse:
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    for path in ("/c", "/c/{join_code}"):
        app.add_api_route(path, resident_app, methods=["GET", "HEAD"], include_in_schema=False)

    def dialogue_page() -> FileResponse:
        return FileResponse(pwa_dir / "d" / "index.html", headers={"Cache-Control": "no-cache"})

    app.add_api_route(
        "/d/{dialogue_id}", dialogue_page, methods=["GET", "HEAD"], include_in_schema=False
    )

    def staff_page() -> FileResponse:
        return FileResponse(
            pwa_dir / "js" / "staff" / "page.html", headers={"Cache-Control": "no-cache"}
        )

    def to_staff_page(request: Request) -> RedirectResponse:
        return RedirectResponse(request.url.replace(path=f"{request.url.path}/"))

    for area in STAFF_AREAS:
        for path, endpoint in ((f"/{area}/", staff_page), (f"/{area}", to_staff_page)):
            app.add_api_route(path, endpoint, methods=["GET", "HEAD"], include_in_schema=False)
    app.mount("/", PwaStaticFiles(directory=pwa_dir, minify=minify), name="pwa")


def _freeze_startup_objects() -> None:
    """Move what exists at the first start (modules, routes, schemas, metadata: some 200,000
    objects, alive as long as the process) out of the garbage collector's sight: a full
    collection then takes milliseconds, where it paused every request in flight for 100 ms
    (the open loop's p99). Once per process: tests start many apps in one."""
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


class Site(FastAPI):
    """The whole site: the PWA and staff pages, with the API mounted under `API_BASE_PATH`.

    A request for the API goes straight to the API's own stack, wrapped in the site's
    middleware (security headers, compression, body size limits) but not through the site's
    own FastAPI layers and router as well: that second stack cost each resident write about
    70 µs, a tenth of its time. Paths, `root_path` and routing are what the mount gives.
    """

    def __init__(self, *, api: FastAPI, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api = api
        self.mount(API_BASE_PATH, api)
        self._api_with_middleware: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not get_route_path(scope).startswith(f"{API_BASE_PATH}/"):
            await super().__call__(scope, receive, send)
            return
        if self._api_with_middleware is None:
            wrapped: ASGIApp = self.api
            for cls, args, kwargs in reversed(self.user_middleware):
                wrapped = cls(wrapped, *args, **kwargs)
            self._api_with_middleware = wrapped
        root_path = scope.get("root_path", "")
        scope["app_root_path"] = scope.get("app_root_path", root_path)
        scope["root_path"] = root_path + API_BASE_PATH
        await self._api_with_middleware(scope, receive, send)


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the application: API under /api/v1, the PWA at /."""
    settings = settings or get_settings()
    engine = engine or create_db_engine(settings.database_url)
    writer = Writer(engine)
    metrics = Metrics(engine)
    rate_limiter = rate_limiter_for(engine)
    live_events = live_events_for(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _freeze_startup_objects()
        refresher = None
        if settings.results_refresh_seconds > 0:
            refresher = ResultsRefresher(
                engine,
                interval=settings.results_refresh_seconds,
                events=live_events,
                on_pass=metrics.refresher_pass.set_to_current_time,
                on_lead=metrics.refresher_leader.set,
                own_process=settings.results_own_process,
            )
            refresher.start()
        yield
        if refresher is not None:
            refresher.stop()
        live_events.stop()
        writer.shutdown()
        engine.dispose()

    api = _api_app(settings, metrics)
    app = Site(
        api=api,
        telemetry=_telemetry(settings),
        title="Welvaartgesprek",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    for target in (app, api):
        target.state.settings = settings
        target.state.engine = engine
        target.state.writer = writer
        target.state.rate_limiter = rate_limiter
        target.state.live_events = live_events
        target.state.refused_check_ins = RefusedCheckIns()
    app.state.metrics = metrics
    app.state.migration_heads = migration_heads()
    api.state.refused_check_ins = app.state.refused_check_ins
    app.add_api_route(API_BASE_PATH, _api_root, include_in_schema=False)
    app.include_router(ops_router)
    _mount_pwa(app, settings.pwa_dir, minify=settings.minify_assets)
    app.add_middleware(
        BodySizeLimitMiddleware,
        default_limit=settings.max_body_bytes,
        larger_limits={
            "/neighbourhoods/import": settings.max_import_bytes,
            "/population/import": settings.max_import_bytes,
            "/wellbeing/import": settings.max_import_bytes,
            "/regions/import": settings.max_import_bytes,
            "/logo": MAX_LOGO_BYTES,
        },
    )
    app.add_middleware(GZipMiddleware, minimum_size=512, compresslevel=6)
    app.add_middleware(ResponseHeadersMiddleware, api_version=API_VERSION, api_prefix=API_BASE_PATH)
    return app
