from django.urls import path

from hienmau.humanitarian import views

app_name = "humanitarian"

urlpatterns = [
    path("", views.beneficiary_list, name="beneficiary_list"),
    path("new/", views.beneficiary_create, name="beneficiary_create"),
    path("<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("<int:pk>/edit/", views.beneficiary_edit, name="beneficiary_edit"),
    path("<int:pk>/history/", views.beneficiary_history, name="beneficiary_history"),
    path("<int:pk>/reveal/<str:field>/", views.beneficiary_reveal, name="beneficiary_reveal"),
    path("<int:pk>/erase/", views.beneficiary_erase, name="beneficiary_erase"),
    path("<int:pk>/pledges/", views.pledge_create, name="pledge_create"),
    path("<int:pk>/pledges/<int:pledge_pk>/deliveries/", views.delivery_create, name="delivery_create"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("sponsors/", views.sponsor_list, name="sponsor_list"),
    path("report/", views.report, name="report"),
    path("report.<str:fmt>", views.report_export, name="report_export"),
]
