"""The Alembic migrations build exactly the schema of the models, and the schema guards the data.

Every test runs on SQLite and on PostgreSQL. The refusals at the end write straight to the
database (SQL Core, no services, no API), to prove the database itself keeps the rules even
when a bug or a hand-made query gets past the application.
"""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.sql import sqltypes
from sqlmodel import Session, SQLModel

import api.tables  # noqa: F401  (every table on the metadata)
from api.core.db import create_db_engine, utcnow
from api.core.migrations import alembic_config
from tests.helpers import DEFAULT_THEME_KEYS
from tests.support.places import Place, build_place

# migrations and the constraints they create, on each dialect
pytestmark = pytest.mark.both_databases

TABLES = SQLModel.metadata.tables
DEFAULT_THEMES = set(DEFAULT_THEME_KEYS)


def differences(bind: Engine | Connection) -> list[Any]:
    """What `alembic revision --autogenerate` would put in a new migration."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return differences(connection)
    context = MigrationContext.configure(
        bind,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "render_as_batch": bind.dialect.name == "sqlite",
        },
    )
    return compare_metadata(context, SQLModel.metadata)


def check_constraints(engine: Engine) -> dict[str, set[str]]:
    """The names of the CHECK constraints of every table, as the database has them.

    Autogenerate does not compare CHECK constraints, so they are compared here by name.
    """
    inspector = inspect(engine)
    return {
        table: {c["name"] for c in inspector.get_check_constraints(table) if c.get("name")}
        for table in TABLES
    }


def model_check_constraints() -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for table in TABLES.values():
        names[table.name] = {
            str(c.name) for c in table.constraints if c.__class__.__name__ == "CheckConstraint"
        }
    return names


def default_themes(engine: Engine) -> list[dict[str, Any]]:
    themes = TABLES["themes"]
    with engine.connect() as connection:
        rows = connection.execute(
            themes.select().where(themes.c.municipality_id.is_(None)).order_by(themes.c.position)
        )
        return [dict(row) for row in rows.mappings()]


def test_upgrade_head_builds_exactly_the_schema_of_the_models_and_downgrade_undoes_it(
    fresh_database_url: str,
):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "head")
    engine = create_db_engine(fresh_database_url)
    try:
        assert differences(engine) == []
        assert set(inspect(engine).get_table_names()) == set(TABLES) | {"alembic_version"}
        in_database = check_constraints(engine)
        for table, names in model_check_constraints().items():
            assert names <= in_database[table], (table, names - in_database[table])
        assert "uq_themes_default_key" in {i["name"] for i in inspect(engine).get_indexes("themes")}
        engine.dispose()

        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()

        command.upgrade(config, "head")
        assert differences(engine) == []
        assert len(default_themes(engine)) == 10, "the themes are seeded once again, not twice"
    finally:
        engine.dispose()


def test_upgrading_to_0005_copies_each_ballots_ranking_from_its_items(fresh_database_url: str):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "head")
    engine = create_db_engine(fresh_database_url)
    try:
        with Session(engine) as db:
            place = build_place(db, "GM0855", "Tilburg", join_code="TBGAAA")
        command.downgrade(config, "0004")
        rankings = {"first": place.priority_ids[2::-1], "second": place.priority_ids[1:2]}
        with engine.begin() as connection:
            for name, ranking in rankings.items():
                connection.execute(
                    text(
                        "INSERT INTO participants (id, session_id, origin, created_at)"
                        " VALUES (:id, :session, 'qr', :now)"
                    ),
                    {"id": name, "session": place.session_id, "now": utcnow()},
                )
                ballot_id = connection.execute(
                    text(
                        "INSERT INTO ballots (participant_id, session_id, dialogue_id,"
                        " ranked_count, revision, created_at, updated_at) VALUES (:participant,"
                        " :session, :dialogue, :k, 1, :now, :now) RETURNING id"
                    ),
                    {"participant": name, "session": place.session_id,
                     "dialogue": place.dialogue_id, "k": len(ranking), "now": utcnow()},
                ).scalar_one()  # fmt: skip
                for rank, priority in enumerate(ranking, 1):
                    connection.execute(
                        text(
                            "INSERT INTO ballot_items (ballot_id, rank, priority_id, dialogue_id)"
                            " VALUES (:ballot, :rank, :priority, :dialogue)"
                        ),
                        {"ballot": ballot_id, "rank": rank, "priority": priority,
                         "dialogue": place.dialogue_id},
                    )  # fmt: skip
        engine.dispose()

        command.upgrade(config, "head")
        with engine.connect() as connection:
            stored = dict(
                connection.execute(text("SELECT participant_id, ranking FROM ballots")).all()
            )
        assert stored == {name: ",".join(map(str, r)) for name, r in rankings.items()}
        assert differences(engine) == []
    finally:
        engine.dispose()


def test_upgrading_to_0006d_moves_contact_details_into_offers_no_pledge_points_to(
    fresh_database_url: str,
):
    config = alembic_config(fresh_database_url)
    command.upgrade(config, "head")
    engine = create_db_engine(fresh_database_url)
    try:
        with Session(engine) as db:
            place = build_place(db, "GM0855", "Tilburg", join_code="TBGAAA")
        command.downgrade(config, "0005")
        pledges = [  # participant, sequence, text, hours, contact
            ("with-contact", 1, "Ik help bij de moestuin.", 4.5, "jan@example.org"),
            ("with-contact", 2, "Ik bak taarten.", None, None),
            ("without", 1, "Ik repareer fietsen.", None, None),
        ]
        consented = utcnow().replace(tzinfo=None)
        with engine.begin() as connection:
            for name in ("with-contact", "without"):
                connection.execute(
                    text(
                        "INSERT INTO participants (id, session_id, origin, created_at)"
                        " VALUES (:id, :session, 'qr', :now)"
                    ),
                    {"id": name, "session": place.session_id, "now": utcnow()},
                )
            for name, sequence, words, hours, contact in pledges:
                pledge_id = connection.execute(
                    text(OLD_PLEDGE_SQL + " RETURNING id"),
                    pledge_values(
                        place, name, text=words, hours_per_month=hours, sequence=sequence,
                        priority_id=place.priority_ids[1],
                    ),
                ).scalar_one()  # fmt: skip
                if contact:
                    connection.execute(
                        text(
                            "INSERT INTO pledge_contacts (pledge_id, contact, consented_at)"
                            " VALUES (:pledge, :contact, :at)"
                        ),
                        {"pledge": pledge_id, "contact": contact, "at": consented},
                    )
        engine.dispose()

        command.upgrade(config, "head")
        with engine.connect() as connection:
            offers = connection.execute(text("SELECT * FROM contact_offers")).mappings().all()
            kept = connection.execute(
                text("SELECT participant_id, sequence, text FROM pledges ORDER BY text")
            ).all()
            follow_up_ids = connection.execute(text("SELECT follow_up_id FROM pledges")).scalars()
            assert sorted(len(key) for key in follow_up_ids) == [36, 36], "random ids (0008b)"
        [offer] = offers
        assert {k: offer[k] for k in ("dialogue_id", "kind", "priority_id", "text", "contact")} == {
            "dialogue_id": place.dialogue_id,
            "kind": "time",
            "priority_id": place.priority_ids[1],
            "text": "Ik help bij de moestuin.",
            "contact": "jan@example.org",
        }
        assert float(offer["hours_per_month"]) == 4.5
        assert str(offer["consented_on"])[:10] == consented.date().isoformat()
        assert len(offer["id"]) == 36, "a random id, not one that counts along with the pledges"
        # The pledge with the contact is gone from the participant's pledges, and its number
        # with it: the other pledge is their first now.
        assert [tuple(row) for row in kept] == [
            ("with-contact", 1, "Ik bak taarten."),
            ("without", 1, "Ik repareer fietsen."),
        ]
        assert "pledge_contacts" not in inspect(engine).get_table_names()
        assert differences(engine) == []

        command.downgrade(config, "0005")  # lossy: nothing says which pledge an offer was
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM pledge_contacts")).scalar() == 0
    finally:
        engine.dispose()


LINKS_TO_A_PERSON = {"participants", "ballots", "ballot_items", "pledges", "sessions"}


def test_no_column_links_contact_details_to_a_participant_or_ballot(engine: Engine):
    """The only table with contact details points to nothing that leads to a person."""
    inspector = inspect(engine)
    holding_contacts = {
        table
        for table in inspector.get_table_names()
        if any(c["name"] in ("contact", "email", "phone") for c in inspector.get_columns(table))
    }
    assert holding_contacts == {"contact_offers", "staff_users"}  # staff sign in by e-mail
    # Nothing about offers points to a person either: their counts (towards the five) are
    # kept under a key only the app can compute.
    assert {c["name"] for c in inspector.get_columns("contact_offer_counts")} == {
        "key", "dialogue_id", "offers",
    }  # fmt: skip
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys("contact_offer_counts")} == {
        "dialogues"
    }
    columns = {c["name"] for c in inspector.get_columns("contact_offers")}
    assert columns == {
        "id", "dialogue_id", "kind", "priority_id", "hours_per_month", "text", "contact",
        "consented_on", "follow_up_status",
    }  # fmt: skip
    assert not {c for c in columns if c.startswith(("participant", "ballot", "pledge", "session"))}
    assert not any("created" in c or c.endswith("_at") for c in columns), "only a day, no moment"
    assert {fk["referred_table"] for fk in inspector.get_foreign_keys("contact_offers")} == {
        "dialogues",
        "priorities",
    }
    for table in LINKS_TO_A_PERSON:
        pointing = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert not pointing & {"contact_offers", "contact_offer_counts"}, table
    id_column = next(c for c in inspector.get_columns("contact_offers") if c["name"] == "id")
    assert not isinstance(id_column["type"], sqltypes.Integer), "no id that counts along"


def test_the_comparison_notices_a_schema_that_differs_from_the_models(engine: Engine):
    # DDL is transactional on both databases: the change is rolled back after the check.
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(text("ALTER TABLE venues ADD COLUMN colour VARCHAR(7)"))
            connection.execute(text("CREATE INDEX ix_venues_name ON venues (name)"))
            found = differences(connection)
        finally:
            transaction.rollback()
    assert {d[0] for d in found} >= {"remove_column", "remove_index"}, found
    assert differences(engine) == []


def test_the_default_themes_are_seeded_with_names_descriptions_and_sdgs(clean_engine: Engine):
    themes = default_themes(clean_engine)
    assert {t["key"] for t in themes} == DEFAULT_THEMES
    assert len(themes) == 10
    for theme in themes:
        assert theme["name_nl"] and theme["name_en"], theme
        assert theme["name_nl"] != theme["name_en"] or theme["key"] == "later", theme
        assert 30 <= len(theme["description_nl"]) <= 400, theme
        assert 30 <= len(theme["description_en"]) <= 400, theme
        assert theme["sdgs"] and all(1 <= n <= 17 for n in theme["sdgs"]), theme
        assert theme["icon"], theme
    assert [t["position"] for t in themes] == sorted({t["position"] for t in themes})
    by_key = {t["key"]: t for t in themes}
    assert by_key["gezondheid"]["sdgs"] == [3]
    assert by_key["milieu"]["name_en"] == "Environment"


# --- the database refuses bad data ----------------------------------------------------------


@pytest.fixture
def world(db: Session) -> tuple[Place, Place]:
    """Tilburg and 's-Hertogenbosch, each with a dialogue, a venue and an open session."""
    return (
        build_place(db, "GM0855", "Tilburg", join_code="TBGAAA"),
        build_place(db, "GM0796", "'s-Hertogenbosch", join_code="DBSBBB"),
    )


