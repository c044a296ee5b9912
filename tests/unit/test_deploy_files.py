"""The files in deploy/ agree with the app and with each other (they are not built here:
there is no Docker engine on the test machine; `make test-deploy` runs the nginx site)."""

import configparser
import re
from pathlib import Path

import yaml

from api.core.config import Settings
from api.municipalities.models import MAX_LOGO_BYTES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SITE = (DEPLOY / "nginx" / "welvaartgesprek.conf").read_text()


def nginx_size(value: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024}
    return int(value[:-1]) * units[value[-1]] if value[-1] in units else int(value)


def test_nginx_body_limits_are_the_apps_own():
    limits = re.findall(r"client_max_body_size (\S+);\s+# (\S+)", SITE)
    by_setting = {setting: nginx_size(size) for size, setting in limits}
    defaults = Settings(database_url="sqlite://")
    assert by_setting == {
        "MAX_BODY_BYTES": defaults.max_body_bytes,
        "MAX_IMPORT_BYTES": defaults.max_import_bytes,
        "MAX_LOGO_BYTES": MAX_LOGO_BYTES,
    }


def test_nginx_replaces_the_clients_forwarded_for_and_adds_no_header_in_a_location():
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in SITE
    assert "$proxy_add_x_forwarded_for" not in SITE
    assert "add_header Content-Security-Policy" not in SITE  # the app's own policy stays
    for location in re.findall(r"location [^{]+\{([^}]*)\}", SITE):
        assert "add_header" not in location, location


def test_compose_runs_postgres_a_migration_two_instances_and_nginx_with_the_same_site():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "app1", "app2", "nginx"}
    assert services["postgres"]["image"] == "postgres:15"
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for app in ("app1", "app2"):
        assert services[app]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}  # fmt: skip
        assert services[app]["env_file"] == ["app.env"]
    assert services["nginx"]["depends_on"]["app1"] == {"condition": "service_healthy"}
    command = " ".join(services["nginx"]["command"])
    upstreams = re.findall(r"^\s*server (127\.0\.0\.1:\d+) ", SITE, re.MULTILINE)
    assert all(f"s/{address}/app{n}:8000/" in command for n, address in enumerate(upstreams, 1))
    assert "./nginx/welvaartgesprek.conf:/etc/welvaartgesprek-site/welvaartgesprek.conf:ro" in services["nginx"]["volumes"]  # fmt: skip


def test_the_image_runs_as_a_user_and_checks_healthz():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^USER welvaartgesprek$", dockerfile, re.MULTILINE)
    assert "HEALTHCHECK" in dockerfile and "/healthz" in dockerfile
    assert '"welvaartgesprek", "serve"' in dockerfile


def test_systemd_units_are_hardened_and_instances_wait_for_the_migration():
    def unit(name: str) -> configparser.ConfigParser:
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read_string((DEPLOY / "systemd" / name).read_text())
        return parser

    instance = unit("welvaartgesprek@.service")
    assert "welvaartgesprek-migrate.service" in instance["Unit"]["Requires"]
    assert "--port %i" in instance["Service"]["ExecStart"]
    for name in ("welvaartgesprek@.service", "welvaartgesprek-migrate.service", "welvaartgesprek-purge.service"):  # fmt: skip
        service = unit(name)["Service"]
        assert service["DynamicUser"] == "yes" and service["ProtectSystem"] == "strict"
        assert service["NoNewPrivileges"] == "yes" and service["PrivateTmp"] == "yes"
        assert service["EnvironmentFile"] == "/etc/welvaartgesprek/welvaartgesprek.env"
    assert unit("welvaartgesprek-migrate.service")["Service"]["Type"] == "oneshot"
    assert unit("welvaartgesprek-purge.timer")["Timer"]["OnCalendar"] == "*-*-* 03:15:00"
    assert "purge" in unit("welvaartgesprek-purge.service")["Service"]["ExecStart"]
