"""The `welvaartgesprek` command against a SQLite file: in-process through `main(argv)`, with
the settings from the environment and the working directory a real run would have, and once
as a real process (`serve`, which the last test starts and talks to over a socket)."""

import contextlib
import io
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import SQLModel

import api.tables  # noqa: F401  (every table on the metadata)
from api.cli import main
from api.core.access import SYSTEM
from api.core.config import get_settings
from api.core.db import create_db_engine, open_session, utcnow
from api.core.migrations import upgrade_to_head
from api.core.security import verify_password
from api.demo.service import DEMO_ACCOUNTS, SIMULATION_TITLE
from api.dialogues import service as dialogues
from api.dialogues.schemas import DialogueCreate, PriorityCreate
from api.municipalities import service as municipalities
from api.municipalities.schemas import MunicipalityUpdate
from api.sessions import service as sessions
from api.sessions.qr import qr_terminal
from api.sessions.schemas import SessionCreate
from api.venues import service as venues
from api.venues.models import VenueKind
from api.venues.schemas import VenueCreate
from tests.helpers import free_port

COMMAND = Path(sys.executable).parent / "welvaartgesprek"
PUBLIC_URL = "https://praat.welvaartstad.example"
STRONG_KEY = "vJ4s9kQ2xW7nP1cR8mT5yB3hL6fD0gZaEuKiOq"
SETTING_VARIABLES = {
    "ENVIRONMENT",
    "DATA_DIR",
    "DATABASE_URL",
    "SECRET_KEY",
    "PUBLIC_URL",
    "CONTACT_RETENTION_DAYS",
}