def insert(engine: Engine, table: str, **values: Any) -> Any:
    with engine.begin() as connection:
        result = connection.execute(TABLES[table].insert().values(**values))
        return result.inserted_primary_key[0] if result.inserted_primary_key else None


def refused(engine: Engine, sql: str, **params: Any) -> None:
    """The statement fails on a constraint (or a column length) and changes nothing."""
    with pytest.raises((IntegrityError, DataError)), engine.begin() as connection:
        connection.execute(text(sql), params)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(TABLES[table])).scalar_one()


def participant(engine: Engine, place: Place, name: str) -> str:
    insert(
        engine,
        "participants",
        id=name,
        session_id=place.session_id,
        origin="qr",
        created_at=utcnow(),
    )
    return name


def ballot(engine: Engine, place: Place, participant_id: str) -> int:
    now = utcnow()
    return insert(
        engine, "ballots", participant_id=participant_id, session_id=place.session_id,
        dialogue_id=place.dialogue_id, ranked_count=1, ranking=str(place.priority_ids[0]),
        revision=1, created_at=now, updated_at=now,
    )  # fmt: skip


def pledge_values(place: Place, participant_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "participant_id": participant_id,
        "session_id": place.session_id,
        "dialogue_id": place.dialogue_id,
        "sequence": 1,
        "kind": "time",
        "priority_id": None,
        "hours_per_month": None,
        "text": "",
        "created_at": utcnow().replace(tzinfo=None),
        "follow_up_id": str(uuid.uuid4()),
        **changes,
    }


