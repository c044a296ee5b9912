"""The PWA's static files: always revalidated, JavaScript and CSS served minified."""

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import rcssmin
import rjsmin
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

_MINIFIERS = {
    ".js": ("text/javascript; charset=utf-8", rjsmin.jsmin),
    ".css": ("text/css; charset=utf-8", rcssmin.cssmin),
}


@lru_cache(maxsize=256)
def _minified(path: str, suffix: str, modified_ns: int, size: int) -> tuple[bytes, str]:
    """The minified file and its ETag; keyed by modification time and size, so an edited
    file is minified afresh."""
    _, minify = _MINIFIERS[suffix]
    body = minify(Path(path).read_text(encoding="utf-8")).encode()
    return body, f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


class PwaStaticFiles(StaticFiles):
    """Static files browsers must revalidate (a cheap 304 thanks to the ETag), so a new
    release is picked up at once; the service worker keeps the app available offline.

    Scripts and style sheets are sent minified (comments and spacing out: a quarter less
    after compression, which keeps the resident app's first visit within its budget on a
    slow connection) without a build step: the sources stay as they are read.
    """

    def __init__(self, *, directory: Path, minify: bool) -> None:
        super().__init__(directory=directory, html=True, check_dir=False)
        self.minify = minify

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        suffix = Path(full_path).suffix
        if not self.minify or suffix not in _MINIFIERS or status_code != 200:
            response = super().file_response(full_path, stat_result, scope, status_code)
        else:
            body, etag = _minified(
                str(full_path), suffix, stat_result.st_mtime_ns, stat_result.st_size
            )
            media_type, _ = _MINIFIERS[suffix]
            response = Response(
                body if scope["method"] != "HEAD" else b"",
                media_type=media_type,
                # The ETag alone revalidates: no Last-Modified (bytes on every file of a
                # first visit on a slow connection).
                headers={"ETag": etag, "Content-Length": str(len(body))},
            )
            if self.is_not_modified(response.headers, Headers(scope=scope)):
                response = NotModifiedResponse(response.headers)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response
