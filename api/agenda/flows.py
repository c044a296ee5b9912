"""Flows that end in the agenda: the public page of a dialogue, its results with the report back."""

from sqlmodel import Session

from api.agenda import service
from api.agenda.schemas import DialoguePage
from api.core.translations import Language
from api.dialogues.models import Dialogue
from api.results import reading


def dialogue_page(db: Session, *, dialogue: Dialogue, language: Language) -> DialoguePage:
    """The public page: the released ranking and, once published, the report back and agenda
    in `language`."""
    page = DialoguePage(**dict(reading.dialogue_page(db, dialogue=dialogue)))
    if service.is_published(dialogue):
        page.report_back = service.report_back_of(db, dialogue=dialogue, language=language)
        page.agenda = service.agenda_of(db, dialogue=dialogue, language=language)
    return page
