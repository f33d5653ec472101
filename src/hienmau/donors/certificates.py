"""The donation certificate (giấy chứng nhận hiến máu tình nguyện) as a one-page PDF, and the donor card.

Decision 1995/2004/QĐ-BYT: a certificate is issued after every donation; it honours the donor and entitles
them to blood free of charge, up to the amount they gave, at public health facilities nationwide.
The PDF is A5 landscape with the national motto header of Decree 30/2020/NĐ-CP, set in Times New Roman.

Both carry a QR code of the public check page `/c/<certificate_token>/`, drawn here with segno as inline
SVG (nothing is fetched while rendering). The address is absolute: HIENMAU_PUBLIC_BASE_URL when the
deployment sets it (staff may reach the site by an internal name the public cannot use), else the
address of the request that asked for the document.

Personal data: the certificate shows the donor's name, year of birth (not the full date: the paper is
carried around and shown to strangers, and the year is enough to tell namesakes apart next to the
certificate number), the blood group unless it is only self-declared, and nothing else about them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hienmau.core.clock import today
from hienmau.core.lib.documents import FONT_STACK, MOTTO, MOTTO_2, place_date_line
from hienmau.donors.lib.certificate_text import component_phrase
from hienmau.donors.models import BloodGroupSource, Donation, Donor, Outcome, RhFactor
from hienmau.donors.services import eligibility_for, issue_certificate

DEFAULT_FACILITY_TITLE = "CƠ SỞ TIẾP NHẬN MÁU"
PUBLIC_PREFIX = "/c/"  # where the project mounts hienmau.donors.public_urls


# --- the public address and its QR code ---------------------------------------------------------


def verification_path(token: str) -> str:
    try:
        return reverse("public_certificates:certificate_verify", args=[token])
    except NoReverseMatch:  # the public pages are not mounted (yet): the documented address still holds
        return f"{PUBLIC_PREFIX}{token}/"


def verification_url(request, donation: Donation) -> str:
    """The absolute address a certificate's QR code opens; the donation must have its token already."""
    if not donation.certificate_token:
        raise ValueError("donation has no certificate token; issue the certificate first")
    path = verification_path(donation.certificate_token)
    base = (getattr(settings, "HIENMAU_PUBLIC_BASE_URL", "") or "").strip()
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_svg(data: str) -> str:
    """An inline <svg> QR code that scales to whatever size CSS gives it (medium error correction)."""
    code = segno.make(data, error="m", micro=False)
    return code.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff", svgclass="qr")


# --- the certificate ----------------------------------------------------------------------------


def ensure_issued(donation: Donation) -> Donation:
    """The donation with a certificate number and a token: issued now if it had neither.

    An older record may carry a number (typed in, or imported) but no token; it gets one, so its
    certificate can be checked too.
    """
    if donation.outcome != Outcome.DONATED:
        raise ValidationError(_("Chỉ cấp giấy chứng nhận cho lần đã hiến máu."))
    if donation.donor.erased_at is not None:
        raise ValidationError(_("Người hiến máu đã yêu cầu xoá dữ liệu; không thể in giấy chứng nhận."))
    if not donation.certificate_number:
        return issue_certificate(donation)
    if not donation.certificate_token:
        with transaction.atomic():
            locked = Donation.objects.select_for_update().get(pk=donation.pk)
            if not locked.certificate_token:
                locked.ensure_certificate_token()
                locked.save(update_fields=["certificate_token"])
            donation.certificate_token = locked.certificate_token
    return donation


def blood_group_text(donor: Donor) -> str:
    """'O Rh+', 'AB Rh−', 'B' (Rh unknown); empty when unknown."""
    if not donor.abo:
        return ""
    rh_text: dict[str, str] = {RhFactor.POSITIVE: " Rh+", RhFactor.NEGATIVE: " Rh−"}
    rh = rh_text.get(donor.rh, "")
    return f"{donor.abo}{rh}"


def salutation(donor: Donor) -> str:
    return {"M": "Ông", "F": "Bà"}.get(donor.sex, "Ông/Bà")


def certificate_context(donation: Donation, request=None) -> dict:
    donor, facility = donation.donor, donation.facility
    # A certificate asserts what the facility knows; a blood group the donor only told us is left off.
    show_group = donor.blood_group_source != BloodGroupSource.SELF_DECLARED
    url = verification_url(request, donation)
    with translation.override("vi"):
        component = str(donation.get_component_display())
    return {
        "d": donation,
        "facility_title": facility.full_name.upper() if facility else DEFAULT_FACILITY_TITLE,
        "number": donation.certificate_number,
        "salutation": salutation(donor),
        "full_name": donor.full_name,
        "birth_year": donor.date_of_birth.year if donor.date_of_birth else None,
        "blood_group": blood_group_text(donor) if show_group else "",
        "rare_group": show_group and donor.is_rare_group,
        "given": component_phrase(donation.volume_ml, component),
        "where": donation.drive_name or (facility.full_name if facility else ""),
        "place_date": place_date_line(facility.document_place if facility else "", donation.date),
        "verify_url": url,
        "qr": qr_svg(url),
        "motto": MOTTO,
        "motto_2": MOTTO_2,
        "font_stack": ", ".join(FONT_STACK),
    }


def certificate_html(donation: Donation, request=None) -> str:
    donation = ensure_issued(donation)
    with translation.override("vi"):
        return render_to_string("donors/certificate.html", certificate_context(donation, request))


def certificate_pdf(donation: Donation, request=None) -> bytes:
    """One A5 landscape page; issues the certificate (number and token) first if it has none."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # Everything is inline (the QR code is SVG in the page, fonts come from fontconfig): refuse every URL.
    return HTML(string=certificate_html(donation, request), url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def safe_filename_part(text: str) -> str:
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "-" for ch in text).strip("-.") or "x"


# --- the donor card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DonorCard:
    donor: Donor
    blood_group: str
    rare_group: bool
    donation_count: int
    last_donation: datetime.date | None
    eligible_now: bool
    eligible_from: datetime.date | None
    as_of: datetime.date
    certificate_number: str | None
    verify_url: str | None
    qr: str | None


def donor_card_data(donor: Donor, request=None) -> DonorCard:
    """What the printable card shows. Deferral reasons are health data and never appear on it."""
    on = today()
    donated = donor.donations.donated()
    stats = donated.aggregate(count=Count("pk"), last=Max("date"))
    latest = (
        donated.filter(certificate_token__isnull=False).exclude(certificate_token="").order_by("-date", "-pk").first()
    )
    # Without a date of birth the age rule cannot be checked: the card sends the donor to ask.
    verdict = eligibility_for(donor, on=on) if donor.date_of_birth else None
    url = verification_url(request, latest) if latest else None
    return DonorCard(
        donor=donor,
        blood_group=blood_group_text(donor),
        rare_group=donor.is_rare_group,
        donation_count=stats["count"],
        last_donation=stats["last"],
        eligible_now=bool(verdict and verdict.eligible),
        eligible_from=verdict.eligible_from if verdict and not verdict.eligible else None,
        as_of=on,
        certificate_number=latest.certificate_number if latest else None,
        verify_url=url,
        qr=qr_svg(url) if url else None,
    )
