"""OFREP (OpenFeature Remote Evaluation Protocol), mounted at /ofrep/ (see ``ofrep``)."""

from django.urls import path

from . import ofrep

app_name = "ofrep"

urlpatterns = [
    path("v1/evaluate/flags", ofrep.evaluate_flags, name="evaluate_flags"),
    path("v1/evaluate/flags/<str:key>", ofrep.evaluate_flag, name="evaluate_flag"),
]