OLD_PLEDGE_SQL = (  # before 0008b: no follow-up id yet
    "INSERT INTO pledges (participant_id, session_id, dialogue_id, sequence, kind, priority_id,"
    " hours_per_month, text, created_at) VALUES (:participant_id, :session_id, :dialogue_id,"
    " :sequence, :kind, :priority_id, :hours_per_month, :text, :created_at)"
)
PLEDGE_SQL = (
    "INSERT INTO pledges (participant_id, session_id, dialogue_id, sequence, kind, priority_id,"
    " hours_per_month, text, created_at, follow_up_id) VALUES (:participant_id, :session_id,"
    " :dialogue_id, :sequence, :kind, :priority_id, :hours_per_month, :text, :created_at,"
    " :follow_up_id)"
)
MUNICIPALITY_SQL = (
    "INSERT INTO municipalities (cbs_code, name, min_group_size, brand_colour, created_at)"
    " VALUES (:code, 'X', :size, '#01689b', :now)"
)


def test_the_database_refuses_a_second_ballot_for_the_same_participant(clean_engine, world):
    tilburg, _ = world
    resident = participant(clean_engine, tilburg, "p-1")
    ballot(clean_engine, tilburg, resident)
    with pytest.raises(IntegrityError):
        ballot(clean_engine, tilburg, resident)
    assert count(clean_engine, "ballots") == 1


