"""Settings of the service, read from the environment (and an optional `.env` file)."""

import os
import secrets
from datetime import timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
API_VERSION = "1.0.0"
API_BASE_PATH = "/api/v1"

_WEAK_SECRETS = {"changethis", "changeme", "secret", "password", "welvaartgesprek"}
_MIN_SECRET_LENGTH = 32


class WeakSecretKeyError(Exception):
    """Raised when a production SECRET_KEY is missing or guessable."""


class Settings(BaseSettings):
    """Every setting of the service; environment variables use the upper-case names."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: SecretStr | None = None
    # Unset: links follow the address each request came in on (the host and port served).
    public_url: AnyHttpUrl | None = None

    staff_token_minutes: int = Field(default=8 * 60, ge=5, le=7 * 24 * 60)
    participant_token_grace_hours: int = Field(default=4, ge=1, le=48)
    idempotency_key_hours: int = Field(default=24, ge=1, le=24 * 14)
    contact_retention_days: int = Field(default=90, ge=0, le=3 * 365)

    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses
    # or networks, "*" for all): the reverse proxy only. Everyone else's are ignored, so a
    # client cannot choose the address its rate limits are counted under.
    forwarded_allow_ips: str = "127.0.0.1,::1"

    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_import_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)

    # Staff sign-in (see api/staff/sign_in_limits.py): attempts are counted before hashing;
    # one address is stopped per account and overall, an account under attack is throttled.
    login_failures_per_account_client: str = "5/15 minutes"
    login_failures_per_client: str = "30/15 minutes"
    login_failures_per_account: str = "20/15 minutes"
    login_throttled_account_rate: str = "1/5 seconds"
    login_known_client_days: int = Field(default=30, ge=0, le=365)
    participant_writes_limit: str = "30/minute"
    session_writes_limit: str = "6000/minute"
    # Check-ins are limited per client *and* session first; only a check-in within its
    # client's own limit counts against the session's, so one client can never use up the
    # session's limit and lock out residents on other networks. A client is an IPv4 address
    # or an IPv6 /64 (one subscriber holds a whole /64). 40 a minute lets a library's shared
    # wifi check a room in at the pace people scan (the app retries a 429 after Retry-After,
    # so a crowd of 200 on one address is in within about five minutes); 240 an hour covers
    # the largest room on one address while holding a flood to 240 ballots instead of 36,000.
    check_ins_per_client_limit: str = "40/minute;240/hour"
    check_ins_per_session_limit: str = "600/minute"
    check_in_failures_limit: str = "60/minute"
    # Unknown join codes per client: residents mistype a code a few times at most, even many
    # on one library address; a guesser gets 20 a minute, 120 an hour.
    unknown_join_codes_limit: str = "20/minute;120/hour"
    # A minute of check-ins is a burst when it has at least `burst_min_check_ins` and at least
    # `burst_factor` times the session's median minute (minutes since it opened, empty ones
    # included).
    burst_min_check_ins: int = Field(default=20, ge=2, le=10_000)
    burst_factor: float = Field(default=4.0, ge=1.0, le=100.0)

    rotating_code_seconds: int = Field(default=30, ge=10, le=600)
    results_refresh_seconds: float = Field(
        default=2.0, ge=0, le=60, description="How often new ballots are tallied; 0 turns it off."
    )
    results_own_process: bool = Field(
        default=True,
        description="Work each release out in a process of its own (one more process per app "
        "instance), so that residents' requests never wait for its arithmetic; off: in a "
        "thread of the app.",
    )
    live_fallback_seconds: float = Field(
        default=2.0,
        ge=0.5,
        le=60,
        description="The projector's live feed reads the room on every check-in, ballot and "
        "release (from any app instance), and at least this often in case an event was lost.",
    )
    pwa_dir: Path = PROJECT_ROOT / "pwa"
    # Off to read the PWA's scripts in the browser exactly as they are in the repository.
    minify_assets: bool = True
    log_level: str = "info"
    # json: one JSON object a line, without personal data (see api/ops/logs.py).
    log_format: Literal["text", "json"] = "text"
    # Who may read /metrics besides requests from the server itself (see api/ops/router.py).
    metrics_token: SecretStr | None = None
    # FastAPI's OpenTelemetry spans, metrics and logs. Off, they cost nothing per request (on,
    # even with no exporter configured, every request asks OpenTelemetry for its providers).
    opentelemetry: bool = False

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'welvaartgesprek.db'}"
        if self.environment == "production":
            _refuse_weak_secret(self.secret_key)
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(hours=self.idempotency_key_hours)

    @property
    def public_base_url(self) -> str | None:
        """The configured address residents open, without a trailing slash (None if unset)."""
        return str(self.public_url).rstrip("/") if self.public_url is not None else None

    def public_base_url_for(self, *, host: str, port: int) -> str:
        """The configured address, or else the one a server on `host`:`port` is reached at."""
        return self.public_base_url or served_base_url(host=host, port=port)

    def signing_key(self) -> str:
        """The JWT signing key: configured, or (development only) generated once and kept."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _stored_development_secret(self.data_dir)


def served_base_url(*, host: str, port: int) -> str:
    """The address of a server bound to `host`:`port`; this machine for a wildcard address."""
    if host in {"", "0.0.0.0", "::"}:
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _refuse_weak_secret(secret: SecretStr | None) -> None:
    if secret is None:
        raise WeakSecretKeyError(
            "SECRET_KEY is required when ENVIRONMENT=production. "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    value = secret.get_secret_value()
    if len(value) < _MIN_SECRET_LENGTH or value.lower() in _WEAK_SECRETS or len(set(value)) < 10:
        raise WeakSecretKeyError(
            f"SECRET_KEY is too weak: use at least {_MIN_SECRET_LENGTH} random characters "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )


@cache  # read once: every request with a token needs it
def _stored_development_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)  # atomic: the first process to link wins, the others read its key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
