"""The audit log's single writer, called by services inside their transaction."""

from typing import Any

from django.db import models

from core.models import AuditEntry


def record(actor, action: str, obj: models.Model | None = None, data: dict[str, Any] | None = None) -> AuditEntry:
    """Record that `actor` did `action` to `obj`, with the data changed."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        data={key: plain(value) for key, value in (data or {}).items()},
    )


def plain(value: Any) -> Any:
    """A value the JSON column can hold: related objects by their label, files by their name."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return [plain(item) for item in value]
    if hasattr(value, "read") and hasattr(value, "name"):
        return value.name
    return value


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs, as {field: [old, new]}."""
    return {field: [before.get(field), value] for field, value in after.items() if before.get(field) != value}
