"""Request-scoped dependencies shared by every router."""

from typing import Annotated

from fastapi import Depends, Path, Request

from api.core.config import Settings
from api.core.db import SessionDep
from api.core.ratelimit import RateLimiter
from api.core.schemas import MAX_ID, MUNICIPALITY_CODE_PATTERN


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_rate_limiter(request: Request) -> RateLimiter:
    """The app's rate limiter."""
    return request.app.state.rate_limiter


def get_public_url(request: Request) -> str:
    """The address residents open: `PUBLIC_URL`, or else the one this request came in on."""
    configured = request.app.state.settings.public_base_url
    return configured or f"{request.url.scheme}://{request.url.netloc}"


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
PublicUrlDep = Annotated[str, Depends(get_public_url)]

__all__ = [
    "CbsCodePath",
    "PublicUrlDep",
    "RateLimiterDep",
    "ResourceId",
    "SessionDep",
    "SettingsDep",
]

ResourceId = Annotated[
    int, Path(alias="id", ge=1, le=MAX_ID, description="The id of the resource.")
]
CbsCodePath = Annotated[
    str,
    Path(alias="cbsCode", pattern=MUNICIPALITY_CODE_PATTERN, description="CBS code, e.g. GM0855."),
]
