from django.urls import path

from hienmau.honours import views

app_name = "honours"
urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/refresh/", views.round_refresh, name="round_refresh"),
    path("<int:pk>/approve/", views.round_approve, name="round_approve"),
    path("<int:pk>/people/<int:honour_pk>/", views.honour_toggle, name="honour_toggle"),
    path("<int:pk>/export/<str:kind>/", views.round_export, name="round_export"),
    path("import/", views.past_import, name="past_import"),
    path("review/", views.review, name="review"),
    path("review/<int:honour_pk>/", views.review_choose, name="review_choose"),
    path("tiers/", views.tiers, name="tiers"),
    path("tiers/<int:pk>/delete/", views.tier_delete, name="tier_delete"),
]
