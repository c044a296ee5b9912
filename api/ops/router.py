"""Operations: liveness, readiness and Prometheus metrics, outside the versioned API."""

import hmac
from ipaddress import ip_address

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from api.core.problems import problem_response
from api.ops import service

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> JSONResponse:
    """The process is up and answering."""
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """The database is reachable and its schema at the newest migration; else a 503."""
    problem = await run_in_threadpool(
        service.readiness_problem,
        request.app.state.engine,
        expected_heads=request.app.state.migration_heads,
    )
    if problem is not None:
        return problem_response(
            status=503,
            detail=problem.en,
            nl=problem.nl,
            accept_language=request.headers.get("accept-language"),
            instance=request.url.path,
            headers={"Retry-After": "10", "Cache-Control": "no-store"},
        )
    return JSONResponse({"status": "ready"}, headers={"Cache-Control": "no-store"})


def _may_read_metrics(request: Request) -> bool:
    """With a metrics token: whoever sends it. Without: local requests only, not forwarded ones
    (a reverse proxy on the same host is local too; deploy/nginx/welvaartgesprek.conf keeps /metrics inside)."""
    token = request.app.state.settings.metrics_token
    if token is not None:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(sent.encode(), token.get_secret_value().encode())
    if "x-forwarded-for" in request.headers or request.client is None:
        return False
    try:
        return ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus metrics, for the operator only (they count ballots as they arrive)."""
    if not _may_read_metrics(request):
        return problem_response(
            status=403,
            detail="Metrics are for the operator: send the metrics token (METRICS_TOKEN) as a "
            "bearer token, or read them from the server itself.",
            nl="Metrieken zijn voor de beheerder: stuur het metriektoken (METRICS_TOKEN) als "
            "bearer-token mee, of lees ze op de server zelf.",
            accept_language=request.headers.get("accept-language"),
            instance=request.url.path,
        )
    body = await run_in_threadpool(generate_latest, request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
