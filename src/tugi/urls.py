from django.contrib.auth import views as auth_views
from django.urls import include, path

from tugi.api import api
from tugi.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("work/", include("tugi.work.urls")),
    path("access/", include("tugi.access.urls")),
    path("classifiers/", include("tugi.classifiers.urls")),
    path("pensions/", include("tugi.pensions.urls")),
    path("delivery/", include("tugi.delivery.urls")),
    path("testing/", include("tugi.testing.urls")),
    path("finance/", include("tugi.finance.urls")),
    path("scim/v2/", include("tugi.access.scim.urls")),
    path("sdmx/", include("tugi.classifiers.interop.urls")),
    path("fhir/", include("tugi.classifiers.interop.fhir_urls")),
    path("ofrep/", include("tugi.delivery.ofrep_urls")),
    path("", include("tugi.core.urls")),
]
