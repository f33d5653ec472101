"""The outreach app's eraser. A volunteer is a registry person: the donors app anonymises the record, and
the roster row stays (pointing at it) so a plan's volunteer count and hours stay true; what the roster
says about the person goes and they leave the roster. Sponsors are the humanitarian app's (its eraser)."""

from __future__ import annotations

from hienmau.core.erasure import Identity, register_eraser
from hienmau.outreach.models import Service, Volunteer, VolunteerStatus


def erase_outreach(identity: Identity) -> None:
    Volunteer.objects.filter(donor_id__in=identity.donor_ids).update(status=VolunteerStatus.LEFT, skills="")
    Service.objects.filter(volunteer__donor_id__in=identity.donor_ids).update(task="")


def register() -> None:
    register_eraser(erase_outreach, holds=["outreach.Volunteer", "outreach.Service"])
