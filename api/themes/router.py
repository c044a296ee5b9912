"""The brede welvaart theme taxonomy."""

from fastapi import APIRouter, status

from api.core.deps import CbsCodePath, SessionDep
from api.municipalities import service as municipalities
from api.staff.dependencies import ManagerActor
from api.themes import service
from api.themes.schemas import ThemeCreate, ThemePublic

router = APIRouter(tags=["Themes"])


@router.get("/themes", response_model=list[ThemePublic])
def list_default_themes(db: SessionDep) -> list[ThemePublic]:
    """The default theme taxonomy (CBS Monitor Brede Welvaart, plus two), with SDGs."""
    return [service.to_public(theme) for theme in service.list_themes(db)]


@router.get("/municipalities/{cbsCode}/themes", response_model=list[ThemePublic])
def list_municipality_themes(cbs_code: CbsCodePath, db: SessionDep) -> list[ThemePublic]:
    """The themes a municipality's dialogues can use: the defaults and its own."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=None)
    return [
        service.to_public(theme, municipality_code=cbs_code if theme.municipality_id else None)
        for theme in service.list_themes(db, municipality_id=municipality.id)
    ]


@router.post(
    "/municipalities/{cbsCode}/themes",
    response_model=ThemePublic,
    status_code=status.HTTP_201_CREATED,
)
def create_municipality_theme(
    cbs_code: CbsCodePath, body: ThemeCreate, actor: ManagerActor, db: SessionDep
) -> ThemePublic:
    """Add a theme of the municipality's own."""
    municipality = municipalities.get_municipality(db, cbs_code=cbs_code, actor=actor)
    theme = service.create_theme(db, municipality_id=municipality.id, theme=body)  # type: ignore[arg-type]  # a stored row's id is set; SQLModel types it int | None
    return service.to_public(theme, municipality_code=cbs_code)
