"""Every table model, imported so that `SQLModel.metadata` knows the whole schema."""

from api.audit.models import AuditEvent
from api.ballots.models import Ballot, BallotEvent, BallotItem
from api.dialogues.models import Dialogue, Priority
from api.idempotency.models import IdempotencyRecord
from api.municipalities.models import Municipality, Neighbourhood
from api.pledges.models import ContactOffer, ContactOfferCount, Pledge
from api.results.models import GroupTally, ResultState, SessionSnapshot
from api.sessions.models import Participant, Session, SessionFacilitator
from api.staff.models import StaffMunicipality, StaffUser
from api.themes.models import Theme
from api.venues.models import Venue

__all__ = [
    "AuditEvent",
    "Ballot",
    "BallotEvent",
    "BallotItem",
    "Dialogue",
    "GroupTally",
    "IdempotencyRecord",
    "Municipality",
    "Neighbourhood",
    "Participant",
    "Pledge",
    "ContactOffer",
    "ContactOfferCount",
    "Priority",
    "ResultState",
    "Session",
    "SessionFacilitator",
    "SessionSnapshot",
    "StaffMunicipality",
    "StaffUser",
    "Theme",
    "Venue",
]
