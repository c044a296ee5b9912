"""Writing the audit log."""

from collections.abc import Mapping

from pydantic import JsonValue
from sqlmodel import Session

from api.audit.models import AuditEvent


def record_event(
    db: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    detail: Mapping[str, JsonValue] | None = None,
) -> None:
    """Add an audit event to the session's transaction (kept only if that commits)."""
    db.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=dict(detail or {}),
        )
    )
