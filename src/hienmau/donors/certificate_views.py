"""Staff documents for a donor: the certificate of one donation (PDF) and a printable donor card.

Both reach the donor through the scope: a donor nobody in the user's units knows is a 404.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from hienmau.donors.certificates import certificate_pdf, donor_card_data, ensure_issued, safe_filename_part
from hienmau.donors.models import Donation, Donor
from hienmau.orgs.scoping import require_edit, scope_required


def _visible_donors(scope):
    """Donors in the scope, not merged away and not erased (their certificates went with their identity)."""
    return Donor.objects.visible_to(scope).active()


@scope_required
def donation_certificate(request, pk):
    donation = get_object_or_404(
        Donation.objects.donated().select_related("donor", "facility").filter(donor__in=_visible_donors(request.scope)),
        pk=pk,
    )
    if not donation.certificate_number:
        require_edit(request.scope)  # giving out a number is a change; read-only roles may only reprint
    donation = ensure_issued(donation)
    response = HttpResponse(certificate_pdf(donation, request), content_type="application/pdf")
    name = f"giay-chung-nhan-{safe_filename_part(donation.certificate_number)}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@scope_required
def donor_card(request, pk):
    donor = get_object_or_404(_visible_donors(request.scope), pk=pk)
    return render(request, "donors/card.html", {"card": donor_card_data(donor, request)})
