from django.db import models

from config.request_meta import client_ip

from ..models import AuditLog


def audit_log(
    *,
    actor,
    action: str,
    entity: models.Model | None = None,
    metadata: dict | None = None,
    request=None,
) -> AuditLog:
    """Record that `actor` did `action` to `entity`: one line at every staff action."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        entity_type=entity._meta.label_lower if entity is not None else "",
        entity_id=str(entity.pk) if entity is not None else "",
        metadata=metadata or {},
        ip=client_ip(request) if request is not None else None,
    )