def test_the_database_refuses_a_malformed_cbs_code(clean_engine, world):
    now = utcnow().replace(tzinfo=None)
    for code in ("GM085", "GM08555", "XX0855", "GM08A5", "gm0855", "0855GM"):
        refused(clean_engine, MUNICIPALITY_SQL, code=code, size=10, now=now)
    insert(clean_engine, "municipalities", cbs_code="GM0001", name="Goed", min_group_size=10,
           brand_colour="#01689b", created_at=utcnow())  # fmt: skip
    assert count(clean_engine, "municipalities") == 3


def test_the_database_refuses_a_min_group_size_below_five(clean_engine, world):
    now = utcnow().replace(tzinfo=None)
    refused(clean_engine, MUNICIPALITY_SQL, code="GM0001", size=4, now=now)
    refused(clean_engine, "UPDATE municipalities SET min_group_size = 4 WHERE cbs_code = 'GM0855'")
    with clean_engine.begin() as connection:
        connection.execute(text(MUNICIPALITY_SQL), {"code": "GM0001", "size": 5, "now": now})
    assert count(clean_engine, "municipalities") == 3


def test_the_database_refuses_a_ballot_item_with_a_priority_of_another_dialogue(
    clean_engine, world
):
    tilburg, den_bosch = world
    ballot_id = ballot(clean_engine, tilburg, participant(clean_engine, tilburg, "p-1"))
    sql = (
        "INSERT INTO ballot_items (ballot_id, rank, priority_id, dialogue_id)"
        " VALUES (:ballot, 1, :priority, :dialogue)"
    )
    refused(
        clean_engine, sql, ballot=ballot_id, priority=den_bosch.priority_ids[0],
        dialogue=tilburg.dialogue_id,
    )  # fmt: skip
    refused(clean_engine, sql, ballot=ballot_id, priority=999999, dialogue=tilburg.dialogue_id)
    with clean_engine.begin() as connection:
        connection.execute(
            text(sql),
            {
                "ballot": ballot_id,
                "priority": tilburg.priority_ids[0],
                "dialogue": tilburg.dialogue_id,
            },
        )
    refused(  # the same priority twice in one ballot
        clean_engine,
        sql.replace("1, :priority", "2, :priority"),
        ballot=ballot_id, priority=tilburg.priority_ids[0], dialogue=tilburg.dialogue_id,
    )  # fmt: skip
    assert count(clean_engine, "ballot_items") == 1


def test_the_database_refuses_a_ballot_item_that_claims_the_other_dialogue(clean_engine, world):
    tilburg, den_bosch = world
    ballot_id = ballot(clean_engine, tilburg, participant(clean_engine, tilburg, "p-1"))
    refused(
        clean_engine,
        "INSERT INTO ballot_items (ballot_id, rank, priority_id, dialogue_id)"
        " VALUES (:ballot, 1, :priority, :dialogue)",
        ballot=ballot_id, priority=den_bosch.priority_ids[0], dialogue=den_bosch.dialogue_id,
    )  # fmt: skip


