"""Regions: created by an admin, joined and left by each member municipality itself.

A municipality listed in a region shares nothing until its own coordinator (or an admin)
joins it. While it is a member, its facilitators and coordinators run sessions of the
region's dialogues at its venues, and the region's analysts read the released figures of the
dialogues it leads and its group in every regional dialogue's municipality breakdown.
Leaving stops the sharing from that moment (see `leave_region`).
"""

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.audit.service import record_event
from api.context.importers import read_area_rows
from api.core.access import Actor, Role
from api.core.constraints import refused_as
from api.core.db import utcnow
from api.core.problems import Conflict, Forbidden, InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.membership.models import MembershipStatus, Region, RegionKind, RegionMember
from api.membership.service import is_joined, joined_municipality_ids
from api.municipalities import service as municipalities
from api.municipalities.models import Municipality
from api.regions.schemas import RegionalDialogue, RegionMemberPublic, RegionPublic
from api.sessions.models import DialogueSession, SessionStatus
from api.staff import service as staff
from api.staff.models import StaffRegion
from api.venues.models import Venue

_LEVEL_OF_KIND = {
    RegionKind.COROP: "corop",
    RegionKind.ARBEIDSMARKTREGIO: "arbeidsmarktregio",
    RegionKind.PROVINCIE: "provincie",
}


def no_region(region_id: int) -> NotFound:
    return NotFound(
        f"There is no region {region_id} that you have access to.",
        nl=f"Er is geen regio {region_id} waar u toegang toe hebt.",
    )


def _name_taken(name: str) -> Conflict:
    return Conflict(
        f"There already is a region called '{name}' of this kind.",
        nl=f"Er is al een regio '{name}' van deze soort.",
        kind="region-name-taken",
    )


def _store_region(db: Session, *, region: Region, member_ids: Iterable[int], actor: Actor):
    db.add(region)
    with refused_as(db, _name_taken(region.name)):
        db.flush()
    assert region.id is not None
    db.add_all(
        RegionMember(region_id=region.id, municipality_id=municipality_id)
        for municipality_id in sorted(set(member_ids))
    )
    record_event(
        db,
        actor_id=actor.user_id,
        action="region.created",
        object_type="region",
        object_id=str(region.id),
    )
    db.commit()
    return region


def create_own_region(
    db: Session, *, name: str, municipality_codes: list[str], actor: Actor
) -> Region:
    """An own grouping of municipalities; each is invited and shares nothing until it joins."""
    ids = []
    unknown = []
    for code in dict.fromkeys(municipality_codes):
        municipality = municipalities.find_municipality(db, cbs_code=code)
        if municipality is None:
            unknown.append(code)
        else:
            ids.append(municipality.id)
    if unknown:
        raise InvalidInput(
            f"These municipalities are not in Welvaartgesprek: {', '.join(unknown)}.",
            nl=f"Deze gemeenten staan niet in Welvaartgesprek: {', '.join(unknown)}.",
            invalid_params=[
                ("municipalities", f"{code} is unknown", f"{code} is onbekend") for code in unknown
            ],
        )
    if len(ids) < 2:
        raise InvalidInput(
            "A region groups at least two different municipalities.",
            nl="Een regio groepeert minstens twee verschillende gemeenten.",
            invalid_params=[
                ("municipalities", "fewer than two", "minder dan twee"),
            ],
        )
    region = Region(kind=RegionKind.OWN, name=name.strip() or name)
    return _store_region(db, region=region, member_ids=ids, actor=actor)  # type: ignore[arg-type]  # the ids of stored rows are set; SQLModel types them int | None


