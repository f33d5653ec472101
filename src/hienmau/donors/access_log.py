"""The access log an auditor reads: who revealed or exported whose personal data, when and why.

The rows are RevealLog's (donors/models.py), written by the one reveal mechanism (donors/privacy.py) and
the club export; they are append-only (the model refuses delete, and on PostgreSQL a trigger refuses
UPDATE of anything but the reason, which erasure scrubs, and any DELETE: migration 0013).

An auditor (a leader, or an administrator) of a unit sees the rows about donors their scope reaches and
the rows written by users who hold a role in a unit of the scope (which covers records of other apps,
e.g. humanitarian beneficiaries, that only those users could reach).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hienmau.donors.models import Donor, RevealLog
from hienmau.orgs.models import Membership, Role
from hienmau.orgs.scoping import Scope

AUDITING_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def may_audit(scope: Scope) -> bool:
    return scope.role in AUDITING_ROLES


@dataclass(frozen=True)
class Filters:
    user: str = ""  # part of a username or name
    field: str = ""  # "cccd", "phone", "export"
    donor: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None  # included


def entries(scope: Scope, filters: Filters) -> QuerySet[RevealLog]:
    """The scope's rows matching the filters, newest first, with the user and donor joined."""
    rows = RevealLog.objects.all()
    if not scope.everything:
        donors = Donor.objects.visible_to(scope).values("pk")
        acting = Membership.objects.filter(scope.unit_filter("unit__")).values("user")
        rows = rows.filter(Q(donor__in=donors) | Q(user__in=acting))
    if filters.user:
        rows = rows.filter(
            Q(user__username__icontains=filters.user)
            | Q(user__first_name__icontains=filters.user)
            | Q(user__last_name__icontains=filters.user)
        )
    if filters.field:
        rows = rows.filter(field=filters.field)
    if filters.donor:
        rows = rows.filter(donor_id=filters.donor)
    if filters.since:
        rows = rows.filter(at__date__gte=filters.since)
    if filters.until:
        rows = rows.filter(at__date__lte=filters.until)
    return rows.select_related("user", "donor").order_by("-at", "-pk")
