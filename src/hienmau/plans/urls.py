from django.urls import path

from hienmau.plans import draft_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("import/", views.plan_import, name="plan_import"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/grid/", views.plan_grid, name="plan_grid"),
    path("<int:pk>/grid/cell/", views.grid_cell, name="grid_cell"),
    path("<int:pk>/grid/rows/", views.grid_add_row, name="grid_add_row"),
    path("<int:pk>/grid/buckets/", views.grid_add_bucket, name="grid_add_bucket"),
    path("<int:pk>/targets/", views.plan_targets, name="plan_targets"),
    path("<int:pk>/issue/", views.plan_issue, name="plan_issue"),
    path("<int:pk>/amend/", views.plan_amend, name="plan_amend"),
    path("<int:pk>/amend/issue/", views.plan_amendment_issue, name="plan_amendment_issue"),
    path("<int:pk>/draft-next-year/", draft_views.plan_draft, name="plan_draft"),
    path("<int:pk>/history/", views.plan_history, name="plan_history"),
    path("<int:pk>/attachments/", views.plan_attach, name="plan_attach"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.plan_attachment, name="plan_attachment"),
    path("<int:pk>/export.<str:fmt>", views.plan_export, name="plan_export"),
]
