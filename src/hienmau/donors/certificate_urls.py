"""Staff documents about donors: the certificate PDF and the printable card. Mounted at "donors/"."""

from django.urls import path

from hienmau.donors import certificate_views

app_name = "donor_documents"
urlpatterns = [
    path("donations/<int:pk>/certificate.pdf", certificate_views.donation_certificate, name="donation_certificate"),
    path("<int:pk>/card/", certificate_views.donor_card, name="donor_card"),
]