def test_the_database_refuses_a_pledge_of_more_than_forty_hours(clean_engine, world):
    tilburg, _ = world
    resident = participant(clean_engine, tilburg, "p-1")
    for hours in (41, 40.1, 0, -1):
        refused(clean_engine, PLEDGE_SQL, **pledge_values(tilburg, resident, hours_per_month=hours))
    with clean_engine.begin() as connection:
        connection.execute(text(PLEDGE_SQL), pledge_values(tilburg, resident, hours_per_month=40))
    assert count(clean_engine, "pledges") == 1


def test_the_database_refuses_a_sixth_pledge_of_one_participant(clean_engine, world):
    tilburg, _ = world
    resident = participant(clean_engine, tilburg, "p-1")
    with clean_engine.begin() as connection:
        for sequence in range(1, 6):
            connection.execute(
                text(PLEDGE_SQL), pledge_values(tilburg, resident, sequence=sequence)
            )
    refused(clean_engine, PLEDGE_SQL, **pledge_values(tilburg, resident, sequence=6))
    refused(clean_engine, PLEDGE_SQL, **pledge_values(tilburg, resident, sequence=3))
    refused(clean_engine, PLEDGE_SQL, **pledge_values(tilburg, resident, sequence=0))
    assert count(clean_engine, "pledges") == 5


def test_the_database_refuses_a_pledge_for_a_priority_of_another_dialogue(clean_engine, world):
    tilburg, den_bosch = world
    resident = participant(clean_engine, tilburg, "p-1")
    values = pledge_values(tilburg, resident, priority_id=den_bosch.priority_ids[0])
    refused(clean_engine, PLEDGE_SQL, **values)
    assert count(clean_engine, "pledges") == 0


def test_the_database_refuses_a_neighbourhood_whose_kind_does_not_match_its_code(
    clean_engine, world
):
    tilburg, _ = world
    with clean_engine.connect() as connection:
        municipality_id, wijk_id = connection.execute(
            text("SELECT municipality_id, id FROM neighbourhoods WHERE code = :code"),
            {"code": tilburg.wijk},
        ).one()
    sql = (
        "INSERT INTO neighbourhoods (municipality_id, code, name, kind, wijk_id, updated_at)"
        " VALUES (:municipality, :code, 'X', :kind, :wijk, :now)"
    )
    now = utcnow().replace(tzinfo=None)
    bad = [
        ("BU08550199", "wijk", None),  # a buurt code called a wijk
        ("WK085502", "buurt", wijk_id),  # a wijk code called a buurt
        ("WK085502", "wijk", wijk_id),  # a wijk inside a wijk
        ("WK08550", "wijk", None),  # too short
        ("BU0855019x", "buurt", wijk_id),  # lower case (codes are digits and capitals)
        ("BU08A50191", "buurt", wijk_id),  # letters in the municipality's digits
        ("WK085502", "district", None),  # no such kind
    ]
    before = count(clean_engine, "neighbourhoods")
    for code, kind, wijk in bad:
        refused(
            clean_engine, sql, municipality=municipality_id, code=code, kind=kind, wijk=wijk,
            now=now,
        )  # fmt: skip
    with clean_engine.begin() as connection:
        connection.execute(
            text(sql),
            {"municipality": municipality_id, "code": "WK085502", "kind": "wijk", "wijk": None,
             "now": now},
        )  # fmt: skip
    assert count(clean_engine, "neighbourhoods") == before + 1


def test_the_database_refuses_a_dialogue_that_ends_before_it_starts(clean_engine, world):
    tilburg, _ = world
    with clean_engine.connect() as connection:
        municipality_id = connection.execute(
            text("SELECT id FROM municipalities WHERE cbs_code = 'GM0855'")
        ).scalar_one()
    today = utcnow().date()
    now = utcnow().replace(tzinfo=None)
    refused(
        clean_engine,
        "INSERT INTO dialogues (municipality_id, title, description, starts_on, ends_on,"
        " created_at, updated_at) VALUES (:m, 'Achterstevoren', '', :start, :end, :now, :now)",
        m=municipality_id, start=today, end=today - timedelta(days=1), now=now,
    )  # fmt: skip