@dataclass
class Cli:
    """The command, with its own SQLite database and working directory."""

    directory: Path
    database_url: str

    def run(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
        """Run the command in this process: `main(argv)` with this environment, working
        directory and standard input; what it printed and its exit code come back."""
        stdout, stderr = io.StringIO(), io.StringIO()
        with pytest.MonkeyPatch.context() as patch:
            for name in SETTING_VARIABLES:
                patch.delenv(name, raising=False)
            for name, value in self.environment(**env).items():
                patch.setenv(name, value)
            patch.chdir(self.directory)
            patch.setattr(sys, "stdin", io.StringIO(stdin or ""))
            get_settings.cache_clear()  # read afresh, as a new process would
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                try:
                    code = main(list(args))
                except SystemExit as stop:  # argparse refusing the arguments
                    code = stop.code if isinstance(stop.code, int) else 1
                finally:
                    get_settings.cache_clear()
        return subprocess.CompletedProcess(
            [str(COMMAND), *args], code, stdout.getvalue(), stderr.getvalue()
        )

    def run_process(
        self, *args: str, stdin: str | None = None, **env: str
    ) -> subprocess.CompletedProcess:
        """Run the installed command as a real process."""
        environment = {k: v for k, v in os.environ.items() if k not in SETTING_VARIABLES}
        environment.update(self.environment(**env))
        return subprocess.run(
            [str(COMMAND), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=self.directory,
            env=environment,
            timeout=120,
        )

    def environment(self, **env: str) -> dict[str, str]:
        """The settings of the command; an empty value leaves a setting unset."""
        return {
            "DATABASE_URL": self.database_url,
            "DATA_DIR": str(self.directory / "data"),
            "PUBLIC_URL": PUBLIC_URL,
            "PYTHONIOENCODING": "utf-8",
            **env,
        }

    def engine(self) -> Engine:
        return create_db_engine(self.database_url)


def make_cli(directory: Path) -> Cli:
    directory.mkdir(parents=True, exist_ok=True)
    return Cli(directory=directory, database_url=f"sqlite:///{directory / 'cli.db'}")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return make_cli(tmp_path / "cli")


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess, code: int, *, says: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == code, output
    assert says.lower() in output.lower(), output
    assert "Traceback" not in output, output
    return output


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }


# --- demo -----------------------------------------------------------------------------------


@dataclass
class DemoRuns:
    """`demo` twice, then `demo --simulate 30` twice, on one database."""

    cli: Cli
    outputs: list[str]
    counts: list[dict[str, int]]  # the row counts after each run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRuns:
    cli = make_cli(tmp_path_factory.mktemp("demo"))
    runs = DemoRuns(cli=cli, outputs=[], counts=[])
    engine = cli.engine()
    for args in (["demo"], ["demo"], ["demo", "--simulate", "30"], ["demo", "--simulate", "30"]):
        runs.outputs.append(ok(cli.run(*args)))
        runs.counts.append(row_counts(engine))
    engine.dispose()
    return runs


def test_demo_loads_welvaartstad_with_staff_venues_dialogue_and_an_open_session(demo):
    counts = demo.counts[0]
    assert counts["municipalities"] == 1 and counts["staff_users"] == len(DEMO_ACCOUNTS) == 4
    assert counts["neighbourhoods"] == 8 and counts["venues"] == 3
    assert counts["dialogues"] == 1 and counts["priorities"] == 10 and counts["sessions"] == 1
    assert counts["ballots"] == 0
    engine = demo.cli.engine()
    with engine.connect() as connection:
        session = connection.execute(
            text("SELECT status, check_in_mode FROM sessions WHERE join_code = 'WVSTAD'")
        ).one()
        hashes = dict(
            connection.execute(text("SELECT email, password_hash FROM staff_users")).all()
        )
    engine.dispose()
    assert tuple(session) == ("open", "poster")
    for account in DEMO_ACCOUNTS:
        assert verify_password(account.password, hashes[account.email])[0], account.email


def test_the_demo_session_is_one_evening_in_welvaartstad(demo):
    from zoneinfo import ZoneInfo

    engine = demo.cli.engine()
    with open_session(engine, write=False) as db:
        row = sessions.find_by_join_code(db, join_code="WVSTAD", now=utcnow(), rotate_seconds=30)
        starts_at, ends_at = (t.astimezone(ZoneInfo("Europe/Amsterdam")) for t in (row.starts_at, row.ends_at))  # fmt: skip
    engine.dispose()
    assert (starts_at.date(), f"{starts_at:%H:%M}", f"{ends_at:%H:%M}") == (ends_at.date(), "19:00", "21:30")  # fmt: skip
    assert ends_at > utcnow(), "planned tonight, or tomorrow once tonight's evening is over"


def test_the_demo_draws_its_six_buurten_on_the_map_and_none_of_its_two_wijken(demo):
    engine = demo.cli.engine()
    with engine.connect() as connection:
        drawn = connection.execute(
            text(
                "SELECT kind, geometry IS NOT NULL, COUNT(*) FROM neighbourhoods "
                "GROUP BY kind, geometry IS NOT NULL ORDER BY kind"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in drawn] == [("buurt", True, 6), ("wijk", False, 2)]


def test_demo_simulate_adds_pledges_whose_totals_are_released_and_a_few_contact_offers(demo):
    from api.dialogues.models import Dialogue
    from api.results import reading
    from api.results.models import GroupBy
    from api.results.service import refresh_dialogue

    engine = demo.cli.engine()
    with open_session(engine) as db:
        dialogue = db.exec(select(Dialogue)).scalars().one()
        refresh_dialogue(db, dialogue_id=dialogue.id)
        db.commit()
        summary = reading.pledges_summary(db, dialogue=dialogue, group_by=GroupBy.DIALOGUE)
        offers = db.execute(text("SELECT contact FROM contact_offers")).scalars().all()
    engine.dispose()
    (whole,) = summary.groups
    assert not whole.suppressed and whole.pledgers >= summary.min_group_size
    assert whole.totals.pledges == whole.pledgers + len(offers)
    assert 2 <= len(offers) <= 5 and all(o.endswith("@example.org") for o in offers)
    assert demo.counts[2]["pledges"] == demo.counts[3]["pledges"] == whole.pledgers
    assert demo.counts[1]["pledges"] == 0, "plain `demo` simulates nothing"


def test_demo_a_second_time_changes_nothing(demo):
    assert demo.counts[1] == demo.counts[0]
    assert demo.outputs[1] == demo.outputs[0]


def test_demo_prints_the_accounts_the_check_in_address_and_its_qr_code(demo):
    output = demo.outputs[0]
    for account in DEMO_ACCOUNTS:
        assert account.email in output and account.password in output
        assert account.role.value in output
    url = f"{PUBLIC_URL}/c/WVSTAD"
    assert url in output
    assert f"{PUBLIC_URL}/api/v1/docs" in output
    assert f"{PUBLIC_URL}/workspace/" in output
    qr = qr_terminal(url)
    assert qr.strip() and qr in output, "the printed QR code encodes the check-in address"
    assert qr_terminal(f"{PUBLIC_URL}/c/WVSTAE") not in output


def test_demo_simulate_adds_marked_simulated_ballots_once(demo):
    assert "Simulated ballots: 30 added" in demo.outputs[2]
    assert "Simulated ballots: 0 added" in demo.outputs[3]
    before, after, again = demo.counts[1], demo.counts[2], demo.counts[3]
    assert after["ballots"] - before["ballots"] == 30
    assert after["participants"] - before["participants"] == 30
    assert after["sessions"] - before["sessions"] == 1
    assert again == after
    engine = demo.cli.engine()
    with engine.connect() as connection:
        simulated = connection.execute(
            text(
                "SELECT count(*) FROM ballots b JOIN participants p ON p.id = b.participant_id"
                " JOIN sessions s ON s.id = b.session_id"
                " WHERE p.origin = 'simulated' AND s.title = :title AND s.status = 'closed'"
            ),
            {"title": SIMULATION_TITLE},
        ).scalar_one()
        in_demo_session = connection.execute(
            text(
                "SELECT count(*) FROM ballots b JOIN sessions s ON s.id = b.session_id"
                " WHERE s.join_code = 'WVSTAD'"
            )
        ).scalar_one()
    engine.dispose()
    assert simulated == 30, "every simulated ballot is marked and kept in its own session"
    assert in_demo_session == 0
    assert "simul" in SIMULATION_TITLE.lower()


# --- create-user ----------------------------------------------------------------------------


def staff_rows(cli: Cli) -> dict[str, tuple[str, str]]:
    engine = cli.engine()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT email, role, password_hash FROM staff_users")).all()
    engine.dispose()
    return {email: (role, password_hash) for email, role, password_hash in rows}


def test_create_user_reads_the_password_from_standard_input(cli: Cli):
    output = ok(
        cli.run(
            "create-user", "--email", "Beheer@Gemeente.example", "--role", "admin",
            "--full-name", "Beheerder", "--password-stdin",
            stdin="een lang geheim wachtwoord\n",
        )
    )  # fmt: skip
    assert "Created admin beheer@gemeente.example" in output
    assert "een lang geheim" not in output
    role, password_hash = staff_rows(cli)["beheer@gemeente.example"]
    assert role == "admin"
    assert verify_password("een lang geheim wachtwoord", password_hash)[0]


def test_create_user_creates_a_facilitator_of_a_municipality(cli: Cli):
    upgrade_to_head(cli.database_url)
    engine = cli.engine()
    with open_session(engine) as db:
        municipalities.create_municipality(
            db, cbs_code="GM0855", name="Tilburg", min_group_size=10, brand_colour="#01689b"
        )
    engine.dispose()
    result = cli.run(
        "create-user", "--email", "fac@tilburg.example", "--role", "facilitator",
        "--municipality", "GM0855", "--password-stdin", stdin="een lang geheim wachtwoord\n",
    )  # fmt: skip
    assert "Created facilitator fac@tilburg.example" in ok(result)
    assert staff_rows(cli)["fac@tilburg.example"][0] == "facilitator"


def test_create_user_creates_a_coordinator_of_a_municipality(cli: Cli):
    upgrade_to_head(cli.database_url)
    engine = cli.engine()
    with open_session(engine) as db:
        municipalities.create_municipality(
            db, cbs_code="GM0855", name="Tilburg", min_group_size=10, brand_colour="#01689b"
        )
    engine.dispose()
    result = cli.run(
        "create-user", "--email", "coord@tilburg.example", "--role", "coordinator",
        "--municipality", "GM0855", "--password-stdin", stdin="een lang geheim wachtwoord\n",
    )  # fmt: skip
    assert "Created coordinator coord@tilburg.example" in ok(result)
    assert staff_rows(cli)["coord@tilburg.example"][0] == "coordinator"


def test_create_user_refuses_to_run_without_password_stdin(cli: Cli):
    result = cli.run("create-user", "--email", "a@b.example", "--role", "admin",
                     stdin="een lang geheim wachtwoord\n")  # fmt: skip
    refused(result, 2, says="--password-stdin")
    assert not (cli.directory / "cli.db").exists() or staff_rows(cli) == {}


def test_create_user_refuses_a_short_password(cli: Cli):
    result = cli.run(
        "create-user", "--email", "a@b.example", "--role", "admin", "--password-stdin",
        stdin="kort\n",
    )  # fmt: skip
    refused(result, 2, says="at least 12 characters")
    assert not (cli.directory / "cli.db").exists() or staff_rows(cli) == {}


def test_create_user_refuses_a_facilitator_or_analyst_without_municipality(cli: Cli):
    result = cli.run(
        "create-user", "--email", "analyst@b.example", "--role", "analyst", "--password-stdin",
        stdin="een lang geheim wachtwoord\n",
    )  # fmt: skip
    refused(result, 1, says="municipality")
    result = cli.run(
        "create-user", "--email", "x@b.example", "--role", "analyst", "--municipality", "GM0001",
        "--password-stdin", stdin="een lang geheim wachtwoord\n",
    )  # fmt: skip
    refused(result, 1, says="GM0001")
    assert staff_rows(cli) == {}


def test_create_user_refuses_an_email_that_already_has_an_account(cli: Cli):
    args = ("create-user", "--email", "a@b.example", "--role", "admin", "--password-stdin")
    ok(cli.run(*args, stdin="een lang geheim wachtwoord\n"))
    refused(cli.run(*args, stdin="een ander lang wachtwoord\n"), 1, says="already")
    assert verify_password("een lang geheim wachtwoord", staff_rows(cli)["a@b.example"][1])[0]


# --- purge ----------------------------------------------------------------------------------


def _dialogue_with_contact(db, *, title: str, ends_on: date, venue_id: int) -> str:
    """A dialogue ending on `ends_on` with one pledge and one contact offer; the contact."""
    dialogue = dialogues.create_dialogue(
        db,
        dialogue=DialogueCreate(
            municipality="GM0855", title=title, startsOn=ends_on - timedelta(days=60),
            endsOn=ends_on,
            priorities=[PriorityCreate(title=t, themeKey="milieu") for t in ("Groen", "Schaduw")],
        ),
        actor=SYSTEM,
    )  # fmt: skip
    soon = utcnow() + timedelta(hours=1)
    row = sessions.create_session(
        db,
        dialogue=dialogue,
        body=SessionCreate(venueId=venue_id, startsAt=soon, endsAt=soon + timedelta(hours=2)),
        actor=SYSTEM,
    )
    start = utcnow() - timedelta(days=100)  # held long ago (the API plans only ahead)
    row.starts_at, row.ends_at = start, start + timedelta(hours=2)
    db.add(row)
    participant = f"participant-{dialogue.id}"
    db.execute(
        text("INSERT INTO participants (id, session_id, origin, created_at) VALUES (:p, :s, 'qr', :t)"),
        {"p": participant, "s": row.id, "t": utcnow().replace(tzinfo=None)},
    )  # fmt: skip
    db.execute(
        text(
            "INSERT INTO pledges (participant_id, session_id, dialogue_id, sequence, kind, text,"
            " created_at, follow_up_id) VALUES (:p, :s, :d, 1, 'time', '', :t, :f)"
        ),
        {
            "p": participant,
            "s": row.id,
            "d": dialogue.id,
            "t": utcnow().replace(tzinfo=None),
            "f": str(uuid.uuid4()),
        },  # fmt: skip
    )
    contact = f"{title}@mail.example"
    db.execute(
        text(
            "INSERT INTO contact_offers (id, dialogue_id, kind, text, contact, consented_on)"
            " VALUES (:i, :d, 'time', 'Ik help mee', :c, :on)"
        ),
        {"i": str(uuid.uuid4()), "d": dialogue.id, "c": contact, "on": date.today()},
    )
    db.commit()
    return contact


def test_purge_deletes_contact_details_only_of_dialogues_ended_before_the_retention(cli: Cli):
    upgrade_to_head(cli.database_url)
    engine = cli.engine()
    today = date.today()
    with open_session(engine) as db:
        municipality = municipalities.create_municipality(
            db, cbs_code="GM0855", name="Tilburg", min_group_size=10, brand_colour="#01689b"
        )
        venue = venues.create_venue(
            db, municipality=municipality, venue=VenueCreate(name="Bieb", kind=VenueKind.LIBRARY)
        )  # fmt: skip
        contacts = {
            "long ago": _dialogue_with_contact(
                db, title="oud", ends_on=today - timedelta(days=31), venue_id=venue.id
            ),
            "just at the limit": _dialogue_with_contact(
                db, title="grens", ends_on=today - timedelta(days=30), venue_id=venue.id
            ),
            "still running": _dialogue_with_contact(
                db, title="lopend", ends_on=today + timedelta(days=10), venue_id=venue.id
            ),
        }
    output = ok(cli.run("purge", CONTACT_RETENTION_DAYS="30"))
    assert "Deleted 1 contact details" in output
    with engine.connect() as connection:
        kept = set(
            connection.execute(
                text("SELECT contact FROM contact_offers WHERE contact IS NOT NULL")
            ).scalars()
        )
        offers = connection.execute(text("SELECT count(*) FROM contact_offers")).scalar_one()
        pledge_count = connection.execute(text("SELECT count(*) FROM pledges")).scalar_one()
    assert kept == {contacts["just at the limit"], contacts["still running"]}
    assert (offers, pledge_count) == (3, 3), "the pledges and offers stay, the contacts go"
    assert "Deleted 1 contact details" in ok(cli.run("purge", CONTACT_RETENTION_DAYS="29"))
    engine.dispose()


def test_purge_keeps_contact_details_for_the_municipalitys_own_period(cli: Cli):
    upgrade_to_head(cli.database_url)
    engine = cli.engine()
    today = date.today()
    with open_session(engine) as db:
        municipality = municipalities.create_municipality(
            db, cbs_code="GM0855", name="Tilburg", min_group_size=10, brand_colour="#01689b"
        )
        municipalities.update_municipality(
            db,
            municipality=municipality,
            changes=MunicipalityUpdate(contactRetentionDays=10),
        )
        venue = venues.create_venue(
            db, municipality=municipality, venue=VenueCreate(name="Bieb", kind=VenueKind.LIBRARY)
        )  # fmt: skip
        kept = _dialogue_with_contact(
            db, title="kort", ends_on=today - timedelta(days=10), venue_id=venue.id
        )
        _dialogue_with_contact(
            db, title="ouder", ends_on=today - timedelta(days=11), venue_id=venue.id
        )
    assert "Deleted 1 contact details" in ok(cli.run("purge", CONTACT_RETENTION_DAYS="90"))
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT contact FROM contact_offers WHERE contact IS NOT NULL")
        ).scalars()
        assert set(left) == {kept}
    engine.dispose()


# --- migrate and settings -------------------------------------------------------------------


def test_migrate_creates_the_schema_and_can_run_again(cli: Cli):
    first = cli.run("migrate", ENVIRONMENT="production", SECRET_KEY=STRONG_KEY)
    assert "Database is up to date" in ok(first)
    engine = cli.engine()
    counts = row_counts(engine)
    assert counts["themes"] == 10 and counts["staff_users"] == 0
    assert "Database is up to date" in ok(cli.run("migrate"))
    assert row_counts(engine) == counts
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    engine.dispose()


def test_production_without_a_secret_key_is_refused_with_a_way_to_make_one(cli: Cli):
    output = refused(cli.run("migrate", ENVIRONMENT="production"), 2, says="SECRET_KEY")
    assert "secrets.token_urlsafe" in output
    assert not (cli.directory / "cli.db").exists()


def test_production_with_a_weak_secret_key_is_refused_without_echoing_it(cli: Cli):
    weak = "changeme"
    output = refused(
        cli.run("migrate", ENVIRONMENT="production", SECRET_KEY=weak), 2, says="too weak"
    )
    assert weak not in output
    assert not (cli.directory / "cli.db").exists()


def test_production_accepts_a_strong_key_but_will_not_load_the_demo_without_force(cli: Cli):
    result = cli.run("demo", ENVIRONMENT="production", SECRET_KEY=STRONG_KEY)
    refused(result, 2, says="--force")
    assert not (cli.directory / "cli.db").exists()


# --- serve ----------------------------------------------------------------------------------


def _wait_until_serving(server: subprocess.Popen, base: str) -> None:
    """Poll until the server answers (or fail when it exits or takes over a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0]
        try:
            if httpx.get(f"{base}/api/v1/themes", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # not listening yet: poll again
    pytest.fail("the server did not start within a minute")


def test_without_public_url_demo_and_served_links_follow_the_port_served(cli: Cli):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    printed = ok(cli.run_process("demo", "--port", str(port), PUBLIC_URL=""))
    assert f"{base}/c/WVSTAD" in printed and ":8000" not in printed
    assert qr_terminal(f"{base}/c/WVSTAD") in printed
    environment = {k: v for k, v in os.environ.items() if k not in SETTING_VARIABLES}
    environment.update(cli.environment(PUBLIC_URL=""))
    server = subprocess.Popen(
        [str(COMMAND), "serve", "--port", str(port)],
        cwd=cli.directory,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_serving(server, base)
        facilitator = next(a for a in DEMO_ACCOUNTS if a.role.value == "facilitator")
        # A bound, not a measure: the server hashes at production cost, on a machine that
        # may be running other tests beside it.
        with httpx.Client(base_url=base, timeout=60) as served:
            token = served.post(
                "/api/v1/auth/token",
                data={"username": facilitator.email, "password": facilitator.password},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            dialogue = served.get("/api/v1/dialogues", headers=headers).json()[0]
            listed = served.get(f"/api/v1/dialogues/{dialogue['id']}/sessions", headers=headers)
            demo_session = next(s for s in listed.json() if s["joinCode"] == "WVSTAD")
            poster = served.get(f"/api/v1/sessions/{demo_session['id']}/poster", headers=headers)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"Serving on {base}" in output
    assert demo_session["checkInUrl"] == f"{base}/c/WVSTAD"
    assert poster.status_code == 200
    assert f"{base}/c/WVSTAD" in poster.text and f"{base}/c</strong>" in poster.text
    assert ":8000" not in poster.text


def test_serve_believes_x_forwarded_for_only_from_forwarded_allow_ips(cli: Cli):
    """Unknown join codes are limited per client address. From a peer outside
    FORWARDED_ALLOW_IPS a made-up X-Forwarded-For changes nothing: its attempts are counted
    under its own address. From the trusted proxy (127.0.0.2 here) the header names the
    client, so the same attempts count for two clients."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {k: v for k, v in os.environ.items() if k not in SETTING_VARIABLES}
    environment.update(
        cli.environment(FORWARDED_ALLOW_IPS="127.0.0.2", UNKNOWN_JOIN_CODES_LIMIT="2/minute")
    )
    server = subprocess.Popen(
        [str(COMMAND), "serve", "--port", str(port)],
        cwd=cli.directory,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def attempts(local_address: str) -> list[int]:
        transport = httpx.HTTPTransport(local_address=local_address)
        with httpx.Client(base_url=base, transport=transport, timeout=10) as client:
            return [
                client.post(
                    "/api/v1/check-ins",
                    json={"joinCode": "ZZZZZ9"},
                    headers={"X-Forwarded-For": address},
                ).status_code
                for address in ("198.51.100.1", "198.51.100.2", "198.51.100.1", "198.51.100.2")
            ]

    try:
        _wait_until_serving(server, base)
        untrusted = attempts("127.0.0.1")
        trusted = attempts("127.0.0.2")
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert untrusted[:2] == [404, 404] and untrusted[2:] == [429, 429]
    assert 429 not in trusted