def import_region(
    db: Session, *, kind: RegionKind, code: str, areas: bytes, actor: Actor
) -> Region:
    """A COROP area, labour market region or province from the CBS area file: every
    municipality of the file in that area that is in Welvaartgesprek is invited."""
    if kind is RegionKind.OWN:
        raise InvalidInput(
            "An own grouping is not in the CBS file: create it with POST /regions.",
            nl="Een eigen indeling staat niet in het CBS-bestand: maak haar met POST /regions.",
            invalid_params=[("kind", "not from the area file", "niet uit het gebiedenbestand")],
        )
    level = _LEVEL_OF_KIND[kind]
    wanted = code.strip().upper()
    name = None
    codes = []
    for row in read_area_rows(areas):
        area = row.get(level)
        if area is None or area.code != wanted:
            continue
        name = area.name
        if "gemeente" in row:
            codes.append(row["gemeente"].code)
    if name is None:
        raise InvalidInput(
            f"The area file has no {level} with the code {wanted}.",
            nl=f"Het gebiedenbestand heeft geen {level} met de code {wanted}.",
            kind="bad-import-file",
            invalid_params=[("code", "not in the area file", "niet in het gebiedenbestand")],
        )
    found = [municipalities.find_municipality(db, cbs_code=c) for c in codes]
    ids = [m.id for m in found if m is not None]
    if not ids:
        raise InvalidInput(
            f"None of the municipalities of {name} ({wanted}) is in Welvaartgesprek yet.",
            nl=f"Geen van de gemeenten van {name} ({wanted}) staat al in Welvaartgesprek.",
            invalid_params=[("code", "no municipality of ours", "geen gemeente van ons")],
        )
    region = Region(kind=kind, cbs_code=wanted, name=name)
    return _store_region(db, region=region, member_ids=ids, actor=actor)  # type: ignore[arg-type]  # the ids of stored rows are set; SQLModel types them int | None


def _members(db: Session, *, region_id: int) -> list[RegionMember]:
    return list(
        db.execute(select(RegionMember).where(RegionMember.region_id == region_id)).scalars().all()
    )


def _may_see(db: Session, *, region: Region, actor: Actor) -> bool:
    if actor.is_admin or (region.id in actor.region_ids):
        return True
    if actor.role is Role.REGIONAL_ANALYST:
        return False
    listed = {m.municipality_id for m in _members(db, region_id=region.id)}  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    return bool(listed & actor.municipality_ids)


def list_regions(db: Session, *, actor: Actor) -> list[Region]:
    """The regions the actor may see: all for admins, their own for a regional analyst, and
    those that list one of their municipalities for other staff."""
    rows = db.execute(select(Region).order_by(Region.name, Region.id)).scalars().all()
    return [region for region in rows if _may_see(db, region=region, actor=actor)]


def get_region(db: Session, *, region_id: int, actor: Actor) -> Region:
    """The region, if the actor may see it (else 404)."""
    region = db.get(Region, region_id)
    if region is None or not _may_see(db, region=region, actor=actor):
        raise no_region(region_id)
    return region


def to_public(db: Session, region: Region) -> RegionPublic:
    """The API view of a region and its listed municipalities."""
    assert region.id is not None
    members = _members(db, region_id=region.id)
    places = {
        m.id: m
        for m in db.execute(
            select(Municipality).where(
                Municipality.id.in_([m.municipality_id for m in members])  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
            )
        ).scalars()
    }
    return RegionPublic(
        id=region.id,
        kind=region.kind,
        cbs_code=region.cbs_code,
        name=region.name,
        created_at=region.created_at,
        members=sorted(
            (
                RegionMemberPublic(
                    municipality=places[m.municipality_id].cbs_code,
                    municipality_name=places[m.municipality_id].name,
                    status=m.status,
                    joined_at=m.joined_at,
                    left_at=m.left_at,
                )
                for m in members
            ),
            key=lambda m: m.municipality,
        ),
    )


