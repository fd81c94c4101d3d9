"""SDMX REST (structure queries for codelists), mounted at /sdmx/. FHIR is in ``fhir_urls``."""

from django.urls import path

from . import views

app_name = "sdmx"

urlpatterns = [
    path("codelist/<str:agency>/<str:code>/<str:version>", views.sdmx_codelist, name="codelist"),
    path("codelist/<str:agency>/<str:code>/<str:version>/", views.sdmx_codelist),
    path("codelist/<str:agency>/<str:code>", views.sdmx_codelist, name="codelist_latest"),
]
