"""The resident's ballot, paper ballots printed and typed in by a facilitator, and changing a
dialogue (whose ballots fix its priorities)."""

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse

from api.ballots import flows, service
from api.ballots.paper_ballot import (
    PDF_LANGUAGES,
    PaperLanguage,
    paper_ballot_html,
    paper_ballot_of,
    paper_ballot_pdf,
)
from api.ballots.schemas import (
    MAX_ID,
    AssistedBallotCreate,
    AssistedBallotEntry,
    AssistedBallotPublic,
    BallotPublic,
    BallotPut,
)
from api.core.access import Actor
from api.core.deps import PublicUrlDep, ResourceId, SessionDep, SettingsDep
from api.core.negotiation import prefers_pdf
from api.core.problems import Conflict, InvalidInput, NotFound
from api.dialogues import service as dialogues
from api.dialogues.schemas import DialoguePublic, DialogueUpdate
from api.idempotency import service as idempotency
from api.idempotency.http import IdempotencyKey, stored_response, write_responses
from api.sessions import service as sessions
from api.sessions.dependencies import CurrentParticipant
from api.sessions.limits import require_own_session
from api.sessions.models import SessionStatus
from api.sessions.resident_writes import ResidentWriteDep
from api.staff.dependencies import FacilitatorActor

router = APIRouter(tags=["Resident participation"])
assisted_router = APIRouter(tags=["Sessions"])
dialogue_router = APIRouter(prefix="/dialogues", tags=["Dialogues"])

BallotId = Annotated[
    int, Path(alias="ballotId", ge=1, le=MAX_ID, description="The id of the paper ballot.")
]

_WRITE_RESPONSES = write_responses(
    "The session is not open, or the same Idempotency-Key is in use."
)


@router.put("/sessions/{id}/ballot", response_model=BallotPublic, responses=_WRITE_RESPONSES)
async def put_ballot(body: BallotPut, resident: ResidentWriteDep) -> JSONResponse:
    """Send or replace your ranking (best first; the top 3 is enough). One ballot per person."""
    return await resident.run(
        body=body,
        status=status.HTTP_200_OK,
        write=lambda db, target: service.store_ballot(
            db, participant_id=resident.participant_id, target=target, ballot=body
        ),
    )


@router.get("/sessions/{id}/ballot", response_model=BallotPublic)
def read_ballot(
    session_id: ResourceId, participant: CurrentParticipant, db: SessionDep
) -> BallotPublic:
    """Your ballot as it is stored now."""
    require_own_session(participant, session_id)
    try:
        return service.read_ballot(db, participant_id=participant.participant_id)
    except NotFound:
        known = sessions.participant_exists(
            db, participant_id=participant.participant_id, session_id=session_id
        )
        if not known:
            raise sessions.participant_unknown() from None
        raise


