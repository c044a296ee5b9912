"""Initial schema: every table of the domain, and the default brede welvaart themes.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 18:15:56.004364
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.core.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The default taxonomy: the CBS Monitor Brede Welvaart "hier en nu" themes plus education and
# "later" (future generations). Descriptions are written at B1 level, in our own words.
_THEME_FIELDS = ("key", "name_nl", "name_en", "description_nl", "description_en", "sdgs", "icon")
_DEFAULT_THEMES = [
    (
        "welzijn",
        "Welzijn",
        "Wellbeing",
        "Hoe tevreden mensen zijn met hun leven. Voelt u zich goed? Heeft u grip op uw leven?",
        "How happy people are with their lives. Do you feel good? Do you feel in control of your life?",
        [3],
        "smile",
    ),
    (
        "materiele-welvaart",
        "Materiële welvaart",
        "Material wellbeing",
        "Genoeg geld om van te leven. Wat mensen verdienen en wat ze kunnen kopen. Geen zorgen over rekeningen.",
        "Having enough money to live on. What people earn and what they can buy. No worries about bills.",
        [1, 8, 10],
        "wallet",
    ),
    (
        "gezondheid",
        "Gezondheid",
        "Health",
        "Je lichamelijk en geestelijk gezond voelen. Goede zorg dichtbij. Gezond kunnen leven en bewegen.",
        "Feeling healthy in body and mind. Good care close by. Being able to live healthily and stay active.",
        [3],
        "heart",
    ),
    (
        "arbeid-en-vrije-tijd",
        "Arbeid en vrije tijd",
        "Work and leisure",
        "Werk dat past en genoeg vrije tijd. Plekken voor sport, cultuur en ontspanning in de buurt.",
        "Work that suits you and enough free time. Places for sport, culture and relaxing nearby.",
        [8],
        "briefcase",
    ),
    (
        "wonen",
        "Wonen",
        "Housing",
        "Een goed en betaalbaar huis. Een fijne woonomgeving, met winkels en voorzieningen in de buurt.",
        "A good home you can afford. A pleasant neighbourhood with shops and services nearby.",
        [11],
        "home",
    ),
    (
        "samenleving",
        "Samenleving",
        "Community",
        "Contact met familie, buren en vrienden. Elkaar vertrouwen en helpen. Meedoen, bijvoorbeeld als vrijwilliger.",
        "Contact with family, neighbours and friends. Trusting and helping each other. Taking part, for example as a volunteer.",
        [5, 10, 16, 17],
        "people",
    ),
    (
        "veiligheid",
        "Veiligheid",
        "Safety",
        "Je veilig voelen op straat en thuis. Weinig criminaliteit, overlast en gevaarlijk verkeer.",
        "Feeling safe at home and in the street. Little crime, nuisance and dangerous traffic.",
        [11, 16],
        "shield",
    ),
    (
        "milieu",
        "Milieu",
        "Environment",
        "Schone lucht, schoon water en weinig lawaai. Groen en schaduw in de wijk. Zorgen voor natuur en klimaat.",
        "Clean air, clean water and little noise. Green spaces and shade in the neighbourhood. Caring for nature and the climate.",
        [6, 7, 12, 13, 15],
        "tree",
    ),
    (
        "onderwijs-en-ontwikkeling",
        "Onderwijs en ontwikkeling",
        "Education and skills",
        "Goed onderwijs voor jong en oud. Blijven leren, bijvoorbeeld taal, digitale vaardigheden of een vak.",
        "Good education for young and old. Learning throughout life, for example language, digital skills or a trade.",
        [4],
        "book",
    ),
    (
        "later",
        "Later",
        "Future generations",
        "Wat we nu doen voor de mensen na ons. Zuinig zijn op natuur, geld, kennis en onderling vertrouwen.",
        "What we do now for the people after us. Taking care of nature, money, knowledge and trust between people.",
        [4, 9, 12, 13, 17],
        "seedling",
    ),
]


def upgrade() -> None:
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "processing",
                "completed",
                name="idempotency_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("locked_until", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_records_scope_key")),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_records_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "municipalities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cbs_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("brand_colour", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(cbs_code) = 6 AND substr(cbs_code, 1, 2) = 'GM' AND substr(cbs_code, 3, 1) BETWEEN '0' AND '9' AND substr(cbs_code, 4, 1) BETWEEN '0' AND '9' AND substr(cbs_code, 5, 1) BETWEEN '0' AND '9' AND substr(cbs_code, 6, 1) BETWEEN '0' AND '9'",
            name=op.f("ck_municipalities_cbs_code"),
        ),
        sa.CheckConstraint("min_group_size >= 5", name=op.f("ck_municipalities_min_group_size")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("cbs_code", name=op.f("uq_municipalities_cbs_code")),
    )
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "facilitator",
                "analyst",
                name="role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_users_email")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("object_type", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("object_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff_users.id"],
            name=op.f("fk_audit_events_actor_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "dialogues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_dialogues_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_dialogues_municipality_id_municipalities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogues")),
        sa.UniqueConstraint(
            "municipality_id", "title", name=op.f("uq_dialogues_municipality_id_title")
        ),
    )
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialogues_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "neighbourhoods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "wijk",
                "buurt",
                name="neighbourhood_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("wijk_id", sa.Integer(), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'wijk' AND wijk_id IS NULL AND length(code) = 8 AND substr(code, 1, 2) = 'WK' AND substr(code, 3, 1) BETWEEN '0' AND '9' AND substr(code, 4, 1) BETWEEN '0' AND '9' AND substr(code, 5, 1) BETWEEN '0' AND '9' AND substr(code, 6, 1) BETWEEN '0' AND '9' AND substr(code, 7, 1) BETWEEN '0' AND '9' AND substr(code, 8, 1) BETWEEN '0' AND '9') OR (kind = 'buurt' AND length(code) = 10 AND substr(code, 1, 2) = 'BU' AND substr(code, 3, 1) BETWEEN '0' AND '9' AND substr(code, 4, 1) BETWEEN '0' AND '9' AND substr(code, 5, 1) BETWEEN '0' AND '9' AND substr(code, 6, 1) BETWEEN '0' AND '9' AND substr(code, 7, 1) BETWEEN '0' AND '9' AND substr(code, 8, 1) BETWEEN '0' AND '9' AND substr(code, 9, 1) BETWEEN '0' AND '9' AND substr(code, 10, 1) BETWEEN '0' AND '9')",
            name=op.f("ck_neighbourhoods_code_matches_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_neighbourhoods_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wijk_id"],
            ["neighbourhoods.id"],
            name=op.f("fk_neighbourhoods_wijk_id_neighbourhoods"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhoods")),
        sa.UniqueConstraint("code", name=op.f("uq_neighbourhoods_code")),
    )
    with op.batch_alter_table("neighbourhoods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_neighbourhoods_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_neighbourhoods_wijk_id"), ["wijk_id"], unique=False)

    op.create_table(
        "staff_municipalities",
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_staff_municipalities_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_municipalities_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "staff_user_id", "municipality_id", name=op.f("pk_staff_municipalities")
        ),
    )
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name_nl", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("description_nl", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("description_en", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("sdgs", sa.JSON(), nullable=False),
        sa.Column("icon", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_themes_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("municipality_id", "key", name=op.f("uq_themes_municipality_id_key")),
    )
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.create_index(
            "uq_themes_default_key",
            ["key"],
            unique=True,
            sqlite_where=sa.text("municipality_id IS NULL"),
            postgresql_where=sa.text("municipality_id IS NULL"),
        )

    op.create_table(
        "priorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_priorities_dialogue_id_dialogues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_priorities_theme_id_themes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priorities")),
        sa.UniqueConstraint("dialogue_id", "title", name=op.f("uq_priorities_dialogue_id_title")),
        sa.UniqueConstraint("id", "dialogue_id", name=op.f("uq_priorities_id_dialogue_id")),
    )
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priorities_dialogue_id"), ["dialogue_id"], unique=False
        )

    op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "library",
                "youth_centre",
                "community_centre",
                "other",
                name="venue_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_venues_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhoods.id"],
            name=op.f("fk_venues_neighbourhood_id_neighbourhoods"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
        sa.UniqueConstraint("municipality_id", "name", name=op.f("uq_venues_municipality_id_name")),
    )
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_venues_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=True),
        sa.Column("starts_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "open",
                "closed",
                name="session_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "check_in_mode",
            sa.Enum(
                "poster",
                "rotating",
                name="check_in_mode",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("join_code", sa.String(length=6), nullable=False),
        sa.Column("rotation_secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("show_results", sa.Boolean(), nullable=False),
        sa.Column("opened_at", api.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", api.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_sessions_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogues.id"],
            name=op.f("fk_sessions_dialogue_id_dialogues"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"],
            ["venues.id"],
            name=op.f("fk_sessions_venue_id_venues"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("id", "dialogue_id", name=op.f("uq_sessions_id_dialogue_id")),
        sa.UniqueConstraint("join_code", name=op.f("uq_sessions_join_code")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sessions_dialogue_id"), ["dialogue_id"], unique=False)

    op.create_table(
        "participants",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "origin",
            sa.Enum(
                "qr",
                "assisted",
                "simulated",
                name="participant_origin",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["staff_users.id"],
            name=op.f("fk_participants_entered_by_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_participants_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participants_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "session_facilitators",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_facilitators_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_user_id"],
            ["staff_users.id"],
            name=op.f("fk_session_facilitators_staff_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "session_id", "staff_user_id", name=op.f("pk_session_facilitators")
        ),
    )
    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column(
            "age_band",
            sa.Enum(
                "12-17",
                "18-24",
                "25-44",
                "45-64",
                "65+",
                name="age_band",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("ranked_count", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ranked_count >= 1", name=op.f("ck_ballots_ranked_count")),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhoods.id"],
            name=op.f("fk_ballots_neighbourhood_id_neighbourhoods"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_ballots_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id", "dialogue_id"],
            ["sessions.id", "sessions.dialogue_id"],
            name="fk_ballots_session_dialogue",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
        sa.UniqueConstraint("participant_id", name=op.f("uq_ballots_participant_id")),
    )
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballots_dialogue_id"), ["dialogue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ballots_session_id"), ["session_id"], unique=False)

    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "time",
                "skill",
                "space",
                "materials",
                "network",
                "other",
                name="pledge_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("priority_id", sa.Integer(), nullable=True),
        sa.Column("hours_per_month", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "hours_per_month IS NULL OR (hours_per_month > 0 AND hours_per_month <= 40)",
            name=op.f("ck_pledges_hours_per_month"),
        ),
        sa.CheckConstraint("length(text) <= 500", name=op.f("ck_pledges_text_length")),
        sa.CheckConstraint("sequence >= 1 AND sequence <= 5", name=op.f("ck_pledges_sequence")),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_pledges_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            name="fk_pledges_priority_dialogue",
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_pledges_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
        sa.UniqueConstraint(
            "participant_id", "sequence", name=op.f("uq_pledges_participant_id_sequence")
        ),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_dialogue_id"), ["dialogue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_session_id"), ["session_id"], unique=False)

    op.create_table(
        "ballot_items",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("rank >= 1 AND rank <= 30", name=op.f("ck_ballot_items_rank")),
        sa.ForeignKeyConstraint(
            ["ballot_id"],
            ["ballots.id"],
            name=op.f("fk_ballot_items_ballot_id_ballots"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id", "dialogue_id"],
            ["priorities.id", "priorities.dialogue_id"],
            name="fk_ballot_items_priority_dialogue",
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("ballot_id", "rank", name=op.f("pk_ballot_items")),
        sa.UniqueConstraint(
            "ballot_id", "priority_id", name=op.f("uq_ballot_items_ballot_id_priority_id")
        ),
    )
    op.create_table(
        "pledge_contacts",
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("consented_at", api.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pledge_id"],
            ["pledges.id"],
            name=op.f("fk_pledge_contacts_pledge_id_pledges"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pledge_id", name=op.f("pk_pledge_contacts")),
    )

    themes = sa.table(
        "themes",
        sa.column("key", sa.String),
        sa.column("name_nl", sa.String),
        sa.column("name_en", sa.String),
        sa.column("description_nl", sa.String),
        sa.column("description_en", sa.String),
        sa.column("sdgs", sa.JSON),
        sa.column("icon", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        themes,
        [
            dict(zip(_THEME_FIELDS, row, strict=True), position=i)
            for i, row in enumerate(_DEFAULT_THEMES, 1)
        ],
    )


def downgrade() -> None:
    op.drop_table("pledge_contacts")
    op.drop_table("ballot_items")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_session_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_dialogue_id"))

    op.drop_table("pledges")
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballots_session_id"))
        batch_op.drop_index(batch_op.f("ix_ballots_dialogue_id"))

    op.drop_table("ballots")
    op.drop_table("session_facilitators")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_session_id"))

    op.drop_table("participants")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_dialogue_id"))

    op.drop_table("sessions")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venues_municipality_id"))

    op.drop_table("venues")
    with op.batch_alter_table("priorities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_priorities_dialogue_id"))

    op.drop_table("priorities")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_themes_default_key",
            sqlite_where=sa.text("municipality_id IS NULL"),
            postgresql_where=sa.text("municipality_id IS NULL"),
        )

    op.drop_table("themes")
    op.drop_table("staff_municipalities")
    with op.batch_alter_table("neighbourhoods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_neighbourhoods_wijk_id"))
        batch_op.drop_index(batch_op.f("ix_neighbourhoods_municipality_id"))

    op.drop_table("neighbourhoods")
    with op.batch_alter_table("dialogues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogues_municipality_id"))

    op.drop_table("dialogues")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))

    op.drop_table("audit_events")
    op.drop_table("staff_users")
    op.drop_table("municipalities")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_expires_at"))

    op.drop_table("idempotency_records")
