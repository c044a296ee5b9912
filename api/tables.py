"""Every table model, imported so that `SQLModel.metadata` knows the whole schema."""

from api.agenda.models import AgendaItem, AgendaItemPriority, ReportBackResponse
from api.audit.models import AuditEvent
from api.context.models import PopulationFigure, WellbeingFigure
from api.core.ratelimit import RateLimitCounter
from api.dialogues.models import Dialogue, Priority
from api.ideas.models import Idea, IdeaCount
from api.idempotency.models import IdempotencyRecord
from api.integrity.models import SetAside
from api.membership.models import Region, RegionMember
from api.municipalities.models import Municipality, Neighbourhood
from api.pledges.models import ContactOffer, ContactOfferCount, Pledge
from api.results.models import (
    GroupTally,
    ReleasedBallot,
    ReleasedOffer,
    ReleasedPledge,
    ReleaseSnapshot,
    ResultState,
)
from api.sessions.ballot_box import Ballot, BallotItem, PendingBallot
from api.sessions.models import DialogueSession, Participant, SessionFacilitator
from api.staff.models import StaffMunicipality, StaffRegion, StaffUser
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
    "Idea",
    "IdeaCount",
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
    "RateLimitCounter",
    "Region",
    "RegionMember",
    "ReleasedBallot",
    "ReleasedOffer",
    "ReleasedPledge",
    "ReleaseSnapshot",
    "ResultState",
    "DialogueSession",
    "SessionFacilitator",
    "SetAside",
    "StaffMunicipality",
    "StaffRegion",
    "StaffUser",
    "Theme",
    "Venue",
    "WellbeingFigure",
]
