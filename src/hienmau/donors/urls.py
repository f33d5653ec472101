from django.urls import path

from hienmau.donors import access_log_views, views

app_name = "donors"
urlpatterns = [
    path("", views.donor_list, name="donor_list"),
    path("new/", views.donor_create, name="donor_create"),
    path("eligibility/", views.eligibility_check, name="eligibility_check"),
    path("import/", views.history_import, name="history_import"),
    path("benefits/", views.benefit_report, name="benefit_report"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/proposals/<int:pk>/", views.review_proposal, name="review_proposal"),
    path("review/transfers/<int:pk>/", views.review_transfer, name="review_transfer"),
    path("<int:pk>/", views.donor_detail, name="donor_detail"),
    path("<int:pk>/edit/", views.donor_edit, name="donor_edit"),
    path("<int:pk>/history/", views.donor_history, name="donor_history"),
    path("<int:pk>/donations/new/", views.donation_create, name="donation_create"),
    path("<int:pk>/export/", views.donor_export, name="donor_export"),
    path("<int:pk>/erase/", views.donor_erase, name="donor_erase"),
    path("<int:pk>/reveal/<str:field>/", views.donor_reveal, name="donor_reveal"),
    path("access-log/", access_log_views.access_log_page, name="access_log"),
    path("<int:pk>/merge/<int:other_pk>/", views.merge_preview, name="merge_preview"),
    path("merges/<int:merge_pk>/undo/", views.merge_undo, name="merge_undo"),
]