def _listed(db: Session, *, region: Region, cbs_code: str, actor: Actor) -> RegionMember:
    """The membership of a municipality the actor runs (coordinator or admin)."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=actor)
    member = db.get(RegionMember, (region.id, municipality.id))
    if member is None:
        raise NotFound(
            f"{municipality.name} is not listed in the region {region.name}.",
            nl=f"{municipality.name} staat niet in de regio {region.name}.",
        )
    if not actor.can_manage(municipality.id):  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        raise Forbidden(
            "Only the municipality's own coordinator (or an admin) joins or leaves a region "
            "for it.",
            nl="Alleen de eigen coördinator van de gemeente (of een beheerder) laat haar "
            "toetreden tot een regio of eruit stappen.",
            kind="role-required",
        )
    # Joining and leaving at once for the same member: the second waits and sees the first.
    db.refresh(member, with_for_update=True)
    return member


def _save_membership(
    db: Session, *, member: RegionMember, region: Region, cbs_code: str, actor: Actor, action: str
) -> None:
    """Commit the member's new status, audited as `action`."""
    db.add(member)
    record_event(
        db,
        actor_id=actor.user_id,
        action=action,
        object_type="region",
        object_id=str(region.id),
        detail={"municipality": cbs_code},
    )
    db.commit()


def join_region(db: Session, *, region: Region, cbs_code: str, actor: Actor) -> RegionMember:
    """The municipality joins: from now on it shares with the region (idempotent)."""
    member = _listed(db, region=region, cbs_code=cbs_code, actor=actor)
    if member.status is not MembershipStatus.JOINED:
        member.status = MembershipStatus.JOINED
        member.joined_at = utcnow()
        member.left_at = None
        _save_membership(
            db, member=member, region=region, cbs_code=cbs_code, actor=actor, action="region.joined"
        )
    return member


