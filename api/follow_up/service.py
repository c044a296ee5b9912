"""Following pledges up: the released pledges and contact offers of a dialogue, their status.

Only what the release rule has released (api/results/store.py) is listed, so the list never
shows a pledge before the pledge totals count it. Items are ordered by priority, kind and
their random id, never by arrival; pledges are named by their random `follow_up_id`.
"""

import csv
import io
from decimal import Decimal

from sqlmodel import Session, select

from api.agenda import service as agenda
from api.audit.service import record_event
from api.core.access import Actor
from api.core.problems import Conflict, NotFound
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.pledges.models import ContactOffer, FollowUpStatus, Pledge, PledgeKind
from api.pledges.schemas import PledgeFollowUp, PledgeFollowUpUpdate
from api.results import store

CSV_COLUMNS = (
    "id",
    "kind",
    "priority_id",
    "priority_title",
    "hours_per_month",
    "text",
    "status",
    "contact",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_IN_CHUNKS = 500


def _hours(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _released_pledges(db: Session, *, dialogue_id: int) -> list[Pledge]:
    ids = [row.pledge_id for row in store.released_pledges(db, dialogue_id=dialogue_id)]
    rows: list[Pledge] = []
    for start in range(0, len(ids), _IN_CHUNKS):
        chunk = ids[start : start + _IN_CHUNKS]
        rows += db.exec(select(Pledge).where(Pledge.id.in_(chunk))).all()  # type: ignore[union-attr]  # SQLModel types the column as its Python value, not a SQL expression
    return rows


def _released_offers(db: Session, *, dialogue_id: int) -> list[ContactOffer]:
    ids = store.released_offer_ids(db, dialogue_id=dialogue_id)
    rows: list[ContactOffer] = []
    for start in range(0, len(ids), _IN_CHUNKS):
        chunk = ids[start : start + _IN_CHUNKS]
        rows += db.exec(select(ContactOffer).where(ContactOffer.id.in_(chunk))).all()  # type: ignore[attr-defined]  # SQLModel types the column as its Python value, not a SQL expression
    return rows


def _from_pledge(row: Pledge) -> PledgeFollowUp:
    return PledgeFollowUp(
        id=row.follow_up_id,
        kind=row.kind,
        priority_id=row.priority_id,
        hours_per_month=_hours(row.hours_per_month),
        text=row.text,
        status=row.follow_up_status,
        contact=None,
        agenda_item_id=row.agenda_item_id,
    )


def _from_offer(row: ContactOffer) -> PledgeFollowUp:
    return PledgeFollowUp(
        id=row.id,
        kind=row.kind,
        priority_id=row.priority_id,
        hours_per_month=_hours(row.hours_per_month),
        text=row.text,
        status=row.follow_up_status,
        contact=row.contact,
    )


def follow_up_list(db: Session, *, dialogue: Dialogue) -> list[PledgeFollowUp]:
    """The dialogue's released pledges and contact offers, by priority, kind and random id."""
    assert dialogue.id is not None
    items = [_from_pledge(row) for row in _released_pledges(db, dialogue_id=dialogue.id)]
    items += [_from_offer(row) for row in _released_offers(db, dialogue_id=dialogue.id)]
    order = {p.id: p.position for p in dialogues.priorities_of(db, dialogue_id=dialogue.id)}
    kinds = list(PledgeKind)
    return sorted(
        items,
        key=lambda item: (
            item.priority_id is None,
            order.get(item.priority_id, 0),  # type: ignore[arg-type]  # a pledge without a priority is sorted by the line above; get(None) reads the default
            kinds.index(item.kind),
            item.id,
        ),
    )


def record_contacts_shown(
    db: Session, *, actor: Actor, dialogue: Dialogue, items: list[PledgeFollowUp], how: str
) -> None:
    """Write to the audit log (and commit) that `actor` was shown these contact details."""
    shown = sum(1 for item in items if item.contact)
    if not shown:
        return
    record_event(
        db,
        actor_id=actor.user_id,
        action="pledges.contacts_shown",
        object_type="dialogue",
        object_id=str(dialogue.id),
        detail={"contactsShown": shown, "format": how},
    )
    db.commit()


def find_follow_up(db: Session, *, follow_up_id: str, actor: Actor) -> Pledge | ContactOffer:
    """The released pledge or contact offer with this id, if the actor may follow it up."""
    pledge = db.exec(select(Pledge).where(Pledge.follow_up_id == follow_up_id)).first()
    row: Pledge | ContactOffer | None = pledge or db.get(ContactOffer, follow_up_id)
    if row is None or not _released(db, row):
        raise _no_such_pledge(follow_up_id)
    dialogue = db.get(Dialogue, row.dialogue_id)
    if dialogue is None or not actor.can_access(dialogue.municipality_id):
        raise _no_such_pledge(follow_up_id)
    return row


def _released(db: Session, row: Pledge | ContactOffer) -> bool:
    if isinstance(row, Pledge):
        released = store.released_pledges(db, dialogue_id=row.dialogue_id)
        return any(p.pledge_id == row.id for p in released)
    return row.id in store.released_offer_ids(db, dialogue_id=row.dialogue_id)


def _no_such_pledge(follow_up_id: str) -> NotFound:
    return NotFound(
        f"There is no pledge {follow_up_id} that you have access to (pledges appear here "
        "once the pledge totals count them).",
        nl=f"Er is geen toezegging {follow_up_id} die u kunt inzien (toezeggingen staan hier "
        "zodra de totalen ze meetellen).",
    )


def set_status(
    db: Session, *, row: Pledge | ContactOffer, status: FollowUpStatus, actor: Actor
) -> PledgeFollowUp:
    """Record where the follow-up stands (audited) and return the pledge as listed."""
    previous = row.follow_up_status
    row.follow_up_status = status
    db.add(row)
    item = _from_pledge(row) if isinstance(row, Pledge) else _from_offer(row)
    record_event(
        db,
        actor_id=actor.user_id,
        action="pledge.follow_up_status",
        object_type="pledge",
        object_id=item.id,
        detail={
            "dialogue": row.dialogue_id,
            "from": FollowUpStatus(previous).value,
            "to": status.value,
            "contactShown": item.contact is not None,
        },
    )
    db.commit()
    return item


def update_follow_up(
    db: Session, *, row: Pledge | ContactOffer, changes: PledgeFollowUpUpdate, actor: Actor
) -> PledgeFollowUp:
    """Link the pledge to an agenda item (or unlink it) and record its status; audited."""
    if "agenda_item_id" in changes.model_fields_set:
        _link_agenda_item(db, row=row, agenda_item_id=changes.agenda_item_id, actor=actor)
    if changes.status is not None:
        return set_status(db, row=row, status=changes.status, actor=actor)
    db.commit()
    return _from_pledge(row) if isinstance(row, Pledge) else _from_offer(row)


def _link_agenda_item(
    db: Session, *, row: Pledge | ContactOffer, agenda_item_id: int | None, actor: Actor
) -> None:
    if isinstance(row, ContactOffer):
        raise Conflict(
            "A pledge with contact details is kept apart from every other record, so it is not "
            "linked to an agenda item. Follow it up by contacting its maker.",
            nl="Een toezegging met contactgegevens staat los van alle andere gegevens, dus die "
            "koppelt u niet aan een agendapunt. Volg haar op door contact op te nemen.",
        )
    if agenda_item_id is not None:
        agenda.item_of_dialogue(db, item_id=agenda_item_id, dialogue_id=row.dialogue_id)
    previous = row.agenda_item_id
    row.agenda_item_id = agenda_item_id
    db.add(row)
    record_event(
        db,
        actor_id=actor.user_id,
        action="pledge.agenda_item",
        object_type="pledge",
        object_id=row.follow_up_id,
        detail={"dialogue": row.dialogue_id, "from": previous, "to": agenda_item_id},
    )


def _cell(value: str) -> str:
    """Text as a spreadsheet shows it, never as a formula (OWASP "CSV injection")."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def follow_up_csv(items: list[PledgeFollowUp], *, priority_titles: dict[int, str]) -> str:
    """The list as CSV for Dutch spreadsheets: BOM, `;` between fields, decimal comma."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        hours = "" if item.hours_per_month is None else f"{item.hours_per_month:g}"
        writer.writerow(
            [
                item.id,
                item.kind.value,
                item.priority_id or "",
                _cell(priority_titles.get(item.priority_id, "")) if item.priority_id else "",
                hours.replace(".", ","),
                _cell(item.text),
                item.status.value,
                _cell(item.contact or ""),
            ]
        )
    return "\ufeff" + buffer.getvalue()
