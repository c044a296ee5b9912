"""The participation report of a dialogue, as HTML or PDF."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.core.access import Actor
from api.core.deps import ResourceId, SessionDep, SettingsDep
from api.core.languages import negotiate
from api.core.negotiation import prefers_pdf
from api.reports import service
from api.reports.html import participation_report_html
from api.reports.models import ReportFormat, ReportLanguage
from api.reports.pdf import participation_report_pdf
from api.staff.dependencies import bearer_token, get_actor

router = APIRouter(tags=["Participation report"])

# The report is one self-contained page: its own styles, nothing loaded, nothing run.
_REPORT_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'"
)


def get_reader(
    request: Request,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_token)],
) -> Actor | None:
    """The signed-in staff member, or None for an anonymous reader (a bad token is a 401)."""
    return get_actor(request, settings, token) if token else None


ReaderDep = Annotated[Actor | None, Depends(get_reader)]


@router.get(
    "/dialogues/{id}/participation-report",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The participatieverslag: who took part, about what, when and where, "
            "how many, the results, what was done with them and why, and the method.",
            "headers": {
                "Content-Language": {
                    "description": "The report's language.",
                    "schema": {"type": "string", "enum": ["nl", "en"]},
                }
            },
        },
        404: {"description": "No such dialogue, or (without sign-in) no published report."},
    },
)
def read_participation_report(
    dialogue_id: ResourceId,
    reader: ReaderDep,
    db: SessionDep,
    request: Request,
    report_format: Annotated[
        ReportFormat | None,
        Query(alias="format", description="`pdf` or `html`; without it, the Accept header."),
    ] = None,
    lang: Annotated[
        ReportLanguage | None,
        Query(description="`nl` or `en`; without it, the Accept-Language header (Dutch)."),
    ] = None,
) -> Response:
    """The dialogue's participation report (Omgevingsbesluit art. 10.7/10.8), printable A4.

    Staff of the dialogue's municipality (analysts, coordinators, admins) may read it at any
    time, marked as a draft until the report-back is published; anyone may once it is."""
    dialogue = service.readable_dialogue(db, dialogue_id=dialogue_id, actor=reader)
    language = lang or ReportLanguage(
        negotiate(
            request.headers.get("accept-language"),
            [language.value for language in ReportLanguage],
            default=ReportLanguage.NL.value,
        )
    )
    report = service.participation_report(db, dialogue=dialogue, language=language)
    headers = {
        "Content-Language": language.value,
        "Vary": "Accept, Accept-Language",
        "Content-Security-Policy": _REPORT_CONTENT_SECURITY_POLICY,
    }
    if report.draft:
        headers["Cache-Control"] = "private, no-store"
    pdf = (
        report_format is ReportFormat.PDF
        if report_format
        else prefers_pdf(request.headers.get("accept", ""))
    )
    if pdf:
        filename = f"participatieverslag-{dialogue_id}-{language.value}.pdf"
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
        return Response(
            participation_report_pdf(report), media_type="application/pdf", headers=headers
        )
    return HTMLResponse(participation_report_html(report), headers=headers)
