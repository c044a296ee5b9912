"""Every table model, imported so that `SQLModel.metadata` knows the whole schema."""

from api.agenda.models import AgendaItem, AgendaItemPriority, ReportBackResponse
from api.audit.models import AuditEvent
from api.ballots.models import Ballot, BallotItem, PendingBallot
from api.context.models import PopulationFigure, WellbeingFigure
from api.dialogues.models import Dialogue, Priority
from api.idempotency.models import IdempotencyRecord
from api.integrity.models import SetAside
from api.municipalities.models import Municipality, Neighbourhood
from api.pledges.models import ContactOffer, ContactOfferCount, Pledge
from api.results.models import (
    GroupTally,
    ReleasedBallot,
    ReleasedOffer,
    ReleasedPledge,
    ResultState,
)
from api.sessions.models import Participant, Session, SessionFacilitator
from api.staff.models import StaffMunicipality, StaffUser
from api.themes.models import Theme
from api.venues.models import Venue

__all__ = [
    "AgendaItem",
    "AgendaItemPriority",
    "ReportBackResponse",
    "AuditEvent",
    "Ballot",
    "BallotItem",
    "Dialogue",
    "GroupTally",
    "IdempotencyRecord",
    "Municipality",
    "Neighbourhood",
    "Participant",
    "PendingBallot",
    "Pledge",
    "PopulationFigure",
    "ContactOffer",
    "ContactOfferCount",
    "Priority",
    "ReleasedBallot",
    "ReleasedOffer",
    "ReleasedPledge",
    "ResultState",
    "Session",
    "SessionFacilitator",
    "SetAside",
    "StaffMunicipality",
    "StaffUser",
    "Theme",
    "Venue",
    "WellbeingFigure",
]
