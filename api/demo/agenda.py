"""The demo's agenda and report back: what Welvaartstad does with its residents' priorities."""

from sqlmodel import Session

from api.agenda import service as agenda
from api.agenda.schemas import AgendaItemCreate, ReportBackUpdate
from api.core.access import SYSTEM
from api.dialogues import service as dialogues
from api.municipalities.models import Municipality
from api.results.service import has_ended

_ITEMS = [
    {
        "title": "Bomen en schaduw op drie schoolpleinen",
        "goal": "Voor de zomer van 2028 hebben drie schoolpleinen bomen en een koele plek.",
        "priorities": ["Meer groen en schaduw in de wijk"],
        "indicator": "Tevredenheid met het leven",
        "owner": "Team Openbare Ruimte",
        "partners": ["Basisschool De Linde", "Stichting Groen Welvaartstad"],
        "horizon": "short",
        "startsOn": "2027-03-01",
        "endsOn": "2028-06-30",
        "budgetLine": "6.3 Openbaar groen",
        "status": "underway",
        "translations": {
            "en": {
                "title": "Trees and shade in three schoolyards",
                "goal": "By summer 2028 three schoolyards have trees and a cool spot.",
            },
            "ar": {
                "title": "أشجار وظل في ثلاث ساحات مدرسية",
                "goal": "بحلول صيف 2028 تكون في ثلاث ساحات مدرسية أشجار ومكان بارد.",
            },
        },
    },
    {
        "title": "Een jongerenplek met avondopenstelling",
        "goal": "Jongerencentrum De Schakel is vier avonden per week open, met jongeren in "
        "het bestuur.",
        "priorities": [
            "Een plek waar jongeren samen kunnen komen",
            "Minder eenzaamheid, meer ontmoeting",
        ],
        "owner": "Team Jeugd en Welzijn",
        "partners": ["Jongerencentrum De Schakel"],
        "horizon": "short",
        "startsOn": "2027-01-15",
        "status": "planned",
        "translations": {
            "en": {
                "title": "A youth space open in the evenings",
                "goal": "Youth centre De Schakel opens four evenings a week, with young people "
                "on its board.",
            }
        },
    },
    {
        "title": "Starterswoningen op het stationsterrein",
        "goal": "120 betaalbare woningen voor starters en ouderen in het Stationskwartier.",
        "priorities": ["Betaalbare woningen voor starters en ouderen"],
        "owner": "Team Wonen",
        "partners": ["Woningcorporatie Thuis in Welvaartstad"],
        "horizon": "long",
        "startsOn": "2027-06-01",
        "endsOn": "2031-12-31",
        "budgetLine": "8.3 Wonen en bouwen",
        "translations": {
            "en": {
                "title": "Starter homes at the station site",
                "goal": "120 affordable homes for first-time buyers and older people.",
            }
        },
    },
]

_REASONS = {
    "Meer groen en schaduw in de wijk": (
        "adopted",
        "Dit stond bij inwoners bovenaan. We beginnen bij de schoolpleinen.",
        "Residents put this first. We start with the schoolyards.",
    ),
    "Een plek waar jongeren samen kunnen komen": (
        "adopted",
        "De Schakel gaat 's avonds open, samen met jongeren.",
        "De Schakel will open in the evenings, together with young people.",
    ),
    "Minder eenzaamheid, meer ontmoeting": (
        "partly",
        "De avonden in De Schakel zijn een begin; voor ouderen zoeken we nog een plek.",
        "The evenings at De Schakel are a start; for older people we are still looking for a place.",
    ),
    "Betaalbare woningen voor starters en ouderen": (
        "partly",
        "We bouwen op het stationsterrein; meer kan pas na 2030, als er grond vrijkomt.",
        "We build at the station site; more can only follow after 2030, when land comes free.",
    ),
}
_NOT_NOW = (
    "notAdopted",
    "Hier heeft de gemeente nu geen geld of taak voor; we nemen het mee in de volgende ronde.",
    "The municipality has no budget or task for this now; we take it into the next round.",
)


def load_demo_agenda(db: Session, *, municipality: Municipality) -> None:
    """Put the demo agenda on the latest ended dialogue and publish its report back; without an
    ended dialogue, on the running one, with the report back as a draft. Only once."""
    rows = sorted(
        dialogues.list_dialogues(db, actor=SYSTEM, municipality_code=municipality.cbs_code),
        key=lambda d: d.ends_on,
        reverse=True,
    )
    if not rows:
        return
    dialogue = next((d for d in rows if has_ended(d)), rows[0])
    if agenda.items_of(db, dialogue_id=dialogue.id):  # type: ignore[arg-type]  # a stored row's id is set
        return
    priorities = {p.title: p for p in dialogues.priorities_of(db, dialogue_id=dialogue.id)}  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    for item in _ITEMS:
        ids = [priorities[t].id for t in item["priorities"] if t in priorities]
        if ids:
            body = {k: v for k, v in item.items() if k != "priorities"}
            agenda.create_item(
                db,
                dialogue=dialogue,
                body=AgendaItemCreate.model_validate({**body, "priorityIds": ids}),
            )
    responses = [
        {
            "priorityId": priority.id,
            "decision": decision,
            "reason": reason,
            "translations": {"en": {"reason": english}},
        }
        for title, priority in priorities.items()
        for decision, reason, english in [_REASONS.get(title, _NOT_NOW)]
    ]
    agenda.save_report_back(
        db,
        dialogue=dialogue,
        body=ReportBackUpdate.model_validate(
            {"published": has_ended(dialogue), "responses": responses}
        ),
    )
