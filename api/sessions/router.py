"""Sessions (staff), their QR code and poster, and residents checking in."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse

from api.core.db import open_session, utcnow
from api.core.deps import PublicUrlDep, ResourceId, SessionDep, SettingsDep
from api.core.problems import Forbidden, InvalidInput, NotFound
from api.core.translations import AcceptLanguageHeader, negotiate_language
from api.dialogues import service as dialogues
from api.municipalities import service as municipalities
from api.sessions import limits, networks, service
from api.sessions.dependencies import CurrentParticipant, ReadSessionDep
from api.sessions.models import CheckInMode
from api.sessions.poster import poster_html
from api.sessions.qr import QrFormat, qr_image
from api.sessions.schemas import (
    CheckInCreate,
    CheckInPublic,
    ProjectorLink,
    ProjectorView,
    ResidentView,
    RotatingCode,
    SessionCreate,
    SessionPublic,
    SessionUpdate,
)
from api.staff.dependencies import FacilitatorActor, ScreenActor
from api.venues import service as venues

router = APIRouter(tags=["Sessions"])
check_ins_router = APIRouter(tags=["Resident participation"])

_LANGUAGE_HEADERS = {
    "Content-Language": {
        "description": "The language asked for (nl, en or ar); items without a translation "
        "into it are in Dutch and say so in their `language`.",
        "schema": {"type": "string", "enum": ["nl", "en", "ar"]},
    },
}

_IMAGE_RESPONSES = {
    200: {
        "content": {"image/svg+xml": {}, "image/png": {}},
        "description": "The QR code image.",
    }
}


@router.get("/dialogues/{id}/sessions", response_model=list[SessionPublic])
def list_sessions(
    dialogue_id: ResourceId, actor: FacilitatorActor, db: SessionDep, public_url: PublicUrlDep
) -> list[SessionPublic]:
    """The sessions of a dialogue (of a regional dialogue, a member municipality's staff see
    those at their own venues)."""
    dialogue = service.dialogue_for_sessions(db, dialogue_id=dialogue_id, actor=actor)
    return [
        service.to_public(db, row, public_url=public_url)
        for row in service.sessions_for(db, dialogue=dialogue, actor=actor)
    ]


@router.post(
    "/dialogues/{id}/sessions", response_model=SessionPublic, status_code=status.HTTP_201_CREATED
)
def create_session(
    dialogue_id: ResourceId,
    body: SessionCreate,
    actor: FacilitatorActor,
    db: SessionDep,
    reader: ReadSessionDep,
    public_url: PublicUrlDep,
) -> SessionPublic:
    """Plan a session of the dialogue at a venue; it starts as `planned`. A regional
    dialogue's sessions are held at venues of its region's members, each planned by that
    member's own staff."""
    dialogue = service.dialogue_for_sessions(db, dialogue_id=dialogue_id, actor=actor)
    row = service.create_session(db, dialogue=dialogue, body=body, actor=actor)
    return service.to_public(reader, row, public_url=public_url)


@router.get("/sessions/{id}", response_model=SessionPublic)
def read_session(
    session_id: ResourceId, actor: FacilitatorActor, db: SessionDep, public_url: PublicUrlDep
) -> SessionPublic:
    """One session."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    return service.to_public(db, row, public_url=public_url)


@router.patch("/sessions/{id}", response_model=SessionPublic)
def update_session(
    session_id: ResourceId,
    body: SessionUpdate,
    actor: FacilitatorActor,
    db: SessionDep,
    reader: ReadSessionDep,
    public_url: PublicUrlDep,
) -> SessionPublic:
    """Open or close a session (`status`: planned → open → closed), or change its details."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    row = service.update_session(db, row=row, changes=body, actor=actor)
    return service.to_public(reader, row, public_url=public_url)


@router.post(
    "/sessions/{id}/projector-links",
    response_model=ProjectorLink,
    status_code=status.HTTP_201_CREATED,
)
def create_projector_link(
    session_id: ResourceId, actor: FacilitatorActor, db: SessionDep, settings: SettingsDep
) -> ProjectorLink:
    """A token for the session's projector window, which then holds no staff sign-in."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    return service.projector_link(db, row=row, actor=actor, signing_key=settings.signing_key())


@router.get("/sessions/{id}/projector", response_model=ProjectorView)
def read_projector_view(
    session_id: ResourceId, actor: ScreenActor, db: SessionDep, public_url: PublicUrlDep
) -> ProjectorView:
    """What the projector shows of the session; staff or the session's projector token."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    return service.projector_view(db, row, public_url=public_url)


@router.get("/sessions/{id}/qr", response_class=Response, responses=_IMAGE_RESPONSES)
def read_session_qr(
    session_id: ResourceId,
    actor: ScreenActor,
    db: SessionDep,
    settings: SettingsDep,
    public_url: PublicUrlDep,
    image_format: Annotated[QrFormat, Query(alias="format")] = QrFormat.SVG,
) -> Response:
    """The QR code of the check-in address; for a rotating session, of the current code."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    code = row.join_code
    if row.check_in_mode is CheckInMode.ROTATING:
        code, _ = service.rotating_code(row, now=utcnow(), seconds=settings.rotating_code_seconds)
    url = service.check_in_url(public_url, code)
    media_type = "image/svg+xml" if image_format is QrFormat.SVG else "image/png"
    cache = "no-store" if row.check_in_mode is CheckInMode.ROTATING else "private, max-age=3600"
    return Response(
        qr_image(url, image_format=image_format),
        media_type=media_type,
        headers={"Cache-Control": cache},
    )


@router.get(
    "/sessions/{id}/rotating-code",
    response_model=RotatingCode,
    responses={409: {"description": "The session uses the printed poster code, not rotation."}},
)
def read_rotating_code(
    session_id: ResourceId,
    actor: ScreenActor,
    db: SessionDep,
    settings: SettingsDep,
    public_url: PublicUrlDep,
) -> RotatingCode:
    """The code the projector shows now; it changes every 30 seconds."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    return service.rotating_code_view(
        row, public_url=public_url, seconds=settings.rotating_code_seconds
    )


