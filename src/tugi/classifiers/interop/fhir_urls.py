"""FHIR R4 terminology endpoints, mounted at /fhir/."""

from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("CodeSystem/<str:code>/$lookup", views.fhir_lookup, name="lookup"),
    path("CodeSystem/<str:code>/$validate-code", views.fhir_validate_code, name="validate_code"),
    path("CodeSystem/<str:code>", views.fhir_code_system, name="code_system"),
]
