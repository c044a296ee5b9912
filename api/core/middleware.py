"""ASGI middleware: the `API-Version` header, security headers and request size limits."""

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.problems import problem_response

# The PWA loads nothing from elsewhere: no CDN, no analytics, no third-party fonts.
PWA_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ResponseHeadersMiddleware:
    """`API-Version` and `nosniff` on every response; the security policy on the app's pages and
    service worker only, where it does something (on a phone's first visit every byte counts)."""

    def __init__(self, app: ASGIApp, *, api_version: str, api_prefix: str) -> None:
        self.app = app
        self.api_prefix = api_prefix
        self.api_headers = [(b"api-version", api_version.encode())]
        self.page_headers = [
            (b"content-security-policy", PWA_CONTENT_SECURITY_POLICY.encode()),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_worker = scope["path"] == "/sw.js"
        is_api = scope["path"].startswith(self.api_prefix)  # the API docs page has its own rules

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = dict(headers).get(b"content-type", b"")
                extra = [(b"x-content-type-options", b"nosniff"), *self.api_headers]
                if (content_type.startswith(b"text/html") and not is_api) or is_worker:
                    extra += self.page_headers
                message["headers"] = headers + [(n, v) for n, v in extra if n not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuses request bodies over a limit with a problem+json 413, before they are read."""

    def __init__(
        self, app: ASGIApp, *, default_limit: int, larger_limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.larger_limits = larger_limits or {}

    def _limit(self, path: str) -> int:
        for suffix, limit in self.larger_limits.items():
            if path.endswith(suffix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            language = dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1")
            response = _too_large(limit, scope["path"], language)
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)


class _BodyTooLarge(HTTPException):
    """An HTTPException (which FastAPI lets through while it reads the body) with Dutch."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=_too_large_detail(limit))
        self.nl = _too_large_detail_nl(limit)


def _too_large_detail(limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes. Send less data at once."


def _too_large_detail_nl(limit: int) -> str:
    size = f"{limit:,}".replace(",", ".")
    return f"De body van het verzoek is groter dan {size} bytes. Stuur minder gegevens tegelijk."


def _too_large(limit: int, path: str, accept_language: str) -> JSONResponse:
    return problem_response(
        status=413,
        detail=_too_large_detail(limit),
        nl=_too_large_detail_nl(limit),
        accept_language=accept_language,
        instance=path,
    )
