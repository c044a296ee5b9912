"""Whether a municipality is a member of a region now."""

from sqlmodel import Session, select

from api.membership.models import MembershipStatus, RegionMember


def is_joined(db: Session, *, region_id: int, municipality_id: int) -> bool:
    """Whether the municipality is a member of the region now."""
    member = db.get(RegionMember, (region_id, municipality_id))
    return member is not None and member.status is MembershipStatus.JOINED


def joined_municipality_ids(db: Session, *, region_id: int) -> frozenset[int]:
    """The municipalities that are members of the region now."""
    return frozenset(
        db.execute(
            select(RegionMember.municipality_id)
            .where(RegionMember.region_id == region_id)
            .where(RegionMember.status == MembershipStatus.JOINED)
        ).scalars()
    )
