"""Log configuration: readable lines in development, JSON lines in production.

JSON logs hold no personal data and no secrets: no client address, no path (paths hold join
codes and ids), no query string, no header. Each request is one `welvaartgesprek.access` line
with its method, route template, status and duration, written by the metrics middleware.
"""

import logging
from typing import Any, Literal

LogFormat = Literal["text", "json"]
ACCESS_LOGGER = "welvaartgesprek.access"


class WithoutColour(logging.Filter):
    """Drops uvicorn's `color_message`, the same message again with terminal colour codes."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.pop("color_message", None)
        return True


def log_config(*, level: str, log_format: LogFormat) -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn and the app."""
    level = level.upper()
    if log_format == "text":
        handler = {"class": "logging.StreamHandler", "formatter": "text"}
        return {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
                "access": {
                    "()": "uvicorn.logging.AccessFormatter",
                    "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
                },
            },
            "handlers": {
                "default": handler,
                "access": {"class": "logging.StreamHandler", "formatter": "access"},
            },
            "loggers": {
                "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
                "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
                "welvaartgesprek": {"handlers": ["default"], "level": level, "propagate": False},
                # uvicorn's access lines say it already, with the client's address for debugging.
                ACCESS_LOGGER: {"handlers": [], "level": "WARNING", "propagate": False},
            },
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "filters": {"without_colour": {"()": WithoutColour}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["without_colour"],
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            # Its lines name the client's address and the full path: ACCESS_LOGGER replaces them.
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "welvaartgesprek": {"handlers": ["default"], "level": level, "propagate": False},
        },
    }
