from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hienmau.core import auth_views as auth_login
from hienmau.orgs import views as org_views
from hienmau.reports import home_views

# One way in: the admin site's login page sends to the site's own (password, then the second factor).
admin.site.login = auth_login.admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("units/", include("hienmau.orgs.urls")),
    path("plans/", include("hienmau.plans.urls")),
    path("donors/", include("hienmau.donors.urls")),
    path("donors/", include("hienmau.donors.certificate_urls")),
    path("c/", include("hienmau.donors.public_urls")),
    path("drives/", include("hienmau.drives.urls")),
    path("drives/", include("hienmau.drives.checkin_urls")),
    path("r/", include("hienmau.drives.public_urls")),
    path("results/", include("hienmau.results.urls")),
    path("reports/", include("hienmau.reports.urls")),
    path("standby/", include("hienmau.standby.urls")),
    path("honours/", include("hienmau.honours.urls")),
    path("humanitarian/", include("hienmau.humanitarian.urls")),
    path("outreach/", include("hienmau.outreach.urls")),
    path("demand/", include("hienmau.demand.urls")),
    path("api/", include("hienmau.api.urls")),
    path("account/api-tokens/", include("hienmau.api.account_urls")),
    path("account/two-factor/", include("hienmau.core.second_factor_urls")),
    path("jobs/", include("hienmau.jobs.urls")),
    path("switch-unit/", org_views.switch_unit, name="switch_unit"),
    path("accounts/login/", auth_login.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "hienmau.core.middleware.server_error"