@assisted_router.post(
    "/sessions/{id}/assisted-ballots",
    response_model=AssistedBallotPublic,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE_RESPONSES,
)
def create_assisted_ballot(
    session_id: ResourceId,
    body: AssistedBallotCreate,
    actor: FacilitatorActor,
    db: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Type in a paper ballot from someone without a phone, with its pledge if it has one;
    it counts like any other."""
    sessions.get_dialogue_session(db, session_id=session_id, actor=actor)
    return stored_response(
        idempotency.run_once(
            db,
            scope=f"staff:{actor.user_id}",
            key=str(idempotency_key) if idempotency_key else None,
            request_hash=idempotency.fingerprint(
                method="POST",
                path=f"/sessions/{session_id}/assisted-ballots",
                body=body,
                key=settings.signing_key(),
            ),
            ttl=settings.idempotency_ttl,
            status=status.HTTP_201_CREATED,
            prepare=lambda: sessions.open_dialogue_session_for_writes(db, session_id=session_id),
            write=lambda target: service.store_assisted_ballot(
                db,
                target=target,
                ballot=body,
                staff_id=actor.user_id,
                secret=settings.signing_key(),
            ),
        )
    )


def _while_open(status: SessionStatus) -> None:
    if status is not SessionStatus.OPEN:
        raise Conflict(
            "The paper ballots you typed in can only be seen and voided while the session is open.",
            nl="De papieren stembiljetten die u hebt ingevoerd, ziet en schrapt u alleen zolang "
            "de sessie open is.",
            kind="session-not-open",
        )


@assisted_router.get(
    "/sessions/{id}/assisted-ballots",
    response_model=list[AssistedBallotEntry],
    responses={409: {"description": "The session is not open."}},
)
def list_assisted_ballots(
    session_id: ResourceId, actor: FacilitatorActor, db: SessionDep
) -> list[AssistedBallotEntry]:
    """The paper ballots you typed in in this session (only yours, only while it is open)."""
    _while_open(sessions.get_dialogue_session(db, session_id=session_id, actor=actor).status)
    assert actor.user_id is not None
    return service.assisted_ballots_of(db, session_id=session_id, staff_id=actor.user_id)


def _set_voided(
    db: SessionDep, *, session_id: int, ballot_id: int, actor: Actor, voided: bool
) -> AssistedBallotEntry:
    _while_open(sessions.get_dialogue_session(db, session_id=session_id, actor=actor).status)
    assert actor.user_id is not None
    target = sessions.open_dialogue_session_for_writes(db, session_id=session_id)
    entry = service.set_voided(
        db, target=target, ballot_id=ballot_id, staff_id=actor.user_id, voided=voided
    )
    db.commit()
    return entry


@assisted_router.delete(
    "/sessions/{id}/assisted-ballots/{ballotId}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        404: {"description": "No paper ballot of yours in this session has this id."},
        409: {"description": "The session is not open."},
    },
)
def void_assisted_ballot(
    session_id: ResourceId, ballot_id: BallotId, actor: FacilitatorActor, db: SessionDep
) -> Response:
    """Void a paper ballot you mistyped: kept, but out of the results (audited; reversible)."""
    _set_voided(db, session_id=session_id, ballot_id=ballot_id, actor=actor, voided=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@assisted_router.post(
    "/sessions/{id}/assisted-ballots/{ballotId}/restore",
    response_model=AssistedBallotEntry,
    responses={
        404: {"description": "No paper ballot of yours in this session has this id."},
        409: {"description": "The session is not open."},
    },
)
def restore_assisted_ballot(
    session_id: ResourceId, ballot_id: BallotId, actor: FacilitatorActor, db: SessionDep
) -> AssistedBallotEntry:
    """Undo voiding a paper ballot: it counts again (audited)."""
    return _set_voided(db, session_id=session_id, ballot_id=ballot_id, actor=actor, voided=False)


class PaperFormat(StrEnum):
    """The forms a paper ballot can be had in."""

    HTML = "html"
    PDF = "pdf"


@assisted_router.get(
    "/sessions/{id}/paper-ballot",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "A printable A4 paper ballot, one copy per language.",
        },
        400: {"description": "Arabic was asked for in a PDF (it is in the HTML only)."},
    },
)
def read_paper_ballot(
    session_id: ResourceId,
    actor: FacilitatorActor,
    db: SessionDep,
    settings: SettingsDep,
    public_url: PublicUrlDep,
    request: Request,
    paper_format: Annotated[
        PaperFormat | None,
        Query(alias="format", description="`pdf` or `html`; without it, the Accept header."),
    ] = None,
    languages: Annotated[
        list[PaperLanguage] | None,
        Query(
            alias="lang",
            description="The copies to print, e.g. `lang=nl&lang=ar` (default: nl, en and ar; "
            "nl and en in a PDF).",
        ),
    ] = None,
) -> Response:
    """The printable paper ballot: the question, the priorities to number, buurt, age band, a
    pledge box, the session's QR code and a privacy line; as HTML or PDF."""
    row = sessions.get_dialogue_session(db, session_id=session_id, actor=actor)
    pdf = (
        paper_format is PaperFormat.PDF
        if paper_format
        else prefers_pdf(request.headers.get("accept", ""))
    )
    chosen = list(dict.fromkeys(languages or (PDF_LANGUAGES if pdf else list(PaperLanguage))))
    if pdf and PaperLanguage.AR in chosen:
        raise InvalidInput(
            "The PDF can't show Arabic script properly; print the Arabic copy from the HTML "
            "paper ballot (format=html).",
            nl="De pdf kan Arabisch schrift niet goed weergeven; druk de Arabische versie af "
            "vanuit de html-versie (format=html).",
            kind="paper-ballot-arabic-pdf",
            invalid_params=[("lang", "Arabic is in the HTML only", "Arabisch alleen in html")],
        )
    ballot = paper_ballot_of(db, row=row, settings=settings, public_url=public_url)
    if pdf:
        return Response(
            paper_ballot_pdf(ballot, languages=chosen),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="stembiljet-sessie-{row.id}.pdf"',
                "Vary": "Accept",
            },
        )
    return HTMLResponse(paper_ballot_html(ballot, languages=chosen), headers={"Vary": "Accept"})


@dialogue_router.patch("/{id}", response_model=DialoguePublic)
def update_dialogue(
    dialogue_id: ResourceId, body: DialogueUpdate, actor: FacilitatorActor, db: SessionDep
) -> DialoguePublic:
    """Change a dialogue; once residents voted, priorities can be reworded but not added or removed."""
    dialogue = flows.update_dialogue(db, dialogue_id=dialogue_id, changes=body, actor=actor)
    return dialogues.to_public(db, dialogue)
