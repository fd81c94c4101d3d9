from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("search/", views.search, name="search"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/import/", views.person_import, name="person_import"),
    path("persons/<uuid:uid>/", views.person_detail, name="person_detail"),
    path("persons/<uuid:uid>/edit/", views.person_edit, name="person_edit"),
    path("audit/", views.audit_list, name="audit_list"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<uuid:uid>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:uid>/progress/", views.job_progress, name="job_progress"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
]
