"""Reading the audit trail that django-simple-history keeps for every business record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {"+": _("Tạo mới"), "~": _("Sửa"), "-": _("Xoá")}
# Derived bookkeeping that is not a user's change.
HIDDEN_FIELDS = {"name_folded", "path", "depth"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    action_label: str
    object_id: int
    object_label: str
    reason: str
    changes: list[FieldChange]


def _display(record, field_name: str, model: type[Model] | None = None) -> str:
    field = record._meta.get_field(field_name)
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "—"
    mask = getattr(model, "masked_fields", {}).get(field_name)
    if mask is not None:  # personal values stay masked in the audit trail (revealed only on the record, logged)
        return mask(str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(record, field_name, None)
        return str(related) if related is not None else f"#{value}"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def history_entries(model: type[Model], scoped: QuerySet, limit: int = 50) -> list[HistoryEntry]:
    """Newest first: who changed which of the scoped records, when, and each field before and after."""
    records = (
        model.history.filter(id__in=scoped.values("pk"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    entries = []
    for record in records:
        previous = record.prev_record
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                label = str(model._meta.get_field(change.field).verbose_name)
                changes.append(
                    FieldChange(label, _display(previous, change.field, model), _display(record, change.field, model))
                )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else str(_("hệ thống")),
                action=record.history_type,
                action_label=str(ACTION_LABELS.get(record.history_type, record.history_type)),
                object_id=record.id,
                object_label=str(record.instance) if record.history_type != "-" else getattr(record, "name", ""),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
