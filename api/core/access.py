"""Who is acting: staff roles and the municipalities a staff member may work in."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a staff member may do. An admin may do everything, in every municipality; a
    coordinator everything an admin may, inside their own municipalities."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    FACILITATOR = "facilitator"
    ANALYST = "analyst"
    REGIONAL_ANALYST = "regional_analyst"


@dataclass(frozen=True)
class Actor:
    """A signed-in staff member, as services see them."""

    user_id: int | None
    role: Role
    municipality_ids: frozenset[int] = field(default_factory=frozenset)
    region_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def has_role(self, *roles: Role) -> bool:
        """Admins have every role; coordinators every role but admin (inside their own
        municipalities: `can_access`); others only their own. A regional analyst passes an
        analyst check too, but works in no municipality: every municipality's object is a 404
        to them (they read their regions' figures through `api.regions`)."""
        if self.is_admin or self.role in roles:
            return True
        if self.role is Role.REGIONAL_ANALYST:
            return Role.ANALYST in roles
        return self.role is Role.COORDINATOR and Role.ADMIN not in roles

    def can_access(self, municipality_id: int) -> bool:
        """Admins work everywhere; everyone else only in their own municipalities."""
        return self.is_admin or municipality_id in self.municipality_ids

    def can_read_region(self, region_id: int) -> bool:
        """Admins read every region's figures; a regional analyst only their own regions'."""
        return self.is_admin or region_id in self.region_ids

    def can_manage(self, municipality_id: int) -> bool:
        """Whether the actor runs this municipality: an admin, or one of its coordinators."""
        if self.role is Role.COORDINATOR:
            return municipality_id in self.municipality_ids
        return self.is_admin


SYSTEM = Actor(user_id=None, role=Role.ADMIN)
"""The service itself (the CLI and the demo loader), acting as an admin."""
