"""Flows that end in the ballot box: changing a dialogue, whose priorities are fixed in number
once a ballot is in."""

from sqlmodel import Session

from api.ballots import service
from api.core.access import Actor
from api.dialogues import service as dialogues
from api.dialogues.models import Dialogue
from api.dialogues.schemas import DialogueUpdate


def update_dialogue(
    db: Session, *, dialogue_id: int, changes: DialogueUpdate, actor: Actor
) -> Dialogue:
    """Change a dialogue; once residents voted, priorities can be reworded but not added or
    removed (ballots set aside or voided count too)."""
    dialogue = dialogues.get_dialogue(db, dialogue_id=dialogue_id, actor=actor)
    has_ballots = service.count_ballots(db, dialogue_id=dialogue_id, include_set_aside=True) > 0
    return dialogues.update_dialogue(
        db, dialogue=dialogue, changes=changes, has_ballots=has_ballots
    )
