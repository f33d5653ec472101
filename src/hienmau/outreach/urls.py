from django.urls import path

from hienmau.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("plans/<int:pk>/", views.plan_activities, name="plan_activities"),
    path("activities/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/file/", views.activity_file, name="activity_file"),
]
urlpatterns += [
    path("volunteers/", views.volunteer_list, name="volunteer_list"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
]
urlpatterns += [
    path("plans/<int:pk>/budget/", views.plan_budget, name="plan_budget"),
    path("plans/<int:pk>/budget/lines/", views.budget_line_add, name="budget_line_add"),
    path("plans/<int:pk>/budget/expenses/", views.expense_add, name="expense_add"),
    path("plans/<int:pk>/budget/contributions/", views.contribution_add, name="contribution_add"),
    path("plans/<int:pk>/budget/<str:kind>/<int:item_pk>/delete/", views.budget_item_delete, name="budget_item_delete"),
    path("plans/<int:pk>/budget/<str:kind>/<int:item_pk>/receipt/", views.budget_receipt, name="budget_receipt"),
    path("plans/<int:pk>/budget/export.<str:kind>", views.budget_export, name="budget_export"),
]
