"""The public check of a certificate, opened from its QR code by anyone, without logging in.

It confirms that the paper is genuine and shows only what is printed on it anyway, minus what identifies
the person: the number, the date, what was given, the facility, and the donor as family name plus
initials. Never the date of birth, CCCD, phone or address. Unknown or mistyped tokens get a plain 404.
"""

import re

from django.shortcuts import render
from django.views.decorators.http import require_safe

from hienmau.core.ratelimit import rate_limited
from hienmau.donors.lib.certificate_text import component_phrase, masked_name
from hienmau.donors.models import Donation

# Tokens are secrets.token_urlsafe() text (24 characters today); anything else is not worth a query.
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,32}")


def _certificate(token: str) -> Donation | None:
    if not TOKEN.fullmatch(token):
        return None
    donation = (
        Donation.objects.donated()
        .select_related("donor", "facility")
        .filter(certificate_token=token, certificate_number__isnull=False, donor__erased_at__isnull=True)
        .first()
    )
    # Compared again in Python so that a case-insensitive collation can never match a near miss.
    if donation is None or donation.certificate_token != token:
        return None
    return donation


@require_safe
@rate_limited("HIENMAU_RATE_CERTIFICATE_CHECK")
def certificate_verify(request, token):
    donation = _certificate(token)
    if donation is None:
        response = render(request, "donors/certificate_not_found.html", status=404)
    else:
        facility = donation.facility
        response = render(
            request,
            "donors/certificate_verify.html",
            {
                "number": donation.certificate_number,
                "date": donation.date,
                "given": component_phrase(donation.volume_ml, str(donation.get_component_display())),
                "facility": facility.full_name if facility else donation.drive_name,
                "donor_name": masked_name(donation.donor.full_name),
            },
        )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
