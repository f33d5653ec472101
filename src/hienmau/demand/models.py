"""What each collecting facility (hospital, blood centre) needs, in blood units per month: entered on
the web pages or imported from a sheet. A unit's need is the sum over the facilities inside its area."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hienmau.orgs.models import Unit
from hienmau.orgs.scoping import Scope


class NeedQuerySet(models.QuerySet):
    def visible_to(self, scope: Scope) -> NeedQuerySet:
        return self.filter(scope.unit_filter("facility__"))

    def under(self, paths) -> NeedQuerySet:
        """The needs of the facilities whose units lie under any of the paths (a unit's reach)."""
        query = Q(pk__in=[])
        for path in paths:
            query |= Q(facility__path__startswith=path)
        return self.filter(query)


class Need(models.Model):
    """One facility's need for one month; `blood_group` blank is the need for every group together."""

    facility = models.ForeignKey(
        Unit, verbose_name=_("cơ sở tiếp nhận"), on_delete=models.PROTECT, related_name="blood_needs"
    )
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    blood_group = models.CharField(_("nhóm máu"), max_length=6, blank=True, help_text=_("Để trống: mọi nhóm máu."))
    units = models.PositiveIntegerField(_("số đơn vị máu cần"))
    source_name = models.CharField(_("nguồn"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords()
    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhu cầu máu")
        verbose_name_plural = _("nhu cầu máu")
        ordering = ["month", "facility__name", "blood_group"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "month", "blood_group"], name="demand_one_need_per_month"),
        ]

    def __str__(self) -> str:
        group = f" ({self.blood_group})" if self.blood_group else ""
        return f"{self.facility} — {self.month:%m/%Y}{group}: {self.units}"

    def save(self, *args, **kwargs):
        if isinstance(self.month, datetime.date):
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)
