"""URLs of the access area: every topic module in ``views`` brings its own ``urlpatterns``."""

from tugi.access.views import (
    assignments,
    campaigns,
    catalogue,
    explain,
    people,
    problems,
    profiles,
    reports,
    requests,
    sod,
)

app_name = "access"

urlpatterns = [
    *catalogue.urlpatterns,
    *profiles.urlpatterns,
    *people.urlpatterns,
    *assignments.urlpatterns,
    *requests.urlpatterns,
    *sod.urlpatterns,
    *campaigns.urlpatterns,
    *problems.urlpatterns,
    *explain.urlpatterns,
    *reports.urlpatterns,
]