@router.get(
    "/sessions/{id}/poster",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}, "description": "A printable A4 page."}},
)
def read_session_poster(
    session_id: ResourceId, actor: FacilitatorActor, db: SessionDep, public_url: PublicUrlDep
) -> HTMLResponse:
    """A printable A4 poster: QR code, join code, venue, time and a short text in NL and EN."""
    row = service.get_dialogue_session(db, session_id=session_id, actor=actor)
    dialogue = dialogues.get_dialogue(db, dialogue_id=row.dialogue_id, actor=None)
    municipality = municipalities.get_municipality_by_id(
        db, municipality_id=dialogue.municipality_id
    )
    venue = venues.get_venue(db, venue_id=row.venue_id)
    return HTMLResponse(
        poster_html(
            dialogue_title=dialogue.title,
            municipality_name=municipality.name,
            venue_name=venue.name,
            venue_address=venue.address,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            join_code=row.join_code,
            check_in_url=service.check_in_url(public_url, row.join_code),
            join_page_url=f"{public_url}/c",
            brand_colour=municipality.brand_colour,
        )
    )


@check_ins_router.post(
    "/check-ins",
    response_model=CheckInPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        400: {"description": "A rotating code was typed without its last characters."},
        201: {"description": "Checked in.", "headers": _LANGUAGE_HEADERS},
        403: {"description": "The rotating code has expired."},
        404: {"description": "No session has this code."},
        409: {"description": "The session is not open."},
        429: {"description": "Too many check-ins at once; retry after Retry-After seconds."},
    },
)
def check_in(
    body: CheckInCreate, request: Request, accept_language: AcceptLanguageHeader = None
) -> JSONResponse:
    """Check in anonymously with the code from the QR, poster or screen; no account needed.

    The texts come in the resident's language (`Accept-Language`) where translated."""
    # A whole room checks in within a minute: as the resident writes, this takes settings,
    # limiter and sessions straight from the app (no plain-function dependencies, each a trip
    # to the thread pool), closes its sessions before returning and sends its JSON directly.
    state = request.app.state
    settings, limiter = state.settings, state.rate_limiter
    host = request.client.host if request.client else ""
    client = networks.client_key(host)
    code = service.normalise_join_code(body.join_code)
    language = negotiate_language(accept_language)
    limits.refuse_guessing(limiter, settings, client)
    # Wrong rotating codes count per session *and* client: someone at home trying an old
    # photo of the screen is stopped without locking the whole room out with them.
    failures = ("check-in-failures", code[:6], client)
    limiter.check(
        settings.check_in_failures_limit,
        *failures,
        message="Too many wrong codes were tried for this session. Wait a minute and scan again.",
        nl="Voor dit gesprek zijn te veel verkeerde codes geprobeerd. Wacht een minuut en scan "
        "opnieuw.",
    )
    with open_session(state.engine, write=False) as reader, open_session(state.engine) as db:
        try:
            row = service.find_by_join_code(
                reader,
                join_code=body.join_code,
                now=utcnow(),
                rotate_seconds=settings.rotating_code_seconds,
            )
        except NotFound:
            limits.count_unknown_code(limiter, settings, client)
            raise
        except (Forbidden, InvalidInput):  # an expired or incomplete rotating code
            limiter.count(settings.check_in_failures_limit, *failures)
            raise
        limits.limit_check_in(
            limiter, settings, state.refused_check_ins, client=client, session_id=row.id
        )
        checked_in = service.check_in(
            db,
            reader=reader,
            row=row,
            signing_key=settings.signing_key(),
            token_grace_hours=settings.participant_token_grace_hours,
            contact_retention_days=settings.contact_retention_days,
            network=networks.network_hash(host, session_id=row.id, key=settings.signing_key()),  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
            language=language,
        )
    state.live_events.publish(f"session:{row.id}")
    return JSONResponse(
        checked_in.model_dump(mode="json", by_alias=True),
        status_code=status.HTTP_201_CREATED,
        headers={"Content-Language": language.value, "Vary": "Accept-Language"},
    )


@check_ins_router.get(
    "/sessions/{id}/resident-view",
    response_model=ResidentView,
    responses={
        200: {"description": "The texts, in the language asked for.", "headers": _LANGUAGE_HEADERS},
        403: {"description": "The participant token is for another session."},
    },
)
def read_resident_view(
    session_id: ResourceId,
    participant: CurrentParticipant,
    db: SessionDep,
    settings: SettingsDep,
    response: Response,
    accept_language: AcceptLanguageHeader = None,
) -> ResidentView:
    """The session and its priorities as at check-in, in another language (`Accept-Language`)."""
    limits.require_own_session(participant, session_id)
    language = negotiate_language(accept_language)
    row = service.get_dialogue_session(db, session_id=session_id, actor=None)
    response.headers["Content-Language"] = language.value
    response.headers["Vary"] = "Accept-Language"
    return service.resident_texts(
        db,
        row=row,
        contact_retention_days=settings.contact_retention_days,
        language=language,
    )
