"""The `welvaartgesprek` command: serve, migrate, demo, create-user, purge, results."""

import argparse
import sys
from datetime import date

from pydantic import ValidationError

from api.core.config import API_BASE_PATH, Settings, WeakSecretKeyError, get_settings
from api.core.db import create_db_engine, open_session
from api.core.migrations import upgrade_to_head


def _migrate(settings: Settings) -> None:
    upgrade_to_head(settings.database_url)


def cmd_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    """Bring the database up to date."""
    _migrate(settings)
    print(f"Database is up to date ({_describe(settings.database_url)}).")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate, then serve the API and the PWA."""
    import uvicorn

    from api.ops.logs import log_config

    _migrate(settings)
    settings.signing_key()  # create the development key once, before workers race for it
    base = settings.public_base_url_for(host=args.host, port=args.port)
    print(f"Serving on {base}  (API: {base}{API_BASE_PATH}/docs)", flush=True)
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,  # says nothing useful, costs bytes on every response
        access_log=settings.log_format == "text",  # JSON logs drop its lines (see ops/logs.py)
        log_level=settings.log_level,
        log_config=log_config(level=settings.log_level, log_format=settings.log_format),
    )
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Load the demo municipality Welvaartstad; print how to try it."""
    from api.demo.service import DEMO_ACCOUNTS, DEMO_JOIN_CODE, load_demo, simulate_ballots
    from api.sessions.qr import qr_terminal

    if settings.environment == "production" and not args.force:
        print("Refusing to load demo accounts in production (use --force if you mean it).")
        return 2
    _migrate(settings)
    engine = create_db_engine(settings.database_url)
    with open_session(engine) as db:
        load_demo(db)
        added = (
            simulate_ballots(db, count=args.simulate, secret=settings.signing_key())
            if args.simulate
            else 0
        )
    engine.dispose()
    base = settings.public_base_url_for(host=args.host, port=args.port)
    url = f"{base}/c/{DEMO_JOIN_CODE}"
    lines = [
        "",
        "Welvaartgesprek demo: the fictional municipality Welvaartstad (GM9999)",
        "",
        f"  Resident app (scan or open):  {url}",
        f"  Type the code by hand:        {base}/c   code {DEMO_JOIN_CODE}",
        f"  Coordinator's workspace:      {base}/workspace/",
        f"  Facilitator console:          {base}/console/",
        f"  Municipal dashboard:          {base}/dashboard/",
        f"  API documentation:            {base}{API_BASE_PATH}/docs",
        "",
        "  Demo staff accounts (demo only; never use these in production):",
        *(f"    {a.role.value:<12} {a.email:<36} {a.password}" for a in DEMO_ACCOUNTS),
    ]
    if args.simulate:
        lines += ["", f"  Simulated ballots: {added} added (session 'Simulatie (demo)')."]
    print("\n".join(lines))
    print(qr_terminal(url))
    return 0


def cmd_create_user(args: argparse.Namespace, settings: Settings) -> int:
    """Create a staff account; the password comes from standard input."""
    from api.accounts import service as accounts
    from api.core.access import Role
    from api.core.problems import Problem

    if not args.password_stdin:
        print(
            "Give --password-stdin and pipe the password in, so it stays out of your shell history."
        )
        return 2
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 12:
        print("The password must be at least 12 characters.")
        return 2
    _migrate(settings)
    engine = create_db_engine(settings.database_url)
    try:
        with open_session(engine) as db:
            user = accounts.create_user(
                db,
                email=args.email,
                password=password,
                role=Role(args.role),
                full_name=args.full_name,
                municipality_codes=args.municipality or [],
            )
            print(f"Created {user.role.value} {user.email} (id {user.id}).")
    except Problem as problem:
        print(f"Not created: {problem.detail}")
        return 1
    finally:
        engine.dispose()
    return 0


def cmd_purge(_args: argparse.Namespace, settings: Settings) -> int:
    """Delete contact details past their retention period (each municipality's own, else
    CONTACT_RETENTION_DAYS), expired idempotency keys and expired rate-limit counters."""
    from api.core import ratelimit
    from api.idempotency.service import purge_expired
    from api.pledges.service import purge_contacts

    engine = create_db_engine(settings.database_url)
    with open_session(engine) as db:
        contacts = purge_contacts(
            db, default_retention_days=settings.contact_retention_days, today=date.today()
        )
        keys = purge_expired(db)
    counters = ratelimit.purge_expired(engine)
    engine.dispose()
    print(
        f"Deleted {contacts} contact details, {keys} expired idempotency keys and {counters} "
        "expired rate-limit counters."
    )
    return 0


def cmd_results(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild the result tallies of one dialogue (or all) from their ballots."""
    from sqlmodel import select

    from api.dialogues.models import Dialogue
    from api.results.service import recompute_dialogue

    _migrate(settings)
    engine = create_db_engine(settings.database_url)
    with open_session(engine, write=False) as db:
        ids = [args.dialogue] if args.dialogue else list(db.exec(select(Dialogue.id)))
    for dialogue_id in ids:
        with open_session(engine) as db:
            counted = recompute_dialogue(db, dialogue_id=dialogue_id)
        print(f"Dialogue {dialogue_id}: {counted} ballots counted.")
    engine.dispose()
    return 0


def _describe(database_url: str) -> str:
    return database_url.split("@")[-1] if "@" in database_url else database_url


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="welvaartgesprek", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help=cmd_migrate.__doc__).set_defaults(handler=cmd_migrate)

    demo = commands.add_parser("demo", help=cmd_demo.__doc__)
    demo.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="also add N clearly marked simulated ballots, to show results",
    )
    demo.add_argument("--force", action="store_true", help="load even in production")
    demo.add_argument("--host", default="127.0.0.1", help="where `serve` will listen (for links)")
    demo.add_argument(
        "--port", type=int, default=8000, help="where `serve` will listen (for links)"
    )
    demo.set_defaults(handler=cmd_demo)

    user = commands.add_parser("create-user", help=cmd_create_user.__doc__)
    user.add_argument("--email", required=True)
    user.add_argument(
        "--role", required=True, choices=["admin", "coordinator", "facilitator", "analyst"]
    )
    user.add_argument("--municipality", action="append", metavar="GM0000")
    user.add_argument("--full-name")
    user.add_argument("--password-stdin", action="store_true")
    user.set_defaults(handler=cmd_create_user)

    commands.add_parser("purge", help=cmd_purge.__doc__).set_defaults(handler=cmd_purge)

    results = commands.add_parser("results", help="result tallies")
    results_commands = results.add_subparsers(dest="results_command", required=True)
    recompute = results_commands.add_parser("recompute", help=cmd_results.__doc__)
    recompute.add_argument("--dialogue", type=int, help="only this dialogue (default: all)")
    recompute.set_defaults(handler=cmd_results)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except WeakSecretKeyError as error:
        print(error, file=sys.stderr)
        return 2
    except ValidationError as error:
        # Settings wraps a refused SECRET_KEY (and any other bad setting) in a
        # ValidationError; say what is wrong without a traceback or the values themselves.
        print("The settings are not valid:", file=sys.stderr)
        for problem in error.errors(include_url=False, include_input=False):
            setting = ".".join(str(part) for part in problem["loc"]).upper()
            message = str(problem["msg"]).removeprefix("Value error, ")
            print(f"  {setting + ': ' if setting else ''}{message}", file=sys.stderr)
        return 2
    return args.handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