def leave_region(db: Session, *, region: Region, cbs_code: str, actor: Actor) -> RegionMember:
    """The municipality leaves; sharing stops at this moment (`left_at`):

    - the region's analysts no longer see the dialogues it leads (a 404, past figures too);
    - every session not yet closed that crosses the border — one at its venues of another
      member's regional dialogue, or one at another member's venue of a dialogue it leads —
      is closed now, so no ballot cast from now on goes from one side to the other;
    - no new such session can be planned, and its staff lose access to other members'
      regional dialogues (and theirs to its own).

    What was released before the moment stays in the dialogue it was cast for: the
    municipality's group in another member's dialogue keeps its last released figure and no
    longer moves. Leaving twice is a no-op.
    """
    member = _listed(db, region=region, cbs_code=cbs_code, actor=actor)
    if member.status is not MembershipStatus.JOINED:
        return member
    leaver = member.municipality_id
    crossing = db.execute(
        select(DialogueSession)
        .join(Dialogue, Dialogue.id == DialogueSession.dialogue_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .join(Venue, Venue.id == DialogueSession.venue_id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(Dialogue.region_id == region.id)
        .where(DialogueSession.status != SessionStatus.CLOSED)
        .where((Venue.municipality_id == leaver) != (Dialogue.municipality_id == leaver))
        .with_for_update()
    ).scalars()
    now = utcnow()
    for row in crossing:
        row.status = SessionStatus.CLOSED
        row.closed_at = now
        db.add(row)
        record_event(
            db,
            actor_id=actor.user_id,
            action="session.closed",
            object_type="session",
            object_id=str(row.id),
            detail={"reason": "left region", "region": region.id, "municipality": cbs_code},
        )
    member.status = MembershipStatus.LEFT
    member.left_at = now
    _save_membership(
        db, member=member, region=region, cbs_code=cbs_code, actor=actor, action="region.left"
    )
    return member


def _not_a_member(name: str) -> Conflict:
    return Conflict(
        f"{name} is not a member of this region: its coordinator joins it first.",
        nl=f"{name} is geen lid van deze regio: de coördinator laat haar eerst toetreden.",
        kind="not-a-region-member",
    )


def make_regional(db: Session, *, region: Region, dialogue_id: int, actor: Actor) -> Dialogue:
    """Make a dialogue of a member municipality (its lead) a dialogue of the region."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    if not actor.can_manage(dialogue.municipality_id):
        raise Forbidden(
            "Only a coordinator of the dialogue's municipality (or an admin) makes it regional.",
            nl="Alleen een coördinator van de gemeente van de dialoog (of een beheerder) maakt "
            "haar regionaal.",
            kind="role-required",
        )
    lead = municipalities.get_municipality_by_id(db, municipality_id=dialogue.municipality_id)
    if not is_joined(db, region_id=region.id, municipality_id=lead.id):  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        raise _not_a_member(lead.name)
    if dialogue.region_id not in (None, region.id):
        raise Conflict(
            "This dialogue already belongs to another region.",
            nl="Deze dialoog hoort al bij een andere regio.",
            kind="dialogue-in-another-region",
        )
    if dialogue.region_id is None:
        dialogue.region_id = region.id
        db.add(dialogue)
        record_event(
            db,
            actor_id=actor.user_id,
            action="dialogue.made_regional",
            object_type="dialogue",
            object_id=str(dialogue.id),
            detail={"region": region.id},
        )
        db.commit()
    return dialogue


def regional_dialogues(db: Session, *, region: Region) -> list[Dialogue]:
    """The region's dialogues whose lead is a member now, newest first."""
    members = joined_municipality_ids(db, region_id=region.id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    return list(
        db.execute(
            select(Dialogue)
            .where(Dialogue.region_id == region.id)
            .where(Dialogue.municipality_id.in_(members))  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
            .order_by(Dialogue.starts_on.desc(), Dialogue.id.desc())  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
        )
        .scalars()
        .all()
    )


def regional_dialogue(db: Session, *, region: Region, dialogue_id: int) -> Dialogue:
    """One of the region's dialogues whose lead is a member now (else 404)."""
    dialogue = db.get(Dialogue, dialogue_id)
    if (
        dialogue is None
        or dialogue.region_id != region.id
        or not is_joined(db, region_id=region.id, municipality_id=dialogue.municipality_id)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    ):
        raise NotFound(
            f"There is no dialogue {dialogue_id} in this region that you have access to.",
            nl=f"Er is geen dialoog {dialogue_id} in deze regio waar u toegang toe hebt.",
        )
    return dialogue


def dialogue_public(db: Session, dialogue: Dialogue) -> RegionalDialogue:
    """A regional dialogue as the region's analysts see it."""
    lead = municipalities.get_municipality_by_id(db, municipality_id=dialogue.municipality_id)
    hosts = db.execute(
        select(Municipality.cbs_code)
        .join(Venue, Venue.municipality_id == Municipality.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .join(DialogueSession, DialogueSession.venue_id == Venue.id)  # type: ignore[arg-type]  # SQLModel types a column comparison as bool, not a SQL expression
        .where(DialogueSession.dialogue_id == dialogue.id)
        .distinct()
    ).scalars()
    return RegionalDialogue(
        id=dialogue.id,  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
        title=dialogue.title,
        starts_on=dialogue.starts_on,
        ends_on=dialogue.ends_on,
        lead=lead.cbs_code,
        lead_name=lead.name,
        municipalities=sorted(hosts),
    )


def set_analyst(db: Session, *, region: Region, user_id: int, reads: bool, actor: Actor) -> None:
    """Let a regional analyst read this region's figures, or stop it (admins only)."""
    user = staff.get_user(db, user_id=user_id)
    if user.role is not Role.REGIONAL_ANALYST:
        raise InvalidInput(
            f"Staff member {user_id} is not a regional analyst: give them that role first.",
            nl=f"Medewerker {user_id} is geen regio-analist: geef die rol eerst.",
            invalid_params=[
                ("userId", "not a regional analyst", "geen regio-analist"),
            ],
        )
    if reads:
        if db.get(StaffRegion, (user_id, region.id)) is not None:
            return
        db.add(StaffRegion(staff_user_id=user_id, region_id=region.id))  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    else:
        removed = db.execute(
            delete(StaffRegion)
            .where(StaffRegion.staff_user_id == user_id)
            .where(StaffRegion.region_id == region.id)
        )
        if not removed.rowcount:  # type: ignore[attr-defined]  # a DELETE returns a CursorResult, which has rowcount; Session.execute is typed as Result
            return
    record_event(
        db,
        actor_id=actor.user_id,
        action="region.analyst_added" if reads else "region.analyst_removed",
        object_type="region",
        object_id=str(region.id),
        detail={"user": user_id},
    )
    try:
        db.commit()
    except IntegrityError:  # a concurrent request added the same analyst first
        db.rollback()
