"""The agenda of a dialogue and the report back to residents ("you said, we did")."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse

from api.agenda import flows, service
from api.agenda.schemas import (
    AgendaItem,
    AgendaItemCreate,
    AgendaItemUpdate,
    AgendaList,
    DialoguePage,
    PublicAgendaList,
    ReportBack,
    ReportBackUpdate,
)
from api.core.access import Actor, Role
from api.core.deps import ResourceId, SessionDep, SettingsDep
from api.core.translations import RequestedLanguage
from api.dialogues import service as dialogues
from api.staff.dependencies import ManagerActor, bearer_token, get_actor, require_role

router = APIRouter(tags=["Agenda and report back"])
page_router = APIRouter(tags=["Results"])


def optional_reader(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_token)],
) -> Actor | None:
    """Staff who may read drafts (analysts, coordinators, admins), or None for anyone else."""
    if not token:
        return None
    return require_role(Role.ANALYST)(get_actor(request, settings, token))


OptionalReader = Annotated[Actor | None, Depends(optional_reader)]

_READ_RESPONSES = {
    401: {"description": "The bearer token is not valid (leave it out to read as anyone)."},
    403: {"description": "Facilitators do not read agendas or report backs."},
    404: {"description": "No such dialogue in your municipalities; for anyone: not published."},
}
_WRITE_RESPONSES = {
    403: {"description": "Only admins and coordinators write the agenda and report back."},
    404: {"description": "No such dialogue in your municipalities."},
}


@router.get("/dialogues/{id}/agenda", response_model=AgendaList, responses=_READ_RESPONSES)
def read_agenda(
    dialogue_id: ResourceId,
    actor: OptionalReader,
    db: SessionDep,
    language: RequestedLanguage,
) -> Response:
    """The dialogue's agenda: for staff always, in Dutch with translations; for anyone once the
    report back is published, in their language and without the budget line."""
    dialogue = service.readable_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    if actor is not None:
        staff = AgendaList(items=service.staff_agenda(db, dialogue=dialogue))
        return JSONResponse(staff.model_dump(mode="json", by_alias=True))
    public = PublicAgendaList(items=service.agenda_of(db, dialogue=dialogue, language=language))
    return JSONResponse(
        public.model_dump(mode="json", by_alias=True), headers={"Content-Language": language}
    )


@router.post(
    "/dialogues/{id}/agenda",
    response_model=AgendaItem,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE_RESPONSES,
)
def create_agenda_item(
    dialogue_id: ResourceId, body: AgendaItemCreate, actor: ManagerActor, db: SessionDep
) -> AgendaItem:
    """Put an item on the agenda, answering one or more of the dialogue's priorities."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    item = service.create_item(db, dialogue=dialogue, body=body)
    return service.staff_item(db, item=item)


@router.patch(
    "/agenda-items/{id}",
    response_model=AgendaItem,
    responses={**_WRITE_RESPONSES, 404: {"description": "No such agenda item for you."}},
)
def update_agenda_item(
    item_id: ResourceId, body: AgendaItemUpdate, actor: ManagerActor, db: SessionDep
) -> AgendaItem:
    """Change an agenda item: only the fields given; null empties an optional one."""
    item = service.get_item(db, item_id=item_id, actor=actor)
    item = service.update_item(db, item=item, changes=body)
    return service.staff_item(db, item=item)


@router.delete(
    "/agenda-items/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_WRITE_RESPONSES, 404: {"description": "No such agenda item for you."}},
)
def delete_agenda_item(item_id: ResourceId, actor: ManagerActor, db: SessionDep) -> Response:
    """Take an item off the agenda; pledges linked to it stay, unlinked."""
    item = service.get_item(db, item_id=item_id, actor=actor)
    service.delete_item(db, item=item)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/dialogues/{id}/report-back", response_model=ReportBack, responses=_READ_RESPONSES)
def read_report_back(
    dialogue_id: ResourceId,
    actor: OptionalReader,
    db: SessionDep,
    language: RequestedLanguage,
    response: Response,
) -> ReportBack:
    """What the municipality did with each priority and why: for anyone once published, for
    staff also as a draft. Texts in the language asked for, Dutch where not translated."""
    dialogue = service.readable_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    response.headers["Content-Language"] = language
    return service.report_back_of(db, dialogue=dialogue, language=language)


@router.put(
    "/dialogues/{id}/report-back",
    response_model=ReportBack,
    responses={
        **_WRITE_RESPONSES,
        409: {"description": "Publishing before every priority is answered or before the end."},
    },
)
def write_report_back(
    dialogue_id: ResourceId,
    body: ReportBackUpdate,
    actor: ManagerActor,
    db: SessionDep,
    language: RequestedLanguage,
) -> ReportBack:
    """Replace the responses to the priorities; publish once all are answered and the dialogue
    has ended (`published: false` saves a draft, or withdraws a published report back)."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    service.save_report_back(db, dialogue=dialogue, body=body)
    return service.report_back_of(db, dialogue=dialogue, language=language)


@page_router.get("/dialogues/{id}/public", response_model=DialoguePage)
def read_dialogue_page(
    dialogue_id: ResourceId, db: SessionDep, language: RequestedLanguage
) -> DialoguePage:
    """A dialogue as anyone may read it: its question, period and released overall ranking;
    once published, the report back and agenda in the language asked for."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=None)
    return flows.dialogue_page(db, dialogue=dialogue, language=language)
