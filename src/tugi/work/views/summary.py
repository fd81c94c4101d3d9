"""Pages of the summary topic: "My week", the signed-in user's pending items across Tugi (the same
list as the weekly summary e-mail)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from ..selectors_summary import pending_for
from ..services.summary import week_key


@login_required
def summary_mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = pending_for(request.user, today)
    return render(
        request,
        "work/summary_mine.html",
        {"groups": groups, "week": week_key(today), "count": sum(len(g.items) for g in groups)},
    )


urlpatterns: list[URLPattern] = [
    path("my-week/", summary_mine, name="summary_mine"),
]
